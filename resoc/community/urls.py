from django.urls import path

from resoc.community import agreement_views, consent_views, views

app_name = "community"
urlpatterns = [
    path("", views.directory, name="directory"),
    path("ngos/<uuid:public_id>/", views.profile, name="profile"),
    path("ngos/<uuid:public_id>/edit/", views.profile_edit, name="profile_edit"),
    path("agreements/", agreement_views.agreements, name="agreements"),
    path("agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("agreements/<uuid:public_id>/", agreement_views.agreement_change, name="agreement_change"),
    path("persons/<uuid:public_id>/consents/", consent_views.person_consents, name="person_consents"),
    path("consents/<uuid:public_id>/withdraw/", consent_views.withdraw, name="consent_withdraw"),
    path("consents/<uuid:public_id>/form/", consent_views.signed_form, name="consent_form"),
]
