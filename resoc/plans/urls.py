from django.urls import path

from resoc.plans import views

app_name = "plans"
urlpatterns = [
    path("fulfilment/", views.fulfilment, name="fulfilment"),
    path("<uuid:person_id>/", views.detail, name="detail"),
    path("<uuid:person_id>/create/", views.create, name="create"),
    path("plan/<uuid:public_id>/goals/", views.add_goal, name="add_goal"),
    path("plan/<uuid:public_id>/measures/", views.add_measure, name="add_measure"),
    path("plan/<uuid:public_id>/reviews/", views.add_review, name="add_review"),
    path("plan/<uuid:public_id>/close/", views.close, name="close"),
    path("measures/<uuid:public_id>/status/", views.measure_status, name="measure_status"),
]
