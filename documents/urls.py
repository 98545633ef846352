from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("dossiers/<int:dossier_pk>/", views.dossier_documents, name="dossier_documents"),
    path("versions/<int:pk>/", views.read_version, name="read"),
    path("versions/<int:pk>/download/", views.download_version, name="download"),
    path("versions/<int:pk>/pdf/", views.download_pdf, name="pdf"),
    path("versions/<int:pk>/integrity/", views.integrity, name="integrity"),
    path("<int:pk>/compare/", views.compare_versions, name="compare"),
]
