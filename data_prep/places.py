"""The gazetteer: place names to canonical places, and a fast scanner that finds them in text.

Knowledge lives in `data/gazetteer.csv` (GeoNames extract), `data/gazetteer_supplement.csv`
(hand-kept camps, bases, kibbutzim, neighbourhoods, crossings, regions) and
`data/place_stoplist.txt` (words and phrases never read as a place in running text).

Names are compared through `name_key`, which folds case, accents, apostrophes, hyphens,
Arabic article forms (al-/el-/an-/ash-...), a leading "the" and common transliteration
variants, so "Khan Younis" and "Khan Yunis", "Deir el-Balah" and "Dayr al Balah" meet.
"""
from __future__ import annotations

import csv
import functools
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple, Sequence

from . import settings
from .models import Place

LOGGER = logging.getLogger(__name__)

PLACE_STOPLIST_FILE = settings.DATA_DIR / "place_stoplist.txt"
DEFAULT_PATHS: tuple[Path, ...] = (settings.GAZETTEER_SUPPLEMENT_FILE, settings.GAZETTEER_FILE)

# Columns of both gazetteer files; the supplement adds `source`.
COLUMNS: tuple[str, ...] = (
    "geonameid", "name", "latitude", "longitude", "admin1", "country", "kind",
    "population", "geo_precision", "aliases",
)
ALIAS_SEPARATOR = "|"
CAMP_KIND = "camp"
REGION_KIND = "region"

# Arabic article forms, all read as one token "al" ("Deir el-Balah" = "Dayr al Balah").
_PARTICLES = frozenset({
    "al", "el", "il", "ul", "an", "ar", "as", "ash", "at", "ath", "ad", "adh", "az", "ed", "en",
    "er", "es", "esh", "et", "ez",
})
_ARTICLE = "al"
_THE = "the"
# A word, possibly with inner apostrophes (Be'eri, Khuza'a, Jenin's); hyphens split words.
_TOKEN_RE = re.compile(r"[^\W_]+(?:['’‘`ʼʻ][^\W_]+)*")
_APOSTROPHES = str.maketrans("", "", "'’‘`ʼʻ´")
_POSSESSIVE_RE = re.compile(r"['’]s$", re.IGNORECASE)
# Only spaces or one hyphen may join the words of one name ("Deir al-Balah", "Gaza  City").
_JOIN_RE = re.compile(r"[ \t\u00a0]*-?[ \t\u00a0]*")
_DOUBLE_RE = re.compile(r"([a-z])\1+")
_DIPHTHONG_RE = re.compile(r"a[iy]|e[iy]")
_CONSONANT_Y_RE = re.compile(r"(?<=[b-df-hj-np-tv-z])y")
_VOWELS = frozenset("aeiou")
# Names this short are matched in running text only in their exact written case ("Fiq").
SHORT_NAME_LETTERS = 3
# A one-word village or town smaller than this is read as a place only with a cue beside it
# ("in Beita", "the villages of Burin and Beita", "Beita residents"): many such names are also
# given names or surnames ("Avigdor Lieberman", "Itamar Ben Gvir").
GATE_POPULATION = 10_000
GATED_KINDS = frozenset({"village", "town"})
# Stoplist lines starting with this are given names or surnames that are also places ("Ariel"):
# the place is skipped when written next to another capitalised word ("Ariel Sharon", "Yair Golan").
PERSON_PREFIX = "name:"
_CUE_BEFORE = frozenset({
    "in", "at", "near", "from", "to", "into", "toward", "towards", "of", "outside", "around", "inside",
    "across", "between", "on", "via", "through", "past", "beyond", "raided", "raiding", "stormed",
    "storming", "attacked", "attacking", "targeted", "targeting", "struck", "striking", "hit", "hitting",
    "shelled", "shelling", "bombed", "bombing", "invaded", "besieged", "entered", "entering",
    "surrounded", "bombarded", "pounded", "reached", "village", "town", "kibbutz", "moshav",
    "settlement", "city",
})
_CUE_AFTER = frozenset({
    "village", "town", "settlement", "outpost", "kibbutz", "moshav", "camp", "area", "junction",
    "checkpoint", "crossing", "municipality", "council", "governorate", "district", "residents",
    "resident", "villagers", "road", "outskirts",
})
_LIST_WORDS = frozenset({"and", "or"})
# Capitalised only because they start a sentence: "In Golan" is a place, "Yair Golan" a person.
_SENTENCE_STARTERS = _CUE_BEFORE | _LIST_WORDS | frozenset({
    "the", "a", "an", "but", "while", "when", "after", "before", "as", "since", "during", "meanwhile",
    "however", "also", "then", "so", "yet", "if", "although", "though", "with", "without", "for", "by",
    "under", "over", "about", "against", "among", "amid", "until", "upon", "within", "where", "what",
    "which", "who", "this", "that", "these", "those", "both", "all", "some", "many", "most", "several",
    "each", "every", "no", "not", "only", "even", "still", "now", "today", "yesterday", "later",
    "earlier", "here", "there", "once", "like", "unlike", "despite", "following", "according",
})
# A place the gazetteer lacks, named with what it is: "Kafr Ni'ma village", "village of Kisan",
# "Khashem ad Daraj herding community", then where it lies: "(Hebron)", "in Ramallah".
_UNLISTED_HINT = re.compile(r"\b(?:village|community|hamlet|locality)\b")
_PLACE_NAME = r"[A-Z][\w'’]+(?:[ -](?:(?:al|el|ad|an|as|ash|at|az|ar|adh|ed|en|es|abu|bani|bin|umm)[ -])?[A-Z][\w'’]+){0,3}"
_UNLISTED = re.compile(
    rf"(?P<name_after>{_PLACE_NAME})\s+(?:(?:herding|Bedouin|Palestinian|farming|shepherding) )?(?:village|community|hamlet)\b"
    rf"|\b(?:village|community|hamlet|locality) of (?:the )?(?P<name_before>{_PLACE_NAME})"
)
_UNLISTED_REACH = 90  # characters a name with its descriptor can take around the cue word
_PARENT = re.compile(r"\s*(?:\((?P<parent>[A-Z][\w' -]{2,30})\)|,?\s+(?:in|near)\s+(?:the\s+)?(?P<parent2>[A-Z][\w'-]{2,30}))")
# Last words that make a capitalised phrase no place name ("the Palestinian Bedouin community").
_NOT_A_NAME = frozenset({"palestinian", "bedouin", "israeli", "international", "humanitarian", "local"})
_SENTENCE_BREAK = frozenset(".!?:;\"“”‘’'()[]\n")


class GazetteerError(ValueError):
    """A gazetteer file is missing, malformed or contradicts another."""


@dataclass(frozen=True)
class PlaceMatch:
    """A place name found in a text: character span, the words as written, and the place."""

    start: int
    end: int
    text: str
    place: Place


@dataclass(frozen=True)
class GazetteerEntry:
    """One gazetteer row: the place plus what the table does not carry (ids, population, aliases)."""

    place: Place
    geonameid: int | None
    population: int | None
    aliases: tuple[str, ...]
    source: str  # file name the row came from


class _Token(NamedTuple):
    start: int
    end: int  # end of the word without a possessive 's
    key: str
    raw: str
    possessive: bool


@dataclass(frozen=True)
class _ScanEntry:
    """What a word sequence means when scanning: a place (or None: a blocked phrase) and case rules."""

    place: Place | None
    proper_index: int = 0  # which word must be capitalised in the text
    exact: tuple[tuple[str, ...], ...] | None = None  # spellings a short name must match exactly
    gated: bool = False  # a small one-word place: needs a cue ("in", "village of") beside it
    person: bool = False  # also a given name or surname: not when next to a capitalised word


def strip_accents(text: str) -> str:
    """'Khān Yūnis' -> 'Khan Yunis' (combining marks removed, letters kept)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@functools.lru_cache(maxsize=65536)
def fold_word(word: str) -> str:
    """One word to its comparison form: lower case, no accents or apostrophes, variants folded.

    Transliteration variants meet: ou/oo -> u, doubled letters once, q -> k, ai/ay/ei/ey -> e,
    iy -> i, y after a consonant -> i, a final h after a vowel dropped ("Rafah" = "Rafa"),
    and every Arabic article form -> "al".
    """
    # Most words are plain ASCII: no accents to strip, and lower() is casefold() there.
    w = word.lower() if word.isascii() else strip_accents(word).casefold()
    w = w.translate(_APOSTROPHES)
    if w in _PARTICLES:
        return _ARTICLE
    w = w.replace("ou", "u").replace("oo", "u")
    w = _DOUBLE_RE.sub(r"\1", w)
    w = w.replace("q", "k")
    w = _DIPHTHONG_RE.sub("e", w)
    w = w.replace("iy", "i")
    if "y" in w:
        w = _CONSONANT_Y_RE.sub("i", w)
    w = _DOUBLE_RE.sub(r"\1", w)
    if len(w) > 3 and w.endswith("h") and w[-2] in _VOWELS:
        w = w[:-1]
    if len(w) > 3 and w.endswith("e") and w[-2] not in _VOWELS:
        w = w[:-1] + "a"  # the final -eh/-e of a Levantine spelling is the -a of another ("Shuja'iyyeh")
    return w


@functools.lru_cache(maxsize=65536)
def _word_of(raw: str) -> tuple[str, str, bool]:
    """A token as written -> (its comparison key, the word without a possessive 's, possessive)."""
    possessive = bool(_POSSESSIVE_RE.search(raw)) and len(raw) > 3
    word = raw[:-2] if possessive else raw
    return fold_word(word), word, possessive


@functools.lru_cache(maxsize=65536)
def _key_of(raw: str) -> str:
    return _word_of(raw)[0]


def _token(match: re.Match[str]) -> _Token:
    key, word, possessive = _word_of(match.group())
    start = match.start()
    return _Token(start, start + len(word), key, word, possessive)


def _tokens(text: str) -> list[_Token]:
    return [_token(m) for m in _TOKEN_RE.finditer(text)]


class _LazyTokens(Sequence[_Token]):
    """The words of a running text for the scan: every word's key at once (the scan looks each up),
    the whole token only for the few words around a candidate name (~70 of ~500 in an article)."""

    __slots__ = ("_matches", "keys", "_built")

    def __init__(self, text: str):
        self._matches = list(_TOKEN_RE.finditer(text))
        self.keys = list(map(_key_of, map(re.Match.group, self._matches)))  # C loops: ~500 words
        self._built: dict[int, _Token] = {}

    def __len__(self) -> int:
        return len(self._matches)

    def __getitem__(self, i: int) -> _Token:  # type: ignore[override]  # no slices needed
        token = self._built.get(i)
        if token is None:
            token = self._built[i] = _token(self._matches[i])
        return token


def _keys_and_words(name: str) -> tuple[list[str], list[str]]:
    tokens = _tokens(name)
    return [t.key for t in tokens], [t.raw for t in tokens]


def _trim(keys: list[str], words: list[str], stop: frozenset[tuple[str, ...]] = frozenset()
          ) -> tuple[list[str], list[str]]:
    """Drop a leading "the" and a leading article, unless what is left is stoplisted or too short."""
    if keys and keys[0] == _THE and len(keys) > 1:
        keys, words = keys[1:], words[1:]
    if len(keys) > 1 and keys[0] == _ARTICLE:
        rest = tuple(keys[1:])
        if rest not in stop and sum(len(k) for k in rest) > SHORT_NAME_LETTERS:
            keys, words = keys[1:], words[1:]
    return keys, words


def name_key(name: str) -> str:
    """The comparison form of a whole name: 'the al-Maghazi Camp' -> 'magazi camp'.

    >>> name_key("Khan Younis") == name_key("Khān Yūnis")
    True
    """
    keys, _ = _trim(*_keys_and_words(name))
    return " ".join(keys)


def _float(value: str, column: str, where: str) -> float | None:
    if value.strip() == "":
        return None
    try:
        return float(value)
    except ValueError:
        raise GazetteerError(f"{where}: {column} is not a number: {value!r}") from None


def _int(value: str, column: str, where: str) -> int | None:
    if value.strip() == "":
        return None
    try:
        return int(value)
    except ValueError:
        raise GazetteerError(f"{where}: {column} is not a whole number: {value!r}") from None


def _entry(row: dict[str, str], where: str, source: str) -> GazetteerEntry:
    name = (row.get("name") or "").strip()
    if not name:
        raise GazetteerError(f"{where}: empty name")
    lat = _float(row.get("latitude") or "", "latitude", where)
    lon = _float(row.get("longitude") or "", "longitude", where)
    if (lat is None) != (lon is None):
        raise GazetteerError(f"{where}: {name}: latitude and longitude must both be given or both be empty")
    if lat is not None and not -90 <= lat <= 90 or lon is not None and not -180 <= lon <= 180:
        raise GazetteerError(f"{where}: {name}: coordinates out of range: {lat}, {lon}")
    precision = _int(row.get("geo_precision") or "", "geo_precision", where) or 1
    if precision not in (1, 2, 3):
        raise GazetteerError(f"{where}: {name}: geo_precision must be 1, 2 or 3, not {precision}")
    place = Place(
        name=name,
        admin1=(row.get("admin1") or "").strip() or None,
        country=(row.get("country") or "").strip() or None,
        latitude=lat,
        longitude=lon,
        geo_precision=precision,
        kind=(row.get("kind") or "").strip() or "place",
    )
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split(ALIAS_SEPARATOR) if a.strip())
    return GazetteerEntry(place, _int(row.get("geonameid") or "", "geonameid", where),
                          _int(row.get("population") or "", "population", where), aliases, source)


def read_gazetteer_file(path: Path) -> list[GazetteerEntry]:
    """Rows of one gazetteer CSV as entries; raises GazetteerError on a malformed file."""
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        raise GazetteerError(f"cannot read gazetteer file {path}: {exc.strerror}") from None
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise GazetteerError(f"{path.name}: missing columns: {', '.join(missing)}")
        return [_entry(row, f"{path.name} line {reader.line_num}", path.name) for row in reader]


def read_stoplist(path: Path) -> list[str]:
    """Lines of the stoplist file, without comments and blanks."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GazetteerError(f"cannot read place stoplist {path}: {exc.strerror}") from None
    return [line.split("#", 1)[0].strip() for line in lines if line.split("#", 1)[0].strip()]


def camp_variants(name: str) -> list[str]:
    """'Jenin camp' -> the ways news names it: Jenin refugee camp, camp of Jenin, ..."""
    words = name.split()
    if len(words) < 2 or words[-1].lower() != "camp":
        return []
    base = " ".join(words[:-1])
    return [f"{base} refugee camp", f"camp of {base}", f"refugee camp of {base}", f"{base} Camp"]


class Gazetteer:
    """Canonical places with their aliases; `lookup` for one name, `find_places` for running text."""

    def __init__(self, entries: Sequence[GazetteerEntry], stoplist: Iterable[str] = ()):
        self._entries: dict[str, GazetteerEntry] = {}
        for entry in entries:
            if entry.place.name in self._entries:
                first = self._entries[entry.place.name].source
                raise GazetteerError(
                    f"duplicate place name {entry.place.name!r} in {first} and {entry.source}")
            self._entries[entry.place.name] = entry
        stop_keys, person_keys = [], []
        for line in stoplist:
            target = person_keys if line.startswith(PERSON_PREFIX) else stop_keys
            words = line[len(PERSON_PREFIX):] if line.startswith(PERSON_PREFIX) else line
            target.append(tuple(_trim(*_keys_and_words(words))[0]))
        self._stop: frozenset[tuple[str, ...]] = frozenset(k for k in stop_keys if k)
        self._persons: frozenset[tuple[str, ...]] = frozenset(k for k in person_keys if k)
        # One name shared by several places goes to: a canonical name before an alias, then the
        # earlier file (the hand-kept supplement first), then the larger population.
        file_rank: dict[str, int] = {}
        for entry in entries:
            file_rank.setdefault(entry.source, len(file_rank))
        ranked: dict[tuple[str, ...], tuple[tuple[int, int, int, int], GazetteerEntry]] = {}
        # Every spelling of one place that folds to one key: the most lenient decides the case rule.
        spellings: dict[tuple[tuple[str, ...], str], list[list[str]]] = {}
        by_key: dict[str, tuple[tuple[int, int, int, int], Place]] = {}
        for order, entry in enumerate(entries):
            names = [(0, entry.place.name)] + [(1, a) for a in entry.aliases]
            if entry.place.kind == CAMP_KIND:
                names += [(1, v) for v in camp_variants(entry.place.name)]
            for priority, name in names:
                rank = (priority, file_rank[entry.source], -(entry.population or 0), order)
                all_keys, all_words = _keys_and_words(name)
                plain = " ".join(_trim(all_keys, all_words)[0])  # name_key(name), from the same words
                if plain and (plain not in by_key or rank < by_key[plain][0]):
                    by_key[plain] = (rank, entry.place)
                keys, words = _trim(all_keys, all_words, self._stop)
                key = tuple(keys)
                if not key:
                    continue
                spellings.setdefault((key, entry.place.name), []).append(words)
                if key not in ranked or rank < ranked[key][0]:
                    ranked[key] = (rank, entry)
        # For `lookup`: every name and alias; for scanning: those allowed in running text.
        self._by_key: dict[str, Place] = {k: v[1] for k, v in by_key.items()}
        self._trie: dict = {}
        for key, (_, entry) in ranked.items():
            scan = self._scan_entry(key, spellings[(key, entry.place.name)], entry)
            if scan is not None:
                self._insert(key, scan)
        for key in self._stop:
            self._insert(key, _ScanEntry(None))
        LOGGER.debug("gazetteer: %d places, %d names", len(self._entries), len(self._by_key))

    def _scan_entry(self, key: tuple[str, ...], spellings: list[list[str]], entry: GazetteerEntry
                    ) -> _ScanEntry | None:
        place = entry.place
        propers = [next((i for i, (k, w) in enumerate(zip(key, words)) if k != _ARTICLE and w[:1].isupper()), None)
                   for words in spellings]
        if all(p is None for p in propers):
            return None  # an all-lower-case alias would fire on ordinary words
        # "central Gaza Strip" and "Central Gaza Strip": the word that must be capitalised is "Gaza".
        proper = max(p for p in propers if p is not None)
        exact = None
        if sum(len(k) for k in key) <= SHORT_NAME_LETTERS:
            exact = tuple(tuple(strip_accents(w) for w in words) for words in spellings)
        gated = len(key) == 1 and place.kind in GATED_KINDS and (entry.population or 0) < GATE_POPULATION
        return _ScanEntry(place, proper, exact, gated, key in self._persons)

    def _insert(self, key: tuple[str, ...], scan: _ScanEntry) -> None:
        node = self._trie
        for word in key:
            node = node.setdefault(word, {})
        node[""] = scan

    # --- public API -------------------------------------------------------------------------
    @classmethod
    def load(cls, paths: Sequence[Path] | None = None, stoplist: Path | None = None) -> "Gazetteer":
        """The gazetteer from its files (cached: one parse per set of paths).

        Args:
            paths: gazetteer CSVs, earlier files first in rank on equal names (default: supplement,
                then the GeoNames extract).
            stoplist: words and phrases never read as places in running text.
        Returns:
            A Gazetteer. Raises GazetteerError on a missing or malformed file.
        """
        files = tuple(Path(p).resolve() for p in (paths if paths is not None else DEFAULT_PATHS))
        return _load_cached(files, Path(stoplist or PLACE_STOPLIST_FILE).resolve())

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Place]:
        return (e.place for e in self._entries.values())

    def entry(self, name: str) -> GazetteerEntry | None:
        """The full row of a place by its canonical name, or None."""
        return self._entries.get(name)

    def lookup(self, name: str) -> Place | None:
        """The place a name or alias means ('Khan Younis', 'the Gaza Strip', 'Jenin camp'), or None.

        Stoplisted words still resolve here: the caller asked for this name on purpose.
        """
        if not name or not name.strip():
            return None
        return self._by_key.get(name_key(name))

    def find_places(self, text: str) -> list[PlaceMatch]:
        """Every place named in `text`, left to right, longest name first, no overlaps.

        A match needs its proper-name word capitalised as written ("Gaza", not "gaza"); names of
        three letters or fewer match only in their exact case; stoplisted words and phrases
        ("Or", "Israel Katz", "Al-Quds Brigades") are skipped.
        """
        tokens = _LazyTokens(text)
        keys = tokens.keys
        trie = self._trie
        found: list[PlaceMatch] = []
        n = len(tokens)
        resume = 0  # the word after the last place found: no overlaps
        previous_last = -2  # last word of the previous place found
        # A token folded to nothing (a lone "ʻ") is no word: its "" key is the trie's end marker.
        for i in [i for i, key in enumerate(keys) if key and key in trie]:
            if i < resume:
                continue
            node = trie[keys[i]]
            best: tuple[int, _ScanEntry] | None = None
            j = i
            while True:
                scan = node.get("")
                if scan is not None and _accepts(scan, tokens, i):
                    best = (j, scan)
                if j + 1 >= n or not keys[j + 1]:
                    break
                following = node.get(keys[j + 1])  # the dictionary first: most walks end here
                if following is None or not _JOIN_RE.fullmatch(
                        text, tokens[j].end + (2 if tokens[j].possessive else 0), tokens[j + 1].start):
                    break
                node = following
                j += 1
            if best is None:
                continue
            last, scan = best
            if scan.place is not None and (scan.gated or scan.person) and (
                    _beside_name(text, tokens, i, last)
                    or scan.gated and not _cued(text, tokens, i, last, previous_last)):
                continue
            if scan.place is not None:
                start = tokens[i].start
                if i > 0 and keys[i - 1] == _ARTICLE and _joined_article(text, tokens[i - 1], tokens[i]):
                    start = tokens[i - 1].start
                end = tokens[last].end
                found.append(PlaceMatch(start, end, text[start:end], scan.place))
                previous_last = last
            resume = last + 1
        return self._with_unlisted(text, found) if _UNLISTED_HINT.search(text) else found

    def _with_unlisted(self, text: str, found: list[PlaceMatch]) -> list[PlaceMatch]:
        """Add the small places the gazetteer lacks, named with what they are: "Kafr Ni'ma village in
        Ramallah", "the community of Kokhav Hashahar", "Khashem ad Daraj herding community (Hebron)".

        Such a place is coded by its own name, at the coordinates of the place its text puts it in
        (geo_precision 2), or with none; a listed name inside it ("Daraj") is not a match of its own.
        """
        added: list[PlaceMatch] = []
        for match in _unlisted_matches(text):
            name = match.group("name_after") or match.group("name_before")
            start = match.start("name_after") if match.group("name_after") else match.start("name_before")
            words = name.split()
            while words and words[0].lower() in _SENTENCE_STARTERS:
                start += len(words[0]) + 1
                words = words[1:]
            while words and words[-1].lower() in _NOT_A_NAME:
                words = words[:-1]
            name = " ".join(words)
            if not name or self.lookup(name) is not None:
                continue
            end = start + len(name)
            parent_match = _PARENT.match(text, match.end())
            parent = self.lookup(parent_match.group("parent") or parent_match.group("parent2")) if parent_match else None
            if parent is None:
                inside = [m for m in found if m.start >= end and m.start - end <= 30]
                parent = inside[0].place if inside and inside[0].place.kind != REGION_KIND else None
            place = Place(name=name, admin1=parent.admin1 if parent else None, country=parent.country if parent else None,
                          latitude=parent.latitude if parent else None, longitude=parent.longitude if parent else None,
                          geo_precision=2, kind="village")
            added.append(PlaceMatch(start, end, text[start:end], place))
        if not added:
            return found
        kept = [m for m in found if not any(a.start <= m.start and m.end <= a.end for a in added)]
        return sorted(kept + added, key=lambda m: m.start)


def _unlisted_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of _UNLISTED, searched only around its cue words (a search from every
    capitalised word of a long text costs more than the whole gazetteer scan)."""
    after = 0
    for cue in _UNLISTED_HINT.finditer(text):
        if cue.start() < after:
            continue
        match = _UNLISTED.search(text, max(after, cue.start() - _UNLISTED_REACH), cue.end() + _UNLISTED_REACH)
        if match is not None and match.start() <= cue.start() < match.end() + 8:
            after = match.end()
            yield match


def _accepts(scan: _ScanEntry, tokens: Sequence[_Token], i: int) -> bool:
    if scan.place is None:
        return True
    if not tokens[i + scan.proper_index].raw[:1].isupper():
        return False
    if scan.exact is not None:
        return any(all(strip_accents(tokens[i + k].raw) == w for k, w in enumerate(words)) for words in scan.exact)
    return True


def _before(text: str, tokens: Sequence[_Token], i: int) -> int:
    """Index of the word before word i, looking past an attached article ("Muhammad al-Durrah")."""
    k = i - 1
    if k >= 0 and tokens[k].key == _ARTICLE and text[tokens[k].end:tokens[i].start] == "-":
        k -= 1
    return k


def _sentence_initial(text: str, pos: int) -> bool:
    before = text[:pos].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_BREAK


def _beside_name(text: str, tokens: Sequence[_Token], i: int, last: int) -> bool:
    """A capitalised word right before or after: part of a person's name ("Itamar Ben Gvir")."""
    after = last + 1
    if after < len(tokens) and text[tokens[last].end:tokens[after].start] == " " \
            and tokens[after].raw[:1].isupper() and tokens[after].raw.lower() not in _CUE_AFTER:
        return True
    k = _before(text, tokens, i)
    if k < 0 or text[tokens[k].end:tokens[k + 1].start] != " " or not tokens[k].raw[:1].isupper():
        return False
    word = tokens[k].raw.lower()
    if word in _CUE_BEFORE:
        return False
    return not (_sentence_initial(text, tokens[k].start) and word in _SENTENCE_STARTERS)


def _cued(text: str, tokens: Sequence[_Token], i: int, last: int, previous_last: int) -> bool:
    """A word that makes a small place's name a place: "in Beita", "Beita village", "Huwara and Beita"."""
    after = last + 1
    if after < len(tokens) and tokens[after].raw.lower() in _CUE_AFTER:
        return True
    k = _before(text, tokens, i)
    if k < 0:
        return False
    word = tokens[k].raw.lower()
    if word in _CUE_BEFORE:
        return True
    if word in _LIST_WORDS and previous_last == k - 1:
        return True
    return previous_last == k and "," in text[tokens[k].end:tokens[k + 1].start]


def _joined_article(text: str, article: _Token, word: _Token) -> bool:
    """'al-Maghazi', 'el Bireh': an article that belongs to the name that follows it."""
    gap = text[article.end:word.start]
    return gap == "-" or (gap == " " and article.raw.lower() in {"al", "el"})


@functools.lru_cache(maxsize=8)
def _load_cached(files: tuple[Path, ...], stoplist: Path) -> Gazetteer:
    entries: list[GazetteerEntry] = []
    for path in files:
        entries.extend(read_gazetteer_file(path))
    return Gazetteer(entries, read_stoplist(stoplist) if stoplist.exists() else ())
