"""Coverage reports as text: table, JSON, CSV, Markdown, HTML and an SVG badge.

Every function takes coverages and returns a string; the command line
decides where it goes. A report is a mapping locale -> rows (pages,
sections or the locale itself) plus the locale's total.
"""

from __future__ import annotations

import csv
import html
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence

from .model import Coverage

Rows = Mapping[str, Sequence[Coverage]]
Totals = Mapping[str, Coverage]
Outdated = Mapping[str, Sequence[tuple[str, str]]]

HEAD = ("page", "total", "transl", "fuzzy", "untrans", "words", "w.transl", "%")
GREEN, AMBER, GREY = "#2da44e", "#d4a72c", "#d0d7de"


def row(c: Coverage) -> dict[str, object]:
    """One coverage as plain values (the JSON and CSV fields)."""
    return {
        "name": c.name,
        "total": c.total,
        "translated": c.translated,
        "fuzzy": c.fuzzy,
        "untranslated": c.untranslated,
        "obsolete": c.obsolete,
        "words": c.words_total,
        "words_translated": c.words_translated,
        "words_fuzzy": c.words_fuzzy,
        "percent": round(c.percent, 1),
        "words_percent": round(c.words_percent, 1),
    }


def _style(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _percent_code(p: float) -> str:
    return "32" if p >= 100 else "33" if p >= 50 else "31"


def table(rows: Rows, totals: Totals, by: str = "page", color: bool = False) -> str:
    """Aligned columns per locale, a TOTAL line last; ANSI colours when ``color``."""
    head = (by, *HEAD[1:])
    out = []
    for locale, items in rows.items():
        shown = [*items, _renamed(totals[locale], "TOTAL")] if by != "locale" else list(items)
        lines = [
            (c.name, c.total, c.translated, c.fuzzy, c.untranslated, c.words_total, c.words_translated, f"{c.percent:.1f}")
            for c in shown
        ]
        width = max([len(head[0])] + [_columns(str(r[0])) for r in lines])
        out.append(_style(f"{locale}:", "1", color))
        out.append(_style(_line(head, width), "1", color))
        for c, r in zip(shown, lines):
            codes = {3: "33" if c.fuzzy else "", 7: _percent_code(c.percent)}
            out.append(_line(r, width, codes if color else {}))
    return "\n".join(out)


def _line(cells: Sequence[object], width: int, codes: Mapping[int, str] | None = None) -> str:
    """Cells padded to their column (names left, numbers right), some coloured."""
    out = []
    for i, cell in enumerate(cells):
        text = f"{cell!s}{' ' * (width - _columns(str(cell)))}" if i == 0 else f"{cell!s:>{max(6, len(HEAD[i]))}}"
        code = (codes or {}).get(i)
        out.append(_style(text, code, True) if code else text)
    return "  ".join(out)


def _columns(text: str) -> int:
    """Terminal columns ``text`` takes: two for a wide (CJK) character, as in a page or folder name."""
    return len(text) + sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF") if not text.isascii() else len(text)


def _renamed(c: Coverage, name: str) -> Coverage:
    return Coverage(name, c.translated, c.fuzzy, c.untranslated, c.obsolete, c.words_total, c.words_translated, c.words_fuzzy)


def to_json(rows: Rows, totals: Totals, by: str = "page", outdated: Outdated | None = None) -> str:
    """Per locale its totals and its rows under ``pages``, ``sections`` or nothing more."""
    key = {"page": "pages", "section": "sections"}.get(by)
    out: dict[str, object] = {}
    for locale, items in rows.items():
        entry = row(totals[locale])
        if key:
            entry[key] = [row(c) for c in items]
        if outdated is not None:
            entry["outdated"] = [{"name": n, "why": why} for n, why in outdated.get(locale, ())]
        out[locale] = entry
    return json.dumps(out, indent=2, ensure_ascii=False)


def to_csv(rows: Rows, totals: Totals, by: str = "page") -> str:
    """One line per locale and row, with a header; the locale's total is the row named ``TOTAL``."""
    buf = io.StringIO()
    fields = ["locale", by, *list(row(Coverage("x")))[1:]]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(fields)
    for locale, items in rows.items():
        shown = [*items, _renamed(totals[locale], "TOTAL")] if by != "locale" else list(items)
        for c in shown:
            w.writerow([locale, *row(c).values()])
    return buf.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _blocks(c: Coverage, width: int = 10) -> str:
    done = round(width * c.translated / c.total) if c.total else width
    fuzzy = round(width * (c.translated + c.fuzzy) / c.total) - done if c.total else 0
    return "█" * done + "▒" * fuzzy + "░" * (width - done - fuzzy)


def markdown(rows: Rows, totals: Totals, by: str = "page", outdated: Outdated | None = None) -> str:
    """A GitHub-flavoured table per locale, for a pull-request comment."""
    out = ["## Translation coverage", ""]
    for locale, items in rows.items():
        t = totals[locale]
        out.append(
            f"### {locale}: {t.percent:.1f}% ({t.translated}/{t.total} messages, "
            f"{t.words_translated}/{t.words_total} words; {t.fuzzy} fuzzy)"
        )
        out.append("")
        if by != "locale":
            out.append(f"| {by} | progress | translated | fuzzy | untranslated | words | % |")
            out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
            for c in items:
                out.append(
                    f"| `{_md_cell(c.name)}` | {_blocks(c)} | {c.translated} | {c.fuzzy} | {c.untranslated} "
                    f"| {c.words_translated}/{c.words_total} | {c.percent:.1f} |"
                )
            out.append("")
        if outdated and outdated.get(locale):
            out.append(f"<details><summary>{len(outdated[locale])} outdated pages</summary>\n")
            out.extend(f"- `{_md_cell(n)}`: {why}" for n, why in outdated[locale])
            out.append("\n</details>\n")
    return "\n".join(out).rstrip("\n") + "\n"


def _bar(translated: int, fuzzy: int, total: int, label: str) -> str:
    if total == 0:
        parts = [(100.0, "t")]
    else:
        parts = [(100.0 * translated / total, "t"), (100.0 * fuzzy / total, "f"), (100.0 * (total - translated - fuzzy) / total, "u")]
    spans = "".join(f'<span class="{k}" style="width:{w:.2f}%"></span>' for w, k in parts if w > 0)
    return f'<div class="bar" role="img" aria-label="{html.escape(label)}">{spans}</div>'


_CSS = f"""
body{{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1f2328}}
h1{{font-size:1.5rem}} h2{{font-size:1.2rem;margin-top:2rem}}
table{{border-collapse:collapse;width:100%}}
th,td{{padding:.3rem .5rem;border-bottom:1px solid #d8dee4;text-align:right;white-space:nowrap}}
th:first-child,td:first-child{{text-align:left;overflow-wrap:anywhere;min-width:12rem}}
td:first-child{{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}}
th{{background:#f6f8fa;white-space:normal}}
.wrap{{overflow-x:auto}}
th[data-sort]{{cursor:pointer}} th[aria-sort=ascending]::after{{content:" ▲"}} th[aria-sort=descending]::after{{content:" ▼"}}
td.bars{{width:24%;min-width:8rem}}
.bar{{display:flex;height:.8rem;border-radius:3px;overflow:hidden;background:{GREY};margin:.15rem 0}}
.bar span{{display:block;height:100%}}
.t{{background:{GREEN}}} .f{{background:{AMBER}}} .u{{background:{GREY}}}
.key span{{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;vertical-align:middle;margin:0 .25rem 0 .75rem}}
tr.total td{{font-weight:600;border-top:2px solid #8c959f}}
small{{color:#59636e}}
"""

_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.dataset.sort = "1";
    th.tabIndex = 0;
    var go = function () {
      var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
      var down = th.getAttribute("aria-sort") !== "descending";
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", down ? "descending" : "ascending");
      var key = function (r) { var c = r.cells[col]; return c.dataset.value !== undefined ? parseFloat(c.dataset.value) : c.textContent; };
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), r = typeof x === "number" ? x - y : String(x).localeCompare(String(y));
        return down ? -r : r;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    };
    th.addEventListener("click", go);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter") go(); });
  });
});
"""


def _html_row(c: Coverage, locale: str, name: str, css: str = "") -> str:
    label = f"{locale} {name}"
    bars = _bar(c.translated, c.fuzzy, c.total, f"{label}: {c.translated} of {c.total} messages translated, {c.fuzzy} fuzzy")
    bars += _bar(
        c.words_translated, c.words_fuzzy, c.words_total, f"{label}: {c.words_translated} of {c.words_total} words translated"
    )
    cells = [
        f'<td data-value="{c.percent:.3f}" class="bars">{bars}</td>',
        f'<td data-value="{c.percent:.3f}">{c.percent:.1f}%</td>',
        f'<td data-value="{c.words_percent:.3f}">{c.words_percent:.1f}%</td>',
        f'<td data-value="{c.translated}">{c.translated}</td>',
        f'<td data-value="{c.fuzzy}">{c.fuzzy}</td>',
        f'<td data-value="{c.untranslated}">{c.untranslated}</td>',
        f'<td data-value="{c.total}">{c.total}</td>',
        f'<td data-value="{c.words_total}">{c.words_total}</td>',
    ]
    cls = f' class="{css}"' if css else ""
    return f"<tr{cls}><td>{html.escape(name)}</td>{''.join(cells)}</tr>"


def to_html(rows: Rows, totals: Totals, by: str = "section", title: str = "Translation coverage", outdated: Outdated | None = None) -> str:
    """One self-contained page: a table of bars per locale, sortable when scripts run."""
    head = (
        f"<tr><th>{html.escape(by)}</th><th>messages / words</th><th>messages %</th><th>words %</th>"
        "<th>translated</th><th>fuzzy</th><th>untranslated</th><th>messages</th><th>words</th></tr>"
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        '<p class="key"><span class="t"></span>translated<span class="f"></span>fuzzy (needs review)'
        '<span class="u"></span>untranslated <small>— top bar: messages, bottom bar: words</small></p>',
    ]
    for locale, items in rows.items():
        t = totals[locale]
        parts.append(
            f'<h2 id="{html.escape(locale)}">{html.escape(locale)}: {t.percent:.1f}% '
            f"<small>({t.translated}/{t.total} messages, {t.words_translated}/{t.words_total} words, {t.fuzzy} fuzzy)</small></h2>"
        )
        body = "".join(_html_row(c, locale, c.name) for c in items) if by != "locale" else ""
        foot = _html_row(t, locale, "TOTAL", "total")
        parts.append(
            f'<div class="wrap"><table class="sortable"><thead>{head}</thead><tbody>{body}</tbody><tfoot>{foot}</tfoot></table></div>'
        )
        if outdated and outdated.get(locale):
            items_html = "".join(f"<li><code>{html.escape(n)}</code>: {html.escape(w)}</li>" for n, w in outdated[locale])
            parts.append(f"<details><summary>{len(outdated[locale])} outdated pages</summary><ul>{items_html}</ul></details>")
    parts.append(f"<script>{_JS}</script></body></html>")
    return "\n".join(parts) + "\n"


def _text_width(text: str) -> int:
    """Approximate width in pixels of Verdana 11px, as badge services measure it."""
    return int(sum(7.5 if c.isupper() or c in "%mwMW" else 4 if c in "ilj.:, 1" else 6.5 for c in text)) + 10


def badge(label: str, percent: float) -> str:
    """A shields-style SVG badge, e.g. ``zh_CN | 73%``; colour by how complete."""
    value = f"{percent:.0f}%"
    color = GREEN if percent >= 90 else AMBER if percent >= 50 else "#cf222e"
    lw, vw = _text_width(label), _text_width(value)
    w = lw + vw
    esc = html.escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" aria-label="{esc}: {value}">'
        f"<title>{esc}: {value}</title>"
        f'<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
        f'<stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<clipPath id="r"><rect width="{w}" height="20" rx="3" fill="#fff"/></clipPath>'
        f'<g clip-path="url(#r)"><rect width="{lw}" height="20" fill="#555"/>'
        f'<rect x="{lw}" width="{vw}" height="20" fill="{color}"/><rect width="{w}" height="20" fill="url(#s)"/></g>'
        f'<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{lw / 2:.1f}" y="14">{esc}</text><text x="{lw + vw / 2:.1f}" y="14">{value}</text></g></svg>\n'
    )
