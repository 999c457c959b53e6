"""Facts about compile steps in a stage: which toolchain, what it outputs, whether cgo is on.

Part of the model: DKL101, DKL103 and the multi-stage fixer all ask these
questions, so they are answered once here.
"""

from __future__ import annotations

import posixpath

from . import knowledge
from .model import Run, SimpleCommand, Stage
from .packages import base_name
from .records import Value, setfield

C_COMPILER_PACKAGES = frozenset({"gcc", "g++", "clang", "build-essential", "build-base", "cc", "musl-dev",
                                 "gcc-c++", "libc6-dev", "libc-dev"})
LIBC_COMPAT_PACKAGES = frozenset({"libc6-compat", "gcompat"})


class Build(Value):
    """A compiling command and what it produces.

    ``output`` is the absolute path of the artifact where it ends up in the stage's
    filesystem (after `mv`/`cp`/`install` of it later in the stage), or a directory
    (``output_is_dir``) when only the place is known (`go install` without a package
    name, `target/release`), or None.  ``built_at`` is where the compiler wrote it.
    """

    toolchain: str
    run: Run
    command: SimpleCommand
    output: str | None  # absolute path of the artifact when it can be told
    workdir: str
    built_at: str | None
    output_is_dir: bool

    __slots__ = _fields = ("toolchain", "run", "command", "output", "workdir", "built_at",
                           "output_is_dir")

    def __init__(self, toolchain: str, run: Run, command: SimpleCommand, output: str | None,
                 workdir: str, built_at: str | None = None, output_is_dir: bool = False) -> None:
        setfield(self, "toolchain", toolchain)
        setfield(self, "run", run)
        setfield(self, "command", command)
        setfield(self, "output", output)
        setfield(self, "workdir", workdir)
        setfield(self, "built_at", built_at)
        setfield(self, "output_is_dir", output_is_dir)


def _abs(path: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir or "/", path))


def _workdirs(stage: Stage) -> dict[int, str]:
    """WORKDIR in force at each instruction (by id) of the stage's lineage, starting from the
    base image's own WORKDIR (golang's is /go) where the image facts know it, else "/"
    (layers.rooted_workdirs)."""
    from .layers import rooted_workdirs

    return rooted_workdirs(stage)


def builds(stage: Stage, own_only: bool = False) -> list[Build]:
    """The compiling commands of the stage (and of the stages it is built on), in build order."""
    out: list[Build] = []
    wds = _workdirs(stage)
    stages = [stage] if own_only else stage.lineage
    runs = [r for s in stages for r in s.runs]
    for k, run in enumerate(runs):
        for c in run.commands:
            tc = knowledge.toolchain_for_command(list(c.argv))
            if not tc:
                continue
            wd = wds.get(id(run.instruction), "/")
            built, is_dir = _output(tc, c, wd, run)
            final = _follow(built, run, c.index, runs[k + 1:], wds) if built and not is_dir else built
            out.append(Build(tc, run, c, final, wd, built, is_dir))
    return out


def follow(stage: Stage, build: "Build", path: str) -> str:
    """Where a file the build wrote at `path` ends up after later `mv`/`cp`/`install` of it."""
    wds = _workdirs(stage)
    runs = [r for s in stage.lineage for r in s.runs]
    k = next((i for i, r in enumerate(runs) if r is build.run), None)
    if k is None:
        return path
    return _follow(path, build.run, build.command.index, runs[k + 1:], wds)


def _cwd(run: Run, index: int, wd: str) -> str:
    """The directory command `index` of `run` runs in: WORKDIR, changed by earlier `cd`s (`cd -`
    goes back to the one before, as the shell's OLDPWD does: seed-12 review, adrianpsl)."""
    old = None
    for prev in run.commands:
        if prev.index >= index:
            break
        if prev.name == "cd" and len(prev.argv) > 1 and not prev.in_substitution and not (prev.shell is not None and prev.shell.in_subshell):
            if not prev.argv[1].startswith("$"):
                wd, old = cd_to(prev.argv[1], wd, old)
    return wd


def cd_to(target: str, wd: str, old: str | None) -> tuple[str, str | None]:
    """(the folder, the previous folder) after `cd TARGET` from `wd`, `old` being the folder
    before it (the shell's OLDPWD, None when unknown): `cd -` goes back to it."""
    if target == "-":
        return (old, wd) if old is not None else (wd, old)
    return _abs(target, wd), wd


def _name_of(pkg: str) -> str | None:
    """The binary name Go gives a main package: its last path element (`./cmd/relay` -> relay,
    `github.com/x/y/v2@latest` -> y), `main.go` -> main; None for `.` or `./...`."""
    pkg = pkg.split("@", 1)[0].rstrip("/")
    if pkg.endswith(".go"):
        return posixpath.basename(pkg)[:-3]
    if pkg in ("", ".", "..") or pkg.endswith("..."):
        return None
    parts = [p for p in pkg.split("/") if p not in (".", "")]
    if len(parts) > 1 and parts[-1].startswith("v") and parts[-1][1:].isdigit():
        parts = parts[:-1]
    return parts[-1] if parts else None


_GO_VALUE_OPTS = frozenset({"-o", "-C", "-p", "-tags", "-ldflags", "-gcflags", "-asmflags", "-mod", "-modfile",
                            "-pkgdir", "-buildmode", "-compiler", "-gccgoflags", "-installsuffix", "-overlay",
                            "-pgo", "-toolexec", "-exec"})


def _go_packages(argv: list[str]) -> list[str]:
    from .argv import operands

    return operands(argv, _GO_VALUE_OPTS, start=2)


def _output(tc: str, c: SimpleCommand, wd: str, run: Run) -> tuple[str | None, bool]:
    """(where the build writes its artifact, whether that is only a directory)."""
    argv = list(c.argv)
    wd = _cwd(run, c.index, wd)
    if tc == "go":
        pkgs = _go_packages(argv)
        for i, a in enumerate(argv):
            if a == "-o" and i + 1 < len(argv) or a.startswith("-o="):
                dest = argv[i + 1] if a == "-o" else a[3:]
                if "$" in dest:
                    return None, False
                if dest.endswith("/"):
                    name = _name_of(pkgs[0]) if len(pkgs) == 1 else None
                    return (_abs(dest + name, wd), False) if name else (_abs(dest, wd), True)
                return _abs(dest, wd), False
        if len(argv) > 1 and argv[1] in ("install", "get"):
            gopath = run.env.get("GOPATH") or "/go"
            bindir = posixpath.join(gopath, "bin")
            name = _name_of(pkgs[0]) if len(pkgs) == 1 else None
            return (posixpath.join(bindir, name), False) if name else (bindir, True)
        name = _name_of(pkgs[0]) if len(pkgs) == 1 else None
        return (_abs(name, wd), False) if name else (wd, True)
    if tc == "rust":
        if "install" in argv[1:3]:
            for i, a in enumerate(argv):
                if a == "--root" and i + 1 < len(argv):
                    return _abs(posixpath.join(argv[i + 1], "bin"), wd), True
            return posixpath.join(run.env.get("CARGO_HOME") or "/usr/local/cargo", "bin"), True
        profile = "release" if "--release" in argv or "-r" in argv else "debug"
        target = None
        for i, a in enumerate(argv):
            if a == "--target" and i + 1 < len(argv):
                target = argv[i + 1]
            if a.startswith("--profile=") or a == "--profile" and i + 1 < len(argv):
                profile = a.split("=", 1)[1] if "=" in a else argv[i + 1]
        sub = posixpath.join("target", target, profile) if target else posixpath.join("target", profile)
        return _abs(sub, wd), True
    if tc == "maven":
        return _abs("target", wd), True
    if tc == "gradle":
        return _abs("build/libs", wd), True
    if tc == "dotnet":
        for i, a in enumerate(argv):
            if a in ("-o", "--output") and i + 1 < len(argv):
                return _abs(argv[i + 1], wd), True
            if a.startswith(("-o=", "--output=")):
                return _abs(a.split("=", 1)[1], wd), True
        return None, False
    if tc == "gcc":
        for i, a in enumerate(argv):
            if a == "-o" and i + 1 < len(argv):
                return _abs(argv[i + 1], wd), False
        if "-c" not in argv:
            return _abs("a.out", wd), False
    return None, False


_BIN_DIRS = ("/usr/local/bin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/sbin", "/sbin", "/go/bin", "/app",
             "/opt", "/srv")


def _follow(path: str, run: Run, index: int, later_runs: list[Run], wds: dict[int, str]) -> str:
    """Where `path` ends up after `mv`/`cp`/`install` of it later in the same RUN and in later RUNs."""
    for r, start in [(run, index + 1)] + [(lr, 0) for lr in later_runs]:
        wd = wds.get(id(r.instruction), "/")
        for c in r.commands:
            if c.index < start or c.in_substitution or not c.argv:
                continue
            name = c.name
            if name not in ("mv", "cp", "install"):
                continue
            args = [a for a in c.argv[1:] if not a.startswith("-")]
            if name == "install":
                args = _install_args(c.argv[1:])
            if len(args) != 2 or any("$" in a or "*" in a for a in args):
                continue
            cwd = _cwd(r, c.index, wd)
            src, dst = _abs(args[0], cwd), args[1]
            if src != path:
                continue
            dst_abs = _abs(dst, cwd)
            if dst.endswith("/") or dst_abs in _BIN_DIRS or dst in (".", "./"):
                dst_abs = posixpath.join(dst_abs, posixpath.basename(path))
            path = dst_abs
    return path


def _install_args(args) -> list[str]:
    out, i = [], 0
    while i < len(args):
        a = args[i]
        if a in ("-m", "--mode", "-o", "--owner", "-g", "--group", "-t", "--target-directory", "-S"):
            i += 2
            continue
        if not a.startswith("-"):
            out.append(a)
        i += 1
    return out


def installed(stage: Stage) -> set[str]:
    """Base names of packages installed (and not removed in the same RUN) in the lineage."""
    out: set[str] = set()
    for run in stage.all_runs():
        for _op, pkg in run.kept_packages:
            out.add(base_name(pkg))
    return out


def has_c_compiler(stage: Stage, run: Run | None = None, index: int = 0) -> bool | None:
    """Whether a C compiler is present when command `index` of `run` runs; None when unknown."""
    img = stage.root_image
    if img is not None and img.has_c_compiler:
        return True
    for r in stage.all_runs():
        if r is run:
            # earlier in the same RUN counts even if it is purged after the build
            return any(_is_c_compiler(op, p) for op in r.package_ops if op.action == "install"
                       and op.command_index < index for p in op.packages) or (
                None if img is None or img.family is None else False)
        if any(_is_c_compiler(op, p) for op, p in r.kept_packages):
            return True
    if img is None or img.family is None:
        return None
    return False


def _is_c_compiler(op, pkg: str) -> bool:
    name = base_name(pkg)
    if name in C_COMPILER_PACKAGES or name.startswith(("gcc-", "g++-", "clang-")):
        return True
    # Debian's golang packages recommend gcc, so they bring it unless recommends are off.
    if op.manager == "apt" and name.startswith("golang") and not op.has_option("--no-install-recommends"):
        return True
    return False


def cgo_state(build: Build, stage: Stage) -> tuple[bool | None, str]:
    """(cgo on?, why) for a go build: False when CGO_ENABLED=0 is in scope or it links statically."""
    c, run = build.command, build.run
    argv = list(c.argv)
    joined = " ".join(argv)
    if "-static" in joined and ("extldflags" in joined or "-linkmode" in joined):
        return False, "linked statically"
    # `env CGO_ENABLED=0 go build` puts the assignment in the wrapper's arguments
    wrapped = [w.split("=", 1) for w in c.raw_argv[: len(c.raw_argv) - len(c.argv)] if "=" in w]
    for name, value in list(c.assignments) + [(n, v) for n, v in wrapped]:
        if name == "CGO_ENABLED":
            return (value != "0", f"CGO_ENABLED={value} on the command")
    # `export CGO_ENABLED=0` or `go env -w CGO_ENABLED=0` earlier in the same RUN
    for prev in run.commands:
        if prev.index >= c.index:
            break
        if prev.name == "export":
            for a in prev.argv[1:]:
                if a.startswith("CGO_ENABLED="):
                    return (a.split("=", 1)[1] != "0", "exported")
        if prev.name == "go" and prev.argv[1:3] == ("env", "-w"):
            for a in prev.argv[3:]:
                if a.startswith("CGO_ENABLED="):
                    return (a.split("=", 1)[1] != "0", "go env -w")
    for r in stage.all_runs():
        if r is run:
            break
        for prev in r.commands:
            if prev.name == "go" and prev.argv[1:3] == ("env", "-w"):
                for a in prev.argv[3:]:
                    if a.startswith("CGO_ENABLED="):
                        return (a.split("=", 1)[1] != "0", "go env -w")
    if "CGO_ENABLED" in run.env:
        v = run.env["CGO_ENABLED"]
        if v is None:
            return None, "CGO_ENABLED is a build argument without a default"
        return v != "0", f"CGO_ENABLED={v} in the environment"
    cc = has_c_compiler(stage, run, c.index)
    if cc is None:
        return None, "unknown whether a C compiler is present"
    if not cc:
        return False, "no C compiler in the build stage"
    return True, "a C compiler is present and CGO_ENABLED is not 0"


_NATIVE_BUILD_PROGRAMS = frozenset({"make", "cmake", "gcc", "g++", "cc", "c++", "clang", "node-gyp", "phpize",
                                    # docker-php-ext-configure runs phpize and ./configure, which look for
                                    # the headers (fix review, meinaccount: gd's "png.h not found")
                                    "docker-php-ext-install", "docker-php-ext-configure", "pecl", "cpanm", "cpan", "configure", "./configure",
                                    "meson", "ninja", "cargo", "go", "python", "python3", "R", "Rscript",
                                    # extension builders that run the system compiler: ZNC's znc-buildmod
                                    # (seed-8 review, elventear/znc), Apache's apxs, Octave's mkoctfile,
                                    # LuaRocks (C rocks), DKMS (kernel modules), Debian/RPM package builds
                                    "znc-buildmod", "apxs", "apxs2", "mkoctfile", "luarocks", "dkms",
                                    "dpkg-buildpackage", "debuild", "rpmbuild",
                                    # installers that build what they install from source: the Phoronix
                                    # Test Suite's test profiles (iozone, aio-stress, apache: fix review,
                                    # jooksan/phoronix) and opam's OCaml packages
                                    "phoronix-test-suite", "opam"})


# {program: its verbs that install dependencies, each a tuple of words}
_PY_PROJECT_INSTALLS = {"pipenv": (("install",), ("sync",)), "poetry": (("install",),),
                        "pdm": (("install",), ("sync",)), "pip-sync": ((),),
                        "uv": (("pip", "install"), ("sync",))}


def runs_script(c) -> bool:
    """Whether command `c` runs a script of the build by its path (`./build.sh`,
    `bin/installDeps.sh`, `/opt/setup.bash`): its contents are not seen."""
    argv = c.argv
    return bool(argv) and (argv[0].rsplit("/", 1)[-1].endswith((".sh", ".bash"))
                           or argv[0].startswith(("./", "bin/")))


def may_compile(c) -> bool:
    """Whether a command may compile native code with the toolchain: a compiler or build tool, or
    a package install that can build from source (pip without --only-binary, npm without
    --ignore-scripts, gem, bundle, pecl …), or a script the build runs, whose contents are not seen."""
    argv = c.argv
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    if knowledge.toolchain_for_command(list(argv)):
        return True
    if runs_script(c):
        return True  # a script of the build (bin/installDeps.sh, ./build.sh): it may compile unseen
    for op in c.package_ops:
        if op.action != "install":
            continue
        if op.manager == "pip":
            return not any(o.startswith("--only-binary") for o in op.options)
        if op.manager in ("npm", "yarn", "pnpm"):
            return not op.has_option("--ignore-scripts")
        if op.manager == "gem":
            return True
    if name in ("bundle", "bundler") and argv[1:2] == ("install",):
        return True
    # Python's project managers install the project's dependencies through pip, which builds an
    # sdist when no wheel fits (psycopg2 with pg_config: fix review 2026-11-30, statistics-py)
    verbs = [a for a in argv[1:] if not a.startswith("-")]
    if any(tuple(verbs[:len(v)]) == v for v in _PY_PROJECT_INSTALLS.get(name, ())):
        return True
    if name in ("python", "python3") and "setup.py" in argv:
        return True
    # R packages install from source on Linux: install.packages(), remotes/devtools, packrat::restore
    if name in ("R", "Rscript", "r") and any("install" in a or "restore" in a for a in argv[1:]):
        return True
    if name in ("npm", "yarn", "pnpm") and argv[1:2] in (("rebuild",), ("run",)) and "build" in argv[2:3]:
        return True
    return name in _NATIVE_BUILD_PROGRAMS - {"python", "python3", "go", "cargo", "R", "Rscript"}


def compiles_anything(stage) -> bool:
    """Whether any RUN of the stage may compile native code (so a slim base alone could break it):
    a compiling command, or an install of compilers (nobody installs build-essential for nothing;
    the compile may hide in a script)."""
    if any(may_compile(c) for run in stage.all_runs() for c in run.commands if not c.in_substitution):
        return True
    for mgr, name in _kept_packages(stage):
        info = knowledge.build_only_package(mgr, name)
        if info is not None and info.category == "compiler":
            return True
    return False


def _kept_packages(stage):
    from .needs import kept_packages

    return kept_packages(stage)


def install_prefix(runs) -> str | None:
    """The prefix `make install`/`cmake --install` write to (`--prefix=/opt/x`, `PREFIX=…`,
    `-DCMAKE_INSTALL_PREFIX=…`), from the commands of `runs` (an iterable of Run); None when no
    command names one (the build systems' default is /usr/local)."""
    for run in runs:
        for c in run.commands:
            argv = c.argv
            for i, a in enumerate(argv):
                if a.startswith("--prefix="):
                    return a.split("=", 1)[1].rstrip("/") or "/"
                if a == "--prefix" and i + 1 < len(argv):
                    return argv[i + 1].rstrip("/") or "/"
                if a.startswith(("PREFIX=", "-DCMAKE_INSTALL_PREFIX=")) and c.name in ("make", "cmake"):
                    return a.split("=", 1)[1].rstrip("/") or "/"
            for name, value in c.assignments:
                if name == "PREFIX" and c.name == "make":
                    return value.rstrip("/")
    return None


# Scripts of autotools-style builds: they configure the source tree they run in; what they build
# stays there until `make install` copies it to the prefix.
_CONFIGURE_SCRIPTS = frozenset({"configure", "config", "autogen.sh", "bootstrap.sh", "bootstrap", "Configure"})
# Package installs that compile extensions into their own site directory, not the working
# directory: pip, gem, pecl, R, cpan … (npm and bundle --path build in the working directory).
_SITE_INSTALLERS = frozenset({"pip", "pip3", "pip2", "gem", "pecl", "docker-php-ext-install",
                              "docker-php-ext-configure", "docker-php-ext-enable", "R", "Rscript",
                              "r", "cpan", "cpanm", "luarocks", "python", "python3", "python2"})


def _venv_in_reach(stage: Stage, run, c) -> bool:
    """Whether `pipenv install`/`poetry install` (command `c` of `run`) installs where
    linked_roots looks: into the system's site-packages (`pipenv --system`, poetry with
    virtualenvs.create off) or a virtual environment in the project (PIPENV_VENV_IN_PROJECT,
    virtualenvs.in-project), set by ENV or by an earlier `poetry config`."""
    env = run.env
    if c.name == "pipenv":
        return "--system" in c.argv or (env.get("PIPENV_VENV_IN_PROJECT") or "").lower() in ("1", "true")
    if (env.get("POETRY_VIRTUALENVS_CREATE") or "").lower() in ("false", "0") or \
            (env.get("POETRY_VIRTUALENVS_IN_PROJECT") or "").lower() in ("true", "1"):
        return True
    return any(x.name == "poetry" and x.argv[1:2] == ("config",) and
               ({"virtualenvs.create", "false"} <= set(x.argv) or {"virtualenvs.in-project", "true"} <= set(x.argv))
               for r in stage.all_runs() for x in r.commands
               if (r.instruction.start_line, x.index) < (run.instruction.start_line, c.index))


def _debian_php_dir(stage: Stage) -> str:
    """Where Debian's and Ubuntu's own PHP keep extensions: /usr/lib/php5/<API> for the php5
    packages (Debian up to jessie, Ubuntu up to 15.10), /usr/lib/php/<API> since php7.0
    (fix review 2026-11-30, chamerling/esn-sabre)."""
    from .needs import kept_packages

    php5 = any(n.startswith("php5") for m, n in kept_packages(stage) if m == "apt")
    return "/usr/lib/php5" if php5 else "/usr/lib/php"


def linked_roots(stage: Stage, runs) -> tuple[tuple[str, ...] | None, str | None]:
    """(the directories, sorted, where the compiling commands of `runs` put what they build, None)
    or (None, why not): the places to look for the binaries and extension modules whose shared
    libraries a purge of the build's -dev packages must keep (purges.keep_linked scans them with
    ldd at build time).

    Always /usr/local: where pip (Python's official images and Debian's own pip), gem and pecl
    of the official ruby and php images, docker-php-ext-install, R's install.packages on Debian,
    cpan and `make install` without a prefix put what they build. Then the directory each build
    tool runs in (the source tree of make, cmake, ./configure, go, cargo, npm's node_modules), the
    install prefix, the artifact of every compile the model follows (builds()), a virtual
    environment the stage creates, and the gem and PHP extension directories of Debian's own
    ruby and php (/var/lib/gems, /usr/lib/php or php5) where the base image is not the official
    one, and the project library of packrat/renv restores.
    Refused: a build tool in / (the scan would be the whole filesystem), a prefix of / or /usr
    (every library of the system would stay), a script whose contents are not seen (it may
    install anywhere), pip with --target/--prefix/--root/--user, and paths through variables.
    """
    img = stage.root_image
    lang = getattr(img, "name", None) if img is not None else None
    official = lang if getattr(img, "kind", None) == "language" else None
    alpine = getattr(img, "family", None) == "alpine" or any(
        o.manager == "apk" for r in stage.all_runs() for o in r.package_ops)
    roots = {"/usr/local"}
    wds = _workdirs(stage)
    for run in runs:
        wd = wds.get(id(run.instruction), "/")
        for c in run.commands:
            name = c.name.rsplit("/", 1)[-1] if c.name else ""
            if name == "go" and c.argv[1:2] in (("get",), ("install",)) and not c.in_substitution:
                # GOPATH mode: the binaries go to $GOPATH/bin (the golang image's GOPATH is /go)
                gopath = run.env.get("GOPATH") or ("/go" if getattr(img, "name", None) == "golang" else "/root/go")
                roots.add(posixpath.join(gopath, "bin"))
                continue
            if c.in_substitution or not may_compile(c):
                continue
            cwd = _cwd(run, c.index, wd)
            if name == "make":
                for i, a in enumerate(c.argv):
                    if a == "-C" and i + 1 < len(c.argv) or a.startswith("--directory="):
                        cwd = _abs(c.argv[i + 1] if a == "-C" else a.split("=", 1)[1], cwd)
            if alpine and official is None and (name.startswith(("pip", "python", "gem", "bundle")) or
                                                name in ("npm", "yarn") and "-g" in c.argv or name in ("R", "Rscript")):
                # Alpine's own Python, Ruby, Node and R install into /usr/lib (no /usr/local
                # scheme as Debian's have): outside what an scan of /usr/local sees
                return None, f"`{' '.join(c.argv[:2])}` of Alpine's own {name.rstrip('0123456789.')} installs into /usr/lib"
            if name in _SITE_INSTALLERS or name.startswith("python"):
                if name.startswith("pip") or name.startswith("python"):
                    bad = [a for a in c.argv if a.split("=", 1)[0] in ("--target", "-t", "--prefix", "--root", "--user")]
                    if bad:
                        return None, f"`{' '.join(c.argv[:3])}` installs with {bad[0].split('=', 1)[0]}"
                    if "setup.py" in c.argv:
                        roots.add(cwd)  # build_ext writes into the source tree
                if name == "gem" and official != "ruby":
                    roots.add(run.env.get("GEM_HOME") or "/var/lib/gems")
                if name == "pecl" and official != "php":
                    roots.add(_debian_php_dir(stage))
                if name in ("R", "Rscript", "r") and any("restore" in a for a in c.argv[1:]):
                    # packrat::restore()/renv::restore() build into the project's library
                    # (fix review 2026-11-30, aryeelab/schemer: ./packrat/lib)
                    if cwd == "/":
                        return None, f"`{' '.join(c.argv[:2])}` restores a project library in /"
                    roots.add(cwd)
                continue
            if name in ("pipenv", "poetry") and not _venv_in_reach(stage, run, c):
                # their default virtual environments live in the user's cache or data folder
                # (~/.cache/pypoetry/virtualenvs, ~/.local/share/virtualenvs), not scanned
                return None, f"`{' '.join(c.argv[:2])}` installs into a virtual environment outside the project"
            if runs_script(c):
                if name not in _CONFIGURE_SCRIPTS:
                    return None, f"dockerlint cannot tell where `{c.argv[0]}` puts what it builds"
            if name in ("bundle", "bundler") and official != "ruby":
                roots.add(run.env.get("GEM_HOME") or "/var/lib/gems")
            if name == "phpize" and official != "php":
                roots.add(_debian_php_dir(stage))
            if cwd == "/":
                return None, f"`{' '.join(c.argv[:2])}` builds in /"
            roots.add(cwd)
    prefix = install_prefix(runs)
    if prefix is not None:
        if prefix in ("/", "/usr"):
            return None, f"the build installs into {prefix}, among the system's own libraries"
        roots.add(prefix)
    in_runs = {id(r) for r in runs}
    for b in builds(stage):
        if id(b.run) in in_runs and b.output:
            roots.add(b.output if b.output_is_dir else posixpath.dirname(b.output))
    venv = venv_dir(stage)
    if venv:
        roots.add(venv)
    bad = sorted(r for r in roots if "$" in r or not r.startswith("/") or r in ("/", "/usr"))
    if bad:
        return None, f"the build writes to `{bad[0]}`"
    # a root inside another is scanned with it
    out = sorted(r for r in roots if not any(r != o and r.startswith(o.rstrip("/") + "/") for o in roots))
    return tuple(out), None


def venv_dir(stage: Stage) -> str | None:
    """The absolute path of the virtual environment the stage creates (`python -m venv DIR`,
    `virtualenv DIR`, `uv venv DIR`), or None: one with no name or named through a variable."""
    from .needs import _workdirs_by_line

    wds = _workdirs_by_line(stage)
    for run in stage.all_runs():
        for c in run.commands:
            argv = c.argv
            name = argv[0].rsplit("/", 1)[-1] if argv else ""
            target = None
            if name.startswith("python") and argv[1:3] == ("-m", "venv"):
                rest = [a for a in argv[3:] if not a.startswith("-")]
                target = rest[0] if rest else None
            elif name == "virtualenv":
                rest = [a for a in argv[1:] if not a.startswith("-")]
                target = rest[0] if rest else None
            elif name == "uv" and argv[1:2] == ("venv",):
                rest = [a for a in argv[2:] if not a.startswith("-")]
                target = rest[0] if rest else ".venv"
            if target and "$" not in target:
                return posixpath.normpath(posixpath.join(wds.get(run.instruction.start_line, "/"), target))
    return None
