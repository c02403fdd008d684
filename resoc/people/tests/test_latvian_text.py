from resoc.text import fold, latvian_sort_key


def test_fold_removes_case_and_every_diacritic():
    assert fold("Bērziņš") == "berzins"
    assert fold("ĶĒNIŅŠ Ļaudis Ģirts Čakste Žanis Ūdris Īve") == "kenins laudis girts cakste zanis udris ive"


def test_latvian_order_puts_caron_and_cedilla_letters_after_their_base_letter():
    names = [
        "Šmits",
        "Sproģis",
        "Čakste",
        "Cīrulis",
        "Ķēniņš",
        "Kalniņš",
        "Ļaudis",
        "Lācis",
        "Žagars",
        "Zariņš",
    ]
    assert sorted(names, key=latvian_sort_key) == [
        "Cīrulis",
        "Čakste",
        "Kalniņš",
        "Ķēniņš",
        "Lācis",
        "Ļaudis",
        "Sproģis",
        "Šmits",
        "Zariņš",
        "Žagars",
    ]


def test_long_vowels_sort_with_the_short_vowel_and_only_break_ties():
    assert sorted(["Ābele", "Auziņa", "Abele"], key=latvian_sort_key) == ["Abele", "Ābele", "Auziņa"]


def test_family_name_sorts_first_then_given_names_and_a_shorter_name_first():
    people = [("Bērzs", "Anna"), ("Bērziņš", "Jānis"), ("Bērziņš", "Anna"), ("Bērz", "Zane")]
    assert sorted(people, key=lambda p: latvian_sort_key(*p)) == [
        ("Bērz", "Zane"),
        ("Bērziņš", "Anna"),
        ("Bērziņš", "Jānis"),
        ("Bērzs", "Anna"),
    ]
