from django.urls import path

from . import views

app_name = "venues"
urlpatterns = [
    path("", views.cfp, name="cfp"),
    path("dates/", views.dates, name="dates"),
    path("dates.ics", views.dates_ics, name="dates_ics"),
]
