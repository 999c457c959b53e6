"""DKL101 single-stage-build: the image compiles in its only stage and ships the toolchain."""

from __future__ import annotations

from .. import knowledge
from ..builds import builds
from ..findings import Fix, Hit
from ..packages import base_name

# Which programs mean the toolchain itself is used at run time.
_PROGRAMS = {
    "go": {"go", "dlv", "air", "gopls"}, "rust": {"cargo", "rustc"}, "gcc": {"gcc", "cc", "g++", "c++", "clang", "make"},
    "make": {"make"}, "cmake": {"cmake", "make"}, "maven": {"mvn", "mvnw"}, "gradle": {"gradle", "gradlew"},
    "jdk": {"javac", "jshell"}, "dotnet": set(),
}
# Toolchains that come along with another one (make and cmake build with the C toolchain).
_PROVIDED_BY = {"make": {"make", "gcc"}, "cmake": {"cmake", "gcc"}, "gcc": {"gcc"}}


def shipped_toolchain(stage, tc: str):
    """Where the toolchain that `tc` builds with comes from in the stage's image, or None."""
    wanted = _PROVIDED_BY.get(tc, {tc})
    img = stage.root_image
    # Only a toolchain image's toolchain counts: language and devenv images (python, node,
    # buildpack-deps) keep their compilers on purpose, for native extensions.
    if img is not None and img.kind == "toolchain" and img.toolchains & wanted:
        return f"the base image `{img.ref}`", None
    for run in stage.all_runs():
        for op, pkg in run.kept_packages:
            info = knowledge.build_only_package(op.manager, base_name(pkg))
            if info is not None and (info.toolchain in wanted or tc in ("make", "cmake") and base_name(pkg) in wanted):
                return f"package `{base_name(pkg)}` installed at line {op_line(run, op)}", (run, op, pkg)
    return None


def op_line(run, op) -> int:
    for c in run.commands:
        if c.index == op.command_index:
            return c.span.line
    return run.instruction.span.line


def used_at_runtime(stage, tc: str) -> bool:
    words = stage.runtime_programs
    if tc == "dotnet":
        from ..runtime import programs, runtime_commands

        return any(w and w[0].rsplit("/", 1)[-1] == "dotnet" and w[1:2] and w[1] in ("run", "watch", "test", "build")
                   for c in runtime_commands(stage) for w in programs(c))
    return bool(words & _PROGRAMS.get(tc, {tc}))


def fed_by_another_stage(stage) -> bool:
    return any(src is not None for s in stage.lineage for _i, src, _r in s.copies + s.mount_sources)


def check(model):
    final = model.final
    if final is None or fed_by_another_stage(final) or final.purpose != "application":
        return
    for b in builds(final):
        found = shipped_toolchain(final, b.toolchain)
        if found is None or used_at_runtime(final, b.toolchain):
            continue
        source, _pkg = found
        info = knowledge.toolchain(b.toolchain)
        label = info.label if info else f"the {b.toolchain} toolchain"
        size = f" (~{info.approx_size_mb} MB)" if info and info.approx_size_mb else ""
        cmd = " ".join(b.command.argv[:2])
        fix = None
        suggestion = (f"split the Dockerfile: build in a stage (`FROM … AS build`) and `COPY --from=build` only the "
                      f"artifact into a runtime image such as `{info.runtime_base}`" if info and info.runtime_base
                      else "split the Dockerfile into a build stage and a runtime stage that copies only the artifact")
        from ..rewrite import multistage_rewrite

        rewritten, why_not = multistage_rewrite(model, final, b)
        if rewritten is not None:
            fix = Fix(f"Rewrite as a multi-stage build on `{rewritten[1]}`", "unsafe", rewrite=rewritten[0])
        elif why_not:
            suggestion += f" ({why_not})"
        yield Hit(
            b.command.span,
            f"`{cmd}` compiles the application in the image's only stage, so {label}{size} from {source} "
            f"ships in the final image; build in a separate stage and copy only the artifact",
            fix, suggestion,
        )
        return
