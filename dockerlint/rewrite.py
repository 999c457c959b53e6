"""The multi-stage rewrite that DKL101 offers: build stage + runtime stage with only the artifact.

Imported only when DKL101 fires.  The original stage becomes the build stage
(named, with CGO_ENABLED=0 for Go); a new final stage on a runtime base copies
the artifact and takes over WORKDIR, ENV, EXPOSE, USER, LABEL, HEALTHCHECK,
STOPSIGNAL, VOLUME, CMD and ENTRYPOINT.  Where the artifact cannot be told, no
rewrite is offered and the caller says why.
"""

from __future__ import annotations

import posixpath
import re

from . import knowledge

# Instructions that describe how the image runs: they move to the final stage.
RUNTIME_KEYWORDS = ("EXPOSE", "USER", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "CMD", "ENTRYPOINT")
# ENV that only matters to the toolchain stays in the build stage.
_TOOLCHAIN_ENV = re.compile(r"^(PATH|GO\w*|CGO_\w+|CARGO\w*|RUST\w*|JAVA_HOME|MAVEN\w*|GRADLE\w*|DOTNET\w*|"
                            r"NUGET\w*|DEBIAN_FRONTEND|CC|CXX|CFLAGS|LDFLAGS)$")


def _program_path(stage) -> str | None:
    """The path of the program ENTRYPOINT/CMD start, made absolute against WORKDIR."""
    from .runtime import programs, runtime_commands

    for kind in ("ENTRYPOINT", "CMD"):
        for c in runtime_commands(stage):
            progs = programs(c)
            if c.kind != kind or not progs:
                continue
            words = list(progs[-1])
            prog = words[0]
            if prog in ("java",) and "-jar" in words:
                i = words.index("-jar")
                prog = words[i + 1] if i + 1 < len(words) else prog
            elif prog == "dotnet" and len(words) > 1:
                prog = words[1]
            if "/" in prog or prog.endswith((".jar", ".dll")):
                return posixpath.normpath(posixpath.join(stage.workdir or "/", prog))
            return None
    return None


def artifact(model, stage, build) -> tuple[str | None, str]:
    """(absolute path to copy from the build stage, reason when unknown)."""
    out = build.output
    prog = _program_path(stage)
    if build.toolchain == "go" and out and not out.endswith("/bin"):
        return out, ""
    if build.toolchain == "gcc" and out:
        return out, ""
    if prog and out and (prog == out or prog.startswith(out.rstrip("/") + "/")):
        return (out if build.toolchain == "dotnet" else prog), ""
    if prog and build.toolchain == "go" and out is None and posixpath.dirname(prog) == build.workdir:
        return prog, ""
    if prog and build.toolchain in ("maven", "gradle") and prog.endswith(".jar"):
        return prog, ""
    if build.toolchain == "dotnet" and out:
        return out, ""
    return None, "dockerlint could not tell which file the build produces; name it with `-o` or run it by path in CMD"


def multistage_rewrite(model, stage, build):
    """((new Dockerfile text, runtime base), None) or (None, why not)."""
    if len(model.stages) != 1 or stage.parent is not None or build.run.instruction.json:
        return None, "the Dockerfile has more than one stage"
    info = knowledge.toolchain(build.toolchain)
    if info is None or not info.runtime_base:
        return None, None
    path, why = artifact(model, stage, build)
    if path is None:
        return None, why
    img = stage.root_image
    base = info.runtime_base_musl if img is not None and img.libc == "musl" and info.runtime_base_musl else info.runtime_base
    parsed = model.parsed
    lines = list(parsed.lines)
    nl = parsed.newline
    from_ins = stage.from_instruction
    # 1. the build stage: name it, make Go static, drop what moves to the final stage
    edits: list[tuple[int, int, list[str]]] = []  # (first line, last line, replacement lines), 1-based inclusive
    name = stage.name or "build"
    if stage.name is None:
        fl = from_ins.span.line
        edits.append((fl, fl, [lines[fl - 1].rstrip() + " AS build"]))
    if build.toolchain == "go" and not any(n == "CGO_ENABLED" for n, _ in build.command.assignments):
        sh = build.command.shell
        w = next((w for w in sh.argv if w.text == build.command.argv[0]), None) if sh else None
        if w is None:
            return None, "the go command could not be located for CGO_ENABLED=0"
        ln = w.span.line
        text = lines[ln - 1]
        edits.append((ln, ln, [text[: w.span.column - 1] + "CGO_ENABLED=0 " + text[w.span.column - 1:]]))
    moved: list[str] = []
    env_lines: list[str] = []
    for ins in stage.instructions:
        if ins.keyword in RUNTIME_KEYWORDS:
            block = lines[ins.start_line - 1: ins.end_line]
            moved.extend(block)
            edits.append((ins.start_line, ins.end_line, []))
        elif ins.keyword == "ENV" and ins.pairs and not any(_TOOLCHAIN_ENV.match(k.text) for k, _ in ins.pairs):
            env_lines.extend(lines[ins.start_line - 1: ins.end_line])
    edits.sort()
    for a, b, repl in reversed(edits):
        lines[a - 1: b] = repl
    while lines and not lines[-1].strip():
        lines.pop()
    # 2. the final stage
    final = ["", f"FROM {base}"]
    if stage.workdir:
        final.append(f"WORKDIR {stage.workdir}")
    final.extend(env_lines)
    dest = "." if stage.workdir and posixpath.dirname(path) == stage.workdir else path
    if build.toolchain == "dotnet":
        dest = "."
    final.append(f"COPY --from={name} {path} {dest}")
    final.extend(moved)
    text = nl.join(lines + final) + nl
    if parsed.bom:
        text = "\ufeff" + text
    return (text, base), None
