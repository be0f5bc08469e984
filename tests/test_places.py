"""The gazetteer: name folding, lookups, scanning news sentences, and the data files' sanity."""
from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from data_prep import schema, settings
from data_prep.places import (
    Gazetteer, GazetteerError, PlaceMatch, camp_variants, name_key, read_gazetteer_file,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "places"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="module")
def small() -> Gazetteer:
    return Gazetteer.load([FIXTURES / "supplement.csv", FIXTURES / "small.csv"], FIXTURES / "stoplist.txt")


# --- name folding ------------------------------------------------------------------------------
@pytest.mark.parametrize("a, b", [
    ("Khan Younis", "Khan Yunis"),
    ("Khan Younis", "Khān Yūnis"),
    ("Deir el-Balah", "Dayr al Balah"),
    ("Deir al-Balah", "deir al balah"),
    ("al-Maghazi camp", "Maghazi Camp"),
    ("the Gaza Strip", "Gaza Strip"),
    ("Be'eri", "Beeri"),
    ("Be’eri", "Be'eri"),
    ("Khuza'a", "Khuzaa"),
    ("Qalqilya", "Qalqīlyah"),
    ("Qalqilya", "Kalkilya"),
    ("Rafah", "Rafa"),
    ("Beit Hanoun", "Bayt Hanun"),
    ("Nuseirat", "An Nusayrat"),
    ("Sheikh Jarrah", "Shaykh Jarah"),
    ("Tze'elim", "Tzeelim"),
])
def test_name_key_folds_spelling_variants(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a, b", [
    ("Gaza", "Gaza City"),
    ("Israel", "Israeli"),
    ("Jenin", "Jenin camp"),
    ("Beit Lahia", "Beit Hanoun"),
])
def test_name_key_keeps_different_names_apart(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_camp_variants() -> None:
    assert camp_variants("Jenin camp") == [
        "Jenin refugee camp", "camp of Jenin", "refugee camp of Jenin", "Jenin Camp"]
    assert camp_variants("Jenin") == []


# --- lookups on the real data ------------------------------------------------------------------
@pytest.mark.parametrize("query, name, admin1", [
    ("Gaza", "Gaza Strip", "Gaza Strip"),
    ("the Gaza Strip", "Gaza Strip", "Gaza Strip"),
    ("Gaza City", "Gaza City", "Gaza Strip"),
    ("Khan Younis", "Khan Yunis", "Gaza Strip"),
    ("Khan Yunis", "Khan Yunis", "Gaza Strip"),
    ("Deir el-Balah", "Deir al-Balah", "Gaza Strip"),
    ("Beit Lahiya", "Beit Lahia", "Gaza Strip"),
    ("Jabalia", "Jabalia", "Gaza Strip"),
    ("Jabalia camp", "Jabalia camp", "Gaza Strip"),
    ("al-Maghazi refugee camp", "Al-Maghazi camp", "Gaza Strip"),
    ("Beach camp", "Al-Shati camp", "Gaza Strip"),
    ("northern Gaza", "Northern Gaza Strip", "Gaza Strip"),
    ("Janīn", "Jenin", "West Bank"),
    ("Jenin", "Jenin", "West Bank"),
    ("Jenin refugee camp", "Jenin camp", "West Bank"),
    ("the camp of Jenin", "Jenin camp", "West Bank"),
    ("Qalqīlya", "Qalqilya", "West Bank"),
    ("al-Funduq", "Al-Funduq", "West Bank"),
    ("Huwara", "Huwara", "West Bank"),
    ("Hawara", "Huwara", "West Bank"),
    ("Turmus Ayya", "Turmus Ayya", "West Bank"),
    ("Al-Khalil", "Hebron", "West Bank"),
    ("Ariel", "Ariel", "West Bank"),
    ("Modi'in Illit", "Modi'in Illit", "West Bank"),
    ("East Jerusalem", "East Jerusalem", "East Jerusalem"),
    ("Neve Yaakov", "Neve Yaakov", "East Jerusalem"),
    ("Shu'fat", "Shuafat", "East Jerusalem"),
    ("Jerusalem", "Jerusalem", "Israel"),
    ("Ashkelon", "Ashkelon", "Israel"),
    ("Sderot", "Sderot", "Israel"),
    ("Be'er Sheva", "Beersheba", "Israel"),
    ("Taslim", "Tze'elim", "Israel"),
    ("Kfar Azza", "Kfar Aza", "Israel"),
    ("Negev desert", "Negev", "Israel"),
    ("Israel", "Israel", "Israel"),
    ("Katzrin", "Katzrin", "Golan Heights"),
    ("Majdal Shams", "Majdal Shams", "Golan Heights"),
    ("Shejaiya", "Shuja'iyya", "Gaza Strip"),
    ("Rafah Crossing", "Rafah crossing", "Gaza Strip"),
    ("Kerem Shalom crossing", "Kerem Shalom crossing", "Israel"),
    ("Tulkarem refugee camp", "Tulkarm camp", "West Bank"),
    ("Sheikh Jarrah", "Sheikh Jarrah", "East Jerusalem"),
    ("Cairo", "Cairo", "Egypt"),
    ("Beirut", "Beirut", "Lebanon"),
])
def test_lookup(gazetteer: Gazetteer, query: str, name: str, admin1: str) -> None:
    place = gazetteer.lookup(query)
    assert place is not None
    assert (place.name, place.admin1) == (name, admin1)


@pytest.mark.parametrize("query", ["", "   ", "Atlantis", "Gotham City"])
def test_lookup_unknown(gazetteer: Gazetteer, query: str) -> None:
    assert gazetteer.lookup(query) is None


@pytest.mark.parametrize("name, lat, lon", [
    # GeoNames points (values as published by GeoNames)
    ("Gaza City", 31.50161, 34.46672),
    ("Qalqilya", 32.18966, 34.97063),
    ("Al-Funduq", 32.19055, 35.13709),
    ("Ashkelon", 31.66926, 34.57149),
    # Hand-kept points (Wikipedia infoboxes and the project brief)
    ("Jenin camp", 32.46139, 35.28639),
    ("Al-Maghazi camp", 31.42136, 34.38538),
    ("Sufa", 31.2383, 34.342),
    ("Holit", 31.2306, 34.3273),
    ("Tze'elim", 31.2039, 34.5334),
    ("Neve Yaakov", 31.8406, 35.2429),
])
def test_coordinates_of_key_places(gazetteer: Gazetteer, name: str, lat: float, lon: float) -> None:
    place = gazetteer.lookup(name)
    assert place is not None
    assert (place.latitude, place.longitude) == pytest.approx((lat, lon), abs=1e-4)


def test_unverified_place_stays_named_but_unlocated(gazetteer: Gazetteer) -> None:
    (match,) = gazetteer.find_places("Iranian missiles hit the Nevatim air base")
    assert match.place.name == "Nevatim Airbase"
    assert (match.place.latitude, match.place.longitude) == (None, None)


def test_places_near_a_town_carry_precision_2(gazetteer: Gazetteer) -> None:
    # Rows placed at their parent town's point say so with ACLED geo_precision 2.
    assert gazetteer.lookup("Khan Younis camp").geo_precision == 2
    assert gazetteer.lookup("Jenin camp").geo_precision == 1


def test_admin_areas_resolve_to_region_places(gazetteer: Gazetteer) -> None:
    # The pipeline falls back from an article's dominant admin1 to that area as a place.
    for area in schema.ADMIN_AREAS:
        place = gazetteer.lookup(area)
        assert place is not None and place.name == area and place.admin1 == area


# --- scanning running text ---------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("Palestinian resistance factions in the Gaza Strip fired two rockets toward the adjacent "
     "Israeli settlement of Ashkelon in the early hours of 27 January.",
     [("Gaza Strip", "Gaza Strip"), ("Ashkelon", "Ashkelon")]),
    ("the massive Israeli invasion of the city of Jenin and the Jenin refugee camp in the occupied West Bank",
     [("Jenin", "Jenin"), ("Jenin refugee camp", "Jenin camp"), ("occupied West Bank", "West Bank")]),
    ("in the al-Maghazi refugee camp in the central Gaza Strip, and another southwest of Gaza City.",
     [("al-Maghazi refugee camp", "Al-Maghazi camp"), ("central Gaza Strip", "Central Gaza Strip"),
      ("Gaza City", "Gaza City")]),
    ("rockets fired from Gaza towards Ashdod and Ashkelon",
     [("Gaza", "Gaza Strip"), ("Ashdod", "Ashdod"), ("Ashkelon", "Ashkelon")]),
    ("to attack Israel’s Hatzerim and Taslim military bases in Negev desert.",
     [("Israel", "Israel"), ("Hatzerim", "Hatzerim"), ("Taslim", "Tze'elim"), ("Negev desert", "Negev")]),
    ("heavy artillery fire to target Israeli positions in Sufa and Holit in the south",
     [("Sufa", "Sufa"), ("Holit", "Holit")]),
    ("settlers arriving at al-Funduq village, located east of Qalqilya, in the northern part of the West Bank",
     [("al-Funduq village", "Al-Funduq"), ("Qalqilya", "Qalqilya"),
      ("northern part of the West Bank", "Northern West Bank")]),
    ("a shooting near a synagogue in Neve Yaakov in East Jerusalem",
     [("Neve Yaakov", "Neve Yaakov"), ("East Jerusalem", "East Jerusalem")]),
    ("air strikes on Khan Younis and Deir el-Balah, near Jenin's refugee camp",
     [("Khan Younis", "Khan Yunis"), ("Deir el-Balah", "Deir al-Balah"), ("Jenin's refugee camp", "Jenin camp")]),
    ("the Hamas official spoke in Doha, then in Cairo", [("Doha", "Doha"), ("Cairo", "Cairo")]),
    ("Al-Khalil, which Israelis call Hebron", [("Al-Khalil", "Hebron"), ("Hebron", "Hebron")]),
    ("A GAZA STRIP HEADLINE", [("GAZA STRIP", "Gaza Strip")]),
    # small one-word villages: found with a cue beside them
    ("Settlers attacked the villages of Burin and Beita, and raided Huwara, Sinjil and Qusra.",
     [("Burin", "Burin"), ("Beita", "Beita"), ("Huwara", "Huwara"), ("Sinjil", "Sinjil"), ("Qusra", "Qusra")]),
    ("Beita residents protested; Beita was quiet.", [("Beita", "Beita")]),
    # places that are also names: found where no other name stands beside them
    ("In Ariel, settlers rallied, and the occupied Golan was quiet.",
     [("Ariel", "Ariel"), ("occupied Golan", "Golan Heights")]),
    # a lone "ʻ" after a place folds to an empty key, which crashed the scan (found by fuzzing)
    ("Strikes hit Rafah ʻ and Gaza City ʼ overnight.", [("Rafah", "Rafah"), ("Gaza City", "Gaza City")]),
])
def test_find_places(gazetteer: Gazetteer, text: str, expected: list[tuple[str, str]]) -> None:
    found = gazetteer.find_places(text)
    assert [(m.text, m.place.name) for m in found] == expected
    for m in found:
        assert text[m.start:m.end] == m.text


@pytest.mark.parametrize("text", [
    "Or the army will go in.",
    "Adam said the talks were over.",
    "Eli and Omer met Nili in the Old City.",
    "Khalil al-Hayya, a senior Hamas official, said",
    "Israel Katz told the Jerusalem Post and the Times of Israel",
    "The Al-Quds Brigades and the Al-Aqsa Martyrs' Brigades said",
    "Rockets were fired from gaza, the lower-case way.",
    "He said the tell-tale sign was a camp, an old city, a kibbutz.",
    "Israeli forces and Israeli troops",
    "Avigdor Lieberman, who is the head of the Yisrael Beiteinu party, said",
    "Israeli National Security Minister Itamar Ben Gvir linked the rocket fire to his statements",
    "The rockets were intercepted by the Iron Dome missile defense system.",
    "Yair Golan said. Ariel Sharon visited. Yair Lapid met Elon Musk in the USA.",
    "the killing of Muhammad al-Durrah in 2000",
    "Beita was quiet.",
])
def test_find_places_skips_words_and_names(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find_places(text) == []


def test_find_places_returns_frozen_matches(gazetteer: Gazetteer) -> None:
    match = gazetteer.find_places("in Rafah")[0]
    assert match == PlaceMatch(3, 8, "Rafah", gazetteer.lookup("Rafah"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.start = 0  # type: ignore[misc]


def test_article_before_a_name_belongs_to_the_span(gazetteer: Gazetteer) -> None:
    (match,) = gazetteer.find_places("an air strike on al-Bureij camp")
    assert (match.text, match.place.name) == ("al-Bureij camp", "Bureij camp")


# --- rules, on hand-made files -----------------------------------------------------------------
def test_canonical_name_beats_alias(small: Gazetteer) -> None:
    assert small.lookup("Twin").name == "Twin"  # also an alias of Bigtown
    assert small.lookup("Bigtown").name == "Bigtown"  # also an alias of Big Region


def test_stoplist_applies_to_scanning_only(small: Gazetteer) -> None:
    assert small.find_places("Twin and Twin Peaks") == [
        PlaceMatch(9, 19, "Twin Peaks", small.lookup("Smallville"))]
    assert small.lookup("Twin") is not None


def test_stoplisted_phrase_hides_the_place_inside_it(small: Gazetteer) -> None:
    assert [m.text for m in small.find_places("the Bigtown Gazette reported from Bigtown")] == ["Bigtown"]


def test_short_names_match_only_in_their_written_case(small: Gazetteer) -> None:
    assert [m.text for m in small.find_places("in Fiq, in FIQ and in fiq")] == ["Fiq"]


def test_camp_rows_get_news_variants(small: Gazetteer) -> None:
    for text in ("Smallville refugee camp", "the camp of Smallville", "refugee camp of Smallville"):
        assert small.lookup(text).name == "Smallville camp"
    assert small.lookup("Smallville").name == "Smallville"


def test_place_without_coordinates(small: Gazetteer) -> None:
    place = small.lookup("Nowhere")
    assert (place.latitude, place.longitude) == (None, None)


def test_load_is_cached() -> None:
    assert Gazetteer.load() is Gazetteer.load()


@pytest.mark.parametrize("file, message", [
    ("missing_column.csv", "missing_column.csv: missing columns: geo_precision"),
    ("bad_latitude.csv", "bad_latitude.csv line 2: latitude is not a number: 'north'"),
    ("half_coordinates.csv",
     "half_coordinates.csv line 2: Bigtown: latitude and longitude must both be given or both be empty"),
])
def test_malformed_files_are_refused(file: str, message: str) -> None:
    with pytest.raises(GazetteerError) as excinfo:
        read_gazetteer_file(FIXTURES / file)
    assert str(excinfo.value) == message


def test_duplicate_names_across_files_are_refused() -> None:
    with pytest.raises(GazetteerError) as excinfo:
        Gazetteer.load([FIXTURES / "small.csv", FIXTURES / "duplicate.csv"], FIXTURES / "stoplist.txt")
    assert str(excinfo.value) == "duplicate place name 'Twin' in small.csv and duplicate.csv"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match=r"^cannot read gazetteer file .*absent\.csv: No such file"):
        Gazetteer.load([tmp_path / "absent.csv"])


# --- the data files ----------------------------------------------------------------------------
def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Generous boxes around each area: a point outside its box is a wrong coordinate or admin1.
BOXES = {
    "Gaza Strip": (31.21, 31.62, 34.19, 34.58),
    "West Bank": (31.33, 32.56, 34.88, 35.58),
    "East Jerusalem": (31.72, 31.88, 35.19, 35.28),
    "Golan Heights": (32.65, 33.35, 35.6, 35.9),
    "Israel": (29.45, 33.35, 34.2, 35.9),
}


@pytest.mark.parametrize("path", [settings.GAZETTEER_FILE, settings.GAZETTEER_SUPPLEMENT_FILE],
                         ids=["gazetteer", "supplement"])
def test_data_rows_are_consistent(path: Path) -> None:
    rows = _rows(path)
    assert rows
    for row in rows:
        where = f"{path.name}: {row['name']}"
        if row["admin1"] in BOXES and row["latitude"]:
            south, north, west, east = BOXES[row["admin1"]]
            assert south <= float(row["latitude"]) <= north, where
            assert west <= float(row["longitude"]) <= east, where
        if row["kind"] == "region":
            assert row["geo_precision"] in ("2", "3"), where
        if row["admin1"] in ("Gaza Strip", "West Bank", "East Jerusalem"):
            assert row["country"] == "Palestine", where


def test_supplement_rows_say_where_coordinates_come_from() -> None:
    for row in _rows(settings.GAZETTEER_SUPPLEMENT_FILE):
        assert row["source"].strip(), row["name"]
