"""Markdown body -> translatable units with exact spans.

The only importer of markdown-it-py. Tokens carry line ranges only, so the
block rules that produce text (paragraph, headings, tables) are wrapped to
record markdown-it's own per-line content offsets while it parses: container
prefixes (``> ``, list indentation) are then known exactly, the way the
parser saw them, without a second hand-written parser.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS
from markdown_it.rules_block.state_block import StateBlock

from . import frontmatter
from .model import ATTRIBUTION_MARKERS, Docl10nError, Keys, Page, Span, Unit, new_unit

LINE_BREAK = re.compile(r"\r\n|\r|\n")
LETTER = re.compile(r"[^\W\d_]")
SHORTCODE_ONLY = re.compile(r"^\s*(\{\{[<%].*?[%>]\}\}\s*)+$", re.DOTALL)
ADMONITION = re.compile(r"\[![A-Za-z]+\][ \t]*")
TASK = re.compile(r"\[[ xX]\][ \t]+")  # a task list item's box stays out of the msgid
DEFINITION = re.compile(r":[ \t]")  # a definition list line (goldmark): its break must stay
FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:")  # a footnote's definition (goldmark) starts a block: so does its line
# Paired shortcodes whose content Hugo does not read as Markdown: never translated.
# Also any paired shortcode opened with a ``lang=``/``codelang=`` parameter (Docsy's code tabs).
RAW_SHORTCODES = (
    "highlight", "code", "code-toggle", "codeblock", "output", "multiconfig", "mermaid", "math", "katex", "chart",
    "diagram", "raw", "text",
)
RAW_BLOCK = re.compile(
    r"\{\{([<%])-?\s*(" + "|".join(map(re.escape, RAW_SHORTCODES)) + r"|[\w-]+(?=[^{}]*\b(?:code)?lang=))(?=[\s%>/])"
    r"[^{}]*?[%>]\}\}.*?\{\{[<%]-?\s*/\s*\2\s*-?[%>]\}\}",
    re.DOTALL,
)
DISPLAY_MATH = re.compile(r"\$\$.*\$\$|\\\[.*\\\]", re.DOTALL)  # a paragraph that is only display math
BLOCK_ATTRIBUTES = re.compile(r"\{[.#][^{}]*\}")  # goldmark's `{.class}` line after a block: not text
_ATTRIBUTE = r"""(?:[#.][^\s{}"'=]+|[A-Za-z_:][\w:.-]*[ \t]*=[ \t]*(?:"[^"\r\n]*"|'[^'\r\n]*'|[^\s{}"']+))"""
# Hugo's (goldmark's) `## Title {#id .class key=value}` at the end of a heading, spaces or none around: not text
HEADING_ATTRIBUTES = re.compile(rf"[ \t]*\{{[ \t]*{_ATTRIBUTE}(?:[ \t]+{_ATTRIBUTE})*[ \t]*\}}[ \t]*$")
DEFAULT_ATTRIBUTION = ATTRIBUTION_MARKERS
_RECORDED = ("paragraph", "heading", "lheading", "table")


def _recording(name: str, rule: Callable[..., bool]) -> Callable[..., bool]:
    """Wrap a block rule so its opening token remembers each line's content range."""

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        first = len(state.tokens)
        ok = rule(state, start, end, silent)
        if ok and not silent and first < len(state.tokens):
            state.tokens[first].meta["lines"] = [
                (line, state.bMarks[line] + state.tShift[line], state.eMarks[line])
                for line in range(start, state.line)
            ]
        return ok

    wrapped.__name__ = name
    return wrapped


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("table").enable("strikethrough")
    for rule in md.block.ruler.__rules__:
        if rule.name in _RECORDED:
            md.block.ruler.at(rule.name, _recording(rule.name, rule.fn), {"alt": list(rule.alt)})
    return md


MD = _parser()
SIGNATURE_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")
# Units and signatures need block tokens and their raw inline content only:
# skipping inline parsing halves the cost of every parse (and text_join,
# which only joins the inline tokens, has nothing left to do).
MD.disable(["inline", "text_join"])
SIGNATURE_MD.disable(["inline", "text_join"])


def _signature(tokens: list) -> str:
    return "\n".join(f"{t.type} {t.tag} {t.level}" for t in tokens if t.type != "inline")


def block_signature(body: str) -> str:
    """The block structure of a Markdown body, inline content left out (``Page.structure``).

    One line per block token, "type tag level": a string, not a tuple of
    tuples, so a page record holds it as one JSON string that costs nothing
    to read back; split it on "\\n" for the tokens.
    """
    return _signature(SIGNATURE_MD.parse(body))


@dataclass(frozen=True)
class _Lines:
    """Maps offsets of markdown-it's normalised text back to the original."""

    norm_starts: tuple[int, ...]
    orig_starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> _Lines:
        if "\r" not in text:  # only \n: nothing was normalised
            starts = (0, *accumulate(len(line) + 1 for line in text.split("\n")[:-1]))
            return cls(starts, starts)
        orig, norm, removed = [0], [0], 0
        for m in LINE_BREAK.finditer(text):
            removed += m.end() - m.start() - 1
            orig.append(m.end())
            norm.append(m.end() - removed)
        return cls(tuple(norm), tuple(orig))

    def orig(self, pos: int) -> int:
        line = bisect_right(self.norm_starts, pos) - 1
        return self.orig_starts[line] + pos - self.norm_starts[line]


def _strip(src: str, start: int, end: int) -> tuple[int, int]:
    """Narrow ``start..end`` to what markdown-it's trim keeps."""
    while start < end and src[start] in MD_TRIM_CHARS:
        start += 1
    while end > start and src[end - 1] in MD_TRIM_CHARS:
        end -= 1
    return start, end


_MARKER = re.compile(r"[^> \t]")


def continuation_prefix(first_line_prefix: str) -> str:
    """What a new line inside a unit starts with: quote marks kept, markers blanked."""
    return _MARKER.sub(" ", first_line_prefix) if first_line_prefix else ""


def split_cells(src: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cell ranges of a table row, split on unescaped pipes as markdown-it does."""
    start, end = _strip(src, start, end)
    bounds, cell, escaped = [], start, False
    for pos in range(start, end):
        ch = src[pos]
        if ch == "|" and not escaped:
            bounds.append((cell, pos))
            cell = pos + 1
        escaped = ch == "\\"
    bounds.append((cell, end))
    if bounds and bounds[0][0] == bounds[0][1]:
        bounds.pop(0)
    if bounds and bounds[-1][0] == bounds[-1][1]:
        bounds.pop()
    return [_strip(src, a, b) for a, b in bounds]


class _Segmenter:
    def __init__(self, body: str, line_offset: int, attribution: tuple[str, ...]) -> None:
        self.body = body
        self.map = _Lines.of(body)
        self.line_offset = line_offset
        self.attribution = attribution
        self.src = ""
        self.raw: list[tuple[int, int]] = []
        self.structure = ""

    def units(self, base: int) -> Iterator[Unit]:
        env: dict = {}
        state_tokens = MD.parse(self.body, env)
        self.structure = _signature(state_tokens)
        self.src = (LINE_BREAK.sub("\n", self.body) if "\r" in self.body else self.body).replace("\0", "\ufffd")
        self.raw = [m.span() for m in RAW_BLOCK.finditer(self.src)] if "{{" in self.src else []
        containers: list[str] = []
        for i, tok in enumerate(state_tokens):
            if tok.type in ("blockquote_open", "list_item_open"):
                containers.append(tok.type)
            elif tok.type in ("blockquote_close", "list_item_close"):
                containers.pop()
            lines = tok.meta.get("lines") if tok.meta else None
            if not lines or tok.nesting != 1:
                continue
            if tok.type == "table_open":
                yield from self._table(lines, base)
                continue
            if tok.type == "heading_open":
                if tok.markup.startswith("#"):
                    yield from self._atx(lines[0], tok.markup, state_tokens[i + 1].content, base)
                    continue
                yield from self._text("heading", lines[:-1], True, base, "blockquote_open" in containers)
                continue
            kind = "paragraph"
            if containers and containers[-1] == "list_item_open":
                kind = "list item"
            elif containers:
                kind = "block quote"
            yield from self._text(kind, lines, False, base, "blockquote_open" in containers)

    def _not_prose(self, start: int, end: int) -> bool:
        """A line at the edge of a paragraph that is markup, not text: trimmed from the unit."""
        if self.src.find("{", start, end) >= 0 and (  # else neither a shortcode nor an attribute line
            self._only_shortcodes(start, end) or BLOCK_ATTRIBUTES.fullmatch(self.src, start, end)
        ):
            return True
        return self._in_raw(start)

    def _only_shortcodes(self, start: int, end: int) -> bool:
        """True for a line that holds nothing but shortcodes."""
        return self.src.find("{{", start, end) >= 0 and SHORTCODE_ONLY.match(self.src[start:end]) is not None

    def _keeps_break(self, start: int, end: int, next_start: int, next_end: int) -> bool:
        """True when the line break between two lines of a paragraph matters to Hugo, though not to CommonMark.

        Goldmark starts a block at a definition (``: ``); and a line that is
        only a shortcode is replaced by its output before Markdown is read,
        which may be a block (an ``alert``'s ``<div>``) that a joined line
        would put inside the paragraph. (A footnote's definition, another
        such block, is a unit of its own: ``_footnotes``.)
        """
        if DEFINITION.match(self.src, next_start):
            return True
        return self._only_shortcodes(start, end) or self._only_shortcodes(next_start, next_end)

    def _in_raw(self, pos: int) -> bool:
        """True inside a shortcode whose content is not Markdown."""
        return bool(self.raw) and any(a <= pos < b for a, b in self.raw)

    def _unit(self, msgid: str, kind: str, start: int, end: int, inline: bool, base: int) -> Unit | None:
        if not LETTER.search(msgid) or ("{{" in msgid and SHORTCODE_ONLY.match(msgid)) or self._in_raw(start):
            return None
        ostart, starts = self.map.orig(start), self.map.orig_starts
        n = bisect_right(starts, ostart)
        prefix = continuation_prefix(self.body[starts[n - 1] : ostart])
        span = Span(base + ostart, base + self.map.orig(end))
        return new_unit(msgid, kind, n + self.line_offset, span, None, prefix, inline)

    def _atx(self, line: tuple[int, int, int], markup: str, content: str, base: int) -> Iterator[Unit]:
        _, start, end = line
        if attrs := HEADING_ATTRIBUTES.search(content):
            content = content[: attrs.start()]
        if not content:
            return
        pos = self.src.find(content, start + len(markup), end)
        if pos >= 0 and (u := self._unit(content, "heading", pos, pos + len(content), True, base)):
            yield u

    def _table(self, lines: list[tuple[int, int, int]], base: int) -> Iterator[Unit]:
        columns = 0
        for n, (_, start, end) in enumerate(lines):
            if n == 1:
                continue
            cells = split_cells(self.src, start, end)
            if n == 0:
                columns = len(cells)
            for a, b in cells[:columns]:
                kind = "table header" if n == 0 else "table cell"
                if a < b and (u := self._unit(self.src[a:b], kind, a, b, True, base)):
                    yield u

    def _text(
        self, kind: str, lines: list[tuple[int, int, int]], inline: bool, base: int, quoted: bool
    ) -> Iterator[Unit]:
        ranges = [(*_strip(self.src, s, e), e) for _, s, e in lines]
        if quoted and ranges and (m := ADMONITION.match(self.src, ranges[0][0], ranges[0][1])):
            ranges[0] = (m.end(), *ranges[0][1:])
            kind = "admonition"
        if kind == "list item" and ranges and (m := TASK.match(self.src, ranges[0][0], ranges[0][1])):
            ranges[0] = (m.end(), *ranges[0][1:])
        while ranges and (ranges[0][0] == ranges[0][1] or self._not_prose(*ranges[0][:2])):
            ranges.pop(0)
        while ranges and self._not_prose(*ranges[-1][:2]):
            ranges.pop()
        if not ranges:
            return
        if kind == "heading" and (attrs := HEADING_ATTRIBUTES.search(self.src, ranges[-1][0], ranges[-1][1])):
            ranges[-1] = (ranges[-1][0], attrs.start(), ranges[-1][2])  # a setext heading's {#id}: not text
        if kind == "paragraph" and self.src.find("[^", ranges[0][0], ranges[-1][1]) >= 0:
            yield from self._footnotes(ranges, base)
            return
        yield from self._joined(kind, ranges, inline, base, quoted)

    def _footnotes(self, ranges: list[tuple[int, int, int]], base: int) -> Iterator[Unit]:
        """A paragraph to CommonMark that goldmark reads as footnote definitions (``[^1]: text``), each a block:
        a unit each, its label kept out of the msgid as a task box is."""
        starts = [k for k, (s, _, _) in enumerate(ranges) if FOOTNOTE.match(self.src, s)]
        if not starts:
            yield from self._joined("paragraph", ranges, False, base, False)
            return
        if starts[0] > 0:
            yield from self._joined("paragraph", ranges[: starts[0]], False, base, False)
        for a, b in zip(starts, [*starts[1:], len(ranges)]):
            group = ranges[a:b]
            at = FOOTNOTE.match(self.src, group[0][0]).end()  # type: ignore[union-attr]
            while at < group[0][1] and self.src[at] in " \t":
                at += 1
            group[0] = (at, *group[0][1:])
            if group[0][0] == group[0][1]:
                group.pop(0)
            if group:
                yield from self._joined("footnote", group, False, base, False)

    def _joined(
        self, kind: str, ranges: list[tuple[int, int, int]], inline: bool, base: int, quoted: bool
    ) -> Iterator[Unit]:
        """One unit of consecutive lines: soft breaks become spaces, unless the break matters (``_keeps_break``)."""
        pieces = []
        for k, (s, e, raw_end) in enumerate(ranges):
            text = self.src[s:e]
            if k == len(ranges) - 1:
                pieces.append(text)
            elif inline:
                pieces.append(text + " ")
            elif self._keeps_break(s, e, ranges[k + 1][0], ranges[k + 1][1]):
                pieces.append(text + "\n")
            elif raw_end - e >= 2 and self.src[e:raw_end].startswith("  "):
                pieces.append(self.src[s:raw_end] + "\n")
            elif text.endswith("\\"):
                pieces.append(text + "\n")
            else:
                pieces.append(text + " ")
        msgid = "".join(pieces)
        if quoted and msgid.startswith(self.attribution):
            return
        if DISPLAY_MATH.fullmatch(msgid):
            return
        if u := self._unit(msgid, kind, ranges[0][0], ranges[-1][1], inline, base):
            yield u


def segment_body(
    body: str, *, base: int = 0, line_offset: int = 0, attribution: tuple[str, ...] = DEFAULT_ATTRIBUTION
) -> list[Unit]:
    """Units of a Markdown body. ``base`` and ``line_offset`` place it in its page."""
    return list(_Segmenter(body, line_offset, attribution).units(base))


def decode(data: bytes, path: str) -> str:
    """Decode a page's bytes as UTF-8, line endings untouched; errors are located."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise Docl10nError(path, line, f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None


def parse_page(
    text: str,
    path: str,
    keys: Keys = Keys(),
    attribution: tuple[str, ...] = DEFAULT_ATTRIBUTION,
) -> Page:
    """Cut a decoded page into units: front matter values first, then the body."""
    bom = text.startswith("\ufeff")
    if bom:
        text = text[1:]
    try:
        fm = frontmatter.split(text, path)
        found = frontmatter.units(text, fm, path, keys) if fm else []
    except RecursionError:
        raise Docl10nError(path, 1, "front matter is nested too deeply to read") from None
    start = fm.span.end if fm else 0
    line_offset = len(LINE_BREAK.findall(text, 0, start))
    body = _Segmenter(text[start:], line_offset, attribution)
    found += body.units(start)
    return Page(path, text, bom, tuple(_contexts(found)), fm, body.structure)


def _contexts(units: list[Unit]) -> Iterator[Unit]:
    """Give card strings a msgctxt where the same English also plays another role."""
    roles: dict[str, set[bool]] = {}
    for u in units:
        roles.setdefault(u.msgid, set()).add(u.kind.startswith("card "))
    for u in units:
        if u.kind.startswith("card ") and len(roles[u.msgid]) > 1:
            yield replace(u, msgctxt=u.kind.split(" (")[0])
        else:
            yield u
