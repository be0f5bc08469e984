"""Trigger words from `data/triggers.yaml`: find the words that say an event happened and type it."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import re._constants as _C  # the stdlib's own regex parser: to read which letter a rule starts with
import re._parser as _P

from . import settings, yaml_files


class TriggerFileError(ValueError):
    """The trigger file is malformed."""


@dataclass(frozen=True)
class TriggerRule:
    family: str
    event_type: str
    sub_event_type: str | None
    priority: int
    generic: bool = False
    secondary: bool = False
    target_place: bool = False
    default_actor1: str | None = None


@dataclass(frozen=True)
class TriggerMatch:
    start: int
    end: int
    text: str
    rule: TriggerRule


class TriggerSet:
    """All trigger rules compiled into one alternation (one pass over a sentence)."""

    def __init__(self, rules: list[tuple[TriggerRule, str]]):
        self.rules = [rule for rule, _ in rules]
        alternation = "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(rules))
        self._regex = re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)
        # The same rules bucketed by the letter a match can start with: at each word only the
        # rules that can start there are tried (2x faster than the one alternation).
        buckets: dict[str, list[int]] = {}
        self._dispatch: dict[str, re.Pattern[str]] | None = {}
        for index, (_, pattern) in enumerate(rules):
            letters = _first_letters(pattern)
            if letters is None:
                self._dispatch = None  # a rule that can start anywhere: scan with the one alternation
                break
            for letter in letters:
                buckets.setdefault(letter, []).append(index)
        if self._dispatch is not None:
            for letter, indices in buckets.items():
                group = "|".join(f"(?P<r{i}>{rules[i][1]})" for i in indices)
                self._dispatch[letter] = re.compile(rf"(?:{group})(?![\w-])", re.IGNORECASE)

    @classmethod
    def from_file(cls, path: Path = settings.TRIGGERS_FILE) -> "TriggerSet":
        data = yaml_files.safe_load(path.read_text(encoding="utf-8"))
        families = data.get("families") or {}
        compiled: list[tuple[TriggerRule, str]] = []
        for number, raw in enumerate(data.get("rules") or [], start=1):
            family = families.get(raw.get("family"))
            if family is None or not raw.get("pattern"):
                raise TriggerFileError(f"{path.name}: rule {number} has an unknown family or no pattern")
            rule = TriggerRule(
                family=raw["family"], event_type=family["event_type"],
                sub_event_type=family.get("sub_event_type"), priority=int(raw.get("priority", 5)),
                generic=bool(raw.get("generic", False)), secondary=bool(raw.get("secondary", False)),
                target_place=bool(raw.get("target_place", False)), default_actor1=raw.get("default_actor1"),
            )
            try:
                re.compile(raw["pattern"])
            except re.error as error:
                raise TriggerFileError(f"{path.name}: rule {number}: bad pattern: {error}") from None
            # A space in a pattern stands for white space, with quote marks allowed between words
            # ('firing "missiles from the ground"').
            compiled.append((rule, _spaces_as_separators(raw["pattern"])))
        return cls(compiled)

    def find(self, text: str) -> list[TriggerMatch]:
        """Non-overlapping trigger matches in text order."""
        if self._dispatch is None:
            matches = self._regex.finditer(text)
        else:
            matches = self._dispatched(text)
        found = []
        for match in matches:
            index = int(match.lastgroup[1:]) if match.lastgroup else 0
            found.append(TriggerMatch(match.start(), match.end(), match.group(), self.rules[index]))
        return found

    def _dispatched(self, text: str) -> Iterator[re.Match[str]]:
        after = 0
        for word in _WORD_START.finditer(text):
            start = word.start()
            if start < after:
                continue
            regex = self._dispatch.get(text[start].lower()) if self._dispatch else None
            match = regex.match(text, start) if regex is not None else None
            if match is not None:
                after = match.end()
                yield match


_SEPARATOR = r"[\s\"“”‘’]+"


def _spaces_as_separators(pattern: str) -> str:
    """Each space between words becomes a run of white space or quote marks; a space inside a
    character class ("[ -]") stays a space, since a class cannot hold a sub-pattern."""
    out, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            out.append(char)
            escaped = False
        elif char == "\\":
            out.append(char)
            escaped = True
        elif char == "[" and not in_class:
            in_class = True
            out.append(char)
        elif char == "]" and in_class:
            in_class = False
            out.append(char)
        elif char == " " and not in_class:
            out.append(_SEPARATOR)
        else:
            out.append(char)
    return "".join(out)


_WORD_START = re.compile(r"(?<![\w-])\S")


def _first_letters(pattern: str) -> set[str] | None:
    """The lower-case letters a match of `pattern` can begin with, or None when that is not plain."""
    def first(items: Any) -> set[str] | None:
        for op, arg in items:
            if op is _C.LITERAL:
                return {chr(arg).lower()}
            if op is _C.IN:
                letters: set[str] = set()
                for kind, value in arg:
                    if kind is _C.LITERAL:
                        letters.add(chr(value).lower())
                    elif kind is _C.RANGE:
                        letters |= {chr(c).lower() for c in range(value[0], value[1] + 1)}
                    else:
                        return None
                return letters
            if op is _C.SUBPATTERN:
                return first(arg[3])
            if op is _C.BRANCH:
                letters = set()
                for branch in arg[1]:
                    part = first(branch)
                    if part is None:
                        return None
                    letters |= part
                return letters
            if op in (_C.ASSERT, _C.ASSERT_NOT, _C.AT):
                continue
            if op in (_C.MAX_REPEAT, _C.MIN_REPEAT) and arg[0] > 0:
                return first(arg[2])
            return None
        return None
    try:
        letters = first(_P.parse(pattern, re.IGNORECASE))
    except Exception:  # noqa: BLE001 - an unparseable pattern simply is not dispatched
        return None
    # Case-insensitive matching also lets a letter's other case start a match.
    return {c for letter in letters for c in (letter, letter.upper().lower())} if letters else None


@functools.lru_cache(maxsize=4)
def load_triggers(path: Path = settings.TRIGGERS_FILE) -> TriggerSet:
    """The trigger set, read once per process."""
    return TriggerSet.from_file(path)
