"""The matching score as the coordinator reads it: weighted criteria, hard filters, reasons."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from django.utils import translation

from resoc.mentoring.matching import (
    MAX_POINTS,
    WEIGHTS,
    MenteeFacts,
    MentorFacts,
    explain,
    points,
    rank_all,
    top_mentees,
    top_mentors,
    words,
)

MENTEE = MenteeFacts(
    person_id=1,
    region="zemgale",
    languages=words("Latviešu, krievu"),
    sex="male",
    birth_year=1985,
    interests=words("futbols, makšķerēšana, šahs"),
    wants_lived_experience=True,
)
MENTOR = MentorFacts(
    volunteer_id=1,
    region="zemgale",
    languages=words("latviešu"),
    sex="male",
    birth_year=1985,
    interests=words("futbols, makšķerēšana, šahs"),
    lived_experience=True,
    capacity=2,
)


def test_a_perfect_pair_scores_every_criterion() -> None:
    assert points(MENTEE, MENTOR) == MAX_POINTS


def test_each_criterion_takes_away_what_it_weighs() -> None:
    elsewhere = replace(MENTOR, region="latgale")
    assert points(MENTEE, elsewhere) == MAX_POINTS - WEIGHTS["region"]
    no_language = replace(MENTOR, languages=words("angļu"))
    assert points(MENTEE, no_language) == MAX_POINTS - WEIGHTS["language"]
    no_experience = replace(MENTOR, lived_experience=False)
    assert points(MENTEE, no_experience) == MAX_POINTS - WEIGHTS["lived_experience"]
    older = replace(MENTOR, birth_year=1955)
    assert points(MENTEE, older) == MAX_POINTS - WEIGHTS["age"]
    half_full = replace(MENTOR, open_matches=1)
    assert points(MENTEE, half_full) == MAX_POINTS - 3  # half of the 5 capacity points, rounded


def test_stated_sex_preference_and_a_full_mentor_exclude_the_pair() -> None:
    wants_woman = replace(MENTEE, mentor_sex="female")
    assert points(wants_woman, MENTOR) is None
    assert not explain(wants_woman, MENTOR).suitable
    woman = replace(MENTOR, sex="female")
    assert points(wants_woman, woman) is not None
    # Without a stated preference the sex of the mentor does not count at all.
    assert points(MENTEE, woman) == points(MENTEE, MENTOR)
    full = replace(MENTOR, open_matches=2)
    assert points(MENTEE, full) is None
    assert [r.key for r in explain(MENTEE, full).reasons if r.blocking] == ["capacity"]


def test_reasons_are_translated_and_add_up_to_the_score() -> None:
    with translation.override("en"):
        score = explain(MENTEE, MENTOR)
        texts = [r.text for r in score.reasons]
    assert "Both in Zemgale, where the person returns." in texts
    assert "Shared language: latviešu." in texts
    assert "Shared interests: futbols, makšķerēšana, šahs." in texts
    assert sum(r.points for r in score.reasons) == score.points == points(MENTEE, MENTOR)
    with translation.override("lv"):
        lv_texts = [r.text for r in explain(MENTEE, MENTOR).reasons]
    assert lv_texts != texts


def test_unknown_facts_give_nothing_and_say_so() -> None:
    unknown = MenteeFacts(person_id=2)
    with translation.override("en"):
        score = explain(unknown, MENTOR)
    assert "The region of return is not known." in [r.text for r in score.reasons]
    assert score.points == points(unknown, MENTOR) == WEIGHTS["capacity"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_explain_and_points_agree_on_random_pairs(seed: int) -> None:
    rng = random.Random(seed)
    regions = ["riga", "zemgale", "latgale", ""]
    langs = ["latviešu", "krievu", "angļu", "ukraiņu"]
    hobbies = ["futbols", "šahs", "mūzika", "dārzs", "zvejošana"]
    for n in range(300):
        mentee = MenteeFacts(
            person_id=n,
            region=rng.choice(regions),
            languages=frozenset(rng.sample(langs, rng.randint(0, 2))),
            sex=rng.choice(["male", "female"]),
            mentor_sex=rng.choice(["", "", "male", "female"]),
            birth_year=rng.choice([None, rng.randint(1950, 2005)]),
            interests=frozenset(rng.sample(hobbies, rng.randint(0, 3))),
            wants_lived_experience=rng.random() < 0.5,
        )
        mentor = MentorFacts(
            volunteer_id=n,
            region=rng.choice(regions),
            languages=frozenset(rng.sample(langs, rng.randint(0, 2))),
            sex=rng.choice(["male", "female"]),
            birth_year=rng.choice([None, rng.randint(1950, 2000)]),
            interests=frozenset(rng.sample(hobbies, rng.randint(0, 3))),
            lived_experience=rng.random() < 0.5,
            capacity=rng.randint(1, 3),
            open_matches=rng.randint(0, 3),
        )
        score = explain(mentee, mentor)
        fast = points(mentee, mentor)
        assert (fast is None) == (not score.suitable)
        if fast is not None:
            assert fast == score.points


def test_rankings_put_the_best_first_and_skip_the_excluded() -> None:
    near = MENTOR
    far = replace(MENTOR, volunteer_id=2, region="kurzeme")
    full = replace(MENTOR, volunteer_id=3, open_matches=2)
    ranked = top_mentors(MENTEE, [far, full, near], n=5)
    assert [r.mentor.volunteer_id for r in ranked] == [1, 2]
    assert top_mentors(MENTEE, [far, near], n=1)[0].mentor.volunteer_id == 1
    other = replace(MENTEE, person_id=9, region="riga")
    assert [r.mentee.person_id for r in top_mentees(near, [other, MENTEE])] == [1, 9]
    assert set(rank_all([MENTEE, other], [near, far])) == {1, 9}


def test_rank_all_gives_what_top_mentors_gives_for_each_mentee() -> None:
    rng = random.Random(11)
    regions = ["riga", "zemgale", "latgale", ""]
    langs = ["latviešu", "krievu", "angļu"]
    hobbies = ["futbols", "šahs", "mūzika", "dārzs"]
    mentors = [
        MentorFacts(
            volunteer_id=n,
            region=rng.choice(regions),
            languages=frozenset(rng.sample(langs, rng.randint(0, 2))),
            sex=rng.choice(["male", "female"]),
            birth_year=rng.choice([None, rng.randint(1950, 2000)]),
            interests=frozenset(rng.sample(hobbies, rng.randint(0, 3))),
            lived_experience=rng.random() < 0.5,
            capacity=rng.randint(1, 3),
            open_matches=rng.randint(0, 3),
        )
        for n in range(60)
    ]
    mentees = [
        MenteeFacts(
            person_id=n,
            region=rng.choice(regions),
            languages=frozenset(rng.sample(langs, rng.randint(0, 2))),
            mentor_sex=rng.choice(["", "male", "female"]),
            birth_year=rng.choice([None, rng.randint(1950, 2005)]),
            interests=frozenset(rng.sample(hobbies, rng.randint(0, 3))),
            wants_lived_experience=rng.random() < 0.5,
        )
        for n in range(80)
    ]
    fast = rank_all(mentees, mentors, n=7)
    for mentee in mentees:
        slow = top_mentors(mentee, mentors, n=7)
        assert [(r.points, r.mentor.volunteer_id) for r in fast[mentee.person_id]] == [
            (r.points, r.mentor.volunteer_id) for r in slow
        ]
