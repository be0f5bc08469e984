"""Saved web pages: the main text (trafilatura) and the publication date in the page's markup (htmldate).

Nothing is fetched: the readers are handed markup (an lxml tree), never a URL.
"""
from __future__ import annotations

import logging
from typing import Any

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from ..models import Article, Reject
from ..normalise import fix_mojibake
from .common import ORIGIN_HTML_META, Metadata, build_article, parse_date_value

LOGGER = logging.getLogger(__name__)

# htmldate: the original publication date, from markup only (meta tags, <time>, JSON-LD);
# the free-text search is ours (bylines and datelines), so body dates are never taken.
DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}
NOT_HTML = "not an HTML page (no markup could be parsed)"
# trafilatura's main-text search costs about 20 s and 60 MB per MB of markup beyond ordinary
# pages (a 4 MB page: 70 s, 220 MB). A larger page is read whole: all visible text, paragraph by
# paragraph, in one linear pass; its metadata comes from its first HEAD_CHARS (head and header).
LARGE_PAGE_CHARS = 1_000_000
HEAD_CHARS = 256 * 1024
_SKIPPED = frozenset({"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "nav"})
_BLOCKS = frozenset({"p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "article",
                     "section", "table", "blockquote", "pre", "header", "footer", "ul", "ol", "dd", "dt",
                     "figcaption", "main", "aside", "hr", "title", "body"})


def _tree(raw: str) -> HtmlElement | None:
    # trafilatura.load_html never downloads, even when handed something that looks like a URL.
    return trafilatura.load_html(raw)


def plain_text(tree: HtmlElement) -> str:
    """All visible text of a page, a line per block element, in one pass (scripts, styles and
    navigation left out)."""
    parts: list[str] = []
    skipping = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _SKIPPED:
                skipping += 1
            elif not skipping:
                if tag in _BLOCKS:
                    parts.append("\n")
                if element.text:
                    parts.append(element.text)
            continue
        if tag in _SKIPPED:
            skipping -= 1
        elif not skipping and tag in _BLOCKS:
            parts.append("\n")
        if not skipping and element.tail:
            parts.append(element.tail)
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _large_page(raw: str, file: str, fmt: str) -> list[Article | Reject]:
    tree = _tree(raw)
    if tree is None:
        return [Reject(file, NOT_HTML)]
    page_text = plain_text(tree)
    text = "\n\n".join(page_text.split("\n"))
    del tree
    head = _tree(raw[:HEAD_CHARS])
    document = trafilatura.extract_metadata(head, date_config=DATE_PARAMS, extensive=False) if head is not None else None
    LOGGER.info("%s: a page of %d characters, read whole (no main-text search)", file, len(raw))
    return [build_article(text, file, fmt, _metadata(document), ORIGIN_HTML_META, raw=page_text)]


def _metadata(document: Any) -> Metadata:
    if document is None:
        return Metadata()
    return Metadata(
        title=document.title or None,
        outlet=document.sitename or None,
        url=document.url or None,
        author=document.author or None,
        published=parse_date_value(document.date),
        date_text=document.date or None,
    )


def read_html(raw: str, file: str, fmt: str = "html") -> list[Article | Reject]:
    """One article from the decoded markup of a saved page (a page over LARGE_PAGE_CHARS is read whole)."""
    raw = fix_mojibake(raw)
    if len(raw) > LARGE_PAGE_CHARS:
        return _large_page(raw, file, fmt)
    tree = _tree(raw)
    if tree is None:
        return [Reject(file, NOT_HTML)]
    document = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, include_tables=True,
        include_images=False, include_links=False, include_formatting=False,
        date_extraction_params=DATE_PARAMS)
    text = (document.text if document is not None else None) or ""
    if not text.strip():
        # Short pages fall below trafilatura's size threshold: take all visible text instead.
        fallback = _tree(raw)
        text = trafilatura.html2txt(fallback) if fallback is not None else ""
    # One blank line between paragraphs, as in the text files. The page's text as extracted is the
    # article's source (the markup is not text).
    page_text = text
    text = "\n\n".join(line for line in text.split("\n") if line.strip())
    return [build_article(text, file, fmt, _metadata(document), ORIGIN_HTML_META, raw=page_text)]
