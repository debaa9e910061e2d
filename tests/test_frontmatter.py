"""Front matter in the three syntaxes: what is extracted, and values written back in place."""

from __future__ import annotations

import json
import tomllib

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n import frontmatter
from docl10n.catalog import Translation
from docl10n.model import Docl10nError
from docl10n.rebuild import BuildOptions, splice
from docl10n.segment import parse_page

VALUES = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=40).filter(
    lambda v: v.strip() == v and v.strip()
)


def units(text: str):
    return parse_page(text, "p.md").units


def translate(text: str, pairs: dict) -> str:
    lookup = {(None, k): Translation(v, False) for k, v in pairs.items()}
    return splice(parse_page(text, "p.md"), lookup, BuildOptions(heading_ids=False)).data.decode("utf-8")


@settings(max_examples=60, deadline=None)
@given(VALUES, st.sampled_from(["Plain text", "'Single'", '"Double"']))
def test_yaml_value_survives_a_parse(value, original):
    text = f"---\ntitle: {original}\nweight: 2 # keep\n---\n"
    out = translate(text, {original.strip("'\""): value})
    assert yaml.safe_load(out.split("---\n")[1]) == {"title": value, "weight": 2}
    assert out.endswith("\nweight: 2 # keep\n---\n")


@settings(max_examples=60, deadline=None)
@given(VALUES, st.sampled_from(['"Basic"', "'Literal'"]))
def test_toml_value_survives_a_parse(value, original):
    text = f"+++\ntitle = {original}\nweight = 2 # keep\n+++\n"
    out = translate(text, {original.strip("'\""): value})
    assert tomllib.loads(out.split("+++\n")[1]) == {"title": value, "weight": 2}


@settings(max_examples=60, deadline=None)
@given(VALUES)
def test_json_value_survives_a_parse(value):
    text = '{\n  "title": "Hello",\n  "weight": 2\n}\n\nBody.\n'
    out = translate(text, {"Hello": value})
    assert json.loads(out[: out.rindex("}") + 1]) == {"title": value, "weight": 2}


def test_yaml_block_scalars_keep_their_indicators():
    text = "---\nsummary: |-\n  One\n  two.\ndescription: >+\n    Folded\n    text.\n\ntitle: >2\n   Indented\n---\n"
    out = translate(text, {"One two.": "一二。", "Folded text.": "折叠。", "Indented": "缩进"})
    assert out == "---\nsummary: |-\n  一二。\ndescription: >+\n    折叠。\n\ntitle: >2\n   缩进\n---\n"
    assert yaml.safe_load(out.split("---\n")[1]) == {"summary": "一二。", "description": "折叠。\n\n", "title": " 缩进\n"}


def test_quoting_only_as_the_syntax_requires():
    text = "---\ntitle: Plain\nlinkTitle: 'Single'\ndescription: \"Double\"\n---\n"
    out = translate(text, {"Plain": "简单", "Single": "单: 引号", "Double": "双"})
    assert out == "---\ntitle: 简单\nlinkTitle: '单: 引号'\ndescription: \"双\"\n---\n"


def test_never_extracted_keys():
    text = (
        "---\ntitle: T\nlink: /x/\nicon: star\naliases: [/a/]\nweight: 1\nkeywords: k, l\nlayout: wide\n"
        "grid:\n- title: Card\n  description: D\n  link: /c/\n  icon: rocket\n---\n"
    )
    assert [(u.msgid, u.kind) for u in units(text)] == [
        ("T", "front matter title"),
        ("Card", "card title (grid)"),
        ("D", "card description (grid)"),
    ]


def test_yaml_cards_nested_under_params():
    text = "---\nparams:\n  get-started:\n  - title: One\n    description: First.\n    link: /1/\n---\n"
    assert [(u.msgid, u.kind, u.key) for u in units(text)] == [
        ("One", "card title (params.get-started)", ("params", "get-started", 0, "title")),
        ("First.", "card description (params.get-started)", ("params", "get-started", 0, "description")),
    ]


def test_toml_card_tables():
    text = (
        '+++\ntitle = "Home"\n\n[[grid]]\ntitle = "A"\ndescription = \'Alpha\'\nlink = "/a/"\n\n'
        '[[params.get-started]]\ntitle = "B"\ndescription = "Beta"\nicon = "b"\n+++\n'
    )
    assert [(u.msgid, u.kind) for u in units(text)] == [
        ("Home", "front matter title"),
        ("A", "card title (grid)"),
        ("Alpha", "card description (grid)"),
        ("B", "card title (params.get-started)"),
        ("Beta", "card description (params.get-started)"),
    ]
    out = translate(text, {"Alpha": "阿尔法", "Beta": "贝塔", "B": "乙"})
    data = tomllib.loads(out.split("+++\n")[1])
    assert data["grid"][0]["description"] == "阿尔法" and data["params"]["get-started"][0]["title"] == "乙"
    assert "description = '阿尔法'" in out and 'link = "/a/"' in out and 'icon = "b"' in out


def test_json_nested_card_lists():
    text = '{\n  "title": "Home",\n  "params": {"cards": [{"title": "A", "description": "Alpha", "link": "/a/"}]},\n  "tags": ["t"]\n}\n'
    assert [(u.msgid, u.kind) for u in units(text)] == [
        ("Home", "front matter title"),
        ("A", "card title (params.cards)"),
        ("Alpha", "card description (params.cards)"),
    ]
    out = translate(text, {"Alpha": "阿尔法"})
    assert out == text.replace('"Alpha"', '"阿尔法"')


def test_same_english_in_two_roles_gets_a_context():
    text = "---\ntitle: Overview\ngrid:\n- title: Overview\n  description: Read this.\n---\n\n## Overview\n"
    got = [(u.msgid, u.msgctxt) for u in units(text)]
    assert got == [("Overview", None), ("Overview", "card title"), ("Read this.", None), ("Overview", None)]


def test_configured_keys_replace_the_defaults():
    keys = frontmatter.Keys(scalars=("title", "subtitle"), card_fields=("name",))
    text = "---\ntitle: T\ndescription: D\nsubtitle: S\nitems:\n- name: N\n  title: X\n---\n"
    page = parse_page(text, "p.md", keys)
    assert [u.msgid for u in page.units] == ["T", "S", "N"]


@pytest.mark.parametrize(
    "text, line",
    [("---\nweight: 1\ntitle: a: b\n---\n", 3), ('+++\ntitle = \n+++\n', 2), ('{"title": }\n', 1)],
)
def test_broken_front_matter_is_located(text, line):
    from docl10n.model import Docl10nError

    with pytest.raises(Docl10nError) as exc:
        parse_page(text, "p.md")
    assert exc.value.problem.path == "p.md" and exc.value.problem.line == line


def test_toml_multiline_strings_are_units_and_their_lines_are_not_keys():
    text = '+++\ndescription = """\nA long\n[not a table]\ntitle = "no"\n"""\nsummary = \'\'\'lit "x"\'\'\'\n+++\n\nBody\n'
    page = parse_page(text, "p.md")
    assert [(u.msgid, u.key) for u in page.units[:2]] == [
        ('A long [not a table] title = "no"', ("description",)),
        ('lit "x"', ("summary",)),
    ]
    lookup = {(u.msgctxt, u.msgid): Translation(f"«{u.msgid}»", False) for u in page.units}
    built = splice(page, lookup).data.decode()
    data = tomllib.loads(built.split("+++")[1])
    assert data == {"description": '«A long [not a table] title = "no"»', "summary": '«lit "x"»'}


def test_yaml_anchors_and_aliases_give_one_unit_at_the_anchor():
    text = "---\ntitle: &t Hello world\nlinkTitle: *t\ngrid:\n- title: !!str Other\n  description: *t\n---\n\nBody\n"
    page = parse_page(text, "p.md")
    assert [(u.msgid, u.key) for u in page.units] == [
        ("Hello world", ("title",)), ("Other", ("grid", 0, "title")), ("Body", ()),
    ]
    lookup = {(u.msgctxt, u.msgid): Translation(f"«{u.msgid}»", False) for u in page.units}
    built = splice(page, lookup)
    assert not built.problems
    data = yaml.safe_load(built.data.decode().split("---")[1])
    assert data == {"title": "«Hello world»", "linkTitle": "«Hello world»",
                    "grid": [{"title": "«Other»", "description": "«Hello world»"}]}


@pytest.mark.parametrize(
    "text",
    [
        "---\ntitle: T\nparams:\n  subtitle: Nested words\n  icon: x\n---\n",
        "+++\ntitle = 'T'\n[params]\nsubtitle = \"Nested words\"\nicon = 'x'\n+++\n",
    ],
)
def test_nested_scalars_are_translated_when_configured(text):
    keys = frontmatter.Keys(scalars=("title", "params.subtitle"))
    page = parse_page(text, "p.md", keys=keys)
    assert [(u.msgid, u.kind) for u in page.units] == [("T", "front matter title"), ("Nested words", "front matter params.subtitle")]
    assert [u.msgid for u in parse_page(text, "p.md").units] == ["T"]
    lookup = {(None, "Nested words"): Translation("嵌套的词", False), (None, "T"): Translation("题", False)}
    built = splice(page, lookup, BuildOptions(heading_ids=False, keys=keys))
    assert not built.problems, built.problems  # read back by the keys the page was cut with
    assert built.data.decode("utf-8") == text.replace("Nested words", "嵌套的词").replace("'T'", "'题'").replace(
        ": T\n", ": 题\n"
    )


@pytest.mark.parametrize(
    ("text", "front", "body"),
    [
        ("---\ntitle: T\n---\nBody\n", "---\ntitle: T\n---\n", "title: T\n"),
        ("\n \n---\ntitle: T\n---\nBody\n", "\n \n---\ntitle: T\n---\n", "title: T\n"),  # Hugo skips blank lines
        ("---\ntitle: T\n---- \nBody\n", "---\ntitle: T\n---", "title: T\n"),  # the rest of the line is body
        ("---\ntitle: T\n--- \t\r\nBody\n", "---\ntitle: T\n--- \t\r\n", "title: T\n"),  # spaces: still the fence's
        ("+++\ntitle = 'T'\n+++x\nBody\n", "+++\ntitle = 'T'\n+++", "title = 'T'\n"),
        ("---\ntitle: T\n+++\n---\n", "---\ntitle: T\n+++\n---\n", "title: T\n+++\n"),  # only its own fence
    ],
)
def test_front_matter_ends_where_hugo_ends_it(text, front, body):
    fm = frontmatter.split(text, "p.md")
    assert text[fm.span.start : fm.span.end] == front
    assert text[fm.body.start : fm.body.end] == body


def test_unclosed_front_matter_after_blank_lines_names_the_fence_line():
    with pytest.raises(Docl10nError, match=r"^p\.md:3: front matter opened with --- is never closed$"):
        frontmatter.split("\n\n---\ntitle: T\n", "p.md")
