from django.urls import path

from . import views

app_name = "submissions"
urlpatterns = [
    path("submissions/", views.mine, name="mine"),
    path("v/<slug:venue_slug>/submit/", views.create, name="create"),
    path("v/<slug:venue_slug>/chair/submissions/", views.chair_table, name="chair_table"),
    path("submissions/<str:public_id>/", views.detail, name="detail"),
    path("claim/<str:token>/", views.claim, name="claim"),
]
