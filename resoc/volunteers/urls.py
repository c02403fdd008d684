from django.urls import path

from resoc.volunteers import activity_views, views

app_name = "volunteers"
urlpatterns = [
    path("", views.volunteer_list, name="list"),
    path("new/", views.volunteer_create, name="create"),
    path("expiring/", views.expiring, name="expiring"),
    path("activities/", activity_views.activity_list, name="activities"),
    path("activities/<uuid:public_id>/", activity_views.activity_detail, name="activity"),
    path("activities/<uuid:public_id>/cancel/", activity_views.activity_cancel, name="activity_cancel"),
    path("hours/", activity_views.hours_list, name="hours"),
    path("hours/export/", activity_views.hours_export, name="hours_export"),
    path("hours/<uuid:public_id>/", activity_views.hours_decide, name="hours_decide"),
    path("me/", activity_views.me, name="me"),
    path("me/<uuid:public_id>/check-in/", activity_views.me_check, {"action": "in"}, name="check_in"),
    path("me/<uuid:public_id>/check-out/", activity_views.me_check, {"action": "out"}, name="check_out"),
    path("me/<uuid:public_id>/hours/", activity_views.me_claim, name="claim"),
    path("<uuid:public_id>/", views.volunteer_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.volunteer_edit, name="edit"),
    path("<uuid:public_id>/move/", views.volunteer_move, name="move"),
    path("<uuid:public_id>/screening/", views.screening_add, name="screening"),
    path("<uuid:public_id>/qualifications/", views.qualification_add, name="qualification"),
]
