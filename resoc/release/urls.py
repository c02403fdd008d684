from django.urls import path

from resoc.release import views

app_name = "release"
urlpatterns = [
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<uuid:public_id>/status/", views.task_status, name="task_status"),
    path("meetings/required/", views.meetings_required, name="meetings_required"),
    path("<uuid:person_id>/", views.timeline, name="timeline"),
    path("<uuid:person_id>/generate/", views.generate, name="generate"),
    path("<uuid:person_id>/handover-choices/", views.handover_choices, name="handover_choices"),
    path("<uuid:person_id>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("<uuid:person_id>/meetings/follow-up-form/", views.follow_up_form, name="follow_up_form"),
    path("<uuid:person_id>/indicators/", views.indicator_add, name="indicator_add"),
    path("indicators/<uuid:public_id>/withdraw/", views.indicator_withdraw, name="indicator_withdraw"),
]
