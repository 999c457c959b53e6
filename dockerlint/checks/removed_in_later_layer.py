"""DKL104 removed-in-later-layer: a RUN deletes what an earlier layer added; the bytes stay in the image."""

from __future__ import annotations

from ..findings import Hit

# managers whose removals are judged (OS packages, and pip's own installs)
_MANAGERS = frozenset({"apt", "apk", "dnf", "zypper", "pip"})
_REMOVE_WORD = {"apt": "purge", "apk": "del", "dnf": "remove", "zypper": "remove", "pip": "uninstall"}


def _names(items: list[str]) -> str:
    shown = ", ".join(f"`{n}`" for n in items[:6])
    return shown + (f" and {len(items) - 6} more" if len(items) > 6 else "")


def _is_plain(name: str) -> bool:
    return bool(name) and "$" not in name and "`" not in name and not any(ch in name for ch in "*?[")


class _Packages:
    """Packages installed by the RUNs walked so far (and not removed since): (manager, name) -> run;
    for apt, which installed package each dependency came with (Debian data), and how many
    installed packages need each package (to tell what `--auto-remove` takes along). Each
    package's closure is looked at once when it is installed; the count of what needs each
    package is made only when an `--auto-remove` asks (left_over): the base image's hundred-odd
    packages' closures for every file cost a tenth of the rule, and few files auto-remove."""

    def __init__(self, release: str, base: set[str]):
        self.release = release
        self.by_name: dict[tuple[str, str], object] = {}
        self.virtuals: dict[tuple[str, str], object] = {}
        self.dependency: dict[str, tuple[object, str]] = {}  # apt package -> (run, the named package)
        self.base = set(base)
        self._closures: dict[str, frozenset[str]] = {}

    def closure(self, name: str) -> frozenset[str]:
        """debian.closure([name]) on the release, asked once per name."""
        got = self._closures.get(name)
        if got is None:
            from .. import debian

            got = self._closures[name] = debian.closure([name], self.release)
        return got

    def add_run(self, run) -> None:
        from ..packages import base_name

        for op, pkg in run.kept_packages:
            key = (op.manager, base_name(pkg))
            if op.manager == "apt" and key not in self.by_name:
                for x in self.closure(key[1]):
                    if x != key[1]:
                        self.dependency.setdefault(x, (run, key[1]))
            self.by_name[key] = run
        for op in run.package_ops:
            if op.action == "install" and op.virtual:
                removed = any(o.action == "remove" and op.virtual in o.packages for o in run.package_ops
                              if o.manager == op.manager and o.command_index > op.command_index)
                if not removed:
                    self.virtuals[(op.manager, op.virtual)] = run
            if op.action == "install":
                for p in op.packages:
                    self.virtuals.pop((op.manager, base_name(p)), None)

    def remove(self, manager: str, name: str):
        """The RUN that installed `name` by name, forgetting it; None when none did."""
        return self.by_name.pop((manager, name), None)

    def remove_base(self, name: str) -> None:
        """A package of the base image's own list is removed: it no longer holds its dependencies."""
        self.base.discard(name)

    def left_over(self, names: list[str]) -> set[str]:
        """What `apt-get purge --auto-remove NAMES` takes away: their closure, less what the
        packages still installed (and the base image's) need. Call after remove()."""
        from .. import debian

        # what the packages still installed need: the base image's and those installed by name
        needed: set[str] = set()
        for name in self.base:
            needed.update(self.closure(name))
        for manager, name in self.by_name:
            if manager == "apt":
                needed.update(self.closure(name))
        return {x for x in debian.closure(names, self.release) if x not in needed}


def _debian_release(stage):
    """(the release's key in the Debian data or None, the release whose data is used)."""
    from .. import debian

    img = stage.root_image
    rel = debian.release_of(img.release) if img is not None and img.release else None
    return rel, (rel or debian.DEFAULT_RELEASE)


def check(model):
    from ..layers import (LiveTree, additions, base_layer_packages, base_ships, cwd_of, is_static, norm,
                          removal_targets, workdirs)
    from ..packages import base_name

    final = model.final
    if final is None:
        return
    adds = additions(final)
    live = LiveTree()  # additions present before the RUN walked: put in as passed, out when deleted
    passed = 0
    wds = workdirs(final)
    # the package data (about 1 MB per release) only matters when a RUN removes packages
    if any(op.action == "remove" and op.manager in _MANAGERS for r in final.all_runs() for op in r.package_ops):
        exact_rel, release = _debian_release(final)
    else:
        from ..debian import DEFAULT_RELEASE

        exact_rel, release = None, DEFAULT_RELEASE
    image = final.root_image
    pkgs = _Packages(release, set(base_layer_packages(image)))
    for run in final.all_runs():
        line = run.instruction.start_line
        while passed < len(adds) and adds[passed].line < line:
            live.add(passed, adds[passed])
            passed += 1
        # ---- packages
        installed_here: dict[tuple[str, str], int] = {}  # installed earlier in this RUN (command index)
        for op in run.package_ops:
            if op.action == "install":
                for p in op.packages:
                    installed_here.setdefault((op.manager, base_name(p)), op.command_index)
                if op.virtual:
                    installed_here.setdefault((op.manager, op.virtual), op.command_index)
                continue
            if op.action != "remove" or op.manager not in _MANAGERS:
                continue
            found: list[tuple[int, str, str, object | None]] = []  # (k, name, where, run that added)
            for k, p in enumerate(op.packages):
                name = base_name(p)
                key = (op.manager, name)
                if not _is_plain(name) or installed_here.get(key, 1 << 30) < op.command_index:
                    continue
                src = pkgs.remove(op.manager, name)
                if src is not None:
                    found.append((k, name, f"the RUN at line {src.instruction.start_line}", src))
                elif key in pkgs.virtuals:
                    src = pkgs.virtuals.pop(key)
                    found.append((k, name, f"the RUN at line {src.instruction.start_line} (virtual package)", src))
                elif op.manager == "apt" and name in pkgs.dependency:
                    src, parent = pkgs.dependency.pop(name)
                    found.append((k, name, f"the RUN at line {src.instruction.start_line} (a dependency of "
                                           f"`{parent}`)", src))
                elif (shipped := base_ships(image, op.manager, name)) is not None:
                    found.append((k, name, f"the base image `{final.lineage[0].base}` ({shipped.via})", None))
                    pkgs.remove_base(name)
            if found:
                yield _package_hit(run, op, found, exact_rel, release, final, pkgs)
        # ---- files
        wd = wds.get(id(run.instruction), "/")
        for c in run.commands:
            if c.in_substitution or c.name not in ("rm", "unlink", "mv"):
                continue
            cwd = cwd_of(run, c.index, wd)
            if c.name == "mv":
                # moved away first (`mv /tmp/x.so /usr/lib/ && rm -rf /tmp`): not what the rm deletes
                for w in c.argv[1:-1]:
                    if not w.startswith("-") and is_static(w) and (src := norm(w, cwd)) is not None:
                        for seq, _a in live.covered(src):
                            live.remove(seq)
                continue
            targets = removal_targets(c, cwd)
            if not targets:
                continue
            hits: list[tuple[int, str, object]] = []  # (argv index of the target word, target, Added)
            for ti, t in targets:
                for seq, a in live.covered(t):
                    hits.append((ti, t, a))
                    live.remove(seq)
            if hits:
                yield _file_hit(run, c, hits)
        pkgs.add_run(run)


def _size(names: list[str], op, exact_rel, release, pkgs) -> str:
    """The Debian Installed-Size at stake: the packages' own files, or with `--auto-remove` the
    dependencies that go with them (less what packages still installed need)."""
    if op.manager != "apt":
        return ""
    from .. import debian

    where = f"on {debian.release_name(release)}" if exact_rel else f"going by Debian {release}'s packages"
    if op.auto_remove:
        gone = pkgs.left_over(names)
        mb = debian.packages_size_mb(gone, release) if gone else None
        what = "with the dependencies `--auto-remove` takes along"
    else:
        mb = debian.packages_size_mb(names, release)
        what = "of their own files" if len(names) > 1 else "of its own files"
    if not mb:
        return ""
    return f" (about {mb:g} MB {what}, {where})"


def _package_hit(run, op, found, exact_rel, release, final, pkgs) -> Hit:
    names = [n for _k, n, _w, _s in found]
    groups: dict[str, list[str]] = {}
    for _k, n, w, _s in found:
        groups.setdefault(w, []).append(n)
    parts = []
    for w, ns in groups.items():
        several = len(ns) > 1
        if w.startswith("the base image"):
            parts.append(f"{_names(ns)} {'come' if several else 'comes'} with {w}")
        else:
            parts.append(f"{_names(ns)} {'were' if several else 'was'} installed by {w}")
    one = len(names) == 1
    msg = ("; ".join(parts) + f": removing {'it' if one else 'them'} in a later RUN does not make the image "
           f"smaller — {'its' if one else 'their'} files stay in that earlier layer"
           f"{_size(names, op, exact_rel, release, pkgs)}, and this RUN only adds a layer that hides them")
    spans = [run.word_span(op, k) for k, *_x in found]
    if all(s is None for *_x, s in found):
        help_ = _base_help(final)
    else:
        help_ = (f"install, use and remove {'it' if one else 'them'} in one RUN (`… && {op.tool} "
                 f"{_REMOVE_WORD.get(op.manager, 'remove')} …` at the end of the RUN that installs "
                 f"{'it' if one else 'them'}), or build in a separate stage and copy only the result")
    return Hit(spans[0], msg, None, help_, related=tuple(spans[1:]))


def _base_help(final) -> str:
    from .. import knowledge

    img = final.root_image
    slim = knowledge.runtime_image(img.ref) if img is not None else None
    if slim is not None and slim.ref != img.ref and slim.ref.split(":")[0] == img.ref.split(":")[0]:
        return (f"start from an image that does not have them (`{slim.ref}`), or build in a separate stage on "
                f"`{img.ref}` and copy only the result")
    return "start from an image that does not have them, or do the work that needs them in a separate stage"


def _what(a) -> str:
    line = a.line
    if a.how == "download":
        return f"the ADD at line {line}" if a.run is None else f"a download in the RUN at line {line}"
    if a.how == "git clone":
        return f"the `git clone` in the RUN at line {line}"
    return f"the {a.how} at line {line}"


def _file_hit(run, cmd, hits) -> Hit:
    # per target word: the instructions whose additions it deletes
    by_target: dict[str, list] = {}
    written: dict[str, str] = {}
    for ti, t, a in hits:
        by_target.setdefault(t, []).append(a)
        written.setdefault(t, cmd.argv[ti])  # as the RUN writes it: a relative path needs no WORKDIR
    parts = []
    for t, adds in by_target.items():
        whats = list(dict.fromkeys(_what(a) for a in adds))
        if len(whats) > 4:
            whats = whats[:3] + [f"{len(whats) - 3} more instructions"]
        # one COPY may stand for two paths (`COPY x /dest` when /dest may be a folder): exact when
        # each instruction added `t` itself
        exact = all(any(b.path == t for b in adds if b.instruction is a.instruction) for a in adds)
        if exact:
            parts.append(f"`{written[t]}` was added by {' and '.join(whats)}")
        else:
            parts.append(f"`{written[t]}` holds what {' and '.join(whats)} added")
    # one thing deleted: one target that is exactly what one instruction added
    t0 = hits[0][1]
    one = len(by_target) == 1 and len({id(a.instruction) for _ti, _t, a in hits}) == 1 and \
        any(a.path == t0 for _ti, _t, a in hits)
    msg = (f"{'; '.join(parts)}: deleting {'it' if one else 'them'} in a later RUN does not make the image "
           "smaller — the bytes stay in that earlier layer, and this RUN only adds a layer that hides them")
    kinds = {a.how for _ti, _t, a in hits}
    if kinds <= {"download", "git clone"} and all(a.run is not None for _ti, _t, a in hits):
        help_ = "download, use and delete it in the same RUN"
    elif kinds <= {"download", "git clone"}:
        # the image may have no downloader (ubuntu, a JRE on Alpine with busybox wget only: findings
        # review 2026-11-30, statico and vericus)
        help_ = ("download, use and delete it in the same RUN (`curl` or `wget` there, instead of `ADD <url>`; "
                 "installed in that RUN and removed at its end where the image has neither), or `ADD` it in a "
                 "build stage and copy only what the image needs")
    elif any(a.contents for _ti, _t, a in hits):
        help_ = ("leave it out of the copy (a `.dockerignore` entry, or copy only what the image needs), or use "
                 "it from a bind mount in the RUN that needs it (`RUN --mount=type=bind,source=…,target=… …`)")
    else:
        help_ = ("do not copy it into the image: use it from a bind mount in the RUN that needs it "
                 "(`RUN --mount=type=bind,source=…,target=… …`), or in a build stage whose result you copy")
    offset = len(cmd.raw_argv) - len(cmd.argv)  # `sudo rm …`
    spans = []
    for ti, _t, _a in hits:
        k = offset + ti
        spans.append(cmd.arg_spans[k] if k < len(cmd.arg_spans) else cmd.span)
    spans = list(dict.fromkeys(spans))
    return Hit(spans[0], msg, None, help_, related=tuple(spans[1:]))
