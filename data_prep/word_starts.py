"""Where a dictionary pattern can match: the first letters its matches can start with.

Python's regex engine tries a large alternation at every position of a text; the scanners of
triggers and actors first find the word starts whose first letters open some entry (one cheap
look-ahead pass), then try the full pattern only there.
"""
from __future__ import annotations

import re
import re._constants as _C  # the stdlib's own regex parser: to read which letters a pattern starts with
import re._parser as _P
from typing import Any

PREFIX_LETTERS = 4


def literal_trie(words: set[str]) -> str:
    """The alternation of `words`, longest first, written as a character trie: the same matches
    (a longer word is tried before a shorter one it starts with), one character test per step
    instead of one try per word (the regex engine does not factor shared prefixes itself)."""
    branches = []
    for first in sorted({w[:1] for w in words if w}):
        rest = {w[1:] for w in words if w[:1] == first}
        ends_here = "" in rest
        rest.discard("")
        body = (literal_trie(rest) if len(rest) > 1 else re.escape(rest.pop())) if rest else ""
        if body and ends_here:
            body = f"(?:{body})?"
        branches.append(re.escape(first) + body)
    return "(?:" + "|".join(branches) + ")"


_Strings = set[tuple[str, bool]]  # (start of a match, whether anything unknown may follow it)


def prefixes(pattern: str, length: int = PREFIX_LETTERS) -> set[str] | None:
    """The lower-case starts (up to `length` letters) of every match of `pattern`; None when the
    pattern can start with something that is not a plain letter set (then it is not dispatched).

    Over-inclusive by design: a lookahead is ignored, a one-letter start stands for every second
    letter. A start shorter than `length` means the rest is unknown or the match may end there.
    """
    def concat(left: _Strings, right: _Strings) -> _Strings:
        out: _Strings = set()
        for text, open_ in left:
            if len(text) >= length or open_:
                out.add((text, open_))
                continue
            for more, more_open in right:
                joined = text + more
                out.add((joined[:length], False) if len(joined) >= length else (joined, more_open))
        return out

    def sequence(items: Any) -> _Strings:
        result: _Strings = {("", False)}
        for op, arg in items:
            if all(len(text) >= length or open_ for text, open_ in result):
                break
            result = concat(result, item(op, arg))
        return result

    def item(op: Any, arg: Any) -> _Strings:
        if op is _C.LITERAL:
            return {(chr(arg).lower(), False)}
        if op is _C.IN:
            letters: set[str] = set()
            for kind, value in arg:
                if kind is _C.LITERAL:
                    letters.add(chr(value).lower())
                elif kind is _C.RANGE and value[1] - value[0] < 64:
                    letters |= {chr(c).lower() for c in range(value[0], value[1] + 1)}
                else:
                    return {("", True)}
            return {(letter, False) for letter in letters}
        if op is _C.SUBPATTERN:
            return sequence(arg[3])
        if op is _C.BRANCH:
            return set().union(*(sequence(branch) for branch in arg[1]))
        if op in (_C.ASSERT, _C.ASSERT_NOT, _C.AT):
            return {("", False)}
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            low, high, sub = arg
            once = sequence(sub)
            out: _Strings = set()
            current: _Strings = {("", False)}
            for times in range(min(high, length + 1) + 1):
                if times >= low:
                    out |= current
                current = concat(current, once)
            return out | current if high > length + 1 else out
        return {("", True)}

    try:
        starts = sequence(_P.parse(pattern, re.IGNORECASE))
    except Exception:  # noqa: BLE001 - an unparseable pattern simply is not dispatched
        return None
    if any(text == "" for text, _ in starts):
        return None
    # Case-insensitive matching also lets a letter's other case start a match ("K" for "k").
    return {variant for text, _ in starts for variant in (text, text.upper().lower())}


def word_start_pattern(starts: set[str]) -> re.Pattern[str]:
    """Matches (empty) at every word start followed by one of `starts`, whatever the case.

    A word start is not after a letter, digit, "_" or "-", as in the scanners' own patterns.
    """
    return re.compile(rf"(?<![\w-])(?={literal_trie(starts)})", re.IGNORECASE)
