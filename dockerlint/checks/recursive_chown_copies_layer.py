"""DKL105 recursive-chown-copies-layer: `chown -R`/`chmod -R` in a later RUN writes every copied file again."""

from __future__ import annotations

import re

from ..findings import Edit, Fix, Hit
from ..lazyre import LazyRe
from ..spans import Span

_OCTAL = LazyRe(r"^0?[0-7]{3}$")
# `chmod -R a+r`, `+rX`: files a COPY or a clone brings are readable already, so nothing changes
_READ_ONLY = LazyRe(r"^[ugoa]*\+[rX]+$")
_ROOT = frozenset({"root", "0", "root:root", "0:0", "root:0", "0:root"})
# Folders a base image already fills (or that hold the user's home skeleton): `chown -R` there also
# owns files no COPY brought, which `COPY --chown` would not.
_SYSTEM = ("/usr", "/etc", "/var/lib", "/var/log", "/var/cache", "/var/spool", "/lib", "/lib64", "/bin",
           "/sbin", "/boot", "/proc", "/sys", "/dev", "/run", "/root")


def _recursive(argv) -> tuple[bool, list[tuple[int, str]], list[int]]:
    """(has -R, operands as (index, word), indices of the words that make it recursive)."""
    rec_words = []
    operands = []
    done = False
    for i, w in enumerate(argv[1:], 1):
        if not done and w == "--":
            done = True
            continue
        if not done and w.startswith("--"):
            if w == "--recursive":
                rec_words.append(i)
            continue
        if not done and w.startswith("-") and len(w) > 1 and re.fullmatch(r"-[RcfvhHLP]+", w):
            if "R" in w:
                rec_words.append(i)
            continue
        operands.append((i, w))
    return bool(rec_words), operands, rec_words


def _what(a) -> str:
    if a.how == "download":
        return f"the ADD at line {a.line}" if a.run is None else f"a download in the RUN at line {a.line}"
    if a.how == "git clone":
        return f"the `git clone` in the RUN at line {a.line}"
    if a.how == "install":
        return f"the install in the RUN at line {a.line}"
    return f"the {a.how} at line {a.line}"


def check(model):
    from ..layers import Added, LiveTree, additions, cwd_installs, cwd_of, removal_words, workdirs

    final = model.final
    if final is None:
        return
    adds = list(additions(final))
    wds = workdirs(final)
    runs = final.all_runs()
    for run in runs:
        wd = wds.get(id(run.instruction), "/")
        for idx, folder in cwd_installs(run, wd):
            adds.append(Added(folder, "install", run.instruction, run, idx, contents=True))
    adds.sort(key=lambda a: a.line)
    # What is present as the walk goes (`live`), and per (program, owner or mode) what an earlier
    # `chown -R`/`chmod -R` to that value has not covered yet: an earlier `chown -R app` over these
    # files made them app's already, so a second one is not this rule's finding. Each addition
    # leaves a tree when a RUN deletes it or the command of that tree covers it: linear in the file.
    live = LiveTree()
    by_value: dict[tuple[str, str], LiveTree] = {}
    passed = 0
    for run in runs:
        line = run.instruction.start_line
        while passed < len(adds) and adds[passed].line < line:
            live.add(passed, adds[passed])
            for tree in by_value.values():
                tree.add(passed, adds[passed])
            passed += 1
        wd = wds.get(id(run.instruction), "/")
        if run.shell_kind == "posix":
            yield from _run_hits(model, run, line, wd, wds, live, by_value)
        for c in run.commands:
            if c.name in ("rm", "unlink", "mv"):
                for _i, t in removal_words(c, cwd_of(run, c.index, wd)) or ():
                    for seq, _a in live.covered(t):
                        live.remove(seq)
                        for tree in by_value.values():
                            tree.remove(seq)


def _run_hits(model, run, line, wd, wds, live, by_value):
    from ..layers import LiveTree, cwd_of, is_static, norm

    # folders an earlier `chown -R`/`chmod -R` of this RUN rewrote already: a second one over
    # the same files writes them into the same layer, it adds no copy (one fact, one finding)
    rewritten = _Owned()  # keyed ("", "", folder), by command index
    for c in run.commands:
        if c.name not in ("chown", "chmod") or c.in_substitution or not c.argv:
            continue
        rec, operands, rec_words = _recursive(c.argv)
        if not rec or len(operands) < 2 or any(w.startswith("--reference") for w in c.argv):
            continue
        spec = operands[0][1]
        if not is_static(spec):
            spec = None
        if c.name == "chmod" and spec is not None and _READ_ONLY.match(spec):
            continue
        cwd = cwd_of(run, c.index, wd)
        paths = [(i, w) for i, w in operands[1:]]
        if any(not is_static(w) for _i, w in paths):
            continue
        tree = live
        if spec is not None:
            tree = by_value.get((c.name, spec))
            if tree is None:
                tree = by_value[(c.name, spec)] = LiveTree()
                for seq, a in live.covered("/"):
                    tree.add(seq, a)
        found = []  # (argv index, target, [Added])
        targets = [(i, norm(w, cwd)) for i, w in paths]
        for i, target in targets:
            if target is None:
                continue
            covered = tree.covered(target)
            if spec is not None:
                for seq, _a in covered:
                    tree.remove(seq)  # set to `spec` from here on
            if run.is_cached(target):
                continue
            hit = [a for _seq, a in covered if not rewritten.covers("", "", a.path, -1, c.index)]
            if c.name == "chown" and spec is not None and spec in _ROOT:
                # files COPY/ADD bring are root's already: nothing changes for them
                hit = [a for a in hit if a.how not in ("COPY", "ADD", "download") or a.instruction.flag("chown")]
            if c.name == "chown" and spec is not None:
                hit = [a for a in hit if not _already_owned(a, spec)]
            if hit:
                found.append((i, target, hit))
        for _i, t in targets:
            if t is not None:
                rewritten.add("", "", t, c.index)
        if found:
            yield _hit(model, run.stage, run, c, spec, found, rec_words, len(paths), wds)


class _Owned:
    """The `chown -R`/`chmod -R` commands walked so far, by (program, owner or mode, folder), to ask
    whether one set what a path has between two lines without scanning them all: a plain folder
    is looked up by each folder above the path; globs (rare) are scanned."""

    def __init__(self):
        self._plain: dict[tuple[str, str, str], list[int]] = {}
        self._globs: list[tuple[str, str, str, int]] = []

    def add(self, prog: str, spec: str, target: str, line: int) -> None:
        from ..layers import _GLOB

        if _GLOB.search(target):
            self._globs.append((prog, spec, target, line))
        else:
            self._plain.setdefault((prog, spec, target.rstrip("/") or "/"), []).append(line)

    def covers(self, prog: str, spec: str, path: str, after: int, before: int) -> bool:
        """Whether a command recorded at a line strictly between `after` and `before` set `spec`
        over `path` (the folder itself or one above it)."""
        from bisect import bisect_right

        p = path
        while True:
            lines = self._plain.get((prog, spec, p))
            if lines:
                k = bisect_right(lines, after)
                if k < len(lines) and lines[k] < before:
                    return True
            if p == "/":
                break
            p = p.rsplit("/", 1)[0] or "/"
        return any(pr == prog and sp == spec and after < ln < before and _covers(t, path)
                   for pr, sp, t, ln in self._globs)


def _covers(target: str, path: str) -> bool:
    from ..layers import removes

    return removes(target, path)


def _already_owned(added, spec: str) -> bool:
    flag = added.instruction.flag("chown") if added.how in ("COPY", "ADD", "download") else None
    return flag is not None and flag.value == spec


def _hit(model, stage, run, cmd, spec, found, rec_words, n_paths, wds) -> Hit:
    prog = cmd.name
    offset = len(cmd.raw_argv) - len(cmd.argv)
    spans = [cmd.arg_spans[offset + i] if offset + i < len(cmd.arg_spans) else cmd.span for i, _t, _a in found]
    names = [f"`{t}`" for _i, t, _h in found]
    targets = ", ".join(names[:-1]) + (" and " if len(names) > 1 else "") + names[-1]
    whats = list(dict.fromkeys(_what(a) for _i, _t, hit in found for a in hit))
    if len(whats) > 5:
        whats = whats[:4] + [f"{len(whats) - 4} more instructions"]
    whats_text = ", ".join(whats[:-1]) + (" and " if len(whats) > 1 else "") + whats[-1]
    what = "owner" if prog == "chown" else "mode"
    msg = (f"`{prog} -R` over {targets} writes what {whats_text} added into this RUN's layer again: changing "
           f"a file's {what} copies the whole file, so the image stores them twice")
    fix, why = _fix(model, stage, run, cmd, spec, found, rec_words, n_paths, wds)
    flag = "--chown" if prog == "chown" else "--chmod"
    help_ = None
    if fix is None:
        help_ = (f"set the {what} when the files are copied (`COPY {flag}=…`), or in the RUN that writes them"
                 + (f"; no automatic fix: {why}" if why else ""))
    return Hit(spans[0], msg, fix, help_, related=tuple(spans[1:]))


def _system_path(p: str) -> bool:
    if p == "/" or p.count("/") == 1 and p in ("/home", "/var", "/opt", "/srv", "/tmp", "/mnt", "/media"):
        return True
    if re.fullmatch(r"/home/[^/]+", p):
        return True  # the user's home holds the skeleton files useradd -m made
    return any(p == s or p.startswith(s + "/") for s in _SYSTEM)


def _fix(model, stage, run, cmd, spec, found, rec_words, n_paths, wds):
    """Move the ownership (or mode) into the COPY's --chown/--chmod: (Fix, None) or (None, why)."""
    from ..edits import delete_instruction, remove_command
    from ..layers import accounts_created

    prog = cmd.name
    flag = "chown" if prog == "chown" else "chmod"
    if n_paths != 1:
        return None, f"`{prog}` changes more than one path"
    _i, target, hit = found[0]
    if len({id(a.instruction) for a in hit}) != 1:
        return None, f"several instructions put files under `{target}`"
    a = next((x for x in hit if x.path == target), hit[0])
    ins = a.instruction
    if a.how not in ("COPY", "ADD", "download") or a.run is not None:
        return None, f"what is under `{target}` was not copied by a COPY or ADD"
    if a.path == target.rstrip("/") + "/*":
        what = "owner" if flag == "chown" else "mode"
        # BuildKit applies --chown to a destination folder the COPY creates, not to one that is
        # already there (moby/buildkit#790, #1941)
        return None, (f"the {ins.keyword} at line {a.line} copies files into `{target}`, and its --{flag} "
                      f"would not change the {what} of `{target}` itself if that folder is already there")
    if a.path != target:
        return None, f"the {ins.keyword} at line {a.line} copies to `{a.path}`, not `{target}`"
    if id(ins) not in _stage_facts(stage)[2]:
        return None, f"the {ins.keyword} at line {a.line} is in another stage"
    if ins.json or ins.heredocs:
        return None, f"the {ins.keyword} is in exec form or has a heredoc"
    img = stage.root_image
    if a.contents and (img is None or img.family in (None, "unknown")):
        return None, f"the base image is not known: `{target}` may hold files of it, which {ins.keyword} --{flag} would not change"
    if a.contents and img.workdir and img.workdir != "/" and (
            target == img.workdir or img.workdir.startswith(target.rstrip("/") + "/")):
        return None, f"`{target}` holds the base image's working folder and its files"
    if a.contents and _system_path(target):
        return None, f"`{target}` may hold files of the base image, which {ins.keyword} --{flag} would not change"
    if spec is None:
        return None, "the owner or mode comes from a variable"
    if ins.flag(flag) is not None:
        return None, f"the {ins.keyword} already has --{flag}"
    # other writers between the COPY and this RUN (a RUN in that folder, a RUN naming it)
    from bisect import bisect_right

    runs, starts, _own = _stage_facts(stage)
    for r in runs[bisect_right(starts, a.line):bisect_right(starts, run.instruction.start_line - 1)]:
        if _touches(r, target, wds):
            return None, f"the RUN at line {r.instruction.start_line} may write under `{target}` too"
    title_extra = ""
    if prog == "chown":
        user, _sep, group = spec.partition(":")
        for name in filter(None, (user, group)):
            if name.isdigit():
                continue
            made = [ln for ln, n in accounts_created(stage) if n == name]
            if made and min(made) < a.line:
                continue
            if not made:
                from ..needs import base_has_user

                if base_has_user(stage.root_image, name):
                    continue
                return None, f"`{name}` is not known to exist when the COPY at line {a.line} runs"
            return None, (f"`{name}` is created at line {min(made)}, after the COPY at line {a.line}: move the COPY "
                          f"below it and give it `--chown={spec}`")
    else:
        if not _OCTAL.match(spec):
            return None, f"`{spec}` is not an octal mode, which `COPY --chmod` needs"
        if not any(d.key == "syntax" for d in model.parsed.directives):
            title_extra = " (`--chmod` needs BuildKit: Dockerfile syntax 1.3 or later, the default builder since Docker 23)"
    copy_edit = Edit(Span(ins.keyword_span.end_line, ins.keyword_span.end_column,
                          ins.keyword_span.end_line, ins.keyword_span.end_column), f" --{flag}={spec}")
    # the RUN: a folder keeps a non-recursive chown of itself (COPY --chown does not own a folder
    # that already exists, e.g. made by WORKDIR); a copied file needs nothing more
    if a.contents:
        run_edits = _drop_recursive(run, cmd, rec_words)
        if run_edits is None:
            return None, "the `-R` cannot be taken out of the text"
        rest = (f"and make this `{prog}` non-recursive: it still sets `{target}` itself, which {ins.keyword} "
                f"--{flag} does not change when the folder exists already")
    else:
        others = [c for c in run.commands if (c.argv or c.assignments) and c is not cmd]
        if not others:
            run_edits = [delete_instruction(run.instruction)]
        else:
            cut = remove_command(run, cmd)
            if cut is None:
                return None, f"`{prog}` cannot be cut out of this RUN"
            run_edits = [cut]
        rest = f"and drop this `{prog}`"
    title = f"Give the {ins.keyword} at line {a.line} `--{flag}={spec}` {rest}{title_extra}"
    return Fix(title, "unsafe", (copy_edit, *run_edits)), None


def _stage_facts(stage):
    """(the lineage's RUNs, their first lines, ids of the stage's own instructions), once per stage."""
    got = getattr(stage, "_chown_facts", None)
    if got is None:
        runs = stage.all_runs()
        got = (runs, [r.instruction.start_line for r in runs], {id(i) for i in stage.instructions})
        stage._chown_facts = got
    return got


def _touches(run, target: str, wds) -> bool:
    """A RUN that may write under `target`: it names a path there, or works in that folder."""
    from ..layers import settle

    wd = settle(wds.get(id(run.instruction), "/"))
    if wd is None:
        return True  # the base image's own WORKDIR, which is not known
    if wd == target or wd.startswith(target.rstrip("/") + "/"):
        return True
    text = run.instruction.rest + "".join(h.body for h in run.instruction.heredocs)
    return target in text


def _drop_recursive(run, cmd, rec_words) -> list[Edit] | None:
    """Edits that take `-R`/`--recursive` out of the command (`-Rf` -> `-f`)."""
    offset = len(cmd.raw_argv) - len(cmd.argv)
    out = []
    lines = run.file_lines
    for i in rec_words:
        k = offset + i
        if k >= len(cmd.arg_spans):
            return None
        s = cmd.arg_spans[k]
        if s.line != s.end_line:
            return None
        word = lines[s.line - 1][s.column - 1:s.end_column - 1]
        if word != cmd.argv[i]:
            return None
        if word in ("-R", "--recursive"):
            # the word and the blank before it
            col = s.column
            text = lines[s.line - 1]
            while col > 1 and text[col - 2] in " \t":
                col -= 1
            out.append(Edit(Span(s.line, col, s.end_line, s.end_column), ""))
        else:
            out.append(Edit(s, word.replace("R", "", 1)))
    return out
