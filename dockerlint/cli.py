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

FORMATS = ("text", "json", "sarif", "github")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}


class UsageError(click.UsageError):
    pass


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

    rows = [(d.code, d.name, d.severity, d.fix, d.summary) for d in catalog.catalog().values()]
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    out = []
    for r in rows:
        out.append(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  fix:{r[3]:<{w[3]}}  {r[4]}")
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
    return f"{head}\n\n{doc.summary}\n\n{doc.body.strip()}\n"


@click.command(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.argument("paths", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the report to FILE instead of standard output.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules (codes, names or code prefixes; comma-separated or repeated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules.")
@click.option("--target", metavar="STAGE", help="The stage that is built (docker build --target); default: the last.")
@click.option("--fail-level", type=click.Choice(["info", "warning", "error"]), default=None,
              help="Lowest severity that makes the exit status 1.  [default: from the config, else info]")
@click.option("--diff", "show_diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option("--fix", "apply_fix", is_flag=True, help="Apply safe fixes to the files.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="With --fix or --diff, include fixes that can change behaviour.  [default: from the config, else no]")
@click.option("--stdin-filename", metavar="NAME", help="Name to report for standard input (`-`).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output; NO_COLOR in the environment turns it off.")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False),
              help="Use this pyproject.toml or .dockerlint.toml for every file instead of searching.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0,
              help="Lint in this many processes; output order is unchanged.  [default: 0, one per CPU; "
                   "used for runs of 40 files or more, never with --fix or --diff]")
@click.option("--list-rules", is_flag=True, help="List every rule and exit.")
@click.option("--explain", metavar="RULE", help="Print a rule's documentation and exit.")
@click.version_option(__version__, "--version", prog_name="dockerlint")
def cli(paths, fmt, output, select, ignore, target, fail_level, show_diff, apply_fix, unsafe_fixes,
        stdin_filename, color, config_file, isolated, jobs, list_rules, explain):
    """Lint Dockerfiles: what the final image ships that it should not, and how to fix it.

    PATH is a Dockerfile, a directory to search for Dockerfiles (Dockerfile,
    Dockerfile.*, Dockerfile-*, *.Dockerfile, *.dockerfile, Containerfile), or `-`
    for standard input.  Without PATH, the current directory is searched.
    """
    if list_rules:
        click.echo(_list_rules(), nl=False)
        return
    if explain:
        click.echo(_explain(explain), nl=False)
        return
    if apply_fix and show_diff:
        raise click.UsageError("--fix and --diff do not go together: --diff only shows what --fix would write")

    from .runner import Options, run

    opts = Options(
        select=_codes(select, "--select"),
        ignore=_codes(ignore, "--ignore"),
        target=target,
        fail_level=fail_level,
        fmt=fmt,
        output=output,
        diff=show_diff,
        fix=apply_fix,
        unsafe_fixes=unsafe_fixes,
        stdin_filename=stdin_filename,
        color=_use_color(color, sys.stdout) if not output else color == "always",
        config=config_file,
        isolated=isolated,
        jobs=jobs or os.cpu_count() or 1,
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
