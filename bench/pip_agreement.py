"""How far the tracker agrees with pip: for a sample of the committed inventory, does
`pip download --platform win_arm64 --only-binary=:all: --python-version 3.12 --no-deps NAME`
succeed, and with which file?

    .venv/bin/python bench/pip_agreement.py [--size 50] [--inventory inventory]

The tracker says *installable* (native or pure: a wheel of the latest release installs on
Windows on Arm) or not (needs-porting, sdist-only). pip picks the newest version with a
compatible wheel, so a *regressed* package (an earlier release had win_arm64 wheels) is
expected to download an older version: it is counted apart. Prints the agreement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def pip_download(name: str, index_url: str, dest: Path) -> tuple[bool, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no extra indexes or find-links from this machine
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    argv = [
        sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
        "--platform", "win_arm64", "--only-binary=:all:", "--python-version", "3.12",
        "--index-url", index_url, "--dest", str(dest / name), name,
    ]  # fmt: skip
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    files = [p.name for p in (dest / name).glob("*")] if (dest / name).is_dir() else []
    errors = [line for line in proc.stderr.splitlines() if line.startswith("ERROR")]
    return proc.returncode == 0, files[0] if files else (errors[0] if errors else "")


def stratified(ranked: list[dict[str, Any]], size: int) -> list[dict[str, Any]]:
    """About ``size`` packages spread over the states (every regressed one, evenly spaced
    by rank within each state), so the rare classes are not drowned by the pure ones."""
    regressed = [e for e in ranked if e["facts"]["pypi"] and e["facts"]["pypi"]["regressed"]]
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in ranked:
        if e not in regressed:
            groups.setdefault(str(e["state"]), []).append(e)
    share = max(1, (size - len(regressed)) // max(1, len(groups)))
    chosen = list(regressed)
    for members in groups.values():
        step = max(1, len(members) // share)
        chosen += members[::step][:share]
    return sorted(chosen, key=lambda e: int(e["rank"]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventory")
    parser.add_argument("--size", type=int, default=50, help="About how many packages.")
    parser.add_argument("--index-url", default="https://pypi.org/simple")
    args = parser.parse_args()
    status = json.loads((args.inventory / "status.json").read_text())
    ranked = sorted((e for e in status["packages"].values() if e["rank"]), key=lambda e: e["rank"])
    sample = stratified(ranked, args.size)
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(4) as pool:
        answers = list(
            pool.map(lambda e: pip_download(e["name"], args.index_url, Path(tmp)), sample)
        )
    agree = regressed_ok = 0
    disagreements = []
    for entry, (ok, detail) in zip(sample, answers, strict=True):
        pypi = entry["facts"]["pypi"] or {}
        installable = entry["state"] in ("native", "pure", "device-validated")
        # The tracker knows an older release has a wheel (regressed: win_arm64; fallback:
        # any wheel): pip --only-binary=:all: installs that one.
        regressed = bool(pypi.get("regressed") or pypi.get("binary_fallback"))
        if ok == installable:
            agree += 1
        elif ok and regressed:
            regressed_ok += 1
        else:
            disagreements.append((entry["rank"], entry["name"], entry["state"], ok, detail))
        print(
            f"{entry['rank']:5} {entry['name']:32} {entry['state']:18} pip={'ok' if ok else 'no':3} {detail}"
        )
    total = len(sample)
    print(
        f"\nagreement: {agree}/{total} ({agree / total:.0%}); {regressed_ok} more where pip "
        f"took an older release with a wheel, as the tracker says (regressed or fallback); "
        f"{len(disagreements)} disagreements"
    )
    for d in disagreements:
        print("  disagree:", d)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
