from django.urls import path

from . import settings_views, views
from .settings_forms import SECTIONS

app_name = "venues"
urlpatterns = [
    path("", views.cfp, name="cfp"),
    path("dates/", views.dates, name="dates"),
    path("dates.ics", views.dates_ics, name="dates_ics"),
    # The chairs' settings editor: one form per section, the history, export and upload.
    path("chair/settings/", settings_views.settings_index, name="settings"),
    path("chair/settings/history/", settings_views.settings_history, name="settings_history"),
    path("chair/settings/export.toml", settings_views.settings_export, name="settings_export"),
    path("chair/settings/upload/", settings_views.settings_upload, name="settings_upload"),
    *(path(f"chair/settings/{s.slug}/", settings_views.settings_section, {"section": s.slug}, name="settings_" + s.slug.replace("-", "_"))
      for s in SECTIONS),
]
