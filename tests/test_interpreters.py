"""The laptop's Pythons: the py launcher's list, probing, tags, and the choice per wheel."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import packaging
import pytest
from packaging.tags import sys_tags

from pythons import other_pythons
from woaport import interpreters as it

# -- the py launcher's list ---------------------------------------------------------------

# Real `py -0` output of the GitHub windows-11-arm runner, quoted in
# https://github.com/actions/partner-runner-images/issues/85 (2025-04-16): the tags the
# launcher prints, with display names instead of paths. No line names a path: nothing is
# taken from it.
RUNNER_PY_0 = """\
 -V:3.12 *        Python 3.12 (64-bit)
 -V:3.12-32       Python 3.12 (32-bit)
 -V:3.11          Python 3.11 (64-bit)
 -V:3.11-32       Python 3.11 (32-bit)
 -V:3.10          Python 3.10 (64-bit)
 -V:3.9           Python 3.9 (64-bit)
"""

# `py -0p` on a laptop with an ARM64 and an x64 3.12, a CPython test-suite registration and
# an active virtual environment, each line as the launcher of CPython 3.11+ prints it:
# PC/launcher2.c, _printEnvironment: L" %-*s %s\n" with TAGWIDTH 16, the argument
# "-V:TAG" / "-V:COMPANY/TAG" plus " *" for the default, then ExecutablePath and, when the
# registry has them, " " + ExecutableArguments (Lib/test/test_launcher.py registers
# "-X fake_arg_for_test" that way). The x64 path is the layout the runner thread above shows
# (C:\hostedtoolcache\windows\Python\3.9.13\x64\python.exe).
LAUNCHER2_PY_0P = (
    "".join(
        f" {arg:<16} {path}\n"
        for arg, path in [
            ("-V:3.12-arm64 *", r"C:\Program Files\Python312-arm64\python.exe"),
            ("-V:3.12", r"C:\hostedtoolcache\windows\Python\3.12.10\x64\python.exe"),
            ("-V:3.11-32", r"C:\Users\me\AppData\Local\Programs\Python\Python311-32\python.exe"),
            (
                "-V:PythonTestSuite/3.100-arm64",
                r"C:\Python\X.Y-arm64.exe -X fake_arg_for_test",
            ),
            ("-V:ContinuumAnalytics/Anaconda39-64", r"C:\Anaconda3"),
        ]
    )
    # launcher2.c prints the bare argument when it knows no path at all
    + " -V:3.13\n"
)

# The Python install manager's `py -0p` (python/pymanager src/manage/list_command.py,
# format_legacy with paths=True): tag.ljust(17) then the executable; the active virtual
# environment is "  *"; another company's tag is COMPANY\TAG.
PYMANAGER_PY_0P = "".join(
    f"{tag.ljust(17)} {path}\n"
    for tag, path in [
        ("  *", r"C:\work\proj\.venv\Scripts\python.exe"),
        (" -V:3.14-arm64", r"C:\Users\me\AppData\Local\Python\pythoncore-3.14-arm64\python.exe"),
        (" -V:3.14", r"C:\Users\me\AppData\Local\Python\pythoncore-3.14-64\python.exe"),
        (" -V:PythonEmbed\\3.13", r"C:\Users\me\AppData\Local\Python\embed\python.exe"),
    ]
)

# The launcher before 3.11 (PC/launcher.c, bpo-30362 / python/cpython#1578): " -X.Y-BB".
OLD_LAUNCHER_PY_0P = (
    "Installed Pythons found by py Launcher for Windows\n"
    " -3.10-64 *     C:\\Python310\\python.exe\n"
    " -3.8-32        C:\\Python38-32\\python.exe\n"
)


def test_the_runner_list_without_paths_names_no_interpreter() -> None:
    assert it.parse_py_listing(RUNNER_PY_0) == []


def test_launcher_list_paths() -> None:
    entries = it.parse_py_listing(LAUNCHER2_PY_0P)
    assert [(e.tag, e.default, e.path, e.arguments) for e in entries] == [
        ("3.12-arm64", True, r"C:\Program Files\Python312-arm64\python.exe", ""),
        ("3.12", False, r"C:\hostedtoolcache\windows\Python\3.12.10\x64\python.exe", ""),
        (
            "3.11-32",
            False,
            r"C:\Users\me\AppData\Local\Programs\Python\Python311-32\python.exe",
            "",
        ),
        ("PythonTestSuite/3.100-arm64", False, r"C:\Python\X.Y-arm64.exe", "-X fake_arg_for_test"),
        ("ContinuumAnalytics/Anaconda39-64", False, r"C:\Anaconda3", ""),
    ]
    # An install folder stands for the python.exe in it (PEP 514 InstallPath).
    assert it.executable_of(r"C:\Anaconda3", "nt") == r"C:\Anaconda3\python.exe"


def test_install_manager_and_old_launcher_lists() -> None:
    manager = it.parse_py_listing(PYMANAGER_PY_0P)
    assert [(e.tag, e.default) for e in manager] == [
        ("", True),
        ("3.14-arm64", False),
        ("3.14", False),
        ("PythonEmbed\\3.13", False),
    ]
    assert manager[0].path == r"C:\work\proj\.venv\Scripts\python.exe"
    old = it.parse_py_listing(OLD_LAUNCHER_PY_0P)
    assert [(e.tag, e.default, e.path) for e in old] == [
        ("3.10-64", True, r"C:\Python310\python.exe"),
        ("3.8-32", False, r"C:\Python38-32\python.exe"),
    ]


def test_a_hostile_listing_is_bounded() -> None:
    line = " -V:3.12         C:\\" + "a" * 5000 + "\\python.exe\n"
    entries = it.parse_py_listing(line * 10_000)
    assert len(entries) == it.MAX_ENTRIES
    assert it.parse_py_listing("\x00\n-\n*\n -V:\n") == []


@pytest.mark.parametrize(
    ("layout", "os_name", "expected"),
    [
        ("Scripts/python.exe", "nt", "Scripts/python.exe"),  # a Windows virtual environment
        ("python.exe", "nt", "python.exe"),  # a Windows installation folder
        ("bin/python", "posix", "bin/python"),
        ("bin/python3", "posix", "bin/python3"),
    ],
)
def test_a_folder_names_the_python_in_it(
    tmp_path: Path, layout: str, os_name: str, expected: str
) -> None:
    (tmp_path / layout).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / layout).write_bytes(b"")
    assert it.executable_of(str(tmp_path), os_name) == str(tmp_path / expected)
    assert it.executable_of(str(tmp_path / layout), os_name) == str(tmp_path / layout)


# -- probing and tags ---------------------------------------------------------------------


def test_tags_of_this_interpreter_are_packagings() -> None:
    facts = it.probe(sys.executable)
    assert [str(t) for t in it.supported_tags(facts)] == [str(t) for t in sys_tags()]


@pytest.mark.parametrize("index", range(3))
def test_tags_of_other_interpreters_are_what_packaging_says_there(index: int) -> None:
    """The same, for other Pythons here: packaging (woaport's copy, put on their path for
    this check only) run by each of them, against the tags woaport derives from the probe."""
    found = other_pythons()
    if index >= len(found):
        pytest.skip(f"only {len(found)} other Python(s) on this machine")
    other = found[index]
    home = str(Path(packaging.__file__).parent.parent)
    code = (
        f"import sys; sys.path.append({home!r}); from packaging.tags import sys_tags; "
        "print(chr(10).join(map(str, sys_tags())))"
    )
    done = subprocess.run(
        [other.executable, "-S", "-c", code], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    derived = [str(t) for t in it.supported_tags(it.probe(other.executable))]
    assert derived == done.stdout.split()
    assert f"cp{other.nodot}-cp{other.nodot}-linux_x86_64" in derived or other.platform != (
        "linux_x86_64"
    )


def facts(**changes: Any) -> it.Facts:
    """What the probe prints on a Windows ARM64 CPython 3.12 (EXT_SUFFIX as packaging's
    tags.py documents it for Windows: '.cp310-win_amd64.pyd')."""
    base: dict[str, Any] = {
        "executable": r"C:\Program Files\Python312-arm64\python.exe",
        "implementation": "cpython",
        "version": "3.12.10",
        "version_info": [3, 12],
        "py_version_nodot": "312",
        "ext_suffix": ".cp312-win_arm64.pyd",
        "extension_suffixes": [".cp312-win_arm64.pyd", ".pyd"],
        "py_debug": None,
        "gettotalrefcount": False,
        "free_threaded": False,
        "with_pymalloc": None,
        "sysconfig_platform": "win-arm64",
        "system": "Windows",
        "machine": "ARM64",
        "bits": 64,
        "interpreter_machine": "ARM64",
        "native_machine": "ARM64",
        "emulated": False,
    }
    base.update(changes)
    return it.Facts.from_json(base)


def windows_python(**changes: Any) -> it.Python:
    f = facts(**changes)
    return it.Python(
        path=f.executable,
        source="py -0p",
        facts=f,
        emulated=bool(f.emulated),
        tags=it.supported_tags(f),
    )


def test_windows_tags() -> None:
    arm64 = [str(t) for t in it.supported_tags(facts())]
    assert arm64[:3] == ["cp312-cp312-win_arm64", "cp312-abi3-win_arm64", "cp312-none-win_arm64"]
    assert "cp39-abi3-win_arm64" in arm64 and "py3-none-any" in arm64
    assert not any("amd64" in t for t in arm64)
    threaded = [
        str(t)
        for t in it.supported_tags(
            facts(version_info=[3, 13], py_version_nodot="313", free_threaded=True)
        )
    ]
    assert threaded[0] == "cp313-cp313t-win_arm64" and "cp313-abi3-win_arm64" not in threaded


def test_the_wheels_python_is_chosen_and_emulated_ones_never_validate() -> None:
    arm64_311 = windows_python(
        version="3.11.9",
        version_info=[3, 11],
        py_version_nodot="311",
        ext_suffix=".cp311-win_arm64.pyd",
    )
    arm64_312 = windows_python()
    amd64_312 = windows_python(
        executable=r"C:\hostedtoolcache\windows\Python\3.12.10\x64\python.exe",
        sysconfig_platform="win-amd64",
        ext_suffix=".cp312-win_amd64.pyd",
        interpreter_machine="AMD64",
        emulated=True,
    )
    found = it.Discovery(pythons=(arm64_311, arm64_312, amd64_312))
    choice = it.choose(found.native, ["woademo-1.0-cp312-cp312-win_arm64.whl"])
    assert choice is not None and choice.python is arm64_312
    assert choice.matched == ("cp312-cp312-win_arm64",)
    record = choice.record()
    assert (record.platform, record.machine, record.emulated) == ("win_arm64", "ARM64", False)
    # a pure wheel and an abi3 one: the first (the default) Python
    pure = it.choose(
        found.native, ["six-1.17.0-py2.py3-none-any.whl", "x-1-cp39-abi3-win_arm64.whl"]
    )
    assert pure is not None and pure.python is arm64_311
    assert pure.matched == ("py3-none-any", "cp39-abi3-win_arm64")
    # the x64 wheel: only the emulated Python could install it, and it does not validate
    assert it.choose(found.native, ["woademo-1.0-cp312-cp312-win_amd64.whl"]) is None
    reason = it.no_match(found, ["woademo-1.0-cp312-cp312-win_amd64.whl"])
    assert "cp312-cp312-win_amd64" in reason and "(cp311, win_arm64)" in reason
    assert (
        "emulated, not used for validation" in reason and "(cp312, win_amd64, emulated)" in reason
    )


def test_an_item_needs_one_python_for_all_its_wheels() -> None:
    found = (windows_python(), windows_python(executable="C:\\other\\python.exe"))
    names = ["woademo-1.0-cp312-cp312-win_arm64.whl", "dep-2.0-cp311-cp311-win_arm64.whl"]
    assert it.choose(found, names) is None
    assert it.choose(found, ["not a wheel name.whl"]) is None
    assert "not a wheel file name" in it.no_match(it.Discovery(pythons=found), ["x.whl"])


# -- discovery ----------------------------------------------------------------------------


def fake_py(folder: Path, listing: str) -> str:
    """A real program standing in for py.exe: prints ``listing`` for ``-0p``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "listing.txt").write_text(listing, encoding="utf-8")
    script = folder / "py"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"assert sys.argv[1:] == ['-0p'], sys.argv\n"
        f"sys.stdout.write(open({str(folder / 'listing.txt')!r}, encoding='utf-8').read())\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_discovery_on_windows_adds_the_launchers_list(tmp_path: Path) -> None:
    """The Windows branch on this machine: the launcher is a real program printing the
    -0p format, its paths this machine's Pythons; one is also the default and is listed
    once; one is missing and is named as a problem."""
    others = other_pythons()
    venv_root = tmp_path / "venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", "--copies", str(venv_root)], check=True
    )
    venv_python = venv_root / "bin" / "python"
    lines = [f" {'-V:3.99 *':<16} {sys.executable}\n", f"  *{'':<14} {venv_python}\n"]
    lines += [f" {'-V:' + o.executable[-4:]:<16} {o.executable}\n" for o in others[:1]]
    lines.append(f" {'-V:3.98':<16} {tmp_path / 'gone' / 'python.exe'}\n")
    py = fake_py(tmp_path / "launcher", "".join(lines))
    seen: list[str] = []
    found = it.discover(
        sys.executable,
        cache_path=tmp_path / "interpreters.json",
        os_name="nt",
        py=py,
        progress=seen.append,
    )
    paths = [p.path for p in found.pythons]
    assert paths[0] == sys.executable and paths.count(sys.executable) == 1
    assert str(venv_python) in paths  # the active venv's python (a copy: another file)
    assert [p.source for p in found.pythons][:2] == ["python", "py -0p (active venv)"]
    if others:
        assert others[0].executable in paths
    assert any("gone" in p and "no such file" in p for p in found.problems)
    assert len([m for m in seen if m.startswith("probing")]) == len(paths)
    # Probed once: the cache answers the next discovery, until the file changes.
    seen.clear()
    again = it.discover(
        sys.executable,
        cache_path=tmp_path / "interpreters.json",
        os_name="nt",
        py=py,
        progress=seen.append,
    )
    assert [p.path for p in again.pythons] == paths and not seen
    cfg = venv_root / "pyvenv.cfg"
    cfg.write_text(cfg.read_text() + "\n")
    os.utime(cfg, ns=(1, 1))
    it.discover(
        sys.executable,
        cache_path=tmp_path / "interpreters.json",
        os_name="nt",
        py=py,
        progress=seen.append,
    )
    assert seen == [f"probing {venv_python}"]


def test_settings_name_more_and_emulated_pythons(tmp_path: Path) -> None:
    others = other_pythons()
    if not others:
        pytest.skip("no second Python on this machine: install one (uv python install 3.12)")
    found = it.discover(
        sys.executable,
        [others[0].executable],
        [others[0].executable],  # named twice: emulated wins
        cache_path=None,
        os_name="posix",
    )
    assert [p.path for p in found.native] == [sys.executable]
    assert [p.path for p in found.emulated] == [others[0].executable]


def test_a_broken_interpreter_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    broken = tmp_path / "python3"
    broken.write_text("#!/bin/sh\necho 'no python here' >&2\nexit 3\n")
    broken.chmod(0o755)
    garbage = tmp_path / "python-garbage"
    garbage.write_text('#!/bin/sh\necho \'{"not": "facts"}\'\n')
    garbage.chmod(0o755)
    found = it.discover(str(broken), [str(garbage)], cache_path=tmp_path / "c.json")
    assert found.pythons == ()
    assert "exited 3: no python here" in found.problems[0]
    assert "printed no facts" in found.problems[1]
    (tmp_path / "c.json").write_text("{not json")  # a damaged cache is no cache
    assert it.ProbeCache.load(tmp_path / "c.json").entries == {}


def test_a_skip_reason_is_bounded() -> None:
    found = it.Discovery(pythons=(windows_python(),))
    names = [f"p{i}-1.0-cp399-cp399-win_arm64.whl" for i in range(2000)]
    reason = it.no_match(found, names)
    assert len(reason) < it.MAX_REASON + 200 and reason.endswith("`pythons` setting")


def test_the_x64_wheel_is_the_same_version_pinned_and_preferred() -> None:
    from woaport.emulation import pick_wheel
    from woaport.index import IndexFile

    amd64 = windows_python(
        sysconfig_platform="win-amd64", ext_suffix=".cp312-win_amd64.pyd", emulated=True
    )

    def file(name: str, sha: str | None = "a" * 64, yanked: bool = False) -> IndexFile:
        return IndexFile(
            filename=name, url=f"https://i/{name}", sha256=sha, requires_python=None, yanked=yanked
        )

    files = [
        file("orjson-3.10.0-cp312-cp312-win_arm64.whl"),  # not for this interpreter
        file("orjson-3.10.0-cp312-cp312-win_amd64.whl", sha=None),  # unpinned: never
        file("orjson-3.10.0-cp312-cp312-win_amd64.whl", yanked=True),
        file("orjson-3.10.1-cp312-cp312-win_amd64.whl"),  # another version
        file("orjson-3.10.0-cp38-abi3-win_amd64.whl"),
        file("orjson-3.10.0-cp312-cp312-win_amd64.whl", sha="b" * 64),
        file("orjson-3.10.0.tar.gz"),
    ]
    chosen = pick_wheel(files, "orjson", "3.10.0", amd64)
    assert chosen is not None and (chosen.filename, chosen.sha256) == (
        "orjson-3.10.0-cp312-cp312-win_amd64.whl",
        "b" * 64,
    )  # cp312-cp312 before cp38-abi3, as the interpreter prefers
    assert pick_wheel(files[:4], "orjson", "3.10.0", amd64) is None
