"""The fast catalog reader: what it reads equals what polib reads, and what it cannot read goes to polib.

``catalog.parse`` once was ``_validate`` + ``polib.pofile``, which is
``catalog._parse_with_polib`` still: it is the reference here. For any
text, ``parse`` gives the same catalog, every attribute of the file and of
each entry alike, or the same error at the same line.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from conftest import DOCKER_DOCS, copy_tree
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n import catalog
from docl10n.model import Docl10nError

ROOT = Path(__file__).resolve().parents[1]


def snapshot(po: polib.POFile) -> tuple:
    """All the catalog holds, each value with its type (``0`` is not ``False``, nor ``[]``).

    Every attribute polib sets: header, metadata (in order), metadata_is_fuzzy,
    encoding, wrapwidth; and per entry msgid, msgstr, msgctxt, msgid_plural,
    msgstr_plural, flags, occurrences, comment, tcomment, previous_msgid,
    previous_msgctxt, obsolete and linenum.
    """

    def typed(obj) -> dict:
        return {k: (type(v), v) for k, v in vars(obj).items()}

    return typed(po), list(po.metadata.items()), [typed(e) for e in po]


def outcome(read, text: str) -> tuple:
    try:
        return ("read", snapshot(read(text, "p.po")))
    except Docl10nError as exc:
        return ("error", exc.problem.path, exc.problem.line, exc.problem.message)


def translations_outcome(read, text: str) -> tuple:
    """What a build takes from a catalog: its translations and its header's fields, in order; or the error."""
    try:
        found = read(text)
        return ("read", found.found, list(found.metadata.items()))
    except Docl10nError as exc:
        return ("error", exc.problem.path, exc.problem.line, exc.problem.message)


def _slow_translations(text: str) -> catalog.Translations:
    po = catalog._parse_with_polib(text, "p.po")
    return catalog.Translations(catalog.translations(po), dict(po.metadata))


def assert_as_before(text: str, fast: bool | None = None) -> None:
    """``parse`` does what the slow path does; ``fast`` says whether the fast reader should take the text.

    ``read_translations`` gives what ``translations`` gives of the slow path's catalog, too.
    """
    assert outcome(catalog.parse, text) == outcome(catalog._parse_with_polib, text)
    assert translations_outcome(lambda t: catalog.read_translations(t, "p.po"), text) == translations_outcome(
        _slow_translations, text
    )
    if fast is not None:
        assert (catalog._read(text) is not None) == fast


# -- the same catalogs ---------------------------------------------------------

HEADER = (
    '# Docs in German.\n#\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Project-Id-Version: docs\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: de\\n"\n\n'
)
EDITED = HEADER + """\
# checked by Anna
#
# twice
#\x20
# the empty line above has a space
#. paragraph
#. and a heading
#: source/a-b.md:3 source/c.md
#: source/d.md:x
#, fuzzy, c-format
#| msgctxt "old"
#| msgid "Old "
#| "text"
msgctxt "ctx"
msgid ""
"Long \\"quoted\\" text\\twith\\\\tabs, \\a \\\\a \\\\\\" and a newline\\n"
"second line"
msgstr "Langer Text \u4e2d\u6587"

msgid "plain"
msgstr ""
"zwei "
"Zeilen"
#, fuzzy
#~| msgid "gone before"
#~ msgctxt "c"
#~ msgid "gone"
#~ msgstr ""
#~ "weg"



"""


def test_a_hand_edited_catalog_reads_as_polib_reads_it():
    assert_as_before(EDITED, fast=True)
    po = catalog.parse(EDITED, "p.po")
    assert po.header == "Docs in German.\n" and po.metadata_is_fuzzy == ["fuzzy"]
    first, second, gone = po
    assert first.tcomment == "checked by Anna\n\ntwice\n\nthe empty line above has a space" and first.comment == "paragraph\nand a heading"
    assert first.occurrences == [("source/a-b.md", "3"), ("source/c.md", ""), ("source/d.md:x", "")]
    assert first.flags == ["fuzzy", "c-format"] and (first.previous_msgctxt, first.previous_msgid) == ("old", "Old text")
    assert first.msgid == 'Long "quoted" text\twith\\tabs, \\a \\a \\" and a newline\nsecond line'
    assert (first.linenum, second.linenum, gone.linenum) == (10, 29, 33)
    assert gone.obsolete and gone.previous_msgid is None and gone.msgstr == "weg"


@pytest.mark.parametrize(
    "text",
    [
        EDITED.replace("\n", "\r\n"),  # Windows line ends
        EDITED.rstrip("\n"),  # no line end at the end
        "\n\n" + EDITED,  # the first entry is still line 0
        EDITED.replace("#, fuzzy\n#~|", "#~|"),  # an entry that starts with a line polib skips
        'msgid "a"\nmsgstr "b"\nmsgid "c"\nmsgstr "d"\n',  # no header, no blank lines
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=latin-1\\n"\n"X-Multi: one\\n"\n"two\\n"\n',
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=no-such-codec\\n"\n',
        '#~ msgid "a"\n#~ msgstr "y"\n\nmsgid "a"\nmsgstr "x"\n',  # obsolete, then live again: no duplicate
        "",
        "\n\n",
        'msgid "a\u2028b"\nmsgstr "c\x85d\u2029\x1c"\n',  # str.splitlines would break a line there; gettext does not
        '# note\u2028more\nmsgid ""\n"a\u2028"\n"b"\nmsgstr ""\n',  # as polib writes them: a string line ends after
    ],
)
def test_layouts_the_fast_reader_takes(text):
    assert_as_before(text, fast=True)


@pytest.mark.parametrize("read", [catalog.parse, catalog._parse_with_polib], ids=["parse", "polib"])
def test_strings_with_unicode_line_separators_read_back_whole(read):
    """polib cuts the text it is given at U+2028 and the like, and so lost a character of such a string."""
    po = polib.POFile(wrapwidth=78)
    po.append(polib.POEntry(msgid="Line\u2028sep and\u2029para \x85 nel \x1c fs", msgstr="Zeile\u2028x", tcomment="a\x85b"))
    text = catalog.render(po)
    assert text == str(po)  # written as polib writes it
    (entry,) = read(text, "p.po")
    assert (entry.msgid, entry.msgstr, entry.tcomment) == (po[0].msgid, po[0].msgstr, po[0].tcomment)


@pytest.mark.parametrize(
    "text",
    [
        'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "x"\nmsgstr[1] "xs"\n',  # plural forms
        'msgid "a"\nmsgstr "b"\n  \nmsgid "c"\nmsgstr "d"\n',  # a line of spaces
        '# trailing space \nmsgid "a"\nmsgstr "b"\n',
        '#. \n#. a\n#.\nmsgid "a"\nmsgstr "b"\n',  # empty comments polib drops
        '##x\n#\tt\nmsgid "a"\nmsgstr "b"\n',
        '# head\n\n# more\nmsgid "a"\nmsgstr "b"\n',
        '#| msgid "a"\n"b"\nmsgid "c"\nmsgstr ""\n',  # a continuation without #| still continues the previous msgid
        '#~ msgid "a"\nmsgstr "b"\n',  # obsolete msgid, live msgstr
        'msgctxt ""\nmsgid ""\nmsgstr "X: y\\n"\n',
        'msgid ""\nmsgstr "A: 1\\n"\n\n#~ msgid ""\n#~ msgstr "B: 2\\n"\n',
        'msgid   "a"\nmsgstr "b"  \n',
        'msgid "a"\nmsgstr "b"\n# a trailing comment\n',  # polib drops it
        'msgid "a"\nmsgstr "b"\n#~| msgid "c"\n',  # polib then drops the entry before it
        'msgid "a\rb"\nmsgstr ""\n',
        "\ufeffmsgid \"a\"\nmsgstr \"b\"\n",
        "# only a header\n",
    ],
)
def test_layouts_left_to_polib_read_as_before(text):
    assert_as_before(text, fast=False)


def test_the_bundled_catalogs_take_the_fast_path():
    files = sorted((ROOT / "locales").rglob("*.po*"))
    assert files
    for f in files:
        assert_as_before(f.read_text(encoding="utf-8"), fast=True)


@pytest.mark.skipif(not DOCKER_DOCS.is_dir(), reason="../shared/corpus is not beside the project")
def test_the_corpus_catalogs_take_the_fast_path(project, cli):
    copy_tree(DOCKER_DOCS, project / "source")
    cli("extract")
    cli("update", "-l", "zh_CN")
    files = sorted((project / "locales").rglob("*.po*"))
    assert len(files) > 100
    for i, f in enumerate(files):
        text = f.read_text(encoding="utf-8")
        assert_as_before(text, fast=True)
        po = catalog.parse(text, f.name)
        for j, e in enumerate(po):  # worked on: translated, some fuzzy with the old msgid, some obsolete
            e.msgstr = f"\u2039{e.msgid}\u203a"
            if (i + j) % 5 == 1:
                e.flags.append("fuzzy")
                e.previous_msgid = e.msgid[::-1]
            e.obsolete = (i + j) % 7 == 3
        assert_as_before(catalog.render(po), fast=True)


# -- random catalogs ----------------------------------------------------------

PIECES = st.sampled_from(
    list('ab -\\"\t\n\r\v\b\féä中‹#:,|~') + ["\\a", "\\n", "\\\\", '\\"', "word ", "msgid ", '"x"', "#, ", "x" * 70, "  "]
    + ["\x85", "\u2028", "\x1c"]  # line breaks to str.splitlines, so to polib, that polib writes as they are
)
TEXT = st.lists(PIECES, max_size=30).map("".join)
WORDS = st.lists(st.sampled_from(["note", "checked", "é中", "a-b", "x" * 80, " ", "\n"]), max_size=8).map(
    lambda words: "\n".join(filter(None, (" ".join(line.split()) for line in "".join(words).split("\n"))))
)  # comments as people write them: no empty lines, no spaces at the ends of lines
PATHS = st.sampled_from(["source/a-b/page.md", "source/x.md", "s" * 80, "a:b", "c:"])


@st.composite
def catalogs(draw, text=TEXT, comment=TEXT):
    po = polib.POFile(wrapwidth=78)
    po.header = draw(comment)
    po.metadata_is_fuzzy = draw(st.booleans())
    po.metadata = {"Project-Id-Version": "docs", "Content-Type": "text/plain; charset=UTF-8", "X-Note": draw(text)}
    seen = set()
    for _ in range(draw(st.integers(0, 6))):
        ctx, msgid = draw(st.one_of(st.none(), text)), draw(text)
        if (ctx, msgid) in seen or msgid == "":
            continue
        seen.add((ctx, msgid))
        previous = draw(st.one_of(st.none(), text))
        e = polib.POEntry(
            msgid=msgid, msgstr=draw(text), msgctxt=ctx, comment=draw(comment), tcomment=draw(comment),
            occurrences=draw(st.lists(st.tuples(PATHS, st.sampled_from(["1", "42", ""])), max_size=3)),
            flags=draw(st.lists(st.sampled_from(["fuzzy", "c-format", "no-wrap"]), unique=True, max_size=2)),
            previous_msgid=previous, previous_msgctxt=draw(st.one_of(st.none(), text)) if previous else None,
            obsolete=draw(st.booleans()),
        )
        if draw(st.integers(0, 9)) == 0:
            e.msgid_plural, e.msgstr_plural = msgid + "s", {0: draw(text), 1: draw(text)}
        po.append(e)
    return po


@settings(max_examples=200, deadline=None)
@given(catalogs())
def test_random_catalogs_read_as_polib_reads_them(po):
    for text in (str(po), catalog.render(po)):
        assert_as_before(text)


CLEAN = st.lists(st.sampled_from(list('ab -\\"\t\n\r\b\féä中‹#:,|~') + ["\\a", "msgid ", "x" * 70]), max_size=30).map("".join)


@settings(max_examples=100, deadline=None)
@given(catalogs(text=CLEAN, comment=WORDS))
def test_catalogs_as_written_take_the_fast_path(po):
    for e in po:
        e.msgid_plural, e.msgstr_plural = "", {}
    for text in (str(po), catalog.render(po)):
        assert_as_before(text, fast=True)


LINES = st.sampled_from([
    "", "  ", "#", "# c", "#.", "#. c", "#: a:1", "#, fuzzy", "#| msgid \"p\"", '#| "q"', "#~| msgid \"o\"", "#~ msgid \"o\"",
    '#~ msgstr "o"', '#~ "o"', 'msgid "m"', 'msgstr "s"', 'msgctxt "c"', '"cont"', 'msgid ""', "#foo", "##", "x",
    'msgid "a"b"', 'msgstr "\\', "#|", "#| nope \"x\"", "#~", 'msgstr[0] "z"', 'msgid_plural "y"', "\ufeff#",
])


@settings(max_examples=300, deadline=None)
@given(catalogs(text=CLEAN, comment=WORDS), st.data())
def test_damaged_catalogs_read_or_fail_as_before(po, data):
    """Lines dropped, doubled, swapped or added: the same catalog or the same error at the same line."""
    lines = catalog.render(po).split("\n")
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        how = data.draw(st.sampled_from(["drop", "double", "swap", "add", "space", "tab", "cut"]))
        if how == "drop":
            del lines[i]
        elif how == "double":
            lines.insert(i, lines[i])
        elif how == "swap" and i + 1 < len(lines):
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        elif how == "add":
            lines.insert(i, data.draw(LINES))
        elif how == "space":
            lines[i] += " "
        elif how == "tab":
            lines[i] = lines[i].replace(" ", "\t", 1)
        elif how == "cut":
            lines[i] = lines[i][:-1]
        if not lines:
            lines = [""]
    assert_as_before("\n".join(lines))


# -- errors -------------------------------------------------------------------

GOOD = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "a"\nmsgstr "b"\n'


@pytest.mark.parametrize(
    ("tail", "line", "says"),
    [
        ('\nmsgid "c"\nmsgstr "d\n', 9, "syntax error"),  # unterminated string
        ('\nmsgid "c"\nmsgstr "d"e"\n', 9, "syntax error"),  # unescaped quote
        ("\nstray words\n", 8, "syntax error"),
        ('\nmsgid "c"\n\nmsgid "d"\nmsgstr ""\n', 10, "msgid at line 8 has no msgstr"),
        ('\nmsgid "c"\n', 8, "msgid has no msgstr"),
        ('\n#comment without a space\nmsgid "c"\nmsgstr ""\n', 8, "(?i)syntax error"),
        ('\n#| msgid\nmsgid "c"\nmsgstr ""\n', 8, "invalid continuation line"),
        ('\n#| msgstr "x"\nmsgid "c"\nmsgstr ""\n', 8, "unknown keyword msgstr"),
        ('\nmsgstr "again"\n', 8, "(?i)syntax error"),
        ('\nmsgid "c"\nmsgctxt "x"\nmsgstr ""\n', 9, "(?i)syntax error"),
        ('\n#. c\n"continues a comment"\n', 9, "(?i)syntax error"),
        ('\nmsgid "a"\nmsgstr "again"\n', 8, "duplicate entry"),
        ('\n#~ msgid "a"\n#~ msgstr "again"\n', 8, "duplicate entry"),
        ('\nmsgid "c\rd"\nmsgstr ""\n', 9, "(?i)syntax error"),  # polib's count of lines, not ours
    ],
)
def test_errors_are_located_as_before(tail, line, says):
    text = GOOD + tail
    assert_as_before(text, fast=False)
    with pytest.raises(Docl10nError, match=says) as exc:
        catalog.parse(text, "de/p.po")
    assert (exc.value.problem.path, exc.value.problem.line) == ("de/p.po", line)


def test_a_byte_order_mark_is_an_error_at_line_1():
    with pytest.raises(Docl10nError) as exc:
        catalog.parse("\ufeff" + GOOD, "p.po")
    assert exc.value.problem.line == 1
