from django.urls import path

from . import email_views, views

app_name = "accounts"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("profile/", views.profile, name="profile"),
    path("email/", email_views.email_preferences_page, name="email_preferences"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/bulk/", views.moderation_bulk, name="moderation_bulk"),
    path("moderation/<int:account_id>/approve/", views.moderation_approve, name="moderation_approve"),
    path("moderation/<int:account_id>/reject/", views.moderation_reject, name="moderation_reject"),
]
