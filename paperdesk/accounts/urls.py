from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("profile/", views.profile, name="profile"),
    path("moderation/", views.moderation, name="moderation"),
    path("moderation/bulk/", views.moderation_bulk, name="moderation_bulk"),
    path("moderation/<int:account_id>/approve/", views.moderation_approve, name="moderation_approve"),
    path("moderation/<int:account_id>/reject/", views.moderation_reject, name="moderation_reject"),
]
