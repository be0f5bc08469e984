"""The actor dictionary: names in the news to canonical actors, and a fast scanner for running text.

Knowledge lives in `data/actors.yaml`. Aliases match whatever their case, with spaces and
hyphens interchangeable and apostrophes optional; acronyms ("IDF", "PA", "UN") match only as
written. All names compile into one regular expression shaped as a word trie, so the longest
name wins at each position and a sentence is scanned in one pass.
"""
from __future__ import annotations

import bisect
import functools
import itertools
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml

from . import settings, yaml_files
from .word_starts import literal_trie, prefixes
from .models import Actor
from .places import strip_accents

LOGGER = logging.getLogger(__name__)

INTER_CODES: dict[int, str] = {
    1: "State forces", 2: "Rebel groups", 3: "Political militias", 4: "Identity militias",
    5: "Rioters", 6: "Protesters", 7: "Civilians", 8: "External/Other forces",
}
# Arabic article forms are one word to the matcher: "Izz ad-Din" = "Izz al-Din" = "Izz el-Din".
_ARTICLES = ("al", "el", "ad", "ed", "ud", "an", "ar", "as", "ash", "at", "az", "ez")
_ARTICLE_RE = "(?:" + "|".join(sorted(_ARTICLES, key=len, reverse=True)) + ")"
_APOSTROPHE_CHARS = "'’‘`ʼ"
_WORD_RE = re.compile(r"[^\W_]+")
_SEPARATOR = r"[\s\-]+"
# "Hamas's", "Hamas'", "Hamas’": one atom after the word, so the longer name is tried first.
_POSSESSIVE = f"[{_APOSTROPHE_CHARS}]s?"
_POSSESSIVE_RE = re.compile(f"[{_APOSTROPHE_CHARS}]s?$", re.IGNORECASE)
_POSSESSIVE_IN_TEXT_RE = re.compile(f"[{_APOSTROPHE_CHARS}]s\\b|[{_APOSTROPHE_CHARS}](?=\\s|$)", re.IGNORECASE)
_END = ""  # trie key marking the end of a name


class ActorDictionaryError(ValueError):
    """The actor file is missing, malformed or contradicts itself."""


@dataclass(frozen=True)
class ActorMatch:
    """An actor named in a text: character span, the words as written, and the canonical actor."""

    start: int
    end: int
    text: str
    actor: Actor


@dataclass(frozen=True)
class ActorEntry:
    """One actor as the file describes it."""

    actor: Actor
    aliases: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    match_name: bool = True


@functools.lru_cache(maxsize=16384)  # the same few dozen spellings recur in every article
def alias_key(name: str) -> str:
    """Comparison form of a name: lower case, no accents or apostrophes, articles as 'al'.

    >>> alias_key("Izz ad-Din al-Qassam Brigades") == alias_key("izz al din Al Qassam brigades")
    True
    """
    text = _POSSESSIVE_IN_TEXT_RE.sub("", strip_accents(name))
    for ch in _APOSTROPHE_CHARS:
        text = text.replace(ch, "")
    words = [w.casefold() for w in _WORD_RE.findall(text)]
    return " ".join("al" if w in _ARTICLES else w for w in words)


def _word_pattern(word: str) -> str:
    """One word as a regex: apostrophes optional and of any kind, an article of any form."""
    bare = word
    for ch in _APOSTROPHE_CHARS:
        bare = bare.replace(ch, "'")
    if bare.casefold() in _ARTICLES:
        return _ARTICLE_RE
    parts = [re.escape(p) for p in bare.split("'")]
    return f"[{_APOSTROPHE_CHARS}]?".join(parts)


def _atoms(name: str) -> list[str]:
    """A name as regex atoms: words and the separators between them ("U.S." keeps its dots)."""
    words = [w for w in re.split(r"[\s\-]+", name.strip()) if w]
    atoms: list[str] = []
    for i, word in enumerate(words):
        if i:
            atoms.append(_SEPARATOR)
        possessive = _POSSESSIVE_RE.search(word)
        if possessive and possessive.start() > 0:
            atoms += [_word_pattern(word[: possessive.start()]), _POSSESSIVE]
        else:
            atoms.append(_word_pattern(word))
    return atoms


def _trie_regex(names: Iterable[str], fold_case: bool = False) -> str:
    """Alternation of names as a trie: shared prefixes once, longer continuations tried first.

    With `fold_case` ("Civilians" and "civilians" are one branch) the caller compiles it
    case-insensitively.
    """
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for atom in _atoms(name.casefold() if fold_case else name):
            node = node.setdefault(atom, {})
        node[_END] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [atom + emit(child) for atom, child in sorted(node.items()) if atom != _END]
        if not branches:
            return ""
        body = "|".join(branches)
        if _END in node:
            return f"(?:{body})?"
        return body if len(branches) == 1 else f"(?:{body})"

    if _END in trie or len(trie) < 2:
        return emit(trie)
    return "(?:" + _dispatch([atom + emit(child) for atom, child in sorted(trie.items())]) + ")"


def _dispatch(branches: list[str]) -> str:
    """The branches, with each run that opens with the same plain character behind a look-ahead
    for it, and the runs behind a binary tree of look-aheads for character sets.

    At a word start the engine then tests a few characters instead of trying every first word of
    the dictionary in turn; the order and the matches are the same, since the look-aheads test the
    character the branches begin with and runs for different characters exclude each other.
    """
    out: list[str] = []
    runs: list[tuple[str, list[str]]] = []
    for first, run in itertools.groupby(branches, key=lambda b: b[0] if b[:1].isalnum() else None):
        group = list(run)
        if first is None:
            # A branch that opens with a group (the Arabic article forms) keeps its place: the
            # runs after it come after it; a look-ahead for its first letters spares the others.
            if runs:
                out.append(_run_tree(runs))
                runs = []
            out.extend(_guarded(branch) for branch in group)
        else:
            runs.append((first, group))
    if runs:
        out.append(_run_tree(runs))
    return "|".join(out)


def _guarded(branch: str) -> str:
    letters = prefixes(branch, length=1)
    if not letters or not all(len(x) == 1 and x.isalnum() for x in letters):
        return branch
    return f"(?=[{''.join(sorted(re.escape(x) for x in letters))}]){branch}"


def _run_tree(runs: list[tuple[str, list[str]]]) -> str:
    if len(runs) <= 3:
        return "|".join(group[0] if len(group) == 1 else f"(?={re.escape(first)})(?:{'|'.join(group)})"
                        for first, group in runs)
    middle = len(runs) // 2
    left = "".join(re.escape(first) for first, _ in runs[:middle])
    return f"(?=[{left}])(?:{_run_tree(runs[:middle])})|{_run_tree(runs[middle:])}"


class ActorDictionary:
    """Canonical actors; `get` for one name, `find_actors` for running text."""

    def __init__(self, entries: Sequence[ActorEntry], not_actors: Sequence[str] = ()):
        self._entries: dict[str, ActorEntry] = {}
        for entry in entries:
            if entry.actor.name in self._entries:
                raise ActorDictionaryError(f"duplicate actor name: {entry.actor.name!r}")
            self._entries[entry.actor.name] = entry
        for entry in entries:
            parent = entry.actor.parent
            if parent is not None and parent not in self._entries:
                raise ActorDictionaryError(f"{entry.actor.name}: unknown parent {parent!r}")
        self._by_key: dict[str, Actor] = {}
        self._by_acronym: dict[str, Actor] = {}
        loose: list[str] = []
        for entry in entries:
            names = list(entry.aliases) + ([entry.actor.name] if entry.match_name else [])
            for name in names:
                self._claim(alias_key(name), entry.actor, name)
                loose.append(name)
            if not entry.match_name:  # still resolvable by `get`
                self._by_key.setdefault(alias_key(entry.actor.name), entry.actor)
            for acronym in entry.acronyms:
                owner = self._by_acronym.get(acronym)
                if owner is not None and owner != entry.actor:
                    raise ActorDictionaryError(f"acronym {acronym!r} belongs to both {owner.name} and {entry.actor.name}")
                self._by_acronym[acronym] = entry.actor
        self._blocked = frozenset(alias_key(n) for n in not_actors)
        loose += list(not_actors)
        insensitive = _trie_regex(loose, fold_case=True)
        sensitive = _trie_regex(self._by_acronym)
        alternatives = [f"(?i:{insensitive})"] + ([f"(?:{sensitive})"] if sensitive else [])
        self._regex = re.compile(r"(?<![\w\-])(?:" + "|".join(alternatives) + r")(?![\w])")
        LOGGER.debug("actor dictionary: %d actors, %d names", len(self._entries), len(self._by_key))

    def _claim(self, key: str, actor: Actor, name: str) -> None:
        if not key:
            raise ActorDictionaryError(f"{actor.name}: empty alias")
        owner = self._by_key.get(key)
        if owner is not None and owner != actor:
            raise ActorDictionaryError(f"alias {name!r} belongs to both {owner.name} and {actor.name}")
        self._by_key[key] = actor

    # --- public API -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> "ActorDictionary":
        """The dictionary from `actors.yaml` (cached: one parse per path).

        Raises ActorDictionaryError on a missing or malformed file.
        """
        return _load_cached(Path(path or settings.ACTORS_FILE).resolve())

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, name: str) -> Actor | None:
        """The actor a canonical name, alias or acronym means ('IDF', 'Israeli forces'), or None."""
        if not name:
            return None
        if name in self._by_acronym:
            return self._by_acronym[name]
        return self._by_key.get(alias_key(name))

    def entry(self, name: str) -> ActorEntry | None:
        """The full entry (aliases, acronyms) of an actor by its canonical name."""
        return self._entries.get(name)

    def parent_of(self, name: str) -> str | None:
        """Canonical name of the organisation an actor belongs to ('Al-Qassam Brigades' -> 'Hamas')."""
        actor = self.get(name)
        return actor.parent if actor else None

    def canonical_names(self) -> tuple[str, ...]:
        """Every canonical actor name, sorted (for pick lists)."""
        return tuple(sorted(self._entries, key=str.casefold))

    def find_actors(self, text: str) -> list[ActorMatch]:
        """Every actor named in `text`, left to right, longest name first, no overlaps."""
        found: list[ActorMatch] = []
        for m in self._regex.finditer(text):
            written = m.group()
            actor = self._by_acronym.get(written)
            if actor is None:
                key = alias_key(written)
                if key in self._blocked:
                    continue
                actor = self._by_key.get(key)
            if actor is not None:
                found.append(ActorMatch(m.start(), m.end(), written, actor))
        return found


def _text(value: Any, where: str, field_name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ActorDictionaryError(f"{where}: {field_name} must be a non-empty text")
    return value.strip()


def _texts(value: Any, where: str, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ActorDictionaryError(f"{where}: {field_name} must be a list")
    return tuple(_text(v, where, field_name) for v in value)


def parse_actors(data: Any, source: str = "actors.yaml") -> ActorDictionary:
    """An ActorDictionary from the parsed YAML document."""
    if not isinstance(data, dict) or not isinstance(data.get("actors"), list):
        raise ActorDictionaryError(f"{source}: expected a mapping with an 'actors' list")
    entries = []
    for i, raw in enumerate(data["actors"], 1):
        where = f"{source}: actor {i}"
        if not isinstance(raw, dict):
            raise ActorDictionaryError(f"{where}: expected a mapping")
        name = _text(raw.get("name"), where, "name")
        where = f"{source}: {name}"
        inter = raw.get("inter")
        if inter is not None and inter not in INTER_CODES:
            raise ActorDictionaryError(f"{where}: inter must be one of 1-8, not {inter!r}")
        parent = raw.get("parent")
        actor = Actor(name=name, inter=inter, parent=_text(parent, where, "parent") if parent else None,
                      kind=_text(raw.get("kind") or "group", where, "kind"))
        entries.append(ActorEntry(actor, _texts(raw.get("aliases"), where, "aliases"),
                                  _texts(raw.get("acronyms"), where, "acronyms"),
                                  bool(raw.get("match_name", True))))
    return ActorDictionary(entries, _texts(data.get("not_actors"), source, "not_actors"))


@functools.lru_cache(maxsize=4)
def _load_cached(path: Path) -> ActorDictionary:
    try:
        data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ActorDictionaryError(f"cannot read actor file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ActorDictionaryError(f"{path.name}: not valid YAML: {exc}") from None
    return parse_actors(data, path.name)


@dataclass(frozen=True)
class BareNoun:
    """A noun that stands for one actor ("troops", "the assailant"), from bare_actor_nouns.yaml."""

    actor: str
    needs_named: bool


@dataclass(frozen=True)
class BareNouns:
    """Every bare noun in one pattern (a character trie: one pass over a text), and what each means."""

    pattern: re.Pattern[str]
    meaning: dict[str, BareNoun]


def _noun_key(words: str) -> str:
    return " ".join(words.lower().split())


@functools.lru_cache(maxsize=4)
def load_bare_nouns(path: Path | None = None) -> BareNouns:
    """The bare nouns of `path` (default: data/bare_actor_nouns.yaml), parsed once per path."""
    where = Path(path or settings.BARE_ACTOR_NOUNS_FILE)
    try:
        data = yaml_files.safe_load(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ActorDictionaryError(f"cannot read bare-noun file {where}: {exc.strerror}") from None
    meaning: dict[str, BareNoun] = {}
    for i, raw in enumerate((data or {}).get("nouns") or [], 1):
        where_entry = f"{where.name}: entry {i}"
        noun = BareNoun(_text(raw.get("actor"), where_entry, "actor"), bool(raw.get("needs_named")))
        for words in _texts(raw.get("words"), where_entry, "words"):
            meaning[_noun_key(words)] = noun
    trie = literal_trie({key for key in meaning}).replace(r"\ ", r"\s+")
    return BareNouns(re.compile(rf"(?<![\w-]){trie}(?![\w-])", re.IGNORECASE), meaning)


def find_bare_nouns(text: str, dictionary: ActorDictionary, named: set[str], taken: list[ActorMatch]) -> list[ActorMatch]:
    """The bare nouns of `text` that stand for an actor, outside the actors already matched
    (`taken`, sorted by start); a noun that needs it only when the article names its actor (`named`)."""
    nouns = load_bare_nouns()
    starts = [m.start for m in taken]
    found: list[ActorMatch] = []
    for m in nouns.pattern.finditer(text):
        noun = nouns.meaning.get(_noun_key(m.group()))
        if noun is None or (noun.needs_named and noun.actor not in named):
            continue
        at = bisect.bisect_right(starts, m.start())
        if (at and taken[at - 1].end > m.start()) or (at < len(taken) and taken[at].start < m.end()):
            continue  # inside a name already matched ("Palestinian security forces")
        actor = dictionary.get(noun.actor)
        if actor is not None:
            found.append(ActorMatch(m.start(), m.end(), m.group(), actor))
    return found
