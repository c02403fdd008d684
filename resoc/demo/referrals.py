"""Synthetic referrals for the demo, told through the real models of the referrals app.

Every demo person with an NGO ``referral`` relationship (services.py writes them with the consent)
gets the referral behind it: from the prison holding him, the probation unit supervising him, or
else the (demo) Jelgava social service, sent
some days before the relationship began, waiting, accepted or in progress; the relationship is
re-written with the referral's source so that answering the referral in the demo ends it as the
service would. A share of them also carry an earlier, closed referral (completed, declined or
expired) to the employment agency or a social service, so that the history and the report by
route have something to show. Written in bulk, no query per person.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from resoc.access.models import User
from resoc.demo.bulk import insert_objects
from resoc.organizations.models import Organization, OrganizationType
from resoc.people.models import Relationship
from resoc.referrals.holidays import add_working_days
from resoc.referrals.models import Referral, State, Transition, Urgency

SOURCE = "demo"
REASONS = [
    "Atbalsts mājokļa meklēšanā pēc atbrīvošanas",
    "Atkarību mazināšanas konsultācijas",
    "Līdzgaitnieka atbalsts un brīvā laika aktivitātes",
    "Ģimenes attiecību atjaunošana",
    "Palīdzība dokumentu kārtošanā",
]
HISTORY_SHARE = 0.35
# (from state, to state, at, by, by organization id, reason)
Step = tuple[str, str, dt.datetime, User | None, int | None, str]


@dataclass(frozen=True)
class ReferralCounts:
    referrals: int
    transitions: int


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def seed_referrals(
    *, orgs: dict[str, Organization], users: dict[str, User], today: dt.date, rng: random.Random
) -> ReferralCounts:
    ngo_ids = {org.pk for org in orgs.values() if org.type == OrganizationType.NGO}
    demo_rows = list(
        Relationship.objects.filter(
            kind="referral", source=SOURCE, organization_id__in=ngo_ids, ends_on__isnull=True
        ).order_by("pk")
    )
    holders = {
        row.person_id: row.organization_id
        for row in Relationship.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            person_id__in=[r.person_id for r in demo_rows],
            kind__in=["custody", "supervision"],
            starts_on__lte=today,
        ).order_by("kind")  # custody after supervision: the prison wins
    }
    by_id = {org.pk: org for org in orgs.values()}
    officer, probation = users["demo-officer"], users["demo-probation"]
    employment = [org for org in orgs.values() if org.type == OrganizationType.EMPLOYMENT_BRANCH]
    social = [org for org in orgs.values() if org.type == OrganizationType.SOCIAL_SERVICE and org.is_active]
    referrals: list[Referral] = []
    paths: list[list[Step]] = []
    rewritten: list[Relationship] = []
    for row in demo_rows:
        sender_id = holders.get(row.person_id)
        if sender_id is None:
            # Released and not supervised: the municipality's social service referred him.
            sender_org, sender = orgs["demo-socialais-jelgava"], users["demo-social"]
            sender_id = sender_org.pk
        else:
            sender_org = by_id[sender_id]
            sender = officer if sender_org.type == OrganizationType.PRISON else probation
        sent_day = row.starts_on - dt.timedelta(days=rng.randint(1, 6))
        sent = _at(sent_day, 9)
        roll = rng.random()
        state = State.SENT if roll < 0.3 else State.ACCEPTED if roll < 0.7 else State.IN_PROGRESS
        referral = Referral(
            public_id=uuid.uuid4(),  # a second seeding with the same seed must not repeat ids
            person_id=row.person_id,
            sender_organization=sender_org,
            sender=sender,
            receiver_organization_id=row.organization_id,
            reason=REASONS[rng.randrange(len(REASONS))],
            urgency=Urgency.URGENT if rng.random() < 0.1 else Urgency.ROUTINE,
            categories=" identity family education_employment ",
            state=state,
            created_at=sent,
            sent_at=sent,
            state_changed_at=sent,
        )
        path: list[Step] = [
            ("", State.DRAFT, sent, sender, sender_id, ""),
            (State.DRAFT, State.SENT, sent, sender, sender_id, ""),
        ]
        if state == State.SENT:
            # Sent recently (some overdue: the demo inbox's filter has something to find).
            sent_day = today - dt.timedelta(days=rng.randint(0, 16))
            referral.sent_at = referral.created_at = referral.state_changed_at = _at(sent_day, 9)
            path = [(a, b, referral.sent_at, u, o, r) for a, b, _at_, u, o, r in path]
            referral.respond_by = add_working_days(sent_day, 10)
        else:
            accepted = _at(min(today, sent_day + dt.timedelta(days=rng.randint(1, 8))), 11)
            coordinator = users["demo-ngo"] if row.organization_id == orgs["demo-nvo-cels"].pk else None
            referral.accepted_at, referral.state_changed_at = accepted, accepted
            referral.accepted_by = coordinator
            path.append((State.SENT, State.ACCEPTED, accepted, coordinator, row.organization_id, ""))
            if state == State.IN_PROGRESS:
                started = accepted + dt.timedelta(days=rng.randint(0, 5))
                referral.state_changed_at = started
                path.append(
                    (State.ACCEPTED, State.IN_PROGRESS, started, coordinator, row.organization_id, "")
                )
        referrals.append(referral)
        paths.append(path)
        row.source = f"referral:{referral.public_id}"
        rewritten.append(row)
        if rng.random() < HISTORY_SHARE and (employment or social):
            pool = [org for org in employment + social if org.pk != sender_org.pk]
            earlier = sent_day - dt.timedelta(days=rng.randint(40, 200))
            closed_state = [State.COMPLETED, State.COMPLETED, State.DECLINED, State.EXPIRED][rng.randrange(4)]
            old_sent = _at(earlier, 10)
            old = Referral(
                public_id=uuid.uuid4(),  # a second seeding with the same seed must not repeat ids
                person_id=row.person_id,
                sender_organization=sender_org,
                sender=sender,
                receiver_organization=pool[rng.randrange(len(pool))],
                reason="Reģistrācija bezdarbnieka statusam un karjeras konsultācija",
                categories=" identity education_employment ",
                state=closed_state,
                created_at=old_sent,
                sent_at=old_sent,
                respond_by=add_working_days(earlier, 10),
            )
            old_path: list[Step] = [
                ("", State.DRAFT, old_sent, sender, sender_id, ""),
                (State.DRAFT, State.SENT, old_sent, sender, sender_id, ""),
            ]
            end = _at(add_working_days(earlier, 11), 8)
            if closed_state == State.COMPLETED:
                old.accepted_at = _at(earlier + dt.timedelta(days=rng.randint(1, 9)), 12)
                old.outcome = "Reģistrēts NVA, apmeklē karjeras konsultācijas"
                end = old.accepted_at + dt.timedelta(days=rng.randint(10, 30))
                old_path += [
                    (State.SENT, State.ACCEPTED, old.accepted_at, None, old.receiver_organization.pk, ""),
                    (
                        State.ACCEPTED,
                        State.IN_PROGRESS,
                        old.accepted_at,
                        None,
                        old.receiver_organization.pk,
                        "",
                    ),
                    (
                        State.IN_PROGRESS,
                        State.COMPLETED,
                        end,
                        None,
                        old.receiver_organization.pk,
                        old.outcome,
                    ),
                ]
            elif closed_state == State.DECLINED:
                old.decline_reason = "Persona nav mūsu apkalpošanas teritorijā"
                end = _at(earlier + dt.timedelta(days=2), 14)
                old_path.append(
                    (State.SENT, State.DECLINED, end, None, old.receiver_organization.pk, old.decline_reason)
                )
            else:
                old_path.append((State.SENT, State.EXPIRED, end, None, None, ""))
            old.closed_at = old.state_changed_at = end
            referrals.append(old)
            paths.append(old_path)
    Referral.objects.bulk_create(referrals, batch_size=1000)
    saved = dict(
        Referral.objects.filter(public_id__in=[r.public_id for r in referrals]).values_list("public_id", "pk")
    )
    transitions = [
        Transition(
            referral_id=saved[referral.public_id],
            from_state=from_state,
            to_state=to_state,
            at=at,
            by=by,
            by_organization_id=org_id,
            reason=reason,
        )
        for referral, path in zip(referrals, paths, strict=True)
        for from_state, to_state, at, by, org_id, reason in path
    ]
    insert_objects(Transition, transitions)
    # The relationships now name their referral: answering it in the demo ends them like the service.
    Relationship.objects.filter(pk__in=[row.pk for row in rewritten]).delete()
    for row in rewritten:
        row.pk = None
    insert_objects(Relationship, rewritten)
    return ReferralCounts(referrals=len(referrals), transitions=len(transitions))
