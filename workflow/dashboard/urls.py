from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="home"),
    path("dossiers/", views.dossier_list, name="dossiers"),
    path("dossiers.<str:fmt>", views.export_dossiers, name="export_dossiers"),
    path("tables/<slug:table>.<str:fmt>", views.export_table, name="export_table"),
    path("report.docx", views.report, name="report"),
]
