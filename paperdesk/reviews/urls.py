from django.urls import path

from . import author_response_views, history_views, rating_views, views

app_name = "reviews"
urlpatterns = [
    path("reviews/", views.dashboard, name="dashboard"),
    path("reviews/paper/<str:public_id>/", views.paper, name="paper"),
    path("reviews/paper/<str:public_id>/paper.pdf", views.paper_pdf, name="pdf"),
    path("reviews/paper/<str:public_id>/supplementary.zip", views.paper_supplementary, name="supplementary"),
    path("reviews/paper/<str:public_id>/review/", views.review_save, name="save"),
    path("reviews/paper/<str:public_id>/autosave/", views.review_autosave, name="autosave"),
    path("reviews/paper/<str:public_id>/discussion/", views.discussion, name="discussion"),
    path("reviews/paper/<str:public_id>/meta-review/", views.meta_review, name="meta_review"),
    path("v/<slug:venue_slug>/area-chair/", views.area_chair, name="area_chair"),
    path("reviews/paper/<str:public_id>/history/", history_views.paper_history, name="history"),
    path("reviews/paper/<str:public_id>/history/revert/", history_views.paper_revert, name="history_revert"),
    path("v/<slug:venue_slug>/chair/review-history/", history_views.venue_revert, name="venue_revert"),
    path("v/<slug:venue_slug>/late-reviews/", views.chase, name="chase"),
    path("reviews/paper/<str:public_id>/deadline/", views.extend, name="extend"),
    path("reviews/paper/<str:public_id>/give-back/", views.give_back, name="give_back"),
    path("reviews/paper/<str:public_id>/reviews/<str:review_id>/rate/", rating_views.rate, name="rate"),
    path("submissions/<str:public_id>/response/", author_response_views.respond, name="author_response"),
]
