from django.urls import path

from resoc.assessments import views

app_name = "assessments"
urlpatterns = [
    path("person/<uuid:person_id>/start/", views.start, name="start"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/domains/<slug:domain_key>/", views.save_domain, name="save_domain"),
    path("<uuid:public_id>/motivation/", views.save_motivation, name="save_motivation"),
    path("<uuid:public_id>/sign/", views.sign, name="sign"),
]
