from django.urls import path

from . import views

app_name = "archival"
urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("import/", views.import_view, name="import"),
    path("dossiers/<int:pk>/package/", views.export, name="export"),
    path("dossiers/<int:pk>/signed-decision/", views.upload_signed, name="upload_signed"),
]
