"""YAML for the knowledge files (actors, triggers, reference dates, wire agencies).

PyYAML's pure-Python parser takes ~30 ms on actors.yaml, a noticeable part of every build's
start; libyaml's C parser (shipped in PyYAML's wheels) takes 4 ms and reads the same documents.
"""
from __future__ import annotations

from typing import IO, Any

import yaml

_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(source: str | IO[str]) -> Any:
    """yaml.safe_load with the C parser when PyYAML has it."""
    return yaml.load(source, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader, only faster
