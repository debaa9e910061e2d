"""Run a peer tool over the benchmark's pages, one page a task on ``jobs`` processes.

Runs inside the peer's own virtual environment (bench/.venv-peers/NAME):

    peers.py mdpo|translate-toolkit extract|fill|build SOURCE OUT JOBS

extract writes OUT/po/<page>.po; fill translates every message (pseudo,
untimed by the bench); build writes OUT/md/<page> from the page and its PO.
"""

from __future__ import annotations

import contextlib
import io
import sys
from multiprocessing import Pool
from pathlib import Path

import polib


def _quiet(fn, *args, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return fn(*args, **kwargs)


def _guarded(job: tuple) -> bool:
    """Run one page; False when the tool fails on it (counted, not fatal)."""
    stage, rest = job[0], job[1:]
    try:
        {"extract": extract, "fill": fill, "build": build}[stage](rest)
        return True
    except Exception:  # the peer's own bug on this page
        return False


def extract(job: tuple[str, str, str]) -> None:
    name, page, po = job
    Path(po).parent.mkdir(parents=True, exist_ok=True)
    if name == "mdpo":
        from mdpo.md2po import markdown_to_pofile

        _quiet(markdown_to_pofile, page, po_filepath=po, save=True)
    else:
        from translate.convert import md2po

        _quiet(md2po.main, ["--progress=none", "-i", page, "-o", po])


def fill(job: tuple[str, str, str]) -> None:
    _, _, po_path = job
    if not Path(po_path).is_file():
        return
    po = polib.pofile(po_path)
    for e in po:
        if not e.obsolete:
            e.msgstr, e.flags = f"\u2039{e.msgid}\u203a", []
    po.save()


def build(job: tuple[str, str, str, str]) -> None:
    name, page, po, out = job
    if not Path(po).is_file():
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    if name == "mdpo":
        from mdpo.po2md import pofile_to_markdown

        _quiet(pofile_to_markdown, page, po, save=out)
    else:
        from translate.convert import po2md

        _quiet(po2md.main, ["--progress=none", "-i", po, "-t", page, "-o", out])


def main() -> None:
    name, stage, source, out, jobs = sys.argv[1], sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), int(sys.argv[5])
    pages = sorted(source.rglob("*.md"))
    po = [str(out / "po" / p.relative_to(source).with_suffix(".po")) for p in pages]
    if stage == "build":
        md = [str(out / "md" / p.relative_to(source)) for p in pages]
        jobs_ = [(stage, name, str(p), q, m) for p, q, m in zip(pages, po, md)]
    else:
        jobs_ = [(stage, name, str(p), q) for p, q in zip(pages, po)]
    with Pool(jobs) as pool:
        ok = pool.map(_guarded, jobs_, chunksize=8)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"failed-{stage}.txt").write_text(f"{ok.count(False)}\n")

if __name__ == "__main__":
    main()
