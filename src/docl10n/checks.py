"""Checks for the mistakes a translator can make in one msgstr.

Each check is a small function comparing the parsed msgid with the parsed
msgstr. Errors are phrased as "the translation has more (or less) of X than
the source", so a msgstr equal to its msgid never has an error, and markup
the source itself got wrong is not blamed on the translator. Each string is
parsed once (cached), and only as far as the checks asked for need; nothing
here does I/O or prints.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import SimpleNamespace
from typing import NamedTuple

from markdown_it import MarkdownIt, helpers
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace, unescapeAll
from markdown_it.token import Token


@dataclass(frozen=True)
class Finding:
    """One problem in one translation, worded for the translator."""

    check: str
    severity: str  # "error" or "warning"
    message: str


@dataclass(frozen=True)
class CheckOptions:
    """What the checks need to know about the unit and the target language.

    ``cjk_spacing`` None means: on when the locale is written in Han or Kana
    (CLDR likely subtags give script Hans, Hant or Jpan). Korean puts spaces
    between words and attaches particles to Latin words, so it stays off.
    """

    locale: str = ""
    cjk_spacing: bool | None = None
    source_locale: str = "en"
    inline: bool = False  # heading, table cell, front matter: one line only
    kind: str = "paragraph"

    @property
    def wants_cjk_spacing(self) -> bool:
        return _han_or_kana(self.locale) if self.cjk_spacing is None else self.cjk_spacing


@dataclass(frozen=True)
class Check:
    """A named check; ``func`` is None where another stage does the work."""

    name: str
    description: str
    severity: str
    func: Callable[[_Parsed, _Parsed, CheckOptions], Iterable[str]] | None


# --- parsing: each string once ------------------------------------------------


def _markdown_it() -> MarkdownIt:
    """CommonMark with raw HTML, every link kept as written."""
    md = MarkdownIt("commonmark", {"html": True})
    md.disable("text_join")  # keep escapes and entities apart from literal text
    md.validateLink = lambda url: True  # parse javascript: links too, to report them
    md.normalizeLink = md.normalizeLinkText = lambda url: url  # report what was written
    return md


_MD = _markdown_it()
# Its text rule stops at every character an inline extension might claim;
# stopping only where an enabled rule can start (or at the "]" that ends a
# link label) gives the same tokens in fewer steps.
_MD.inline.terminator_re = re.compile(r"[\n!\\`*_\[\]<&]")
_PLAIN_DESTINATION = re.compile(r"[^<\x00-\x20\x7f\\()][^\x00-\x20\x7f\\()]*")


def _link_destination(src: str, pos: int, end: int) -> SimpleNamespace:
    """markdown-it's parseLinkDestination: one regex finds the end of the
    usual destination (no leading <, no parenthesis or backslash in it);
    anything else goes to its loop over each character."""
    m = _PLAIN_DESTINATION.match(src, pos, end)
    if m is None or (m.end() < end and src[m.end()] in "(\\"):
        return helpers.parseLinkDestination(src, pos, end)
    return SimpleNamespace(ok=True, pos=m.end(), str=unescapeAll(m.group()))


_MD.helpers = SimpleNamespace(parseLinkLabel=helpers.parseLinkLabel, parseLinkTitle=helpers.parseLinkTitle,
                              parseLinkDestination=_link_destination)

_PUA = 0xF0000  # shortcodes are masked as private-use characters before parsing
_PLACEHOLDER = re.compile("[\U000f0000-\U000ffffd]")
_NEEDS_PARSER = re.compile(r"[\[\]<>*_\\&\r\n]")  # else only code spans matter
_MARKUP_CHARS = re.compile(r"[\[<&*_]")  # else no link, tag, entity or emphasis
_TICKS = re.compile(r"`+")
_DELIMS = re.compile(r"\*+|_+")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_CODE_BRACKETS = str.maketrans("[]", "\x04\x05")
_LABEL = re.compile(r"\[((?:[^\[\]\\]|\\.)+)\](?:\[((?:[^\[\]\\]|\\.)*)\])?")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*|!--|\?|!\[CDATA\[|!)")
_ATTR = re.compile(r"""([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
_UNSAFE_TAG = re.compile(r"<\s*(/?)\s*(script|iframe|object|embed|style)\b", re.IGNORECASE)
_TAG_LIKE = re.compile(r"<[A-Za-z][^<>]*")
_EVENT = re.compile(r"""[\s"'/](on[a-z]+)\s*=""", re.IGNORECASE)
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.|mailto:)\S+")
_HEADING_ID = re.compile(r"\{\s*#[^\s{}]+[^{}]*\}[ \t]*$")
_WORD = re.compile(r"[^\W\d_]+")
_CJK = "\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LATIN = "A-Za-z0-9\u00c0-\u024f"
_CJK_LATIN = re.compile(f"(?<=[{_CJK}])(?=[{_LATIN}])|(?<=[{_LATIN}])(?=[{_CJK}])")
_CJK_RUN, _LATIN_RUN = re.compile(f"[{_CJK}]+"), re.compile(f"[{_LATIN}]+")

_HTML_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|"
    "optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul"
)
# Block starts that may interrupt a paragraph, so they matter on every line.
_ANY_LINE = (
    ("heading", re.compile(r" {0,3}#{1,6}(?:[ \t]|$)")),
    ("code fence", re.compile(r" {0,3}(?:`{3,}(?!.*`)|~{3,})")),
    ("block quote", re.compile(r" {0,3}>")),
    ("HTML block", re.compile(
        r" {0,3}<(?:!--|\?|![A-Za-z]|!\[CDATA\[|(?:script|pre|style|textarea)(?:[\s>]|$)"
        rf"|/?(?:{_HTML_BLOCK_NAMES})(?:[\s/>]|$))", re.IGNORECASE)),
)
_FIRST_LINE = _ANY_LINE + (
    ("thematic break", re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")),
    ("list item", re.compile(r" {0,3}(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$)")),
    ("link reference definition", re.compile(r" {0,3}\[(?:[^\]\\]|\\.)+\]:")),
    ("HTML block", re.compile(r" {0,3}</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>\s*$")),
    ("indented code block", re.compile(r" {0,3}\t| {4}")),
)
_NEXT_LINE = _ANY_LINE + (  # a paragraph's later lines: fewer things interrupt it
    ("heading underline", re.compile(r" {0,3}(?:=+|-+)[ \t]*$")),
    ("thematic break", re.compile(r" {0,3}(?:(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")),
    ("list item", re.compile(r" {0,3}(?:[-+*]|0*1[.)])[ \t]+\S")),
    ("table", re.compile(r" {0,3}(?=[|:\- \t]*\|)(?=[|:\- \t]*-)[|:\- \t]+$")),
)


def _mask_shortcodes(text: str) -> tuple[str, tuple[str, ...]]:
    """Shortcodes replaced by one private-use character each, so that
    ``[t]({{< ref "x" >}})`` parses as a link. Linear: once a closing
    ``>}}`` or ``%}}`` is not found, no later opening can close either."""
    start = text.find("{{")
    if start < 0:
        return text, ()
    parts, shortcodes, pos = [], [], 0
    closed = {"<": True, "%": True}
    while start >= 0:
        kind = text[start + 2:start + 3]
        end = text.find(">}}" if kind == "<" else "%}}", start + 3) if closed.get(kind) else -1
        if end < 0:
            closed[kind] = False
            start = text.find("{{", start + 1)
            continue
        parts += [text[pos:start], chr(_PUA + len(shortcodes) % 0xFFFE)]
        shortcodes.append(text[start:end + 3])
        pos = end + 3
        start = text.find("{{", pos)
    return "".join(parts) + text[pos:], tuple(shortcodes)


def _code_spans(s: str) -> tuple[list[tuple[int, int, int]], list[tuple[str, str]]]:
    """CommonMark code spans as (start, end, fence length), and unclosed runs.

    A span ends at the next backtick run of exactly its length; runs are
    indexed by length, so this stays O(n log n) on any input.
    """
    runs = [m.span() for m in _TICKS.finditer(s)]
    by_len: dict[int, list[int]] = {}
    for a, b in runs:
        by_len.setdefault(b - a, []).append(a)
    spans, unclosed, pos = [], [], 0
    for a, b in runs:
        if a < pos:
            continue
        k = a
        while k > pos and s[k - 1] == "\\":
            k -= 1
        a += (a - k) % 2  # an escaped first backtick is literal
        if a == b:
            continue
        starts = by_len.get(b - a, [])
        j = bisect_left(starts, b)
        if j < len(starts):
            pos = starts[j] + b - a
            spans.append((a, pos, b - a))
        else:
            unclosed.append((s[a:b], s[max(0, a - 8):b + 8]))
    return spans, unclosed


def _norm_code(c: str) -> str:
    if "\n" in c or "\r" in c:
        c = _NEWLINE.sub(" ", c)
    return c[1:-1] if len(c) > 2 and c[0] == c[-1] == " " and c.strip() else c


def _norm_shortcode(s: str) -> str:
    """``{{<ref "x">}}`` and ``{{< ref  "x" >}}`` are the same to Hugo."""
    return f"{s[:3]} {' '.join(s[3:-3].split())} {s[-3:]}"


def _edge(tokens: list[Token], i: int) -> str:
    """What a delimiter run sees past its text token: line end or markup."""
    if i < 0 or i >= len(tokens) or tokens[i].type in ("softbreak", "hardbreak"):
        return " "
    return "!"  # `, [, ], <, ** all count as punctuation


def _stray_runs(content: str, before: str, after: str) -> Iterable[tuple[str, str]]:
    """Delimiter runs left as text that flank a word, so look like emphasis.

    Intraword ``_`` counts too: ``一个_重要_步骤`` shows its underscores,
    while a ``snake_case`` name kept from the msgid cancels out.
    """
    for m in _DELIMS.finditer(content):
        prev = content[m.start() - 1] if m.start() else before
        nxt = content[m.end()] if m.end() < len(content) else after
        p_punct = isMdAsciiPunct(ord(prev)) or isPunctChar(prev)
        n_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
        p_ws, n_ws = isWhiteSpace(ord(prev)), isWhiteSpace(ord(nxt))
        left = not (n_ws or (n_punct and not (p_ws or p_punct)))
        right = not (p_ws or (p_punct and not (n_ws or n_punct)))
        if left or right:
            yield m.group(), content[max(0, m.start() - 10):m.end() + 10]


def _unsafe_url(url: str) -> str | None:
    u = _CONTROL.sub("", html.unescape(url)).lower()
    if not u.startswith(_UNSAFE_SCHEMES):
        return None
    return next(f"{s} URL" for s in _UNSAFE_SCHEMES if u.startswith(s))


def _unsafe_tags(text: str) -> list[str]:
    return [f"<{name.lower()}>" for slash, name in _UNSAFE_TAG.findall(text) if not slash]


def _html_inline(chunk: str, tags: list, dests: list, unsafe: list) -> None:
    if not _UNSAFE_TAG.match(chunk):  # "unsafe" reports those
        m = _TAG.match(chunk)
        tags.append(f"<{m.group(1)}{m.group(2).lower()}>" if m else chunk[:9])
    decoded = html.unescape(chunk)
    unsafe += _unsafe_tags(decoded) + [f"{e.lower()}= attribute" for e in _EVENT.findall(decoded)]
    for a in _ATTR.finditer(chunk):
        value = html.unescape(next(v for v in a.groups()[1:] if v is not None))
        if a.group(1).lower() in ("href", "src"):
            dests.append(("link" if a.group(1).lower() == "href" else "image", value))
        if bad := _unsafe_url(value):
            unsafe.append(bad)


def _inline_tokens(src: str) -> list[Token]:
    """What ``_MD.parseInline(src)[0].children`` is, without the core rules
    around the inline parser: in inline mode the only other one that runs
    normalises line ends and NUL, as here."""
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    return _MD.inline.parse(src, _MD, {}, [])


def _first_of(rules: tuple[tuple[str, re.Pattern], ...]) -> re.Pattern:
    """One regex trying ``rules`` in their order (group i + 1 is rule i), so
    a line costs one match, not one per construct."""
    return re.compile("|".join(f"((?i:{p.pattern}))" if p.flags & re.IGNORECASE else f"({p.pattern})"
                               for _, p in rules))


_FIRST_LINE_RE, _NEXT_LINE_RE = _first_of(_FIRST_LINE), _first_of(_NEXT_LINE)


def _blocks(text: str) -> tuple[tuple[int, str, str], ...]:
    out = []
    lines = _NEWLINE.split(text) if "\n" in text or "\r" in text else (text,)
    for i, line in enumerate(lines):
        rules, pattern = (_NEXT_LINE, _NEXT_LINE_RE) if i else (_FIRST_LINE, _FIRST_LINE_RE)
        if m := pattern.match(line):
            out.append((i, rules[m.lastindex - 1][0], line))
    return tuple(out)


def _may_have_markup(masked: str, spans: Sequence[tuple[int, int, int]]) -> bool:
    """False where the token walk would find no link, tag, entity, stray
    emphasis or label, so it can be skipped.

    Those need one of [ < & * _ outside code spans, and a label is looked
    for in code too, so any [ counts. Up to the first such character the
    code spans found here are markdown-it's: only a backslash escape could
    come first and change them, and ``_code_spans`` counts those.
    """
    if not _MARKUP_CHARS.search(masked):
        return False
    if not spans or "[" in masked:
        return True
    return any(_MARKUP_CHARS.search(text) for text in _outside_code(masked, spans))


def _outside_code(masked: str, spans: Sequence[tuple[int, int, int]]) -> list[str]:
    """The text before, between and after the code spans."""
    edges = [0, *(x for a, b, _ in spans for x in (a, b)), len(masked)]
    return [masked[a:b] for a, b in zip(edges[::2], edges[1::2])]


class _lazy:
    """A field worked out on first read and then stored on the instance.

    Like functools.cached_property, without the lock that one takes in
    Python 3.11: the build's error checks read only some fields, so the
    others (the prose of a warning, the blocks of a one-line unit) are never
    computed there.
    """

    def __init__(self, func: Callable) -> None:
        self.func, self.name, self.__doc__ = func, func.__name__, func.__doc__

    def __get__(self, obj: object, owner: type | None = None) -> object:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


class _Markup(NamedTuple):
    """What the inline tokens of a string give the checks."""

    dests: tuple[tuple[str, str], ...]  # ("link" | "image", destination)
    tags: tuple[str, ...]  # raw HTML tags: "<b>", "</b>"
    unsafe: tuple[str, ...]
    stray: tuple[tuple[str, str], ...]  # (emphasis run, context) left as literal text
    labels: tuple[str, ...]  # reference link labels, case-folded
    visible: str  # text outside code and markup, URLs still in
    literal: tuple[str, ...] = ()  # every emphasis run left as text, flanking a word or not


class _Parsed:
    """What the checks compare, extracted from one string.

    What every error check reads is worked out at once; the rest (prose for
    the warnings, blocks, breaks and pipes for some kinds of unit only) on
    first use. Read-only from the outside; compare parts, not instances.
    """

    text: str
    masked: str  # shortcodes as private-use characters
    raw_shortcodes: tuple[str, ...]
    spans: tuple[tuple[int, int, int], ...]  # code spans in masked: (start, end, fence length)
    code: tuple[str, ...]  # code span contents, CommonMark-normalised
    open_ticks: tuple[tuple[str, str], ...]  # (backtick run, context) never closed
    shortcodes: tuple[str, ...]
    dests: tuple[tuple[str, str], ...]  # ("link" | "image", destination)
    tags: tuple[str, ...]  # raw HTML tags: "<b>", "</b>"
    unsafe: tuple[str, ...]
    stray: tuple[tuple[str, str], ...]  # (emphasis run, context) left as literal text
    literal: tuple[str, ...]  # every emphasis run left as text (stray or not), not in ``marks``
    labels: tuple[str, ...]  # reference link labels, case-folded
    heading_id: str | None
    marks: tuple  # all of the above: what the error checks compare whatever the unit

    def __init__(self, text: str) -> None:
        d = self.__dict__
        masked, raw = _mask_shortcodes(text)
        d["text"], d["masked"], d["raw_shortcodes"] = text, masked, raw
        spans, unclosed = _code_spans(masked) if "`" in masked else ((), ())
        d["spans"] = tuple(spans)  # kept: a tuple of atoms is left alone by the cyclic GC, a list is not
        unmask = self._unmask
        d["code"] = tuple(unmask(_norm_code(masked[a + n:b - n])) for a, b, n in spans) if spans else ()
        d["open_ticks"] = tuple((r, unmask(c)) for r, c in unclosed) if unclosed else ()
        d["shortcodes"] = tuple(map(_norm_shortcode, raw)) if raw else ()
        if _may_have_markup(masked, spans):
            markup = self._walk()
            d["_visible"] = markup.visible
        else:
            markup = _NO_MARKUP
        d["dests"], d["tags"], d["unsafe"], d["stray"], d["labels"] = markup[:5]
        d["literal"] = markup.literal
        found = _HEADING_ID.search(text) if "{" in text else None
        d["heading_id"] = found.group(0).strip() if found else None
        d["marks"] = (d["code"], d["open_ticks"], d["shortcodes"], *markup[:5], d["heading_id"])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    __delattr__ = __setattr__  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"_Parsed({self.text!r})"

    def _unmask(self, s: str) -> str:
        """Shortcodes back in place of their private-use characters."""
        return s.translate(self._unmask_table) if self.raw_shortcodes else s

    @_lazy
    def _unmask_table(self) -> dict[int, str]:
        return {_PUA + i: s for i, s in enumerate(self.raw_shortcodes[:0xFFFE])}

    @_lazy
    def _visible(self) -> str:
        """Text outside code and markup."""
        if _NEEDS_PARSER.search(self.masked):
            return self._walk().visible
        return "\x03".join(_outside_code(self.masked, self.spans))  # text and code spans only

    @_lazy
    def prose(self) -> str:
        """Visible text outside code, URLs and markup (only warnings read it)."""
        visible = self._visible
        has_url = "://" in visible or "www." in visible or "mailto:" in visible  # what _URL needs
        return _URL.sub("\x03", visible) if has_url else visible

    @_lazy
    def blocks(self) -> tuple[tuple[int, str, str], ...]:
        """(line index, construct, line) for lines that would start a block."""
        return _blocks(self.text)

    @_lazy
    def breaks(self) -> int:
        return len(_NEWLINE.findall(self.text))

    @_lazy
    def pipes(self) -> int:
        """Unescaped |."""
        return len(re.findall(r"(?<!\\)(?:\\\\)*\|", self.text)) if "|" in self.text else 0

    def _walk(self) -> _Markup:
        """What the inline tokens hold: read off the text where it is only plain text, code, links and emphasis."""
        return _plain_inline(self.masked, self.spans, self._unmask) or self._token_walk()

    def _token_walk(self) -> _Markup:
        """One pass over the inline tokens."""
        masked, unmask = self.masked, self._unmask
        dests: list[tuple[str, str]] = []
        tags: list[str] = []
        unsafe: list[str] = []
        stray: list[tuple[str, str]] = []
        literal: list[str] = []
        prose: list[str] = []
        syntax: list[str] = []  # text with markup reduced, for reference labels
        tokens, autolink = _inline_tokens(masked), False
        for i, tok in enumerate(tokens):
            kind = tok.type
            if kind == "text" and not autolink:
                prose.append(tok.content)
                syntax.append(tok.content)
                if "*" in tok.content or "_" in tok.content:
                    stray += _stray_runs(tok.content, _edge(tokens, i - 1), _edge(tokens, i + 1))
                    literal += _DELIMS.findall(tok.content)
            elif kind in ("text_special", "softbreak", "hardbreak"):
                prose.append(tok.content or " ")
                syntax.append(" " if kind == "softbreak" else "\x02")  # a label may wrap across lines
            elif kind == "code_inline":
                prose.append("\x03")
                # kept, for labels such as [`docker run`]; brackets inside code are not a label's
                syntax.append(tok.markup + tok.content.translate(_CODE_BRACKETS) + tok.markup)
            elif kind in ("link_open", "image"):
                url = str(tok.attrGet("href" if kind == "link_open" else "src") or "")
                dests.append(("link" if kind == "link_open" else "image", unmask(url)))
                if bad := _unsafe_url(url):
                    unsafe.append(bad)
                autolink = tok.markup == "autolink"
                if kind == "image":
                    prose.append(f"\x03{tok.content}\x03")
                    syntax.append("\x03")
            elif kind == "link_close":
                autolink = False
            elif kind == "html_inline":
                _html_inline(tok.content, tags, dests, unsafe)
                prose.append("\x03")
                syntax.append("\x03")
        visible = "".join(prose)
        if "<" in visible:  # a tag disguised with entities, or not quite HTML: still no
            unsafe += _unsafe_tags(visible)
            unsafe += [f"{e.lower()}= attribute" for tag in _TAG_LIKE.findall(visible)
                       for e in _EVENT.findall(tag)]
        bracketed = _LABEL.finditer("".join(syntax)) if "[" in masked else ()
        labels = (unmask(" ".join((m.group(2) or m.group(1)).split()).casefold()) for m in bracketed)
        return _Markup(tuple(dests), tuple(tags), tuple(unsafe),
                       tuple((r, unmask(c)) for r, c in stray), tuple(label for label in labels if label), visible,
                       tuple(literal))


_NO_MARKUP = _Markup((), (), (), (), (), "")
# Outside code spans (each one \x03 here, as in the visible text), text that no inline rule
# starts on but ``link``, ``image`` and ``emphasis`` (no escape, entity, tag, line break, nor a
# bracket but a link's); links and images in their plainest form, [text with none of those,
# nor * or _, code spans allowed in a link's] (destination with no space, parenthesis,
# backslash or code); and runs of * or _.
_PLAIN_TEXT = r"(?:[^\[\]<*_\\&!\r\n\x00]|!(?!\[))"  # NUL: the parser reads U+FFFD there
_LINK_FORM = (  # groups: a link's text; "!" and an image's alt; the destination
    r"(?:\[(@[^\[\]<*_\\&!\r\n`\x00]+)\]|(@!)\[(@[^\[\]<*_\\&!\r\n`\x00\x03]+)\])"
    r"\((@[^<\x00-\x20\x7f\\()`][^\x00-\x20\x7f\\()`]*)\)"
)
# Without its groups inside the possessive _PLAIN_INLINE: Python 3.11's re can misplace a
# group's span there ("The span of capturing group is wrong").
_PLAIN_LINK = _LINK_FORM.replace("(@", "(?:")
_PLAIN_INLINE = re.compile(rf"(?:{_PLAIN_TEXT}++|{_PLAIN_LINK}|\*++|_++)*+")  # possessive: linear when it fails
_ATOM = re.compile(rf"{_LINK_FORM.replace('(@', '(')}|(\*+|_+)")


def _plain_inline(masked: str, spans: Sequence[tuple[int, int, int]], unmask: Callable[[str], str]) -> _Markup | None:
    """What the token walk finds in text made only of plain text, code spans, plain links and simple
    emphasis; None otherwise.

    Most strings with markup in a documentation site are that, and reading
    them off costs a few regexes where markdown-it's inline parser costs a
    hundred times more. The tokens of such text are known: text; a code
    span per span (``_code_spans`` finds markdown-it's where no backslash
    stands outside them); ``link_open`` with the destination as written,
    its text, ``link_close``; and emphasis where every run of * or _ pairs
    with the next one: the same run of one or two, the first only able to
    open and the second only able to close (markdown-it's ``scanDelims``),
    nothing but text and code between them. A hypothesis test holds this
    equal to the walk.
    """
    if "\x03" in masked:
        return None
    flat = "\x03".join(_outside_code(masked, spans)) if spans else masked
    if not _PLAIN_INLINE.fullmatch(flat):
        return None
    dests, unsafe, runs, links = [], [], [], []
    for m in _ATOM.finditer(flat):
        if m[5] is None:
            url = unescapeAll(m[4])
            dests.append(("image" if m[2] else "link", unmask(url)))
            if bad := _unsafe_url(url):
                unsafe.append(bad)
            links.append(m.start())
        else:
            runs.append(m)
    if runs:
        if len(runs) % 2:
            return None
        for opener, closer in zip(runs[::2], runs[1::2]):
            if opener[5] != closer[5] or len(opener[5]) > 2 or _delimits(flat, opener) != (True, False):
                return None
            if _delimits(flat, closer) != (False, True) or any(opener.end() <= at < closer.start() for at in links):
                return None
    visible = _ATOM.sub(_shown, flat) if runs or links else flat
    return _Markup(tuple(dests), (), tuple(unsafe), (), (), visible, ())


def _shown(m: re.Match[str]) -> str:
    """What an atom of ``_ATOM`` leaves of itself in the visible text, as the token walk writes it."""
    if m[5] is not None:
        return ""  # an emphasis run
    return m[1] if m[2] is None else f"\x03{m[3]}\x03"  # a link's text; an image's alt, set apart


def _delimits(flat: str, run: re.Match[str]) -> tuple[bool, bool]:
    """(can open, can close) of a run of * or _, as markdown-it's ``scanDelims`` finds them.

    Line ends count as whitespace; a code span's place (\x03) stands for its backtick.
    """
    last = flat[run.start() - 1] if run.start() else " "
    nxt = flat[run.end()] if run.end() < len(flat) else " "
    last, nxt = ("`" if last == "\x03" else last), ("`" if nxt == "\x03" else nxt)
    last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
    next_punct = isMdAsciiPunct(ord(nxt)) or isPunctChar(nxt)
    last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
    left = not (next_space or (next_punct and not (last_space or last_punct)))
    right = not (last_space or (last_punct and not (next_space or next_punct)))
    if run[0][0] == "*":
        return left, right
    return left and (not right or last_punct), right and (not left or next_punct)


@lru_cache(maxsize=1 << 15)  # msgids repeat across pages; about 30 MB when full
def _parse(text: str) -> _Parsed:
    return _Parsed(text)


def _language(locale: str) -> str:
    return re.split(r"[_\-@.]", locale, maxsplit=1)[0].lower()


@lru_cache(maxsize=64)
def _han_or_kana(locale: str) -> bool:
    """True when the locale's script is Hans, Hant or Jpan (CLDR likely subtags)."""
    from babel.core import get_global, parse_locale  # only a warning needs it, not the errors a build asks for

    base = re.split(r"[@.]", locale)[0].replace("-", "_")
    try:
        language, territory, script, *_ = parse_locale(base)
    except (ValueError, TypeError):
        return False
    likely = get_global("likely_subtags")
    for key in (f"{language}_{territory}", language):
        if not script and key in likely:
            script = parse_locale(likely[key])[2]
    return script in ("Hans", "Hant", "Jpan")


# --- the checks -------------------------------------------------------------------

_REGISTRY: list[Check] = []


def _check(name: str, severity: str, description: str) -> Callable:
    def register(func: Callable) -> Callable:
        _REGISTRY.append(Check(name, description, severity, func))
        return func

    return register


def _excess(source: Iterable, translation: Iterable, key: Callable = lambda x: x) -> list:
    """Items of the translation beyond what the source has, in order."""
    if not translation or translation == source:
        return []
    extra = Counter(map(key, translation)) - Counter(map(key, source))
    out = []
    for item in translation:
        if extra[key(item)] > 0:
            extra[key(item)] -= 1
            out.append(item)
    return out


def _short(s: str, width: int = 60) -> str:
    s = s if len(s) <= width else s[: width - 1] + "…"
    return s or "(empty)"


def _code(c: str) -> str:
    fence = "`" * (max(map(len, _TICKS.findall(c)), default=0) + 1)
    pad = " " if c.startswith("`") or c.endswith("`") else ""
    return f"{fence}{pad}{c}{pad}{fence}"


def _changes(what: str, old: list[str], new: list[str], added: bool = True) -> Iterable[str]:
    """"X changed to Y" for one swap, else each missing (and added) item."""
    if len(old) == 1 and len(new) == 1:
        yield f"{what} {old[0]} changed to {new[0]}"
        return
    yield from (f"{what} {o} missing from translation" for o in old)
    yield from (f"{what} {n} is not in the source" for n in new if added)


@_check("inline-code", "error", "inline code spans must be kept unchanged")
def _inline_code(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    old, new = _excess(tr.code, src.code), _excess(src.code, tr.code)
    return _changes("inline code", [_code(c) for c in old], [_code(c) for c in new], False)


@_check("backticks", "error", "every backtick run must have a closing run")
def _backticks(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    for run, context in _excess(src.open_ticks, tr.open_ticks, key=lambda x: x[0]):
        yield f"backtick {_code(run)} near “{context}” has no closing {_code(run)}"


@_check("links", "error", "link and image destinations must stay as in the source")
def _links(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    def bare(dest: str) -> str:
        return _PLACEHOLDER.sub("", _mask_shortcodes(dest)[0])

    def shown(dests: list, other: _Parsed) -> list[str]:  # a lost {{< ref >}}: "shortcodes" says it
        return [f"{kind} destination {_short(d)}" for kind, d in dests
                if bare(d) or all(_norm_shortcode(s) in other.shortcodes
                                  for s in _mask_shortcodes(d)[1])]

    old, new = _excess(tr.dests, src.dests), _excess(src.dests, tr.dests)
    if len(old) == len(new) == 1 and old[0][0] == new[0][0]:
        if bare(old[0][1]) != bare(new[0][1]):
            yield f"{old[0][0]} destination {_short(old[0][1])} changed to {_short(new[0][1])}"
        return
    yield from (f"{d} missing from translation" for d in shown(old, tr))
    yield from (f"{d} is not in the source" for d in shown(new, src))


@_check("reference-links", "error", "reference link labels [label] must be kept")
def _reference_links(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    for label in _excess(tr.labels, src.labels):
        yield f"reference link [{label}] missing from translation (keep the label as is)"


@_check("shortcodes", "error", "Hugo shortcodes {{< >}} and {{% %}} must be kept unchanged")
def _shortcodes(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    old, new = _excess(tr.shortcodes, src.shortcodes), _excess(src.shortcodes, tr.shortcodes)
    return _changes("shortcode", [_short(s) for s in old], [_short(s) for s in new])


@_check("html", "error", "no raw HTML tags that the source does not have")
def _html(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    for tag in _excess(src.tags, tr.tags):
        yield f"HTML tag {tag} is not in the source"


@_check("unsafe", "error", "no <script>, <iframe>, <style>, on…= handlers, javascript:/data: URLs")
def _unsafe(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    for item in _excess(src.unsafe, tr.unsafe):
        yield f"unsafe markup in translation: {item}"


@_check("block-syntax", "error", "no new block: #, -, 1., >, ```, ---, |, HTML, indented code")
def _block_syntax(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    if "table" in opt.kind and tr.pipes > src.pipes:
        yield "unescaped | would split the table cell; write \\| instead"
    if opt.inline:
        return  # one line only, and "newline" reports a line break
    for i, construct, line in _excess(src.blocks, tr.blocks, key=lambda b: (b[0] == 0, b[1])):
        where = f"line {i + 1} of the translation" if i else "the translation"
        yield f"{where} would start a {construct}: “{_short(line.strip())}”"


@_check("emphasis", "error", "emphasis markers (*, **, _, __) must open and close")
def _emphasis(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    # A marker the source shows as text too is no loss, even where the
    # translation's punctuation makes it flank a word: ‹** only.**›.
    extra = _excess([(run, "") for run in src.literal], tr.stray, key=lambda x: x[0])
    if extra:
        (run, context), more = extra[0], f" ({len(extra)} markers)" if len(extra) > 1 else ""
        yield (f"emphasis marker {run} near “{context}” does not pair up and will show as is{more};"
               " beside punctuation a marker needs a space on its outer side")


@_check("heading-id", "error", "a heading id {#id} must be kept, unchanged, at the end")
def _heading_id(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    if opt.kind != "heading":
        return  # after a paragraph or a cell, Hugo shows {#id} as text
    old, new = src.heading_id, tr.heading_id
    if old and new and old != new:
        yield f"heading id {old} changed to {new}"
    elif old and not new:
        yield f"heading id {old} missing from the end of the translation"
    elif new and not old:
        yield f"heading id {new} added; the source has none"


@_check("newline", "error", "headings, table cells and front matter values stay on one line")
def _newline(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    if opt.inline and tr.breaks > src.breaks:
        yield f"line break in a {opt.kind}: it must stay on one line"


@_check("untranslated", "warning", "translation identical to a source of two or more words")
def _untranslated(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    if (tr.text == src.text and opt.locale
            and _language(opt.locale) != _language(opt.source_locale)
            and len(_WORD.findall(src.prose)) >= 2):
        yield "translation is identical to the source: copied, not translated?"


@_check("whitespace", "warning", "leading and trailing whitespace as in the source")
def _whitespace(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    a, b = src.text, tr.text
    if not (a[:1].isspace() or a[-1:].isspace() or b[:1].isspace() or b[-1:].isspace()):
        return  # strip() takes off what isspace() calls whitespace: nothing here
    for where, x, y in (("leading", a[: len(a) - len(a.lstrip())], b[: len(b) - len(b.lstrip())]),
                        ("trailing", a[len(a.rstrip()):], b[len(b.rstrip()):])):
        if x != y:
            yield f"{where} whitespace differs: source {x!r}, translation {y!r}".replace("''", "none")


@_check("cjk-spacing", "warning", "a space between CJK and Latin letters or digits (zh, ja)")
def _cjk_spacing(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> Iterable[str]:
    if not opt.wants_cjk_spacing:
        return
    text, spots = tr.prose, []
    if not _CJK_RUN.search(text):
        return  # no CJK letter, no boundary to look at
    for m in _CJK_LATIN.finditer(text):
        p = m.start()
        before_cjk = _CJK_RUN.fullmatch(text[p - 1])
        left_run, right_run = (_CJK_RUN, _LATIN_RUN) if before_cjk else (_LATIN_RUN, _CJK_RUN)
        left = [r.group() for r in left_run.finditer(text, max(0, p - 6), p)][-1]
        right = right_run.match(text, p).group()[:12]
        spots.append(f"{left}{right} → {left} {right}")
    if spots:
        more = f" (and {len(spots) - 3} more)" if len(spots) > 3 else ""
        yield f"missing space between CJK and Latin text: {'; '.join(spots[:3])}{more}"


FUZZY = Check("fuzzy", "fuzzy entry: the source changed since translation, or it awaits review", "warning", None)
CHECKS: tuple[Check, ...] = (*_REGISTRY, FUZZY)
_ERROR_CHECKS = tuple(c for c in CHECKS if c.severity == "error")


def fuzzy_finding(msgid: str, previous_msgid: str | None = None) -> Finding:
    """The warning for a fuzzy entry; the catalog side decides which are fuzzy.

    With a previous msgid (``#|``) the source changed since the translation;
    without one, the entry was made fuzzy otherwise (a match from translation
    memory, an import whose markup differs) and only awaits review.
    """
    if previous_msgid is not None and previous_msgid != msgid:
        return Finding(FUZZY.name, FUZZY.severity, "fuzzy: source changed since translation")
    return Finding(FUZZY.name, FUZZY.severity, "fuzzy: needs review (no previous msgid)")


def _alike_for_errors(src: _Parsed, tr: _Parsed, opt: CheckOptions) -> bool:
    """True when the msgstr has exactly the msgid's markup: every error check
    reports what the translation has more (or less) of, so none can fire.

    Compares everything the error checks read; a good translation usually
    keeps all of it, and then no check needs to run.
    """
    if src.text == tr.text:
        return True
    same = src.marks == tr.marks
    if same and "table" in opt.kind:
        same = src.pipes == tr.pipes
    if same:
        same = src.breaks == tr.breaks if opt.inline else src.blocks == tr.blocks
    return same


# None of: code span, shortcode, heading id, link, tag, entity, emphasis, pipe, line break.
_NO_MARKS = re.compile(r"[^`{\[<&*_|\r\n]*")


def _both_plain(msgid: str, msgstr: str, opt: CheckOptions) -> bool:
    """``_alike_for_errors`` without parsing, for the half of strings that are plain text.

    Such a string has no marks, pipes or breaks; all that is left to compare
    is the block its one line could open, and a line that opens none in
    both strings has the same (none).
    """
    if not (_NO_MARKS.fullmatch(msgid) and _NO_MARKS.fullmatch(msgstr)):
        return False
    return opt.inline or not (_FIRST_LINE_RE.match(msgid) or _FIRST_LINE_RE.match(msgstr))


def check_message(msgid: str, msgstr: str, options: CheckOptions = CheckOptions(),
                  checks: Iterable[Check] = CHECKS) -> list[Finding]:
    """All findings for one translation; an empty msgstr is untranslated, not wrong."""
    if not msgstr:
        return []
    src, tr = _parse(msgid), _parse(msgstr)
    skip = "error" if _alike_for_errors(src, tr, options) else None
    return [Finding(c.name, c.severity, message)
            for c in checks if c.func is not None and c.severity != skip
            for message in c.func(src, tr, options)]


def errors(msgid: str, msgstr: str, options: CheckOptions = CheckOptions()) -> list[Finding]:
    """Only the errors: the build keeps the source text of a unit that has any.

    Asked of every translated unit a build writes, so the usual answer
    (the msgstr keeps the msgid's markup: none) returns before any list is made.
    """
    if not msgstr or msgstr == msgid or _both_plain(msgid, msgstr, options):
        return []
    if _alike_for_errors(_parse(msgid), _parse(msgstr), options):
        return []
    return check_message(msgid, msgstr, options, _ERROR_CHECKS)
