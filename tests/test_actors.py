"""The actor dictionary: news wording to canonical actors, acronyms, parents, and the file's rules."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from data_prep.actors import ActorDictionary, ActorDictionaryError, ActorMatch, alias_key

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "actors"


@pytest.fixture(scope="module")
def actors() -> ActorDictionary:
    return ActorDictionary.load()


@pytest.fixture(scope="module")
def small() -> ActorDictionary:
    return ActorDictionary.load(FIXTURES / "small.yaml")


# --- the real dictionary on news wording ------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("both Hamas and the PIJ pledged a swift response to the violence by the Israeli army",
     [("Hamas", "Hamas"), ("PIJ", "Palestinian Islamic Jihad"), ("Israeli army", "Israeli military")]),
    ("Palestinian resistance factions in the Gaza Strip fired two rockets",
     [("Palestinian resistance factions", "Unidentified Palestinian armed group")]),
    ("a training center of the Ezzedine al-Qassam Brigades, the armed wing of Hamas",
     [("Ezzedine al-Qassam Brigades", "Al-Qassam Brigades"), ("armed wing of Hamas", "Al-Qassam Brigades")]),
    ("The Democratic Front for the Liberation of Palestine (FDLP), a secular Palestinian armed group, claimed",
     [("Democratic Front for the Liberation of Palestine", "DFLP"), ("FDLP", "DFLP"),
      ("Palestinian armed group", "Unidentified Palestinian armed group")]),
    ("The Izz ad-Din al-Qassam Brigades said", [("Izz ad-Din al-Qassam Brigades", "Al-Qassam Brigades")]),
    ("Hamas’ military wing, the Ezzoddin al-Qassam Brigades",
     [("Hamas’ military wing", "Al-Qassam Brigades"), ("Ezzoddin al-Qassam Brigades", "Al-Qassam Brigades")]),
    ("the al-Quds Brigades, the armed wing of the Islamic Jihad",
     [("al-Quds Brigades", "Al-Quds Brigades"), ("armed wing of the Islamic Jihad", "Al-Quds Brigades")]),
    ("The Palestinian resistance movement of Hamas has carried out missile strikes",
     [("Palestinian resistance movement of Hamas", "Hamas")]),
    ("THE Hamas Movement urged them to confront the Israeli occupation forces (IOF)",
     [("Hamas Movement", "Hamas"), ("Israeli occupation forces", "Israeli military"), ("IOF", "Israeli military")]),
    ("Hamas strongly denounced the PA security forces for withdrawing",
     [("Hamas", "Hamas"), ("PA security forces", "Palestinian Authority")]),
    ("the Palestinian Authority (PA) said it ended its security coordination",
     [("Palestinian Authority", "Palestinian Authority"), ("PA", "Palestinian Authority")]),
    ("US Secretary of State Antony Blinken said Tuesday",
     [("US Secretary of State", "United States government"), ("Antony Blinken", "United States government")]),
    ("a Palestinian assailant killed six Israelis", [("Palestinian assailant", "Unidentified Palestinian individual")]),
    ("dozens of masked Israeli settlers arriving at al-Funduq", [("Israeli settlers", "Israeli settlers")]),
    ("Israeli warplanes hit a center", [("Israeli warplanes", "Israeli military")]),
    ("the Hamas-run Gaza health ministry said", [("Hamas-run Gaza health ministry", "Palestinian Ministry of Health")]),
    ("according to Gaza's health ministry", [("Gaza's health ministry", "Palestinian Ministry of Health")]),
    ("Qatar-based Al Jazeera news network said several people had been injured",
     [("Al Jazeera news network", "Al Jazeera")]),
    ("Israel’s Channel 12 also reported", [("Israel’s Channel 12", "Channel 12")]),
    ("the UN, the U.N. and UNRWA", [("UN", "United Nations"), ("U.N.", "United Nations"), ("UNRWA", "UNRWA")]),
    ("Hezbollah and the Houthis (Ansar Allah)",
     [("Hezbollah", "Hezbollah"), ("Houthis", "Houthis"), ("Ansar Allah", "Houthis")]),
])
def test_find_actors(actors: ActorDictionary, text: str, expected: list[tuple[str, str]]) -> None:
    found = actors.find_actors(text)
    assert [(m.text, m.actor.name) for m in found] == expected
    for m in found:
        assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("text", [
    "Or the army said it would investigate.",
    "the idf and the pij in lower case are not acronyms",
    "pro-Hamas and anti-Hamas rallies",
    "a PA Media report",
    "rockets fired from Hamas-run Gaza",
    "Jihad Taha, the spokesman, said",
    "the Hamasi family",
])
def test_find_actors_skips_non_actors(actors: ActorDictionary, text: str) -> None:
    assert actors.find_actors(text) == []


@pytest.mark.parametrize("name, canonical", [
    ("IDF", "Israeli military"),
    ("Israeli forces", "Israeli military"),
    ("israeli FORCES", "Israeli military"),
    ("Israel Defense Forces", "Israeli military"),
    ("Izz al-Din al-Qassam Brigades", "Al-Qassam Brigades"),
    ("Izz el Din al Qassam Brigades", "Al-Qassam Brigades"),
    ("Saraya al-Quds", "Al-Quds Brigades"),
    ("FDLP", "DFLP"),
    ("settlers", "Israeli settlers"),
    ("Netanyahu", "Israeli government"),
    ("Kan", "Kan"),
    ("Al-Qassam Brigades", "Al-Qassam Brigades"),
])
def test_get(actors: ActorDictionary, name: str, canonical: str) -> None:
    actor = actors.get(name)
    assert actor is not None and actor.name == canonical


@pytest.mark.parametrize("name", ["", "idf", "the army", "Gotham Police"])
def test_get_unknown(actors: ActorDictionary, name: str) -> None:
    assert actors.get(name) is None


@pytest.mark.parametrize("name, inter, kind", [
    ("Israeli military", 1, "military"),
    ("Al-Qassam Brigades", 2, "armed_group"),
    ("Israeli settlers", 4, "settlers"),
    ("Civilians", 7, "civilians"),
    ("United Nations", 8, "international"),
    ("Palestinian Ministry of Health", None, "source"),
])
def test_codes(actors: ActorDictionary, name: str, inter: int | None, kind: str) -> None:
    actor = actors.get(name)
    assert (actor.inter, actor.kind) == (inter, kind)


@pytest.mark.parametrize("child, parent", [
    ("Al-Qassam Brigades", "Hamas"),
    ("Ezzedine al-Qassam Brigades", "Hamas"),
    ("Al-Quds Brigades", "Palestinian Islamic Jihad"),
    ("Al-Aqsa Martyrs' Brigades", "Fatah"),
    ("UNRWA", "United Nations"),
    ("Hamas", None),
    ("nobody", None),
])
def test_parent_of(actors: ActorDictionary, child: str, parent: str | None) -> None:
    assert actors.parent_of(child) == parent


def test_coding_guide_canonical_actors_are_present(actors: ActorDictionary) -> None:
    # The "Canonical actors" table of the coding guide.
    guide = {
        "Israeli military", "Hamas", "Al-Qassam Brigades", "Palestinian Islamic Jihad", "Al-Quds Brigades",
        "DFLP", "Palestinian Authority", "Israeli settlers", "Unidentified Palestinian armed group",
        "Unidentified Palestinian individual", "United States government",
    }
    assert guide <= set(actors.canonical_names())
    names = actors.canonical_names()
    assert list(names) == sorted(names, key=str.casefold)


def test_every_alias_resolves_to_its_actor(actors: ActorDictionary) -> None:
    for name in actors.canonical_names():
        entry = actors.entry(name)
        for alias in entry.aliases + entry.acronyms:
            assert actors.get(alias) == entry.actor, alias
        # and an alias written in running text is found as that actor
        for alias in entry.aliases:
            assert [m.actor for m in actors.find_actors(f"x {alias} x")] == [entry.actor], alias


def test_alias_key() -> None:
    assert alias_key("Izz ad-Din al-Qassam") == alias_key("izz el din Al Qassam") == "izz al din al qassam"
    assert alias_key("Hamas’") == "hamas"


# --- rules, on hand-made files -----------------------------------------------------------------
def test_longest_name_wins_and_acronyms_are_case_sensitive(small: ActorDictionary) -> None:
    found = small.find_actors("The Blue Army of the North and BA, not ba; blue jets and Izz al-Din Greens.")
    assert [(m.text, m.actor.name) for m in found] == [
        ("Blue Army of the North", "Blue army"), ("BA", "Blue army"), ("blue jets", "Blue air wing"),
        ("Izz al-Din Greens", "Green movement")]


def test_not_actors_are_skipped(small: ActorDictionary) -> None:
    assert small.find_actors("the Army Gazette said") == []


def test_match_is_frozen(small: ActorDictionary) -> None:
    match = small.find_actors("BA")[0]
    assert match == ActorMatch(0, 2, "BA", small.get("Blue army"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.end = 1  # type: ignore[misc]


def test_load_is_cached() -> None:
    assert ActorDictionary.load() is ActorDictionary.load()


@pytest.mark.parametrize("file, message", [
    ("duplicate_alias.yaml", "alias 'Blue Troops' belongs to both Blue army and Red army"),
    ("unknown_parent.yaml", "Blue air wing: unknown parent 'Blue army'"),
    ("bad_inter.yaml", "bad_inter.yaml: Blue army: inter must be one of 1-8, not 9"),
    ("not_a_list.yaml", "not_a_list.yaml: expected a mapping with an 'actors' list"),
])
def test_malformed_files_are_refused(file: str, message: str) -> None:
    with pytest.raises(ActorDictionaryError) as excinfo:
        ActorDictionary.load(FIXTURES / file)
    assert str(excinfo.value) == message


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ActorDictionaryError, match=r"^cannot read actor file .*absent\.yaml: No such file"):
        ActorDictionary.load(tmp_path / "absent.yaml")
