from django.urls import path

from resoc.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="list"),
    path("template.csv", views.template, {"file_format": "csv"}, name="template_csv"),
    path("template.xlsx", views.template, {"file_format": "xlsx"}, name="template_xlsx"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/progress/", views.job_progress, name="progress"),
    path("<uuid:public_id>/rerun/", views.rerun, name="rerun"),
    path("<uuid:public_id>/report.csv", views.export, {"file_format": "csv"}, name="export_csv"),
    path("<uuid:public_id>/report.xlsx", views.export, {"file_format": "xlsx"}, name="export_xlsx"),
]
