from django.urls import path

from resoc.programmes import attendance_views, group_views, views, waiting_views

app_name = "programmes"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("new/", views.create, name="create"),
    path("rooms/", views.rooms, name="rooms"),
    path("groups/", group_views.group_list, name="groups"),
    path("groups/new/", group_views.group_create, name="group_create"),
    path("groups/<uuid:public_id>/", group_views.group_detail, name="group_detail"),
    path("groups/<uuid:public_id>/edit/", group_views.group_edit, name="group_edit"),
    path("groups/<uuid:public_id>/week/", group_views.group_week, name="group_week"),
    path("groups/<uuid:public_id>/cancel/", group_views.group_cancel, name="group_cancel"),
    path("groups/<uuid:public_id>/enrol/", group_views.enrol, name="enrol"),
    path("enrolments/<uuid:public_id>/withdraw/", group_views.withdraw, name="withdraw"),
    path("sessions/<uuid:public_id>/move/", group_views.session_move, name="session_move"),
    path("sessions/<uuid:public_id>/cancel/", group_views.session_cancel, name="session_cancel"),
    path("eligibility/<uuid:person_id>/", views.person_eligibility, name="eligibility"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/edit/", views.edit, name="edit"),
    path("sessions/<uuid:public_id>/attendance/", attendance_views.register, name="attendance"),
    path("reports/attendance/", attendance_views.report, name="attendance_report"),
    path("enrolments/<uuid:public_id>/outcome/", attendance_views.outcome, name="outcome"),
]

# Waiting lists and filling a group from one (issue #4, part 3).
urlpatterns += [
    path("waiting/", waiting_views.waiting_list, name="waiting"),
    path("waiting/apply/", waiting_views.waiting_apply, name="waiting_apply"),
    path(
        "waiting/from-measure/<uuid:public_id>/",
        waiting_views.waiting_from_measure,
        name="waiting_from_measure",
    ),
    path("waiting/measure/<uuid:public_id>/", waiting_views.measure_waiting_add, name="measure_waiting_add"),
    path("waiting/<uuid:public_id>/", waiting_views.waiting_change, name="waiting_change"),
    path("groups/<uuid:public_id>/allocate/", waiting_views.group_allocate, name="group_allocate"),
]
