from django.urls import path

from resoc.people import views

app_name = "people"
urlpatterns = [
    path("", views.search, name="search"),
    path("register/", views.register, name="register"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("<uuid:public_id>/merge/", views.merge, name="merge"),
    path("<uuid:public_id>/photo/", views.photo, name="photo"),
    path("<uuid:public_id>/purpose/<slug:category_key>/", views.state_purpose, name="state_purpose"),
]
