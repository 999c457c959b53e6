"""DKL202 apt-recommends-installed: `apt-get install` in a shipped stage installs recommended packages too."""

from __future__ import annotations

import copy
import functools

from .. import knowledge
from ..findings import Edit, Fix, Hit
from ..spans import Span

FLAG = "--no-install-recommends"
_APT = frozenset({"apt-get", "apt"})
# apt-get options whose value is the next word (packages._APT_VALUE_OPTS, plus apt's own)
_VALUE_OPTS = frozenset({"-o", "-t", "-c", "--option", "--target-release", "--config-file", "-a",
                         "--host-architecture", "--default-release"})
_SHOWN = 6  # recommends named in a message before "and N more"


def _subcommand_index(cmd) -> int | None:
    """Index in cmd.raw_argv of the `install` word, or None."""
    from ..argv import first_operand_index

    raw = cmd.raw_argv
    i = first_operand_index(raw, _VALUE_OPTS, start=len(raw) - len(cmd.argv) + 1)
    return i if i is not None and raw[i] == "install" else None


def _word_text(run, span: Span) -> str | None:
    if span.line != span.end_line:
        return None
    line = run.file_lines[span.line - 1]
    return line[span.column - 1:span.end_column - 1]


@functools.lru_cache(maxsize=64)
def _brought_closure(names: frozenset[str], release: str) -> frozenset[str]:
    """What apt installed with `names` (recommends on): the same set asks again for every later
    install of a stage, thousands in a big file."""
    from .. import debian

    return debian.closure(sorted(names), release, recommends=True)


class _Data:
    """What the Debian archive says about one install: the recommends apt adds and their weight."""

    def __init__(self, names: list[str], image, installed: set[str] = frozenset(), memo: dict | None = None,
                 foreign: frozenset[str] = frozenset()):
        """`foreign`: names a third-party repository of the stage provides instead of Debian's
        package; they are left out (what they recommend is not known, and not claimed)."""
        from .. import debian

        rel_key = debian.release_of(image.release) if image is not None and image.release else None
        self.exact = rel_key is not None
        self.image_release = image.release if image is not None else None
        self.release = rel_key or debian.DEFAULT_RELEASE
        self.known: list[str] = []
        self.unknown: list[str] = []
        self.recommends: dict[str, str] = {}  # recommended package -> the package that recommends it
        for n in names:
            if n in foreign:
                continue  # not the archive's package: nothing known about it, nothing claimed
            p = debian.package(n, self.release)
            if p is None or p.release != self.release:
                self.unknown.append(n)
                continue
            self.known.append(p.name)
            for r in p.recommends:
                self.recommends.setdefault(r, p.name)
        memo = {} if memo is None else memo
        if self.recommends and self.release not in memo:
            memo[self.release] = debian.closure(installed, self.release)
        for n in list(self.recommends):
            # installed anyway: named, or a dependency of what the lineage installs (lynx's
            # mime-support under php's php-cli: seed-12 review, paloaltonetworks/pantools)
            if n in self.known or n in installed or n in memo[self.release]:
                del self.recommends[n]
        self.extra_mb = None
        self.extra: set[str] = set()
        if self.known:
            # what the recommends add: their closure, less what the install and the rest of the
            # lineage bring anyway
            if self.release not in memo:
                memo[self.release] = debian.closure(installed, self.release)
            extra = (debian.closure(self.known, self.release, recommends=True)
                     - debian.closure(self.known, self.release)
                     - memo[self.release])
            self.extra = extra
            self.extra_mb = debian.packages_size_mb(extra, self.release) if extra else 0.0

    def without(self, brought: set[str]) -> "_Data":
        """This data less the recommends in `brought` (an earlier install of the stage brought them,
        with their dependencies), itself when none is."""
        if not brought or not (brought & self.recommends.keys()):
            return self
        from .. import debian

        other = copy.copy(self)
        other.recommends = {r: by for r, by in self.recommends.items() if r not in brought}
        if self.extra:
            # apt installed the earlier recommends with their dependencies and their own recommends
            other.extra = self.extra - _brought_closure(frozenset(brought), self.release)
            other.extra_mb = debian.packages_size_mb(other.extra, self.release) if other.extra else 0.0
        return other

    @property
    def nothing_at_stake(self) -> bool:
        """Every package is known to the Debian data and none brings a recommend: the flag would
        change nothing (on the data's release; another release may differ, see the rule's document)."""
        # no recommend of its own left (all installed anyway): what remains of extra_mb is the
        # recommends of those recommends, which the stage's other installs bring too (pantools)
        return not self.unknown and not self.recommends

    def where(self) -> str:
        from .. import debian

        if self.exact:
            return f"on {debian.release_name(self.release)}"
        if self.image_release:
            return f"going by Debian {self.release}'s packages (the image is {self.image_release})"
        return f"going by Debian {self.release}'s packages"

    def listed(self) -> str:
        names = list(self.recommends)
        shown = ", ".join(f"`{n}`" for n in names[:_SHOWN])
        if len(names) > _SHOWN:
            shown += f" and {len(names) - _SHOWN} more"
        return shown


def _flag_edit(run, cmd) -> tuple[Edit | None, Span | None, str | None]:
    """(edit inserting the flag after `install` and any options right after it, the install word's span, why not)."""
    if run.instruction.json:
        return None, None, "it is in exec form"
    i = _subcommand_index(cmd)
    if i is None or i >= len(cmd.arg_spans):
        return None, None, "the `install` word cannot be found in the text"
    span = cmd.arg_spans[i]
    if _word_text(run, span) != "install":
        return None, None, "`install` comes from a variable"
    # after `-y`/`-q` words that follow `install` on the same line: `install -y --no-install-recommends curl`
    at = span
    k = i + 1
    raw = cmd.raw_argv
    while k < len(raw) and k < len(cmd.arg_spans) and raw[k].startswith("-") and raw[k] not in _VALUE_OPTS:
        s = cmd.arg_spans[k]
        if s.line != at.line or _word_text(run, s) != raw[k]:
            break
        at = s
        k += 1
    return Edit(Span(at.end_line, at.end_column, at.end_line, at.end_column), " " + FLAG), span, None


def _ca_edit(run, cmd, op, names: tuple[str, ...] = ("ca-certificates",)) -> Edit | None:
    """`names` (default ` ca-certificates`) after the op's last package word, when that word is
    written as is."""
    if not op.positions:
        return None
    pos = op.positions[-1]
    if pos >= len(cmd.arg_spans):
        return None
    s = cmd.arg_spans[pos]
    if _word_text(run, s) != cmd.raw_argv[pos]:
        return None
    return Edit(Span(s.end_line, s.end_column, s.end_line, s.end_column), "".join(f" {n}" for n in names))


# What pip needs to build a source distribution (setup.py, or the legacy path of old pips), and
# python-pip/python3-pip recommend on the older releases (stretch, xenial: seed-12 review,
# vowstar/esp8266 and indiepartners/indie-php, whose `pip install` of an sdist then failed)
_PIP_BUILD_RECOMMENDS = ("python3-setuptools", "python-setuptools", "python3-wheel", "python-wheel")
_PIPS = frozenset({"python-pip", "python3-pip"})


def _commands_after(run, cmd):
    """The commands after `cmd`: later in its RUN, then those of the stage's later RUNs."""
    runs = run.stage.runs
    at = runs.index(run) if run in runs else len(runs)
    for r in runs[at:]:
        for c in r.commands:
            if not (r is run and c.index <= cmd.index):
                yield c


def _pip_installs_after(run, cmd) -> bool:
    """Whether pip installs (or `setup.py`/easy_install runs) after `cmd`: later in its RUN or in a
    later RUN of the stage, or in an image built on this one (a stage with no CMD or ENTRYPOINT
    in the file is a base for others: seed-13 review, shunichi/rails-base)."""
    stage = run.stage
    if stage.cmd is None and stage.entrypoint is None:
        return True
    for c in _commands_after(run, cmd):
        if c.name in ("easy_install", "easy_install3") or "setup.py" in c.argv[1:2]:
            return True
        if any(o.manager == "pip" and o.action == "install" for o in c.package_ops):
            return True
    return False


def _compiles_after(run, cmd) -> bool:
    """Whether a command after `cmd` (later in its RUN, or in a later RUN of the stage) runs a
    toolchain (knowledge.toolchain_for_command: make, cmake, gcc, go build, …). Not a `pip
    install`, which may or may not build: for pip the fix keeps setuptools and wheel by name."""
    return any(c.argv and knowledge.toolchain_for_command(list(c.argv)) is not None
               for c in _commands_after(run, cmd))


def check(model):
    from .. import layers
    from ..aptconf import recommends_state
    from ..needs import has_ca_certs
    from ..packages import base_name

    for stage in model.shipped:
        datas: dict[tuple[str, ...], _Data] = {}  # the same package list gives the same data
        # recommends an earlier install of the stage brought (it had them on): a later install that
        # recommends them too adds nothing (seed-13 review, aungzy/activemq: `apt-get install -y curl
        # && apt-get install -y supervisor`, both listing krb5-locales)
        brought: set[str] = set()
        for run in stage.runs:
            for op in run.package_ops:
                if op.manager != "apt" or op.action != "install" or op.tool not in _APT:
                    continue
                cmd = run.command(op.command_index)
                if _subcommand_index(cmd) is None:
                    continue  # build-dep, satisfy, reinstall
                fix_broken = any(o in ("-f", "--fix-broken") for o in op.options)
                if not op.packages and not fix_broken:
                    continue
                if any("$" in p or "`" in p for p in op.packages):
                    continue  # an unknown variable may hold the flag
                if any(o.partition("=")[0] == "--install-recommends" for o in op.options):
                    continue  # asked for by name (`--install-recommends`): the author wants them
                state, write = recommends_state(run, op)
                if state is not True:
                    continue
                if _all_auto_removed(run, op):
                    continue  # what the install brought, recommends included, leaves with --auto-remove
                names = [base_name(p) for p in op.packages if not p.startswith(("./", "/", "../"))
                         and not p.endswith(".deb")]
                if not names and not fix_broken:
                    continue  # only local .deb files: what they recommend cannot be known (ajrennaker11/boundary)
                base = layers.base_layer_packages(stage.root_image)
                if names and all(n in base for n in names):
                    # the base image has them all: apt installs nothing, so no recommend either
                    # (git on java:openjdk-8-jdk, from buildpack-deps:*-scm: pelawler/activator)
                    continue
                data = None
                if names and len(names) == len(op.packages):
                    foreign = _foreign(stage, run, cmd) & frozenset(names)
                    key = (tuple(names), foreign)
                    data = datas.get(key)
                    if data is None:
                        data = datas[key] = _Data(names, stage.root_image, *_installed(stage, has_ca_certs),
                                                  foreign=foreign)
                if data is not None and data.recommends:
                    own = data
                    data = data.without(brought)
                    brought.update(own.recommends)
                if data is not None and data.nothing_at_stake:
                    continue
                if data is not None and not data.unknown and set(data.recommends) == {"ca-certificates"} \
                        and _ca_edit(run, cmd, op) is not None:
                    # wget's only recommend: the fix installs it back by name, and the image stays
                    # the same (seed-9 review, docker-oracle-jre)
                    continue
                yield _hit(run, cmd, op, data, write, stage, has_ca_certs)


def _foreign(stage, run, cmd) -> frozenset[str]:
    """Packages that a third-party repository added before `cmd` (in the stage's lineage, or earlier
    in its RUN) provides instead of the distribution: packages.toml [[third_party_repo]]
    (NodeSource's nodejs: seed-13 review, shunichi/rails-base, where Debian's nodejs-doc was
    named)."""
    repos = knowledge.load_table("packages").get("third_party_repo", ())
    if not repos:
        return frozenset()

    def provided(text: str) -> set[str]:
        return {p for repo in repos if any(m in text for m in repo["match"]) for p in repo["packages"]}

    # {id(run): what the RUNs before it added}, once per stage: a stage can hold thousands of installs
    before = getattr(stage, "_dkl202_foreign", None)
    if before is None:
        before, seen = {}, set()
        for r in stage.all_runs():
            before[id(r)] = frozenset(seen)
            seen |= provided(r.instruction.rest)
        stage._dkl202_foreign = before
    got = before.get(id(run), frozenset())
    if any(m in run.instruction.rest for repo in repos for m in repo["match"]):
        got = got | provided(" ".join(" ".join(c.argv) for c in run.commands if c.index < cmd.index))
    return got


def _all_auto_removed(run, op) -> bool:
    """Whether every package of the install is purged again later in the RUN with apt's
    auto-removal (`apt-get purge -y --auto-remove gcc`, or a purge then `apt-get autoremove`): the
    recommends it pulled in are marked automatically installed, so they go too (apt-get(8),
    --auto-remove; APT::AutoRemove::RecommendsImportant keeps only recommends of packages still
    installed)."""
    kept, last_autoremove = _run_facts(run)
    return id(op) not in kept and last_autoremove > op.command_index


def _run_facts(run) -> tuple[set[int], int]:
    """(ids of the install ops that keep a package, index of the RUN's last auto-removing apt
    command or -1), computed once per RUN: a heredoc RUN can hold thousands of installs."""
    got = getattr(run, "_dkl202_facts", None)
    if got is None:
        kept = {id(o) for o, _p in run.kept_packages}
        last = -1
        for c in run.commands:
            if c.name not in ("apt-get", "apt"):
                continue
            words = set(c.argv[1:])
            if "autoremove" in words or ({"purge", "remove"} & words and {"--auto-remove", "--autoremove"} & words):
                last = c.index
        got = (kept, last)
        run._dkl202_facts = got
    return got


def _installed(stage, has_ca_certs) -> tuple[set[str], frozenset[str] | None]:
    """(apt packages the lineage installs by name, with ca-certificates when the stage has it;
    their Debian closure, computed on first use). Cached per stage: every install of the stage
    asks the same."""
    got = getattr(stage, "_apt_named", None)
    if got is None:
        from ..needs import kept_packages

        names = {name for manager, name in kept_packages(stage) if manager == "apt"}
        if has_ca_certs(stage):
            names.add("ca-certificates")
        got = (names, {})
        stage._apt_named = got
    return got


def _hit(run, cmd, op, data, write, stage, has_ca_certs) -> Hit:
    tool = op.tool
    msg = f"`{tool} install` without `{FLAG}` also installs the packages' recommended packages"
    if write is not None:
        msg += f" (the apt configuration written at line {write.line} turns them back on)"
    dropped = list(data.recommends) if data is not None else []
    if data is not None and dropped:
        msg += f": {data.where()}, {data.listed()}"
        if data.extra_mb and data.exact:
            # a size only for the release the data measured: another release's packages differ
            msg += f", about {data.extra_mb:g} MB with their dependencies"
        if data.unknown:
            msg += f" (not counting {', '.join(f'`{n}`' for n in data.unknown[:3])}, unknown to the Debian data)"
    elif data is not None and data.unknown:
        # nothing known to name: say whose recommends are not known rather than claim some
        n = len(data.unknown)
        msg += (f", if {', '.join(f'`{x}`' for x in data.unknown[:3])}{' …' if n > 3 else ''} "
                f"{'recommends' if n == 1 else 'recommend'} any ({'it is' if n == 1 else 'they are'} unknown to "
                f"the Debian data, and the packages it holds bring none the stage lacks)")
    edits, title, span = recommends_off(run, cmd, op, data)
    where = span or cmd.span
    if edits is None:
        return Hit(where, msg, None, f"add `{FLAG}` to this install; no automatic fix because {title}")
    return Hit(where, msg, Fix(title, "unsafe", edits))


def recommends_data(stage, names: list[str]) -> _Data:
    """What the Debian archive says about the recommends of an apt install of `names` (base
    names) in `stage`, as DKL202 reports them: the _Data of DKL202's finding, for DKL102's move."""
    from ..needs import has_ca_certs

    return _Data(names, stage.root_image, *_installed(stage, has_ca_certs))


def recommends_off(run, cmd, op, data) -> tuple[tuple | None, str, Span | None]:
    """The edits that add `--no-install-recommends` to the apt install `op` (command `cmd` of
    `run`), with `ca-certificates` installed by name when a package recommended it, and the fix's
    title naming what is no longer installed (`data`: the install's _Data, or None when the
    Debian data was not consulted). Returns (edits sorted by position, title, the `install`
    word's span) or (None, why not, that span, or None when the word is not found). DKL102's move uses it too, where a kept package's
    recommends would bring a moved one back."""
    edit, span, why = _flag_edit(run, cmd)
    if edit is None:
        return None, why, None
    from ..packages import base_name

    dropped = list(data.recommends) if data is not None else []
    title = f"Add `{FLAG}`"
    named: list[str] = []  # dropped recommends the fix installs by name, in one edit
    pips = {base_name(p) for p in op.packages} & _PIPS
    if pips and _pip_installs_after(run, cmd):
        if data is None or not data.exact:
            return None, (f"`{sorted(pips)[0]}` may recommend setuptools on this release, which a later `pip "
                          "install` needs to build source distributions, and the Debian data does not cover "
                          "the release"), span
        keep_pip = [d for d in dropped if d in _PIP_BUILD_RECOMMENDS]
        if keep_pip:
            named += keep_pip
            title += (f" and install {', '.join(f'`{n}`' for n in keep_pip)} explicitly (a later `pip install` "
                      f"builds source distributions with {'it' if len(keep_pip) == 1 else 'them'})")
    # build packages a recommend brings (llvm's llvm-N-dev, python3-pip's build-essential) that a
    # later RUN may compile with (fix review seed 2032, vo3xel/blender-occ: cmake -DWITH_LLVM=ON):
    # no fix. Naming them instead would keep them, but as installs of their own DKL101 and DKL102
    # then report them, and their fixes would have to agree with this one.
    builds_with = [d for d in dropped if d not in named and knowledge.build_only_package("apt", d) is not None]
    if builds_with and _compiles_after(run, cmd):
        shown = ", ".join(f"`{n}`" for n in builds_with[:3]) + (" …" if len(builds_with) > 3 else "")
        return None, (f"it would drop {shown}, which a later RUN may build with: add the flag and install "
                      f"{'it' if len(builds_with) == 1 else 'them'} by name if the build needs "
                      f"{'it' if len(builds_with) == 1 else 'them'}"), span
    # recommends a program of the package itself needs (xvfb's xvfb-run runs xauth: fix review seed
    # 2032, anelmu/protractor-headless), packages.toml [needed_recommends]
    needed = knowledge.load_table("packages").get("needed_recommends", {})
    own = [d for d in dropped if d not in named and d in needed.get(data.recommends[d], ())] if data else []
    if own:
        named += own
        title += "".join(f" and install `{d}` explicitly (`{data.recommends[d]}` needs it)" for d in own)
    if "ca-certificates" in dropped:
        named.append("ca-certificates")
        by = data.recommends["ca-certificates"]
        title += (f" and install `ca-certificates` explicitly (recommended by `{by}`: without it "
                  "HTTPS downloads fail)")
    edits = [edit]
    if named:
        more = _ca_edit(run, cmd, op, tuple(named))
        if more is not None:
            edits.append(more)
        elif named != ["ca-certificates"]:
            return None, (f"the image needs {', '.join(f'`{n}`' for n in named[:-1] or named)}, and "
                          "the install's last package cannot be found in the text to add it after"), span
        else:
            title = (f"Add `{FLAG}` (this drops `ca-certificates`: HTTPS downloads then fail unless it is "
                     "installed)")
        dropped = [d for d in dropped if d not in named]
    if dropped:
        shown = ", ".join(f"`{n}`" for n in dropped[:_SHOWN]) + (f" and {len(dropped) - _SHOWN} more"
                                                                  if len(dropped) > _SHOWN else "")
        going_by = "" if data.exact else f" going by Debian {data.release}'s packages,"
        title += f";{going_by} no longer installed: {shown} — check that nothing needs them"
    elif data is None or data.unknown:
        title += "; check that nothing needs what the packages recommend"
    return tuple(sorted(edits, key=lambda e: (e.span.line, e.span.column))), title, span
