"""Scraped page capture -> clean source page in the mirror's Hugo form.

A capture (seed 001) is a crawler header (``# Title | Docker Docs``,
``**URL:**``, ``**Word Count:**``, ``**Links Count:**``, ``**Scraped:**``,
``**Status:**``, then ``---``) followed by the page as the crawler saw it,
site chrome included. ``ingest_text`` turns it into the form the mirror keeps
(seed 000): TOML front matter, the attribution block, and the body without
chrome, each card heading split back into a title and a description.

Time zone: the crawler writes a clock time with no zone. It is read as clock
time at ``scraped_offset`` (default: the output offset, so the clock time is
kept as written) and written at ``utc_offset`` (default ``+08:00``, the
mirror's): ``2025-07-16 01:54:44`` becomes ``2025-07-16T01:54:44+08:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from .model import Docl10nError

# Docker's defaults, as data. Each pattern must match a whole block (a line
# standing alone between blank lines), leading and trailing blanks ignored.
DOCKER_CHROME = (
    r"Back",
    r"Page options",
    r"Copy page as Markdown for LLMs",
    r"View page as plain text",
    r"Ask questions with Docs AI",
    r"Table of contents",
    r"On this page",
    r"\[?Edit this page\]?(?:\([^)\s]*\))?",
    r"\[?Request changes\]?(?:\([^)\s]*\))?",
    r"(?:\* *){3,}",  # the crawler's <hr>
    r"(?:[*+-] +\[[^\]]*\]\([^)\s]*#[^)\s]*\) *)+",  # table of contents list
    r"(?:[*+-] +\[(?:Get started|Guides|Manuals|Reference)\]"
    r"\(https://docs\.docker\.com/[\w-]+/\) *){2,}",  # top navigation
    r"\[[^\]]*[«»][^\]]*\]\([^)\s]*\)",  # previous / next page link
)
# A block matching one of these starts the footer: it and all after it go.
DOCKER_FOOTER = (r"Was this page helpful\?", r"Product offerings", r"Copyright ©.*")
# Words a card description usually starts with; a glue point before one wins.
DESCRIPTION_STARTS = tuple("""
    A An Access Add Automate Browse Build Check Compare Configure Connect
    Containerize Craft Create Debug Deploy Develop Discover Dive Enable Explore
    Find Follow Gain Get How Install Integrate Learn Manage Master Migrate
    Monitor Optimize Overview Protect Publish Read Run Scan Secure See Set Share
    Start Take Troubleshoot Try Understand Update Use View Write""".split())
# Names whose inner capital is not a glue point.
PROTECTED_WORDS = tuple("""
    BuildKit CircleCI DevOps GitHub GitLab IntelliJ JavaScript LangChain LinkedIn
    macOS iOS MongoDB MySQL OpenAI PostgreSQL PowerShell TypeScript WebAssembly
    WordPress YouTube""".split())
ATTRIBUTION = "> 原文：[{url}]({url})\n>\n> 收录该文档的时间：`{date}`"


@dataclass(frozen=True)
class CaptureOptions:
    """How to read a capture; the defaults fit docs.docker.com and its mirror."""

    site_suffix: str = r"\s*\|\s*Docker Docs"  # regex cut from the end of the title
    chrome: tuple[str, ...] = DOCKER_CHROME
    footer: tuple[str, ...] = DOCKER_FOOTER
    drop_before_h1: bool = True  # back link, breadcrumb, top nav, guide sidebar
    card_heading: str = r"#{3}[ \t]+\[(?P<text>.+)\]\((?P<url>[^()\s]+)\)"
    description_starts: tuple[str, ...] = DESCRIPTION_STARTS
    protected_words: tuple[str, ...] = PROTECTED_WORDS
    split_flat_lists: bool = True  # "* a.   * b." -> one item per line
    utc_offset: str = "+08:00"
    scraped_offset: str | None = None
    weight: int = 1
    page_type: str = "docs"
    description: str = ""
    cjk: bool = True
    draft: bool = False
    attribution: str = ATTRIBUTION  # str.format with {url} and {date}
    trailing_slash: bool = True
    statuses: tuple[str, ...] = ("completed",)

    def __post_init__(self) -> None:
        _zone(self.utc_offset)
        if self.scraped_offset is not None:
            _zone(self.scraped_offset)
        for pattern in (self.site_suffix, self.card_heading, *self.chrome, *self.footer):
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(f"bad pattern {pattern!r}: {e}") from None
        try:
            self.attribution.format(url="u", date="d")
        except (KeyError, IndexError, ValueError) as e:
            raise ValueError(f"bad attribution template: {e!r}") from None


@dataclass(frozen=True)
class Captured:
    """A capture made clean. ``relpath`` is a suggestion: ``_index.md`` pages
    cannot be told apart from leaf pages by their URL."""

    url: str
    title: str
    scraped: datetime
    word_count: int
    links_count: int | None
    text: str
    relpath: str


def _zone(offset: str) -> timezone:
    m = re.fullmatch(r"([+-])([01]\d|2[0-3]):([0-5]\d)|Z", offset)
    if not m:
        raise ValueError(f"bad UTC offset {offset!r}; expected +HH:MM, -HH:MM or Z")
    if offset == "Z":
        return UTC
    delta = timedelta(hours=int(m[2]), minutes=int(m[3]))
    return timezone(-delta if m[1] == "-" else delta)


@lru_cache(maxsize=64)
def _any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


_NEWLINE = re.compile(r"\r\n|\r|\n")
_FIELD = re.compile(r"\*\*(?P<key>[^*]+?):\*\*[ \t]*(?P<value>.*?)[ \t]*")
_H1 = re.compile(r" {0,3}#(?:[ \t]|$)")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FLAT_ITEM = re.compile(r" *(?:[*+-]|\d{1,9}[.)]) ")
_FLAT_GLUE = re.compile(r"(?<=\S) {3}(?=(?:[*+-]|\d{1,9}[.)]) )")
_SENTENCE_END = re.compile(r"[.!?][)\"'’”]?$")
_FIRST_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?=[ \t,.:;!?]|$)")


def split_card(text: str, options: CaptureOptions = CaptureOptions()) -> tuple[str, str] | None:
    """Split a card's glued link text into (title, description), or None.

    The crawler drops the boundary between the two, so the glue point is a
    capital letter right after a non-space: after a lowercase letter, digit
    or closing punctuation (``?L``, ``eL``, ``2U``, ``)T``), or the last
    capital of a run (``macOSLearn``). Capitals inside protected names
    (``GitHub``) do not count. A candidate description must start with a
    word (``Learn``, ``A``) and end like a sentence or have three words;
    one starting with a usual description word wins, then one ending like a
    sentence, then the leftmost (titles are short, descriptions may contain
    ``GitHub`` or ``Docker Compose`` themselves).
    """
    inner = {i for w in options.protected_words for m in re.finditer(re.escape(w), text)
             for i in range(m.start() + 1, m.end())}
    best, best_key = None, None
    for i in range(1, len(text)):
        c, p, n = text[i], text[i - 1], text[i + 1:i + 2]
        if not c.isupper() or p.isspace() or i in inner:
            continue
        if p.isupper() and not n.islower():
            continue
        title, desc = text[:i].rstrip(), text[i:]
        first = _FIRST_WORD.match(desc)
        if not title or not first or any(ch.isupper() for ch in first[0][1:]):
            continue
        sentence = bool(_SENTENCE_END.search(desc))
        if not sentence and len(desc.split()) < 3:
            continue
        key = (first[0] in options.description_starts, sentence, -i)
        if best_key is None or key > best_key:
            best, best_key = (title, desc), key
    return best


def ingest_text(text: str, name: str, options: CaptureOptions = CaptureOptions()) -> Captured:
    """Turn a capture's decoded text into a clean page; ``name`` locates errors."""
    name = str(name)
    text = text.removeprefix("\ufeff")
    newline = m[0] if (m := _NEWLINE.search(text)) else "\n"
    lines = _NEWLINE.split(text)
    if not text.strip():
        raise Docl10nError(name, 1, "empty capture")
    title, fields, body_start = _header(lines, name, options)
    url, relpath = _url(*fields["url"], name, options)
    scraped = _scraped(*fields["scraped"], name, options)
    word_count = _count(*fields["word count"], name)
    links_count = _count(*fields["links count"], name) if "links count" in fields else None
    date = scraped.isoformat(timespec="seconds")
    front = [
        "+++",
        f"title = {_toml_str(title)}",
        f"date = {date}",
        f"weight = {int(options.weight)}",
        f"type = {_toml_str(options.page_type)}",
        f"description = {_toml_str(options.description)}",
        f"isCJKLanguage = {'true' if options.cjk else 'false'}",
        f"draft = {'true' if options.draft else 'false'}",
        "+++",
    ]
    attribution = _NEWLINE.split(options.attribution.format(url=url, date=date))
    body = _clean_body(lines[body_start:], title, options)
    page = [*front, "", *attribution, "", *body]
    return Captured(url=url, title=title, scraped=scraped, word_count=word_count,
                    links_count=links_count, text=newline.join(page) + newline,
                    relpath=relpath)


def ingest_file(path: Path, options: CaptureOptions = CaptureOptions()) -> Captured:
    """Read and ingest one capture file; bad bytes become a located error."""
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise Docl10nError(str(path), 0, f"cannot read capture: {e.strerror or e}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = len(_NEWLINE.findall(data[:e.start].decode("utf-8", "replace"))) + 1
        raise Docl10nError(str(path), line, f"not valid UTF-8: byte 0x{data[e.start]:02x} "
                           f"at offset {e.start}") from None
    return ingest_text(text, str(path), options)


def _header(lines: list[str], name: str, options: CaptureOptions):
    """Title, fields ``{key: (value, line)}`` and the index where the body starts."""
    i = next(i for i, line in enumerate(lines) if line.strip())
    m = re.fullmatch(r"[ \t]*#[ \t]+(.*)", lines[i])
    if not m:
        raise Docl10nError(name, i + 1, "expected the capture title ('# Title') first")
    title = re.sub(f"(?:{options.site_suffix})$", "", m[1].strip()).strip()
    if not title:
        raise Docl10nError(name, i + 1, "capture title is empty")
    fields: dict[str, tuple[str, int]] = {}
    first_field = i + 2
    for j in range(i + 1, len(lines)):
        line = lines[j].strip()
        if not line:
            continue
        if line == "---":
            break
        f = _FIELD.fullmatch(line)
        if not f:
            raise Docl10nError(name, j + 1, f"unexpected line in capture header: {line[:60]!r}")
        key = f["key"].strip().lower()
        if key in fields:
            raise Docl10nError(name, j + 1, f"repeated **{f['key']}:** line")
        if not fields:
            first_field = j + 1
        fields[key] = (f["value"], j + 1)
    else:
        raise Docl10nError(name, len(lines), "capture header is not closed by a '---' line")
    for key, label in (("url", "URL"), ("word count", "Word Count"), ("scraped", "Scraped")):
        if key not in fields:
            raise Docl10nError(name, first_field, f"missing **{label}:** line")
    if "status" in fields:
        status, line_no = fields["status"]
        if status.lower() not in options.statuses:
            raise Docl10nError(name, line_no, f"capture status is {status!r}, not completed")
    return title, fields, j + 1


def _url(value: str, line: int, name: str, options: CaptureOptions) -> tuple[str, str]:
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        raise Docl10nError(name, line, f"malformed **URL:** {value[:80]!r}")
    path = parts.path
    last = path.rsplit("/", 1)[-1]
    if options.trailing_slash and last and "." not in last:
        path += "/"
    segments = [unquote(s) for s in path.split("/") if s]
    if any(s in (".", "..") or re.search(r"[\x00-\x1f/\\]", s) for s in segments):
        raise Docl10nError(name, line, f"URL path cannot name a file: {parts.path[:80]!r}")
    relpath = re.sub(r"(?:\.html?)?\Z", ".md", "/".join(segments), count=1) if segments else "_index.md"
    return urlunsplit(parts._replace(path=path)), relpath


def _scraped(value: str, line: int, name: str, options: CaptureOptions) -> datetime:
    out = _zone(options.utc_offset)
    zone = _zone(options.scraped_offset) if options.scraped_offset is not None else out
    try:
        when = datetime.fromisoformat(value)
        when = when if when.tzinfo else when.replace(tzinfo=zone)
        return when.astimezone(out).replace(microsecond=0)
    except (ValueError, OverflowError):
        raise Docl10nError(name, line, f"malformed **Scraped:** time {value[:40]!r}; "
                           "expected YYYY-MM-DD HH:MM:SS") from None


def _count(value: str, line: int, name: str) -> int:
    digits = value.replace(",", "")
    if not re.fullmatch(r"[0-9]{1,12}", digits):
        raise Docl10nError(name, line, f"malformed count {value[:40]!r}")
    return int(digits)


def _toml_str(value: str) -> str:
    """A TOML basic string, quoted the way the mirror's pages are."""
    escapes = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
               "\f": "\\f", "\r": "\\r"}
    return '"' + "".join(
        escapes.get(c) or (f"\\u{ord(c):04X}" if ord(c) < 0x20 or ord(c) == 0x7F else c)
        for c in value) + '"'


def _blocks(lines: list[str]) -> list[list[str]]:
    """Group lines into blank-separated blocks; a fenced code block stays whole."""
    blocks: list[list[str]] = []
    current: list[str] = []
    fence = ""
    for line in lines:
        if fence:
            current.append(line)
            if re.fullmatch(f" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*", line):
                fence = ""
        elif not line.strip():
            if current:
                blocks.append(current)
            current = []
        else:
            current.append(line)
            if f := _FENCE.match(line):
                fence = f[1]
    if current:
        blocks.append(current)
    return blocks


def _clean_body(lines: list[str], title: str, options: CaptureOptions) -> list[str]:
    blocks = _blocks(lines)
    start = next((k for k, b in enumerate(blocks) if _H1.match(b[0])), None)
    if start is None:
        blocks.insert(0, [f"# {title}"])
    elif options.drop_before_h1:
        blocks = blocks[start:]
    chrome, footer = _any(options.chrome), _any(options.footer)
    card = re.compile(options.card_heading)
    out: list[list[str]] = []
    for block in blocks:
        if _FENCE.match(block[0]):
            out.append(block)
            continue
        alone = block[0].strip() if len(block) == 1 else None
        if alone is not None and footer.fullmatch(alone):
            break
        if alone is not None and chrome.fullmatch(alone):
            continue
        c = card.fullmatch(alone) if alone is not None else None
        if c and (parts := split_card(c["text"], options)):
            out += [[f"[{parts[0]}]({c['url']})"], [parts[1]]]
            continue
        if options.split_flat_lists and not any(_FENCE.match(x) for x in block):
            block = [part for line in block for part in _split_flat(line)]
        out.append(block)
    result: list[str] = []
    for block in out:
        result += [*([""] if result else []), *block]
    return result


def _split_flat(line: str) -> list[str]:
    """``  * a.   * b.`` (a list the crawler put on one line) -> one item a line."""
    if not _FLAT_ITEM.match(line):
        return [line]
    indent = line[: len(line) - len(line.lstrip(" "))]
    cuts = [m.start() for m in _FLAT_GLUE.finditer(line) if line[: m.start()].count("`") % 2 == 0]
    edges = [0, *cuts, len(line)]
    parts = [line[a:b].strip() for a, b in zip(edges, edges[1:])]
    return [indent + p for p in parts]
