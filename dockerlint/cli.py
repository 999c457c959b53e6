"""Command line: `dockerlint [OPTIONS] [PATH]...`.

Exit status: 0 nothing at or above the failure level, 1 findings, 2 a usage,
configuration, input or internal error (findings of the other files are still
printed).
"""

from __future__ import annotations

import gc
import os
import sys

import click

from . import __version__
from .options import OPTIONS


def _codes(values, what: str) -> set[str] | None:
    from . import catalog

    if not values:
        return None
    try:
        return catalog.resolve(values, where=f" in {what}")
    except KeyError as e:
        raise click.BadParameter(f"{e.args[0]}; see `dockerlint --list-rules`", param_hint=what)


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
        raise click.BadParameter(f"unknown rule {ident!r}; see `dockerlint --list-rules`",
                                 param_hint="--explain")
    head = f"# {doc.code} {doc.name}\n\nSeverity: {doc.severity}. Fix: {doc.fix}."
    if doc.hadolint:
        head += f" hadolint: {', '.join(doc.hadolint)}."
    if not doc.default:
        head += (f"\nNot in the default rule set: it runs only when selected (`--select {doc.code}`, "
                 f"`select = [\"{doc.code}\"]` in the configuration, a prefix such as `{doc.code[:4]}`, or ALL).")
    return f"{head}\n\n{doc.summary}\n\n{doc.body.strip()}\n"


def _click_params(fn):
    """Decorate fn with the click options of options.OPTIONS, in the table's order."""
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


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True), metavar="[PATH]...")
@_click_params
@click.version_option(__version__, "--version", prog_name="dockerlint")
def cli(paths, **kw):
    """Lint Dockerfiles: what the final image ships that it should not, and how to fix it.

    PATH is a Dockerfile (linted whatever its name), a directory to search for Dockerfiles,
    or `-` for standard input.  Without PATH, the current directory is searched.
    """
    if kw["list_rules"]:
        click.echo(_list_rules(), nl=False)
        return
    if kw["explain"]:
        click.echo(_explain(kw["explain"]), nl=False)
        return
    if kw["apply_fix"] and kw["show_diff"]:
        raise click.UsageError("--fix and --diff do not go together: --diff only shows what --fix would write")
    if kw["statistics"] and kw["fmt"] not in ("text", "json"):
        raise click.UsageError(f"--statistics prints text or json, not {kw['fmt']}")

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
    sys.exit(run(list(paths), opts))


def main() -> None:
    # A short-lived process that keeps every file's model until the report: the cyclic GC
    # would rescan them all again and again (a third of a large run); memory is freed at exit.
    gc.disable()
    try:
        cli.main(prog_name="dockerlint", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("dockerlint: interrupted", err=True)
        sys.exit(130)
    except Exception as e:  # a bug must still be one clear line and exit 2, never a traceback
        click.echo(f"dockerlint: internal error: {type(e).__name__}: {e} (please report it; "
                   "DOCKERLINT_DEBUG=1 shows the traceback)", err=True)
        if os.environ.get("DOCKERLINT_DEBUG"):
            raise
        sys.exit(2)
