from django.urls import path, re_path
from django.views.generic import RedirectView

from . import views
from .api import api

urlpatterns = [
    path("tokens/", views.tokens, name="api_tokens"),
    path("tokens", RedirectView.as_view(pattern_name="api_tokens", permanent=True)),
    path("tokens/<int:token_id>/revoke/", views.revoke, name="api_token_revoke"),
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
