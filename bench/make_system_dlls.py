"""Regenerate scripts/woaport/data/windows_system_dlls.json from delvewheel's DLL lists.

    .venv/bin/python bench/make_system_dlls.py --delvewheel-git PATH/TO/delvewheel/.git

delvewheel (https://github.com/adang1345/delvewheel, MIT licence) keeps, in its folder
``dll_lists/``, the names of the DLLs found in ``C:\\Windows\\System32`` and ``SysWOW64`` of
clean installations of each Windows version, ARM64 included (``dll_lists/README.md``: files
without an export table, and on ARM64 the non-ARM64 DLLs, are left out). We take:

* win_arm64: ``dll_lists/11-arm64/System32-arm64.txt`` -- Windows 11 is the Windows on Arm
  that is supported (Windows 10 reached its end of support in October 2025); DLLs that only
  Windows 11 ships (``icu.dll``, ``opengl32.dll``) are therefore system DLLs here;
* win_amd64: the names in both ``dll_lists/10/System32.txt`` and ``dll_lists/11/System32.txt``;
* win32: the names in both ``dll_lists/10/SysWOW64.txt`` and ``dll_lists/11/SysWOW64.txt``.

The repository is read with ``git show COMMIT:PATH`` and the commit is written into the data.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scripts" / "woaport" / "data" / "windows_system_dlls.json"
SOURCES = {
    "win_arm64": ["dll_lists/11-arm64/System32-arm64.txt"],
    "win_amd64": ["dll_lists/10/System32.txt", "dll_lists/11/System32.txt"],
    "win32": ["dll_lists/10/SysWOW64.txt", "dll_lists/11/SysWOW64.txt"],
}


def _show(git_dir: Path, commit: str, path: str) -> set[str]:
    text = subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"{commit}:{path}"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {line.strip().lower() for line in text.split() if line.strip()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delvewheel-git", type=Path, required=True)
    parser.add_argument("--commit", default="HEAD")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "--git-dir", str(args.delvewheel_git), "rev-parse", args.commit],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    platforms = {}
    for platform, paths in SOURCES.items():
        names = set.intersection(*(_show(args.delvewheel_git, commit, p) for p in paths))
        platforms[platform] = sorted(n for n in names if n.endswith((".dll", ".drv")))
    document = {
        "source": "https://github.com/adang1345/delvewheel/tree/"
        f"{commit}/dll_lists (MIT licence); regenerate with bench/make_system_dlls.py",
        "commit": commit,
        "files": SOURCES,
        "platforms": platforms,
    }
    OUT.write_text(json.dumps(document, indent=0) + "\n", encoding="utf-8")
    counts = ", ".join(f"{p}: {len(n)}" for p, n in platforms.items())
    print(f"{OUT}: {counts}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
