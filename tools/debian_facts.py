#!/usr/bin/env python3
"""PLACEHOLDER: the docstring is written once the numbers are measured."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

# ---------------------------------------------------------------------------
# Releases and their standard sources (those of the official images)
# ---------------------------------------------------------------------------

DEBIAN_KEYRING = "/usr/share/keyrings/debian-archive-keyring.gpg"
UBUNTU_KEYRING = "/usr/share/keyrings/ubuntu-archive-keyring.gpg"


@dataclass(frozen=True)
class Release:
    key: str  # codename: bookworm
    distro: str  # debian | ubuntu
    version: str  # 12, 22.04
    sources: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]  # (uri, suites, components)


def _debian(code: str, version: str) -> Release:
    return Release(code, "debian", version, (
        ("http://deb.debian.org/debian", (code, f"{code}-updates"), ("main",)),
        ("http://deb.debian.org/debian-security", (f"{code}-security",), ("main",)),
    ))


def _ubuntu(code: str, version: str) -> Release:
    comps = ("main", "restricted", "universe", "multiverse")
    return Release(code, "ubuntu", version, (
        ("http://archive.ubuntu.com/ubuntu", (code, f"{code}-updates"), comps),
        ("http://security.ubuntu.com/ubuntu", (f"{code}-security",), comps),
    ))


RELEASES: dict[str, Release] = {r.key: r for r in (
    _debian("bullseye", "11"),
    _debian("bookworm", "12"),
    _debian("trixie", "13"),
    _ubuntu("jammy", "22.04"),
    _ubuntu("noble", "24.04"),
)}

# The apt.conf.d files of the official debian/ubuntu images (debuerreotype), written
# into each private apt root so that the measured lists size is the images' one.
OFFICIAL_IMAGE_APT_CONF = """\
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Apt::AutoRemove::SuggestsImportant "false";
Acquire::GzipIndexes "true";
Acquire::Languages "none";
"""


# ---------------------------------------------------------------------------
# Private apt roots (the machine's /etc/apt is never read nor written)
# ---------------------------------------------------------------------------

def write_apt_root(root: Path, rel: Release, keyrings: dict[str, str]) -> Path:
    """Lay out a private apt root under *root* for *rel*; return its APT_CONFIG file.

    APT_CONFIG is read before any other configuration, so it can point
    Dir::Etc::parts at a private folder: the machine's apt.conf.d, sources and
    preferences play no part.
    """
    for d in ("etc/apt.conf.d", "etc/sources.list.d", "etc/preferences.d", "lists/partial",
              "cache/archives/partial", "state"):
        (root / d).mkdir(parents=True, exist_ok=True)
    (root / "etc/apt.conf.d/docker").write_text(OFFICIAL_IMAGE_APT_CONF)
    (root / "state/status").touch()
    lines = []
    for uri, suites, comps in rel.sources:
        for suite in suites:
            lines.append(f"deb [signed-by={keyrings[rel.distro]}] {uri} {suite} {' '.join(comps)}")
    (root / "etc/sources.list").write_text("\n".join(lines) + "\n")
    conf = root / "apt.conf"
    conf.write_text(
        f'Dir::Etc::parts "{root}/etc/apt.conf.d";\n'
        'Dir::Etc::main "/dev/null";\n'
        f'Dir::Etc::sourcelist "{root}/etc/sources.list";\n'
        f'Dir::Etc::sourceparts "{root}/etc/sources.list.d";\n'
        'Dir::Etc::preferences "/dev/null";\n'
        f'Dir::Etc::preferencesparts "{root}/etc/preferences.d";\n'
        f'Dir::State::Lists "{root}/lists";\n'
        f'Dir::State::status "{root}/state/status";\n'
        f'Dir::Cache "{root}/cache";\n'
        'APT::Architecture "amd64";\n'
        'APT::Architectures { "amd64"; };\n'
    )
    return conf


def apt(conf: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, APT_CONFIG=str(conf), LC_ALL="C.UTF-8")
    return subprocess.run(list(args), env=env, text=True, capture_output=True, check=check)


# ---------------------------------------------------------------------------
# Packages format
# ---------------------------------------------------------------------------

# debootstrap merges /usr itself and installs usr-is-merged, so that
# init-system-helpers' `usrmerge | usr-is-merged` (bookworm) does not pull usrmerge
# and perl into the base: in the base, an alternative named here wins.
BASE_PREFER = frozenset({"usr-is-merged"})

PRIORITY_RANK = {"required": 0, "important": 1, "standard": 2, "optional": 3, "extra": 4}


@dataclass
class Pkg:
    """One binary package as the archive describes it (the fields this script reads)."""

    name: str
    version: str = ""
    section: str = ""  # without the component: libdevel, not universe/libdevel
    priority: str = "optional"
    installed_kib: int = 0
    source: str = ""
    description: str = ""
    essential: bool = False
    multi_arch: str = ""
    pre_depends: list[list[str]] = field(default_factory=list)
    depends: list[list[str]] = field(default_factory=list)
    recommends: list[list[str]] = field(default_factory=list)
    provides: list[str] = field(default_factory=list)


_VERSION_RESTRICTION = re.compile(r"\([^)]*\)|\[[^\]]*\]|<[^>]*>")


def parse_relations(value: str) -> list[list[str]]:
    """`a (>= 1) | b:any, c [amd64]` -> [['a', 'b'], ['c']]: versions, architecture
    lists, build profiles and :arch qualifiers dropped (one candidate per name)."""
    out = []
    for group in value.split(","):
        alts = []
        for alt in group.split("|"):
            name = _VERSION_RESTRICTION.sub("", alt).strip().split(":", 1)[0]
            if name:
                alts.append(name)
        if alts:
            out.append(alts)
    return out


def parse_packages(text: str) -> dict[str, Pkg]:
    """Parse Packages-format text (stanzas of `Field: value`, continuation lines
    starting with a blank, stanzas separated by empty lines) into Pkg by name.
    A name met twice keeps its first stanza (apt-cache dumpavail prints one per name)."""
    out: dict[str, Pkg] = {}
    for stanza in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        last = None
        for line in stanza.splitlines():
            if line[:1] in (" ", "\t"):
                if last:
                    fields[last] += "\n" + line.strip()
                continue
            k, sep, v = line.partition(":")
            if sep:
                last = k.strip().lower()
                fields[last] = v.strip()
        name = fields.get("package")
        if not name or name in out:
            continue
        src = fields.get("source", "").split(" ", 1)[0] or name
        try:
            kib = int(fields.get("installed-size", "0") or 0)
        except ValueError:
            kib = 0
        out[name] = Pkg(
            name=name,
            version=fields.get("version", ""),
            section=fields.get("section", "").rsplit("/", 1)[-1],
            priority=fields.get("priority", "optional"),
            installed_kib=kib,
            source=src,
            description=fields.get("description", "").split("\n", 1)[0],
            essential=fields.get("essential", "").lower() == "yes",
            multi_arch=fields.get("multi-arch", ""),
            pre_depends=parse_relations(fields.get("pre-depends", "")),
            depends=parse_relations(fields.get("depends", "")),
            recommends=parse_relations(fields.get("recommends", "")),
            provides=[a for g in parse_relations(fields.get("provides", "")) for a in g],
        )
    return out


# ---------------------------------------------------------------------------
# Debian version comparison (deb-version(7)), for apt >= 2.7.8
# ---------------------------------------------------------------------------

def _order(c: str) -> int:
    if c == "~":
        return -1
    if c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    return ord(c) + 256


def _cmp_part(a: str, b: str) -> int:
    while a or b:
        na = re.match(r"\D*", a).group()
        nb = re.match(r"\D*", b).group()
        a, b = a[len(na):], b[len(nb):]
        for i in range(max(len(na), len(nb))):
            ca = _order(na[i]) if i < len(na) else 0
            cb = _order(nb[i]) if i < len(nb) else 0
            if ca != cb:
                return -1 if ca < cb else 1
        da = re.match(r"\d*", a).group()
        db = re.match(r"\d*", b).group()
        a, b = a[len(da):], b[len(db):]
        ia, ib = int(da or 0), int(db or 0)
        if ia != ib:
            return -1 if ia < ib else 1
    return 0


def version_compare(a: str, b: str) -> int:
    """-1, 0 or 1 as Debian version *a* sorts before, equal to, or after *b*."""
    def split(v: str) -> tuple[int, str, str]:
        epoch, _, rest = v.rpartition(":") if ":" in v else ("0", "", v)
        upstream, _, rev = rest.rpartition("-") if "-" in rest else (rest, "", "0")
        return int(epoch or 0), upstream, rev
    ea, ua, ra = split(a)
    eb, ub, rb = split(b)
    if ea != eb:
        return -1 if ea < eb else 1
    return _cmp_part(ua, ub) or _cmp_part(ra, rb)


# ---------------------------------------------------------------------------
# Dependency resolution and closures
# ---------------------------------------------------------------------------

class Archive:
    """The candidate packages of one release, with virtual packages and closures.

    Resolution of one dependency group (`a | b | virtual-c`), relative to a fixed
    set *have* (the base):
      - satisfied (nothing added) when any alternative is in *have*, or is provided
        by a package in *have*;
      - else the first alternative that is a real package, or, for a purely
        virtual one, its provider of highest Priority (then by name);
      - else unsatisfiable (None).
    Resolving against the base only (not against what else gets installed) makes
    the edges fixed, so a closure is plain reachability and the loader can union
    closures of several packages from the same graph.
    """

    def __init__(self, packages: dict[str, Pkg]):
        self.packages = packages
        self.providers: dict[str, list[str]] = {}
        for p in packages.values():
            for v in p.provides:
                self.providers.setdefault(v, []).append(p.name)
        for v, names in self.providers.items():
            names.sort(key=lambda n: (PRIORITY_RANK.get(packages[n].priority, 9), n))

    def real(self, name: str) -> str | None:
        """The package a name stands for: itself when real, else its chosen provider."""
        if name in self.packages:
            return name
        provs = self.providers.get(name)
        return provs[0] if provs else None

    def satisfied(self, name: str, have: set[str]) -> bool:
        return name in have or any(p in have for p in self.providers.get(name, ()))

    def resolve(self, group: list[str], have: set[str]) -> str | None:
        if any(self.satisfied(a, have) for a in group):
            return None
        for a in group:
            r = self.real(a)
            if r is not None:
                return r
        return None

    def edges(self, name: str, have: set[str], recommends: bool = False) -> list[str]:
        """Packages that installing *name* adds directly, over *have*: resolved
        Pre-Depends + Depends, or (recommends=True) resolved Recommends only."""
        p = self.packages[name]
        groups = p.recommends if recommends else p.pre_depends + p.depends
        out = []
        for g in groups:
            r = self.resolve(g, have)
            if r is not None and r not in out:
                out.append(r)
        return out

    def closure(self, roots: Iterable[str], have: set[str], recommends: bool = False) -> set[str]:
        """Every package reachable from *roots* (names resolved as by real()) over
        dependency edges (and Recommends edges when asked), less those in *have*."""
        seen: set[str] = set()
        stack = [r for r in (self.real(n) for n in roots) if r is not None and r not in have]
        while stack:
            n = stack.pop()
            if n in seen:
                continue
            seen.add(n)
            nxt = self.edges(n, have)
            if recommends:
                nxt += self.edges(n, have, recommends=True)
            stack.extend(m for m in nxt if m not in seen and m not in have)
        return seen

    def base(self) -> set[str]:
        """The package set of the official -slim image: Priority required (and
        Essential), plus apt, and their Depends/Pre-Depends closure (no Recommends),
        as debootstrap --variant=minbase installs them. For bullseye, bookworm and
        trixie this gives exactly the names of the images' rootfs.manifest
        (debuerreotype/docker-debian-artifacts, */slim/rootfs.manifest; checked
        when this table was made)."""
        roots = sorted(n for n, p in self.packages.items() if p.priority == "required" or p.essential)
        roots.append("apt")
        have = set(roots)
        stack = list(roots)
        while stack:
            p = self.packages[stack.pop()]
            for g in p.pre_depends + p.depends:
                m = self.resolve([a for a in g if a in BASE_PREFER] or g, have)
                if m is not None and m not in have:
                    have.add(m)
                    stack.append(m)
        return have

    def size_kib(self, names: Iterable[str]) -> int:
        return sum(self.packages[n].installed_kib for n in names)


def kib_to_mb(kib: int) -> float:
    """Installed-Size KiB to MB as apt prints them (10^6 bytes), one decimal."""
    return round(kib * 1024 / 1e6, 1)


# ---------------------------------------------------------------------------
# Build-only classification
# ---------------------------------------------------------------------------

# Each reason has a key (stored per package) and its text (stored once, in meta).
WHY: dict[str, str] = {
    # build-only
    "dev-name": "a -dev/-headers/-pic package (Debian Policy 8.4: the development files of a "
                "library: headers, static libraries, .so links, pkg-config files); needed only to compile",
    "kernel-headers": "Linux kernel headers (section kernel): only used to build kernel modules",
    "compiler": "a compiler or compiler metapackage (section devel, source gcc-defaults/gcc-N/"
                "llvm-toolchain-N/llvm-defaults/build-essential/...); compiled programs need only its "
                "runtime libraries (libgcc-s1, libstdc++6, ...), which are separate packages",
    "build-tool": "a tool whose only job is building software (build systems, configure/parser "
                  "generators, assemblers, packaging helpers)",
    "toolchain": "a language SDK/compiler toolchain (Go, Rust, JDK, GHC, .NET SDK); the built "
                 "program runs without it",
    # not build-only
    "debugger": "debugger/tracer/profiler: inspects running programs, kept in debug images on "
                "purpose; not a build step",
    "dev-tool": "an editor/IDE/linter/formatter helper: not needed to build, nor at run time, but "
                "not build-only either",
    "binutils": "binutils (ld, objdump, strings) is used at run time by Python's "
                "ctypes.util.find_library and by debuggers (as in packages.toml)",
    "cpp": "the C preprocessor is used at run time by some configuration processing (xrdb); "
           "as in packages.toml",
    "runtime": "a runtime package (shared library, daemon, data or interpreter), whatever its name",
    "interpreter-tooling": "interpreter package tooling that apps use at run time (pip, venv, "
                           "setuptools/pkg_resources, gettext's envsubst); as in packages.toml",
    "dkms": "dkms builds kernel modules on the machine that runs it, at install or boot time",
    "libdevel-runtime": "in section libdevel but not development files by name (e.g. gambas3-runtime)",
    "not-a-candidate": "not in a build-only section and not a known build-only name",
}

# (category or None, why key, full-match regex); first match wins.
_TRIPLET = r"(-[a-z0-9_]+-linux-gnu[a-z0-9_]*)?"
NAME_RULES: list[tuple[str | None, str, re.Pattern[str]]] = [(c, w, re.compile(rx)) for c, w, rx in [
    # not build-only, checked first
    (None, "debugger", r"gdb(-minimal|-multiarch)?|gdbserver|strace|ltrace|valgrind(-dbg|-mpi)?"
                       r"|lldb(-\d+)?|heaptrack|linux-perf(-[\d.]+)?|systemtap|sysdig|bpftrace|bpfcc-tools"),
    (None, "dev-tool", r"clang-(format|tidy)(-\d+)?|clangd(-\d+)?|cppcheck|shellcheck|ctags|universal-ctags"
                       r"|exuberant-ctags|cscope|indent|astyle"),
    (None, "binutils", r"binutils(-common|-multiarch)?" + r"|binutils-[a-z0-9_-]+-linux-gnu[a-z0-9_]*|libbinutils"),
    (None, "cpp", r"cpp(-\d+)?" + _TRIPLET),
    (None, "interpreter-tooling", r"python3?-(pip|venv|setuptools|wheel)|python3\.\d+-venv|gettext(-base)?"),
    (None, "dkms", r"dkms"),
    (None, "runtime", r"udev|libudev1|systemd-udev|ca-certificates|tzdata|libc6|libc-bin|libgcc-s1"
                      r"|libstdc\+\+6|libgomp1|libatomic1|libgfortran5|nodejs|npm"),
    # compilers
    ("compiler", "compiler", r"(gcc|g\+\+|gfortran|gccgo|gobjc|gobjc\+\+|gdc|gm2|gnat)(-\d+)?" + _TRIPLET),
    ("compiler", "compiler", r"(gcc|g\+\+|gfortran|gnat|gobjc|gobjc\+\+)-mingw-w64(-[a-z0-9_-]+)?|mingw-w64"),
    ("compiler", "compiler", r"(clang|lld|llvm)(-\d+)?|build-essential|crossbuild-essential-[a-z0-9]+"
                             r"|tcc|musl-tools|fpc|fp-compiler(-[\d.]+)?|ldc"),
    # toolchains
    ("toolchain", "toolchain", r"golang(-[\d.]+)?(-go)?|rustc|cargo|rust-all|openjdk-\d+-jdk(-headless)?"
                               r"|default-jdk(-headless)?|ghc|mono-devel|kotlin|scala|dotnet-sdk-[\d.]+|dotnet\d+"),
    # build tools
    ("build-tool", "build-tool", r"make|make-guile|remake|cmake|cmake-data|cmake-curses-gui|ninja-build|meson"
                                 r"|autoconf(\d[\d.]*)?|autoconf-archive|automake(-?\d[\d.]*)?|autotools-dev|autopoint"
                                 r"|libtool|libtool-bin|pkg-config|pkgconf|pkgconf-bin|bison|byacc|flex|gperf"
                                 r"|swig(\d[\d.]*)?|nasm|yasm|ccache|scons|dpkg-dev|debhelper|dh-[a-z0-9-]+"
                                 r"|devscripts|texinfo|help2man|intltool|doxygen|protobuf-compiler|cython3?"
                                 r"|maven|gradle|ant|bazel-bootstrap|m4|rpcsvc-proto|linux-kbuild-[\d.]+"
                                 r"|node-gyp|gyp|sbuild|git-buildpackage|equivs|pbuilder"),
    # headers
    ("headers", "kernel-headers", r"linux-headers-[a-z0-9.+-]+|linux-libc-dev(-[a-z0-9_]+-cross)?"),
]]

DEV_NAME = re.compile(r".*(-dev|-dev-(bin|common|tools|compat|all|[\d.]+)|-headers|-pic|-dev-[a-z0-9]+-cross)")
# Language-source packages: Go/Rust/Haskell/OCaml library sources, packaged only to
# build Debian packages; build-only by the same rule, but thousands of them, so the
# table keeps only those that Dockerfiles name (their count per release is in meta).
LANG_SOURCE = re.compile(r"librust-.*|golang-.*-dev|libghc-.*|lib.*-ocaml-dev")
LANG_SECTIONS = frozenset({"rust", "golang", "haskell", "ocaml"})


def classify(p: Pkg) -> tuple[str | None, str]:
    """(category, why key) of one package: curated names first, then the name and
    section rules. Category: compiler | headers | build-tool | toolchain | None."""
    for cat, why, rx in NAME_RULES:
        if rx.fullmatch(p.name):
            return cat, why
    if DEV_NAME.fullmatch(p.name) and p.section not in ("doc",):
        return "headers", "dev-name"
    if p.section == "libdevel":
        return None, "libdevel-runtime"
    if p.section in ("libs", "oldlibs"):
        return None, "runtime"
    return None, "not-a-candidate"


def is_candidate(p: Pkg) -> bool:
    """Build-only packages that go into the table whatever Dockerfiles name."""
    cat, _ = classify(p)
    return cat is not None and not LANG_SOURCE.fullmatch(p.name) and p.section not in LANG_SECTIONS


# ---------------------------------------------------------------------------
# Runtime library of a development package
# ---------------------------------------------------------------------------

_LIB_NAME = re.compile(r"lib.*\d.*")
_NOT_LIB = re.compile(r".*-(dev|dbg|doc|bin|common|data|tools|utils)(-.*)?")
_POINTER = re.compile(r"transitional|dummy|metapackage|meta-package|\(default\)|default version", re.I)

# Where the archive cannot say (each with its reason). Empty so far: kept for the
# hand-made exceptions, so that they are visible in one place.
RUNTIME_OVERRIDES: dict[str, dict[str, tuple[tuple[str, ...], str]]] = {}


def is_shared_library(p: Pkg) -> bool:
    """Section libs/oldlibs, or a lib*N name installed side by side (Multi-Arch: same)."""
    if _NOT_LIB.fullmatch(p.name):
        return False
    return p.section in ("libs", "oldlibs") or (bool(_LIB_NAME.fullmatch(p.name)) and p.multi_arch == "same")


def is_pointer(p: Pkg) -> bool:
    """A development package that only stands for another one: transitional, dummy or
    metapackage by description, or built from a *-defaults source."""
    return bool(_POINTER.search(p.description)) or p.source.endswith("-defaults") or p.section == "metapackages"


def runtime_libraries(a: Archive, name: str, _seen: set[str] | None = None) -> list[str]:
    """Shared libraries a development package stands for (libpq-dev -> libpq5).

    The Depends (first existing alternative, virtual names resolved) that come from
    the package's own source and are shared libraries; a transitional library is
    followed to what it depends on. When there are none, the -dev Depends of the
    same source (libjpeg-dev -> libjpeg62-turbo-dev), or of any source for a
    pointer package (default-libmysqlclient-dev -> libmariadb-dev-compat), are
    followed instead.
    """
    seen = _seen if _seen is not None else set()
    if name in seen:
        return []
    seen.add(name)
    p = a.packages[name]
    targets = []
    for g in p.pre_depends + p.depends:
        t = next((r for r in (a.real(x) for x in g) if r is not None), None)
        if t is not None and t not in targets:
            targets.append(t)
    libs = []
    for t in targets:
        tp = a.packages[t]
        if tp.source != p.source:
            continue
        if is_shared_library(tp):
            if _POINTER.search(tp.description):  # transitional library: what it installs
                libs += [x for x in runtime_libraries_of_transitional(a, tp) if x not in libs]
            elif t not in libs:
                libs.append(t)
    if libs:
        return libs
    for t in targets:
        tp = a.packages[t]
        if (DEV_NAME.fullmatch(t) or tp.section == "libdevel") and (tp.source == p.source or is_pointer(p)):
            libs += [x for x in runtime_libraries(a, t, seen) if x not in libs]
    return libs


def runtime_libraries_of_transitional(a: Archive, tp: Pkg) -> list[str]:
    out = []
    for g in tp.depends:
        t = next((r for r in (a.real(x) for x in g) if r is not None), None)
        if t is not None and is_shared_library(a.packages[t]):
            out.append(t)
    return out or [tp.name]


# ---------------------------------------------------------------------------
# The shipped dependency graph (transitively reduced)
# ---------------------------------------------------------------------------

def _sccs(nodes: list[str], succ: dict[str, list[str]]) -> dict[str, int]:
    """Strongly connected components (iterative Tarjan): node -> component id.
    Ids come out in reverse topological order (a component's successors first)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    comp: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    counter = 0
    ncomp = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            recurse = False
            out = succ[v]
            while i < len(out):
                w = out[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp[w] = ncomp
                    if w == v:
                        break
                ncomp += 1
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    return comp


def reduce_edges(nodes: list[str], succ: dict[str, list[str]], keep_only: dict[str, list[str]] | None = None
                 ) -> dict[str, list[str]]:
    """Drop the edges u->v of *succ* (restricted to *keep_only*[u] when given) whose
    target is reachable from another successor of u: reachability, and so every
    closure, stays the same while the shipped graph shrinks."""
    comp = _sccs(nodes, succ)
    ncomp = max(comp.values(), default=-1) + 1
    members: list[list[str]] = [[] for _ in range(ncomp)]
    for n in nodes:
        members[comp[n]].append(n)
    reach = [0] * ncomp  # bits of the components reachable by >= 1 edge
    for c in range(ncomp):  # successors' components have smaller ids
        r = 0
        for n in members[c]:
            for m in succ[n]:
                d = comp[m]
                if d != c:
                    r |= reach[d] | (1 << d)
        if len(members[c]) > 1:
            r |= 1 << c
        reach[c] = r
    out: dict[str, list[str]] = {}
    for u in nodes:
        cand = keep_only[u] if keep_only is not None else succ[u]
        reps: dict[int, str] = {}
        for v in succ[u]:
            reps.setdefault(comp[v], v)
        cu = comp[u]
        kept = []
        for v in cand:
            cv = comp[v]
            if cv == cu:  # inside a cycle every edge may be needed
                kept.append(v)
                continue
            if reps.get(cv) != v:  # another edge into the same component
                continue
            if any(d not in (cv, cu) and reach[d] >> cv & 1 for d in reps):
                continue
            kept.append(v)
        out[u] = kept
    return out
