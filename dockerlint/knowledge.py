"""Knowledge tables: which images are toolchains or runtimes (and what a stage FROM
them starts with), which packages are build-only, which commands compile, where
package managers keep caches.

The facts live as data in ``rules/knowledge/*.toml`` (shipped in the wheel as
``dockerlint/_rules/knowledge``); this module only loads and queries them.
Each table is parsed lazily, once, on first use. The base-image queries
(``image_info``, ``runtime_image``) live in ``dockerlint.images`` and are
re-exported here.
"""

from __future__ import annotations

import functools
import re
TYPE_CHECKING = False  # typing costs ~5 ms of start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

from .lazyre import LazyRe, fullmatches
from .records import Value, setfield


__all__ = [
    "ImageInfo", "PackageInfo", "RuntimeImage", "ToolchainInfo",
    "image_info", "runtime_image", "pin_version", "stale_release", "build_only_package", "toolchain_for_command",
    "toolchain", "cache_dirs",
    "knowledge_dir", "load_table",
]

TABLES = ("images", "packages", "toolchains", "caches", "cache_sizes", "pipes", "security", "base_packages")


def knowledge_dir():
    """rules/knowledge, installed or in the checkout (a pathlib.Path, imported on first use)."""
    from pathlib import Path

    installed = Path(__file__).parent / "_rules" / "knowledge"
    if installed.is_dir():
        return installed
    return Path(__file__).parent.parent / "rules" / "knowledge"


def load_table(name: str) -> dict[str, Any]:
    """The table ``rules/knowledge/<name>.toml`` (compiled at build time, see compiled.py)."""
    from .compiled import table

    return table(name)


# ---------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------

class PackageInfo(Value):
    name: str
    category: str  # compiler | headers | build-tool | downloader | vcs | toolchain
    toolchain: str | None
    approx_size_mb: int | None

    __slots__ = _fields = ("name", "category", "toolchain", "approx_size_mb")

    def __init__(self, name: str, category: str, toolchain: str | None,
                 approx_size_mb: int | None) -> None:
        setfield(self, "name", name)
        setfield(self, "category", category)
        setfield(self, "toolchain", toolchain)
        setfield(self, "approx_size_mb", approx_size_mb)


class _PkgRule(Value):
    names: frozenset[str]
    patterns: tuple[LazyRe, ...]
    info: tuple[str, str | None, int | None] | None  # None for not_build_only

    __slots__ = _fields = ("names", "patterns", "info")

    def __init__(self, names: frozenset[str], patterns: tuple[LazyRe, ...],
                 info: tuple[str, str | None, int | None] | None) -> None:
        setfield(self, "names", names)
        setfield(self, "patterns", patterns)
        setfield(self, "info", info)


@functools.cache
def _packages() -> tuple[dict[str, str], dict[str, tuple[list[_PkgRule], list[_PkgRule]]]]:
    data = load_table("packages")
    aliases: dict[str, str] = {}
    for canonical, names in data.get("managers", {}).items():
        aliases[canonical] = canonical
        for n in names:
            aliases.setdefault(n, canonical)
    per: dict[str, tuple[list[_PkgRule], list[_PkgRule]]] = {m: ([], []) for m in data.get("managers", {})}

    def rule(entry: dict[str, Any], build_only: bool) -> _PkgRule:
        info = None
        if build_only:
            info = (entry["category"], entry.get("toolchain") or None, entry.get("approx_size_mb"))
        return _PkgRule(frozenset(n.lower() for n in entry.get("names", [])),
                        tuple(LazyRe(p, re.IGNORECASE) for p in entry.get("patterns", [])), info)

    for entry in data.get("not_build_only", []):
        r = rule(entry, False)
        for m in entry["managers"]:
            per.setdefault(m, ([], []))[0].append(r)
    for entry in data.get("package", []):
        r = rule(entry, True)
        for m in entry["managers"]:
            per.setdefault(m, ([], []))[1].append(r)
    return aliases, per


_RPM_ARCH = LazyRe(r"\.(x86_64|i[3-6]86|noarch|aarch64|ppc64le|ppc64|s390x|armv7hl|src)$", re.IGNORECASE)
_RPM_VERSION = LazyRe(r"^(.+?)-[0-9][A-Za-z0-9.+~^_]*(-[0-9][A-Za-z0-9.+~^_]*)?$")
_PIP_SPEC = LazyRe(r"\s*(\[|;|@|===|==|!=|~=|>=|<=|>|<|=|\s).*$", re.DOTALL)


def _strip(manager: str, word: str) -> str:
    """The package name in `word`, without version, architecture or extras."""
    s = word.strip().strip("'\"")
    if manager == "apt":
        s = re.split(r"[=:/]", s, maxsplit=1)[0]
    elif manager == "apk":
        s = s.split("@", 1)[0]
        s = re.split(r"[<>=~]", s, maxsplit=1)[0]
    elif manager in ("dnf", "zypper"):
        if not s.startswith("@"):
            s = re.split(r"\s*[<>=]", s, maxsplit=1)[0]
        s = _RPM_ARCH.sub("", s)
    elif manager == "pip":
        s = _PIP_SPEC.sub("", s)
    elif manager == "npm":
        if s.startswith("@"):
            scope, _, rest = s.partition("/")
            s = scope + "/" + rest.split("@", 1)[0] if rest else s
        else:
            s = s.split("@", 1)[0]
    elif manager == "gem":
        s = re.split(r"[:\s]", s, maxsplit=1)[0]
    return s.strip()


def _key(manager: str, name: str) -> str:
    k = name.lower()
    if manager == "pip":
        k = re.sub(r"[-_.]+", "-", k)
    return k


def _classify(rules: tuple[list[_PkgRule], list[_PkgRule]], key: str,
              archive=None) -> tuple[bool, tuple | None]:
    """(decided, info): decided is False when nothing matched.

    Order: the curated exclusions, the curated names, then what the distribution's archive says
    (`archive(key)` -> info or None, for apt: Debian's sections and -dev structure, from
    rules/knowledge/debian.json), then the curated name patterns for what the archive does not know.
    """
    excluded, build_only = rules
    # fullmatches: a package name is tested against every pattern of its manager's table, and
    # starts as one or two of them; the others are not compiled
    for r in excluded:
        if key in r.names or any(fullmatches(p, key) for p in r.patterns):
            return True, None
    for r in build_only:
        if key in r.names:
            return True, r.info
    pattern = next((r.info for r in build_only if any(fullmatches(p, key) for p in r.patterns)), None)
    if archive is not None:
        found = archive(key)
        if found is not False:
            # the archive decides whether; a curated pattern adds which toolchain (gcc-12 -> gcc)
            return True, (pattern if found is not None and pattern is not None else found)
    if pattern is not None:
        return True, pattern
    return False, None


def _debian_archive(key: str):
    """Debian's classification of a package: (category, toolchain, MB) when build-only, None when
    the archive knows it and it is not, False when the archive does not have it."""
    try:
        from . import debian
    except ImportError:
        return False
    pkg = debian.package(key)
    if pkg is None:
        return False
    if not pkg.build_only:
        return None
    category = pkg.build_only
    return (category if category != "toolchain" else "toolchain", None,
            round(pkg.closure_mb) if pkg.closure_mb else None)


def build_only_package(manager: str, name: str) -> PackageInfo | None:
    """PackageInfo when `name`, installed with `manager`, is only needed to build software."""
    if not isinstance(name, str) or not isinstance(manager, str):
        return None
    return _build_only_package(manager, name)


@functools.lru_cache(maxsize=4096)  # DKL101/DKL102/DKL104 and the rewrite ask about the same names per file
def _build_only_package(manager: str, name: str) -> PackageInfo | None:
    aliases, per = _packages()
    mgr = aliases.get(manager.lower(), manager.lower())
    rules = per.get(mgr)
    if rules is None:
        return None
    pkg = _strip(mgr, name)
    if not pkg or "$" in pkg:
        return None
    decided, info = _classify(rules, _key(mgr, pkg), _debian_archive if mgr == "apt" else None)
    if not decided and mgr in ("dnf", "zypper"):
        m = _RPM_VERSION.match(pkg)
        if m:
            pkg = m.group(1)
            decided, info = _classify(rules, _key(mgr, pkg))
    if info is None:
        return None
    category, tc, size = info
    return PackageInfo(pkg, category, tc, size)


# ---------------------------------------------------------------------------
# Toolchains and the commands that compile with them
# ---------------------------------------------------------------------------

class ToolchainInfo(Value):
    name: str
    label: str
    approx_size_mb: int | None
    runtime_base: str | None
    runtime_base_musl: str | None
    static_env: str | None  # e.g. CGO_ENABLED=0: makes the output run on runtime_base

    __slots__ = _fields = ("name", "label", "approx_size_mb", "runtime_base", "runtime_base_musl",
                           "static_env")

    def __init__(self, name: str, label: str, approx_size_mb: int | None, runtime_base: str | None,
                 runtime_base_musl: str | None, static_env: str | None = None) -> None:
        setfield(self, "name", name)
        setfield(self, "label", label)
        setfield(self, "approx_size_mb", approx_size_mb)
        setfield(self, "runtime_base", runtime_base)
        setfield(self, "runtime_base_musl", runtime_base_musl)
        setfield(self, "static_env", static_env)


@functools.cache
def _toolchains() -> dict[str, ToolchainInfo]:
    data = load_table("toolchains")
    return {
        name: ToolchainInfo(name, t["label"], t.get("approx_size_mb"), t.get("runtime_base") or None,
                            t.get("runtime_base_musl") or None, t.get("static_env") or None)
        for name, t in data.get("toolchain", {}).items()
    }


def toolchain(name: str) -> ToolchainInfo | None:
    return _toolchains().get(name) if isinstance(name, str) else None


class _Command(Value):
    toolchain: str
    programs: frozenset[str]
    program_patterns: tuple[LazyRe, ...]
    mode: str
    verbs: tuple[tuple[str, ...], ...]
    flags_with_value: frozenset[str]
    flag_prefixes: tuple[str, ...]
    strip_task_path: bool
    info_flags: frozenset[str]
    info_flag_prefixes: tuple[str, ...]
    info_if_alone: frozenset[str]
    min_args: int

    __slots__ = _fields = ("toolchain", "programs", "program_patterns", "mode", "verbs",
                           "flags_with_value", "flag_prefixes", "strip_task_path", "info_flags",
                           "info_flag_prefixes", "info_if_alone", "min_args")

    def __init__(self, toolchain: str, programs: frozenset[str],
                 program_patterns: tuple[LazyRe, ...], mode: str,
                 verbs: tuple[tuple[str, ...], ...], flags_with_value: frozenset[str],
                 flag_prefixes: tuple[str, ...], strip_task_path: bool, info_flags: frozenset[str],
                 info_flag_prefixes: tuple[str, ...], info_if_alone: frozenset[str],
                 min_args: int) -> None:
        setfield(self, "toolchain", toolchain)
        setfield(self, "programs", programs)
        setfield(self, "program_patterns", program_patterns)
        setfield(self, "mode", mode)
        setfield(self, "verbs", verbs)
        setfield(self, "flags_with_value", flags_with_value)
        setfield(self, "flag_prefixes", flag_prefixes)
        setfield(self, "strip_task_path", strip_task_path)
        setfield(self, "info_flags", info_flags)
        setfield(self, "info_flag_prefixes", info_flag_prefixes)
        setfield(self, "info_if_alone", info_if_alone)
        setfield(self, "min_args", min_args)

    def matches(self, program: str) -> bool:
        return program in self.programs or any(p.fullmatch(program) for p in self.program_patterns)


class _Wrapper(Value):
    flags_with_value: frozenset[str]
    skip_assignments: bool
    skip_positionals: int
    stop_flags: frozenset[str]
    only_programs: frozenset[str]

    __slots__ = _fields = ("flags_with_value", "skip_assignments", "skip_positionals", "stop_flags",
                           "only_programs")

    def __init__(self, flags_with_value: frozenset[str], skip_assignments: bool,
                 skip_positionals: int, stop_flags: frozenset[str],
                 only_programs: frozenset[str]) -> None:
        setfield(self, "flags_with_value", flags_with_value)
        setfield(self, "skip_assignments", skip_assignments)
        setfield(self, "skip_positionals", skip_positionals)
        setfield(self, "stop_flags", stop_flags)
        setfield(self, "only_programs", only_programs)


@functools.cache
def _commands() -> tuple[tuple[_Command, ...], dict[str, _Wrapper]]:
    data = load_table("toolchains")
    cmds = []
    for c in data.get("command", []):
        cmds.append(_Command(
            toolchain=c["toolchain"],
            programs=frozenset(c.get("programs", [])),
            program_patterns=tuple(LazyRe(p) for p in c.get("program_patterns", [])),
            mode=c["mode"],
            verbs=tuple(tuple(v.lower().split()) for v in c.get("verbs", [])),
            flags_with_value=frozenset(c.get("flags_with_value", [])),
            flag_prefixes=tuple(c.get("flag_prefixes", ["-"])),
            strip_task_path=bool(c.get("strip_task_path", False)),
            info_flags=frozenset(c.get("info_flags", [])),
            info_flag_prefixes=tuple(c.get("info_flag_prefixes", [])),
            info_if_alone=frozenset(c.get("info_if_alone", [])),
            min_args=int(c.get("min_args", 0)),
        ))
    wrappers: dict[str, _Wrapper] = {}
    for w in data.get("wrapper", []):
        wr = _Wrapper(frozenset(w.get("flags_with_value", [])), bool(w.get("skip_assignments", False)),
                      int(w.get("skip_positionals", 0)), frozenset(w.get("stop_flags", [])),
                      frozenset(w.get("only_programs", [])))
        for p in w["programs"]:
            wrappers[p] = wr
    return tuple(cmds), wrappers


_ASSIGNMENT = LazyRe(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _program(word: str) -> str:
    base = word.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    for ext in (".exe", ".cmd", ".bat"):
        if base.lower().endswith(ext):
            base = base[: -len(ext)]
    return base


def _unwrap(argv: list[str]) -> list[str] | None:
    """argv with wrappers (env, sudo, time, sh ./gradlew ...) removed; None if nothing runs."""
    _cmds, wrappers = _commands()
    args = list(argv)
    for _ in range(8):
        while args and _ASSIGNMENT.match(args[0]):
            args = args[1:]
        if not args:
            return None
        w = wrappers.get(_program(args[0]))
        if w is None:
            return args
        rest = args[1:]
        if w.only_programs:
            if rest and not rest[0].startswith("-") and _program(rest[0]) in w.only_programs:
                args = rest
                continue
            return args
        i, skipped = 0, 0
        while i < len(rest):
            a = rest[i]
            if a in w.stop_flags:
                return None
            if a == "--":
                i += 1
                break
            if a.startswith("-") and len(a) > 1:
                i += 2 if a in w.flags_with_value else 1
                continue
            if w.skip_assignments and _ASSIGNMENT.match(a):
                i += 1
                continue
            if skipped < w.skip_positionals:
                skipped += 1
                i += 1
                continue
            break
        args = rest[i:]
    return args or None


def _positionals(cmd: _Command, args: list[str]) -> list[str]:
    out = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith(cmd.flag_prefixes) and len(a) > 1:
            i += 2 if a in cmd.flags_with_value else 1
            continue
        out.append(a)
        i += 1
    return out


def _is_info(cmd: _Command, args: list[str]) -> bool:
    if args and cmd.info_if_alone and all(a in cmd.info_if_alone for a in args):
        return True
    for a in args:
        flag = a.split("=", 1)[0]
        if a in cmd.info_flags or flag in cmd.info_flags:
            return True
        if cmd.info_flag_prefixes and a.startswith(cmd.info_flag_prefixes):
            return True
    return False


def toolchain_for_command(argv: list[str]) -> str | None:
    """The toolchain a simple command compiles with (`go build` -> 'go'), or None."""
    if not argv or not all(isinstance(a, str) for a in argv):
        return None
    found = _toolchain_for(tuple(argv))
    return found[0] if found else None


@functools.lru_cache(maxsize=256)
def runs_vcs(program: str) -> bool:
    """Whether `program` (a basename) may run git/hg/svn itself to fetch a dependency given as a
    repository (composer, npm, pip, bundle, cargo, go, ...): packages.toml [vcs_users], with the
    documentation of each."""
    return program in load_table("packages").get("vcs_users", {}).get("programs", ())


def package_programs(name: str) -> tuple[str, ...]:
    """The programs a build-only package installs under names other than its own (subversion:
    svn, mercurial: hg), from packages.toml [package_programs] (Debian's file lists); () for
    any other package."""
    got = load_table("packages").get("package_programs", {}).get(name, ())
    return tuple(got) if isinstance(got, list) else ()


def loaded_at_run_time(manager: str, name: str) -> bool:
    """Whether a -dev package stands for a library that a binding loads by name at run time
    (ctypes, dlopen: Rtree's libspatialindex_c, python-magic's libmagic), which an ldd scan of what
    the build wrote does not see: packages.toml [loaded_at_run_time], with the bindings' docs."""
    return name in load_table("packages").get("loaded_at_run_time", {}).get(manager, ())


def runs_toolchain(program: str, toolchain: str) -> bool:
    """Whether `program` (a basename) is one of the toolchain's own programs in toolchains.toml
    ([[command]] programs and program_patterns): `go` for go, `cc`/`g++-12` for gcc, `mvn` for
    maven. Any use counts, not only a build: `go get`, `cargo run`, `gcc --version` need it too."""
    return any(c.toolchain == toolchain for c in _matching_commands(program))


def build_label(argv: list[str]) -> str | None:
    """How messages name a compiling command: its program and the verb, goal or task that
    builds (`./mvnw -B -q package` -> "./mvnw package", `go build -o x .` -> "go build",
    `make -j4 install` -> "make install"), or None when it does not compile."""
    if not argv or not all(isinstance(a, str) for a in argv):
        return None
    found = _toolchain_for(tuple(argv))
    return found[1] if found else None


# make targets that do not build: cleaning, testing, installing what is already built is a build
# only with `install` (it builds the default target first in most Makefiles)
_MAKE_NOT_BUILDING = frozenset({"clean", "distclean", "mrproper", "realclean", "maintainer-clean", "test",
                                "check", "tests", "uninstall", "help", "lint", "fmt", "format", "dist", "tags"})


@functools.lru_cache(maxsize=4096)
def _matching_commands(program: str) -> tuple[_Command, ...]:
    return tuple(c for c in _commands()[0] if c.matches(program))


@functools.lru_cache(maxsize=8192)
def _toolchain_for(argv: tuple[str, ...]) -> tuple[str, str] | None:
    args = _unwrap(list(argv))
    if not args:
        return None
    program = _program(args[0])
    shown = args[0] if args[0].startswith("./") else program
    rest = args[1:]
    for cmd in _matching_commands(program):
        if _is_info(cmd, rest):
            return None
        if cmd.mode == "invocation":
            if len(rest) < cmd.min_args:
                return None
            pos = _positionals(cmd, rest)
            if cmd.toolchain == "make" and pos and all(p in _MAKE_NOT_BUILDING for p in pos):
                return None
            goal = next((p for p in pos if p in ("install", "all")), None) if cmd.toolchain == "make" else None
            return cmd.toolchain, f"{shown} {goal}" if goal else shown
        pos = [p.lower() for p in _positionals(cmd, rest)]
        if cmd.mode == "subcommand":
            for verb in cmd.verbs:
                if tuple(pos[: len(verb)]) == verb:
                    return cmd.toolchain, f"{shown} {' '.join(verb)}"
            return None
        if cmd.mode == "goal":
            raw_pos = _positionals(cmd, rest)
            for p, raw in zip(pos, raw_pos):
                task = p.rsplit(":", 1)[-1] if cmd.strip_task_path and ":" in p else p
                if (task,) in cmd.verbs or (p,) in cmd.verbs:
                    return cmd.toolchain, f"{shown} {raw}"
            return None
    return None


# ---------------------------------------------------------------------------
# Caches
# ---------------------------------------------------------------------------

@functools.cache
def _caches() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for entry in load_table("caches").get("cache", []):
        for m in entry["managers"]:
            out[m] = tuple(dict.fromkeys(out.get(m, ()) + tuple(entry["dirs"])))
    return out


def cache_dirs(manager: str) -> tuple[str, ...]:
    """Directories `manager` leaves its caches in (root's home first, then ~/ forms)."""
    if not isinstance(manager, str):
        return ()
    return _caches().get(manager.lower(), ())


# The base-image queries: defined in dockerlint.images (which loads its tables through load_table above).
from .images import ImageInfo, RuntimeImage, image_info, pin_version, runtime_image, stale_release  # noqa: E402
