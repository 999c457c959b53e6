"""Facts about Debian and Ubuntu packages, read from the archives themselves.

The data is ``rules/knowledge/debian.json`` (meta and one small header per release:
distro, version, apt, sources) and ``rules/knowledge/debian/RELEASE.json`` (the
release's base, aliases, packages and dependency graph), shipped in the wheel under
``dockerlint/_rules/knowledge/``. ``tools/debian_facts.py`` makes them from each
release's Packages indexes (``apt-cache dumpavail`` in a private apt root); ``meta``
says when, with which apt, from which sources, and how every figure is counted.
Each file is read on first use and kept, a release's file only when that release is
asked about (bookworm's is about 1 MB, an Ubuntu release's about 0.6 MB); importing
this module reads nothing. A run reads them as compiled at build time (dockerlint/compiled.py:
marshal data, a release's packages and graph in hash buckets decoded only for the names asked
about), or from the JSON when the compiled copy is missing or stale.

Releases: the codenames in the table (Debian bullseye, bookworm, trixie; Ubuntu
xenial, bionic, focal, jammy, noble, resolute). A release that is not in the table
(sid, trusty, a typo) falls back to bookworm's data, except in ``apt_facts`` where a
guess would be wrong (``apt-get distclean``).

Units: sizes are MB of installed, uncompressed files: the archive's ``Installed-Size``
(KiB) * 1024 / 10^6, rounded to 0.1, as apt prints them. Closures are what
``apt-get install`` adds to the release's minimal base, the package set of the
official ``debian:REL-slim`` / ``ubuntu:REL`` image (a package of the base adds 0).

Package names are accepted as written in apt commands: ``gcc=4:12.2.0-3``,
``gcc:amd64`` and ``gcc/bookworm-backports`` all mean ``gcc``; virtual names that
Dockerfiles use resolve to the package apt installs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
TYPE_CHECKING = False  # typing costs ~5 ms of start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

from .compiled import table
from .lazyre import LazyRe
from .records import Value, setfield

__all__ = [
    "DebPackage", "AptFacts", "DEFAULT_RELEASE",
    "package", "runtime_libraries", "install_size_mb", "apt_facts", "release_of", "known_releases",
    "closure", "depends", "packages_size_mb", "release_name", "base_image",
]

DEFAULT_RELEASE = "bookworm"


class DebPackage(Value):
    """One package of one release.

    name: the real package (a virtual name is resolved: ``libz-dev`` -> ``zlib1g-dev``).
    section: Debian section without component (``libdevel``); None for hand-curated
      packages from other repositories (postgresql-server-dev-16 from apt.postgresql.org).
    size_mb: the package alone; closure_mb: with its Depends/Pre-Depends closure over
      the base; closure_with_recommends_mb: the same when Recommends are installed too
      (no --no-install-recommends). All None when unknown.
    build_only: ``compiler`` | ``headers`` | ``build-tool`` | ``toolchain``, or None when
      the package is needed (or may be needed) at run time; why: the reason, in words.
    runtime_libraries: for a development package, the shared libraries it stands for
      (``libpq-dev`` -> ``("libpq5",)``); empty otherwise or when unknown.
    recommends: what ``apt-get install NAME`` adds because of Recommends, one level deep
      (for curl on bookworm: ca-certificates, through libcurl4).
    release: the release whose data this is; in_base: the package is in the base image.
    """

    name: str
    section: str | None
    size_mb: float | None
    closure_mb: float | None
    closure_with_recommends_mb: float | None
    build_only: str | None
    why: str
    runtime_libraries: tuple[str, ...]
    recommends: tuple[str, ...]
    release: str
    in_base: bool

    __slots__ = _fields = ("name", "section", "size_mb", "closure_mb", "closure_with_recommends_mb",
                           "build_only", "why", "runtime_libraries", "recommends", "release",
                           "in_base")

    def __init__(self, name: str, section: str | None, size_mb: float | None,
                 closure_mb: float | None, closure_with_recommends_mb: float | None,
                 build_only: str | None, why: str, runtime_libraries: tuple[str, ...],
                 recommends: tuple[str, ...], release: str = DEFAULT_RELEASE,
                 in_base: bool = False) -> None:
        setfield(self, "name", name)
        setfield(self, "section", section)
        setfield(self, "size_mb", size_mb)
        setfield(self, "closure_mb", closure_mb)
        setfield(self, "closure_with_recommends_mb", closure_with_recommends_mb)
        setfield(self, "build_only", build_only)
        setfield(self, "why", why)
        setfield(self, "runtime_libraries", runtime_libraries)
        setfield(self, "recommends", recommends)
        setfield(self, "release", release)
        setfield(self, "in_base", in_base)


class AptFacts(Value):
    """apt in one release.

    apt_version: the release's apt (Debian version string); has_distclean: whether
    ``apt-get distclean``/``dist-clean`` exists (apt >= 2.7.8); lists_mb: MB (10^6
    bytes) of /var/lib/apt/lists after ``apt-get update`` with the official image's
    settings (indexes kept compressed) and standard sources, None if not measured;
    lists_source: how and when that was measured.
    """

    apt_version: str | None
    has_distclean: bool
    lists_mb: float | None
    lists_source: str | None

    __slots__ = _fields = ("apt_version", "has_distclean", "lists_mb", "lists_source")

    def __init__(self, apt_version: str | None, has_distclean: bool, lists_mb: float | None,
                 lists_source: str | None) -> None:
        setfield(self, "apt_version", apt_version)
        setfield(self, "has_distclean", has_distclean)
        setfield(self, "lists_mb", lists_mb)
        setfield(self, "lists_source", lists_source)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------

@functools.cache
def _index() -> dict[str, Any]:
    """debian.json: meta, and per release its header (distro, version, apt, sources, ...)."""
    return table("debian")


@functools.cache
def _body(release: str) -> dict[str, Any]:
    """debian/RELEASE.json: the release's base (a list), aliases, packages and graph (mappings
    answering `[name]`, `.get`, `in`: compiled.Packed, or dicts when read from the JSON);
    *release* is a key of the index."""
    return table(f"debian/{release}")


def known_releases() -> tuple[str, ...]:
    """Codenames the table holds: Debian's, then Ubuntu's, each oldest first."""
    rels = _index()["releases"]
    return tuple(sorted(rels, key=lambda r: (rels[r].get("distro") != "debian", float(rels[r].get("version") or 0))))


def base_image(release: str) -> str:
    """The official image whose package set is the release's base: ``debian:bookworm-slim``,
    ``ubuntu:jammy``."""
    head = _index()["releases"].get(release)
    if head is not None and head.get("distro") == "ubuntu":
        return f"ubuntu:{release}"
    return f"debian:{release}-slim"


def release_name(release: str) -> str:
    """How a message names a release of the table: ``Debian bookworm``, ``Ubuntu 22.04 (jammy)``;
    a name the table lacks is given back as ``Debian NAME``."""
    head = _index()["releases"].get(release)
    if head is not None and head.get("distro") == "ubuntu":
        return f"Ubuntu {head.get('version')} ({release})"
    return f"Debian {release}"


_TOKEN = LazyRe(r"[-_:./@\s]+")


@functools.lru_cache(maxsize=512)
def release_of(codename_or_version: str | None) -> str | None:
    """The table's release key for a codename, version or image tag, else None.

    ``bookworm``, ``Bookworm``, ``12``, ``12.5``, ``debian12``, ``debian-12``,
    ``bookworm-slim``, ``3.12-slim-bookworm``, ``debian:bookworm`` -> ``bookworm``;
    ``jammy``, ``22.04``, ``ubuntu:22.04``, ``ubuntu22.04``, ``ubuntu:jammy-20240911``,
    ``17-jdk-jammy`` -> ``jammy``. Releases that are not in the table (sid, forky,
    trusty, ``ubuntu`` without a version) -> None. A bare ``NN.MM`` is an Ubuntu
    version only when the table has that Ubuntu release, else Debian NN's point
    release (``12.10`` is Debian 12.10).
    """
    if not codename_or_version:
        return None
    text = codename_or_version.strip().lower()
    rels = _index()["releases"]
    debian = {str(h.get("version")): rel for rel, h in rels.items() if h.get("distro") != "ubuntu"}
    ubuntu = {str(h.get("version")): rel for rel, h in rels.items() if h.get("distro") == "ubuntu"}
    m = re.fullmatch(r"(?:ubuntu[-_:]?)?(\d\d\.\d\d)(?:\.\d+)?", text)
    if m and m.group(1) in ubuntu:
        return ubuntu[m.group(1)]
    if text.startswith("ubuntu"):
        m = None
    else:
        m = re.fullmatch(r"(?:debian[-_:]?)?(\d+)(?:\.\d+)*", text)
    if m:
        return debian.get(m.group(1))
    tokens = [t for t in _TOKEN.split(text) if t]
    for i, t in enumerate(tokens):
        if t in rels:
            return t
        m = re.fullmatch(r"debian(\d+)", t)
        if m and m.group(1) in debian:
            return debian[m.group(1)]
        m = re.fullmatch(r"ubuntu(\d\d)?", t)
        if m:  # the separators split the version: ubuntu22.04 -> ubuntu22, 04; ubuntu-22.04 -> ubuntu, 22, 04
            ver = ".".join([m.group(1)] + tokens[i + 1:i + 2] if m.group(1) else tokens[i + 1:i + 3])
            if ver in ubuntu:
                return ubuntu[ver]
    return None


def _release(release: str | None) -> str:
    key = release_of(release) if release else None
    return key or DEFAULT_RELEASE


def _name(word: str) -> str:
    return re.split(r"[=:/]", word.strip(), maxsplit=1)[0].lower()


def _mb(kib: int | None) -> float | None:
    return None if kib is None else round(kib * 1024 / 1e6, 1)


# ---------------------------------------------------------------------------
# Closures over the shipped graph
# ---------------------------------------------------------------------------

@functools.cache
def _closure(release: str, name: str, recommends: bool) -> frozenset[str]:
    graph = _body(release)["graph"]
    seen: set[str] = set()
    stack = [name] if name in graph else []
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        row = graph[n]
        if len(row) > 1:
            stack.extend(row[1].split())
        if recommends and len(row) > 2:
            stack.extend(row[2].split())
    return frozenset(seen)


def _size_kib(release: str, names: Iterable[str]) -> int:
    graph = _body(release)["graph"]
    return sum(graph[n][0] for n in names)


def _graph_recommends(release: str, name: str) -> tuple[str, ...]:
    graph = _body(release)["graph"]
    closure = _closure(release, name, False)
    out: list[str] = []
    for n in [name] + sorted(closure - {name}):
        row = graph[n]
        for r in (row[2].split() if len(row) > 2 else ()):
            if r not in closure and r not in out:
                out.append(r)
    return tuple(out)


@functools.lru_cache(maxsize=4096)  # the same words recur in every RUN (DKL202 sizes each closure)
def _resolve(release: str, word: str) -> str:
    body = _body(release)
    name = _name(word)
    return body.get("aliases", {}).get(name, name)


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------

def resolve(word: str, release: str | None = None) -> str:
    """The package apt installs for `word` on the release (a virtual or provided name such as
    `libc-dev` -> `libc6-dev`; version and architecture suffixes dropped); unknown release -> bookworm."""
    rel = _release(release)
    return _resolve(rel, word)


def package(name: str, release: str | None = None) -> DebPackage | None:
    """Facts about one package, or None when the table does not know it.

    *release*: a codename/version/tag (see release_of); unknown or None -> bookworm.
    A package that the release's list lacks but bookworm's has (the table lists every
    build-only candidate for bookworm only) gets bookworm's section and classification,
    with sizes, runtime libraries and recommends left empty rather than borrowed from
    another release.
    """
    rel = _release(release)
    return _package(rel, _resolve(rel, name))


@functools.cache
def _package(rel: str, name: str) -> DebPackage | None:
    body = _body(rel)
    why_text = _index()["meta"]["why"]
    row = body["packages"].get(name)
    if row is None:
        if rel == DEFAULT_RELEASE:
            return None
        other = _package(DEFAULT_RELEASE, _resolve(DEFAULT_RELEASE, name))
        if other is None:
            return None
        return DebPackage(other.name, other.section, None, None, None, other.build_only, other.why,
                          (), (), DEFAULT_RELEASE, False)
    section, build_only, why, libs, recs = row[:5]
    in_base = name in _base(rel)
    if name in body["graph"]:
        size = body["graph"][name][0]
        closure = _size_kib(rel, _closure(rel, name, False))
        closure_rec = _size_kib(rel, _closure(rel, name, True))
        recs = _graph_recommends(rel, name)
    else:
        size, closure, closure_rec = (list(row[5:8]) + [None, None, None])[:3]
    return DebPackage(name, section, _mb(size), _mb(closure), _mb(closure_rec), build_only,
                      why_text.get(why, why), tuple(libs), tuple(recs or ()), rel, in_base)


@functools.cache
def _base(rel: str) -> frozenset[str]:
    return frozenset(_body(rel)["base"])


def runtime_libraries(dev_package: str, release: str | None = None) -> tuple[str, ...]:
    """The shared libraries a development package stands for, in *release*
    (``libssl-dev`` -> ``("libssl3",)`` on bookworm, ``("libssl1.1",)`` on bullseye);
    empty for packages that are not development packages or are unknown."""
    p = package(dev_package, release)
    return p.runtime_libraries if p is not None else ()


def install_size_mb(names: Iterable[str], release: str | None = None, recommends: bool = False
                    ) -> float | None:
    """MB that ``apt-get install NAMES`` adds to the release's base (with
    ``--no-install-recommends`` unless *recommends*), each package counted once.

    Exact (as the table resolves dependencies) when every name is a package that
    Dockerfiles install or a dependency of one (the graph); a listed package outside
    the graph adds its own closure, which may count a dependency it shares with
    another name twice. None when a name is unknown to the release or has no size.
    """
    rel = _release(release)
    body = _body(rel)
    base = _base(rel)
    union: set[str] = set()
    extra = 0
    for word in names:
        name = _resolve(rel, word)
        if name in base:
            continue
        if name in body["graph"]:
            union |= _closure(rel, name, recommends)
            continue
        row = body["packages"].get(name)
        if row is None or len(row) < 8 or row[6] is None:
            return None
        extra += row[7] if recommends else row[6]
    return _mb(_size_kib(rel, union) + extra)


def closure(names: Iterable[str], release: str | None = None, recommends: bool = False) -> frozenset[str]:
    """The packages ``apt-get install NAMES`` installs on the release's base: the names (resolved)
    and their Depends/Pre-Depends closure (with Recommends when *recommends*), base packages
    left out. A name the dependency graph does not hold adds only itself (its dependencies are
    not known); an unknown name adds nothing."""
    rel = _release(release)
    body = _body(rel)
    base = _base(rel)
    out: set[str] = set()
    for word in names:
        name = _resolve(rel, word)
        if name in base:
            continue
        if name in body["graph"]:
            out |= _closure(rel, name, recommends)
        elif name in body["packages"]:
            out.add(name)
    return frozenset(out)


def depends(name: str, release: str | None = None) -> tuple[str, ...]:
    """The Depends/Pre-Depends of one package on the release (resolved names, as the archive's
    Packages index lists them; base packages included), () when the graph does not hold it."""
    rel = _release(release)
    row = _body(rel)["graph"].get(_resolve(rel, name))
    return tuple(row[1].split()) if row is not None and len(row) > 1 else ()


def packages_size_mb(names: Iterable[str], release: str | None = None) -> float | None:
    """MB of the named packages' own files (Installed-Size, each counted once, base packages
    included), or None when one of them has no known size in the release."""
    rel = _release(release)
    body = _body(rel)
    total = 0
    for word in set(_resolve(rel, w) for w in names):
        if word in body["graph"]:
            total += body["graph"][word][0]
            continue
        row = body["packages"].get(word)
        if row is None or len(row) < 6 or row[5] is None:
            return None
        total += row[5]
    return _mb(total)


def apt_facts(release: str | None) -> AptFacts | None:
    """apt's version, distclean and lists size in *release*; None for a release the
    table does not hold (no bookworm fallback here: a newer release may have
    distclean where bookworm has not)."""
    rel = release_of(release) if release else None
    if rel is None:
        return None
    apt = _index()["releases"][rel]["apt"]
    lists = apt.get("lists_bytes")
    return AptFacts(apt.get("version"), bool(apt.get("has_distclean")),
                    None if lists is None else round(lists / 1e6, 1), apt.get("lists_source"))
