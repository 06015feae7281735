from django.urls import include, path

from paperdesk.venues import views as venue_views

urlpatterns = [
    path("", venue_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("paperdesk.accounts.urls")),
    path("v/<slug:venue_slug>/", include("paperdesk.venues.urls")),
    path("", include("paperdesk.submissions.urls")),
    path("", include("paperdesk.committee.urls")),
    path("", include("paperdesk.reviews.urls")),
    path("", include("paperdesk.decisions.urls")),
    path("", include("paperdesk.cameraready.urls")),
    path("", include("paperdesk.ops.jobs_urls")),  # the jobs page (namespace "jobs")
    path("", include("paperdesk.ops.audit_urls")),
    path("api/", include("paperdesk.api.urls")),
    # /healthz, /readyz and /metrics for load balancers and Prometheus.
    path("", include("paperdesk.ops.urls")),
]

handler400 = "paperdesk.venues.views.bad_request"
handler403 = "paperdesk.venues.views.permission_denied"
handler404 = "paperdesk.venues.views.not_found"
handler500 = "paperdesk.venues.views.server_error"
