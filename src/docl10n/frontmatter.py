"""Front matter: split it off, find translatable values, write them back in place.

YAML positions come from PyYAML's composer (every scalar node knows where
it starts and ends), TOML and JSON values are located by a small scanner and
confirmed against the standard library's parsers. Writing replaces only the
value's own characters, quoting as the syntax requires, and the result is
parsed again before it is accepted.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator

import yaml

from .model import Docl10nError, FrontMatter, Keys, Span, Unit

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: same nodes and marks, ~10x faster

FENCES = {"---": "yaml", "+++": "toml"}
LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
BLANK_LINES = re.compile(r"(?:[ \t]*(?:\r\n|\r|\n))*")
NEVER = frozenset({"link", "icon", "aliases", "weight", "keywords", "layout", "url", "slug", "type", "image"})


def split(text: str, path: str) -> FrontMatter | None:
    """Find the front matter block at the top of a page, if any, where Hugo finds it.

    As Hugo's page lexer: blank lines may come before the opening fence,
    and the first line that *starts* with the same fence closes it. What
    follows the closing fence on its line (a fourth ``-``, say) is not
    front matter but the start of the body, unless it is only spaces.
    """
    lead = BLANK_LINES.match(text).end()
    first = LINE.match(text, lead)
    fence = first.group().rstrip("\r\n").rstrip(" \t")
    if fence in FENCES:
        pos = first.end()
        for m in LINE.finditer(text, pos):
            if m.start() == m.end():
                break
            line = m.group()
            if line.startswith(fence):
                rest = line[3:].rstrip("\r\n")
                end = m.end() if not rest.strip(" \t") else m.start() + 3
                return FrontMatter(FENCES[fence], Span(0, end), Span(first.end(), m.start()))
        raise Docl10nError(path, _line_of(text, lead), f"front matter opened with {fence} is never closed")
    if re.match(r'\{\s*["}]', text):  # not a page opening with a {{< shortcode >}}
        try:
            _, end = json.JSONDecoder().raw_decode(text)
        except json.JSONDecodeError as exc:
            raise Docl10nError(path, exc.lineno, f"invalid JSON front matter: {exc.msg}") from None
        nl = LINE.match(text, end)
        return FrontMatter("json", Span(0, nl.end() if nl else end), Span(0, end))
    return None


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) - text.count("\r\n", 0, pos) + text.count("\r", 0, pos) + 1


def units(text: str, fm: FrontMatter, path: str, keys: Keys = Keys()) -> list[Unit]:
    """Units for the translatable values of the front matter, in page order."""
    finder = {"yaml": _yaml_values, "toml": _toml_values, "json": _json_values}[fm.syntax]
    found, seen = [], set()
    for key, start, end, value, block in finder(text, fm, path, keys):
        if start in seen:  # a YAML alias (*a) or merge (<<) reuses its anchor's value: one unit, there
            continue
        seen.add(start)
        msgid = " ".join(value.split())
        if not msgid:
            continue
        field = str(key[-1])
        if not any(isinstance(k, int) for k in key):
            kind = f"front matter {'.'.join(key)}"
        else:
            list_name = ".".join(str(k) for k in key[:-2])
            kind = f"card {field} ({list_name})"
        indent = ""
        if block:
            line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
            indent = text[line_start:start]
        found.append(
            Unit(msgid, kind, _line_of(text, start), Span(start, end), prefix=indent, inline=not block, key=key)
        )
    return found


# -- YAML ---------------------------------------------------------------------


def _yaml_root(text: str, fm: FrontMatter, path: str) -> yaml.Node | None:
    body = text[fm.body.start : fm.body.end]
    try:
        try:
            return yaml.compose(body, Loader=SAFE_LOADER)
        except yaml.YAMLError:
            return yaml.compose(body, Loader=yaml.SafeLoader)  # its messages and marks are the ones users see
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = _line_of(text, fm.body.start) + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, where = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and where is not None and mark is not None and where.line != mark.line:
            problem += f" ({context} at line {_line_of(text, fm.body.start) + where.line})"
        raise Docl10nError(path, line, f"invalid YAML front matter: {problem}") from None


def _yaml_values(text: str, fm: FrontMatter, path: str, keys: Keys) -> Iterator[tuple]:
    root = _yaml_root(text, fm, path)
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        raise Docl10nError(path, _line_of(text, fm.body.start), "YAML front matter is not a mapping")
    base = fm.body.start
    yield from _yaml_walk(text, root, (), base, keys)


YAML_PROPERTIES = re.compile(r"(?:[&!]\S*[ \t]+)+")  # an anchor (&a) or tag (!!str) before a value


def _yaml_scalar(text: str, node: yaml.ScalarNode, base: int) -> tuple[int, int]:
    start, end = base + node.start_mark.index, base + node.end_mark.index
    if m := YAML_PROPERTIES.match(text, start, end):  # translate the value, keep its anchor
        start = m.end()
    if node.style in ("|", ">"):
        nl = LINE.match(text, start)
        start = nl.end()
        content = text[start:end].rstrip(" \t\r\n")
        start += len(content) - len(content.lstrip(" \t\r\n"))
        end = start + len(content.strip(" \t\r\n"))
    return start, end


def _yaml_walk(text: str, node: yaml.MappingNode, key: tuple, base: int, keys: Keys) -> Iterator[tuple]:
    for k, v in node.value:
        name = k.value if isinstance(k, yaml.ScalarNode) else None
        if not isinstance(name, str) or name in NEVER:
            continue
        here = (*key, name)
        if isinstance(v, yaml.ScalarNode) and v.tag == "tag:yaml.org,2002:str":
            if ".".join(map(str, here)) in keys.scalars:  # "title", or a nested "params.subtitle"
                yield (here, *_yaml_scalar(text, v, base), v.value, v.style in ("|", ">"))
        elif isinstance(v, yaml.MappingNode):
            yield from _yaml_walk(text, v, here, base, keys)
        elif isinstance(v, yaml.SequenceNode) and _is_card_list(v, keys):
            for i, item in enumerate(v.value):
                for ck, cv in item.value:
                    if (
                        isinstance(ck, yaml.ScalarNode)
                        and ck.value in keys.card_fields
                        and isinstance(cv, yaml.ScalarNode)
                        and cv.tag == "tag:yaml.org,2002:str"
                    ):
                        yield ((*here, i, ck.value), *_yaml_scalar(text, cv, base), cv.value, cv.style in ("|", ">"))


def _is_card_list(seq: yaml.SequenceNode, keys: Keys) -> bool:
    items = seq.value
    return bool(items) and all(
        isinstance(i, yaml.MappingNode)
        and any(isinstance(k, yaml.ScalarNode) and k.value in keys.card_fields for k, _ in i.value)
        for i in items
    )


PLAIN_UNSAFE = re.compile(r"^[\s\-?:,\[\]{}#&*!|>'\"%@`]|: | #|\s$|^$|[\x00-\x1f\x7f]")


def _yaml_encode(original: str, value: str, prefix: str) -> str:
    if not original.startswith(("'", '"')) and prefix == "" and not PLAIN_UNSAFE.search(value):
        candidate = value
    elif original.startswith("'") and "\n" not in value and "'" not in value:
        candidate = f"'{value}'"
    else:
        candidate = json.dumps(value, ensure_ascii=False)
    if prefix:  # block scalar content: keep the block, indent new lines
        return value.replace("\n", "\n" + prefix)
    try:
        ok = yaml.load(f"k: {candidate}", Loader=SAFE_LOADER) == {"k": value}
    except yaml.YAMLError:
        ok = False
    return candidate if ok else json.dumps(value, ensure_ascii=False)


# -- TOML ---------------------------------------------------------------------

TOML_TABLE = re.compile(r"^[ \t]*(\[\[?)[ \t]*([A-Za-z0-9_.\"' -]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$")
TOML_PAIR = re.compile(r"^[ \t]*([A-Za-z0-9_-]+|\"[^\"]*\")[ \t]*=[ \t]*")
TOML_STRING = re.compile(r'"(?:[^"\\\r\n]|\\.)*"|\'[^\'\r\n]*\'')


def _toml_values(text: str, fm: FrontMatter, path: str, keys: Keys) -> Iterator[tuple]:
    body = text[fm.body.start : fm.body.end]
    try:
        data = tomllib.loads(body.replace("\r\n", "\n"))
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11's error has no lineno: its message ends "(at line 2, column 12)" or "(at end of document)"
        at = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        line = _line_of(text, fm.body.start) + int(at.group(1)) - 1 if at else _line_of(text, fm.body.end)
        raise Docl10nError(path, line, f"invalid TOML front matter: {str(exc).split(' (at')[0]}") from None
    table: tuple = ()
    counters: dict[tuple, int] = {}
    inside_until = 0  # end of a multi-line string: its lines are not keys or tables
    for m in LINE.finditer(text, fm.body.start):
        if m.start() >= fm.body.end:
            break
        if m.start() < inside_until:
            continue
        line = m.group().rstrip("\r\n")
        if t := TOML_TABLE.match(line):
            name = tuple(p.strip().strip("\"'") for p in t.group(2).split("."))
            if t.group(1) == "[[":
                counters[name] = counters.get(name, -1) + 1
                table = (*name, counters[name])
            else:
                table = name
            continue
        pair = TOML_PAIR.match(line)
        if not pair:
            continue
        key = pair.group(1).strip('"')
        start = m.start() + pair.end()
        if (quotes := text[start : start + 3]) in ('"""', "'''"):
            close = _multiline_end(text, start, quotes, fm.body.end)
            if close is None:
                continue
            inside_until, span = close, (start, close)
        elif s := TOML_STRING.match(line, pair.end()):
            span = (m.start() + s.start(), m.start() + s.end())
        else:
            continue
        wanted = ".".join(map(str, (*table, key))) in keys.scalars or (
            table and isinstance(table[-1], int) and key in keys.card_fields
        )
        here = (*table, key)
        value = _lookup(data, here)
        if wanted and isinstance(value, str) and here[0] not in NEVER:
            yield (here, *span, value, False)


def _multiline_end(text: str, start: int, quotes: str, limit: int) -> int | None:
    """Where a TOML multi-line string opened at ``start`` ends (after its closing quotes)."""
    pos = start + 3
    while (pos := text.find(quotes, pos, limit)) != -1:
        if quotes == "'''" or (len(text[:pos]) - len(text[:pos].rstrip("\\"))) % 2 == 0:
            end = pos + 3
            while text[end : end + 1] == quotes[0] and end - pos < 5:  # up to two quotes may end the content
                end += 1
            return end
        pos += 1
    return None


def _lookup(data: object, key: tuple) -> object:
    for k in key:
        try:
            data = data[k]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _toml_encode(original: str, value: str) -> str:
    if original.startswith("'") and "'" not in value and not re.search(r"[\x00-\x1f\x7f]", value):
        return f"'{value}'"
    return json.dumps(value, ensure_ascii=False)


# -- JSON ---------------------------------------------------------------------


def _json_values(text: str, fm: FrontMatter, path: str, keys: Keys) -> Iterator[tuple]:
    data = json.loads(text[fm.body.start : fm.body.end])
    if not isinstance(data, dict):
        raise Docl10nError(path, 1, "JSON front matter is not an object")
    for key, start, end in _json_strings(text, fm.body.start):
        value = _lookup(data, key)
        if not isinstance(value, str) or any(k in NEVER for k in key if isinstance(k, str)):
            continue
        if len(key) == 1 and key[0] in keys.scalars:
            yield (key, start, end, value, False)
        elif len(key) >= 3 and isinstance(key[-2], int) and key[-1] in keys.card_fields:
            items = _lookup(data, key[:-2])
            if isinstance(items, list) and all(isinstance(i, dict) for i in items):
                yield (key, start, end, value, False)


JSON_SPACE = re.compile(r"[ \t\r\n]*")


def _json_strings(text: str, pos: int) -> Iterator[tuple[tuple, int, int]]:
    """Every string value of a JSON document with its key path and exact position."""
    decoder = json.JSONDecoder()

    def value(pos: int, key: tuple) -> Iterator[tuple]:
        pos = JSON_SPACE.match(text, pos).end()
        ch = text[pos]
        if ch == "{":
            pos = JSON_SPACE.match(text, pos + 1).end()
            if text[pos] == "}":
                return pos + 1
            while True:
                name, pos = json.decoder.scanstring(text, JSON_SPACE.match(text, pos).end() + 1)
                pos = JSON_SPACE.match(text, pos).end() + 1  # the colon
                pos = yield from value(pos, (*key, name))
                pos = JSON_SPACE.match(text, pos).end()
                if text[pos] == "}":
                    return pos + 1
                pos += 1  # the comma
        if ch == "[":
            pos = JSON_SPACE.match(text, pos + 1).end()
            if text[pos] == "]":
                return pos + 1
            i = 0
            while True:
                pos = yield from value(pos, (*key, i))
                pos = JSON_SPACE.match(text, pos).end()
                if text[pos] == "]":
                    return pos + 1
                pos, i = pos + 1, i + 1
        if ch == '"':
            _, end = json.decoder.scanstring(text, pos + 1)
            yield (key, pos, end)
            return end
        _, end = decoder.raw_decode(text, pos)
        return end

    yield from value(pos, ())


# -- writing ------------------------------------------------------------------


def encode(syntax: str, original: str, value: str, prefix: str) -> str:
    """The text that replaces ``original`` so the value reads back as ``value``."""
    if syntax == "yaml":
        return _yaml_encode(original, value, prefix)
    if syntax == "toml":
        return _toml_encode(original, value)
    return json.dumps(value, ensure_ascii=False)


def values(text: str, fm: FrontMatter, path: str, keys: Keys = Keys()) -> dict[tuple, str]:
    """Translatable values by key, as the syntax's own parser reads them."""
    return {u.key: u.msgid for u in units(text, fm, path, keys)}


def set_flag(text: str, fm: FrontMatter, name: str, eol: str) -> str:
    """Set ``name`` to true in the front matter, adding the key when absent."""
    body = text[fm.body.start : fm.body.end]
    if fm.syntax == "json":
        m = re.search(r'"' + re.escape(name) + r'"\s*:\s*(true|false|"[^"]*")', body)
        if m:
            return text[: fm.body.start + m.start(1)] + "true" + text[fm.body.start + m.end(1) :]
        close = text.rfind("}", 0, fm.body.end)
        head = text[:close].rstrip()
        sep = "" if head.endswith("{") else ","
        return f'{head}{sep}{eol}  "{name}": true{eol}' + text[close:]
    pattern = (
        rf"^({re.escape(name)}[ \t]*:[ \t]*)([^\r\n#]*?)([ \t]*(?:#[^\r\n]*)?)$"
        if fm.syntax == "yaml"
        else rf"^({re.escape(name)}[ \t]*=[ \t]*)([^\r\n#]*?)([ \t]*(?:#[^\r\n]*)?)$"
    )
    m = re.search(pattern, body, re.MULTILINE)
    if m:
        start, end = fm.body.start + m.start(2), fm.body.start + m.end(2)
        return text[:start] + "true" + text[end:]
    line = f"{name}: true" if fm.syntax == "yaml" else f"{name} = true"
    at = fm.body.end
    if fm.syntax == "toml" and (t := re.search(r"^[ \t]*\[", body, re.MULTILINE)):
        at = fm.body.start + t.start()
    if at > 0 and text[at - 1] not in "\r\n":
        line = eol + line
    return text[:at] + line + eol + text[at:]
