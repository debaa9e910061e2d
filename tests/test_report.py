"""Report formats: numbers in every format, and the HTML page as a browser renders it."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from docl10n import report
from docl10n.coverage import combine, rows
from docl10n.model import Coverage

PAGES = {
    "zh_CN": [
        Coverage("guide/a.md", 6, 2, 2, 1, 100, 60, 20),
        Coverage("guide/b.md", 1, 0, 1, 0, 10, 5, 0),
        Coverage("index.md", 0, 0, 4, 0, 30, 0, 0),
    ],
    "de": [Coverage("guide/a.md", 10, 0, 0, 0, 100, 100, 0)],
}
TOTALS = {loc: combine(loc, pages) for loc, pages in PAGES.items()}


def test_table_aligns_and_colours_only_when_asked():
    plain = report.table(rows(PAGES, "section"), TOTALS, "section")
    assert "\x1b[" not in plain
    lines = plain.splitlines()
    assert lines[0] == "zh_CN:" and lines[1].startswith("section ")
    assert re.match(r"guide\s+12\s+7\s+2\s+3\s+110\s+65\s+58\.3$", lines[3])
    assert re.match(r"TOTAL\s+16\s+7\s+2\s+7\s+140\s+65\s+43\.8$", lines[4])
    assert len({len(line) for line in lines[1:5]}) == 1
    coloured = report.table(rows(PAGES, "page"), TOTALS, "page", color=True)
    assert "\x1b[33m     2\x1b[0m" in coloured and "\x1b[32m 100.0\x1b[0m" in coloured
    assert re.sub(r"\x1b\[\d+m", "", coloured) == report.table(rows(PAGES, "page"), TOTALS, "page")


def test_table_columns_line_up_on_a_terminal_with_wide_names():
    pages = {"zh_CN": [Coverage("指南/安装.md", 6, 2, 2, 1, 100, 60, 20), Coverage("guide/b.md", 1, 0, 1, 0, 10, 5, 0)]}
    lines = report.table(rows(pages, "page"), {"zh_CN": combine("zh_CN", pages["zh_CN"])}, "page").splitlines()[1:]
    wide = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines]
    assert len(lines) == 4 and len(set(wide)) == 1, lines  # as many columns each: CJK characters take two


def test_json_csv_and_markdown_carry_the_same_numbers():
    data = json.loads(report.to_json(rows(PAGES, "section"), TOTALS, "section", {"zh_CN": [("index.md", "2 fuzzy")]}))
    assert data["zh_CN"]["total"] == 16 and data["zh_CN"]["percent"] == 43.8
    assert [s["name"] for s in data["zh_CN"]["sections"]] == [".", "guide"]
    assert data["zh_CN"]["outdated"] == [{"name": "index.md", "why": "2 fuzzy"}]
    table = list(csv.DictReader(io.StringIO(report.to_csv(rows(PAGES, "page"), TOTALS, "page"))))
    assert [(r["locale"], r["page"], r["translated"]) for r in table][-2:] == [("de", "guide/a.md", "10"), ("de", "TOTAL", "10")]
    md = report.markdown(rows(PAGES, "page"), TOTALS, "page", {"zh_CN": [("guide/a.md", "2 fuzzy")]})
    assert "### zh_CN: 43.8% (7/16 messages, 65/140 words; 2 fuzzy)" in md
    assert "| `guide/a.md` | ██████▒▒░░ | 6 | 2 | 2 | 60/100 | 60.0 |" in md
    assert "- `guide/a.md`: 2 fuzzy" in md


def test_badge_is_svg_with_label_and_rounded_percent():
    svg = report.badge("zh_CN", 72.6)
    assert svg.startswith("<svg") and "zh_CN: 73%" in svg and report.AMBER in svg
    assert report.GREEN in report.badge("de", 100) and "#cf222e" in report.badge("fr", 3)


def test_html_is_readable_without_scripts():
    page = report.to_html(rows(PAGES, "section"), TOTALS, "section", "Docs", {"zh_CN": [("guide/a.md", "2 fuzzy")]})
    assert page.count('<table class="sortable">') == 2 and "<script>" in page
    text = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert "zh_CN: 43.8%" in text and "de: 100.0%" in text and ">guide</td>" in text
    assert 'aria-label="zh_CN guide: 7 of 12 messages translated, 2 fuzzy"' in text
    assert "http" not in text.replace('xmlns="http', "")  # self-contained: nothing fetched


CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is required in CI (make system-deps installs it)")
        pytest.skip("chromium not installed (make system-deps installs it)")
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True, timeout=120
    )


def test_html_report_renders_in_a_browser(project: Path, cli, tmp_path_factory):
    """The bundled site's report, as Chromium renders it: sections, numbers, and the sorting script ran."""
    root = Path(__file__).resolve().parents[1]
    shutil.copytree(root / "source", project / "source", dirs_exist_ok=True)
    shutil.copy(root / "docl10n.toml", project)
    cli("extract")
    cli("update", "-l", "zh_CN")
    cli("stats", "--by", "section", "--format", "html", "-o", "coverage.html", "--badge", "badge.svg")
    expected = json.loads(cli("stats", "--by", "section", "--format", "json").output)["zh_CN"]
    profile = tmp_path_factory.mktemp("chromium-profile")
    url = (project / "coverage.html").as_uri()
    dom = chromium("--dump-dom", url, profile=profile)
    assert dom.returncode == 0, dom.stderr[-2000:]
    for section in expected["sections"]:
        assert f"<td>{section['name']}</td>" in dom.stdout
        assert f'<td data-value="{section["total"]}">{section["total"]}</td>' in dom.stdout
    assert f"zh_CN: {expected['percent']:.1f}%" in dom.stdout
    assert dom.stdout.count('data-sort="1"') == 9  # the script ran: every header became sortable
    shot = project / "coverage.png"
    png = chromium(f"--screenshot={shot}", "--window-size=1100,900", url, profile=profile)
    assert png.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    if os.environ.get("DOCL10N_SCREENSHOT"):
        shutil.copy(shot, os.environ["DOCL10N_SCREENSHOT"])
    assert (project / "badge.svg").read_text().startswith("<svg")
