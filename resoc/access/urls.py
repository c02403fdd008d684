from django.contrib.auth import views as auth_views
from django.urls import path

from resoc.access import members, views

app_name = "access"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("membership/", views.switch_membership, name="switch_membership"),
    path("organization/members/", members.members, name="members"),
    path("organization/members/<uuid:public_id>/active/", members.member_active, name="member_active"),
]
