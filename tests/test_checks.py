"""Tests for checks.py: each check fires on a mistake and stays quiet on a good
translation; real Chinese translations from the before80 corpus give no errors."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import helpers

from docl10n.checks import (
    _CJK_LATIN,
    _CJK_RUN,
    _FIRST_LINE,
    _NEXT_LINE,
    _URL,
    CHECKS,
    Check,
    CheckOptions,
    Finding,
    _blocks,
    _both_plain,
    _inline_tokens,
    _link_destination,
    _markdown_it,
    _parse,
    _Parsed,
    _plain_inline,
    check_message,
    errors,
    fuzzy_finding,
)

ZH = CheckOptions(locale="zh_CN")
HEADING = CheckOptions(locale="zh_CN", inline=True, kind="heading")
CELL = CheckOptions(locale="zh_CN", inline=True, kind="table cell")
CORPUS = Path("/work/shared/corpus/before80-zh/content")


def fired(msgid: str, msgstr: str, options: CheckOptions = ZH) -> set[str]:
    return {f.check for f in check_message(msgid, msgstr, options)}


def messages(msgid: str, msgstr: str, options: CheckOptions = ZH) -> list[str]:
    return [f.message for f in check_message(msgid, msgstr, options)]


# (check, msgid, msgstr, options): the check must report something.
MUST_FIRE = [
    ("inline-code", "Run `docker run` now.", "现在运行 docker run。", ZH),
    ("inline-code", "Use `docker ps`.", "使用 `docker  ps`。", ZH),
    ("inline-code", "Type ``a`b`` here.", "在这里输入 `a`b`。", ZH),
    ("inline-code", "Set `A` and `B`.", "设置 `A`。", ZH),
    ("backticks", "Run `docker run` now.", "现在运行 `docker run 命令。", ZH),
    ("backticks", "Run ``docker run`` now.", "运行 ``docker run` 命令。", ZH),
    ("links", "See [docs](https://x).", "见[文档](https://y)。", ZH),
    ("links", "See [docs](https://x).", "见文档。", ZH),
    ("links", "See [docs](https://x).", "见[文档] (https://x)。", ZH),
    ("links", "![A diagram](a.png)", "![示意图](b.png)", ZH),
    ("links", "Visit <https://a.example>.", "访问 <https://b.example>。", ZH),
    ("links", "Read the docs.", "阅读[文档](https://example.com)。", ZH),
    ("links", '[a]({{< ref "/x" >}}#y)', '[甲]({{< ref "/x" >}}#z)', ZH),
    ("links", '<a href="/x">a</a>', '<a href="/y">甲</a>', ZH),
    ("reference-links", "See [the guide][guide].", "见[指南][指南]。", ZH),
    ("reference-links", "See [Docker Hub].", "见 [Docker 中心]。", ZH),
    ("reference-links", "[!NOTE]", "[!注意]", ZH),
    ("shortcodes", 'Use {{< ref "/a" >}} here.', 'Use {{< ref "/b" >}}。', ZH),
    ("shortcodes", "{{% param example_url %}} is it.", "就是它。", ZH),
    ("shortcodes", "Plain.", "纯文本 {{< include file=x >}}。", ZH),
    ("html", "Press Enter.", "按 <kbd>Enter</kbd>。", ZH),
    ("html", "Press Enter.", "按 Enter<br>。", ZH),
    ("html", "Press Enter.", "按 Enter <!-- 注释 -->。", ZH),
    ("block-syntax", "Heading text", "# 标题", ZH),
    ("block-syntax", "First line", "第一行\n## 标题", ZH),
    ("block-syntax", "Item", "- 项", ZH),
    ("block-syntax", "Item", "* 项", ZH),
    ("block-syntax", "Item", "+ 项", ZH),
    ("block-syntax", "Item", "1. 项", ZH),
    ("block-syntax", "Item", "1) 项", ZH),
    ("block-syntax", "Text", "文本\n1. 项", ZH),
    ("block-syntax", "Quote", "> 引用", ZH),
    ("block-syntax", "Text", "文本\n> 引用", ZH),
    ("block-syntax", "Text", "文本\n```", ZH),
    ("block-syntax", "Text", "~~~", ZH),
    ("block-syntax", "Text", "---", ZH),
    ("block-syntax", "Text", "* * *", ZH),
    ("block-syntax", "Text", "文本\n***", ZH),
    ("block-syntax", "Text", "文本\n===", ZH),
    ("block-syntax", "Text", "文本\n---", ZH),
    ("block-syntax", "Text", "文本\n| --- | --- |", ZH),
    ("block-syntax", "Text", "<div>文本</div>", ZH),
    ("block-syntax", "Text", "文本\n<!-- 注释 -->", ZH),
    ("block-syntax", "Text", "    缩进的代码", ZH),
    ("block-syntax", "Text", "\t缩进的代码", ZH),
    ("block-syntax", "Text", "[foo]: /url", ZH),
    ("block-syntax", "A or B", "A 或 | B", CELL),
    ("emphasis", "Select **Run**.", "选择**运行。", ZH),
    ("emphasis", "Click **Search** button.", "点击**“搜索”**按钮。", ZH),
    ("emphasis", "An _important_ step.", "一个_重要_步骤。", ZH),
    ("emphasis", "An *important* step.", "一个 *重要 步骤。", ZH),
    ("emphasis", "Use **bold**, or a * star.", "使用**粗体，或一个 * 星号。", ZH),  # a literal * is not a **
    ("heading-id", "Install {#install}", "安装", HEADING),
    ("heading-id", "Install {#install}", "安装 {#anzhuang}", HEADING),
    ("heading-id", "Install", "安装 {#install}", HEADING),
    ("heading-id", "Install {#install}", "{#install} 安装", HEADING),
    ("newline", "What is a container?", "什么是\n容器？", HEADING),
    ("newline", "A cell", "一个\r\n单元格", CELL),
    ("untranslated", "Docker Desktop overview", "Docker Desktop overview", ZH),
    ("whitespace", "Hello ", "你好", ZH),
    ("whitespace", "Hello", " 你好", ZH),
    ("cjk-spacing", "Using Docker", "使用Docker", ZH),
    ("cjk-spacing", "Docker is", "Docker是", ZH),
    ("cjk-spacing", "3 containers", "3个容器", ZH),
    ("cjk-spacing", "Using Docker", "Dockerを使う", CheckOptions(locale="ja")),
    ("cjk-spacing", "Using Docker", "使用Docker", CheckOptions(locale="zh_TW")),
    ("cjk-spacing", "Using Docker", "使用Docker", CheckOptions(locale="en", cjk_spacing=True)),
    ("cjk-spacing", "Select **Docker**", "选择**Docker**桌面", ZH),
]

# (msgid, msgstr, options): no finding at all (warnings included).
MUST_NOT_FIRE = [
    ("** For Grafana only.**", "（** 仅适用于 Grafana。**）", ZH),  # markers the source shows as text too
    ("** For Grafana only.**", "‹** For Grafana only.**›", ZH),
    ("Run `docker run` now.", "现在运行 `docker run`。", ZH),
    ("`custom_checkbox`{ #custom-checkbox }", "‹`custom_checkbox`{ #custom-checkbox }›", ZH),  # a paragraph: text
    ("Set `A` and `B`.", "设置 `B` 和 `A`。", ZH),
    ("Use `` `x` ``.", "使用 `` `x` ``。", ZH),
    ("Use ` x ` here.", "在这里使用 ` x `。", ZH),
    ("the docker run command", "`docker run` 命令", ZH),
    ("It is a ` char.", "这是一个 ` 字符。", ZH),
    ("Type \\` to quote.", "输入 \\` 来引用。", ZH),
    ("See [docs](https://x).", "见[文档](https://x)。", ZH),
    ('See [docs](/x "The title").', '见[文档](/x "标题")。', ZH),
    ("[a](/1) and [b](/2)", "[乙](/2) 和 [甲](/1)", ZH),
    ("Visit <https://a.example>.", "访问 <https://a.example>。", ZH),
    ('[a]({{< ref "/x" >}}) it', '[甲]({{<ref "/x">}}) 它', ZH),
    ("![A diagram](a.png)", "![示意图](a.png)", ZH),
    ("See [the guide][guide].", "见[指南][Guide]。", ZH),
    ("See [Docker Hub][].", "见 [docker hub]。", ZH),
    ("See [Docker Hub].", "见 [Docker 中心][Docker Hub]。", ZH),
    ('{{% param "example_url" %}} is it.', '就是 {{% param "example_url" %}}。', ZH),
    ("Press <kbd>Enter</kbd>.", "按 <kbd>Enter</kbd> 键。", ZH),
    ('<abbr title="Software">SDK</abbr>', '<abbr title="软件">SDK</abbr>', ZH),
    ("Add a `<script>` tag.", "添加一个 `<script>` 标签。", ZH),
    ("<iframe src=https://x></iframe> video", "<iframe src=https://x></iframe> 视频", ZH),
    ("Avoid the javascript: scheme.", "避免使用 javascript: 协议。", ZH),
    ("Issue #1 is open.", "问题 #1 仍未解决。", ZH),
    ("Version 1.5 is out.", "1.5 版本已发布。", ZH),
    ("C# and F#", "C# 和 F#", ZH),
    ("First line", "第一行\n第二行", ZH),
    ("Text", "文本\n2. 项", ZH),
    ("Text", "文本\n    缩进", ZH),
    ("# of items", "# 项目数", HEADING),
    ("A \\| B", "A \\| B 乙", CELL),
    ("Select **Run**.", "选择 **运行**。", ZH),
    ("Select **Run** to start.", "选择**运行**启动。", ZH),
    ("- Self-contained.", "**自包含**。每个容器", ZH),
    ("Multiply 2 * 3.", "计算 2 * 3。", ZH),
    ("Set my_var here.", "在这里设置 my_var。", ZH),
    ("Select **Run**.", "选择运行。", ZH),
    ("Install {#install}", "安装 {#install}", HEADING),
    ("Install {#install}", "安装{#install}", HEADING),
    ("What is a container?", "什么是容器？", HEADING),
    ("Docker", "Docker", ZH),
    ("`docker run`", "`docker run`", ZH),
    ("Docker Desktop overview", "Docker Desktop overview", CheckOptions(locale="en_GB")),
    ("Docker Desktop overview", "Docker Desktop overview", CheckOptions()),
    ("Hello ", "你好 ", ZH),
    ("Using Docker", "使用 Docker", ZH),
    ("Using Docker", "使用`docker`命令", ZH),
    ("Visit [http://localhost:8080](https://localhost:8080/)",
     "访问 [http://localhost:8080](https://localhost:8080/)", ZH),
    ("Visit it", "访问https://docs.docker.com即可", ZH),
    ("Containers (VMs)", "容器（VM）与虚拟机", ZH),
    ("Using Docker", "使用Docker", CheckOptions(locale="de")),
    ("Using Docker", "Docker를 사용", CheckOptions(locale="ko")),
    ("Using Docker", "使用Docker", CheckOptions(locale="zh_CN", cjk_spacing=False)),
    ("Anything", "", ZH),
]

UNSAFE = [
    "<script>alert(1)</script>",
    "<SCRIPT>alert(1)</SCRIPT>",
    "<ScRiPt src=//x.example></ScRiPt>",
    "<iframe src=https://x.example></iframe>",
    "<object data=x></object>",
    "<embed src=x>",
    "<style>body { display: none }</style>",
    '<a href="#" onclick="steal()">点击</a>',
    "<img src=x OnError=steal()>",
    "<img/onerror=steal() src=x>",
    "[点击](javascript:alert(1))",
    "[点击](JavaScript:alert(1))",
    "[点击](&#106;avascript:alert(1))",
    "[点击](java&#x09;script:alert(1))",
    "[点击](vbscript:msgbox)",
    "![图](data:image/svg+xml;base64,PHN2Zz4=)",
    "<javascript:alert(1)>",
    '<a href="&#x6A;avascript:alert(1)">点击</a>',
    "<a href='jav\tascript:alert(1)'>点击</a>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


@pytest.mark.parametrize("check,msgid,msgstr,options", MUST_FIRE,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(MUST_FIRE)])
def test_check_fires(check, msgid, msgstr, options):
    assert check in fired(msgid, msgstr, options)


@pytest.mark.parametrize("msgid,msgstr,options", MUST_NOT_FIRE,
                         ids=[f"quiet-{i}" for i in range(len(MUST_NOT_FIRE))])
def test_check_quiet(msgid, msgstr, options):
    assert check_message(msgid, msgstr, options) == []


@pytest.mark.parametrize("msgstr", UNSAFE)
def test_unsafe_markup_is_an_error(msgstr):
    found = errors("Click here.", msgstr, ZH)
    assert "unsafe" in {f.check for f in found}


def test_every_check_has_a_firing_case():
    names = {c.name for c in CHECKS if c.func is not None}
    assert names - {"unsafe"} <= {c[0] for c in MUST_FIRE}


def test_messages_speak_to_translators():
    assert messages("Run `docker run` now.", "现在运行。") == [
        "inline code `docker run` missing from translation"]
    assert messages("See [it](https://x).", "见[它](https://y)。") == [
        "link destination https://x changed to https://y"]
    assert messages("Type ``a`b``.", "输入 `ab`。") == ["inline code ``a`b`` changed to `ab`"]
    assert messages("Use {{< ref a >}}.", "用。") == ["shortcode {{< ref a >}} missing from translation"]
    assert messages("Item", "- 项") == ["the translation would start a list item: “- 项”"]
    assert messages("Item", "项\n# 标") == ["line 2 of the translation would start a heading: “# 标”"]
    assert messages("Intro {#intro}", "介绍", HEADING) == [
        "heading id {#intro} missing from the end of the translation"]
    assert messages("Click", "点击<script>x()</script>") == ["unsafe markup in translation: <script>"]
    (cjk,) = messages("Using Docker 3 times", "使用Docker 3次")
    assert "使用Docker → 使用 Docker" in cjk and "3次 → 3 次" in cjk
    (emphasis,) = messages("Click **Search** now", "点击**“搜索”**按钮")
    assert emphasis.startswith("emphasis marker ** near") and "space" in emphasis


def test_inline_units_report_a_line_break_not_block_syntax():
    options = CheckOptions(locale="zh_CN", inline=True, kind="front matter title")
    assert fired("Text", "文本\n- 项", options) == {"newline"}


def test_shortcode_link_lost_is_reported_once():
    found = check_message('See [x]({{< ref "/a" >}}).', "见 x。", ZH)
    assert [f.check for f in found] == ["shortcodes"]


def test_changed_ref_shortcode_in_link_is_reported_once():
    found = check_message('[x]({{< ref "/a" >}})', '[甲]({{< ref "/b" >}})', ZH)
    assert [f.check for f in found] == ["shortcodes"]


def test_errors_returns_only_errors():
    msgid, msgstr = "Run `docker run` with Docker now ", "现在用Docker运行"
    assert {f.severity for f in check_message(msgid, msgstr, ZH)} == {"error", "warning"}
    found = errors(msgid, msgstr, ZH)
    assert found and all(f.severity == "error" for f in found)


def test_registry():
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    for c in CHECKS:
        assert isinstance(c, Check) and c.severity in ("error", "warning")
        assert c.description and "\n" not in c.description
    assert {"inline-code", "links", "shortcodes", "unsafe", "block-syntax", "emphasis",
            "heading-id", "newline", "untranslated", "whitespace", "cjk-spacing",
            "fuzzy"} <= set(names)


def test_fuzzy_finding():
    assert fuzzy_finding("New text", "Old text") == Finding(
        "fuzzy", "warning", "fuzzy: source changed since translation")
    for previous in (None, "New text"):  # from memory or an import: nothing says the source changed
        assert fuzzy_finding("New text", previous) == Finding("fuzzy", "warning", "fuzzy: needs review (no previous msgid)")


@pytest.mark.parametrize("locale,expected", [
    ("zh_CN", True), ("zh", True), ("zh_TW", True), ("zh-Hant-HK", True), ("zh_Hans_SG", True),
    ("ja", True), ("ja_JP", True), ("yue", True),
    ("ko", False), ("ko_KR", False), ("en", False), ("de_DE", False), ("", False),
    ("not a locale", False),
])
def test_cjk_spacing_follows_locale_script(locale, expected):
    assert CheckOptions(locale=locale).wants_cjk_spacing is expected


# --- the real corpus: bilingual before80 pages ---------------------------------------

def bilingual_pairs(path: Path) -> list[tuple[str, str]]:
    """English paragraph + following U+200B-tab Chinese paragraph, and list items
    written as an English item followed by its Chinese item."""
    text = path.read_text(encoding="utf-8").split("+++", 2)[-1]
    blocks, current, fenced = [], [], False
    for line in re.split(r"\r\n|\r|\n", text):
        if line.strip().startswith(("```", "~~~")):
            fenced, current = not fenced, []
        elif not fenced and line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(current)
            current = []
    blocks.append(current)
    pairs = []
    for a, b in pairwise(blocks):
        if b and b[0].startswith("\u200b") and not re.match(r"[\u200b#>|{!<*-]|\d+\.", a[0]):
            pairs.append((" ".join(a), " ".join(b).lstrip("\u200b\t ")))
        items = [line[2:] for line in a if line.startswith("- ")]
        for en, zh in pairwise(items):
            if not re.search("[\u4e00-\u9fff]", en) and re.match("(\\*\\*)?[\u4e00-\u9fff]", zh):
                pairs.append((en, zh))
    return pairs


GOOD_PAGES = [
    "get-started/Dockerconcepts/Thebasics/Whatisacontainer.md",
    "get-started/Dockerconcepts/Thebasics/Whatisanimage.md",
    "get-started/Dockerconcepts/Thebasics/Whatisaregistry.md",
    "get-started/Dockerconcepts/Thebasics/WhatisDockerCompose.md",
    "get-started/Dockerworkshop/Part4PersisttheDB.md",
]

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")


@needs_corpus
def test_real_translations_have_no_errors():
    pairs = [p for page in GOOD_PAGES for p in bilingual_pairs(CORPUS / page)]
    assert len(pairs) >= 50
    assert any("**" in zh for _, zh in pairs) and any("`" in zh for _, zh in pairs)
    assert any("{{<" in zh for _, zh in pairs)
    bad = [(en, zh, errors(en, zh, ZH)) for en, zh in pairs if errors(en, zh, ZH)]
    assert bad == []


@needs_corpus
@pytest.mark.parametrize("page,fragment,check", [
    # The translator dropped two links of the source.
    ("manuals/DockerBuild/Cache/Cachestoragebackends/_index.md", "containerd 图像存储", "shortcodes"),
    # `Permission Denied` was translated inside the code span's place.
    ("manuals/DockerEngine/Security/SeccompsecurityprofilesforDocker.md", "权限被拒绝", "inline-code"),
    # `deb` became `.deb`.
    ("manuals/DockerEngine/Install/Ubuntu.md", "`.deb`", "inline-code"),
    # The mirror pointed a docs.docker.com link at its own page.
    ("manuals/DockerEngine/Networking/Networkdrivers/Bridgenetworkdriver.md", "断开它们的连接", "links"),
])
def test_real_translator_mistakes_are_caught(page, fragment, check):
    (en, zh), = [(en, zh) for en, zh in bilingual_pairs(CORPUS / page) if fragment in zh]
    assert check in {f.check for f in errors(en, zh, ZH)}


# --- properties ----------------------------------------------------------------------

PIECES = st.sampled_from(list("`*_[]()<>{}#%!\\|-=~+.:/\"' \n\r\t&;1aZ使用ド") + [
    "{{<", ">}}", "{{%", "%}}", "```", "**", "](", "<script>", "javascript:", "&#106;",
    "{#id}", "<b>", "</b>", "[x]", "    ", "\u200b", "\U000f0000"])
MARKDOWNISH = st.one_of(st.text(), st.lists(PIECES, max_size=40).map("".join))
OPTIONS = st.builds(CheckOptions, locale=st.sampled_from(["zh_CN", "ja", "de", "", "xx-yy"]),
                    inline=st.booleans(),
                    kind=st.sampled_from(["paragraph", "heading", "table cell", "front matter title"]))


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH, MARKDOWNISH, OPTIONS)
def test_never_raises(msgid, msgstr, options):
    for finding in check_message(msgid, msgstr, options):
        assert finding.severity in ("error", "warning") and finding.message


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH, OPTIONS)
def test_identical_translation_has_no_errors(msgid, options):
    assert errors(msgid, msgid, options) == []


def test_brackets_inside_code_are_not_a_reference_label():
    found = errors("Use `a[0]` here.", "在此用 `a[1]`。", CheckOptions(locale="zh_CN"))
    assert [f.check for f in found] == ["inline-code"]  # once, not also "reference link [0] missing"


def test_a_label_made_of_code_is_still_a_label():
    msgid = "Run [`docker init`] first."
    assert [f.check for f in errors(msgid, "先运行 `docker init`。", CheckOptions(locale="zh_CN"))] == ["reference-links"]
    assert not errors(msgid, "先运行 [`docker init`]。", CheckOptions(locale="zh_CN"))


def test_reference_label_may_wrap_across_lines_in_the_translation():
    msgid = "See the [installation guide][install guide] first."
    assert not errors(msgid, "先阅读[安装指南][install\nguide]。", CheckOptions(locale="zh_CN"))


# Without [ < & * _ outside code spans, nor any [ (shortcodes aside), the token walk is
# skipped: it must find nothing there.
# Mostly plain pieces, and a few of the markup ones, so both paths are taken.
PLAIN_PIECES = st.sampled_from(list("`]>\\|#-=~+.:/!()\"' \n\r\t1aZ使用ド{}%") + [
    "```", "{{< ref x >}}", "{{% param y %}}", "{{<", "{#id}", "    ", "1. ", "> ", "javascript:",
    "_", "*", "&lt;script&gt;", "[x]", "](", "<b>", "`a_b`", "`<b>`", "`*`", "`[x]`", "\\`", "`&amp;`", "``"])


@settings(max_examples=400, deadline=None)
@given(st.one_of(MARKDOWNISH, st.lists(PLAIN_PIECES, max_size=40).map("".join)))
@example("*a `b`")
@example("`b`_a")
@example("`a` `b`&lt;script&gt;")
@example("`<b>` `[x]`")
def test_markup_short_cut_finds_what_the_token_walk_finds(text):
    parsed = _Parsed(text)
    assert (parsed.dests, parsed.tags, parsed.unsafe, parsed.stray, parsed.labels) == parsed._walk()[:5]


# Plain text, code and links, often in the plainest form the short cut reads, with now
# and then something that takes it off (a space or parenthesis in a destination, an image,
# emphasis, an escape, an entity, a tag, a shortcode inside a link).
LINKISH_PIECES = st.sampled_from(list("[]()`!<>*_\\&;: .#/?=-\n\"'aZ使ド") + [
    "[the guide](guide.md)", "[a](b)", "[使用](https://docs.docker.com/x_y?a=1&amp;b=2#z)", "[x](y z)",
    "[x](<y>)", "[x]( y)", "[x](y \"t\")", "[x]()", "[](y)", "![i](p.png)", "`docker run`", "`a[0]`",
    "`` ` ``", "`[x](y)`", "{{< ref \"a.md\" >}}", "[t]({{< ref \"a.md\" >}})", "[t](javascript:alert)",
    "[t](%6A)", "&amp;", "\\[", "*", "**b**", "_i_", "[x]", "[x][y]", "[`c`](d)", "[a\nb](c)", "\u2028",
    "**", "__", "***", "a_b", "**`c`**", "*a*", "_a_", " ", " ", "x", ".", "。", "(", ")", "\u00a0", "\x00", "\r",
    "![`c`](d)", "![a b](c.png?x)", "!", "!![i](p)", "[a `b` c](d)", "[`a]`](b)", "[a `b](c)` d", "![](e)"])


@settings(max_examples=500, deadline=None)
@given(st.lists(LINKISH_PIECES, max_size=25).map("".join))
@example("See [the guide](guide.md) and `docker run`.")
@example("a [x](y)`z` [p](q)")
@example("![x](y) [a](b)")
@example("[a](b`c`)")
@example("[t](x)!")
@example("`a`**b**")
@example("**a**`b`")
@example("_a_b_")
@example("a\x00b [x](y)")
@example("Use [`docker run`](run.md) and ![a shot](x.webp?border).")
@example("**![i](p)**")
@example("*[`a`](b)*")
def test_the_plain_inline_short_cut_reads_what_the_token_walk_finds(text):
    parsed = _Parsed(text)
    found = _plain_inline(parsed.masked, parsed.spans, parsed._unmask)
    if found is not None:
        assert found == parsed._token_walk()


def test_the_plain_inline_short_cut_takes_plain_links_code_and_emphasis():
    for text in ("See [the guide](guide.md) and `docker run`.", "[a](b) [c](https://x.y/z_w?a=1&b=2)", "no markup",
                 "**b** [a](b)", "Run **`docker init`** *now*.", "__a__, _b_ and [c](d_e)", "![i](p.png)",
                 "Use [`docker run`](run.md) and [the `-d` flag](run.md#d).", "See![a shot](x.webp?border) here"):
        parsed = _Parsed(text)
        assert _plain_inline(parsed.masked, parsed.spans, parsed._unmask) == parsed._token_walk()
    for text in ("![`i`](p.png)", "[x](y z)", "[x][y]", "a &amp; [b](c)", "[a](b)\nc",  # not plain
                 "5 * 3", "snake_case", "***a***", "**a*", "**[a](b)**", "a**b**c", "*a **b** c*"):  # not simple
        parsed = _Parsed(text)
        assert _plain_inline(parsed.masked, parsed.spans, parsed._unmask) is None


# Runs of * and _ that pair (or nearly: a third delimiter, a run left open), with text,
# code, punctuation and spaces of several kinds on either side of each run.
_EMPHASIS_INNER = st.lists(st.sampled_from(["a", "b", " ", ".", "`c`", "中", "(", ")", "-", "1", "é", "\u00a0", "!"]),
                           max_size=4).map("".join)
_DELIM = st.sampled_from(["*", "**", "_", "__", "***"])
_EMPHASIS = st.tuples(_DELIM, _EMPHASIS_INNER, st.one_of(st.none(), _DELIM)).map(lambda t: t[0] + t[1] + (t[2] or t[0]))
_SEGMENT = st.one_of(_EMPHASIS, st.sampled_from(["word", "`code`", "[a](b_c)", "x_y", "5 * 3", "a", ""]))
_SEPARATOR = st.sampled_from([" ", "", ".", "(", ")", "。", "\u00a0", "-", "x", "`", "中", ", "])


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_SEGMENT, _SEPARATOR), max_size=6).map(lambda xs: "".join(a + b for a, b in xs)))
def test_the_plain_inline_short_cut_pairs_emphasis_as_markdown_it_does(text):
    parsed = _Parsed(text)
    found = _plain_inline(parsed.masked, parsed.spans, parsed._unmask)
    if found is not None:
        assert found == parsed._token_walk()


LINE_PIECES = st.sampled_from(list(" #`~><*-_+19.)[]:=|\ta") + [
    "<div", "<DIV", "<!--", "<script", "</p>", "```", "~~~", "    ", "0001.", "\n", "\r\n"])


@settings(max_examples=400, deadline=None)
@given(st.lists(LINE_PIECES, max_size=20).map("".join))
def test_one_regex_per_line_finds_the_first_construct_in_order(text):
    expected = []
    for i, line in enumerate(re.split(r"\r\n|\r|\n", text)):
        found = next((c for c, p in (_NEXT_LINE if i else _FIRST_LINE) if p.match(line)), None)
        if found:
            expected.append((i, found, line))
    assert _blocks(text) == tuple(expected)


INLINE_PIECES = st.sampled_from(list("`*_[]()<>!\\&#;:/-~{}=+$%@^ \n\r\0\taZ使") + [
    "](", "![", "[x](y)", "a![x](y)", "[x][y]", "<a href='x'>", "</a>", "<https://x.y>", "&amp;", "&#106;", "**", "__", "  \n", "\\\n"])


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(INLINE_PIECES, max_size=40).map("".join)))
def test_inline_tokens_are_those_of_the_stock_parser(text):
    stock = _markdown_it().parseInline(text)[0].children
    assert [t.as_dict() for t in _inline_tokens(text)] == [t.as_dict() for t in stock]


def every_check_run(msgid: str, msgstr: str, options: CheckOptions) -> list[Finding]:
    """check_message without its short-cuts."""
    src, tr = _parse(msgid), _parse(msgstr)
    return [Finding(c.name, c.severity, message) for c in CHECKS if c.func is not None
            for message in c.func(src, tr, options)] if msgstr else []


# Whole constructs with letters in them, so that translating the letters changes one thing only.
CONSTRUCTS = st.sampled_from(["`a`", "[a](Z)", "![a](Z)", "[a]", "{{< a >}}", "<b>", "**a**", "_a_", "*",
                              " {#a}", " | ", "\n", "\n# a", "\n- a", "\n---", "a ", "Z", "使"])


@st.composite
def near_translations(draw) -> tuple[str, str]:
    """A msgid, and a msgstr that is the same but for one piece, or unrelated."""
    pieces = draw(st.lists(st.one_of(PIECES, CONSTRUCTS, st.text(max_size=4)), max_size=16))
    msgid, i = "".join(pieces), draw(st.integers(0, len(pieces)))
    how = draw(st.sampled_from(["same", "translate one", "drop one", "insert one", "other"]))
    if how == "other":
        return msgid, draw(MARKDOWNISH)
    if how == "insert one":
        pieces.insert(i, draw(st.one_of(PIECES, CONSTRUCTS)))
    elif pieces and how == "translate one":
        pieces[i % len(pieces)] = pieces[i % len(pieces)].translate(str.maketrans("aZ1", "使用二"))
    elif pieces and how == "drop one":
        del pieces[i % len(pieces)]
    return msgid, "".join(pieces)


@settings(max_examples=600, deadline=None)
@given(near_translations(), OPTIONS)
def test_short_cuts_find_what_every_check_finds(pair, options):
    msgid, msgstr = pair
    found = every_check_run(msgid, msgstr, options)
    assert check_message(msgid, msgstr, options) == found
    assert errors(msgid, msgstr, options) == [f for f in found if f.severity == "error"]


# Plain text, and the characters that decide the block a line opens, with now and then one that is markup.
PLAIN_LINES = st.text(alphabet="aZ使 \t#-+*=.)>1234567890!\\\x00|`{[<&_\n\r", max_size=12)


@settings(max_examples=800, deadline=None)
@given(PLAIN_LINES, PLAIN_LINES, OPTIONS)
def test_the_plain_text_short_cut_finds_what_every_check_finds(msgid, msgstr, options):
    found = [f for f in every_check_run(msgid, msgstr, options) if f.severity == "error"]
    assert errors(msgid, msgstr, options) == found
    if _both_plain(msgid, msgstr, options):
        assert not found


def test_the_plain_text_short_cut_leaves_a_line_that_opens_a_block_to_the_checks():
    paragraph = CheckOptions(inline=False, kind="paragraph")
    assert _both_plain("Run it", "运行它", paragraph)
    assert not _both_plain("Run it", "1. 运行它", paragraph)
    assert not _both_plain("# Run it", "# 运行它", paragraph)
    assert _both_plain("Run it", "1. 运行它", CheckOptions(inline=True, kind="heading"))
    assert not _both_plain("Run `it`", "运行 `it`", paragraph)
    assert [f.check for f in errors("Run it", "1. 运行它", paragraph)] == ["block-syntax"]


URLISH = st.lists(st.sampled_from(["http://", "https://x.y", "www.", "WWW.", "mailto:", "ftp://", ":/", "//",
                                   "w", ".", "a", " ", "\n", "`", "[x](https://y)", "<https://z>", "使"]),
                  max_size=20).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(URLISH, MARKDOWNISH))
def test_prose_short_cuts_give_the_token_walk_with_urls_replaced(text):
    assume("\0" not in text)  # markdown-it shows NUL as U+FFFD; plain text keeps it
    parsed = _Parsed(text)
    assert parsed.prose == _URL.sub("\x03", parsed._walk().visible)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="aZ9é ,。中ドㄅ한\U00020000\u3400\uf900", max_size=12))
def test_a_cjk_latin_boundary_needs_a_cjk_letter(text):
    assert _CJK_RUN.search(text) or not _CJK_LATIN.search(text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab:/#?%&;<>()\\ \t\n\x00\x1f\x7f\"'", max_size=20), st.integers(0, 3))
def test_link_destination_is_markdown_its(text, pos):
    ours, theirs = _link_destination(text, pos, len(text)), helpers.parseLinkDestination(text, pos, len(text))
    assert (ours.ok, ours.ok and ours.pos, ours.ok and ours.str) == (theirs.ok, theirs.ok and theirs.pos,
                                                                      theirs.ok and theirs.str)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\x0b\x1c\x85\u00a0\u3000\u200ba使", max_size=6),
       st.text(alphabet=" \t\n\r\x0b\x1c\x85\u00a0\u3000\u200ba使", max_size=6))
def test_whitespace_warning_compares_what_strip_takes_off(msgid, msgstr):
    def ends(s: str) -> tuple[str, str]:
        return s[:len(s) - len(s.lstrip())], s[len(s.rstrip()):]
    warned = {f.message.split()[0] for f in check_message(msgid, msgstr, ZH) if f.check == "whitespace"}
    expected = {where for where, x, y in zip(("leading", "trailing"), ends(msgid), ends(msgstr)) if x != y}
    assert warned == expected if msgstr else not warned
