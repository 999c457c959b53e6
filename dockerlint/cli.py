"""Command line: `dockerlint [OPTIONS] [PATH]...`.

Exit status: 0 nothing at or above the failure level, 1 findings, 2 a usage,
configuration, input or internal error (findings of the other files are still
printed).

The click command (`cli`, built on first use from options.OPTIONS) is the command line's
definition; `main`, the console entry, parses common command lines with fastargs (the same
table, without importing click) and hands every other one to click.  Both call `execute`.
"""

from __future__ import annotations

import os
import sys

from . import __version__
from .options import OPTIONS


class CommandError(Exception):
    """A usage error found after parsing: `message`, and `hint` the option it is about (click
    says "Invalid value for HINT: ...") or None (click's plain usage error)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message, self.hint = message, hint


def _codes(values, what: str) -> set[str] | None:
    from . import catalog

    if not values:
        return None
    try:
        return catalog.resolve(values, where=f" in {what}")
    except KeyError as e:
        raise CommandError(f"{e.args[0]}; see `dockerlint --list-rules`", what) from None


def _use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _list_rules() -> str:
    from . import catalog

    rows = [(d.code, d.name, d.severity, d.fix, "yes" if d.default else "no", d.summary)
            for d in catalog.catalog().values()]
    w = [max(len(r[i]) for r in rows) for i in range(5)]
    out = []
    for r in rows:
        out.append(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  fix:{r[3]:<{w[3]}}  default:{r[4]:<{w[4]}}  {r[5]}")
    return "\n".join(out) + "\n"


def _explain(ident: str) -> str:
    from . import catalog

    doc = catalog.lookup(ident)
    if doc is None:  # a hadolint code: explain the rule it maps to
        doc = next(iter(catalog.by_hadolint().get(ident.strip().upper(), ())), None)
    if doc is None:
        raise CommandError(f"unknown rule {ident!r}; see `dockerlint --list-rules`", "--explain")
    head = f"# {doc.code} {doc.name}\n\nSeverity: {doc.severity}. Fix: {doc.fix}."
    if doc.hadolint:
        head += f" hadolint: {', '.join(doc.hadolint)}."
    if not doc.default:
        head += (f"\nNot in the default rule set: it runs only when selected (`--select {doc.code}`, "
                 f"`select = [\"{doc.code}\"]` in the configuration, a prefix such as `{doc.code[:4]}`, or ALL).")
    return f"{head}\n\n{doc.summary}\n\n{doc.body.strip()}\n"


def execute(paths, kw: dict) -> int | None:
    """Do what a parsed command line asks.  kw: {option dest: value} for every option of
    options.OPTIONS, as the click command receives them (fastargs.parse gives the same).
    Returns None after --list-rules or --explain, else the run's exit status; raises
    CommandError for a usage error (nothing has been printed then)."""
    from .runner import echo

    if kw["list_rules"]:
        echo(_list_rules())
        return None
    if kw["explain"]:
        echo(_explain(kw["explain"]))
        return None
    if kw["apply_fix"] and kw["show_diff"]:
        raise CommandError("--fix and --diff do not go together: --diff only shows what --fix would write")
    if kw["statistics"] and kw["fmt"] not in ("text", "json"):
        raise CommandError(f"--statistics prints text or json, not {kw['fmt']}")

    from .runner import Options, run

    output, color = kw["output"], kw["color"]
    opts = Options(
        select=_codes(kw["select"], "--select"),
        ignore=_codes(kw["ignore"], "--ignore"),
        target=kw["target"],
        fail_level=kw["fail_level"],
        fmt=kw["fmt"],
        output=output,
        diff=kw["show_diff"],
        fix=kw["apply_fix"],
        unsafe_fixes=kw["unsafe_fixes"],
        stdin_filename=kw["stdin_filename"],
        color=_use_color(color, sys.stdout) if not output else color == "always",
        config=kw["config_file"],
        isolated=kw["isolated"],
        jobs=kw["jobs"] or os.cpu_count() or 1,
        exit_zero=kw["exit_zero"],
        statistics=kw["statistics"],
    )
    return run(list(paths), opts)


def _click_params(fn):
    """Decorate fn with the click options of options.OPTIONS, in the table's order."""
    import click

    for o in reversed(OPTIONS):
        kw: dict = {"help": o.help, "show_default": o.show_default}
        decls = list(o.flags)
        if o.kind == "flag":
            kw["is_flag"] = True
        elif o.kind == "switch":
            decls = [f"{o.flags[-1]}/{o.negative}"]
            kw["default"] = None
        else:
            kw["multiple"] = o.kind == "multiple"
            if o.metavar:
                kw["metavar"] = o.metavar
            if o.default is not None:
                kw["default"] = o.default
            if o.choices:
                kw["type"] = click.Choice(o.choices)
            elif o.minimum is not None:
                kw["type"] = click.IntRange(min=o.minimum)
            elif o.file == "write":
                kw["type"] = click.Path(dir_okay=False, writable=True)
            elif o.file == "read":
                kw["type"] = click.Path(exists=True, dir_okay=False)
        fn = click.option(*decls, o.dest, **kw)(fn)
    return fn


def _command():
    """The click command: the command line's full definition (help, --version, error texts)."""
    import click

    @click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True), metavar="[PATH]...")
    @_click_params
    @click.version_option(__version__, "--version", prog_name="dockerlint")
    def cli(paths, **kw):
        """Lint Dockerfiles: what the final image ships that it should not, and how to fix it.

        PATH is a Dockerfile (linted whatever its name), a directory to search for Dockerfiles,
        or `-` for standard input.  Without PATH, the current directory is searched.
        """
        try:
            status = execute(paths, kw)
        except CommandError as e:
            if e.hint:
                raise click.BadParameter(e.message, param_hint=e.hint) from None
            raise click.UsageError(e.message) from None
        if status is not None:
            sys.exit(status)

    return cli


_CLI = None


def __getattr__(name: str):
    # `from dockerlint.cli import cli` builds the click command (and imports click) only then
    global _CLI
    if name == "cli":
        if _CLI is None:
            _CLI = _command()
        return _CLI
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _exit_code(e: SystemExit) -> int:
    """The status SystemExit would end the process with (a message is printed, as Python does)."""
    if e.code is None:
        return 0
    if isinstance(e.code, int):
        return e.code
    print(e.code, file=sys.stderr)
    return 1


def _with_click(argv: list[str]) -> int:
    try:
        __getattr__("cli").main(argv, prog_name="dockerlint", standalone_mode=True)
    except SystemExit as e:
        return _exit_code(e)
    return 0


def _fast(paths: list[str], kw: dict) -> int | None:
    """What click's standalone mode does around the command, for a command line fastargs parsed;
    None when click must take over (a usage error: click says it)."""
    import errno

    from .runner import echo

    try:
        try:
            status = execute(paths, kw)
        except CommandError:
            return None
        return 0 if status is None else status
    except SystemExit as e:
        return _exit_code(e)
    except (EOFError, KeyboardInterrupt):
        echo("\n", err=True)  # as click: a blank line closes the terminal's ^C, then "Aborted!"
        echo("Aborted!\n", err=True)
        return 1
    except OSError as e:
        if e.errno != errno.EPIPE:
            raise
        return 1


def run_command(argv: list[str]) -> int:
    """Parse argv (without the program name), lint or print, and return the exit status; never
    raises (a bug is one line on standard error and status 2)."""
    from . import fastargs

    try:
        parsed = fastargs.parse(argv)
        status = _fast(*parsed) if parsed is not None else None
        return _with_click(argv) if status is None else status
    except KeyboardInterrupt:
        from .runner import echo

        echo("dockerlint: interrupted\n", err=True)
        return 130
    except Exception as e:  # a bug must still be one clear line and exit 2, never a traceback
        from .runner import echo

        echo(f"dockerlint: internal error: {type(e).__name__}: {e} (please report it; "
             "DOCKERLINT_DEBUG=1 shows the traceback)\n", err=True)
        if os.environ.get("DOCKERLINT_DEBUG"):
            import traceback

            traceback.print_exc()
            return 1
        return 2


def main() -> None:
    """The console entry (`dockerlint`, `python -m dockerlint`): run, flush, and end the process
    with os._exit, skipping interpreter teardown (freeing every object of a short-lived process,
    which the OS does at once).  Not for in-process use: tests call `cli` through CliRunner."""
    import gc

    # A short-lived process that keeps every file's model until the report: the cyclic GC
    # would rescan them all again and again (a third of a large run); memory is freed at exit.
    # dockerlint/__main__.py disables it before any import; this is for older entry scripts.
    gc.disable()
    status = run_command(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: nothing more can be said
    os._exit(status)
