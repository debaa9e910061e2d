"""Import of existing translations: the mirror's bilingual forms, translated-only
pages, page matching, catalog filling, and the whole corpus end to end."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n import catalog, gettextize, segment
from docl10n import project as projects
from docl10n.model import Docl10nError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"

BEFORE80 = CORPUS / "before80-zh"
ZW = "\u200b\t"


def found(source: str, counterpart: str) -> dict[str, gettextize.Found]:
    src = segment.parse_page(source, "source/page.md")
    cp = segment.parse_page(counterpart, "mirror/page.md")
    return {msgid: f for (_, msgid), f in gettextize.find_translations(src, cp).found.items()}


# -- the bilingual forms, with snippets from before80-zh ------------------------------


def test_paragraph_followed_by_its_translation_with_and_without_lead():
    en1 = "How do you make sure you have the same versions as the other developers on your team?"
    en2 = "Enter containers!"
    zh1 = "如何确保您和团队中的其他开发人员使用的版本是相同的？"
    zh2 = "容器来了！"
    got = found(f"{en1}\n\n{en2}\n", f"{en1}\n\n{ZW}{zh1}\n\n{en2}\n\n{zh2}\n")
    assert got[en1] == gettextize.Found(zh1, False, en1, 3)
    assert got[en2].msgstr == zh2 and not got[en2].fuzzy


def test_headings_holding_both_languages_in_either_order():
    src = "# What is a container?\n\n## The basics\n\n### Containers versus virtual machines (VMs)\n"
    mirror = (
        "# What is a container? - 什么是容器？\n\n## 基础知识 The basics\n\n"
        "### 容器 vs 虚拟机（VM） Containers versus virtual machines (VMs)\n"
    )
    got = found(src, mirror)
    assert got["What is a container?"].msgstr == "什么是容器？"
    assert got["The basics"].msgstr == "基础知识"
    assert got["Containers versus virtual machines (VMs)"].msgstr == "容器 vs 虚拟机（VM）"
    assert not any(f.fuzzy for f in got.values())


def test_list_items_as_pairs_and_with_both_languages_in_one_item():
    src = (
        "- Independent. Each container is independently managed. Deleting one container won't affect any others.\n"
        "\n1. Expand the **Optional settings**.\n"
    )
    mirror = (
        "- Independent. Each container is independently managed. Deleting one container won't affect any others.\n"
        "- **独立**。每个容器都是独立管理的。删除一个容器不会影响其他容器。\n\n"
        "4. Expand the **Optional settings**. 展开 **可选设置**。\n"
    )
    got = found(src, mirror)
    assert got[src.splitlines()[0][2:]].msgstr == "**独立**。每个容器都是独立管理的。删除一个容器不会影响其他容器。"
    assert got["Expand the **Optional settings**."].msgstr == "展开 **可选设置**。"


def test_quotes_and_admonitions():
    body = (
        "If you use secrets or credentials inside your build process, ensure you manipulate them using "
        "the dedicated [`--secret` option](https://docs.docker.com/reference/cli/docker/buildx/build/#secret)."
    )
    src = f"> [!WARNING]\n>\n> {body}\n\n> **Using VMs and containers together**\n"
    mirror = (
        f"> **Warning**\n>\n> {body}\n>\n> {ZW}如果在构建过程中使用了秘密或凭据，请确保使用专用的 "
        "[`--secret` 选项](https://docs.docker.com/reference/cli/docker/buildx/build/#secret) 来处理它们。\n\n"
        "> **Using VMs and containers together** 一起使用虚拟机和容器\n"
    )
    got = found(src, mirror)
    assert got[body].msgstr.startswith("如果在构建过程中") and not got[body].fuzzy
    assert got["**Using VMs and containers together**"].msgstr == "**一起使用虚拟机和容器**"


def test_table_cells_in_either_order_and_a_table_never_pairs_with_its_next_cell():
    src = (
        "| Option | Description |\n| --- | --- |\n"
        "| `acct` | Accounting syscall which could let containers disable their own resource limits. |\n"
        "| `true` | Enable IP masquerading. |\n"
    )
    mirror = (
        "| Option | Description |\n| --- | --- |\n"
        "| `acct` | 记账系统调用，可能允许容器禁用其自身的资源限制。Accounting syscall which could let containers "
        "disable their own resource limits. |\n"
        "| `true` | Enable IP masquerading. 启用 IP 假冒。 |\n"
    )
    got = found(src, mirror)
    assert got["Accounting syscall which could let containers disable their own resource limits."].msgstr == (
        "记账系统调用，可能允许容器禁用其自身的资源限制。"
    )
    assert got["Enable IP masquerading."].msgstr == "启用 IP 假冒。"
    assert "`acct`" not in got and "Option" not in got


def test_chinese_paragraph_starting_with_latin_words_is_not_cut():
    en = "Docker Engine for Ubuntu is compatible with x86_64 (or amd64), armhf, arm64, s390x, and ppc64le."
    zh = "Docker 引擎适用于 x86_64 (或 amd64)、armhf、arm64、s390x 和 ppc64le 架构。"
    assert gettextize.split_block(ZW + zh)[0] == "zh"
    assert found(en + "\n", f"{en}\n\n{ZW}{zh}\n")[en].msgstr == zh


def test_untranslated_english_gets_nothing_and_a_far_block_is_not_its_translation():
    src = "In Windows, run this command in Command Prompt.\n"
    mirror = "   In Windows, run this command in Command Prompt.\n\n```console\n$ dir\n```\n\n\u200b\t完全无关的段落。\n"
    assert found(src, mirror) == {}


# -- near matches and markup ---------------------------------------------------------


def test_changed_english_is_fuzzy_with_the_english_it_translated():
    now = "Isolated. Since containers run in isolation, they have minimal influence on the host and other containers."
    then = "Isolated. Since containers are run in isolation, they have minimal influence on the host and other containers."
    zh = "**隔离**。由于容器在隔离环境中运行，它们对主机和其他容器的影响最小。"
    f = found(f"- {now}\n", f"- {then}\n- {zh}\n")[now]
    assert (f.msgstr, f.fuzzy, f.english) == (zh, True, then)


def test_unrelated_english_is_not_matched():
    src = "Learn about the build cache and how to invalidate it.\n"
    mirror = "Select the Run button to start your container.\n\n\u200b\t选择运行按钮启动容器。\n"
    assert found(src, mirror) == {}


def test_translation_with_other_code_or_link_targets_is_fuzzy():
    en = "Open your CLI terminal and start a container by using the [`docker run`](/reference/cli/docker/run/) command:"
    zh = "打开终端并使用 [`docker run`](https://docs.docker.com/reference/cli/docker/run/) 命令启动容器："
    f = found(en + "\n", f"{en}\n\n{ZW}{zh}\n")[en]
    assert f.fuzzy and f.msgstr == zh and "link:" in f.why
    assert gettextize.markup_differs("Run `a` {{< b >}} [c](d)", "运行 `a` {{< b >}} [丙](d)") == ""
    assert gettextize.markup_differs("Run `a`", "运行 a") == "missing code:a"


# -- translated-only pages --------------------------------------------------------------


SOURCE_ONLY = """---
title: What is an image?
---

## Explanation

Seeing as a container is an isolated process, where does it get its files?

- Images are immutable.
- Container images are composed of layers.
"""


# -- the English kept in comments, as Kubernetes' localizations keep it ----------------

K8S_SOURCE = """---
title: Assign Extended Resources to a Container
weight: 70
---

This page shows how to assign extended resources to a Container.

## Assign an extended resource to a Pod

To request an extended resource, include the `resources:requests` field.

1. Create a Pod:

   Run the command below.

Read [Advertise Extended Resources](/docs/tasks/extended-resource-node/) next.
"""

K8S_ZH = """---
title: 为容器分派扩展资源
weight: 70
---
<!--
---
title: Assign Extended Resources to a Container
weight: 70
---
-->

<!--
This page shows how to assign extended resources to a container.
-->
本文介绍如何为容器指定扩展资源。

<!--
## Assign an extended resource to a Pod

To request an extended resource, include the `resources:requests` field.
-->
## 给 Pod 分派扩展资源

要请求扩展资源，需要在你的容器清单中包括 `resources:requests` 字段。

<!--
1. Create a Pod:
-->
1. 创建 Pod：

   <!--
   Run the command below.
   -->
   运行下面的命令。

<!--
Read [Advertise Extended Resources](/docs/tasks/extended-resource-node/) next.
-->
接下来阅读[为节点广播扩展资源](/zh-cn/docs/tasks/extended-resource-node/)。
"""


def test_english_kept_in_comments_pairs_with_what_follows_each_comment():
    """Equal English is translated; changed English (a capital C upstream) and another link target are fuzzy."""
    got = found(K8S_SOURCE, K8S_ZH)
    exact = {msgid: f.msgstr for msgid, f in got.items() if not f.fuzzy}
    assert exact == {
        "Assign Extended Resources to a Container": "为容器分派扩展资源",
        "Assign an extended resource to a Pod": "给 Pod 分派扩展资源",
        "To request an extended resource, include the `resources:requests` field.":
            "要请求扩展资源，需要在你的容器清单中包括 `resources:requests` 字段。",
        "Create a Pod:": "创建 Pod：",
        "Run the command below.": "运行下面的命令。",
    }
    changed = got["This page shows how to assign extended resources to a Container."]
    assert changed.fuzzy and changed.msgstr == "本文介绍如何为容器指定扩展资源。"
    assert changed.english == "This page shows how to assign extended resources to a container."
    linked = got["Read [Advertise Extended Resources](/docs/tasks/extended-resource-node/) next."]
    assert linked.fuzzy and "link:/zh-cn/docs/tasks/extended-resource-node/" in linked.why
    assert len(got) == 7


def test_a_comment_after_the_front_matter_may_hold_prose_and_one_that_reads_as_no_markdown_is_skipped():
    page = "---\ntitle: 标题\n---\n<!--\nThis page shows things: a colon.\n-->\n本页展示。\n\n<!--\n---\nnot: [yaml\n-->\n第二段。\n"
    got = gettextize.commented_pairs(segment.parse_page(page, "mirror/page.md"))
    assert [(p.en, p.zh) for p in got] == [("This page shows things: a colon.", "本页展示。")]


def test_a_page_with_a_few_english_comments_is_not_read_as_commented():
    """Most blocks follow no comment: a note left for editors does not make the page a commented one."""
    page = "# 标题\n\n<!--\nTODO: say more here.\n-->\n第一段。\n\n第二段。\n\n第三段。\n"
    assert gettextize.commented_pairs(segment.parse_page(page, "mirror/page.md")) == []


def test_translated_only_page_is_aligned_block_by_block_as_fuzzy():
    mirror = """+++
title = "什么是镜像？"
+++

## 解释

既然容器是一个隔离的进程，它从哪里获取文件？

- 镜像是不可变的。
- 容器镜像由层组成。
"""
    got = found(SOURCE_ONLY, mirror)
    assert got["What is an image?"].msgstr == "什么是镜像？"
    assert got["Explanation"].msgstr == "解释"
    assert got["Container images are composed of layers."].msgstr == "容器镜像由层组成。"
    assert all(f.fuzzy and f.why == "aligned by position" for f in got.values())


def alignment(source: str, counterpart: str) -> gettextize.Alignment:
    return gettextize.find_translations(segment.parse_page(source, "source/page.md"), segment.parse_page(counterpart, "mirror/page.md"))


def test_translated_only_page_that_parts_is_paired_where_its_blocks_still_agree():
    """A heading the English no longer has: the blocks around it are still paired, as fuzzy, and a warning says where."""
    mirror = "+++\ntitle = \"什么是镜像？\"\n+++\n\n## 解释\n\n## 多余的标题\n\n- 镜像是不可变的。\n- 容器镜像由层组成。\n"
    got = alignment(SOURCE_ONLY, mirror)
    assert {msgid: f.msgstr for (_, msgid), f in got.found.items()} == {
        "What is an image?": "什么是镜像？", "Explanation": "解释",
        "Images are immutable.": "镜像是不可变的。", "Container images are composed of layers.": "容器镜像由层组成。"}
    assert all(f.fuzzy and f.why == "aligned by structure" for f in got.found.values())
    assert got.problem.severity == "warning" and got.problem.line == 7
    assert got.problem.message.startswith("structure differs from paragraph at line 7 of the source: found a heading")
    assert got.problem.message.endswith("; 3 of 4 blocks paired by kind and markup, as fuzzy")


def test_translated_only_page_missing_a_block_pairs_the_rest():
    mirror = "+++\ntitle = \"什么是镜像？\"\n+++\n\n## 解释\n\n既然容器是一个隔离的进程，它从哪里获取文件？\n\n- 镜像是不可变的。\n"
    got = alignment(SOURCE_ONLY, mirror)
    assert "Container images are composed of layers." not in {msgid for _, msgid in got.found}
    assert got.found[(None, "Images are immutable.")].msgstr == "镜像是不可变的。"
    assert str(got.problem) == ("mirror/page.md:9: 1 fewer blocks than the source; it ends at line 9; "
                                "3 of 4 blocks paired by kind and markup, as fuzzy")


def test_markup_keeps_blocks_of_one_kind_apart():
    """Paragraphs look alike by kind; their code and links tell which is which when one was added upstream."""
    source = "Run `docker ps` first.\n\nA new paragraph, added upstream.\n\nThen see [the guide](/guide/).\n\nAnd `docker rm` it.\n"
    mirror = "先运行 `docker ps`。\n\n然后参阅[指南](/guide/)。\n\n再 `docker rm` 它。\n"
    got = alignment(source, mirror).found
    assert {msgid: f.msgstr for (_, msgid), f in got.items()} == {
        "Run `docker ps` first.": "先运行 `docker ps`。", "Then see [the guide](/guide/).": "然后参阅[指南](/guide/)。",
        "And `docker rm` it.": "再 `docker rm` 它。"}


BLOCKS = st.sampled_from(["Run `a`.", "Run `b`.", "See [x](/x).", "Plain words.", "- An item.", "## A heading"])


@settings(max_examples=150, deadline=None)
@given(st.lists(BLOCKS, min_size=1, max_size=12), st.data())
def test_structure_pairs_keep_order_and_agree_in_kind_and_markup(blocks, data):
    """Whatever was added or dropped: pairs never cross, and each pair agrees in kind and markup."""
    kept = [b for b in blocks if data.draw(st.booleans())] or blocks[:1]
    added = data.draw(st.lists(BLOCKS, max_size=3))
    theirs = kept[:1] + added + kept[1:]
    source = segment.parse_page("\n\n".join(blocks) + "\n", "source/page.md").units
    mirror = segment.parse_page("\n\n".join(theirs) + "\n", "mirror/page.md").units
    pairs = gettextize.align_by_structure(list(source), list(mirror))
    order = [mirror.index(pairs[n]) for n in sorted(pairs)]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert all(gettextize._signature(source[n]) == gettextize._signature(t) for n, t in pairs.items())
    if theirs == blocks:
        assert len(pairs) == len(source)  # nothing changed: everything pairs


def test_translated_only_page_too_far_apart_is_refused_where_it_parts():
    mirror = "+++\ntitle = \"什么是镜像？\"\n+++\n\n- 一。\n- 二。\n- 三。\n"
    with pytest.raises(Docl10nError) as err:
        alignment(SOURCE_ONLY, mirror)
    assert str(err.value) == "mirror/page.md:5: structure differs from heading at line 5 of the source: found a list item"


# -- mixed-block splitting, as a property --------------------------------------------------

english = st.lists(st.sampled_from(["Docker", "runs", "the", "container", "image", "fast", "and", "safe"]), min_size=3, max_size=8)
chinese = st.text(alphabet="容器镜像运行安全快速", min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(english, chinese, st.sampled_from([" ", " - ", "\u3000"]), st.booleans())
def test_a_mixed_block_splits_back_into_its_two_languages(words, zh, gap, zh_first):
    en = " ".join(words)
    text = f"{zh}{gap}{en}" if zh_first else f"{en}{gap}{zh}"
    lang, got_en, got_zh, _ = gettextize.split_block(text)
    assert (lang, got_en, got_zh.strip("\u3000 ")) == ("mixed", en, zh)


# -- finding the counterpart ------------------------------------------------------------


def _config(root: Path) -> projects.Config:
    return projects.Config(root=root, base_url="https://docs.docker.com/", strip_prefixes=("manuals/",))


def _page(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_counterpart_by_url_with_either_colon_then_path_then_title(tmp_path: Path):
    mirror = tmp_path / "mirror"
    _page(mirror / "a/Renamed.md", "> 原文: [https://docs.docker.com/engine/install/](https://docs.docker.com/engine/install/)\n")
    _page(mirror / "b/Other.md", "> 原文：[https://docs.docker.com/get-started/](https://docs.docker.com/get-started/)\n")
    _page(mirror / "Getstarted/Dockerconcepts/_index.md", "> 原文：[]()\n\n# Docker 概念\n")
    _page(mirror / "x/Whatsnew.md", '+++\ntitle = "接下来做什么"\n+++\n\n# 接下来做什么 What\'s next\n')
    config = _config(tmp_path)
    pages = gettextize.counterparts(config, mirror)
    by = {rel: gettextize.match(config, rel, title, pages) for rel, title in [
        ("manuals/engine/install/_index.md", None),
        ("get-started/_index.md", None),
        ("get-started/docker-concepts/_index.md", None),
        ("get-started/introduction/whats-next.md", "What's next"),
        ("get-started/nowhere.md", "Nothing like it"),
    ]}
    assert {k: (v[0].label.split("/", 1)[1], v[1]) if v else None for k, v in by.items()} == {
        "manuals/engine/install/_index.md": ("a/Renamed.md", "url"),
        "get-started/_index.md": ("b/Other.md", "url"),
        "get-started/docker-concepts/_index.md": ("Getstarted/Dockerconcepts/_index.md", "path"),
        "get-started/introduction/whats-next.md": ("x/Whatsnew.md", "title"),
        "get-started/nowhere.md": None,
    }


# -- catalog filling ----------------------------------------------------------------------


def _po(*entries: polib.POEntry) -> polib.POFile:
    po = polib.POFile(wrapwidth=78)
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for e in entries:
        po.append(e)
    return po


def test_fill_keeps_a_translators_work_unless_overwrite():
    po = _po(
        polib.POEntry(msgid="Done", msgstr="完成"),
        polib.POEntry(msgid="Fuzzy", msgstr="旧", flags=["fuzzy"]),
        polib.POEntry(msgid="Empty", msgstr=""),
    )
    found_ = {
        (None, "Done"): catalog.Found("已完成", False, tcomment="imported"),
        (None, "Fuzzy"): catalog.Found("模糊", False),
        (None, "Empty"): catalog.Found("空", True, previous_msgid="Empty!"),
    }
    out, summary = catalog.fill(po, found_)
    got = {e.msgid: (e.msgstr, e.fuzzy, e.previous_msgid) for e in out}
    assert got == {"Done": ("完成", False, None), "Fuzzy": ("模糊", False, None), "Empty": ("空", True, "Empty!")}
    assert (summary.filled, summary.kept) == (2, 1)
    assert po.find("Empty").msgstr == ""  # the input is not changed
    out, _ = catalog.fill(po, found_, overwrite=True)
    assert out.find("Done").msgstr == "已完成" and out.find("Done").tcomment == "imported"


# -- end to end -------------------------------------------------------------------------------


def test_import_needs_templates_and_says_so(project: Path, cli):
    (project / "mirror").mkdir()
    result = cli("import", "-l", "zh_CN", "--from", "mirror", ok=False)
    assert "no templates: run `docl10n extract` first" in result.output


def test_dry_run_writes_nothing_and_import_keeps_existing_translations(project: Path, cli):
    _page(project / "source/get-started/intro.md", "# Enter containers!\n\nHow do you manage potential conflicts?\n")
    _page(project / "mirror/Intro.md", "# 容器来了！ Enter containers!\n\nHow do you manage potential conflicts?\n\n\u200b\t如何管理潜在冲突？\n")
    cli("extract")
    result = cli("import", "-l", "zh_CN", "--from", "mirror", "--dry-run")
    assert "2 units, 2 exact, 0 fuzzy, 0 not found" in result.output
    assert not (project / "locales/zh_CN").exists()
    cli("import", "-l", "zh_CN", "--from", "mirror")
    po_path = project / "locales/zh_CN/get-started/intro.po"
    po = polib.pofile(str(po_path))
    assert po.find("Enter containers!").msgstr == "容器来了！"
    assert po.find("Enter containers!").tcomment == "imported from mirror/Intro.md:1"
    po.find("Enter containers!").msgstr = "进入容器！"
    po.save(str(po_path))
    result = cli("import", "-l", "zh_CN", "--from", "mirror")
    assert "2 kept" in result.output
    assert polib.pofile(str(po_path)).find("Enter containers!").msgstr == "进入容器！"
    cli("import", "-l", "zh_CN", "--from", "mirror", "--overwrite")
    assert polib.pofile(str(po_path)).find("Enter containers!").msgstr == "容器来了！"


def test_refused_page_is_reported_with_its_line_and_others_still_imported(project: Path, cli):
    _page(project / "source/a.md", "# Title\n\nOne paragraph.\n")
    _page(project / "source/b.md", "# Other\n\nSome text here.\n")
    _page(project / "mirror/a.md", "# 标题\n\n- 一个列表项。\n")
    _page(project / "mirror/b.md", "# Other 其他\n")
    cli("extract")
    result = cli("import", "-l", "zh_CN", "--from", "mirror", ok=False)
    assert "mirror/a.md:3: structure differs from paragraph at line 3 of the source: found a list item" in result.output
    assert polib.pofile(str(project / "locales/zh_CN/b.po")).find("Other").msgstr == "其他"


def test_translation_memory_fills_a_new_entry_from_another_page(project: Path, cli):
    _page(project / "source/one.md", "# Try it out\n")
    cli("extract")
    cli("update", "-l", "zh_CN")
    one = project / "locales/zh_CN/one.po"
    po = polib.pofile(str(one))
    po.find("Try it out").msgstr = "试试看"
    po.save(str(one))
    _page(project / "source/two.md", "# Try it out\n\nSomething new.\n")
    cli("extract")
    cli("update", "-l", "zh_CN")
    entry = polib.pofile(str(project / "locales/zh_CN/two.po")).find("Try it out")
    assert (entry.msgstr, entry.fuzzy) == ("试试看", True)
    assert entry.tcomment == "translation memory: locales/zh_CN/one.po"


HAN = re.compile(r"[\u4e00-\u9fff]")
GAP = re.compile(r"^[\s>*+\-\d.)\u200b]*$")
CODE = re.compile(r"`[^`]*`")


def _norm(text: str) -> str:
    return " ".join(text.replace("\u200b", " ").split())


def _translated_in_counterpart(msgid: str, page) -> bool:
    """The msgid's English is in the counterpart with a translation beside it.

    Counted independently of the importer: an English block equal to the
    msgid followed (blank lines and list/quote markers between) by a block
    holding Han text, or a block that starts or ends with the msgid and holds
    Han text. Table cells count only in the second way: the cell after a
    cell is another column. Code-only msgids are not English.
    """
    m = _norm(msgid)
    if not re.search(r"[A-Za-z]{2}", CODE.sub("", m)):
        return False
    units = page.units
    for i, u in enumerate(units):
        t = _norm(u.msgid)
        if t == m and i + 1 < len(units) and not u.kind.startswith("table"):
            nxt = units[i + 1]
            if HAN.search(nxt.msgid) and GAP.match(page.text[u.span.end : nxt.span.start]) and (
                (u.kind == "heading") == (nxt.kind == "heading")
            ):
                return True
        elif (t.startswith(m + " ") or t.endswith(" " + m)) and HAN.search(t):
            return True
    return False


@pytest.mark.skipif(not BEFORE80.is_dir(), reason="corpus not present")
def test_whole_corpus_import_translates_95_percent_of_what_the_mirror_translated(project: Path, cli):
    shutil.copytree(CORPUS / "docker-docs/content", project / "source", dirs_exist_ok=True)
    (project / "docl10n.toml").write_text(
        '[attribution]\nbase_url = "https://docs.docker.com/"\nstrip_prefixes = ["manuals/"]\n', encoding="utf-8"
    )
    cli("extract")
    cli("update", "-l", "zh_CN")
    result = cli("import", "-l", "zh_CN", "--from", str(BEFORE80))
    assert "57/61 pages matched" in result.output
    assert result.output.count(": no counterpart") == 4
    config = projects.load(project)
    pages = gettextize.counterparts(config, BEFORE80)
    occurring = translated = 0
    for rel in projects.source_pages(config):
        source = segment.parse_page((project / "source" / rel).read_text(encoding="utf-8"), rel)
        hit = gettextize.match(config, rel, gettextize._source_title(source), pages)
        if hit is None:
            continue
        counterpart = segment.parse_page(hit[0].path.read_text(encoding="utf-8"), hit[0].name)
        po = {(e.msgctxt, e.msgid): e for e in polib.pofile(str(config.catalog_path("zh_CN", rel)))}
        for key in {(u.msgctxt, u.msgid) for u in source.units}:
            if _translated_in_counterpart(key[1], counterpart):
                occurring += 1
                translated += bool(po[key].msgstr)
    assert occurring > 1000
    assert translated / occurring >= 0.95, (translated, occurring)
