"""The REST API, mounted at /api/v1/ (see docs/api.md)."""

from ninja import NinjaAPI

from resoc.api.auth import TokenAuth
from resoc.api.persons import router as persons_router
from resoc.api.problems import install_problem_handlers
from resoc.assessments.api import router as assessments_router
from resoc.casework.api import router as casework_router
from resoc.community.api import router as organizations_router
from resoc.community.consent_api import router as consents_router
from resoc.imports.api import router as imports_router
from resoc.mentoring.api import router as mentoring_router
from resoc.plans.api import router as plans_router
from resoc.programmes.api import router as programmes_router
from resoc.programmes.hsds import router as hsds_router
from resoc.referrals.api import router as referrals_router
from resoc.release.api import router as release_router
from resoc.sentences.api import router as sentences_router
from resoc.volunteers.activity_api import router as volunteer_activities_router
from resoc.volunteers.api import router as volunteers_router

api = NinjaAPI(
    title="Resoc API",
    version="1",
    description=(
        "Person registry of Resoc. Authenticate with `Authorization: Bearer <token>`; errors are "
        "RFC 9457 problem details (`application/problem+json`) in the language of `Accept-Language`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=TokenAuth(),
)
install_problem_handlers(api)
api.add_router("", persons_router)
api.add_router("", sentences_router)
api.add_router("", assessments_router)
api.add_router("", plans_router)
api.add_router("", release_router)
api.add_router("", casework_router)
api.add_router("", imports_router)
api.add_router("", programmes_router)
api.add_router("", hsds_router)
api.add_router("", organizations_router)
api.add_router("", consents_router)
api.add_router("", referrals_router)
# Volunteers and peer mentors (issue #5)
api.add_router("", volunteers_router)
api.add_router("", volunteer_activities_router)
api.add_router("", mentoring_router)
