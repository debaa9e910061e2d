"""The stages run over a whole project: one function a command, no printing.

Each function reads the files it needs, calls the pure stage functions
(segment, catalog, rebuild) and writes atomically. A problem with one page
or catalog is recorded and the others are still processed; a catalog that
fails to parse is never written over.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial, wraps
from pathlib import Path

import polib

from . import cache, catalog, checks, coverage, parallel, safety
from .model import Coverage, Docl10nError, Page, Problem, Unit
from .project import Config, atomic_write, is_cjk, page_url, source_pages, template_pages
from .rebuild import UNESCAPED_PIPE, Attribution, BuildOptions, Built, splice
from .segment import decode, parse_page


@dataclass(frozen=True)
class StageResult:
    """What a stage did: files written, left as they were, and problems."""

    written: tuple[str, ...] = ()
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()
    summaries: dict[str, catalog.MergeSummary] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def read_page(config: Config, rel: str, source: bytes | None = None) -> Page:
    """The source page ``rel`` cut into units; ``source`` when its bytes were already read."""
    ref = config.reference(rel)
    if source is None:
        source = cache.read(config.source_dir / rel)
    if source is None:
        raise Docl10nError(ref, 0, "cannot read page")
    return parse_page(decode(source, ref), ref, keys=config.keys, attribution=config.attribution_markers)


def read_catalog(path: Path, name: str) -> polib.POFile:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Docl10nError(name, 0, f"cannot read catalog: {exc.strerror}") from None
    return catalog.parse(decode(data, name), name)


def _rel(config: Config, path: Path) -> str:
    try:
        return path.relative_to(config.root).as_posix()
    except ValueError:
        return str(path)


def _safely(stage: str) -> Callable[[Callable], Callable]:
    """Run a stage only on paths inside its trees, holding its lock, after sweeping what a killed run left.

    Whatever this refuses (a bad locale name, a symlink out of the project,
    another run that holds the lock too long) is returned as the stage's
    problem, like any other bad input.
    """

    def wrap(fn: Callable) -> Callable:
        signature = inspect.signature(fn)

        @wraps(fn)
        def run(config: Config, *args: object, **kwargs: object) -> object:
            a = signature.bind(config, *args, **kwargs)
            a.apply_defaults()
            try:
                with _prepared(stage, config, a.arguments):
                    return fn(config, *args, **kwargs)
            except Docl10nError as exc:
                return ([], (exc.problem,)) if stage == "stats" else StageResult(problems=(exc.problem,))

        return run

    return wrap


@contextmanager
def _prepared(stage: str, config: Config, args: dict[str, object]) -> Iterator[None]:
    root, store = config.root, config.root / cache.DIR
    locale = str(args.get("locale", ""))
    if stage != "extract":
        safety.check_locale(locale)
    safety.check_inside([store, config.locales_dir, config.templates_dir], root, "a project folder")
    if stage == "extract":
        pages = source_pages(config)
        safety.check_inside([config.template_path(rel) for rel in pages], root, "a template")
        with safety.exclusive(config, "extract"):
            safety.sweep(config.templates_dir)
            safety.sweep(store, {"extract.json"}, recursive=False)
            yield
        return
    rels = template_pages(config) if stage in ("update", "stats") else source_pages(config)
    safety.check_inside([config.locales_dir / locale], config.locales_dir, "the locale folder")
    safety.check_inside(
        [p for rel in rels for p in (config.catalog_path(locale, rel), config.template_path(rel))], root, "a catalog"
    )
    if stage == "stats":
        yield
        return
    with safety.exclusive(config, f"locale-{locale}"):
        safety.sweep(store, {f"{stage}-{locale}.json", f"memory-{locale}.json"}, recursive=False)
        if stage == "update":
            safety.sweep(config.locales_dir / locale)
        else:
            out, layout = args.get("out"), args.get("layout") or config.layout
            dests = [config.output_path(locale, rel, str(layout), out) for rel in rels]  # type: ignore[arg-type]
            safety.check_inside(dests, out if isinstance(out, Path) else root, "an output page")
            by_folder: dict[Path, set[str]] = {}
            for d in dests:
                by_folder.setdefault(d.parent, set()).add(d.name)
            for folder, names in by_folder.items():
                safety.sweep(folder, names, recursive=False)
        yield


def _save_cache(config: Config, name: str, entries: dict[str, object]) -> None:
    try:
        atomic_write(cache.path(config.root, name), cache.dump(entries), durable=False)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _extract_page(
    config: Config, salt: str, item: tuple[str, object], only_cached: bool = False
) -> tuple[str, str, Problem | None, str | None] | None:
    """One page's template: (rel, "written" | "unchanged" | "failed", problem, cache key).

    With ``only_cached``, None unless the cache answers.
    """
    rel, known = item
    pot_path = config.template_path(rel)
    source, old = cache.read(config.source_dir / rel), cache.read(pot_path)
    now = cache.key(salt, source, old)
    if known == now:
        return rel, "unchanged", None, now
    if only_cached:
        return None
    ref = config.reference(rel)
    try:
        page = read_page(config, rel, source)
        previous = None
        if old is not None:
            try:
                previous = catalog.parse(decode(old, _rel(config, pot_path)), _rel(config, pot_path))
            except Docl10nError:
                previous = None  # a template is derived data: rewrite it
        pot = catalog.template(page.units, ref, config.project, previous)
    except Docl10nError as exc:
        return rel, "failed", exc.problem, None
    if pot is None:
        return rel, "unchanged", None, now
    data = catalog.render(pot).encode("utf-8")
    atomic_write(pot_path, data, durable=False)
    return rel, "written", None, cache.key(salt, source, data)


@_safely("extract")
def extract(config: Config, jobs: int | None = None, progress: parallel.Progress = None) -> StageResult:
    """Write one template per source page; drop templates whose page is gone.

    A page whose source and template bytes are what the last run left is
    not parsed again (see ``cache``).
    """
    written, problems, unchanged = [], [], 0
    pages = source_pages(config)
    salt = cache.salt("extract", config)
    known = cache.load(config.root, "extract")
    keys: dict[str, object] = {}
    work = partial(_extract_page, config, salt)
    probe = partial(_extract_page, config, salt, only_cached=True)
    for rel, status, problem, key in parallel.run(work, [(rel, known.get(rel)) for rel in pages], jobs, progress, probe=probe):
        if key is not None:
            keys[rel] = key
        if problem is not None:
            problems.append(problem)
        elif status == "written":
            written.append(_rel(config, config.template_path(rel)))
        else:
            unchanged += 1
    keep = set(pages)
    for rel in template_pages(config):
        if rel not in keep and not (config.source_dir / rel).exists():  # its page is gone
            config.template_path(rel).unlink()
            written.append(_rel(config, config.template_path(rel)) + " (removed)")
    if keys != known:
        _save_cache(config, "extract", keys)
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"pages": len(pages)})


class _Memory(Mapping[str, tuple[str, str]]):
    """The locale's translation memory without the entries of one catalog (no copy per catalog)."""

    def __init__(self, found: Mapping[str, tuple[str, str]], own: str) -> None:
        self.found, self.own = found, own

    def __getitem__(self, msgid: str) -> tuple[str, str]:
        value = self.found[msgid]
        if value[1] == self.own:
            raise KeyError(msgid)
        return value

    def __contains__(self, msgid: object) -> bool:
        value = self.found.get(msgid)  # type: ignore[call-overload]
        return value is not None and value[1] != self.own

    def __iter__(self) -> Iterator[str]:
        return (k for k, v in self.found.items() if v[1] != self.own)

    def __len__(self) -> int:
        return len(self.found)


def _memory_of_catalog(config: Config, locale: str, rel: str) -> tuple[str, list | None, Problem | None]:
    """The translated msgids one catalog lends the rest of its locale."""
    path = config.catalog_path(locale, rel)
    try:
        po = read_catalog(path, _rel(config, path))
    except Docl10nError as exc:
        return rel, None, exc.problem
    return rel, [[k, v[0]] for k, v in catalog.memory_of([("", po)]).items()], None


def _update_catalog(config: Config, locale: str, salt: str, rel: str) -> tuple:
    """Merge one template into its catalog: (rel, summary, written, problem, key, po hash, memory)."""
    po_path, pot_path = config.catalog_path(locale, rel), config.template_path(rel)
    own = _rel(config, po_path)
    try:
        pot = read_catalog(pot_path, _rel(config, pot_path))
        po = read_catalog(po_path, own) if po_path.is_file() else None
    except Docl10nError as exc:
        return rel, None, False, exc.problem, None, None, None
    memory = parallel.shared("memory") or {}
    merged, summary = catalog.merge(pot, po, locale, _Memory(memory, own))  # type: ignore[arg-type]
    data = catalog.render(merged).encode("utf-8") if summary.changed else cache.read(po_path)
    wrote = summary.changed and atomic_write(po_path, data)  # type: ignore[arg-type]
    lent = [[k, v[0]] for k, v in catalog.memory_of([("", merged)]).items()]
    return rel, summary, wrote, None, cache.key(salt, cache.read(pot_path), data), cache.key(data), lent


@_safely("update")
def update(config: Config, locale: str, jobs: int | None = None, progress: parallel.Progress = None) -> StageResult:
    """Create or update every catalog of ``locale`` from the templates.

    A catalog whose template and own bytes are what the last update left is
    not parsed: merging it again would change nothing. Each catalog's share
    of the translation memory is kept in the cache by the hash of its bytes,
    so only catalogs edited since are parsed to rebuild the memory.
    """
    written, problems, unchanged = [], [], 0
    summaries: dict[str, catalog.MergeSummary] = {}
    rels = template_pages(config)
    salt = cache.salt("update", config, locale)
    known = cache.load(config.root, f"update-{locale}")
    keys: dict[str, object] = {}
    po_bytes = {rel: cache.read(config.catalog_path(locale, rel)) for rel in rels}
    stale = []
    for rel in rels:
        now = cache.key(salt, cache.read(config.template_path(rel)), po_bytes[rel])
        if known.get(rel) == now:
            keys[rel] = now
            unchanged += 1
        else:
            stale.append(rel)
    if progress:
        progress(len(rels) - len(stale))
    if not stale:
        return StageResult((), unchanged, (), summaries)
    lent = cache.load(config.root, f"memory-{locale}")
    hashes = {rel: cache.key(data) for rel, data in po_bytes.items() if data is not None}
    fresh = {rel: entry for rel, entry in lent.items() if rel in hashes and isinstance(entry, list) and entry[0] == hashes[rel]}
    broken = set()
    scan = [rel for rel in hashes if rel not in fresh]
    for rel, pairs, problem in parallel.run(partial(_memory_of_catalog, config, locale), scan, jobs, None):
        if problem is not None:
            problems.append(problem)
            broken.add(rel)
        else:
            fresh[rel] = [hashes[rel], pairs]
    memory: dict[str, tuple[str, str]] = {}
    for rel in rels:
        if rel in fresh:
            where = _rel(config, config.catalog_path(locale, rel))
            for msgid, msgstr in fresh[rel][1]:
                memory.setdefault(msgid, (msgstr, where))
    todo = [rel for rel in stale if rel not in broken]  # broken catalog: reported, left untouched
    work = partial(_update_catalog, config, locale, salt)
    for rel, summary, wrote, problem, key, po_hash, pairs in parallel.run(work, todo, jobs, progress, {"memory": memory}):
        if problem is not None:
            problems.append(problem)
            continue
        summaries[rel] = summary
        keys[rel], fresh[rel] = key, [po_hash, pairs]
        if wrote:
            written.append(_rel(config, config.catalog_path(locale, rel)))
        else:
            unchanged += 1
    _save_cache(config, f"update-{locale}", keys)
    _save_cache(config, f"memory-{locale}", {rel: fresh[rel] for rel in rels if rel in fresh})
    return StageResult(tuple(written), unchanged, tuple(problems), summaries)


def attribution_for(config: Config, locale: str, page: Page, po: polib.POFile | None) -> Attribution | None:
    template = config.attribution_template(locale)
    if template is None:
        return None
    rel = page.path[len(config.source) + 1 :]
    url = page_url(config, rel)
    stamp = po.metadata.get(catalog.FIRST_EXTRACTED) if po is not None else None
    date = _front_matter_date(page)
    if url is None:
        return None
    if not (date or stamp) and config.template_path(rel).is_file():  # never "now": rebuilds stay identical
        try:
            stamp = read_catalog(config.template_path(rel), rel).metadata.get(catalog.FIRST_EXTRACTED)
        except Docl10nError:
            stamp = None
    return Attribution(url=url, timestamp=date or stamp or "", template=template)


def _front_matter_date(page: Page) -> str | None:
    if page.front_matter is None:
        return None
    body = page.text[page.front_matter.body.start : page.front_matter.body.end]
    m = re.search(r"^date\s*[:=]\s*[\"']?([0-9][0-9T:+\-. Z]*[0-9Z])", body, re.M)
    return m.group(1) if m else None


def refusals(locale: str, unit: Unit, msgstr: str) -> list[str]:
    """Why a translation must not be built: the error findings of ``checks`` (a ``rebuild.Checker``).

    Checked as splice will write it: on one line where the unit is inline,
    with ``|`` escaped in table cells, so what the build repairs is not refused.
    """
    if unit.inline:
        msgstr = " ".join(msgstr.split("\n"))
        if unit.kind.startswith("table"):
            msgstr = UNESCAPED_PIPE.sub(r"\1\\|", msgstr)
    options = checks.CheckOptions(locale=locale, inline=unit.inline, kind=unit.kind)
    return [f"[{f.check}] {f.message}" for f in checks.errors(unit.msgid, msgstr, options)]


@_safely("build")
def build(
    config: Config,
    locale: str,
    out: Path | None = None,
    include_fuzzy: bool = False,
    attribution: bool = True,
    layout: str | None = None,
    mode: str | None = None,
    jobs: int | None = None,
    progress: parallel.Progress = None,
) -> StageResult:
    """Write the localized page of every source page (layout and mode default to the config's).

    A page whose source, catalog, template and output bytes are what the
    last build left is not parsed again; its counts and problems come from
    the cache.
    """
    layout = layout or config.layout
    written, problems, unchanged = [], [], 0
    translated = total = 0
    settings = (out, include_fuzzy, attribution, layout, mode)
    name = f"build-{locale}"
    known = cache.load(config.root, name)
    entries: dict[str, object] = {}
    salt = cache.salt("build", config, locale, settings)
    work, probe = partial(_build_page, config, locale, settings, salt), partial(
        _build_page, config, locale, settings, salt, only_cached=True
    )
    items = [(rel, known.get(rel)) for rel in source_pages(config)]
    for rel, status, entry, found in parallel.run(work, items, jobs, progress, probe=probe):
        problems.extend(found)
        if entry is None:
            continue
        entries[rel] = entry
        translated, total = translated + entry[1], total + entry[2]
        if status == "written":
            written.append(_rel(config, config.output_path(locale, rel, layout, out)))
        else:
            unchanged += 1
    if entries != known:
        _save_cache(config, name, entries)
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"translated": translated, "units": total})


def _build_page(
    config: Config, locale: str, settings: tuple, salt: str, item: tuple[str, object], only_cached: bool = False
) -> tuple | None:
    """One localized page: (rel, "written" | "unchanged" | "failed", cache entry, problems).

    The cache entry is [key, units translated, units, problems as lists].
    With ``only_cached``, None unless the cache answers.
    """
    rel, known = item
    out, include_fuzzy, attribution, layout, mode = settings
    po_path, dest = config.catalog_path(locale, rel), config.output_path(locale, rel, layout, out)
    source, po_data = cache.read(config.source_dir / rel), cache.read(po_path)
    inputs = (salt, source, po_data, cache.read(config.template_path(rel)))
    now = cache.key(*inputs, cache.read(dest))
    if isinstance(known, list) and len(known) == 4 and known[0] == now:
        return rel, "unchanged", known, tuple(Problem(*p) for p in known[3])
    if only_cached:
        return None
    try:
        page = read_page(config, rel, source)
        po = catalog.parse(decode(po_data, _rel(config, po_path)), _rel(config, po_path)) if po_data is not None else None
        options = BuildOptions(
            include_fuzzy=include_fuzzy,
            cjk=is_cjk(locale),
            attribution=attribution_for(config, locale, page, po) if attribution else None,
            heading_ids=config.heading_ids,
            mode=mode or config.mode,
        )
        built: Built = splice(page, catalog.translations(po) if po else {}, options, partial(refusals, locale))
    except Docl10nError as exc:
        return rel, "failed", None, (exc.problem,)
    status = "written" if atomic_write(dest, built.data, durable=False) else "unchanged"
    kept = [[p.path, p.line, p.message, p.check, p.severity] for p in built.problems]
    return rel, status, [cache.key(*inputs, built.data), built.translated, built.total, kept], built.problems


def _stats_page(config: Config, locale: str, salt: str, item: tuple[str, object], only_cached: bool = False) -> tuple | None:
    """One page's coverage: (rel, Coverage or None, problem, cache entry); with ``only_cached``, None unless cached."""
    rel, known = item
    po_path = config.catalog_path(locale, rel)
    path = po_path if po_path.is_file() else config.template_path(rel)
    data = cache.read(path)
    now = cache.key(salt, str(path), data)
    if isinstance(known, list) and len(known) == 2 and known[0] == now:
        return rel, Coverage(rel, *known[1]), None, known
    if only_cached:
        return None
    try:
        if data is None:
            raise Docl10nError(_rel(config, path), 0, "cannot read catalog")
        found = coverage.of_catalog(rel, catalog.parse(decode(data, _rel(config, path)), _rel(config, path)))
    except Docl10nError as exc:
        return rel, None, exc.problem, None
    return rel, found, None, [now, list(coverage.counts(found))]


@_safely("stats")
def stats(
    config: Config, locale: str, jobs: int | None = None, progress: parallel.Progress = None
) -> tuple[list[Coverage], tuple[Problem, ...]]:
    """Coverage of every page of ``locale``; a page without a catalog counts as untranslated."""
    pages, problems = [], []
    name = f"stats-{locale}"
    known = cache.load(config.root, name)
    entries: dict[str, object] = {}
    salt = cache.salt("stats", config, locale)
    work, probe = partial(_stats_page, config, locale, salt), partial(_stats_page, config, locale, salt, only_cached=True)
    items = [(r, known.get(r)) for r in template_pages(config)]
    for rel, found, problem, entry in parallel.run(work, items, jobs, progress, probe=probe):
        if problem is not None:
            problems.append(problem)
            continue
        pages.append(found)
        entries[rel] = entry
    if entries != known:
        _save_cache(config, name, entries)
    return pages, tuple(problems)


def outdated(config: Config, locale: str, pages: list[Coverage]) -> list[tuple[str, str]]:
    """Pages whose source changed since they were translated, each with why.

    A page is outdated when its catalog has fuzzy entries (a translated
    string changed upstream), or when its template is newer than its catalog
    (the template's POT-Creation-Date differs from the one the catalog last
    took from it: ``extract`` saw a change that ``update`` has not merged).
    """
    found = []
    for page in pages:
        reasons = []
        if page.fuzzy:
            reasons.append(f"{page.fuzzy} fuzzy")
        po_data = cache.read(config.catalog_path(locale, page.name))
        pot_date = coverage.creation_date(cache.read(config.template_path(page.name)))
        if po_data is not None and pot_date and coverage.creation_date(po_data) != pot_date:
            reasons.append("template newer than catalog: run update")
        if reasons:
            found.append((page.name, ", ".join(reasons)))
    return found


def locales(config: Config) -> list[str]:
    """Locales that have a folder of catalogs."""
    base = config.locales_dir
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != "templates" and not p.name.startswith("."))


# -- check: translator mistakes in the catalogs ------------------------------------

INLINE_KINDS = ("heading", "table cell", "table header", "front matter ", "card ")


@dataclass(frozen=True)
class Flagged:
    """One finding of ``check``: the catalog entry a translator edits and the page line it shows on."""

    catalog: str
    catalog_line: int
    source: str | None  # the first ``#:`` reference's path
    source_line: int
    check: str
    severity: str
    message: str
    msgid: str

    def __str__(self) -> str:
        where = f"{self.catalog}:{self.catalog_line}"
        if self.source:
            where = f"{self.source}:{self.source_line} ({where})"
        return f"{where}: [{self.check}] {self.message}"


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found, and the catalogs it could not read."""

    findings: tuple[Flagged, ...] = ()
    problems: tuple[Problem, ...] = ()
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems) or any(f.severity == "error" for f in self.findings)


def catalogs_of(config: Config, locale: str) -> list[Path]:
    """Every ``.po`` file of a locale, hidden files (``atomic_write`` leftovers) left out."""
    base = config.locales_dir / locale
    if not base.is_dir():
        return []
    return sorted(
        p for p in base.rglob("*.po") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(base).parts)
    )


def _entry_options(locale: str, entry: polib.POEntry) -> checks.CheckOptions:
    """Inline and kind from the ``#.`` comment; a string used as a heading must fit a heading."""
    kinds = [k.strip() for k in entry.comment.split(", ") if k.strip()] or ["paragraph"]
    inline = "\n" not in entry.msgid and any(k.startswith(INLINE_KINDS) for k in kinds)
    kind = next((k for k in kinds if k.startswith("table")), kinds[0])
    return checks.CheckOptions(locale=locale, inline=inline, kind=kind)


def check_catalog(po: polib.POFile, name: str, locale: str) -> list[Flagged]:
    """The findings of every translated, non-obsolete entry; fuzzy entries get the fuzzy warning only."""
    found = []
    for e in po:
        if e.obsolete or not e.msgstr or e.msgid_plural:
            continue
        if e.fuzzy:
            results = [checks.fuzzy_finding(e.msgid, e.previous_msgid)]
        else:
            results = checks.check_message(e.msgid, e.msgstr, _entry_options(locale, e))
        if not results:
            continue
        source, line = e.occurrences[0] if e.occurrences else (None, "0")
        for r in results:
            found.append(
                Flagged(name, e.linenum, source, int(line) if str(line).isdigit() else 0, r.check, r.severity, r.message, e.msgid)
            )
    return found


def check(config: Config, locale: str) -> CheckResult:
    """Run the translator-mistake checks over every catalog of ``locale``.

    Reads only catalogs inside the locale folder; one that does not parse
    is reported and the others are still checked.
    """
    findings: list[Flagged] = []
    problems: list[Problem] = []
    try:
        safety.check_locale(locale)
        safety.check_inside([config.locales_dir / locale], config.locales_dir, "the locale folder")
    except Docl10nError as exc:
        return CheckResult(problems=(exc.problem,))
    paths = catalogs_of(config, locale)
    entries = 0
    for path in paths:
        name = _rel(config, path)
        try:
            safety.check_inside([path], config.root, "a catalog")
            po = read_catalog(path, name)
        except Docl10nError as exc:
            problems.append(exc.problem)
            continue
        entries += sum(1 for e in po if not e.obsolete and e.msgstr)
        findings.extend(check_catalog(po, name, locale))
    return CheckResult(tuple(findings), tuple(problems), {"catalogs": len(paths), "entries": entries})
