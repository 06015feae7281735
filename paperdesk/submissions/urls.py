from django.urls import path

from . import archival_views, screening_views, views

app_name = "submissions"
urlpatterns = [
    path("submissions/", views.mine, name="mine"),
    path("v/<slug:venue_slug>/submit/", views.create, name="create"),
    path("v/<slug:venue_slug>/chair/submissions/", views.chair_table, name="chair_table"),
    path("v/<slug:venue_slug>/chair/submissions.csv", views.chair_csv, name="chair_csv"),
    path("v/<slug:venue_slug>/chair/findings/", screening_views.chair_findings, name="chair_findings"),
    path("v/<slug:venue_slug>/chair/contact/", screening_views.chair_contact, name="chair_contact"),
    path("v/<slug:venue_slug>/chair/archival/", archival_views.chair_archival, name="chair_archival"),
    path("submissions/invitations/", views.invitations, name="invitations"),
    path("submissions/invitations/<int:authorship_id>/<str:action>/", views.invitation_answer, name="invitation_answer"),
    path("submissions/<str:public_id>/desk-reject/", screening_views.desk_reject, name="desk_reject"),
    path("submissions/<str:public_id>/reinstate/", screening_views.reinstate, name="reinstate"),
    path("submissions/<str:public_id>/archival/<int:match_id>/dismiss/", archival_views.dismiss, name="archival_dismiss"),
    path("submissions/<str:public_id>/", views.detail, name="detail"),
    path("submissions/<str:public_id>/edit/", views.edit, name="edit"),
    path("submissions/<str:public_id>/upload/", views.upload, name="upload"),
    path("submissions/<str:public_id>/submit/", views.submit, name="submit"),
    path("submissions/<str:public_id>/withdraw/", views.withdraw, name="withdraw"),
    path("submissions/<str:public_id>/restore/", views.restore, name="restore"),
    path("submissions/<str:public_id>/extension/", views.extension, name="extension"),
    path("submissions/<str:public_id>/check/", views.check_status, name="check_status"),
    path("files/<str:upload_public_id>/", views.download, name="download"),
    path("claim/<str:token>/", views.claim, name="claim"),
]
