"""DKL102's edits of a stage's RUNs: a build-only install purged at the end of the RUN that
installs it (same_run_purge), moved into the later RUN(s) that build with it
(move_install_to_user, joining RUNs with joins.merge_runs), or the installing RUN joined with them
(_join_and_purge); and what such a purge must keep: the runtime libraries the -dev packages
stand for (named from the package data, or kept by what the build links: keep_linked,
keep_linked_apk), the interpreter, the programs and modules the image runs.

Split from rewrite.py, which keeps the multi-stage rewrites (DKL101, DKL102 at FROM).
"""

from __future__ import annotations

import re

from . import knowledge, needs
from .builds import may_compile, runs_script
from .joins import merge_runs, run_position
from .lazyre import LazyRe


def _joiner(run, line: int) -> str:
    """How the RUN joins a command that starts a new line at `line`: the text that goes between
    the end of one command and the start of the next (` && \\`+newline+indent+…), in its style."""
    lines = run.file_lines
    esc = run.escape
    text = lines[line - 1]
    indent = re.match(r"[ \t]*", text).group(0)
    if text.lstrip().startswith("&&"):
        return f" {esc}\n{indent}&& "
    return f" && {esc}\n{indent}"


def _used_after(stage, run, uses) -> tuple[int, str] | None:
    """The first RUN after `run` (in the stage or a stage built on it) with a command that may use
    the packages (`uses`, from _package_users), as (its line, the command), or None."""
    later = False
    for r in stage.all_runs():
        if r is run:
            later = True
            continue
        if not later:
            continue
        for c in r.commands:
            if uses(c):
                return r.instruction.start_line, " ".join(c.argv[:3])
    return None


def _package_users(names: set[str], mgr: str):
    """A predicate over commands: whether one may use the packages. It may compile
    (builds.may_compile; for downloaders alone, only a script of the build, which may fetch
    with them: `pip install` does not run curl), it is one of the packages by name (git, curl),
    it may run a VCS client
    one of them is (knowledge.runs_vcs: `composer install` with git), or it is a program of the
    toolchain one of them is (`go get` with golang installed: seed-9 review, dstat-agent, where a
    purge of golang broke the next RUN)."""
    toolchains = set()
    vcs = False
    fetch_only = True  # only downloaders: a compile does not use them, a script may
    programs = {p for n in names for p in knowledge.package_programs(n)}  # subversion: svn
    for n in names:
        info = knowledge.build_only_package(mgr, n)
        if info is not None and info.toolchain:
            toolchains.add(info.toolchain)
        vcs = vcs or (info is not None and info.category == "vcs")
        fetch_only = fetch_only and info is not None and info.category == "downloader"

    def uses(c) -> bool:
        if c.name in names or c.name in programs:
            return True
        if fetch_only and _may_fetch(c):
            return True
        if may_compile(c) and not fetch_only:
            return True
        name = c.name.rsplit("/", 1)[-1] if c.name else ""
        if vcs and knowledge.runs_vcs(name):
            return True  # `composer install` may clone a dependency with git
        return any(knowledge.runs_toolchain(name, tc) for tc in toolchains)

    return uses


# Where a command's own program lives when it is the system's, not a script of the build or image
_SYSTEM_BIN = ("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/")
# Programs that run recipes or scripts dockerlint does not see, which may fetch with curl or wget
_RUNS_UNSEEN = frozenset({"make", "gmake", "rake", "sh", "bash", "ash", "dash", "zsh", "source", "."})


def _may_fetch(c) -> bool:
    """Whether a command may run curl or wget where dockerlint cannot see it: a script of the
    build (runs_script), a program by a path outside the system's folders (an image's own
    /usr/local/bin/install_node), a Makefile's or Rakefile's recipes, or a shell running a file
    (`bash install.sh`; `sh -c` text is read as commands of its own)."""
    if runs_script(c):
        return True
    a0 = c.argv[0] if c.argv else ""
    if "/" in a0 and not a0.startswith(_SYSTEM_BIN):
        return True
    if c.name in _RUNS_UNSEEN:
        args = [a for a in c.argv[1:] if not a.startswith("-")]
        return c.name in ("make", "gmake", "rake") or (bool(args) and "-c" not in c.argv[1:])
    return False


def _user_at(stage, line: int) -> str | None:
    """The USER in force at `line` of the stage (its own or its parents' USER), None: root."""
    user = None
    for s in stage.lineage:
        for ins in s.instructions:
            if ins.keyword == "USER" and ins.args and ins.start_line < line:
                user = ins.args[0].text
    return user


def _plain_install(stage, run, found, mgr: str, builders):
    """(op, runtime libraries, keep, None) when the packages come from one install that is a plain
    command of the RUN and what keeps their runtime libraries is known; else (None, None, None,
    why). The libraries are installed by name where the archive data names them for the base's
    release (keep is None); where it does not (apt and apk), `keep` is the pipeline that keeps
    what the binaries `builders` (the RUNs that build with the packages) wrote link against
    (_linked_keep) and the libraries are only those found otherwise (CA certificates). Refused
    (why): several installs, an install inside a pipeline/subshell/condition, packages the base
    image ships, libc headers in an image that never compiles C, a program or module the image
    runs that the purge would take (_brings_program)."""
    ops = list(dict.fromkeys(op for op, _k, _n in found))
    if len(ops) != 1:
        return None, None, None, "they come from more than one install command"
    op = ops[0]
    img = stage.root_image
    release = img.release if img is not None else None
    names = [n for _o, _k, n in found]
    libs, unknown = needs.runtime_libraries_of(mgr, names, release)
    keep = None
    if unknown is not None:
        keep, why = _linked_keep(stage, builders, unknown, names, release, mgr)
        if keep is None:
            return None, None, None, why
        libs = []
    cmd = run.command(op.command_index)
    if cmd.shell is None or cmd.shell.in_pipeline or cmd.shell.in_subshell or cmd.shell.conditional:
        return None, None, None, "the install is not a plain command of the RUN"
    from .layers import base_ships

    shipped = [n for n in names if base_ships(img, mgr, n) is not None]
    if shipped and len(shipped) == len(names):
        # a purge in a layer above hides the base's copy and frees nothing (fix review,
        # scenedetect and meetsmore: curl and wget of buildpack-deps); the FROM finding's slim
        # variant is what drops it
        return None, None, None, (f"the base image ships `{shipped[0]}`: removing it in a later layer saves nothing"
                                  if len(set(names)) == 1 else
                                  f"the base image ships `{shipped[0]}` and the others: removing them in a later layer "
                                  "saves nothing")
    libc = next((n for n in names if n in _LIBC_DEV), None)
    if libc is not None and _never_compiles_c(stage):
        return None, None, None, (f"no C compiler is ever in this image, so `{libc}` serves something else: "
                                  "ctypes.util.find_library needs its libc.so (gunicorn 20 on Alpine)")
    if mgr == "apt":
        prog = _brings_program(stage, names, libs, release, builders[-1])
        if prog is not None:
            return None, None, None, prog
    if mgr == "apt" and _brings_ca_certificates(stage, op, names, release):
        libs = libs + ["ca-certificates"]
    return op, libs, keep, None


# The C library's development packages: besides headers they ship the libc.so link that
# ctypes.util.find_library("c") looks for on musl and glibc images without ldconfig's cache
# (gunicorn >= 20 on Alpine: fix review 2026-11-30, lolinternet/vscgallery).
_LIBC_DEV = frozenset({"libc-dev", "libc6-dev", "musl-dev"})


def _never_compiles_c(stage) -> bool:
    """Whether the stage's base image has no C compiler and no RUN of it ever installs one (kept
    or removed again); False where the base image is unknown."""
    from .builds import _is_c_compiler
    from .packages import base_name

    img = stage.root_image
    if img is None or img.family is None or img.has_c_compiler:
        return False
    # (builds' set of C toolchain packages counts the libc headers too: not a compiler here)
    return not any(_is_c_compiler(op, p) and base_name(p) not in _LIBC_DEV for r in stage.all_runs()
                   for op in r.package_ops if op.action == "install" for p in op.packages)


def keep_linked(roots) -> str:
    """A shell pipeline that marks as manually installed (apt-mark manual) every package that owns
    a shared library the executables and shared objects under `roots` (absolute directories) link
    against, so that a later `apt-get purge --auto-remove` of the build's -dev packages keeps the
    runtime libraries they stood for, found when the image is built, whatever the release. The
    pattern of docker-library's own Dockerfiles (php 8.3 trixie fpm, python, memcached: ldd over
    /usr/local, `dpkg-query --search` with a `*` pattern that matches /lib and /usr/lib alike, the
    trailing `:` of dpkg-query's package field removed and diversion lines dropped). Libraries
    under the roots themselves belong to no package and are skipped. Needs ldd (libc-bin), mawk,
    findutils and coreutils: Priority required on every Debian and Ubuntu release. The pipeline
    is written on four lines ("\\n" between them; edits.append_command continues them in the RUN's
    style)."""
    return linked_packages(roots) + " | xargs -r apt-mark manual"


def linked_packages(roots, skip=()) -> str:
    """keep_linked's pipeline up to the package names it prints, one per line, sorted: the packages
    owning the shared libraries that what is under `roots` links against, libraries under `roots`
    or `skip` (directories) left out. Four lines, as keep_linked."""
    skip = " || ".join(f'index(so, "{r.rstrip("/")}/") == 1' for r in dict.fromkeys((*roots, *skip)))
    return (f"find {' '.join(roots)} -type f -executable -exec ldd '{{}}' ';'\n"
            f"  | awk '/=>/ {{ so = $(NF-1); if ({skip}) {{ next }}; gsub(\"^/(usr/)?\", \"\", so); "
            f"printf \"*%s\\n\", so }}'\n"
            "  | sort -u | xargs -r dpkg-query --search\n"
            "  | awk 'sub(\":$\", \"\", $1) { print $1 }' | sort -u")


def _linked_keep(stage, builders, unknown: str, names, release, mgr: str) -> tuple[str | None, str | None]:
    """(keep_linked's pipeline for what `builders` build, None) or (None, why) for a purge of
    `names` on a release whose runtime library names the archive data lacks (`unknown` is the
    first -dev package it cannot name). apt only, and only where a RUN of `builders` compiles (the
    libraries of a binary that arrives later are not seen); refused where builds.linked_roots cannot tell
    where the build writes, where the last RUN runs with pipefail (a library dpkg does not own
    would fail dpkg-query and the RUN), and where the purge may take an interpreter
    (needs.interpreter_may_go)."""
    from .builds import linked_roots
    from .pipes import pipefail_in_shell, pipelines

    why = f"dockerlint does not know which runtime library `{unknown}` stands for on {needs.release_label(release)}"
    if mgr not in ("apt", "apk"):
        return None, why
    dl = next((n for n in names if knowledge.loaded_at_run_time(mgr, n)), None)
    if dl is not None:
        # ctypes/dlopen by name: what ldd sees of the build is not what the program loads
        return None, f"{why}, and `{dl}` stands for a library that bindings load at run time by name"
    if not any(may_compile(c) or c.argv[:1] == ("go",) for r in builders for c in r.commands):
        # the libraries may be for a binary that comes later (downloaded, copied): the scan
        # would not see it (seed-4 review: a fetched app linking libuv1)
        return None, why
    roots, no = linked_roots(stage, builders)
    if roots is None:
        return None, f"{why}, and {no}"
    if mgr == "apk" and roots != ("/usr/local",):
        # scanelf names libraries by soname, found as `so:` packages; one the build wrote
        # outside /usr/local/lib would be asked of apk, and the install would fail
        return None, f"{why}, and the build writes outside /usr/local ({', '.join(r for r in roots if r != '/usr/local')})"
    last = builders[-1]
    if pipefail_in_shell(last.shell_argv) or any(p.pipefail for p in pipelines(last)):
        return None, f"{why}, and the RUN at line {last.instruction.start_line} runs with pipefail"
    devs = [n for n in names if needs.is_dev_package(mgr, n)]
    dev = needs.interpreter_may_go(stage, devs, set(names), mgr)
    if dev is not None:
        return None, f"{why}, and `{dev}` may be what installed the interpreter its extensions run in"
    if mgr == "apk":
        taken = {o.virtual for r in stage.all_runs() for o in r.package_ops if o.virtual}
        virtual = next(v for v in (".run-deps", ".run-deps-kept", ".dockerlint-run-deps") if v not in taken)
        return keep_linked_apk(virtual), None
    return keep_linked(roots), None


def keep_linked_apk(virtual: str) -> str:
    """The Alpine counterpart of keep_linked: scanelf lists the sonames that the executables and
    shared objects under /usr/local need, those not built into /usr/local/lib become `so:`
    dependencies of a virtual package (`virtual`) that stays in apk's world, so `apk del` of the
    build's virtual package keeps the libraries. The pattern of docker-library's python alpine
    Dockerfile (`find /usr/local -type f -executable -exec scanelf --needed --nobanner --format
    '%n#p' '{}' ';' | tr ',' '\n' | sort -u | awk … | xargs -rt apk add … .python-rundeps`),
    with --no-cache for older apk. scanelf comes from pax-utils, which the fix adds to the build's
    virtual package. Four lines, as keep_linked."""
    return ("find /usr/local -type f -executable -exec scanelf --needed --nobanner --format '%n#p' '{}' ';'\n"
            "  | tr ',' '\\n' | sort -u\n"
            "  | awk 'system(\"[ -e /usr/local/lib/\" $1 \" ]\") == 0 { next } { print \"so:\" $1 }'\n"
            f"  | xargs -r apk add --no-cache --virtual {virtual}")


def _brought_back(stage, op, names: set[str], off=frozenset()) -> tuple | None:
    """What would leave `names`, moved out of `op`, in its layer anyway, or None: another package
    the stage installs depends on or recommends one of them, with Recommends on (`python3-pip`
    recommends `python3-dev`, which stays installed there; fix review, cdqr and
    microservice_scatterplot). `off` holds the ids of installs whose recommends the fix turns off.
    Returns (run, install op, package, the name it brings, "depends on" | "recommends"). Debian
    data for the base's release, bookworm's graph where it lacks the release: a reason to refuse
    or to turn recommends off, never to move."""
    from .aptconf import option_turns_off
    from .packages import base_name

    try:
        from . import debian
    except ImportError:
        return None
    img = stage.root_image
    release = getattr(img, "release", None)
    wanted = {debian.resolve(n, release): n for n in names}
    for r in stage.all_runs():
        for o in r.package_ops:
            if o.manager != "apt" or o.action != "install":
                continue
            rest = [p for p in o.packages if not (o is op and base_name(p) in names)]
            recs = not option_turns_off(o) and id(o) not in off
            if not debian.closure(rest, release, recommends=recs) & set(wanted):
                continue  # one closure per install; the package that brings it back only when one does
            for p in rest:
                got = debian.closure([p], release, recommends=recs) & set(wanted)
                if got:
                    n = wanted[sorted(got)[0]]
                    how = "depends on" if n and debian.resolve(n, release) in debian.closure([p], release) else "recommends"
                    return r, o, base_name(p), n, how
    return None


def _stays_back(found) -> str:
    r, _o, p, n, how = found
    return (f"`{p}` at line {r.instruction.start_line} {how} `{n}`, which would stay in that layer"
            + ("" if how == "depends on" else ": install it with --no-install-recommends first"))


def _recommends_off(stage, op, names: set[str]) -> tuple[list, str, str | None]:
    """Where installs of the stage would bring moved packages back by their recommends, the edits
    that turn those installs' recommends off (DKL202's fix: `--no-install-recommends`, and
    `ca-certificates` by name where it was a recommend) and the title's words for it; a
    dependency, or an install DKL202 cannot edit, refuses. Returns (edits, title, None) — none
    when nothing brings them back — or ([], "", why not)."""
    from .aptconf import recommends_state
    from .checks.apt_recommends_installed import recommends_data, recommends_off
    from .packages import base_name

    edits, title, off = [], "", set()
    while (back := _brought_back(stage, op, names, frozenset(off))) is not None:
        r, o, p, n, how = back
        if how != "recommends" or recommends_state(r, o)[0] is not True or len(off) == 3:
            return [], "", _stays_back(back)
        cmd = r.command(o.command_index)
        pkgs = [base_name(x) for x in o.packages if not (o is op and base_name(x) in names)]
        data = recommends_data(stage, pkgs) if pkgs else None
        if data is None or data.unknown:
            return [], "", f"{_stays_back(back)} (and dockerlint cannot tell what else it recommends)"
        building = {d for d in data.recommends if d not in names and knowledge.build_only_package("apt", d)}
        uses = _package_users(building, "apt")
        used = None
        if building:
            here = next((c for c in r.commands if c.index > o.command_index and uses(c)), None)
            used = (r.instruction.start_line, "") if here is not None else _used_after(stage, r, uses)
        if used is not None:
            # the build after it may need them: python3-pip's build-essential for a later `pip install`
            return [], "", (f"`{p}` at line {r.instruction.start_line} recommends `{n}`, which would stay in that "
                            f"layer, and without its recommends `{sorted(building)[0]}` would go too, which the RUN "
                            f"at line {used[0]} may use")
        got, words, _span = recommends_off(r, cmd, o, data)
        if got is None:
            return [], "", f"{_stays_back(back)} ({words})"
        off.add(id(o))
        edits.extend(got)
        what = words[len("Add `--no-install-recommends`"):]
        title += (f"; add `--no-install-recommends` to the install at line {r.instruction.start_line}, whose "
                  f"`{p}` recommends `{n}`{what}")
    return edits, title, None


# Packages of a language's modules (python3-pyqt5, ruby-nokogiri, r-cran-xml2, node-uglify, libjson-perl)
# and the programs that import them; modules only used to build, and the interpreters themselves
# (python3-minimal: the interpreter checks' business), are left out (_NOT_MODULE).
_MODULE_PACKAGE = LazyRe(r"(?:(python)[23]?|(ruby)|(php)[\d.]*|(r)-cran|(node))-.+|lib.+-(perl)")
_NOT_MODULE = LazyRe(r".+-(?:dev|distutils|lib2to3|setuptools|pip|wheel|venv|pkg-resources|dbg|doc|minimal)")
_LANGUAGE_PROGRAMS = {"python": ("python", "pip", "easy_install", "uwsgi", "gunicorn"),
                      "ruby": ("ruby", "gem", "bundle", "rails", "rake", "puma", "unicorn"),
                      "php": ("php", "composer", "apache2-foreground"), "r": ("r", "rscript"),
                      "node": ("node", "npm", "yarn"), "perl": ("perl", "cpan", "cpanm")}


def _language_of_program(prog: str) -> str | None:
    """The language whose modules `prog` (a basename) imports or installs: python3.11 and pip3
    are Python's, bundle Ruby's, composer PHP's …; None for any other program."""
    bare = prog.lower().rstrip("0123456789.")
    return next((lang for lang, ps in _LANGUAGE_PROGRAMS.items() if bare in ps or
                 (lang == "php" and bare.startswith("php-fpm"))), None)


def _brings_program(stage, names, libs, release, last) -> str | None:
    """Why purging `names` (libs: what the fix keeps by name) would take something the image runs
    after `last` (the last RUN that builds with them), or None:
    - a package of the same name as a program that CMD, ENTRYPOINT, HEALTHCHECK or a later RUN
      starts (liboctave-dev depends on octave: ashgillman/octave). Program and package share a
      name for most programs Debian packages (octave, gnuplot, git, make); where they do not,
      this says nothing;
    - a package of a language's modules that a program of that language the image runs may
      import (pyqt5-dev-tools depends on python3-pyqt5, which pyqtgraph needs: fix review
      2026-11-30, dammi87/pylime).
    Either only when it is among what they brought (Depends; Debian data for the release,
    bookworm's graph where it lacks it) and nothing else the stage installs, the fix keeps or the
    base ships brings it."""
    from . import debian
    from .layers import base_ships
    from .runtime import programs, runtime_commands

    progs: list[str] = []
    for c in runtime_commands(stage):
        for argv in programs(c):
            if argv:
                progs.append(argv[0].rsplit("/", 1)[-1])
    later = False
    for r in stage.all_runs():
        if later:
            progs += [c.name.rsplit("/", 1)[-1] for c in r.commands if c.name]
        later = later or r is last
    removed = debian.closure(names, release)
    # the languages the image runs, or installs modules of (pip3 install pyqtgraph: dammi87/pylime)
    langs = {lang for p in progs + [c.name.rsplit("/", 1)[-1] for r in stage.all_runs() for c in r.commands if c.name]
             if (lang := _language_of_program(p))}
    if not removed & set(progs) and not langs:
        return None
    others = [n for m, n in needs.kept_packages(stage) if m == "apt" and n not in names] + list(libs or ())
    kept = debian.closure(others, release)

    def gone(p: str) -> bool:
        return p in removed and p not in kept and p not in names and base_ships(stage.root_image, "apt", p) is None

    for p in dict.fromkeys(progs):
        if gone(p):
            return f"they bring `{p}`, which the image runs"
    for p in sorted(removed):
        m = _MODULE_PACKAGE.fullmatch(p)
        if m is None or _NOT_MODULE.fullmatch(p) or knowledge.build_only_package("apt", p) is not None:
            continue
        lang = next(g for g in m.groups() if g)
        if lang in langs and gone(p):
            return f"they bring `{p}`, a module of a language the image runs"
    return None


def _brings_ca_certificates(stage, op, names, release) -> bool:
    """Whether installing `names` as `op` did (curl and wget recommend ca-certificates; with
    Recommends on, a purge with --auto-remove takes it with them) while nothing else the stage
    installs by name or its base has it: the image had CA certificates, and TLS calls at run time
    may need them (fix review, 11 of 116 moves took them). Debian data for the release, bookworm's
    graph where it lacks the release."""
    from . import debian
    from .aptconf import option_turns_off
    from .layers import base_ships

    if needs.has_ca_certs(stage) or base_ships(stage.root_image, "apt", "ca-certificates") is not None:
        return False
    return "ca-certificates" in debian.closure(names, release, recommends=not option_turns_off(op))


def move_install_to_user(model, stage, run, found, mgr: str) -> tuple[object, str | None]:
    """An unsafe Fix that moves the build-only packages' install from `run` (A) into the later RUN
    of the stage that may use them (B), installed at its start and removed at its end (apt: `apt-get
    purge -y --auto-remove` and the lists; apk: a virtual package of its own, `apk del`); or (None,
    why). `found` is [(op, k, name)] as for same_run_purge. When several later RUNs may use them,
    the RUNs from the first to the last of them are joined into one (`joins.merge_runs`, which
    moves the other instructions between them out of the way) and B is that RUN. Where a package
    that stays only recommends a moved one, that install's recommends are turned off
    (_recommends_off).

    Only when A itself does not use them, the RUNs are in this stage and edit through their shell
    syntax, B runs as root and runs no install of the same manager itself, and the runtime
    libraries the -dev packages stand for are known: those take the packages' place in A, so the
    removal in B keeps them (apt: they are manual; apk: they are in the world).
    """
    from .aptconf import option_turns_off
    from .edits import delete_instruction, insert_before
    from .findings import Edit, Fix
    from .spans import Span

    if mgr not in ("apt", "apk"):
        return None, "only apt and apk installs are moved"
    reuse_lists = False
    names = {n for _o, _k, n in found}
    ops = list(dict.fromkeys(op for op, _k, _n in found))
    if len(ops) != 1:
        return None, "they come from more than one install command"
    op = ops[0]
    if run.stage is not stage:
        return None, "they are installed in another stage"
    flags, flag_title = [], ""
    if mgr == "apt":
        flags, flag_title, why = _recommends_off(stage, op, names)
        if why is not None:
            return None, why
    uses = _package_users(names, mgr)
    later = [r for r in stage.all_runs() if r.instruction.start_line > run.instruction.start_line]
    users = [r for r in later if any(uses(c) for c in r.commands)]
    if any(uses(c) for c in run.commands if c.index > op.command_index):
        if not users:
            return None, "this RUN uses them too"
        return _join_and_purge(stage, run, found, op, users, mgr)
    if not users:
        return None, "no later RUN uses them"
    b, last = users[0], users[-1]
    # several users become one RUN, with the RUNs between them: the packages can go only after
    # the last one, and a layer keeps what an earlier layer had installed
    merged = [r for r in later if b.instruction.start_line <= r.instruction.start_line <= last.instruction.start_line]
    if any(r.stage is not stage for r in merged):
        return None, f"{len(users)} later RUNs may use them, in more than one stage"
    why = _unjoinable(merged, mgr, names)
    if why is not None:
        return None, why
    if mgr == "apt":
        from .aptlists import later_readers, sources_change_between

        changed = sources_change_between(model, run, b.instruction.start_line)
        if changed is not None:
            # the moved install would fetch from other sources (fix review, crispresso2: jessie's
            # g++-4.9 against stretch's libc6)
            return None, f"line {changed} changes apt's sources before the RUN that builds"
        readers = later_readers(model, last)
        if readers:
            # the lists removed at the end of B would be gone for a later RUN that reads them:
            # where B already has lists (an earlier RUN left them), B installs from those and
            # leaves them as they were (no update, no removal)
            if not _lists_present_before(stage, b):
                return None, (f"the RUN at line {readers[0].instruction.start_line} reads the package lists "
                              "without updating them")
            reuse_lists = True
    joins, opening, closing, why = merge_runs(stage, merged)
    if why is not None:
        return None, f"{len(users)} later RUNs may use them and {why}"
    op, libs, keep, why = _plain_install(stage, run, found, mgr, merged)
    if op is None:
        return None, why
    user = _user_at(stage, b.instruction.start_line)
    if user is not None and user.split(":")[0] not in ("root", "0"):
        return None, f"the RUN at line {b.instruction.start_line} runs as `{user}`, which cannot install"
    from .packages import base_name

    # every word naming one of them (`automake` written twice in one install: both go)
    ks = [k for k, p in enumerate(op.packages) if base_name(p) in names]
    whole = len(ks) == len(op.packages) and not libs
    if whole and reuse_lists:
        return None, ("the install would be left with no package, and the RUN at line "
                      f"{b.instruction.start_line} would install from the lists it leaves")
    if whole:
        # nothing would be left to install: the RUN goes when it does nothing else
        if not _only_package_bookkeeping(run, op, mgr):
            return None, "the install would be left with no package, and the RUN does more than install"
        if mgr == "apk" and any(c.name == "apk" for r in later if r not in merged for c in r.commands):
            # it may read the package index this RUN's `apk update` writes
            return None, "the install would be left with no package, and a later RUN runs apk too"
        if mgr == "apt":
            from .aptlists import later_readers, lists_use

            # only a RUN that writes the lists can take them from a later RUN by going
            readers = [r for r in later_readers(model, run) if r not in merged] if lists_use(run).writes else []
            if readers:
                return None, (f"the install would be left with no package, and the RUN at line "
                              f"{readers[0].instruction.start_line} reads the lists this RUN updates")
    lines = run.file_lines
    words = []
    for k in ks:
        sp = run.word_span(op, k)
        text = lines[sp.line - 1][sp.column - 1: sp.end_column - 1] if sp.line == sp.end_line else None
        if text != op.packages[k]:
            return None, "a package name is not written as a word of its own"
        words.append((sp, text))
    # B's first command (or the start of the pipeline it begins), as DKL201's move does
    # before B's first statement, whatever it is (`if [ -n "$http_proxy" ]; then …; fi`: before
    # its first command, the install would be the `if`'s condition, its failure hidden; fix
    # review 2026-11-30, lagopus-docker)
    if not b.shell_script.statements or not any(c.argv for c in b.commands):
        return None, f"the RUN at line {b.instruction.start_line} runs no command"
    at = run_position(b, b.shell_script.statements[0].start)
    first_at = Span(at[0], at[1], at[0], at[1])
    moved = list(dict.fromkeys(t for _s, t in words))
    if mgr == "apk":
        # a virtual package of its own: `apk del` then removes what it alone brought in, and keeps
        # what the image installs by name (apk's world)
        virtual = _free_virtual(stage)
        tools = " pax-utils" if keep is not None and "pax-utils" not in moved else ""  # scanelf
        install = f"apk add --no-cache --virtual {virtual} {' '.join(moved)}{tools} && "
        removal = f"apk del {virtual}" if keep is None else f"{keep}\n&& apk del {virtual}"
    else:
        # as the install was (its recommends go with the purge's --auto-remove: DKL202's _all_auto_removed)
        recs = "--no-install-recommends " if option_turns_off(op) else ""
        if reuse_lists:
            install = f"apt-get install -y {recs}{' '.join(moved)} && "
            removal = "apt-get purge -y --auto-remove " + " ".join(moved)
        else:
            install = f"apt-get update && apt-get install -y {recs}{' '.join(moved)} && "
            removal = "apt-get purge -y --auto-remove " + " ".join(moved) + " && rm -rf /var/lib/apt/lists/*"
        if keep is not None:
            removal = f"{keep}\n&& {removal}"
    tail, why = _removal_at_end(last, removal, closing)
    if tail is None:
        return None, why
    edits = [delete_instruction(run.instruction)] if whole else []
    starts = {(sp.line, sp.column) for sp, _t in words}
    dropped = set()
    if not whole:
        ending, dropped, why = _ending_lines(run, words[1:] if libs else words)
        if why is not None:
            return None, why
        if ending is not None:
            edits.append(ending)
    for i, (sp, _text) in enumerate(words if not whole else ()):
        line = lines[sp.line - 1]
        if i == 0 and libs:
            edits.append(Edit(sp, " ".join(libs)))
            continue
        if sp.line in dropped:
            continue
        rest = line[: sp.column - 1] + line[sp.end_column - 1:]
        if rest.strip() == run.escape:
            # the word was alone on a continuation line: drop the line
            edits.append(Edit(Span(sp.line, 1, sp.line + 1, 1), ""))
        elif not line[: sp.column - 1].strip():
            # first on its line: keep the indentation, drop the blanks after the word (unless the
            # next word goes too: its own edit takes the blanks before it)
            end = sp.end_column
            while end - 1 < len(line) and line[end - 1] in " \t":
                end += 1
            if (sp.line, end) in starts:
                end = sp.end_column
            edits.append(Edit(Span(sp.line, sp.column, sp.line, end), ""))
        else:
            start = sp.column
            while start > 1 and line[start - 2] in " \t":
                start -= 1
            edits.append(Edit(Span(sp.line, start, sp.line, sp.end_column), ""))
    edits.append(insert_before(first_at, install + opening))
    edits.extend(joins)
    edits.append(tail)
    edits.extend(flags)
    listed = ", ".join(f"`{n}`" for n in moved)
    it = "it" if len(moved) == 1 else "them"
    purge = "purge" if mgr == "apt" else "delete"
    if len(merged) > 1:
        title = (f"Join the RUNs at lines {', '.join(str(r.instruction.start_line) for r in merged[:-1])} and "
                 f"{last.instruction.start_line}, which use {it}, into one; install {listed} at its "
                 f"start and {purge} {it} at its end")
    else:
        title = (f"Install {listed} in the RUN at line {b.instruction.start_line}, which uses {it}, and "
                 f"{purge} {it} there")
    title += _keeping(libs, keep, mgr, " here")
    if whole:
        title += f"; the RUN at line {run.instruction.start_line}, which only installed {it}, goes"
    title += flag_title
    return Fix(title, "unsafe", tuple(edits)), None


def _ending_lines(run, words) -> tuple[object, set[int], str | None]:
    """The edit that drops the RUN's last lines when they hold only words that go (`words`,
    [(span, text)] of the removed package names): without it, the line before would end with the
    escape and continue into the next instruction. The edit runs from the end of the last word
    that stays (before its line's escape) to the end of the RUN's last word. Returns (edit, the
    dropped line numbers, None), (None, set(), None) when the RUN's last line keeps a word, or
    (None, set(), why not)."""
    from .findings import Edit
    from .spans import Span

    lines = run.file_lines
    by_line: dict[int, list] = {}
    for sp, text in words:
        if sp.line != sp.end_line:
            return None, set(), f"`{text}` spans lines"
        by_line.setdefault(sp.line, []).append(sp)

    def only_these(n: int) -> bool:
        # the line holds nothing but removed words (and the escape, before the last line)
        line, rest, pos = lines[n - 1], [], 1
        for sp in sorted(by_line[n], key=lambda s: s.column):
            rest.append(line[pos - 1: sp.column - 1])
            pos = sp.end_column
        rest.append(line[pos - 1:])
        return "".join(rest).strip() in ("", run.escape)

    end = run.instruction.end_line
    if end not in by_line or not only_these(end) or lines[end - 1].rstrip().endswith(run.escape):
        return None, set(), None
    dropped = {end}
    n = end - 1
    while n in by_line and only_these(n) and n > run.instruction.start_line:
        dropped.add(n)
        n -= 1
    above = lines[n - 1].rstrip()
    if not above.endswith(run.escape) or above.lstrip().startswith("#"):
        return None, set(), "the RUN's last line holds only packages that go, after a line dockerlint cannot shorten"
    content = above[: -len(run.escape)].rstrip()
    if any(sp.end_column - 1 >= len(content) for sp in by_line.get(n, ())):
        # the word before the escape goes too, by an edit of its own
        return None, set(), "the RUN's last lines hold only packages that go"
    last = max(by_line[end], key=lambda s: s.column)
    return Edit(Span(n, len(content) + 1, end, last.end_column), ""), dropped, None


def _unjoinable(merged, mgr: str, names: set[str], installing=None) -> str | None:
    """Why the RUNs `merged` cannot become one RUN that installs and removes `names`, or None:
    one is not edited through its shell syntax (exec form, a heredoc, a script that does not
    parse), or runs package commands of its own that would mix with the moved ones
    (_own_package_commands; the `installing` RUN, whose install it is, aside)."""
    for r in merged:
        if r.instruction.json or r.instruction.heredocs or r.shell_script is None or r.shell_script.has_errors:
            return f"the RUN at line {r.instruction.start_line} cannot be edited through its shell syntax"
        why = _own_package_commands(r, mgr, names) if r is not installing else None
        if why is not None:
            return why
    return None


def _removal_at_end(last, removal: str, closing: bool) -> tuple[object, str | None]:
    """The edit that runs `removal` (one command, or a keep pipeline's lines joined by "\n") at
    the end of the joined RUN whose last RUN is `last`: after its closing ")" where its script
    is wrapped (`closing`, whatever the script's own ending), else appended as its last command.
    Returns (edit, None) or (None, why not)."""
    from .edits import _end_position, append_command
    from .findings import Edit
    from .spans import Span

    if not closing:
        return append_command(last, removal)
    got, pos = _end_position(last)
    if got is None:
        return None, f"the RUN at line {last.instruction.start_line} {pos}"
    removal = removal.replace("\n", f" {last.escape}\n    ")  # a keep pipeline's lines
    return Edit(Span(pos[0], pos[1], pos[0], pos[1]), f") && {removal}"), None


def _lists_present_before(stage, b) -> bool:
    """Whether apt's package lists are in the image when RUN `b` starts: the last earlier RUN of
    the stage that writes or removes them (aptlists.lists_use) left them."""
    from .aptlists import lists_use

    present = False
    for r in stage.all_runs():
        if r is b:
            return present
        use = lists_use(r)
        if not use.cached and (use.writes or use.removes):
            present = use.left
    return False


def _join_and_purge(stage, run, found, op, users, mgr: str) -> tuple[object, str | None]:
    """An unsafe Fix for packages that the RUN installing them (A) builds with and later RUNs
    too (`users`): A and the RUNs after it up to the last user are joined into A (`joins.merge_runs`),
    and the packages are removed at the end of the joined RUN (apt: purged; apk: installed as
    a virtual package of its own, _free_virtual, and deleted), keeping the runtime libraries as a same-RUN
    removal does (named, or kept by what the build links); or (None, why). The install stays
    where it is, so the package lists need nothing new."""
    from .edits import insert_before
    from .findings import Edit, Fix
    from .spans import Span

    names = {n for _o, _k, n in found}
    last = users[-1]
    merged = [r for r in stage.all_runs()
              if run.instruction.start_line <= r.instruction.start_line <= last.instruction.start_line]
    if any(r.stage is not stage for r in merged):
        return None, "this RUN uses them too, and later RUNs in more than one stage"
    why = _unjoinable(merged, mgr, names, installing=run)
    if why is not None:
        return None, f"this RUN uses them too, and {why}"
    joins, opening, closing, why = merge_runs(stage, merged)
    if why is not None:
        return None, f"this RUN uses them too, and {len(users)} later RUNs; {why}"
    got, libs, keep, why = _plain_install(stage, run, found, mgr, merged)
    if got is None:
        return None, why
    back = _brought_back(stage, op, names) if mgr == "apt" else None
    if back is not None and (back[4] == "depends on"
                             or back[0].instruction.start_line > last.instruction.start_line):
        # the purge would take the package that depends on it (one that only recommends it stays),
        # and a later install would bring it back
        return None, _stays_back(back)
    user = _user_at(stage, last.instruction.start_line + 1)
    if user is not None and user.split(":")[0] not in ("root", "0"):
        return None, f"the RUN at line {last.instruction.start_line} runs as `{user}`, which cannot purge"
    ordered = [n for _o, _k, n in sorted(found, key=lambda t: t[1])]
    virtual = _free_virtual(stage, op) if mgr == "apk" else None
    removal = f"apt-get purge -y --auto-remove {' '.join(ordered)}" if mgr == "apt" else f"apk del {virtual}"
    if keep is not None:
        removal = f"{keep}\n&& {removal}"
    edits = []
    if opening:
        start = run_position(run, run.shell_script.statements[0].start)
        edits.append(insert_before(Span(start[0], start[1], start[0], start[1]), opening))
    if mgr == "apk":
        edits.append(_apk_virtual(run, op, names, libs, keep, virtual))
    lib_text = (" " + " ".join(libs)) if libs and mgr == "apt" else ""
    if lib_text:
        w = run.word_span(op, len(op.packages) - 1)
        at = (w.end_line, w.end_column)
        same = next((e for e in joins if (e.span.line, e.span.column) == at), None)
        if same is not None:
            # the install ends the RUN: the libraries go before the join's ` && \`
            joins = [Edit(e.span, lib_text + e.text) if e is same else e for e in joins]
        else:
            edits.append(Edit(Span(at[0], at[1], at[0], at[1]), lib_text))
    edits.extend(joins)
    tail, why = _removal_at_end(last, removal, closing)
    if tail is None:
        return None, why
    edits.append(tail)
    listed = ", ".join(f"`{n}`" for n in ordered)
    it = "it" if len(ordered) == 1 else "them"
    others = [str(r.instruction.start_line) for r in merged[1:]]
    where = f"line {others[0]}" if len(others) == 1 else f"lines {', '.join(others[:-1])} and {others[-1]}"
    title = f"Join this RUN and the RUN{'s' if len(others) > 1 else ''} at {where}, which use {it}, " \
            "into one and " + (f"purge {listed} at its end" if mgr == "apt" else
                               f"delete {listed} at its end, installed as a virtual package")
    title += _keeping(libs, keep, mgr)
    return Fix(title, "unsafe", tuple(edits)), None


def _only_package_bookkeeping(run, op, mgr: str) -> bool:
    """Every command of the RUN but the install `op` is the manager's index update or clean-up
    (`apt-get update`, `apt-get clean`, `rm -rf /var/lib/apt/lists/*`; `apk update`,
    `rm -rf /var/cache/apk/*`): without that install it would do nothing worth a layer."""
    from .aptlists import removes_lists

    for c in run.commands:
        if c.index == op.command_index:
            continue
        if not c.argv:
            return False
        words = [w for w in c.argv[1:] if not w.startswith("-")]
        verb = words[0] if words else ""
        if c.name in _MANAGER_PROGRAMS[mgr] and c.name != "dpkg" and verb in _QUIET_VERBS[mgr] \
                and verb not in ("install", "add"):
            continue  # the index update or clean-up
        if c.name == "rm" and (removes_lists(c.argv) or any(w.startswith("/var/cache/apk") for w in c.argv[1:])):
            continue
        return False
    return True


def _own_package_commands(r, mgr: str, names: set[str]) -> str | None:
    """Why a RUN's own package commands keep the move out of it, or None: it may install other
    packages of the same manager (they are manual, or in apk's world, so the removal at its end
    keeps them and what they need), but not the moved ones, and it may remove nothing or run
    dpkg (a removal, or a .deb depending on a moved package, would mix with the moved ones) —
    but for `apk del` of other packages: apk never removes a package that a virtual package in
    the world (the moved ones') still holds."""
    from .packages import base_name

    line = r.instruction.start_line
    deletes = set()  # `apk del` of other packages: apk keeps what the moved virtual package holds
    for o in r.package_ops:
        if o.manager != mgr:
            continue
        if o.action in ("update", "clean"):
            continue
        if mgr == "apk" and o.action == "remove" and not names & {base_name(p) for p in o.packages} \
                and not any(p.startswith(".build-deps") or p.startswith(".dockerlint") for p in o.packages):
            deletes.add(o.command_index)
            continue
        if o.action != "install":
            words = [w for w in r.command(o.command_index).argv if not w.startswith("-")][:2]
            return f"the RUN at line {line} runs `{' '.join(words)}`"
        if names & {base_name(p) for p in o.packages}:
            return f"the RUN at line {line} installs them itself"
    for c in r.commands:
        if c.name == "dpkg":
            return f"the RUN at line {line} runs dpkg"
        if c.name in _MANAGER_PROGRAMS[mgr] and c.index not in deletes:
            verbs = [w for w in c.argv[1:] if not w.startswith("-")]
            if verbs[:1] and verbs[0] not in _QUIET_VERBS[mgr]:
                return f"the RUN at line {line} runs `{c.name} {verbs[0]}`"
    return None


# What a RUN that the move goes into may run of the same manager besides installs: index updates
# and clean-ups (an upgrade, autoremove or purge would change what the removal at its end keeps).
_QUIET_VERBS = {"apt": ("update", "install", "clean", "autoclean"), "apk": ("add", "update")}

# The programs through which a RUN installs or removes packages of each manager: a RUN that runs
# one is not joined into the move (its own installs and removals would mix with the moved ones).
_MANAGER_PROGRAMS = {"apt": ("apt-get", "apt", "aptitude", "dpkg"), "apk": ("apk",)}

def same_run_purge(model, stage, run, found) -> tuple[object, str | None]:
    """An unsafe Fix that removes the build-only packages at the end of the RUN that installs them,
    keeping the runtime libraries the build linked against; or (None, why).

    `found` is [(op, k, name)]: the install op, the package's index in it, its base name.
    """
    from .findings import Edit, Fix
    from .spans import Span
    from .edits import append_command, insert_before
    from .aptlists import removes_lists

    names = {n for _o, _k, n in found}
    managers = {op.manager for op, _k, _n in found}
    if len(managers) != 1 or (mgr := managers.pop()) not in ("apt", "apk"):
        return None, "only apt and apk installs get a same-RUN removal"
    if run.instruction.json or run.shell_script is None or run.shell_script.has_errors or run.instruction.heredocs:
        return None, "the RUN cannot be edited through its shell syntax"
    used = _used_after(stage, run, _package_users(names, mgr))
    if used is not None:
        line, cmd = used
        moved, why_not = move_install_to_user(model, stage, run, found, mgr)
        if moved is not None:
            return moved, None
        uses = _package_users(names, mgr)
        users = [r.instruction.start_line for r in stage.all_runs()
                 if r.instruction.start_line > run.instruction.start_line and any(uses(c) for c in r.commands)]
        if len(users) > 1:
            # all of them: moving the install into the first alone would break the others (clowdr,
            # penncontroller: review 2026-11-30)
            return None, (f"the RUNs at lines {', '.join(map(str, users[:-1]))} and {users[-1]} may use them "
                          f"(`{cmd}` first), so they must stay until the last: install them in one RUN that "
                          f"does all of that instead{f' ({why_not})' if why_not else ''}")
        return None, (f"the RUN at line {line} may use them (`{cmd}`), so they must stay until then: install them in "
                      f"that RUN instead{f' ({why_not})' if why_not else ''}")
    op, libs, keep, why = _plain_install(stage, run, found, mgr, [run])
    if op is None:
        return None, why
    cmd = run.command(op.command_index)
    ordered = [n for _o, _k, n in sorted(found, key=lambda t: t[1])]
    edits = []
    if mgr == "apt":
        last_word = run.word_span(op, len(op.packages) - 1)
        lib_at = Span(last_word.end_line, last_word.end_column, last_word.end_line, last_word.end_column)
        if libs:
            edits.append(Edit(lib_at, " " + " ".join(libs)))
        purge = f"apt-get purge -y --auto-remove {' '.join(ordered)}"
        if keep is not None:
            purge = f"{keep}\n&& {purge}"
        cmds = [c for c in run.commands if c.argv]
        tail = cmds[-1]
        if removes_lists(tail.argv) and tail.shell is not None and not tail.shell.in_subshell:
            at = tail.span
            before = run.file_lines[at.line - 1][: at.column - 1]
            if before.strip() in ("&&", "") and at.line > run.instruction.start_line:
                lead = re.match(r"[ \t]*", before).group(0)
                sep = (f" {run.escape}\n{lead}&& " if before.strip() == "&&" else f" && {run.escape}\n{before}")
                purge = purge.replace("\n", f" {run.escape}\n{lead}")
            else:
                sep = " && "
                purge = purge.replace("\n", " ")
            edits.append(insert_before(at, purge + sep))
        else:
            tail_edit, why = append_command(run, purge)
            if tail_edit is None:
                return None, why
            if libs and tail_edit.span == lib_at:  # the install ends the RUN: one insertion, libs first
                edits[-1] = Edit(lib_at, " " + " ".join(libs) + tail_edit.text)
            else:
                edits.append(tail_edit)
        title = f"Purge {', '.join(f'`{n}`' for n in ordered)} at the end of this RUN"
        title += _keeping(libs, keep, "apt")
        return Fix(title, "unsafe", tuple(edits)), None
    # apk: the build-only packages become a virtual package deleted at the end
    virtual = _free_virtual(stage, op)
    edits.append(_apk_virtual(run, op, names, libs, keep, virtual))
    tail_edit, why = append_command(run, f"apk del {virtual}" if keep is None else f"{keep}\n&& apk del {virtual}")
    if tail_edit is None:
        return None, why
    edits.append(tail_edit)
    title = f"Install {', '.join(f'`{n}`' for n in ordered)} as a virtual package and delete it at the end of this RUN"
    title += _keeping(libs, keep, "apk")
    return Fix(title, "unsafe", tuple(edits)), None


def _free_virtual(stage, op=None) -> str:
    """A name for the build packages' apk virtual package that no other install of the stage
    (`op` aside: the one the fix rewrites) uses: adding a virtual package under a name already
    in the world replaces it (apk-tools, since 2019), and the `apk del` of one would take the
    other's packages too (fix review, letsencrypt-cron: its own .build-deps held gcc for pip)."""
    taken = {o.virtual for r in stage.all_runs() for o in r.package_ops if o.virtual and o is not op}
    return next(v for v in (".build-deps", ".build-deps-moved", ".dockerlint-build-deps") if v not in taken)


def _apk_virtual(run, op, names: set[str], libs, keep, virtual: str = ".build-deps") -> object:
    """The edit that rewrites the `apk add` command `op` of `run` so that the packages `names`
    (with pax-utils, whose scanelf the keep runs, where `keep` is not None) form the virtual
    package `virtual` (a _free_virtual name), and the rest with the runtime libraries `libs` are
    added by name: `apk add --virtual .build-deps B… && apk add R… L…`."""
    from .findings import Edit
    from .spans import Span

    words = run.command(op.command_index).shell.argv
    first, last = words[0].span, words[-1].span
    rest = [p for p in op.packages if _bare(p) not in names]
    opts = " ".join(o for o in op.options if not o.startswith(("--virtual", "-t=")))
    opts = (opts + " ") if opts else ""
    building = [p for p in op.packages if _bare(p) in names]
    if keep is not None and "pax-utils" not in building:
        building.append("pax-utils")  # scanelf, for keep_linked_apk
    new = f"apk add {opts}--virtual {virtual} {' '.join(building)}"
    stays = rest + [x for x in libs if x not in rest]
    if stays:
        nxt_line = next((c.span.line for c in run.commands if c.span.line > last.end_line), None)
        joiner = _joiner(run, nxt_line) if nxt_line else " && "
        new += joiner + f"apk add {opts}{' '.join(stays)}"
    return Edit(Span(first.line, first.column, last.end_line, last.end_column), new)


def _keeping(libs, keep, mgr: str, where: str = "") -> str:
    """The end of a fix title: what the purge keeps, by name (`libs`, installed `where` the
    packages were) and by what the build links (`keep`, the pipeline: ldd for apt, scanelf for apk)."""
    out = f", keeping {', '.join(f'`{x}`' for x in libs)}{where}" if libs else ""
    if keep is not None:
        out += (", keeping the shared libraries its build needs (scanelf, at build time)" if mgr == "apk" else
                ", keeping the packages of the shared libraries its build links against (ldd, at build time)")
    return out


def _bare(pkg: str) -> str:
    from .packages import base_name

    return base_name(pkg)
