"""Splice translations into a page, then verify before anything is written.

A built page is the source page with each translated unit's characters
replaced; every other character is copied. After splicing, the body is
parsed again: a unit whose translation changes the page's block structure
(a stray ``#``, a fence) is put back in the source language and reported.
A page whose translations are all ``inert`` cannot have changed, and is not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from . import frontmatter
from .catalog import Translation
from .model import ATTRIBUTION_TEMPLATE, Docl10nError, FrontMatter, Keys, Page, Problem, Span, Unit, new_unit
from .segment import HEADING_ATTRIBUTES, LINE_BREAK, block_signature

UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")
ATX_CLOSING = re.compile(r"[ \t]+#+[ \t]*$")  # "## Title {#id} ##": the closing run is not part of the heading
DEFAULT_ATTRIBUTION = ATTRIBUTION_TEMPLATE


@dataclass(frozen=True)
class Attribution:
    """The original-source block a localized page opens with."""

    url: str
    timestamp: str
    template: str = DEFAULT_ATTRIBUTION
    markers: tuple[str, ...] = ("> 原文", ">原文")


@dataclass(frozen=True)
class BuildOptions:
    """How a page is built. ``mode`` is ``translate`` or ``bilingual``.

    ``heading_ids`` gives a translated heading the id Hugo would have made
    from the English one, so ``](#anchor)`` links keep working.
    """

    include_fuzzy: bool = False
    cjk: bool = False
    attribution: Attribution | None = None
    heading_ids: bool = True
    mode: str = "translate"
    keys: Keys = Keys()  # the front matter keys the page was cut with: translated values are read back by them


@dataclass(frozen=True)
class Built:
    """A localized page, ready to write, and what was kept in the source language."""

    data: bytes
    translated: int
    total: int
    problems: tuple[Problem, ...] = ()


Checker = Callable[[Unit, str], list[str]]


def _eol(text: str) -> str:
    m = LINE_BREAK.search(text)
    return m.group() if m else "\n"


BILINGUAL_MARK = "\u200b\t"  # the mirror's lead-in of a translated paragraph
BULLET = re.compile(r"^((?:[ \t]*>)*[ \t]*)([-*+])([ \t]+)$")


_NOT_IN_ID = re.compile(r"[^A-Za-z0-9_ \-]")


def anchorize(text: str) -> str:
    """The id Hugo (goldmark, ``autoHeadingIDType = "github"``) gives a heading.

    Hugo feeds the heading's raw source line to its sanitizer: trim, then
    keep letters, digits and ``_`` (lowercased), turn spaces and ``-`` into
    ``-``, drop everything else.
    """
    text = text.strip(" \t\n\r\f\v")
    if text.isascii():  # most headings: letters and digits are [A-Za-z0-9]
        return _NOT_IN_ID.sub("", text).replace(" ", "-").lower() or "heading"
    out = []
    for ch in text:
        if ch in " -":
            out.append("-")
        elif ch == "_" or unicodedata.category(ch)[0] == "L" or unicodedata.category(ch) == "Nd":
            out.append(ch.lower())
    return "".join(out) or "heading"


def _heading_ids(page: Page) -> dict[Unit, tuple[str, int | None]]:
    """Per heading unit (ATX or setext) without an id of its own, the id Hugo gives it, and where to pin it.

    The place is None when the id goes after the heading as ``{#id}``, or the
    offset just inside the heading's own attribute block (``{.class}``), where
    ``#id`` must join it: goldmark reads one block, a second would be text.
    """
    ids: dict[Unit, tuple[str, int | None]] = {}
    seen: set[str] = set()
    for unit in page.units:
        if unit.kind != "heading":
            continue
        eol_at = LINE_BREAK.search(page.text, unit.span.end)
        rest = ATX_CLOSING.sub("", page.text[unit.span.end : eol_at.start() if eol_at else len(page.text)])
        inside = None
        if attrs := HEADING_ATTRIBUTES.search(rest):
            if m := re.search(r"(?<![^\s{])#([^\s{}.#]+)", attrs.group()):  # an id, not a '#' inside a value
                seen.add(m.group(1))
                continue
            inside = unit.span.end + attrs.start() + attrs.group().index("{") + 1
        base = anchorize(unit.msgid)
        anchor, n = base, 0
        while anchor in seen:
            n += 1
            anchor = f"{base}-{n}"
        seen.add(anchor)
        ids[unit] = (anchor, inside)
    return ids


def _line_start(text: str, pos: int) -> int:
    return max(text.rfind("\n", 0, pos), text.rfind("\r", 0, pos)) + 1


def _replacement(page: Page, unit: Unit, msgstr: str, eol: str) -> str:
    if unit.key and page.front_matter:
        value = msgstr if not unit.inline else " ".join(msgstr.split("\n"))
        original = page.text[unit.span.start : unit.span.end]
        return frontmatter.encode(page.front_matter.syntax, original, value, unit.prefix)
    if "\n" in msgstr:
        msgstr = " ".join(msgstr.split("\n")) if unit.inline else (eol + unit.prefix).join(msgstr.split("\n"))
    if unit.inline and "|" in msgstr and unit.kind.startswith("table"):
        msgstr = UNESCAPED_PIPE.sub(r"\1\\|", msgstr)
    return msgstr


def _bilingual(page: Page, unit: Unit, translated: str, eol: str) -> str:
    """Source text and translation side by side, the way the mirror lays them out."""
    original = page.text[unit.span.start : unit.span.end]
    if unit.key:
        return translated
    if unit.kind == "heading":
        return f"{translated} {original}"
    if unit.inline:
        return f"{original} {translated}"
    first = page.text[_line_start(page.text, unit.span.start) : unit.span.start]
    bullet = BULLET.match(first)
    if bullet and not _item_continues(page, unit, len(first), eol):
        return original + eol + first + translated
    blank = unit.prefix.rstrip(" \t")
    return original + eol + blank + eol + unit.prefix + BILINGUAL_MARK + translated


def _item_continues(page: Page, unit: Unit, column: int, eol: str) -> bool:
    """True when the list item holds more blocks after this paragraph."""
    for m in LINE_BREAK.finditer(page.text, unit.span.end):
        nxt = LINE_BREAK.search(page.text, m.end())
        line = page.text[m.end() : nxt.start() if nxt else len(page.text)]
        if not line.strip(" \t>"):
            continue
        stripped = line.lstrip(" \t>")
        return len(line) - len(stripped) >= column
    return False


def _apply(text: str, edits: dict[Unit, str]) -> str:
    out, pos = [], 0
    for unit in sorted(edits, key=lambda u: u.span.start):
        out.append(text[pos : unit.span.start])
        out.append(edits[unit])
        pos = unit.span.end
    out.append(text[pos:])
    return "".join(out)


def _body(page: Page, text: str) -> str:
    return text[page.front_matter.span.end :] if page.front_matter else text


# A line of a translation that starts with one of these cannot open a block
# (heading, list, quote, fence, rule, HTML, indented code, table row, link
# definition or its title) nor end one (a blank line), whatever follows it.
_INERT_START = re.compile(r"[A-Za-z!\[]|[^\x00-\x7f\s]|`(?!``)|\*\*(?=[A-Za-z]|[^\x00-\x7f\s])")


def inert(msgstr: str) -> bool:
    """True when splicing ``msgstr`` into a paragraph, heading or cell cannot change the block structure.

    CommonMark settles blocks line by line, from how each line starts, before
    any inline markup is read: text that starts every line with a letter (or
    the like) and holds no pipe, no ``]:`` and no CR can only continue the
    block it sits in. Such a page needs no second parse to be verified,
    unless the text it replaces held a pipe: a table's header row may need it.
    """
    if "|" in msgstr or "\r" in msgstr or "]:" in msgstr or msgstr.endswith("\\"):
        return False
    if "\n" not in msgstr:
        return _INERT_START.match(msgstr) is not None
    return all(_INERT_START.match(line) for line in msgstr.split("\n"))


def _contains(outer: list[str], inner: list[str]) -> bool:
    """True when ``inner`` is a subsequence of ``outer`` (bilingual pages add blocks)."""
    it = iter(outer)
    return all(any(x == y for y in it) for x in inner)


def _verify(
    page: Page, edits: dict[Unit, str], wanted: dict[Unit, str], bilingual: bool = False, keys: Keys = Keys()
) -> tuple[dict[Unit, str], list[Unit]]:
    """Drop the edits that change the block structure or do not read back from the front matter."""
    rejected: list[Unit] = []
    fm = page.front_matter
    fm_edits = {u: r for u, r in edits.items() if u.key}
    if fm and fm_edits and not _reads_back(page, fm, fm_edits, wanted, keys):  # else find which do not
        for unit, repl in fm_edits.items():
            alone = _apply(page.text, {unit: repl})
            try:
                got = frontmatter.values(alone, _shifted(fm, unit, repl), page.path, keys).get(unit.key)
            except Docl10nError:
                got = None
            if got != " ".join(wanted[unit].split()):
                rejected.append(unit)
    body_edits = {u: r for u, r in edits.items() if not u.key}
    if body_edits and (bilingual or not all(inert(wanted[u]) and "|" not in u.msgid for u in body_edits)):
        source = page.structure or block_signature(_body(page, page.text))

        def ok(some: dict[Unit, str]) -> bool:
            got = block_signature(_body(page, _apply(page.text, some)))
            return _contains(got.split("\n"), source.split("\n")) if bilingual else got == source

        if not ok(body_edits):
            bad = [u for u in body_edits if not ok({u: body_edits[u]})]
            rest = {u: r for u, r in body_edits.items() if u not in bad}
            if not ok(rest):
                bad = list(body_edits)
            rejected += bad
    return {u: r for u, r in edits.items() if u not in rejected}, rejected


def _reads_back(page: Page, fm: FrontMatter, edits: dict[Unit, str], wanted: dict[Unit, str], keys: Keys) -> bool:
    """True when the front matter with every edit in reads back each wanted value."""
    delta = sum(len(r) - (u.span.end - u.span.start) for u, r in edits.items())
    edited = FrontMatter(fm.syntax, Span(fm.span.start, fm.span.end + delta), Span(fm.body.start, fm.body.end + delta))
    try:
        got = frontmatter.values(_apply(page.text, edits), edited, page.path, keys)
    except Docl10nError:
        return False
    return all(got.get(u.key) == " ".join(wanted[u].split()) for u in edits)


def _shifted(fm: FrontMatter, unit: Unit, repl: str) -> FrontMatter:
    """The front matter block after one value is replaced."""
    delta = len(repl) - (unit.span.end - unit.span.start)
    return FrontMatter(fm.syntax, Span(fm.span.start, fm.span.end + delta), Span(fm.body.start, fm.body.end + delta))


def _attribution(text: str, page: Page, att: Attribution, eol: str) -> str:
    at = page.front_matter.span.end if page.front_matter else 0
    body = text[at:]
    if body.lstrip("\r\n").startswith(att.markers):
        return text
    block = att.template.format(url=att.url, timestamp=att.timestamp).replace("\n", eol)
    lead = eol if at > 0 else ""
    gap = "" if body.startswith(("\n", "\r")) else eol
    return text[:at] + lead + block + eol + gap + body


def splice(
    page: Page,
    lookup: Mapping[tuple[str | None, str], Translation],
    options: BuildOptions = BuildOptions(),
    checker: Checker | None = None,
) -> Built:
    """The localized page: translations spliced in, verified, flags and attribution added."""
    eol = _eol(page.text)
    edits: dict[Unit, str] = {}
    wanted: dict[Unit, str] = {}
    problems: list[Problem] = []
    translated = 0
    bilingual = options.mode == "bilingual"
    anchors = _heading_ids(page) if options.heading_ids else {}
    for unit in page.units:
        t = lookup.get((unit.msgctxt, unit.msgid))
        if t is None or not t.msgstr or (t.fuzzy and not options.include_fuzzy):
            continue
        translated += 1
        if t.msgstr == unit.msgid:
            continue
        reasons = checker(unit, t.msgstr) if checker else []
        if reasons:
            problems.append(Problem(page.path, unit.line, f"unit kept in source language: {'; '.join(reasons)}"))
            translated -= 1
            continue
        edits[unit] = _replacement(page, unit, t.msgstr, eol)
        if bilingual:
            edits[unit] = _bilingual(page, unit, edits[unit], eol)
        if unit in anchors and anchors[unit][1] is None:
            edits[unit] += " {#" + anchors[unit][0] + "}"
        wanted[unit] = t.msgstr
    edits, rejected = _verify(page, edits, wanted, bilingual, options.keys)
    for unit in [u for u in edits if u in anchors and anchors[u][1] is not None]:
        anchor, inside = anchors[unit]  # "#id " inside the braces cannot change a heading's blocks
        edits[new_unit("", "heading id", unit.line, Span(inside, inside))] = "#" + anchor + " "
    for unit in rejected:
        translated -= 1
        problems.append(
            Problem(page.path, unit.line, "unit kept in source language: translation changes the page structure")
        )
    text = _apply(page.text, edits)
    if options.cjk:
        text = _cjk_flag(text, page, eol)
    if options.attribution is not None:
        fresh = frontmatter.split(text, page.path) if page.front_matter or options.cjk else None
        text = _attribution(text, Page(page.path, text, page.bom, (), fresh), options.attribution, eol)
    data = ("\ufeff" if page.bom else "") + text
    return Built(data.encode("utf-8"), translated, len(page.units), tuple(problems))


def _cjk_flag(text: str, page: Page, eol: str) -> str:
    """Set ``isCJKLanguage`` in the page's front matter.

    A page without front matter gets none: such files are often snippets
    pulled into other pages, where a new block would show as text.
    """
    fm = frontmatter.split(text, page.path)
    if fm is None:
        return text
    return frontmatter.set_flag(text, fm, "isCJKLanguage", eol)
