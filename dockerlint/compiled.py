"""The knowledge tables and rule documents, compiled at build time so that start-up reads no TOML.

Sources (the single source of truth, in the repository's `rules/`, shipped in the wheel as
`dockerlint/_rules/`): `knowledge/*.toml`, `knowledge/image_history.json` and the front matter
of `DKL*.md`.  Parsing them with tomllib at every start cost more than linting a file (images.toml
alone about 50 ms); the build (hatch_build.py, run by `pip install` and `pip install -e .`, or
`python -m dockerlint.compiled`) writes them once as marshal data to
`dockerlint/_compiled/tables.bin`, with a digest of the sources.

At run time `table(name)` returns the compiled table when the digest matches the sources it sits
next to, and otherwise parses the sources (an editable checkout whose rules/ changed since the
last build), so the answer is always the sources'.  Nothing is read at import time.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

_HERE = os.path.dirname(os.path.abspath(__file__))
COMPILED = os.path.join(_HERE, "_compiled", "tables.bin")
_FORMAT = 1  # bump when the layout of tables.bin changes


def rules_dir() -> str:
    """The rules folder: `dockerlint/_rules` in an installed wheel, else the repository's `rules/`."""
    installed = os.path.join(_HERE, "_rules")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(_HERE), "rules")


def _sources(root: str) -> list[tuple[str, str]]:
    """(table name, path) of every compiled source, in a fixed order."""
    know = os.path.join(root, "knowledge")
    out = []
    for name in sorted(os.listdir(know)) if os.path.isdir(know) else []:
        stem, ext = os.path.splitext(name)
        if ext == ".toml" or (ext == ".json" and stem != "debian"):
            out.append((stem, os.path.join(know, name)))
    docs = sorted(n for n in os.listdir(root) if n.startswith("DKL") and n.endswith(".md")) if os.path.isdir(root) else []
    out.extend((f"rule:{n[:-3]}", os.path.join(root, n)) for n in docs)
    return out


def _digest(sources: list[tuple[str, str]]) -> int:
    crc = 0
    for name, path in sources:
        crc = zlib.crc32(name.encode(), crc)
        with open(path, "rb") as fh:
            crc = zlib.crc32(fh.read(), crc)
    return crc


def parse_source(name: str, path: str):
    """One source as data: a TOML/JSON table, or a rule document's (front matter, body)."""
    if name.startswith("rule:"):
        from .catalog import split_document

        with open(path, encoding="utf-8") as fh:
            return split_document(fh.read(), path)
    if path.endswith(".json"):
        import json

        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def build(out: str = COMPILED, root: str | None = None) -> str:
    """Compile every source under `root` into `out` (marshal: format, digest, {name: data})."""
    root = root or rules_dir()
    sources = _sources(root)
    data = {name: parse_source(name, path) for name, path in sources}
    os.makedirs(os.path.dirname(out), exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "wb") as fh:
        marshal.dump((_FORMAT, _digest(sources), data), fh)
    os.replace(tmp, out)
    return out


_CACHE: dict | None = None


def _load() -> dict:
    global _CACHE
    if _CACHE is None:
        _CACHE = {}
        root = rules_dir()
        try:
            with open(COMPILED, "rb") as fh:
                fmt, digest, data = marshal.load(fh)
        except (OSError, ValueError, EOFError, TypeError):
            return _CACHE
        # An installed wheel's compiled tables were built from the very files beside them; a
        # repository checkout may have changed rules/ since: compare the digest there.
        if fmt == _FORMAT and (root.endswith("_rules") or digest == _digest(_sources(root))):
            _CACHE = data
    return _CACHE


def table(name: str):
    """The compiled data of source `name` ("images", "packages", "rule:DKL201" …); parsed from
    the source when there is no up-to-date compiled copy.  Raises KeyError for an unknown name."""
    data = _load()
    if name in data:
        return data[name]
    for n, path in _sources(rules_dir()):
        if n == name:
            value = parse_source(n, path)
            data[n] = value
            return value
    raise KeyError(name)


def rule_names() -> list[str]:
    """The rule documents there are ("DKL001", …), in code order."""
    return [n[5:] for n, _p in _sources(rules_dir()) if n.startswith("rule:")]


def main(argv: list[str]) -> int:
    print(build(argv[0] if argv else COMPILED))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
