"""DKL102 build-only-package-in-final-stage: compilers, headers, build tools and downloaders left in the image."""

from __future__ import annotations

import re

from .. import knowledge
from ..builds import builds
from ..findings import Fix, Hit
from ..lazyre import LazyRe
from ..runtime import COMPILES_AT_START, runs_unseen_script
from ..packages import base_name
from ..layers import base_ships
from .single_stage_build import fed_by_another_stage, shipped_toolchain, used_at_runtime

# Downloaders and VCS tools are only build-only when the build itself uses them to fetch.
_USE_NEEDED = {"downloader", "vcs"}
_GENERAL_TOOLS = {"patch"}
_VCS_PROGRAMS = {"git": "git", "mercurial": "hg", "subversion": "svn"}
# Tools a full language image (buildpack-deps) has and its -slim variant lacks.
_FULL_IMAGE_TOOLS = frozenset({"git", "curl", "wget", "ssh", "scp", "rsync", "make", "gcc", "g++", "cc", "hg", "svn",
                               "patch", "unzip", "bzip2", "xz", "gpg", "openssl"})



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
        found = shipped_toolchain(final, b.toolchain)
        if found is not None and not used_at_runtime(final, b.toolchain):
            out.update((found[1], b.toolchain))  # the compiler, and make/cmake that drove it
    return out


def check(model):
    final = model.final
    if final is None or final.purpose != "application":
        return
    runtime = final.runtime_programs
    skip_tc = _dkl101_toolchains(model, final)
    base_hit = _base_hit(model, final, skip_tc)
    if base_hit is not None:
        yield base_hit
    unseen = runs_unseen_script(final)
    runs = final.all_runs()
    # where each package is removed again (a later RUN: too late to shrink the image)
    removed_at: dict[str, int] = {}
    for r in runs:
        for o in r.package_ops:
            if o.action == "remove":
                for p in o.packages:
                    removed_at.setdefault(base_name(p), r.instruction.span.line)
    reported: set[tuple[str, str]] = set()  # (manager, package): one fact, one finding
    img = final.root_image
    base_tc = img.toolchains if img is not None else frozenset()
    from ..runtime import keeps_toolchain_for_derived_builds

    from ..builds import compiles_anything

    compiles = compiles_anything(final)
    kept_for_derived: set[str] = set()
    if keeps_toolchain_for_derived_builds(final):
        skip_tc = set(skip_tc) | {"gcc", "make", "cmake"}
        # the official php images keep $PHPIZE_DEPS on purpose for docker-php-ext-install; a copy
        # of their Dockerfile that lists the packages without the ENV keeps them for the same
        # reason (seed-10 review, jowo/docker-php-5.3: autoconf, re2c, pkg-config reported)
        for s in final.lineage:
            kept_for_derived.update((s.env.get("PHPIZE_DEPS") or "").split())
        from ..layers import _layer_packages

        kept_for_derived.update(_layer_packages("php"))
    notes = {c.span.line: c.text.lower() for c in model.parsed.comments}
    required: frozenset[str] | None = None  # computed on the first apt candidate: it loads the Debian data
    for run in runs:
        found: list[tuple[object, int, str, str]] = []  # (op, k, name, category)
        ins = run.instruction
        said = [notes[n] for n in range(ins.start_line - 3, ins.end_line + 1) if n in notes]
        # kept packages grouped by op once: a heredoc RUN can hold thousands of installs
        kept_by_op: dict[int, set[str]] = {}
        for o, p in run.kept_packages:
            kept_by_op.setdefault(id(o), set()).add(p)
        for op in run.package_ops:
            if op.action != "install":
                continue
            kept = kept_by_op.get(id(op), ())
            for k, pkg in enumerate(op.packages):
                if pkg not in kept:
                    continue
                name = base_name(pkg)
                info = knowledge.build_only_package(op.manager, name)
                # A JDK is also the Java runtime the application needs: "use a JRE" is not
                # "remove a build-only package", so it is not reported here.
                if info is None or info.toolchain in skip_tc or info.toolchain == "jdk":
                    continue
                if info.toolchain and info.toolchain in base_tc:
                    continue  # the base image ships it anyway: removing this install frees nothing
                if base_hit is None and op.manager == "apt" and base_ships(img, "apt", name) is not None:
                    # the same: wget on java:9-jre (buildpack-deps' curl layer: fix review,
                    # blynk-server-docker). Under a FROM finding (a full python image) the install
                    # stays reported: once the fix moves FROM to the slim image, it is what remains
                    continue
                if (op.manager, name) in reported or name in kept_for_derived:
                    continue
                if said and any(_explained(c, name) for c in said):
                    continue  # "# wget is used for uploading crash dumps": the author says why it stays
                program = _VCS_PROGRAMS.get(name, name)
                if program in runtime or name in runtime:
                    continue
                if op.manager == "apt":
                    if required is None:
                        from ..needs import required_by_installed

                        required = required_by_installed(final)
                    if name in required:
                        continue  # another installed package depends on it (varnish -> gcc)
                if info.category in _USE_NEEDED or name in _GENERAL_TOOLS:
                    # they have run-time uses too: only report what the build visibly uses
                    # and no script we cannot read might use at run time
                    if unseen or not _used_in_build(final, program):
                        continue
                reported.add((op.manager, name))
                found.append((op, k, name, info.category))
        if not found:
            continue
        names = [n for _, _, n, _ in found]
        kinds = sorted({_KIND[c] for *_x, c in found})
        one = len(found) == 1
        listed = ", ".join(f"`{n}`" for n in names)
        later = [n for n in names if removed_at.get(n, 0) > run.instruction.span.line]
        note = ""
        if later:
            lines = sorted({removed_at[n] for n in later})
            which = ", ".join(f"`{n}`" for n in later)
            note = (f"; {which} {'is' if len(later) == 1 else 'are'} removed at line"
                    f"{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}, a layer later, "
                    "which does not shrink the image")
        spans = [run.word_span(op, k) for op, k, _n, _c in found]
        fix, why = _package_fix(model, final, run, [(op, k, n) for op, k, n, _c in found])
        help_ = _suggestion(found[0][0], one, any(c == "headers" for *_x, c in found))
        headers = [n for _o, _k, n, c in found if c == "headers"]
        if headers and not compiles:
            # nothing compiles: the -dev package is there for the run-time library it pulls in
            # (a downloaded binary links it); purging it would remove that library too
            from ..needs import runtime_libraries_of

            libs, _unknown = runtime_libraries_of(found[0][0].manager, headers,
                                                  getattr(final.root_image, "release", None))
            help_ = ("nothing in this image compiles: install the run-time "
                     f"librar{'y' if len(headers) == 1 else 'ies'} instead of "
                     f"{', '.join(f'`{n}`' for n in headers)}" + (f" ({', '.join(f'`{x}`' for x in libs)})" if libs else "")
                     + ("; " + help_ if len(headers) < len(found) else ""))
        if fix is None and why:
            help_ += f"; no automatic fix: {why}"
        yield Hit(
            spans[0],
            f"{listed} ({', '.join(kinds)}) {'is' if one else 'are'} only needed to build, "
            f"but {'stays' if one else 'stay'} in the final image{note}",
            fix,
            None if fix else help_,
            related=tuple(spans[1:]),
        )


_KIND = {"compiler": "compiler", "headers": "development headers", "build-tool": "build tool",
         "downloader": "downloader used at build time", "vcs": "version control used at build time",
         "toolchain": "toolchain"}


def _suggestion(op, one: bool, headers: bool = False) -> str:
    it = "it" if one else "them"
    # --auto-remove / apk del also remove the run-time libraries the -dev packages pulled in, which
    # the built program links (seed-8 review): say to keep them
    if op.manager == "apk":
        keep = (", installing the run-time libraries the build links (`so:` names) outside it"
                if headers else "")
        return (f"install {it} as a virtual package and delete that in the same RUN "
                f"(`apk add --virtual .build-deps … && … && apk del .build-deps`){keep}, or build in a separate stage")
    if op.manager == "apt":
        keep = (" after marking the run-time libraries the build links as manually installed "
                "(`apt-mark manual …`) so that --auto-remove keeps them" if headers else "")
        return (f"purge {it} in the same RUN once the build is done (`apt-get purge -y --auto-remove …`){keep}, "
                "or build in a separate stage and copy only the result")
    return f"remove {it} in the same RUN once the build is done, or build in a separate stage"


def _package_fix(model, final, run, found):
    """A same-RUN removal when the packages serve only that RUN; else the multi-stage rewrite of
    an interpreted app; else (None, why)."""
    from ..purges import same_run_purge
    from ..rewrite import interpreted_rewrite

    fix, why = same_run_purge(model, final, run, found)
    if fix is not None:
        return fix, None
    img = final.root_image
    if img is not None and img.kind == "language":
        rewritten, why2 = interpreted_rewrite(model, final)
        if rewritten is not None:
            return _rewrite_fix(rewritten), None
        # the same-RUN obstacle first: "no slim variant of php" alone hid it (seed-8 review)
        return None, f"{why}; nor a multi-stage rewrite: {why2}" if why else why2
    return None, why


def _rewrite_fix(rewritten) -> Fix:
    title = f"Rewrite as a multi-stage build: build here, run on `{rewritten.base}`"
    if rewritten.notes:
        title += " (" + "; ".join(rewritten.notes) + ")"
    return Fix(title, "unsafe", rewrite=rewritten.text)


def _base_hit(model, final, skip_tc) -> Hit | None:
    """The compilers and headers a full language image (python:3.12, node:20 …) brings, when the
    image is an application: reported at the FROM image word, fixed by the slim variant when no
    RUN compiles, else by the multi-stage rewrite."""
    root = final.lineage[0]
    img = root.image
    if img is None or img.kind != "language" or not img.build_only_mb:
        return None
    if img.toolchains & skip_tc:
        return None
    # the app runs a tool the full image has and the slim one does not (CMD git pull …)
    installed = {n for _m, n in _kept(final)}
    if (final.runtime_programs & _FULL_IMAGE_TOOLS) - installed:
        return None
    if final.runtime_programs & COMPILES_AT_START:
        return None  # `CMD mix phoenix.server` compiles the project when it starts
    slim = knowledge.runtime_image(img.ref)
    stale = knowledge.stale_release(img.ref) if slim is None else None
    if (slim is None and stale is None) or (slim is not None and slim.ref == img.ref):
        return None
    from ..rewrite import compiles_anything, interpreted_rewrite, slim_from_edit

    word = root.from_instruction.args[0]
    compiles = compiles_anything(final)
    # the figure was measured for the bookworm-based tags; older tags carry other amounts
    size = f" (about {img.build_only_mb} MB)" if img.release == "bookworm" else ""
    slim_name = f"`{slim.ref}`" if slim is not None else "its -slim variant"
    msg = f"`{img.ref}` carries compilers, -dev headers and version-control tools{size} that {slim_name} does not"
    msg += (": the build may need them, but the image it ships does not" if compiles
            else ", and nothing in this image uses them")
    fix, help_ = None, None
    if slim is None:
        # `python:stretch`: the tag meant the latest version on stretch back then; no tag pairs
        # today's version with stretch, so no image can be named for the user
        help_ = (f"pin a version built on {stale} (`{img.name}:X.Y-{stale}`) and "
                 f"{'build on it and run on' if compiles else 'use'} its -slim variant; no automatic fix: "
                 f"`{img.ref}` names the release {stale} but no version, and the version {img.name}'s tags "
                 f"float to today is not built on {stale}")
    elif not compiles:
        got, why = slim_from_edit(model, final)
        if got is not None:
            edit, title = got
            fix = Fix(title, "unsafe", (edit,))
        else:
            help_ = f"use `{slim.ref}`; no automatic fix: {why}"
    else:
        rewritten, why = interpreted_rewrite(model, final)
        if rewritten is not None:
            fix = _rewrite_fix(rewritten)
        else:
            help_ = (f"build in a stage on `{img.ref}` and run on `{slim.ref}`, copying the installed "
                     f"dependencies; no automatic rewrite: {why}")
    return Hit(word.span, msg, fix, help_)


_NEED_WORDS = LazyRe(r"\b(?:used|uses|needed|needs|need|required|requires|runtime|run time|at run)\b")


def _explained(comment: str, name: str) -> bool:
    """Whether a comment at the install names the package and says it is needed or used."""
    return re.search(rf"(?<![\w-]){re.escape(name.lower())}(?![\w-])", comment) is not None and \
        _NEED_WORDS.search(comment) is not None


def _kept(stage):
    from ..needs import kept_packages

    return kept_packages(stage)
