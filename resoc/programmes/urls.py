from django.urls import path

from resoc.programmes import views

app_name = "programmes"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create, name="create"),
    path("rooms/", views.rooms, name="rooms"),
    path("eligibility/<uuid:person_id>/", views.person_eligibility, name="eligibility"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
]
