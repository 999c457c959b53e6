"""The hook as users run it: real `pre-commit`, installing dockerlint from this repository at HEAD.

pre-commit clones the repository at `rev`, so this tests what is committed (as CI does on
a clean checkout).  The install is real (a virtualenv and pip from the package index) and
happens once per session in a temporary PRE_COMMIT_HOME.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BAD = "FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
CLEAN = ("FROM debian:bookworm\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n"
         "CMD [\"curl\"]\n")


def _head() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


HEAD = _head()
pytestmark = pytest.mark.skipif(HEAD is None or shutil.which("git") is None,
                                reason="needs git and this repository as a git checkout")


def _git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"})


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path, home):
    _git(tmp_path, "init", "-q")
    (tmp_path / ".pre-commit-config.yaml").write_text(
        "repos:\n"
        f"  - repo: {ROOT}\n"
        f"    rev: {HEAD}\n"
        "    hooks:\n"
        "      - id: dockerlint\n")

    def run(*args):
        env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
        env.pop("VIRTUAL_ENV", None)
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--color", "never", *args],
                              cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)

    return tmp_path, run


def _add(root: Path, files: dict[str, str]):
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    _git(root, "add", "-A")


def test_hook_definition_matches_the_documented_file_names():
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert set(hooks) == {"dockerlint", "dockerlint-fix"}
    assert all(h["language"] == "python" for h in hooks.values())
    pattern = re.compile(hooks["dockerlint"]["files"])
    for name in ("Dockerfile", "Dockerfile.prod", "Dockerfile-single-golang", "app.Dockerfile", "app.dockerfile",
                 "Containerfile", "Containerfile.dev", "sub/dir/Dockerfile", "dockerfile"):
        assert pattern.search(name), name
    for name in ("Dockerfile.py/x.txt", "README.md", "Dockerfiles/notes.txt", "myDockerfile", "docker-compose.yml"):
        assert not pattern.search(name), name


def test_hook_fails_on_a_bad_file_and_names_the_code(repo):
    root, run = repo
    _add(root, {"Dockerfile": BAD, "app.dockerfile": CLEAN, "svc/Dockerfile-single-golang": BAD})
    t0 = time.perf_counter()
    r = run("--all-files")
    print(f"\nfirst run (installs the hook): {time.perf_counter() - t0:.1f}s")
    out = r.stdout + r.stderr
    assert r.returncode == 1, out
    assert "Dockerfile:2:5: DKL201" in out
    assert "svc/Dockerfile-single-golang:2:5: DKL201" in out
    assert "app.dockerfile" not in out.replace("dockerlint", "")  # the clean file has nothing to say


def test_hook_passes_on_clean_files(repo):
    root, run = repo
    _add(root, {"Dockerfile": CLEAN, "Containerfile": "FROM scratch\nCOPY app /app\nENTRYPOINT [\"/app\"]\n"})
    r = run("--all-files")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"dockerlint\.+Passed", r.stdout)


def test_hook_honours_config_and_inline_ignores(repo):
    root, run = repo
    _add(root, {
        "a/Dockerfile": BAD,
        "b/Dockerfile": BAD.replace("RUN", "# dockerlint ignore=DKL201 -- cleaned by the base image's hook\nRUN"),
        "c/Dockerfile": BAD.replace("RUN", "# hadolint ignore=DL3009\nRUN"),
        "pyproject.toml": '[tool.dockerlint]\nper-file-ignores = { "a/*" = ["apt-lists-not-cleaned"] }\n',
    })
    r = run("--all-files")
    assert r.returncode == 0, r.stdout + r.stderr
    # and a broken configuration is an error, not a silent fallback
    _add(root, {"pyproject.toml": '[tool.dockerlint]\nignor = ["DKL201"]\n'})
    r = run("--all-files")
    assert r.returncode == 1, r.stdout  # pre-commit reports any non-zero status as 1
    assert "pyproject.toml: [tool.dockerlint]: unknown key `ignor` (did you mean `ignore`?)" in r.stdout


def test_fix_hook_applies_safe_fixes(repo):
    root, run = repo
    (root / ".pre-commit-config.yaml").write_text(
        (root / ".pre-commit-config.yaml").read_text().replace("id: dockerlint\n", "id: dockerlint-fix\n"))
    _add(root, {"Dockerfile": BAD})
    r = run("--all-files")
    assert r.returncode == 1  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in r.stdout
    assert (root / "Dockerfile").read_text() == BAD.replace(
        "install -y --no-install-recommends curl\n", "install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n")
    _git(root, "add", "-A")
    assert run("--all-files").returncode == 0
