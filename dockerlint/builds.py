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
    base image's own WORKDIR (golang's is /go) where the image facts know it."""
    out: dict[int, str] = {}
    img = stage.root_image
    wd = getattr(img, "workdir", None) or "/"
    for s in stage.lineage:
        for ins in s.instructions:
            if ins.keyword == "WORKDIR" and ins.args:
                from .expand import expand

                val = expand(ins.args[0].text, s.env, "\\")[0]
                wd = _abs(val, wd)
            out[id(ins)] = wd
    return out


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
    """The directory command `index` of `run` runs in: WORKDIR, changed by earlier `cd`s."""
    for prev in run.commands:
        if prev.index >= index:
            break
        if prev.name == "cd" and len(prev.argv) > 1 and not prev.in_substitution and not (prev.shell is not None and prev.shell.in_subshell):
            target = prev.argv[1]
            if target.startswith("$") or target == "-":
                continue
            wd = _abs(target, wd)
    return wd


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
                                    "docker-php-ext-install", "pecl", "cpanm", "cpan", "configure", "./configure",
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
    if name.endswith((".sh", ".bash")) or argv[0].startswith(("./", "bin/")):
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
