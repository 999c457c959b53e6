"""Configuration: `[tool.dockerlint]` in pyproject.toml or a `.dockerlint.toml`.

The nearest configuration above a linted file wins (searched from the file's
directory upwards, stopping at the repository root), as ruff does; command-line
options win over it.  A mistake in a configuration is an error, never a silent
fallback to defaults: a typo that quietly re-enables or disables rules is worse
than no configuration at all.
"""

from __future__ import annotations

import fnmatch
import os
from functools import lru_cache
TYPE_CHECKING = False  # typing costs ~5 ms of start-up; annotations are strings here
if TYPE_CHECKING:
    from typing import Any

from . import catalog
from .records import Value, setfield, replace

FAIL_LEVELS = ("info", "warning", "error")
KEYS = ("select", "ignore", "per-file-ignores", "target", "fail-level", "unsafe-fixes")


class ConfigError(Exception):
    """One line naming the file and the key; the run exits with status 2.

    path: the configuration file it is about, when known (for `--format github`).
    """

    def __init__(self, message: str, path: str | None = None):
        super().__init__(message)
        self.path = path


class Settings(Value):
    """What governs one file's lint: its configuration with the command line laid over it."""

    select: frozenset[str] | None  # None: every rule
    ignore: frozenset[str]
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...]  # (glob, codes), globs relative to root
    target: str | None
    fail_level: str
    unsafe_fixes: bool
    root: str | None  # directory of the configuration file
    source: str | None  # the configuration file, for messages

    __slots__ = _fields = ("select", "ignore", "per_file_ignores", "target", "fail_level",
                           "unsafe_fixes", "root", "source")

    def __init__(self, select: frozenset[str] | None = None, ignore: frozenset[str] = frozenset(),
                 per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = (),
                 target: str | None = None, fail_level: str = "info", unsafe_fixes: bool = False,
                 root: str | None = None, source: str | None = None) -> None:
        setfield(self, "select", select)
        setfield(self, "ignore", ignore)
        setfield(self, "per_file_ignores", per_file_ignores)
        setfield(self, "target", target)
        setfield(self, "fail_level", fail_level)
        setfield(self, "unsafe_fixes", unsafe_fixes)
        setfield(self, "root", root)
        setfield(self, "source", source)

    def ignored_for(self, path: str) -> frozenset[str]:
        """ignore plus the per-file-ignores whose glob matches path."""
        if not self.per_file_ignores or self.root is None:  # only a configuration file has globs
            return self.ignore
        rel = _relative(path, self.root)
        base = os.path.basename(path)
        extra: set[str] = set()
        for pattern, codes in self.per_file_ignores:
            if fnmatch.fnmatchcase(rel, pattern) or ("/" not in pattern and fnmatch.fnmatchcase(base, pattern)):
                extra |= codes
        return self.ignore | extra


def _shown(path: str) -> str:
    """A configuration file's path as messages show it: relative to the working directory
    when inside it (`pyproject.toml`, `services/api/.dockerlint.toml`), else as given."""
    try:
        rel = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive on Windows
        return path
    return path if rel == os.pardir or rel.startswith(os.pardir + os.sep) else rel


def _relative(path: str, root: str) -> str:
    """path relative to the configuration's directory, as per-file-ignores globs are written."""
    try:
        rel = os.path.relpath(os.path.abspath(path), root)
    except ValueError:  # another drive on Windows
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/")


def _rules(value: Any, where: str) -> frozenset[str]:
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of rule codes or names, got {_show(value)}")
    try:
        return frozenset(catalog.resolve(value))
    except KeyError as e:
        raise ConfigError(f"{where}: {e.args[0]}; see `dockerlint --list-rules`") from None


def _name(key: Any) -> str:
    """A key as it can be shown on one line (a TOML key may hold a newline)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in str(key))


def _show(value: Any) -> str:
    kind = {bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "a list",
            dict: "a table"}.get(type(value), type(value).__name__)
    return f"{kind} ({value!r})" if not isinstance(value, (dict, list)) else kind


def parse_table(table: Any, source: str, section: str) -> Settings:
    """Validate one configuration table; every problem names the file and the key."""
    where = f"{source}: {section}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table, got {_show(table)}")
    for key in table:
        if key not in KEYS:
            import difflib

            close = difflib.get_close_matches(str(key).replace("_", "-"), KEYS, n=1, cutoff=0.6)
            hint = close[0] if close else None
            extra = f" (did you mean `{hint}`?)" if hint else f"; known keys: {', '.join(KEYS)}"
            raise ConfigError(f"{where}: unknown key `{_name(key)}`{extra}")
    s = Settings(root=os.path.dirname(os.path.abspath(source)), source=source)
    if "select" in table:
        s = replace(s, select=_rules(table["select"], f"{where}.select"))
    if "ignore" in table:
        s = replace(s, ignore=_rules(table["ignore"], f"{where}.ignore"))
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{where}.per-file-ignores: expected a table of glob = [rules], got {_show(pfi)}")
        s = replace(s, per_file_ignores=tuple(
            (pattern, _rules(codes, f'{where}.per-file-ignores."{_name(pattern)}"')) for pattern, codes in pfi.items()))
    if "target" in table:
        if not isinstance(table["target"], str) or not table["target"]:
            raise ConfigError(f"{where}.target: expected a stage name, got {_show(table['target'])}")
        s = replace(s, target=table["target"])
    if "fail-level" in table:
        if table["fail-level"] not in FAIL_LEVELS:
            raise ConfigError(f"{where}.fail-level: expected one of {', '.join(FAIL_LEVELS)}, "
                              f"got {_show(table['fail-level'])}")
        s = replace(s, fail_level=table["fail-level"])
    if "unsafe-fixes" in table:
        if not isinstance(table["unsafe-fixes"], bool):
            raise ConfigError(f"{where}.unsafe-fixes: expected true or false, got {_show(table['unsafe-fixes'])}")
        s = replace(s, unsafe_fixes=table["unsafe-fixes"])
    return s


@lru_cache(maxsize=None)
def load_file(path: str) -> Settings | None:
    """Settings from one file; None for a pyproject.toml without [tool.dockerlint].

    Messages name the file relative to the working directory when it lies inside it.
    """
    path = _shown(path)
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as e:
        raise ConfigError(f"{path}: cannot read: {e.strerror or e}", path) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}", path) from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", path) from None
    try:
        if os.path.basename(path) == "pyproject.toml":
            tool = data.get("tool", {})
            if not isinstance(tool, dict) or "dockerlint" not in tool:
                return None
            return parse_table(tool["dockerlint"], path, "[tool.dockerlint]")
        tool = data.get("tool")
        if isinstance(tool, dict) and "dockerlint" in tool:
            # the pyproject.toml spelling, pasted into a file that has no [tool] level
            raise ConfigError(f"{path}: top level: unknown key `tool`: in a .dockerlint.toml the keys go "
                              "at the top level, without the [tool.dockerlint] header")
        return parse_table(data, path, "top level")
    except ConfigError as e:
        e.path = path
        raise


@lru_cache(maxsize=None)
def _find_in(directory: str) -> str | None:
    """The configuration governing files in directory (searched upwards), or None."""
    for name in (".dockerlint.toml", "pyproject.toml"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate) and load_file(candidate) is not None:
            return candidate
    if os.path.exists(os.path.join(directory, ".git")):  # the repository root: look no further
        return None
    parent = os.path.dirname(directory)
    return None if parent == directory else _find_in(parent)


def discover(path: str) -> Settings:
    """The settings for a linted file (`-` is looked up from the working directory)."""
    directory = os.getcwd() if path == "-" else os.path.dirname(os.path.abspath(path))
    found = _find_in(directory)
    return load_file(found) if found else Settings()


def settings_for(path: str, cli) -> Settings:
    """The settings for one file: its configuration with the command line laid over it.

    `cli` is the run's options (runner.Options); a value of None there means "not given",
    so the configuration decides.
    """
    if cli.isolated:
        base = Settings()
    elif cli.config:
        base = load_file(cli.config)
        if base is None:
            raise ConfigError(f"{cli.config}: no [tool.dockerlint] table", cli.config)
    else:
        base = discover(path)
    # Layered as in ruff: a command-line --select starts the selection afresh (the
    # configuration's select and ignore no longer apply); --ignore alone adds to it.
    if cli.select is not None:
        base = replace(base, select=frozenset(cli.select), ignore=frozenset(cli.ignore or ()))
    elif cli.ignore is not None:
        base = replace(base, ignore=base.ignore | frozenset(cli.ignore))
    for name in ("target", "fail_level", "unsafe_fixes"):
        if getattr(cli, name) is not None:
            base = replace(base, **{name: getattr(cli, name)})
    return base


def clear_cache() -> None:
    """Forget what was read: one CLI run reads each configuration once; tests and editors change them."""
    load_file.cache_clear()
    _find_in.cache_clear()
