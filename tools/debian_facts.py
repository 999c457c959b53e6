#!/usr/bin/env python3
"""Make rules/knowledge/debian.json and rules/knowledge/debian/*.json: facts about Debian
and Ubuntu packages, read from the archives.

How the committed table was made
    On 2026-11-30 (UTC; the exact time is meta.generated), on Debian 12 (bookworm)
    with apt 2.6.1, as root, from the repository root in the project's venv:

        python tools/debian_facts.py --work /tmp/ubuntu-facts \
            --releases bullseye,bookworm,trixie,xenial,bionic,focal,jammy,noble,resolute

    It took 7.5 minutes (4.5 min CPU) and left about 375 MB of lists under --work
    (du of the nine lists folders, lz4; Ubuntu's universe and -updates lists are
    large). All nine releases read; the Ubuntu bases equal the images' package lists
    (BASE_ADJUST) for xenial, bionic, focal, jammy and noble. Ubuntu's keyring was not on the machine and
    bookworm has no ubuntu-keyring package: the script downloaded Debian trixie's
    ubuntu-keyring (2023.11.28.1) through a private trixie apt root (so the .deb is
    checked against Debian's archive signature) and unpacked it under --work; every
    Ubuntu Release file was then verified with its ubuntu-archive-keyring.gpg.

What it does
    1. Reads the package names of every ``apt-get install``/``apt install`` in the
       shared corpora (/work/shared/corpus, /work/shared/corpus-dinosaur; --corpus to
       change) with dockerlint's own model (engine.lint_text, then
       model.stages[*].runs[*].package_ops with manager apt, action install). Only
       the names are kept; no corpus text goes into the table.
    2. For each release (--releases; default bullseye, bookworm, trixie) lays out a
       private apt root under --work (default /tmp/debian-facts/RELEASE): its own
       sources.list with the standard sources of the official debian:RELEASE image
       (deb.debian.org/debian RELEASE and RELEASE-updates, deb.debian.org/debian-security
       RELEASE-security; main; amd64; signed by /usr/share/keyrings/debian-archive-keyring.gpg)
       or ubuntu:RELEASE image (archive.ubuntu.com RELEASE, -updates, -backports,
       security.ubuntu.com RELEASE-security; main restricted universe multiverse; as
       livecd-rootfs writes them, see _ubuntu()), its own lists, cache and an empty dpkg
       status, and the apt settings of the official images (Acquire::GzipIndexes,
       Acquire::Languages "none", ...; OFFICIAL_IMAGE_APT_CONF). apt
       reads it through APT_CONFIG, which can point Dir::Etc::parts elsewhere (the
       -o options cannot): the machine's /etc/apt is neither read nor changed.
    3. Runs ``apt-get update`` there and records ``du -sb`` of the lists folder (the
       size /var/lib/apt/lists has in an image layer that ran apt-get update).
    4. Reads the packages with ``apt-cache dumpavail`` rather than parsing the
       downloaded files: apt keeps them lz4-compressed (GzipIndexes), which Python's
       standard library cannot read, and dumpavail prints exactly one stanza per
       package, the candidate that apt's policy picks among RELEASE, -updates and
       -security, in plain Packages format.
    5. Computes, per release: the base (Priority required + apt and their closure:
       the debian:RELEASE-slim package set, checked against the images' manifests;
       for Ubuntu the same with BASE_ADJUST, the differences the ubuntu:RELEASE
       images' package lists show),
       closures over that base with and without Recommends, build-only
       classification, the runtime libraries of development packages, apt's version
       and whether it has distclean; and writes the JSON (sorted keys, one package
       per line): debian.json holds meta and a small header per release (distro,
       version, apt, sources, ...), debian/RELEASE.json the release's base, aliases,
       packages and graph, so that dockerlint reads only the release a Dockerfile is
       on. meta says how every figure is counted.

Re-running
    As root (apt-get update needs it) on a Debian or Ubuntu machine that can reach
    deb.debian.org, archive.ubuntu.com and security.ubuntu.com, from the repository
    root with dockerlint importable:

        python tools/debian_facts.py [--releases bullseye,bookworm,trixie]
                                     [--work /tmp/debian-facts] [--out PATH]
                                     [--no-update] [--corpus DIR ...]

    --no-update reuses the lists under --work (no lists size then). --out names
    the index; the release files go in the folder of the same name beside it
    (rules/knowledge/debian/), whose old *.json files are removed first.

Only the standard library is used (plus dockerlint for step 1).
"""

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
    # The ubuntu:RELEASE images enable all four components and -backports (apt-get update in
    # ubuntu:xenial fetches xenial-backports: tianon/docker-brew-ubuntu-core#84; noble's
    # ubuntu.sources lists noble noble-updates noble-backports). Backports are NotAutomatic
    # (pin 100), so they only give the candidate of a package that exists nowhere else.
    comps = ("main", "restricted", "universe", "multiverse")
    return Release(code, "ubuntu", version, (
        ("http://archive.ubuntu.com/ubuntu", (code, f"{code}-updates", f"{code}-backports"), comps),
        ("http://security.ubuntu.com/ubuntu", (f"{code}-security",), comps),
    ))


RELEASES: dict[str, Release] = {r.key: r for r in (
    _debian("bullseye", "11"),
    _debian("bookworm", "12"),
    _debian("trixie", "13"),
    _ubuntu("xenial", "16.04"),
    _ubuntu("bionic", "18.04"),
    _ubuntu("focal", "20.04"),
    _ubuntu("jammy", "22.04"),
    _ubuntu("noble", "24.04"),
    _ubuntu("resolute", "26.04"),
)}

# The apt.conf.d settings of the official images, written into each private apt root so
# that the measured lists size is the images' one. Debian (debuerreotype): GzipIndexes
# without a compression order, so apt keeps the indexes as the archive's best-known
# compression it can read in place (lz4 here). Ubuntu: the ubuntu:RELEASE images also
# set `Acquire::CompressionTypes::Order:: "gz"` (lists kept as .gz), in
# docker-brew-ubuntu-core's xenial/Dockerfile (dist-amd64 branch, 2021) and, for the
# images Launchpad builds since (bionic..noble), in livecd-rootfs's
# live-build/functions configure_oci, which copies the same docker-* apt.conf.d files.
OFFICIAL_IMAGE_APT_CONF = {
    "debian": """\
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Apt::AutoRemove::SuggestsImportant "false";
Acquire::GzipIndexes "true";
Acquire::Languages "none";
""",
    "ubuntu": """\
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
Apt::AutoRemove::SuggestsImportant "false";
Acquire::GzipIndexes "true";
Acquire::CompressionTypes::Order:: "gz";
Acquire::Languages "none";
APT::Periodic::Enable "0";
""",
}


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
    (root / "etc/apt.conf.d/docker").write_text(OFFICIAL_IMAGE_APT_CONF[rel.distro])
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

_TRANSITIONAL = re.compile(r"transitional|dummy", re.I)

# Where an ubuntu:REL image's package set differs from Priority required + apt and their
# closure (debootstrap --variant=minbase, which livecd-rootfs runs for the OCI images:
# live-build/auto/config, ubuntu-oci -> --bootstrap-flavour=minimal): (added, dropped),
# read from the images' own package lists: docker-brew-ubuntu-core's dist-amd64 branch
# (commit 570d597, 2022-08-01; xenial/ubuntu-xenial-core-cloudimg-amd64.manifest of
# 20210804, {bionic,focal,jammy}/ubuntu-REL-oci-amd64-root.manifest of 20220801) and
# docker-library/repo-info repos/ubuntu/local/noble-20260905.md (the dpkg package list
# of ubuntu:24.04 built 2026-09-07). Compared with this run's archives on 2026-11-30:
# jammy equal; xenial's image has no tzdata (the minimized build purges it, see
# livecd-rootfs auto/build "tzdata purge"); bionic's and focal's keep bzip2 (Priority
# important); focal's has no libgcc1 (a required transitional package that nothing
# installed needs); noble's adds the unminimize package. resolute has no published list
# here: its base is the computed one (unchecked).
BASE_ADJUST: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "xenial": ((), ("tzdata",)),
    "bionic": (("bzip2",), ()),
    "focal": (("bzip2",), ("libgcc1",)),
    "noble": (("unminimize",), ()),
}

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
                return self._past_transitional(r)
        return None

    def _past_transitional(self, name: str) -> str:
        """A transitional package whose name is provided by a package it depends on
        (x11proto-core-dev -> x11proto-dev) stands for that provider: apt installs the provider,
        and the transitional package only when nothing else brings the provider in."""
        p = self.packages[name]
        provs = self.providers.get(name)
        if provs and _TRANSITIONAL.search(p.description):
            own = {x for g in p.depends for x in g}
            return next((q for q in provs if q in own), name)
        return name

    def edges(self, name: str, have: set[str], recommends: bool = False) -> list[str]:
        """Packages that installing *name* adds directly, over *have*: resolved
        Pre-Depends + Depends, or (recommends=True) resolved Recommends only.

        A group that another dependency of the same package satisfies through
        Provides adds nothing (libfoo-perl's `libencode-perl`, provided by the perl
        it also depends on), as apt would see it satisfied by a package it installs
        anyway. For Recommends, the package's own dependencies count too."""
        p = self.packages[name]
        dep_groups = p.pre_depends + p.depends
        groups = p.recommends if recommends else dep_groups
        first = [self.resolve(g, have) for g in groups]
        others_all = set(first)
        if recommends:
            others_all |= {self.resolve(g, have) for g in dep_groups}
        out = []
        for g, r in zip(groups, first):
            if r is None:
                continue
            others = others_all - {r}
            if any(a in others or any(q in others for q in self.providers.get(a, ())) for a in g):
                continue
            if r not in out:
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

    def image_base(self, release: str) -> set[str]:
        """base(), with the release's BASE_ADJUST: the package set of its official image."""
        add, drop = BASE_ADJUST.get(release, ((), ()))
        have = self.base() - set(drop)
        return have | self.closure(add, have)

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
    "pgdg": "not in Debian: PostgreSQL's own apt repository (apt.postgresql.org, PGDG; "
            "https://wiki.postgresql.org/wiki/Apt) ships postgresql-server-dev-N for every supported "
            "major N, the same package as Debian's postgresql-server-dev-15 (bookworm): server "
            "headers and pg_config for building extensions. Hand-curated; sizes unknown",
}

# Packages Dockerfiles install from other apt repositories, which this script cannot
# read: (name, category, why key, runtime libraries). Hand-curated, sizes unknown.
HAND_PACKAGES: list[tuple[str, str | None, str, tuple[str, ...]]] = [
    (f"postgresql-server-dev-{n}", "headers", "pgdg", ("libpq5",)) for n in range(10, 19)
]

# (category or None, why key, full-match regex); first match wins.
_TRIPLET = r"(-[a-z0-9_]+-linux-gnu[a-z0-9_]*)?"
NAME_RULES: list[tuple[str | None, str, re.Pattern[str]]] = [(c, w, re.compile(rx)) for c, w, rx in [
    # not build-only, checked first
    (None, "debugger", r"gdb(-minimal|-multiarch)?|gdbserver|strace|ltrace|valgrind(-dbg|-mpi)?"
                       r"|lldb(-\d+)?|heaptrack|linux-perf(-[\d.]+)?|systemtap|sysdig|bpftrace|bpfcc-tools"),
    (None, "dev-tool", r"clang-(format|tidy)(-\d+)?|clangd(-\d+)?|cppcheck|shellcheck|ctags|universal-ctags"
                       r"|exuberant-ctags|cscope|indent|astyle|lcov|gcovr|lintian|piuparts|sloccount|yamllint"
                       r"|qtcreator"),
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
                             r"|tcc|musl-tools|fpc|fp-compiler(-[\d.]+)?|ldc|(gcc|g\+\+)(-\d+)?-multilib"
                             r"|gcc-arm-none-eabi|gcc-avr|gcc-riscv64-unknown-elf|nim|crystal"),
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
                                 r"|node-gyp|gyp|sbuild|git-buildpackage|equivs|pbuilder|qt[56]-qmake|re2c"
                                 r"|ragel|protobuf-c-compiler|device-tree-compiler|autogen|cdbs|distcc|gprbuild"
                                 r"|shtool|dub"),
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
    if cat is None or LANG_SOURCE.fullmatch(p.name) or CROSS.fullmatch(p.name):
        return False
    return not (cat == "headers" and p.section in LANG_SECTIONS)


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


# ---------------------------------------------------------------------------
# Names that Dockerfiles install (dockerlint's own model reads them)
# ---------------------------------------------------------------------------

_PLAIN_NAME = re.compile(r"[a-z0-9][a-z0-9+.-]+")


def apt_install_names(corpora: Iterable[Path]) -> tuple[set[str], int]:
    """Package names of every `apt-get/apt install` in the Dockerfiles under *corpora*
    (qualifiers =version, :arch, /release removed; names with variables or globs
    dropped), and the number of files read. Only the names leave this function."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from dockerlint.engine import lint_text  # noqa: E402 - the repository's own model

    names: set[str] = set()
    files = 0
    for corpus in corpora:
        for path in sorted(corpus.rglob("*")):
            if not path.is_file() or path.suffix in (".tsv", ".md", ".json", ".txt"):
                continue
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
                res = lint_text(text, str(path))
            except Exception:  # noqa: BLE001 - one unreadable file must not stop the table
                continue
            files += 1
            for stage in res.model.stages:
                for run in stage.runs:
                    for op in run.package_ops:
                        if op.manager == "apt" and op.action == "install":
                            for word in op.packages:
                                n = strip_qualifiers(word)
                                if _PLAIN_NAME.fullmatch(n):
                                    names.add(n)
    return names, files


def strip_qualifiers(word: str) -> str:
    """`gcc=4:12.2.0-3`, `gcc:amd64`, `gcc/bookworm-backports` -> `gcc` (lower case)."""
    return re.split(r"[=:/]", word.strip(), maxsplit=1)[0].lower()


# ---------------------------------------------------------------------------
# One release's table
# ---------------------------------------------------------------------------

NAMED = ("build-essential", "ca-certificates", "tzdata", "curl", "wget", "git", "udev", "libudev1",
         "python3-dev", "linux-headers-amd64", "golang-go", "gdb", "strace", "valgrind")

# packages[name] = [section, build_only, why, runtime_libraries, recommends] and, only
# for packages outside the graph, [installed_kib, closure_kib, closure_with_recommends_kib]:
# the loader computes these from the graph for the others.
COLUMNS = ("section", "build_only", "why", "runtime_libraries", "recommends",
           "installed_kib", "closure_kib", "closure_with_recommends_kib")

# Cross-compilers and cross-target libraries (gcc-12-aarch64-linux-gnu,
# libc6-dev-arm64-cross, gcc-mingw-w64-x86-64): build-only, but about a thousand of
# them; the table lists those that Dockerfiles name, meta counts the rest.
CROSS = re.compile(r".*(-linux-gnu[a-z0-9_]*|-cross|mingw-w64.*|-cross-.*)")


def recommended(a: Archive, name: str, base: set[str]) -> list[str]:
    """What `apt-get install NAME` adds because of Recommends, one level deep: the
    resolved Recommends of the package and of every package its Depends closure
    installs, less what the base or that closure already has (curl -> its libcurl4's
    ca-certificates, publicsuffix, ...). The package's own come first."""
    closure = a.closure([name], base)
    have = base | closure
    out: list[str] = []
    for n in [name] + sorted(closure - {name}):
        for g in a.packages[n].recommends:
            r = a.resolve(g, have)
            if r is not None and r not in out:
                out.append(r)
    return out


def own_recommends(a: Archive, name: str, base: set[str]) -> list[str]:
    """The package's own Recommends, resolved, less what the base or its Depends
    closure has: the shorter form stored for packages outside the graph."""
    have = base | a.closure([name], base)
    out: list[str] = []
    for g in a.packages[name].recommends:
        r = a.resolve(g, have)
        if r is not None and r not in out:
            out.append(r)
    return out


def graph_recommended(graph: dict[str, list], name: str) -> list[str]:
    """recommended() computed from the shipped graph, as the loader does."""
    closure = graph_closure(graph, [name])
    out: list[str] = []
    for n in [name] + sorted(closure - {name}):
        row = graph[n]
        for r in (row[2].split() if len(row) > 2 else []):
            if r not in closure and r not in out:
                out.append(r)
    return out


def build_release(a: Archive, wanted: set[str], all_candidates: bool, release: str = "") -> dict:
    """The table of one release: base, aliases, packages (COLUMNS), graph.

    *wanted*: names Dockerfiles install plus NAMED; *all_candidates*: also every
    build-only candidate of the archive (is_candidate) with its runtime libraries.
    The graph covers the closures (with Recommends) of *wanted* and of the runtime
    libraries of its development packages; closures of the other packages are
    stored as numbers only. *release* picks the base's BASE_ADJUST.
    """
    base = a.image_base(release)
    aliases = {}
    tier1: set[str] = set()
    for n in sorted(wanted):
        r = a.real(n)
        if r is None:
            continue
        tier1.add(r)
        if r != n:
            aliases[n] = r
    rt: dict[str, list[str]] = {}
    for n in sorted(tier1):
        if classify(a.packages[n])[0] == "headers":
            rt[n] = runtime_libraries(a, n)
            tier1.update(rt[n])
    rest: set[str] = set()
    skipped = {"language-source": 0, "cross": 0}
    if all_candidates:
        for n, p in a.packages.items():
            if is_candidate(p):
                if n not in tier1:
                    rest.add(n)
            elif classify(p)[0] is not None and n not in tier1:
                skipped["cross" if CROSS.fullmatch(n) else "language-source"] += 1
        for n in sorted(rest):
            if classify(a.packages[n])[0] == "headers":
                rt[n] = runtime_libraries(a, n)

    graph_nodes: set[str] = set()
    for n in tier1:
        graph_nodes |= a.closure([n], base, recommends=True)
    nodes = sorted(graph_nodes)
    deps = {n: a.edges(n, base) for n in nodes}
    recs = {n: [r for r in a.edges(n, base, recommends=True) if r not in deps[n]] for n in nodes}
    red_deps = reduce_edges(nodes, deps)
    # Recommends edges are kept whole: the loader reads a package's recommended
    # packages from the edges of its Depends closure.
    red_recs = recs
    graph = {}
    for n in nodes:
        row: list = [a.packages[n].installed_kib]
        if red_deps[n] or red_recs[n]:
            row.append(" ".join(red_deps[n]))
        if red_recs[n]:
            row.append(" ".join(red_recs[n]))
        graph[n] = row

    packages = {}
    for n in sorted(tier1 | rest):
        p = a.packages[n]
        cat, why = classify(p)
        in_graph = n in graph
        row: list = [p.section, cat, why, rt.get(n, []), None if in_graph else own_recommends(a, n, base)]
        if not in_graph:
            row += [p.installed_kib, a.size_kib(a.closure([n], base)),
                    a.size_kib(a.closure([n], base, recommends=True))]
        packages[n] = row
    check_graph(a, base, graph, sorted(tier1 - base))
    return {"base": sorted(base), "aliases": aliases, "packages": packages, "graph": graph,
            "left_out": skipped}


def graph_closure(graph: dict[str, list], roots: Iterable[str], recommends: bool = False) -> set[str]:
    """Reachability over the shipped graph (the loader does the same)."""
    seen: set[str] = set()
    stack = [r for r in roots if r in graph]
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        row = graph[n]
        nxt = row[1].split() if len(row) > 1 else []
        if recommends and len(row) > 2:
            nxt += row[2].split()
        stack.extend(nxt)
    return seen


def check_graph(a: Archive, base: set[str], graph: dict[str, list], names: list[str]) -> None:
    """The reduced graph must give exactly the archive's closures."""
    for n in names:
        for rec in (False, True):
            if graph_closure(graph, [n], rec) != a.closure([n], base, recommends=rec):
                raise AssertionError(f"graph closure of {n} (recommends={rec}) differs from the archive's")
    differ = [n for n in names if graph_recommended(graph, n) != recommended(a, n, base)]
    if differ:  # a Recommends satisfied through Provides by another member of the closure
        print(f"  recommends from the graph differ from a direct reading for {len(differ)} packages, "
              f"e.g. {', '.join(differ[:5])}", file=sys.stderr)


# ---------------------------------------------------------------------------
# apt facts
# ---------------------------------------------------------------------------

DISTCLEAN_SINCE = "2.7.8"  # apt's debian/changelog 2.7.8: "Add 'dist-clean' command" (Closes: #959093)


def apt_facts(a: Archive, lists_bytes: int | None, command: str, date: str) -> dict:
    version = a.packages["apt"].version if "apt" in a.packages else None
    return {
        "version": version,
        "has_distclean": version is not None and version_compare(version, DISTCLEAN_SINCE) >= 0,
        "lists_bytes": lists_bytes,
        "lists_source": command + f" (measured {date})" if lists_bytes is not None else None,
    }


def du_bytes(path: Path) -> int:
    return int(subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True).stdout.split()[0])


# ---------------------------------------------------------------------------
# Output: valid JSON, sorted keys, one package per line
# ---------------------------------------------------------------------------

def _compact(v) -> str:
    return json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


# The parts of a release that go in its own file (rules/knowledge/debian/REL.json); the rest
# (distro, version, apt, sources, build_essential, left_out) stays in debian.json's header, so
# that the loader reads only the releases a Dockerfile is on.
BODY_KEYS = ("aliases", "base", "graph", "packages")


def dump_index(table: dict) -> str:
    """debian.json: meta pretty-printed, then one header line per release."""
    rels = sorted(table["releases"])
    out = ['{', '"meta": ' + json.dumps(table["meta"], indent=1, sort_keys=True, ensure_ascii=False) + ',',
           '"releases": {']
    for i, rel in enumerate(rels):
        head = {k: v for k, v in table["releases"][rel].items() if k not in BODY_KEYS}
        out.append(json.dumps(rel) + ": " + _compact(head) + ("," if i < len(rels) - 1 else ""))
    out += ["}", "}"]
    return "\n".join(out) + "\n"


def dump_release(body: dict) -> str:
    """debian/REL.json: base, and one line per package/graph node/alias."""
    out = ["{"]
    keys = [k for k in BODY_KEYS if k in body]
    for j, k in enumerate(keys):
        v = body[k]
        sep = "," if j < len(keys) - 1 else ""
        if k in ("packages", "graph", "aliases") and v:
            out.append(json.dumps(k) + ": {")
            items = sorted(v.items())
            out += [json.dumps(n) + ":" + _compact(row) + ("," if m < len(items) - 1 else "")
                    for m, (n, row) in enumerate(items)]
            out.append("}" + sep)
        else:
            out.append(json.dumps(k) + ": " + _compact(v) + sep)
    out.append("}")
    return "\n".join(out) + "\n"


def dump_table(table: dict) -> dict[str, str]:
    """{relative path: text} of the whole table: "debian.json" and "debian/REL.json" per release."""
    files = {"debian.json": dump_index(table)}
    for rel, body in table["releases"].items():
        files[f"debian/{rel}.json"] = dump_release(body)
    return files


def load_table(index: Path) -> dict:
    """The table as dump_table's input, read back from debian.json and its debian/ folder."""
    table = json.loads(index.read_text())
    for rel in table["releases"]:
        table["releases"][rel].update(json.loads((index.parent / "debian" / f"{rel}.json").read_text()))
    return table


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------

def probe(url: str) -> str:
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=20) as r:  # noqa: S310 - fixed archive URL
            return f"reachable (HTTP {r.status})"
    except Exception as e:  # noqa: BLE001
        return f"not reachable ({type(e).__name__}: {e})"


def ubuntu_keyring(work: Path, conf_with_keyring: Path) -> str:
    """Ubuntu's archive keyring, from Debian's own ubuntu-keyring package (trixie
    ships it), unpacked under *work*: trust comes from the Debian archive."""
    target = work / "ubuntu-keyring"
    ring = target / "usr/share/keyrings/ubuntu-archive-keyring.gpg"
    if ring.exists():
        return str(ring)
    dl = work / "download"
    dl.mkdir(parents=True, exist_ok=True)
    subprocess.run(["apt-get", "download", "ubuntu-keyring"], cwd=dl, check=True, capture_output=True,
                   env=dict(os.environ, APT_CONFIG=str(conf_with_keyring)))
    deb = next(dl.glob("ubuntu-keyring_*.deb"))
    subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], check=True)
    return str(ring)


def make_meta(now: str, host_apt: str, read: list[str], not_read: dict[str, str], corpus_files: int,
              corpus_names: int, found: dict[str, int], ubuntu_keyring_note: str | None, full: set[str]) -> dict:
    ubuntu = {rel: probe(f"http://archive.ubuntu.com/ubuntu/dists/{rel}/InRelease")
              for rel in [r for r in RELEASES if RELEASES[r].distro == "ubuntu"] + ["trusty"]}
    return {
        "generated": now,
        "generator": "tools/debian_facts.py (see its docstring to re-run)",
        "generator_apt": host_apt,
        "architecture": "amd64",
        "releases_read": read,
        "releases_not_read": not_read,
        "ubuntu": {
            "archive": ubuntu,
            "note": "Ubuntu releases are read like Debian's, with the ubuntu:REL images' sources and apt "
                    "settings. Sources: REL, REL-updates, REL-backports (archive.ubuntu.com) and REL-security "
                    "(security.ubuntu.com), components main restricted universe multiverse, as livecd-rootfs "
                    "(live-build/functions configure_universe; the deb822 ubuntu.sources from noble on) writes "
                    "them into the images. Backports are NotAutomatic (pin 100): they give the candidate only of "
                    "a package no other suite has. apt settings: livecd-rootfs configure_oci (and docker-brew-"
                    "ubuntu-core's xenial Dockerfile) add Acquire::GzipIndexes with CompressionTypes::Order gz, "
                    "Acquire::Languages none. trusty's archive is gone (404), so it is not in the table.",
            "keyring": ubuntu_keyring_note,
            "signatures": "apt-get update verified every Release file against the ubuntu-archive-keyring.gpg of "
                          "that package (no [trusted=yes]); a release whose update printed Err: is listed in "
                          "releases_not_read instead.",
        },
        "source": "apt-cache dumpavail in a private apt root per release (APT_CONFIG; the machine's /etc/apt "
                  "is neither read nor changed) after apt-get update against the release's standard sources "
                  "(see releases.*.sources): the candidate version of every package, as apt's policy picks it "
                  "across REL, REL-updates and REL-security (and Ubuntu's REL-backports).",
        "units": "installed_kib and *_kib are the archive's Installed-Size (KiB, uncompressed). dockerlint.debian "
                 "reports MB = KiB * 1024 / 10^6, the unit apt prints ('After this operation, 274 MB ...'). The "
                 "ubuntu:REL images are minimized (livecd-rootfs auto/build: dpkg path-exclude of /usr/share/man, "
                 "/usr/share/doc, translations), so what lands there is somewhat less than Installed-Size.",
        "base": "Each release's base is the package set of the official debian:REL-slim image: Priority "
                "required (and Essential) plus apt, and their Depends/Pre-Depends closure, with debootstrap's "
                "usr-is-merged for `usrmerge | usr-is-merged`. On " + now[:10] + " this gave exactly the names "
                "of debuerreotype/docker-debian-artifacts' */slim/rootfs.manifest for bullseye (96), bookworm "
                "(88) and trixie (78). Ubuntu: the package set of the ubuntu:REL image, which livecd-rootfs "
                "bootstraps the same way (ubuntu-oci: --bootstrap-flavour=minimal, debootstrap minbase) and then "
                "minimizes; the computed set, adjusted where the image's own package list differs (BASE_ADJUST in "
                "the generator, with its sources: docker-brew-ubuntu-core dist-amd64 manifests for xenial..jammy, "
                "docker-library/repo-info for noble): xenial -tzdata, bionic +bzip2, focal +bzip2 -libgcc1, "
                "noble +unminimize; jammy equal; resolute unchecked. Closures are counted over that base (a base "
                "package adds 0).",
        "resolution": "Depends + Pre-Depends (and Recommends for the with-recommends figures), versions "
                      "ignored (one candidate per name). A group already satisfied by the base (directly or "
                      "through Provides) adds nothing; otherwise its first alternative that exists, a purely "
                      "virtual name resolved to its provider of highest Priority, then by name. Resolution is "
                      "against the base only, so a set's closure is the union of its members' closures. "
                      "Recommends are followed recursively, as apt does without --no-install-recommends.",
        "columns": {
            "packages": list(COLUMNS),
            "packages_note": "the last three only for packages outside the graph (base packages, build-only "
                             "candidates that no Dockerfile names, hand-curated ones with null sizes); for the "
                             "others the loader computes them from the graph",
            "graph": ["installed_kib", "dependencies (space-separated, transitively reduced)",
                      "recommends edges (space-separated, not reduced)"],
            "graph_note": "every package in the closure (with Recommends) of the packages Dockerfiles name and "
                          "of their runtime libraries, base excluded; edges transitively reduced (a closure "
                          "over the reduced graph equals the archive's, checked for every listed package when "
                          "the table is made)",
            "aliases": "virtual or provided names Dockerfiles use -> the real package apt installs",
            "recommends": "null for packages in the graph: the loader gives what apt-get install NAME adds "
                          "because of Recommends, one level deep (the Recommends edges of the package and of its "
                          "Depends closure, less that closure; curl -> ca-certificates through libcurl4). Outside "
                          "the graph: the package's own Recommends, resolved, less the base and its closure.",
            "runtime_libraries": "for development packages: the shared libraries they stand for, from Depends "
                                 "of the same source package (following -dev and pointer packages); see "
                                 "runtime_libraries() in the generator",
        },
        "which_packages": "every package that an apt-get/apt install names in the shared corpora (" +
                          f"{corpus_files} Dockerfiles, {corpus_names} distinct names; found per release: " +
                          ", ".join(f"{r} {n}" for r, n in sorted(found.items())) + "), read with dockerlint's own "
                          "model (only the names); " + ", ".join(NAMED) + "; the runtime libraries of the "
                          "development packages among them; and, for " + ", ".join(sorted(full)) + " only, every "
                          "build-only candidate of the archive (classification with sizes, no graph) except "
                          "language-source packages (librust-*, golang-*-dev, libghc-*, OCaml) and "
                          "cross-compilation packages, counted in releases.*.left_out.",
        "why": WHY,
        "build_only_rules": "curated names first (NAME_RULES in the generator, which also mark debuggers, "
                            "binutils, cpp and runtime packages as not build-only), then a development-file name "
                            "(-dev, -dev-bin/-common/-tools/-compat/-all/-N, -headers, -pic) outside section doc "
                            "-> headers; other libdevel names are not build-only.",
        "distclean": "apt-get distclean/dist-clean exists from apt " + DISTCLEAN_SINCE + " (apt's "
                     "debian/changelog 2.7.8, Closes: #959093); checked when the table was made: the strings "
                     "are in trixie's apt 3.0 binaries and absent from bookworm's apt 2.6.",
        "lists": "releases.*.apt.lists_bytes: du -sb of the lists folder right after apt-get update with the "
                 "official images' apt settings (Acquire::GzipIndexes, Acquire::Languages none: indexes kept "
                 "compressed; Ubuntu's also CompressionTypes::Order gz) and the standard sources of the "
                 "debian:REL / ubuntu:REL image (see ubuntu.note), as /var/lib/apt/lists is in a layer that runs "
                 "apt-get update. Measured with the generator's apt (generator_apt), which stores the indexes "
                 "lz4-compressed; an image's own older apt (xenial's 1.2) may store them differently.",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/debian-facts"),
                    help="folder for the private apt roots (default /tmp/debian-facts)")
    ap.add_argument("--releases", default="bullseye,bookworm,trixie",
                    help="comma-separated codenames among " + ", ".join(RELEASES))
    ap.add_argument("--full", default="bookworm",
                    help="releases that also list every build-only candidate (default bookworm)")
    ap.add_argument("--corpus", type=Path, action="append",
                    help="folders of Dockerfiles whose apt install names go in "
                         "(default /work/shared/corpus and /work/shared/corpus-dinosaur)")
    ap.add_argument("--no-update", action="store_true", help="reuse the lists already under --work")
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parent.parent / "rules/knowledge/debian.json")
    args = ap.parse_args(argv)

    releases = [r.strip() for r in args.releases.split(",") if r.strip()]
    unknown = [r for r in releases if r not in RELEASES]
    if unknown:
        ap.error(f"unknown release(s): {', '.join(unknown)}")
    full = {r.strip() for r in args.full.split(",")}
    corpora = args.corpus or [Path("/work/shared/corpus"), Path("/work/shared/corpus-dinosaur")]
    corpora = [c for c in corpora if c.is_dir()]
    now = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    host_apt = subprocess.run(["apt-get", "--version"], capture_output=True, text=True).stdout.split("\n")[0]

    print(f"reading apt install names from {', '.join(map(str, corpora)) or 'no corpus'}", file=sys.stderr)
    corpus_names, corpus_files = apt_install_names(corpora)
    wanted = corpus_names | set(NAMED)

    keyrings = {"debian": DEBIAN_KEYRING, "ubuntu": UBUNTU_KEYRING}
    table: dict = {"releases": {}}
    read, not_read, found = [], {}, {}
    ubuntu_keyring_note = None
    for rel in releases:
        r = RELEASES[rel]
        root = args.work / rel
        if r.distro == "ubuntu" and not Path(keyrings["ubuntu"]).exists():
            helper = write_apt_root(args.work / "trixie", RELEASES["trixie"], keyrings)
            if not args.no_update:
                apt(helper, "apt-get", "update")
            keyrings["ubuntu"] = ubuntu_keyring(args.work, helper)
            ubuntu_keyring_note = "Ubuntu's keyring from Debian trixie's ubuntu-keyring package"
        conf = write_apt_root(root, r, keyrings)
        lists_bytes = None
        cmd = f"APT_CONFIG={conf} apt-get update && du -sb {root / 'lists'}"
        if not args.no_update:
            print(f"{rel}: apt-get update", file=sys.stderr)
            shutil.rmtree(root / "lists")
            (root / "lists/partial").mkdir(parents=True)
            res = apt(conf, "apt-get", "update", check=False)
            if res.returncode != 0 or "Err:" in res.stdout or res.stderr.strip().startswith("E:"):
                not_read[rel] = (res.stdout + res.stderr).strip()[-500:]
                continue
            lists_bytes = du_bytes(root / "lists")
        dump = apt(conf, "apt-cache", "dumpavail", check=False)
        if dump.returncode != 0 or not dump.stdout.strip():
            not_read[rel] = (dump.stderr or "apt-cache dumpavail printed nothing").strip()[-500:]
            continue
        a = Archive(parse_packages(dump.stdout))
        print(f"{rel}: {len(a.packages)} packages; building the table", file=sys.stderr)
        body = build_release(a, wanted, rel in full, rel)
        for name, cat, why, libs in HAND_PACKAGES:
            if name not in a.packages and name not in body["packages"]:
                body["packages"][name] = [None, cat, why, list(libs), [], None, None, None]
        body["apt"] = apt_facts(a, lists_bytes, cmd, now)
        body["distro"], body["version"] = r.distro, r.version
        body["sources"] = (root / "etc/sources.list").read_text().splitlines()
        base = set(body["base"])
        be = a.closure(["build-essential"], base)
        body["build_essential"] = {
            "packages": len(be), "installed_kib": a.size_kib(be),
            "with_recommends_kib": a.size_kib(a.closure(["build-essential"], base, recommends=True)),
            "base_packages": len(base), "base_installed_kib": a.size_kib(base),
        }
        found[rel] = sum(1 for n in corpus_names if a.real(n) is not None)
        table["releases"][rel] = body
        read.append(rel)

    table["meta"] = make_meta(now, host_apt, read, not_read, corpus_files, len(corpus_names), found,
                              ubuntu_keyring_note, full)
    files = dump_table(table)
    folder = args.out.parent / args.out.stem
    if folder.is_dir():  # releases not read this time must not linger
        for old in folder.glob("*.json"):
            old.unlink()
    for rel_path, text in files.items():
        path = args.out if rel_path == "debian.json" else args.out.parent / args.out.stem / rel_path.split("/", 1)[1]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        print(f"wrote {path} ({len(text.encode())} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
