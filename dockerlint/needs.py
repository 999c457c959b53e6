"""What the final image needs at run time, next to what the build produces (builds.py).

Part of the model, used by the multi-stage rewrite (rewrite.py) and by the rules that ask
"can this image start?".  From the stage's instructions and the base-image facts:

- which shell-form commands need a shell, and which could be exec form (no shell feature);
- the users `USER` names, and whether they come from the build stage's /etc/passwd;
- the scripts CMD/ENTRYPOINT run, and where the build stage got them;
- CA certificates and time-zone data the build stage carries;
- the shared libraries the `-dev` packages of the build stood for, per final-base release;
- the programs HEALTHCHECK runs.
Facts about images come from rules/knowledge/images.toml, about packages from the Debian data
(dockerlint/debian.py) or the small hand table below, each with its source.
"""

from __future__ import annotations

import posixpath
import re

from .lazyre import LazyRe
from .packages import base_name
from .records import Mutable

# Characters that make a shell-form command need /bin/sh (expansion, quoting, operators, globs).
_SHELL_FEATURES = LazyRe(r"[$`'\"\\|&;<>()*?\[\]~{}#=]")
DEFAULT_PATH = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")

# Accounts every image of a family has in /etc/passwd (so `USER nobody` needs nothing copied).
# Sources: debian:bookworm-slim and alpine:3.20 /etc/passwd (base-passwd, alpine-baselayout).
_FAMILY_USERS = {
    "debian": {"root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy",
               "www-data", "backup", "list", "irc", "_apt", "nobody"},
    "alpine": {"root", "bin", "daemon", "lp", "sync", "shutdown", "halt", "mail", "news", "uucp", "cron",
               "ftp", "sshd", "games", "ntp", "guest", "nobody"},
}
# Users that particular runtime images add (their Dockerfiles: node's `node`, .NET 8's `app`).
_IMAGE_USERS = {"node": {"node"}, "mcr.microsoft.com/dotnet/aspnet": {"app"},
                "mcr.microsoft.com/dotnet/runtime": {"app"}, "gcr.io/distroless": {"nonroot"}}

# Images that carry CA certificates (a file at /etc/ssl/certs/ca-certificates.crt).
# Sources: the images' Dockerfiles in ../shared/corpus (golang, rust, python, node, maven, gcc,
# buildpack-deps install ca-certificates; alpine ships ca-certificates-bundle).
_CA_KINDS = frozenset({"toolchain", "language"})

# apk runtime libraries for -dev packages (Alpine's index is not reachable from here to derive
# them; from pkgs.alpinelinux.org, main/community of v3.20: each -dev package's `depends`).
APK_RUNTIME = {
    "openssl-dev": ("libssl3",), "libressl-dev": ("libressl",), "libpq-dev": ("libpq",),
    "postgresql-dev": ("libpq",), "postgresql15-dev": ("libpq",), "postgresql16-dev": ("libpq",),
    "sqlite-dev": ("sqlite-libs",), "libffi-dev": ("libffi",), "zlib-dev": (), "jpeg-dev": ("libjpeg-turbo",),
    "libjpeg-turbo-dev": ("libjpeg-turbo",), "libpng-dev": ("libpng",), "libxml2-dev": ("libxml2",),
    "libxslt-dev": ("libxslt",), "yaml-dev": ("yaml",), "pcre-dev": ("pcre",), "pcre2-dev": ("pcre2",),
    "libcurl": (), "curl-dev": ("libcurl",), "mariadb-dev": ("mariadb-connector-c",),
    "mariadb-connector-c-dev": ("mariadb-connector-c",), "freetype-dev": ("freetype",), "lz4-dev": ("lz4-libs",),
    "zstd-dev": ("zstd-libs",), "libsodium-dev": ("libsodium",), "gmp-dev": ("gmp",), "readline-dev": ("readline",),
    "ncurses-dev": ("ncurses-libs",), "libevent-dev": ("libevent",), "icu-dev": ("icu-libs",),
    "libwebp-dev": ("libwebp",), "musl-dev": (), "linux-headers": (), "build-base": (), "gcc": (), "g++": (),
    "make": (), "cmake": (), "pkgconf": (), "pkgconfig": (), "autoconf": (), "automake": (), "libtool": (),
}


class Needs(Mutable):
    """What the final image must hold for the container to start.

    shell: why a shell is needed ("" when not); exec_form: {instruction id: JSON text} for
    shell-form commands that can become exec form; users: names USER gives; scripts:
    (path in the build stage) for each file CMD/ENTRYPOINT run that the build stage COPYs in;
    missing: reasons the needs cannot be met (the rewrite refuses); health_programs: programs
    HEALTHCHECK runs; libraries: -dev packages installed in the build stage (manager, name).
    """

    shell: str
    exec_form: dict
    users: list
    scripts: list
    missing: list
    health_programs: list
    dev_packages: list
    ca_certs: bool
    tzdata: bool

    _fields = ("shell", "exec_form", "users", "scripts", "missing", "health_programs",
               "dev_packages", "ca_certs", "tzdata")

    def __init__(self, shell: str = "", exec_form: dict | None = None, users: list | None = None,
                 scripts: list | None = None, missing: list | None = None,
                 health_programs: list | None = None, dev_packages: list | None = None,
                 ca_certs: bool = False, tzdata: bool = False) -> None:
        self.shell = shell
        self.exec_form = {} if exec_form is None else exec_form
        self.users = [] if users is None else users
        self.scripts = [] if scripts is None else scripts
        self.missing = [] if missing is None else missing
        self.health_programs = [] if health_programs is None else health_programs
        self.dev_packages = [] if dev_packages is None else dev_packages
        self.ca_certs = ca_certs
        self.tzdata = tzdata


def uses_shell_features(text: str) -> bool:
    """Whether a shell-form command needs /bin/sh to mean what it says."""
    return bool(_SHELL_FEATURES.search(text))


def as_exec_form(text: str) -> str:
    """`./api --port 80` -> `["./api", "--port", "80"]` (only for text without shell features)."""
    import json

    return "[" + ", ".join(json.dumps(w) for w in text.split()) + "]"


def kept_packages(stage) -> list[tuple[str, str]]:
    """(manager, base name) of packages the stage installs and keeps, in order, once each."""
    out, seen = [], set()
    for run in stage.all_runs():
        for op, pkg in run.kept_packages:
            key = (op.manager, base_name(pkg))
            if key not in seen:
                seen.add(key)
                out.append(key)
    return out


def has_ca_certs(stage) -> bool:
    """The stage's filesystem has /etc/ssl/certs/ca-certificates.crt."""
    img = stage.root_image
    if img is not None and img.kind in _CA_KINDS and img.family in ("debian", "alpine"):
        return True
    if img is not None and img.family == "alpine":
        return True
    return any(name == "ca-certificates" for _m, name in kept_packages(stage))


def has_tzdata(stage) -> bool:
    """The stage installs time-zone data (/usr/share/zoneinfo) itself."""
    return any(name == "tzdata" for _m, name in kept_packages(stage))


def base_has_user(image, name: str) -> bool | None:
    """Whether the image's /etc/passwd has `name`; None when the image is not known well enough."""
    if image is None or image.family is None:
        return None
    if image.family in ("scratch",):
        return False
    users = set(_FAMILY_USERS.get(image.family, ()))
    for prefix, extra in _IMAGE_USERS.items():
        if image.name == prefix or image.name.startswith(prefix + "/") or image.name.startswith(prefix):
            users |= extra
    if image.family == "distroless":
        users |= {"root", "nonroot", "nobody"}
    if not users:
        return None
    return name in users


def script_source(stage, prog: str, workdir: str) -> tuple[str | None, str]:
    """Where a program that CMD/ENTRYPOINT runs by path or name came from in the build stage.

    Returns (absolute path in the build stage, "") when a COPY/ADD from the build context put it
    there, or (None, why) when it cannot be shown (downloaded in a RUN, or not found).
    """
    from .expand import expand

    wds = _workdirs_by_line(stage)
    candidates = []
    if "/" in prog:
        candidates.append(posixpath.normpath(posixpath.join(workdir or "/", prog)))
    else:
        candidates.extend(posixpath.join(d, prog) for d in DEFAULT_PATH)
    for ins in stage.instructions:
        if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None or len(ins.args) < 2:
            continue
        srcs = [a.text for a in ins.args[:-1]]
        dest = expand(ins.args[-1].text, stage.env, "\\")[0]
        wd = wds.get(ins.start_line, "/")
        dest_abs = posixpath.normpath(posixpath.join(wd, dest))
        for src in srcs:
            name = posixpath.basename(src.rstrip("/"))
            if "://" in src:
                continue
            if dest.endswith("/") or len(srcs) > 1 or dest in (".", "./"):
                target = posixpath.join(dest_abs, name)
            else:
                target = dest_abs
            if target in candidates:
                return target, ""
            # a directory copied whole (COPY . . / COPY scripts/ /usr/local/bin/)
            for c in candidates:
                if c.startswith(dest_abs.rstrip("/") + "/") and (src in (".", "./") or src.endswith("/")):
                    return c, ""
    return None, f"`{prog}` is not copied into the image from the build context (it may be downloaded in a RUN)"


def _workdirs_by_line(stage) -> dict[int, str]:
    """The WORKDIR in force at each instruction of the stage, by its first line: the stage's
    parents' WORKDIRs included (layers.rooted_workdirs)."""
    from .layers import rooted_workdirs

    wds = rooted_workdirs(stage)
    return {ins.start_line: wds[id(ins)] for ins in stage.instructions}


def runtime_libraries_of(manager: str, devs, release: str | None) -> tuple[list[str], str | None]:
    """(the run-time libraries of the -dev packages among ``devs``, in order without repeats,
    the first -dev package whose libraries are unknown on the release or None)."""
    libs: list[str] = []
    for name in devs:
        if not is_dev_package(manager, name):
            continue
        got = runtime_libraries(manager, name, release)
        if got is None:
            return libs, name
        libs.extend(x for x in got if x not in libs)
    return libs, None


def runtime_libraries(manager: str, dev: str, release: str | None) -> tuple[str, ...] | None:
    """The shared libraries a -dev package stands for on the final base's release, or None
    when unknown.

    apt: the archive data (dockerlint/debian.py), only for the releases the table holds
    (Debian bullseye, bookworm, trixie; Ubuntu xenial to resolute) and packages the release has:
    the table's fallback to bookworm is right for sizes but not for names (libssl-dev is
    `libssl1.1` on bullseye and Ubuntu 18.04/20.04, `libssl1.0.0` on 16.04, `libssl3` on
    bookworm), and a name the release lacks fails `apt-get install`.  apk: APK_RUNTIME, which is Alpine 3.20's index, for alpine3.20 and later only
    (openssl-dev stood for libssl1.1 up to Alpine 3.16).
    """
    if manager == "apk":
        if not _alpine_at_least(release, (3, 20)):
            return None
        return APK_RUNTIME.get(dev)
    if manager != "apt":
        return None
    try:
        from . import debian
    except ImportError:
        return None
    rel = debian.release_of(release) if release else None
    if rel is None:
        return _bracketed_runtime_libraries(dev, release)
    pkg = debian.package(dev, rel)
    if pkg is None or pkg.release != rel:
        return None
    if not is_dev_package("apt", dev):
        return pkg.runtime_libraries
    return pkg.runtime_libraries + _interpreters(dev, rel, pkg.runtime_libraries)


# Interpreters a -dev package pulls in (python3-dev -> python3.11, libperl-dev -> perl, tcl-dev ->
# tcl8.6): the program the extensions built against it run in. Not a shared library, so the
# archive data's runtime_libraries leave it out; a purge with --auto-remove would take it when
# nothing else installed it by name.
_INTERPRETER = LazyRe(r"(?:python[23]?(?:\.\d+)?|perl|ruby\d\.\d+|php\d\.\d+(?:-cli)?|tcl\d\.\d+|lua\d\.\d+|nodejs)")


def _interpreters(dev: str, rel: str, have: tuple[str, ...]) -> tuple[str, ...]:
    """The interpreters in the Depends closure of `dev` (python3-dev -> python3.11-dev ->
    python3.11; python3-dev -> python3-distutils -> python3), not walking through compilers and
    build tools: their own dependencies (autoconf -> perl) are not what the extensions run in."""
    from . import knowledge
    from . import debian

    out: list[str] = []
    seen: set[str] = set()
    stack = [debian.resolve(dev, rel)]
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for d in debian.depends(name, rel):
            if _INTERPRETER.fullmatch(d):
                if d not in have and d not in out:
                    out.append(d)
            else:
                info = knowledge.build_only_package("apt", d)
                if info is None or info.category == "headers":
                    stack.append(d)
    return tuple(sorted(out))


# The language a -dev package's extensions run in, from its name (python3.7-dev, ruby2.5-dev,
# php7.3-dev, libperl-dev, tcl8.6-dev, liblua5.3-dev): the interpreter package it depends on.
_LANGUAGE_DEV = LazyRe(r"(?:lib)?(python|ruby|php|perl|tcl|lua|nodejs)[\d.]*-dev")


def interpreter_may_go(stage, devs, purged, manager: str = "apt") -> str | None:
    """The first of `devs` (-dev packages of `manager`, apt or apk, that a purge removes, on a
    release the package data lacks) that may have brought in the interpreter its extensions run in when nothing else keeps
    that interpreter, or None. A purge with --auto-remove takes an interpreter that came only as a
    dependency (python-dev -> python2.7), and its name depends on the release, so it cannot be
    installed by name. Kept: the base image is the language's official image (its interpreter is
    in /usr/local, not Debian's), or the stage keeps a package of that language (python3-pip
    depends on python3). The language: the package's name, else an interpreter in its Depends
    on bookworm (the edges, not the names, carry across releases)."""
    from . import debian, knowledge

    img = stage.root_image
    official = img.name if img is not None and img.kind == "language" else None
    kept = [n for m, n in kept_packages(stage) if m == manager and n not in purged]
    for dev in devs:
        m = _LANGUAGE_DEV.fullmatch(dev)
        langs = {m.group(1)} if m else set()
        if not langs and manager == "apt" and debian.package(dev, "bookworm") is not None:
            for i in _interpreters(dev, "bookworm", ()):
                langs.add(_LANGUAGE_OF.match(i).group(1))
        for lang in langs:
            if official == {"nodejs": "node"}.get(lang, lang):
                continue
            if any(n.startswith(lang) and knowledge.build_only_package(manager, n) is None for n in kept):
                continue
            return dev
    return None


_LANGUAGE_OF = LazyRe(r"(python|ruby|php|perl|tcl|lua|nodejs)")


def _bracketed_runtime_libraries(dev: str, release: str | None) -> tuple[str, ...] | None:
    """What a -dev package stands for on a Debian or Ubuntu release the table lacks (stretch,
    buster, Ubuntu's interim releases), when the releases the table holds on both sides of it
    agree: every release of the table from the last one out before it up to the first one of its
    own distribution after it (for buster: Ubuntu 18.04, 20.04 and Debian bullseye) has the
    package with the same libraries. Library names change forward only (a soname bump), so a name
    that held from before the release to after it held in it; where Debian and Ubuntu name a
    library differently (libjpeg62-turbo, libjpeg-turbo8) they disagree and the answer is None,
    as it is with no release of the table before it (jessie, trusty) or after it (sid).
    Release dates: images.release_date."""
    from . import debian
    from .images import is_debian_release, release_date

    when = release_date(release)
    if when is None:
        return None
    own = is_debian_release(release)
    known = sorted((release_date(r), r) for r in debian.known_releases() if release_date(r) is not None)
    before = [d for d, r in known if d < when]
    after = [d for d, r in known if d > when and is_debian_release(r) == own]
    if not before or not after:
        return None
    window = [r for d, r in known if before[-1] <= d <= after[0]]
    found = set()
    for r in window:
        pkg = debian.package(dev, r)
        if pkg is None or pkg.release != r:
            return None
        found.add(pkg.runtime_libraries)
    return found.pop() if len(found) == 1 else None


def release_label(release: str | None) -> str:
    """How a help line names a release: `bionic`, or `an unknown release`."""
    return release or "an unknown release"


def _alpine_at_least(release: str | None, version: tuple[int, int]) -> bool:
    m = re.fullmatch(r"alpine(\d+)\.(\d+)", release or "")
    return bool(m) and (int(m.group(1)), int(m.group(2))) >= version


def is_dev_package(manager: str, name: str) -> bool:
    from . import knowledge

    info = knowledge.build_only_package(manager, name)
    return info is not None and info.category == "headers"


def required_by_installed(stage) -> frozenset[str]:
    """Build-only packages (apt names) that another package the stage installs and keeps needs:
    those in the Depends/Pre-Depends closure of a kept package that is not build-only itself.
    `varnish` depends on `gcc` and `libc6-dev` (varnishd compiles VCL when it starts), so
    purging gcc would remove varnish: gcc is a run-time need there, not a leftover.

    Kept packages are the stage's apt installs plus `dpkg -i NAME_VERSION_ARCH.deb` files (the
    name is the file name up to its first `_`, Debian's naming of .deb files). The closure comes
    from the Debian data (dockerlint/debian.py) for the base's release, bookworm's graph for a
    release the table lacks: only a reason not to report, so an edge borrowed from another release
    can hide a finding but never invent one."""
    from . import knowledge
    from .debian import closure

    names: list[str] = [n for m, n in kept_packages(stage) if m == "apt"]
    for run in stage.all_runs():
        for c in run.commands:
            if c.name == "dpkg" and any(a in ("-i", "--install") for a in c.argv[1:]):
                names += [posixpath.basename(a).split("_", 1)[0] for a in c.argv[1:] if a.endswith(".deb")]
    users = [n for n in names if knowledge.build_only_package("apt", n) is None]
    if not users:
        return frozenset()
    img = stage.root_image
    release = getattr(img, "release", None) if img is not None else None
    from .debian import resolve

    needed = closure(users, release) - frozenset(resolve(n, release) for n in users)
    # the names as Dockerfiles write them too (`libc-dev` for libc6-dev)
    return needed | frozenset(n for n in names if resolve(n, release) in needed)
