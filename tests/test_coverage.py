"""Coverage counts: disjoint, summed by section and locale, outdated pages found."""

from __future__ import annotations

from pathlib import Path

import polib

from docl10n import coverage
from docl10n.model import Coverage

PO = '''msgid ""
msgstr ""
"POT-Creation-Date: 2024-01-01 10:00+0000\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "One two three"
msgstr "Un deux trois"

#, fuzzy
#| msgid "Old four"
msgid "Four five"
msgstr "Quatre cinq"

msgid "See [the guide](https://example.com/a-long-url)"
msgstr ""

#~ msgid "Gone"
#~ msgstr "Parti"
'''


def test_counts_are_disjoint_and_words_skip_link_targets():
    c = coverage.of_catalog("a/page.md", polib.pofile(PO))
    assert (c.translated, c.fuzzy, c.untranslated, c.obsolete) == (1, 1, 1, 1)
    assert c.total == 3
    assert (c.words_total, c.words_translated, c.words_fuzzy) == (3 + 2 + 3, 3, 2)
    assert Coverage(c.name, *coverage.counts(c)) == c


def test_sections_and_locales_sum_their_pages():
    pages = [Coverage("a/x.md", 2, 1, 1, 0, 10, 5, 2), Coverage("a/y.md", 1, 0, 3, 1, 8, 2, 0), Coverage("b.md", 0, 0, 2, 0, 4, 0, 0)]
    sections = coverage.by_section(pages)
    assert [s.name for s in sections] == [".", "a"]
    assert coverage.counts(sections[1]) == (3, 1, 4, 1, 18, 7, 2)
    rows = coverage.rows({"de": pages}, "locale")["de"]
    assert len(rows) == 1 and rows[0].name == "de" and rows[0].total == 10
    assert [p.name for p in coverage.rows({"de": pages[::-1]}, "page")["de"]] == ["a/x.md", "a/y.md", "b.md"]


def test_creation_date_is_read_from_the_header_only():
    assert coverage.creation_date(PO.encode()) == "2024-01-01 10:00+0000"
    assert coverage.creation_date(b"") is None
    assert coverage.creation_date(b'msgid ""\nmsgstr ""\n') is None


def test_stats_outdated_lists_fuzzy_pages_and_stale_templates(project: Path, cli, monkeypatch):
    (project / "source" / "a.md").write_text("# Title\n\nFirst paragraph here.\n")
    (project / "source" / "b.md").write_text("# Other\n\nSecond page text.\n")
    cli("extract")
    cli("update", "-l", "de")
    for name in ("a", "b"):
        path = project / "locales" / "de" / f"{name}.po"
        po = polib.pofile(str(path))
        for e in po:
            e.msgstr = "X " + e.msgid
        po.save()
    assert "de: 0 outdated pages" in cli("stats", "--outdated").output
    (project / "source" / "a.md").write_text("# Title\n\nFirst paragraph here, changed.\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    cli("extract")
    out = cli("stats", "--outdated").output
    assert "1 outdated pages" in out and "a.md: template newer than catalog" in out and "b.md" not in out.split("outdated")[1]
    cli("update", "-l", "de")
    out = cli("stats", "--outdated", "--format", "json").output
    assert '"name": "a.md"' in out and '"why": "1 fuzzy"' in out
