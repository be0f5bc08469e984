"""Saved web pages: the main text (trafilatura) and the publication date in the page's markup (htmldate).

Nothing is fetched: the readers are handed markup (an lxml tree), never a URL.
"""
from __future__ import annotations

import logging
from typing import Any

import trafilatura
from lxml.html import HtmlElement

from ..models import Article, Reject
from ..normalise import fix_mojibake
from .common import ORIGIN_HTML_META, Metadata, build_article, parse_date_value

LOGGER = logging.getLogger(__name__)

# htmldate: the original publication date, from markup only (meta tags, <time>, JSON-LD);
# the free-text search is ours (bylines and datelines), so body dates are never taken.
DATE_PARAMS: dict[str, Any] = {"original_date": True, "extensive_search": False}
NOT_HTML = "not an HTML page (no markup could be parsed)"


def _tree(raw: str) -> HtmlElement | None:
    # trafilatura.load_html never downloads, even when handed something that looks like a URL.
    return trafilatura.load_html(raw)


def read_html(raw: str, file: str, fmt: str = "html") -> list[Article | Reject]:
    """One article from the decoded markup of a saved page."""
    raw = fix_mojibake(raw)
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
    # One blank line between paragraphs, as in the text files.
    text = "\n\n".join(line for line in text.split("\n") if line.strip())
    meta = Metadata()
    if document is not None:
        meta = Metadata(
            title=document.title or None,
            outlet=document.sitename or None,
            url=document.url or None,
            author=document.author or None,
            published=parse_date_value(document.date),
            date_text=document.date or None,
        )
    return [build_article(text, file, fmt, meta, ORIGIN_HTML_META)]
