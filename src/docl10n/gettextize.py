"""Existing hand translations -> filled catalogs, so nobody translates twice.

The mirror's pages come in two forms. Bilingual pages keep the English next
to its translation: an English block followed by a translated block (often
led by U+200B and a tab), or both languages in one block, in either order
(``## 基础知识 The basics``, ``# What's next - 接下来做什么``, table cells).
Translated-only pages have the source's block structure and are aligned
block by block, as po4a-gettextize does, or refused where they do not align.
Other sites keep the English of each passage in an HTML comment just before
its translation (Kubernetes' localizations): those comments give the pairs.

The counterpart is cut with the same segmenter as the source, each block's
language told by its share of Han characters. English is matched to the
current source units by text: equal (whitespace normalised) is imported as
translated, similar as fuzzy with ``#| msgid`` set to the English the
translator saw, because the mirror captured pages that upstream has since
changed. Nothing here prints; catalogs are written by catalog.py only.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from . import cache, catalog, safety
from .model import Docl10nError, Keys, Page, Problem, Unit
from .pipeline import read_catalog, read_page, staging
from .project import Config, atomic_write, page_url, source_pages
from .segment import decode, parse_page

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af]")
# Han letters plus the punctuation and full-width forms that go with them
CJK_TEXT = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u3040-\u30ff\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN = re.compile(r"[A-Za-z]")
SPACE = re.compile(r"\s+")
LEAD = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")
DASH_END = re.compile(r"\s+[-–—:：|]\s*$")
DASH_START = re.compile(r"^\s*[-–—:：|]\s+")
CODE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
SHORTCODE = re.compile(r"\{\{[<%].*?[%>]\}\}", re.DOTALL)
DEST = re.compile(r"\]\(\s*(<[^>]*>|[^)\s]*)[^)]*\)|^\[[^\]]+\]:\s*(\S+)", re.MULTILINE)
URL = re.compile(r"<?https?://[^\s)>]+>?")
ATTRIBUTION_URL = re.compile(
    r"^>\s*原文\s*[:：]\s*(?:\[[^\]]*\]\(\s*<?([^)\s>]*)>?[^)]*\)|<?(https?://[^\s>]+))", re.MULTILINE
)
H1 = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
ADJACENT = re.compile(r"^[\s>*+\-\d.)\u200b]*$")
NOT_ALNUM = re.compile(r"[^0-9a-z]+")

FUZZY_CUTOFF = 0.75
ENGLISH_SHARE = 1.5  # Latin letters per Han character above which a mixed block holds English
TRANSLATED_ONLY = 0.15  # share of English blocks under which a page is taken as translated-only
STRUCTURE_SHARE = 2 / 3  # share of the source's blocks a drifted translated-only page must still pair
# An HTML comment on lines of its own, as Kubernetes' localizations keep the English of what follows.
COMMENT = re.compile(r"^([ \t]*)<!--[ \t]*\r?\n(.*?)\r?\n[ \t]*-->[ \t]*$", re.MULTILINE | re.DOTALL)
COMMENTED = 0.5  # share of a page's blocks that must follow an English comment for the page to be read so
FRONT_MATTER_LINE = re.compile(r"\s*(?:---|\+\+\+|[A-Za-z_][\w-]*[ \t]*[:=])")  # a comment that may hold front matter
DEFAULT_KEYS = Keys()  # the front matter keys a page is cut with, unless the project says others


# -- language of a block -----------------------------------------------------------


def clean(text: str) -> str:
    """Text with the mirror's U+200B/tab lead and outer whitespace removed."""
    return LEAD.sub("", text)


def norm(text: str) -> str:
    """What two strings must share to be the same English: words, not spacing."""
    return SPACE.sub(" ", clean(text)).strip()


def _masked(text: str) -> str:
    """``text`` with code, shortcodes and URLs blanked, offsets kept: they are no language."""

    def blank(m: re.Match[str]) -> str:
        return "\ue000" * (m.end() - m.start())

    for pattern in (CODE, SHORTCODE, DEST, URL):
        text = pattern.sub(blank, text)
    return text


def cjk_share(text: str) -> float:
    """Han characters among the letters of ``text``, code and URLs left out."""
    masked = _masked(text)
    han, latin = len(HAN.findall(masked)), len(LATIN.findall(masked))
    return han / (han + latin) if han + latin else 0.0


@dataclass(frozen=True)
class Split:
    """A block read as English and its translation; ``en`` is empty for a translated-only block."""

    en: str
    zh: str
    line: int
    heading: bool
    candidates: tuple[tuple[str, str], ...] = ()  # other (en, zh) cuts of a mixed block


def _english(part: str) -> bool:
    return bool(LATIN_WORD.search(part))


def _cuts_before(text: str, masked: str, first: int) -> list[int]:
    """Where an English prefix may end: word gaps before the first Han letter, and the letter itself."""
    token = first
    while token > 0 and not masked[token - 1].isspace():
        token -= 1
    cuts = [m.start() for m in re.finditer(r"\s+", text[:token])]
    return list(dict.fromkeys([token, first, *reversed(cuts)]))


def _cuts_after(text: str, masked: str, last: int) -> list[int]:
    """Where an English suffix may start: after the last Han text, and each word gap after it."""
    end = last + 1
    while end < len(masked) and CJK_TEXT.match(masked[end]):
        end += 1
    return [end, *(end + m.end() for m in re.finditer(r"\s+", text[end:]))]


def balanced(text: str) -> bool:
    """True when no link, code span or strong emphasis is left open in ``text``."""
    bare = CODE.sub("", text)
    return (
        text.count("`") % 2 == 0
        and bare.count("[") == bare.count("]")
        and bare.count("(") - bare.count(")") == 0
        and bare.count("**") % 2 == 0
    )


WRAP = re.compile(r"^(\*\*|__|\*|_)(?!\s)(.+?)(?<!\s)\1$", re.DOTALL)


def split_block(text: str) -> tuple[str, str, str, tuple[tuple[str, str], ...]]:
    """Tell a block's language: ("en"|"zh"|"mixed"|"none", english, translation, other cuts).

    A mixed block is cut where both sides keep their markup whole; one wrapped
    in emphasis as a whole (``**English 中文**``) is cut inside and each side
    wrapped again.
    """
    text = clean(text)
    if (m := WRAP.match(text)) and balanced(m.group(2)):
        lang, en, zh, more = split_block(m.group(2))
        if lang == "mixed":
            d = m.group(1)
            wrap = lambda s: f"{d}{s}{d}"
            return lang, wrap(en), wrap(zh), tuple((wrap(a), wrap(b)) for a, b in more)
    masked = _masked(text)
    han = [m.start() for m in HAN.finditer(masked)]
    if not han:
        return ("en" if _english(masked) else "none"), text, "", ()
    first, last = han[0], han[-1]
    latin_total = len(LATIN.findall(masked))
    if latin_total < ENGLISH_SHARE * len(han):
        return "zh", "", text, ()
    before, after = masked[:first], masked[last + 1 :]
    forms: list[tuple[str, str]] = []
    if len(LATIN.findall(before)) >= len(LATIN.findall(after)) and _english(before):
        for cut in _cuts_before(text, masked, first):
            en, zh = DASH_END.sub("", text[:cut]).strip(), DASH_START.sub("", text[cut:]).strip()
            if en and _english(_masked(en)) and HAN.search(zh) and balanced(en) and balanced(zh):
                forms.append((en, zh))
    elif _english(after):
        for cut in _cuts_after(text, masked, last):
            zh, en = DASH_END.sub("", text[:cut]).strip(), DASH_START.sub("", text[cut:]).strip()
            if en and _english(_masked(en)) and HAN.search(zh) and balanced(en) and balanced(zh):
                forms.append((en, zh))
    if not forms or len(LATIN.findall(_masked(forms[0][0]))) < ENGLISH_SHARE * len(HAN.findall(_masked(forms[0][1]))):
        return "zh", "", text, ()
    forms = [(en, _same_emphasis(en, zh)) for en, zh in forms]
    return "mixed", forms[0][0], forms[0][1], tuple(forms[1:])


def _same_emphasis(en: str, zh: str) -> str:
    """``**English** 中文``: the mirror bolded only the English; the translation keeps the bold."""
    m = WRAP.match(en)
    if m and m.group(1) not in zh and not WRAP.match(zh):
        return f"{m.group(1)}{zh}{m.group(1)}"
    return zh


def bilingual_pairs(text: str, units: Iterable[Unit]) -> list[Split]:
    """English -> translation pairs of a bilingual page, in page order.

    An English block takes the translated block right after it, with only
    blank lines and list or quote markers between (a heading only a heading;
    table cells never, a table's next cell is another column); a mixed block
    is cut in two. An English block with nothing after it was left
    untranslated.
    """
    units = list(units)
    pairs: list[Split] = []
    i = 0
    while i < len(units):
        u = units[i]
        lang, en, zh, more = split_block(u.msgid)
        heading = u.kind == "heading"
        if lang == "mixed":
            pairs.append(Split(en, zh, u.line, heading, more))
        elif lang == "en" and i + 1 < len(units):
            nxt = units[i + 1]
            between = text[u.span.end : nxt.span.start]
            if split_block(nxt.msgid)[0] == "zh" and _compatible(u, nxt) and ADJACENT.match(between):
                pairs.append(Split(en, clean(nxt.msgid), nxt.line, heading))
                i += 1
        i += 1
    return pairs


def _compatible(en: Unit, zh: Unit) -> bool:
    if en.kind.startswith("table") or zh.kind.startswith("table"):
        return False
    return (en.kind == "heading") == (zh.kind == "heading")


# -- markup that must survive ------------------------------------------------------


def markup(text: str) -> Counter[str]:
    """Inline code, link destinations and shortcodes: what a translation must keep as is."""
    found: Counter[str] = Counter()
    found.update("code:" + SPACE.sub(" ", m.group(2).strip()) for m in CODE.finditer(text))
    bare = CODE.sub("", text)
    found.update("shortcode:" + SPACE.sub(" ", m.group(0)) for m in SHORTCODE.finditer(bare))
    found.update("link:" + (m.group(1) or m.group(2) or "") for m in DEST.finditer(bare))
    return found


def markup_differs(msgid: str, msgstr: str) -> str:
    """Why ``msgstr`` cannot be taken as translated, or "" when its markup matches."""
    src, tr = markup(msgid), markup(msgstr)
    if src == tr:
        return ""
    missing, extra = src - tr, tr - src
    parts = []
    if missing:
        parts.append("missing " + ", ".join(sorted(missing)))
    if extra:
        parts.append("not in the source " + ", ".join(sorted(extra)))
    return "; ".join(parts)


# -- matching the English ----------------------------------------------------------


def _key(text: str) -> str:
    """The English compared for similarity: link targets and shortcodes aside."""
    return norm(SHORTCODE.sub("", re.sub(r"\]\([^)]*\)", "]", text))).lower()


@dataclass(frozen=True)
class Found:
    """A translation for one source unit and where it came from."""

    msgstr: str
    fuzzy: bool
    english: str  # the counterpart's English
    line: int
    why: str = ""


class Aligner:
    """Finds a counterpart pair for a source msgid: equal English first, then similar.

    Similar candidates are those sharing the most words with the msgid; only
    they are scored with difflib, so the cost stays linear in the page.
    """

    WORD = re.compile(r"\w+")

    def __init__(self, pairs: list[Split]) -> None:
        self.exact: dict[str, Split] = {}
        for p in pairs:
            self.exact.setdefault(norm(p.en), p)
        for p in pairs:
            for en, zh in p.candidates:
                self.exact.setdefault(norm(en), Split(en, zh, p.line, p.heading))
        self.pairs = [*pairs, *(Split(en, zh, p.line, p.heading) for p in pairs for en, zh in p.candidates)]
        self.keys = [_key(p.en) for p in self.pairs]
        self.index: dict[str, list[int]] = {}
        for i, k in enumerate(self.keys):
            for w in set(self.WORD.findall(k)):
                self.index.setdefault(w, []).append(i)

    def find(self, unit: Unit) -> Found | None:
        pair = self.exact.get(norm(unit.msgid))
        if pair is not None:
            return self._found(unit, pair, fuzzy=False)
        key = _key(unit.msgid)
        shared: Counter[int] = Counter()
        for w in set(self.WORD.findall(key)):
            shared.update(self.index.get(w, ()))
        best, best_ratio = None, FUZZY_CUTOFF
        for i, _ in shared.most_common(8):
            sm = SequenceMatcher(None, key, self.keys[i], autojunk=False)
            if sm.real_quick_ratio() < best_ratio or sm.quick_ratio() < best_ratio:
                continue
            ratio = sm.ratio()
            if ratio > best_ratio:
                best, best_ratio = self.pairs[i], ratio
        return self._found(unit, best, fuzzy=True) if best is not None else None

    @staticmethod
    def _found(unit: Unit, pair: Split, fuzzy: bool) -> Found:
        msgstr = pair.zh
        if unit.inline:
            msgstr = SPACE.sub(" ", msgstr)
        why = "" if fuzzy else markup_differs(unit.msgid, msgstr)
        return Found(msgstr, fuzzy or bool(why), pair.en, pair.line, why)


# -- pages that keep the English in comments ---------------------------------------


def commented_pairs(page: Page, keys: Keys = DEFAULT_KEYS) -> list[Split]:
    """English -> translation pairs of a page that keeps each passage's English in an HTML comment just
    before its translation, as Kubernetes' localizations do; [] when the page is not laid out so.

    A comment's blocks pair with the page's blocks between it and the next
    comment: one for one when they agree in number and headings, else the
    runs that agree in kind and markup. A comment right after the front
    matter holds the English front matter, paired by key. The page is read
    so when at least ``COMMENTED`` of its blocks follow such a comment.
    """
    comments = list(COMMENT.finditer(page.text))
    pairs: list[Split] = []
    fm_end = page.front_matter.span.end if page.front_matter else None
    paired = 0
    for k, m in enumerate(comments):
        indent = m.group(1)
        english = "\n".join(line[len(indent) :] if line.startswith(indent) else line.lstrip()
                            for line in m.group(2).split("\n"))
        if fm_end is not None and not page.text[fm_end : m.start()].strip() and FRONT_MATTER_LINE.match(english):
            fenced = english if english.lstrip().startswith(("---", "+++")) else f"---\n{english}\n---\n"
            try:
                values = {u.key: u.msgid for u in parse_page(fenced, page.path, keys).units if u.key}
            except Docl10nError:
                values = {}
            pairs += [Split(values[t.key], t.msgid, t.line, False) for t in page.units if t.key in values]
            if values:
                continue
        end = comments[k + 1].start() if k + 1 < len(comments) else len(page.text)
        theirs = [u for u in page.units if not u.key and m.end() <= u.span.start < end]
        try:
            ours = [u for u in parse_page(english, page.path, keys).units if not u.key]
        except Docl10nError:  # not Markdown that reads alone (a stray front matter fence): nothing to pair
            continue
        if len(ours) == len(theirs) and all((a.kind == "heading") == (b.kind == "heading") for a, b in zip(ours, theirs)):
            matched = list(zip(ours, theirs))
        else:
            sm = SequenceMatcher(None, [_signature(u) for u in ours], [_signature(t) for t in theirs], autojunk=False)
            matched = [(ours[i + n], theirs[j + n]) for i, j, size in sm.get_matching_blocks() for n in range(size)]
        pairs += [Split(a.msgid, clean(b.msgid), b.line, b.kind == "heading") for a, b in matched]
        paired += len(matched)
    body = sum(1 for u in page.units if not u.key)
    return pairs if body and paired >= COMMENTED * body else []


# -- translated-only pages ---------------------------------------------------------


def is_translated_only(units: list[Unit]) -> bool:
    """True when hardly any block of the page holds English prose."""
    langs = [split_block(u.msgid)[0] for u in units]
    prose = [x for x in langs if x != "none"]
    if not prose or "zh" not in prose:
        return False
    return sum(x != "zh" for x in prose) / len(prose) < TRANSLATED_ONLY


def align_by_position(source: list[Unit], counterpart: list[Unit], path: str) -> dict[int, Unit]:
    """Pair the n-th source unit with the n-th counterpart unit, or say where they part.

    Front matter is paired by key, the body by position; the kinds must
    agree all the way, as in po4a-gettextize.
    """
    pairs: dict[int, Unit] = {}
    theirs_fm = {u.key: u for u in counterpart if u.key}
    for n, u in enumerate(source):
        if u.key and u.key in theirs_fm:
            pairs[n] = theirs_fm[u.key]
    mine = [(n, u) for n, u in enumerate(source) if not u.key]
    theirs = [u for u in counterpart if not u.key]
    for (n, u), t in zip(mine, theirs):
        if u.kind != t.kind:
            raise Docl10nError(
                path, t.line, f"structure differs from {u.kind} at line {u.line} of the source: found a {t.kind}"
            )
        pairs[n] = t
    if len(mine) != len(theirs):
        if len(mine) > len(theirs):
            line = theirs[-1].line if theirs else 1
            missing = len(mine) - len(theirs)
            raise Docl10nError(path, line, f"{missing} fewer blocks than the source; it ends at line {line}")
        u = theirs[len(mine)]
        raise Docl10nError(path, u.line, f"{len(theirs) - len(mine)} more blocks than the source, from this {u.kind}")
    return pairs


def _signature(unit: Unit) -> tuple[str, tuple[str, ...]]:
    """What a block keeps in any language: its kind, and its code, link targets and shortcodes."""
    return unit.kind, tuple(sorted(markup(unit.msgid).elements()))


def align_by_structure(source: list[Unit], counterpart: list[Unit]) -> dict[int, Unit]:
    """Pair the runs of blocks that agree in kind and markup, skipping what one page has and the other not.

    For a translation made from an older English page: blocks added or
    removed upstream since leave the rest in place. Front matter by key.
    """
    theirs_fm = {u.key: u for u in counterpart if u.key}
    pairs = {n: theirs_fm[u.key] for n, u in enumerate(source) if u.key and u.key in theirs_fm}
    mine = [(n, u) for n, u in enumerate(source) if not u.key]
    theirs = [u for u in counterpart if not u.key]
    matcher = SequenceMatcher(None, [_signature(u) for _, u in mine], [_signature(t) for t in theirs], autojunk=False)
    for tag, i1, i2, j1, _ in matcher.get_opcodes():
        if tag == "equal":
            pairs.update((mine[i1 + k][0], theirs[j1 + k]) for k in range(i2 - i1))
    return pairs


@dataclass(frozen=True)
class Alignment:
    """The translations found for a page's units; ``problem``: a warning when the pages only partly align."""

    found: dict[tuple[str | None, str], Found]
    problem: Problem | None = None


def find_translations(source: Page, counterpart: Page, keys: Keys = DEFAULT_KEYS) -> Alignment:
    """Translations of the source page's units found in the counterpart page.

    A page that keeps the English in comments gives its pairs
    (``commented_pairs``), as a bilingual page does. A translated-only page
    is paired block by block; where its structure parts from the source's
    (the English changed since), the runs of blocks that still agree are
    paired, if they are at least ``STRUCTURE_SHARE`` of the source's, with a
    warning; else it is refused.
    """
    found: dict[tuple[str | None, str], Found] = {}
    units = list(counterpart.units)
    commented = commented_pairs(counterpart, keys)
    if commented or not is_translated_only([u for u in units if not u.key]):
        aligner = Aligner(commented or bilingual_pairs(counterpart.text, units))
        for u in source.units:
            key = (u.msgctxt, u.msgid)
            if key not in found and (f := aligner.find(u)) is not None:
                found[key] = f
        return Alignment(found)
    problem, how = None, "aligned by position"
    try:
        pairs = align_by_position(list(source.units), units, counterpart.path)
    except Docl10nError as exc:
        pairs = align_by_structure(list(source.units), units)
        blocks = sum(1 for u in source.units if not u.key)
        aligned = sum(1 for n in pairs if not source.units[n].key)
        if aligned < STRUCTURE_SHARE * blocks:
            raise
        p, how = exc.problem, "aligned by structure"
        problem = replace(p, message=f"{p.message}; {aligned} of {blocks} blocks paired by kind and markup, as fuzzy",
                          severity="warning")
    for n, u in enumerate(source.units):
        t = pairs.get(n)
        if t is None or (u.msgctxt, u.msgid) in found:
            continue
        msgstr = SPACE.sub(" ", clean(t.msgid)) if u.inline else clean(t.msgid)
        why = markup_differs(u.msgid, msgstr)
        found[(u.msgctxt, u.msgid)] = Found(msgstr, True, "", t.line, why or how)
    return Alignment(found, problem)


# -- finding the counterpart page --------------------------------------------------


@dataclass(frozen=True)
class Counterpart:
    """A page of the translated tree and what identifies it."""

    path: Path
    name: str  # as messages show it
    label: str  # as catalogs credit it: the folder's name and the path under it
    url_path: str | None
    path_key: tuple[str, ...]
    titles: tuple[str, ...]


def _url_path(url: str) -> str:
    return urlparse(url).path.strip("/").lower()


def _path_key(rel: str, strip: Iterable[str]) -> tuple[str, ...]:
    for prefix in ("content/", *strip):
        rel = rel.removeprefix(prefix)
    parts = list(PurePosixPath(rel).with_suffix("").parts)
    return tuple(NOT_ALNUM.sub("", p.lower()) for p in parts)


def _title_key(title: str) -> str:
    return norm(title).lower().rstrip("?？.")


def read_counterpart(path: Path, name: str, config: Config, rel: str, label: str = "") -> Counterpart:
    """What identifies a counterpart page: its 原文 URL, its path, its titles (English parts)."""
    text = decode(path.read_bytes(), name)
    m = ATTRIBUTION_URL.search(text)
    url = (m.group(1) or m.group(2) or "") if m else ""
    titles = []
    fm_title = re.search(r"^title\s*[:=]\s*[\"']?(.*?)[\"']?\s*$", text[:2000], re.MULTILINE)
    heads = [fm_title.group(1)] if fm_title else []
    if h1 := H1.search(text):
        heads.append(h1.group(1))
    for head in heads:
        lang, en, _, more = split_block(head)
        titles += [head] + ([en] if en else []) + [e for e, _ in more]
    return Counterpart(
        path=path,
        name=name,
        label=label,
        url_path=_url_path(url) if url.startswith("http") else None,
        path_key=_path_key(rel, config.strip_prefixes),
        titles=tuple(dict.fromkeys(_title_key(t) for t in titles if t.strip())),
    )


def counterparts(config: Config, root: Path) -> list[Counterpart]:
    """Every Markdown page under ``root``, sorted by path."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.endswith(".md"):
                p = Path(dirpath) / name
                rel = p.relative_to(root).as_posix()
                found.append(read_counterpart(p, _display(config, p), config, rel, f"{root.resolve().name}/{rel}"))
    return found


def _display(config: Config, path: Path) -> str:
    try:
        return os.path.relpath(path, config.root)
    except ValueError:
        return str(path)


def match(config: Config, rel: str, title: str | None, pages: list[Counterpart]) -> tuple[Counterpart, str] | None:
    """The counterpart of a source page: by 原文 URL, else by path, else by a unique title."""
    url = page_url(config if config.base_url else replace(config, base_url="https://example.invalid/"), rel)
    want = _url_path(url or "")
    for c in pages:
        if c.url_path is not None and c.url_path == want:
            return c, "url"
    key = _path_key(rel, config.strip_prefixes)
    by_path = [c for c in pages if c.path_key == key]
    if len(by_path) == 1:
        return by_path[0], "path"
    if title:
        by_title = [c for c in pages if _title_key(title) in c.titles]
        if len(by_title) == 1:
            return by_title[0], "title"
    return None


# -- the stage -------------------------------------------------------------------


@dataclass(frozen=True)
class PageImport:
    """What import did for one source page."""

    page: str
    counterpart: str | None
    matched_by: str = ""
    units: int = 0
    exact: int = 0
    fuzzy: int = 0
    missing: int = 0
    kept: int = 0  # existing translations left as they were
    written: bool = False


@dataclass(frozen=True)
class ImportResult:
    pages: tuple[PageImport, ...]
    problems: tuple[Problem, ...]

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def total(self) -> PageImport:
        done = [p for p in self.pages if p.counterpart]
        return PageImport(
            page="TOTAL",
            counterpart=f"{len(done)}/{len(self.pages)} pages",
            units=sum(p.units for p in done),
            exact=sum(p.exact for p in done),
            fuzzy=sum(p.fuzzy for p in done),
            missing=sum(p.missing for p in done),
            kept=sum(p.kept for p in done),
            written=any(p.written for p in done),
        )


def _source_title(page: Page) -> str | None:
    for u in page.units:
        if u.kind == "front matter title":
            return u.msgid
    for u in page.units:
        if u.kind == "heading":
            return u.msgid
    return None


def import_translations(
    config: Config, locale: str, from_dir: Path, overwrite: bool = False, dry_run: bool = False
) -> ImportResult:
    """Fill the catalogs of ``locale`` from the translated pages under ``from_dir``.

    Holds the locale's lock, as ``update`` does, so the two never write the
    same catalog at once.
    """
    if not from_dir.is_dir():
        raise Docl10nError(str(from_dir), 0, "not a folder of translated pages")
    safety.check_locale(locale)
    safety.check_inside([config.locales_dir / locale], config.locales_dir, "the locale folder")
    store = config.root / cache.DIR
    safety.check_inside(  # read_page keeps records there; catalogs are staged there
        [store, store / cache.PACK, staging(config, f"catalogs-{locale}")], config.root, "a project folder"
    )
    if dry_run:
        return _import(config, locale, from_dir, overwrite, dry_run)
    with safety.exclusive(config, f"locale-{locale}"), safety.finished(config, f"catalogs-{locale}") as done:
        if not done:  # as ``update``, which writes the same catalogs
            safety.empty(staging(config, f"catalogs-{locale}"))
            safety.sweep(config.locales_dir / locale)
        return _import(config, locale, from_dir, overwrite, dry_run)


def _import(config: Config, locale: str, from_dir: Path, overwrite: bool, dry_run: bool) -> ImportResult:
    rels = source_pages(config)
    if not any(config.template_path(rel).is_file() for rel in rels):
        raise Docl10nError(config.reference(""), 0, "no templates: run `docl10n extract` first")
    problems: list[Problem] = []
    pages: list[PageImport] = []
    theirs = counterparts(config, from_dir)
    for rel in rels:
        ref = config.reference(rel)
        pot_path, po_path = config.template_path(rel), config.catalog_path(locale, rel)
        try:
            source = read_page(config, rel)
            hit = match(config, rel, _source_title(source), theirs)
            if hit is None:
                pages.append(PageImport(ref, None, units=len({(u.msgctxt, u.msgid) for u in source.units})))
                continue
            other, how = hit
            if not pot_path.is_file():
                raise Docl10nError(ref, 0, "no template: run `docl10n extract` first")
            safety.check_inside([po_path, pot_path], config.root, "a catalog")
            pot = read_catalog(pot_path, _display(config, pot_path))
            po = read_catalog(po_path, _display(config, po_path)) if po_path.is_file() else None
            text = decode(other.path.read_bytes(), other.name)
            counterpart = parse_page(text, other.name, keys=config.keys, attribution=config.attribution_markers)
            alignment = find_translations(source, counterpart, config.keys)
        except Docl10nError as exc:
            problems.append(exc.problem)
            continue
        if alignment.problem is not None:
            problems.append(alignment.problem)
        found = alignment.found
        merged, _ = catalog.merge(pot, po, locale)
        fills = {
            key: catalog.Found(
                msgstr=f.msgstr,
                fuzzy=f.fuzzy,
                previous_msgid=f.english if f.fuzzy and f.english and f.english != key[1] else None,
                tcomment=f"imported from {other.label}:{f.line}" + (f" ({f.why})" if f.why else ""),
            )
            for key, f in found.items()
        }
        filled, outcome = catalog.fill(merged, fills, overwrite)
        wanted = [(e.msgctxt, e.msgid) for e in pot if not e.obsolete]
        exact = sum(1 for k in wanted if k in found and not found[k].fuzzy)
        fuzzy = sum(1 for k in wanted if k in found and found[k].fuzzy)
        written = False
        text = catalog.render(filled) if not dry_run else ""
        if not dry_run and (po is None or text != catalog.render(po)):  # same entries: leave the file as it is
            written = atomic_write(po_path, text.encode("utf-8"), staging=staging(config, f"catalogs-{locale}")) is not None
        pages.append(
            PageImport(
                ref, other.name, how, len(wanted), exact, fuzzy, len(wanted) - exact - fuzzy, outcome.kept, written
            )
        )
    return ImportResult(tuple(pages), tuple(problems))
