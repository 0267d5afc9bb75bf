"""The payload inspector against real numpy wheels and copies of them broken on purpose."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from realfiles import CorpusWheel, corpus_wheels, fetch_corpus_wheel
from wheelkit import (
    VARIANTS,
    Sources,
    Variant,
    native_subset,
    read_members,
    rename_import,
    set_machine,
    write_wheel,
)
from woaport import payload, windll
from woaport.documents.inspect_report import InspectReport
from woaport.documents.verdicts import Verdict
from woaport.payload import inspect_wheel, windows_name_key
from woaport.pe import Machine

ARM64_TAG = "cp312-cp312-win_arm64"
MSVCP_ARM64 = "numpy.libs/msvcp140-9cb625fcbc2fbbd6fca1aee8b24b0ebe.dll"
OPENBLAS_ARM64 = "numpy.libs/scipy_openblas-ff6d319c52b3e1955d73aac19764c8c0.dll"
UMATH_ARM64 = "numpy/_core/_multiarray_umath.cp312-win_arm64.pyd"
AMD64, ARM64 = 0x8664, 0xAA64


def codes(report: object) -> set[str]:
    return {f.code for f in report.findings if f.severity != "info"}  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def arm64_native(numpy_arm64: Path) -> tuple[dict[str, bytes], str]:
    return native_subset(numpy_arm64)


@pytest.fixture
def make(tmp_path: Path, arm64_native: tuple[dict[str, bytes], str]) -> Callable[..., Path]:
    """A copy of numpy's win_arm64 native payload, edited, written as a wheel."""

    def build(
        filename: str = f"numpy-2.5.5-{ARM64_TAG}.whl",
        *,
        tags: list[str] | None = None,
        edit: Callable[[dict[str, bytes]], None] | None = None,
        **kwargs: object,
    ) -> Path:
        members, dist_info = dict(arm64_native[0]), arm64_native[1]
        if edit:
            edit(members)
        return write_wheel(
            tmp_path / filename,
            members,
            dist_info=dist_info,
            tags=tags if tags is not None else [ARM64_TAG],
            **kwargs,  # type: ignore[arg-type]
        )

    return build


def test_real_numpy_win_arm64_passes_with_its_arm64x_msvcp140(numpy_arm64: Path) -> None:
    report = inspect_wheel(numpy_arm64)
    assert report.kind == "windows"
    assert report.ok, [f.to_json() for f in report.findings]
    assert codes(report) == set()
    machines = {pe.path: str(pe.machine) for pe in report.pe_files}
    assert machines[MSVCP_ARM64] == "ARM64X"
    assert machines[UMATH_ARM64] == "ARM64"
    assert len(machines) == 21
    umath = next(pe for pe in report.pe_files if pe.path == UMATH_ARM64)
    assert umath.python_dlls == ("python312.dll",)


def test_real_numpy_win_amd64_passes(numpy_amd64: Path) -> None:
    report = inspect_wheel(numpy_amd64)
    assert report.ok, [f.to_json() for f in report.findings]
    assert {str(pe.machine) for pe in report.pe_files} == {"AMD64"}


def test_subset_copy_is_clean(make: Callable[..., Path]) -> None:
    report = inspect_wheel(make())
    assert codes(report) == set()


def test_amd64_wheel_renamed_to_win_arm64(tmp_path: Path, numpy_amd64: Path) -> None:
    renamed = tmp_path / "numpy-2.5.5-cp312-cp312-win_arm64.whl"
    renamed.write_bytes(numpy_amd64.read_bytes())
    report = inspect_wheel(renamed)
    assert codes(report) == {"wheel-tag-mismatch", "machine-mismatch", "extension-tag-mismatch"}
    mismatched = {f.file for f in report.findings if f.code == "machine-mismatch"}
    assert len(mismatched) == 21
    tag_finding = next(f for f in report.findings if f.code == "wheel-tag-mismatch")
    assert "cp312-cp312-win_amd64" in tag_finding.message


def test_amd64_payload_retagged_consistently_is_still_caught(
    tmp_path: Path, numpy_amd64: Path
) -> None:
    members = read_members(numpy_amd64, lambda n: n.endswith((".pyd", ".dll")))
    members = {n.replace("win_amd64", "win_arm64"): d for n, d in members.items()}
    wheel = write_wheel(
        tmp_path / f"numpy-2.5.5-{ARM64_TAG}.whl",
        members,
        dist_info="numpy-2.5.5.dist-info",
        tags=[ARM64_TAG],
    )
    report = inspect_wheel(wheel)
    assert codes(report) == {"machine-mismatch"}
    assert all("is AMD64" in f.message for f in report.findings if f.code == "machine-mismatch")


def test_pyd_patched_to_amd64(make: Callable[..., Path]) -> None:
    def edit(m: dict[str, bytes]) -> None:
        m[UMATH_ARM64] = set_machine(m[UMATH_ARM64], AMD64)

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"machine-mismatch"}
    (finding,) = report.findings
    assert finding.file == UMATH_ARM64
    assert "win_arm64" in finding.message and "ARM64 or ARM64X" in finding.message


def test_arm64x_with_amd64_header_is_arm64ec(make: Callable[..., Path]) -> None:
    # ARM64X (ARM64 header + CHPE metadata) with its header flipped to AMD64 is exactly
    # what an ARM64EC image looks like: AMD64 header + CHPE metadata.
    def edit(m: dict[str, bytes]) -> None:
        m[MSVCP_ARM64] = set_machine(m[MSVCP_ARM64], AMD64)

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"arm64ec-payload"}
    assert report.findings[0].file == MSVCP_ARM64
    ec = next(pe for pe in report.pe_files if pe.path == MSVCP_ARM64)
    assert str(ec.machine) == "ARM64EC"


def test_arm64ec_in_win_amd64_wheel_is_flagged_too(tmp_path: Path, numpy_arm64: Path) -> None:
    dll = set_machine(read_members(numpy_arm64, lambda n: n == MSVCP_ARM64)[MSVCP_ARM64], AMD64)
    wheel = write_wheel(
        tmp_path / "demo-1.0-cp312-cp312-win_amd64.whl",
        {"demo/msvcp140.dll": dll},
        dist_info="demo-1.0.dist-info",
        tags=["cp312-cp312-win_amd64"],
    )
    assert codes(inspect_wheel(wheel)) == {"arm64ec-payload"}


def test_pe_found_by_content_not_extension(make: Callable[..., Path], numpy_amd64: Path) -> None:
    x64 = read_members(numpy_amd64, lambda n: n.endswith("_sfc64.cp312-win_amd64.pyd"))

    def edit(m: dict[str, bytes]) -> None:
        m["numpy/random/helper.bin"] = next(iter(x64.values()))

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"machine-mismatch"}
    assert report.findings[0].file == "numpy/random/helper.bin"


def test_retagged_to_cp311(make: Callable[..., Path]) -> None:
    wheel = make("numpy-2.5.5-cp311-cp311-win_arm64.whl", tags=["cp311-cp311-win_arm64"])
    report = inspect_wheel(wheel)
    assert codes(report) == {"python-dll-mismatch", "extension-tag-mismatch"}
    dll = next(f for f in report.findings if f.code == "python-dll-mismatch")
    assert "python312.dll" in dll.message and "python311.dll" in dll.message


def test_abi3_wheel_needs_python3_dll(make: Callable[..., Path]) -> None:
    wheel = make("numpy-2.5.5-cp312-abi3-win_arm64.whl", tags=["cp312-abi3-win_arm64"])
    report = inspect_wheel(wheel)
    assert codes(report) == {"python-dll-mismatch", "extension-tag-mismatch"}
    assert any("python3.dll" in f.message for f in report.findings)


def test_pyd_named_for_amd64_in_arm64_wheel(make: Callable[..., Path]) -> None:
    def edit(m: dict[str, bytes]) -> None:
        m[UMATH_ARM64.replace("win_arm64", "win_amd64")] = m.pop(UMATH_ARM64)

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"extension-tag-mismatch"}
    assert "win_amd64" in report.findings[0].message


def test_dropped_bundled_dll_is_a_missing_dependency(make: Callable[..., Path]) -> None:
    report = inspect_wheel(make(edit=lambda m: m.pop(OPENBLAS_ARM64)))
    assert codes(report) == {"missing-dependency"}
    (finding,) = report.findings
    assert "scipy_openblas-ff6d319c52b3e1955d73aac19764c8c0.dll" in finding.message
    assert "more file(s)" in finding.message  # three extensions import it; one finding


def test_unbundled_vc_runtime_is_a_warning(make: Callable[..., Path]) -> None:
    mangled = MSVCP_ARM64.split("/")[1]

    def edit(m: dict[str, bytes]) -> None:
        del m[MSVCP_ARM64]
        for name, data in list(m.items()):
            if mangled.encode() in data:
                m[name] = rename_import(data, mangled, "msvcp140.dll")

    wheel = make(edit=edit)
    report = inspect_wheel(wheel)
    assert codes(report) == {"vc-runtime"}
    assert report.ok  # a warning only
    assert "msvcp140.dll" in report.findings[0].message
    strict = inspect_wheel(wheel, strict=True)  # --strict: warnings fail the wheel
    assert strict.verdict is Verdict.FAIL and not strict.ok


def test_vcruntime140_alone_is_provided_by_python(make: Callable[..., Path]) -> None:
    report = inspect_wheel(make())
    umath = next(pe for pe in report.pe_files if pe.path == UMATH_ARM64)
    assert "VCRUNTIME140.dll" in umath.imports
    assert "vc-runtime" not in codes(report)


def test_member_edited_after_build(tmp_path: Path, numpy_arm64: Path) -> None:
    members = read_members(numpy_arm64)
    target = "numpy/version.py"
    members[target] = members[target] + b"# edited\n"
    edited = tmp_path / numpy_arm64.name
    with zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    report = inspect_wheel(edited)
    assert codes(report) == {"record-mismatch"}
    (finding,) = report.findings
    assert finding.file == target and "sha256" in finding.message


def test_record_missing(make: Callable[..., Path]) -> None:
    report = inspect_wheel(make(record=False))
    assert codes(report) == {"record-missing"}


def test_unlisted_and_vanished_members(tmp_path: Path, make: Callable[..., Path]) -> None:
    wheel = make()
    members = read_members(wheel)
    members["numpy/extra.py"] = b"x = 1\n"
    del members[OPENBLAS_ARM64]
    redone = tmp_path / "redone" / wheel.name
    redone.parent.mkdir()
    with zipfile.ZipFile(redone, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    report = inspect_wheel(redone)
    messages = {f.file: f.message for f in report.findings if f.code == "record-mismatch"}
    assert "not listed" in messages["numpy/extra.py"]
    assert "not in the wheel" in messages[OPENBLAS_ARM64]


def test_crlf_record_is_read(make: Callable[..., Path]) -> None:
    assert codes(inspect_wheel(make(record_newline="\r\n"))) == set()


def test_pure_wheel(six_wheel: Path) -> None:
    report = inspect_wheel(six_wheel)
    assert report.kind == "pure" and report.ok
    assert [f.code for f in report.findings] == ["not-windows"]


def test_linux_wheel(markupsafe_linux: Path) -> None:
    report = inspect_wheel(markupsafe_linux)
    assert report.kind == "other-platform" and report.ok
    assert [f.code for f in report.findings] == ["not-windows"]


def test_truncated_pe_is_a_finding(make: Callable[..., Path]) -> None:
    def edit(m: dict[str, bytes]) -> None:
        pe = m[UMATH_ARM64]
        offset = int.from_bytes(pe[0x3C:0x40], "little")
        m[UMATH_ARM64] = pe[: offset + 30]  # signature and half a COFF header

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"corrupt-pe"}
    assert report.findings[0].file == UMATH_ARM64


def test_dll_without_pe_header_is_corrupt(make: Callable[..., Path]) -> None:
    def edit(m: dict[str, bytes]) -> None:
        m["numpy/broken.dll"] = b"MZ" + b"\0" * 200

    report = inspect_wheel(make(edit=edit))
    assert codes(report) == {"corrupt-pe"}


def test_json_report_shape(woaport: Callable[..., object], numpy_arm64: Path) -> None:
    result = woaport("inspect", "--json", numpy_arm64)
    assert result.code == 0  # type: ignore[attr-defined]
    doc = json.loads(result.out)  # type: ignore[attr-defined]
    (wheel,) = doc["wheels"]
    assert doc["ok"] is True and wheel["ok"] is True
    assert doc["verdict"] == wheel["verdict"] == "pass"
    # the JSON is the typed document: it validates and reads back to what was printed
    report = InspectReport.from_json(doc, "inspect --json")
    assert report.to_json() == doc
    assert report.wheels[0].pe_files[0].machine in (Machine.ARM64, Machine.ARM64X)
    assert wheel["tags"] == [ARM64_TAG]
    entry = next(p for p in wheel["pe_files"] if p["path"] == UMATH_ARM64)
    assert entry["machine"] == "ARM64"
    assert entry["python_dll"] == "python312.dll"
    assert "KERNEL32.dll" in entry["imports"]


# --- issue 13: the real win_arm64 corpus and crafted variants of real wheels -------------


@pytest.fixture(scope="session")
def sources() -> Any:
    from realfiles import variant_sources

    return variant_sources()


@pytest.mark.network
@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_crafted_variant(variant: Variant, sources: Sources, tmp_path: Path) -> None:
    report = inspect_wheel(variant.build(sources, tmp_path))
    assert codes(report) == set(variant.expected), [f.to_json() for f in report.findings]
    text = " ".join(f"{f.message} {f.hint}" for f in report.findings)
    assert variant.mentions in text


@pytest.mark.network
@pytest.mark.parametrize("wheel", corpus_wheels(), ids=lambda w: w.filename)
def test_corpus_wheel_has_no_error(wheel: CorpusWheel) -> None:
    """Every corpus wheel is a valid wheel from the index: no finding may be an error."""
    report = inspect_wheel(fetch_corpus_wheel(wheel))
    errors = [f.to_json() for f in report.findings if f.severity == "error"]
    assert errors == []


def test_corpus_is_pinned_and_large_enough() -> None:
    wheels = corpus_wheels()
    assert len(wheels) >= 80
    assert len({w.filename for w in wheels}) == len(wheels)
    assert all(len(w.sha256) == 64 and w.url.endswith("/" + w.filename) for w in wheels)
    assert all("win_arm64" in w.filename for w in wheels)
    assert sum(w.size for w in wheels) < 1_100_000_000


@pytest.mark.parametrize(
    ("dll", "platform", "system"),
    [
        ("ACLUI.dll", "win_arm64", True),
        ("ktmw32.dll", "win_arm64", True),
        ("icu.dll", "win_arm64", True),
        ("icuuc.dll", "win_arm64", True),
        ("KERNEL32.dll", "win32", True),
        ("api-ms-win-crt-runtime-l1-1-0.dll", "win_arm64", True),
        ("ext-ms-win-gdi-desktop-l1-1-0.dll", "win_arm64", True),
        ("mfuuid.dll", "win_arm64", False),  # a static library (mfuuid.lib), no DLL
        ("msvcp140.dll", "win_arm64", False),  # the VC redistributable, not Windows
        ("python3.dll", "win_arm64", False),
        ("tbb12.dll", "win_arm64", False),
    ],
)
def test_system_dlls(dll: str, platform: str, system: bool) -> None:
    assert windll.is_system(dll, platform) is system


def test_system_dll_data_names_its_source() -> None:
    from importlib import resources

    doc = json.loads(
        resources.files("woaport.data").joinpath(windll.SYSTEM_DLLS_FILE).read_text("utf-8")
    )
    assert len(doc["commit"]) == 40 and "delvewheel" in doc["source"]
    assert {p: len(n) > 1500 for p, n in doc["platforms"].items()} == {
        "win_arm64": True,
        "win_amd64": True,
        "win32": True,
    }


GUARD_CASES = [
    ("try:\n    from pkg import ext\nexcept ImportError:\n    ext = None\n", True),
    ("try:\n    import pkg.ext\nexcept (OSError, ModuleNotFoundError):\n    pass\n", True),
    ("try:\n    from . import ext\nexcept Exception:\n    pass\n", True),
    ("from pkg import ext\n", False),
    ("try:\n    from pkg import ext\nexcept KeyError:\n    pass\n", False),
    ("try:\n    pass\nexcept ImportError:\n    from pkg import ext\n", False),
    (
        "def f():\n    try:\n        from .ext import g\n    except ImportError:\n        pass\n",
        True,
    ),
]


@pytest.mark.parametrize(("source", "guarded"), GUARD_CASES)
def test_optional_extension_rule(tmp_path: Path, source: str, guarded: bool) -> None:
    """An extension whose DLL is missing is optional only when every import of it sits in
    the body of a try whose handler catches ImportError."""
    wheel = write_wheel(
        tmp_path / "pkg-1.0-cp312-cp312-win_arm64.whl",
        {"pkg/__init__.py": b"", "pkg/user.py": source.encode()},
        dist_info="pkg-1.0.dist-info",
        tags=[ARM64_TAG],
    )
    evidence = payload._optional_imports(wheel, {"tbb12.dll": ["pkg/ext.cp312-win_arm64.pyd"]})
    assert ("tbb12.dll" in evidence) is guarded
    if guarded:
        assert evidence["tbb12.dll"].startswith("pkg/user.py:")


def test_windows_name_key_is_ntfs_simple_case_mapping() -> None:
    # NTFS maps each character to one upper-case character ($UpCase): ß has no one-character
    # upper case, so "STRASSE" and "straße" are two names there, though Python's upper()
    # makes them equal.
    assert windows_name_key("a/Foo.PYD") == windows_name_key("A/foo.pyd")
    assert windows_name_key("straße.py") != windows_name_key("STRASSE.py")
    assert windows_name_key("é.py") == windows_name_key("É.py")


def test_case_collisions_in_windows_and_pure_wheels_only(tmp_path: Path) -> None:
    members = {"pkg/__init__.py": b"", "pkg/Data.txt": b"a", "pkg/data.txt": b"b"}
    for tag, expected in [
        ("py3-none-win_arm64", {"case-collision"}),
        ("py3-none-any", {"case-collision"}),
        ("py3-none-manylinux_2_17_x86_64", set()),
    ]:
        (tmp_path / tag).mkdir()
        wheel = write_wheel(
            tmp_path / tag / f"pkg-1.0-{tag}.whl",
            members,
            dist_info="pkg-1.0.dist-info",
            tags=[tag],
        )
        report = inspect_wheel(wheel)
        assert codes(report) == expected, tag
        assert report.ok is not expected


def test_a_file_beside_a_folder_of_its_name_in_another_case(tmp_path: Path) -> None:
    members = {"pkg/__init__.py": b"", "pkg/sub": b"a", "pkg/SUB/mod.py": b"b"}
    tag = "py3-none-win_arm64"
    wheel = write_wheel(
        tmp_path / f"pkg-1.0-{tag}.whl", members, dist_info="pkg-1.0.dist-info", tags=[tag]
    )
    [found] = [f for f in inspect_wheel(wheel).findings if f.code == "case-collision"]
    assert found.file == "pkg/sub" and "'pkg/SUB'" in found.message
