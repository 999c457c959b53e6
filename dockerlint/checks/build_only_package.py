"""DKL102 build-only-package-in-final-stage: compilers, headers, build tools and downloaders left in the image."""

from __future__ import annotations

from .. import knowledge
from ..builds import builds
from ..findings import Hit
from ..runtime import runs_unseen_script
from ..packages import base_name
from .single_stage_build import fed_by_another_stage, shipped_toolchain, used_at_runtime

# Downloaders and VCS tools are only build-only when the build itself uses them to fetch.
_USE_NEEDED = {"downloader", "vcs"}
_GENERAL_TOOLS = {"patch"}
_VCS_PROGRAMS = {"git": "git", "mercurial": "hg", "subversion": "svn"}


def _used_in_build(stage, program: str) -> bool:
    for run in stage.all_runs():
        for c in run.commands:
            if c.name == program:
                return True
    return False


def _dkl101_toolchains(model, final) -> set[str]:
    """Toolchains DKL101 reports for this stage, so their packages are not reported twice."""
    if fed_by_another_stage(final) or final.purpose != "application":
        return set()
    out = set()
    for b in builds(final):
        if shipped_toolchain(final, b.toolchain) and not used_at_runtime(final, b.toolchain):
            out.add(b.toolchain)
            if b.toolchain in ("make", "cmake"):
                out.add("gcc")
    return out


def check(model):
    final = model.final
    if final is None or final.purpose != "application":
        return
    runtime = final.runtime_programs
    skip_tc = _dkl101_toolchains(model, final)
    unseen = runs_unseen_script(final)
    runs = final.all_runs()
    removed_by_run = {id(r): {base_name(p) for o in r.package_ops if o.action == "remove" for p in o.packages}
                      for r in runs}
    for run in runs:
        per_op: dict[int, list[tuple[str, str]]] = {}
        ops = {}
        for op, pkg in run.kept_packages:
            name = base_name(pkg)
            info = knowledge.build_only_package(op.manager, name)
            # A JDK is also the Java runtime the application needs: "use a JRE" is not
            # "remove a build-only package", so it is not reported here.
            if info is None or info.toolchain in skip_tc or info.toolchain == "jdk":
                continue
            program = _VCS_PROGRAMS.get(name, name)
            if program in runtime or name in runtime:
                continue
            if info.category in _USE_NEEDED or name in _GENERAL_TOOLS:
                # they have run-time uses too: only report what the build visibly uses
                # and no script we cannot read might use at run time
                if unseen or not _used_in_build(final, program):
                    continue
            per_op.setdefault(op.command_index, []).append((name, info.category))
            ops[op.command_index] = op
        by_index = {c.index: c for c in run.commands} if per_op else {}
        for index, pkgs in per_op.items():
            op = ops[index]
            cmd = by_index[index]
            names = ", ".join(f"`{n}`" for n, _ in pkgs)
            kinds = sorted({_KIND[c] for _, c in pkgs})
            names_here = {n for n, _ in pkgs}
            removed_later = any(removed_by_run[id(r)] & names_here for r in runs if r is not run)
            later = " (removing it in a later RUN does not shrink the image)" if removed_later else ""
            yield Hit(
                cmd.span,
                f"{names} ({', '.join(kinds)}) {'is' if len(pkgs) == 1 else 'are'} only needed to build, "
                f"but {'stays' if len(pkgs) == 1 else 'stay'} in the final image{later}",
                None,
                _suggestion(op),
            )


_KIND = {"compiler": "compiler", "headers": "development headers", "build-tool": "build tool",
         "downloader": "downloader used at build time", "vcs": "version control used at build time",
         "toolchain": "toolchain"}


def _suggestion(op) -> str:
    if op.manager == "apk":
        return ("install them as a virtual package and delete it in the same RUN "
                "(`apk add --virtual .build-deps … && … && apk del .build-deps`), or build in a separate stage")
    if op.manager == "apt":
        return ("purge them in the same RUN once the build is done (`apt-get purge -y --auto-remove …`), "
                "or build in a separate stage and copy only the result")
    return "remove them in the same RUN once the build is done, or build in a separate stage"
