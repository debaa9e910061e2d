"""The ``docl10n`` command line: the only place that prints or picks exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from . import pipeline, project, safety
from .model import Docl10nError, Problem

F = Callable[..., object]


def _locale_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """A locale names a folder, so ``-l ../x`` must never reach the stages."""
    for locale in value:
        try:
            safety.check_locale(locale)
        except Docl10nError as exc:
            raise click.BadParameter(f"{locale!r}: {exc.problem.message}") from None
    return value


def locale_option(required: bool) -> Callable[[F], F]:
    return click.option(
        "-l",
        "--locale",
        "locales",
        multiple=True,
        required=required,
        metavar="LOCALE",
        callback=_locale_names,
        help="Target locale, e.g. zh_CN or de (repeatable)." + ("" if required else " Default: every locale under locales/."),
    )


root_option = click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Project root (holds docl10n.toml, source/ and locales/).",
)


jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Worker processes over pages. Default: every core.",
)
quiet_option = click.option("-q", "--quiet", is_flag=True, help="No progress bar.")


@contextmanager
def _progress(label: str, count: Callable[[], int], quiet: bool) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on stderr when it is a terminal; never in CI logs, pipes or with --quiet."""
    total = 0 if quiet or not sys.stderr.isatty() else count()
    if total < 2:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _config(root: Path) -> project.Config:
    try:
        return project.load(root)
    except Docl10nError as exc:
        raise click.ClickException(str(exc)) from None


def _need_source(config: project.Config) -> None:
    if not config.source_dir.is_dir():
        raise click.ClickException(
            f"{config.source}/: no such folder of pages (run from the project root, or set `source` in docl10n.toml)"
        )


def _need_templates(config: project.Config) -> None:
    if not project.has_templates(config):
        raise click.ClickException(f"no templates under {config.locales}/templates/: run `docl10n extract` first")


def _report(problems: Iterable[Problem]) -> int:
    """Print problems to stderr; return how many were errors."""
    errors = 0
    for p in problems:
        click.echo(str(p) if p.severity == "error" else f"{p} (warning)", err=True)
        errors += p.severity == "error"
    return errors


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="docl10n")
def main() -> None:
    """Translate a Markdown documentation site through gettext catalogs.

    \b
    The everyday loop, run from the project root:
      docl10n extract              source/**/*.md -> locales/templates/**/*.pot
      docl10n update -l zh_CN      templates -> locales/zh_CN/**/*.po
      docl10n build -l zh_CN       source + catalogs -> build/zh_CN/**/*.md
      docl10n stats                how much is translated
    """


@main.command()
@jobs_option
@quiet_option
@root_option
def extract(jobs: int | None, quiet: bool, root: Path) -> None:
    """Write a .pot template for every source page.

    Headings, paragraphs, list items, quotes, table cells and front matter
    titles, descriptions and card lists become msgids; code, HTML, lines that
    are only shortcodes and the attribution block do not. A template whose
    strings did not change is left untouched.
    """
    config = _config(root)
    _need_source(config)
    with _progress("extract", lambda: len(project.source_pages(config)), quiet) as progress:
        result = pipeline.extract(config, jobs, progress)
    click.echo(
        f"extract: {result.counts.get('pages', 0)} pages, {len(result.written)} templates written, "
        f"{result.unchanged} unchanged"
    )
    if _report(result.problems):
        sys.exit(1)


@main.command()
@locale_option(required=True)
@jobs_option
@quiet_option
@root_option
def update(locales: tuple[str, ...], jobs: int | None, quiet: bool, root: Path) -> None:
    """Create or update the .po catalogs of each locale from the templates.

    New strings are added empty; changed strings keep their old translation,
    marked fuzzy with the previous msgid; removed strings become obsolete
    (#~). A catalog that does not parse is reported and left untouched.
    Catalogs live at locales/LOCALE/<page path>.po.
    """
    config = _config(root)
    _need_templates(config)
    errors = 0
    for locale in locales:
        with _progress(f"update {locale}", lambda: len(project.template_pages(config)), quiet) as progress:
            result = pipeline.update(config, locale, jobs, progress)
        s = result.summaries.values()
        click.echo(
            f"update {locale}: {len(result.written)} catalogs written, {result.unchanged} unchanged; "
            f"+{sum(x.new for x in s)} new, ~{sum(x.fuzzy for x in s)} fuzzy, "
            f"-{sum(x.obsolete for x in s)} obsolete, {sum(x.memory for x in s)} from translation memory"
        )
        errors += _report(result.problems)
    if errors:
        sys.exit(1)


@main.command()
@locale_option(required=True)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder. Default: build/LOCALE.")
@click.option("--include-fuzzy", is_flag=True, help="Use fuzzy translations too (default: keep the source text).")
@click.option("--no-attribution", is_flag=True, help="Do not add the original-source block to pages.")
@click.option("--strict", is_flag=True, help="Exit 1 when any unit had to be kept in the source language.")
@click.option(
    "--layout",
    type=click.Choice(project.LAYOUTS),
    help="tree: build/LOCALE/PATH; hugo-dir: build/content/LANG/PATH; hugo-suffix: build/content/STEM.LANG.md. "
    "Default: [build] layout, else tree.",
)
@click.option(
    "--mode",
    type=click.Choice(project.MODES),
    help="bilingual: each translated block after its source, as the mirror reads. Default: [build] mode, else translate.",
)
@jobs_option
@quiet_option
@root_option
def build(
    locales: tuple[str, ...],
    out: Path | None,
    include_fuzzy: bool,
    no_attribution: bool,
    strict: bool,
    layout: str | None,
    mode: str | None,
    jobs: int | None,
    quiet: bool,
    root: Path,
) -> None:
    """Write the localized pages of each locale.

    Each translated unit's text is replaced in place; every other byte of the
    source page is copied. A translation that would change the page's block
    structure is kept in the source language and reported.
    """
    config = _config(root)
    _need_source(config)
    errors = warnings = 0
    for locale in locales:
        chosen = layout or config.layout
        target = out if out is None or len(locales) == 1 or chosen != "tree" else out / locale
        with _progress(f"build {locale}", lambda: len(project.source_pages(config)), quiet) as progress:
            result = pipeline.build(config, locale, target, include_fuzzy, not no_attribution, chosen, mode, jobs, progress)
        c = result.counts
        where = config.output_dir(locale, target) if chosen == "tree" else (target or config.root / config.build)
        click.echo(
            f"build {locale}: {len(result.written)} pages written, {result.unchanged} unchanged, "
            f"{c.get('translated', 0)}/{c.get('units', 0)} units translated -> {where}"
        )
        kept = [p for p in result.problems if p.message.startswith("unit kept")]
        others = [p for p in result.problems if not p.message.startswith("unit kept")]
        errors += _report(others)
        _report(Problem(p.path, p.line, p.message, p.check, "warning") for p in kept)
        warnings += len(kept)  # _report counts errors only
    if errors or (strict and warnings):
        sys.exit(1)


FORMATS = ("table", "json", "csv", "markdown", "html")


@main.command()
@locale_option(required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option(
    "--by",
    type=click.Choice(["page", "section", "locale"]),
    help="Rows: one per page, per folder, or per locale. Default: page (html: section).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to FILE.")
@click.option(
    "--badge",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an SVG badge (e.g. 'zh_CN 73%') to FILE; with several locales, FILE-LOCALE.svg.",
)
@click.option("--outdated", is_flag=True, help="List pages whose source changed since they were translated.")
@click.option("--fail-under", type=click.FloatRange(0, 100), help="Exit 1 when a locale is below PCT % translated.")
@jobs_option
@quiet_option
@root_option
def stats(
    locales: tuple[str, ...],
    fmt: str,
    by: str | None,
    output: Path | None,
    badge: Path | None,
    outdated: bool,
    fail_under: float | None,
    jobs: int | None,
    quiet: bool,
    root: Path,
) -> None:
    """Translation coverage per page, section or locale, and in total.

    Messages are counted as translated, fuzzy or untranslated (the three add
    up to the total; obsolete ones are apart), and so are source words.
    --outdated lists pages with fuzzy entries (their English changed) and
    pages whose template is newer than their catalog (POT-Creation-Date
    differs: run update).
    """
    from . import coverage, report

    config = _config(root)
    chosen = list(locales) or pipeline.locales(config)
    if not chosen:
        raise click.ClickException("no locales yet: run `docl10n update -l LOCALE` first")
    by = by or ("section" if fmt == "html" else "page")
    pages_of, totals, stale, below, errors = {}, {}, {}, [], 0
    for locale in chosen:
        with _progress(f"stats {locale}", lambda: len(project.template_pages(config)), quiet) as progress:
            pages, problems = pipeline.stats(config, locale, jobs, progress)
        errors += _report(problems)
        pages_of[locale], totals[locale] = pages, coverage.combine(locale, pages)
        if outdated:
            stale[locale] = pipeline.outdated(config, locale, pages)
        if fail_under is not None and totals[locale].percent < fail_under:
            below.append(f"{locale} {totals[locale].percent:.1f}% < {fail_under:g}%")
    rows = coverage.rows(pages_of, by)
    shown = stale if outdated else None
    if fmt == "json":
        text = report.to_json(rows, totals, by, shown)
    elif fmt == "csv":
        text = report.to_csv(rows, totals, by)
    elif fmt == "markdown":
        text = report.markdown(rows, totals, by, shown)
    elif fmt == "html":
        text = report.to_html(rows, totals, by, f"{config.project}: translation coverage", shown)
    else:
        text = report.table(rows, totals, by, color=output is None and sys.stdout.isatty())
        if outdated:
            text += "".join(
                f"\n{loc}: {len(found)} outdated pages" + "".join(f"\n  {n}: {why}" for n, why in found)
                for loc, found in stale.items()
            )
    _write_or_echo(output, text)
    if badge is not None:
        for locale in chosen:
            target = badge if len(chosen) == 1 else badge.with_name(f"{badge.stem}-{locale}{badge.suffix or '.svg'}")
            _write_or_echo(target, report.badge(locale, totals[locale].percent))
    for b in below:
        click.echo(f"stats: {b}", err=True)
    if errors or below:
        sys.exit(1)


def _write_or_echo(path: Path | None, text: str) -> None:
    """Print ``text``, or write it to ``path`` atomically; a write error is one clear message."""
    if path is None:
        click.echo(text.rstrip("\n"))
        return
    try:
        project.atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise click.ClickException(f"{path}: cannot write: {exc.strerror}") from None


@main.command()
@click.argument("captures", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True, help="Folder for the clean pages.")
@click.option("--utc-offset", default="+08:00", show_default=True, help="Offset written in the page date.")
@click.option("--weight", default=1, show_default=True, help="Front matter weight of the new pages.")
def ingest(captures: tuple[Path, ...], out: Path, utc_offset: str, weight: int) -> None:
    """Turn scraped page captures into clean source pages.

    Reads the crawler header (URL, Scraped time), drops the site chrome,
    splits card headings into title and description, and writes each page
    in the mirror's form (TOML front matter, attribution block) under OUT at
    the path of its URL. A capture with a bad header is reported; the rest
    are still written.
    """
    from . import capture  # only here: every other command starts faster without it

    try:
        options = capture.CaptureOptions(utc_offset=utc_offset, weight=weight)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    errors = written = 0
    for path in captures:
        try:
            page = capture.ingest_file(path, options)
        except Docl10nError as exc:
            errors += _report([exc.problem])
            continue
        if project.atomic_write(out / page.relpath, page.text.encode("utf-8")) is not None:
            written += 1
        click.echo(f"{path} -> {out / page.relpath}")
    click.echo(f"ingest: {written} pages written, {errors} captures refused")
    if errors:
        sys.exit(1)


@main.command("import")
@locale_option(required=True)
@click.option(
    "--from", "from_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
    help="Folder of existing translated or bilingual pages (searched recursively).",
)
@click.option("--overwrite", is_flag=True, help="Replace translations the catalogs already have.")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@root_option
def import_(locales: tuple[str, ...], from_dir: Path, overwrite: bool, dry_run: bool, root: Path) -> None:
    """Fill catalogs from pages someone already translated by hand.

    Each source page is paired with its counterpart in --from by the
    attribution URL (> 原文：…), else by path, else by title. Bilingual
    pages, and pages that keep the English in an HTML comment before each
    translated passage (as Kubernetes' do), give English/translation pairs;
    translated-only pages are aligned block by block (refused, with
    path:line, where they do not align).
    English equal to the source is imported as translated; similar English
    as fuzzy, with the English it translated as previous msgid. Existing
    translations are kept unless --overwrite. Run `docl10n extract` first.
    """
    from . import gettextize  # only here: every other command starts faster without it

    config = _config(root)
    errors = 0
    for locale in locales:
        try:
            result = gettextize.import_translations(config, locale, from_dir, overwrite, dry_run)
        except Docl10nError as exc:
            errors += _report([exc.problem])
            continue
        for p in result.pages:
            if p.counterpart is None:
                click.echo(f"{p.page}: no counterpart ({p.units} units)")
            else:
                click.echo(
                    f"{p.page} <- {p.counterpart} (by {p.matched_by}): {p.units} units, {p.exact} exact, "
                    f"{p.fuzzy} fuzzy, {p.missing} not found" + (f", {p.kept} kept" if p.kept else "")
                )
        t = result.total()
        click.echo(
            f"import {locale}{' (dry run)' if dry_run else ''}: {t.counterpart} matched; {t.units} units, "
            f"{t.exact} exact, {t.fuzzy} fuzzy, {t.missing} not found, {t.kept} kept; "
            f"{sum(p.written for p in result.pages)} catalogs written"
        )
        errors += _report(result.problems)
    if errors:
        sys.exit(1)


@main.command()
@locale_option(required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--list", "list_checks", is_flag=True, help="List the checks (name, severity, what they catch) and exit.")
@root_option
def check(locales: tuple[str, ...], fmt: str, list_checks: bool, root: Path) -> None:
    """Find mistakes translators made in the catalogs.

    Every translated entry is compared with its msgid: code spans, links,
    shortcodes, HTML, block syntax, emphasis, heading ids, line breaks in
    headings and table cells, spacing. Fuzzy entries are reported as such.

    \b
    One line per finding:
      SOURCE:LINE (CATALOG:LINE): [CHECK] MESSAGE
    SOURCE:LINE is the entry's first #: reference (where the text shows),
    CATALOG:LINE is where the entry starts in the .po file (where to fix it).
    Exit 1 when any error is found; warnings alone exit 0.
    """
    if list_checks:
        from . import checks

        width = max(len(c.name) for c in checks.CHECKS)
        for c in checks.CHECKS:
            click.echo(f"{c.name:<{width}}  {c.severity:<7}  {c.description}")
        return
    config = _config(root)
    chosen = list(locales) or pipeline.locales(config)
    if not chosen:
        raise click.ClickException("no locales yet: run `docl10n update -l LOCALE` first")
    failed, report = False, {}
    for locale in chosen:
        result = pipeline.check(config, locale)
        failed = failed or result.failed
        if fmt == "json":
            report[locale] = {
                **result.counts,
                "findings": [
                    {"source": f.source, "source_line": f.source_line, "catalog": f.catalog,
                     "catalog_line": f.catalog_line, "check": f.check, "severity": f.severity,
                     "message": f.message, "msgid": f.msgid}
                    for f in result.findings
                ],
                "problems": [str(p) for p in result.problems],
            }
        else:
            for f in result.findings:
                click.echo(str(f) if f.severity == "error" else f"{f} (warning)")
            n_err = sum(f.severity == "error" for f in result.findings)
            click.echo(
                f"check {locale}: {result.counts.get('catalogs', 0)} catalogs, {result.counts.get('entries', 0)} "
                f"translated entries, {n_err} errors, {len(result.findings) - n_err} warnings",
                err=True,
            )
        _report(result.problems)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    if failed:
        sys.exit(1)
