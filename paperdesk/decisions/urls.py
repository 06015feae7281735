from django.urls import path

from . import views

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
    path("submissions/<str:public_id>/decision/", views.author, name="author"),
]
