from django.urls import path

from . import area_chair_views, views

app_name = "committee"

V = "v/<slug:venue_slug>/reviewing/"

urlpatterns = [
    path(V, views.hub, name="hub"),
    path(V + "volunteer/", views.volunteer, name="volunteer"),
    # the reviewer's profile
    path(V + "profile/", views.profile, name="profile"),
    path(V + "profile/publications/import/", views.publications_import, name="publications_import"),
    path(V + "profile/publications/add/", views.publication_add, name="publication_add"),
    path(V + "profile/publications/clear/", views.publications_clear, name="publications_clear"),
    path(V + "profile/publications/<int:publication_id>/delete/", views.publication_delete, name="publication_delete"),
    path(V + "profile/conflicts/", views.reviewer_declare, name="reviewer_declare"),
    path(V + "profile/conflicts/<int:declaration_id>/delete/", views.reviewer_declaration_delete, name="reviewer_declaration_delete"),
    # bidding
    path(V + "bids/", views.bidding, name="bidding"),
    path(V + "bids/<str:public_id>/", views.bid, name="bid"),
    path(V + "bids/<str:public_id>/conflict/", views.bid_conflict, name="bid_conflict"),
    # chairs: the pool
    path(V + "pool/", views.pool, name="pool"),
    path(V + "pool/invite/", views.pool_invite, name="pool_invite"),
    path(V + "pool/remind/", views.pool_remind, name="pool_remind"),
    path(V + "pool/<str:member_id>/decide/", views.pool_decide, name="pool_decide"),
    path(V + "pool/<str:member_id>/min-load/", views.pool_min_load, name="pool_min_load"),
    path(V + "first-authors/", views.first_authors, name="first_authors"),
    path(V + "first-authors/remind/", views.first_authors_remind, name="first_authors_remind"),
    # chairs: conflicts
    path(V + "conflicts/", views.conflicts, name="conflicts"),
    path(V + "conflicts/compute/", views.conflicts_compute, name="conflicts_compute"),
    path(V + "conflicts/aliases/", views.aliases, name="aliases"),
    path(V + "conflicts/aliases/<int:alias_id>/delete/", views.alias_delete, name="alias_delete"),
    # chairs: the assignment
    path(V + "assignment/", views.assignment_page, name="assignment"),
    path(V + "assignment/run/", views.run_start, name="run_start"),
    path(V + "assignment/runs/<str:run_id>/", views.run_status, name="run_status"),
    path(V + "assignment/runs/<str:run_id>/cancel/", views.run_cancel, name="run_cancel"),
    path(V + "assignment/papers/<str:public_id>/add/", views.pair_add, name="pair_add"),
    path(V + "assignment/papers/<str:public_id>/alternates/", views.pair_alternates, name="pair_alternates"),
    path(V + "assignment/papers/<str:public_id>/emergency/", views.pair_emergency, name="pair_emergency"),
    path(V + "assignment/papers/<str:public_id>/emergency/invite/", views.emergency_invite, name="emergency_invite"),
    path(V + "assignment/papers/<str:public_id>/emergency/invitations/<str:invitation_id>/withdraw/", views.emergency_withdraw,
         name="emergency_withdraw"),
    path(V + "assignment/pairs/<int:pair_id>/remove/", views.pair_remove, name="pair_remove"),
    path(V + "assignment/pairs/<int:pair_id>/swap/", views.pair_swap, name="pair_swap"),
    path(V + "assignment/publish/", views.publish, name="publish"),
    # chairs: the area chairs' batches
    path(V + "area-chairs/", area_chair_views.page, name="area_chairs"),
    path(V + "area-chairs/propose/", area_chair_views.propose, name="area_chairs_propose"),
    path(V + "area-chairs/publish/", area_chair_views.publish, name="area_chairs_publish"),
    path(V + "area-chairs/papers/<str:public_id>/add/", area_chair_views.add, name="area_chair_add"),
    path(V + "area-chairs/pairs/<int:pair_id>/move/", area_chair_views.move, name="area_chair_move"),
    path(V + "area-chairs/pairs/<int:pair_id>/remove/", area_chair_views.remove, name="area_chair_remove"),
    # site-wide
    path("reviewing/invitations/<str:token>/", views.invitation, name="invitation"),
    path("reviewing/emergency/<str:token>/", views.emergency_invitation, name="emergency_invitation"),
    path("reviewing/assignments/", views.my_assignments, name="my_assignments"),
    path("reviewing/papers/<str:public_id>/conflicts/", views.author_conflicts, name="author_conflicts"),
    path("reviewing/papers/<str:public_id>/conflicts/<int:declaration_id>/delete/", views.author_conflict_delete, name="author_conflict_delete"),
]
