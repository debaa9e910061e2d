"""A large, realistic site for the benchmark: the corpus pages replicated with varied text.

Each copy keeps every page's Markdown structure and front matter but swaps
body words for others of the same length, so copies are not duplicates
(translation memory and caches cannot short-circuit the work).
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

WORD = re.compile(r"(?<![\w/.#{<-])[A-Za-z]{4,}(?![\w/(.}>-])")
FENCE = re.compile(r"^\s*(```|~~~)")


def corpus_pages(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*.md") if p.parent != corpus)


def _vocabulary(pages: list[Path]) -> dict[int, list[str]]:
    by_len: dict[int, set[str]] = {}
    for p in pages:
        for w in WORD.findall(p.read_text(encoding="utf-8")):
            by_len.setdefault(len(w), set()).add(w.lower())
    return {n: sorted(ws) for n, ws in by_len.items()}


def _vary(text: str, rng: random.Random, vocab: dict[int, list[str]], share: float) -> str:
    """Swap a share of the body's prose words; front matter and code stay as they are."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0].strip() in ("---", "+++"):
        fence = lines[0].strip()
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == fence), 0)
    in_code = False

    def swap(m: re.Match) -> str:
        w = m.group()
        if rng.random() >= share:
            return w
        new = rng.choice(vocab[len(w)])
        return new.capitalize() if w[0].isupper() else new

    for i in range(start, len(lines)):
        if FENCE.match(lines[i]):
            in_code = not in_code
            continue
        if in_code or lines[i].startswith(("    ", "\t", "<", "{{")):
            continue
        lines[i] = WORD.sub(swap, lines[i])
    return "\n".join(lines)


def make_site(corpus: Path, dest: Path, copies: int, seed: int = 1) -> tuple[int, int]:
    """Write ``copies`` varied copies of the corpus under ``dest/source``; (pages, bytes)."""
    pages = corpus_pages(corpus)
    vocab = _vocabulary(pages)
    source = dest / "source"
    if source.exists():
        shutil.rmtree(source)
    n = size = 0
    for k in range(copies):
        rng = random.Random(seed * 1000 + k)
        for p in pages:
            text = p.read_text(encoding="utf-8")
            out = source / f"part{k:02d}" / p.relative_to(corpus)
            out.parent.mkdir(parents=True, exist_ok=True)
            data = (text if k == 0 else _vary(text, rng, vocab, 0.3)).encode("utf-8")
            out.write_bytes(data)
            n, size = n + 1, size + len(data)
    return n, size


def edit_paragraphs(source: Path, share: float, seed: int = 2) -> int:
    """Change one word in ``share`` of the prose paragraphs; how many were changed."""
    rng = random.Random(seed)
    edited = 0
    for p in sorted(source.rglob("*.md")):
        text = p.read_text(encoding="utf-8")
        blocks = text.split("\n\n")
        changed = False
        for i, b in enumerate(blocks):
            if i == 0 or b.lstrip().startswith(("```", "{{", "<", "|", "#", "---", "+++", "    ")):
                continue
            words = list(WORD.finditer(b))
            if len(words) < 5 or rng.random() >= share:
                continue
            m = words[len(words) // 2]
            blocks[i] = b[: m.start()] + m.group() + "s" + b[m.end() :]
            edited, changed = edited + 1, True
        if changed:
            p.write_text("\n\n".join(blocks), encoding="utf-8")
    return edited
