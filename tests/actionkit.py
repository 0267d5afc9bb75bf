"""Run a composite action's shell steps here, the way GitHub Actions would: inputs mapped
into each step's `env:` (with `${{ }}` expressions evaluated), `bash --noprofile --norc
-eo pipefail`, fresh `GITHUB_OUTPUT` files per step, one `GITHUB_STEP_SUMMARY`, and the
action's outputs computed from its steps' outputs. `uses:` steps are not supported (our
composite actions have none)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def parse_outputs(text: str) -> dict[str, str]:
    """The name=value and name<<DELIMITER forms of $GITHUB_OUTPUT."""
    values: dict[str, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            body = []
            i += 1
            while lines[i] != delimiter:
                body.append(lines[i])
                i += 1
            values[name] = "\n".join(body)
        elif "=" in line:
            name, value = line.split("=", 1)
            values[name] = value
        i += 1
    return values


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: dict[str, dict[str, str]]
    summary: str
    stdout: str
    failed_step: str | None
    returncode: int
    skipped: list[str] = field(default_factory=list)


def _evaluate(expression: str, context: dict[str, Any]) -> str:
    comparison = re.fullmatch(r"(.+?)\s*==\s*'([^']*)'", expression)
    if comparison:
        return "true" if _evaluate(comparison[1], context) == comparison[2] else "false"
    node: Any = context
    for part in expression.split("."):
        if not isinstance(node, dict) or part not in node:
            raise KeyError(f"${{{{ {expression} }}}}: not known to the test harness")
        node = node[part]
    return "" if node is None else str(node)


def substitute(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda m: _evaluate(m[1], context), text)


def run_action(
    action_dir: Path,
    inputs: dict[str, str],
    *,
    cwd: Path,
    python_bin: Path,
    env: dict[str, str] | None = None,
    start_at: str | None = None,
    timeout: float = 900,
) -> ActionRun:
    spec = yaml.safe_load((action_dir / "action.yml").read_text())
    declared = spec.get("inputs", {})
    unknown = set(inputs) - set(declared)
    if unknown:
        raise ValueError(f"inputs the action does not declare: {sorted(unknown)}")
    context: dict[str, Any] = {
        "github": {"action_path": str(action_dir), "token": "test-token", "repository": "me/fork"},
        "runner": {"temp": str(cwd / ".runner-temp")},
        "steps": {},
    }
    resolved_inputs = {}
    for name, item in declared.items():
        default = substitute(str(item.get("default", "")), context)
        resolved_inputs[name] = inputs.get(name, default)
    context["inputs"] = resolved_inputs
    summary = cwd / ".step-summary.md"
    summary.touch()
    (cwd / ".runner-temp").mkdir(exist_ok=True)
    base_env = {
        **os.environ,
        **(env or {}),
        "PATH": f"{python_bin}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_ACTIONS": "true",
        "GITHUB_STEP_SUMMARY": str(summary),
        "RUNNER_TEMP": str(cwd / ".runner-temp"),
    }
    base_env.pop("VIRTUAL_ENV", None)
    stdout = []
    skipped = []
    started = start_at is None
    failed = None
    code = 0
    for index, step in enumerate(spec["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        if not started:
            started = step_id == start_at
            if not started:
                skipped.append(step_id)
                continue
        if "uses" in step:
            raise ValueError(
                f"{action_dir}: step {step_id} uses {step['uses']}; the harness runs shell steps only"
            )
        condition = step.get("if")
        if (
            condition is not None
            and substitute(str(condition), context) != "true"
            and _evaluate(EXPRESSION.sub(lambda m: m[1], str(condition)), context) != "true"
        ):
            skipped.append(step_id)
            continue
        assert step.get("shell") == "bash", f"{step_id}: every run step names its shell (bash)"
        output_file = cwd / f".output-{step_id}"
        output_file.write_text("")
        step_env = {**base_env, "GITHUB_OUTPUT": str(output_file)}
        for key, value in (step.get("env") or {}).items():
            step_env[key] = substitute(str(value), context)
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        stdout.append(proc.stdout + proc.stderr)
        context["steps"][step_id] = {"outputs": parse_outputs(output_file.read_text())}
        if proc.returncode != 0:
            failed, code = step_id, proc.returncode
            break
    outputs = {}
    for name, item in (spec.get("outputs") or {}).items():
        try:
            outputs[name] = substitute(str(item["value"]), context)
        except KeyError:
            outputs[name] = ""
    return ActionRun(
        outputs=outputs,
        steps={k: v["outputs"] for k, v in context["steps"].items()},
        summary=summary.read_text(),
        stdout="\n".join(stdout),
        failed_step=failed,
        returncode=code,
        skipped=skipped,
    )
