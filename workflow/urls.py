from django.urls import include, path

from . import paper_views, views

app_name = "workflow"
urlpatterns = [
    path("", views.home, name="home"),
    path("inbox/", views.inbox, name="inbox"),
    path("dashboard/", include("workflow.dashboard.urls")),
    path("register/", paper_views.register, name="register"),
    path("dossiers/<int:pk>/rounds/", views.round_open, name="round_open"),
    path("dossiers/<int:pk>/rounds/<int:round_id>/vote/", views.round_vote, name="round_vote"),
    path("dossiers/<int:pk>/rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("dossiers/<int:pk>/appraisal/", views.appraisal_record, name="appraisal_record"),
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/new/", views.dossier_create, name="dossier_create"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/edit/", views.dossier_edit, name="dossier_edit"),
    path(
        "dossiers/<int:pk>/decision-preview/", paper_views.decision_preview, name="decision_preview"
    ),
    path(
        "dossiers/<int:pk>/actions/<slug:action>/",
        views.dossier_transition,
        name="dossier_transition",
    ),
]
