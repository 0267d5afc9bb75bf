"""Before porting: what does this package's source need to build natively on Windows on Arm?

Reads a source tree, an sdist (``.tar.gz``/``.zip``, streamed, never extracted to disk) or
the latest sdist of a package on the index, and reports the build backend and tools, the
native languages, vendored native code and submodules, and x86-specific code with
``file:line`` evidence, each marked with whether an ARM/NEON alternative sits beside it.
From those it predicts how much work the port is (workflow-only, build-config or
source-port) and says what to try first.
"""

from __future__ import annotations

import bisect
import itertools
import operator
import re
import tarfile
import tomllib
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from woaport.errors import BadInput

MAX_FILE = 4 << 20  # larger files are generated tables or data, not code to read
LANGUAGES = {
    ".c": "C",
    ".h": "C",
    ".cpp": "C++",
    ".cc": "C++",
    ".cxx": "C++",
    ".hpp": "C++",
    ".hh": "C++",
    ".hxx": "C++",
    ".pyx": "Cython",
    ".pxd": "Cython",
    ".pxi": "Cython",
    ".rs": "Rust",
    ".f": "Fortran",
    ".f90": "Fortran",
    ".f77": "Fortran",
    ".f95": "Fortran",
    ".for": "Fortran",
    ".s": "Assembly",
    ".asm": "Assembly",
    ".cu": "CUDA",
    ".m": "Objective-C",
}
CODE_SUFFIXES = {s for s in LANGUAGES if s not in (".f", ".f90", ".f77", ".f95", ".for", ".m")}
BUILD_FILES = {
    "setup.py",
    "setup.cfg",
    "pyproject.toml",
    "meson.build",
    "meson.options",
    "meson_options.txt",
    "cmakelists.txt",
    "makefile",
    "build.rs",
    "cargo.toml",
    "sconstruct",
    "config.toml",
}
VENDOR_DIRS = {
    "vendor",
    "vendored",
    "third_party",
    "thirdparty",
    "3rdparty",
    "deps",
    "external",
    "extern",
    "subprojects",
    "lib",
}

BACKENDS = {
    "setuptools.build_meta": "setuptools",
    "setuptools.build_meta:__legacy__": "setuptools",
    "mesonpy": "meson-python",
    "maturin": "maturin",
    "scikit_build_core.build": "scikit-build-core",
    "pdm.backend": "pdm-backend",
    "pdm.pep517.api": "pdm-backend",
    "poetry.core.masonry.api": "poetry-core",
    "hatchling.build": "hatchling",
    "flit_core.buildapi": "flit-core",
    "enscons": "enscons",
    "sipbuild.api": "sip",
    "py_build_cmake.build": "py-build-cmake",
}

# What x86-specific code looks like: (kind, literal tokens one of which must occur, regex).
# A regex runs only on text that holds one of its tokens (a C-speed substring test), and
# starts with a literal where it can, so that the regex engine scans for it quickly.
X86_PATTERNS = [
    (
        "intrinsics-header",
        ("intrin.h",),
        r"#\s*include\s*[<\"](?:immintrin|xmmintrin|emmintrin|pmmintrin|tmmintrin|smmintrin|nmmintrin|wmmintrin|ammintrin|x86intrin|zmmintrin|avxintrin|avx2intrin)\.h[>\"]",
    ),
    ("intrinsics-header", ("cpuid.h",), r"#\s*include\s*[<\"]cpuid\.h[>\"]"),
    ("intrinsic-call", ("_mm",), r"(?<![A-Za-z0-9_])_mm(?:256|512)?_[a-z0-9_]+\s*\("),
    ("simd-type", ("__m",), r"(?<![A-Za-z0-9_])__m(?:64|128|256|512)[dih]?(?![A-Za-z0-9_])"),
    (
        "cpuid",
        ("cpuid",),
        r"(?<![A-Za-z0-9_])(?:__get_cpuid(?:_count)?|__cpuid(?:ex)?|cpuid)(?![A-Za-z0-9_])",
    ),
    (
        "inline-asm",
        ("asm",),
        r"(?<![A-Za-z0-9_])(?:__asm__(?![A-Za-z0-9_])|asm\s+(?:volatile\s*)?\(|__asm\s*\{)",
    ),
    ("msvc-x86-branch", ("_M_",), r"(?<![A-Za-z0-9_])_M_(?:X64|AMD64|IX86)(?![A-Za-z0-9_])"),
]
X86_FLAGS = r"/arch:(?:AVX512|AVX2|AVX|SSE2|SSE|IA32)\b|-m(?:sse[0-9.]*|ssse3|avx(?:2|512[a-z]*)?|fma4?|bmi2?|popcnt|pclmul|aes|f16c|lzcnt)\b|-march=(?:native|x86-64[\w-]*|haswell|skylake[\w-]*|znver\d|core-avx2|sandybridge|ivybridge|broadwell)\b"
# An ARM/NEON alternative: any of these in the same file.
ARM_TOKENS = (
    "arm_neon.h",
    "arm64_neon.h",
    "arm_acle.h",
    "arm_sve.h",
    "sse2neon",
    "__ARM_NEON",
    "__aarch64__",
    "_M_ARM64",
    "__arm64__",
    "vld1",
    "simde_",
    "hwy/",
    "HWY_NAMESPACE",
)
_X86 = [(kind, tokens, re.compile(pattern)) for kind, tokens, pattern in X86_PATTERNS]
_FLAGS_RE = re.compile(X86_FLAGS)

Category = Literal["pure", "workflow-only", "build-config", "source-port"]


INCIDENTAL_DIRS = {
    "test",
    "tests",
    "testing",
    "test cases",
    "testsuite",
    "doc",
    "docs",
    "examples",
    "example",
    "benchmarks",
    "bench",
    "demo",
    "demos",
    "samples",
}
# Paths whose names say the file is built only for x86 (a folder, or a file like
# cpu_avx2.c) or for another architecture that is not ARM64 either.
X86_DIRS = re.compile(
    r"(?:^|[/_-])(?:x86|x86_64|x64|amd64|i386|i686|ia32|sse\d*|ssse3|avx\d*|avx512\w*|f16c|fma\d*|xop|popcnt|bmi\d*|lzcnt|svml|x86-simd-sort|x86simdsort"
    # other architectures' files are not built for ARM64 either
    r"|lsx|lasx|loongarch\w*|vsx\d*|vxe?\d*|ppc\w*|power\d+|s390x?|riscv\w*|rvv)(?:/|$|[-_.])",
    re.IGNORECASE,
)
# Preprocessor conditions that never hold on ARM64: x86 feature and arch macros (SSE, AVX,
# F16C, _M_X64 ...) and other architectures' (VSX/AltiVec, s390x VX, LoongArch LSX, RISC-V).
NOT_ARM64_MACRO = re.compile(
    r"SSE|AVX|X86|x86|F16C|FMA|POPCNT|BMI|XOP|_M_X64|_M_IX86|_M_AMD64|__amd64__|__i386__|__PCLMUL__|__AES__"
    r"|VSX|ALTIVEC|__powerpc|__PPC|__ppc|\bVXE?\d*\b|__s390|LASX|\bLSX\b|__loongarch|__riscv|RVV"
)
DIRECTIVE = re.compile(r"^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$")
PORTABLE_SIMD_FILES = 3
CODE_KINDS = ("intrinsics-header", "intrinsic-call", "simd-type", "cpuid", "inline-asm")


@dataclass(frozen=True, kw_only=True)
class Evidence:
    kind: str
    file: str
    line: int
    text: str
    arm_alternative: bool
    # Where the code is never built for ARM64 anyway: "x86/other-arch #if" (inside a
    # preprocessor block on an x86 or other-arch macro) or "x86/other-arch file" (a path
    # like .../x86/... or cpu_avx2.c).
    x86_only_context: str | None = None

    @property
    def needs_work(self) -> bool:
        return not self.arm_alternative and self.x86_only_context is None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "file": self.file,
            "line": self.line,
            "text": self.text,
            "arm_alternative": self.arm_alternative,
            "x86_only_context": self.x86_only_context,
        }


@dataclass(kw_only=True)
class Analysis:
    source: str
    backend: str | None = None
    backend_requires: list[str] = field(default_factory=list)
    tools: set[str] = field(default_factory=set)
    languages: Counter[str] = field(default_factory=Counter)
    vendored: set[str] = field(default_factory=set)
    submodules: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    arm_files: set[str] = field(default_factory=set)
    files_read: int = 0
    files_skipped: int = 0
    bytes_read: int = 0

    @property
    def native(self) -> bool:
        return any(
            lang in self.languages
            for lang in ("C", "C++", "Cython", "Rust", "Fortran", "Assembly", "CUDA")
        )

    def prediction(self) -> tuple[Category, list[str], list[str]]:
        """(category, reasons, what to try)."""
        reasons: list[str] = []
        tries: list[str] = []
        if not self.native:
            return (
                "pure",
                ["no native source code"],
                ["nothing to port: build a pure wheel (py3-none-any)"],
            )
        unguarded = [e for e in self.evidence if e.kind in CODE_KINDS and e.needs_work]
        flags = [e for e in self.evidence if e.kind == "x86-compiler-flag" and e.needs_work]
        msvc = [e for e in self.evidence if e.kind == "msvc-x86-branch" and e.needs_work]
        category: Category = "workflow-only"
        if unguarded:
            files = sorted({e.file for e in unguarded})
            where = f"{len(unguarded)} line(s) in {len(files)} file(s): {', '.join(files[:5])}"
            if len(self.arm_files) >= PORTABLE_SIMD_FILES:
                # A project with ARM/NEON paths in many files selects its SIMD code at build
                # time; the x86 lines left are most likely selected away too, by macros this
                # reading cannot resolve: a build question, not a rewrite.
                category = "build-config"
                reasons.append(
                    f"the project already has ARM/NEON code in {len(self.arm_files)} files; the x86 "
                    f"code left without one ({where}) is probably selected away at build time: check it"
                )
                tries.append(
                    "build on windows-11-arm and read the errors: `woaport diagnose LOG` names the cause"
                )
            else:
                category = "source-port"
                reasons.append(f"x86-only code without an ARM/NEON path: {where}")
                tries.append(
                    "guard the x86 code with `#if defined(__x86_64__) || defined(_M_X64)` and add a NEON "
                    "or portable C fallback (sse2neon or SIMDe can bridge intrinsics)"
                )
        build_reasons: list[tuple[str, str]] = []
        if flags:
            build_reasons.append(
                (
                    f"x86-only compiler flags in {', '.join(sorted({e.file for e in flags}))}",
                    "apply the x86 flags only when the target is x86 (check the platform in the build script)",
                )
            )
        if msvc:
            files = sorted({e.file for e in msvc})
            build_reasons.append(
                (
                    f"MSVC `_M_X64`/`_M_IX86` branches with no `_M_ARM64` branch in {', '.join(files[:5])}",
                    "add `_M_ARM64` branches beside the `_M_X64` ones (or test `_WIN64` where only pointer size matters)",
                )
            )
        if "Fortran" in self.languages:
            build_reasons.append(
                (
                    "Fortran sources: the Windows-on-Arm runner needs a Fortran compiler (LLVM flang)",
                    "install LLVM flang for ARM64 in CIBW_BEFORE_ALL_WINDOWS and point the build at it",
                )
            )
        if "Assembly" in self.languages:
            build_reasons.append(
                (
                    "assembly sources: x86 assembly must be disabled or replaced on ARM64",
                    "disable the assembly path on ARM64 (most projects have a C fallback switch)",
                )
            )
        if build_reasons and category == "workflow-only":
            category = "build-config"
        for reason, attempt in build_reasons:
            reasons.append(reason)
            tries.append(attempt)
        if category == "workflow-only":
            reasons.append(
                "native code with no x86-specific parts (or each has an ARM path or never builds for ARM64)"
            )
            tries.append(
                "add the windows-11-arm lane: `uses: OWNER/woaport/.github/workflows/port.yml@v1`"
            )
        if "Rust" in self.languages:
            reasons.append("Rust: the toolchain needs the aarch64-pc-windows-msvc target")
            tries.append(
                "`rustup target add aarch64-pc-windows-msvc` before building (maturin/setuptools-rust pick it up)"
            )
        if self.vendored:
            reasons.append(f"vendored native code: {', '.join(sorted(self.vendored))}")
        if self.submodules:
            reasons.append(
                f"git submodules: {', '.join(self.submodules)} (an sdist may or may not include them)"
            )
        beside = sum(1 for e in self.evidence if e.arm_alternative)
        if beside:
            reasons.append(
                f"{beside} x86-specific line(s) have an ARM/NEON alternative in the same file"
            )
        contained = sum(1 for e in self.evidence if not e.arm_alternative and e.x86_only_context)
        if contained:
            reasons.append(
                f"{contained} x86-specific line(s) only build for x86 (x86-only #if blocks or folders)"
            )
        return category, reasons, tries

    def to_json(self) -> dict[str, Any]:
        category, reasons, tries = self.prediction()
        return {
            "source": self.source,
            "build_backend": self.backend,
            "build_requires": self.backend_requires,
            "tools": sorted(self.tools),
            "languages": dict(self.languages.most_common()),
            "vendored": sorted(self.vendored),
            "submodules": self.submodules,
            "x86": [e.to_json() for e in self.evidence],
            "arm_alternative_files": sorted(self.arm_files),
            "category": category,
            "reasons": reasons,
            "try": tries,
            "files_read": self.files_read,
            "files_skipped": self.files_skipped,
            "bytes_read": self.bytes_read,
        }


# -- reading sources -------------------------------------------------------------------------
def _strip_root(name: str) -> str:
    parts = PurePosixPath(name).parts
    return "/".join(parts[1:]) if len(parts) > 1 else name


def _wanted(relative: str) -> bool:
    name = PurePosixPath(relative).name.lower()
    suffix = PurePosixPath(name).suffix
    return (
        suffix in LANGUAGES
        or name in BUILD_FILES
        or name.endswith((".cmake", ".mk", ".gyp", ".gypi"))
        or name == ".gitmodules"
    )


def _incidental(lower: str) -> bool:
    """Tests, docs, examples: code that is not part of what the package builds."""
    return any(part in INCIDENTAL_DIRS for part in lower.split("/")[:-1])


def iter_sources(path: Path) -> Iterator[tuple[str, int, bytes | None]]:
    """(relative path, size, bytes or None when skipped) for every file."""
    if path.is_dir():
        skip = (".git", ".tox", ".venv", "node_modules", "build", "__pycache__")
        for file in sorted(path.rglob("*")):
            if not file.is_file() or any(part in skip for part in file.relative_to(path).parts):
                continue
            relative = file.relative_to(path).as_posix()
            size = file.stat().st_size
            wanted = _wanted(relative) and size <= MAX_FILE
            yield relative, size, file.read_bytes() if wanted else None
        return
    name = path.name.lower()
    if name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")):
        try:
            with tarfile.open(path, mode="r|*") as tar:  # a stream: one pass, nothing on disk
                for member in tar:
                    if not member.isfile():
                        continue
                    relative = _strip_root(member.name)
                    if _wanted(relative) and member.size <= MAX_FILE:
                        handle = tar.extractfile(member)
                        yield relative, member.size, handle.read() if handle else None
                    else:
                        yield relative, member.size, None
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BadInput(f"{path}: not a readable sdist ({exc}); download it again") from None
        return
    if name.endswith(".zip"):
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir():
                        continue
                    relative = _strip_root(info.filename)
                    wanted = _wanted(relative) and info.file_size <= MAX_FILE
                    yield relative, info.file_size, zf.read(info) if wanted else None
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadInput(f"{path}: not a readable sdist ({exc}); download it again") from None
        return
    raise BadInput(f"{path}: expected a source folder, a .tar.gz/.zip sdist, or a package name")


def analyze_files(source: str, files: Iterator[tuple[str, int, bytes | None]]) -> Analysis:
    result = Analysis(source=source)
    pyproject: bytes | None = None
    for relative, _size, data in files:
        lower = relative.lower()
        name = PurePosixPath(lower).name
        suffix = PurePosixPath(name).suffix
        if name == ".gitmodules" and data is not None:
            text = data.decode("utf-8", "replace")
            result.submodules += re.findall(r"^\s*path\s*=\s*(.+?)\s*$", text, re.MULTILINE)
        if _incidental(lower):
            result.files_skipped += 1
            continue
        if suffix in LANGUAGES:
            result.languages["Assembly" if relative.endswith(".S") else LANGUAGES[suffix]] += 1
            top = lower.split("/")[0]
            if top in VENDOR_DIRS or top.startswith("vendored"):
                parts = relative.split("/")
                result.vendored.add("/".join(parts[:2]) if len(parts) > 2 else parts[0])
        if data is None or b"\0" in data[:8192]:
            result.files_skipped += 1
            continue
        result.files_read += 1
        result.bytes_read += len(data)
        text = data.decode("utf-8", "replace")
        if name == "pyproject.toml" and relative.count("/") == 0:
            pyproject = data
        _tools(result, name, text)
        if suffix in CODE_SUFFIXES or relative.endswith(".S"):
            _scan_code(result, relative, text)
        if name in BUILD_FILES or name.endswith((".cmake", ".mk")):
            _scan_flags(result, relative, text)
    if pyproject is not None:
        _backend(result, pyproject)
    elif "setup.py" in result.tools:
        result.backend = "setuptools (setup.py, no pyproject.toml)"
    return result


def _tools(result: Analysis, name: str, text: str) -> None:
    if name == "meson.build":
        result.tools.add("meson")
    elif name == "cmakelists.txt" or name.endswith(".cmake"):
        result.tools.add("cmake")
    elif name == "cargo.toml":
        result.tools.add("cargo")
    elif name == "setup.py":
        result.tools.add("setup.py")
        if "Cython" in text or "cythonize" in text:
            result.tools.add("cython")
        if "setuptools_rust" in text or "RustExtension" in text:
            result.tools.add("setuptools-rust")
    elif name.endswith((".pyx", ".pxd")):
        result.tools.add("cython")


def _backend(result: Analysis, data: bytes) -> None:
    try:
        document = tomllib.loads(data.decode("utf-8", "replace"))
    except tomllib.TOMLDecodeError:
        result.backend = "unknown (pyproject.toml does not parse)"
        return
    system = document.get("build-system", {})
    backend = system.get("build-backend")
    requires = [str(r) for r in system.get("requires", [])]
    result.backend_requires = requires
    result.backend = (
        BACKENDS.get(str(backend), str(backend))
        if backend
        else "setuptools (legacy: no build-backend)"
    )
    for requirement in requires:
        lowered = requirement.lower()
        for tool in (
            "cython",
            "pybind11",
            "nanobind",
            "cffi",
            "setuptools-rust",
            "cmake",
            "ninja",
            "numpy",
            "meson",
        ):
            if lowered.startswith(tool):
                result.tools.add(tool)


def _line_ends(lines: list[str]) -> list[int]:
    """The offset of each line's end, computed with C-level builtins (no per-char loop)."""
    return list(map(operator.add, itertools.accumulate(map(len, lines)), range(len(lines))))


def _x86_only_lines(lines: list[str]) -> list[bool]:
    """For each line: is it inside a preprocessor block that ARM64 builds never compile?"""
    flags = []
    stack: list[bool] = []
    for line in lines:
        match = DIRECTIVE.match(line) if "#" in line else None
        if match:
            word, condition = match[1], match[2]
            x86 = (
                bool(NOT_ARM64_MACRO.search(condition))
                and "!" not in condition
                and word != "ifndef"
            )
            if word in ("if", "ifdef", "ifndef"):
                stack.append(x86)
            elif word == "elif" and stack:
                stack[-1] = x86
            elif word == "else" and stack:
                stack[-1] = False
            elif word == "endif" and stack:
                stack.pop()
        flags.append(any(stack))
    return flags


def _scan_code(result: Analysis, relative: str, text: str) -> None:
    has_arm = any(token in text for token in ARM_TOKENS)
    if has_arm:
        result.arm_files.add(relative)
    found = []
    for kind, tokens, regex in _X86:
        if any(token in text for token in tokens):
            found += [(match.start(), kind) for match in regex.finditer(text)]
    if not found:
        return
    lines = text.split("\n")
    ends = _line_ends(lines)
    has_arm64_msvc = "_M_ARM64" in text
    folder = "x86/other-arch file" if X86_DIRS.search(relative) else None
    in_x86_block = _x86_only_lines(lines)
    seen: set[tuple[str, int]] = set()
    for start, kind in sorted(found):
        line = bisect.bisect_left(ends, start) + 1
        if (kind, line) in seen:
            continue
        seen.add((kind, line))
        alternative = has_arm64_msvc if kind == "msvc-x86-branch" else has_arm
        block = in_x86_block[line - 1] and kind != "msvc-x86-branch"
        result.evidence.append(
            Evidence(
                kind=kind,
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
                arm_alternative=alternative,
                x86_only_context=folder or ("x86/other-arch #if" if block else None),
            )
        )


def _scan_flags(result: Analysis, relative: str, text: str) -> None:
    matches = list(_FLAGS_RE.finditer(text))
    if not matches:
        return
    lines = text.split("\n")
    ends = _line_ends(lines)
    guarded = (
        re.search(
            r"(?i)x86_64|amd64|\bx64\b|i[36]86|platform\.machine|CMAKE_SYSTEM_PROCESSOR|host_machine\.cpu",
            text,
        )
        is not None
    )
    for match in matches:
        line = bisect.bisect_left(ends, match.start()) + 1
        result.evidence.append(
            Evidence(
                kind="x86-compiler-flag",
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
                arm_alternative=False,
                x86_only_context=(
                    "x86/other-arch file"
                    if X86_DIRS.search(relative)
                    else ("applied only for x86" if guarded else None)
                ),
            )
        )


def summarize_evidence(analysis: Analysis) -> dict[str, dict[str, int]]:
    """kind -> {"arm path": n, "x86 only": n, "needs work": n}."""
    counts: dict[str, dict[str, int]] = defaultdict(
        lambda: {"arm path": 0, "x86 only": 0, "needs work": 0}
    )
    for e in analysis.evidence:
        key = (
            "arm path"
            if e.arm_alternative
            else ("x86 only" if e.x86_only_context else "needs work")
        )
        counts[e.kind][key] += 1
    return dict(counts)
