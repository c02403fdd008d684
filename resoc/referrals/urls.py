from django.urls import path

from resoc.referrals import report_views, views

app_name = "referrals"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("sent/", views.outbox, name="outbox"),
    path("new/", views.choose_person, name="choose_person"),
    path("new/<uuid:person_id>/", views.create, name="create"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/unread/", views.unread_badge, name="unread"),
    path("report/", report_views.report, name="report"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/notes/", views.add_note, name="add_note"),
    path("<uuid:public_id>/reroute/", views.reroute, name="reroute"),
    path("<uuid:public_id>/<str:action>/", views.act, name="act"),
]
