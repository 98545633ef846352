from django.urls import include, path

from . import views
from .api import api

token_patterns = (
    [
        path("", views.token_list, name="list"),
        path("<int:pk>/revoke/", views.token_revoke, name="revoke"),
    ],
    "api_tokens",
)

urlpatterns = [
    path("v1/", api.urls),
    path("tokens/", include(token_patterns)),
]
