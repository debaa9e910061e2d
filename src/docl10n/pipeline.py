"""The stages run over a whole project: one function a command, no printing.

Each function reads the files it needs, calls the pure stage functions
(segment, catalog, rebuild) and writes atomically. A problem with one page
or catalog is recorded and the others are still processed; a catalog that
fails to parse is never written over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import polib

from . import catalog, coverage
from .model import Coverage, Docl10nError, Page, Problem
from .project import Config, atomic_write, is_cjk, page_url, source_pages, template_pages
from .rebuild import Attribution, BuildOptions, Built, splice
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


def read_page(config: Config, rel: str) -> Page:
    path = config.source_dir / rel
    return parse_page(
        decode(path.read_bytes(), config.reference(rel)),
        config.reference(rel),
        keys=config.keys,
        attribution=config.attribution_markers,
    )


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


def extract(config: Config) -> StageResult:
    """Write one template per source page; drop templates whose page is gone."""
    written, problems, unchanged = [], [], 0
    pages = source_pages(config)
    for rel in pages:
        pot_path = config.template_path(rel)
        try:
            page = read_page(config, rel)
            previous = None
            if pot_path.is_file():
                try:
                    previous = read_catalog(pot_path, _rel(config, pot_path))
                except Docl10nError:
                    previous = None  # a template is derived data: rewrite it
            pot = catalog.template(page.units, config.reference(rel), config.project, previous)
        except Docl10nError as exc:
            problems.append(exc.problem)
            continue
        if pot is None:
            unchanged += 1
            continue
        atomic_write(pot_path, catalog.render(pot).encode("utf-8"))
        written.append(_rel(config, pot_path))
    keep = set(pages)
    for rel in template_pages(config):
        if rel not in keep and (config.source_dir / rel).exists() is False:
            config.template_path(rel).unlink()
            written.append(_rel(config, config.template_path(rel)) + " (removed)")
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"pages": len(pages)})


def update(config: Config, locale: str) -> StageResult:
    """Create or update every catalog of ``locale`` from the templates."""
    written, problems, unchanged = [], [], 0
    summaries: dict[str, catalog.MergeSummary] = {}
    rels = template_pages(config)
    existing: dict[str, polib.POFile | None] = {}
    for rel in rels:
        po_path = config.catalog_path(locale, rel)
        if not po_path.is_file():
            existing[rel] = None
            continue
        try:
            existing[rel] = read_catalog(po_path, _rel(config, po_path))
        except Docl10nError as exc:
            problems.append(exc.problem)
    memory = catalog.memory_of(
        (_rel(config, config.catalog_path(locale, rel)), po) for rel, po in existing.items() if po is not None
    )
    for rel in rels:
        if rel not in existing:
            continue  # broken catalog: reported, left untouched
        pot_path = config.template_path(rel)
        try:
            pot = read_catalog(pot_path, _rel(config, pot_path))
        except Docl10nError as exc:
            problems.append(exc.problem)
            continue
        po = existing[rel]
        own = _rel(config, config.catalog_path(locale, rel))
        merged, summary = catalog.merge(pot, po, locale, {k: v for k, v in memory.items() if v[1] != own})
        summaries[rel] = summary
        if summary.changed and atomic_write(config.catalog_path(locale, rel), catalog.render(merged).encode("utf-8")):
            written.append(own)
        else:
            unchanged += 1
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


def build(
    config: Config,
    locale: str,
    out: Path | None = None,
    include_fuzzy: bool = False,
    attribution: bool = True,
    layout: str | None = None,
    mode: str | None = None,
) -> StageResult:
    """Write the localized page of every source page (layout and mode default to the config's)."""
    layout = layout or config.layout
    written, problems, unchanged = [], [], 0
    cjk = is_cjk(locale)
    translated = total = 0
    for rel in source_pages(config):
        po_path = config.catalog_path(locale, rel)
        try:
            page = read_page(config, rel)
            po = read_catalog(po_path, _rel(config, po_path)) if po_path.is_file() else None
            options = BuildOptions(
                include_fuzzy=include_fuzzy,
                cjk=cjk,
                attribution=attribution_for(config, locale, page, po) if attribution else None,
                heading_ids=config.heading_ids,
                mode=mode or config.mode,
            )
            built: Built = splice(page, catalog.translations(po) if po else {}, options)
        except Docl10nError as exc:
            problems.append(exc.problem)
            continue
        problems.extend(built.problems)
        translated, total = translated + built.translated, total + built.total
        dest = config.output_path(locale, rel, layout, out)
        if atomic_write(dest, built.data):
            written.append(_rel(config, dest))
        else:
            unchanged += 1
    return StageResult(tuple(written), unchanged, tuple(problems), counts={"translated": translated, "units": total})


def stats(config: Config, locale: str) -> tuple[list[Coverage], tuple[Problem, ...]]:
    """Coverage of every page of ``locale``; a page without a catalog counts as untranslated."""
    pages, problems = [], []
    for rel in template_pages(config):
        po_path = config.catalog_path(locale, rel)
        path = po_path if po_path.is_file() else config.template_path(rel)
        try:
            pages.append(coverage.of_catalog(rel, read_catalog(path, _rel(config, path))))
        except Docl10nError as exc:
            problems.append(exc.problem)
    return pages, tuple(problems)


def locales(config: Config) -> list[str]:
    """Locales that have a folder of catalogs."""
    base = config.locales_dir
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if p.is_dir() and p.name != "templates" and not p.name.startswith("."))
