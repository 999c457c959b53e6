"""DKL103 cgo-binary-without-libc: a cgo-linked Go binary copied where its C library is missing."""

from __future__ import annotations

import fnmatch
import posixpath

from ..builds import LIBC_COMPAT_PACKAGES, builds, cgo_state, installed
from ..expand import expand
from ..findings import Edit, Fix, Hit
from ..spans import Span

LIBC_NAMES = {"glibc": "glibc", "musl": "musl libc"}


def _copied(src: str, build, stage_workdir: str) -> bool:
    """Whether a COPY --from source path takes the build's binary."""
    src_abs = posixpath.normpath(posixpath.join(stage_workdir or "/", src))
    out = build.output
    if out is None:
        return False
    if src_abs in ("/", out) or out.startswith(src_abs.rstrip("/") + "/"):
        return True  # the file itself or a directory holding it
    if any(ch in src_abs for ch in "*?[") and (fnmatch.fnmatchcase(out, src_abs)
                                               or fnmatch.fnmatchcase(posixpath.dirname(out), src_abs)):
        return True
    # only the directory is known (`go install` of `.`, `go build` without -o): a file in it
    return build.output_is_dir and posixpath.dirname(src_abs) == out and "." not in posixpath.basename(src_abs)


def _libc(stage):
    img = stage.root_image
    return img.libc if img is not None else None


def check(model):
    for stage in model.shipped:
        for ins, src_stage, _ref in stage.copies:
            if src_stage is None or ins.json and len(ins.args) < 2 or len(ins.args) < 2:
                continue
            target_libc = _libc(stage)
            if target_libc is None:
                continue
            go_builds = [b for b in builds(src_stage) if b.toolchain == "go"]
            if not go_builds:
                continue
            sources = [expand(a.text, {}, model.escape)[0] for a in ins.args[:-1]]
            wd = src_stage.workdir or "/"
            for b in go_builds:
                if not any(_copied(s, b, wd) for s in sources):
                    continue
                on, why = cgo_state(b, src_stage)
                if not on:
                    continue
                builder_libc = _libc(src_stage) or "glibc"
                if target_libc == "none":
                    lacks = f"`{stage.base}`, which has no C library"
                elif target_libc != builder_libc and target_libc in LIBC_NAMES:
                    if target_libc == "musl" and installed(stage) & LIBC_COMPAT_PACKAGES:
                        continue
                    lacks = (f"`{stage.base}`, which has {LIBC_NAMES[target_libc]} instead of the "
                             f"{LIBC_NAMES.get(builder_libc, builder_libc)} it was linked against")
                else:
                    continue
                cmd_text = " ".join(b.command.argv[:2])
                where = f"stage `{src_stage.label}`" if src_stage.name else f"stage {src_stage.index}"
                msg = (f"`{cmd_text}` in {where} builds with cgo enabled ({why}) and its binary is copied "
                       f"into {lacks}: if it links the C library dynamically, as it does when it uses `net`, "
                       "`os/user` or C code, the container fails to start with "
                       "`exec …: no such file or directory`")
                yield Hit(ins.span, msg, _fix(b),
                          "build with CGO_ENABLED=0 (or link statically) or use a final image with the "
                          "builder's C library")
                break


def _fix(build) -> Fix | None:
    """Put CGO_ENABLED=0 in front of the go command, where the RUN is shell text we can edit."""
    c = build.command
    sh = c.shell
    if sh is None or any(n == "CGO_ENABLED" for n, _ in c.assignments) or "CGO_ENABLED" in build.run.env:
        return None
    go_word = next((w for w in sh.argv if w.text == c.argv[0]), None)
    if go_word is None or build.run.instruction.heredocs and go_word.span.line <= build.run.instruction.span.line:
        return None
    at = go_word.span
    return Fix("Build with `CGO_ENABLED=0`", "unsafe", (Edit(Span(at.line, at.column, at.line, at.column), "CGO_ENABLED=0 "),))
