"""A whole output folder as data, to assert that a failed or killed write changed nothing."""
from __future__ import annotations

import os
from pathlib import Path


def snapshot(folder: Path, skip: frozenset[str] = frozenset({".lock"})) -> dict[str, bytes | str]:
    """Relative path -> bytes of each file, or "-> target" of each link, under `folder`."""
    out: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.name in skip:
            continue
        if path.is_symlink():
            out[name] = "-> " + os.readlink(path)
        elif path.is_file():
            out[name] = path.read_bytes()
    return out


def visible(folder: Path) -> list[str]:
    """The names an analyst sees in the folder (hidden entries left out), sorted."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
