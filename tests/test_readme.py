"""The README runs: every command in its fenced `sh` and `yaml` blocks is executed, on a fresh
clone of this repository, as a new user would run it.

Only package registries are reachable here, so the repository's URL becomes the local clone
(`git+https://github.com/dockerlint/dockerlint` -> `git+file:///CLONE`, the pre-commit `repo:`
-> the clone's path, the action's `uses: dockerlint/dockerlint@main` -> `uses: ./`); nothing
else is changed.  The set-up's test command runs this whole suite again inside the clone (with
DOCKERLINT_README_NESTED set, so that this module does not recurse).
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

from dockerlint import config

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
URL = "https://github.com/dockerlint/dockerlint"
NESTED = "DOCKERLINT_README_NESTED"
BIN = Path(sys.executable).parent  # this suite's environment: pre-commit, actionlint, shellcheck
APT = "FROM debian\nRUN apt-get update && apt-get install -y curl\nCMD [\"curl\"]\n"


def blocks() -> list[tuple[str, str, str]]:
    """(heading, language, text) of every fenced block, in order."""
    out, heading = [], ""
    for m in re.finditer(r"^(#+ [^\n]*)$|^```(\w*)\n(.*?)^```$", README, re.M | re.S):
        if m.group(1):
            heading = m.group(1).lstrip("# ")
        else:
            out.append((heading, m.group(2), m.group(3)))
    return out


def block(heading: str, lang: str, k: int = 0) -> str:
    return [t for h, lg, t in blocks() if h == heading and lg == lang][k]


def commands(text: str) -> list[str]:
    """The command lines of an sh block, without their trailing comments."""
    return [re.sub(r"\s+#.*$", "", line).strip() for line in text.splitlines() if line.strip()]


def substitute(text: str, clone: Path) -> str:
    return (text.replace(f"git+{URL}", f"git+file://{clone}").replace(URL, str(clone))
            .replace("uses: dockerlint/dockerlint@main", "uses: ./"))


def sh(command: str, cwd: Path, *, venv: Path | None = None, env: dict | None = None, timeout: int = 900,
       suite_tools: bool = False):
    """Run one README command with bash, in venv when given (as after `. .venv/bin/activate`).

    This suite's own environment is off PATH (nothing installed here can stand in for what the
    command installs), unless suite_tools: then its tools (pre-commit) come first on PATH.
    """
    full = {**os.environ, "NO_COLOR": "1", **(env or {})}
    full.pop("VIRTUAL_ENV", None)
    path = [p for p in full["PATH"].split(os.pathsep) if Path(p) != BIN]
    full["PATH"] = os.pathsep.join([str(BIN), *path] if suite_tools else path)
    if venv is not None:
        command = f". {venv}/bin/activate && {command}"
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=full, capture_output=True, text=True,
                          timeout=timeout)


# --- every block is one that a test below runs or checks -------------------------------------------

HANDLED = {
    ("Set-up", "sh"): 2, ("Use", "sh"): 1, ("Use", "text"): 2, ("CI", "sh"): 1, ("GitHub Actions", "yaml"): 2,
    ("GitHub Actions", "sh"): 1, ("pre-commit", "yaml"): 1, ("pre-commit", "sh"): 1, ("Configuration", "toml"): 1,
    ("Suppressions", "dockerfile"): 1, ("Fixes and multi-stage rewrites", "text"): 3,
}


def test_every_block_of_the_readme_is_run_or_checked():
    seen: dict = {}
    for heading, lang, _ in blocks():
        seen[(heading, lang)] = seen.get((heading, lang), 0) + 1
    assert seen == HANDLED


# --- fast checks in this checkout ------------------------------------------------------------------

def test_sample_outputs_are_what_dockerlint_prints():
    rewrites = [(f"dockerlint --diff --unsafe-fixes examples/Dockerfile.{name}",
                 block("Fixes and multi-stage rewrites", "text", i))
                for i, name in enumerate(["go-single", "java-single", "python-single"])]
    for command, sample in [("dockerlint examples/Dockerfile.go-single", block("Use", "text", 0)),
                            ("dockerlint --statistics examples", block("Use", "text", 1))] + rewrites:
        r = subprocess.run([sys.executable, "-m", "dockerlint", *command.split()[1:]], cwd=ROOT, capture_output=True,
                           text=True, env={**os.environ, "NO_COLOR": "1"})
        assert r.returncode == 1 and r.stdout == sample, f"README's sample of `{command}` is stale:\n{r.stdout}"


def test_configuration_example_is_valid_configuration():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    table = tomllib.loads(block("Configuration", "toml"))["tool"]["dockerlint"]
    s = config.parse_table(table, "pyproject.toml", "[tool.dockerlint]")
    assert s.ignore == {"DKL102"} and s.target == "runtime" and s.fail_level == "warning"


def test_suppression_example_names_only_real_rules():
    from dockerlint.engine import lint_text

    res = lint_text("FROM debian\n" + block("Suppressions", "dockerfile"), "Dockerfile")
    assert [f.message for f in res.findings if "not a dockerlint rule" in f.message] == []


def test_workflows_pass_actionlint(tmp_path):
    """actionlint (with shellcheck for the run steps) on both workflows; `uses: ./` makes it
    check the inputs and outputs the workflow uses against action.yml."""
    actionlint = shutil.which("actionlint") or shutil.which("actionlint", path=str(BIN))
    assert actionlint, "actionlint comes with the test extras"
    (tmp_path / ".github/workflows").mkdir(parents=True)
    shutil.copy(ROOT / "action.yml", tmp_path / "action.yml")
    for k in range(2):
        (tmp_path / f".github/workflows/dockerlint-{k}.yml").write_text(
            substitute(block("GitHub Actions", "yaml", k), Path("/unused")))
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    r = subprocess.run([actionlint], cwd=tmp_path, capture_output=True, text=True,
                       env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


# --- on a fresh clone --------------------------------------------------------------------------

slow = pytest.mark.skipif(bool(os.environ.get(NESTED)), reason="already inside the README's test command")


@pytest.fixture(scope="module")
def clone(fresh_clone):
    return fresh_clone


@slow
def test_set_up_commands_install_lint_and_pass_the_tests(clone):
    install_and_lint, install_and_test = (commands(block("Set-up", "sh", k)) for k in range(2))
    r = sh(install_and_lint[0], clone)
    assert r.returncode == 1, r.stderr  # the example has findings
    assert "examples/Dockerfile.go-single:11:39: DKL101 " in r.stdout and "Traceback" not in r.stderr
    # The README's test command as written, in the clone: it installs the test extras and runs
    # pytest.  Running the whole suite a second time inside the first proves nothing more and
    # doubles CI, so PYTEST_ADDOPTS narrows it to the CLI tests (CI itself runs everything).
    r = sh(install_and_test[0], clone, timeout=3000, env={NESTED: "1", "PYTEST_ADDOPTS": "tests/test_cli.py"})
    summary = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else ""
    assert r.returncode == 0 and " passed" in summary and "failed" not in summary, r.stdout[-3000:] + r.stderr[-3000:]


# (command, exit status): findings exit 1, --exit-zero and the fixed file 0
USE = {
    "dockerlint examples/Dockerfile.go-single": 1,
    "dockerlint .": 1,
    "dockerlint - < examples/Dockerfile.apt": 1,
    "dockerlint --format json examples": 1,
    "dockerlint --format sarif -o dockerlint.sarif .": 1,
    "dockerlint --format github .": 1,
    "dockerlint --statistics .": 1,
    "dockerlint --ignore DL3009 examples": 1,
    "dockerlint --exit-zero .": 0,
    "dockerlint --diff --unsafe-fixes examples/Dockerfile.go-single": 1,
    "dockerlint --fix examples/Dockerfile.apt": 0,
    "dockerlint --list-rules": 0,
    "dockerlint --explain DKL101": 0,
}


@slow
def test_use_commands(clone):
    assert commands(block("Use", "sh")) == list(USE)
    venv = clone / ".venv"
    if not venv.is_dir():  # this test alone: install as the set-up does
        assert sh("python3 -m venv .venv && . .venv/bin/activate && pip install -q -e .", clone).returncode == 0
    for command, status in USE.items():
        r = sh(command, clone, venv=venv)
        assert (r.returncode, "error" in r.stderr.lower()) == (status, False), (command, r.stdout, r.stderr)
        assert bool(r.stdout) != ("-o " in command), command  # a report, on stdout or in the file
    assert json.loads((clone / "dockerlint.sarif").read_text())["runs"][0]["results"]
    assert (clone / "examples/Dockerfile.apt").read_text().count("rm -rf /var/lib/apt/lists/*") == 1


@slow
def test_ci_commands_and_the_plain_workflow_steps(clone, tmp_path):
    """The CI one-liner, then the plain workflow's `run` steps, in a new virtualenv in the checkout."""
    venv = tmp_path / "ci-venv"
    assert sh(f"python3 -m venv {venv}", clone).returncode == 0
    (line,) = commands(block("CI", "sh"))
    r = sh(substitute(line, clone), clone, venv=venv)
    assert r.returncode == 1 and "examples/Dockerfile.go-single:11:39: DKL101 " in r.stdout, r.stderr
    workflow = yaml.safe_load(substitute(block("GitHub Actions", "yaml", 1), clone))
    runs = [s["run"] for s in workflow["jobs"]["dockerlint"]["steps"] if "run" in s]
    assert len(runs) == 2
    for command in runs:
        r = sh(command, clone, venv=venv)
        assert r.returncode == 0, (command, r.stderr)
    assert json.loads((clone / "dockerlint.sarif").read_text())["runs"][0]["results"]
    (line,) = commands(block("GitHub Actions", "sh"))
    r = sh(line, clone, venv=venv)
    assert r.returncode == 1 and r.stdout.startswith("::") and all(ln.startswith("::") for ln in r.stdout.splitlines())


@slow
def test_pre_commit_snippet_pins_the_current_commit_and_lints_what_discovery_lints(clone, tmp_path):
    repo = tmp_path / "project"
    files = {"Dockerfile": APT, "Dockerfile.dockerignore": "node_modules\n", "docs/Dockerfile.md": "# notes\n",
             "app.Dockerfile": APT, "Containerfile.dev": APT, "services/api/Dockerfile": APT,
             "build/Dockerfile": APT, ".gitignore": "build/\n"}
    for name, text in files.items():
        p = repo / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    (repo / ".pre-commit-config.yaml").write_text(substitute(block("pre-commit", "yaml"), clone))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=clone, capture_output=True, text=True,
                          check=True).stdout.strip()
    env = {"PRE_COMMIT_HOME": str(tmp_path / "home"), "PRE_COMMIT_COLOR": "never"}
    autoupdate, run_all = (substitute(c, clone) for c in commands(block("pre-commit", "sh")))
    r = sh(autoupdate, repo, env=env, suite_tools=True)
    assert r.returncode == 0, r.stdout + r.stderr
    (entry,) = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())["repos"]
    assert entry["rev"] == head  # no release tag yet: the newest commit
    r = sh(run_all, repo, env=env, suite_tools=True)
    linted = sorted(set(re.findall(r"^(\S+):2:5: DKL201 ", r.stdout, re.M)))
    assert r.returncode == 1 and linted == ["Containerfile.dev", "Dockerfile", "app.Dockerfile",
                                             "services/api/Dockerfile"], r.stdout + r.stderr
    assert "DKL001" not in r.stdout
