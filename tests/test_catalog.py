"""Templates and catalogs: merging never loses a translation; files are standard gettext."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from io import StringIO
from pathlib import Path
from unittest import mock

import polib
import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n import catalog
from docl10n.model import Docl10nError, Span, Unit
from docl10n.segment import parse_page

PAGE = "---\ntitle: Intro\n---\n\n# Intro\n\nFirst paragraph here.\n\nSecond paragraph, about containers.\n\nFirst paragraph here.\n"


def pot_of(text: str, previous=None):
    return catalog.template(parse_page(text, "source/p.md").units, "source/p.md", "docs", previous)


def test_identical_strings_become_one_entry_with_every_reference():
    pot = pot_of(PAGE)
    assert [e.msgid for e in pot] == ["Intro", "First paragraph here.", "Second paragraph, about containers."]
    assert pot[0].occurrences == [("source/p.md", "2"), ("source/p.md", "5")]
    assert pot[0].comment == "front matter title, heading"
    assert pot[1].occurrences == [("source/p.md", "7"), ("source/p.md", "11")]


def test_unchanged_template_is_not_rewritten():
    pot = pot_of(PAGE)
    assert pot_of(PAGE, previous=pot) is None
    assert pot_of(PAGE.replace("Second", "Third"), previous=pot) is not None


CORPUS_PAGES = sorted(Path("/work/shared/corpus").rglob("*.md"))


@pytest.mark.skipif(not CORPUS_PAGES, reason="corpus not present")
def test_template_text_is_the_rendered_template_of_every_corpus_page(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for path in CORPUS_PAGES:
        units = parse_page(path.read_text(encoding="utf-8"), str(path)).units
        pot = catalog.template(units, str(path), "docs")
        assert catalog.template_text(units, str(path), "docs") == catalog.render(pot) == str(pot), path
        assert catalog.template_text(units, str(path), "docs", previous=pot) is None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Intro", "a b", "x" * 90, "Tab\there", 'Say "hi"', "x-y " * 30]),
                          st.sampled_from(["paragraph", "heading", "card title"]),
                          st.none() | st.just("card title")), max_size=8),
       st.sampled_from(["source/p.md", "source/a page/with-hyphens-" + "x" * 70 + ".md"]))
def test_template_text_is_the_rendered_template(rows, ref):
    units = [Unit(msgid, kind, n + 1, Span(n, n + 1), ctxt) for n, (msgid, kind, ctxt) in enumerate(rows)]
    with mock.patch.dict(os.environ, {"SOURCE_DATE_EPOCH": "1700000000"}):  # both made in the same second
        pot = catalog.template(units, ref, "docs")
        previous = catalog.template(units[:-1], ref, "docs")
        assert catalog.template_text(units, ref, "docs") == catalog.render(pot)
        again = catalog.template(units, ref, "docs", previous)  # None when the last unit added nothing new
        assert catalog.template_text(units, ref, "docs", previous) == (catalog.render(again) if again else None)
        assert catalog.template_text(units, ref, "docs", pot) is None


def test_first_extracted_time_is_kept_across_changes(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = pot_of(PAGE)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    second = pot_of(PAGE + "\nMore.\n", previous=first)
    assert second.metadata[catalog.FIRST_EXTRACTED] == first.metadata[catalog.FIRST_EXTRACTED]
    assert second.metadata["POT-Creation-Date"] != first.metadata["POT-Creation-Date"]


def translated(pot, **msgstrs):
    po, _ = catalog.merge(pot, None, "de")
    for e in po:
        e.msgstr = msgstrs.get(e.msgid, "")
    return po


def test_new_catalog_has_language_and_plural_forms():
    po, summary = catalog.merge(pot_of(PAGE), None, "zh_CN")
    assert po.metadata["Language"] == "zh_CN"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert (summary.new, summary.fuzzy, summary.obsolete) == (3, 0, 0)
    assert all(e.msgstr == "" for e in po)


def test_changed_string_keeps_its_translation_as_fuzzy_with_previous_msgid():
    old = translated(pot_of(PAGE), **{"Second paragraph, about containers.": "Zweiter Absatz, über Container."})
    new_pot = pot_of(PAGE.replace("about containers", "about images and containers"))
    po, summary = catalog.merge(new_pot, old, "de")
    e = po.find("Second paragraph, about images and containers.")
    assert e.msgstr == "Zweiter Absatz, über Container." and e.fuzzy
    assert e.previous_msgid == "Second paragraph, about containers."
    assert summary.fuzzy == 1
    assert not [x for x in po if x.obsolete]  # consumed by the fuzzy match, as msgmerge does


def test_removed_string_becomes_obsolete_and_comes_back():
    old = translated(pot_of(PAGE), **{"Intro": "Einführung"})
    po, summary = catalog.merge(pot_of("Unrelated text entirely.\n"), old, "de")
    gone = [e for e in po if e.obsolete]
    assert [(e.msgid, e.msgstr) for e in gone] == [("Intro", "Einführung")]
    assert summary.obsolete == 1
    back, _ = catalog.merge(pot_of(PAGE), po, "de")
    assert back.find("Intro").msgstr == "Einführung" and not back.find("Intro").obsolete


def test_untranslated_removed_strings_are_dropped():
    po, summary = catalog.merge(pot_of("Other.\n"), translated(pot_of(PAGE)), "de")
    assert not [e for e in po if e.obsolete] and summary.obsolete == 0


def test_translator_comments_and_fuzzy_flags_survive_a_merge():
    old = translated(pot_of(PAGE), Intro="Einführung")
    old.find("Intro").tcomment = "checked by Anna"
    old.find("Intro").flags.append("fuzzy")
    po, summary = catalog.merge(pot_of(PAGE), old, "de")
    assert po.find("Intro").tcomment == "checked by Anna" and po.find("Intro").fuzzy
    assert not summary.changed


def test_dissimilar_strings_are_not_fuzzy_matched():
    old = translated(pot_of(PAGE), **{"First paragraph here.": "Erster Absatz."})
    po, _ = catalog.merge(pot_of("Completely different words about networking.\n"), old, "de")
    assert po.find("Completely different words about networking.").msgstr == ""


def test_translation_memory_fills_new_entries_as_fuzzy_with_a_comment():
    po, summary = catalog.merge(pot_of(PAGE), None, "de", memory={"Intro": ("Einführung", "locales/de/other.po")})
    e = po.find("Intro")
    assert e.msgstr == "Einführung" and e.fuzzy and "locales/de/other.po" in e.tcomment
    assert summary.memory == 1


def test_parse_error_is_located():
    text = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b\n'
    with pytest.raises(Docl10nError) as exc:
        catalog.parse(text, "de/p.po")
    assert exc.value.problem.path == "de/p.po" and exc.value.problem.line == 6


def test_duplicate_entries_are_an_error():
    text = 'msgid "a"\nmsgstr "x"\n\n#. again\nmsgid "a"\nmsgstr "y"\n'
    with pytest.raises(Docl10nError, match="duplicate") as exc:
        catalog.parse(text, "p.po")
    assert exc.value.problem.line == 4  # where the second entry starts, its comment


def test_rendered_catalog_reads_back_unchanged_with_polib_and_babel():
    old = translated(pot_of(PAGE), Intro='Ein "Intro" \\ mit\tTab')
    po, _ = catalog.merge(pot_of(PAGE.replace("First", "The first")), old, "de")
    text = catalog.render(po)
    assert catalog.render(catalog.parse(text, "p.po")) == text
    babel_cat = read_po(StringIO(text))
    ours = {(e.msgctxt, e.msgid): e.msgstr for e in po if not e.obsolete}
    theirs = {(m.context, m.id): m.string for m in babel_cat if m.id}
    assert theirs == ours


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
def test_msgfmt_accepts_templates_and_catalogs(tmp_path):
    pot = pot_of(PAGE)
    po, _ = catalog.merge(pot, None, "zh_CN")
    for name, cat in (("p.pot", pot), ("p.po", po)):
        path = tmp_path / name
        path.write_text(catalog.render(cat), encoding="utf-8")
        r = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr



PIECES = st.sampled_from(
    list("ab- -\\\"\t\né中`[]()/:.,")
    + ["word ", "words ", "a ", "longer ", "step-by-step ", "x" * 90, "--", "  ", "https://docs.example.com/a-b/ "]
)
TEXT = st.lists(PIECES, max_size=60).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(TEXT, TEXT, st.one_of(st.none(), TEXT), TEXT, TEXT, st.one_of(st.none(), TEXT), st.booleans(),
                  st.lists(st.tuples(st.sampled_from(["source/a-b/page.md", "source/x y.md", "s" * 80]),
                                     st.sampled_from(["1", "42", ""])), max_size=4)),
        max_size=6,
    )
)
def test_render_writes_exactly_what_polib_writes(entries):
    po = polib.POFile(wrapwidth=78)
    po.header = "A header\n, with a flag-like line"
    po.metadata = {"Project-Id-Version": "docs", "Content-Type": "text/plain; charset=UTF-8"}
    seen = set()
    for msgid, msgstr, ctx, comment, tcomment, previous, obsolete, occurrences in entries:
        if (ctx, msgid) in seen:
            continue
        seen.add((ctx, msgid))
        po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=ctx, comment=comment, tcomment=tcomment,
                                previous_msgid=previous, obsolete=obsolete, occurrences=occurrences,
                                flags=["fuzzy"] if previous else []))
    expected = str(po)
    assert catalog.render(po) == (expected if expected.endswith("\n") else expected + "\n")


def test_render_matches_polib_on_the_bundled_catalogs():
    files = sorted((Path(__file__).resolve().parents[1] / "locales").rglob("*.po*"))
    assert files
    for f in files:
        po = polib.pofile(str(f), wrapwidth=78)
        assert catalog.render(po) == f.read_text(encoding="utf-8"), f


def test_a_catalog_read_back_from_its_bytes_merges_unchanged():
    po, _ = catalog.merge(pot_of(PAGE), translated(pot_of(PAGE), Intro="Einführung"), "de")
    pot = catalog.parse(catalog.render(pot_of(PAGE)), "t.pot")
    again, summary = catalog.merge(pot, catalog.parse(catalog.render(po), "t.po"), "de")
    assert not summary.changed  # the header's fuzzy flag reads back as a list, still the same header
    assert catalog.render(again) == catalog.render(po)


# Strings where textwrap's word splitter and polib's length test have the most to decide: hyphens between
# letters, digits and underscores, em-dashes after punctuation, runs of spaces, escapes, line breaks, long words.
RICH = st.lists(
    st.sampled_from(
        list("abzé中_1-- \\\"\t\n\r\v\f\b!'&.,?/:*`\x1c\x85\u2028")
        + ["-", "-", " ", " ", "ab-", "-cd", "a-b-c", "--", "---", "a--b", ".--x", "x" * 40, "y" * 77, "中文" * 20,
           "step-by-step ", "--no-cache ", "\r\n", "  "]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=500, deadline=None)
@given(RICH)
def test_wrap_cuts_escaped_text_where_textwrap_does(text):
    escaped = polib.escape(text)
    assert catalog._wrap(escaped) == textwrap.wrap(escaped, 76, drop_whitespace=False, break_long_words=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(RICH, RICH, st.one_of(st.none(), RICH), st.one_of(st.none(), RICH), st.booleans()),
                max_size=5))
def test_render_writes_what_polib_writes_for_hyphens_escapes_and_long_words(entries):
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Project-Id-Version": "docs"}
    seen = set()
    for msgid, msgstr, ctx, previous, obsolete in entries:
        if (ctx, msgid) not in seen:
            seen.add((ctx, msgid))
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=ctx, previous_msgid=previous,
                                    previous_msgctxt=ctx if previous else None, obsolete=obsolete,
                                    occurrences=[("source/a-b.md", "3")]))
    expected = str(po)
    assert catalog.render(po) == (expected if expected.endswith("\n") else expected + "\n")


@pytest.mark.parametrize("name, room", [("msgid", 70), ("msgstr", 69), ("msgctxt", 68)])
def test_a_string_stays_on_its_keyword_line_exactly_as_long_as_polib_keeps_it(name, room):
    for length in range(room - 3, room + 4):
        for value in ("a" * length, "a" * (length - 2) + '""', "a" * (length - 1) + "\t"):
            entry = polib.POEntry(msgid="x", msgstr="", msgctxt=None)
            setattr(entry, name, value)
            po = polib.POFile(wrapwidth=78)
            po.append(entry)
            assert catalog.render(po) == str(po), (name, value)


def test_comments_are_wrapped_exactly_where_polib_wraps_them():
    for length in range(72, 80):
        text = ("word " * 20)[:length]
        for comment, tcomment in ((text, ""), ("", text), (text + "\n" + text, text + "\nshort")):
            po = polib.POFile(wrapwidth=78)
            po.append(polib.POEntry(msgid="x", msgstr="", comment=comment, tcomment=tcomment))
            assert catalog.render(po) == str(po), (comment, tcomment)


PATHS = st.lists(st.sampled_from(["source/", "a-b", "x" * 30, "y" * 70, " ", "\t", "\u2003", "  ", "p.md", "中", "*"]),
                 max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(PATHS.map("".join), st.sampled_from(["", "7", "1234"])), min_size=1, max_size=5))
def test_references_are_written_as_polib_writes_them(occurrences):
    po = polib.POFile(wrapwidth=78)
    po.append(polib.POEntry(msgid="x", msgstr="", occurrences=occurrences))
    assert catalog.render(po) == str(po)


def test_reference_lines_are_wrapped_exactly_where_polib_wraps_them():
    for length in range(70, 82):
        for occurrences in ([("a" * length, "")], [("a" * (length - 2), ""), ("b", "")], [("a" * (length - 2) + "\tb", "")],
                            [("a-" * (length // 2), "")], [("a" * (length - 4), "12")],
                            [("", ""), ("a" * length, "")], [("a" * length, ""), ("", "")],  # empty paths: edge spaces
                            [("a*" * (length // 2), "")], [("a*", "1"), ("b" * length, "2")]):
            po = polib.POFile(wrapwidth=78)
            po.append(polib.POEntry(msgid="x", msgstr="", occurrences=occurrences))
            assert catalog.render(po) == str(po), occurrences
