"""``docl10n check`` and the build's refusal of broken translations, through the CLI.

The translations are the mistakes translators really make: a code span
dropped or translated, ``<script>`` pasted in, a paragraph turned into a
heading, a link pointed elsewhere, a heading broken over two lines.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import polib
import pytest
from conftest import DOCKER_DOCS, start_project

from docl10n import checks

PAGE = """\
---
title: Get started
---

# Install Docker

Run `docker run hello-world` to test.

Read [the guide](https://docs.docker.com/guide/) first.

Containers are isolated processes.

Images are read-only templates.

| Flag | Meaning |
| --- | --- |
| `-d` | detached |
"""

TRANSLATIONS = {
    "Get started": "入门",
    "Install Docker": "安装\nDocker",  # a line break in a heading: the build joins it
    "Run `docker run hello-world` to test.": "运行 docker run hello-world 进行测试。",  # code span lost
    "Read [the guide](https://docs.docker.com/guide/) first.": "先阅读[指南](https://evil.example/guide/)。",
    "Containers are isolated processes.": "# 容器是隔离的进程。",  # would become a heading
    "Images are read-only templates.": "镜像是只读模板。<script>alert(1)</script>",
    "detached": "后台|运行",  # unescaped pipe in a cell: the build escapes it
}


def translate(po_path: Path, table: dict[str, str], fuzzy: tuple[str, ...] = ()) -> dict[str, int]:
    """Fill the catalog; return each msgid's entry line in the written file."""
    po = polib.pofile(str(po_path))
    for e in po:
        if e.msgid in table:
            e.msgstr = table[e.msgid]
            if e.msgid in fuzzy:
                e.flags.append("fuzzy")
                e.previous_msgid = e.msgid.replace("Docker", "it")
    po.save()
    return {e.msgid: e.linenum for e in polib.pofile(str(po_path))}


@pytest.fixture
def page(project: Path, cli) -> Path:
    return start_project(project, cli, PAGE)


def findings(output: str) -> list[tuple[str, str, str, str]]:
    """(source:line, catalog:line, check, message) of each text line."""
    pattern = re.compile(r"^(\S+:\d+) \((\S+:\d+)\): \[([a-z-]+)\] (.*)$")
    return [m.groups() for line in output.splitlines() if (m := pattern.match(line))]


def test_list_shows_every_check_with_its_severity(cli):
    out = cli("check", "--list").output.splitlines()
    assert len(out) == len(checks.CHECKS)
    for c, line in zip(checks.CHECKS, out):
        assert line.split()[:2] == [c.name, c.severity] and c.description in line


def test_check_reports_each_mistake_in_page_and_catalog(page: Path, cli):
    po = page / "locales/zh_CN/page.po"
    lines = translate(po, TRANSLATIONS)
    result = cli("check", "-l", "zh_CN", ok=False)
    assert result.exit_code == 1
    got = findings(result.stdout)
    by_check = {c: (src, cat, msg) for src, cat, c, msg in reversed(got)}  # first finding of each check
    assert {"inline-code", "links", "block-syntax", "unsafe", "newline"} <= set(by_check)
    src, cat, msg = by_check["inline-code"]
    assert src == "source/page.md:7" and cat == f"locales/zh_CN/page.po:{lines[next(k for k in TRANSLATIONS if k.startswith('Run'))]}"
    assert "docker run hello-world" in msg
    assert by_check["links"][0] == "source/page.md:9" and "evil.example" in by_check["links"][2]
    assert by_check["block-syntax"][0] == "source/page.md:11" and "heading" in by_check["block-syntax"][2]
    assert any(src == "source/page.md:17" and c == "block-syntax" and "\\|" in msg for src, _, c, msg in got)
    assert by_check["newline"][0] == "source/page.md:5"
    # the catalog line is where the entry starts: its #: reference names the same page line
    text = po.read_text().split("\n")
    for src, cat, _, _ in got:
        n = int(cat.rsplit(":", 1)[1])
        entry = "\n".join(text[n - 1 : n + 3])
        assert f"#: {src}" in entry, (src, cat, entry)
    assert "check zh_CN: 1 catalogs" in result.stderr


def test_json_carries_the_same_findings(page: Path, cli):
    translate(page / "locales/zh_CN/page.po", TRANSLATIONS)
    text = cli("check", "-l", "zh_CN", ok=False).stdout
    data = json.loads(cli("check", "-l", "zh_CN", "--format", "json", ok=False).stdout)
    items = data["zh_CN"]["findings"]
    assert len(items) == len(findings(text)) and data["zh_CN"]["catalogs"] == 1
    first = items[0]
    assert set(first) == {"source", "source_line", "catalog", "catalog_line", "check", "severity", "message", "msgid"}
    assert first["source"] == "source/page.md" and first["catalog"] == "locales/zh_CN/page.po"


def test_only_warnings_exit_zero(page: Path, cli):
    good = {"Install Docker": "安装Docker", "Containers are isolated processes.": "容器是隔离的进程。"}
    translate(page / "locales/zh_CN/page.po", good, fuzzy=("Install Docker",))
    result = cli("check", "-l", "zh_CN")
    checks_seen = {c for _, _, c, _ in findings(result.stdout)}
    assert checks_seen == {"fuzzy"}  # a fuzzy entry is not checked against the new msgid
    assert all(line.endswith("(warning)") for line in result.stdout.splitlines())
    translate(page / "locales/zh_CN/page.po", {"Install Docker": "安装Docker"})
    po = polib.pofile(str(page / "locales/zh_CN/page.po"))
    for e in po:
        e.flags = [f for f in e.flags if f != "fuzzy"]
    po.save()
    assert "[cjk-spacing]" in cli("check", "-l", "zh_CN").stdout


def test_all_locales_by_default_and_a_broken_catalog_is_located(page: Path, cli):
    cli("update", "-l", "de")
    translate(page / "locales/de/page.po", {"Images are read-only templates.": "Bilder <script>x</script>"})
    broken = page / "locales/zh_CN/page.po"
    broken.write_text(broken.read_text() + '\nmsgid "unterminated\nmsgstr ""\n')
    result = cli("check", ok=False)
    assert "[unsafe]" in result.stdout  # de is still checked
    assert re.search(r"^locales/zh_CN/page\.po:\d+: ", result.stderr, re.MULTILINE)
    assert "Traceback" not in result.output


def test_build_keeps_broken_units_in_the_source_language(page: Path, cli):
    translate(page / "locales/zh_CN/page.po", TRANSLATIONS)
    result = cli("build", "-l", "zh_CN", "--no-attribution")
    built = (page / "build/zh_CN/page.md").read_text()
    kept = re.findall(r"^source/page\.md:(\d+): unit kept in source language: \[([a-z-]+)\]", result.stderr, re.MULTILINE)
    assert {(int(line), check) for line, check in kept} >= {
        (7, "inline-code"), (9, "links"), (11, "block-syntax"), (13, "unsafe")}
    for source_text in ("Run `docker run hello-world` to test.", "Read [the guide](https://docs.docker.com/guide/) first.",
                        "\nContainers are isolated processes.\n", "Images are read-only templates."):
        assert source_text in built
    assert "<script>" not in built and "evil.example" not in built and "# 容器" not in built
    # what the build repairs is not refused: a heading joined on one line, a cell's pipe escaped
    assert "# 安装 Docker {#install-docker}" in built and "| 后台\\|运行 |" in built and "title: 入门" in built
    assert "(warning)" in result.stderr
    strict = cli("build", "-l", "zh_CN", "--no-attribution", "--strict", ok=False)
    assert strict.exit_code == 1 and "unit kept in source language" in strict.stderr


def test_good_translations_pass_check_and_build(page: Path, cli):
    good = {
        "Run `docker run hello-world` to test.": "运行 `docker run hello-world` 进行测试。",
        "Read [the guide](https://docs.docker.com/guide/) first.": "先阅读[指南](https://docs.docker.com/guide/)。",
        "Containers are isolated processes.": "容器是隔离的进程。",
    }
    translate(page / "locales/zh_CN/page.po", good)
    cli("check", "-l", "zh_CN")
    result = cli("build", "-l", "zh_CN", "--strict")
    assert "unit kept" not in result.stderr


@pytest.mark.skipif(not DOCKER_DOCS.is_dir(), reason="corpus not available")
def test_identity_and_pseudo_translations_of_the_corpus_are_never_refused(project: Path, cli):
    shutil.copytree(DOCKER_DOCS, project / "source", dirs_exist_ok=True)
    cli("extract")
    cli("update", "-l", "de")
    for n, path in enumerate(sorted((project / "locales/de").rglob("*.po"))):
        po = polib.pofile(str(path))
        for e in po:  # half the pages pseudo (‹msgid›), half identity
            e.msgstr = f"\u2039{e.msgid}\u203a" if n % 2 else e.msgid
        po.save()
    result = cli("check", "-l", "de")
    assert not [f for f in findings(result.stdout) if f[2] != "untranslated"]
    result = cli("build", "-l", "de", "--no-attribution", "--strict")
    assert "unit kept" not in result.stderr
