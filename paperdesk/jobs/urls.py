from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("v/<slug:venue_slug>/chair/jobs/", views.venue_jobs, name="venue"),
    path("ops/jobs/", views.all_jobs, name="all"),
]
