"""Built pages rendered by a real Hugo, in the minimal site under tests/hugo/.

The site's shortcodes are stubs; ``hasCJKLanguage`` is off, so a page is
treated as CJK only through the ``isCJKLanguage`` flag the build adds. The
evidence is Hugo's own word count: on a CJK page every non-ASCII word counts
its characters, so ``.WordCount`` exceeds the number of whitespace-separated
words. In CI (``CI=true``) a missing hugo is a failure, not a skip.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import polib
import pytest
from conftest import DOCKER_DOCS, ROOT

from docl10n import pipeline, project

SITE = Path(__file__).parent / "hugo"
HUGO = shutil.which("hugo")
META = re.compile(r'<meta name="(\w+)" content="([^"]*)">')
TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
SELF_LINK = re.compile(r"\]\(#([^)\s]+)\)")
PSEUDO = "中文 "  # two CJK characters, one word apart: passes the spacing checks, counts 2 on a CJK page


@pytest.fixture(scope="module")
def hugo() -> str:
    if HUGO is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hugo is not installed (make system-deps installs it)")
        pytest.skip("hugo is not installed")
    return HUGO


def pseudo_project(root: Path, pages: dict[str, Path]) -> project.Config:
    """A project whose catalogs translate every message (``中文`` + English)."""
    for rel, src in pages.items():
        (root / "source" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(src, root / "source" / rel)
    (root / "docl10n.toml").write_text('[attribution]\nbase_url = "https://docs.docker.com/"\n')
    config = project.load(root)
    assert not pipeline.extract(config).failed
    assert not pipeline.update(config, "zh_CN").failed
    for po_path in (root / "locales" / "zh_CN").rglob("*.po"):
        po = polib.pofile(str(po_path))
        for e in po:
            e.msgstr, e.flags = PSEUDO + e.msgid, []
        po.save()
    return config


def render(hugo: str, content: Path, dest: Path) -> None:
    run = subprocess.run(
        [hugo, "--quiet", "-s", str(SITE), "--contentDir", str(content), "-d", str(dest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr


def html_path(public: Path, rel: str) -> Path:
    p = PurePosixPath(rel)
    parts = p.parent.parts if p.stem in ("_index", "index") else (*p.parent.parts, p.stem)
    return public.joinpath(*[x.lower() for x in parts], "index.html")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory, hugo):
    """The bundled site built both ways and rendered: (config, {mode: public dir})."""
    root = tmp_path_factory.mktemp("bundled")
    sources = {p.relative_to(ROOT / "source").as_posix(): p for p in (ROOT / "source").rglob("*.md")}
    config = pseudo_project(root, sources)
    publics = {}
    for mode in ("translate", "bilingual"):
        out = root / "site" / mode
        result = pipeline.build(config, "zh_CN", out, layout="hugo-dir", mode=mode)
        assert not result.failed and result.counts["translated"] == result.counts["units"]
        render(hugo, out / "content" / "zh-cn", out / "public")
        publics[mode] = out / "public"
    return config, publics


@pytest.mark.parametrize("mode", ["translate", "bilingual"])
def test_every_page_renders_with_translated_title_as_cjk(bundled, mode):
    config, publics = bundled
    pages = project.source_pages(config)
    assert len(pages) >= 40
    for rel in pages:
        page = pipeline.read_page(config, rel)
        title = next(u.msgid for u in page.units if u.key == ("title",))
        out = html_path(publics[mode], rel).read_text(encoding="utf-8")
        assert html.unescape(TITLE.search(out).group(1)) == PSEUDO + title, rel
        assert f"<h1>{html.escape(PSEUDO + title)}</h1>".replace("&#x27;", "&#39;") in out, rel
        meta = dict(META.findall(out))
        assert meta["cjk"] == "true", rel
        assert int(meta["wordcount"]) > int(meta["fields"]), rel


def test_bilingual_page_shows_both_languages(bundled):
    _, publics = bundled
    out = html_path(publics["bilingual"], "get-started/introduction/whats-next.md").read_text(encoding="utf-8")
    assert '<h2 id="the-basics">中文 The basics The basics</h2>' in out
    assert "<p>The following sections provide step-by-step guides" in out
    assert "<p>\u200b\t中文 The following sections provide step-by-step guides" in out


def test_in_page_links_still_resolve(tmp_path, hugo):
    """Corpus pages that link to their own headings: every link that works in English works in zh_CN."""
    pages = {}
    for path in sorted(DOCKER_DOCS.rglob("*.md")):
        if SELF_LINK.search(path.read_text(encoding="utf-8")):
            pages[path.relative_to(DOCKER_DOCS / "content").as_posix()] = path
    if not pages:
        pytest.skip("corpus not present")
    config = pseudo_project(tmp_path, pages)
    assert not pipeline.build(config, "zh_CN").failed
    render(hugo, tmp_path / "source", tmp_path / "en")
    render(hugo, tmp_path / "build" / "zh_CN", tmp_path / "zh")
    checked = 0
    for rel, path in pages.items():
        en = html_path(tmp_path / "en", rel).read_text(encoding="utf-8")
        zh = html_path(tmp_path / "zh", rel).read_text(encoding="utf-8")
        assert PSEUDO in zh
        for anchor in set(SELF_LINK.findall(path.read_text(encoding="utf-8"))):
            if f'id="{anchor}"' in en:
                assert f'id="{anchor}"' in zh, f"{rel}: #{anchor}"
                checked += 1
    assert checked >= 20


# Front matter that Hugo's page lexer reads, though it is not quite the usual shape.
ODD_FRONT_MATTER = {
    "blank-first.md": "\n\n---\ntitle: Blank lines first\n---\n\nBody of the first page.\n",
    "four-dashes.md": "---\ntitle: Closed by four dashes\n----\n\nBody of the second page.\n",
    "spaces.md": "---   \ntitle: Fences with spaces\n---\t \n\nBody of the third page.\n",
    "toml.md": "+++\ntitle = 'Closed by four pluses'\n++++\n\nBody of the fourth page.\n",
    "crlf.md": "\r\n---\r\ntitle: Windows lines\r\n---\r\n\r\nBody of the fifth page.\r\n",
}


def test_front_matter_is_where_hugo_finds_it(tmp_path, hugo):
    """Hugo renders each odd page with the title docl10n found, and its translation after a build."""
    sources = tmp_path / "in"
    for name, text in ODD_FRONT_MATTER.items():
        (sources / name).parent.mkdir(parents=True, exist_ok=True)
        (sources / name).write_bytes(text.encode("utf-8"))
    config = pseudo_project(tmp_path, {name: sources / name for name in ODD_FRONT_MATTER})
    assert not pipeline.build(config, "zh_CN", attribution=False).failed
    render(hugo, tmp_path / "source", tmp_path / "en")
    render(hugo, tmp_path / "build" / "zh_CN", tmp_path / "zh")
    for name in ODD_FRONT_MATTER:
        page = pipeline.read_page(config, name)
        title = next(u.msgid for u in page.units if u.key == ("title",))
        body = next(u.msgid for u in page.units if u.kind == "paragraph")
        en = html_path(tmp_path / "en", name).read_text(encoding="utf-8")
        zh = html_path(tmp_path / "zh", name).read_text(encoding="utf-8")
        assert html.unescape(TITLE.search(en).group(1)) == title, name
        assert html.unescape(TITLE.search(zh).group(1)) == PSEUDO + title, name
        assert f"<p>{PSEUDO}{body}</p>" in zh and "title" not in zh.split("<main>")[1], name


ATTRIBUTES = (
    "## 发行版？{#what-is}\n\n## Spaced { #spaced .cls }\n\n## Glued{#glued}  \n\n## Only a class {.only}\n\n"
    "## Keyed {data-x=1}\n\nSetext {#setext}\n---\n\n### Closed {#closed} ###\n\nSetext class {.c}\n---\n\n"
    "## Only a class\n"
)


def test_heading_attributes_stay_where_hugo_reads_them(tmp_path, hugo):
    """Goldmark's {#id .class key=value} after a heading, with or without spaces: kept out of the msgid
    and after the translation, so the translated heading keeps its id and shows no brace."""
    src = tmp_path / "in" / "attrs.md"
    src.parent.mkdir()
    src.write_text("---\ntitle: Attributes\n---\n\n" + ATTRIBUTES, encoding="utf-8")
    config = pseudo_project(tmp_path, {"attrs.md": src})
    page = pipeline.read_page(config, "attrs.md")
    assert [u.msgid for u in page.units if u.kind == "heading"] == [
        "发行版？", "Spaced", "Glued", "Only a class", "Keyed", "Setext", "Closed", "Setext class", "Only a class"]
    assert not pipeline.build(config, "zh_CN", attribution=False).failed
    render(hugo, tmp_path / "source", tmp_path / "en")
    render(hugo, tmp_path / "build" / "zh_CN", tmp_path / "zh")
    en = html_path(tmp_path / "en", "attrs.md").read_text(encoding="utf-8")
    zh = html_path(tmp_path / "zh", "attrs.md").read_text(encoding="utf-8")
    # Ids the page sets, and those Hugo makes beside a class or key: the last counts the duplicate before it.
    for anchor in ("what-is", "spaced", "glued", "setext", "closed", "only-a-class", "keyed", "setext-class",
                   "only-a-class-1"):
        assert f'id="{anchor}"' in en and f'id="{anchor}"' in zh, anchor
    assert 'class="only"' in zh and 'data-x="1"' in zh and 'class="cls"' in zh
    headings = re.findall(r"<h[23][^>]*>(.*?)</h[23]>", zh)
    assert len(headings) == 9 and all(h.startswith(PSEUDO) and "{" not in h for h in headings), headings


GOLDMARK_BLOCKS = (
    "Refs[^1][^note].\n\nPara one\n{{% tab name=\"x\" %}}\nInner **md**.\n{{% /tab %}}\nAfter text.\n\n"
    "Term\n: The definition.\n\n[^1]: The footnote text.\n[^note]: A named footnote\n    on two lines.\n"
)


def test_blocks_goldmark_starts_inside_a_paragraph_survive_translation(tmp_path, hugo):
    """Footnote definitions, a definition and a block shortcode on lines of what CommonMark reads as one
    paragraph: the translated page renders the same blocks, each translated."""
    src = tmp_path / "in" / "blocks.md"
    src.parent.mkdir()
    src.write_text("---\ntitle: Blocks\n---\n\n" + GOLDMARK_BLOCKS, encoding="utf-8")
    config = pseudo_project(tmp_path, {"blocks.md": src})
    assert not pipeline.build(config, "zh_CN", attribution=False).failed
    render(hugo, tmp_path / "source", tmp_path / "en")
    render(hugo, tmp_path / "build" / "zh_CN", tmp_path / "zh")
    en, zh = (html_path(tmp_path / lang, "blocks.md").read_text(encoding="utf-8") for lang in ("en", "zh"))

    def blocks(page: str) -> list[str]:
        return re.findall(r"<(p|li|div|dl|dt|dd)\b[^>]*>", page.split("<main>")[1])

    assert blocks(zh) == blocks(en)
    assert blocks(en).count("li") == 2 and "dd" in blocks(en) and blocks(en).count("div") >= 2
    for text in ("Refs", "Para one", "Term", "The footnote text.", "A named footnote"):  # where each unit starts
        assert text in en and PSEUDO + text in zh, text
    for text in ("Inner <strong>md</strong>.", "After text.", "The definition."):  # lines of a unit's
        assert text in en and text in zh, text
