"""Shared value types passed between stages.

Every stage takes and returns these frozen dataclasses, so a stage can be
tested alone and no stage reaches into another's third-party objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The original-source block a localized page opens with, and the words that
# mark it in a source page (never extracted): defaults of the configuration.
ATTRIBUTION_TEMPLATE = "> 原文：[{url}]({url})\n>\n> 收录该文档的时间：`{timestamp}`"
ATTRIBUTION_MARKERS = ("原文", "收录该文档的时间")


@dataclass(frozen=True)
class Keys:
    """Which front matter values are translated."""

    scalars: tuple[str, ...] = ("title", "linkTitle", "description", "summary")
    card_fields: tuple[str, ...] = ("title", "description")


@dataclass(frozen=True)
class Span:
    """A half-open range of character offsets into a page's decoded text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True)
class Unit:
    """One translatable string of a page and where it stands.

    ``msgid`` is the text as written, soft line breaks collapsed to spaces.
    ``span`` covers the text in the page that a translation replaces;
    ``kind`` says what the text is (``heading``, ``paragraph``,
    ``table cell``, ``front matter title``, ``card description`` ...).
    ``prefix`` is what a new line inside the unit must start with (``> ``,
    list indentation), ``inline`` is true where a translation must stay on
    one line (headings, table cells, front matter values).
    """

    msgid: str
    kind: str
    line: int
    span: Span
    msgctxt: str | None = None
    prefix: str = ""
    inline: bool = False
    key: tuple[str | int, ...] = ()

    def __hash__(self) -> int:
        """Where the unit starts: consistent with ``==``, and cheap, where the
        generated hash of every field cost a build ~5 % (splice keys its edits
        by unit)."""
        return self.span.start


def new_unit(
    msgid: str, kind: str, line: int, span: Span, msgctxt: str | None = None, prefix: str = "",
    inline: bool = False, key: tuple[str | int, ...] = (),
) -> Unit:
    """``Unit(...)``, its fields set at once, the way ``pickle`` restores an instance.

    A frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``; the segmenter and the record reader make one
    unit per string of every page. ``Unit`` has nothing in ``__post_init__``
    to skip (a test holds the two equal).
    """
    unit = _new(Unit)
    _set(unit, "__dict__", {
        "msgid": msgid, "kind": kind, "line": line, "span": span,
        "msgctxt": msgctxt, "prefix": prefix, "inline": inline, "key": key,
    })
    return unit


_new, _set = object.__new__, object.__setattr__


@dataclass(frozen=True)
class FrontMatter:
    """The front matter block of a page: its syntax and where it stands."""

    syntax: str  # "yaml", "toml" or "json"
    span: Span  # the whole block, fences and final line break included
    body: Span  # the text between the fences


@dataclass(frozen=True)
class Page:
    """A source page cut into units. ``text`` is decoded, BOM removed."""

    path: str
    text: str
    bom: bool
    units: tuple[Unit, ...]
    front_matter: FrontMatter | None = None
    structure: str = ""  # the body's block tokens, ``segment.block_signature``; "" unknown


@dataclass(frozen=True)
class Problem:
    """Something wrong, located. ``line`` is 1-based, 0 when unknown."""

    path: str
    line: int
    message: str
    check: str = ""
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        tag = f" [{self.check}]" if self.check else ""
        return f"{where}:{tag} {self.message}"


class Docl10nError(Exception):
    """An error in the user's input, located at ``path:line``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(path=str(path), line=line, message=message)

    def __str__(self) -> str:
        return str(self.problem)


@dataclass(frozen=True)
class Coverage:
    """Message and word counts; translated + fuzzy + untranslated = total."""

    name: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    obsolete: int = 0
    words_total: int = 0
    words_translated: int = 0
    words_fuzzy: int = 0
    children: tuple[Coverage, ...] = field(default=(), compare=False)

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0

    @property
    def words_percent(self) -> float:
        return 100.0 * self.words_translated / self.words_total if self.words_total else 100.0
