"""The same event told by several articles becomes one row; every telling stays in the mentions table."""
from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

import pandas as pd

from . import schema as S
from .models import Event

# ACLED's disorder types by event type.
DISORDER_OF: dict[str, str] = {
    "Battles": "Political violence", "Explosions/Remote violence": "Political violence",
    "Violence against civilians": "Political violence", "Protests": "Demonstrations",
    "Riots": "Demonstrations", "Strategic developments": "Strategic developments", S.STATEMENT: S.STATEMENT,
}
CIVILIANS_INTER = 7
# One raid is told as a clash by one source and as an attack on civilians by another.
GROUND_TYPES = frozenset({"Battles", "Violence against civilians"})
# Two places this close (degrees, about 5 km) are one place for merging (a town and its camp).
NEAR_DEGREES = 0.05


def _places_near(a: Event, b: Event) -> bool:
    pa, pb = a.place, b.place
    if pa is None or pb is None:
        return False
    if pa.name == pb.name:
        return True
    if pa.geo_precision >= 3 or pb.geo_precision >= 3:
        return False
    if None in (pa.latitude, pa.longitude, pb.latitude, pb.longitude):
        return False
    return abs(pa.latitude - pb.latitude) < NEAR_DEGREES and abs(pa.longitude - pb.longitude) < NEAR_DEGREES


def _actors_agree(a: Event, b: Event) -> bool:
    return a.actor1 is None or b.actor1 is None or a.actor1 == b.actor1


def _same_event(a: Event, b: Event) -> bool:
    """Told as the same incident: same type, same day, same place, no conflicting actor."""
    if a.article_id == b.article_id or S.STATEMENT in (a.event_type, b.event_type):
        return False
    if a.event_type != b.event_type and {a.event_type, b.event_type} != GROUND_TYPES:
        return False
    if a.event_date is None or b.event_date is None:
        return False
    approx = S.PRECISION_DAY not in (a.date_precision, b.date_precision)
    if abs((a.event_date - b.event_date).days) > (1 if approx else 0):
        return False
    if a.date_precision == S.PRECISION_RANGE or b.date_precision == S.PRECISION_RANGE:
        return False
    return _places_near(a, b) and _actors_agree(a, b)


def group_mentions(mentions: Sequence[Event]) -> list[list[Event]]:
    """Clusters of mentions that tell one event (union-find over the pairs that could be one)."""
    parent = list(range(len(mentions)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in _candidate_pairs(mentions):
        if find(i) != find(j) and _same_event(mentions[i], mentions[j]):
            parent[find(j)] = find(i)
    clusters: dict[int, list[Event]] = defaultdict(list)
    for index, mention in enumerate(mentions):
        clusters[find(index)].append(mention)
    return list(clusters.values())


def _candidate_pairs(mentions: Sequence[Event]) -> Iterator[tuple[int, int]]:
    """Index pairs (i < j) that share what _same_event requires: a type (or both ground types),
    days at most one apart, and the same place name or places in neighbouring NEAR_DEGREES cells.

    Comparing every pair of a day was quadratic in the mentions per day (7M pairs for 10,000
    articles, worse for a corpus bunched into a few weeks); these buckets hold a handful each.
    """
    by_name: dict[tuple[str, int, str], list[int]] = defaultdict(list)
    by_cell: dict[tuple[str, int, int, int], list[int]] = defaultdict(list)
    for index, m in enumerate(mentions):
        if m.event_date is None or m.place is None or m.event_type == S.STATEMENT:
            continue
        kind = "ground" if m.event_type in GROUND_TYPES else m.event_type
        day = m.event_date.toordinal()
        by_name[(kind, day, m.place.name)].append(index)
        cell = _cell(m)
        if cell is not None:
            by_cell[(kind, day, *cell)].append(index)
    seen: set[tuple[int, int]] = set()
    for (kind, day, name), indices in by_name.items():
        for other_day in (day, day + 1):
            others = indices if other_day == day else by_name.get((kind, other_day, name), ())
            yield from _new_pairs(indices, others, seen)
    for (kind, day, row, column), indices in by_cell.items():
        for other_day in (day, day + 1):
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    others = by_cell.get((kind, other_day, row + dr, column + dc), ())
                    yield from _new_pairs(indices, others, seen)


def _cell(m: Event) -> tuple[int, int] | None:
    """The NEAR_DEGREES grid cell of a precise enough place with coordinates, else None."""
    place = m.place
    if place is None or place.geo_precision >= 3 or place.latitude is None or place.longitude is None:
        return None
    return math.floor(place.latitude / NEAR_DEGREES), math.floor(place.longitude / NEAR_DEGREES)


def _new_pairs(indices: Sequence[int], others: Sequence[int], seen: set[tuple[int, int]]
               ) -> Iterator[tuple[int, int]]:
    for i in indices:
        for j in others:
            pair = (i, j) if i < j else (j, i)
            if i != j and pair not in seen:
                seen.add(pair)
                yield pair


def _order_key(m: Event) -> tuple:
    return (m.published or date.max, m.source_file, m.evidence_start)


def _specificity(m: Event) -> tuple:
    """Prefer a mention with an exact day, a precise place and a named actor."""
    return (
        m.date_precision == S.PRECISION_DAY,
        m.place is not None and m.place.geo_precision == 1,
        m.actor1 is not None,
        m.place is not None,
    )


def _claims_json(cluster: Sequence[Event]) -> str:
    rows = []
    for m in cluster:
        for claim in m.claims:
            rows.append({**claim.as_dict(), S.ARTICLE_ID: m.article_id, S.SOURCE_FILE: m.source_file})
    return json.dumps(rows, ensure_ascii=False)


def _counts(cluster: Sequence[Event], kind: str) -> list[int]:
    return [c.count for m in cluster for c in m.claims if c.kind == kind]


def _interaction(inter1: int | None, inter2: int | None) -> int | None:
    if inter1 is None:
        return None
    if inter2 is None:
        return inter1 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


def _join(values: Sequence[str | None]) -> str:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return S.LIST_SEPARATOR.join(seen)


def event_row(cluster: Sequence[Event]) -> dict[str, object]:
    """One table row from the mentions of one event."""
    ordered = sorted(cluster, key=_order_key)
    best = max(ordered, key=_specificity)
    first = ordered[0]
    place = best.place
    killed, injured = _counts(ordered, "killed"), _counts(ordered, "injured")
    kinds_disagree = len(set(killed)) > 1 or len(set(injured)) > 1
    fatalities = min(killed) if killed else best.fatalities
    day = best.event_date
    return {
        S.EVENT_ID: "EV" + first.mention_id,
        S.EVENT_DATE: day,
        S.YEAR: day.year if day else None,
        S.TIME_PRECISION: S.TIME_PRECISION_OF.get(best.date_precision, 3),
        S.DISORDER_TYPE: DISORDER_OF.get(best.event_type),
        S.EVENT_TYPE: best.event_type,
        S.SUB_EVENT_TYPE: best.sub_event_type,
        S.ACTOR1: best.actor1 or next((m.actor1 for m in ordered if m.actor1), None),
        S.ASSOC_ACTOR_1: best.assoc_actor_1,
        S.INTER1: best.inter1,
        S.ACTOR2: _target(best, ordered),
        S.ASSOC_ACTOR_2: best.assoc_actor_2,
        S.INTER2: best.inter2,
        S.INTERACTION: _interaction(best.inter1, best.inter2),
        S.CIVILIAN_TARGETING: "Civilian targeting" if best.inter2 == CIVILIANS_INTER else None,
        S.COUNTRY: place.country if place else None,
        S.ADMIN1: place.admin1 if place else None,
        S.LOCATION: place.name if place else None,
        S.LATITUDE: place.latitude if place else None,
        S.LONGITUDE: place.longitude if place else None,
        S.GEO_PRECISION: place.geo_precision if place else None,
        S.SOURCE: _join([m.outlet for m in ordered]),
        S.NOTES: _notes(best, fatalities),
        S.FATALITIES: fatalities,
        S.DATE_START: best.date_start,
        S.DATE_END: best.date_end,
        S.DATE_PRECISION: best.date_precision,
        S.INJURIES: min(injured) if injured else best.injuries,
        S.FATALITIES_MAX: max(killed) if killed else fatalities,
        S.INJURIES_MAX: max(injured) if injured else best.injuries,
        S.CLAIMS: _claims_json(ordered),
        S.CONTESTED: kinds_disagree,
        S.EVIDENCE: best.evidence,
        S.EVIDENCE_START: best.evidence_start,
        S.EVIDENCE_END: best.evidence_end,
        S.SOURCE_FILES: _join([m.source_file for m in ordered]),
        S.ARTICLE_IDS: _join([m.article_id for m in ordered]),
        S.MENTION_COUNT: len(ordered),
        S.CODING: best.coding or None,
    }


def _target(best: Event, ordered: Sequence[Event]) -> str | None:
    """The actor acted upon: the best mention's, else any mention's, never the actor who acts."""
    actor1 = best.actor1 or next((m.actor1 for m in ordered if m.actor1), None)
    for m in [best, *ordered]:
        if m.actor2 and m.actor2 != actor1:
            return m.actor2
    return None


def _notes(m: Event, fatalities: int | None) -> str:
    """A neutral one-line summary in the table's own words (never the source's labels)."""
    day = m.event_date.isoformat() if m.event_date else "undated"
    where = m.place.name if m.place else "unlocated"
    who = m.actor1 or "unidentified actor"
    target = f" against {m.actor2}" if m.actor2 else ""
    toll = f"; {fatalities} killed" if fatalities else ""
    return f"{day}: {who} - {m.sub_event_type or m.event_type}{target} - {where}{toll}"


def mention_row(m: Event, event_id: str) -> dict[str, object]:
    return {
        S.MENTION_ID: m.mention_id, S.EVENT_ID: event_id, S.ARTICLE_ID: m.article_id,
        S.SOURCE_FILE: m.source_file, S.OUTLET: m.outlet, S.PUBLISHED: m.published,
        S.EVENT_DATE: m.event_date, S.DATE_START: m.date_start, S.DATE_END: m.date_end,
        S.DATE_PRECISION: m.date_precision, S.EVENT_TYPE: m.event_type, S.SUB_EVENT_TYPE: m.sub_event_type,
        S.ACTOR1: m.actor1, S.ACTOR2: m.actor2, S.LOCATION: m.place.name if m.place else None,
        S.FATALITIES: m.fatalities, S.INJURIES: m.injuries, S.CLAIMS: _claims_json([m]),
        S.EVIDENCE: m.evidence, S.EVIDENCE_START: m.evidence_start, S.EVIDENCE_END: m.evidence_end,
        S.CODING: m.coding or None,
    }


# A part of the merge holds at least this many mentions (then ends at the first day no merge crosses).
MERGE_PART_MENTIONS = 5000


def merge_order(mention: Event) -> tuple[bool, date, str]:
    """The order mentions are merged in: dated ones by day (keeping their order within a day),
    then undated ones by id, so that the event table comes out sorted part by part.
    io.BuildSpool reads its mentions back in this same order."""
    if mention.event_date is None:
        return (True, date.max, mention.mention_id)
    return (False, mention.event_date, "")


def merge_mentions(mentions: Sequence[Event]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The event table (one row per event) and the mentions table (one row per telling)."""
    parts = list(merge_in_parts(sorted(mentions, key=merge_order))) or [_merge_part([])]
    return (pd.concat([e for e, _ in parts], ignore_index=True),
            pd.concat([m for _, m in parts], ignore_index=True))


def merge_in_parts(ordered: Iterable[Event], part_size: int = MERGE_PART_MENTIONS
                   ) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(events, mentions) tables part by part, from mentions in `merge_order`.

    A part ends only between two days that no merge joins, so no event is split; parts follow
    each other in date order, and concatenated they are the whole tables. What a build holds in
    memory is one part, not the corpus (unless every day of it merges with the next).
    """
    for part in _parts(ordered, part_size):
        yield _merge_part(part)


def _parts(ordered: Iterable[Event], part_size: int) -> Iterator[list[Event]]:
    part: list[Event] = []
    day: list[Event] = []  # the mentions of the day being read
    for mention in ordered:
        if day and mention.event_date != day[0].event_date:
            if len(part) >= part_size and not _merge_across(_last_day(part), day):
                yield part
                part = []
            part.extend(day)
            day = []
        day.append(mention)
        if mention.event_date is None:  # undated mentions never merge: any cut will do
            part.extend(day)
            day = []
            if len(part) >= part_size:
                yield part
                part = []
    part.extend(day)
    if part:
        yield part


def _last_day(part: list[Event]) -> list[Event]:
    """The mentions of the last day of `part`."""
    last = part[-1].event_date
    tail = []
    for mention in reversed(part):
        if mention.event_date != last:
            break
        tail.append(mention)
    return tail[::-1]


def _merge_across(before: list[Event], after: list[Event]) -> bool:
    """Whether a mention of the day `before` tells the same event as one of the next day `after`."""
    first_day, next_day = before[0].event_date, after[0].event_date
    if first_day is None or next_day is None or (next_day - first_day).days > 1:
        return False
    both = [*before, *after]
    return any(i < len(before) <= j and _same_event(both[i], both[j]) for i, j in _candidate_pairs(both))


def _merge_part(mentions: Sequence[Event]) -> tuple[pd.DataFrame, pd.DataFrame]:
    # Rows go straight into column lists: a dict per row (~1 KB each) for every event and mention
    # of a large corpus was most of a build's peak memory (benchmarks/bench_prep.py).
    event_columns: dict[str, list[object]] = {column: [] for column in S.EVENT_COLUMNS}
    mention_columns: dict[str, list[object]] = {column: [] for column in S.MENTION_COLUMNS}
    for cluster in group_mentions(mentions):
        row = event_row(cluster)
        _append_row(event_columns, row)
        for m in cluster:
            _append_row(mention_columns, mention_row(m, row[S.EVENT_ID]))
    events = S.conform_events(pd.DataFrame(event_columns))
    events = events.sort_values([S.EVENT_DATE, S.EVENT_ID], na_position="last", kind="stable").reset_index(drop=True)
    return events, S.conform_mentions(pd.DataFrame(mention_columns))


def _append_row(columns: dict[str, list[object]], row: dict[str, object]) -> None:
    for column, values in columns.items():
        values.append(row.get(column))
