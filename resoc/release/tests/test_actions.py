"""The next-actions source the caseload screens read: open tasks of my organization's role."""

from __future__ import annotations

from django.urls import reverse

from resoc.casework.actions import action_sources, next_actions
from resoc.people.models import Person
from resoc.release.selectors import ACTION_SOURCE
from resoc.release.tests.conftest import days, generate, hold, org


def test_the_source_is_registered():
    assert ACTION_SOURCE in action_sources()


def test_open_tasks_of_my_organization_with_due_date_and_url(world, held):
    generate(world, municipality=org("jelgava-social"))
    actions = next_actions(world.acting("prison_officer"), [world.person.pk], days(0))[world.person.pk]
    mine = [a for a in actions if a.source == ACTION_SOURCE]
    assert mine
    assert all(a.due is not None for a in mine)
    assert mine[0].url.startswith(reverse("release:timeline", args=[world.person.public_id]))
    assert mine[0].is_overdue(days(0))
    social = next_actions(world.acting("social_worker"), [world.person.pk], days(0))[world.person.pk]
    social_tasks = [a for a in social if a.source == ACTION_SOURCE]
    assert len(social_tasks) == 3
    assert social_tasks[0].url.startswith(reverse("release:tasks"))
    for persona in ("mentor", "analyst", "other_prison_officer"):
        assert not next_actions(world.acting(persona), [world.person.pk], days(0))[world.person.pk]


def test_the_source_answers_in_one_query_for_many_persons(world, django_assert_num_queries):
    persons = []
    for index in range(6):
        person = Person.objects.create(given_names="Ints", family_name=f"Bērzs{'abcdef'[index]}", sex="male")
        hold(world, person)
        generate(world, person)
        persons.append(person)
    acting = world.acting("prison_officer")
    source = action_sources()[ACTION_SOURCE]
    acting.scope_organization_ids  # noqa: B018  # computed once per request, outside the source
    with django_assert_num_queries(1):
        actions = list(source(acting, [p.pk for p in persons], days(0)))
    assert {a.person_id for a in actions} == {p.pk for p in persons}


def test_overdue_release_tasks_count_in_the_caseload_filter(world, held):
    from resoc.casework.caseload import Filters, caseload

    acting = world.acting("prison_officer")
    assert not caseload(acting, Filters(overdue=True), on=days(0)).exists()
    generate(world)  # the −180 day steps are already past due: the person is released in fewer days
    assert list(caseload(acting, Filters(overdue=True), on=days(0))) == [world.person]
