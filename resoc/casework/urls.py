from django.urls import path

from resoc.casework import views

app_name = "casework"
urlpatterns = [
    path("", views.my_people, name="my_people"),
    path("summary/", views.caseload_tiles, name="tiles"),
    path("export.csv", views.export_caseload, {"file_format": "csv"}, name="export_csv"),
    path("export.xlsx", views.export_caseload, {"file_format": "xlsx"}, name="export_xlsx"),
    path("persons/<uuid:person_id>/notes/", views.notes, name="notes"),
    path("notes/<uuid:public_id>/edit/", views.edit_note, name="edit_note"),
    path("notes/<uuid:public_id>/correct/", views.correct_note, name="correct_note"),
]
