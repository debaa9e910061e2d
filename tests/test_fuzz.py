"""Hostile and malformed input: mutations of every real page and catalog.

For every input the library either returns a result or raises a located
``Docl10nError`` — never anything else — and every page it accepts still
rebuilds byte for byte from an identity catalog and keeps its structure
under a pseudo translation. ``DOCL10N_FUZZ=N`` tries N mutations per file
(default 4).
"""

from __future__ import annotations

import os
import random

import pytest
from conftest import CORPUS

from docl10n import catalog
from docl10n.catalog import Translation
from docl10n.model import Docl10nError
from docl10n.rebuild import splice
from docl10n.segment import block_signature, decode, parse_page

PAGES = sorted(CORPUS.rglob("*.md")) if CORPUS.is_dir() else []
PER_FILE = int(os.environ.get("DOCL10N_FUZZ", "4"))


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b""]


def flip(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return b"\xff"
    i = rng.randrange(len(data))
    return data[:i] + bytes([data[i] ^ (1 << rng.randrange(8))]) + data[i + 1 :]


def truncate(rng, data):
    return data[: rng.randrange(len(data) + 1)]


def delete_line(rng, data):
    lines = _lines(data)
    del lines[rng.randrange(len(lines))]
    return b"".join(lines)


def duplicate_line(rng, data):
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"".join(lines[: i + 1] + lines[i:])


def invalid_utf8(rng, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b"\xc3", b"\xff\xfe", b"\xed\xa0\x80", b"\x80"]) + data[i:]


def nul_bytes(rng, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"\x00" * rng.randint(1, 3) + data[i:]


def long_line(rng, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + b"word " * 200_000 + b"\n" + data[i:]


def deep_nesting(rng, data):
    i = rng.randrange(len(data) + 1)
    return data[:i] + rng.choice([b">" * 10_000 + b" x\n", b"- " * 5_000 + b"x\n", b"[" * 10_000 + b"\n"]) + data[i:]


def unclose(rng, data):
    for fence in (b"\n---\n", b"\n+++\n", b"\n```\n"):
        j = data.rfind(fence)
        if j > 0:
            return data[:j] + b"\n" + data[j + len(fence) :]
    return data + b"\n```\n"


MUTATIONS = [flip, truncate, delete_line, duplicate_line, invalid_utf8, nul_bytes, unclose]
RARE = [long_line, deep_nesting]  # slow: for one file in four


def mutants(path):
    rng = random.Random(str(path.relative_to(CORPUS)))
    data = path.read_bytes()
    for n in range(PER_FILE):
        yield rng.choice(MUTATIONS)(rng, data)
    if rng.random() < 0.25:
        yield rng.choice(RARE)(rng, data)


def body(text: str, page) -> str:
    return text[page.front_matter.span.end :] if page.front_matter else text


@pytest.mark.skipif(not PAGES, reason="../shared/corpus is not beside the project")
@pytest.mark.parametrize("path", PAGES, ids=[str(p.relative_to(CORPUS)) for p in PAGES])
def test_mutated_pages_never_crash_and_keep_identity(path):
    for data in mutants(path):
        try:
            page = parse_page(decode(data, "p.md"), "p.md")
        except Docl10nError as exc:
            assert exc.problem.path == "p.md" and exc.problem.line >= 0
            continue
        same = {(u.msgctxt, u.msgid): Translation(u.msgid, False) for u in page.units}
        assert splice(page, same).data == data
        pseudo = {(u.msgctxt, u.msgid): Translation(f"\u2039{u.msgid}\u203a", False) for u in page.units}
        built = splice(page, pseudo).data.decode("utf-8").removeprefix("\ufeff")
        again = parse_page(built, "p.md")
        assert block_signature(body(built, again)) == block_signature(body(page.text, page))


@pytest.mark.skipif(not PAGES, reason="../shared/corpus is not beside the project")
def test_mutated_catalogs_parse_or_fail_located():
    rng = random.Random(7)
    tried = 0
    for path in PAGES[:: max(1, len(PAGES) // 12)]:
        page = parse_page(path.read_text(encoding="utf-8"), "source/p.md")
        po, _ = catalog.merge(catalog.template(page.units, "source/p.md", "docs"), None, "de")
        for e in po:
            e.msgstr = e.msgid[::-1]
        data = catalog.render(po).encode("utf-8")
        for _ in range(PER_FILE * 10):
            mutated = rng.choice(MUTATIONS)(rng, data)
            tried += 1
            try:
                parsed = catalog.parse(decode(mutated, "p.po"), "p.po")
            except Docl10nError as exc:
                assert exc.problem.path == "p.po"
                continue
            text = catalog.render(parsed)
            assert catalog.render(catalog.parse(text, "p.po")) == text
    assert tried >= 10
