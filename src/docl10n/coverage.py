"""Translation coverage: messages and source words, per page, section and locale.

Counts are disjoint (translated + fuzzy + untranslated = total); obsolete
entries are counted apart and never in the total.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from .model import Coverage

if TYPE_CHECKING:
    import polib

LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>")
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


def words(msgid: str) -> int:
    """Words a reader sees: link targets do not count."""
    return len(WORD.findall(LINK_TARGET.sub("]", msgid)))


def of_catalog(name: str, po: polib.POFile) -> Coverage:
    """Coverage of one page's catalog (or template: everything untranslated)."""
    c = {"translated": 0, "fuzzy": 0, "untranslated": 0, "obsolete": 0}
    w = {"words_total": 0, "words_translated": 0, "words_fuzzy": 0}
    for e in po:
        if e.obsolete:
            c["obsolete"] += 1
            continue
        n = words(e.msgid)
        w["words_total"] += n
        if e.msgstr and not e.fuzzy:
            c["translated"] += 1
            w["words_translated"] += n
        elif e.msgstr and e.fuzzy:
            c["fuzzy"] += 1
            w["words_fuzzy"] += n
        else:
            c["untranslated"] += 1
    return Coverage(name=name, **c, **w)


def combine(name: str, parts: Iterable[Coverage]) -> Coverage:
    """The sum of several coverages, keeping them as children."""
    parts = tuple(parts)
    return Coverage(name=name, **{f: sum(getattr(p, f) for p in parts) for f in FIELDS}, children=parts)


def by_section(pages: Iterable[Coverage]) -> list[Coverage]:
    """Pages grouped by their folder."""
    groups: dict[str, list[Coverage]] = {}
    for p in pages:
        groups.setdefault(section_of(p.name), []).append(p)
    return [combine(k, v) for k, v in sorted(groups.items())]


FIELDS = ("translated", "fuzzy", "untranslated", "obsolete", "words_total", "words_translated", "words_fuzzy")
CREATION_DATE = re.compile(rb'^"POT-Creation-Date: ?([^"\\]*)(?:\\n)?"', re.MULTILINE)


def counts(c: Coverage) -> tuple[int, ...]:
    """The numbers of a coverage in ``FIELDS`` order (``Coverage(name, *counts)`` rebuilds it)."""
    return tuple(getattr(c, f) for f in FIELDS)


def creation_date(data: bytes | None) -> str | None:
    """POT-Creation-Date of a catalog's header, read without parsing the catalog."""
    if not data:
        return None
    m = CREATION_DATE.search(data, 0, 4096)
    return m.group(1).decode("utf-8", "replace").strip() if m else None


def by_page(pages: Iterable[Coverage]) -> list[Coverage]:
    """Pages in path order."""
    return sorted(pages, key=lambda p: p.name)


def section_of(name: str) -> str:
    """The folder a page is in; top-level pages are in ``.``."""
    return str(PurePosixPath(name).parent)


def rows(locale_pages: dict[str, list[Coverage]], by: str) -> dict[str, list[Coverage]]:
    """Per locale, the rows to report ``by`` page, section or locale (one row: the locale)."""
    if by == "page":
        return {loc: by_page(pages) for loc, pages in locale_pages.items()}
    if by == "section":
        return {loc: by_section(pages) for loc, pages in locale_pages.items()}
    if by == "locale":
        return {loc: [combine(loc, pages)] for loc, pages in locale_pages.items()}
    raise ValueError(f"unknown grouping {by!r}")
