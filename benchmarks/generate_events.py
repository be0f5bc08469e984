"""Generate a large synthetic event table, shaped like real data, for the dashboard's scale benchmark.

    python benchmarks/generate_events.py --events 1000000 --out benchmarks/out/events_1m

Writes an output folder like `python -m data_prep build` does (events.parquet, events.csv,
mentions.parquet, articles.csv, articles.parquet) through data_prep.io.write_outputs, so the
dashboard opens it as it would a real build. The numbers are invented; their shapes follow
ACLED's Palestine data: event types weighted as there (remote violence and protests most
common), heavy-tailed tolls (most events kill no one, a few kill hundreds), places from
data_prep/data/gazetteer.csv weighted by population (a small built-in list when it is absent),
dates over six years with bursts of fighting, and a share of approximate, ranged, month-only and
undated events reported by one to three of a dozen outlets. Seeded: the same arguments give the
same table.
"""
from __future__ import annotations

import argparse
import csv
import logging
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from data_prep import schema, settings  # noqa: E402
from data_prep.io import write_outputs  # noqa: E402

LOGGER = logging.getLogger("generate_events")

# (event type, weight, sub-event types with weights); weights after ACLED's Palestine coding.
TYPES: list[tuple[str, float, list[tuple[str, float]]]] = [
    ("Explosions/Remote violence", 0.33, [
        ("Air/drone strike", 0.55), ("Shelling/artillery/missile attack", 0.35),
        ("Remote explosive/landmine/IED", 0.07), ("Grenade", 0.03)]),
    ("Protests", 0.22, [("Peaceful protest", 0.8), ("Protest with intervention", 0.17), ("Excessive force against protesters", 0.03)]),
    ("Battles", 0.13, [("Armed clash", 0.95), ("Government regains territory", 0.05)]),
    ("Riots", 0.10, [("Violent demonstration", 0.7), ("Mob violence", 0.3)]),
    ("Violence against civilians", 0.09, [("Attack", 0.85), ("Abduction/forced disappearance", 0.15)]),
    ("Strategic developments", 0.08, [
        ("Arrests", 0.45), ("Looting/property destruction", 0.25), ("Disrupted weapons use", 0.2), ("Other", 0.1)]),
    (schema.STATEMENT, 0.05, [("", 1.0)]),
]
# Where each type happens: shares of Gaza Strip, West Bank, Israel, East Jerusalem.
AREA_SHARES: dict[str, tuple[float, float, float, float]] = {
    "Explosions/Remote violence": (0.72, 0.06, 0.21, 0.01),
    "Protests": (0.08, 0.42, 0.44, 0.06),
    "Battles": (0.42, 0.52, 0.05, 0.01),
    "Riots": (0.02, 0.80, 0.08, 0.10),
    "Violence against civilians": (0.25, 0.58, 0.10, 0.07),
    "Strategic developments": (0.20, 0.60, 0.17, 0.03),
    schema.STATEMENT: (0.40, 0.15, 0.43, 0.02),
}
AREAS = ("Gaza Strip", "West Bank", "Israel", "East Jerusalem")
AREA_CENTRES = {"Gaza Strip": (31.4167, 34.3333), "West Bank": (31.95, 35.25), "Israel": (31.5, 34.9),
                "East Jerusalem": (31.7834, 35.2339)}
COUNTRY_OF = {"Gaza Strip": "Palestine", "West Bank": "Palestine", "East Jerusalem": "Palestine", "Israel": "Israel"}
# Actor pairs per type (actor1, actor2 or ""), with weights.
ACTORS: dict[str, list[tuple[str, str, float]]] = {
    "Explosions/Remote violence": [
        ("Israeli military", "Civilians (Palestine)", 0.45), ("Israeli military", "Hamas", 0.15),
        ("Al-Qassam Brigades", "Civilians (Israel)", 0.2), ("Al-Quds Brigades", "", 0.1),
        ("Unidentified Palestinian armed group", "", 0.1)],
    "Protests": [("Protesters (Palestine)", "", 0.5), ("Protesters (Israel)", "", 0.45), ("Protesters (International)", "", 0.05)],
    "Battles": [
        ("Israeli military", "Al-Qassam Brigades", 0.35), ("Israeli military", "Unidentified Palestinian armed group", 0.3),
        ("Israeli military", "Al-Quds Brigades", 0.2), ("Palestinian Islamic Jihad", "Israeli military", 0.15)],
    "Riots": [("Rioters (Palestine)", "Israeli military", 0.6), ("Israeli settlers", "Civilians (Palestine)", 0.4)],
    "Violence against civilians": [
        ("Israeli settlers", "Civilians (Palestine)", 0.4), ("Israeli military", "Civilians (Palestine)", 0.35),
        ("Unidentified Palestinian individual", "Civilians (Israel)", 0.15), ("Hamas", "Civilians (Palestine)", 0.1)],
    "Strategic developments": [
        ("Israeli military", "Civilians (Palestine)", 0.6), ("Palestinian Authority", "", 0.2), ("Israeli military", "", 0.2)],
    schema.STATEMENT: [("Hamas", "", 0.35), ("Israeli military", "", 0.3), ("Palestinian Authority", "", 0.15),
                       ("United States government", "", 0.1), ("Palestinian Islamic Jihad", "", 0.1)],
}
OUTLETS = (
    "Al Jazeera", "Times of Israel", "WAFA", "Haaretz", "Ynet", "Al Mayadeen", "Reuters", "AP",
    "Middle East Eye", "Jerusalem Post", "Palestine Chronicle", "Anadolu Agency",
)
OUTLET_WEIGHTS = np.array([14, 13, 10, 9, 9, 8, 8, 7, 6, 6, 5, 5], dtype=float)
# Share of each date precision; "unknown" events have no date at half the time.
PRECISIONS = (
    (schema.PRECISION_DAY, 0.80), (schema.PRECISION_APPROX, 0.12), (schema.PRECISION_RANGE, 0.02),
    (schema.PRECISION_MONTH, 0.03), (schema.PRECISION_UNKNOWN, 0.03),
)
AREA_LEVEL_SHARE = 0.05  # events placed only at the area's centre (geo_precision 3)
FIRST_DAY = np.datetime64("2019-01-01")
LAST_DAY = np.datetime64("2024-12-31")
# Bursts of fighting: (centre, width in days, height relative to the base rate).
BURSTS = (("2019-05-05", 3, 12), ("2021-05-15", 6, 15), ("2022-08-06", 2, 10), ("2023-01-26", 4, 5),
          ("2023-05-11", 3, 8), ("2023-07-04", 2, 6))
WAR = (np.datetime64("2023-10-07"), LAST_DAY, 7.0)  # a long war: seven times the base rate
FALLBACK_PLACES = [  # name, admin1, lat, lon, population
    ("Gaza City", "Gaza Strip", 31.5017, 34.4668, 590000), ("Khan Yunis", "Gaza Strip", 31.3462, 34.3063, 205000),
    ("Rafah", "Gaza Strip", 31.2969, 34.2455, 170000), ("Jabalia camp", "Gaza Strip", 31.5372, 34.4964, 120000),
    ("Deir al-Balah", "Gaza Strip", 31.4181, 34.3517, 75000), ("Jenin", "West Bank", 32.4607, 35.2956, 50000),
    ("Nablus", "West Bank", 32.2211, 35.2544, 150000), ("Hebron", "West Bank", 31.5326, 35.0998, 215000),
    ("Ramallah", "West Bank", 31.9038, 35.2034, 38000), ("Tulkarm", "West Bank", 32.3104, 35.0286, 60000),
    ("Huwara", "West Bank", 32.1525, 35.2570, 7000), ("Tel Aviv", "Israel", 32.0853, 34.7818, 460000),
    ("Ashkelon", "Israel", 31.6688, 34.5743, 150000), ("Sderot", "Israel", 31.525, 34.5969, 30000),
    ("Haifa", "Israel", 32.794, 34.9896, 285000), ("Kiryat Shmona", "Israel", 33.2073, 35.5721, 22000),
    ("Old City", "East Jerusalem", 31.7767, 35.2345, 37000), ("Silwan", "East Jerusalem", 31.7707, 35.2353, 20000),
]


def load_places(path: Path = settings.GAZETTEER_FILE) -> pd.DataFrame:
    """Places per area with a sampling weight (square root of population); built-in list when absent."""
    rows = []
    if path.is_file():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row.get("admin1") in AREAS and row.get("latitude") and row.get("longitude"):
                    population = float(row.get("population") or 0) or 500.0
                    rows.append((row["name"], row["admin1"], float(row["latitude"]), float(row["longitude"]), population))
    if not rows:
        LOGGER.info("no gazetteer at %s: using the built-in places", path)
        rows = FALLBACK_PLACES
    places = pd.DataFrame(rows, columns=["name", "admin1", "lat", "lon", "population"])
    places["weight"] = np.sqrt(places["population"])
    return places


def _choice(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=float)
    return rng.choice(len(weights), size=n, p=weights / weights.sum())


def _day_weights() -> tuple[np.ndarray, np.ndarray]:
    days = np.arange(FIRST_DAY, LAST_DAY + 1)
    n = (days - FIRST_DAY).astype(int)
    weight = 1.0 + 0.3 * np.sin(n / 365.25 * 2 * np.pi)  # a seasonal swell
    for centre, width, height in BURSTS:
        offset = (days - np.datetime64(centre)).astype(float)
        weight += height * np.exp(-0.5 * (offset / width) ** 2)
    weight[(days >= WAR[0]) & (days <= WAR[1])] *= WAR[2]
    return days, weight


def generate(n: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(events, mentions, articles) frames with n events, conformed to the schema."""
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    # Types and sub-types.
    type_index = _choice(rng, n, np.array([t[1] for t in TYPES]))
    event_type = np.empty(n, dtype=object)
    sub_type = np.empty(n, dtype=object)
    actor1 = np.empty(n, dtype=object)
    actor2 = np.empty(n, dtype=object)
    area = np.empty(n, dtype=object)
    for i, (name, _, subs) in enumerate(TYPES):
        pick = type_index == i
        k = int(pick.sum())
        event_type[pick] = name
        sub_type[pick] = np.array([s for s, _ in subs], dtype=object)[_choice(rng, k, np.array([w for _, w in subs]))]
        pairs = ACTORS[name]
        chosen = _choice(rng, k, np.array([w for *_, w in pairs]))
        actor1[pick] = np.array([a for a, _, _ in pairs], dtype=object)[chosen]
        actor2[pick] = np.array([b for _, b, _ in pairs], dtype=object)[chosen]
        area[pick] = np.array(AREAS, dtype=object)[_choice(rng, k, np.array(AREA_SHARES[name]))]
    sub_type[sub_type == ""] = None
    actor2[actor2 == ""] = None
    # Places within the area, weighted by population; a share only at the area's centre.
    places = load_places()
    location = np.empty(n, dtype=object)
    lat = np.empty(n)
    lon = np.empty(n)
    geo_precision = np.ones(n, dtype=np.int64)
    for name in AREAS:
        pick = np.flatnonzero(area == name)
        pool = places[places["admin1"] == name]
        if pool.empty:
            pool = pd.DataFrame([{"name": name, "lat": AREA_CENTRES[name][0], "lon": AREA_CENTRES[name][1], "weight": 1.0}])
        chosen = _choice(rng, len(pick), pool["weight"].to_numpy())
        location[pick] = pool["name"].to_numpy(dtype=object)[chosen]
        lat[pick] = pool["lat"].to_numpy()[chosen]
        lon[pick] = pool["lon"].to_numpy()[chosen]
    coarse = rng.random(n) < AREA_LEVEL_SHARE
    for name in AREAS:
        pick = coarse & (area == name)
        location[pick] = name
        lat[pick], lon[pick] = AREA_CENTRES[name]
        geo_precision[pick] = 3
    unlocated = rng.random(n) < 0.005
    lat[unlocated] = np.nan
    lon[unlocated] = np.nan
    # Dates with bursts; precision; intervals.
    days, weights = _day_weights()
    best = days[_choice(rng, n, weights)]
    precision = np.array([p for p, _ in PRECISIONS], dtype=object)[_choice(rng, n, np.array([w for _, w in PRECISIONS]))]
    start = best.copy()
    end = best.copy()
    approx = precision == schema.PRECISION_APPROX
    spread = rng.integers(0, 3, n)
    start[approx] = best[approx] - spread[approx]
    end[approx] = best[approx] + spread[approx]
    ranged = precision == schema.PRECISION_RANGE
    length = rng.integers(3, 60, n)
    start[ranged] = best[ranged] - length[ranged]
    month = precision == schema.PRECISION_MONTH
    start[month] = best[month].astype("datetime64[M]").astype("datetime64[D]")
    end[month] = (best[month].astype("datetime64[M]") + 1).astype("datetime64[D]") - 1
    best[month] = start[month]
    undated = (precision == schema.PRECISION_UNKNOWN) & (rng.random(n) < 0.5)
    best = best.astype("datetime64[ns]")
    start = start.astype("datetime64[ns]")
    end = end.astype("datetime64[ns]")
    best[undated] = start[undated] = end[undated] = np.datetime64("NaT")
    # Heavy-tailed tolls: most events kill no one; remote violence and multi-day tolls the most.
    base_rate = {"Explosions/Remote violence": 0.55, "Battles": 0.4, "Violence against civilians": 0.45,
                 "Riots": 0.05, "Protests": 0.01, "Strategic developments": 0.01, schema.STATEMENT: 0.0}
    kills = rng.random(n) < np.vectorize(base_rate.get)(event_type)
    fatalities = np.where(kills, np.minimum(np.floor(rng.pareto(1.3, n) * 2) + 1, 800), 0).astype(np.int64)
    fatalities[ranged] = np.minimum(np.floor(rng.pareto(1.5, ranged.sum()) * 30) + 5, 5000).astype(np.int64)
    injuries = np.where(kills | (rng.random(n) < 0.1), np.floor(rng.pareto(1.2, n) * 3), 0).astype(np.int64)
    disputed = rng.random(n) < 0.15
    fatalities_max = fatalities + np.where(disputed & (fatalities > 0), rng.integers(1, 10, n) * np.maximum(fatalities // 5, 1), 0)
    injuries_max = injuries + np.where(disputed, rng.integers(0, 30, n), 0)
    no_toll = rng.random(n) < 0.03
    # Sources: one to three outlets; article ids, a quarter of them shared with another event.
    n_outlets = _choice(rng, n, np.array([0.6, 0.3, 0.1])) + 1
    outlet_pick = np.stack([_choice(rng, n, OUTLET_WEIGHTS) for _ in range(3)], axis=1)
    outlet_lists = [list(dict.fromkeys(OUTLETS[j] for j in row[:k])) for row, k in zip(outlet_pick, n_outlets)]
    n_outlets = np.array([len(names) for names in outlet_lists])  # a repeated draw means fewer outlets
    source = np.array([schema.LIST_SEPARATOR.join(names) for names in outlet_lists], dtype=object)
    article_base = rng.integers(0, int(n * 0.8) + 1, n)
    article_ids = np.array([
        schema.LIST_SEPARATOR.join(f"a{(a + j * 7919) % (n + 1):08x}" for j in range(k))
        for a, k in zip(article_base, n_outlets)
    ], dtype=object)
    ids = np.array([f"{v:016x}" for v in rng.integers(0, 2**63, n, dtype=np.int64)], dtype=object)
    LOGGER.info("drew %d events in %.1f s", n, time.perf_counter() - started)
    frame = pd.DataFrame({
        schema.EVENT_ID: ids,
        schema.EVENT_DATE: best,
        schema.YEAR: pd.Series(best).dt.year.astype("Int64"),
        schema.TIME_PRECISION: pd.Series(precision).map(schema.TIME_PRECISION_OF).astype("Int64"),
        schema.DISORDER_TYPE: np.where(event_type == "Protests", "Demonstrations", "Political violence"),
        schema.EVENT_TYPE: event_type,
        schema.SUB_EVENT_TYPE: sub_type,
        schema.ACTOR1: actor1,
        schema.ACTOR2: actor2,
        schema.COUNTRY: pd.Series(area).map(COUNTRY_OF).to_numpy(dtype=object),
        schema.ADMIN1: area,
        schema.LOCATION: location,
        schema.LATITUDE: lat,
        schema.LONGITUDE: lon,
        schema.GEO_PRECISION: geo_precision,
        schema.SOURCE: source,
        schema.FATALITIES: pd.array(np.where(no_toll, 0, fatalities), dtype="Int64"),
        schema.DATE_START: start,
        schema.DATE_END: end,
        schema.DATE_PRECISION: precision,
        schema.INJURIES: injuries,
        schema.FATALITIES_MAX: fatalities_max,
        schema.INJURIES_MAX: injuries_max,
        schema.CONTESTED: disputed & (fatalities > 0),
        schema.ARTICLE_IDS: article_ids,
        schema.SOURCE_FILES: pd.Series(article_ids).str.replace(schema.LIST_SEPARATOR, ".html;", regex=False) + ".html",
        schema.MENTION_COUNT: n_outlets,
    })
    frame.loc[no_toll, [schema.FATALITIES, schema.FATALITIES_MAX]] = pd.NA
    who = frame[schema.ACTOR1].astype("string")
    where = frame[schema.LOCATION].astype("string")
    killed = frame[schema.FATALITIES].astype("string").fillna("an unknown number of")
    frame[schema.EVIDENCE] = (
        who + " " + frame[schema.SUB_EVENT_TYPE].fillna("statement").str.lower().astype("string")
        + " in " + where + "; " + killed + " people were killed, officials said."
    )
    frame[schema.NOTES] = "Synthetic event at " + where + " (" + frame[schema.DATE_PRECISION].astype("string") + " date)."
    events = schema.conform_events(frame)
    mentions, articles = _mentions_and_articles(events, rng)
    LOGGER.info("built %d events, %d mentions, %d articles in %.1f s",
                len(events), len(mentions), len(articles), time.perf_counter() - started)
    return events, mentions, articles


def _mentions_and_articles(events: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One mention per (event, article); one article row per distinct article id."""
    pairs = events[[schema.EVENT_ID, schema.ARTICLE_IDS, schema.SOURCE, schema.EVENT_DATE, schema.DATE_PRECISION,
                    schema.EVENT_TYPE, schema.ACTOR1, schema.LOCATION, schema.FATALITIES, schema.EVIDENCE]].copy()
    pairs[schema.ARTICLE_ID] = pairs[schema.ARTICLE_IDS].str.split(schema.LIST_SEPARATOR)
    pairs[schema.OUTLET] = pairs[schema.SOURCE].str.split(schema.LIST_SEPARATOR)
    mentions = pairs.explode([schema.ARTICLE_ID, schema.OUTLET], ignore_index=True)
    mentions = mentions.drop(columns=[schema.ARTICLE_IDS, schema.SOURCE])
    mentions[schema.MENTION_ID] = mentions[schema.EVENT_ID].astype(str) + "-" + mentions.groupby(schema.EVENT_ID).cumcount().astype(str)
    mentions[schema.SOURCE_FILE] = mentions[schema.ARTICLE_ID].astype(str) + ".html"
    mentions[schema.PUBLISHED] = mentions[schema.EVENT_DATE] + pd.to_timedelta(rng.integers(0, 2, len(mentions)), unit="D")
    articles = mentions.drop_duplicates(schema.ARTICLE_ID)[[schema.ARTICLE_ID, schema.SOURCE_FILE, schema.OUTLET, schema.PUBLISHED, schema.EVIDENCE]]
    articles = articles.rename(columns={schema.SOURCE_FILE: schema.FILE, schema.EVIDENCE: schema.TEXT})
    articles[schema.TITLE] = "Synthetic report"
    articles[schema.STATUS] = schema.STATUS_OK
    articles[schema.FORMAT] = "html"
    articles[schema.EVENTS_FOUND] = 1
    articles[schema.PUBLISHED_ORIGIN] = "html_meta"
    return schema.conform_mentions(mentions), schema.conform_articles(articles)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000, help="how many events (default 1,000,000)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "events_1m")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    events, mentions, articles = generate(args.events, args.seed)
    started = time.perf_counter()
    write_outputs(args.out, events, mentions, articles)
    LOGGER.info("wrote %s in %.1f s", args.out, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
