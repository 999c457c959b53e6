"""Which files to lint: a path named on the command line as given, directories searched for Dockerfiles.

A directory search finds the names in PATTERNS (matched case-sensitively; `dockerfile` in
lower case is the fallback name `docker build` also reads), leaves out names ending in
EXCLUDED_SUFFIXES (any case: BuildKit's per-Dockerfile ignore files, documents,
templates and editor or merge left-overs, which share a Dockerfile's name but are not
Dockerfiles), never enters SKIP_DIRS, and skips what `.gitignore` ignores:

- every `.gitignore` at or below the searched directory, each for the paths below its own
  directory, the deeper one winning (git's precedence, `!` re-includes);
- inside a git repository also the `.gitignore` files of the directories from the
  repository's root down to the searched one, and `.git/info/exclude`;
- a directory that is ignored is not entered (as git does, `!` cannot re-include below it).
  A directory named on the command line is always searched, even when it is ignored itself:
  the ignore files above it then do not apply, those inside it still do.

The patterns are matched by pathspec (the library black and others use for gitignore), not
by code of ours.  The pre-commit hooks' `files:` pattern in .pre-commit-hooks.yaml matches
the same names (HOOK_FILES here; a test checks both and that they agree).
"""

from __future__ import annotations

import fnmatch
import os

PATTERNS = ("Dockerfile", "Dockerfile.*", "Dockerfile-*", "*.Dockerfile", "*.dockerfile",
            "Containerfile", "Containerfile.*", "Containerfile-*", "dockerfile")
EXCLUDED_SUFFIXES = (".dockerignore", ".md", ".txt", ".rst", ".orig", ".bak", ".template", ".tmpl",
                     ".j2", ".in")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "__pycache__", ".tox"})
# The pre-commit hooks' `files:` pattern (pre-commit searches it in the path from the
# repository's root, with `/` separators): a name that is_dockerfile_name accepts.
HOOK_FILES = (r"(^|/)(?![^/]*\.(?i:" + "|".join(s[1:] for s in EXCLUDED_SUFFIXES) + r")$)"
              r"((Dockerfile|Containerfile)([.-][^/]*)?|dockerfile|[^/]*\.[Dd]ockerfile)$")


def is_dockerfile_name(name: str) -> bool:
    """Whether a file's base name is one a directory search lints."""
    if name.lower().endswith(EXCLUDED_SUFFIXES):
        return False
    return any(fnmatch.fnmatchcase(name, p) for p in PATTERNS)


def describe() -> str:
    """The search rule in words, for messages: what is looked for and what is left out."""
    return (f"looked for {', '.join(PATTERNS)}; not {', '.join('*' + s for s in EXCLUDED_SUFFIXES)}, "
            "nor files that .gitignore ignores")


def display_path(path: str) -> str:
    """A path as the user wrote it, without leading `./` (`./Dockerfile` -> `Dockerfile`)."""
    while path.startswith("./") and len(path) > 2:
        path = path[2:].lstrip("/") or "."
    return path


class _Ignores:
    """The ignore files in force at one directory of the search, deepest first.

    Each entry is (base, above, spec).  For an ignore file at or below the search root,
    base is its directory relative to the root ("" or "sub/dir/") and above is None; for
    one above the root, base is None and above is what turns a root-relative path into one
    relative to that file's directory ("" or "services/api/").
    """

    def __init__(self, entries: list):
        self.entries = entries

    def ignored(self, rel: str, is_dir: bool) -> bool:
        """rel: path below the search root with `/` separators."""
        for base, above, spec in self.entries:
            if above is not None:
                path = (above + rel).rstrip("/")
                if not path:  # the search root itself, seen from its own directory
                    continue
            elif rel.startswith(base):
                path = rel[len(base):]
            else:
                continue
            result = spec.check_file(path + "/" if is_dir else path)
            if result.include is not None:
                return bool(result.include)
        return False

    def below(self, rel_dir: str, spec) -> "_Ignores":
        return _Ignores([(rel_dir, None, spec), *self.entries]) if spec is not None else self


def _spec_from(path: str):
    """A compiled .gitignore, or None when there is none (or it cannot be read)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    import pathspec  # only a search that meets an ignore file pays for the import

    return pathspec.GitIgnoreSpec.from_lines(lines)


def _repository_root(directory: str) -> str | None:
    d = directory
    while True:
        if os.path.exists(os.path.join(d, ".git")):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def _ancestor_ignores(top: str) -> list:
    """The ignore files above the search root `top` (absolute) that apply to it, deepest first."""
    repo = _repository_root(top)
    if repo is None:
        return []
    out = []
    d = top
    while d != repo:
        d = os.path.dirname(d)
        spec = _spec_from(os.path.join(d, ".gitignore"))
        if spec is not None:
            out.append((None, _above(top, d), spec))
    exclude = _spec_from(os.path.join(repo, ".git", "info", "exclude"))
    if exclude is not None:  # below every .gitignore in precedence, as in git
        out.append((None, _above(top, repo), exclude))
    return out


def _above(top: str, directory: str) -> str:
    """The prefix that turns a path relative to top into one relative to directory."""
    rel = os.path.relpath(top, directory).replace(os.sep, "/")
    return "" if rel == "." else rel + "/"


def find_dockerfiles(root: str) -> list[str]:
    """Dockerfiles below root, each as root joined to its relative path (no leading `./`).

    Files of a directory come before its subdirectories, both in name order.  Unreadable
    directories are skipped.
    """
    ancestors = _Ignores(_ancestor_ignores(os.path.abspath(root)))
    if ancestors.entries and ancestors.ignored("", True):
        ancestors = _Ignores([])  # named on the command line: searched even though it is ignored
    shown = display_path(root)
    prefix = "" if shown in (".", "./") else shown.rstrip("/") + "/"
    out: list[str] = []

    def walk(directory: str, rel_dir: str, ignores: _Ignores) -> None:
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        if any(e.name == ".gitignore" for e in entries):
            ignores = ignores.below(rel_dir, _spec_from(os.path.join(directory, ".gitignore")))
        subdirs = []
        for e in entries:
            try:
                is_dir = e.is_dir(follow_symlinks=False)
            except OSError:
                continue
            rel = rel_dir + e.name
            if is_dir:
                if e.name not in SKIP_DIRS and not ignores.ignored(rel, True):
                    subdirs.append(e)
            elif is_dockerfile_name(e.name) and e.is_file() and not ignores.ignored(rel, False):
                out.append(prefix + rel)
        for e in subdirs:
            walk(e.path, rel_dir + e.name + "/", ignores)

    walk(root, "", ancestors)
    return out
