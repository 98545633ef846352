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

# The JSON API (answers in the language of Accept-Language); the token page is a page of the
# site like any other, in config/urls.py's i18n_patterns (under /en/ in English).
urlpatterns = [path("v1/", api.urls)]
page_urlpatterns = [path("tokens/", include(token_patterns))]
