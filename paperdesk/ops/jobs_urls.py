"""The jobs page's routes (namespace "jobs", as before the page moved up from paperdesk.jobs)."""

from django.urls import path

from . import jobs_views as views

app_name = "jobs"
urlpatterns = [
    path("v/<slug:venue_slug>/chair/jobs/", views.venue_jobs, name="venue"),
    path("ops/jobs/", views.all_jobs, name="all"),
]
