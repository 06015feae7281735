from django.urls import path

from . import audit_views as views

app_name = "audit"
urlpatterns = [
    path("v/<slug:venue_slug>/chair/audit/", views.venue_log, name="venue"),
    path("v/<slug:venue_slug>/chair/audit.csv", views.venue_csv, name="venue_csv"),
    path("ops/audit/", views.all_log, name="all"),
    path("ops/audit.csv", views.all_csv, name="all_csv"),
]
