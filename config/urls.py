from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.api.urls import page_urlpatterns as api_pages

# A failed request: 503 when the database was out of reach, else Django's 500 page.
handler500 = "config.operations.outage.server_error_or_outage"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("config.operations.urls")),  # /healthz, /readyz
    path("api/", include("config.api.urls")),  # the JSON API
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("documents/", include("documents.urls")),
    path("search/", include("search.urls")),
    path("", include("workflow.notifications.urls")),
    path("archival/", include("workflow.archival.urls")),
    path("api/", include(api_pages)),  # the API token page
    path("", include("workflow.urls")),
    prefix_default_language=False,
)
