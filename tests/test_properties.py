"""Invariants over generated documents (hypothesis).

- identity: an empty catalog, and a catalog whose msgstr equals msgid,
  rebuild the page byte for byte;
- spans never overlap and lie inside the page;
- whatever a translator writes, a built page has the block structure of
  its source (a breaking unit is kept in the source language).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docl10n.catalog import Translation
from docl10n.rebuild import splice
from docl10n.segment import block_signature, parse_page

WORDS = st.sampled_from(
    ["docker", "Run", "the", "*image*", "`a|b`", "[link](https://x.y/z)", "**bold**", "\\|", "容器", "é", "#x", "1.", "<b>"]
)
INLINE = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
EOL = st.sampled_from(["\n", "\r\n", "\r"])
PAD = st.sampled_from(["", " ", "  ", "\t"])


@st.composite
def blocks(draw) -> list[str]:
    kind = draw(st.sampled_from(["h", "setext", "p", "list", "olist", "quote", "table", "fence", "admonition", "html"]))
    text = draw(INLINE)
    if kind == "h":
        return [draw(st.sampled_from(["#", "##", "###"])) + " " + text + draw(PAD)]
    if kind == "setext":
        return [text, draw(st.sampled_from(["===", "---"]))]
    if kind == "p":
        return [text + draw(PAD) for text in draw(st.lists(INLINE, min_size=1, max_size=3))]
    if kind in ("list", "olist"):
        lines = []
        for i, item in enumerate(draw(st.lists(INLINE, min_size=1, max_size=3))):
            marker = "-" if kind == "list" else f"{i + 1}."
            lines.append(f"{marker}{draw(st.sampled_from([' ', chr(9)]))}{item}")
            if draw(st.booleans()):
                lines.append(" " * (len(marker) + 1) + draw(INLINE))
            if draw(st.booleans()):
                lines.append(" " * (len(marker) + 1) + "- " + draw(INLINE))
        return lines
    if kind == "quote":
        inner = draw(blocks())
        return [(">" + draw(st.sampled_from([" ", "", "\t"])) + line).rstrip(" ") for line in inner]
    if kind == "admonition":
        return ["> [!NOTE]", "> " + text]
    if kind == "table":
        cols = draw(st.integers(1, 3))
        head = "| " + " | ".join(draw(INLINE) for _ in range(cols)) + " |"
        rows = ["| " + " | ".join(draw(INLINE) for _ in range(cols)) + " |" for _ in range(draw(st.integers(0, 2)))]
        return [head, "|" + "---|" * cols, *rows]
    if kind == "fence":
        return ["```sh", text, "```"]
    return ["<div>", text, "</div>"]


@st.composite
def documents(draw) -> str:
    eol = draw(EOL)
    lines: list[str] = []
    if draw(st.booleans()):
        lines += ["---", f"title: {draw(INLINE)!r}", "---", ""]
    for block in draw(st.lists(blocks(), min_size=1, max_size=6)):
        lines += block + [""]
    text = eol.join(lines)
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    return ("\ufeff" if draw(st.booleans()) else "") + text


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def body(text: str) -> str:
    page = parse_page(text, "p.md")
    return page.text[page.front_matter.span.end :] if page.front_matter else page.text


@SETTINGS
@given(documents())
def test_identity_round_trip_is_byte_exact(text):
    page = parse_page(text, "p.md")
    assert splice(page, {}).data == text.encode("utf-8")
    same = {(u.msgctxt, u.msgid): Translation(u.msgid, False) for u in page.units}
    assert splice(page, same).data == text.encode("utf-8")


@SETTINGS
@given(documents())
def test_spans_never_overlap(text):
    page = parse_page(text, "p.md")
    spans = sorted((u.span.start, u.span.end) for u in page.units)
    assert all(0 <= a < b <= len(page.text) for a, b in spans)
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))


NASTY = st.sampled_from(["# x", "- y", "```", "> q", "1. z", "| a | b |", "<div>", "    code", "===", "\\", "\n\n", ""])


@SETTINGS
@given(documents(), st.data())
def test_any_translation_keeps_the_block_structure(text, data):
    page = parse_page(text, "p.md")
    pieces = st.lists(st.one_of(INLINE, NASTY), min_size=1, max_size=3).map("".join)
    lookup = {(u.msgctxt, u.msgid): Translation(data.draw(pieces), False) for u in page.units}
    built = splice(page, lookup).data.decode("utf-8").removeprefix("\ufeff")
    assert block_signature(body(built)) == block_signature(body(text.removeprefix("\ufeff")))


@SETTINGS
@given(documents())
def test_pseudo_translation_reaches_every_unit_not_reported(text):
    page = parse_page(text, "p.md")
    lookup = {(u.msgctxt, u.msgid): Translation(f"\u2039{u.msgid}\u203a", False) for u in page.units}
    built = splice(page, lookup)
    kept = {p.line for p in built.problems}
    again = {u.msgid for u in parse_page(built.data.decode("utf-8"), "p.md").units}
    for u in page.units:
        if u.line not in kept:
            assert f"\u2039{u.msgid}\u203a" in again
