from django.urls import path

from . import outbox_views, views

app_name = "ops"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics_view, name="metrics"),
    # Browsers ask for /favicon.ico where a page names no icon (a PDF, the API's JSON).
    path("favicon.ico", views.favicon, name="favicon"),
    # The chairs' outbox: every e-mail of the venue, with search and resend.
    path("v/<slug:venue_slug>/chair/outbox/", outbox_views.outbox_page, name="outbox"),
    path("v/<slug:venue_slug>/chair/outbox/<int:email_id>/", outbox_views.outbox_message, name="outbox_message"),
    path("v/<slug:venue_slug>/chair/outbox/<int:email_id>/resend/", outbox_views.outbox_resend, name="outbox_resend"),
]
