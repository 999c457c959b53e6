"""What each instruction of a stage's lineage adds to the image, and what a later RUN removes.

Part of the model.  Every instruction is a layer, and a layer is never shrunk by a later
one: a file that a COPY, an ADD or a download put in one layer and that a later RUN deletes
is still in the image (the later layer only records a "whiteout" that hides it).  DKL104
asks "which earlier instruction added what this RUN removes?", DKL105 "which earlier
instruction added the files this `chown -R` rewrites?".

Paths are absolute and normalised (WORKDIR and `cd` resolved).  What is known to be added:

* ``COPY``/``ADD`` destinations: ``dest/<name>`` for each source when the destination is a
  folder (ends with ``/``, or several sources), else ``dest``; a source that is a folder
  (``.``, ``dir/``) adds its contents to ``dest`` (``contents=True``).  A local archive that
  ``ADD`` extracts adds its contents, never the archive itself.
* downloads in a RUN: ``curl -o PATH``/``--output``/``-O`` (the URL's last segment, in the
  current folder or ``--output-dir``), ``wget URL`` (the same, or ``-O PATH``/``-P DIR``),
  ``git clone URL [DIR]``.
* packages: installed by name in a RUN and not removed in the same RUN (``Run.kept_packages``),
  apk virtual packages (``apk add --virtual .x``); and packages the base image ships, from
  the Debian archive's base set (debian.py) and ``rules/knowledge/base_packages.toml``.

A download into a folder a cache, tmpfs or bind mount covers adds nothing to the layer.
"""

from __future__ import annotations

from .argv import operands
from .lazyre import LazyRe
from .records import Value, setfield, replace

import fnmatch
import functools
import posixpath
import re

_GLOB = LazyRe(r"[*?\[]")
_ARCHIVE = LazyRe(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tar\.lz|tzst)$", re.IGNORECASE)
_URL = LazyRe(r"^(https?|ftp)://", re.IGNORECASE)


class Added(Value):
    """A path an instruction put in the image.

    path: absolute; how: "COPY", "ADD", "download" (curl/wget/ADD <url>), "git clone";
    instruction: the syntax.Instruction; run/index: the RUN and its command that did it
    (None for COPY/ADD); contents: the instruction added the *contents* of folder ``path``
    (COPY of a folder), so paths under it may be what it added.
    """

    path: str
    how: str
    instruction: object
    run: object
    index: int | None
    contents: bool

    __slots__ = _fields = ("path", "how", "instruction", "run", "index", "contents")

    def __init__(self, path: str, how: str, instruction: object, run: object = None,
                 index: int | None = None, contents: bool = False) -> None:
        setfield(self, "path", path)
        setfield(self, "how", how)
        setfield(self, "instruction", instruction)
        setfield(self, "run", run)
        setfield(self, "index", index)
        setfield(self, "contents", contents)

    @property
    def line(self) -> int:
        return self.instruction.start_line


def norm(path: str, cwd: str | None = "/") -> str | None:
    """`path` made absolute against `cwd` and normalised (`/app/./x/` -> `/app/x`); None when it
    cannot be told: a relative path in a folder that is not known (`cwd` None), or `~/x` (the
    home folder depends on the user the RUN runs as)."""
    if path.startswith("~"):
        return None
    if not path.startswith("/"):
        if cwd is None:
            return None
        if cwd == "":
            cwd = "/"
    return settle(_joined(path, cwd))


def _joined(path: str, cwd: str) -> str:
    p = posixpath.normpath(posixpath.join(cwd or "/", path))
    return "/" + p.lstrip("/") if p.startswith("//") else p


def is_static(word: str) -> bool:
    """A word whose text is the path the shell passes: no variable, no command substitution, no `~`."""
    return "$" not in word and "`" not in word and not word.startswith("~")


# The WORKDIR of a base image whose facts are not known. Most images set none, so a path under it
# is taken as under `/` (`settle`), except the folder itself and all of it: `chmod -R g+rw ./` or
# `rm -rf *` there may be about a folder the base image chose (s2i images work in /opt/app-root/src).
BASE_WD = "/\x00base-workdir"


def settle(path: str | None) -> str | None:
    """A path made from BASE_WD taken as under `/`; None for BASE_WD itself or `*` in it."""
    if path is None or not path.startswith(BASE_WD):
        return path
    rest = path[len(BASE_WD):]
    if rest in ("", "/", "/*", "/.*"):
        return None
    return rest


def workdirs(stage) -> dict[int, str]:
    """WORKDIR in force at each instruction (by id) of the stage's lineage, starting from the base
    image's own (golang's is /go) where the image facts know it, else from BASE_WD. Cached per stage."""
    got = getattr(stage, "_layer_workdirs", None)
    if got is not None:
        return got
    from .expand import expand

    img = stage.root_image
    wd = (img.workdir or "/") if img is not None and img.workdir is not None else BASE_WD
    out: dict[int, str] = {}
    for s in stage.lineage:
        for ins in s.instructions:
            if ins.keyword == "WORKDIR" and ins.args:
                val = expand(ins.args[0].text, s.env, "\\")[0]
                wd = posixpath.normpath(posixpath.join(wd, val)) if val else wd
                if wd.startswith("//"):
                    wd = "/" + wd.lstrip("/")
            out[id(ins)] = wd
    stage._layer_workdirs = out
    return out


def rooted_workdirs(stage) -> dict[int, str]:
    """workdirs with an unknown base WORKDIR taken as "/" (Docker's default when an image sets
    none): the folder each instruction (by id) of the stage's lineage works in, for the checks
    and rewrites that need a path rather than "unknown". One source for every WORKDIR map."""
    got = getattr(stage, "_rooted_workdirs", None)
    if got is None:
        n = len(BASE_WD)
        got = {k: (posixpath.normpath("/" + v[n:].lstrip("/")) if v.startswith(BASE_WD) else v)
               for k, v in workdirs(stage).items()}
        stage._rooted_workdirs = got
    return got


def cwd_of(run, index: int, wd: str) -> str | None:
    """The folder command `index` of `run` runs in: WORKDIR, then its `cd`s; None when a `cd`
    went to a folder that cannot be told (`cd ~/x`, `cd $DIR`)."""
    from .builds import _cwd

    for prev in run.commands:
        if prev.index >= index:
            break
        if prev.name == "cd" and len(prev.argv) > 1 and not prev.in_substitution and (
                prev.argv[1].startswith("~") or not is_static(prev.argv[1])):
            if prev.shell is not None and prev.shell.in_subshell:
                continue
            return None
    got = _cwd(run, index, wd)
    return got


def _basename_of_url(url: str) -> str | None:
    path = re.sub(r"^[a-zA-Z]+://[^/]*", "", url).split("?", 1)[0].split("#", 1)[0]
    name = path.rstrip("/").rsplit("/", 1)[-1] if path.strip("/") else ""
    return name or None


# short options that take a value (the rest of the word, or the next word)
_CURL_SHORT = frozenset("AbcdDeEFHKmorTuUwxXyYzCPQt")
_CURL_LONG = frozenset({
    "--data", "--data-binary", "--data-raw", "--data-urlencode", "--header", "--user", "--user-agent", "--retry",
    "--max-time", "--connect-timeout", "--output", "--output-dir", "--proxy", "--request", "--cacert", "--cert",
    "--key", "--retry-delay", "--retry-max-time", "--write-out", "--referer", "--cookie", "--cookie-jar",
    "--form", "--range", "--limit-rate", "--speed-limit", "--speed-time", "--resolve", "--interface",
    "--dns-servers", "--ciphers", "--proto", "--proto-redir", "--config", "--time-cond", "--continue-at",
    "--url", "--max-filesize", "--capath", "--pinnedpubkey", "--oauth2-bearer", "--netrc-file"})
_WGET_SHORT = frozenset("OPoatTweiUBQlARDIX")
_WGET_LONG = frozenset({
    "--output-document", "--directory-prefix", "--user", "--password", "--header", "--tries", "--timeout",
    "--user-agent", "--output-file", "--append-output", "--wait", "--execute", "--input-file", "--base",
    "--quota", "--level", "--accept", "--reject", "--domains", "--include-directories",
    "--exclude-directories", "--post-data", "--post-file", "--ca-certificate", "--certificate",
    "--private-key", "--limit-rate", "--http-user", "--http-password", "--ca-directory"})


def _options(argv, short_values, long_values) -> tuple[list[tuple[str, str | None]], list[str]]:
    """(options as (name, value), operands) of a command line, reading `-abc`, `-oFILE`, `-o FILE`,
    `--long=V` and `--long V` as the program's getopt would."""
    opts: list[tuple[str, str | None]] = []
    operands: list[str] = []
    i = 1
    while i < len(argv):
        w = argv[i]
        if w == "--":
            operands.extend(argv[i + 1:])
            break
        if w.startswith("--"):
            name, eq, val = w.partition("=")
            if eq:
                opts.append((name, val))
            elif name in long_values:
                opts.append((name, argv[i + 1] if i + 1 < len(argv) else None))
                i += 1
            else:
                opts.append((name, None))
        elif w.startswith("-") and len(w) > 1:
            for k in range(1, len(w)):
                letter = w[k]
                if letter in short_values:
                    rest = w[k + 1:]
                    if rest:
                        opts.append(("-" + letter, rest))
                    else:
                        opts.append(("-" + letter, argv[i + 1] if i + 1 < len(argv) else None))
                        i += 1
                    break
                opts.append(("-" + letter, None))
        else:
            operands.append(w)
        i += 1
    return opts, operands


def downloads(cmd, cwd: str) -> list[str]:
    """Paths a curl/wget/git command writes (absolute); [] when it writes to standard output or
    the paths cannot be told."""
    argv = cmd.argv
    name = cmd.name
    paths: list[str] = []
    if name == "curl":
        opts, operands = _options(argv, _CURL_SHORT, _CURL_LONG)
        urls = [o for o in operands if _URL.match(o)] + [v for n, v in opts if n == "--url" and v]
        out_dir = next((v for n, v in reversed(opts) if n == "--output-dir"), None)
        outs = [v for n, v in opts if n in ("-o", "--output") and v]
        remote = sum(1 for n, _v in opts if n in ("-O", "--remote-name"))
        if any(n == "--remote-name-all" for n, _v in opts):
            remote = len(urls)
        paths = [o for o in outs if o != "-"]
        for u in urls[:remote]:
            b = _basename_of_url(u)
            if b:
                paths.append(posixpath.join(out_dir, b) if out_dir else b)
    elif name == "wget":
        opts, operands = _options(argv, _WGET_SHORT, _WGET_LONG)
        doc = next((v for n, v in reversed(opts) if n in ("-O", "--output-document")), None)
        prefix = next((v for n, v in reversed(opts) if n in ("-P", "--directory-prefix")), None)
        if doc is not None:
            paths = [] if doc == "-" else [doc]
        else:
            for u in operands:
                b = _basename_of_url(u) if _URL.match(u) else None
                if b:
                    paths.append(posixpath.join(prefix, b) if prefix else b)
    elif name == "git" and "clone" in argv[1:3]:
        k = argv.index("clone")
        opts, operands = _options(("git",) + tuple(argv[k + 1:]), frozenset("boucj"),
                                  frozenset({"--branch", "--depth", "--origin", "--config", "--reference", "--jobs",
                                             "--filter", "--shallow-since", "--separate-git-dir", "--upload-pack",
                                             "--template", "--shallow-exclude"}))
        if not operands:
            return []
        if len(operands) >= 2:
            paths = [operands[1]]
        else:
            b = operands[0].rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            paths = [b[:-4] if b.endswith(".git") else b]
    return [n for p in paths if p and is_static(p) and (n := norm(p, cwd)) is not None]


def removal_targets(cmd, cwd: str) -> list[tuple[int, str]] | None:
    """What an `rm`/`unlink` command deletes: (index in cmd.argv, absolute path or glob) per
    operand whose path is known; None when it is no removal or no operand is known. An operand
    that is not known (`$VAR`, `~/x`) is left out: the known ones are deleted all the same."""
    if cmd.name not in ("rm", "unlink") or cmd.in_substitution:
        return None
    out = []
    opts_done = False
    for i, w in enumerate(cmd.argv[1:], 1):
        if not opts_done and w == "--":
            opts_done = True
            continue
        if not opts_done and w.startswith("-") and len(w) > 1:
            continue
        t = norm(w, cwd) if w and is_static(w) else None
        if t is not None:
            out.append((i, t))
    return out or None


def removes(target: str, path: str) -> bool:
    """Whether deleting `target` (a path or a glob, as `rm -rf` does) deletes `path`."""
    if not _GLOB.search(target):
        return path == target or path.startswith(target.rstrip("/") + "/")
    t = target.rstrip("/").split("/")
    p = path.split("/")
    if len(p) < len(t):
        return False
    return all(fnmatch.fnmatchcase(a, b) for a, b in zip(p[:len(t)], t)) and not (
        # `rm -rf /tmp/*` does not delete dot-files (the shell's glob skips them)
        any(a.startswith(".") and b.startswith("*") for a, b in zip(p[:len(t)], t)))


def _mounted(run, path: str) -> bool:
    for m in run.mounts:
        if m.target and m.type in ("cache", "tmpfs", "bind", "secret", "ssh"):
            t = m.target.rstrip("/") or "/"
            if path == t or path.startswith(t + "/"):
                return True
    return False


# Folders every Linux image has: `COPY x /tmp` puts the file in /tmp, not at /tmp.
_EXISTING = frozenset({"/", "/tmp", "/opt", "/etc", "/root", "/srv", "/home", "/mnt", "/usr", "/usr/bin",
                       "/usr/sbin", "/usr/lib", "/usr/share", "/usr/src", "/usr/local", "/usr/local/bin",
                       "/usr/local/sbin", "/usr/local/lib", "/usr/local/share", "/var", "/var/tmp", "/var/lib",
                       "/bin", "/sbin", "/lib"})


_VAR = LazyRe(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def expand_known(word: str, env, image=None) -> str:
    """`word` with its variables expanded as BuildKit does, where each value is known: from the
    stage's ARG/ENV, else from the base image's facts when they hold its whole environment (a name
    the image does not define is then empty). Else `word` unchanged (it keeps its `$`, so callers
    see it is not static): a base image's own ENV (`$STI_SCRIPTS_PATH`) is not "" for us."""
    from .expand import expand

    img_env = getattr(image, "env", None) or {}
    complete = bool(getattr(image, "env_complete", False))
    scope = {}
    for name in _VAR.findall(word):
        if env.get(name) is not None:
            scope[name] = env[name]
        elif name in env or not complete and name not in img_env:
            return word
        else:
            scope[name] = img_env.get(name, "")
    v, ok = expand(word, scope)
    return v if ok else word


def _copy_added(ins, wd: str, folders: set[str], env=None, image=None) -> list[Added]:
    """What a COPY/ADD adds (its heredoc bodies too). `folders`: paths known to be folders
    when it runs (WORKDIRs so far); a destination that may be a file or a folder gives both.
    `env`: the stage's variables, for `COPY x ${HOME}/` (BuildKit expands them)."""
    args = [w.text for w in ins.args]
    if env is not None and any("$" in a for a in args):
        args = [expand_known(a, env, image) if "$" in a else a for a in args]
    if len(args) < 2:
        return []
    dest = args[-1]
    srcs = args[:-1]
    if not is_static(dest):
        return []
    if dest.startswith("~"):
        return []
    d = _joined(dest, wd)  # settled below, with the names joined to it
    known_dir = dest.endswith("/") or dest.endswith("/.") or dest in (".", "..") or len(srcs) > 1 \
        or d in _EXISTING or d in folders
    out = []
    kw = ins.keyword
    for s in srcs:
        if s.startswith("<<"):
            name = s.lstrip("<-").strip("\"'")
            out.append(Added(posixpath.join(d, name) if known_dir else d, kw, ins))
            continue
        if not is_static(s):
            continue
        if kw == "ADD" and _URL.match(s):
            b = _basename_of_url(s)
            if known_dir:
                if b:
                    out.append(Added(posixpath.join(d, b), "download", ins))
            else:
                out.append(Added(d, "download", ins))
                if b:
                    out.append(Added(posixpath.join(d, b), "download", ins))
            continue
        if kw == "ADD" and _ARCHIVE.search(s):
            out.append(Added(d, kw, ins, contents=True))  # extracted into dest
            continue
        name = s.rstrip("/").rsplit("/", 1)[-1]
        if s.endswith("/") or name in (".", "..", ""):
            out.append(Added(d, kw, ins, contents=True))  # a folder: its contents
            continue
        maybe_folder = "." not in name and not _GLOB.search(name)
        if known_dir:
            out.append(Added(posixpath.join(d, name), kw, ins))
            if maybe_folder:
                out.append(Added(d, kw, ins, contents=True))  # `COPY bin /opt/`: bin's contents
        else:
            out.append(Added(d, kw, ins, contents=maybe_folder))
            if not maybe_folder:
                out.append(Added(posixpath.join(d, name), kw, ins))  # dest may be a folder already
    settled = []
    for a in out:
        p = settle(a.path)
        if p is not None:
            settled.append(a if p == a.path else replace(a, path=p))
    return settled


def additions(stage) -> list[Added]:
    """Every path a COPY/ADD or a download in a RUN of the stage's lineage added, in build order,
    except what the same RUN deletes again (cached per stage)."""
    got = getattr(stage, "_layer_additions", None)
    if got is not None:
        return got
    wds = workdirs(stage)
    out: list[Added] = []
    folders: set[str] = set()
    for s in stage.lineage:
        runs = {id(r.instruction): r for r in s.runs}
        for ins in s.instructions:
            wd = wds.get(id(ins), "/")
            folders.add(wd)
            if ins.keyword in ("COPY", "ADD"):
                out.extend(_copy_added(ins, wd, folders, s.env, stage.root_image))
            elif ins.keyword == "RUN" and id(ins) in runs:
                run = runs[id(ins)]
                got_here: list[Added] = []
                for c in run.commands:
                    if not c.argv or c.in_substitution:
                        continue
                    name = c.name
                    if name in ("curl", "wget", "git"):
                        for p in downloads(c, cwd_of(run, c.index, wd)):
                            if not _mounted(run, p):
                                got_here.append(Added(p, "git clone" if name == "git" else "download", ins, run,
                                                      c.index, contents=name == "git"))
                    elif name in ("rm", "unlink", "mv") and got_here:
                        targets = [t for _i, t in removal_words(c, cwd_of(run, c.index, wd)) or ()]
                        got_here = [a for a in got_here if not any(removes(t, a.path) for t in targets)]
                out.extend(got_here)
    stage._layer_additions = out
    return out


# ---------------------------------------------------------------------------
# Packages the base image ships
# ---------------------------------------------------------------------------

@functools.cache
def _base_table() -> dict:
    from .knowledge import load_table

    return load_table("base_packages")


@functools.cache
def _layer_packages(name: str) -> frozenset[str]:
    t = _base_table()["layer"][name]
    out = set(t.get("packages", ()))
    for inc in t.get("includes", ()):
        out |= _layer_packages(inc)
    return frozenset(out)


class BaseShipped(Value):
    """A package the base image has: ``via`` says why we know (for a message)."""

    name: str
    via: str

    __slots__ = _fields = ("name", "via")

    def __init__(self, name: str, via: str) -> None:
        setfield(self, "name", name)
        setfield(self, "via", via)


def _image_layer(image) -> tuple[str, str] | None:
    """(layer name, why) of base_packages.toml that `image` is built on, or None."""
    if image is None or image.family != "debian" or image.is_windows:
        return None
    tokens = (image.tag or "").lower().split("-")
    for entry in _base_table()["image"]:
        if image.name not in entry["names"] and not any(
                re.fullmatch(p, image.name) for p in entry.get("name_patterns", ())):
            continue
        if entry.get("requires_c_compiler") and not image.has_c_compiler:
            return None
        layer = entry["layer"]
        for tok, other in entry.get("tokens", {}).items():
            if tok in tokens:
                layer = other
        return layer, entry["why"]
    return None


def base_layer_packages(image) -> frozenset[str]:
    """The apt packages base_packages.toml says `image` installs by name (empty when none or unknown)."""
    got = _image_layer(image)
    return _layer_packages(got[0]) if got is not None else frozenset()


def base_ships(image, manager: str, name: str) -> BaseShipped | None:
    """Whether the base image has package `name` (of `manager`) installed, with how we know;
    None when it does not or it is not known."""
    if manager != "apt" or image is None:
        return None
    from . import debian

    rel = debian.release_of(image.release) if image.release else None
    got = _image_layer(image)
    if got is not None:
        layer, why = got
        listed = _layer_packages(layer)
        if name in listed:
            return BaseShipped(name, why)
        if name in debian.closure(sorted(listed), rel):
            return BaseShipped(name, why + ", as a dependency of what it installs")
    if rel is not None and image.family == "debian":
        p = debian.package(name, rel)
        if p is not None and p.in_base and p.release == rel:
            return BaseShipped(name, f"it is in every {debian.release_name(rel)} image, the "
                                     f"{debian.base_image(rel)} package set")
    return None


# ---------------------------------------------------------------------------
# Other writers: package installs into the current folder, users
# ---------------------------------------------------------------------------

_INTO_CWD = {"npm": "node_modules", "yarn": "node_modules", "pnpm": "node_modules", "composer": "vendor",
             "bower": "bower_components"}


def cwd_installs(run, wd: str) -> list[tuple[int, str]]:
    """(command index, folder) for installs that write into the current folder:
    `npm install`/`ci` and yarn/pnpm (node_modules), `composer install` (vendor), `bower install`."""
    out = []
    for c in run.commands:
        if c.in_substitution or not c.argv:
            continue
        name = c.name
        if name not in _INTO_CWD:
            continue
        sub = next((w for w in c.argv[1:] if not w.startswith("-")), "install" if name == "yarn" else "")
        if sub in ("install", "i", "ci", "add", "update", "require") and not any(
                w in ("-g", "--global") for w in c.argv[1:]) and "global" not in c.argv[1:2]:
            folder = norm(_INTO_CWD[name], cwd_of(run, c.index, wd))
            if folder is not None:
                out.append((c.index, folder))
    return out


_USER_VALUE_OPTS = frozenset({"-u", "-g", "-G", "-d", "-s", "-c", "-k", "-e", "-f", "-p", "-K", "-b", "-h",
                              "--uid", "--gid", "--groups", "--home", "--home-dir", "--shell", "--comment",
                              "--gecos", "--ingroup", "--skel", "--expiredate", "--inactive", "--password",
                              "--key", "--base-dir", "--firstuid", "--lastuid", "--add_extra_groups",
                              "--extrausers", "--conf", "--root", "-R", "-P", "--prefix"})


def accounts_created(stage) -> list[tuple[int, str]]:
    """(line, name) for every user or group a RUN of the lineage creates (useradd, adduser,
    groupadd, addgroup); a user also counts as a group of the same name (useradd and adduser
    create one by default). Cached per stage."""
    got = getattr(stage, "_accounts", None)
    if got is not None:
        return got
    out = []
    for run in stage.all_runs():
        for c in run.commands:
            if c.name not in ("useradd", "adduser", "groupadd", "addgroup") or c.in_substitution:
                continue
            for name in operands(c.argv, _USER_VALUE_OPTS)[:2]:
                if is_static(name):
                    out.append((run.instruction.start_line, name))
    stage._accounts = out
    return out


class _Node:
    __slots__ = ("children", "items", "n")

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.items: dict[int, Added] = {}  # by sequence number
        self.n = 0  # live items in this subtree


class LiveTree:
    """The additions present at a point of the build, by path, for the questions DKL104 and DKL105
    ask as they walk the lineage: which present additions does `rm TARGET` (a path or a glob, as
    `rm -rf` reads it: see `removes`) or `chown -R TARGET` reach? Additions are put in as the walk
    passes them and taken out when deleted, and a query visits only folders that hold present
    additions, so a walk costs time linear in the file even with a `rm -rf /tmp/*` in every RUN.
    Each addition is identified by its sequence number (its index in `additions()`)."""

    def __init__(self):
        self.root = _Node()
        # seq -> (nodes from the root to the item's folder, the path's parts)
        self._where: dict[int, tuple[list[_Node], list[str]]] = {}

    @staticmethod
    def _parts(path: str) -> list[str]:
        return [c for c in path.split("/") if c]

    def add(self, seq: int, item: Added) -> None:
        node = self.root
        parts = self._parts(item.path)
        chain = [node]
        for c in parts:
            node = node.children.get(c) or node.children.setdefault(c, _Node())
            chain.append(node)
        node.items[seq] = item
        for nd in chain:
            nd.n += 1
        self._where[seq] = (chain, parts)

    def remove(self, seq: int) -> None:
        got = self._where.pop(seq, None)
        if got is None:
            return
        chain, parts = got
        del chain[-1].items[seq]
        for nd in chain:
            nd.n -= 1
        # a folder left with nothing is dropped, so that a glob over its parent never meets it again
        for i in range(len(chain) - 1, 0, -1):
            if chain[i].n:
                break
            if chain[i - 1].children.get(parts[i - 1]) is chain[i]:
                del chain[i - 1].children[parts[i - 1]]

    def __contains__(self, seq: int) -> bool:
        return seq in self._where

    def covered(self, target: str) -> list[tuple[int, Added]]:
        """(seq, addition) for the present additions `removes(target, path)` holds for, in build order."""
        frontier = [self.root]
        for c in self._parts(target):
            nxt = []
            glob = _GLOB.search(c) is not None
            for nd in frontier:
                if not glob:
                    ch = nd.children.get(c)
                    if ch is not None and ch.n:
                        nxt.append(ch)
                    continue
                for name, ch in nd.children.items():
                    # `rm -rf /tmp/*` does not delete dot-files (the shell's glob skips them)
                    if ch.n and fnmatch.fnmatchcase(name, c) and not (name.startswith(".") and c.startswith("*")):
                        nxt.append(ch)
            frontier = nxt
            if not frontier:
                return []
        out: list[tuple[int, Added]] = []
        stack = list(frontier)
        while stack:
            nd = stack.pop()
            out.extend(nd.items.items())
            stack.extend(ch for ch in nd.children.values() if ch.n)
        out.sort(key=lambda t: t[0])
        return out


def removal_words(cmd, cwd) -> list[tuple[int, str]] | None:
    """What an `rm`/`unlink`/`mv` command takes away from where it was: (index in cmd.argv, absolute
    path or glob); for `mv`, its sources. None when it is none of them or nothing is known."""
    if cmd.in_substitution:
        return None
    if cmd.name == "mv":
        out = [(i, t) for i, w in enumerate(cmd.argv[1:-1], 1)
               if not w.startswith("-") and is_static(w) and (t := norm(w, cwd)) is not None]
        return out or None
    return removal_targets(cmd, cwd)


def deletions(stage) -> dict[int, int]:
    """For additions of the lineage (by sequence number in `additions(stage)`) that a later RUN
    deletes (`rm`) or moves away (`mv`): the line of that RUN. Cached per stage."""
    got = getattr(stage, "_layer_deletions", None)
    if got is not None:
        return got
    adds = additions(stage)
    wds = workdirs(stage)
    tree = LiveTree()
    out: dict[int, int] = {}
    k = 0
    for run in stage.all_runs():
        line = run.instruction.start_line
        while k < len(adds) and adds[k].line < line:
            tree.add(k, adds[k])
            k += 1
        wd = wds.get(id(run.instruction), "/")
        for c in run.commands:
            if c.name not in ("rm", "unlink", "mv"):
                continue
            for _i, t in removal_words(c, cwd_of(run, c.index, wd)) or ():
                for seq, _a in tree.covered(t):
                    out[seq] = line
                    tree.remove(seq)
    stage._layer_deletions = out
    return out
