"""Splicing as the mirror publishes pages: anchors, attribution, bilingual layout.

Folders under cases/rebuild/ hold a real page (``source.md``), where it
lives in a site (``path``), a ``locale``, a translated ``catalog.po`` and
the built page read and approved by hand (``expected.md``).
``DOCL10N_REGEN=1`` rewrites ``expected.md``, to be read before commit.
"""

from __future__ import annotations

import difflib
import os
import unicodedata
from pathlib import Path

import polib
import pytest
import yaml
from conftest import CORPUS, DOCKER_DOCS, corpus_pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import documents

from docl10n import frontmatter, rebuild
from docl10n.catalog import Translation
from docl10n.rebuild import DEFAULT_ATTRIBUTION, Attribution, BuildOptions, anchorize, inert, splice
from docl10n.segment import block_signature, parse_page

CASES = sorted((Path(__file__).parent / "cases" / "rebuild").glob("*/"))
REGEN = os.environ.get("DOCL10N_REGEN") == "1"
CONFIG = 'project = "t"\n[attribution]\nbase_url = "https://docs.docker.com/"\nstrip_prefixes = ["manuals/"]\n'


def lookup(pairs: dict[str, str]) -> dict:
    return {(None, k): Translation(v, False) for k, v in pairs.items()}


def build(text: str, pairs: dict[str, str], **options) -> str:
    page = parse_page(text, "p.md")
    return splice(page, lookup(pairs), BuildOptions(**options)).data.decode("utf-8")


def pseudo(page) -> dict:
    return {(u.msgctxt, u.msgid): Translation("译" + u.msgid, False) for u in page.units}


# -- golden cases: a real page through the CLI ----------------------------------


def run_case(case: Path, project: Path, cli, *args: str) -> str:
    rel = (case / "path").read_text().strip()
    locale = (case / "locale").read_text().strip()
    (project / "docl10n.toml").write_text(CONFIG)
    (project / "source" / rel).parent.mkdir(parents=True, exist_ok=True)
    (project / "source" / rel).write_bytes((case / "source.md").read_bytes())
    po = project / "locales" / locale / Path(rel).with_suffix(".po")
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_bytes((case / "catalog.po").read_bytes())
    cli("build", "-l", locale, *args)
    return (project / "build" / locale / rel).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_builds_as_approved(case: Path, project: Path, cli):
    built = run_case(case, project, cli)
    if REGEN:
        (case / "expected.md").write_text(built, encoding="utf-8")
    assert built == (case / "expected.md").read_text(encoding="utf-8")
    again = run_case(case, project, cli)  # rebuilding is byte-identical: no "now" anywhere
    assert again == built


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_front_matter_translated_in_place_every_other_line_kept(case: Path, project: Path, cli):
    source = (case / "source.md").read_text(encoding="utf-8")
    built = run_case(case, project, cli)
    zh = {e.msgid: e.msgstr for e in polib.pofile(str(case / "catalog.po"))}
    src_fm, out_fm = source.split("---\n")[1], built.split("---\n")[1]
    src, out = yaml.safe_load(src_fm), yaml.safe_load(out_fm)
    assert out.pop("isCJKLanguage") is True and "isCJKLanguage" not in src
    for key in ("title", "description", "summary"):
        assert out[key].rstrip("\n") == zh[" ".join(src[key].split())]  # a `|` block keeps its final newline
    cards = 0
    for name, items in src.items():
        if isinstance(items, list) and items and isinstance(items[0], dict):
            for s, o in zip(items, out[name], strict=True):
                assert o["title"] == zh[s["title"].strip()] and o["description"] == zh[s["description"].strip()]
                assert o["link"] == s["link"]
                cards += 1
    assert cards == 14
    assert {k: v for k, v in out.items() if not isinstance(v, (str, list))} == {
        k: v for k, v in src.items() if not isinstance(v, (str, list))
    }
    assert out["keywords"] == src["keywords"] and out["aliases"] == src["aliases"]
    # line by line: only lines holding a translated value differ, plus the added flag
    src_lines, out_lines = src_fm.splitlines(), out_fm.splitlines()
    translated = {zh[m] for m in zh}
    value_line = ("title:", "description:", "summary:", "- title:", "  description:")
    for op, a1, a2, b1, b2 in difflib.SequenceMatcher(None, src_lines, out_lines, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        for line in src_lines[a1:a2]:
            assert line.lstrip().startswith(value_line) or src_lines[a1 - 1].startswith("summary:"), line
        for line in out_lines[b1:b2]:
            value = line.split(":", 1)[1].strip() if ":" in line else ""
            assert line == "isCJKLanguage: true" or value in translated or line.strip() in translated, line


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bilingual_keeps_every_source_block_in_order(case: Path, project: Path, cli):
    source = (case / "source.md").read_text(encoding="utf-8")
    built = run_case(case, project, cli, "--mode", "bilingual")
    src_body, out_body = source.split("---\n", 2)[2], built.split("---\n", 2)[2]
    it = iter(block_signature(out_body).split("\n"))
    assert all(any(x == y for y in it) for x in block_signature(src_body).split("\n"))
    assert "## 基础知识 The basics {#the-basics}" in built
    assert "\u200b\t开始学习容器、镜像、注册表和 Docker Compose 的核心概念。" in built
    assert built.count('{{< grid items="the-basics" >}}') == 1


# -- attribution ----------------------------------------------------------------------


PAGE = "---\ntitle: Hello\n---\n\nSome text here.\n"


def test_attribution_default_form_after_front_matter():
    att = Attribution("https://docs.docker.com/x/", "2024-10-23T14:54:35+08:00")
    out = build(PAGE, {"Some text here.": "这里有一些文字。"}, attribution=att)
    assert out == (
        "---\ntitle: Hello\n---\n\n"
        "> 原文：[https://docs.docker.com/x/](https://docs.docker.com/x/)\n>\n"
        "> 收录该文档的时间：`2024-10-23T14:54:35+08:00`\n\n这里有一些文字。\n"
    )
    assert DEFAULT_ATTRIBUTION.startswith("> 原文：")


def test_own_attribution_block_is_kept_and_not_duplicated():
    own = "+++\ntitle = \"A\"\n+++\n\n> 原文：[https://e.org/a/](https://e.org/a/)\n>\n> 收录该文档的时间：`2024-01-01`\n\nText.\n"
    out = build(own, {"Text.": "文字。"}, attribution=Attribution("https://other/", "2025"))
    assert out.count("原文") == 1 and "https://e.org/a/" in out and "https://other/" not in out


def test_attribution_time_is_the_front_matter_date(project: Path, cli):
    (project / "docl10n.toml").write_text(CONFIG)
    (project / "source" / "a").mkdir()
    (project / "source" / "a" / "_index.md").write_text('+++\ntitle = "A"\ndate = 2024-10-23T14:54:35+08:00\n+++\n\nText.\n')
    cli("extract")
    cli("update", "-l", "zh_CN")
    cli("build", "-l", "zh_CN")
    out = (project / "build" / "zh_CN" / "a" / "_index.md").read_text()
    assert "> 原文：[https://docs.docker.com/a/](https://docs.docker.com/a/)" in out
    assert "`2024-10-23T14:54:35+08:00`" in out


# -- heading anchors -------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading, anchor",
    [
        ("What's next", "whats-next"),
        ("Install using the `apt` repository", "install-using-the-apt-repository"),
        ("Step 1: Build, tag & push", "step-1-build-tag--push"),
        ("  Hello_World  ", "hello_world"),
        ("Überblick über Docker", "überblick-über-docker"),
        ("!!!", "heading"),
    ],
)
def test_anchorize_like_hugo(heading: str, anchor: str):
    assert anchorize(heading) == anchor


def _hugo_anchor(text: str) -> str:
    """Hugo's sanitizer character by character: the rule ``anchorize`` states."""
    kept = ["-" if ch in " -" else ch.lower() for ch in text.strip(" \t\n\r\f\v")
            if ch in " -_" or unicodedata.category(ch)[0] == "L" or unicodedata.category(ch) == "Nd"]
    return "".join(kept) or "heading"


@settings(deadline=None)  # a shared machine can stall any example past the default 200 ms
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_anchorize_keeps_hugos_rule_for_any_text(text):
    assert anchorize(text) == _hugo_anchor(text)


def test_translated_heading_keeps_english_anchor():
    text = "## Use the default bridge network\n\n## Overview\n\n## Overview\n\n## Keep {#kept}\n"
    out = build(text, {"Use the default bridge network": "使用默认桥接网络", "Overview": "概述", "Keep": "保留"})
    assert out == (
        "## 使用默认桥接网络 {#use-the-default-bridge-network}\n\n## 概述 {#overview}\n\n"
        "## 概述 {#overview-1}\n\n## 保留 {#kept}\n"
    )


def test_a_hash_inside_an_attribute_value_is_not_an_id_taken():
    text = "## Link {data-href=x#b}\n\n## B\n"
    assert build(text, {"Link": "链接", "B": "乙"}) == "## 链接 {#link data-href=x#b}\n\n## 乙 {#b}\n"


def test_heading_with_only_a_class_gets_its_id_inside_its_braces():
    """Goldmark reads one attribute block: the id joins the class there, and it counts for later duplicates."""
    text = "## Setup {.note}\n\n### Setup { data-x=1 } ###\n\n## Setup\n"
    assert build(text, {"Setup": "设置"}) == (
        "## 设置 {#setup .note}\n\n### 设置 {#setup-1  data-x=1 } ###\n\n## 设置 {#setup-2}\n"
    )
    assert build(text, {}) == text


def test_explicit_id_is_outside_the_msgid():
    units = parse_page("### Install using the `apt` repository {#install-using-the-repository}\n", "p.md").units
    assert [u.msgid for u in units] == ["Install using the `apt` repository"]


def test_untranslated_heading_gets_no_id_and_ids_can_be_off():
    text = "## Overview\n\n## Setup\n"
    assert build(text, {"Setup": "设置"}) == "## Overview\n\n## 设置 {#setup}\n"
    assert build(text, {"Setup": "设置"}, heading_ids=False) == "## Overview\n\n## 设置\n"


# -- bilingual layout -----------------------------------------------------------------


def test_bilingual_patterns():
    text = (
        "# Title\n\nA paragraph\nover two lines.\n\n> [!NOTE]\n> Quoted text.\n\n"
        "- Item one\n- Item two\n\n1. Step one\n\n   ```console\n   $ run\n   ```\n\nUntouched.\n"
    )
    zh = {"Title": "标题", "A paragraph over two lines.": "一段\n两行。", "Quoted text.": "引用。",
          "Item one": "第一项", "Item two": "第二项", "Step one": "第一步"}
    out = build(text, zh, heading_ids=False, mode="bilingual")
    assert out == (
        "# 标题 Title\n\nA paragraph\nover two lines.\n\n\u200b\t一段\n两行。\n\n"
        "> [!NOTE]\n> Quoted text.\n>\n> \u200b\t引用。\n\n"
        "- Item one\n- 第一项\n- Item two\n- 第二项\n\n"
        "1. Step one\n\n   \u200b\t第一步\n\n   ```console\n   $ run\n   ```\n\nUntouched.\n"
    )


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(corpus_pages() or [None]))
def test_bilingual_corpus_pages_keep_every_source_block(path):
    if path is None:
        pytest.skip("corpus not present")
    page = parse_page(path.read_text(encoding="utf-8"), str(path.relative_to(DOCKER_DOCS)))
    built = splice(page, pseudo(page), BuildOptions(mode="bilingual"))
    body_at = page.front_matter.span.end if page.front_matter else 0
    out = built.data.decode("utf-8")
    out_fm = frontmatter.split(out, "p.md")
    it = iter(block_signature(out[out_fm.span.end if out_fm else 0 :]).split("\n"))
    assert all(any(x == y for y in it) for x in block_signature(page.text[body_at:]).split("\n"))
    assert not built.problems and built.translated == built.total


def test_a_page_without_front_matter_gets_none_added_for_cjk():
    page = parse_page("# Snippet\n\nText.\n", "source/includes/snippet.md")
    built = splice(page, {}, BuildOptions(cjk=True)).data.decode()
    assert built == "# Snippet\n\nText.\n"


def test_translated_setext_heading_keeps_the_english_anchor():
    page = parse_page("Big title\n=========\n\nText.\n", "source/p.md")
    built = splice(page, {(None, "Big title"): Translation("大标题", False)}, BuildOptions()).data.decode()
    assert built == "大标题 {#big-title}\n=========\n\nText.\n"


# -- verifying without a second parse ---------------------------------------------


@pytest.mark.parametrize(
    "msgstr",
    ["容器", "Run the image", "`docker run` 启动", "**注意**：先登录", "[链接](https://x.y) 见此", "![图](a.png)",
     "第一行\n第二行", "é accent", "``a`` code"],
)
def test_text_starting_every_line_with_a_letter_is_inert(msgstr):
    assert inert(msgstr)


@pytest.mark.parametrize(
    "msgstr",
    ["# 标题", "- 项", "* 项", "+ 项", "1. 步骤", "> 引用", "```", "~~~", "<div>", "    代码", " 前导空格", "\t制表",
     "=== ", "--- ", "***", "**", "** 粗", "_x_", "a | b", "a\\", "[a]: /url", "\"标题\"", "'标题'", "(标题)",
     "一\n\n二", "一\n# 二", "一\r二", "\u3000全角空格", "", "{{< x >}}", "`" * 3 + "sh"],
)
def test_text_that_could_open_or_split_a_block_is_not_inert(msgstr):
    assert not inert(msgstr)


INERT_LINE = st.tuples(
    st.sampled_from(["a", "Z", "容", "é", "!", "[", "`", "``", "```", "**", "**b", "* ", "#", "1.", "-", ">", "(", '"',
                     "'", " ", "\t", "<", "=", "|", "{", "\u3000", "]:", "\\", ""]),
    st.text(alphabet="ab 容*_`#>-+=|[]():!<\\~1.\t\"'", max_size=10),
).map("".join)
MSGSTRS = st.lists(INERT_LINE, min_size=1, max_size=3).map("\n".join)


def _only_inert(page, data) -> dict:
    drawn = {(u.msgctxt, u.msgid): data.draw(MSGSTRS) for u in page.units}
    return {k: Translation(v, False) for k, v in drawn.items() if v and inert(v) and "|" not in k[1]}


def _structure_kept(page, lookup, monkeypatch):
    """Splice with inert translations only: no second parse, and the structure a second parse would find."""
    calls = []
    monkeypatch.setattr(rebuild, "block_signature", lambda body: calls.append(body) or block_signature(body))
    built = splice(page, lookup, BuildOptions(heading_ids=False))
    assert calls == [] and not built.problems
    out = built.data.decode("utf-8").removeprefix("\ufeff")
    fm = frontmatter.split(out, page.path)
    assert block_signature(out[fm.span.end if fm else 0 :]) == page.structure


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents(), data=st.data())
def test_inert_translations_keep_the_structure_of_any_document(text, data, monkeypatch):
    page = parse_page(text.removeprefix("\ufeff"), "p.md")
    _structure_kept(page, _only_inert(page, data), monkeypatch)


ALL_CORPUS = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(ALL_CORPUS or [None]), data=st.data())
def test_inert_translations_keep_the_structure_of_real_pages(path, data, monkeypatch):
    if path is None:
        pytest.skip("corpus not present")
    page = parse_page(path.read_text(encoding="utf-8"), str(path))
    _structure_kept(page, _only_inert(page, data), monkeypatch)


def test_one_translation_that_is_not_inert_is_verified_and_kept_out(monkeypatch):
    page = parse_page("Intro text.\n\nSecond paragraph.\n", "p.md")
    calls = []
    monkeypatch.setattr(rebuild, "block_signature", lambda body: calls.append(body) or block_signature(body))
    built = splice(page, lookup({"Intro text.": "介绍。", "Second paragraph.": "# 第二段"}), BuildOptions())
    assert calls, "a translation starting with # is parsed again"
    assert built.data.decode() == "介绍。\n\nSecond paragraph.\n"
    assert [p.line for p in built.problems] == [3]


def test_replacing_text_that_held_a_pipe_is_verified():
    page = parse_page("docker \\|\n---\n", "p.md")  # the escaped pipe is what makes this line a table header
    built = splice(page, lookup({"docker \\|": "容器"}), BuildOptions(heading_ids=False))
    assert built.data.decode() == "docker \\|\n---\n"
    assert [p.message for p in built.problems] == ["unit kept in source language: translation changes the page structure"]
