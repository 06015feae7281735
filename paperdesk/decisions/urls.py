from django.urls import path

from . import camera_ready_views, views

app_name = "decisions"
urlpatterns = [
    path("v/<slug:venue_slug>/chair/decisions/", views.table, name="table"),
    path("v/<slug:venue_slug>/chair/decisions/set/", views.bulk_set, name="bulk_set"),
    path("v/<slug:venue_slug>/chair/decisions/from-recommendations/", views.from_recommendations, name="from_recommendations"),
    path("v/<slug:venue_slug>/chair/release/", views.release, name="release"),
    path("v/<slug:venue_slug>/chair/release/progress/", views.release_progress, name="release_progress"),
    path("v/<slug:venue_slug>/chair/release/resume/", views.release_resume, name="release_resume"),
    path("v/<slug:venue_slug>/chair/dashboard/", views.dashboard, name="dashboard"),
    path("v/<slug:venue_slug>/chair/export/all.json", views.export_json, name="export_json"),
    path("v/<slug:venue_slug>/chair/export/papers.csv", views.export_csv, name="export_csv"),
    path("v/<slug:venue_slug>/chair/export/reviews.csv", views.export_reviews_csv, name="export_reviews_csv"),
    path("v/<slug:venue_slug>/chair/camera-ready/", camera_ready_views.camera_ready_status, name="camera_ready_status"),
    path("v/<slug:venue_slug>/chair/camera-ready/remind/", camera_ready_views.camera_ready_remind, name="camera_ready_remind"),
    path("v/<slug:venue_slug>/chair/camera-ready/<str:public_id>/extension/", camera_ready_views.camera_ready_extension, name="camera_ready_extension"),
    path("v/<slug:venue_slug>/chair/export/camera-ready.csv", camera_ready_views.camera_ready_csv, name="camera_ready_csv"),
    path("v/<slug:venue_slug>/chair/program/", views.program_publish, name="program_publish"),
    path("v/<slug:venue_slug>/accepted/", views.accepted, name="accepted"),
    path("v/<slug:venue_slug>/accepted/<str:public_id>.pdf", views.public_pdf, name="public_pdf"),
    path("v/<slug:venue_slug>/program.json", views.program_json, name="program_json"),
    path("submissions/<str:public_id>/decision/", views.author, name="author"),
    path("submissions/<str:public_id>/camera-ready/", views.camera_ready, name="camera_ready"),
    path("submissions/<str:public_id>/camera-ready/metadata/", views.camera_ready_metadata, name="camera_ready_metadata"),
]
