"""The segmenter: which text becomes a unit, and exactly where it stands."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docl10n.model import Docl10nError
from docl10n.segment import block_signature, decode, parse_page, segment_body


def units(text: str):
    return parse_page(text, "page.md").units


def msgids(text: str) -> list[str]:
    return [u.msgid for u in units(text)]


def test_span_covers_exactly_the_text_a_translation_replaces():
    text = "# Title\n\nSome *text*\nwrapped here.\n"
    for u in units(text):
        assert text[u.span.start : u.span.end] in ("Title", "Some *text*\nwrapped here.")
    assert msgids(text) == ["Title", "Some *text* wrapped here."]


def test_kinds_and_lines():
    text = "---\ntitle: T\n---\n\n## Head\n\npara\n\n- item\n\n> quote\n\n| a | b |\n|---|---|\n| c | d |\n"
    got = [(u.msgid, u.kind, u.line) for u in units(text)]
    assert got == [
        ("T", "front matter title", 2),
        ("Head", "heading", 5),
        ("para", "paragraph", 7),
        ("item", "list item", 9),
        ("quote", "block quote", 11),
        ("a", "table header", 13),
        ("b", "table header", 13),
        ("c", "table cell", 15),
        ("d", "table cell", 15),
    ]


def test_not_extracted():
    text = (
        "```sh\ndocker run hello\n```\n\n    indented code\n\n<div>html block</div>\n\n<!-- comment -->\n\n"
        '{{< grid items="x" >}}\n\n[ref]: https://example.com\n\n'
        "> 原文：[https://x/](https://x/)\n>\n> 收录该文档的时间：`2024-10-23T14:54:35+08:00`\n\n"
        "1234\n\nKept.\n"
    )
    assert msgids(text) == ["Kept."]


def test_admonition_marker_stays_out_of_the_msgid():
    text = "> [!NOTE]\n> Read this\n> carefully.\n\n> [!TIP]\n>\n> Alone.\n"
    got = units(text)
    assert [u.msgid for u in got] == ["Read this carefully.", "Alone."]
    assert got[0].kind == "admonition"
    assert text[got[0].span.start : got[0].span.end] == "Read this\n> carefully."


def test_shortcode_lines_are_trimmed_from_a_paragraph():
    text = '{{< tab name="CLI" >}}\nRun the command.\n{{< /tab >}}\n'
    (u,) = units(text)
    assert u.msgid == "Run the command."
    assert text[u.span.start : u.span.end] == "Run the command."


def test_identical_strings_keep_every_occurrence_as_units():
    assert msgids("Same.\n\nSame.\n") == ["Same.", "Same."]


def test_heading_closing_sequence_is_not_part_of_the_msgid():
    (u,) = units("## Title ##\n")
    assert u.msgid == "Title"


def test_setext_heading():
    text = "Big\ntitle\n===\n"
    (u,) = units(text)
    assert (u.msgid, u.kind, u.inline) == ("Big title", "heading", True)
    assert text[u.span.start : u.span.end] == "Big\ntitle"


def test_hard_breaks_survive_in_the_msgid():
    assert msgids("one  \ntwo\\\nthree\nfour\n") == ["one  \ntwo\\\nthree four"]


def test_nested_list_in_quote_has_the_container_prefix():
    text = "> - item one\n>   continues\n>   - nested\n"
    got = units(text)
    assert [u.msgid for u in got] == ["item one continues", "nested"]
    assert got[0].prefix == ">   "
    assert text[got[0].span.start : got[0].span.end] == "item one\n>   continues"


def test_table_cells_keep_escaped_pipes_as_written():
    text = "| a | b |\n|---|---|\n| `x \\| y` | c \\| d |\n"
    assert msgids(text) == ["a", "b", "`x \\| y`", "c \\| d"]


def test_table_row_with_more_cells_than_the_header_ignores_the_extra():
    text = "| a |\n|---|\n| b | extra |\n"
    assert msgids(text) == ["a", "b"]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
def test_line_endings_map_back_to_the_original(eol):
    text = eol.join(["# Head", "", "> quoted", "> more", "", "- a", "  b", ""])
    got = units(text)
    assert [text[u.span.start : u.span.end] for u in got] == ["Head", f"quoted{eol}> more", f"a{eol}  b"]
    assert [u.line for u in got] == [1, 3, 6]


def test_bom_is_remembered_and_removed():
    page = parse_page("\ufeff# Hi\n", "p.md")
    assert page.bom and page.text == "# Hi\n" and page.units[0].msgid == "Hi"


def test_tabs_in_containers():
    text = ">\tquoted with tab\n-\titem\n"
    got = units(text)
    assert [text[u.span.start : u.span.end] for u in got] == ["quoted with tab", "item"]


def test_spans_are_relative_to_the_page_with_front_matter():
    text = "+++\ntitle = \"T\"\n+++\n\nBody.\n"
    got = units(text)
    assert [text[u.span.start : u.span.end] for u in got] == ['"T"', "Body."]
    assert [u.line for u in got] == [2, 5]


def test_body_offsets():
    body = "Hello.\n"
    (u,) = segment_body(body, base=100, line_offset=10)
    assert (u.span.start, u.span.end, u.line) == (100, 106, 11)


def test_unclosed_front_matter_is_a_located_error():
    with pytest.raises(Docl10nError) as exc:
        parse_page("---\ntitle: x\n\nbody\n", "p.md")
    assert str(exc.value) == "p.md:1: front matter opened with --- is never closed"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('+++\ntitle = "T"\n\ndateday = 07\n+++\n\nBody\n', 4),  # leading zero: Hugo refuses it too
        ('\n+++\ntitle = "T\n+++\n', 3),
        ("+++\ntitle = [1,\n+++\n", 3),  # at the end of the front matter
    ],
)
def test_invalid_toml_names_its_line(text, line):
    with pytest.raises(Docl10nError) as exc:
        parse_page(text, "p.md")
    assert exc.value.problem.line == line and "invalid TOML front matter" in str(exc.value)


def test_invalid_yaml_names_its_line():
    with pytest.raises(Docl10nError) as exc:
        parse_page("---\ntitle: ok\nbad: [unclosed\n---\n", "p.md")
    assert exc.value.problem.line >= 3 and "invalid YAML front matter" in str(exc.value)


def test_decode_error_names_the_line():
    with pytest.raises(Docl10nError) as exc:
        decode(b"ok\nbad \xff byte\n", "p.md")
    assert str(exc.value).startswith("p.md:2: not valid UTF-8")


def test_card_with_same_english_as_a_heading_gets_a_context():
    text = "---\ngrid:\n- title: Docker Compose\n  link: /x/\n---\n\n## Docker Compose\n"
    got = units(text)
    assert [(u.msgid, u.msgctxt) for u in got] == [("Docker Compose", "card title"), ("Docker Compose", None)]


def test_block_signature_ignores_inline_text():
    assert block_signature("# a\n\ntext\n") == block_signature("# b\n\nother *text*\n")
    assert block_signature("# a\n") != block_signature("a\n")


def test_raw_shortcode_content_is_not_translated():
    text = "Before.\n\n{{< highlight go >}}\nfunc main() {}\n{{< /highlight >}}\n\n{{% mermaid %}}\ngraph TD\n{{% /mermaid %}}\n\nAfter.\n"
    assert msgids(text) == ["Before.", "After."]


def test_task_list_box_stays_out_of_the_msgid():
    text = "- [ ] Write the page\n- [x] Review it\n"
    got = units(text)
    assert [u.msgid for u in got] == ["Write the page", "Review it"]
    assert [text[u.span.start : u.span.end] for u in got] == ["Write the page", "Review it"]


def test_definition_list_line_breaks_are_kept():
    text = "Term\n: The definition\n: Another one\n"
    assert msgids(text) == ["Term\n: The definition\n: Another one"]


def test_footnote_definitions_are_units_of_their_own_without_their_labels():
    """Goldmark starts a block at each ``[^label]:`` line, even inside what CommonMark reads as one paragraph."""
    text = "See this[^1][^note].\n\nLead line\n[^1]: The footnote.\n[^note]:  A named one\n    on two lines.\n"
    got = units(text)
    assert [(u.msgid, u.kind) for u in got] == [
        ("See this[^1][^note].", "paragraph"),
        ("Lead line", "paragraph"),
        ("The footnote.", "footnote"),
        ("A named one on two lines.", "footnote"),
    ]
    assert text[got[3].span.start : got[3].span.end] == "A named one\n    on two lines."


def test_a_line_that_is_only_a_shortcode_keeps_its_line_breaks():
    """Hugo puts a shortcode's output in before reading Markdown: joined, an alert's block would land in the paragraph."""
    text = "Para one\n{{% alert %}}\nInner **md**.\n{{% /alert %}}\nAfter, with {{< badge >}} inline\nand more.\n"
    assert msgids(text) == ["Para one\n{{% alert %}}\nInner **md**.\n{{% /alert %}}\nAfter, with {{< badge >}} inline and more."]


def test_prose_after_a_shortcode_whose_name_starts_like_a_raw_one_is_extracted():
    text = "{{< code-toggle file=hugo >}}\nbaseURL = 'x'\n{{< /code-toggle >}}\n\nProse here.\n\n{{< code >}}\n<p>x</p>\n{{< /code >}}\n"
    assert msgids(text) == ["Prose here."]


def test_code_after_text_in_one_paragraph_stays_out_of_the_unit():
    text = "1. Run the following command:\n   {{< highlight bash >}}\n   kubectl get pods\n   {{< /highlight >}}\n"
    (u,) = units(text)
    assert u.msgid == "Run the following command:"
    assert text[u.span.start : u.span.end] == "Run the following command:"


def test_code_tabs_and_display_math_are_not_prose():
    text = (
        '{{< tab header="hugo.toml" lang="toml" >}}\n# comment\nversion = "x"\n{{< /tab >}}\n\n'
        "Is rendered to:\n\n$$\nE = mc^2\n$$\n\n\\[\nx \\le y\n\\]\n"
    )
    assert msgids(text) == ["Is rendered to:"]


def test_block_attribute_line_stays_out_of_the_paragraph():
    text = "A theme for documentation sites\n{.lead .mt-5}\n"
    (u,) = units(text)
    assert u.msgid == "A theme for documentation sites" and text[u.span.end :] == "\n{.lead .mt-5}\n"


def test_setext_heading_id_stays_out_of_the_msgid():
    (u,) = units("Big title {#big}\n===\n")
    assert u.msgid == "Big title"


@given(st.text(alphabet="ab \n\r", max_size=40))
def test_line_map_matches_markdown_its_normalised_lines(text):
    from docl10n.segment import LINE_BREAK, _Lines

    starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
    norm = LINE_BREAK.sub("\n", text)
    lines = _Lines.of(text)
    assert list(lines.orig_starts) == starts
    assert list(lines.norm_starts) == [0] + [i + 1 for i, c in enumerate(norm) if c == "\n"]
    assert all(text[lines.orig(p)] == norm[p] for p in range(len(norm)) if norm[p] != "\n")
