"""Tests for capture.py: scraped capture -> clean page in the mirror's form.

The real pair is seeds 001 (capture) and 000 (the same page as the mirror
keeps it): expected texts are read from 000, never typed in here.
"""

from __future__ import annotations

import importlib
import re
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docl10n.capture import Captured, CaptureOptions, ingest_file, ingest_text, split_card
from docl10n.model import Docl10nError

CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
SEED_CAPTURE = CORPUS / "seeds" / "001_a32acb21f5bc82d8.txt"
SEED_MIRROR = CORPUS / "seeds" / "000_881fea83b5ae368e.txt"
BEFORE80 = CORPUS / "before80-zh" / "content" / "get-started" / "Dockerworkshop" / "Part9Whatnext.md"
CASES = Path(__file__).parent / "cases" / "capture"

LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
ATTRIBUTION_LINE = re.compile(r">(?: .*)?")


def reduce_links(text: str) -> str:
    return LINK.sub(r"\1", text)


def split_page(text: str) -> tuple[list[str], list[str], list[str]]:
    """Front matter lines, attribution lines, body blocks of a mirror-form page."""
    lines = text.split("\n")
    assert lines[0] == "+++"
    close = lines.index("+++", 1)
    rest = lines[close + 1:]
    start = next(i for i, line in enumerate(rest) if line.startswith(">"))
    end = next(i for i in range(start, len(rest)) if not rest[i].startswith(">"))
    body = "\n".join(rest[end:]).strip("\n")
    return lines[1:close], rest[start:end], [b for b in body.split("\n\n") if b.strip()]


def body_texts(blocks: list[str]) -> list[str]:
    """Block texts as a reader sees them: heading marks and link markup gone."""
    return [reduce_links(re.sub(r"^#{1,6} ", "", b)) for b in blocks]


@pytest.fixture(scope="module")
def seed001() -> Captured:
    return ingest_file(SEED_CAPTURE)


@pytest.fixture(scope="module")
def seed000() -> str:
    return SEED_MIRROR.read_text(encoding="utf-8")


def mirror_cards(mirror: str) -> list[tuple[str, str]]:
    """(title, description) pairs of 000: the paragraphs after each section intro."""
    _, _, blocks = split_page(mirror)
    blocks = [b for b in blocks if reduce_links(b) != "Edit this page"]
    pairs, k = [], 0
    while k < len(blocks):
        if blocks[k].startswith("## "):
            k += 2  # the heading and its intro paragraph
            while k < len(blocks) and not blocks[k].startswith("#"):
                pairs.append((blocks[k], blocks[k + 1]))
                k += 2
        else:
            k += 1
    return pairs


# --- the real seed pair -------------------------------------------------------


def test_seed_fields(seed001):
    assert seed001.url == "https://docs.docker.com/get-started/introduction/whats-next/"
    assert seed001.title == "What's next"
    assert seed001.scraped == datetime(2025, 7, 16, 1, 54, 44, tzinfo=timezone(timedelta(hours=8)))
    assert seed001.word_count == 336
    assert seed001.links_count == 79
    assert seed001.relpath == "get-started/introduction/whats-next.md"


def test_seed_front_matter_has_mirror_form(seed001, seed000):
    mine, _, _ = split_page(seed001.text)
    theirs, _, _ = split_page(seed000)
    assert [line.split(" = ")[0] for line in mine] == [line.split(" = ")[0] for line in theirs]
    same = {"title", "type", "description", "isCJKLanguage", "draft"}
    assert [l for l in mine if l.split(" = ")[0] in same] == [l for l in theirs if l.split(" = ")[0] in same]
    data = tomllib.loads("\n".join(mine))
    assert data["date"] == seed001.scraped
    assert data["weight"] == 1
    assert "date = 2025-07-16T01:54:44+08:00" in mine


def test_seed_attribution_has_before80_form(seed001):
    """Same block as the before80 pages once URL and timestamp are abstracted."""
    _, mine, _ = split_page(seed001.text)
    _, theirs, _ = split_page(BEFORE80.read_text(encoding="utf-8"))
    abstract = lambda lines: [re.sub(r"`[^`]+`", "`T`", re.sub(r"https://[^)\]]+", "U", l)) for l in lines]
    assert abstract(mine) == abstract(theirs)
    assert mine[0] == f"> 原文：[{seed001.url}]({seed001.url})"
    assert mine[-1] == "> 收录该文档的时间：`2025-07-16T01:54:44+08:00`"


def test_seed_body_matches_mirror(seed001, seed000):
    """Same blocks, same order as 000, chrome gone; 000's "Edit this page" is chrome."""
    _, _, mine = split_page(seed001.text)
    _, _, theirs = split_page(seed000)
    expected = [t for t in body_texts(theirs) if t != "Edit this page"]
    assert body_texts(mine) == expected
    assert mine[0] == "# What's next"
    assert [b for b in mine if b.startswith("## ")] == ["## The basics", "## Building images", "## Running containers"]
    for chrome in ("Back", "Page options", "* * *", "Copy page as Markdown for LLMs", "Ask questions"):
        assert chrome not in seed001.text


def test_seed_cards_split_like_mirror(seed001, seed000):
    glued = re.findall(r"^### \[(.+)\]\((\S+)\)$", SEED_CAPTURE.read_text(encoding="utf-8"), re.MULTILINE)
    expected = mirror_cards(seed000)
    assert len(glued) == len(expected) == 14
    assert [split_card(text) for text, _ in glued] == expected
    for (text, url), (title, description) in zip(glued, expected):
        assert f"[{title}]({url})\n\n{description}\n" in seed001.text


def test_units_match_mirror_page(seed001, seed000):
    """Acceptance: the segmenter finds the same texts in 001-ingested as in 000."""
    try:
        segment = importlib.import_module("docl10n.segment")
    except ModuleNotFoundError as e:
        if e.name != "docl10n.segment":
            raise
        pytest.skip("docl10n.segment does not exist yet")
    parse_page = getattr(segment, "parse_page", None)
    if parse_page is None:
        pytest.skip("docl10n.segment has no parse_page yet")

    def texts(text: str, path: str) -> list[str]:
        out = [reduce_links(u.msgid) for u in parse_page(text, path).units]
        # The attribution block is the mirror's own, not source text.
        return [t for t in out if not t.startswith(("原文", "收录该文档的时间")) and t != "Edit this page"]

    mine = texts(seed001.text, seed001.relpath)
    assert mine == texts(seed000, "000.md")
    assert mine[0] == "What's next" and len(mine) > 30


# --- golden cases -------------------------------------------------------------


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden(case):
    folder = CASES / case
    got = ingest_file(folder / "capture.txt")
    assert got.text == (folder / "expected.md").read_text(encoding="utf-8")


def test_golden_guide_page_details():
    got = ingest_file(CASES / "guide-page" / "capture.txt")
    assert got.relpath == "guides/volumes/sharing.md"
    assert "```console\n$ docker volume create shared\nBack\n\n* * *\n```" in got.text  # code untouched
    assert "  * A terminal.\n" in got.text  # flattened list split
    assert "The `docker   * run` command." in got.text  # not inside a code span
    assert "[Back up with GitHub Actions](" in got.text
    assert "### [Docker Compose](https://docs.docker.com/compose/)" in got.text  # no glue: kept
    for chrome in ("Volume basics", "Table of contents", "Edit this page", "Next steps", "Copyright"):
        assert chrome not in got.text


# --- card splitter ------------------------------------------------------------


@pytest.mark.parametrize("glued, title, description", [
    ("Build, tag and publish an imageLearn how to build, tag, and publish an image to Docker Hub.",
     "Build, tag and publish an image", "Learn how to build, tag, and publish an image to Docker Hub."),
    ("Using the build cacheLearn about the build cache.", "Using the build cache", "Learn about the build cache."),
    ("What is Docker Compose?Gain a better understanding of Docker Compose.",
     "What is Docker Compose?", "Gain a better understanding of Docker Compose."),
    ("Writing a DockerfileLearn how to create an image using a Dockerfile.",
     "Writing a Dockerfile", "Learn how to create an image using a Dockerfile."),
    ("Docker Desktop on macOSLearn how to install it.", "Docker Desktop on macOS", "Learn how to install it."),
    ("Using GitHub ActionsLearn to use GitHub Actions with Docker Hub.",
     "Using GitHub Actions", "Learn to use GitHub Actions with Docker Hub."),
    ("GitHub ActionsContinuous integration for JavaScript apps.",
     "GitHub Actions", "Continuous integration for JavaScript apps."),
    ("Part 2Update the application.", "Part 2", "Update the application."),
    ("Compose (beta)Try the new features.", "Compose (beta)", "Try the new features."),
    ("Run `docker run`Learn the flags.", "Run `docker run`", "Learn the flags."),
    ("Image layersA short tour of layers.", "Image layers", "A short tour of layers."),
    ("Docker HubStore and share images with Docker Hub", "Docker Hub", "Store and share images with Docker Hub"),
    ("Built-in toolsUse the built-in tools.", "Built-in tools", "Use the built-in tools."),
    # Several valid glue points: a usual first word wins, then the leftmost.
    ("Use DockerSlim ToolsLearn how to slim images.", "Use DockerSlim Tools", "Learn how to slim images."),
    ("Docker DesktopLearn to run DockerSlim Tools.", "Docker Desktop", "Learn to run DockerSlim Tools."),
    ("Slim imagesShrink them with DockerSlim Tools.", "Slim images", "Shrink them with DockerSlim Tools."),
])
def test_split_card(glued, title, description):
    assert split_card(glued) == (title, description)


@pytest.mark.parametrize("text", [
    "Docker Compose", "GitHub", "The basics", "What is DockerHub", "Dockerfile", "macOS", "", "A",
    "Install on macOS", "HTTPServer",
])
def test_split_card_refuses(text):
    assert split_card(text) is None


def test_split_card_protected_words_are_options():
    glued = "GitHub ActionsContinuous integration for JavaScript apps."
    assert split_card(glued) == ("GitHub Actions", "Continuous integration for JavaScript apps.")
    unprotected = CaptureOptions(protected_words=())
    assert split_card(glued, unprotected) == ("Git", "Hub ActionsContinuous integration for JavaScript apps.")


# --- header errors ------------------------------------------------------------

GOOD_HEADER = """# Page | Docker Docs

**URL:** https://docs.docker.com/a/b
**Word Count:** 3
**Links Count:** 1
**Scraped:** 2025-07-16 01:54:44
**Status:** completed

---

# Page

Body text.
"""


def bad(text: str) -> Docl10nError:
    with pytest.raises(Docl10nError) as info:
        ingest_text(text, "capture.txt")
    assert info.value.problem.path == "capture.txt"
    return info.value


@pytest.mark.parametrize("old, new, line, message", [
    ("**URL:** https://docs.docker.com/a/b\n", "", 3, "missing **URL:** line"),
    ("**Scraped:** 2025-07-16 01:54:44\n", "", 3, "missing **Scraped:** line"),
    ("**Word Count:** 3\n", "", 3, "missing **Word Count:** line"),
    ("2025-07-16 01:54:44", "16/07/2025 01:54", 6, "malformed **Scraped:** time"),
    ("2025-07-16 01:54:44", "2025-13-16 01:54:44", 6, "malformed **Scraped:** time"),
    ("**Word Count:** 3", "**Word Count:** three", 4, "malformed count"),
    ("https://docs.docker.com/a/b", "docs.docker.com/a/b", 3, "malformed **URL:**"),
    ("https://docs.docker.com/a/b", "https://docs.docker.com/a/../../etc", 3, "cannot name a file"),
    ("https://docs.docker.com/a/b", "https://docs.docker.com/a/%2e%2e/x", 3, "cannot name a file"),
    ("https://docs.docker.com/a/b", "https://docs.docker.com/a%0A/b%2Fc", 3, "cannot name a file"),
    ("https://docs.docker.com/a/b", "http://[x/a", 3, "malformed **URL:**"),
    ("completed", "failed", 7, "status is 'failed'"),
    ("# Page | Docker Docs", "Page | Docker Docs", 1, "expected the capture title"),
    ("# Page | Docker Docs", "# | Docker Docs", 1, "title is empty"),
    ("**Status:** completed\n", "**Status:** completed\nstray words\n", 8, "unexpected line"),
    ("**Links Count:** 1\n", "**Links Count:** 1\n**URL:** https://x.org/\n", 6, "repeated **URL:**"),
])
def test_header_errors(old, new, line, message):
    assert old in GOOD_HEADER
    error = bad(GOOD_HEADER.replace(old, new, 1))
    assert error.problem.line == line
    assert message in error.problem.message
    assert str(error).startswith(f"capture.txt:{line}: ")


def test_missing_separator():
    text = GOOD_HEADER.split("---")[0]
    error = bad(text)
    assert "not closed by a '---' line" in error.problem.message
    assert error.problem.line == len(text.split("\n"))


@pytest.mark.parametrize("text", ["", "\n\n", "   \r\n", "\ufeff"])
def test_empty_capture(text):
    error = bad(text)
    assert (error.problem.line, error.problem.message) == (1, "empty capture")


def test_undecodable_bytes(tmp_path):
    path = tmp_path / "capture.txt"
    path.write_bytes(GOOD_HEADER.encode() + b"caf\xe9\n")
    with pytest.raises(Docl10nError) as info:
        ingest_file(path)
    assert info.value.problem.path == str(path)
    assert info.value.problem.line == GOOD_HEADER.count("\n") + 1
    assert "not valid UTF-8" in info.value.problem.message


def test_missing_file(tmp_path):
    with pytest.raises(Docl10nError) as info:
        ingest_file(tmp_path / "nope.txt")
    assert "cannot read capture" in info.value.problem.message


# --- options and forms --------------------------------------------------------


def test_options_change_front_matter_and_attribution():
    options = CaptureOptions(utc_offset="-05:00", scraped_offset="+00:00", weight=30,
                             site_suffix=r" - Docs", attribution="> Source: <{url}> ({date})")
    got = ingest_text(GOOD_HEADER.replace("| Docker Docs", "- Docs"), "c.txt", options)
    assert got.title == "Page"
    assert got.scraped.isoformat() == "2025-07-15T20:54:44-05:00"
    front, attribution, _ = split_page(got.text)
    assert "weight = 30" in front and "date = 2025-07-15T20:54:44-05:00" in front
    assert attribution == ["> Source: <https://docs.docker.com/a/b/> (2025-07-15T20:54:44-05:00)"]


def test_zoned_scraped_time_is_converted():
    got = ingest_text(GOOD_HEADER.replace("01:54:44", "01:54:44+00:00"), "c.txt")
    assert got.scraped.isoformat() == "2025-07-16T09:54:44+08:00"


@pytest.mark.parametrize("field, value", [("utc_offset", "8"), ("scraped_offset", "+24:00"),
                                          ("site_suffix", "("), ("attribution", "{nope}")])
def test_bad_options_fail_early(field, value):
    with pytest.raises(ValueError):
        CaptureOptions(**{field: value})


@pytest.mark.parametrize("url, normal, relpath", [
    ("https://docs.docker.com/get-started/introduction/whats-next",
     "https://docs.docker.com/get-started/introduction/whats-next/", "get-started/introduction/whats-next.md"),
    ("https://docs.docker.com/engine/cli/completion/", "https://docs.docker.com/engine/cli/completion/",
     "engine/cli/completion.md"),
    ("https://docs.docker.com/", "https://docs.docker.com/", "_index.md"),
    ("https://docs.docker.com", "https://docs.docker.com", "_index.md"),
    ("https://docs.docker.com/a/page.html", "https://docs.docker.com/a/page.html", "a/page.md"),
    ("https://docs.docker.com/a/b?x=1#top", "https://docs.docker.com/a/b/?x=1#top", "a/b.md"),
])
def test_url_normalisation(url, normal, relpath):
    got = ingest_text(GOOD_HEADER.replace("https://docs.docker.com/a/b", url), "c.txt")
    assert (got.url, got.relpath) == (normal, relpath)


def test_crlf_and_bom_kept_as_crlf():
    got = ingest_text("\ufeff" + GOOD_HEADER.replace("\n", "\r\n"), "c.txt")
    lf = ingest_text(GOOD_HEADER, "c.txt")
    assert got.text == lf.text.replace("\n", "\r\n")
    assert lf.text.endswith("# Page\n\nBody text.\n")


def test_body_without_h1_gets_the_title():
    got = ingest_text(GOOD_HEADER.replace("# Page\n\n", "Back\n\n"), "c.txt")
    assert got.text.endswith("\n\n# Page\n\nBody text.\n")


def test_title_is_toml_quoted():
    got = ingest_text(GOOD_HEADER.replace("# Page |", '# Say "hi" \\ tab\there |'), "c.txt")
    front, _, _ = split_page(got.text)
    assert front[0] == 'title = "Say \\"hi\\" \\\\ tab\\there"'
    assert tomllib.loads("\n".join(front))["title"] == 'Say "hi" \\ tab\there'


# --- properties ---------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_arbitrary_text_raises_only_docl10n_error(text):
    try:
        got = ingest_text(text, "c.txt")
    except Docl10nError as e:
        assert e.problem.path == "c.txt" and e.problem.line >= 1
    else:
        assert got.text.startswith("+++")


line_text = st.text(st.characters(blacklist_characters="\r\n"), min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(title=line_text.filter(lambda t: t.strip() and not re.search(r"\|\s*Docker Docs\s*$", t)),
       body=st.lists(line_text, max_size=12))
def test_valid_header_any_body(title, body):
    text = GOOD_HEADER.replace("# Page | Docker Docs", "# " + title).replace("# Page\n\nBody text.\n", "\n".join(body))
    got = ingest_text(text, "c.txt")
    front, _, blocks = split_page(got.text)
    assert tomllib.loads("\n".join(front))["title"] == got.title == title.strip()
    assert blocks[0].lstrip().startswith("#") and got.text.endswith("\n")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_split_card_only_cuts(text):
    """A split never loses or invents text: title + gap + description is the input."""
    parts = split_card(text)
    if parts is not None:
        title, description = parts
        assert title and description and text.startswith(title) and text.endswith(description)
        assert text[len(title):len(text) - len(description)].strip() == ""
