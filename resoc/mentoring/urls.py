from django.urls import URLPattern, path

from resoc.mentoring import mentor_views, views

app_name = "mentoring"
urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("candidates/<uuid:public_id>/", views.suggestions, name="suggestions"),
    path("candidates/<uuid:public_id>/profile/", views.profile_save, name="profile_save"),
    path("candidates/<uuid:public_id>/propose/", views.propose, name="propose"),
    path("mentors/<uuid:public_id>/", views.mentor_suggestions, name="mentor"),
    path("matches/", views.matches, name="matches"),
    path("matches/<uuid:public_id>/", views.match_detail, name="match"),
    path("matches/<uuid:public_id>/move/", views.match_move, name="match_move"),
    path("meetings/<uuid:public_id>/resolve/", views.concern_resolve, name="concern_resolve"),
    path("monitoring/", views.monitoring, name="monitoring"),
    path("my/", mentor_views.my_mentees, name="my_mentees"),
    path("my/<uuid:public_id>/", mentor_views.my_mentee, name="my_mentee"),
    path("my/<uuid:public_id>/meeting/", mentor_views.meeting_new, name="meeting_new"),
    path("my/<uuid:public_id>/close/", mentor_views.ask_to_close, name="ask_to_close"),
]
