"""Trigger words from `data/triggers.yaml`: find the words that say an event happened and type it."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import settings


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

    @classmethod
    def from_file(cls, path: Path = settings.TRIGGERS_FILE) -> "TriggerSet":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
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
            compiled.append((rule, raw["pattern"].replace(" ", r"[\s\"“”‘’]+")))
        return cls(compiled)

    def find(self, text: str) -> list[TriggerMatch]:
        """Non-overlapping trigger matches in text order."""
        found = []
        for match in self._regex.finditer(text):
            index = int(match.lastgroup[1:]) if match.lastgroup else 0
            found.append(TriggerMatch(match.start(), match.end(), match.group(), self.rules[index]))
        return found


@functools.lru_cache(maxsize=4)
def load_triggers(path: Path = settings.TRIGGERS_FILE) -> TriggerSet:
    """The trigger set, read once per process."""
    return TriggerSet.from_file(path)
