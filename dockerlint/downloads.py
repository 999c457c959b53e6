"""Downloads a RUN runs without looking: `curl … | sh`, `sh -c "$(curl …)"`, `bash <(wget -qO- …)`.

``run_downloads(run)`` lists each place where what a downloader writes to standard output
becomes the program of an interpreter (a shell, python, php, …) in the same RUN.  Nothing
later in the build can check what already ran, so no checksum or signature step after it
helps.  DKL503 reports them; DKL405 leaves their pipes to it.

The downloaders and interpreters are in rules/knowledge/pipes.toml.
"""

from __future__ import annotations

import functools

from .records import Value, setfield
from .spans import Span


class RunDownload(Value):
    """A download that an interpreter runs.

    download: the downloader's SimpleCommand (curl, wget, …); interpreter: the SimpleCommand
    that runs it (sh, bash, python3, php, …); how: "pipe" (`curl … | sh`), "substitution"
    (`sh -c "$(curl …)"`) or "process-substitution" (`bash <(curl …)`); pipeline: the
    dockerlint.pipes.Pipeline for a pipe, else None.
    """

    download: object
    interpreter: object
    how: str
    pipeline: object

    __slots__ = _fields = ("download", "interpreter", "how", "pipeline")

    def __init__(self, download: object, interpreter: object, how: str,
                 pipeline: object = None) -> None:
        setfield(self, "download", download)
        setfield(self, "interpreter", interpreter)
        setfield(self, "how", how)
        setfield(self, "pipeline", pipeline)

    @property
    def url(self) -> str | None:
        """The first URL in the download's words (also inside `php -r "readfile('…');"`)."""
        import re

        for a in self.download.argv[1:]:
            m = re.search(r"[a-z][a-z0-9+.-]*://[^\s'\"()]+", a)
            if m:
                return m.group(0)
        # `curl -s api.sdkman.io | bash`: a host without a scheme
        return next((a for a in self.download.argv[1:] if not a.startswith("-") and "." in a), None)


@functools.cache
def _names() -> tuple[frozenset[str], frozenset[str]]:
    from .knowledge import load_table

    data = load_table("pipes")
    down = frozenset(n for e in data.get("downloader", []) for n in e["names"])
    interp = frozenset(n for e in data.get("interpreter", []) for n in e["names"])
    return down, interp


def _base(word: str) -> str:
    return word.rsplit("/", 1)[-1]


_STDOUT = frozenset({"-", "/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"})


def writes_to_stdout(cmd) -> bool:
    """Whether a downloader command writes what it fetches to standard output."""
    argv = list(cmd.argv)
    if not argv:
        return False
    name = _base(argv[0])
    if name not in _names()[0] and name not in ("php", "python", "python3", "python2", "ruby", "perl"):
        return False
    args = argv[1:]
    if name == "curl":
        for i, a in enumerate(args):
            if a in ("--output", "-o"):
                return i + 1 < len(args) and args[i + 1] in _STDOUT
            if a.startswith("--output="):
                return a.split("=", 1)[1] in _STDOUT
            if a in ("--remote-name", "--remote-name-all", "--output-dir"):
                return False
            if a.startswith("-") and not a.startswith("--"):
                # a cluster: -fsSLo FILE, -o-, -sO (the value of -o is the rest of the word or the next one)
                for k, ch in enumerate(a[1:], 1):
                    if ch == "O":
                        return False
                    if ch == "o":
                        value = a[k + 1:] or (args[i + 1] if i + 1 < len(args) else "")
                        return value in _STDOUT
        return True
    if name == "wget":
        for i, a in enumerate(args):
            if a.startswith("--output-document="):
                return a.split("=", 1)[1] in _STDOUT
            if a == "--output-document":
                return i + 1 < len(args) and args[i + 1] in _STDOUT
            if a.startswith("-") and not a.startswith("--") and "O" in a[1:]:
                rest = a[a.index("O", 1) + 1:]
                if rest:
                    return rest in _STDOUT
                return i + 1 < len(args) and args[i + 1] in _STDOUT
        return False
    if name in ("php", "python", "python3", "python2", "ruby", "perl"):
        # `php -r "readfile('https://getcomposer.org/installer');"`: a one-line downloader
        code = " ".join(args[1:2]) if args[:1] in (["-r"], ["-c"], ["-e"]) else ""
        return "://" in code and any(f in code for f in ("readfile", "urlopen", "file_get_contents", "LWP",
                                                          "open-uri", "urlretrieve", "requests.get"))
    if name == "fetch":
        return any(a in ("-o-",) or (a == "-o" and args[i + 1:i + 2] == ["-"]) for i, a in enumerate(args))
    return True


def runs_stdin(cmd) -> bool:
    """Whether an interpreter command takes its program from standard input."""
    argv = list(cmd.argv)
    if not argv:
        return False
    name = _base(argv[0])
    if name == "busybox":
        argv = argv[1:]
        if not argv or argv[0] not in ("sh", "ash", "bash"):
            return False
        name = argv[0]
    if name not in _names()[1] and not _is_versioned_python(name):
        return False
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-", "/dev/stdin", "--"):
            return True
        if a in ("-c", "-e", "-r", "-m", "--eval", "-Command", "-File") or (
                a.startswith("-") and not a.startswith("--") and a[-1:] == "c" and name in _SHELLS):
            return False  # the program is a string or a module, not standard input
        if a == "-s" or (a.startswith("-") and not a.startswith("--") and "s" in a[1:] and name in _SHELLS):
            return True
        if a in ("-o", "+o", "-O", "+O") and name in _SHELLS:
            i += 2
            continue
        if not a.startswith(("-", "+")):
            return False  # a script file
        i += 1
    return True


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh"})


def _is_versioned_python(name: str) -> bool:
    import re

    return re.fullmatch(r"python\d(\.\d+)?", name) is not None


def run_downloads(run) -> tuple[RunDownload, ...]:
    """Every download an interpreter runs in this RUN, in source order (computed once per Run:
    DKL503 reports them and DKL405 leaves their pipes alone)."""
    cached = run.__dict__.get("_downloads")
    if cached is None:
        cached = run.__dict__["_downloads"] = _run_downloads(run)
    return cached


def _run_downloads(run) -> tuple[RunDownload, ...]:
    from .pipes import pipelines

    out: list[RunDownload] = []
    for p in pipelines(run):
        last = p.consumer
        if not runs_stdin(last):
            continue
        down = next((e for e in p.elements[:-1] if writes_to_stdout(e)), None)
        if down is not None:
            out.append(RunDownload(down, last, "pipe", p))
    cmds = [c for c in run.commands if c.shell is not None]
    subs = [c for c in cmds if c.shell.in_substitution and writes_to_stdout(c)]
    if subs:
        for c in cmds:
            if c.shell.in_substitution or not c.argv or _base(c.argv[0]) not in _names()[1] | {"busybox"}:
                continue
            for w in c.shell.argv[1:]:
                raw = w.raw.lstrip('"')
                if not raw.startswith(("$(", "<(", "`")):
                    continue
                inner = next((d for d in subs if _within(d.span, w.span)), None)
                if inner is None:
                    continue
                how = "process-substitution" if raw.startswith("<(") else "substitution"
                # `sh -c "$(curl …)"` runs the text; `bash <(curl …)` runs the file; `sh "$(curl …)"`
                # would take the text as a file name, which is not running it
                flags = [a.raw for a in c.shell.argv[1:] if a is not w]
                if how == "substitution" and not any(f == "-c" or (f.startswith("-") and f.endswith("c")
                                                                     and not f.startswith("--")) for f in flags):
                    continue
                out.append(RunDownload(inner, c, how))
                break
    out.sort(key=lambda d: (d.download.span.line, d.download.span.column))
    return tuple(out)


def _within(inner: Span, outer: Span) -> bool:
    return outer.contains(inner)
