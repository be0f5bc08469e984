"""One article in, its events out: triggers, actors, places, days and casualties per sentence.

The rules follow the coding guide (one kind of action, by one actor, on one day, at one place);
the words they look for live in `data/` (triggers, actors, gazetteer), not here.
"""
from __future__ import annotations

import bisect
import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any


from . import schema, settings, yaml_files
from .actors import ActorDictionary, ActorMatch, find_bare_nouns
from .casualties import INJURED, KILLED, CasualtyFigure, find_casualties, find_claimant, parse_number, respectively_follows
from .dates import find_temporal_expressions
from .models import Actor, Article, Claim, Event, ParsedDate, Place, TemporalMatch
from .places import Gazetteer, PlaceMatch
from .sentences import Sentence, split_sentences
from .triggers import TriggerMatch, TriggerRule, TriggerSet, load_triggers

LOGGER = logging.getLogger(__name__)

# Every alternative opens with its quote mark (the look-behind comes after the "'"), so the regex
# engine skips to the next quote mark instead of trying each character: 4x faster.
_QUOTED = re.compile(r"\"[^\"\n]{2,}?\"|“[^”\n]{2,}?”|‘[^’\n]{2,}?’|'(?<!\w')[^'\n]{2,}?'(?![\w])")
# A quotation this long is the speaker's own account; a shorter one is the reporter's paraphrase.
_QUOTE_MIN_WORDS = 6
# Words that make a trigger refer back to an event already told ("the strikes", "these clashes").
_ANAPHORIC = re.compile(r"\b(?:the|these|this|those|such|its|their)\s+(?:[\w'-]+\s+){0,3}$", re.IGNORECASE)
# Clauses that give a cause or background: triggers on either side do not describe one event.
_CLAUSE_BREAK = re.compile(
    r"\b(?:in (?:response|retaliation|reaction) (?:to|for)|in revenge for|following|amid|a day after|"
    r"days after|hours after|after|before|since|while|whereas|but)\b|, that\b",
    re.IGNORECASE,
)
# A clause that gives the cause of what the sentence reports: an event there is background.
_BACKGROUND = re.compile(r"\b(?:(?:in|a|as a) (?:response|retaliation|reaction) (?:to|for)|in revenge for|amid|citing)\b", re.IGNORECASE)
# "responded to Israeli strikes by firing rockets": what is responded to is background (the firing is not).
_RESPONDED_TO = re.compile(r"\b(?:respond(?:ed|ing|s)?|retaliat(?:ed|ing|es|e)) (?:to|for|against) (?:the |an? )?(?:[\w'-]+ ){0,2}$",
                           re.IGNORECASE)
# Clause boundaries that always end an event's part of the sentence ("X said ..., that Y").
_HARD_BREAK = re.compile(r", that\b|\b(?:but|while|whereas)\b", re.IGNORECASE)
# "have fired thousands of rockets since earlier this month": a campaign told in summary.
_SINCE = re.compile(r"\bsince\b", re.IGNORECASE)
# Two remote-violence words joined by "and" ("bombardment and shelling") are one event.
_JOINER = re.compile(r"^\s*(?:,|and|or|,? and)\s*$", re.IGNORECASE)
REMOTE_FAMILIES = frozenset({"air", "shelling"})
# Trigger words that carry a verb ("strikes hit", "fired", "firing") state a fact; bare nouns refer.
_VERBAL = re.compile(r"\b(?:\w+ed|\w+ing|hit|struck|shot|fire|fires|launch|launches|torch|says?)\b", re.IGNORECASE)
# "A said it had ...": a pronoun subject stands for the sentence's speaker.
_PRONOUN_SUBJECT = re.compile(r"\b(?:it|they|its (?:fighters|members|forces)|their fighters|we|the group|the movement)\b", re.IGNORECASE)
# ", the group added." / ", X said.": the speaker stands right before a verb at the end.
_TRAILING_SPEAKER = re.compile(r"[,\"'”’]\s*(?P<who>[^,\"'“”‘’]{1,60}?)\s*$")
# A capitalised word right after a place name makes it a person ("Itamar Ben Gvir") or a body
# ("Ashkelon Municipality"), unless it is part of a place description.
_NAME_AFTER_PLACE = re.compile(r"^\s+(?!(?:Strip|City|Camp|Refugee|Valley|Governorate|District|Crossing|Desert|Bank)\b)[A-Z][a-z]")
# "were killed", "was reportedly shot": a passive right before a trigger (its subject is no actor).
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are)\s+(?:\w+\s+)?$")
# "in an Israeli strike": the adjective inside the trigger's own words.
_ISRAELI_IN = re.compile(r"\bIsraeli\b")
# "Israel has continued to strike", "Israel said": a state named as the one who acts, not a place.
_STATE_VERB_AFTER = re.compile(
    r"\s+(?:has|have|had|is|was|says|said|continues|continued|launched|struck|carried|began|announced|will|would|"
    r"denies|denied|accused|accuses|claims|claimed|insists|insisted|says|vowed|warned|rejected|agreed|responded)\b")
_PASSIVE_TRIGGER = re.compile(r"(?:was|were|been|being|is|are|got|sustained)\b", re.IGNORECASE)
_PASSIVE_BY = re.compile(r"\b\w+(?:ed|en|wn|t)\s+by\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
_ACCORDING_BEFORE = re.compile(r"\baccording to\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
_SAYS_AFTER = re.compile(r"\s*(?:also\s+)?(?:said|says|told|reported|announced|stated)\b", re.IGNORECASE)
# "vowed to launch an offensive", "the army would expand its operation": not (yet) an event.
_IRREALIS_BEFORE = re.compile(
    r"\b(?:would|will|could|might|may|shall|plans? to|planning to|threat\w* to|vow\w* to|pledge\w* to|"
    r"promis\w* to|intends? to|going to|ready to|prepared to|aims? to|seeks? to|calls? for|called for|demand\w*)"
    r"\s+(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)
_SINCE_BEFORE = re.compile(
    r"\bsince\s+(?:(?:the\s+)?(?:start|beginning|outbreak|onset|escalation)\b[^.;,()]{0,40}|on\s+)?$", re.IGNORECASE)
# "two weeks of bombardment": a toll over a bounded span, even when the article gives no date.
_DURATION = re.compile(r"\b(?:\w+|\d+)\s+(?:days?|weeks?|months?)\s+of\b", re.IGNORECASE)
# A toll this large with no day of its own is a running total, not one event.
CUMULATIVE_TOLL = 500
# A wire dateline opening a story ("RAMALLAH, West Bank (AP) -") says where it was filed, not where it happened.
_WIRE_DATELINE = re.compile(r"^(?:[A-Z][A-Z .'/-]{2,}(?:,\s*[A-Z][\w .'-]*)?\s*(?:\([\w .]+\))?\s*[-:–—]\s"
                            r"|[A-Z][a-z]+(?:[ /][A-Z][a-z]+)?(?:,\s*[A-Z][\w .'-]*)?\s*(?:\([\w .]+\))?:\s)")
# Actors who report or treat, never act in a violent event; news outlets never make statements here.
NOT_ACTING_KINDS = frozenset({"media", "source", "medical", "humanitarian"})
NOT_SPEAKING_KINDS = frozenset({"media", "source"})
# Prepositions that make the next place a target or impact point, or an origin.
_TARGET_BEFORE = re.compile(r"\b(?:at|on|toward|towards|into|against|targeting|hit|hitting|in|of|near|struck)\s+(?:[\w'-]+\s+){0,4}$", re.IGNORECASE)
_ORIGIN_BEFORE = re.compile(
    r"\bfrom\s+(?:the\s+)?(?:(?:city|town|village|camp|area|north|south|east|west|northern|southern|central|eastern|western)\s+(?:of\s+)?)?$",
    re.IGNORECASE,
)
_TARGET_ACTOR_BEFORE = re.compile(r"\b(?:against|on|at|toward|towards|targeting|target|targeted|hit)\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
_BY_BEFORE = re.compile(r"\bby\s+(?:the\s+)?(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
# "Israeli strikes", "Israeli forces' raid": the adjective names who acted, unless it names who reports
# ("Israeli media reported that two soldiers were killed").
_ISRAELI_ADJ = re.compile(r"\bIsraeli\s+(?!(?:media|officials?|authorities|sources|press|news|newspapers?|outlets?|"
                          r"reports?|radio|television|TV|channels?|public|government|residents?|civilians?|citizens?|"
                          r"hostages?|soldiers?|troops)\b)(?:[\w'-]+\s+){0,2}$")
_PALESTINIAN_ADJ = re.compile(r"\b(?:Palestinian|Gaza)\s+(?:[\w'-]+\s+){0,2}$")
# A reporting verb right before a day: "medics said Tuesday", "the army told AFP on Monday".
_REPORT_DAY_BEFORE = re.compile(
    r"\b(?:said|says|told\s+(?:[\w.'-]+\s+){1,3}?|announced|confirmed|stated|added)\s+(?:late\s+|early\s+)?(?:on\s+)?$",
    re.IGNORECASE)
# A time of day: "at about 14:40", "around 9.30 pm". Two mentions at different times are two incidents.
_CLOCK = re.compile(r"\b(?:at|around|about|approximately|from|shortly after|after)\s+(?:about\s+|around\s+|approximately\s+)?"
                    r"(?P<clock>[012]?\d[:.][0-5]\d)(?!\d)", re.IGNORECASE)
_CLOCK_DIGITS = re.compile(r"\d[:.][0-5]\d")
# "in a second strike", "another attack", "two separate attacks": told as an incident of its own.
_ANOTHER = re.compile(r"\b(?:separate|second|third|another|a new|a further|further)\s+(?:[\w'-]+\s+){0,2}$", re.IGNORECASE)
# "Two days earlier", "the day before", "the next day": a day counted from the event told before.
_COUNTED_FROM_BEFORE = re.compile(
    r"^\W*(?:(?P<n>a|one|two|three|four|five|six|seven|\d{1,2}) days? (?P<dir>earlier|before|later|after)\b"
    r"|the (?:day|night) before\b|(?P<next>the (?:next|following) (?:day|morning|night))\b)", re.IGNORECASE)
# A sentence that opens with what came next tells a new incident.
_SEQUEL = re.compile(r"[\W]*(?:subsequently|later|afterwards|shortly (?:after|afterwards|thereafter)|soon after|"
                     r"in another incident|in a separate incident|in a second incident|meanwhile)\b", re.IGNORECASE)
# "About 66 per cent of the fatalities since 7 October occurred during ...": a statistic, no event.
_STATISTIC = re.compile(r"\b\d+(?:\.\d+)?\s*(?:per ?cent|percent)\b|\d%|\b(?:an additional|a total of|in total|overall|altogether|cumulatively)\b",
                        re.IGNORECASE)
# Substrings one of which every statistic holds (a cheap test before the pattern).
_STATISTIC_WORDS = ("cent", "%", "dditional", "total", "verall", "ltogether", "umulative")
_SPEAKER_PRONOUN = re.compile(r"^\s*(?:he|she|they|it|we)\b", re.IGNORECASE)

VIOLENT_FAMILIES = frozenset({"air", "shelling", "interception", "explosive", "clash", "attack", "riot"})
# Multi-day tolls longer than this are summaries (a year's toll), not events.
MAX_RANGE_DAYS = 62
# Look-back window for the '$'-anchored context patterns (a few words before a match).
LOOKBACK = 80
# Casualty-only sentences attach to the last violent event this many sentences back at most.
CASUALTY_REACH = 4
# An article's first dated event is its main story when it happened this many days before publication.
MAIN_DAY_REACH = 3
LEAD_SENTENCES = 3

ISRAELI_MILITARY = "Israeli military"
# A raid by these is an attack on a community, not a battle between armed forces.
CIVILIAN_RAIDER_KINDS = frozenset({"settlers", "civilians"})
# What ends a verb's reach over the next verb's subject: a clause or sentence break.
_SUBJECT_BREAK = re.compile(r"[;:.]|, (?:while|but|whereas|after|before|when)\b|\b(?:who|which|that)\b")
# ACLED inter codes of armed actors (state forces, rebels, political militias): their dead fell in a battle.
COMBATANT_INTERS = frozenset({1, 2, 3})
UNIDENTIFIED_ARMED_GROUP = "Unidentified Palestinian armed group"


@dataclass
class Candidate:
    """An event being assembled from one sentence (mutable while it is built, frozen into an Event)."""

    sentence: Sentence
    triggers: list[TriggerMatch]
    start: int  # segment of the sentence this candidate owns (sentence-relative)
    end: int
    rule: TriggerRule
    actor1: Actor | None = None
    actor1_default: bool = False
    actor2: Actor | None = None
    place: Place | None = None
    place_inferred: bool = False
    when: ParsedDate | None = None
    date_inferred: bool = False
    claims: list[Claim] = field(default_factory=list)
    extra_evidence: list[Sentence] = field(default_factory=list)
    part: int = 0  # which of the events a "respectively" sentence lists (0: the sentence's only one)
    clock: str | None = None  # "at about 14:40": a time of day tells one incident from another
    # Why each field was coded so (rule, words, defaults): shown to reviewers.
    coding: dict[str, str] = field(default_factory=dict)

    @property
    def family(self) -> str:
        return self.rule.family


def _mask_quotes(text: str) -> str:
    """Blank out quoted speech (same length): what a speaker says is a claim, not an event we saw.

    Run over the whole text, since a quotation often spans sentences. Short quotations (a few
    words inside the reporter's sentence) keep their words; only the quote marks are blanked.
    """
    def blank(match: re.Match[str]) -> str:
        quoted = match.group()
        if len(quoted.split()) >= _QUOTE_MIN_WORDS or re.search(r"[.!?,]\W?$", quoted[:-1]):
            return re.sub(r"[^\n]", " ", quoted)
        return " " + quoted[1:-1] + " "
    return _QUOTED.sub(blank, text)


@dataclass(frozen=True)
class Anchor:
    """A day the news names without a year ("October 7"), with the words that must come with it."""

    day: date
    pattern: re.Pattern[str]
    context: re.Pattern[str]
    admin1: str | None


@functools.lru_cache(maxsize=2)
def load_anchors(path: str = str(settings.DATA_DIR / "reference_dates.yaml")) -> tuple[Anchor, ...]:
    with open(path, encoding="utf-8") as handle:
        data = yaml_files.safe_load(handle)
    anchors = []
    for raw in data.get("anchors") or []:
        anchors.append(Anchor(
            day=date.fromisoformat(str(raw["date"])),
            pattern=re.compile(r"\b(?:" + "|".join(raw["patterns"]) + r")\b", re.IGNORECASE),
            context=re.compile(r"\b(?:" + raw["context"] + r")", re.IGNORECASE),
            admin1=raw.get("admin1"),
        ))
    return tuple(anchors)


@dataclass(frozen=True)
class AreaDefault:
    """The actor of remote violence told without one in an area (data/area_defaults.yaml)."""

    area: str
    families: frozenset[str]
    actor: str


@dataclass(frozen=True)
class FireFrom:
    """Fire told only by where it came from lands in another area (data/area_defaults.yaml)."""

    origin: str
    families: frozenset[str]
    lands_in: str


@functools.lru_cache(maxsize=2)
def _area_file(path: str) -> dict[str, Any]:
    """The parsed area_defaults.yaml (read once: both of its sections come from one read)."""
    with open(path, encoding="utf-8") as handle:
        return yaml_files.safe_load(handle) or {}


@functools.lru_cache(maxsize=2)
def load_area_defaults(path: str = str(settings.AREA_DEFAULTS_FILE)) -> tuple[AreaDefault, ...]:
    return tuple(AreaDefault(str(raw["area"]), frozenset(raw["families"]), str(raw["actor"]))
                 for raw in _area_file(path).get("defaults") or [])


@functools.lru_cache(maxsize=2)
def load_fire_from(path: str = str(settings.AREA_DEFAULTS_FILE)) -> tuple[FireFrom, ...]:
    return tuple(FireFrom(str(raw["from"]), frozenset(raw["families"]), str(raw["lands_in"]))
                 for raw in _area_file(path).get("fire_from") or [])


def _segments(text: str, triggers: list[TriggerMatch]) -> list[list[TriggerMatch]]:
    """Group a sentence's triggers into the events they describe."""
    groups: list[list[TriggerMatch]] = []
    for trigger in triggers:
        if groups:
            last = groups[-1]
            between = text[last[-1].end: trigger.start]
            same_clause = not _CLAUSE_BREAK.search(between)
            families = {t.rule.family for t in last}
            joins = (
                trigger.rule.family in families
                # "arrested 25 in raids", "raided Jenin and arrested 5": one search-and-arrest operation
                or (same_clause and {trigger.rule.family} | families == {"arrest", "clash"})
                or (trigger.rule.family in REMOTE_FAMILIES and families & REMOTE_FAMILIES and _JOINER.match(between))
                or (trigger.rule.secondary and families & {"shelling", "air", "explosive"})
                # "a house was struck and destroyed": the destruction is what the strike did
                or (same_clause and trigger.rule.family == "destruction" and families & REMOTE_FAMILIES)
                or (trigger.rule.family in REMOTE_FAMILIES and families == {"interception"})
                or (same_clause and trigger.rule.generic and families & VIOLENT_FAMILIES)
                or (same_clause and all(t.rule.generic for t in last) and trigger.rule.family in VIOLENT_FAMILIES)
            )
            if joins and trigger.rule.family != "statement":
                last.append(trigger)
                continue
        groups.append([trigger])
    return groups


def _clock(clocks: list[re.Match[str]], c: Candidate, others: list[Candidate]) -> str | None:
    """The time of day in the candidate's part of the sentence, else one no other event of it owns."""
    if not clocks:
        return None
    own = [m for m in clocks if c.start <= m.start() < c.end]
    if not own:
        own = [m for m in clocks if not any(o is not c and o.start <= m.start() < o.end for o in others)]
    return own[0].group("clock").replace(".", ":").lstrip("0") if own else None


def _drop_leading_references(text: str, group: list[TriggerMatch]) -> list[TriggerMatch]:
    """"These exchanges of fire followed a new raid": the reference gives way to the new fact."""
    while (len(group) > 1 and _is_anaphoric(text, group[0]) and not _is_anaphoric(text, group[1])
           and not group[1].rule.generic):
        group = group[1:]
    return group


def _best_rule(group: list[TriggerMatch]) -> TriggerRule:
    families = {t.rule.family for t in group}
    if "arrest" in families and not any(t.rule.generic for t in group):
        group = [t for t in group if t.rule.family == "arrest"]  # the raid is the setting of the arrests
    main = [t for t in group if not t.rule.secondary and not t.rule.generic] or [t for t in group if not t.rule.secondary] or group
    if families & REMOTE_FAMILIES:
        main = [t for t in main if t.rule.family != "destruction"] or main  # the strike, not what it destroyed
    return max(main, key=lambda t: t.rule.priority).rule


def _in(span_start: int, span_end: int, start: int, end: int) -> bool:
    return start <= span_start and span_end <= end


def _before(text: str, position: int) -> str:
    """The few words before `position`, which the '$'-anchored context patterns look at."""
    return text[max(0, position - LOOKBACK): position]


def _is_anaphoric(text: str, trigger: TriggerMatch) -> bool:
    """"the strikes", "these clashes", "firing the rockets": words that point back at an event told."""
    if re.search(r"\b(?:the|these|those|such)\b", trigger.text, re.IGNORECASE):
        return True
    # A determiner before a verb ("the Gaza Strip fired") belongs to its subject, not to the event.
    starts_with_verb = re.match(r"\w+(?:ed|ing)\b|(?:fire|fires|shot|hit|struck|torch)\b", trigger.text, re.IGNORECASE)
    return not starts_with_verb and bool(_ANAPHORIC.search(text[max(0, trigger.start - 40): trigger.start]))


def _since_spans(text: str, times: list[TemporalMatch], published: date | None) -> list[TemporalMatch]:
    """"Since the start of hostilities on 7 October": the day opens a span running to publication."""
    out = []
    for t in times:
        if t.date.best is not None and _SINCE_BEFORE.search(text[max(0, t.start - 50): t.start]):
            t = replace(t, date=ParsedDate(None, t.date.start or t.date.best, published, schema.PRECISION_RANGE, t.text))
        out.append(t)
    return out


def _long(when: ParsedDate) -> bool:
    """A span too long to hold one event (a year, "since October 7")."""
    return when.start is not None and (when.end or when.start) is not None and \
        ((when.end or date.max) - when.start).days > MAX_RANGE_DAYS


def _usable(when: ParsedDate) -> bool:
    """A day, or a span short enough to place an event in (not "since 2007")."""
    if when.best is not None:
        return True
    return when.start is not None and when.end is not None and (when.end - when.start).days <= MAX_RANGE_DAYS


def _bounds(text: str, groups: list[list[TriggerMatch]]) -> list[tuple[int, int]]:
    """The part of the sentence each group of triggers owns: a clause break between two groups
    splits there; otherwise the words between them belong to both."""
    bounds = []
    for index, group in enumerate(groups):
        start, end = 0, len(text)
        if index:
            prev_end = groups[index - 1][-1].end
            breaks = list(_CLAUSE_BREAK.finditer(text, prev_end, group[0].start))
            start = breaks[-1].start() if breaks else prev_end
        if index + 1 < len(groups):
            next_start = groups[index + 1][0].start
            breaks = list(_CLAUSE_BREAK.finditer(text, group[-1].end, next_start))
            end = breaks[-1].start() if breaks else next_start
        hard = _HARD_BREAK.search(text, group[-1].end, end)
        if hard:
            end = hard.start()
        bounds.append((start, end))
    return bounds


class _Spans:
    """Matches of one kind over a whole text, sorted by start, cut out sentence by sentence."""

    def __init__(self, matches: list[Any]):
        self.matches = matches
        self._starts = [m.start for m in matches]

    def within(self, start: int, end: int) -> list[Any]:
        """The matches inside [start, end), with offsets made relative to `start`."""
        out = []
        for m in self.matches[bisect.bisect_left(self._starts, start):]:
            if m.start >= end:
                break
            if m.end <= end:
                out.append(_shifted(m, start) if start else m)
        return out


def _shifted(match: Any, offset: int) -> Any:
    """A copy of a (start, end, text, what) match moved `offset` characters left (dataclasses.replace
    is 5x slower, and a text has ~100 matches to move)."""
    return type(match)(match.start - offset, match.end - offset, match.text, getattr(match, _payload(type(match))))


@functools.lru_cache(maxsize=None)
def _payload(cls: type) -> str:
    names = [f.name for f in fields(cls)]
    if names[:3] != ["start", "end", "text"] or len(names) != 4:
        raise TypeError(f"{cls.__name__} is not a (start, end, text, what) match")
    return names[3]


class _TextMatches:
    """Triggers, places and actors found in one pass over a whole text (a pass per sentence costs 3x)."""

    def __init__(self, triggers: list[TriggerMatch], places: list[PlaceMatch], actors: list[ActorMatch]):
        self.triggers, self.places, self.actors = _Spans(triggers), _Spans(places), _Spans(actors)

    @classmethod
    def scan(cls, text: str, triggers: "TriggerSet", gazetteer: Gazetteer, actors: ActorDictionary) -> "_TextMatches":
        return cls(triggers.find(text), gazetteer.find_places(text), actors.find_actors(text))

    def outside(self, masked: str) -> "_TextMatches":
        """Only the matches whose words survived masking (not in a blanked quotation or dateline)."""
        def keep(m: Any) -> bool:
            return bool(masked[m.start: m.end].strip()) and masked[m.start] != " " and masked[m.end - 1] != " "
        return _TextMatches([m for m in self.triggers.matches if keep(m)], [m for m in self.places.matches if keep(m)],
                            [m for m in self.actors.matches if keep(m)])


# A blank line ends a list.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _list_items(sentences: list[Sentence], text: str) -> dict[int, int]:
    """List item sentence -> the sentence that introduces its list: the last of its line, ending
    in ":", followed by lines with no blank line between (the list ends at a blank line)."""
    items: dict[int, int] = {}
    lead: int | None = None
    for number, sentence in enumerate(sentences):
        if number and _BLANK_LINE.search(text, sentences[number - 1].end, sentence.start):
            lead = None
        if lead is not None and sentence.paragraph != sentences[lead].paragraph:
            items[number] = lead
        last_of_line = number + 1 == len(sentences) or sentences[number + 1].paragraph != sentence.paragraph
        if last_of_line and sentence.text.rstrip().endswith(":"):
            lead = number
    return items


def _list_kinds(sentences: list[Sentence], items: dict[int, int], triggers: _Spans) -> dict[int, TriggerMatch]:
    """The list items whose lead-in ("The following are among the deadliest incidents, involving
    the hitting of residential buildings:") names the kind of incident: item -> the lead-in's main
    violent trigger, up to the first item that names a kind of its own."""
    kinds: dict[int, TriggerMatch] = {}
    ended: set[int] = set()
    for number, lead in sorted(items.items()):
        if lead in ended:
            continue
        found = triggers.within(sentences[number].start, sentences[number].end)
        if any(not t.rule.generic and t.rule.family in VIOLENT_FAMILIES for t in found):
            ended.add(lead)  # an item that names its own kind ends what the lead-in says
            continue
        said = triggers.within(sentences[lead].start, sentences[lead].end)
        main = [t for t in said if not t.rule.generic and not t.rule.secondary and t.rule.family in VIOLENT_FAMILIES]
        if main:
            kinds[number] = max(main, key=lambda t: t.rule.priority)
    return kinds


class ArticleExtractor:
    """Extraction for one article: holds the article-wide context sentences lean on."""

    def __init__(self, article: Article, actors: ActorDictionary, gazetteer: Gazetteer):
        self.article = article
        self.actors = actors
        self.gazetteer = gazetteer
        self.triggers = load_triggers()

    # --- per sentence -----------------------------------------------------------------
    def candidates(self, sentence: Sentence, masked: str, quotes: list[tuple[int, int]] = (),
                   found_in_text: "_TextMatches | None" = None) -> tuple[list[Candidate], list[CasualtyFigure], str]:
        """The events one sentence tells. `found_in_text` holds matches made once over the whole text."""
        if found_in_text is None:
            scans, base = _TextMatches.scan(masked, self.triggers, self.gazetteer, self.actors), 0
        else:
            scans, base = found_in_text, sentence.start
        end = base + len(masked)
        triggers = [t for t in scans.triggers.within(base, end)
                    if not any(_in(t.start, t.end, a, b) for a, b in quotes)]
        figures = find_casualties(masked)
        if not triggers:
            return [], figures, masked
        actor_matches = scans.actors.within(base, end)
        place_matches = scans.places.within(base, end)
        times = find_temporal_expressions(masked, self.article.published)
        actor_matches = [m for m in actor_matches if m.actor.kind not in NOT_SPEAKING_KINDS]
        place_matches = [m for m in place_matches if not _NAME_AFTER_PLACE.match(masked[m.end:])
                         and not (m.text == m.place.name == m.place.country and _STATE_VERB_AFTER.match(masked, m.end))]
        times = _since_spans(masked, self._anchored(masked, times), self.article.published)
        groups = [_drop_leading_references(masked, g) for g in _segments(masked, triggers)]
        bounds = _bounds(masked, groups)
        all_found: list[Candidate] = []
        for group, (start, end) in zip(groups, bounds):
            all_found.append(Candidate(sentence, group, start, end, _best_rule(group)))
        speaker = None
        found: list[Candidate] = []
        clocks = list(_CLOCK.finditer(masked)) if _CLOCK_DIGITS.search(masked) else []
        previous: Candidate | None = None
        for candidate in all_found:
            self._assign_actors(candidate, masked, actor_matches, speaker)
            if candidate.family == "statement" and candidate.actor1 is not None and speaker is None:
                speaker = candidate.actor1
            elif candidate.family != "statement":
                self._share_subject(candidate, previous, masked)
                previous = candidate
            self._assign_place(candidate, masked, place_matches)
            self._assign_date(candidate, masked, times, all_found)
            candidate.clock = _clock(clocks, candidate, all_found)
            if self._keep(candidate, masked, place_matches, times, figures):
                found.append(candidate)
        for candidate in found:
            self._apply_anchor_place(candidate, masked)
        found = self._split_respectively(found, figures, masked, place_matches)
        self._attach_figures(found, figures, masked)
        return self._drop_redundant_statements(found), figures, masked

    def _split_respectively(self, found: list[Candidate], figures: list[CasualtyFigure], text: str,
                            places: list[PlaceMatch]) -> list[Candidate]:
        """"In two separate attacks in Jabalia and Gaza city, buildings were hit, killing 18 and 40,
        respectively": one event per place listed, each with its own toll."""
        if "respectively" not in text:
            return found
        violent = [c for c in found if c.family in VIOLENT_FAMILIES]
        if len(violent) != 1:
            return found
        c = violent[0]
        killed = [f for f in figures if f.kind == KILLED]
        last = next((i for i, f in enumerate(killed) if respectively_follows(text, f.end)), None)
        if last is None:
            return found
        first = last
        while first > 0 and 0 < killed[first].start - killed[first - 1].end < 12:
            first -= 1  # "killing 18 and 40": the figures listed together before "respectively"
        tolls = killed[first: last + 1]
        listed = [m for m in places if m.place.kind != "region" and m.start < (tolls[0].start if tolls else 0)]
        if len(tolls) < 2 or len(listed) != len(tolls):
            return found
        parts = []
        for number, (place, toll) in enumerate(zip(listed, tolls), start=1):
            part = replace(c, part=number, place=place.place, claims=[self._claim(toll, text)], coding=dict(c.coding),
                           extra_evidence=list(c.extra_evidence))
            part.coding["place"] = f"one of the places listed with 'respectively': {place.text!r}"
            parts.append(part)
        return [x for x in found if x is not c] + parts

    def _anchored(self, text: str, times: list[TemporalMatch]) -> list[TemporalMatch]:
        """Replace a yearless "October 7" by the day every reader knows it means."""
        out = list(times)
        for anchor in load_anchors():
            if self.article.published is not None and anchor.day > self.article.published:
                continue
            if not anchor.context.search(text):
                continue
            for match in anchor.pattern.finditer(text):
                overlapping = [t for t in out if t.start < match.end() and match.start() < t.end]
                out = [t for t in out if t not in overlapping]
                if re.search(r"\bsince\s+$", text[max(0, match.start() - 8): match.start()], re.IGNORECASE):
                    # "since October 7": a span from that day to publication, not the day itself
                    when = ParsedDate(None, anchor.day, self.article.published, schema.PRECISION_RANGE, match.group())
                    start = min([match.start() - 6] + [t.start for t in overlapping])
                    out.append(TemporalMatch(start, match.end(), text[start: match.end()], when))
                    continue
                when = ParsedDate(anchor.day, anchor.day, anchor.day, schema.PRECISION_DAY, match.group())
                out.append(TemporalMatch(match.start(), match.end(), match.group(), when))
        return sorted(out, key=lambda t: t.start)

    def _apply_anchor_place(self, c: Candidate, text: str) -> None:
        if c.place is not None or c.family == "statement" or c.when is None:
            return
        for anchor in load_anchors():
            if c.when.best == anchor.day and anchor.admin1 and anchor.pattern.search(text):
                c.place = self.gazetteer.lookup(anchor.admin1)

    def _assign_actors(self, c: Candidate, text: str, matches: list[ActorMatch], speaker: Actor | None) -> None:
        first = c.triggers[0]
        if c.family == "statement":
            c.actor1 = self._speaker(text, first, matches)
            return
        matches = [m for m in matches if m.actor.kind not in NOT_ACTING_KINDS
                   and not _ACCORDING_BEFORE.search(_before(text, m.start))]
        # "Air defences intercepted a rocket fired ...": who intercepts is not who fired.
        main = next((t for t in c.triggers if not t.rule.secondary), first)
        floor = max([c.start] + [t.end for t in c.triggers if t.rule.secondary and t.end <= main.start])
        first = main
        before = [m for m in matches if _in(m.start, m.end, floor, first.start)]
        after = [m for m in matches if _in(m.start, m.end, first.end, c.end)]
        subjects = [m for m in before if not _TARGET_ACTOR_BEFORE.search(_before(text, m.start)) and not _BY_BEFORE.search(_before(text, m.start))]
        if not main.rule.generic and (_PASSIVE_TRIGGER.match(main.text) or _PASSIVE_BEFORE.search(_before(text, main.start))):
            # "An UNRWA school was hit": the subject of a passive strike is what was hit.
            c.actor2 = subjects[-1].actor if subjects else None
            subjects = []
        # The agent of a passive or of a noun ("fired by X", "operation by X"), before any other trigger.
        stop = next((t.start for t in c.triggers if t.start > main.end), c.end)
        agents = [m for m in after if m.start - main.end < 60 and m.end <= stop and (
            _PASSIVE_BY.search(_before(text, m.start)) or re.fullmatch(r"\s*by\s+(?:the\s+)?", text[main.end: m.start]))]
        generic_subject = bool(subjects) and subjects[0].actor.name.startswith("Unidentified")
        # "X say they responded to strikes by firing": the pronoun may sit before an earlier clause
        pronoun = _PRONOUN_SUBJECT.search(text[: first.start])
        if all(t.rule.generic for t in c.triggers):
            # A bare "killed": only "X killed ..." (X right before) or "killed by X" says who.
            passive = _PASSIVE_BEFORE.search(_before(text, first.start))
            near = [m for m in subjects if first.start - m.end <= 40] if not passive else []
            c.actor1 = agents[0].actor if agents else (near[-1].actor if near else None)
            speaker = None
            if c.actor1 is not None:
                c.coding["actor"] = f"agent: {agents[0].text!r}" if agents else f"subject: {near[-1].text!r}"
                return
            victims = [m for m in subjects if first.start - m.end <= 60] if passive else []
            if victims:
                # "Three Israeli soldiers were killed in Gaza": the subject of a passive is the victim.
                victim = victims[-1].actor
                if victim.inter in COMBATANT_INTERS:
                    # Fighters killed: a battle, and in a battle each side is a party (ACLED lists either first).
                    c.rule = self.triggers.top_rule("clash") or c.rule
                    c.actor1 = victim
                    c.coding["type"] = f"combatants killed ({victim.name}): armed clash"
                    c.coding["actor"] = f"party to the clash, named as its dead: {victims[-1].text!r}"
                else:
                    c.actor2 = victim
                return
        if agents:
            c.actor1 = agents[0].actor
            c.coding["actor"] = f"agent: {agents[0].text!r}"
        elif speaker is not None and (pronoun or generic_subject) and speaker.kind not in NOT_ACTING_KINDS:
            # "Hamas said it had fired", "the Brigades said resistance fighters targeted": the claimant acts.
            c.actor1 = speaker
            c.coding["actor"] = f"the speaker, who claims it: {speaker.name}"
        elif subjects:
            c.actor1 = subjects[0].actor
            c.coding["actor"] = f"subject: {subjects[0].text!r}"
        elif c.family in VIOLENT_FAMILIES and any(
                _ISRAELI_ADJ.search(text[max(c.start, t.start - 40): t.start]) or _ISRAELI_IN.search(t.text)
                for t in c.triggers if not t.rule.secondary):
            c.actor1 = self.actors.get(ISRAELI_MILITARY)
            c.coding["actor"] = "'Israeli' before the action word"
        elif _PALESTINIAN_ADJ.search(text[max(0, first.start - 40): first.start]) and c.family in {"shelling", "explosive"}:
            c.actor1 = self.actors.get(UNIDENTIFIED_ARMED_GROUP)
            c.coding["actor"] = "'Palestinian' or 'Gaza' before the fire"
        elif speaker is not None and speaker.kind == "armed_group":
            # "The DFLP claimed a barrage of rockets": an armed group's claim names who acted.
            c.actor1 = speaker
            c.coding["actor"] = f"the armed group that claims it: {speaker.name}"
        elif c.rule.default_actor1:
            c.actor1 = self.actors.get(c.rule.default_actor1)
            c.actor1_default = True
            c.coding["actor"] = f"default actor of the trigger {first.text!r}"
        acting = c.actor1.name if c.actor1 else None
        targets = [m for m in after if m.actor.name != acting and not _BY_BEFORE.search(_before(text, m.start))
                   and not _SAYS_AFTER.match(text[m.end:])]
        targets += [m for m in before if _TARGET_ACTOR_BEFORE.search(_before(text, m.start)) and m.actor.name != acting]
        if targets:
            c.actor2 = targets[0].actor

    def _share_subject(self, c: Candidate, previous: Candidate | None, text: str) -> None:
        """"Settlers raided Huwwara and assaulted a Palestinian and hurled stones": the verbs joined
        by "and" share their subject; a raid by civilians (settlers) on a village is an attack."""
        if c.actor1 is None and previous is not None and previous.actor1 is not None and not previous.actor1_default \
                and not _SUBJECT_BREAK.search(text, previous.triggers[-1].end, c.triggers[0].start) \
                and not _PASSIVE_BEFORE.search(_before(text, c.triggers[0].start)):
            c.actor1 = previous.actor1
            c.coding["actor"] = f"shares the subject of {previous.triggers[0].text!r}"
        if c.family == "clash" and c.actor1 is not None and c.actor1.kind in CIVILIAN_RAIDER_KINDS:
            c.rule = self.triggers.top_rule("attack") or c.rule
            c.coding["type"] = f"a raid by {c.actor1.name}: attack"

    @staticmethod
    def _speaker(text: str, verb: TriggerMatch, matches: list[ActorMatch]) -> Actor | None:
        """Who speaks: the words just before a sentence-final verb, else the sentence's first actor."""
        trailing = _TRAILING_SPEAKER.search(text[: verb.start])
        if trailing and not text[verb.end:].strip(" .,;:"):
            near = [m for m in matches if m.start >= trailing.start("who") and m.end <= verb.start]
            return near[-1].actor if near else None
        speakers = [m for m in matches if m.end <= verb.start and not _BY_BEFORE.search(_before(text, m.start))]
        return speakers[0].actor if speakers else None

    def _assign_place(self, c: Candidate, text: str, matches: list[PlaceMatch]) -> None:
        first = c.triggers[0]
        if c.family in {"statement", "policy", "agreement"}:
            c.place = None  # where a speaker spoke or with whom a policy is made is not where it happened
            return
        inside = [m for m in matches if _in(m.start, m.end, c.start, c.end)]
        if c.rule.target_place or c.family in {"air", "interception"}:
            inside = [m for m in inside if not _ORIGIN_BEFORE.search(_before(text, m.start))] or []
            after = [m for m in inside if m.start >= first.end]
            targeted = [m for m in after if _TARGET_BEFORE.search(_before(text, m.start))]
            ordered = targeted + [m for m in after if m not in targeted] + [m for m in inside if m.start < first.end]
        else:
            ordered = inside
        specific = [m for m in ordered if m.place.kind != "region"]
        if not ordered:
            # Nothing in its own clause: a town named elsewhere in the sentence sets the scene.
            specific = [m for m in matches if m.place.kind != "region" and not _ORIGIN_BEFORE.search(_before(text, m.start))]
        chosen = (specific or ordered or [None])[0]
        c.place = chosen.place if chosen else None
        if chosen is not None:
            c.coding["place"] = f"words: {chosen.text!r}"
        elif c.rule.target_place:
            self._place_from_origin(c, text, matches)

    def _place_from_origin(self, c: Candidate, text: str, matches: list[PlaceMatch]) -> None:
        """"Rockets fired from Gaza" with no target: coded where such fire lands (data/area_defaults.yaml)."""
        origins = [m for m in matches if c.start <= m.start < c.end and _ORIGIN_BEFORE.search(_before(text, m.start))]
        for origin in origins:
            rule = next((f for f in load_fire_from() if f.origin == origin.place.admin1 and c.family in f.families), None)
            if rule is not None:
                c.place = self.gazetteer.lookup(rule.lands_in)
                c.coding["place"] = f"fire from {origin.text!r} coded where it lands: {rule.lands_in}"
                return

    def _assign_date(self, c: Candidate, text: str, times: list[TemporalMatch], others: list[Candidate]) -> None:
        usable = [t for t in times if _usable(t.date)]
        if c.family != "statement":
            # "..., Palestinian medics said Tuesday": the day the source spoke, not the day of the event.
            usable = [t for t in usable if not _REPORT_DAY_BEFORE.search(text, max(0, t.start - 40), t.start)]
        inside = [t for t in usable if _in(t.start, t.end, c.start, c.end)]
        if not inside:
            # A day elsewhere in the sentence scopes over it, unless another event of the sentence owns it.
            inside = [t for t in usable if not any(o is not c and _in(t.start, t.end, o.start, o.end) for o in others)]
        c.when = inside[0].date if inside else None
        if inside:
            c.coding["day"] = f"words: {inside[0].text!r}"

    def _keep(self, c: Candidate, text: str, places: list[PlaceMatch], times: list[TemporalMatch],
              figures: list[CasualtyFigure]) -> bool:
        first = c.triggers[0]
        if c.family == "statement":
            return c.actor1 is not None and not _SPEAKER_PRONOUN.search(text[c.start: first.start])
        own_place = any(_in(m.start, m.end, c.start, c.end) for m in places)
        own_time = any(_in(t.start, t.end, c.start, c.end) and _usable(t.date) for t in times)
        own_day = any(t.date.precision == schema.PRECISION_DAY and _usable(t.date) for t in times)
        own_figures = any(_in(f.start, f.end, c.start, c.end) and f.count for f in figures)
        if _is_anaphoric(text, first):
            # "the strikes hit X" states a fact; "these clashes", "the offensive" refer to one told.
            verbal = any(_VERBAL.search(t.text) for t in c.triggers)
            if all(t.rule.generic for t in c.triggers) and not own_figures:
                return False  # "to respond to the massacre in Jenin": a reference
            if verbal and not (own_place or own_time):
                return False
            if not verbal and not (own_figures or (own_place and own_time)):
                return False
        big = any(_in(f.start, f.end, c.start, c.end) and f.count >= CUMULATIVE_TOLL for f in figures)
        # Cheap tests first in these conditions: a pattern runs only when the rest would decide.
        if big and not own_time and not _DURATION.search(text[c.start: c.end]):
            return False  # "has killed more than 35,900": a running total
        if not own_day and any(word in text for word in _STATISTIC_WORDS) and _STATISTIC.search(text):
            return False  # "45 per cent of them in the context of demonstrations": a statistic
        if _IRREALIS_BEFORE.search(text[max(c.start, first.start - 60): first.start]):
            return False  # vowed, threatened, planned: not (yet) an event
        long_times = [t for t in times if _in(t.start, t.end, c.start, c.end) and not _usable(t.date)]
        if long_times and not own_time and any(_long(t.date) for t in long_times):
            return False  # "since Oct. 7", "in 2022": a cumulative toll, not a day's event
        if not (own_time or own_figures) and _RESPONDED_TO.search(_before(text, first.start)):
            return False  # "responded to Israeli strikes": the cause of what is told, told before
        if not (own_time or own_figures) and _BACKGROUND.search(text[c.start: first.start]):
            return False  # "in response to the killing of civilians": a cause, not a new event
        if not own_time and not own_figures and _SINCE.search(text[c.start: c.end]):
            return False  # "since earlier this month": a campaign in summary that no day can hold
        if all(t.rule.generic for t in c.triggers):
            # "killed" alone makes an event only with a named actor and a place, or a figure.
            return (c.actor1 is not None and own_place) or (own_figures and (own_place or c.actor1 is not None))
        if c.when is not None and c.when.start and c.when.end and (c.when.end - c.when.start).days > MAX_RANGE_DAYS:
            return False  # a year's toll is a summary, not an event
        return True

    def _attach_figures(self, found: list[Candidate], figures: list[CasualtyFigure], text: str) -> None:
        if any(c.part for c in found):
            return  # a "respectively" sentence: each listed event holds its own toll already
        violent = [c for c in found if c.family in VIOLENT_FAMILIES]
        if not violent:
            return  # the caller hands them to the event told just before
        for figure in figures:
            owner = next((c for c in violent if c.start <= figure.start < c.end), None)
            if owner is None and violent:
                owner = min(violent, key=lambda c: abs(c.triggers[0].start - figure.start))
            if owner is not None:
                owner.claims.append(self._claim(figure, text))

    def _claim(self, figure: CasualtyFigure, text: str) -> Claim:
        claimant = find_claimant(text, figure.start) or self.article.outlet or self.article.file
        return Claim(figure.kind, figure.count, claimant, figure.text, figure.minimum)

    @staticmethod
    def _drop_redundant_statements(found: list[Candidate]) -> list[Candidate]:
        """A sentence that reports an actor's action needs no second event for its 'said'."""
        actions = {c.actor1.name for c in found if c.family != "statement" and c.actor1}
        return [c for c in found if c.family != "statement" or (c.actor1 and c.actor1.name not in actions
                                                                and not any(o.family != "statement" for o in found))]

    # --- across sentences ------------------------------------------------------------------
    def run(self) -> list[Event]:
        sentences = split_sentences(self.article.text)
        masked_text = _mask_quotes(self.article.text)
        body = next((x for x in sentences if not x.is_header), None)
        if body is not None:
            dateline = _WIRE_DATELINE.match(masked_text[body.start:])
            if dateline:
                masked_text = masked_text[: body.start] + " " * dateline.end() + masked_text[body.start + dateline.end():]
        quote_spans = [m.span() for m in _QUOTED.finditer(self.article.text)]
        seen_text: set[str] = set()
        events: list[Candidate] = []
        last_violent: tuple[int, Candidate] | None = None
        # Scan the original text once (blanked text scans ~1.7x slower) and drop what lies in blanked quotes.
        scans = _TextMatches.scan(self.article.text, self.triggers, self.gazetteer, self.actors).outside(masked_text)
        # "Troops opened fire", "the assailant fled": bare nouns for an actor (data/bare_actor_nouns.yaml).
        bare = find_bare_nouns(self.article.text, self.actors, {m.actor.name for m in scans.actors.matches},
                               scans.actors.matches)
        if bare:
            kept = [m for m in bare if masked_text[m.start: m.end].strip() and masked_text[m.start] != " "]
            scans.actors = _Spans(sorted(scans.actors.matches + kept, key=lambda m: m.start))
        region_counts: dict[str, int] = {}
        # An outlet named after a place ("The Times of Israel") says nothing of where the story is.
        outlets = [(m.start, m.end) for m in scans.actors.matches if m.actor.kind in NOT_SPEAKING_KINDS]
        for match in scans.places.matches:
            if any(a <= match.start and match.end <= b for a, b in outlets):
                continue
            if match.place.admin1:
                region_counts[match.place.admin1] = region_counts.get(match.place.admin1, 0) + 1
        list_items = _list_items(sentences, self.article.text)
        lead_ins = set(list_items.values())
        list_kinds = _list_kinds(sentences, list_items, scans.triggers)
        lead_days: dict[int, ParsedDate] = {}
        for number, sentence in enumerate(sentences):
            if sentence.is_header or sentence.text in seen_text:
                continue
            seen_text.add(sentence.text)
            quotes = [(max(a, sentence.start) - sentence.start, min(b, sentence.end) - sentence.start)
                      for a, b in quote_spans if a < sentence.end and sentence.start < b]
            found, figures, masked = self.candidates(sentence, masked_text[sentence.start: sentence.end], quotes, scans)
            if not any(c.family in VIOLENT_FAMILIES for c in found):
                if figures and last_violent and number - last_violent[0] <= CASUALTY_REACH \
                        and not self._cumulative(masked, figures) \
                        and not self._own_report(sentence, last_violent[1], masked):
                    owner = last_violent[1]
                    owner.claims.extend(self._claim(f, masked) for f in figures)
                    owner.extra_evidence.append(sentence)
                if not found:
                    continue
            if number in lead_ins:
                # "The following incidents were reported on 7 May:" introduces its items, it tells none;
                # its day is theirs.
                days = [t for t in find_temporal_expressions(masked, self.article.published) if _usable(t.date)]
                if days:
                    lead_days[number] = days[0].date
                continue
            lead = list_kinds.get(number)
            lead_day = lead_days.get(list_items.get(number, -1))
            for c in found:
                if lead is not None and all(t.rule.generic for t in c.triggers):
                    # "The following incidents involved the hitting of residential buildings:" then
                    # "* seven people were killed in Deir al-Balah": the item is an incident of that kind.
                    c.rule = lead.rule
                    c.coding["type"] = f"from the list's lead-in: {lead.text!r}"
                self._relative_to_previous(c, masked, events)
                self._inherit(c, events)
                if c.when is None and lead_day is not None and c.family != "statement":
                    c.when = lead_day
                    c.coding["day"] = f"from the list's lead-in: {lead_day.text!r}"
                events.append(c)
                if c.family in VIOLENT_FAMILIES:
                    last_violent = (number, c)
        dominant = max(region_counts, key=lambda k: region_counts[k]) if region_counts else None
        for c in events:
            if c.place is None and c.family != "statement" and dominant:
                c.place = self.gazetteer.lookup(dominant)
                c.place_inferred = True
                c.coding["place"] = f"no place in its sentence or paragraph: the article's most named area ({dominant})"
        # The actors the article names, or reads into its own words ("Israeli bombardment").
        named = {m.actor.name for m in scans.actors.matches} | {
            c.actor1.name for c in events if c.actor1 is not None and not c.actor1_default}
        self._apply_area_defaults(events, named)
        main_day = self._main_day(sentences, masked_text)
        for c in events:
            if c.when is None and self.article.published is not None:
                c.when, c.date_inferred = self._inferred_day(main_day), True
                c.coding["day"] = f"no day in its sentence or paragraph: the {c.when.text}"
        merged = merge_within_article(events)
        return [self._to_event(c) for c in merged]

    def _apply_area_defaults(self, events: list[Candidate], named: set[str]) -> None:
        """"A house in Rafah was struck": in Gaza the strike is the Israeli military's, when the
        article names that actor at all (its context says whose bombardment it reports)."""
        for c in events:
            if c.actor1 is not None or c.place is None:
                continue
            area = c.place.admin1 or c.place.name
            rule = next((d for d in load_area_defaults() if d.area == area and c.family in d.families), None)
            if rule is not None and rule.actor in named:
                c.actor1, c.actor1_default = self.actors.get(rule.actor), True
                c.coding["actor"] = f"default actor for {c.family} in {area} (the article names {rule.actor})"

    @staticmethod
    def _relative_to_previous(c: Candidate, text: str, earlier: list[Candidate]) -> None:
        """"Two days earlier, on Monday night": a day counted from the event told before, not from
        publication (the Monday before that Wednesday, not the last Monday)."""
        match = _COUNTED_FROM_BEFORE.search(text, 0, 60) if c.family != "statement" else None
        if match is None:
            return
        anchor = next((e.when.best for e in reversed(earlier) if e.when is not None and e.when.best is not None
                       and not e.date_inferred and e.family != "statement"), None)
        parsed = parse_number(match.group("n") or "one")
        if anchor is None or parsed is None:
            return
        count = parsed[0]
        later = (match.group("dir") or "").lower() in ("later", "after") or bool(match.group("next"))
        day = anchor + timedelta(days=count if later else -count)
        c.when = ParsedDate(day, day, day, schema.PRECISION_DAY, match.group().strip())
        c.coding["day"] = f"{match.group().strip()!r} counted from the event told before ({anchor.isoformat()})"

    def _own_report(self, sentence: Sentence, owner: Candidate, text: str) -> bool:
        """A figure in another paragraph or bullet that names its own day reports something else
        ("On 1 April, the army said 200 gunmen had been killed"), not the toll of the event before."""
        if sentence.paragraph == owner.sentence.paragraph:
            return False
        return any(t.date.best is not None for t in find_temporal_expressions(text, self.article.published))

    def _cumulative(self, text: str, figures: list[CasualtyFigure]) -> bool:
        """A running total ("since Oct. 7", "at least 550 have been killed"): no one event's toll."""
        if _SINCE.search(text) or any(f.count >= CUMULATIVE_TOLL for f in figures):
            return True
        return any(_long(t.date) for t in find_temporal_expressions(text, self.article.published))

    def _inherit(self, c: Candidate, earlier: list[Candidate]) -> None:
        """A sentence with no day or place of its own takes those of the event just told in its
        paragraph or bullet ("Shortly afterwards, a rescuer was killed in a second strike")."""
        if c.family == "statement":
            return
        same = [e for e in reversed(earlier) if e.sentence.paragraph == c.sentence.paragraph and e.family != "statement"]
        if c.when is None:
            previous = next((e for e in same if e.when is not None and not e.date_inferred), None)
            if previous is not None:
                c.when = previous.when
                c.coding["day"] = f"inherited from its paragraph: {previous.when.text!r}"
        if c.place is None:
            previous = next((e for e in same if e.place is not None and not e.place_inferred), None)
            if previous is not None:
                c.place = previous.place
                c.coding["place"] = f"inherited from its paragraph: {previous.place.name}"

    def _main_day(self, sentences: list[Sentence], masked_text: str) -> date | None:
        """The day the lead tells (its first exact day), if it is within the last days before publication."""
        published = self.article.published
        if published is None:
            return None
        lead = [s for s in sentences if not s.is_header][:LEAD_SENTENCES]
        for sentence in lead:
            text = masked_text[sentence.start: sentence.end]
            for match in find_temporal_expressions(text, published):
                if _REPORT_DAY_BEFORE.search(text, max(0, match.start - 40), match.start):
                    continue  # "medics said Tuesday": the day of the report, not of the story
                day = match.date.best
                if day and match.date.precision == schema.PRECISION_DAY:
                    return day if timedelta(0) <= published - day <= timedelta(days=MAIN_DAY_REACH) else None
        return None

    def _inferred_day(self, main_day: date | None) -> ParsedDate:
        """No time words: the article's main day, else the day before publication (news tells yesterday)."""
        published = self.article.published
        assert published is not None
        if main_day is not None:
            return ParsedDate(main_day, main_day, published, schema.PRECISION_APPROX, "article's main day")
        day_before = published - timedelta(days=1)
        return ParsedDate(day_before, day_before, published, schema.PRECISION_APPROX, "publication date")

    @staticmethod
    def _coding(c: Candidate) -> str:
        """Why the event was coded so, for a reviewer: which words or which default set each field."""
        typed_by = next((t for t in c.triggers if t.rule is c.rule), c.triggers[0])
        why = {"type": f"trigger {typed_by.text!r} ({c.rule.family}: {c.rule.event_type})", **c.coding}
        if c.actor1 is None:
            why.pop("actor", None)
        if c.place is None:
            why.pop("place", None)
        if c.claims:
            why["casualties"] = "; ".join(f"{cl.count} {cl.kind} ({cl.claimant}): {cl.text!r}" for cl in c.claims)
        return json.dumps(why, ensure_ascii=False)

    def _to_event(self, c: Candidate) -> Event:
        kills = [cl.count for cl in c.claims if cl.kind == KILLED]
        hurts = [cl.count for cl in c.claims if cl.kind == INJURED]
        violent = c.family != "statement"
        when = c.when or ParsedDate(None, None, None, schema.PRECISION_UNKNOWN, "")
        if when.best is None and when.end is not None:
            # A span with no single day ("over multiple straight days"): a multi-day event, kept apart
            # from day events; its last day is the best estimate.
            when = replace(when, best=when.end, precision=schema.PRECISION_RANGE)
        evidence = c.sentence
        key = f"{self.article.article_id}:{evidence.start}:{c.family}:{c.triggers[0].start}"
        if c.part:
            key += f":{c.part}"  # one of the events a 'respectively' sentence lists
        family_rule = c.rule
        return Event(
            coding=self._coding(c),
            mention_id=hashlib.sha1(key.encode()).hexdigest()[:16],
            article_id=self.article.article_id,
            source_file=self.article.file,
            event_type=family_rule.event_type,
            sub_event_type=family_rule.sub_event_type,
            actor1=c.actor1.name if c.actor1 else None,
            actor2=c.actor2.name if c.actor2 else None,
            inter1=c.actor1.inter if c.actor1 else None,
            inter2=c.actor2.inter if c.actor2 else None,
            evidence=evidence.text,
            evidence_start=evidence.start,
            evidence_end=evidence.end,
            event_date=when.best,
            date_start=when.start,
            date_end=when.end,
            date_precision=when.precision,
            place=c.place,
            fatalities=min(kills) if kills else (0 if violent else None),
            injuries=min(hurts) if hurts else None,
            claims=tuple(c.claims),
            outlet=self.article.outlet,
            published=self.article.published,
            notes=" ".join(s.text for s in c.extra_evidence),
        )


# --- merging the mentions of one event inside an article ---------------------------------------
def _actors_agree(a: Candidate, b: Candidate) -> bool:
    if a.actor1 is None or b.actor1 is None or a.actor1_default or b.actor1_default:
        return True
    names_a = {a.actor1.name, a.actor1.parent}
    names_b = {b.actor1.name, b.actor1.parent}
    return bool((names_a & names_b) - {None})


def _places_agree(a: Candidate, b: Candidate) -> bool:
    if a.place is None or b.place is None or a.place_inferred or b.place_inferred:
        return True
    pa, pb = a.place, b.place
    if pa.name == pb.name:
        return True
    if pa.kind == "region" and pb.admin1 == pa.name or pb.kind == "region" and pa.admin1 == pb.name:
        return True
    if None not in (pa.latitude, pa.longitude, pb.latitude, pb.longitude):
        return abs(pa.latitude - pb.latitude) < 0.05 and abs(pa.longitude - pb.longitude) < 0.05
    return False


def _dates_agree(a: Candidate, b: Candidate) -> bool:
    da = a.when.best if a.when else None
    db = b.when.best if b.when else None
    if da is None or db is None:
        return da is None and db is None  # an undated article; a span never absorbs a day's event
    if (a.when.precision == schema.PRECISION_RANGE) != (b.when.precision == schema.PRECISION_RANGE):
        return False  # a multi-day toll never absorbs a day's event
    return da == db


def _families_agree(a: Candidate, b: Candidate) -> bool:
    if a.family == b.family:
        return True
    pair = {a.family, b.family}
    if "statement" in pair:
        return False
    # A bare "killed" with no place of its own is told about an event already typed.
    vague = any(all(t.rule.generic for t in c.triggers) and (c.place is None or c.place_inferred) for c in (a, b))
    # "Both were intercepted by air defences": the interception of the fire just told.
    bare_interception = any(c.family == "interception" and (c.place is None or c.place_inferred) and c.actor1 is None
                            for c in (a, b)) and pair & REMOTE_FAMILIES
    return vague or bool(bare_interception) or pair == {"clash", "attack"}


def _absorb(keep: Candidate, other: Candidate) -> None:
    """Fold `other` into `keep`, keeping the more specific of each field."""
    if (keep.actor1 is None or keep.actor1_default) and other.actor1 is not None and not other.actor1_default:
        keep.actor1, keep.actor1_default = other.actor1, False
    if keep.actor2 is None and other.actor2 is not None and (keep.actor1 is None or other.actor2.name != keep.actor1.name):
        keep.actor2 = other.actor2
    if (keep.place is None or keep.place_inferred or keep.place.kind == "region") and other.place is not None \
            and not other.place_inferred and (keep.place is None or other.place.kind != "region" or keep.place_inferred):
        keep.place, keep.place_inferred = other.place, False
    if (keep.when is None or keep.date_inferred) and other.when is not None and not other.date_inferred:
        keep.when, keep.date_inferred = other.when, False
    if other.rule.priority > keep.rule.priority and not other.rule.generic and not other.rule.secondary:
        keep.rule = other.rule
    known = {(c.kind, c.count, c.claimant) for c in keep.claims}
    keep.claims.extend(c for c in other.claims if (c.kind, c.count, c.claimant) not in known)
    keep.extra_evidence.append(other.sentence)


def _own_killed(c: Candidate) -> int | None:
    counts = [cl.count for cl in c.claims if cl.kind == KILLED and cl.count]
    return min(counts) if counts else None


def _told_apart(a: Candidate, b: Candidate) -> bool:
    """Incidents told as distinct stay two events (coding guide): their own time of day, their own
    toll, or words that say so ("a second strike", "another attack")."""
    if a.clock and b.clock and a.clock != b.clock:
        return True
    for area, spot in ((a, b), (b, a)):
        if area.place is None or spot.place is None or area.place.kind != "region" or spot.place.kind == "region" \
                or area.place_inferred:
            continue
        # "Bombardment continued across the Strip" never absorbs an incident told with its own day or
        # toll; a lead that tells the incident with a toll of its own ("a strike in Gaza killed eight")
        # is that incident told from afar.
        if _own_killed(area) is None and ((area.date_inferred and not spot.date_inferred) or _own_killed(spot) is not None):
            return True
    killed_a, killed_b = _own_killed(a), _own_killed(b)
    if killed_a is not None and killed_b is not None and killed_a != killed_b:
        return True
    if a.sentence is not b.sentence and _SEQUEL.match(b.sentence.text):
        return True  # "Subsequently, an exchange of fire took place": what followed is another event
    return any(_ANOTHER.search(c.sentence.text[max(0, c.triggers[0].start - 40): c.triggers[0].start])
               for c in (a, b))


def merge_within_article(candidates: list[Candidate]) -> list[Candidate]:
    """One article often tells an event several times; fold its mentions into one."""
    kept: list[Candidate] = []
    for c in candidates:
        twin = next((k for k in kept if _families_agree(k, c) and _actors_agree(k, c)
                     and _places_agree(k, c) and _dates_agree(k, c) and not _told_apart(k, c)), None)
        if twin is None:
            kept.append(c)
        else:
            _absorb(twin, c)
    return kept


def extract_events(article: Article, actors: ActorDictionary | None = None,
                   gazetteer: Gazetteer | None = None) -> list[Event]:
    """The events one article reports, in text order (pure: same article, same events)."""
    extractor = ArticleExtractor(article, actors or ActorDictionary.load(), gazetteer or Gazetteer.load())
    return extractor.run()

