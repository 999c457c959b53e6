"""The command line's options as data: the one table that cli.py builds the click command from.

This module imports nothing but the standard library, so a fast path can read the same
table to parse common command lines without importing click.  Each entry says how the
option is spelt, what it holds and its help; `dest` is the keyword the command receives.

    kind      what the option takes                        click equivalent
    value     one value (a choice, a path, an integer)     an option with a value
    multiple  a value, repeatable; values collect in order  multiple=True
    flag      nothing; True when given                     is_flag=True
    switch    --x / --no-x; None when neither is given     a boolean flag pair
"""

from __future__ import annotations

from .records import Value, setfield


FORMATS = ("text", "json", "sarif", "github")
FAIL_LEVELS = ("info", "warning", "error")
COLORS = ("auto", "always", "never")


class Option(Value):
    """One command-line option.

    flags: its spellings, short first (`("-o", "--output")`); for a switch, the positive
    `--x` (the negative `--no-x` is implied).  choices: the values allowed, or None.
    file: "write" for a file the report is written to, "read" for a file that must exist.
    minimum: an integer option's lower bound (None: the option is not an integer).
    exits: the option prints something and exits without linting (`--list-rules`).
    """

    flags: tuple[str, ...]
    dest: str
    help: str
    kind: str
    choices: tuple[str, ...] | None
    default: object
    metavar: str | None
    file: str | None
    minimum: int | None
    show_default: bool
    exits: bool

    __slots__ = _fields = ("flags", "dest", "help", "kind", "choices", "default", "metavar", "file",
                           "minimum", "show_default", "exits")

    def __init__(self, flags: tuple[str, ...], dest: str, help: str, kind: str = "value",
                 choices: tuple[str, ...] | None = None, default: object = None,
                 metavar: str | None = None, file: str | None = None, minimum: int | None = None,
                 show_default: bool = False, exits: bool = False) -> None:
        setfield(self, "flags", flags)
        setfield(self, "dest", dest)
        setfield(self, "help", help)
        setfield(self, "kind", kind)
        setfield(self, "choices", choices)
        setfield(self, "default", default)
        setfield(self, "metavar", metavar)
        setfield(self, "file", file)
        setfield(self, "minimum", minimum)
        setfield(self, "show_default", show_default)
        setfield(self, "exits", exits)

    @property
    def negative(self) -> str | None:
        """A switch's `--no-x` spelling."""
        return "--no-" + self.flags[-1][2:] if self.kind == "switch" else None


OPTIONS: tuple[Option, ...] = (
    Option(("--format",), "fmt", "Output format.", choices=FORMATS, default="text", show_default=True),
    Option(("-o", "--output"), "output", "Write the report to FILE instead of standard output.",
           metavar="FILE", file="write"),
    Option(("--select",), "select", "Only these rules (codes, names, code prefixes, hadolint codes or "
           "ALL; comma-separated or repeated).", kind="multiple", metavar="RULES"),
    Option(("--ignore",), "ignore", "Skip these rules (as --select).", kind="multiple", metavar="RULES"),
    Option(("--target",), "target", "The stage that is built (docker build --target); default: the last.",
           metavar="STAGE"),
    Option(("--fail-level",), "fail_level", "Lowest severity that makes the exit status 1.  "
           "[default: from the config, else info]", choices=FAIL_LEVELS),
    Option(("-e", "--exit-zero"), "exit_zero", "Exit with status 0 even when there are findings "
           "(a usage, configuration or input error still exits 2).", kind="flag"),
    Option(("--statistics",), "statistics", "Print how many findings each rule has instead of the "
           "findings (text or json).", kind="flag"),
    Option(("--diff",), "show_diff", "Print the fixes as a unified diff; change nothing.", kind="flag"),
    Option(("--fix",), "apply_fix", "Apply safe fixes to the files.", kind="flag"),
    Option(("--unsafe-fixes",), "unsafe_fixes", "With --fix or --diff, include fixes that can change "
           "behaviour.  [default: from the config, else no]", kind="switch"),
    Option(("--stdin-filename",), "stdin_filename", "Name to report for standard input (`-`).", metavar="NAME"),
    Option(("--color",), "color", "Colour the text output; NO_COLOR in the environment turns it off.",
           choices=COLORS, default="auto", show_default=True),
    Option(("--config",), "config_file", "Use this pyproject.toml or .dockerlint.toml for every file "
           "instead of searching.", metavar="FILE", file="read"),
    Option(("--isolated",), "isolated", "Ignore every configuration file.", kind="flag"),
    Option(("-j", "--jobs"), "jobs", "Lint in this many processes; output order is unchanged.  [default: 0, "
           "one per CPU; used for runs of 40 files or more, never with --fix or --diff]",
           default=0, minimum=0, metavar="N"),
    Option(("--list-rules",), "list_rules", "List every rule and exit.", kind="flag", exits=True),
    Option(("--explain",), "explain", "Print a rule's documentation and exit (a code, name or hadolint code).",
           metavar="RULE", exits=True),
)

BY_DEST = {o.dest: o for o in OPTIONS}
