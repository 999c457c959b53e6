"""Facts about compile steps in a stage: which toolchain, what it outputs, whether cgo is on.

Part of the model: DKL101, DKL103 and the multi-stage fixer all ask these
questions, so they are answered once here.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from . import knowledge
from .model import Run, SimpleCommand, Stage
from .packages import base_name

C_COMPILER_PACKAGES = frozenset({"gcc", "g++", "clang", "build-essential", "build-base", "cc", "musl-dev",
                                 "gcc-c++", "libc6-dev", "libc-dev"})
LIBC_COMPAT_PACKAGES = frozenset({"libc6-compat", "gcompat"})


@dataclass(frozen=True)
class Build:
    toolchain: str
    run: Run
    command: SimpleCommand
    output: str | None  # absolute path of the artifact when it can be told
    workdir: str


def _abs(path: str, workdir: str) -> str:
    return posixpath.normpath(posixpath.join(workdir or "/", path))


def _workdirs(stage: Stage) -> dict[int, str]:
    """WORKDIR in force at each instruction (by id) of the stage's lineage."""
    out: dict[int, str] = {}
    wd = "/"
    for s in stage.lineage:
        for ins in s.instructions:
            if ins.keyword == "WORKDIR" and ins.args:
                from .expand import expand

                val = expand(ins.args[0].text, {}, "\\")[0]
                wd = _abs(val, wd)
            out[id(ins)] = wd
    return out


def builds(stage: Stage, own_only: bool = False) -> list[Build]:
    out: list[Build] = []
    wds = _workdirs(stage)
    stages = [stage] if own_only else stage.lineage
    for s in stages:
        for run in s.runs:
            for c in run.commands:
                tc = knowledge.toolchain_for_command(list(c.argv))
                if not tc:
                    continue
                wd = wds.get(id(run.instruction), "/")
                out.append(Build(tc, run, c, _output(tc, c, wd, run), wd))
    return out


def _output(tc: str, c: SimpleCommand, wd: str, run: Run) -> str | None:
    argv = list(c.argv)
    # `cd dir && go build` changes the directory for the build
    cd = None
    for prev in run.commands:
        if prev.index >= c.index:
            break
        if prev.name == "cd" and len(prev.argv) > 1 and not prev.in_substitution:
            cd = prev.argv[1]
    if cd and not cd.startswith("$"):
        wd = _abs(cd, wd)
    if tc == "go":
        for i, a in enumerate(argv):
            if a == "-o" and i + 1 < len(argv):
                return _abs(argv[i + 1], wd)
            if a.startswith("-o="):
                return _abs(a[3:], wd)
        if len(argv) > 1 and argv[1] == "install":
            gopath = run.env.get("GOPATH") or "/go"
            return posixpath.join(gopath, "bin")
        return None
    if tc == "rust":
        if "install" in argv[1:3]:
            for i, a in enumerate(argv):
                if a == "--root" and i + 1 < len(argv):
                    return _abs(posixpath.join(argv[i + 1], "bin"), wd)
            return posixpath.join(run.env.get("CARGO_HOME") or "/usr/local/cargo", "bin")
        profile = "release" if "--release" in argv or "-r" in argv else "debug"
        target = None
        for i, a in enumerate(argv):
            if a == "--target" and i + 1 < len(argv):
                target = argv[i + 1]
        return _abs(posixpath.join("target", target, profile) if target else posixpath.join("target", profile), wd)
    if tc in ("maven",):
        return _abs("target", wd)
    if tc == "gradle":
        return _abs("build/libs", wd)
    if tc == "dotnet":
        for i, a in enumerate(argv):
            if a in ("-o", "--output") and i + 1 < len(argv):
                return _abs(argv[i + 1], wd)
        return None
    if tc in ("gcc",):
        for i, a in enumerate(argv):
            if a == "-o" and i + 1 < len(argv):
                return _abs(argv[i + 1], wd)
    return None


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
