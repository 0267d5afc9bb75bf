"""`woaport diagnose`: every catalog entry against its real log line, whole logs, and the
corpus of real log excerpts from public issue trackers (tests/corpus/logs/index.yml)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from woaport.diagnose import MAX_LINE_CHARS, catalog, diagnose, load_catalog

Run = Callable[..., Any]
CAUSES, SIGNATURES = catalog()
CONTEXTS = load_catalog().contexts
CORPUS = Path(__file__).parent / "corpus" / "logs"
INDEX: list[dict[str, str]] = yaml.safe_load((CORPUS / "index.yml").read_text("utf-8"))["logs"]


def test_catalog_is_well_formed() -> None:
    ids = [s.id for s in SIGNATURES]
    assert len(ids) == len(set(ids))
    assert set(CAUSES) == {
        "no-woa-lane",
        "build-environment",
        "build-config",
        "wrong-payload",
        "dependency-gap",
        "validation-plumbing",
        "source-port",
    }
    assert {s.cause for s in SIGNATURES} <= set(CAUSES)
    context_ids = {c.id for c in CONTEXTS}
    for s in SIGNATURES:
        assert s.explanation and s.fix and s.example and s.keys
        # whole sentences: an unquoted ` #` in YAML would have cut them short
        for text in (s.explanation, s.fix, *(h.fix for h in s.hints)):
            assert text.rstrip().endswith((".", ".)", ".`")), (s.id, text)
        assert set(s.requires) <= context_ids
        for hint in s.hints:
            assert set(hint.contexts) <= context_ids and hint.fix
            assert hint.cause is None or hint.cause in CAUSES


@pytest.mark.parametrize("signature", SIGNATURES, ids=lambda s: s.id)
def test_each_entry_matches_its_real_line(signature: Any) -> None:
    line = f"2026-10-07T22:03:24.4853276Z {signature.example}\r\n"
    assert any(k in signature.example.lower() for k in signature.keys), "no key in the example"
    # A signature that needs a context is shown with a real line giving it.
    contexts = [c.example for c in CONTEXTS if c.id in signature.requires]
    result = diagnose([*contexts, line])
    assert signature.id in [m.signature.id for m in result.matches]
    assert result.cause == signature.cause


@pytest.mark.parametrize("context", CONTEXTS, ids=lambda c: c.id)
def test_each_context_matches_its_real_line(context: Any) -> None:
    assert context.pattern.search(context.example)
    assert any(k in context.example.lower() for k in context.keys)
    assert context.id in diagnose([context.example]).contexts


def _nested_or_unbounded_any(pattern: str) -> list[str]:
    """Quantifiers that can make a regex search superlinear: a repeat inside a repeat, and an
    unbounded `.*`/`.+`. Read from the compiled form (re._parser is CPython's parser; it is
    private but stable across 3.11-3.14)."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser as p  # type: ignore[attr-defined]

    found: list[str] = []

    def walk(items: Any, inside_repeat: bool) -> None:
        for op, av in items:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", None)):
                _lo, hi, sub = av
                if inside_repeat and hi > 1:
                    found.append(f"nested repeat {sub}")
                if hi == c.MAXREPEAT and any(o == c.ANY for o, _ in sub):
                    found.append("unbounded .*")
                walk(sub, inside_repeat or hi > 1)
            elif op == c.SUBPATTERN:
                walk(av[-1], inside_repeat)
            elif op == c.BRANCH:
                for branch in av[1]:
                    walk(branch, inside_repeat)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1], inside_repeat)

    walk(p.parse(pattern), False)
    return found


@pytest.mark.parametrize(
    "pattern",
    [s.pattern for s in SIGNATURES]
    + [s.exclude for s in SIGNATURES if s.exclude]
    + [c.pattern for c in CONTEXTS],
    ids=lambda p: p.pattern[:40],
)
def test_expressions_are_linear(pattern: re.Pattern[str]) -> None:
    assert _nested_or_unbounded_any(pattern.pattern) == []


def test_the_linearity_check_can_fail() -> None:
    assert _nested_or_unbounded_any(r"(a+)+b") and _nested_or_unbounded_any(r"x.*y")
    assert _nested_or_unbounded_any(r"x.{0,80}y") == []


LOG = """\
2026-11-20T10:00:01.0000000Z ##[group]Run python -m cibuildwheel --output-dir wheelhouse
2026-11-20T10:00:02.0000000Z cibuildwheel version 3.1.4
2026-11-20T10:00:30.0000000Z \x1b[1mBuilding cp312-win_arm64 wheel\x1b[0m
2026-11-20T10:00:31.0000000Z Collecting cramjam>=2.3
2026-11-20T10:00:31.5000000Z   Downloading cramjam-2.11.0.tar.gz (1.1 MB)
2026-11-20T10:00:40.0000000Z   Building wheel for cramjam (pyproject.toml): started
2026-11-20T10:01:10.0000000Z   Building wheel for cramjam (pyproject.toml): finished with status 'error'
2026-11-20T10:01:10.1000000Z   error: subprocess-exited-with-error
2026-11-20T10:01:10.2000000Z   = note: the `aarch64-pc-windows-msvc` target may not be installed
2026-11-20T10:01:11.0000000Z ERROR: Failed building wheel for cramjam
2026-11-20T10:01:12.0000000Z ERROR: Could not build wheels for cramjam, which is required to install pyproject.toml-based projects
"""


def test_a_real_looking_log(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_bytes(LOG.replace("\n", "\r\n").encode())
    result = woaport("diagnose", log, "--json")
    assert result.code == 1
    doc = json.loads(result.out)
    assert [m["id"] for m in doc["matches"]] == ["rust-target-missing", "pip-builds-dependency"]
    assert {c["cause"] for c in doc["causes"]} == {"build-environment", "dependency-gap"}
    pip = next(m for m in doc["matches"] if m["id"] == "pip-builds-dependency")
    assert pip["count"] == 2 and pip["lines"][0]["line"] == 6
    assert (
        pip["lines"][0]["text"] == "Building wheel for cramjam (pyproject.toml): started"
    )  # no timestamp
    assert doc["cause"] == "build-environment" and pip["level"] == "context"


def test_the_package_itself_is_no_dependency(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "build.log"
    log.write_text(LOG)
    doc = json.loads(woaport("diagnose", log, "--json", "--package", "CramJam").out)
    assert [m["id"] for m in doc["matches"]] == ["rust-target-missing"]


def test_text_output_has_lines_and_fixes(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "b.log"
    log.write_text("src\\simd.c(42): error C3861: '_mm_loadu_si128': identifier not found\n")
    result = woaport("diagnose", log)
    assert result.code == 1
    assert "source-port" in result.out and "1: src\\simd.c(42)" in result.out
    assert "fix: Guard the x86 code" in result.out


def test_utf16_log_from_powershell(tmp_path: Path, woaport: Run) -> None:
    log = tmp_path / "ps.log"
    log.write_bytes(
        "ImportError: DLL load failed while importing _core: %1 is not a valid Win32 application.\r\n".encode(
            "utf-16"
        )
    )
    doc = json.loads(woaport("diagnose", log, "--json").out)
    assert doc["cause"] == "wrong-payload"


def test_clean_log_is_unknown_and_exit_0(woaport: Run, tmp_path: Path) -> None:
    log = tmp_path / "ok.log"
    log.write_text("Successfully built wheel\nall tests passed\n")
    result = woaport("diagnose", log, "--json")
    assert result.code == 0
    doc = json.loads(result.out)
    assert doc["cause"] == "unknown" and doc["tail"] == [
        "Successfully built wheel",
        "all tests passed",
    ]


def test_missing_log_is_bad_input(woaport: Run, tmp_path: Path) -> None:
    result = woaport("diagnose", tmp_path / "nope.log")
    assert result.code == 2 and "nope.log" in result.err


# --- real lines, the way real logs mangle them ---------------------------------------------


def test_console_wrapped_lines_are_joined() -> None:
    # https://github.com/KhronosGroup/Vulkan-ValidationLayers/pull/9021: MSBuild wraps at 120
    # columns, in the middle of words.
    lines = [
        "D:\\vvl-temp\\external\\Debug\\64\\SPIRV-Tools\\build\\install\\lib\\SPIRV-Tools.lib : warning LNK4272: library machine type 'x6",
        "4' conflicts with target machine type 'ARM64' [D:\\vvl-temp\\build\\Debug\\layers\\vvl.vcxproj]",
    ]
    result = diagnose(lines)
    assert [m.signature.id for m in result.matches] == ["lnk4272-library-machine"]
    assert result.matches[0].lines[0][0] == 1  # reported at the line where it starts


def test_other_timestamps_are_stripped() -> None:
    result = diagnose(
        [
            "10:37:14 ngtcp2.lib(ngtcp2_ringbuf.obj) : error LNK2019: unresolved external symbol __popcnt referenced in function ngtcp2_ringbuf_init",
            "[2024-01-04T11:36:53.944Z] crypto\\x509\\libcrypto-shlib-v3_utl.obj",
        ]
    )
    assert result.cause == "source-port"
    assert result.matches[0].lines[0][1].startswith("ngtcp2.lib(")
    assert result.tail[-1].startswith("crypto\\x509")


@pytest.mark.parametrize(
    ("line", "cause"),
    [
        # https://github.com/microsoft/vcpkg/issues/32607 (Chinese)
        (
            "src\\libdav1d.a.p\\cpuid.obj : fatal error LNK1112: 模块计算机类型“x64”与目标计算机类型“ARM64”冲突",
            "build-environment",
        ),
        # https://github.com/brianrho/fpmatch/issues/2 (Portuguese)
        ("OSError: [WinError 193] %1 não é um aplicativo Win32 válido", "wrong-payload"),
        # https://github.com/lucas-j/libmpeg2-winrt/issues/3 (German)
        (
            "1>idct_mmx.c(179): error C4235: Nicht dem Standard entsprechende Erweiterung: Das _asm-Schlüsselwort wird für diese Architektur nicht unterstützt.",
            "source-port",
        ),
        # https://github.com/microsoft/vcpkg/issues/44387 (Chinese C1083 of a C11 header: SDK)
        (
            "./ffconf.Itc5NpJ7/test.c(1): fatal error C1083: 无法打开包括文件: “stdbit.h”: No such file or directory",
            "dependency-gap",
        ),
    ],
)
def test_translated_messages_match_by_code(line: str, cause: str) -> None:
    assert diagnose([line]).cause == cause


def test_an_error_line_outranks_context() -> None:
    # The package's own `Building wheel for X` two lines above the compiler error: with one
    # signature each, catalog order used to hand the log to dependency-gap.
    result = diagnose(
        [
            "  Building wheel for lzav (pyproject.toml): started",
            "  cl /c lzav.c",
            "lzav.h(1160): error C2065: '_MM_HINT_T0': undeclared identifier",
        ]
    )
    assert result.cause == "source-port"
    assert result.summary().startswith("source-port: x86 intrinsics")


def test_hints_depend_on_the_context() -> None:
    # https://github.com/pypa/setuptools/issues/4553: on an ARM64 machine setuptools < 74 does
    # not find the ARM64-hosted MSVC; "install Build Tools" is the wrong advice there.
    msvc = 'error: Microsoft Visual C++ 14.0 or greater is required. Get it with "Microsoft C++ Build Tools": https://visualstudio.microsoft.com/visual-cpp-build-tools/'
    plain = diagnose([msvc])
    assert plain.matches[0].signature.fix.startswith("Install Visual Studio Build Tools")
    host = "Microsoft (R) C/C++ Optimizing Compiler Version 19.40.33813 for ARM64"
    on_arm = diagnose([host, msvc])
    assert on_arm.cause == "build-environment" and "arm64-host" in on_arm.contexts
    assert "setuptools>=74" in on_arm.matches[0].signature.fix
    # https://github.com/pypa/setuptools/issues/4648: setuptools 74 itself links a win-arm64
    # build with the x64 linker; the fix is about setuptools, not about installing anything.
    lnk = "build\\temp.win-arm64-cpython-310\\Release\\win32\\src\\PyACL.obj : fatal error LNK1112: module machine type 'x64' conflicts with target machine type 'ARM64'"
    link = "error: command 'C:\\\\Program Files (x86)\\\\Microsoft Visual Studio\\\\2019\\\\Enterprise\\\\VC\\\\Tools\\\\MSVC\\\\14.29.30133\\\\bin\\\\HostX86\\\\x64\\\\link.exe' failed with exit code 1112"
    assert "setuptools" not in diagnose([lnk]).matches[0].signature.fix
    assert "setuptools<74" in diagnose([lnk, link]).matches[0].signature.fix


def test_the_package_own_machine_flag_is_build_config() -> None:
    # https://github.com/duckdb/duckdb-spatial/pull/720
    reversed_ = (
        "fatal error LNK1112: module machine type 'ARM64' conflicts with target machine type 'x64'"
    )
    assert diagnose([reversed_]).cause == "build-environment"
    flagged = diagnose(["link.exe /nologo /dll /machine:x64 /out:gdal.dll", reversed_])
    assert flagged.cause == "build-config"


def test_standard_headers_are_not_a_dependency_gap() -> None:
    sdk = "C:\\a\\pkg\\src\\module.c(3): fatal error C1083: Cannot open include file: 'windows.h': No such file or directory"
    posix = "lib/dma.c(35): fatal error C1083: Cannot open include file: 'unistd.h': No such file or directory"
    assert diagnose([sdk]).cause == "build-environment"
    assert diagnose([posix]).cause == "unknown"


def test_a_200_kb_line_is_cut() -> None:
    line = (
        "LINK : fatal error LNK1355: invalid base address 0x1E7A0000; ARM64 image " + "x" * 200_000
    )
    result = diagnose(["first", line, "last"])
    assert result.cause == "build-config" and result.long_lines == 1
    assert len(result.matches[0].lines[0][1]) <= 300
    assert all(len(t) <= MAX_LINE_CHARS for t in result.tail)


def test_a_200k_line_log() -> None:
    # Speed is measured in bench/eval_diagnose.py (tenfold inputs, tenfold time); here only
    # that the scan is whole and stays bounded in what it keeps.
    noise = "  cl.exe /c /nologo /O2 /W3 /GL /DNDEBUG /MD -Isrc src\\module.c"
    error = "src\\cpu.c(17): error C4235: nonstandard extension used: '__asm' keyword not supported on this architecture"
    result = diagnose([noise] * 199_999 + [error])
    assert result.lines_read == 200_000 and result.cause == "source-port"
    assert len(result.tail) <= 15


# --- the corpus ---------------------------------------------------------------------------


def test_corpus_is_well_formed() -> None:
    files = [e["file"] for e in INDEX]
    assert len(files) >= 40 and len(set(files)) == len(files)
    assert sorted(files) == sorted(p.name for p in CORPUS.glob("*.txt"))
    for e in INDEX:
        assert e["url"].startswith("https://github.com/"), e
        assert e["cause"] in {*CAUSES, "unknown"}, e
        assert e["split"] in {"tune", "held-out"}, e
        assert (CORPUS / e["file"]).stat().st_size < 8_000, e
    assert sum(e["cause"] == "unknown" for e in INDEX) >= 3  # negatives


def _score(split: str) -> tuple[int, int, list[str]]:
    correct, wrong = 0, []
    entries = [e for e in INDEX if e["split"] == split]
    for e in entries:
        lines = (CORPUS / e["file"]).read_text("utf-8").splitlines()
        got = diagnose(lines, source=e["file"]).cause
        if got == e["cause"]:
            correct += 1
        elif got != "unknown":
            wrong.append(f"{e['file']}: {e['cause']} != {got}")
    return correct, len(entries), wrong


def test_corpus_targets_on_the_held_out_part() -> None:
    correct, total, wrong = _score("held-out")
    assert correct / total >= 0.85, (correct, total, wrong)
    assert len(wrong) <= 1, wrong


def test_corpus_tuning_part_has_no_wrong_answer() -> None:
    correct, total, wrong = _score("tune")
    assert wrong == [] and correct / total >= 0.85, (correct, total)


def test_keys_never_hide_a_match_in_the_corpus() -> None:
    for e in INDEX:
        for line in (CORPUS / e["file"]).read_text("utf-8").splitlines():
            low = line.lower()
            for s in SIGNATURES:
                if s.pattern.search(line):
                    assert any(k in low for k in s.keys), (s.id, e["file"], line)


def test_the_job_summary_keeps_log_text_inert(
    woaport: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    log = tmp_path / "b.log"
    log.write_text("src\\a.c(1): error C3861: '_mm_pause': identifier not found `x` | y\n")
    assert woaport("diagnose", log).code == 1
    row = next(r for r in summary.read_text().splitlines() if "x86-intrinsic" in r)
    assert "'x' \\| y`" in row and row.count("`") % 2 == 0
    unknown = tmp_path / "u.log"
    unknown.write_text("```\n## not a heading\n")
    assert woaport("diagnose", unknown).code == 0
    text = summary.read_text()
    assert "\n````\n```\n## not a heading\n````" in text
