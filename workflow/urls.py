from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("", views.home, name="home"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/new/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/edit/", views.dossier_edit, name="dossier_edit"),
    path(
        "dossiers/<int:pk>/actions/<slug:action>/",
        views.dossier_transition,
        name="dossier_transition",
    ),
]
