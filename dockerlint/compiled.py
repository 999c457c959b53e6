"""The knowledge tables and rule documents, compiled at build time so that start-up reads no TOML.

Sources (the single source of truth, in the repository's `rules/`, shipped in the wheel as
`dockerlint/_rules/`): `knowledge/*.toml`, `knowledge/*.json` (image_history, the Debian index
`debian`), the Debian/Ubuntu release files `knowledge/debian/RELEASE.json` (tables
`debian/RELEASE`) and the front matter of `DKL*.md`.  Parsing them with tomllib at every start cost more than linting a file (images.toml
alone about 50 ms); the build (hatch_build.py, run by `pip install` and `pip install -e .`, or
`python -m dockerlint.compiled`) writes them once as marshal data to `dockerlint/_compiled/`:

    <table>.bin   one knowledge table (`images.bin`, `packages.bin`, …)
    debian/<release>.bin  one release's packages and dependency graph
    rules.bin     every rule document, {"rule:DKL001": (front matter, body), …}: the catalog
                  reads them all together

each holding (format, digest of its own sources, data, stamp of the sources: their sizes and
modification times); a table of _KEYED is stored as
{key: marshal bytes of its value} and read back as a `Keyed` mapping that decodes on access.
Each top-level mapping of a `debian/` table is stored as one bytes object, a hash table of
buckets (see `pack`), and read back as a `Packed` mapping that decodes only the buckets of the
keys asked for: a release's graph and package list are 14,000 entries, of which a run reads
tens to a few hundred (as JSON, bookworm's file alone took 22 ms to decode; keyed, 4 ms).  One file per table because a run
reads only the tables its file needs (a small alpine file: images, toolchains, packages and the
rule documents), and one marshal.load of everything cost more than the lint.

At run time `table(name)` returns the compiled table when the digest matches the sources it sits
next to (in a checkout; an installed wheel's tables are its sources'); when the sources' sizes and
modification times are those recorded, as make would judge, it does not read them to compute the
digest (bookworm's file is 1 MB: the digests cost 2.5 ms of a run); in a checkout whose rules/ changed since the last build it rebuilds that table's file
(or, where it cannot write, parses the sources it needs), so the answer is always the sources'.
Nothing is read at import time.  `_CACHE` holds the tables read so far, by name.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

_HERE = os.path.dirname(os.path.abspath(__file__))
COMPILED = os.path.join(_HERE, "_compiled")
_FORMAT = 4  # bump when the layout of the compiled files changes
_RULES = "rules"  # the group (and file stem) of the rule documents
_LEGACY = "tables.bin"  # format 1: every table in one file; removed by build()
# Tables read one top-level key at a time: each key's value is marshalled on its own, so that a
# run decodes only the entries it asks for (image_history: one image of 34, the largest 25 KB).
_KEYED = frozenset({"image_history"})
# Tables whose top-level mappings are each stored packed (see Packed): the Debian release files.
_PACKED_PREFIX = "debian/"
# Tables with a list of entries stored one entry at a time (see Entries): {table: (key of the
# list, keys of each entry also stored apart, readable without decoding the entry)}.  A run
# looks up one or two of its images, and decoding them all was 0.7 ms of every run.
_LISTED = {"images": ("image", ("names", "name_patterns"))}


def rules_dir() -> str:
    """The rules folder: `dockerlint/_rules` in an installed wheel, else the repository's `rules/`."""
    installed = os.path.join(_HERE, "_rules")
    return installed if os.path.isdir(installed) else os.path.join(os.path.dirname(_HERE), "rules")


def _knowledge_sources(root: str) -> list[tuple[str, str]]:
    know = os.path.join(root, "knowledge")
    out = []
    for name in sorted(os.listdir(know)) if os.path.isdir(know) else []:
        stem, ext = os.path.splitext(name)
        if ext in (".toml", ".json"):
            out.append((stem, os.path.join(know, name)))
    releases = os.path.join(know, "debian")
    for name in sorted(os.listdir(releases)) if os.path.isdir(releases) else []:
        if name.endswith(".json"):
            out.append((f"debian/{name[:-5]}", os.path.join(releases, name)))
    return out


def _rule_sources(root: str) -> list[tuple[str, str]]:
    docs = sorted(n for n in os.listdir(root) if n.startswith("DKL") and n.endswith(".md")) if os.path.isdir(root) else []
    return [(f"rule:{n[:-3]}", os.path.join(root, n)) for n in docs]


def _sources(root: str) -> list[tuple[str, str]]:
    """(table name, path) of every compiled source, in a fixed order."""
    return _knowledge_sources(root) + _rule_sources(root)


def _group(name: str) -> str:
    """The compiled file (stem) that holds table `name`."""
    return _RULES if name.startswith("rule:") else name


def _group_sources(root: str, group: str) -> list[tuple[str, str]]:
    """(table name, path) of the sources one compiled file is built from; [] for an unknown group."""
    if group == _RULES:
        return _rule_sources(root)
    # the paths _knowledge_sources would list for this name, looked up instead of listed: a run
    # asks for five to ten groups
    know = os.path.join(root, "knowledge")
    if group.startswith(_PACKED_PREFIX):
        paths = [os.path.join(know, "debian", f"{group[len(_PACKED_PREFIX):]}.json")]
    else:
        paths = [os.path.join(know, group + ext) for ext in (".json", ".toml")]  # listing order
    return [(group, p) for p in paths if os.path.isfile(p)]


def _groups(sources: list[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for name, path in sources:
        out.setdefault(_group(name), []).append((name, path))
    return out


def _stamp(sources: list[tuple[str, str]]) -> tuple | None:
    """(size, mtime in ns) of each source, in order; None when one cannot be read."""
    try:
        return tuple((st.st_size, st.st_mtime_ns) for st in (os.stat(p) for _n, p in sources))
    except OSError:
        return None


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


def compiled_path(group: str, out: str | None = None) -> str:
    """The compiled file of `group` ("images", "rules", …) in folder `out` (default: COMPILED)."""
    return os.path.join(out or COMPILED, f"{group}.bin")


class Keyed(dict):
    """A table of _KEYED as read from its compiled file: {key: marshal bytes}, each value decoded
    on first access.  Read it as a mapping (`[key]`, `.get`, `in`, iteration); `dict(t.items())`
    gives the plain table."""

    __slots__ = ()

    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        if type(value) is bytes:
            value = marshal.loads(value)
            dict.__setitem__(self, key, value)
        return value

    def get(self, key, default=None):
        return self[key] if key in self else default

    def values(self):
        return [self[k] for k in self]

    def items(self):
        return [(k, self[k]) for k in self]

    def __eq__(self, other):
        return isinstance(other, dict) and dict(self.items()) == dict(other.items() if isinstance(other, Keyed)
                                                                          else other)

    __hash__ = None  # type: ignore[assignment]


class Entries:
    """A list of mappings of a _LISTED table as read from its compiled file: [(head, marshal
    bytes of the entry)], each entry decoded on first access; `head(i)` is the mapping of the
    entry's keys stored apart (_LISTED), read without decoding the entry.  Read it as a list
    (`[i]`, `len`, iteration, `in`); it compares equal to the list of its entries."""

    __slots__ = ("_items", "_heads")

    def __init__(self, stored: list) -> None:
        self._heads = [h for h, _b in stored]
        self._items = [b for _h, b in stored]

    def head(self, i: int) -> dict:
        return self._heads[i]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._items)))]
        value = self._items[i]
        if type(value) is bytes:
            value = self._items[i] = marshal.loads(value)
        return value

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return (self[i] for i in range(len(self._items)))

    def __contains__(self, value) -> bool:
        return any(v == value for v in self)

    def __eq__(self, other) -> bool:
        if isinstance(other, Entries):
            other = list(other)
        return isinstance(other, list) and list(self) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Entries: {len(self._items)} entries>"


_U32 = 4  # bytes of each number in a packed table's header


def _bucket_of(key: str, buckets: int) -> int:
    # crc32, not hash(): str hashes are salted per process
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % buckets


def pack(mapping: dict) -> bytes:
    """A str-keyed mapping as one bytes object that `Packed` reads a bucket at a time:

        count, buckets          (little-endian uint32 each)
        buckets + 1 offsets     (uint32, from the end of the offsets; bucket i is [off[i], off[i+1]))
        the buckets             marshal data of {key: value} for the keys of bucket i (crc32 % buckets)

    About two keys a bucket: decoding one costs microseconds."""
    buckets = max(1, len(mapping) // 2)
    split: list[dict] = [{} for _ in range(buckets)]
    for key, value in mapping.items():
        split[_bucket_of(key, buckets)][key] = value
    parts = [marshal.dumps(b) if b else b"" for b in split]
    offsets = [0]
    for part in parts:
        offsets.append(offsets[-1] + len(part))
    head = b"".join(n.to_bytes(_U32, "little") for n in [len(mapping), buckets] + offsets)
    return head + b"".join(parts)


class Packed:
    """A mapping read from `pack`'s bytes, decoding a bucket on the first access to one of its
    keys.  Answers `[key]` (KeyError), `.get`, `in` with str keys (any other key is absent),
    `len`, iteration, `.items()` (which decode everything), and compares equal to a dict with
    the same items."""

    __slots__ = ("_data", "_n", "_buckets", "_base", "_read", "_keys")

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._n = int.from_bytes(data[:_U32], "little")
        self._buckets = int.from_bytes(data[_U32:2 * _U32], "little")
        self._base = (self._buckets + 3) * _U32
        self._read: dict[int, dict] = {}
        # key -> its decoded bucket: the Debian closure walks ask for the same names again and
        # again (200,000 lookups on ../shared/corpus), and crc32 of the key was most of each
        self._keys: dict[str, dict] = {}

    def _load(self, i: int) -> dict:
        try:
            return self._read[i]
        except KeyError:
            pass
        at, d = (i + 2) * _U32, self._data
        start = int.from_bytes(d[at:at + _U32], "little")
        end = int.from_bytes(d[at + _U32:at + 2 * _U32], "little")
        b = self._read[i] = marshal.loads(d[self._base + start:self._base + end]) if end > start else {}
        return b

    def _bucket(self, key) -> dict:
        try:
            return self._keys[key]
        except (KeyError, TypeError):
            if type(key) is not str:
                return {}
        b = self._keys[key] = self._load(_bucket_of(key, self._buckets))
        return b

    def __getitem__(self, key):
        return self._bucket(key)[key]

    def get(self, key, default=None):
        return self._bucket(key).get(key, default)

    def __contains__(self, key) -> bool:
        return key in self._bucket(key)

    def __len__(self) -> int:
        return self._n

    def items(self) -> list:
        return [kv for i in range(self._buckets) for kv in self._load(i).items()]

    def __iter__(self):
        return iter([k for k, _v in self.items()])

    def keys(self) -> list:
        return [k for k, _v in self.items()]

    def values(self) -> list:
        return [v for _k, v in self.items()]

    def __eq__(self, other) -> bool:
        if isinstance(other, Packed):
            other = dict(other.items())
        return isinstance(other, dict) and dict(self.items()) == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<Packed mapping of {self._n} keys>"


def _encode(name: str, value):
    if name in _LISTED:
        key, heads = _LISTED[name]
        return {**value, key: [({h: e[h] for h in heads if h in e}, marshal.dumps(e)) for e in value.get(key, [])]}
    if name in _KEYED:
        return {k: marshal.dumps(v) for k, v in value.items()}
    if name.startswith(_PACKED_PREFIX):
        return {k: pack(v) if isinstance(v, dict) else v for k, v in value.items()}
    return value


def _decode(name: str, value):
    if name in _LISTED:
        key = _LISTED[name][0]
        return {**value, key: Entries(value[key])} if key in value else value
    if name in _KEYED:
        return Keyed(value)
    if name.startswith(_PACKED_PREFIX):
        return {k: Packed(v) if type(v) is bytes else v for k, v in value.items()}
    return value


def _write(path: str, sources: list[tuple[str, str]]) -> dict:
    data = {name: parse_source(name, p) for name, p in sources}
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"  # parallel workers may rebuild at once
    with open(tmp, "wb") as fh:
        fh.write(marshal.dumps((_FORMAT, _digest(sources), {n: _encode(n, v) for n, v in data.items()},
                                _stamp(sources))))
    os.replace(tmp, path)
    return data


def build(out: str = COMPILED, root: str | None = None) -> list[str]:
    """Compile every source under `root` into folder `out`, one marshal file per group (a knowledge
    table, or all rule documents); returns the paths written.  Raises OSError when it cannot write."""
    root = root or rules_dir()
    paths = []
    for group, sources in _groups(_sources(root)).items():
        path = compiled_path(group, out)
        _write(path, sources)
        paths.append(path)
    legacy = os.path.join(out, _LEGACY)
    if os.path.exists(legacy):
        os.remove(legacy)
    return paths


def _read(path: str):
    """(format, digest, data, stamp) of a compiled file, or None when it is missing, unreadable or
    of another layout."""
    try:
        with open(path, "rb") as fh:
            # loads on the bytes, not load on the file: marshal.load reads a file object one
            # value at a time through Python method calls (7 times the instructions)
            got = marshal.loads(fh.read())
    except (OSError, ValueError, EOFError, TypeError):
        return None
    return got if type(got) is tuple and len(got) == 4 else None


def _restamp(path: str, got: tuple, stamp: tuple) -> None:
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(marshal.dumps((got[0], got[1], got[2], stamp)))
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only checkout: the digest is computed at every start, as before


def _load_group(group: str) -> dict:
    """{table name: data} of one compiled file, checked against its sources (see the module doc)."""
    root = rules_dir()
    installed = root.endswith("_rules")
    path = compiled_path(group)
    got = _read(path)
    current = got is not None and got[0] == _FORMAT
    # An installed wheel's compiled tables were built from the very files beside them; a
    # repository checkout may have changed rules/ since: compare the digest there.
    if current and installed:
        return {n: _decode(n, v) for n, v in got[2].items()}
    sources = _group_sources(root, group)
    if not sources:
        return {}
    stamp = _stamp(sources)
    if current and stamp is not None and got[3] == stamp:
        return {n: _decode(n, v) for n, v in got[2].items()}
    if current and got[1] == _digest(sources):
        if not installed and stamp is not None:
            _restamp(path, got, stamp)  # touched, not changed (a git checkout): say so once
        return {n: _decode(n, v) for n, v in got[2].items()}
    if not installed:
        # a checkout whose rules/ changed since the last build: rebuild this file once, so that
        # only the first run after an edit pays for parsing the sources
        try:
            return _write(path, sources)
        except OSError:
            pass
    return {name: parse_source(name, p) for name, p in sources}


_CACHE: dict = {}


def table(name: str):
    """The compiled data of source `name` ("images", "packages", "rule:DKL201" …); parsed from
    the source when there is no up-to-date compiled copy.  Raises KeyError for an unknown name."""
    try:
        return _CACHE[name]
    except KeyError:
        pass
    _CACHE.update(_load_group(_group(name)))
    return _CACHE[name]


def rule_names() -> list[str]:
    """The rule documents there are ("DKL001", …), in code order."""
    return [n[5:] for n, _p in _rule_sources(rules_dir())]


def main(argv: list[str]) -> int:
    for path in build(argv[0] if argv else COMPILED):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
