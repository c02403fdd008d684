from django.urls import path

from resoc.sentences import views

app_name = "sentences"
urlpatterns = [
    path("admit/", views.admit_existing, name="admit_existing"),
    path("<uuid:public_id>/sentence/", views.record_sentence, name="record_sentence"),
    path("<uuid:public_id>/admit/", views.admit, name="admit"),
    path("<uuid:public_id>/transfer/", views.transfer, name="transfer"),
    path("<uuid:public_id>/absence/", views.absence, name="absence"),
    path("<uuid:public_id>/release/", views.release, name="release"),
    path("<uuid:public_id>/probation/", views.probation_start, name="probation_start"),
    path("<uuid:public_id>/probation/<uuid:period_id>/end/", views.probation_end, name="probation_end"),
]
