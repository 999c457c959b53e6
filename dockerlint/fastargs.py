"""A small command-line parser for the common case, so that a run need not import click.

Importing click costs more than linting a small file (click.core pulls inspect, enum, typing,
...).  `parse(argv)` reads the same table click's command is built from (options.OPTIONS) and
gives the keywords click would pass to the command, for the command lines it can read exactly:

    --opt value, --opt=value, -o value, -ovalue    a value (a choice, a path, an integer)
    --flag, -e, --x / --no-x                       flags and switches (repeated: the last wins)
    --select A --select B                          repeated options of kind "multiple", in order
    -, PATH ...                                    operands, before, between or after options
    --                                             the end of options

It returns None, and click parses, for everything else: --help, -h, --version, an option it does
not know, combined short options (-ej4), a missing value, any value click would reject (a choice
not in the table, a bad integer, a path click's checks refuse), and shell completion requests.
So a command line either gets click's very result or is handed to click, and errors and their
texts come from click alone.  tests/test_fastargs.py checks both parsers against each other for
every option of the table.
"""

from __future__ import annotations

import os

from .options import OPTIONS

# click's eager options and spellings it reserves: always click's to answer
_CLICK_ONLY = frozenset({"-h", "--help", "--version"})


def _table() -> tuple[dict[str, tuple[object, object]], dict]:
    """({spelling: (option, value for a switch's spelling or None)}, {dest: default})."""
    spellings: dict[str, tuple[object, object]] = {}
    defaults: dict = {}
    for o in OPTIONS:
        if o.kind == "switch":
            spellings[o.flags[-1]] = (o, True)
            spellings[o.negative] = (o, False)
            defaults[o.dest] = None
            continue
        for f in o.flags:
            spellings[f] = (o, None)
        if o.kind == "flag":
            defaults[o.dest] = False
        elif o.kind == "multiple":
            defaults[o.dest] = ()
        else:
            defaults[o.dest] = o.default
    return spellings, defaults


def _path_ok(value: str, file: str | None) -> bool:
    """Whether click.Path, as cli.py configures it, accepts `value` unchanged."""
    try:
        st = os.stat(value)
    except OSError:
        return file != "read"  # a file to read must exist; a report file or operand need not
    except ValueError:  # a NUL in the name: click does not catch it either
        return False
    import stat

    if file is not None and stat.S_ISDIR(st.st_mode):
        return False
    if not os.access(value, os.R_OK):
        return False
    return file != "write" or os.access(value, os.W_OK)


def _convert(o, value: str):
    """The value click would give option `o` for `value`, or raise ValueError where click would
    reject it (or might: the caller then lets click decide)."""
    if o.choices:
        if value not in o.choices:
            raise ValueError(value)
        return value
    if o.minimum is not None:
        n = int(value)  # click's IntRange converts with int() too ("+3", " 3", "1_0")
        if n < o.minimum:
            raise ValueError(value)
        return n
    if o.file and not _path_ok(value, o.file):
        raise ValueError(value)
    return value


def parse(argv: list[str], environ=os.environ) -> tuple[list[str], dict] | None:
    """(operands, {dest: value} for every option of options.OPTIONS) exactly as the click command
    of cli.py would receive them for `argv` (without the program name), or None when click must
    parse it (see the module doc)."""
    if "_DOCKERLINT_COMPLETE" in environ:  # click's shell completion
        return None
    spellings, kw = _table()
    paths: list[str] = []
    i, n = 0, len(argv)
    while i < n:
        arg = argv[i]
        i += 1
        if arg == "--":
            paths.extend(argv[i:])
            break
        if arg[:1] != "-" or arg == "-":
            paths.append(arg)
            continue
        if arg in _CLICK_ONLY:
            return None
        value = None
        if arg.startswith("--"):
            name, eq, value = arg.partition("=")
            if not eq:
                value = None
        elif arg[:2] in spellings and len(arg) > 2:
            name, value = arg[:2], arg[2:]  # -oFILE, -j4
        else:
            name = arg
        entry = spellings.get(name)
        if entry is None:
            return None
        o, switch_value = entry
        if o.kind in ("flag", "switch"):
            if value is not None:
                return None  # `--fix=1`, `-ej4`: click's to explain (or to combine)
            kw[o.dest] = True if o.kind == "flag" else switch_value
            continue
        if value is None:
            if i >= n:
                return None  # a missing value
            value = argv[i]
            i += 1
        try:
            converted = _convert(o, value)
        except ValueError:
            return None
        if o.kind == "multiple":
            kw[o.dest] = (*kw[o.dest], converted)
        else:
            kw[o.dest] = converted
    for p in paths:
        if p != "-" and not _path_ok(p, None):
            return None
    return paths, kw
