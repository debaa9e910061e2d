"""End to end through the CLI: golden cases, determinism, and bad input.

Each folder under cases/pipeline/ holds ``source.md``, ``locale``, the
expected template ``expected.pot``, a translated ``catalog.po`` and the
expected built page ``expected.md`` (optionally a ``docl10n.toml``).
``DOCL10N_REGEN=1`` rewrites the expected files, to be read before commit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polib
import pytest

from docl10n import pipeline

CASES = sorted((Path(__file__).parent / "cases" / "pipeline").glob("*/"))
REGEN = os.environ.get("DOCL10N_REGEN") == "1"


def golden(path: Path, actual: bytes) -> None:
    if REGEN:
        path.write_bytes(actual)
    assert path.is_file(), f"missing golden file {path}"
    assert actual == path.read_bytes(), f"{path.name} differs"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_case(case: Path, project: Path, cli):
    locale = (case / "locale").read_text().strip()
    if (case / "docl10n.toml").exists():
        shutil.copy(case / "docl10n.toml", project / "docl10n.toml")
    shutil.copy(case / "source.md", project / "source" / "page.md")
    cli("extract")
    golden(case / "expected.pot", (project / "locales/templates/page.pot").read_bytes())
    cli("update", "-l", locale)
    po = project / "locales" / locale / "page.po"
    if REGEN and not (case / "catalog.po").exists():
        shutil.copy(po, case / "catalog.po")
    shutil.copy(case / "catalog.po", po)
    result = cli("build", "-l", locale)
    golden(case / "expected.md", (project / "build" / locale / "page.md").read_bytes())
    golden(case / "expected-problems.txt", result.stderr.encode("utf-8"))
    # identity: with msgstr = msgid for every entry the page comes back byte for byte
    cat = polib.pofile(po.read_text(encoding="utf-8"))
    for e in cat:
        e.msgstr, e.flags = e.msgid, [f for f in e.flags if f != "fuzzy"]
    po.write_text(str(cat), encoding="utf-8")
    cli("build", "-l", locale, "--no-attribution", "--out", "identity")
    built = (project / "identity" / "page.md").read_bytes()
    if locale.startswith("zh"):  # CJK pages gain only the isCJKLanguage flag
        built = built.replace(b"isCJKLanguage: true\n", b"")
    assert built == (case / "source.md").read_bytes()


def write(project: Path, rel: str, data: str | bytes) -> Path:
    path = project / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def test_bad_pages_are_reported_and_the_others_processed(project: Path, cli):
    write(project, "source/good.md", "# Good\n")
    write(project, "source/bad-yaml.md", "---\ntitle: [oops\n---\n\nText.\n")
    write(project, "source/bad-bytes.md", b"# Caf\xe9\n")
    write(project, "source/unclosed.md", "+++\ntitle = 'x'\n\nText.\n")
    result = cli("extract", ok=False)
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert "source/bad-bytes.md:1: not valid UTF-8 (byte 0xe9 at offset 5)" in errors
    assert "source/unclosed.md:1: front matter opened with +++ is never closed" in errors
    assert (
        "source/bad-yaml.md:3: invalid YAML front matter: expected ',' or ']', but got '<stream end>'"
        " (while parsing a flow sequence at line 2)" in errors
    )
    assert "Traceback" not in result.output
    assert (project / "locales/templates/good.pot").is_file()


def test_broken_catalog_is_reported_and_left_untouched(project: Path, cli):
    write(project, "source/a.md", "# A\n\nText a.\n")
    write(project, "source/b.md", "# B\n")
    cli("extract")
    cli("update", "-l", "de")
    broken = write(project, "locales/de/a.po", 'msgid "A"\nmsgstr "unterminated\n')
    before = broken.read_bytes()
    write(project, "source/b.md", "# B\n\nNew text.\n")
    cli("extract")
    result = cli("update", "-l", "de", ok=False)
    assert "locales/de/a.po:2: syntax error" in result.stderr
    assert broken.read_bytes() == before
    assert "New text." in (project / "locales/de/b.po").read_text()
    built = cli("build", "-l", "de", ok=False)
    assert "locales/de/a.po:2: syntax error" in built.stderr
    assert (project / "build/de/b.md").read_text() == "# B\n\nNew text.\n"


def test_second_run_changes_nothing(project: Path, cli):
    write(project, "source/a.md", "---\ntitle: A\n---\n\n# A\n\nText.\n")
    cli("extract")
    cli("update", "-l", "zh_CN")
    cli("build", "-l", "zh_CN")
    def files() -> dict[Path, tuple[bytes, int]]:  # but the locks, which every run takes and leaves
        return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in project.rglob("*")
                if p.is_file() and p.parent.name != "locks"}

    snapshot = files()
    assert "0 templates written, 1 unchanged" in cli("extract").output
    assert "0 catalogs written, 1 unchanged" in cli("update", "-l", "zh_CN").output
    assert "0 pages written, 1 unchanged" in cli("build", "-l", "zh_CN").output
    assert files() == snapshot


def test_update_summary_counts_new_fuzzy_and_obsolete(project: Path, cli):
    write(project, "source/a.md", "# Title\n\nThe quick brown fox jumps.\n\nGone soon.\n")
    cli("extract")
    cli("update", "-l", "de")
    po = project / "locales/de/a.po"
    cat = polib.pofile(str(po))
    for e in cat:
        e.msgstr = "übersetzt " + e.msgid
    cat.save()
    write(project, "source/a.md", "# Title\n\nThe quick brown fox jumps high.\n\nBrand new.\n")
    cli("extract")
    out = cli("update", "-l", "de").output
    assert "+2 new, ~1 fuzzy, -1 obsolete" in out
    text = po.read_text()
    assert '#| msgid "The quick brown fox jumps."' in text
    assert '#~ msgid "Gone soon."' in text


def test_stats_counts_and_threshold(project: Path, cli):
    write(project, "source/s/a.md", "# One two\n\nThree four five.\n\nSix.\n")
    cli("extract")
    cli("update", "-l", "de")
    po = project / "locales/de/s/a.po"
    cat = polib.pofile(str(po))
    cat.find("One two").msgstr = "Eins zwei"
    cat.find("Six.").msgstr = "Sechs."
    cat.find("Six.").flags.append("fuzzy")
    cat.save()
    data = json.loads(cli("stats", "--format", "json").output)["de"]
    assert (data["total"], data["translated"], data["fuzzy"], data["untranslated"]) == (3, 1, 1, 1)
    assert (data["words"], data["words_translated"]) == (6, 2)
    assert cli("stats", "--fail-under", "30").exit_code == 0
    failed = cli("stats", "--fail-under", "50", ok=False)
    assert "de 33.3% < 50%" in failed.stderr


def test_config_errors_are_clear(project: Path, cli):
    write(project, "docl10n.toml", 'source = "../elsewhere"\n')
    result = cli("extract", ok=False)
    assert "must be a relative path inside the project" in result.output
    assert "Traceback" not in result.output


def test_missing_source_and_templates_are_explained(project: Path, cli):
    (project / "source").rmdir()
    assert "source/: no such folder of pages" in cli("extract", ok=False).output
    assert "run `docl10n extract` first" in cli("update", "-l", "de", ok=False).output


def test_removed_page_drops_its_template_but_never_its_catalog(project: Path, cli):
    write(project, "source/a.md", "# A\n")
    write(project, "source/b.md", "# B\n")
    cli("extract")
    cli("update", "-l", "de")
    po = project / "locales/de/b.po"
    cat = polib.pofile(str(po))
    cat.find("B").msgstr = "B auf Deutsch"
    cat.save()
    kept = po.read_bytes()
    (project / "source/b.md").unlink()
    cli("extract")
    assert not (project / "locales/templates/b.pot").exists()
    cli("update", "-l", "de")
    assert po.read_bytes() == kept


def test_templates_are_looked_through_for_pages_gone_only_when_the_pages_changed(project: Path, cli, monkeypatch):
    write(project, "source/a.md", "# A\n")
    write(project, "source/b.md", "# B\n")
    cli("extract")
    listed: list[int] = []
    real = pipeline.template_pages
    monkeypatch.setattr(pipeline, "template_pages", lambda config: listed.append(1) or real(config))
    cli("extract")
    assert listed == []  # the same pages as the last run, which dropped the rest
    (project / "source/b.md").rename(project / "source/c.md")  # as many pages, not the same
    cli("extract")
    assert listed == [1]
    assert sorted(p.name for p in (project / "locales/templates").iterdir()) == ["a.pot", "c.pot"]
