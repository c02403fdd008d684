from django.contrib import admin
from django.urls import include, path, re_path

from resoc.api.problems import unknown_endpoint
from resoc.api.urls import api
from resoc.web import views as web_views

handler500 = "resoc.web.views.server_error"

urlpatterns = [
    path("", include("resoc.web.urls")),
    path("", include("resoc.access.urls")),
    path("people/", include("resoc.people.urls")),
    path("sentences/", include("resoc.sentences.urls")),
    path("assessments/", include("resoc.assessments.urls")),
    path("plans/", include("resoc.plans.urls")),
    path("release/", include("resoc.release.urls")),
    path("casework/", include("resoc.casework.urls")),
    path("imports/", include("resoc.imports.urls")),
    path("programmes/", include("resoc.programmes.urls")),
    path("community/", include("resoc.community.urls")),
    path("referrals/", include("resoc.referrals.urls")),
    path("volunteers/", include("resoc.volunteers.urls")),
    path("mentoring/", include("resoc.mentoring.urls")),
    path("audit/", include("resoc.audit.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<path>.*)$", unknown_endpoint),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", web_views.health, name="health"),
    path("admin/", admin.site.urls),
]
