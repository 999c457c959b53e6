"""Which files `dockerlint DIRECTORY` lints, and that the pre-commit hooks' `files` pattern agrees.

Trees are written here and made git repositories where .gitignore semantics need one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from dockerlint import discover
from dockerlint.cli import cli
from dockerlint.discover import HOOK_FILES, find_dockerfiles, is_dockerfile_name

ROOT = Path(__file__).resolve().parents[1]
APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
NOT_A_DOCKERFILE = "node_modules\n*.log\n"  # a .dockerignore: `DKL001 unknown instruction` if linted
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# The tree of issue 13's "Done when", and more names that look like Dockerfiles.
TRACKED_DOCKERFILES = ["Containerfile.dev", "Dockerfile", "Dockerfile-prod", "app.Dockerfile", "dockerfile",
                       "services/api/Dockerfile", "services/api/worker.dockerfile", "x/Dockerfile."]
NOT_DOCKERFILES = ["Dockerfile.dockerignore", "docs/Dockerfile.md", "Dockerfile.template", "x.dockerfile.j2",
                   "Dockerfile.txt", "Dockerfile.rst", "Dockerfile.orig", "Dockerfile.bak", "Dockerfile.tmpl",
                   "Dockerfile.in", "Dockerfile.MD", "app.Dockerfile.dockerignore", "Containerfile.j2",
                   "Dockerfiles", "myDockerfile", "docker-compose.yml", "DOCKERFILE", "Dockerfile.py/notes",
                   "dockerfile.dev", "app.Containerfile"]
IGNORED = ["build/Dockerfile", "logs/Dockerfile", "services/api/generated/Dockerfile"]


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


def _write(root: Path, names, text=APT):
    for name in names:
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(NOT_A_DOCKERFILE if name.endswith(".dockerignore") else text)


def _cli(cwd, *args):
    """(exit status, stdout, stderr) through click's runner, in cwd."""
    old = os.getcwd()
    os.chdir(cwd)
    try:
        r = CliRunner().invoke(cli, list(args))
    finally:
        os.chdir(old)
    return r.exit_code, r.stdout, r.stderr


def _proc(cwd, *args):
    r = subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, capture_output=True, text=True,
                       env={**os.environ, "NO_COLOR": "1"})
    return r.returncode, r.stdout, r.stderr


def _linted(out: str) -> list[str]:
    return sorted({f["path"] for f in json.loads(out)["findings"]})


@pytest.fixture
def tricky(tmp_path):
    """A git repository with the tricky names; build/, logs/ and one generated/ directory are ignored."""
    _git(tmp_path, "init", "-q")
    _write(tmp_path, TRACKED_DOCKERFILES + NOT_DOCKERFILES + IGNORED)
    (tmp_path / ".gitignore").write_text("build/\n/logs\n")
    (tmp_path / "services/api/.gitignore").write_text("generated/\n")
    _git(tmp_path, "add", "-A")
    return tmp_path


@needs_git
def test_the_tree_of_the_issue_lints_exactly_the_real_tracked_dockerfiles(tricky, monkeypatch):
    expected = sorted(TRACKED_DOCKERFILES)
    monkeypatch.chdir(tricky)
    assert sorted(find_dockerfiles(".")) == expected
    for run in (_cli, _proc):
        code, out, err = run(tricky, "--format", "json", ".")
        assert (code, err) == (1, ""), err
        assert _linted(out) == expected  # relative, as written, without `./`


@needs_git
def test_the_hook_pattern_matches_the_same_tracked_files_as_discovery(tricky, monkeypatch):
    tracked = subprocess.run(["git", "ls-files"], cwd=tricky, capture_output=True, text=True,
                             check=True).stdout.split()
    # pre-commit never passes ignored files (they are not tracked); what it passes is filtered by `files`
    assert not set(IGNORED) & set(tracked)
    hook = sorted(p for p in tracked if re.search(HOOK_FILES, p))
    monkeypatch.chdir(tricky)
    assert hook == sorted(find_dockerfiles(".")) == sorted(TRACKED_DOCKERFILES)


def test_the_hooks_use_discoverys_pattern():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert {h["id"]: h["files"] for h in hooks} == {"dockerlint": HOOK_FILES, "dockerlint-fix": HOOK_FILES}
    assert all("exclude" not in h for h in hooks)  # a user's `exclude:` would replace it and let documents in


_HEADS = ["Dockerfile", "dockerfile", "Containerfile", "DOCKERFILE", "containerfile", "app", "x.y", "", "Docker"]
_MIDDLES = ["", ".", "-", ".dev", "-prod", ".Dockerfile", ".dockerfile", ".Containerfile", "file", "s", ".x.y"]
_TAILS = ["", ".md", ".MD", ".Md", ".in", ".IN", ".j2", ".txt", ".rst", ".orig", ".bak", ".template", ".tmpl",
          ".dockerignore", ".Dockerignore", ".inc", ".md5", ".bak2", "md", "in", ".Dockerfile", ".dockerfile"]
_names = st.builds(lambda dirs, h, m, t: "".join(d + "/" for d in dirs) + h + m + t,
                   st.lists(st.sampled_from(["a", "Dockerfile", "docs", "x.md"]), max_size=2),
                   st.sampled_from(_HEADS), st.sampled_from(_MIDDLES), st.sampled_from(_TAILS))


@settings(max_examples=2000, deadline=None)
@given(_names)
def test_hook_pattern_and_file_names_agree_on_any_path(path):
    name = path.rsplit("/", 1)[-1]
    assert bool(re.search(HOOK_FILES, path)) == is_dockerfile_name(name), path


@pytest.mark.parametrize("name", NOT_DOCKERFILES)
def test_a_file_named_on_the_command_line_is_linted_whatever_its_name(tmp_path, name):
    _write(tmp_path, [name])
    for run in (_cli, _proc):
        code, out, _ = run(tmp_path, "--format", "json", name)
        assert code == 1 and _linted(out) == [name]


@needs_git
def test_gitignore_rules_nested_negated_and_above_the_searched_directory(tmp_path, monkeypatch):
    _git(tmp_path, "init", "-q")
    _write(tmp_path, ["svc/Dockerfile", "svc/vendor/Dockerfile", "svc/vendor/keep/Dockerfile", "svc/tmp/Dockerfile",
                      "svc/a.Dockerfile", "svc/sub/b.Dockerfile", "svc/sub/Dockerfile", "other/Dockerfile"])
    (tmp_path / ".gitignore").write_text("tmp/\n*.Dockerfile\n")
    (tmp_path / "svc/.gitignore").write_text("vendor/*\n!vendor/keep/\n")
    (tmp_path / "svc/sub/.gitignore").write_text("!b.Dockerfile\n")  # the deeper file wins
    monkeypatch.chdir(tmp_path / "svc")  # the root's .gitignore applies from above the searched directory
    assert find_dockerfiles(".") == ["Dockerfile", "sub/Dockerfile", "sub/b.Dockerfile", "vendor/keep/Dockerfile"]
    monkeypatch.chdir(tmp_path)
    assert find_dockerfiles("svc/") == ["svc/Dockerfile", "svc/sub/Dockerfile", "svc/sub/b.Dockerfile",
                                        "svc/vendor/keep/Dockerfile"]
    (tmp_path / ".git/info").mkdir(exist_ok=True)
    (tmp_path / ".git/info/exclude").write_text("other/\n")
    assert find_dockerfiles(".") == ["svc/Dockerfile", "svc/sub/Dockerfile", "svc/sub/b.Dockerfile",
                                     "svc/vendor/keep/Dockerfile"]


@needs_git
def test_a_named_directory_is_searched_even_when_it_is_ignored(tricky):
    for run in (_cli, _proc):
        code, out, _ = run(tricky, "--format", "json", "build")
        assert code == 1 and _linted(out) == ["build/Dockerfile"]


def test_gitignore_applies_outside_a_repository_too(tmp_path):
    (tmp_path / "tree").mkdir()
    _write(tmp_path / "tree", ["Dockerfile", "out/Dockerfile"])
    (tmp_path / "tree/.gitignore").write_text("out/\n")
    assert find_dockerfiles(str(tmp_path / "tree")) == [f"{tmp_path}/tree/Dockerfile"]


def test_paths_print_as_written_without_a_leading_dot_slash(tmp_path):
    _write(tmp_path, ["Dockerfile", "sub/Dockerfile"])
    for run in (_cli, _proc):
        for args, expected in [(["."], ["Dockerfile", "sub/Dockerfile"]), (["./"], ["Dockerfile", "sub/Dockerfile"]),
                               (["./sub/"], ["sub/Dockerfile"]), (["./sub/Dockerfile"], ["sub/Dockerfile"]),
                               (["sub"], ["sub/Dockerfile"]), ([], ["Dockerfile", "sub/Dockerfile"])]:
            code, out, _ = run(tmp_path, "--format", "json", *args)
            assert code == 1 and _linted(out) == expected, args
        code, out, _ = run(tmp_path, ".")
        assert [ln.split(":")[0] for ln in out.splitlines() if ": DKL201 " in ln] == ["Dockerfile", "sub/Dockerfile"]
    code, out, _ = _proc(tmp_path / "sub", "--format", "json", "..")
    assert _linted(out) == ["../Dockerfile", "../sub/Dockerfile"]


def test_no_dockerfiles_found_names_the_real_patterns(tmp_path):
    _write(tmp_path, ["Dockerfile.md", "notes.txt"])
    line = ("dockerlint: error: .: no Dockerfiles found in this directory (looked for Dockerfile, Dockerfile.*, "
            "Dockerfile-*, *.Dockerfile, *.dockerfile, Containerfile, Containerfile.*, Containerfile-*, dockerfile; "
            "not *.dockerignore, *.md, *.txt, *.rst, *.orig, *.bak, *.template, *.tmpl, *.j2, *.in, "
            "nor files that .gitignore ignores)\n")
    for run in (_cli, _proc):
        assert run(tmp_path, ".") == (2, "", line)
    # the message is made from the lists discovery uses, not a copy of them
    assert all(p in line for p in discover.PATTERNS) and all(s in line for s in discover.EXCLUDED_SUFFIXES)


def test_skipped_directories_and_symlinked_directories_are_not_entered(tmp_path, monkeypatch):
    _write(tmp_path, ["node_modules/x/Dockerfile", ".git/Dockerfile", ".venv/Dockerfile", "real/Dockerfile"])
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert find_dockerfiles(".") == ["real/Dockerfile"]
