from django.urls import include, path

from paperdesk.venues import views as venue_views

urlpatterns = [
    path("", venue_views.home, name="home"),
    path("accounts/", include("allauth.urls")),
    path("me/", include("paperdesk.accounts.urls")),
    path("v/<slug:venue_slug>/", include("paperdesk.venues.urls")),
    path("", include("paperdesk.submissions.urls")),
    path("api/", include("paperdesk.api.urls")),
]

handler404 = "paperdesk.venues.views.not_found"
