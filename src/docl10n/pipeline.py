"""The stages run over a whole project: one function a command, no printing.

Each function reads the files it needs, calls the pure stage functions
(segment, catalog, rebuild) and writes atomically. A problem with one page
or catalog is recorded and the others are still processed; a catalog that
fails to parse is never written over.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial, wraps
from pathlib import Path
from typing import TYPE_CHECKING

from . import cache, parallel, safety
from .model import Coverage, Docl10nError, Keys, Page, Problem, Unit
from .project import Config, atomic_write, is_cjk, page_url, source_pages, template_pages

if TYPE_CHECKING:
    import polib

    from . import checks
    from .catalog import MergeSummary
    from .rebuild import Attribution

# The parser, polib, babel and the checks are imported by the functions that
# use them: a run whose cache answers for every page never loads them.


@dataclass(frozen=True)
class StageResult:
    """What a stage did: files written, left as they were, and problems."""

    written: tuple[str, ...] = ()
    unchanged: int = 0
    problems: tuple[Problem, ...] = ()
    summaries: dict[str, MergeSummary] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def _record_name(config: Config, rel: str, digest: str, salt: str) -> str:
    """The key of page ``rel`` with bytes of ``digest`` in the pack of page records."""
    return cache.key(salt, config.reference(rel), digest)


def _page_salt(config: Config) -> str:
    """What every page record's key shares: the code and how pages are cut."""
    return _salt_of_pages(config.keys, config.attribution_markers)


@lru_cache(maxsize=8)
def _salt_of_pages(keys: Keys, markers: tuple[str, ...]) -> str:
    """Worked out once per process, not once per page (a repr and a hash each time)."""
    return cache.salt("page", keys, markers)


def staging(config: Config, tree: str) -> str:
    """Where a run that writes ``tree`` makes its temporary files (``atomic_write``); emptied after a killed run."""
    return f"{config.root}/{cache.DIR}/{cache.STAGING}/{tree}"


_PACK: list = [None, None, None]  # [path, stat identity, cache.Pack or None]: this process's open pack


def _pack(config: Config) -> cache.Pack | None:
    """The project's pack of page records, kept open while the file stays the same; None when there is none."""
    path = f"{config.root}/{cache.DIR}/{cache.PACK}"
    try:
        st = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    ident = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    if _PACK[0] == path and _PACK[1] == ident:
        return _PACK[2]
    if _PACK[2] is not None:
        _PACK[2].close()
    try:
        found = cache.Pack(path)
    except (OSError, ValueError):
        found = None
    _PACK[:] = [path, ident, found]
    return found


def read_page(config: Config, rel: str, source: bytes | None = None, digest: str | None = None) -> Page:
    """The source page ``rel`` cut into units; ``source`` (and its ``digest``) when already read.

    A page cut by ``extract``, with the same bytes, code and settings, is
    read from its record instead of parsed again.
    """
    return _cut_page(config, rel, source, digest, False)[0]


def _cut_page(config: Config, rel: str, source: bytes | None, digest: str | None, record: bool) -> tuple[Page, tuple | None]:
    """The page, and when ``record`` and it had none, (its record's name, its record) for the next pack."""
    from .segment import decode, parse_page

    ref = config.reference(rel)
    if source is None:
        source = cache.read(config.source_path(rel))
    if source is None:
        raise Docl10nError(ref, 0, "cannot read page")
    text = decode(source, ref)
    name = _record_name(config, rel, digest or cache.digest(source), _page_salt(config))
    if (pack := _pack(config)) is not None and (data := pack.get(name)) is not None:
        try:
            return cache.page_from_record(text, ref, data), None
        except ValueError:
            pass  # not ours: parse again
    page = parse_page(text, ref, keys=config.keys, attribution=config.attribution_markers)
    return page, ((name, cache.page_record(page)) if record else None)


def read_catalog(path: Path, name: str) -> polib.POFile:
    from . import catalog
    from .segment import decode

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
        names = fn.__code__.co_varnames[: fn.__code__.co_argcount]
        defaults = dict(zip(names[len(names) - len(fn.__defaults__ or ()) :], fn.__defaults__ or ()))

        @wraps(fn)
        def run(config: Config, *args: object, **kwargs: object) -> object:
            arguments = {**defaults, **dict(zip(names[1:], args)), **kwargs}
            try:
                with _prepared(stage, config, arguments) as (listing, guard):
                    return fn(config, *args, **kwargs, listing=listing, guard=guard)
            except Docl10nError as exc:
                return ([], (exc.problem,)) if stage == "stats" else StageResult(problems=(exc.problem,))

        return run

    return wrap


class _Guard:
    """The per-file part of a stage's guard: done once, before the stage first reads or writes one of its files.

    A run whose files all kept their ``stat`` reads and writes none of them
    (``cache.Files`` answers from the stat), so it need not look at each: for
    a thousand pages in as many folders, that was a fifth of a run with
    nothing to do. A link put in place of a file or folder since the last run
    changes the stat found there (another inode, or a ctime the move set), so
    that run reads, and is guarded first: any read (``cache.Files``), any work
    (``parallel.run``) and any removal calls the guard before it. A refusal
    raises, as the whole guard did before the stage began.
    """

    __slots__ = ("checks",)

    def __init__(self) -> None:
        self.checks: list[tuple[Callable[[], list[str]], Path, str]] = []

    def add(self, paths: Callable[[], list[str]], base: Path, what: str) -> None:
        """Check ``paths()`` against ``base`` when called: not even the paths are made for a run that reads nothing."""
        self.checks.append((paths, base, what))

    def __call__(self) -> None:
        while self.checks:
            paths, base, what = self.checks[0]
            safety.check_inside(paths(), base, what)
            del self.checks[0]


@contextmanager
def _prepared(stage: str, config: Config, args: dict[str, object]) -> Iterator[tuple[list[str], _Guard]]:
    """Guard, lock and sweep for one stage; yields the pages it listed, so the stage need not list them again,
    and the guard of their files, left to the stage to call (see ``_Guard``); stats gets it done."""
    root, store = config.root, config.root / cache.DIR
    locale = str(args.get("locale", ""))
    if stage != "extract":
        safety.check_locale(locale)
    tree = "templates" if stage == "extract" else f"catalogs-{locale}" if stage == "update" else f"pages-{locale}"
    safety.check_inside(
        [store, store / cache.PACK, store / cache.PAGES, staging(config, tree), config.locales_dir, config.templates_dir],
        root,
        "a project folder",
    )
    guard = _Guard()
    if stage == "extract":
        pages = source_pages(config)
        guard.add(lambda: [config.template_file(rel) for rel in pages], root, "a template")
        with safety.exclusive(config, "extract"), safety.finished(config, tree) as done:
            if not done:
                guard()
                safety.empty(staging(config, tree))
                safety.sweep(config.templates_dir)
                safety.sweep(store, {"extract.json", "files-extract.json"}, recursive=False)
            yield pages, guard
        return
    rels = template_pages(config) if stage in ("update", "stats") else source_pages(config)
    safety.check_inside([config.locales_dir / locale], config.locales_dir, "the locale folder")
    guard.add(
        lambda: [p for rel in rels for p in (config.catalog_file(locale, rel), config.template_file(rel))], root, "a catalog"
    )
    if stage == "stats":
        guard()
        yield rels, guard
        return
    out, layout = args.get("out"), str(args.get("layout") or config.layout)

    def dests() -> list[str]:
        return [config.output_file(locale, rel, layout, out) for rel in rels] if stage == "build" else []  # type: ignore[arg-type]

    if stage == "build":
        guard.add(dests, out if isinstance(out, Path) else root, "an output page")
    with safety.exclusive(config, f"locale-{locale}"), safety.finished(config, tree) as done:
        if not done:
            guard()
            safety.empty(staging(config, tree))
            caches = {f"{stage}-{locale}.json", f"files-{stage}-{locale}.json", f"memory-{locale}.json"}
            safety.sweep(store, caches, recursive=False)
            if stage == "update":
                safety.sweep(config.locales_dir / locale)
            by_folder: dict[str, set[str]] = {}
            for d in dests():
                folder, name = os.path.split(d)
                by_folder.setdefault(folder, set()).add(name)
            for folder, names in by_folder.items():
                safety.sweep(Path(folder), names, recursive=False)
        yield rels, guard


def _unguarded() -> None:
    """The guard of a stage called without ``_prepared``'s: its caller checked the files."""


def _save_cache(config: Config, name: str, entries: dict[str, object] | bytes | None) -> None:
    """Write one cache file (``entries``, or bytes already dumped; None: nothing changed)."""
    if entries is None:
        return
    try:
        atomic_write(cache.path(config.root, name), entries if isinstance(entries, bytes) else cache.dump(entries), durable=False)
    except OSError:
        pass  # a cache that cannot be written only costs time


def _extract_known(config: Config, salt: str, files: cache.Files, item: tuple[str, object]) -> tuple | None:
    """The page's result when the cache answers for it (source and template as last left), else None."""
    rel, known = item
    if known is None:
        return None  # nothing to compare with: the work reads the files
    now = cache.key(salt, files.digest(config.source_file(rel)), files.digest(config.template_file(rel)))
    return (rel, "unchanged", None, now, {}, None) if known == now else None


def _extract_page(config: Config, salt: str, item: tuple[str, object]) -> tuple:
    """One page's template: (rel, "written" | "unchanged" | "failed", problem, cache key, stamps of files read,
    (name, record) when the page was cut afresh)."""
    rel, known = item
    pot_path, reads = config.template_path(rel), cache.Reads()
    source_file, pot_file = config.source_file(rel), config.template_file(rel)
    source, old = reads.read(source_file), reads.read(pot_file)
    now = cache.key(salt, reads.digests[source_file], reads.digests[pot_file])
    if known == now:
        return rel, "unchanged", None, now, reads.stamps, None
    from . import catalog
    from .segment import decode

    ref = config.reference(rel)
    try:
        page, record = _cut_page(config, rel, source, reads.digests[source_file], True)
        previous = None
        if old is not None:
            try:
                previous = catalog.parse(decode(old, _rel(config, pot_path)), _rel(config, pot_path))
            except Docl10nError:
                previous = None  # a template is derived data: rewrite it
        pot = catalog.template_text(page.units, ref, config.project, previous)
    except Docl10nError as exc:
        return rel, "failed", exc.problem, None, reads.stamps, None
    if pot is None:
        return rel, "unchanged", None, now, reads.stamps, record
    data = pot.encode("utf-8")
    reads.wrote(pot_file, data, atomic_write(pot_path, data, durable=False, staging=staging(config, "templates")))
    return rel, "written", None, cache.key(salt, reads.digests[source_file], reads.digests[pot_file]), reads.stamps, record


@_safely("extract")
def extract(
    config: Config,
    jobs: int | None = None,
    progress: parallel.Progress = None,
    *,
    listing: list[str] | None = None,
    guard: Callable[[], None] = _unguarded,
) -> StageResult:
    """Write one template per source page; drop templates whose page is gone.

    A page whose source and template bytes are what the last run left is
    not parsed again (see ``cache``). ``listing``: the source pages, when
    already listed; ``guard``: called before the first template is read,
    written or removed.
    """
    written, problems, unchanged = [], [], 0
    pages = source_pages(config) if listing is None else listing
    salt = cache.salt("extract", config)
    known = cache.load(config.root, "extract")
    if known and not os.path.lexists(f"{config.root}/{cache.DIR}/{cache.PACK}"):
        known = {}  # the page records are part of what extract leaves: without them, every page is worked again
    files = cache.Files(config.root, "extract", before_read=guard)
    keys: dict[str, object] = {}
    records: dict[str, bytes] = {}
    work = partial(_extract_page, config, salt)
    probe = partial(_extract_known, config, salt, files)
    for rel, status, problem, key, stamps, record in parallel.run(
        work, [(rel, known.get(rel)) for rel in pages], jobs, progress, probe=probe, before_work=guard
    ):
        files.remember(stamps)
        if record is not None:
            records[record[0]] = record[1]
        if key is not None:
            keys[rel] = key
        if problem is not None:
            problems.append(problem)
        elif status == "written":
            written.append(_rel(config, config.template_path(rel)))
        else:
            unchanged += 1
    if keys != known or len(keys) != len(pages):  # else these are the pages of the last run, which removed the rest
        guard()
        keep = set(pages)
        for rel in template_pages(config):
            if rel not in keep and not config.source_path(rel).exists():  # its page is gone
                config.template_path(rel).unlink()
                written.append(_rel(config, config.template_path(rel)) + " (removed)")
    if keys != known or records:  # else every page is as the last run left it, records and all
        _save_cache(config, "extract", keys)
        salt = _page_salt(config)
        _save_pack(config, [_record_name(config, r, files.digest(config.source_file(r)), salt) for r in pages], records)
    _save_cache(config, files.name, files.save())
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"pages": len(pages)})


def _save_pack(config: Config, names: list[str], new: dict[str, bytes]) -> None:
    """Keep the records of the pages that are there now (``names``): those cut by this run, else the last pack's.

    Records of pages that changed or are gone are dropped (a record is only
    ever read by its key); so is the folder of one file per record that
    earlier versions kept.
    """
    old = _pack(config)
    kept: dict[str, bytes] = {}
    for name in names:
        data = new.get(name)
        if data is None and old is not None:
            data = old.get(name)
        if data is not None:
            kept[name] = data
    legacy = config.root / cache.DIR / cache.PAGES
    if legacy.is_dir() and not legacy.is_symlink():
        import shutil

        shutil.rmtree(legacy, ignore_errors=True)
    if old is not None and not new and kept.keys() == old.index.keys():
        return  # the same records: the pack stands
    try:
        atomic_write(config.root / cache.DIR / cache.PACK, cache.pack(kept), durable=False, staging=staging(config, "templates"))
    except OSError:
        pass  # a pack that cannot be written only costs time


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
    from . import catalog

    path = config.catalog_path(locale, rel)
    try:
        po = read_catalog(path, _rel(config, path))
    except Docl10nError as exc:
        return rel, None, exc.problem
    return rel, [[k, v[0]] for k, v in catalog.memory_of([("", po)]).items()], None


def _update_catalog(config: Config, locale: str, salt: str, rel: str) -> tuple:
    """Merge one template into its catalog: (rel, summary, written, problem, key, po hash, memory, stamps).

    Each file is read once: its bytes are parsed, hashed for the cache key
    and, when the merge changes nothing, are the catalog's bytes.
    """
    from . import catalog
    from .segment import decode

    po_path, pot_path = config.catalog_path(locale, rel), config.template_path(rel)
    po_file, pot_file = config.catalog_file(locale, rel), config.template_file(rel)
    own, pot_name = _rel(config, po_path), _rel(config, pot_path)
    reads = cache.Reads()
    try:
        if (pot_data := reads.read(pot_file)) is None:
            raise Docl10nError(pot_name, 0, "cannot read catalog")
        pot = catalog.parse(decode(pot_data, pot_name), pot_name)
        po_data = reads.read(po_file) if po_path.is_file() else None
        if po_data is None and po_path.is_file():
            raise Docl10nError(own, 0, "cannot read catalog")
        po = catalog.parse(decode(po_data, own), own) if po_data is not None else None
    except Docl10nError as exc:
        return rel, None, False, exc.problem, None, None, None, reads.stamps
    memory = parallel.shared("memory") or {}
    merged, summary = catalog.merge(pot, po, locale, _Memory(memory, own))  # type: ignore[arg-type]
    data = catalog.render(merged).encode("utf-8") if summary.changed else po_data
    st = atomic_write(po_path, data, staging=staging(config, f"catalogs-{locale}")) if summary.changed else None  # type: ignore[arg-type]
    reads.wrote(po_file, data, st)  # type: ignore[arg-type]
    lent = [[k, v[0]] for k, v in catalog.memory_of([("", merged)]).items()]
    po_digest = reads.digests.get(po_file, cache.NO_FILE)  # no catalog, and none made
    return rel, summary, st is not None, None, cache.key(salt, reads.digests[pot_file], po_digest), po_digest, lent, reads.stamps


@_safely("update")
def update(
    config: Config,
    locale: str,
    jobs: int | None = None,
    progress: parallel.Progress = None,
    *,
    listing: list[str] | None = None,
    guard: Callable[[], None] = _unguarded,
) -> StageResult:
    """Create or update every catalog of ``locale`` from the templates.

    A catalog whose template and own bytes are what the last update left is
    not parsed: merging it again would change nothing. Each catalog's share
    of the translation memory is kept in the cache by the hash of its bytes,
    so only catalogs edited since are parsed to rebuild the memory.
    ``listing``: the pages that have a template, when already listed;
    ``guard``: called before the first catalog or template is read or written.
    """
    written, problems, unchanged = [], [], 0
    summaries: dict[str, MergeSummary] = {}
    rels = template_pages(config) if listing is None else listing
    salt = cache.salt("update", config, locale)
    known = cache.load(config.root, f"update-{locale}")
    files = cache.Files(config.root, f"update-{locale}", before_read=guard)
    keys: dict[str, object] = {}
    po_digests = {rel: files.digest(config.catalog_file(locale, rel)) for rel in rels}
    stale = []
    for rel in rels:
        now = cache.key(salt, files.digest(config.template_file(rel)), po_digests[rel])
        if known.get(rel) == now:
            keys[rel] = now
            unchanged += 1
        else:
            stale.append(rel)
    if progress:
        progress(len(rels) - len(stale))
    if not stale:
        _save_cache(config, files.name, files.save())
        return StageResult((), unchanged, (), summaries)
    guard()
    lent = cache.load(config.root, f"memory-{locale}")
    hashes = {rel: d for rel, d in po_digests.items() if d != cache.NO_FILE}
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
    for rel, summary, wrote, problem, key, po_hash, pairs, stamps in parallel.run(work, todo, jobs, progress, {"memory": memory}):
        files.remember(stamps)
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
    _save_cache(config, files.name, files.save())
    return StageResult(tuple(written), unchanged, tuple(problems), summaries)


def attribution_for(config: Config, locale: str, page: Page, metadata: Mapping[str, str] | None) -> Attribution | None:
    """The attribution block of a built page, dated by its front matter, else by its catalog's (``metadata``)
    or template's first extraction; None where the locale or the page gets none."""
    from . import catalog
    from .rebuild import Attribution

    template = config.attribution_template(locale)
    if template is None:
        return None
    rel = page.path[len(config.source) + 1 :]
    url = page_url(config, rel)
    stamp = metadata.get(catalog.FIRST_EXTRACTED) if metadata is not None else None
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
    m = re.search(r"^date\s*[:=]\s*[\"']?([0-9][0-9T:+\-. Z]*[0-9Z])", body, re.MULTILINE)
    return m.group(1) if m else None


@lru_cache(maxsize=64)
def refusals(locale: str) -> Callable[[Unit, str], list[str]]:
    """Why a translation must not be built, as a ``rebuild.Checker``: the error findings of ``checks``.

    Checked as splice will write it: on one line where the unit is inline,
    with ``|`` escaped in table cells, so what the build repairs is not
    refused. One per locale, so the modules are found once, not at each unit.
    """
    from . import checks
    from .rebuild import UNESCAPED_PIPE

    errors, escape = checks.errors, UNESCAPED_PIPE.sub

    def refuse(unit: Unit, msgstr: str) -> list[str]:
        if unit.inline:
            msgstr = " ".join(msgstr.split("\n"))
            if unit.kind.startswith("table"):
                msgstr = escape(r"\1\\|", msgstr)
        found = errors(unit.msgid, msgstr, _options(locale, unit.inline, unit.kind))
        return [f"[{f.check}] {f.message}" for f in found] if found else []

    return refuse


@lru_cache(maxsize=256)
def _options(locale: str, inline: bool, kind: str) -> checks.CheckOptions:
    """One ``CheckOptions`` per kind of unit, not one per unit."""
    from . import checks

    return checks.CheckOptions(locale=locale, inline=inline, kind=kind)


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
    *,
    listing: list[str] | None = None,
    guard: Callable[[], None] = _unguarded,
) -> StageResult:
    """Write the localized page of every source page (layout and mode default to the config's).

    A page whose source, catalog, template and output bytes are what the
    last build left is not parsed again; its counts and problems come from
    the cache. ``listing``: the source pages, when already listed;
    ``guard``: called before the first file of a page is read or written.
    """
    layout = layout or config.layout
    written, problems, unchanged = [], [], 0
    translated = total = 0
    settings = (out, include_fuzzy, attribution, layout, mode)
    name = f"build-{locale}"
    known = cache.load(config.root, name)
    entries: dict[str, object] = {}
    salt = cache.salt("build", config, locale, settings)
    files = cache.Files(config.root, name, before_read=guard)
    work, probe = partial(_build_page, config, locale, settings, salt), partial(
        _build_known, config, locale, settings, salt, files
    )
    items = [(rel, known.get(rel)) for rel in (source_pages(config) if listing is None else listing)]
    for rel, status, entry, found, stamps in parallel.run(work, items, jobs, progress, probe=probe, before_work=guard):
        files.remember(stamps)
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
    _save_cache(config, files.name, files.save())
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"translated": translated, "units": total})


def _build_paths(config: Config, locale: str, settings: tuple, rel: str) -> tuple[str, str, str, str]:
    """What a localized page is made from, and where it goes: source, catalog, template, output."""
    out, _, _, layout, _ = settings
    return (
        config.source_file(rel),
        config.catalog_file(locale, rel),
        config.template_file(rel),
        config.output_file(locale, rel, layout, out),
    )


def _usable(known: object) -> bool:
    """True when ``known`` has the shape of a build cache entry."""
    return isinstance(known, list) and len(known) == 4


def _build_cached(rel: str, known: object, now: str, stamps: dict | None = None) -> tuple | None:
    """The page's result from its cache entry when the entry's key is ``now``, else None."""
    if _usable(known) and known[0] == now:  # type: ignore[index]
        return rel, "unchanged", known, tuple(Problem(*p) for p in known[3]), stamps or {}  # type: ignore[index]
    return None


def _build_known(config: Config, locale: str, settings: tuple, salt: str, files: cache.Files, item: tuple) -> tuple | None:
    """The page's result when the cache answers for it (inputs and output as last left), else None."""
    rel, known = item
    if not _usable(known):
        return None  # nothing to compare with: the work reads the files
    return _build_cached(rel, known, cache.key(salt, *map(files.digest, _build_paths(config, locale, settings, rel))))


def _build_page(config: Config, locale: str, settings: tuple, salt: str, item: tuple[str, object]) -> tuple:
    """One localized page: (rel, "written" | "unchanged" | "failed", cache entry, problems, stamps of files read).

    The cache entry is [key, units translated, units, problems as lists].
    """
    rel, known = item
    _, include_fuzzy, attribution, _, mode = settings
    source_path, po_path, pot_path, dest = _build_paths(config, locale, settings, rel)
    reads = cache.Reads()
    source, po_data = reads.read(source_path), reads.read(po_path)
    reads.read(pot_path)  # only its digest is needed
    inputs = (salt, *(reads.digests[p] for p in (source_path, po_path, pot_path)))
    reads.read(dest)
    if hit := _build_cached(rel, known, cache.key(*inputs, reads.digests[dest]), reads.stamps):
        return hit
    from . import catalog
    from .rebuild import BuildOptions, splice
    from .segment import decode

    try:
        page = read_page(config, rel, source, reads.digests[source_path])
        po_name = _rel(config, Path(po_path))
        po = catalog.read_translations(decode(po_data, po_name), po_name) if po_data is not None else None
        options = BuildOptions(
            include_fuzzy=include_fuzzy,
            cjk=is_cjk(locale),
            attribution=attribution_for(config, locale, page, po.metadata if po else None) if attribution else None,
            heading_ids=config.heading_ids,
            mode=mode or config.mode,
            keys=config.keys,
        )
        built = splice(page, po.found if po else {}, options, refusals(locale))
    except Docl10nError as exc:
        return rel, "failed", None, (exc.problem,), reads.stamps
    wrote = atomic_write(Path(dest), built.data, durable=False, staging=staging(config, f"pages-{locale}"))
    reads.wrote(dest, built.data, wrote)
    status = "written" if wrote is not None else "unchanged"
    kept = [[p.path, p.line, p.message, p.check, p.severity] for p in built.problems]
    entry = [cache.key(*inputs, reads.digests[dest]), built.translated, built.total, kept]
    return rel, status, entry, built.problems, reads.stamps


def _stats_known(config: Config, locale: str, salt: str, files: cache.Files, item: tuple[str, object]) -> tuple | None:
    """The page's coverage when the cache answers for it (its catalog, or its template, as last read), else None."""
    rel, known = item
    if not (isinstance(known, list) and len(known) == 2):
        return None  # nothing to compare with: the work reads the file
    po_path = config.catalog_file(locale, rel)
    found = files.digest(po_path)
    if found != cache.NO_FILE:
        now = cache.key(salt, "catalog", found)
    else:
        now = cache.key(salt, "template", files.digest(config.template_file(rel)))
    if known[0] == now:
        return rel, Coverage(rel, *known[1]), None, known, {}
    return None


def _stats_page(config: Config, locale: str, salt: str, item: tuple[str, object]) -> tuple:
    """One page's coverage: (rel, Coverage or None, problem, cache entry, stamps of files read)."""
    rel, _ = item
    po_path = config.catalog_path(locale, rel)
    path = po_path if po_path.is_file() else config.template_path(rel)
    reads = cache.Reads()
    data = reads.read(str(path))
    now = cache.key(salt, "catalog" if path == po_path else "template", reads.digests[str(path)])
    from . import catalog, coverage
    from .segment import decode

    try:
        if data is None:
            raise Docl10nError(_rel(config, path), 0, "cannot read catalog")
        found = coverage.of_catalog(rel, catalog.parse(decode(data, _rel(config, path)), _rel(config, path)))
    except Docl10nError as exc:
        return rel, None, exc.problem, None, reads.stamps
    return rel, found, None, [now, list(coverage.counts(found))], reads.stamps


@_safely("stats")
def stats(
    config: Config,
    locale: str,
    jobs: int | None = None,
    progress: parallel.Progress = None,
    *,
    listing: list[str] | None = None,
    guard: Callable[[], None] = _unguarded,
) -> tuple[list[Coverage], tuple[Problem, ...]]:
    """Coverage of every page of ``locale``; a page without a catalog counts as untranslated.

    ``listing``: the pages that have a template, when already listed
    (``guard``: done before the call).
    """
    pages, problems = [], []
    name = f"stats-{locale}"
    known = cache.load(config.root, name)
    entries: dict[str, object] = {}
    salt = cache.salt("stats", config, locale)
    files = cache.Files(config.root, name)
    work, probe = partial(_stats_page, config, locale, salt), partial(_stats_known, config, locale, salt, files)
    items = [(r, known.get(r)) for r in (template_pages(config) if listing is None else listing)]
    for rel, found, problem, entry, stamps in parallel.run(work, items, jobs, progress, probe=probe):
        files.remember(stamps)
        if problem is not None:
            problems.append(problem)
            continue
        pages.append(found)
        entries[rel] = entry
    if entries != known:
        _save_cache(config, name, entries)
    _save_cache(config, files.name, files.save())
    return pages, tuple(problems)


def outdated(config: Config, locale: str, pages: list[Coverage]) -> list[tuple[str, str]]:
    """Pages whose source changed since they were translated, each with why.

    A page is outdated when its catalog has fuzzy entries (a translated
    string changed upstream), or when its template is newer than its catalog
    (the template's POT-Creation-Date differs from the one the catalog last
    took from it: ``extract`` saw a change that ``update`` has not merged).
    """
    from . import coverage

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
    from . import checks

    kinds = [k.strip() for k in entry.comment.split(", ") if k.strip()] or ["paragraph"]
    inline = "\n" not in entry.msgid and any(k.startswith(INLINE_KINDS) for k in kinds)
    kind = next((k for k in kinds if k.startswith("table")), kinds[0])
    return checks.CheckOptions(locale=locale, inline=inline, kind=kind)


def check_catalog(po: polib.POFile, name: str, locale: str) -> list[Flagged]:
    """The findings of every translated, non-obsolete entry; fuzzy entries get the fuzzy warning only."""
    from . import checks

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
