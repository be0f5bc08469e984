"""Trigger words from `data/triggers.yaml`: find the words that say an event happened and type it."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from . import settings, yaml_files
from .word_starts import PREFIX_LETTERS, prefixes, word_start_pattern


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
        self._patterns = [pattern for _, pattern in rules]
        # The same rules bucketed by the first letters (up to PREFIX_LETTERS) a match can start
        # with: only word starts with such a prefix are tried, each with the few rules that can
        # start there (2x faster than trying every word with the rules of its first letter).
        self._dispatch: dict[str, re.Pattern[str]] | None = None
        self._candidates: re.Pattern[str] | None = None
        starts = [prefixes(pattern) for _, pattern in rules]
        if all(starts):
            keys = {prefix for prefixes in starts for prefix in prefixes}
            # A word starting "airs" goes to the rules starting "airs", "air", "ai" or "a" (a short
            # prefix: the rule goes on with something the prefixes do not follow), in the file's order.
            self._dispatch = {}
            for key in keys | {k[:n] for k in keys for n in range(1, len(k))}:
                indices = [i for i, prefixes in enumerate(starts)
                           if any(key.startswith(p) if len(p) < len(key) else p == key for p in prefixes)]
                if indices:
                    group = "|".join(f"(?P<r{i}>{rules[i][1]})" for i in indices)
                    self._dispatch[key] = re.compile(rf"(?:{group})(?![\w-])", re.IGNORECASE)
            self._candidates = word_start_pattern(keys)

    @functools.cached_property
    def _regex(self) -> re.Pattern[str]:
        """All rules in one alternation: the scan when some rule cannot be dispatched (compiled only
        then: 30 ms of every build's start otherwise)."""
        alternation = "|".join(f"(?P<r{i}>{pattern})" for i, pattern in enumerate(self._patterns))
        return re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])", re.IGNORECASE)

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

    def top_rule(self, family: str) -> TriggerRule | None:
        """The family's rule of highest priority (to retype an event as that family)."""
        rules = [r for r in self.rules if r.family == family and not r.generic and not r.secondary]
        return max(rules, key=lambda r: r.priority) if rules else None

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
        assert self._dispatch is not None and self._candidates is not None
        after = 0
        for candidate in self._candidates.finditer(text):
            start = candidate.start()
            if start < after:
                continue
            head = text[start:start + PREFIX_LETTERS].lower()
            regex = self._dispatch.get(head)
            while regex is None and len(head) > 1:
                head = head[:-1]
                regex = self._dispatch.get(head)
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


@functools.lru_cache(maxsize=4)
def load_triggers(path: Path = settings.TRIGGERS_FILE) -> TriggerSet:
    """The trigger set, read once per process."""
    return TriggerSet.from_file(path)
