"""The camera-ready, program and public accepted-papers pages. Their paths are the ones they
had in the decisions app (links in sent e-mails and bookmarks keep working); their names
moved to the "cameraready" namespace."""

from django.urls import path

from . import views

app_name = "cameraready"
urlpatterns = [
    path("v/<slug:venue_slug>/chair/camera-ready/", views.camera_ready_status, name="camera_ready_status"),
    path("v/<slug:venue_slug>/chair/camera-ready/remind/", views.camera_ready_remind, name="camera_ready_remind"),
    path("v/<slug:venue_slug>/chair/camera-ready/<str:public_id>/extension/", views.camera_ready_extension, name="camera_ready_extension"),
    path("v/<slug:venue_slug>/chair/export/camera-ready.csv", views.camera_ready_csv, name="camera_ready_csv"),
    path("v/<slug:venue_slug>/chair/program/", views.program_publish, name="program_publish"),
    path("v/<slug:venue_slug>/accepted/", views.accepted, name="accepted"),
    path("v/<slug:venue_slug>/accepted/<str:public_id>.pdf", views.public_pdf, name="public_pdf"),
    path("v/<slug:venue_slug>/program.json", views.program_json, name="program_json"),
    path("submissions/<str:public_id>/camera-ready/", views.camera_ready, name="camera_ready"),
    path("submissions/<str:public_id>/camera-ready/metadata/", views.camera_ready_metadata, name="camera_ready_metadata"),
]
