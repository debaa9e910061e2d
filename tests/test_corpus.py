"""The real pages of ../shared/corpus run through segment and splice.

Every page of docker/docs, of the Chinese mirror and the seeds: identity is
byte-exact, a pseudo translation keeps the block structure and reaches
every unit, and the templates pass msgfmt.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import CORPUS, copy_tree

from docl10n import cache
from docl10n.catalog import Translation
from docl10n.rebuild import splice
from docl10n.segment import block_signature, decode, parse_page

PAGES = sorted(CORPUS.rglob("*.md")) + sorted((CORPUS / "seeds").glob("000_*.txt")) if CORPUS.is_dir() else []
pytestmark = pytest.mark.skipif(not PAGES, reason="../shared/corpus is not beside the project")


def body(page_text: str):
    page = parse_page(page_text, "p")
    return page.text[page.front_matter.span.end :] if page.front_matter else page.text


@pytest.mark.parametrize("path", PAGES, ids=[str(p.relative_to(CORPUS)) for p in PAGES])
def test_real_page_round_trips(path):
    data = path.read_bytes()
    page = parse_page(decode(data, str(path)), str(path))
    assert page.units, "a real page has translatable text"
    same = {(u.msgctxt, u.msgid): Translation(u.msgid, False) for u in page.units}
    assert splice(page, same).data == data
    pseudo = {(u.msgctxt, u.msgid): Translation(f"\u2039{u.msgid}\u203a", False) for u in page.units}
    built = splice(page, pseudo)
    assert not built.problems
    text = built.data.decode("utf-8")
    assert block_signature(body(text)) == block_signature(body(data.decode("utf-8")))
    again = {u.msgid for u in parse_page(text, "p").units}
    assert {f"\u2039{u.msgid}\u203a" for u in page.units} <= again
    assert page.structure == block_signature(body(data.decode("utf-8")))
    assert cache.page_from_record(data.decode("utf-8"), str(path), cache.page_record(page)) == page


@pytest.mark.parametrize("text", [
    "\ufeff---\r\ntitle: \"Quoted: title\"\r\n---\r\n\r\n# Head\r\n\r\nTwo\r\nlines.\r\n",
    "> quoted\n> paragraph\n\n- item\n  continued\n\n| a | b |\n|---|---|\n| c \\| d | e |\n",
    "+++\ntitle = 'T'\n+++\nPlain.\n",
])
def test_a_record_leaves_out_msgids_its_text_holds_and_reads_back_the_same_page(text):
    page = parse_page(text, "p.md")
    record = cache.page_record(page)
    assert cache.page_from_record(text, "p.md", record) == page
    same = [u for u in page.units if page.text[u.span.start : u.span.end] == u.msgid]
    assert same and all(json.dumps(u.msgid) not in record.decode() for u in same if len(u.msgid) > 3)
    with pytest.raises(ValueError):
        cache.page_from_record(text[: len(text) // 2], "p.md", record)  # not the text it was made for


def test_a_record_whose_left_out_msgid_lies_past_the_text_is_refused_wherever_it_stands():
    unit = [None, "paragraph", 1, 0, 4, None, "", False, []]
    far = [None, "paragraph", 1, 0, 400, None, "", False, []]
    record = json.dumps({"units": [far, unit], "front_matter": None, "structure": ""}).encode()
    with pytest.raises(ValueError):
        cache.page_from_record("Text here.\n", "p.md", record)
    fits = json.dumps({"units": [unit], "front_matter": None, "structure": ""}).encode()
    assert cache.page_from_record("Text here.\n", "p.md", fits).units[0].msgid == "Text"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext not installed")
def test_corpus_catalogs_pass_msgfmt(project, cli):
    copy_tree(CORPUS / "docker-docs", project / "source")
    cli("extract")
    cli("update", "-l", "zh_CN")
    files = sorted((project / "locales").rglob("*.po*"))
    assert len(files) == 2 * len(list((project / "source").rglob("*.md")))
    for f in files:
        r = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(f)], capture_output=True, text=True)
        assert r.returncode == 0, f"{f}: {r.stderr}"
