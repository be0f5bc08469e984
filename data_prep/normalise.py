"""Pure text clean-up: Unicode, quotes, dashes, spaces, Markdown syntax, metadata values and headlines.

Evidence spans point into the text these functions return, so every step is deterministic
and `normalise_text` is idempotent (normalising twice changes nothing).
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from . import settings, yaml_files

# Curly and typographic quotes become straight ones so that searches and evidence match.
_QUOTES = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
}
# Hyphen-like dashes and the minus sign become "-".
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
# Non-breaking and other odd spaces (and tabs) become a plain space.
_SPACES = dict.fromkeys("\t\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
                        "\u2009\u200a\u202f\u205f\u3000", " ")
# Line and paragraph separators become a newline.
_NEWLINES = dict.fromkeys("\u000b\u000c\u0085\u2028\u2029", "\n")
# Zero-width characters, the BOM and the soft hyphen are invisible: drop them.
_INVISIBLE = dict.fromkeys("\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff")
# Other C0/C1 control characters carry no text.
_CONTROLS = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x0A,)] + list(range(0x7F, 0xA0)), None)
_REPLACEMENTS: dict[str, str] = {**{chr(k): "" for k in _CONTROLS}, **_QUOTES, **_DASHES, **_SPACES,
                                  **_NEWLINES, **{ch: "" for ch in _INVISIBLE}}
# One search for the few characters to replace: str.translate looks every character of a non-ASCII
# text up in a dict (a curly apostrophe is enough), ten times slower on a 3 KB article.
_TO_REPLACE = re.compile("[" + "".join(re.escape(ch) for ch in _REPLACEMENTS) + "]")

_RUN_OF_SPACES = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES_AT_LINE_ENDS = re.compile(r" ?\n ?")
# UTF-8 read as Windows-1252 leaves these pairs ("â€™" for "’", "Ã©" for "é").
_MOJIBAKE = re.compile(r"(?:â€|Ã[\u0080-\u00ff]|Â[\u00a0-\u00bf])")


def _latin1_fallback(error: UnicodeError) -> tuple[bytes, int]:
    # Bytes that Windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) survive as U+0080-U+009F.
    assert isinstance(error, UnicodeEncodeError)
    return error.object[error.start:error.end].encode("latin-1"), error.end


codecs.register_error("data_prep.latin1_fallback", _latin1_fallback)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as Windows-1252 ("â€™" -> "’"); other text is returned unchanged."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252", errors="data_prep.latin1_fallback").decode("utf-8")
    except UnicodeError:
        return text


def normalise_text(text: str) -> str:
    """NFC, straight quotes, "-" for dashes, one space between words, paragraph breaks kept.

    Line ends become "\\n", spaces at line ends go, blank-line runs shrink to one blank line.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _TO_REPLACE.sub(lambda m: _REPLACEMENTS[m.group()], unicodedata.normalize("NFC", text))
    # Only " " and "\n" are white space now, so the text can be tidied whole instead of line by
    # line; each pattern runs only if a substring test finds its characters (a fraction of a pass).
    if "  " in text:
        text = _RUN_OF_SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACES_AT_LINE_ENDS.sub("\n", text)
    text = text.strip(" ")
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")


# "By Staff WriterIsraeli forces raided": a byline glued to the first sentence by a scrape.
_GLUED_BYLINE = re.compile(r"^(By (?:[A-Z][\w.'-]*\s){0,3}[A-Z][a-z]+)(?=[A-Z][a-z])", re.MULTILINE)


@functools.lru_cache(maxsize=2)
def _boilerplate(path: str = str(settings.DATA_DIR / "boilerplate.yaml")) -> re.Pattern[str] | None:
    with open(path, encoding="utf-8") as handle:
        lines = (yaml_files.safe_load(handle) or {}).get("lines") or []
    return re.compile("|".join(f"(?:{line})" for line in lines), re.IGNORECASE) if lines else None


def strip_scrape_glue(text: str) -> str:
    """Undo what web scrapes leave: a byline glued to the first sentence goes on its own line, and
    footer and appeal lines (data/boilerplate.yaml) go."""
    if "By " in text:
        text = _GLUED_BYLINE.sub(r"\1\n", text)
    pattern = _boilerplate()
    if pattern is None:
        return text
    lines = text.split("\n")
    kept = [line for line in lines if not pattern.fullmatch(line.strip())]
    return "\n".join(kept) if len(kept) != len(lines) else text


def clean_field(value: object) -> str | None:
    """A metadata value as one clean line, or None when it is empty."""
    if value is None:
        return None
    text = normalise_text(str(value)).replace("\n", " ")
    text = _RUN_OF_SPACES.sub(" ", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1].strip()
    return text or None


# --- Markdown -----------------------------------------------------------------
_FENCE = re.compile(r"^(```|~~~)")
_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)|!\[([^\]\n]*)\]\[[^\]\n]*\]")
_LINK = re.compile(r"\[([^\]\n]+)\]\((?:<[^>\n]*>|[^)\s]*)(?:\s+\"[^\"\n]*\"|\s+'[^'\n]*')?\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_ATX_HEADING = re.compile(r"^ {0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+\s*)?$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)\s*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_BLOCKQUOTE = re.compile(r"^ {0,3}(?:>\s?)+")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
_STRONG = re.compile(r"(?<!\w)(\*\*|__)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])"
                       r"|(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
# Most lines of an article are plain prose: a line opening with a letter, digit or quote holds no
# block syntax, and a line without one of the _INLINE_MARK characters no inline syntax.
_PROSE_START = re.compile(r"[^\W_]|[\"'(]")
_INLINE_MARK = re.compile(r"[\[<`*_]")


def strip_markdown(text: str, join_wrapped: bool = False) -> str:
    """Plain text from Markdown: link and image syntax, heading marks, emphasis, quotes and bullets go; words stay.

    Images are dropped with their alt text (a caption is not article text); link text is kept.
    HTML tags are left alone: untrusted text stays text. With `join_wrapped`, the lines of one
    paragraph (Markdown's soft line breaks) become one line, so no sentence is cut by a newline.
    """
    out: list[str] = []
    previous = ""
    previous_kind = "blank"
    for line in text.split("\n"):
        prose = _PROSE_START.match(line) is not None  # no block syntax to look for
        if not prose:
            if _FENCE.match(line) or _REF_DEFINITION.match(line):
                continue
            if previous.strip() and _SETEXT_UNDERLINE.match(line):
                previous, previous_kind = line, "heading"
                continue
            if _RULE.match(line):
                previous, previous_kind = "", "blank"
                out.append("")
                continue
        previous = line
        kind = "paragraph" if prose or line.strip() else "blank"
        if not prose:
            heading = _ATX_HEADING.match(line)
            if heading:
                line, kind = heading.group(1), "heading"
            elif _BULLET.match(line):
                line, kind = _BULLET.sub(r"\1", line), "item"
            elif _BLOCKQUOTE.match(line):
                quoted = _BLOCKQUOTE.sub("", line)
                kind = "quote" if previous_kind != "quote" or not quoted.strip() else "quote_more"
                line = quoted
        if _INLINE_MARK.search(line):
            line = _strip_inline(line)
        wrapped = kind in ("paragraph", "quote_more") and previous_kind in ("paragraph", "item", "quote",
                                                                              "quote_more")
        if join_wrapped and wrapped and out:
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
        previous_kind = kind
    return "\n".join(out)


def _strip_inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _AUTOLINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    line = _STRONG.sub(r"\2", line)
    return _EMPHASIS.sub(lambda m: m.group(1) or m.group(2), line)


# --- headlines ----------------------------------------------------------------
MAX_HEADLINE_CHARS = 200
MAX_HEADLINE_WORDS = 30
# Navigation crumbs above a headline: "News / Palestine", "Home > World".
_BREADCRUMB = re.compile(r"^[\w'&.-]+(?: [\w'&.-]+){0,3}(?: *[/>»|] *[\w'&.-]+(?: [\w'&.-]+){0,3})+$")


def is_breadcrumb(line: str) -> bool:
    """True for a navigation trail such as "News / Palestine"."""
    return bool(_BREADCRUMB.match(line.strip()))


def looks_like_headline(line: str) -> bool:
    """Short, more than one word, no final period, not a byline: a headline."""
    line = line.strip()
    words = line.split()
    if not 2 <= len(words) <= MAX_HEADLINE_WORDS or len(line) > MAX_HEADLINE_CHARS:
        return False
    if line.endswith((".", ",", ";", ":")) or line.lower().startswith("by "):
        return False
    return any(c.isalpha() for c in line)


def headline_of(text: str, max_skip: int = 3) -> str | None:
    """The first non-empty line when it looks like a headline (skipping a few breadcrumb lines), else None."""
    skipped = 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        if is_breadcrumb(line) and skipped < max_skip:
            skipped += 1
            continue
        return line.strip() if looks_like_headline(line) else None
    return None


# --- from the cleaned text back to the text as read -----------------------------
_WORD = re.compile(r"\w+")
# Words the cleaning may drop inside one span of the source (a link's address, image alt text).
MAX_DROPPED_WORDS = 40


class SourceMap:
    """Where spans of the cleaned text (`normalise_text`, `strip_markdown`...) are in the text as read.

    Cleaning changes characters (quotes, dashes, spaces) and drops syntax (Markdown marks, link
    addresses, metadata lines) but keeps the words in their order. A span is found back by its
    words: the first run of the source's words that holds them all in order, with at most
    MAX_DROPPED_WORDS source words between them, nearest to where the span sits in the cleaned
    text. The source is read into words once, so an article's many spans cost one pass.
    """

    def __init__(self, raw: str, text: str) -> None:
        self.raw, self.text = raw, text
        self._same = raw == text
        self._words = [] if self._same else _words(raw)
        self._first: dict[str, list[int]] = {}
        for index, (word, _, _) in enumerate(self._words):
            self._first.setdefault(word, []).append(index)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """(start, end) in the source of text[start:end], or None when its words are not there."""
        if self._same:
            return start, end
        wanted = _words(self.text, start, end)
        if not wanted:
            return None
        expected = start * len(self.raw) / max(len(self.text), 1)
        best: tuple[int, int] | None = None
        for first in self._first.get(wanted[0][0], ()):
            last = self._match(first, [w for w, _, _ in wanted])
            if last is None:
                continue
            found = (self._words[first][1], self._words[last][2])
            if best is None or abs(found[0] - expected) < abs(best[0] - expected):
                best = found
        if best is None:
            return None
        # The characters around the words (an opening quote, a closing '."') as the cleaned span has
        # them: the same number of non-blank characters of the source.
        return (self._widen(best[0], wanted[0][1] - start, -1), self._widen(best[1], end - wanted[-1][2], 1))

    def _match(self, first: int, wanted: list[str]) -> int | None:
        position, dropped = first, 0
        for word in wanted[1:]:
            position += 1
            while position < len(self._words) and self._words[position][0] != word:
                position, dropped = position + 1, dropped + 1
                if dropped > MAX_DROPPED_WORDS:
                    return None
            if position >= len(self._words):
                return None
        return position

    def _widen(self, at: int, count: int, step: int) -> int:
        """`at` moved over up to `count` source characters (forward or back) that are neither blank nor a word's."""
        for _ in range(count):
            index = at if step > 0 else at - 1
            if not 0 <= index < len(self.raw) or self.raw[index].isspace() or _WORD.match(self.raw[index]):
                break
            at += step
        return at


def _words(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, int, int]]:
    """(word compared loosely, start, end) of each word of text[start:end]."""
    return [(unicodedata.normalize("NFC", m.group()).casefold(), m.start(), m.end())
            for m in _WORD.finditer(text, start, len(text) if end is None else end)]
