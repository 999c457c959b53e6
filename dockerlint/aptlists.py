"""apt's package lists through the layers of a build: which RUN writes them, reads them, removes them.

Part of the model.  `apt-get update` (and `apt`/`aptitude update`, and
`add-apt-repository` unless given `-n`) downloads the lists into
/var/lib/apt/lists; `apt-get install`, `upgrade`, `apt-cache …` read them; an
install writes none.  A layer keeps whatever lists are there when its RUN ends,
so DKL201 asks "does this RUN write lists and leave them?", and its fix asks
"does a later RUN still read the lists this one leaves?" (appending `rm` where a
later `RUN apt-get install` relies on them makes that install fail with
"Unable to locate package").
"""

from __future__ import annotations

from .records import Value, setfield


LISTS = "/var/lib/apt/lists"
_APT = frozenset({"apt-get", "apt", "aptitude"})
# apt subcommands that need the lists (install resolves dependencies from them, even for ./x.deb)
_READS = frozenset({"install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "build-dep", "source",
                    "satisfy", "download", "changelog", "search", "show", "policy", "madison", "depends",
                    "rdepends", "showpkg", "showsrc", "list"})
# apt options whose value is the next word (so it is not taken for the subcommand)
_APT_VALUE_OPTS = frozenset({"-o", "-t", "-c", "--option", "--target-release", "--config-file", "-a",
                             "--host-architecture", "--default-release"})


# Setup scripts, run from the network, that run `apt-get update` themselves (and leave the lists).
# Source: the scripts' own text — NodeSource's setup_N.x adds its repository and runs
# `apt-get update` (github.com/nodesource/distributions, "Installation instructions");
# get.docker.com runs `apt-get update -qq` before installing docker-ce (github.com/docker/docker-install).
LIST_WRITING_SCRIPTS = ("deb.nodesource.com/setup", "get.docker.com", "get.docker.io")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh"})
_FETCH = frozenset({"curl", "wget"})


def _runs_list_writing_script(cmd, nxt, fetched: dict[str, str]) -> bool:
    """`curl -sL https://deb.nodesource.com/setup_8.x | bash -`, or `sh /tmp/x.sh` of a file that an
    `ADD <url>` of such a script put there."""
    argv = cmd.argv
    if argv and argv[0].rsplit("/", 1)[-1] in _FETCH and nxt is not None and nxt.connector == "|" \
            and nxt.argv and nxt.argv[0].rsplit("/", 1)[-1] in _SHELLS:
        return any(u in a for a in argv[1:] for u in LIST_WRITING_SCRIPTS)
    if argv and argv[0].rsplit("/", 1)[-1] in _SHELLS and len(argv) > 1:
        return fetched.get(argv[1], "") != ""
    if argv and argv[0] in fetched:
        return True
    return False


def _fetched_scripts(run) -> dict[str, str]:
    """Paths that an `ADD <url> <path>` earlier in the stage filled with a list-writing script
    (path -> url).  Computed once per stage; a path counts from its ADD on."""
    stage = run.stage
    adds = getattr(stage, "_script_adds", None)
    if adds is None:
        adds = []
        for ins in stage.instructions:
            if ins.keyword == "ADD" and len(ins.args) == 2 and not ins.json:
                src, dst = ins.args[0].text, ins.args[1].text
                if any(u in src for u in LIST_WRITING_SCRIPTS) and not dst.endswith("/"):
                    adds.append((ins.start_line, dst, src))
        stage._script_adds = adds
    line = run.instruction.start_line
    return {dst: src for at, dst, src in adds if at < line}


class ListsUse(Value):
    """What one RUN does with apt's lists, in the order its commands run.

    ``writes``/``reads``/``removes`` are the commands (model.SimpleCommand) that
    download, read and delete the lists.  ``read_first`` is True when the RUN reads
    lists before it writes any (it relies on an earlier layer's lists).  ``left``
    is True when lists this RUN wrote are still there when it ends; ``cached``
    when a cache or tmpfs mount covers /var/lib/apt/lists (nothing stays).
    """

    writes: tuple
    reads: tuple
    removes: tuple
    read_first: bool
    left: bool
    cached: bool

    __slots__ = _fields = ("writes", "reads", "removes", "read_first", "left", "cached")

    def __init__(self, writes: tuple, reads: tuple, removes: tuple, read_first: bool, left: bool,
                 cached: bool) -> None:
        setfield(self, "writes", writes)
        setfield(self, "reads", reads)
        setfield(self, "removes", removes)
        setfield(self, "read_first", read_first)
        setfield(self, "left", left)
        setfield(self, "cached", cached)

    @property
    def removed_at_end(self) -> bool:
        """The RUN ends with no lists, whatever was there before: a removal after every write."""
        return bool(self.removes) and (not self.writes or self.removes[-1].index > self.writes[-1].index)


def _subcommand(argv: tuple[str, ...]) -> str | None:
    from .argv import first_operand_index

    i = first_operand_index(argv, _APT_VALUE_OPTS)
    return None if i is None else argv[i]


# Releases whose add-apt-repository (software-properties < 0.96.24) does not update unless given
# -u/--update: Ubuntu up to xenial, Debian up to bullseye (0.96.20.2).  From Ubuntu bionic and
# Debian bookworm it runs `apt-get update` unless given -n/--no-update.
# Source: software-properties changelog 0.96.24 ("add-apt-repository: update by default, -n to
# skip"); packages.debian.org lists 0.96.20.2-2.1 for bullseye and 0.99.30 for bookworm.
_NO_AUTO_UPDATE = frozenset({"precise", "trusty", "xenial", "wheezy", "jessie", "stretch", "buster", "bullseye"})


def writes_lists(argv: tuple[str, ...], release: str | None = None) -> bool:
    """`apt-get update`, `apt update`, `aptitude update`, and `add-apt-repository` where it updates:
    without -n/--no-update on releases from Ubuntu bionic and Debian bookworm on; with -u/--update
    on older releases and where the base image's release is not known (`release`: e.g. 'xenial')."""
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    if name in _APT:
        return _subcommand(argv) == "update"
    if name == "add-apt-repository":
        flags = [a for a in argv[1:] if a.startswith("-")]
        short = "".join(a[1:] for a in flags if not a.startswith("--"))
        if release is None or release in _NO_AUTO_UPDATE:
            # an unknown base may be an old release: only an explicit -u/--update is certain
            return "--update" in flags or "u" in short
        return not ("--no-update" in flags or "n" in short)
    return False


def reads_lists(argv: tuple[str, ...]) -> bool:
    """An apt command that resolves packages from the lists (install, upgrade, apt-cache …)."""
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    if name in _APT:
        return _subcommand(argv) in _READS
    if name == "apt-cache":
        return _subcommand(argv) not in (None, "stats", "gencaches")
    return False


def _is_lists_path(arg: str) -> bool:
    a = arg.rstrip("/")
    if a in (LISTS, "/var/lib/apt", LISTS + "/*", "/var/lib/apt/*", LISTS + "*"):
        return True
    return a.startswith(LISTS + "/*")  # /var/lib/apt/lists/*_* and the like: every list file


def removes_lists(argv: tuple[str, ...]) -> bool:
    """`rm -rf /var/lib/apt/lists/*` (or the directory), `find /var/lib/apt/lists … -delete`,
    `apt-get dist-clean`/`distclean` (apt >= 2.7.8)."""
    if not argv:
        return False
    name = argv[0].rsplit("/", 1)[-1]
    if name == "rm":
        return any(_is_lists_path(a) for a in argv[1:] if not a.startswith("-"))
    if name in ("apt-get", "apt"):
        return _subcommand(argv) in ("dist-clean", "distclean")
    if name == "find" and len(argv) > 1 and argv[1].rstrip("/") in (LISTS, "/var/lib/apt"):
        return "-delete" in argv or ("-exec" in argv and "rm" in argv)
    return False


def lists_use(run) -> ListsUse:
    """What `run` (a model.Run) does with the lists; cached per RUN."""
    cached = getattr(run, "_lists_use", None)
    if cached is not None:
        return cached
    writes, reads, removes = [], [], []
    read_first = False
    cmds = run.commands
    fetched = _fetched_scripts(run)
    img = run.stage.root_image
    release = img.release if img is not None else None
    for k, c in enumerate(cmds):
        if c.in_substitution or not c.argv:
            continue
        argv = c.argv
        if writes_lists(argv, release) or _runs_list_writing_script(c, cmds[k + 1] if k + 1 < len(cmds) else None, fetched):
            writes.append(c)
        elif reads_lists(argv):
            if not writes:
                read_first = True
            reads.append(c)
        elif removes_lists(argv):
            removes.append(c)
    left = bool(writes) and not (removes and removes[-1].index > writes[-1].index)
    use = ListsUse(tuple(writes), tuple(reads), tuple(removes), read_first, left, run.is_cached(LISTS))
    run._lists_use = use
    return use


def later_readers(model, run) -> list:
    """RUNs built after `run` that read the lists it leaves before writing or removing their own.

    Walks the rest of `run`'s stage, then every stage built FROM it (any stage, shipped or
    not: another --target may build it), in build order.  A chain stops at a RUN that writes
    or removes lists: what follows reads those, not ours.
    """
    out: list = []
    stage = run.stage
    # depth first, children in build order, as a recursive walk would go (without a recursive
    # closure: it is a reference cycle holding the model, which only the cyclic GC frees)
    # (stage, index of its first RUN to look at): a slice of the rest of the stage per RUN asked
    # about was quadratic in a stage of many RUNs (10 MB of `RUN apt-get update && …`: 300 s)
    todo = [(stage, run.position + 1)]
    while todo:
        st, start = todo.pop()
        runs = st.runs
        for i in range(start, len(runs)):
            r = runs[i]
            use = lists_use(r)
            if use.cached:
                continue
            if use.read_first:
                out.append(r)
            if use.writes or use.removes:
                break
        else:
            todo.extend((child, 0) for child in reversed(model.stages) if child.parent is st)
    return out


def lists_weight(image) -> str | None:
    """How much the lists weigh, as a message fragment, from the figure measured for Debian
    bookworm (dockerlint/debian.py's apt facts, with their source), or None when unknown.

    One figure for every base: it is the one measured here, and it says which release it is."""
    try:
        from . import debian
    except ImportError:
        return None
    facts = debian.apt_facts("bookworm")
    if facts is None or not facts.lists_mb:
        return None
    return f"about {round(facts.lists_mb)} MB on Debian bookworm"


def lists_mb(image) -> float | None:
    """MB (10^6 bytes) the lists weigh after `apt-get update` on the image's release, where that
    release was measured (debian.apt_facts: bullseye, bookworm, trixie, with the official
    image's settings and standard sources); None for other releases and unknown images."""
    release = image.release if image is not None else None
    if not release:
        return None
    try:
        from . import debian
    except ImportError:
        return None
    facts = debian.apt_facts(release)
    return facts.lists_mb if facts is not None and facts.lists_mb else None


def describe_writer(cmd) -> str:
    """How a message names a command that writes the lists."""
    argv = cmd.argv
    name = argv[0].rsplit("/", 1)[-1] if argv else ""
    if name in _APT:
        return f"`{name} update`"
    if name == "add-apt-repository":
        return "`add-apt-repository` (it runs `apt-get update`)"
    url = next((a for a in argv[1:] if any(u in a for u in LIST_WRITING_SCRIPTS)), None)
    if url:
        return f"the setup script from {url} (it runs `apt-get update`)"
    return f"`{' '.join(argv[:2])}`, a setup script that runs `apt-get update`,"


# Words of an instruction that changes what `apt-get update` fetches: its sources or its keys.
# (not "software-properties": installing software-properties-common changes nothing yet; its
# add-apt-repository does, seed-13 review of filemon/fuse)
_SOURCES_WORDS = ("sources.list", "/etc/apt", "apt-key", "add-apt-repository", "apt-add-repository")


def changes_apt_sources(text: str) -> bool:
    """Whether an instruction's or command's text touches apt's sources or keys."""
    return any(w in text for w in _SOURCES_WORDS)


def sources_change_between(model, run, last_line: int) -> int | None:
    """The line of an instruction after this RUN and before ``last_line`` that changes apt's
    sources or keys: an `update` moved past it fetches other lists, and can fail (an https
    source before apt-transport-https on Ubuntu 16.04; seed-5 review)."""
    lo = run.instruction.end_line
    for ins in model.parsed.instructions:
        if lo < ins.start_line < last_line and ins.keyword in ("RUN", "COPY", "ADD") and changes_apt_sources(ins.rest):
            return ins.start_line
    return None
