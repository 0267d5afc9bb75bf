"""The platform-specific pieces, Windows branches included, driven by parameters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from woaport import envfacts, procs, venv


@pytest.mark.parametrize(
    ("returncode", "os_name", "status", "detail"),
    [
        (0, "posix", "passed", "exit code 0"),
        (1, "posix", "failed", "exit code 1"),
        (-11, "posix", "crashed", "killed by SIGSEGV"),
        (-6, "posix", "crashed", "killed by SIGABRT"),
        (0, "nt", "passed", "exit code 0"),
        (3, "nt", "failed", "exit code 3"),
        (0xC0000005, "nt", "crashed", "access violation"),
        (0xC000007B, "nt", "crashed", "another machine type"),
        (0xC0000135, "nt", "crashed", "DLL was not found"),
        (0xC0000409, "nt", "crashed", "fail-fast"),
        (-1073741819, "nt", "crashed", "access violation"),  # the same code, signed
        (0xC0001234, "nt", "crashed", "unhandled exception"),
    ],
)
def test_describe_exit(returncode: int, os_name: str, status: str, detail: str) -> None:
    got_status, got_detail = procs.describe_exit(returncode, os_name)
    assert got_status == status
    assert detail in got_detail


def test_output_cap_kills_a_chatty_step(tmp_path: Path) -> None:
    result = procs.run(
        [sys.executable, "-c", "while True: print('x' * 1000)"],
        cwd=tmp_path,
        env={"PATH": ""},
        timeout=60,
        log=tmp_path / "log",
        max_output=1 << 20,
    )
    assert result.output_limited
    status, detail = result.status()
    assert status == "failed" and "printed more than" in detail
    assert result.duration < 30


def test_output_tail_is_capped_and_crlf_normalised(tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.write_bytes(b"".join(f"line {i}\r\n".encode() for i in range(10000)))
    tail, size = procs.read_tail(log, limit=200)
    assert size == log.stat().st_size
    assert tail.startswith("[... output cut ...]\n")
    assert "\r" not in tail and tail.rstrip().endswith("line 9999")


@pytest.mark.parametrize(
    ("os_name", "python", "scripts"),
    [("nt", "Scripts/python.exe", "Scripts"), ("posix", "bin/python", "bin")],
)
def test_environment_paths(tmp_path: Path, os_name: str, python: str, scripts: str) -> None:
    assert venv.python_in(tmp_path, os_name) == tmp_path / python
    assert venv.scripts_dir(tmp_path, os_name) == tmp_path / scripts


def test_executable_in_finds_windows_suffixes(tmp_path: Path) -> None:
    (tmp_path / "Scripts").mkdir()
    (tmp_path / "Scripts" / "demo-cli.exe").write_bytes(b"MZ")
    assert venv.executable_in(tmp_path, "demo-cli", "nt") == tmp_path / "Scripts" / "demo-cli.exe"
    assert venv.executable_in(tmp_path, "demo-cli", "posix") is None


@pytest.mark.parametrize(
    ("answer", "sysconfig_platform", "native", "emulated"),
    [
        ((0, 0xAA64), "win-arm64", "ARM64", False),  # native ARM64 python
        ((0, 0xAA64), "win-amd64", "ARM64", True),  # x64 python emulated on Arm (not WOW64!)
        ((0x014C, 0xAA64), "win32", "ARM64", True),  # x86 python under WOW64 on Arm
        ((0, 0x8664), "win-amd64", "AMD64", False),  # x64 on x64
        (None, "win-arm64", None, None),  # Windows too old to answer
    ],
)
def test_emulation_on_windows(
    answer: tuple[int, int] | None,
    sysconfig_platform: str,
    native: str | None,
    emulated: bool | None,
) -> None:
    got_native = envfacts.native_machine_windows(query=lambda: answer)
    assert got_native == native
    interpreter = envfacts.interpreter_machine(sysconfig_platform, "whatever")
    assert envfacts.is_emulated(interpreter, got_native) is emulated


def test_cpu_name_windows_reader() -> None:
    assert envfacts.cpu_name_windows(lambda: "Snapdragon(R) X Elite - X1E78100 ") == (
        "Snapdragon(R) X Elite - X1E78100"
    )

    def missing() -> str:
        raise OSError("no key")

    assert envfacts.cpu_name_windows(missing) is None


@pytest.mark.parametrize(
    ("cpuinfo", "expected"),
    [
        ("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t: fpu\n", "AMD EPYC 7B13"),
        (
            "processor\t: 0\nBogoMIPS\t: 48.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n",
            "Arm CPU part 0xd0c",
        ),
        (
            "Hardware\t: Qualcomm Technologies, Inc SC8280XP\nprocessor\t: 0\n",
            "Qualcomm Technologies, Inc SC8280XP",
        ),
        ("", None),
    ],
)
def test_cpu_name_linux(cpuinfo: str, expected: str | None) -> None:
    assert envfacts.cpu_name_linux(cpuinfo) == expected


def test_facts_script_runs_standalone() -> None:
    import json
    import subprocess

    out = subprocess.run(
        [sys.executable, "-I", str(Path(envfacts.__file__))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    facts = json.loads(out)
    assert facts["python"]["version"] == ".".join(map(str, sys.version_info[:3]))
    assert facts["emulated"] is False


def test_the_platform_string_is_what_platform_platform_says() -> None:
    """envfacts.platform_string takes a shortcut on glibc Linux; its answer must be
    platform.platform()'s (python/cpython Lib/platform.py: system-release-machine-with-libc)."""
    import platform

    from woaport.envfacts import platform_string

    assert platform_string() == platform.platform()


def environment_of(python: str, folder: Path) -> venv.Environment:
    installer, uv = venv.choose_installer("auto")
    environment, outcome = venv.create(folder, base_python=python, installer=installer, uv=uv)
    assert environment is not None, outcome.output
    return environment


def test_facts_woaport_collects_itself_are_the_environments_own(tmp_path: Path) -> None:
    """An environment of this interpreter links to this binary: woaport states its facts
    itself, and they must be exactly what envfacts.py says when the environment's own
    interpreter runs it (``running`` set elsewhere forces that)."""
    from woaport.runner import begin_facts

    environment = environment_of(sys.executable, tmp_path / "env")
    here = begin_facts(environment, {"PATH": ""})()
    there = begin_facts(environment, {"PATH": ""}, running=str(tmp_path / "elsewhere"))()
    assert here.error is None and there.error is None, (here, there)
    assert here == there
    assert here.python is not None and here.python.executable == str(environment.python)


def test_facts_of_another_interpreter_come_from_it(tmp_path: Path) -> None:
    from pythons import other_pythons
    from woaport.runner import begin_facts

    others = other_pythons()
    if not others:
        pytest.skip("no other CPython on this machine")
    other = others[0]
    facts = begin_facts(environment_of(other.executable, tmp_path / "env"), {"PATH": ""})()
    assert facts.error is None and facts.python is not None, facts
    assert facts.python.version.startswith("{}.{}.".format(*other.version))
