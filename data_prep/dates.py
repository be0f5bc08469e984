"""Temporal expressions in article text, resolved against the publication date.

How it works: our own regular-expression rules find candidate spans (month names, weekdays,
numeric dates, relative words) and resolve them with calendar arithmetic against the article's
publication date. dateparser is not used on free text: measured on this project's articles,
`search_dates` reads "We" as Wednesday and an age "52" as 1952, drops the end of
"January 26 to 27", returns the base date for "earlier this month", and dateparser gives
"Thursday" as the week before when the base is itself a Thursday, whereas the coding guide says
"on Thursday" is the last Thursday on or before publication. dateparser (configured once in
`settings.dateparser_settings`) is only the last resort for a labelled publication date in a
form our patterns do not know ("Published: 03/03/24").

Resolution rules (what an analyst codes, after the coding guide):
- weekdays ("on Thursday", "Tuesday", "before dawn on Thursday"): the last such day on or before
  publication (the publication day itself when it is that weekday); "last Tuesday" is strictly
  before; "next Tuesday" is after publication and so dropped unless `allow_future`.
- a day and month without a year ("October 7", "27 January"): the last such day on or before the
  publication date + 1 day (one day of slack for time zones); without a publication date: None.
- "the night of January 26 to 27": best 27, start 26, end 27, precision day.
- ranges of named days ("between 15 and 18 March"): precision range, best = the last day when
  the range spans at most `MAX_RANGE_BEST_DAYS`, else None.
- vague spans ("last week", "over multiple straight days"): start and end, best None.
- durations ending at publication ("more than two weeks of ..."): range published - 14 .. published.
- months: precision month, start/end = the month (cut at publication); years ("in 2022",
  "since 2007"): precision unknown, start/end = the year.
- no publication date: only absolute dates with a year resolve; relative words give nothing.
- nothing before `settings.MIN_YEAR`, and nothing starting after publication + 1 day unless
  `allow_future=True` (a future reference such as "expected in Cairo on Thursday" in an article
  published on a Thursday is that Thursday, so it stays).
"""
from __future__ import annotations

import bisect
import calendar
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

from . import settings
from .models import ParsedDate, TemporalMatch
from .schema import (
    PRECISION_APPROX,
    PRECISION_DAY,
    PRECISION_MONTH,
    PRECISION_RANGE,
    PRECISION_UNKNOWN,
)
from .word_starts import literal_trie

LOGGER = logging.getLogger(__name__)

# A range of named days gets a best day (its last) only when it is this short.
MAX_RANGE_BEST_DAYS = 7
# "a few / several / multiple / recent days" read as this many days before publication.
FEW_DAYS = 4
# Latest plausible year for an absolute date when there is no publication date to bound it.
MAX_YEAR = 2100
_ONE_DAY = timedelta(days=1)

# --- vocabulary -----------------------------------------------------------------------------

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS: dict[str, int] = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "couple": 2,
}
# Quantities that say "some": they make an expression approximate.
VAGUE_NUMBERS: dict[str, int] = {"few": 3, "several": FEW_DAYS, "multiple": FEW_DAYS, "many": FEW_DAYS}


def _cased(words: list[str]) -> str:
    """Capitalised and UPPER spellings only: "may" and "march" in lower case are not months."""
    forms: list[str] = []
    for word in sorted(words, key=len, reverse=True):
        forms += [word.capitalize(), word.upper()]
    return "|".join(forms)


_FULL_NAMES = [m for m in MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_ABBREVIATIONS = [m for m in MONTHS if m not in _FULL_NAMES]
_FULL_MONTH = rf"(?:{_cased(_FULL_NAMES)})(?![A-Za-z])"
# Only an abbreviation takes a dot ("Jan. 27"); a full name's dot ends the sentence.
_MONTH = rf"(?:{_FULL_MONTH}|(?:{_cased(_ABBREVIATIONS)})(?![A-Za-z])\.?)"
_WEEKDAY = rf"(?:(?i:{'|'.join(WEEKDAYS)})\b)"
# Fixed-width look-behinds: named days that are not calendar days ("Black Saturday", "Good Friday").
_NOT_A_WEEKDAY = "".join(f"(?<!{w} )" for w in ("Black", "Bloody", "Good", "Holy", "Ash", "Palm", "Easter"))
_NOT_NEWSPAPER = r"(?!\s+(?:Times|Telegraph|Express|Mirror|Herald|Post|Mail|Tribune|Star)\b)"
_DAY_NUM = r"(?:3[01]|[12]\d|0?[1-9])"
_ORD = r"(?:st|nd|rd|th)"
_YEAR_NUM = r"(?:19|20)\d\d(?!\d)(?!,\d)"
_NUM = (r"(?i:\d{1,3}(?![\d,.])|a\s+couple\s+of|a\s+few|"
        + "|".join(sorted((w for w in NUMBER_WORDS if w != "couple"), key=len, reverse=True))
        + "|" + "|".join(VAGUE_NUMBERS) + r")")
_CONN = r"(?:\s*[-–—]\s*|\s+(?i:to|until|till|through|and|into)\s+)"
_TIME = (r"(?:,?\s+(?i:at\s+)?(?i:(?:about|around|approximately|roughly|some)\s+)?"
         r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s*(?i:[ap]\.?m\.?)(?![a-z]))?"
         r"(?:\s*(?:GMT|UTC|(?i:local\s+time)))?)")
# Words before a day that say when in the day (they do not move the day).
_PART = (r"(?i:(?:(?:in|during)\s+)?the\s+(?:early|small|wee)\s+hours\s+(?:of\s+)?(?:on\s+)?"
         r"|(?:(?:on|in|during)\s+)?the\s+(?:morning|afternoon|evening|night)\s+of\s+"
         r"|(?:(?:just|shortly|well)\s+)?(?:before|after)\s+(?:dawn|dusk|sunrise|sunset|midnight|daybreak|nightfall|noon)\s+(?:on\s+)?"
         r"|at\s+(?:dawn|dusk|sunrise|sunset|midnight|daybreak|nightfall|noon)\s+(?:on\s+)?"
         r"|(?:early|late)\s+(?:on\s+)?|on\s+)")
_NIGHT = r"(?i:(?:(?:on|in|during)\s+)?the\s+night\s+(?:of|between|from)\s+|overnight\s+(?:on\s+|from\s+|between\s+)?)"
_DAYPART_SUFFIX = r"(?:\s+(?i:morning|afternoon|evening|night))"
_PART_OF_MONTH = r"(?i:early|mid-?|late)"  # also of a year: "late 2022"
_UNIT = r"(?i:hours?|days?|weeks?|months?|years?)"


def _dmy(tag: str, year: bool = True) -> str:
    """'27 January 2023', 'the 27th of January' with groups d/m/y suffixed by `tag`."""
    y = rf"(?:,?\s+(?P<y{tag}>{_YEAR_NUM}))?" if year else ""
    return (rf"(?:(?i:the\s+)?(?<![\d,.])(?P<d{tag}>{_DAY_NUM}){_ORD}?(?!\d)(?:\s+(?i:of))?\s+"
            rf"(?P<m{tag}>{_MONTH}){y})")


def _mdy(tag: str, year: bool = True) -> str:
    """'January 27, 2023', 'Jan. 27th' with groups d/m/y suffixed by `tag`."""
    y = rf"(?:,?\s+(?P<y{tag}>{_YEAR_NUM}))?" if year else ""
    return (rf"(?:(?P<m{tag}>{_MONTH})\s+(?i:the\s+)?(?P<d{tag}>{_DAY_NUM}){_ORD}?"
            rf"(?![\d:]|,\d|\.\d){y})")


# A weekday before a date ("Monday, 23 October 2023", "Sat 7 Oct 2023"); abbreviations only here,
# where a date must follow ("Wed" alone is not read).
_WD_LEAD = rf"(?:(?:{_WEEKDAY}|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\b\.?),?\s+)"

# --- helpers: arithmetic ---------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift_months(day: date, months: int) -> date:
    """`day` moved by whole months (the day clipped to the month's length)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _on_or_before(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday) % 7)


def _strictly_before(published: date, weekday: int) -> date:
    return published - timedelta(days=(published.weekday() - weekday - 1) % 7 + 1)


def _strictly_after(published: date, weekday: int) -> date:
    return published + timedelta(days=(weekday - published.weekday() - 1) % 7 + 1)


def _recent_day(month: int, day: int, published: date) -> date | None:
    """The last `day` `month` on or before publication + 1 day (29 February: the last leap year)."""
    for year in range(published.year, published.year - 8, -1):
        try:
            found = date(year, month, day)
        except ValueError:
            continue
        if found <= published + _ONE_DAY:
            return found
    return None


def _make_day(year: int | None, month: int, day: int, published: date | None) -> date | None:
    if year is None:
        return _recent_day(month, day, published) if published else None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _number(word: str) -> tuple[int, bool] | None:
    """('two' -> 2, exact), ('several' -> 4, vague); None for what is not a count."""
    key = " ".join(word.lower().split())
    if key.isdigit():
        return int(key), False
    if key in ("a couple of",):
        return 2, False
    if key == "a few":
        key = "few"
    if key in VAGUE_NUMBERS:
        return VAGUE_NUMBERS[key], True
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key], False
    return None


def _back(published: date, count: int, unit: str) -> date:
    """`published` moved back by `count` units (hours round up to whole days)."""
    unit = unit.lower().rstrip("s")
    if unit == "hour":
        return published - timedelta(days=-(-count // 24))
    if unit == "day":
        return published - timedelta(days=count)
    if unit == "week":
        return published - timedelta(weeks=count)
    if unit == "month":
        return _shift_months(published, -count)
    return _shift_months(published, -12 * count)


def _day(best: date, text: str) -> ParsedDate:
    return ParsedDate(best, best, best, PRECISION_DAY, text)


def _span(start: date, end: date, precision: str, text: str) -> ParsedDate:
    """A stretch of days with no best day."""
    return ParsedDate(None, start, end, precision, text)


def _named_range(start: date, end: date, text: str) -> ParsedDate | None:
    """A range of named days; best is its last day when it is short."""
    if start > end:
        return None
    best = end if (end - start).days <= MAX_RANGE_BEST_DAYS else None
    return ParsedDate(best, start, end, PRECISION_RANGE, text)


def _since(start: date, published: date | None, text: str) -> ParsedDate:
    """'since X': a range from X up to publication (open-ended without a publication date)."""
    end = published if published and published >= start else None
    return ParsedDate(None, start, end, PRECISION_RANGE, text)


def _cut(end: date, published: date | None) -> date:
    """A period's end, cut at publication when publication falls inside it."""
    return min(end, published) if published else end


def _low(text: str | None) -> str:
    return " ".join((text or "").lower().split())


# --- rules -----------------------------------------------------------------------------------

# A handler returns _SKIP when its rule does not apply after all ("on 15 and 18 March" names two
# days, not a range): the words stay free for the other rules.
_SKIP = ParsedDate(None, None, None, PRECISION_UNKNOWN, "<skip>")


class _Groups(Protocol):
    """What a handler reads: a regex match, or one with alternative groups renamed."""

    def group(self, name: str | int = 0, /) -> Any: ...


Handler = Callable[[_Groups, "date | None"], "ParsedDate | None"]


@dataclass(frozen=True)
class _Rule:
    name: str
    anchor: str  # the kind of word every match holds (see _anchor_windows)
    pattern: re.Pattern[str]
    handle: Handler


def _date_groups(m: _Groups, tag: str) -> tuple[int | None, int, int] | None:
    """(year, month, day) from the groups of a _dmy/_mdy pattern with this tag."""
    if m.group(f"d{tag}") is None:
        return None
    year = m.group(f"y{tag}")
    return (int(year) if year else None, MONTHS[m.group(f"m{tag}").lower().rstrip(".")],
            int(m.group(f"d{tag}")))


def _numeric(m: _Groups, published: date | None) -> ParsedDate | None:
    if m.group("iy"):
        year, month, day = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    else:
        first, second, year = int(m.group("na")), int(m.group("nb")), int(m.group("ny"))
        # Day first (settings.DATE_ORDER); month first only when the day-first reading is impossible.
        day, month = (first, second) if second <= 12 else (second, first)
    found = _make_day(year, month, day, published)
    return _day(found, m.group(0)) if found else None


def _single_date(m: _Groups, published: date | None) -> ParsedDate | None:
    parts = _date_groups(m, "a") or _date_groups(m, "b")
    if parts is None:
        return None
    found = _make_day(*parts, published)
    if found is None:
        return None
    if _low(m.group("pre")).startswith("since"):
        return _since(found, published, m.group(0))
    return _day(found, m.group(0))


def _joins_two_days(pre: str) -> bool:
    """Whether 'X and Y' after these words is one range ("between", "the night of")."""
    return pre.startswith("between") or "night" in pre or pre.startswith("overnight")


def _date_range(m: _Groups, published: date | None) -> ParsedDate | None:
    pre, text = _low(m.group("pre")), m.group(0)
    if _low(m.group("conn")) == "and" and not _joins_two_days(pre):
        return _SKIP  # "on 15 and 18 March" names two days, not a range
    if m.group("sda"):  # 26-27 January [2023]
        year, month, end_day = _date_groups(m, "ra")
        start_parts: tuple[int | None, int, int] = (year, month, int(m.group("sda")))
        end_parts = (year, month, end_day)
    elif m.group("edb"):  # January 26 to 27 [2023]
        year, month, start_day = _date_groups(m, "rb")
        start_parts, end_parts = (year, month, start_day), (year, month, int(m.group("edb")))
    else:  # 26 January to 2 February [2023]
        start_parts = _date_groups(m, "s1") or _date_groups(m, "s2")
        end_parts = _date_groups(m, "e1") or _date_groups(m, "e2")
        if start_parts is None or end_parts is None:
            return None
    end = _make_day(end_parts[0], end_parts[1], end_parts[2], published)
    if end is None:
        return None
    start_year = start_parts[0] if start_parts[0] is not None else end.year
    start = _make_day(start_year, start_parts[1], start_parts[2], None)
    if start is not None and start > end and start_parts[0] is None:
        start = _make_day(start_year - 1, start_parts[1], start_parts[2], None)  # Dec 30 to Jan 2
    if start is None or start > end:
        return None
    if "night" in pre and (end - start).days <= 1:
        return ParsedDate(end, start, end, PRECISION_DAY, text)
    return _named_range(start, end, text)


def _ordinal_day(m: _Groups, published: date | None) -> ParsedDate | None:
    """'on the 27th': the last 27th on or before publication."""
    if published is None:
        return None
    day = int(m.group("od"))
    for back in range(0, 4):
        first = _shift_months(published.replace(day=1), -back)
        try:
            found = first.replace(day=day)
        except ValueError:
            continue
        if found <= published + _ONE_DAY:
            return _day(found, m.group(0))
    return None


def _weekday(m: _Groups, published: date | None) -> ParsedDate | None:
    if published is None:
        return None
    weekday = WEEKDAYS[m.group("wd").lower()]
    pre, text = _low(m.group("pre")), m.group(0)
    if pre.startswith(("last", "this past")):
        return _day(_strictly_before(published, weekday), text)
    if pre.startswith("next"):
        return _day(_strictly_after(published, weekday), text)
    found = _on_or_before(published, weekday)
    if pre.startswith("since"):
        return _since(found, published, text)
    return _day(found, text)


def _weekday_range(m: _Groups, published: date | None) -> ParsedDate | None:
    """'the night of Wednesday to Thursday', 'overnight into Thursday', 'from Monday to Wednesday'."""
    if published is None:
        return None
    pre, text = _low(m.group("pre")), m.group(0)
    end = _on_or_before(published, WEEKDAYS[m.group("w2").lower()])
    if m.group("w1") is None:
        if pre.startswith("overnight"):  # overnight into Thursday
            return ParsedDate(end, end - _ONE_DAY, end, PRECISION_DAY, text)
        if "night" in pre:  # the night of Thursday
            return _day(end, text)
        return _SKIP
    if _low(m.group("conn")) == "and" and not _joins_two_days(pre):
        return _SKIP
    start = end - timedelta(days=(end.weekday() - WEEKDAYS[m.group("w1").lower()]) % 7)
    if ("night" in pre or pre.startswith("overnight")) and (end - start).days <= 1:
        return ParsedDate(end, start, end, PRECISION_DAY, text)
    return _named_range(start, end, text)


_MID = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}


def _month(m: _Groups, published: date | None) -> ParsedDate | None:
    month = MONTHS[m.group("mm").lower().rstrip(".")]
    pre, part, text = _low(m.group("pre")), _low(m.group("part")).rstrip("-"), m.group(0)
    if m.group("my"):
        year = int(m.group("my"))
    elif published is None:
        return None
    elif pre.startswith("last"):  # strictly before the publication month
        year = published.year if month < published.month else published.year - 1
    else:
        year = published.year if month <= published.month else published.year - 1
    first_day, last_day = _MID.get(part, (1, 31))
    start = date(year, month, first_day)
    end = date(year, month, min(last_day, _month_end(year, month).day))
    if pre.startswith("since"):
        return ParsedDate(None, start, published if published and published >= start else None,
                          PRECISION_MONTH, text)
    return _span(start, end if published is None or published < start else _cut(end, published),
                 PRECISION_MONTH, text)


def _year(m: _Groups, published: date | None) -> ParsedDate | None:
    first = int(m.group("y1"))
    last = int(m.group("y2")) if m.group("y2") else first
    pre, text = _low(m.group("pre")), m.group(0)
    if _low(m.group("yconn")) == "and" and not pre.startswith("between"):
        return _SKIP  # "from 2014 and 2016" is no range
    if last < first:
        return None
    start, end = date(first, 1, 1), date(last, 12, 31)
    if pre.startswith("since"):  # up to publication; open-ended without it
        return ParsedDate(None, start, published if published and published >= start else None,
                          PRECISION_UNKNOWN, text)
    if published and start <= published:
        end = _cut(end, published)
    return _span(start, end, PRECISION_UNKNOWN, text)


def _relative_day(m: _Groups, published: date | None) -> ParsedDate | None:
    if published is None:
        return None
    words, text = _low(m.group(0)), m.group(0)
    if "day before yesterday" in words:
        return _day(published - 2 * _ONE_DAY, text)
    if "yesterday" in words or words == "last night":
        return _day(published - _ONE_DAY, text)
    if "tomorrow" in words:
        return _day(published + _ONE_DAY, text)
    if words.startswith("overnight"):  # the night before publication, as in wire copy
        return ParsedDate(published, published - _ONE_DAY, published, PRECISION_DAY, text)
    return _day(published, text)  # today, tonight, this morning ...


def _ago(m: _Groups, published: date | None) -> ParsedDate | None:
    count = _number(m.group("n"))
    if published is None or count is None:
        return None
    number, vague = count
    unit, text = m.group("u").lower().rstrip("s"), m.group(0)
    if unit == "hour":  # "3 hours ago" is still the publication day
        return _day(published - timedelta(days=number // 24), text)
    if unit == "day":
        if vague:  # "a few days ago"
            return _span(published - timedelta(days=2 * FEW_DAYS), published - 2 * _ONE_DAY,
                         PRECISION_APPROX, text)
        return _day(_back(published, number, unit), text)
    if unit == "week":
        best = _back(published, number, unit)
        return ParsedDate(None if vague else best, best - 3 * _ONE_DAY,
                          min(best + 3 * _ONE_DAY, published), PRECISION_APPROX, text)
    if unit == "month":
        then = _back(published, number, unit)
        return _span(then.replace(day=1), _month_end(then.year, then.month), PRECISION_MONTH, text)
    then = _back(published, number, unit)
    return _span(date(then.year, 1, 1), date(then.year, 12, 31), PRECISION_UNKNOWN, text)


def _calendar_period(m: _Groups, published: date | None) -> ParsedDate | None:
    """this/last/earlier this week, month, year; the weekend."""
    if published is None:
        return None
    found = _calendar_span(m, published)
    if found is not None and _low(m.group(0)).startswith("since") and found.start is not None:
        return ParsedDate(None, found.start, published, found.precision, found.text)
    return found


def _calendar_span(m: _Groups, published: date) -> ParsedDate | None:
    det, unit, text = _low(m.group("det")), _low(m.group("u")), m.group(0)
    previous = det == "last"
    rolling = det in ("the past", "past", "the last")
    if unit == "weekend":
        saturday = _on_or_before(published, 5)
        if previous and published.weekday() >= 5:
            saturday -= timedelta(weeks=1)
        return _span(saturday, min(saturday + _ONE_DAY, published), PRECISION_APPROX, text)
    if unit == "week":
        if rolling:
            return _span(published - timedelta(days=7), published, PRECISION_APPROX, text)
        monday = published - timedelta(days=published.weekday())
        if previous:
            return _span(monday - timedelta(weeks=1), monday - _ONE_DAY, PRECISION_APPROX, text)
        return _span(monday, published, PRECISION_APPROX, text)
    if unit == "month":
        if rolling:
            return _span(_shift_months(published, -1), published, PRECISION_MONTH, text)
        if previous:
            last = published.replace(day=1) - _ONE_DAY
            return _span(last.replace(day=1), last, PRECISION_MONTH, text)
        return _span(published.replace(day=1), published, PRECISION_MONTH, text)
    if rolling:
        return _span(_shift_months(published, -12), published, PRECISION_UNKNOWN, text)
    if previous:
        return _span(date(published.year - 1, 1, 1), date(published.year - 1, 12, 31),
                     PRECISION_UNKNOWN, text)
    return _span(date(published.year, 1, 1), published, PRECISION_UNKNOWN, text)


def _recent(m: _Groups, published: date | None) -> ParsedDate | None:
    """A stretch of time ending at publication: 'in recent days', 'over the past three days',
    'over multiple straight days'."""
    if published is None:
        return None
    text, unit = m.group(0), (m.group("u") or "days").lower()
    default = (VAGUE_NUMBERS["few"], True) if unit.startswith("week") else (FEW_DAYS, True)
    count = _number(m.group("n")) if m.group("n") else default
    if count is None:
        return None
    number, vague = count
    start = _back(published, number, unit)
    return _span(start, published, PRECISION_APPROX if vague else PRECISION_RANGE, text)


def _duration_of(m: _Groups, published: date | None) -> ParsedDate | None:
    """'more than two weeks of bombardment': a range ending at publication."""
    count = _number(m.group("n"))
    if published is None or count is None:
        return None
    number, vague = count
    unit = m.group("u").lower()
    start = _back(published, number, unit)
    if unit.startswith("year"):  # "16 years of blockade": background, not a campaign's dates
        return _span(start, published, PRECISION_UNKNOWN, m.group(0))
    return _span(start, published, PRECISION_APPROX if vague else PRECISION_RANGE, m.group(0))


def _compile(pattern: str) -> re.Pattern[str]:
    # Every expression begins a word: the look-behind rejects the other positions at once.
    return re.compile(rf"(?<!\w)(?:{pattern})")


_SINCE_OR_PART = rf"(?P<pre>(?i:since\s+)|{_PART})?"
_RANGE_PRE = rf"(?P<pre>{_NIGHT}|(?i:between|from)\s+|{_PART})?"

_RULES: tuple[_Rule, ...] = (
    _Rule("numeric", "numeric", _compile(
        r"(?<![\w/.:-])(?:(?P<iy>(?:19|20)\d\d)-(?P<im>0?[1-9]|1[0-2])-(?P<id>0?[1-9]|[12]\d|3[01])"
        r"(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?"
        r"|(?P<na>0?[1-9]|[12]\d|3[01])(?P<sep>[/.-])(?P<nb>0?[1-9]|[12]\d|3[01])(?P=sep)"
        r"(?P<ny>(?:19|20)\d\d)(?:\s+(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d)?)?)(?![\w/-]|\.\d)"),
        _numeric),
    _Rule("date_range", "month", _compile(
        rf"{_RANGE_PRE}(?:{_WD_LEAD})?(?:"
        rf"(?<![\d,.])(?P<sda>{_DAY_NUM}){_ORD}?(?P<conn>{_CONN}){_dmy('ra')}"
        rf"|{_mdy('rb', year=False)}(?P<connb>{_CONN})(?P<edb>{_DAY_NUM}){_ORD}?(?![\d:]|,\d|\s+{_MONTH})"
        rf"(?:,?\s+(?P<yrb>{_YEAR_NUM}))?"
        rf"|(?:{_dmy('s1')}|{_mdy('s2')})(?P<connc>{_CONN})(?:{_WD_LEAD})?(?:{_dmy('e1')}|{_mdy('e2')}))"),
        lambda m, p: _date_range(_RangeMatch(m), p)),
    _Rule("date", "month", _compile(
        rf"{_SINCE_OR_PART}(?:{_WD_LEAD})?(?:{_dmy('a')}|{_mdy('b')}){_TIME}?"), _single_date),
    _Rule("ordinal_day", "ordinal", _compile(
        rf"(?i:on\s+the\s+)(?P<od>{_DAY_NUM}){_ORD}(?!\s+(?i:of\b))(?![\w-])"), _ordinal_day),
    _Rule("weekday_range", "weekday", _compile(
        rf"(?P<pre>{_NIGHT}|(?i:between|from)\s+)(?:(?P<w1>{_WEEKDAY})(?P<conn>{_CONN}))?(?P<w2>{_WEEKDAY})"
        rf"|(?P<pre2>(?i:overnight\s+(?:in)?to\s+))(?P<w3>{_WEEKDAY})"),
        lambda m, p: _weekday_range(_WeekdayRangeMatch(m), p)),
    _Rule("weekday", "weekday", _compile(
        rf"(?P<pre>(?i:since|last|this\s+past|this|next)\s+|{_PART})?{_NOT_A_WEEKDAY}"
        rf"(?P<wd>{_WEEKDAY}){_NOT_NEWSPAPER}(?:{_DAYPART_SUFFIX})?{_TIME}?"), _weekday),
    _Rule("month", "month", _compile(
        rf"(?:(?P<pre>(?i:in|during|since|until|till|by|throughout|through|last|this|from|before|after|"
        rf"earlier\s+in|later\s+in|end\s+of|the\s+end\s+of|beginning\s+of|the\s+beginning\s+of)\s+)"
        rf"(?:(?P<part>{_PART_OF_MONTH})\s*)?(?P<mm>{_FULL_MONTH})(?:,?\s+(?P<my>{_YEAR_NUM}))?"
        rf"|(?:(?P<part2>{_PART_OF_MONTH})\s*)?(?P<mm2>{_MONTH})\s+(?P<my2>{_YEAR_NUM})"
        rf"|(?P<part3>{_PART_OF_MONTH})\s*(?P<mm3>{_FULL_MONTH}))"
        rf"(?!\s*\d)"),
        lambda m, p: _month(_MonthMatch(m), p)),
    _Rule("year", "year", _compile(
        rf"(?P<pre>(?i:between|from))\s+(?P<y1>{_YEAR_NUM})(?P<yconn>{_CONN})(?P<y2>{_YEAR_NUM})(?![\w-]|\.\d)"
        rf"|(?P<pre2>(?i:(?:in|since|during|throughout|until|till|by|from|before|after)"
        rf"(?:\s+(?:early|late|mid-?))?|(?:the\s+)?year(?:\s+of)?|(?:early|late|mid-?)|"
        rf"(?:the\s+)?(?:spring|summer|autumn|fall|winter)\s+of))[\s-]*"
        rf"(?P<y3>{_YEAR_NUM})(?![\w-]|\.\d)"),
        lambda m, p: _year(_YearMatch(m), p)),
    _Rule("relative_day", "relative", _compile(
        r"(?i:\b(?:the\s+day\s+before\s+yesterday"
        r"|(?:early\s+|late\s+)?(?:yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?"
        r"|(?:earlier\s+|later\s+|early\s+|late\s+)?today|tonight|overnight"
        r"|(?:earlier\s+|early\s+|late\s+)?this\s+(?:morning|afternoon|evening)|last\s+night)\b)"),
        _relative_day),
    _Rule("ago", "relative", _compile(
        rf"(?<![\w,.])(?P<n>{_NUM})\s+(?P<u>{_UNIT})\s+(?i:ago)\b"), _ago),
    _Rule("calendar_period", "relative", _compile(
        r"(?i:\b(?:since\s+)?(?:(?:earlier|later|early|late)\s+(?:in\s+)?)?"
        r"(?P<det>this|last|the\s+past|past|the\s+last)\s+(?P<u>week|month|year|weekend)\b(?!s|-)"
        r"|\b(?:over|at|during|on)\s+(?P<det2>the)\s+(?P<u2>weekend)\b"
        r"|\b(?:earlier|later)\s+in\s+(?P<det3>the)\s+(?P<u3>week|month|year)\b)"),
        lambda m, p: _calendar_period(_PeriodMatch(m), p)),
    _Rule("recent", "relative", _compile(
        rf"(?i:\b(?:in|over|during)\s+recent\s+(?P<u>days|weeks)\b"
        rf"|\b(?:over|in|during|for|within)\s+the\s+(?:past|last)\s+(?:(?P<n>{_NUM})\s+)?"
        rf"(?P<u2>hours|days|weeks|months)\b"
        rf"|(?<!for\s)\bover\s+(?:(?P<n2>a\s+few|several|multiple|many)\s+(?:straight\s+|consecutive\s+|successive\s+)?"
        rf"|(?P<n3>{_NUM})\s+(?:straight|consecutive|successive)\s+)(?P<u3>days|weeks)\b)"),
        lambda m, p: _recent(_RecentMatch(m), p)),
    _Rule("duration_of", "relative", _compile(
        rf"(?<!first\s)(?<!initial\s)(?<![\w,.])(?i:(?:more\s+than|over|nearly|almost|about|around|some|"
        rf"at\s+least|roughly|close\s+to|less\s+than)\s+)?(?P<n>{_NUM})\s+"
        rf"(?P<u>{_UNIT})\s+(?i:of)\b"
        r"(?!\s+(?i:rage|mourning|anger|action|solidarity|prayer|remembrance|protest|age)\b)"),
        _duration_of),
)


class _Renamed:
    """A match whose alternative groups are read under one name (pre2 -> pre, ...)."""

    _alias: dict[str, tuple[str, ...]] = {}

    def __init__(self, match: re.Match[str]) -> None:
        self._m = match

    def group(self, name: str | int = 0) -> str | None:
        if isinstance(name, int):
            return self._m.group(name)
        for alias in (name, *self._alias.get(name, ())):
            value = self._m.group(alias) if alias in self._m.re.groupindex else None
            if value is not None:
                return value
        return None


class _RangeMatch(_Renamed):
    _alias = {"conn": ("connb", "connc")}


class _WeekdayRangeMatch(_Renamed):
    _alias = {"pre": ("pre2",), "w2": ("w3",)}


class _MonthMatch(_Renamed):
    _alias = {"mm": ("mm2", "mm3"), "my": ("my2",), "part": ("part2", "part3")}


class _YearMatch(_Renamed):
    _alias = {"pre": ("pre2",), "y1": ("y3",)}


class _PeriodMatch(_Renamed):
    _alias = {"det": ("det2", "det3"), "u": ("u2", "u3")}


class _RecentMatch(_Renamed):
    _alias = {"n": ("n2", "n3"), "u": ("u2", "u3")}


# Every match holds an anchor: a month name, a weekday, a relative word, a year or a numeric
# date. Anchors are found in one cheap pass; each rule's full pattern (slow: optional prefixes
# tried at every position) then runs only on windows around its anchors.
_MONTH_WORDS = frozenset(form for m in MONTHS for form in (m.capitalize(), m.upper()))
_RELATIVE_WORDS = frozenset({
    "yesterday", "today", "tonight", "tomorrow", "overnight", "ago", "recent", "past",
    "morning", "afternoon", "evening", "night", "weekend",
    "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years",
})
_KIND_OF_WORD: dict[str, str] = {
    **{w: "relative" for w in _RELATIVE_WORDS}, **{w: "weekday" for w in WEEKDAYS},
    **{m: "month" for m in MONTHS},
}
# Run on the lower-cased text: a plain alternation there is three times faster than (?i).
_ANCHOR_WORD = re.compile(r"\b" + literal_trie(set(_KIND_OF_WORD)) + r"\b")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_HAS_DIGIT = re.compile(r"\d")
_DIGIT_ANCHORS = {
    "year": re.compile(r"(?:19|20)\d\d"),
    "numeric": re.compile(r"\d[/.-]\d{1,2}[/.-]\d"),
    "ordinal": re.compile(r"\d(?:st|nd|rd|th)\b"),
}
# How far a match reaches (characters) before and after its anchor, with room to spare:
# "between the 26th of January 2023 to 2 February 2023, at about 16:10 GMT",
# "on the night of Wednesday to Thursday", "more than two weeks of", "the summer of 2014".
_REACH: dict[str, tuple[int, int]] = {
    "month": (90, 80), "weekday": (70, 60), "relative": (50, 30), "year": (40, 40),
    "numeric": (15, 30), "ordinal": (15, 10),
}


def _anchor_windows(text: str) -> dict[str, list[tuple[int, int]]]:
    """For each anchor kind, the merged [start, end) windows of text around its anchors."""
    hits: dict[str, list[int]] = {}
    lowered = text.lower()
    if len(lowered) != len(text):  # "İ" lowers to two characters: keep offsets aligned
        lowered = text.translate(_ASCII_LOWER)
    for word in _ANCHOR_WORD.finditer(lowered):
        kind = _KIND_OF_WORD[word.group()]
        if kind == "month" and text[word.start():word.end()] not in _MONTH_WORDS:
            continue  # "may", "march": verbs in lower case
        hits.setdefault(kind, []).append(word.start())
    if _HAS_DIGIT.search(text):
        for kind, anchor in _DIGIT_ANCHORS.items():
            found = [m.start() for m in anchor.finditer(text)]
            if found:
                hits[kind] = found
    windows: dict[str, list[tuple[int, int]]] = {}
    for kind, starts in hits.items():
        back, ahead = _REACH[kind]
        merged: list[tuple[int, int]] = []
        for at in starts:
            lo, hi = max(0, at - back), min(len(text), at + ahead)
            # Widen to whole words so that no match begins or ends inside a word.
            while lo > 0 and not text[lo - 1].isspace():
                lo -= 1
            while hi < len(text) and not text[hi].isspace():
                hi += 1
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
            else:
                merged.append((lo, hi))
        windows[kind] = merged
    return windows


# --- public API ------------------------------------------------------------------------------


def _as_date(value: date | datetime | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _accept(parsed: ParsedDate, published: date | None, allow_future: bool) -> bool:
    """Reject dates before MIN_YEAR and, for past events, dates starting after publication + 1 day."""
    first = parsed.start or parsed.best or parsed.end
    if first is None:
        return False
    if first.year < settings.MIN_YEAR:
        return False
    if published is not None:
        return allow_future or first <= published + _ONE_DAY
    return allow_future or first.year <= MAX_YEAR


@lru_cache(maxsize=8192)
def _find(text: str, published: date | None, allow_future: bool) -> tuple[TemporalMatch, ...]:
    windows = _anchor_windows(text)
    if not windows:
        return ()
    candidates: list[tuple[int, int, int, re.Match[str], _Rule]] = []
    for order, rule in enumerate(_RULES):
        for lo, hi in windows.get(rule.anchor, ()):
            for m in rule.pattern.finditer(text, lo, hi):
                if m.end() > m.start():
                    candidates.append((m.start(), m.end(), order, m, rule))
    # Longest span first (it holds the most information), then the earlier rule.
    candidates.sort(key=lambda c: (c[0] - c[1], c[2], c[0]))
    taken_starts: list[int] = []  # claimed spans, disjoint and sorted
    taken_ends: list[int] = []
    found: list[TemporalMatch] = []
    for start, end, _, m, rule in candidates:
        at = bisect.bisect_right(taken_starts, start)
        if (at > 0 and taken_ends[at - 1] > start) or (at < len(taken_starts) and taken_starts[at] < end):
            continue
        parsed = rule.handle(m, published)
        if parsed is _SKIP:
            continue
        # A span that reads as a candidate but resolves to nothing still claims its words, so
        # that "October 7" in an undated article is not re-read as a bare "7" by a weaker rule.
        taken_starts.insert(at, start)
        taken_ends.insert(at, end)
        if parsed is None or not _accept(parsed, published, allow_future):
            LOGGER.debug("unresolved %s %r (published %s)", rule.name, m.group(0), published)
            continue
        found.append(TemporalMatch(start, end, m.group(0), parsed))
    return _join_between(text, sorted(found, key=lambda t: t.start))


# "Between the afternoons of 16 and 17 January", "Between 7 October and 12:00 on 17 January":
# two days (or a bare day number and a day) with times of day between them are one range.
_BETWEEN_OPEN = re.compile(r"(?i:between|from)\s+(?i:the\s+(?:mornings?|afternoons?|evenings?|nights?)\s+of\s+)?$")
_BETWEEN_JOIN = re.compile(
    r"\s+(?i:and|to|until|till)\s+(?:(?i:about\s+)?[012]?\d[:.][0-5]\d(?:\s*(?i:hrs|hours))?\s+(?i:on\s+)?"
    r"|(?i:the\s+(?:morning|afternoon|evening|night)\s+of\s+))?")
_BETWEEN_DAY_NUMBER = re.compile(
    r"(?P<open>(?i:between)\s+(?i:the\s+(?:mornings?|afternoons?|evenings?|nights?)\s+of\s+)?)(?P<d>[0-3]?\d)\s+(?i:and)\s+$")


def _join_between(text: str, found: list[TemporalMatch]) -> tuple[TemporalMatch, ...]:
    if "etween" not in text or not found:
        return tuple(found)
    out: list[TemporalMatch] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        if a.date.precision == PRECISION_DAY and a.date.best is not None and b is not None and b.date.best is not None \
                and b.date.precision == PRECISION_DAY and _BETWEEN_JOIN.fullmatch(text, a.end, b.start):
            opening = _BETWEEN_OPEN.search(text, max(0, a.start - 40), a.start)
            joined = _named_range(a.date.best, b.date.best, text[a.start:b.end]) if opening else None
            if opening and joined is not None:
                out.append(TemporalMatch(opening.start(), b.end, text[opening.start():b.end], joined))
                i += 2
                continue
        if a.date.precision == PRECISION_DAY and a.date.best is not None:
            number = _BETWEEN_DAY_NUMBER.search(text, max(0, a.start - 60), a.start)
            if number is not None and 0 < int(number.group("d")) < a.date.best.day:
                first = a.date.best.replace(day=int(number.group("d")))
                joined = _named_range(first, a.date.best, text[number.start():a.end])
                if joined is not None:
                    out.append(TemporalMatch(number.start(), a.end, text[number.start():a.end], joined))
                    i += 1
                    continue
        out.append(a)
        i += 1
    return tuple(out)


def find_temporal_expressions(text: str, published: date | None, *,
                              allow_future: bool = False) -> list[TemporalMatch]:
    """Every temporal expression in `text`, resolved against `published`, in text order.

    Args:
        text: a sentence or a whole article.
        published: the article's publication date; None resolves only dates with a year.
        allow_future: keep dates that start after publication + 1 day ("next Monday").

    Returns:
        One TemporalMatch per expression (character span into `text`, the words, the resolved
        ParsedDate); expressions that cannot be resolved are left out.
    """
    return list(_find(text, _as_date(published), allow_future))


def resolve_expression(text: str, published: date | None, *,
                       allow_future: bool = False) -> ParsedDate | None:
    """Resolve one expression ("on Thursday", "the night of January 26 to 27") or None.

    When `text` holds several expressions, the first one is resolved.
    """
    found = _find(text, _as_date(published), allow_future)
    return found[0].date if found else None


def governing_expression(text: str, offset: int, published: date | None, *,
                         allow_future: bool = False) -> TemporalMatch | None:
    """The expression that dates the words at `offset`: the one containing it, else the nearest
    one in the same sentence (a preceding one wins a tie), else None.

    Sentences are cut at ". " and line breaks only (an "a.m. " also cuts): give it one sentence
    from the sentence splitter when that matters.
    """
    sentence_start = max(text.rfind(". ", 0, offset), text.rfind("\n", 0, offset)) + 1
    ends = [i for i in (text.find(". ", offset), text.find("\n", offset)) if i >= 0]
    sentence_end = min(ends) + 1 if ends else len(text)
    best: tuple[int, int, TemporalMatch] | None = None
    for match in _find(text, _as_date(published), allow_future):
        if match.start <= offset < match.end:
            return match
        if match.end <= sentence_start or match.start >= sentence_end:
            continue
        distance = offset - match.end if match.end <= offset else match.start - offset
        rank = (distance, 0 if match.end <= offset else 1, match)
        if best is None or rank[:2] < best[:2]:
            best = rank
    return best[2] if best else None


# --- publication dates ------------------------------------------------------------------------

ORIGIN_HEADER = "header"
ORIGIN_BYLINE = "byline"
ORIGIN_DATELINE = "dateline"
ORIGIN_INLINE = "inline"


@dataclass(frozen=True)
class PublicationDate:
    """A publication date found in a text, where it was found and the words it was read from."""

    date: date
    origin: str  # header (a labelled date), byline, dateline or inline (a date alone on a line)
    start: int
    end: int
    text: str


_ABSOLUTE = re.compile(
    rf"(?<!\w)(?:{_WD_LEAD})?(?:"
    r"(?<![\w/.:-])(?P<iy>(?:19|20)\d\d)-(?P<im>0?[1-9]|1[0-2])-(?P<id>0?[1-9]|[12]\d|3[01])(?![\d-])"
    r"|(?<![\w/.:-])(?P<na>0?[1-9]|[12]\d|3[01])(?P<sep>[/.-])(?P<nb>0?[1-9]|[12]\d|3[01])(?P=sep)"
    r"(?P<ny>(?:19|20)\d\d)(?![\d/-])"
    rf"|(?<![\d,.])(?P<da>{_DAY_NUM}){_ORD}?(?:\s+(?i:of))?\s+(?P<ma>{_MONTH}),?\s+(?P<ya>{_YEAR_NUM})"
    rf"|(?P<mb>{_MONTH})\s+(?P<db>{_DAY_NUM}){_ORD}?,?\s+(?P<yb>{_YEAR_NUM}))"
    r"(?P<time>(?:,?\s+(?i:at\s+)?(?:[01]?\d|2[0-3])[:.h][0-5]\d(?::[0-5]\d)?(?:\s*(?i:[ap]\.?m\.?))?)?)")
_PUBLISHED_LABEL = re.compile(
    r"(?i:\b(?:first\s+)?(?:published|posted|date[d]?|issued)\b(?:\s+on)?\s*[:\-–—|]?\s*)$")
_UPDATED_LABEL = re.compile(r"(?i:\b(?:last\s+)?(?:updated|modified|edited)\b(?:\s+on)?\s*[:\-–—|]?\s*)$")
_BYLINE = re.compile(r"(?m)(?:^|\n)\s*(?i:by)\s+[^\n]{1,80}?\s*[-–—|,]\s*$")
_DATELINE_AFTER = re.compile(r"\s*(?:[-–—|]|\((?:AFP|AP|Reuters|UPI|dpa|Xinhua|Anadolu)\))")
_LABELLED_VALUE = re.compile(
    r"(?i:\b(?:first\s+)?(?:published|posted|date[d]?)\b(?:\s+on)?\s*[:\-–—|]?\s*)"
    r"(?P<value>[^\n]{4,40})")
# Ranks: a "Published" label beats a byline, a byline beats a dateline, then "Updated", then a
# date standing alone on a short line.
_RANK = {ORIGIN_HEADER: 0, ORIGIN_BYLINE: 1, ORIGIN_DATELINE: 2, "updated": 3, ORIGIN_INLINE: 4}
_SHORT_LINE = 80


def _absolute_date(m: re.Match[str]) -> date | None:
    try:
        if m.group("iy"):
            found = date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        elif m.group("ny"):
            first, second = int(m.group("na")), int(m.group("nb"))
            day, month = (first, second) if second <= 12 else (second, first)
            found = date(int(m.group("ny")), month, day)
        elif m.group("ya"):
            found = date(int(m.group("ya")), MONTHS[m.group("ma").lower().rstrip(".")], int(m.group("da")))
        else:
            found = date(int(m.group("yb")), MONTHS[m.group("mb").lower().rstrip(".")], int(m.group("db")))
    except ValueError:
        return None
    return found if settings.MIN_YEAR <= found.year <= MAX_YEAR else None


def _origin(text: str, m: re.Match[str]) -> str | None:
    """Where an absolute date sits: after a label, in a byline, in a dateline, alone on a line."""
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start:m.start()]
    if _PUBLISHED_LABEL.search(before[-40:]):
        return ORIGIN_HEADER
    if _BYLINE.search("\n" + before):
        return ORIGIN_BYLINE
    if m.group("time") and (not before.strip() or _DATELINE_AFTER.match(text, m.end())):
        return ORIGIN_DATELINE
    if _DATELINE_AFTER.match(text, m.end()) and "(" in text[m.end():line_end]:
        return ORIGIN_DATELINE
    if _UPDATED_LABEL.search(before[-40:]):
        return "updated"
    if line_end - line_start <= _SHORT_LINE:
        return ORIGIN_INLINE
    return None


@lru_cache(maxsize=1)
def _header_parser(today: date) -> object:
    import dateparser.date  # imported here: only the rare fallback needs it

    # Today is the base only so that a two-digit year ("03/03/24") falls in the past century
    # nearest to now; with the parts required below it never fills in a missing day or month.
    config = dict(settings.dateparser_settings(datetime(today.year, today.month, today.day)))
    # A publication date must be complete: the base date must never fill a part in.
    config.update({"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"]})
    return dateparser.date.DateDataParser(languages=settings.LANGUAGES, settings=config)


def _labelled_fallback(text: str) -> PublicationDate | None:
    """dateparser on the value after a 'Published:' or 'Date:' label, for forms we do not know."""
    for m in _LABELLED_VALUE.finditer(text):
        value = m.group("value").strip()
        if not re.search(r"\d", value) or re.search(r"(?i)\bago\b", value):
            continue
        data = _header_parser(date.today()).get_date_data(value)  # type: ignore[attr-defined]
        found = data.date_obj.date() if data and data.date_obj else None
        if found and settings.MIN_YEAR <= found.year <= MAX_YEAR:
            return PublicationDate(found, ORIGIN_HEADER, m.start("value"), m.end("value"), value)
    return None


def _absolute_dates(text: str) -> list[re.Match[str]]:
    """Every absolute date with a year; the pattern runs only around four-digit years."""
    matches: list[re.Match[str]] = []
    last_end = 0
    for year in _DIGIT_ANCHORS["year"].finditer(text):
        lo = max(last_end, year.start() - 50)
        while lo > last_end and not text[lo - 1].isspace():
            lo -= 1
        m = _ABSOLUTE.search(text, lo, min(len(text), year.end() + 30))
        while m is not None and m.end() <= year.start():
            m = _ABSOLUTE.search(text, m.end(), min(len(text), year.end() + 30))
        if m is not None and m.start() <= year.start():
            matches.append(m)
            last_end = m.end()
    return matches


def find_publication_date(text: str) -> PublicationDate | None:
    """The publication date a text states: a labelled date ("Published: 3 March 2024 14:05",
    "date 2025-04-07"), a byline ("By News Desk - January 27 2023"), a wire dateline
    ("02/02/2023 09:48:03 - Gaza (AFP)", day first) or a date alone on a short line
    ("Monday, 23 October 2023"). Dates inside body sentences are not publication dates."""
    best: tuple[int, int, PublicationDate] | None = None
    for m in _absolute_dates(text):
        found = _absolute_date(m)
        origin = _origin(text, m) if found else None
        if found is None or origin is None:
            continue
        rank = (_RANK[origin], m.start())
        if best is None or rank < best[:2]:
            label = ORIGIN_HEADER if origin == "updated" else origin
            best = (*rank, PublicationDate(found, label, m.start(), m.end(), m.group(0)))
    if best is not None:
        return best[2]
    return _labelled_fallback(text)


def parse_publication_date(text: str) -> date | None:
    """An absolute date with a year ("January 27 2023", "02/02/2023", "2025-04-07"), or None."""
    found = find_publication_date(text)
    return found.date if found else None
