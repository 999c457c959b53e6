"""The multi-stage rewrite: the build stage as written, and a final stage with exactly what runs.

Imported only when DKL101 or DKL102 offers one.  The original stage becomes the build stage
(named `build`, `CGO_ENABLED=0` for Go that goes onto a base without the builder's libc); the
run-time instructions (EXPOSE, USER, VOLUME, STOPSIGNAL, HEALTHCHECK, CMD, ENTRYPOINT, LABEL)
move, with the comments above them, to a new final stage on the runtime base that matches the
toolchain image, its version and libc (images.runtime_image).  The final stage gets what the
model (needs.py) says the container needs: the artifact, CA certificates and time-zone data, the
users USER names, the scripts CMD runs, the runtime libraries of the build's -dev packages, the
programs HEALTHCHECK runs, the ARGs its instructions use.  When a need cannot be shown met, there
is no rewrite and the reason says what is missing: a rewrite that would not start is worse than
none.

The expected output of every case is pinned in tests/rewrites/ (written by hand before this
code); DECISIONS.md there records the layout choices.
"""

from __future__ import annotations

import posixpath
import re

from . import knowledge, needs
from .expand import expand
from .lazyre import LazyRe
from .records import Mutable, Value, setfield

RUNTIME_KEYWORDS = ("EXPOSE", "USER", "LABEL", "HEALTHCHECK", "STOPSIGNAL", "VOLUME", "CMD", "ENTRYPOINT")
# ENV that only the toolchain reads stays in the build stage (see tests/rewrites/DECISIONS.md:
# GODEBUG, GOMEMLIMIT, RUST_LOG … are read by the program and are repeated).
_TOOLCHAIN_ENV = LazyRe(
    r"^(GOPATH|GOFLAGS|GOPROXY|GOPRIVATE|GONOSUMDB|GONOSUMCHECK|GONOPROXY|GOSUMDB|GOOS|GOARCH|GOARM|GOAMD64|"
    r"GOTOOLCHAIN|GOCACHE|GOMODCACHE|GOBIN|GO111MODULE|GOINSECURE|GOEXPERIMENT|CGO_\w+|CARGO\w*|RUSTFLAGS|"
    r"RUSTUP_\w+|RUSTC\w*|RUSTDOCFLAGS|JAVA_HOME|MAVEN\w*|GRADLE\w*|DOTNET_CLI_\w+|DOTNET_SKIP_\w+|"
    r"DOTNET_NOLOGO|NUGET\w*|DEBIAN_FRONTEND|CC|CXX|CFLAGS|CXXFLAGS|CPPFLAGS|LDFLAGS|PIP_\w+|NPM_CONFIG_\w+|"
    r"PKG_CONFIG_PATH|MAKEFLAGS)$")
_TOOLCHAIN_PATH_DIRS = ("/go/bin", "/usr/local/go/bin", "/usr/local/cargo/bin", "/root/.cargo/bin",
                        "/opt/maven/bin", "/usr/share/maven/bin", "/opt/gradle/bin")
_VAR_REF = LazyRe(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_SHELL_BASE_STATIC = "alpine:3.20"  # a base with /bin/sh for a static binary (tests/rewrites 03, 06)


class Refusal(str):
    """Why no rewrite is offered (goes into the finding's help line)."""


class Rewrite(Value):
    """A whole new Dockerfile (``text``), the runtime base it ends on, and notes for the user."""

    text: str
    base: str
    notes: tuple[str, ...]

    __slots__ = _fields = ("text", "base", "notes")

    def __init__(self, text: str, base: str, notes: tuple[str, ...] = ()) -> None:
        setfield(self, "text", text)
        setfield(self, "base", base)
        setfield(self, "notes", notes)


class _Final(Mutable):
    base: str
    base_info: object
    args: list
    packages: list
    workdir: str | None
    copies: list  # (src, dest)
    notes: list

    _fields = ("base", "base_info", "args", "packages", "workdir", "copies", "notes")

    def __init__(self, base: str, base_info: object, args: list | None = None,
                 packages: list | None = None, workdir: str | None = None,
                 copies: list | None = None, notes: list | None = None) -> None:
        self.base = base
        self.base_info = base_info
        self.args = [] if args is None else args
        self.packages = [] if packages is None else packages
        self.workdir = workdir
        self.copies = [] if copies is None else copies
        self.notes = [] if notes is None else notes


# --------------------------------------------------------------------------- the artifact


def _with_recommends(run, op) -> bool:
    """An `apt-get install` that installs recommended packages too (no `--no-install-recommends`),
    so the rewrite keeps them for the packages it carries; `build-dep`/`satisfy` name no package
    the final stage gets, and DKL202 does not count them either."""
    if op.manager != "apt" or op.has_option("--no-install-recommends") or "--no-install-recommends" in op.options:
        return False
    argv = run.command(op.command_index).argv
    return "build-dep" not in argv and "satisfy" not in argv

def _brings_recommends(run, op, name: str) -> bool:
    """Whether installing `name` with `op` brought its recommends into the image: an install with
    recommends on, of a package the base image did not have already (git on a full python image,
    from buildpack-deps, installed without recommends: apt installs nothing). The final stage
    repeats the install with recommends only then (image-processing: imagemagick)."""
    from .layers import base_layer_packages

    return _with_recommends(run, op) and name not in base_layer_packages(run.stage.root_image)


def _program(stage) -> tuple[list[str], object] | None:
    """argv of what the container starts (ENTRYPOINT wrapper judged by CMD), with its command."""
    from .runtime import is_wrapper, programs, runtime_commands

    cmds = {c.kind: c for c in runtime_commands(stage)}
    ep, cmd = cmds.get("ENTRYPOINT"), cmds.get("CMD")
    for c in (ep, cmd):
        if c is None or not c.words:
            continue
        if c is ep and is_wrapper(c.words[0]) and cmd is not None:
            continue
        progs = programs(c)
        if progs:
            argv = list(progs[-1])
            if c is ep and cmd is not None and not ep.shell_form and len(progs) == 1:
                argv += list(cmd.words)  # exec-form ENTRYPOINT ["java"] takes CMD as its arguments
            return argv, c
    return None


def _final_workdir(stage) -> str:
    from .needs import _workdirs_by_line

    wds = _workdirs_by_line(stage)
    return wds[stage.instructions[-1].start_line] if stage.instructions else (
        getattr(stage.root_image, "workdir", None) or "/")


def _installs(stage) -> bool:
    """Whether a RUN of the stage (or its lineage) installs what it built: `make install` (any
    target starting with install), `cmake --install`, `ninja install`, `meson install`."""
    for run in stage.all_runs():
        for c in run.commands:
            args = [a for a in c.argv[1:] if not a.startswith("-")]
            if c.name in ("make", "gmake", "ninja", "meson") and any(a.startswith("install") for a in args):
                return True
            if c.name == "cmake" and "--install" in c.argv:
                return True
    return False


def _on_default_path(path: str) -> bool:
    return posixpath.dirname(path) in needs.DEFAULT_PATH


def artifact(model, stage, build) -> tuple[list[tuple[str, str]] | None, str]:
    """What to copy from the build stage for this build: [(source path, how CMD names it)], or
    (None, why).  The second element is the program word CMD uses ("" when not a program)."""
    prog = _program(stage)
    words = prog[0] if prog else []
    wd = _final_workdir(stage)
    tc = build.toolchain
    out = build.output

    def resolve(word: str) -> str:
        return posixpath.normpath(posixpath.join(wd, word))

    if tc in ("maven", "gradle", "jdk"):
        jar = None
        if words and words[0].rsplit("/", 1)[-1] == "java" and "-jar" in words:
            i = words.index("-jar")
            jar = words[i + 1] if i + 1 < len(words) else None
        if jar is None and words and words[0].rsplit("/", 1)[-1] == "java":
            return _class_path(stage, words, wd)
        if jar is None:
            return None, "CMD does not run the jar with `java -jar`, so dockerlint cannot tell which jar to copy"
        if any(ch in jar for ch in "*?["):
            return None, f"`{jar}` in CMD is a glob: {jar} may match two jars (the boot jar and the -plain jar)"
        return [(resolve(jar), "")], ""
    if tc == "dotnet":
        if out is None:
            return None, "`dotnet publish` has no output directory: add `-o /app/publish` so the result can be copied"
        return [(out, "")], ""
    if tc in ("make", "cmake", "gcc") and (out is None or build.output_is_dir):
        prefix = _install_prefix(stage)
        if prefix is None and words and posixpath.dirname(words[0]) in ("/usr/local/bin", "/usr/local/sbin"):
            # no prefix given, and CMD starts the program from /usr/local: the default prefix of
            # autoconf (configure --help: "[/usr/local]"), CMake (CMAKE_INSTALL_PREFIX) and Meson
            prefix = "/usr/local"
        img = stage.root_image
        if prefix is None and img is not None and img.kind == "service":
            return None, (f"dockerlint cannot tell which files `make install` added to `{img.ref}` "
                          "(an extension's library and data files): copy those into a fresh image")
        if prefix is None and not _installs(stage):
            # `qmake && make` in /src, ENTRYPOINT /src/app: the program stays in the build tree
            # among the objects (cathode; 14 of the 41 such findings on both corpora)
            return None, ("the build has no install step, so dockerlint cannot tell which of the files it leaves "
                          "in its tree the program needs: install it (`make install PREFIX=…`, `cmake --install`) "
                          "or name the output (`-o`)")
        if prefix is None:
            return None, ("dockerlint could not tell where `make install` puts the program: give `./configure "
                          "--prefix=…`, `make install PREFIX=…` or `cmake --install … --prefix …`")
        scattered = _install_paths_beyond_prefix(stage)
        if scattered:
            return None, (f"the build's {', '.join(f'`{o}`' for o in scattered[:3])} put files outside the prefix "
                          f"`{prefix}`: dockerlint cannot tell everything `make install` writes")
        if prefix in ("/usr/local", "/usr"):
            if not words:
                return None, "CMD does not name the program to copy"
            name = words[0]
            path = resolve(name) if "/" in name else posixpath.join(prefix, "bin", name)
            return [(path, name if "/" not in name else ""), (posixpath.join(prefix, "lib"), "")], ""
        return [(prefix, "")], ""
    # a binary: go, rust, gcc -o
    if out is not None and not build.output_is_dir:
        name = words[0] if words and "/" not in words[0] else ""
        return [(out, name)], ""
    if not words:
        return None, "CMD/ENTRYPOINT do not run the program, so dockerlint cannot tell which file the build produces"
    w = words[0]
    if out is not None and build.output_is_dir:
        from .builds import follow

        if "/" in w:
            path = resolve(w)
            built = posixpath.join(out, posixpath.basename(path))
            if follow(stage, build, built) != path and posixpath.dirname(path) != out:
                return None, (f"CMD runs `{w}`, which is not where `{' '.join(build.command.argv[:2])}` "
                              f"writes ({out})")
        else:
            path = follow(stage, build, posixpath.join(out, w))
        return [(path, w if "/" not in w else "")], ""
    return None, "dockerlint could not tell which file the build produces; name it with `-o`"


# java launcher options whose value is the next word (`java --help`); every other option is one word
_JAVA_VALUE_OPTIONS = frozenset({"-cp", "-classpath", "--class-path", "-p", "--module-path",
                                 "--upgrade-module-path", "--add-modules", "--enable-native-access",
                                 "--add-reads", "--add-exports", "--add-opens", "--limit-modules",
                                 "--patch-module", "--source"})


def _class_path(stage, words: list[str], wd: str) -> tuple[list[tuple[str, str]] | None, str]:
    """What to copy for `java [options] MAINCLASS` (no jar): each class-path entry resolved from
    WORKDIR, a directory as a whole, marked by a trailing `/` (copied to its own path, never into
    `.`).  The class path is `-cp`/`-classpath`/`--class-path`, else `.` (the JVM's default without
    CLASSPATH).  A class path entry that is the root directory cannot be copied: only a main class
    in no package allows it, as the top-level `.class` files (`/*.class`: javac writes a class and
    its nested classes beside each other).  (None, why) for modules, source-file mode, variables."""
    if "CLASSPATH" in stage.env:
        return None, "CLASSPATH is set by ARG or ENV, so dockerlint cannot tell which files the program loads"
    cp, main, i = None, None, 1
    while i < len(words):
        w = words[i]
        if w in ("-m", "--module") or w.startswith("--module="):
            return None, "CMD runs a Java module, which dockerlint cannot locate"
        if w in _JAVA_VALUE_OPTIONS:
            if w in ("-cp", "-classpath", "--class-path") and i + 1 < len(words):
                cp = words[i + 1]
            i += 2
            continue
        if w.startswith("--class-path="):
            cp = w.split("=", 1)[1]
        elif not w.startswith("-"):
            main = w
            break
        i += 1
    if main is None or "$" in main or main.endswith(".java"):
        return None, "CMD does not name the main class (or runs a source file), so dockerlint cannot tell what to copy"
    entries = (cp if cp is not None else ".").split(":")
    if "$" in (cp or "") or any(not e for e in entries):
        return None, "the class path is written through variables or has an empty entry"
    out = []
    for e in entries:
        path = posixpath.normpath(posixpath.join(wd, e.rstrip("*") or "."))
        if path == "/":
            if "." in main or e.endswith("*"):
                return None, (f"the class path {e} is the root directory: dockerlint cannot tell which of its "
                              "files the program loads")
            out.append(("/*.class", ""))
        elif e.endswith((".jar", ".zip", ".JAR")):
            out.append((path, ""))
        else:
            out.append((path + "/", ""))
    return out, ""


_PATH_OPTION = LazyRe(r"--(?:[a-z-]+-path|(?:s?bin|lib|libexec|sysconf|data|localstate|include|man)dir)="
                          r"|-DCMAKE_INSTALL_(?!PREFIX=)[A-Z_]+DIR=")


# interpreters CMD may start, and the runtime images that have them
_INTERPRETERS = {"java": ("eclipse-temurin", "openjdk", "amazoncorretto", "ibm-semeru", "sapmachine", "tomcat",
                          "jetty", "distroless/java"),
                 "python": ("python",), "python3": ("python",), "node": ("node",), "ruby": ("ruby",),
                 "php": ("php",), "dotnet": ("aspnet", "runtime", "dotnet")}
_DATA_FILE = LazyRe(r"\.(?:toml|conf|cfg|ini|json|ya?ml|xml|properties|env|db|sqlite3?|pem|crt|key)$")


def _runtime_files_missing(stage, build, prog, final, workdir: str, copies) -> str | None:
    """Why the final stage would lack a file the program needs at start, or None.

    Seed-5 review: a config file CMD names (`-c /usr/src/udpt/udpt.toml`) and content a context
    ADD puts in place after the build (`ADD ./content /content`) stayed in the build stage, and
    the container could not start.  Both are refused rather than guessed at.
    """
    srcs = [src for src, _d in final.copies]

    def covered(path: str) -> bool:
        return any(path == s or path.startswith(s.rstrip("/") + "/") for src in srcs for s in src.split())

    volumes = [posixpath.normpath(posixpath.join(workdir, a.text)) for ins in stage.instructions
               if ins.keyword == "VOLUME" for a in ins.args]

    def runtime_data(path: str) -> bool:  # a volume's files are made at run time or mounted
        return any(path == v or path.startswith(v.rstrip("/") + "/") for v in volumes)

    if prog is not None:
        words, _cmd = prog
        for w in words[1:]:
            value = w.split("=", 1)[1] if w.startswith("-") and "=" in w else w
            if "$" in value or value.startswith("-") or not ("/" in value or _DATA_FILE.search(value)):
                continue
            if "://" in value or value.startswith(("/dev/", "/proc/", "/tmp/", "/sys/")):
                continue
            path = posixpath.normpath(posixpath.join(workdir, value))
            if not covered(path) and not runtime_data(path):
                return f"CMD names `{value}`, which the final stage would not have"
    # the programs CMD/ENTRYPOINT start: an interpreter the build stage had from a build-only
    # package (a JDK's `java`) is not on the final base (seed-6 review: `java -jar` on ubuntu)
    from .runtime import programs, runtime_commands

    base_name_ = final.base.split("@")[0].rsplit("/", 1)[-1].split(":")[0]
    for c in runtime_commands(stage):
        if c.kind == "HEALTHCHECK":
            continue
        for argv in programs(c):
            p = argv[0].rsplit("/", 1)[-1]
            if p in _INTERPRETERS and not base_name_.startswith(_INTERPRETERS[p]):
                return f"{c.kind} runs `{p}`, which `{final.base}` does not have"
    # RUNs that configure the system (files under /etc or /var, services, databases): the final
    # stage installs the runtime packages again but would not repeat them
    for run in stage.all_runs():
        for cmd in run.commands:
            argv = cmd.argv
            if not argv or cmd is build.command:
                # the build RUN's other commands count too: `cp -R … /etc/cfssl && go install` (enpingwu2018)
                continue
            redirects = " ".join(cmd.shell.redirects) if cmd.shell is not None else ""
            touched = [a for a in (*argv[1:], *redirects.split()) if a.startswith(("/etc/", "/var/"))
                       and not a.startswith(("/etc/apt", "/var/lib/apt", "/var/cache", "/etc/ssl"))]
            if cmd.name in ("service", "psql", "createdb", "mysql", "initdb") or (
                    touched and cmd.name in ("echo", "printf", "sed", "tee", "cat", "cp", "mv", "ln", "chown", "chmod")):
                return (f"the RUN at line {run.instruction.start_line} configures the system (`{' '.join(argv[:3])}`), "
                        "which the final stage would not repeat")
    for ins in stage.instructions:
        if ins.keyword not in ("COPY", "ADD") or ins.start_line < build.run.instruction.start_line:
            continue
        if any(f.name == "from" for f in ins.flags) or len(ins.args) < 2:
            continue
        dest = posixpath.normpath(posixpath.join(workdir, ins.args[-1].text))
        if all(covered(posixpath.join(dest, posixpath.basename(a.text))) or covered(dest) for a in ins.args[:-1]):
            continue  # a script the final stage copies anyway
        return (f"the {ins.keyword} at line {ins.start_line} adds files after the build, which the program "
                "may read at run time: the rewrite would leave them in the build stage")
    return None


def _install_paths_beyond_prefix(stage) -> list[str]:
    """configure/cmake options that send installed files elsewhere than the prefix
    (`--sbin-path=/usr/local/sbin`, `--conf-path=/etc/nginx/nginx.conf`, `--sysconfdir=/etc`)."""
    out = []
    for run in stage.all_runs():
        for c in run.commands:
            for a in c.argv[1:]:
                m = _PATH_OPTION.match(a)
                if m:
                    out.append(m.group(0).rstrip("="))
    return out


def _install_prefix(stage) -> str | None:
    """The prefix `make install`/`cmake --install` write to, from the commands of the stage."""
    from .builds import install_prefix

    return install_prefix(stage.all_runs())


# --------------------------------------------------------------------------- the base

def _cgo_on(stage, build) -> bool:
    if build.toolchain != "go":
        return False
    from .builds import cgo_state

    on, _why = cgo_state(build, stage)
    explicit = "CGO_ENABLED" in build.run.env or any(n == "CGO_ENABLED" for n, _ in build.command.assignments)
    return bool(on) and explicit


def _runtime_base(stage, build, cgo: bool) -> tuple[str | None, list[str], str]:
    """(base ref, notes, why not) for the build's output."""
    img = stage.root_image
    if img is None or img.family is None:
        return None, [], f"the base image `{stage.base}` is not one dockerlint knows"
    rt = knowledge.runtime_image(img.ref, cgo=cgo)
    if rt is not None:
        return rt.ref, list(rt.notes), ""
    # an OS image with the toolchain installed by packages
    if build.toolchain == "go" and not cgo:
        return "scratch", [], ""
    # a service image (postgres, nginx …) that builds an extension: the result goes back onto a
    # fresh copy of the same image, without the build packages
    if img.kind == "service":
        return img.ref, [], ""
    rel = img.release
    if img.family == "debian" and img.name in ("debian",) and rel:
        return f"debian:{rel}-slim", [], ""
    if img.family == "debian" and img.name == "ubuntu" and rel and img.tag not in (None, "latest", "rolling"):
        return img.ref, [], ""
    if img.family == "alpine" and img.name == "alpine":
        ver = (img.tag or "").split("-")[0]
        if ver and ver[0].isdigit():
            return f"alpine:{ver}", [], ""
        return _SHELL_BASE_STATIC, [], ""
    return None, [], f"dockerlint knows no runtime base for `{img.ref}`"


# --------------------------------------------------------------------------- moving instructions

def _comment_block(lines: list[str], ins_line: int, taken: set[int]) -> list[int]:
    """Line numbers of the comment lines directly above an instruction (no blank line between)."""
    out = []
    k = ins_line - 1
    while k >= 1 and lines[k - 1].lstrip().startswith("#") and k not in taken:
        out.append(k)
        k -= 1
    out.reverse()
    return out


def _is_runtime_env(ins) -> bool:
    if not ins.pairs:
        return False
    for key, val in ins.pairs:
        k = key.text
        if k == "PATH":
            dirs = (val.text if val else "").replace("${PATH}", "").replace("$PATH", "").split(":")
            if any(d and d not in _TOOLCHAIN_PATH_DIRS for d in dirs):
                return True
            continue
        if not _TOOLCHAIN_ENV.match(k):
            return True
    return False


class _Item(Mutable):
    lines: list[str]
    first: int  # first line (comment or instruction)
    last: int
    keyword: str
    instruction: object
    moved: bool  # True: removed from the build stage; False: repeated (ENV)

    _fields = ("lines", "first", "last", "keyword", "instruction", "moved")

    def __init__(self, lines: list[str], first: int, last: int, keyword: str, instruction: object,
                 moved: bool) -> None:
        self.lines = lines
        self.first = first
        self.last = last
        self.keyword = keyword
        self.instruction = instruction
        self.moved = moved


def _collect(stage, lines, directive_lines: set[int]) -> list[_Item]:
    items = []
    taken: set[int] = set(directive_lines)
    for ins in stage.instructions:
        kw = ins.keyword
        if kw in RUNTIME_KEYWORDS:
            block = _comment_block(lines, ins.start_line, taken)
            first = block[0] if block else ins.start_line
            text = [lines[n - 1] for n in block] + lines[ins.start_line - 1: ins.end_line]
            items.append(_Item(text, first, ins.end_line, kw, ins, True))
            taken.update(range(first, ins.end_line + 1))
        elif kw == "ENV" and _is_runtime_env(ins):
            items.append(_Item(lines[ins.start_line - 1: ins.end_line], ins.start_line, ins.end_line, kw, ins, False))
    return items


def _build_stage(lines, stage, items, name: str, lower: bool, cgo_edit) -> list[str]:
    """The original lines minus the moved blocks, FROM named, CGO_ENABLED=0 inserted."""
    drop: set[int] = set()
    for it in items:
        if it.moved:
            drop.update(range(it.first, it.last + 1))
    out: list[tuple[int, str]] = []
    fl = stage.from_instruction.span.line
    for n, text in enumerate(lines, 1):
        if n in drop:
            out.append((n, None))
            continue
        if n == fl and stage.name is None:
            text = text.rstrip() + (" as " if lower else " AS ") + name
        if cgo_edit is not None and n == cgo_edit[0]:
            col = cgo_edit[1]
            text = text[: col - 1] + "CGO_ENABLED=0 " + text[col - 1:]
        out.append((n, text))
    # a removed block between two blank lines leaves one blank line, not two
    kept: list[str] = []
    prev_removed = False
    for _n, text in out:
        if text is None:
            prev_removed = True
            continue
        if prev_removed and not text.strip() and kept and not kept[-1].strip():
            prev_removed = False
            continue
        prev_removed = False
        kept.append(text)
    while kept and not kept[-1].strip():
        kept.pop()
    return kept


def _final_items(items, lines) -> list[str]:
    """The moved and repeated items, in order, one blank line where the original had one."""
    out: list[str] = []
    prev = None
    for it in items:
        if prev is not None:
            gap = range(prev.last + 1, it.first)
            if any(not lines[n - 1].strip() for n in gap):
                out.append("")
        out.extend(it.lines)
        prev = it
    return out


# --------------------------------------------------------------------------- needs

def _arg_lines(stage, used_text: str, model) -> list[str]:
    """ARG re-declarations for the variables the final stage's instructions use."""
    names = list(dict.fromkeys(_VAR_REF.findall(used_text)))
    out = []
    for name in names:
        for ins in stage.instructions:
            if ins.keyword != "ARG":
                continue
            for key, val in ins.pairs:
                if key.text == name:
                    out.append(f"{name}={val.text}" if val is not None else name)
                    break
            else:
                continue
            break
    return list(dict.fromkeys(out))


def _health_programs(stage) -> list[str]:
    from .runtime import programs, runtime_commands

    progs = []
    for c in runtime_commands(stage):
        if c.kind != "HEALTHCHECK":
            continue
        for argv in programs(c):
            p = argv[0].rsplit("/", 1)[-1]
            if p in ("curl", "wget", "nc", "netcat", "pg_isready", "redis-cli", "grpc_health_probe"):
                progs.append(p)
    return list(dict.fromkeys(progs))


def _shell_commands(stage) -> list:
    """Shell-form CMD/ENTRYPOINT/HEALTHCHECK of the stage, as runtime commands."""
    from .runtime import runtime_commands

    return [c for c in runtime_commands(stage) if c.shell_form and c.instruction is not None]


# --------------------------------------------------------------------------- the rewrite

def multistage_rewrite(model, stage, build) -> tuple[Rewrite | None, str | None]:
    """(Rewrite, None), or (None, why not) when the rewrite cannot be shown to build and start."""
    if len(model.stages) != 1 or stage.parent is not None:
        return None, "the Dockerfile has more than one stage"
    if build.run.instruction.json:
        return None, "the build RUN is in exec form"
    img = stage.root_image
    if img is None or img.is_windows:
        return None, "the base image is not one dockerlint knows"
    copies, why = artifact(model, stage, build)
    if copies is None:
        return None, why
    cgo = _cgo_on(stage, build)
    base, notes, why = _runtime_base(stage, build, cgo)
    if base is None:
        return None, why
    prog = _program(stage)
    workdir = _final_workdir(stage)

    # shell: shell-form commands that use shell features, and scripts, need /bin/sh
    shell_needed = ""
    exec_form: dict[int, str] = {}
    for c in _shell_commands(stage):
        text = c.instruction.args[-1].text if c.instruction.args else ""
        if needs.uses_shell_features(text):
            shell_needed = f"the shell-form {c.kind} uses shell features"
        else:
            exec_form[id(c.instruction)] = needs.as_exec_form(text)
    scripts: list[str] = []
    if prog is not None:
        words, cmd = prog
        from .runtime import runtime_commands

        for c in runtime_commands(stage):
            if c.kind not in ("CMD", "ENTRYPOINT") or not c.words or c.instruction is None:
                continue
            w = c.words[0]
            if w.endswith((".sh", ".bash")) or "entrypoint" in w.lower():
                src, why = needs.script_source(stage, w, workdir)
                if src is None:
                    return None, why
                scripts.append(src)
                shell_needed = shell_needed or f"`{w}` is a shell script"
    base_info = knowledge.image_info(base)
    if shell_needed and base_info.shell == "":
        if base == "scratch":
            base, base_info = _SHELL_BASE_STATIC, knowledge.image_info(_SHELL_BASE_STATIC)
        else:
            return None, f"{shell_needed}, and `{base}` has no shell"
    if base_info.shell:
        exec_form = {}
    lower = stage.from_instruction.raw_keyword.islower()
    final = _Final(base, base_info, notes=notes)
    manager = {"debian": "apt", "alpine": "apk"}.get(base_info.family or "")

    # HEALTHCHECK programs
    for p in _health_programs(stage):
        if manager is None:
            return None, f"HEALTHCHECK uses {p}, which `{base}` does not have"
        if not (p == "wget" and base_info.family == "alpine"):
            final.packages.append(p)

    # CA certificates and time-zone data
    if needs.has_ca_certs(stage):
        if base == "scratch":
            final.copies.append(("/etc/ssl/certs/ca-certificates.crt", "/etc/ssl/certs/"))
        elif manager == "apt" and base_info.name == "debian":
            final.packages.append("ca-certificates")
    if needs.has_tzdata(stage):
        if base == "scratch":
            final.copies.append(("/usr/share/zoneinfo", "/usr/share/zoneinfo"))
        elif manager == "apt" and base_info.name == "debian":
            final.packages.append("tzdata")

    # runtime packages the original installed and kept (not build-only): installed again on a base
    # of the same distribution and release (the same names exist there), else no rewrite
    from .packages import base_name

    same_release = base_info.family == img.family and base_info.release == img.release and img.release
    recommends = False
    for run in stage.all_runs():
        for op, pkg in run.kept_packages:
            if op.manager not in ("apt", "apk"):
                continue
            name = base_name(pkg)
            if knowledge.build_only_package(op.manager, name) is not None or name in ("ca-certificates", "tzdata"):
                continue
            if not same_release or op.manager != manager or "/" in pkg:
                return None, (f"the image also installs `{name}`, which `{base}` does not have: dockerlint cannot "
                              "show the program runs without it")
            final.packages.append(pkg)
            recommends = recommends or _brings_recommends(run, op, name)

    # runtime libraries of the -dev packages the build linked against
    if build.toolchain != "go" or cgo:
        release = base_info.release
        for mgr, name in needs.kept_packages(stage):
            if not needs.is_dev_package(mgr, name):
                continue
            libs = needs.runtime_libraries(mgr, name, release)
            if libs is None:
                return None, (f"dockerlint does not know which runtime library `{name}` stands for on "
                              f"{needs.release_label(release)}")
            final.packages.extend(libs)
        # C++ links libstdc++, which alpine does not carry: make/CMake builds may be C++
        cxx = build.toolchain in ("make", "cmake") or build.command.name in ("g++", "c++", "clang++")
        if manager == "apk" and cxx and any(n in ("g++", "build-base") for _m, n in needs.kept_packages(stage)):
            final.packages.append("libstdc++")

    # users
    from .runtime import runtime_commands  # noqa: F401  (users come from USER instructions)

    for ins in stage.instructions:
        if ins.keyword != "USER" or not ins.args:
            continue
        user = ins.args[0].text.split(":", 1)[0]
        if user.isdigit() or "$" in user:
            continue
        has = needs.base_has_user(base_info, user)
        if has:
            continue
        same_family = (base_info.family == img.family and base_info.release == img.release) or base == "scratch"
        if has is None or not same_family:
            return None, f"USER {user}: dockerlint cannot show that `{base}` has that user"
        final.copies.append(("/etc/passwd /etc/group", "/etc/"))
        break

    # scripts, then the artifact
    for s in scripts:
        final.copies.append((s, s))
    for src, name in copies:
        if src.endswith("/*.class"):
            dest = posixpath.dirname(src).rstrip("/") + "/"
        elif src.endswith("/"):  # a directory of the class path: to its own path, not into `.`
            src = dest = src.rstrip("/")
        elif name and not _on_default_path(src):
            dest = posixpath.join("/usr/local/bin", name)
        elif workdir != "/" and posixpath.dirname(src) == workdir and not src.endswith("/lib"):
            dest = "."
        elif src == workdir:
            dest = "."
        else:
            dest = src
        final.copies.append((src, dest))
    final.workdir = workdir if workdir != "/" else None
    why = _runtime_files_missing(stage, build, prog, final, workdir, copies)
    if why:
        return None, why

    # go: CGO_ENABLED=0 unless cgo is explicitly on
    cgo_edit = None
    if build.toolchain == "go" and not cgo and not any(n == "CGO_ENABLED" for n, _ in build.command.assignments) \
            and "CGO_ENABLED" not in build.run.env:
        sh = build.command.shell
        w = next((w for w in sh.argv if w.text == build.command.argv[0]), None) if sh else None
        if w is None:
            return None, "the go command could not be located for CGO_ENABLED=0"
        cgo_edit = (w.span.line, w.span.column)

    parsed = model.parsed
    lines = list(parsed.lines)
    directive_lines = {d.span.line for d in parsed.directives}
    items = _collect(stage, lines, directive_lines)
    build_name = stage.name or "build"
    head = _build_stage(lines, stage, items, build_name, lower, cgo_edit)
    for it in items:
        if id(it.instruction) in exec_form:
            ins = it.instruction
            kw_text = lines[ins.start_line - 1][: ins.rest_map.locate(0)[1] - 1]
            it.lines = it.lines[: len(it.lines) - (ins.end_line - ins.start_line + 1)] + [
                kw_text + exec_form[id(ins)]]
    moved_text = "\n".join(line for it in items for line in it.lines)
    final.args = _arg_lines(stage, moved_text, model)

    def kw(word: str) -> str:
        return word.lower() if lower else word

    tail = ["", f"{kw('FROM')} {final.base}"]
    tail.extend(f"{kw('ARG')} {a}" for a in final.args)
    pkgs = sorted(dict.fromkeys(final.packages))
    if pkgs:
        if manager == "apt":
            recs = "" if recommends else "--no-install-recommends "
            tail.append(f"{kw('RUN')} apt-get update && apt-get install -y {recs}"
                        f"{' '.join(pkgs)} && rm -rf /var/lib/apt/lists/*")
        elif manager == "apk":
            tail.append(f"{kw('RUN')} apk add --no-cache {' '.join(pkgs)}")
    if final.workdir:
        tail.append(f"{kw('WORKDIR')} {final.workdir}")
    tail.extend(f"{kw('COPY')} --from={build_name} {src} {dest}" for src, dest in final.copies)
    tail.extend(_final_items(items, lines))
    text = "\n".join(head + tail) + "\n"
    if parsed.newline != "\n":
        text = text.replace("\n", parsed.newline)
    if parsed.bom:
        text = "\ufeff" + text
    return Rewrite(text, final.base, tuple(final.notes)), None


def base_expand(stage, text: str) -> str:
    return expand(text, stage.env, "\\")[0]


# --------------------------------------------------------------------------- interpreted apps (DKL102)

from .builds import compiles_anything, venv_dir  # noqa: E402  (compiles_anything also re-exported: build_only_package)


def slim_from_edit(model, stage):
    """(Edit of the FROM image word to the slim variant, title) for an image that compiles nothing,
    or (None, why)."""
    from .findings import Edit

    root = stage.lineage[0]
    img = root.image
    if img is None:
        return None, "the base image is not known"
    rt = knowledge.runtime_image(img.ref)
    if rt is None:
        return None, f"dockerlint knows no slim variant of `{img.ref}`"
    if compiles_anything(stage):
        return None, "a RUN may compile native code, so the slim variant alone could break the build"
    used = _uses_full_image_tool(stage)
    if used is not None:
        # seed-10 review: `curl` on ruby:2-slim (tdtds/massr), `git clone` on node:26-slim
        return None, f"the RUN at line {used[0]} runs `{used[1]}`, which `{rt.ref}` does not have"
    word = root.from_instruction.args[0]
    new = rt.ref
    if "$" in word.text:
        # keep the build argument: `node:${NODE_VERSION}` -> `node:${NODE_VERSION}-slim`
        if rt.ref != img.ref + "-slim":
            return None, f"the image is named through a build argument (`{word.text}`)"
        new = word.text + "-slim"
    title = f"Use `{new}`, which has no compilers"
    if rt.notes:
        title += " (" + "; ".join(rt.notes) + ")"
    return (Edit(word.span, new), title), None


def _written_in(stage, folder: str) -> bool:
    """Whether a COPY/ADD of the stage targets `folder` (or below it), or a RUN runs there."""
    from .needs import _workdirs_by_line

    wds = _workdirs_by_line(stage)
    for ins in stage.instructions:
        cwd = wds.get(ins.start_line, "/")
        if ins.keyword in ("COPY", "ADD") and len(ins.args) >= 2:
            dest = posixpath.normpath(posixpath.join(cwd, ins.args[-1].text))
            if dest == folder or _inside(dest, folder) or "$" in dest:
                return True
        elif ins.keyword == "RUN" and (cwd == folder or _inside(cwd, folder)):
            return True
    return False


def _uses_full_image_tool(stage) -> tuple[int, str] | None:
    """(line, program) of the first RUN command that runs a tool the full language image has and
    its slim variant lacks (git, curl, wget, unzip …: build_only_package._FULL_IMAGE_TOOLS) and
    that no install of the stage before it brings; None when there is none."""
    from .checks.build_only_package import _FULL_IMAGE_TOOLS
    from .packages import base_name

    installed: set[str] = set()
    for run in stage.all_runs():
        for c in run.commands:
            for op in run.package_ops:
                if op.command_index == c.index and op.action == "install":
                    installed.update(base_name(p) for p in op.packages)
            name = c.name
            if name in _FULL_IMAGE_TOOLS and name not in installed and not (
                    name == "git" and "git" in installed) and not c.in_substitution:
                return run.instruction.start_line, name
    return None


# Programs every Debian slim and Alpine image has (Debian: Priority required packages passwd,
# coreutils, sed, login; Alpine: busybox), so a RUN that uses only them can run again in the
# final stage (tests/rewrites/DECISIONS.md "RUNs that are run again").
_REPLAY_PROGRAMS = frozenset({"useradd", "groupadd", "usermod", "adduser", "addgroup", "chown", "chgrp",
                              "chmod", "mkdir", "ln", "touch", "sed"})
_USER_PROGRAMS = frozenset({"useradd", "groupadd", "usermod", "adduser", "addgroup"})
# Commands that leave nothing in the image outside the RUN (or only remove files).
_NOOP_PROGRAMS = frozenset({"cd", "set", "export", "true", ":", "rm", "ls", "which", "test", "[", "pwd", "sleep",
                            "whoami", "id", "echo", "printf", "env", "unset", "type", "command"})
# Files a dependency install reads: a context COPY of only these before the install is not
# repeated in a Python final stage (the venv/site-packages copy holds what they produced).
_MANIFESTS = LazyRe(r"^(requirements[^/]*\.(txt|in)|constraints[^/]*\.txt|Pipfile(\.lock)?|pyproject\.toml|"
                        r"poetry\.lock|setup\.(py|cfg)|Gemfile(\.lock)?|Gemfile\*|[^/]*\.gemspec|"
                        r"package(-lock)?\.json|package\*\.json|yarn\.lock|pnpm-lock\.yaml|\.npmrc)$")
# node-gyp needs Python, make and a C++ compiler (github.com/nodejs/node-gyp README, "On Unix"):
# python installed next to a compiler in a Node image is node-gyp's, not the app's.
_NODE_GYP_PYTHON = frozenset({"python", "python2", "python3", "python-is-python3"})
# pip packages whose data files (outside site-packages and bin) the program reads at start.
_PIP_DATA_PACKAGES = frozenset({"jupyter", "jupyterlab", "notebook", "voila", "jupyterhub", "nbclassic"})


class _Plan(Mutable):
    """What the final stage of an interpreted app's rewrite holds, gathered from the stage's RUNs."""

    copies: list  # (src, dest) from the build stage
    packages: list  # runtime packages installed again, as written
    recommends: bool  # a kept package was installed with Recommends
    replay: list  # RUN instructions run again in the final stage
    users: set  # names the replayed RUNs create
    last_install: int  # line of the last RUN that installs dependencies

    _fields = ("copies", "packages", "recommends", "replay", "users", "last_install")

    def __init__(self, copies: list | None = None, packages: list | None = None,
                 recommends: bool = False, replay: list | None = None, users: set | None = None,
                 last_install: int = 0) -> None:
        self.copies = [] if copies is None else copies
        self.packages = [] if packages is None else packages
        self.recommends = recommends
        self.replay = [] if replay is None else replay
        self.users = set() if users is None else users
        self.last_install = last_install


def _python_xy(img) -> str | None:
    """`3.12` for python:3.12 / 3.12.4 / 3.12-bookworm; None when the tag names no minor version."""
    m = re.fullmatch(r"(\d+)\.(\d+)(?:\.\d+)*", img.version or "")
    return f"{m.group(1)}.{m.group(2)}" if m else None


def _path_args(c) -> list[str]:
    """The operands of a file command that are paths (options and chown/chmod's first operand dropped)."""
    args = [a for a in c.argv[1:] if not a.startswith("-")]
    if c.name in ("chown", "chgrp", "chmod") and args:
        args = args[1:]
    if c.name in _USER_PROGRAMS or c.name in ("sed", "bundle", "bundler"):
        return []
    return args


def _inside(path: str, root: str) -> bool:
    return root != "/" and (path == root or path.startswith(root.rstrip("/") + "/"))


def _interpreted_plan(stage, lang: str, workdir: str, app_copied: bool, rt_ref: str, base_info):
    """(_Plan, None) or (None, why): what every RUN of the stage leaves in the image, and how the
    final stage gets it again — copied from the build stage, installed again, run again — or why
    one of them cannot be had."""
    from .aptlists import changes_apt_sources
    from .builds import cd_to
    from .packages import base_name, package_ops
    from .runtime import runs_unseen_script

    plan = _Plan()
    wds = needs._workdirs_by_line(stage)
    runtime = stage.runtime_programs
    unseen = runs_unseen_script(stage)
    used_programs = {c.name for r in stage.all_runs() for c in r.commands}
    gem_home = None
    if lang == "ruby":
        gem_home = stage.env.get("GEM_HOME") or "/usr/local/bundle"
        if "$" in gem_home:
            return None, "GEM_HOME is set through a variable"
        plan.copies.append((gem_home, gem_home))
        bundle_path = stage.env.get("BUNDLE_PATH")
        if bundle_path and bundle_path != gem_home:
            bp = posixpath.normpath(posixpath.join(workdir, bundle_path))
            if "$" in bp:
                return None, "BUNDLE_PATH is set through a variable"
            if not (app_copied and _inside(bp, workdir)):
                plan.copies.append((bp, bp))
    venv = venv_dir(stage) if lang == "python" else None
    site = None
    if lang == "python":
        if venv is not None:
            plan.copies.append((venv, venv))
        else:
            img = stage.root_image
            # the runtime's version where the builder's tag floats (python:3, pinned with the
            # runtime to python:3.14-slim by interpreted_rewrite)
            xy = (_python_xy(img) or _python_xy(base_info)) if img.name.rsplit("/", 1)[-1] == "python" else None
            if xy is None:
                return None, (f"`{img.ref}` does not name the Python version (X.Y), so dockerlint cannot tell which "
                              f"site-packages directory pip installed into: pin the tag (`python:3.12`) or install into "
                              "a virtual environment (`python -m venv /opt/venv` and `ENV PATH=/opt/venv/bin:$PATH`)")
            site = f"/usr/local/lib/python{xy}/site-packages"
    global_npm = False
    user_site = False
    for run in stage.all_runs():
        ins = run.instruction
        line = ins.start_line
        if ins.json or run.shell_script is None or run.shell_script.has_errors or ins.heredocs or run.mounts:
            return None, f"the RUN at line {line} cannot be read through its shell syntax"
        cwd, old_cwd = wds.get(line, "/"), None
        kinds = set()
        replay_cwd_free = True
        for c in run.commands:
            if not c.argv:
                continue
            name = c.name
            argv = list(c.argv)
            text = " ".join(argv) + " " + " ".join(c.shell.redirects if c.shell is not None else ())
            if changes_apt_sources(text):
                return None, f"the RUN at line {line} changes apt's sources, which the final stage would not have"
            if c.in_substitution:
                continue
            if name == "cd":
                target = argv[1] if len(argv) > 1 else "/root"
                if "$" in target:
                    return None, f"the RUN at line {line} changes to a directory dockerlint cannot resolve"
                cwd, old_cwd = cd_to(target, cwd, old_cwd)  # `cd -` as builds._cwd reads it
                continue
            ops = [o for o in package_ops(list(c.raw_argv), c.index)]
            if ops:
                for op in ops:
                    why = _dependency_op(op, lang, line)
                    if why:
                        return None, why
                    if op.manager in ("npm", "pnpm") and op.action == "install" and op.has_option("-g", "--global"):
                        prefix = next((v for k, v in run.env.items() if k.lower() == "npm_config_prefix"), None)
                        if prefix is not None:
                            # the packages go under that prefix, not /usr/local (ssb-pub)
                            return None, (f"the RUN at line {line} installs Node packages globally under "
                                          f"NPM_CONFIG_PREFIX, not /usr/local")
                        global_npm = True
                    elif (lang == "node" and op.manager in ("npm", "yarn", "pnpm") and op.action == "install"
                          and app_copied and not (cwd == workdir or _inside(cwd, workdir))):
                        # node_modules lands in the RUN's directory: outside the app dir the final
                        # stage copies, so `require` would not find it
                        return None, (f"the RUN at line {line} installs into `{posixpath.join(cwd, 'node_modules')}`"
                                      f", outside the app directory `{workdir}` the final stage copies")
                    if op.manager == "pip" and op.action == "install" and op.has_option("--user"):
                        user_site = True
                    if op.manager == "pip" and any(base_name(p).lower() in _PIP_DATA_PACKAGES for p in op.packages):
                        return None, (f"the RUN at line {line} installs a Jupyter package, whose data files under "
                                      "/usr/local/share the rewrite would not copy")
                    if op.manager in ("pip", "npm", "yarn", "pnpm", "gem") and op.action == "install":
                        plan.last_install = max(plan.last_install, line)
                kinds.add("dep")
                continue
            if any(a in ("--version", "-v", "-V", "version") for a in argv[1:2]):
                continue  # `node --version`, `python -V`: prints and leaves nothing
            dep = _dependency_command(argv, lang)
            if dep == "install":
                plan.last_install = max(plan.last_install, line)
                kinds.add("dep")
                continue
            if dep == "app" and app_copied and _inside(cwd, workdir) or dep == "app" and app_copied and cwd == workdir:
                kinds.add("dep")  # writes into the app dir, which is copied
                continue
            if dep == "refuse":
                return None, f"the RUN at line {line} runs `{' '.join(argv[:3])}`, whose result dockerlint cannot locate"
            if name in _NOOP_PROGRAMS and not (c.shell is not None and c.shell.redirects):
                continue
            if name == "mkdir" and all(workdir == p or _inside(workdir, p) or (app_copied and _inside(p, workdir))
                                       for p in (posixpath.normpath(posixpath.join(cwd, a)) for a in _path_args(c))
                                       if "$" not in p) and "$" not in " ".join(argv):
                continue  # WORKDIR or the copied app dir creates it
            if name in _REPLAY_PROGRAMS or name in ("echo", "printf", "rm") or dep == "app" or \
                    name == "bundle" and argv[1:2] == ["config"]:
                if any(not a.startswith("/") for a in _path_args(c)) or name == "sed" or dep == "app" or \
                        name in ("echo", "printf"):
                    replay_cwd_free = False
                if name in _USER_PROGRAMS:
                    plan.users.update(a for a in argv[1:] if not a.startswith("-"))
                kinds.add("replay")
                continue
            pkg = knowledge.build_only_package(base_info.family == "alpine" and "apk" or "apt", name)
            if pkg is not None or name in ("git", "curl", "wget"):
                return None, f"the RUN at line {line} runs `{name}`, which `{rt_ref}` does not have"
            return None, (f"the RUN at line {line} runs `{name}`: dockerlint cannot tell what it leaves in the image, "
                          "so the final stage could not repeat it")
        if "replay" in kinds and "dep" in kinds:
            return None, (f"the RUN at line {line} installs dependencies and also changes the image otherwise: "
                          "dockerlint could not repeat only the second part in the final stage")
        if "replay" in kinds:
            if not replay_cwd_free and wds.get(line, "/") != workdir:
                return None, (f"the RUN at line {line} runs in `{wds.get(line, '/')}`, not in the final WORKDIR "
                              f"`{workdir}`")
            plan.replay.append(ins)
        # packages the RUN installs and keeps
        for op, pkg in run.kept_packages:
            if op.manager not in ("apt", "apk"):
                continue
            name = base_name(pkg)
            if "/" in pkg or pkg.endswith(".deb"):
                return None, f"the RUN at line {line} installs a package from a file"
            info = knowledge.build_only_package(op.manager, name)
            if info is not None and info.category in ("compiler", "build-tool", "toolchain"):
                continue
            if info is not None and info.category == "headers":
                libs = needs.runtime_libraries(op.manager, name, base_info.release)
                if libs is None:
                    return None, (f"dockerlint does not know which runtime library `{name}` stands for on "
                                  f"{needs.release_label(base_info.release)}")
                plan.packages.extend(libs)
                continue
            if info is not None and info.category in ("downloader", "vcs"):
                program = {"git": "git", "mercurial": "hg", "subversion": "svn"}.get(name, name)
                if program in used_programs and program not in runtime and not unseen:
                    continue
            if lang == "node" and name in _NODE_GYP_PYTHON and any(
                    (knowledge.build_only_package(op.manager, base_name(q)) or _NOTHING).category
                    in ("compiler", "build-tool") for q in op.packages):
                continue
            plan.packages.append(pkg)
            if _brings_recommends(run, op, name):
                plan.recommends = True
    if site is not None:
        plan.copies.append((site, site))
        plan.copies.append(("/usr/local/bin", "/usr/local/bin"))
    if user_site:
        plan.copies.append(("/root/.local", "/root/.local"))
    if global_npm:
        plan.copies.append(("/usr/local/lib/node_modules", "/usr/local/lib/node_modules"))
        plan.copies.append(("/usr/local/bin", "/usr/local/bin"))
    return plan, None


class _Nothing:
    category = None


_NOTHING = _Nothing()


def _dependency_op(op, lang: str, line: int) -> str | None:
    """Why a package-manager command cannot be carried by the rewrite, or None."""
    if op.manager == "apt":
        if op.has_option("-t", "--target-release"):
            return f"the RUN at line {line} installs from another release (`-t`)"
        return None
    if op.manager == "apk":
        if op.has_option("-X", "--repository", "--repositories-file", "--allow-untrusted"):
            return f"the RUN at line {line} installs from another Alpine repository"
        return None
    if op.manager == "pip":
        if lang != "python":
            return f"the RUN at line {line} installs Python packages into a {lang} image"
        if op.has_option("-t", "--target", "--prefix", "--root"):
            return f"the RUN at line {line} installs Python packages into a directory of its own"
        return None
    if op.manager in ("npm", "yarn", "pnpm"):
        if lang != "node":
            return f"the RUN at line {line} installs Node packages into a {lang} image"
        if op.manager == "yarn" and op.action == "install" and "global" in op.tool:
            return f"the RUN at line {line} installs Node packages globally with yarn"
        if op.manager == "npm" and op.action == "install" and op.has_option("--prefix"):
            return f"the RUN at line {line} installs Node packages under a prefix of its own"
        return None
    if op.manager == "gem":
        if lang != "ruby":
            return f"the RUN at line {line} installs gems into a {lang} image"
        if op.has_option("-i", "--install-dir", "-n", "--bindir"):
            return f"the RUN at line {line} installs gems into a directory of its own"
        return None
    return f"the RUN at line {line} uses {op.manager}, which the rewrite does not carry"


def _dependency_command(argv: list[str], lang: str) -> str | None:
    """How a command that is not a package-manager operation counts: "install" (its result is in
    the copied dependency dirs), "app" (it builds inside the app dir, or runs the app's own code),
    "refuse", or None (judge it as a plain program)."""
    name = argv[0].rsplit("/", 1)[-1]
    sub = argv[1] if len(argv) > 1 else ""
    if lang == "python":
        if name.startswith("python") and argv[1:3] == ["-m", "venv"] or name in ("virtualenv",) or \
                name == "uv" and sub == "venv":
            return "install"
        if name.startswith("python") and "setup.py" in argv[1:2] and any(a in ("install", "develop") for a in argv):
            return "install"
        if name.startswith("python") and argv[1:3] == ["-m", "pip"]:
            return "install"
        if name == "pipenv":
            return "install" if sub == "install" and "--system" in argv else "refuse"
        if name in ("poetry", "conda", "pdm", "hatch", "easy_install"):
            return "refuse"
        if name.startswith("python") or name in ("django-admin",):
            return "app"
    if lang == "node":
        if name in ("npm", "yarn", "pnpm", "npx", "node", "corepack"):
            return "app" if not (name == "npm" and sub == "link") else "refuse"
    if lang == "ruby":
        if name in ("bundle", "bundler"):
            if sub == "config":
                return "install" if "--local" in argv else None
            return "install" if sub in ("install", "package", "clean", "binstubs", "lock", "check") else "app"
        if name == "gem":
            return "install"
        if name in ("rake", "rails", "ruby", "bin/rails", "bin/rake"):
            return "app"
    return None


def _local_node_install(stage) -> bool:
    """Whether a RUN of the stage installs Node packages into a project (not `npm install -g`)."""
    return any(op.manager in ("npm", "yarn", "pnpm") and op.action == "install" and not op.has_option("-g", "--global")
               for run in stage.all_runs() for op in run.package_ops)


def interpreted_rewrite(model, stage) -> tuple[Rewrite | None, str | None]:
    """The multi-stage rewrite for a Python, Node or Ruby app whose dependencies need the toolchain:
    the build stage as written, the final stage on the slim variant with what the build installed
    copied (a virtual environment or the system site-packages and /usr/local/bin; the app dir with
    node_modules; the bundle dir), the runtime packages and libraries installed again, the RUNs
    that use only a slim image's programs run again, and the run-time instructions.

    Returns (Rewrite, None), or (None, why) when something the app may need cannot be shown to be
    in the final stage (tests/rewrites 45, 50)."""
    if len(model.stages) != 1 or stage.parent is not None:
        return None, "the Dockerfile has more than one stage"
    img = stage.root_image
    if img is None or img.family is None:
        return None, "the base image is not one dockerlint knows"
    rt = knowledge.runtime_image(img.ref)
    if rt is None:
        return None, f"dockerlint knows no slim variant of `{img.ref}`"
    # a builder that floats (`python:3`) is pinned to what it means today, and the runtime with it
    # (`python:3.14-slim`): stages pulled at different times could otherwise differ in version
    pinned = _pinned_builder(stage)
    rt_ref = (knowledge.pin_version(rt.ref) or rt.ref) if pinned is not None else rt.ref
    lang = img.name.rsplit("/", 1)[-1]
    lang = {"pypy": "python"}.get(lang, lang)
    if lang not in ("python", "node", "ruby"):
        return None, f"dockerlint does not know how to split a {lang} image"
    if img.name.rsplit("/", 1)[-1] == "pypy" and venv_dir(stage) is None:
        return None, "pypy installs into a site-packages dockerlint does not know: use a virtual environment"
    if any(ins.keyword == "SHELL" for ins in stage.instructions):
        return None, "the stage sets its own SHELL"
    workdir = _final_workdir(stage)
    if lang == "node" and workdir == "/" and _local_node_install(stage):
        # node_modules would be /node_modules, and copying `/` is no answer; an app of global
        # installs only (`npm install -g fauxton`, CMD fauxton) needs no app dir
        return None, "the app has no WORKDIR of its own to copy"
    # the app dir is copied when the build put something there: `WORKDIR /tmp` after a `gem install`
    # has nothing of the app in it (seed-10 review, rubygem/abide copied the build's /tmp)
    app_copied = lang in ("node", "ruby") and workdir != "/" and _written_in(stage, workdir)
    parsed = model.parsed
    lines = list(parsed.lines)
    lower = stage.from_instruction.raw_keyword.islower()
    base_info = knowledge.image_info(rt_ref)
    manager = {"debian": "apt", "alpine": "apk"}.get(base_info.family or "")
    plan, why = _interpreted_plan(stage, lang, workdir, app_copied, rt_ref, base_info)
    if plan is None:
        return None, why
    prune_edit = None
    if lang == "node":
        npm_runs = [r for r in stage.all_runs() if any(c.name in ("npm", "yarn", "pnpm") for c in r.commands)]
        omits = any(o in ("--omit=dev", "--production", "--only=production", "--prod")
                    for r in npm_runs for c in r.commands for o in c.argv)
        prod_env = any(r.env.get("NODE_ENV") == "production" for r in npm_runs[:1])
        prog = _program(stage)
        # `CMD npm start` runs a package.json script, which may need devDependencies (an Angular
        # app's start is `ng serve`: seed-9 review, angular-gallery-app): keep them
        runs_script = bool(prog) and prog[0] and prog[0][0].rsplit("/", 1)[-1] in ("npm", "yarn", "pnpm", "npx")
        # a global install (`npm install -g`) has no project to prune (neilsmind/loopback)
        if npm_runs and not omits and not prod_env and not runs_script and _local_node_install(stage):
            from .edits import append_command

            prune_edit, why = append_command(npm_runs[-1], f"npm prune {_npm_omit_dev(stage.root_image)}")
            if prune_edit is None:
                return None, why
    if app_copied:
        plan.copies.append((workdir, workdir))

    # context COPY/ADD the final stage repeats: Python's app files (the copied environment holds
    # only the dependencies), and for Node and Ruby whatever lands outside the copied app dir
    wds = needs._workdirs_by_line(stage)
    repeat = []
    for ins in stage.instructions:
        if ins.keyword not in ("COPY", "ADD") or ins.flag("from") is not None or len(ins.args) < 2:
            continue
        srcs = [a.text for a in ins.args[:-1]]
        if any("://" in s for s in srcs):
            return None, f"the {ins.keyword} at line {ins.start_line} downloads a file"
        dest = ins.args[-1].text
        if "$" in dest or any("$" in s for s in srcs):
            return None, f"the {ins.keyword} at line {ins.start_line} names its files through variables"
        dest_abs = posixpath.normpath(posixpath.join(wds.get(ins.start_line, "/"), dest))
        if app_copied and (dest_abs == workdir or _inside(dest_abs, workdir)):
            continue
        if ins.start_line < plan.last_install and all(_MANIFESTS.match(posixpath.basename(s.rstrip("/")))
                                                      for s in srcs):
            continue
        if _removed_later(stage, ins.start_line, dest_abs):
            continue  # the build deleted it again (`COPY . /src` … `rm -rf /src`): the image never had it
        repeat.append(ins)

    # users USER names: the final base's, or made by a RUN that runs again before it
    made: set[str] = set()
    replay_lines = {i.start_line for i in plan.replay}
    for ins in stage.instructions:
        if ins.start_line in replay_lines:
            made |= plan.users
        if ins.keyword != "USER" or not ins.args:
            continue
        user = ins.args[0].text.split(":", 1)[0]
        if user.isdigit() or "$" in user or user in made:
            continue
        if not needs.base_has_user(base_info, user):
            return None, f"USER {user}: dockerlint cannot show that `{rt_ref}` has that user"

    for p in _health_programs(stage):
        if manager is None:
            return None, f"HEALTHCHECK uses {p}, which `{rt_ref}` does not have"
        plan.packages.append(p)

    directive_lines = {d.span.line for d in parsed.directives}
    items = _collect(stage, lines, directive_lines)
    build_name = stage.name or "build"
    if prune_edit is not None:
        from .fix import apply_edits

        lines = apply_edits(lines, [prune_edit]).split("\n")
        # the edit may add lines before later instructions: re-read the shifted text
        from .model import build as build_model
        from .syntax import parse

        model2 = build_model(parse("\n".join(lines) + "\n"))
        old_stage, stage = stage, model2.stages[0]
        items = _collect(stage, lines, directive_lines)
        order = {id(a): b for a, b in zip(old_stage.instructions, stage.instructions)}
        repeat = [order[id(i)] for i in repeat]
        plan.replay = [order[id(i)] for i in plan.replay]
    notes = list(rt.notes)
    if pinned is not None:
        # the final stage gets the builder's /usr/local/bin, site-packages or node_modules: a
        # builder that floats to the next version would hand a node 27 or python3.15 tree to
        # node:26-slim or python:3.14-slim (seed-8 review, eyesfree), so both name one version
        at, text = pinned
        src = list(lines)
        line = src[at.line - 1]
        src[at.line - 1] = line[: at.column - 1] + text + line[at.end_column - 1:]
        notes.append(f"the build stage is pinned to `{text}` as well, so that what it copies matches the runtime")
        head = _build_stage(src, stage, items, build_name, lower, None)
    else:
        head = _build_stage(lines, stage, items, build_name, lower, None)

    # replayed RUNs and the COPYs after the first of them go among the moved items, in order
    first_replay = min((i.start_line for i in plan.replay), default=None)
    late = [i for i in repeat if first_replay is not None and i.start_line > first_replay]
    repeat = [i for i in repeat if i not in late]
    for ins in plan.replay + late:
        items.append(_Item(lines[ins.start_line - 1: ins.end_line], ins.start_line, ins.end_line, ins.keyword,
                           ins, False))
    items.sort(key=lambda it: it.first)

    def kw(word: str) -> str:
        return word.lower() if lower else word

    moved_text = "\n".join(line for it in items for line in it.lines) + "\n" + "\n".join(
        line for ins in repeat for line in lines[ins.start_line - 1: ins.end_line])
    tail = ["", f"{kw('FROM')} {rt_ref}"]
    tail.extend(f"{kw('ARG')} {a}" for a in _arg_lines(stage, moved_text, model))
    pkgs = sorted(dict.fromkeys(plan.packages))
    roots = tuple(dict.fromkeys(src for src, _dest in plan.copies))
    recs = "" if plan.recommends else "--no-install-recommends "
    if manager == "apt" and roots:
        # what the build compiled links against libraries of the full image the slim one lacks
        # (psycopg2 built from source: libpq5; a gem's libxml2; seed-13 fix review, decorist): the
        # build stage lists their packages (ldd, as keep_linked), the final stage installs them
        from .purges import linked_packages

        head = head + [f"{kw('RUN')} " + linked_packages(roots, ("/usr/local",)).replace("\n", " \\\n")
                       + f" > {_RUN_DEPS}"]
        mount = f"--mount=from={build_name},source={_RUN_DEPS},target={_RUN_DEPS}"
        if pkgs:
            tail.append(f"{kw('RUN')} {mount} apt-get update && apt-get install -y {recs}{' '.join(pkgs)} "
                        f"$(cat {_RUN_DEPS}) && rm -rf /var/lib/apt/lists/*")
        else:
            # most builds link only what the slim image has (libc, zlib): no `apt-get update` then,
            # which fails on a release gone from the archive (fix review seed 2032, fruit_to_lime)
            tail.append(f"{kw('RUN')} {mount} missing=$(for p in $(cat {_RUN_DEPS}); do dpkg -s \"$p\" >/dev/null "
                        f"2>&1 || echo \"$p\"; done) && if [ -n \"$missing\" ]; then apt-get update && apt-get install "
                        f"-y {recs}$missing && rm -rf /var/lib/apt/lists/*; fi")
        notes.append("the final stage installs the packages of the shared libraries that what the build compiled "
                     "links against, listed by the build stage (`RUN --mount` needs BuildKit, the default builder "
                     "since Docker 23)")
    elif pkgs and manager == "apt":
        tail.append(f"{kw('RUN')} apt-get update && apt-get install -y {recs}"
                    f"{' '.join(pkgs)} && rm -rf /var/lib/apt/lists/*")
    elif pkgs and manager == "apk":
        tail.append(f"{kw('RUN')} apk add --no-cache {' '.join(pkgs)}")
    elif pkgs:
        return None, f"`{rt_ref}` has no package manager dockerlint knows for {', '.join(pkgs)}"
    if workdir != "/":
        tail.append(f"{kw('WORKDIR')} {workdir}")
    tail.extend(f"{kw('COPY')} --from={build_name} {src} {dest}" for src, dest in dict.fromkeys(plan.copies))
    for ins in repeat:
        tail.extend(lines[ins.start_line - 1: ins.end_line])
    tail.extend(_final_items(items, lines))
    text = "\n".join(head + tail) + "\n"
    if parsed.newline != "\n":
        text = text.replace("\n", parsed.newline)
    if parsed.bom:
        text = "\ufeff" + text
    return Rewrite(text, rt_ref, tuple(notes)), None


# Where the build stage lists the packages of the libraries its compiled code links against
_RUN_DEPS = "/tmp/run-deps.txt"


def _removed_later(stage, line: int, path: str) -> bool:
    """Whether a RUN after `line` of the stage runs `rm` on `path` or a folder holding it, written
    as an absolute path (a relative one depends on the RUN's cd, which is not followed here)."""
    for run in stage.all_runs():
        if run.instruction.start_line <= line:
            continue
        for c in run.commands:
            if c.name != "rm" or c.in_substitution:
                continue
            for a in _path_args(c):
                a = a.rstrip("/")
                if a.startswith("/") and "$" not in a and "*" not in a and \
                        (posixpath.normpath(a) == path or _inside(path, posixpath.normpath(a))):
                    return True
    return False


def _pinned_builder(stage):
    """(span of the FROM image word, pinned ref) when the builder names no full version (`node`,
    `python:latest`, `python:3`): the version it floats to today (images.pin_version), which the
    runtime is pinned to as well; else None (a versioned or aliased tag such as `lts`, a
    variable, a digest, a FROM image word over several lines)."""
    word = stage.from_instruction.args[0] if stage.from_instruction.args else None
    if word is None or "$" in word.text or word.span.line != word.span.end_line:
        return None
    pinned = knowledge.pin_version(word.text)
    return None if pinned is None else (word.span, pinned)


def _npm_omit_dev(img) -> str:
    """The npm option that drops devDependencies with the npm of a node:VERSION image: --omit=dev
    from npm 7, which node 15.0.0 bundled first (Node.js 15.0.0 release notes, nodejs.org/en/blog/
    release/v15.0.0: "npm 7"); npm 6 and older ignore --omit and know only --production, which npm
    7-10 still accept with a deprecation warning. A tag that names no version is current node."""
    version = getattr(img, "version", None) if img is not None else None
    try:
        major = int(str(version).split(".")[0]) if version else None
    except ValueError:
        major = None
    return "--production" if major is not None and major < 15 else "--omit=dev"
