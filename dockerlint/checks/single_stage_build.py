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
# The toolchains whose presence in the image means a build's toolchain ships: make and
# CMake drive the C compiler (make alone is a 1 MB build tool, DKL102's); the Maven and
# Gradle wrappers download the build tool and compile with the image's JDK.
_SHIPS = {"make": ("gcc",), "cmake": ("gcc",), "gcc": ("gcc",), "maven": ("maven", "jdk"),
          "gradle": ("gradle", "jdk")}


def shipped_toolchain(stage, tc: str):
    """Where the toolchain that `tc` builds with comes from in the stage's image, or None.

    Returns (description, toolchain name that ships, (run, op, package) or None).
    """
    wanted = _SHIPS.get(tc, (tc,))
    img = stage.root_image
    # Only a toolchain image's toolchain counts: language and devenv images (python, node,
    # buildpack-deps) keep their compilers on purpose, for native extensions.
    if img is not None and img.kind == "toolchain":
        for w in wanted:
            if w in img.toolchains:
                return f"the base image `{img.ref}`", w, None
    if img is not None and img.kind != "toolchain" and set(wanted) & img.toolchains:
        # The base already ships it (php keeps its phpize compilers): installing it again adds
        # nothing, and unless a variant without it exists a multi-stage build ships it as well.
        rt = knowledge.runtime_image(img.ref)
        if rt is None or rt.ref == img.ref:
            return None
    for run in stage.all_runs():
        for op, pkg in run.kept_packages:
            info = knowledge.build_only_package(op.manager, base_name(pkg))
            if info is not None and info.toolchain in wanted:
                return (f"package `{base_name(pkg)}` installed at line {op_line(run, op)}", info.toolchain,
                        (run, op, pkg))
    return None


def op_line(run, op) -> int:
    return run.command(op.command_index).span.line


def used_at_runtime(stage, tc: str) -> bool:
    words = stage.runtime_programs
    if tc == "dotnet":
        from ..runtime import programs, runtime_commands

        return any(w and w[0].rsplit("/", 1)[-1] == "dotnet" and w[1:2] and w[1] in ("run", "watch", "test", "build")
                   for c in runtime_commands(stage) for w in programs(c))
    return bool(words & _PROGRAMS.get(tc, {tc}))


def fed_by_another_stage(stage) -> bool:
    return any(src is not None for s in stage.lineage for _i, src, _r in s.copies + s.mount_sources)


def _removed_later(stage, found) -> str:
    """A note when the shipping package is removed again in a later RUN (too late)."""
    if found is None:
        return ""
    run, _op, pkg = found
    name = base_name(pkg)
    runs = stage.all_runs()
    for r in runs[runs.index(run) + 1:]:
        for o in r.package_ops:
            if o.action == "remove" and name in {base_name(p) for p in o.packages}:
                return f" (removing it at line {r.instruction.span.line}, a layer later, does not shrink the image)"
    return ""


def _candidates(final):
    """Builds whose toolchain ships, the one CMD/ENTRYPOINT runs the output of first."""
    out = []
    for b in builds(final):
        found = shipped_toolchain(final, b.toolchain)
        if found is None or used_at_runtime(final, b.toolchain):
            continue
        from ..rewrite import artifact  # a large module: only for files that build something

        path, _why = artifact(None, final, b)
        out.append((path is not None, len(out), b, found))
    out.sort(key=lambda t: (not t[0], -t[1]))
    return [(b, found) for _k, _i, b, found in out]


def check(model):
    final = model.final
    if final is None or fed_by_another_stage(final) or final.purpose != "application":
        return
    from ..runtime import keeps_toolchain_for_derived_builds

    if keeps_toolchain_for_derived_builds(final):
        return
    cands = _candidates(final)
    if not cands:
        return
    b, (source, tc_shipped, pkg) = cands[0]
    info = knowledge.toolchain(tc_shipped)
    label = info.label if info else f"the {tc_shipped} toolchain"
    if tc_shipped == "gcc":
        name = base_name(pkg[2]) if pkg is not None else ""
        label = "the clang C/C++ compiler" if name.startswith("clang") else "the gcc/g++ C/C++ compiler"
    size = _size(final, pkg)
    cmd = knowledge.build_label(list(b.command.argv)) or " ".join(b.command.argv[:2])
    fix = None
    runtime_base = _runtime_base(final, b)
    suggestion = (f"split the Dockerfile: build in a stage (`FROM … AS build`) and `COPY --from=build` only the "
                  f"artifact into a runtime image such as `{runtime_base}`" if runtime_base
                  else "split the Dockerfile into a build stage and a runtime stage that copies only the artifact")
    from ..rewrite import multistage_rewrite

    rewritten, why_not = multistage_rewrite(model, final, b)
    if rewritten is not None:
        title = f"Rewrite as a multi-stage build on `{rewritten.base}`"
        if rewritten.notes:
            title += " (" + "; ".join(rewritten.notes) + ")"
        fix = Fix(title, "unsafe", rewrite=rewritten.text)
    elif why_not:
        suggestion += f"; no automatic rewrite: {why_not}"
    yield Hit(
        b.command.span,
        f"`{cmd}` compiles the application in the image's only stage, so {label} from {source}{size} "
        f"ships in the final image{_removed_later(final, pkg)}; build in a separate stage and copy only the "
        "artifact",
        fix, suggestion,
    )


def _size(stage, found) -> str:
    """How much the shipped toolchain weighs, from data: the Debian archive's Installed-Size of the
    package with what it pulls in (rules/knowledge/debian.json), or what the toolchain image
    carries beyond its runtime image (images.toml build_only_mb); "" when no figure is known."""
    if found is not None:
        run, op, pkg = found
        if op.manager == "apt":
            from .. import debian

            img = stage.root_image
            release = debian.release_of(img.release) if img is not None and img.release else None
            # a release the data lacks would get bookworm's figure: wrong for wheezy or xenial
            # (seed-8 review: 45 of 54 sized findings were on other releases), so no figure
            deb = debian.package(base_name(pkg), release) if release else None
            if deb is not None and deb.closure_mb and deb.release == release:
                mb = deb.closure_with_recommends_mb if not op.has_option("--no-install-recommends") and \
                    deb.closure_with_recommends_mb else deb.closure_mb
                return f" (about {round(mb)} MB installed with its dependencies, {debian.release_name(deb.release)})"
        return ""
    img = stage.root_image
    if img is not None and img.build_only_mb and img.release == "bookworm":
        # measured for the bookworm-based tags (images.toml); golang:1.8 on stretch carries other amounts
        return (f" (the image carries about {img.build_only_mb} MB of compilers, headers and version-control "
                "tools that a runtime image does not need)")
    return ""


def _runtime_base(stage, build) -> str | None:
    """The runtime base the rewrite would use (matching the toolchain image, version and libc)."""
    from ..rewrite import _cgo_on, _runtime_base as base

    ref, _notes, _why = base(stage, build, _cgo_on(stage, build))
    return ref
