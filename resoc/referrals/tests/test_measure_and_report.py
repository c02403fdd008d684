import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from resoc.plans.models import MeasureStatus
from resoc.plans.tests.conftest import add_measure, make_plan, prisoner
from resoc.referrals import services
from resoc.referrals.models import Referral
from resoc.referrals.reports import referral_report
from resoc.referrals.tests.conftest import org, refer

pytestmark = pytest.mark.django_db


def _measure(world):
    plan = make_plan(world)
    goal = plan.goals.first()
    assert goal is not None
    return add_measure(
        world, goal, kind="referral", description="Mājokļa atbalsts NVO", responsible_organization=world.ngo
    )


def test_the_outcome_updates_the_plan_measure(ready):
    measure = _measure(ready)
    referral = refer(ready, measure=measure)
    coordinator = ready.acting("ngo_coordinator")
    services.referral_transition(acting=coordinator, referral=referral, action="accept")
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.IN_PROGRESS
    services.referral_transition(acting=coordinator, referral=referral, action="start")
    services.referral_transition(
        acting=coordinator, referral=referral, action="complete", reason="Mājoklis atrasts"
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    assert measure.status_changed_on == timezone.localdate()


def test_a_withdrawal_puts_the_measure_back_to_planned(ready):
    measure = _measure(ready)
    referral = refer(ready, measure=measure)
    services.referral_transition(acting=ready.acting("ngo_coordinator"), referral=referral, action="accept")
    services.referral_transition(
        acting=ready.acting("prison_officer"), referral=referral, action="withdraw", reason="Pārvests"
    )
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.PLANNED


def test_a_measure_of_another_person_is_refused(ready):
    other = prisoner("Anna", "Ozola")
    measure = _measure(ready)
    with pytest.raises(ValidationError) as raised:
        refer(ready, person=other, measure=measure, categories=["identity"])
    assert "measure" in raised.value.error_dict


def _age(referral, **moments):
    Referral.objects.filter(pk=referral.pk).update(**moments)


def test_the_report_by_route(ready):
    now = timezone.now()
    accepted = refer(ready)
    services.referral_transition(acting=ready.acting("ngo_coordinator"), referral=accepted, action="accept")
    _age(accepted, sent_at=now - dt.timedelta(days=3), accepted_at=now - dt.timedelta(days=1))
    declined = refer(ready)
    services.referral_transition(
        acting=ready.acting("ngo_coordinator"), referral=declined, action="decline", reason="Nav vietu"
    )
    nva = refer(ready, receiver=org("nva-jelgava"), categories=["identity"])
    services.referral_transition(acting=ready.acting("career_consultant"), referral=nva, action="accept")
    services.referral_transition(acting=ready.acting("career_consultant"), referral=nva, action="start")
    services.referral_transition(
        acting=ready.acting("career_consultant"), referral=nva, action="complete", reason="Reģistrēts"
    )
    _age(nva, sent_at=now - dt.timedelta(days=2), accepted_at=now - dt.timedelta(days=1, hours=12))
    report = referral_report(
        starts_on=timezone.localdate() - dt.timedelta(days=30), ends_on=timezone.localdate()
    )
    routes = {route.key: route.figures for route in report.routes}
    to_ngo = routes["prison>ngo"]
    assert (to_ngo.sent, to_ngo.accepted, to_ngo.declined) == (2, 1, 1)
    assert str(to_ngo.acceptance) == "50.0"
    assert str(to_ngo.median_days_to_accept) == "2.0"
    assert str(routes["prison>employment_branch"].completion) == "100.0"
    assert report.total.sent == 3
    empty = referral_report(starts_on=dt.date(2001, 1, 1), ends_on=dt.date(2001, 12, 31))
    assert empty.routes == []
    assert empty.total.acceptance is None


def test_the_report_page_and_its_export_are_for_analysts_only(ready):
    refer(ready)
    analyst = ready.client("analyst")
    page = analyst.get("/referrals/report/")
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    csv = analyst.get("/referrals/report/?format=csv")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Bērziņš" not in csv.content.decode("utf-8-sig")
    assert ready.client("project_manager").get("/referrals/report/").status_code == 200
    for persona in ("ngo_coordinator", "prison_officer", "mentor", "auditor"):
        assert ready.client(persona).get("/referrals/report/").status_code == 403
    assert analyst.get("/referrals/report/?starts_on=2026-05-01&ends_on=2026-01-01").status_code == 422
