"""POT/PO catalogs: make templates, merge them into translations, read them back.

The only module that writes PO files, and polib the only library it writes
them with, so headers and wrapping never churn between tools. Merging keeps
every translation: an exact match stays, a changed string keeps its old
translation as fuzzy with ``#| msgid``, a removed one becomes obsolete.
polib's own merge drops changed strings, so the fuzzy matcher is ours.
"""

from __future__ import annotations

import codecs
import os
import re
import textwrap
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from difflib import SequenceMatcher
from itertools import accumulate

import polib

from .model import Docl10nError, Unit

FIRST_EXTRACTED = "X-First-Extracted"
FUZZY_CUTOFF = 0.6
WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Translation:
    """What a catalog says for one msgid."""

    msgstr: str
    fuzzy: bool
    line: int = 0
    previous_msgid: str | None = None


@dataclass(frozen=True)
class MergeSummary:
    """What an update did to one catalog."""

    new: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    memory: int = 0
    changed: bool = False


def now() -> datetime:
    """The current time, or SOURCE_DATE_EPOCH for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC)
    return datetime.now(UTC).astimezone()


def _po_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M%z")


def _entries_key(entries: Iterable[polib.POEntry | _Fresh]) -> list[tuple]:
    return [(e.msgctxt, e.msgid, tuple(e.occurrences), e.comment, e.obsolete) for e in entries]


# -- templates ----------------------------------------------------------------


class _Fresh:
    """A template entry while a page's units are grouped: what ``_entry_text`` reads of a polib entry.

    Extract writes one template per page and needs no entry objects for it:
    making polib's was a quarter of writing a template.
    """

    __slots__ = ("comment", "msgctxt", "msgid", "occurrences")
    tcomment, obsolete, flags, msgstr = "", False, (), ""
    previous_msgctxt = previous_msgid = previous_msgid_plural = None

    def __init__(self, msgctxt: str | None, msgid: str, comment: str) -> None:
        self.msgctxt, self.msgid, self.comment = msgctxt, msgid, comment
        self.occurrences: list[tuple[str, str]] = []


def _grouped(units: Iterable[Unit], ref: str) -> list[_Fresh]:
    """Identical strings as one entry with every reference; the ``#.`` comment says what the string is."""
    by_key: dict[tuple[str | None, str], _Fresh] = {}
    for u in units:
        key = (u.msgctxt, u.msgid)
        entry = by_key.get(key)
        if entry is None:
            entry = by_key[key] = _Fresh(u.msgctxt, u.msgid, u.kind)
        elif u.kind not in entry.comment.split(", "):
            entry.comment += ", " + u.kind
        entry.occurrences.append((ref, str(u.line)))
    return list(by_key.values())


def template(
    units: Iterable[Unit], ref: str, project: str, previous: polib.POFile | None = None
) -> polib.POFile | None:
    """The template of one page, or None when ``previous`` already says the same."""
    entries = _grouped(units, ref)
    if previous is not None and _entries_key(previous) == _entries_key(entries):
        return None
    pot = _template_header(project, previous)
    for e in entries:
        pot.append(
            polib.POEntry(msgid=e.msgid, msgstr="", msgctxt=e.msgctxt, comment=e.comment, occurrences=e.occurrences)
        )
    return pot


def template_text(units: Iterable[Unit], ref: str, project: str, previous: polib.POFile | None = None) -> str | None:
    """``render(template(...))``, without a polib entry per string (a test holds the two equal)."""
    entries = _grouped(units, ref)
    if previous is not None and _entries_key(previous) == _entries_key(entries):
        return None
    return _joined(_template_header(project, previous), entries)


def _template_header(project: str, previous: polib.POFile | None) -> polib.POFile:
    """A template with its header and no entries; the first extraction's date is kept from ``previous``."""
    pot = polib.POFile(wrapwidth=78)
    pot.metadata_is_fuzzy = True
    moment = now()
    first = previous.metadata.get(FIRST_EXTRACTED) if previous is not None else None
    pot.metadata = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": _po_date(moment),
        "PO-Revision-Date": "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "FULL NAME <EMAIL@ADDRESS>",
        "Language-Team": "LANGUAGE <LL@li.org>",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        FIRST_EXTRACTED: first or moment.isoformat(timespec="seconds"),
        "Generated-By": "docl10n",
    }
    return pot


# -- reading ------------------------------------------------------------------


PO_STRING = r'"(?:[^"\\]|\\.)*"'
PO_LINE = re.compile(
    rf"\s*(?:(?:#~\s*)?(?:#\|\s*)?(?:(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?{PO_STRING}\s*|#.*|)"
)


def _validate(text: str, path: str) -> None:
    """Reject what polib would silently accept: unterminated strings, stray words, msgid without msgstr."""
    expect_msgstr = 0
    for number, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        m = PO_LINE.fullmatch(line)
        if m is None:
            raise Docl10nError(path, number, f"syntax error: {line.strip()[:60]!r}")
        keyword = m.group(1)
        if keyword == "msgid" and not line.lstrip().startswith("#"):
            if expect_msgstr:
                raise Docl10nError(path, number, f"msgid at line {expect_msgstr} has no msgstr")
            expect_msgstr = number
        elif keyword and keyword.startswith("msgstr"):
            expect_msgstr = 0
    if expect_msgstr:
        raise Docl10nError(path, expect_msgstr, "msgid has no msgstr")


def parse(text: str, path: str) -> polib.POFile:
    """Parse catalog text; a syntax error becomes ``path:line: message``.

    The result is what polib reads; ``_read`` gets it quickly for a catalog
    in the usual layout, polib itself for anything else.
    """
    po = _read(text)
    return po if po is not None else _parse_with_polib(text, path)


class _Lines(str):
    """Catalog text cut into lines as polib cuts a file it opens: at ``\r\n``, ``\r`` or ``\n``.

    Text it is given, polib cuts with ``str.splitlines``, which also breaks
    at U+2028, U+2029, NEL and FS/GS/RS; polib writes those unescaped
    inside strings, so a string holding one would lose a character on
    every read.
    """

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        lines = _LINE_END.split(self)
        if lines[-1] == "":
            lines.pop()
        return [line + "\n" for line in lines] if keepends else lines


_LINE_END = re.compile(r"\r\n|\r|\n")


def _parse_with_polib(text: str, path: str) -> polib.POFile:
    _validate(text, path)
    if "\n" not in text:  # polib would take a one-line string for a file name
        text += "\n"
    try:
        return polib.pofile(_Lines(text), wrapwidth=78, check_for_duplicates=True)
    except (OSError, ValueError) as exc:
        message = str(exc)
        m = re.search(r"\(line (\d+)\)", message)
        line = int(m.group(1)) if m else 0
        message = re.sub(r"Syntax error in po file .*?\(line \d+\):?\s*", "", message) or "syntax error"
        if "already exists" in message:
            line, message = _duplicate_line(text), f"duplicate entry: {message}"
        raise Docl10nError(path, line, message) from None


def _duplicate_line(text: str) -> int:
    """Where the entry polib refused as a duplicate starts (0 if not found).

    polib names the msgid, not the line: read again without the check and
    look for the first entry whose msgctxt and msgid a live entry before it
    has (an obsolete one may repeat a live one, not the other way round).
    """
    live: set[tuple[str | None, str]] = set()
    try:
        entries = polib.pofile(_Lines(text), wrapwidth=78, check_for_duplicates=False)
    except (OSError, ValueError):  # polib stopped at the duplicate; past it, something else is wrong too
        return 0
    for entry in entries:
        key = (entry.msgctxt, entry.msgid)
        if key in live:
            return entry.linenum or 0
        if not entry.obsolete:
            live.add(key)
    return 0


_BREAKS = r"\n\r"  # where a line of a catalog ends (``_Lines``)
_CHAR = rf"[^{_BREAKS}]"
_QUOTED = rf'"[^"\\{_BREAKS}]*(?:\\{_CHAR}[^"\\{_BREAKS}]*)*"\n'  # one string, ending its line
_ENTRY = re.compile(  # one entry, its lines in the order gettext writes them
    rf"""((?:\#(?:\ (?:{_CHAR}*\S)?)?\n)*)  # translator comments (the header, before the first entry)
    ((?:\#\.\ {_CHAR}*\S\n)*)       # extracted comments
    ((?:\#:\ {_CHAR}*\S\n)*)        # references
    ((?:\#,\ {_CHAR}*\S\n)*)        # flags
    (?:\#\|\ msgctxt\ ({_QUOTED}(?:\#\|\ {_QUOTED})*))?
    (?:\#\|\ msgid\ ({_QUOTED}(?:\#\|\ {_QUOTED})*))?
    ((?:\#~\|(?:\ {_CHAR}*)?\n)*)     # polib ignores these
    (?:(?:msgctxt\ ((?:{_QUOTED})+))?
       msgid\ ((?:{_QUOTED})+)
       msgstr\ ((?:{_QUOTED})+)
    |  (?:\#~\ msgctxt\ ({_QUOTED}(?:\#~\ {_QUOTED})*))?
       \#~\ msgid\ ({_QUOTED}(?:\#~\ {_QUOTED})*)
       \#~\ msgstr\ ({_QUOTED}(?:\#~\ {_QUOTED})*))
    \n*""",
    re.VERBOSE,
)
_ESCAPED = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_UNESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\", '"': '"'}
_CHARSET = re.compile(r'"?Content-Type:.+? charset=([\w_\-:\.]+)')  # as polib.detect_encoding
_NEXT, _NEXT_OBSOLETE, _NEXT_PREVIOUS = '"\n"', '"\n#~ "', '"\n#| "'  # between two lines of a string


def _string(lines: str, between: str) -> str:
    """The value of ``"a"\\n"b"\\n``..., unescaped as ``polib.unescape`` does."""
    value = lines[1:-2].replace(between, "")
    return _ESCAPED.sub(_unescape, value) if "\\" in value else value


def _unescape(m: re.Match[str]) -> str:
    return _UNESCAPES[m[1]]


def _occurrence(word: str) -> tuple[str, str]:
    path, colon, line = word.rpartition(":")
    return (path, line) if colon and line.isdigit() else (word, "")


def _encoding(text: str) -> str:
    m = _CHARSET.search(text)
    try:
        return m.group(1) if m and codecs.lookup(m.group(1)) else "utf-8"
    except LookupError:
        return "utf-8"


def _scan(text: str) -> list[tuple[re.Match[str], bool, str | None, str, int]] | None:
    """The entries of a catalog in the usual layout: [(match, obsolete, msgctxt, msgid, line)].

    polib reads character by character and ``_validate`` goes over every
    line again: together a fifth of a build. Here one regular expression
    takes a whole entry, in the layout ``render``, msgmerge and Poedit
    write, so what matches is valid. Anything else (plural forms, other
    spacing or order, a duplicate, an error) is None, for the slow path,
    which also says what is wrong. A test holds both equal field by field.
    """
    body = (text.replace("\r\n", "\n") if "\r" in text else text).rstrip("\n") + "\n"
    pos = len(body) - len(body.lstrip("\n"))
    found: list[tuple[re.Match[str], bool, str | None, str, int]] = []
    active: set[tuple[str | None, str]] = set()
    line, counted = 1, 0
    while pos < len(body):
        m = _ENTRY.match(body, pos)
        if m is None:
            return None
        skip, ct, mi, oct_, omi = m.group(7, 8, 9, 11, 12)
        obsolete = omi is not None
        if obsolete:
            msgctxt, msgid = _string(oct_, _NEXT_OBSOLETE) if oct_ else None, _string(omi, _NEXT_OBSOLETE)
        else:
            msgctxt, msgid = _string(ct, _NEXT) if ct else None, _string(mi, _NEXT)
        key = (msgctxt, msgid)
        if key in active or (msgid == "" and (msgctxt is not None or obsolete)):
            return None  # a duplicate, or a header polib would look for elsewhere
        if not obsolete:
            active.add(key)
        # polib numbers an entry by its first line that it does not skip; the first entry is 0
        first = pos + len(skip) if skip and body.startswith("#~|", pos) else pos
        line += body.count("\n", counted, first)
        counted = first
        found.append((m, obsolete, msgctxt, msgid, line))
        pos = m.end()
    return found


def _flags(fl: str | None) -> list[str]:
    return [f.strip() for f in fl[3:-1].replace("\n#, ", ",").split(",")] if fl else []


def _msgstr(m: re.Match[str], obsolete: bool) -> str:
    return _string(m[13], _NEXT_OBSOLETE) if obsolete else _string(m[10], _NEXT)


def _metadata(msgstr: str) -> dict[str, str]:
    """The header's fields, as polib reads them."""
    metadata: dict[str, str] = {}
    last = None
    for field in msgstr.splitlines():
        name, colon, value = field.partition(":")
        if colon:
            last = name
            metadata[name] = value.strip()
        elif last is not None:  # a line that continues the one before
            metadata[last] += "\n" + field.strip()
    return metadata


def _read(text: str) -> polib.POFile | None:
    """The catalog exactly as ``_parse_with_polib`` reads it, or None when not in the usual layout (``_scan``)."""
    scanned = _scan(text)
    if scanned is None:
        return None
    entries: list[polib.POEntry] = []
    header, head = "", None
    for m, obsolete, msgctxt, msgid, line in scanned:
        tc, gc, oc, fl, pc, pm = m.group(1, 2, 3, 4, 5, 6)
        tcomment = "\n".join(c[2:] for c in tc[:-1].split("\n")).lstrip("\n") if tc else ""
        opening = not entries and head is None
        if opening:
            header, tcomment = tcomment, ""
        entry = object.__new__(polib.POEntry)
        entry.__dict__ = {  # what polib.POEntry(...) would set, in its order, at a quarter of the cost
            "msgid": msgid,
            "msgstr": _msgstr(m, obsolete),
            "msgid_plural": "",
            "msgstr_plural": {},
            "msgctxt": msgctxt,
            "obsolete": int(obsolete),
            "encoding": polib.default_encoding,
            "comment": gc[3:-1].replace("\n#. ", "\n") if gc else "",
            "tcomment": tcomment,
            "occurrences": [_occurrence(w) for w in oc[3:-1].replace("\n#: ", " ").split()] if oc else [],
            "flags": _flags(fl),
            "previous_msgctxt": _string(pc, _NEXT_PREVIOUS) if pc else None,
            "previous_msgid": _string(pm, _NEXT_PREVIOUS) if pm else None,
            "previous_msgid_plural": None,
            "linenum": 0 if opening else line,
        }
        if msgid == "":  # the header, polib's metadata
            head = entry
        else:
            entries.append(entry)
    po = polib.POFile(encoding=_encoding(text), check_for_duplicates=True, wrapwidth=78)
    list.extend(po, entries)  # each checked for duplicates above
    po.header = header
    if head is not None:
        po.metadata_is_fuzzy = head.flags
        po.metadata.update(_metadata(head.msgstr))
    return po


WRAP = 78
# a character to escape, or one where polib (str.splitlines) starts a new line of the string
_SPECIAL = re.compile(r'[\\"\t\b\n\r\v\f\x1c-\x1e\x85\u2028\u2029]')
_EMDASH = re.compile(r"""[\w!"'&.,?]-{2,}\w""")  # where textwrap's word splitter sees an em-dash
_LETTER = r"[^\d\W]"
_CUT = (  # where textwrap's word splitter ends a chunk of escaped text (no em-dash, no whitespace but spaces)
    rf"(?:\Z|(?<=\ )(?!\ )|(?<!\ )(?=\ )"
    rf"|(?<=-)(?:(?<={_LETTER}{{2}}-)|(?<={_LETTER}-{_LETTER}-))(?={_LETTER}-?{_LETTER}))"
)
_LINE = re.compile(rf".{{1,{WRAP - 2}}}{_CUT}|.+?{_CUT}", re.DOTALL)  # the most chunks that fit, or one long chunk
_WORDSEP = textwrap.TextWrapper.wordsep_re


def _escape(text: str) -> str:
    """``polib.escape``."""
    return (text.replace("\\", r"\\").replace("\t", r"\t").replace("\r", r"\r").replace("\n", r"\n")
            .replace("\v", r"\v").replace("\b", r"\b").replace("\f", r"\f").replace('"', r"\""))


def _wrap(text: str) -> list[str]:
    """``textwrap.wrap(text, 76, drop_whitespace=False, break_long_words=False)`` of escaped text, faster.

    Each line is one match of ``_LINE``: as many of textwrap's chunks as
    fit, ending where its word splitter would cut (between a space and a
    non-space, or after a hyphen between letters), with no list of chunks
    made first. Wrapping was most of the time spent writing templates.
    Em-dashes, where the splitter's cuts depend on the whole dash, take
    the slower way.
    """
    if "--" in text and _EMDASH.search(text):
        return _wrap_chunks(text, WRAP - 2)
    return _LINE.findall(text)


def _wrap_chunks(text: str, width: int) -> list[str]:
    """The same lines from textwrap's own chunks, each line found by bisecting the running length."""
    chunks = [c for c in _WORDSEP.split(text) if c]
    ends = list(accumulate(map(len, chunks)))
    lines, i, start = [], 0, 0
    while i < len(chunks):
        j = max(bisect_right(ends, start + width, i), i + 1)  # a long word still takes a line of its own
        lines.append("".join(chunks[i:j]))
        start, i = ends[j - 1], j
    return lines


def _pack(words: list[str], width: int) -> list[str]:
    """Words greedily packed into lines of ``width``, as textwrap does when words are split by single spaces."""
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _field(prefix: str, name: str, value: str, room: int) -> str:
    """One keyword and its string, wrapped exactly as polib wraps it.

    ``room``: the longest string polib keeps on the keyword's line, 75
    less the keyword's length. polib widens it by one for each character
    it escapes while measuring the string before escaping, so such a line
    can run past 78; and it measures ``#| msgid`` as if its keyword were
    ``previous_msgid``. Both quirks are kept, so files match.
    """
    if _SPECIAL.search(value) is None:  # most strings: nothing to escape, one line
        escaped = value
    else:
        lines = value.splitlines(True)
        if len(lines) > 1:
            return f'{prefix}{name} ""\n{prefix}"' + f'"\n{prefix}"'.join(map(_escape, lines)) + '"'
        escaped = _escape(value)
        room += len(escaped) - len(value)
    if len(value) <= room:
        return f'{prefix}{name} "{escaped}"'
    return f'{prefix}{name} ""\n{prefix}"' + f'"\n{prefix}"'.join(_wrap(escaped)) + '"'


def _comment(out: list[str], mark: str, text: str) -> None:
    if len(text) + len(mark) <= WRAP and "\n" not in text:
        out.append(mark + text)
        return
    for line in text.split("\n"):
        if len(line) + len(mark) > WRAP:
            out.extend(textwrap.wrap(line, WRAP, initial_indent=mark, subsequent_indent=mark, break_long_words=False))
        else:
            out.append(mark + line)


def _entry_text(e: polib.POEntry | _Fresh) -> str:
    out: list[str] = []
    if e.tcomment:
        _comment(out, "# ", e.tcomment)
    if e.obsolete:
        previous, gone = "#~| ", "#~ "
    else:
        previous, gone = "#| ", ""
        if e.comment:
            _comment(out, "#. ", e.comment)
        occurrences = e.occurrences
        if occurrences:
            if len(occurrences) == 1:
                path, line = occurrences[0]
                files = f"{path}:{line}" if line else path
            else:
                files = " ".join([f"{path}:{line}" if line else path for path, line in occurrences])
            if len(files) + 3 <= WRAP or (" " not in files and files.isprintable() and "*" not in files):
                out.append("#: " + files)  # short, or one word however long
            elif files.isprintable() and "*" not in files and "" not in (words := files.split(" ")):  # single spaces
                out.extend(["#: " + line for line in _pack(words, WRAP - 3)])
            else:  # as polib: hyphens in file names are no place to break, so it wraps them as "*", and any "*" as "-"
                wrapped = textwrap.wrap(files.replace("-", "*"), WRAP, initial_indent="#: ", subsequent_indent="#: ",
                                        break_long_words=False)
                out.extend([line.replace("*", "-") for line in wrapped])
    if e.flags:
        out.append("#, " + ", ".join(e.flags))
    if e.previous_msgctxt is not None:
        out.append(_field(previous, "msgctxt", e.previous_msgctxt, WRAP - 3 - len("previous_msgctxt")))
    if e.previous_msgid is not None:
        out.append(_field(previous, "msgid", e.previous_msgid, WRAP - 3 - len("previous_msgid")))
    if e.previous_msgid_plural is not None:
        out.append(_field(previous, "msgid_plural", e.previous_msgid_plural, WRAP - 3 - len("previous_msgid_plural")))
    if e.msgctxt is not None:
        out.append(_field(gone, "msgctxt", e.msgctxt, WRAP - 3 - len("msgctxt")))
    out.append(_field(gone, "msgid", e.msgid, WRAP - 3 - len("msgid")))
    out.append(_field(gone, "msgstr", e.msgstr, WRAP - 3 - len("msgstr")) if e.msgstr else gone + 'msgstr ""')
    out.append("")
    return "\n".join(out)


def render(po: polib.POFile) -> str:
    """The catalog as text, exactly as polib writes it (a test holds the two equal), only faster."""
    if po.wrapwidth != WRAP or any(e.msgid_plural or e.msgstr_plural for e in po):
        text = str(po)  # plural forms: let polib write them
        return text if text.endswith("\n") else text + "\n"
    return _joined(po, [e for e in po if not e.obsolete] + po.obsolete_entries())


def _joined(po: polib.POFile, entries: Iterable[polib.POEntry | _Fresh]) -> str:
    """``po``'s header and metadata, then ``entries``: the text of a catalog without plural forms."""
    header = "".join("#\n" if not h else f"#{h}\n" if h[:1] in ",:" else f"# {h}\n" for h in po.header.split("\n"))
    text = header + "\n".join([po.metadata_as_entry().__unicode__(WRAP), *map(_entry_text, entries)])
    return text if text.endswith("\n") else text + "\n"


def translations(po: polib.POFile) -> dict[tuple[str | None, str], Translation]:
    """Active, non-empty translations by (msgctxt, msgid)."""
    return {
        (e.msgctxt, e.msgid): Translation(e.msgstr, e.fuzzy, e.linenum, e.previous_msgid)
        for e in po
        if not e.obsolete and e.msgstr and not e.msgid_plural
    }


@dataclass(frozen=True)
class Translations:
    """What a build needs of a catalog: its translations (as ``translations``) and its header's fields."""

    found: dict[tuple[str | None, str], Translation]
    metadata: dict[str, str]


def read_translations(text: str, path: str) -> Translations:
    """``translations(parse(text, path))`` and the metadata, without making an entry object per string.

    A build reads every catalog but needs only this: making polib's entries
    was more than half the cost of reading one. Errors as ``parse``.
    """
    scanned = _scan(text)
    if scanned is None:
        po = parse(text, path)
        return Translations(translations(po), dict(po.metadata))
    found: dict[tuple[str | None, str], Translation] = {}
    metadata: dict[str, str] = {}
    for i, (m, obsolete, msgctxt, msgid, line) in enumerate(scanned):
        if msgid == "":  # the header (``_scan`` lets only one through)
            metadata = _metadata(_msgstr(m, obsolete))
        elif not obsolete and (msgstr := _msgstr(m, obsolete)):
            pm = m[6]
            found[(msgctxt, msgid)] = Translation(  # polib numbers the first entry 0, as ``_read``
                msgstr, "fuzzy" in _flags(m[4]), line if i else 0, _string(pm, _NEXT_PREVIOUS) if pm else None
            )
    return Translations(found, metadata)


# -- merging ------------------------------------------------------------------


class _Matcher:
    """Finds the most similar old msgid without comparing every pair.

    Candidates must share words with the new string; only the few sharing
    the most are scored with difflib.
    """

    def __init__(self, entries: list[polib.POEntry]) -> None:
        self.entries = entries
        self.index: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            for w in set(WORD.findall(e.msgid.lower())):
                self.index.setdefault(w, []).append(i)

    def best(self, msgid: str) -> polib.POEntry | None:
        shared: Counter[int] = Counter()
        for w in set(WORD.findall(msgid.lower())):
            shared.update(self.index.get(w, ()))
        best, best_ratio = None, FUZZY_CUTOFF
        for i in sorted(shared, key=lambda i: (-shared[i], i))[:5]:  # ties by position: same result every run
            candidate = self.entries[i]
            sm = SequenceMatcher(None, msgid, candidate.msgid, autojunk=False)
            if sm.real_quick_ratio() < best_ratio or sm.quick_ratio() < best_ratio:
                continue
            ratio = sm.ratio()
            if ratio > best_ratio:
                best, best_ratio = candidate, ratio
        return best


def plural_forms(locale: str) -> str:
    # babel is imported here, not with the module: extract never needs it (~10 ms of each of its workers' start)
    from babel.core import UnknownLocaleError
    from babel.messages.plurals import get_plural

    try:
        return get_plural(locale).plural_forms
    except (UnknownLocaleError, ValueError):
        return "nplurals=2; plural=(n != 1);"


def merge(
    pot: polib.POFile,
    po: polib.POFile | None,
    locale: str,
    memory: Mapping[str, tuple[str, str]] | None = None,
) -> tuple[polib.POFile, MergeSummary]:
    """Bring a catalog up to date with its template, losing nothing.

    ``memory`` maps msgids translated elsewhere in the locale to
    (msgstr, where); a new string found there is filled as fuzzy.
    """
    old = list(po) if po is not None else []
    active = {(e.msgctxt, e.msgid): e for e in old if not e.obsolete}
    obsolete = {(e.msgctxt, e.msgid): e for e in old if e.obsolete}
    out = polib.POFile(wrapwidth=78)
    out.header = po.header if po is not None else ""
    metadata = dict(po.metadata) if po is not None else {}
    if po is None:
        metadata.update(
            {k: v for k, v in pot.metadata.items() if k not in ("Generated-By", "PO-Revision-Date")},
            **{"PO-Revision-Date": _po_date(now()), "Language": locale, "Plural-Forms": plural_forms(locale)},
        )
    for k in ("POT-Creation-Date", FIRST_EXTRACTED, "Content-Type", "Content-Transfer-Encoding", "MIME-Version"):
        if k in pot.metadata:
            metadata[k] = pot.metadata[k]
    metadata.setdefault("Language", locale)
    metadata.setdefault("Plural-Forms", plural_forms(locale))
    out.metadata = metadata
    wanted = {(e.msgctxt, e.msgid) for e in pot}
    leftovers = [e for k, e in active.items() if k not in wanted and e.msgstr]
    leftovers += [e for k, e in obsolete.items() if k not in wanted and e.msgstr]
    matcher = _Matcher(leftovers)
    consumed: set[int] = set()
    new = fuzzy = from_memory = 0
    for t in pot:
        key = (t.msgctxt, t.msgid)
        e = polib.POEntry(msgid=t.msgid, msgctxt=t.msgctxt, occurrences=list(t.occurrences), comment=t.comment)
        prior = active.get(key) or obsolete.get(key)
        if prior is not None:
            e.msgstr, e.flags, e.tcomment = prior.msgstr, list(prior.flags), prior.tcomment
            e.previous_msgid, e.previous_msgctxt = prior.previous_msgid, prior.previous_msgctxt
        elif (match := matcher.best(t.msgid)) is not None:
            consumed.add(id(match))
            e.msgstr, e.tcomment = match.msgstr, match.tcomment
            e.flags = ["fuzzy"]
            e.previous_msgid = match.previous_msgid if match.fuzzy and match.previous_msgid else match.msgid
            e.previous_msgctxt = match.msgctxt
            new, fuzzy = new + 1, fuzzy + 1
        elif memory and t.msgid in memory:
            e.msgstr, where = memory[t.msgid]
            e.flags = ["fuzzy"]
            e.tcomment = f"translation memory: {where}"
            new, from_memory = new + 1, from_memory + 1
        else:
            e.msgstr = ""
            new += 1
        out.append(e)
    gone = 0
    for k, e in list(active.items()) + list(obsolete.items()):
        if k in wanted or id(e) in consumed or not (e.msgstr or e.tcomment):
            continue
        gone += not e.obsolete
        out.append(
            polib.POEntry(
                msgid=e.msgid, msgstr=e.msgstr, msgctxt=e.msgctxt, flags=list(e.flags), tcomment=e.tcomment,
                previous_msgid=e.previous_msgid, obsolete=True,
            )
        )
    changed = po is None or not _same(out, po)
    return out, MergeSummary(new=new, fuzzy=fuzzy, obsolete=gone, memory=from_memory, changed=changed)


def _fields(e: polib.POEntry) -> tuple:
    return (
        e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, sorted(e.msgstr_plural.items()), list(e.occurrences), e.comment,
        e.tcomment, list(e.flags), e.previous_msgctxt, e.previous_msgid, e.previous_msgid_plural, e.obsolete,
    )


def _same(a: polib.POFile, b: polib.POFile) -> bool:
    """True when two catalogs hold the same header and entries, so they render alike.

    Comparing fields costs a fraction of rendering both; a false "differs"
    only costs a render whose bytes the atomic write then finds unchanged.
    """
    if (a.header, list(a.metadata.items()), bool(a.metadata_is_fuzzy), len(a)) != (
        b.header, list(b.metadata.items()), bool(b.metadata_is_fuzzy), len(b)
    ):  # polib reads the header's flags as a list, and writes "#, fuzzy" for any true value
        return False
    return all(_fields(x) == _fields(y) for x, y in zip(a, b))


def memory_of(catalogs: Iterable[tuple[str, polib.POFile]]) -> dict[str, tuple[str, str]]:
    """Translated, non-fuzzy msgids of a locale, each with the catalog it came from."""
    found: dict[str, tuple[str, str]] = {}
    for where, po in catalogs:
        for e in po:
            if not e.obsolete and e.msgstr and not e.fuzzy and e.msgid not in found:
                found[e.msgid] = (e.msgstr, where)
    return found


# -- filling from elsewhere ---------------------------------------------------


@dataclass(frozen=True)
class Found:
    """A translation found outside the catalog (an imported page), for one entry."""

    msgstr: str
    fuzzy: bool
    previous_msgid: str | None = None
    tcomment: str = ""


@dataclass(frozen=True)
class FillSummary:
    filled: int = 0
    kept: int = 0


def fill(
    po: polib.POFile, found: Mapping[tuple[str | None, str], Found], overwrite: bool = False
) -> tuple[polib.POFile, FillSummary]:
    """A copy of ``po`` with found translations set on its active entries.

    A translation someone already made is kept unless ``overwrite``; a
    fuzzy one gives way only to an exact find.
    """
    out = parse(render(po), "<catalog>")
    filled = kept = 0
    for e in out:
        f = found.get((e.msgctxt, e.msgid))
        if f is None or e.obsolete or e.msgid_plural:
            continue
        if e.msgstr and not overwrite and (not e.fuzzy or f.fuzzy):
            kept += 1
            continue
        e.msgstr = f.msgstr
        e.flags = [x for x in e.flags if x != "fuzzy"] + (["fuzzy"] if f.fuzzy else [])
        e.previous_msgid = f.previous_msgid if f.fuzzy else None
        e.previous_msgctxt = None
        e.tcomment = f.tcomment
        filled += 1
    return out, FillSummary(filled, kept)
