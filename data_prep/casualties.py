"""Casualty figures in a sentence (killed, injured) and who reports them."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

KILLED = "killed"
INJURED = "injured"

_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
# Vague quantities: kept as a minimum ("dozens" is at least 24) and flagged as such.
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "a dozen": 12, "dozen": 12}

_WORD_NUM = r"(?:" + "|".join(sorted((w for w in _UNITS if w not in ("a", "an")), key=len, reverse=True)) + r")"
_NUM = (
    rf"(?<![\w,.-])(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?(?: (?:million|thousand))?"
    rf"|{_WORD_NUM}(?:[- ]{_WORD_NUM})?(?: (?:hundred|thousand))?|dozens|scores|hundreds|thousands|a dozen|an?(?=\s)|another(?=\s+[a-z]))"
)
_QUAL = r"(?:at least|more than|over|some|about|around|nearly|almost|approximately|an estimated|up to|roughly)"
_STOPWORDS = r"(?:and|in|at|on|during|after|when|while|by|from|near|as|of|with|that|who|which|since|for)"
_WORD = r"[A-Za-z0-9'-]*[A-Za-z][A-Za-z0-9'-]*"
# Up to five words of noun ("World Central Kitchen aid workers"), none of them a word that ends a
# noun phrase ("a new raid which left ten dead": the noun cannot run through "which").
_NOUN_END = r"(?:in|at|on|during|after|when|while|by|from|near|as|of|with|that|who|which)"
_NOUN = rf"(?:(?!{_NOUN_END}\b){_WORD} ){{0,5}}?"
_NOUN_AFTER = rf"(?:\s(?!{_STOPWORDS}\b){_WORD}){{0,3}}"
_KILL_WORDS = r"(?:(?:shot|stabbed|beaten|run over|crushed) (?:and killed|dead|to death)|killed|dead|died|martyred|slain|lost their lives|deaths|fatalities|bodies)"
_INJ_WORDS = r"(?:injured|wounded|hurt|injuries|treated for (?:injuries|wounds|shock)|treated)"
_BE = r"(?:(?:were|was|are|is|have been|has been|had been|being|reportedly|allegedly|also|later|left|) ?)*"

# "at least eight people were martyred", "10 Palestinians dead", "27 people were treated for injuries"
# A figure starts at a word ("moreover 5 were killed" has no "over"): the look-behind also lets
# the engine drop a position inside a word at once instead of trying every qualifier there.
_NP_THEN_WORD = re.compile(
    rf"(?<!\w)(?P<qual>{_QUAL} )?(?P<num>{_NUM})\s?(?P<noun>{_NOUN}){_BE}(?P<word>{_KILL_WORDS}|{_INJ_WORDS})\b",
    re.IGNORECASE,
)
# "killed six Israelis and a Ukrainian woman", "wounding 12"
_VERB_THEN_NP = re.compile(
    rf"\b(?P<word>killed|killing|kills|kill|eliminated|eliminating|wounded|wounding|injured|injuring|injures)\s(?:(?:his|her|their|its) )?(?P<qual>{_QUAL} )?"
    rf"(?P<num>{_NUM})(?P<noun>{_NOUN_AFTER})"
    rf"(?P<more>(?:,?\s+and\s+(?:(?:her|his|their|its)\s+)?(?:{_NUM}){_NOUN_AFTER})*)(?=[\s,.;:]|$)",
    re.IGNORECASE,
)
# A match of _NP_THEN_WORD holds only letters, digits, apostrophes, hyphens, white space and the
# "," or "." inside a figure ("1,400", "2.5"), and ends on a casualty word. Searching only the
# stretches of such characters that hold a casualty word finds the same matches for a fraction of
# the work: the full search costs ~1 ms on a long sentence (see benchmarks/bench_prep.py).
# Stems one of which every casualty phrase contains (plain substring tests: far cheaper than a regex).
_CASUALTY_STEMS = ("kill", "dead", "died", "death", "martyr", "slain", "lost their lives", "fatalit", "bod",
                   "injur", "wound", "hurt", "treated", "casualt", "toll", "shot", "stabb", "eliminat")
_CASUALTY_WORD = re.compile(rf"(?:{_KILL_WORDS}|{_INJ_WORDS})\b", re.IGNORECASE)
# Characters no match can hold (the four non-ASCII letters are those [A-Za-z] matches ignoring case).
_NOT_IN_MATCH = re.compile(r"[^A-Za-z\d'\s,.\u0130\u0131\u017f\u212a-]|(?<!\d)[,.]|[,.](?!\d)")
# Characters from the start of a figure ("at least twenty-one") to its casualty word: four words
# of noun and a few of "were reportedly" fit in 60; the longest in our test corpora is 53.
_LONGEST_LEAD = 160
# "shot and killed the assailant", "killing a 13-year-old boy": one person named by a noun.
_PERSON = (r"(?:man|woman|boy|girl|child|teenager|teen|youth|toddler|infant|baby|assailant|attacker|gunman|suspect|"
           r"militant|fighter|soldier|officer|policeman|civilian|resident|farmer|shepherd|herder|journalist|paramedic|"
           r"worker|driver|student|Palestinian|Israeli|settler|person|individual|nurse|doctor|rescuer|volunteer)\b")
_ONE_PERSON = re.compile(
    r"\b(?P<word>killed|killing|shot dead|shooting dead|gunned down|wounded|wounding|injured|injuring)\s+"
    rf"(?:an?|the|one)\s+(?:[\w'-]+\s+){{0,3}}?{_PERSON}",
    re.IGNORECASE,
)
# After an article ("killing a"), the words that make it one person (never "killing a sheep").
_A_PERSON = re.compile(rf"\s*(?:[\w'-]+\s+){{0,3}}?{_PERSON}", re.IGNORECASE)
_ONE_PERSON_HINT = re.compile(r"\b(?:killed|killing|dead|gunned|wounded|wounding|injured|injuring) (?:an?|the|one) ", re.IGNORECASE)
_TOLL = re.compile(
    rf"\bdeath toll (?:\w+ ){{0,3}}?(?:rose|risen|rises|climbed|reached|stands|stood|to|of|at)\s(?:to |at )?(?P<qual>{_QUAL} )?(?P<num>{_NUM})",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"\b(?:no|without) (?P<what>injuries|casualties|deaths|fatalities|one was (?:killed|injured|hurt|wounded)|"
    r"(?:one|body|anyone) (?:was )?(?:killed|injured|hurt|wounded))\b",
    re.IGNORECASE,
)
# An aside between a count and its verb: ", including two girls,", ", among them a nurse,", "(mostly women)".
_APPOSITIVE_HINT = re.compile(r"\b(?:including|among them|among whom|of whom|most of them|mostly|many of them|all of them|"
                              r"half of them|some of them|reportedly including|said to be)\b", re.IGNORECASE)
_APPOSITIVE = re.compile(
    r",\s*(?:(?:reportedly|allegedly|reported to be|said to be|many|most|some|half|all) )?(?:of them )?"
    r"(?:including|among them|among whom|of whom|most of them|mostly|many of them|all of them|half of them|"
    r"some of them|said to be|(?:members|residents|relatives) of)\b[^,;.()]{1,90},"
    r"|\s\((?:including|among them|mostly|most of them|all|of whom)\b[^()]{1,90}\)",
    re.IGNORECASE,
)
# "... 18 and 40 Palestinians, respectively": the marker a few words of noun after the last figure.
_RESPECTIVELY_AFTER = re.compile(r"(?:\s+[A-Za-z'-]+){0,3}[\s,]*respectively\b", re.IGNORECASE)
_ACRONYM = re.compile(r"\s\([A-Z][A-Za-z]{1,7}\)(?=\s)")
# "a woman and her daughter", "two men and a boy": each further person named after "and".
_CONJUNCT = re.compile(r"\band\s+(?:(?:(?:her|his|their|the)\s+)?(?P<num>\d+|" + _WORD_NUM + r")\b|(?:an?|her|his|their|the|one)\b)",
                       re.IGNORECASE)
_NOUN_STOP = re.compile(r"\b(?:in|at|on|during|after|when|while|by|from|near|as|of|with|that|who|which)\b", re.IGNORECASE)

# Who says so: "according to X", "X said/reported", "citing X".
_ACCORDING = re.compile(
    r"\b(?:according to|citing|cited by|reported by|figures from|data from)\s+(?P<who>[^,.;\"“”]{3,80})",
    re.IGNORECASE,
)
_SAID = re.compile(
    r"(?P<who>(?:(?:the|an?|local|Israeli|Palestinian|Gaza's|Israel's|[A-Z][\w]*-based)\s+)*"
    r"(?:[A-Z][\w'’-]*\s+){0,5}?(?:[a-z]+\s+){0,2}?(?:[A-Z][\w'’-]*|media|website|sources|officials|ministry|authorities|services|army|military|hospital|medics|network|agency|channel|office|spokesperson|spokesman))"
    r"\s+(?:also\s+)?(?:said|says|reported|reports|announced|confirmed|stated|told)\b"
)

_SAY_VERB = re.compile(r"(?:said|says|reported|reports|announced|confirmed|stated|told)\b")
# Characters from the start of a claimant ("the Gaza-based health ministry") to its verb: a few
# determiners, five capitalised and two lower-case words; the longest in our test corpora is 35.
_LONGEST_CLAIMANT = 200


@dataclass(frozen=True)
class CasualtyFigure:
    """One figure in a sentence: kind, count, and its span."""

    start: int
    end: int
    kind: str
    count: int
    minimum: bool
    text: str


def parse_number(text: str) -> tuple[int, bool] | None:
    """A count and whether it is vague ("dozens" -> (24, True)); None when not a number."""
    words = text.strip().lower().replace("-", " ")
    if not words:
        return None
    if words in _VAGUE:
        return _VAGUE[words], True
    if words == "another":
        return 1, False  # "another woman was killed"
    digits = words.replace(",", "")
    parts = digits.split()
    try:
        value = float(parts[0])
        scale = _SCALES.get(parts[1], 1) if len(parts) > 1 else 1
        return int(value * scale), False
    except ValueError:
        pass
    total, current = 0, 0
    for word in parts:
        if word in _UNITS:
            current += _UNITS[word]
        elif word in _SCALES:
            current = max(current, 1) * _SCALES[word]
            if _SCALES[word] >= 1000:
                total, current = total + current, 0
        else:
            return None
    total += current
    return (total, False) if total else None


def _kind(word: str) -> str:
    return KILLED if re.fullmatch(_KILL_WORDS + "|kill(?:ed|ing|s)?|eliminat(?:ed|ing)", word, re.IGNORECASE) else INJURED


def _noun_ok(noun: str) -> bool:
    """The words between a number and the casualty word name people, not a place or a time."""
    return not _NOUN_STOP.search(noun or "") and not re.search(r"\b(?<!-)(?:years?|days?|hours?|rockets?|missiles?)\b(?!-)", noun or "", re.I)


def _near_anchors(pattern: re.Pattern[str], anchor: re.Pattern[str], lead: int, text: str,
                  pos: int = 0, end: int | None = None, anchor_end: int | None = None) -> Iterator[re.Match[str]]:
    """The matches of pattern.finditer(text, pos, end), for a pattern whose every match holds a
    match of `anchor` (a casualty word, a reporting verb) at most `lead` characters after its start.

    Each search starts `lead` characters before the next anchor rather than at every word, where
    the pattern's optional words cost the most; searching from the first anchor after the previous
    match keeps finditer's leftmost, non-overlapping matches.
    """
    end = len(text) if end is None else end
    anchor_end = end if anchor_end is None else anchor_end
    while (found := anchor.search(text, pos, anchor_end)) is not None:
        match = pattern.search(text, max(pos, found.start() - lead), end)
        if match is None:
            return
        yield match
        pos = match.end()


def _np_then_word(text: str) -> Iterator[re.Match[str]]:
    """The matches of _NP_THEN_WORD.finditer(text), searched stretch by stretch near casualty words."""
    if not _CASUALTY_WORD.search(text):
        return
    edges = [-1, *(m.start() for m in _NOT_IN_MATCH.finditer(text)), len(text)]
    for before, after in zip(edges, edges[1:]):
        if after - before - 1 < 3:
            continue
        # endpos one past the stretch: the closing \b must see the real next character.
        yield from _near_anchors(_NP_THEN_WORD, _CASUALTY_WORD, _LONGEST_LEAD, text,
                                 before + 1, min(after + 1, len(text)), after)


def respectively_follows(text: str, position: int) -> bool:
    """Whether ", respectively" closes the list that ends at `position` (within a few words)."""
    return _RESPECTIVELY_AFTER.match(text, position) is not None


def _blank_appositives(text: str) -> str:
    """"Nine people, among them four children, were killed": the aside blanked (same length), so the
    head count meets its verb and the aside's own numbers are not read as a second figure."""
    if "(" in text:
        text = _ACRONYM.sub(lambda m: " " * len(m.group()), text)  # "seven World Central Kitchen (WCK) aid workers"
    if "," not in text or not _APPOSITIVE_HINT.search(text):
        return text
    return _APPOSITIVE.sub(lambda m: " " * len(m.group()), text)


def find_casualties(text: str) -> list[CasualtyFigure]:
    """Every casualty figure in `text`, in text order, without overlaps."""
    found: list[CasualtyFigure] = []
    lowered = text.lower()
    if not any(stem in lowered for stem in _CASUALTY_STEMS):
        return found  # most sentences name no casualty: one cheap test spares the figure patterns
    original, text = text, _blank_appositives(text)
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str, count: int, minimum: bool) -> None:
        if any(start < e and s < end for s, e in taken):
            return
        taken.append((start, end))
        found.append(CasualtyFigure(start, end, kind, count, minimum, original[start:end]))

    for match in _VERB_THEN_NP.finditer(text):
        parsed = parse_number(match.group("num"))
        if parsed is None or not _noun_ok(match.group("noun")):
            continue
        if match.group("num").lower() in ("a", "an") and not _A_PERSON.match(text, match.end("num")):
            continue  # "killing a sheep": an article counts only a person
        count, vague = parsed
        kind, minimum = _kind(match.group("word")), vague or bool(match.group("qual"))
        extras = [(m, parse_number(m.group())) for m in re.finditer(_NUM, match.group("more") or "", re.IGNORECASE)]
        if extras and respectively_follows(text, match.end()):
            # "killing 18 and 40 Palestinians, respectively": one figure per incident listed before.
            add(match.start(), match.end("num"), kind, count, minimum)
            for extra, more in extras:
                if more:
                    at = match.start("more") + extra.start()
                    add(at, match.start("more") + extra.end(), kind, more[0], minimum or more[1])
            continue
        for _, more in extras:
            if more:
                count += more[0]
        add(match.start(), match.end(), kind, count, minimum)
    for match in _np_then_word(text):
        parsed = parse_number(match.group("num"))
        if parsed is None or not _noun_ok(match.group("noun")):
            continue
        # "a Palestinian assailant killed six ...": an article before an active verb is a subject.
        if match.group("num").strip().lower() in ("a", "an") and not re.search(
            r"\b(?:was|were|been|is|are)\b", text[match.start(): match.start("word")]
        ):
            continue
        count, vague = parsed
        for more in _CONJUNCT.finditer(match.group("noun") or ""):
            extra = parse_number(more.group("num")) if more.group("num") else (1, False)
            count += extra[0] if extra else 0
        add(match.start("num") if not match.group("qual") else match.start(), match.end(),
            _kind(match.group("word")), count, vague or bool(match.group("qual")))
    if _ONE_PERSON_HINT.search(text):
        for match in _ONE_PERSON.finditer(text):
            word = match.group("word").lower()
            add(match.start(), match.end(), KILLED if word.startswith(("kill", "shot", "shooting", "gunned")) else INJURED,
                1, False)
    for match in _TOLL.finditer(text):
        parsed = parse_number(match.group("num"))
        if parsed:
            add(match.start(), match.end(), KILLED, parsed[0], parsed[1] or bool(match.group("qual")))
    for match in _NONE.finditer(text):
        what = match.group("what").lower()
        kinds = [KILLED, INJURED] if what == "casualties" else [KILLED] if re.search("death|fatal|kill", what) else [INJURED]
        for kind in kinds:
            found.append(CasualtyFigure(match.start(), match.end(), kind, 0, False, match.group()))
    found.sort(key=lambda f: f.start)
    return found


def _clean_claimant(who: str) -> str | None:
    who = re.split(r"\s+(?:that|who|which|said|says|reported)\b", who)[0]
    who = re.sub(r"^(?:the|The)\s+", "", who.strip(" '\""))
    return who or None


def find_claimant(text: str, position: int | None = None) -> str | None:
    """Who `text` attributes the figure at `position` to ("Channel 12", "hospital sources"), or None.

    The nearest attribution before the figure wins ("according to A, one was hurt, but B said
    several were"); failing that, the first one after it.
    """
    where = len(text) if position is None else position
    found: list[tuple[int, str | None]] = []
    for match in _ACCORDING.finditer(text):
        found.append((match.start(), _clean_claimant(match.group("who"))))
    for match in _near_anchors(_SAID, _SAY_VERB, _LONGEST_CLAIMANT, text):
        if match.group("who").split()[-1].lower() in ("it", "he", "she", "they"):
            continue
        found.append((match.start(), _clean_claimant(match.group("who"))))
    before = [item for item in found if item[0] < where and item[1]]
    if before:
        return max(before)[1]
    after = [item for item in found if item[1]]
    return min(after)[1] if after else None
