"""A small C preprocessor evaluator for one target: MSVC building for Windows on Arm (ARM64).

It answers, for every line of a C/C++ file, whether an ARM64 build compiles it: true (every
enclosing ``#if`` holds on ARM64), false (some enclosing condition never holds there) or
unknown (a condition depends on something this reading cannot know: a macro from another
header or the command line). It follows the macros the file itself ``#define``s from such
tests (``#if defined(__x86_64__)`` / ``#define IS_INTEL 1``), and notes the ``#error``
directives an ARM64 build reaches.

What the target defines comes from Microsoft's list of predefined macros
(https://learn.microsoft.com/en-us/cpp/preprocessor/predefined-macros): ``_M_ARM64``,
``_WIN32``, ``_WIN64`` and ``_MSC_VER`` are defined; the x86 ones (``_M_X64``, ``_M_IX86``,
``_M_AMD64``) are not, nor are GCC/Clang's (``__GNUC__``, ``__x86_64__``, ``__SSE2__`` ...),
since MSVC does not define them.

Bounded: directives longer than ``MAX_EXPRESSION`` characters, expressions nested deeper than
``MAX_DEPTH`` and macro chains longer than ``MAX_EXPANSION`` evaluate to unknown.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import re
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

MAX_EXPRESSION = 4096
MAX_DEPTH = 64
MAX_EXPANSION = 16


class Lines(Protocol):
    """A file's lines by index: a list, or a reader that finds a line when it is asked for."""

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> str: ...


class Truth(enum.StrEnum):
    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Truth:
        """A three-valued reading (None: unknown) as a Truth."""
        return cls.UNKNOWN if value is None else cls.TRUE if value else cls.FALSE


# Defined for MSVC targeting ARM64 (values as Visual Studio 2022 17.14 sets them).
ARM64_DEFINED: dict[str, int] = {
    "_M_ARM64": 1,
    "_WIN32": 1,
    "_WIN64": 1,
    "_MSC_VER": 1944,
    "_MSC_FULL_VER": 194435207,
    "_INTEGRAL_MAX_BITS": 64,
    "__STDC_HOSTED__": 1,
    # "Defined as 1 if the on-by-default /Ze (Enable Language Extensions) compiler option is
    # set" (https://learn.microsoft.com/cpp/preprocessor/predefined-macros); setuptools,
    # CMake and meson never pass /Za (EPICS Base's compiler/msvc/epicsAtomicCD.h: its
    # `#else #error unexpected target architecture` is inside `#ifdef _MSC_EXTENSIONS`)
    "_MSC_EXTENSIONS": 1,
}
# Never defined there: other architectures' and other compilers' and operating systems'.
ARM64_UNDEFINED: frozenset[str] = frozenset(
    {
        # x86 architecture macros (MSVC and GCC/Clang spellings)
        "_M_X64",
        "_M_AMD64",
        "_M_IX86",
        "_M_IX86_FP",
        "_M_ARM64EC",
        "_M_ARM",
        "_M_ARMT",
        "_M_ARM_FP",
        "_M_HYBRID_X86_ARM64",
        "__x86_64__",
        "__x86_64",
        "__amd64__",
        "__amd64",
        "__i386__",
        "__i386",
        "__i486__",
        "__i586__",
        "__i686__",
        "i386",
        "__X86__",
        "_X86_",
        "__THW_INTEL__",
        "__INTEL__",
        "__I86__",
        "__386__",
        "_AMD64_",
        "_X86_64_",
        # x86 ISA extensions (GCC/Clang -m flags; MSVC /arch:AVX defines __AVX__, never on ARM64)
        "__MMX__",
        "__SSE__",
        "__SSE2__",
        "__SSE3__",
        "__SSSE3__",
        "__SSE4_1__",
        "__SSE4_2__",
        "__SSE4A__",
        "__AVX__",
        "__AVX2__",
        "__AVX512F__",
        "__AVX512BW__",
        "__AVX512CD__",
        "__AVX512DQ__",
        "__AVX512VL__",
        "__AVX512VBMI__",
        "__AVX512VBMI2__",
        "__AVX512VNNI__",
        "__AVX512BITALG__",
        "__AVX512VPOPCNTDQ__",
        "__AVX512IFMA__",
        "__AVX512BF16__",
        "__AVX512FP16__",
        "__AVXVNNI__",
        "__FMA__",
        "__FMA4__",
        "__F16C__",
        "__BMI__",
        "__BMI2__",
        "__LZCNT__",
        "__POPCNT__",
        "__PCLMUL__",
        "__AES__",
        "__SHA__",
        "__XOP__",
        "__RDRND__",
        "__ADX__",
        "__VPCLMULQDQ__",
        "__GFNI__",
        "__VAES__",
        # other architectures
        "__powerpc__",
        "__powerpc64__",
        "__powerpc",
        "__ppc__",
        "__ppc64__",
        "__PPC__",
        "__PPC64__",
        "_ARCH_PPC",
        "_ARCH_PPC64",
        "__ALTIVEC__",
        "__VSX__",
        "__s390__",
        "__s390x__",
        "__VEC__",
        "__riscv",
        "__riscv_vector",
        "__loongarch__",
        "__loongarch64",
        "__loongarch_sx",
        "__loongarch_asx",
        "__mips__",
        "__mips",
        "__sparc__",
        "__sparc",
        "__ia64__",
        "_M_IA64",
        "sparc",
        "__sparc_v9__",
        "sun",
        "__sun__",
        "__SUNPRO_C",
        "__SUNPRO_CC",
        "__ILP32__",
        "__alpha__",
        "__alpha",
        "__hppa__",
        "__sh__",
        "__m68k__",
        "__mc68000__",
        "__csky__",
        "__or1k__",
        "__e2k__",
        "__arm64__",
        # MSVC names ARM64 _M_ARM64 only: no GCC/ACLE spelling ("MSVC does not define
        # __aarch64__": RenderKit/embree#483; nor __ARM_NEON: stringzilla's types.h)
        "__aarch64__",
        "__arm64",
        "__ARM_NEON",
        "__ARM_NEON__",
        "__ARM_ARCH",
        "__ARM_64BIT_STATE",
        "__AARCH64EL__",
        "__ppc64le__",
        "__arm__",
        "__thumb__",
        # byte-order spellings of other targets' compilers, and Native Client's (webrtcvad
        # 2.0.10's typedefs.h: `#elif defined(__ARMEL__)` ... `#elif defined(__pnacl__)` /
        # `#else` / `#error Please add support for your architecture`)
        "__ARMEL__",
        "__ARMEB__",
        "__AARCH64EB__",
        "__MIPSEL__",
        "__MIPSEB__",
        "_MIPSEL",
        "_MIPSEB",
        "__pnacl__",
        "__native_client__",
        "__wasm__",
        "__EMSCRIPTEN__",
        # other compilers and systems (MSVC defines none of these)
        "__GNUC__",
        "__GNUC_MINOR__",
        "__clang__",
        "__INTEL_COMPILER",
        "__INTEL_LLVM_COMPILER",
        "__ICC",
        "__ICL",
        "__MINGW32__",
        "__MINGW64__",
        "__CYGWIN__",
        "__linux__",
        "__linux",
        "linux",
        "__gnu_linux__",
        "__APPLE__",
        "__MACH__",
        "__FreeBSD__",
        "__NetBSD__",
        "__OpenBSD__",
        "__DragonFly__",
        "__sun",
        "__unix__",
        "__unix",
        "unix",
        # GCC's and Clang's predefined byte-order and type-size macros, and the C libraries'
        # endian.h ones: MSVC and the Windows SDK define none of them
        # (https://gcc.gnu.org/onlinedocs/cpp/Common-Predefined-Macros.html); RapidJSON
        # 1.1.0's endianness chain tests them first, then x86 and ARM32 only
        "__BYTE_ORDER__",
        "__ORDER_LITTLE_ENDIAN__",
        "__ORDER_BIG_ENDIAN__",
        "__ORDER_PDP_ENDIAN__",
        "__FLOAT_WORD_ORDER__",
        "__LITTLE_ENDIAN__",
        "__BIG_ENDIAN__",
        "__SIZEOF_INT128__",
        "__GLIBC__",
        "__GLIBC_MINOR__",
        "__BYTE_ORDER",
        "__LITTLE_ENDIAN",
        "__BIG_ENDIAN",
        "_LITTLE_ENDIAN",
        "_BIG_ENDIAN",
        "__ANDROID__",
        "__HAIKU__",
        "_AIX",
        "__hpux",
        # GPU device passes: nvcc defines __CUDA_ARCH__ (and HIP __HIP_DEVICE_COMPILE__) only
        # while it compiles device code, which is PTX or GPU code, never the ARM64 CPU's:
        # cutlass' `#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900` / `asm("wgmma...")`
        # (https://docs.nvidia.com/cuda/cuda-c-programming-guide/#virtual-architecture-macros)
        "__CUDA_ARCH__",
        "__CUDA_ARCH_FEAT_SM90_ALL",
        "__CUDA_ARCH_FEAT_SM100_ALL",
        "__HIP_DEVICE_COMPILE__",
        # nvcc and NVRTC themselves: the CUDA sources are not what an MSVC ARM64 build compiles
        # (analyze leaves .cu files aside), so neither are the branches for them in headers
        "__CUDACC__",
        "__CUDACC_RTC__",
        "__NVCC__",
    }
)

# The values <limits.h> and <stdint.h> give these names on 64-bit Windows (LLP64: long is 32
# bits, pointers 64; https://learn.microsoft.com/cpp/c-language/cpp-integer-limits). A file
# that tests them has included the header: read as these, and as defined, not as unknown (or
# as 0 where names nothing in the sdist defines are read as undefined: zstd's mem.h `#if
# UINT_MAX != 4294967295` / `#error`). A #define of one, in the file or another, is a fallback
# for old compilers and is not followed (see _define and read).
STANDARD_VALUES: dict[str, int] = {
    "CHAR_BIT": 8,
    "SCHAR_MIN": -128,
    "SCHAR_MAX": 127,
    "UCHAR_MAX": 0xFF,
    "CHAR_MIN": -128,
    "CHAR_MAX": 127,
    "SHRT_MIN": -32768,
    "SHRT_MAX": 32767,
    "USHRT_MAX": 0xFFFF,
    "INT_MIN": -(2**31),
    "INT_MAX": 2**31 - 1,
    "UINT_MAX": 2**32 - 1,
    "LONG_MIN": -(2**31),
    "LONG_MAX": 2**31 - 1,
    "ULONG_MAX": 2**32 - 1,
    "LLONG_MIN": -(2**63),
    "LLONG_MAX": 2**63 - 1,
    "ULLONG_MAX": 2**64 - 1,
    "INT8_MAX": 127,
    "INT16_MAX": 32767,
    "INT32_MAX": 2**31 - 1,
    "INT64_MAX": 2**63 - 1,
    "UINT8_MAX": 0xFF,
    "UINT16_MAX": 0xFFFF,
    "UINT32_MAX": 2**32 - 1,
    "UINT64_MAX": 2**64 - 1,
    "INTPTR_MAX": 2**63 - 1,
    "UINTPTR_MAX": 2**64 - 1,
    "INTMAX_MAX": 2**63 - 1,
    "UINTMAX_MAX": 2**64 - 1,
    "PTRDIFF_MAX": 2**63 - 1,
    "SIZE_MAX": 2**64 - 1,
    "WCHAR_MAX": 0xFFFF,
    "WCHAR_MIN": 0,
    # Python.h's pyconfig.h for 64-bit Windows (PC/pyconfig.h: SIZEOF_VOID_P 8, SIZEOF_LONG 4
    # ..., and PY_LITTLE_ENDIAN from pyport.h): a chain that falls back on them is read as
    # CPython's build reads it
    "SIZEOF_VOID_P": 8,
    "SIZEOF_SIZE_T": 8,
    "SIZEOF_LONG": 4,
    "SIZEOF_INT": 4,
    "SIZEOF_SHORT": 2,
    "SIZEOF_LONG_LONG": 8,
    "SIZEOF_WCHAR_T": 2,
    "SIZEOF_TIME_T": 8,
    "PY_LITTLE_ENDIAN": 1,
    # MSVC's own sized-integer limits (<limits.h>)
    "_I8_MAX": 127,
    "_UI8_MAX": 0xFF,
    "_I16_MAX": 32767,
    "_UI16_MAX": 0xFFFF,
    "_I32_MAX": 2**31 - 1,
    "_UI32_MAX": 2**32 - 1,
    "_I64_MAX": 2**63 - 1,
    "_UI64_MAX": 2**64 - 1,
}

_TOKEN = re.compile(
    r"\s*(?:(?P<num>0[xX][0-9A-Fa-f]+|\d+)[uUlL]*"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>&&|\|\||==|!=|<=|>=|<<|>>|[-+*/%<>!~&|^?:(),]))"
)
_DIRECTIVE = re.compile(
    r"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif|define|undef|error|warning|include)\b(.*)$"
)
_DEFINE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)(\()?\s*(.*)$")
_NAME = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)")
_ARCH = re.compile(
    r"_M_IX86|_M_X64|_M_AMD64|_M_ARM|__i386|__x86_64|__amd64|__aarch64__|__arm__|__arm64__"
    r"|__powerpc|__PPC|__ppc|_ARCH_PPC|\bsparc|__sparc|__mips|__s390|__riscv|__ia64|__alpha|__hppa"
    r"|__sh__|__m68k|__loongarch"
)
_ARCH_MESSAGE = re.compile(
    r"(?i)arch|\bcpu|processor|platform|machine|x86|x64|amd64|\barm|aarch64|\b(?:32|64).?bit"
)
_TEMPLATE = re.compile(r"[A-Za-z0-9_]*@[A-Za-z_][A-Za-z0-9_]*@[A-Za-z0-9_]*")
_SIMPLE_DEFINED = re.compile(r"(!?)\s*defined\s*(?:\(\s*([A-Za-z_]\w*)\s*\)|\s([A-Za-z_]\w*))")
_NOT_DEFINED = re.compile(r"\s*!\s*defined\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*$")

Value = int | None  # None: unknown
_TEMPLATED = "__woaport_template__"  # what a template's @NAME@ reads as: unknown, always

# x86 micro-architectures (Intel and AMD code names, GCC's -march names): SIMD libraries name
# their per-target kernels and switches after them (stringzilla's hash/haswell.h, numkong's
# each/icelake.h, simsimd's SIMSIMD_TARGET_SKYLAKE). Code names that are ordinary words
# (sapphire, genoa, turin, sierra, alder, diamond) are only in X86_CODENAME_FILE (analyze).
X86_MICROARCHITECTURES = (
    r"(?:nehalem|westmere|sandybridge|ivybridge|haswell|broadwell|skylake\w*|cannonlake"
    r"|cascadelake|cooperlake|icelake\w*|tigerlake|rocketlake|alderlake|raptorlake|meteorlake"
    r"|arrowlake|lunarlake|pantherlake|sapphirerapids|sapphireamx|emeraldrapids|graniterapids"
    r"|graniteamx|diamondrapids|sierraforest|clearwaterforest|grandridge|goldmont\w*|tremont"
    r"|silvermont|gracemont|knightslanding|knightsmill|knl|knm|znver\d*|bdver\d|btver\d"
    r"|bulldozer|piledriver|steamroller|excavator|penryn|core2|knc)"
)
# A project's own switch named after an x86 feature (LIBDIVIDE_AVX512, HAVE_SSE2, USE_X86_ASM):
# nothing turns it on for an ARM64 build. Switches that turn x86 code off (BLAKE3_NO_AVX2,
# DISABLE_SSE) are left unknown.
X86_SWITCH = re.compile(
    r"(?:^|_)(?:SSE\d*|SSSE3|SSE4_?[12]|AVX\w*|X86(?:_64)?|I386|IA32|AMD64|X64|F16C|FMA[34]?|BMI2?"
    r"|POPCNT|PCLMUL\w*|AESNI|XOP|LZCNT|SHANI|RDRA?ND|RDSEED|VSX\d*|ALTIVEC|VXE?\d*|LSX|LASX|RVV|S390X?|PPC64"
    r"|POWER\d+|LOONGARCH\w*|RISCV\w*|MIPS\w*"
    # probes for x86 intrinsics by name (HiGHS' HIGHS_HAVE_MM_PAUSE)
    r"|MM_(?:PAUSE|PREFETCH|MALLOC|FREE|CLFLUSH|[SLM]FENCE)|AMX\w*|MOVBE"
    # probes for MSVC's x64-only scalar intrinsics (igraph's HAVE__UMUL128, set by a CMake
    # check_cxx_source_compiles that fails for ARM64, beside HAVE___UMULH)
    r"|UMUL128|UDIV128|ADDCARRYX?(?:_U(?:32|64))?|SUBBORROW(?:_U(?:32|64))?|XGETBV|RDTSCP?"
    r"|TZCNT(?:_U(?:32|64))?|BZHI(?:_U(?:32|64))?|EMULU?"
    # MMX, and its emms instruction (cysignals 1.12.4's HAVE_EMMS: meson's cc.links() of
    # `asm("leal (%eax), %eax; emms")`, which no ARM64 compiler links)
    r"|MMX|EMMS"
    # probes for x86-only headers (HAVE_IMMINTRIN_H, HAVE_X86INTRIN_H, HAVE_CPUID_H)
    r"|(?:IMM|EMM|XMM|PMM|TMM|SMM|NMM|WMM|ZMM|AMM|X86|AVX\w*)INTRIN|CPUID_H"
    # x86 micro-architectures, as SIMD libraries name their kernels' switches
    # (stringzilla's SZ_USE_HASWELL, numkong's NK_TARGET_ICELAKE, simsimd's SIMSIMD_TARGET_SKYLAKE)
    r"|(?i:" + X86_MICROARCHITECTURES + r"))(?:_|$)"
)
_OFF_SWITCH = re.compile(r"(?:^|_)(?:NO|NOT|DISABLE|DISABLED|WITHOUT|SKIP|AVOID)(?:_|$)")


def x86_switch(name: str) -> bool:
    """Is this a project's switch that turns on x86 code (HAVE_SSE2, USE_AVX2)?"""
    found = _SWITCHES.get(name)
    if found is None:
        if len(_SWITCHES) >= 8192:
            _SWITCHES.clear()
        found = _SWITCHES[name] = (
            X86_SWITCH.search(name) is not None and _OFF_SWITCH.search(name) is None
        )
    return found


_SWITCHES: dict[str, bool] = {}  # name -> x86_switch(name): asked for every unknown name


class _Unknown(Exception):
    """Raised inside the parser when the expression cannot be read (bad syntax, too deep)."""


_UNDEFINED_HERE = object()  # the file defines the name only where ARM64 never looks
_OPAQUE = object()  # defined, but to something this reading cannot evaluate
_UNSURE = object()  # #undef'd in a block whose condition is unknown on ARM64

Scope = tuple[tuple[int, int], ...]  # #if blocks, as (the #if's key (see Line), branch) each


@dataclass(frozen=True)
class _Scoped:
    """Defined (to ``body``) inside blocks whose conditions are unknown on ARM64 (``scope``):
    where the same branches of the same blocks are open (snappy's `#if SNAPPY_NEW_VERSION`
    both defines SNAPPY_HAVE_BMI2 0 and tests it), the definition holds, since a line there
    is compiled only where the definition was; elsewhere it may or may not hold (unknown)."""

    body: str
    scope: Scope


@dataclass
class Macros:
    """What is known about macros at a point in a file: name -> body text, or a marker."""

    known: dict[str, object]
    version: int = 0  # bumped at every change of ``known``, for the cache below
    cache: dict[tuple[str, int, bool], Value] = field(default_factory=dict)
    # The names that something may define (a file's #define, a build file's -D): when given,
    # every other name is undefined, as C says of a name nothing defines ("closed world").
    definable: Container[str] | None = None
    values: dict[tuple[str, int, bool], Value] = field(default_factory=dict)
    # the #if blocks open where the reading is (see _Scoped): `regions`' own stack
    frames: list[_Frame] = field(default_factory=list)
    # set when a _Scoped macro is read: that value depends on where the reading is; such
    # values are memoized only until the reading moves
    read_scoped: bool = False
    scoped_values: dict[tuple[str, int, bool], Value] = field(default_factory=dict)
    moves: int = 0  # bumped by `regions` at every #if/#elif/#else/#endif
    scoped_at: int = 0  # the ``moves`` the scoped_values were worked out at
    # the names the file read so far #defines where ARM64 reads the #define (see
    # _guard_or_default)
    here: set[str] = field(default_factory=set)

    @classmethod
    def arm64(cls) -> Macros:
        return cls(known={})

    def _in_scope(self, state: _Scoped) -> bool:
        here = {(frame.key, frame.branch) for frame in self.frames}
        return all(block in here for block in state.scope)

    def scope(self) -> Scope:
        """The blocks whose unknown condition holds where a definition is read."""
        return tuple(
            (frame.key, frame.branch) for frame in self.frames if frame.current is not True
        )

    def set(self, name: str, state: object) -> None:
        # by value: redefining a macro the same way (a _Scoped body in the same blocks, the
        # same text) changes nothing, and keeps the caches keyed by ``version``
        previous = self.known.get(name)
        if previous is not state and not (isinstance(state, _Scoped) and previous == state):
            self.known[name] = state
            self.version += 1

    def defined(self, name: str) -> Value:
        if name in ARM64_DEFINED:
            return 1
        state = self.known.get(name)
        if state is None and name in STANDARD_VALUES:
            return 1  # (`#if defined(UINTPTR_MAX)`, `#ifndef SIZE_MAX`: the header defines it)
        if name in ARM64_UNDEFINED and state is None:
            return 0  # (unless the file defines it where ARM64 reads: see _define)
        if state is None:
            return 0 if x86_switch(name) or self._nowhere(name) else None
        if isinstance(state, _Scoped):
            self.read_scoped = True
            return 1 if self._in_scope(state) else None
        if state is _UNSURE:
            return None
        return 0 if state is _UNDEFINED_HERE else 1

    def _nowhere(self, name: str) -> bool:
        return self.definable is not None and name != _TEMPLATED and name not in self.definable

    def value(self, name: str, depth: int) -> Value:
        if name in ARM64_DEFINED:
            return ARM64_DEFINED[name]
        state = self.known.get(name)
        if name in ARM64_UNDEFINED and state is None:
            return 0
        if state is None:
            if name in STANDARD_VALUES:
                return STANDARD_VALUES[name]
            return 0 if x86_switch(name) or self._nowhere(name) else None
        if state is _OPAQUE or state is _UNSURE:
            return None
        if state is _UNDEFINED_HERE:
            return 0  # C: an identifier that is not a macro is 0 in #if
        if depth >= MAX_EXPANSION:
            return None
        if isinstance(state, _Scoped):
            self.read_scoped = True
            if not self._in_scope(state):
                return None
            body = state.body
        else:
            body = str(state).strip()
        if not body:
            return None  # `#define X` then `#if X` is an error; say unknown
        # memoized per state of the macros: `#define A (B+B)`, `#define B (C+C)` ... would
        # otherwise take 2**MAX_EXPANSION evaluations
        key = (name, self.version, self.definable is not None)
        if key in self.values:
            return self.values[key]
        if self.scoped_at != self.moves:
            self.scoped_values.clear()
            self.scoped_at = self.moves
        elif key in self.scoped_values:
            self.read_scoped = True
            return self.scoped_values[key]
        outer, self.read_scoped = self.read_scoped, isinstance(state, _Scoped)
        value = evaluate(body, self, depth + 1)
        if self.read_scoped:
            self.scoped_values[key] = value
        else:
            self.values[key] = value
        self.read_scoped = self.read_scoped or outer
        return value


_TOKENS: dict[str, list[tuple[str, str]] | None] = {}  # expression -> tokens (None: bad)
_MAX_TOKENS_CACHED = 2048


def _tokenize(text: str) -> list[tuple[str, str]]:
    """The (kind, text) tokens of an expression; cached, since most #if expressions recur
    (`defined(__GNUC__)` ...) and the tokens do not depend on the macros."""
    if text in _TOKENS:
        cached = _TOKENS[text]
        if cached is None:
            raise _Unknown
        return cached
    if len(_TOKENS) >= _MAX_TOKENS_CACHED:
        _TOKENS.clear()
    tokens: list[tuple[str, str]] = []
    _TOKENS[text] = None
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        match = _TOKEN.match(stripped, pos)
        if match is None or match.end() == pos:
            raise _Unknown
        pos = match.end()
        kind = match.lastgroup or ""
        tokens.append((kind, match[kind]))
    _TOKENS[text] = tokens
    return tokens


class _Parser:
    def __init__(self, text: str, macros: Macros, depth: int) -> None:
        self.tokens = _tokenize(text)  # shared: read, never changed
        self.pos = 0
        self.macros = macros
        self.depth = depth
        self.nesting = 0

    def peek(self) -> str:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else ""

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise _Unknown
        symbol = self.tokens[self.pos]
        self.pos += 1
        return symbol

    def expect(self, op: str) -> None:
        if self.take()[1] != op:
            raise _Unknown

    def parse(self) -> Value:
        value = self.ternary()
        if self.pos != len(self.tokens):
            raise _Unknown
        return value

    def ternary(self) -> Value:
        condition = self.binary(1)
        if self.peek() != "?":
            return condition
        self.take()
        yes = self.ternary()
        self.expect(":")
        no = self.ternary()
        if condition is None:
            return yes if yes == no else None
        return yes if condition else no

    def binary(self, level: int) -> Value:
        """Precedence climbing: operators binding at least as tightly as ``level``."""
        left = self.unary()
        while True:
            op = self.peek()
            precedence = _PRECEDENCE.get(op, 0)
            if precedence <= level - 1 or precedence == 0:
                return left
            self.pos += 1
            right = self.binary(precedence + 1)
            left = _apply(op, left, right)

    def unary(self) -> Value:
        self.nesting += 1
        if self.nesting > MAX_DEPTH:
            raise _Unknown
        try:
            kind, symbol = self.take()
            if symbol == "!":
                value = self.unary()
                return None if value is None else int(not value)
            if symbol == "-":
                value = self.unary()
                return None if value is None else -value
            if symbol == "+":
                return self.unary()
            if symbol == "~":
                value = self.unary()
                return None if value is None else ~value
            if symbol == "(":
                value = self.ternary()
                self.expect(")")
                return value
            if kind == "num":
                return _number(symbol)
            if kind == "name":
                return self.name(symbol)
            raise _Unknown
        finally:
            self.nesting -= 1

    def name(self, symbol: str) -> Value:
        if symbol == "defined":
            if self.peek() == "(":
                self.take()
                name = self.take()
                self.expect(")")
            else:
                name = self.take()
            if name[0] != "name":
                raise _Unknown
            return self.macros.defined(name[1])
        if self.peek() == "(":  # a function-like macro or __has_include(...): not evaluated
            start = self.pos
            self.skip_call()
            if self.pos - start == 3 and _X86_BUILTIN.fullmatch(self.tokens[start + 1][1]):
                # `__has_builtin(__builtin_ia32_addcarryx_u64)`, or a project's wrapper of it
                # (fmt's FMT_HAS_BUILTIN): no ARM64 compiler knows an x86 builtin, so the test
                # is 0 there ("nonzero if the argument refers to such a function, and zero
                # otherwise": https://gcc.gnu.org/onlinedocs/cpp/_005f_005fhas_005fbuiltin.html)
                return 0
            return None
        return self.macros.value(symbol, self.depth)

    def skip_call(self) -> None:
        level = 0
        while True:
            symbol = self.take()[1]
            if symbol == "(":
                level += 1
            elif symbol == ")":
                level -= 1
                if level == 0:
                    return


_X86_BUILTIN = re.compile(r"__builtin_ia32_\w{1,64}")


def _number(symbol: str) -> int:
    if symbol[:2] in ("0x", "0X"):
        return int(symbol, 16)
    if symbol.startswith("0") and len(symbol) > 1:
        try:
            return int(symbol, 8)
        except ValueError:
            raise _Unknown from None
    return int(symbol)


_PRECEDENCE = {
    "||": 1,
    "&&": 2,
    "|": 3,
    "^": 4,
    "&": 5,
    "==": 6,
    "!=": 6,
    "<": 7,
    ">": 7,
    "<=": 7,
    ">=": 7,
    "<<": 8,
    ">>": 8,
    "+": 9,
    "-": 9,
    "*": 10,
    "/": 10,
    "%": 10,
}


def _apply(op: str, left: Value, right: Value) -> Value:
    if op == "&&":
        if left == 0 or right == 0:
            return 0
        return None if left is None or right is None else 1
    if op == "||":
        if left or right:  # a known non-zero side decides, whatever the other is
            return 1
        return None if left is None or right is None else 0
    if left is None or right is None:
        return None
    if op in ("/", "%") and right == 0:
        return None
    return _OPERATIONS[op](left, right)


# (made once: a dict of closures built at each operation cost more than the operation)
_OPERATIONS: dict[str, Callable[[int, int], int]] = {
    "|": lambda left, right: left | right,
    "^": lambda left, right: left ^ right,
    "&": lambda left, right: left & right,
    "==": lambda left, right: int(left == right),
    "!=": lambda left, right: int(left != right),
    "<": lambda left, right: int(left < right),
    ">": lambda left, right: int(left > right),
    "<=": lambda left, right: int(left <= right),
    ">=": lambda left, right: int(left >= right),
    "<<": lambda left, right: left << min(right, 64) if right >= 0 else 0,
    ">>": lambda left, right: left >> min(right, 64) if right >= 0 else 0,
    "+": lambda left, right: left + right,
    "-": lambda left, right: left - right,
    "*": lambda left, right: left * right,
    "/": lambda left, right: int(left / right),
    "%": lambda left, right: left % right,
}


def forget() -> None:
    """Empty the caches of expressions and names (kept between files of one sdist): each
    analysis starts from nothing, as a process of its own does."""
    _TOKENS.clear()
    _SWITCHES.clear()


def evaluate(expression: str, macros: Macros | None = None, depth: int = 0) -> Value:
    """The value of a ``#if`` expression on MSVC ARM64; None when unknown."""
    if len(expression) > MAX_EXPRESSION:
        return None
    if "@" in expression:  # numpy-style templates (x.c.src): NPY_BITSOF_@STYPE@ is unknown
        expression = _TEMPLATE.sub(_TEMPLATED, expression)
    try:
        return _Parser(expression, macros or Macros.arm64(), depth).parse()
    except (_Unknown, RecursionError, OverflowError):
        return None


def truth(expression: str, macros: Macros | None = None) -> Truth:
    value = evaluate(expression, macros)
    return Truth.of(None if value is None else bool(value))


# -- three-valued logic over None/True/False ---------------------------------------------------
def and3(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def not3(a: bool | None) -> bool | None:
    return None if a is None else not a


def or3(a: bool | None, b: bool | None) -> bool | None:
    if a is True or b is True:
        return True
    return None if a is None or b is None else False


@dataclass(frozen=True, kw_only=True)
class ErrorDirective:
    line: int  # 1-based
    text: str
    # reached through a test of the architecture (an enclosing #if chain names one), or its
    # message speaks of one: an #error an x64 build would reach too (`#ifndef HAVE_CONFIG_H`,
    # `#if !defined(__GNUC__)`) says nothing about ARM64
    arch: bool = True


@dataclass(frozen=True, kw_only=True)
class Regions:
    """Per line (index 0 = line 1): True/False/None for compiled/not/unknown on ARM64."""

    lines: list[bool | None]
    errors: list[ErrorDirective]  # #error directives an ARM64 build certainly reaches
    # `#if`/`#elif` chains that pick a per-platform header and have no branch for ARM64
    # (greenlet's slp_platformselect.h before its port): the lines of their `#if`
    unselected: list[ErrorDirective]
    # object-like #defines: name -> [(is the region built on ARM64, body)]
    defines: dict[str, list[tuple[bool | None, str]]]
    # with ``closed`` given: the lines' state when names nothing defines are undefined
    closed_lines: list[bool | None] | None = None

    def at(self, line: int) -> Truth:
        value = self.lines[line - 1]
        return Truth.UNKNOWN if value is None else (Truth.TRUE if value else Truth.FALSE)


@dataclass(slots=True)
class _Frame:
    parent: bool | None  # is the enclosing region compiled
    taken: bool | None  # has an earlier branch of this chain been taken
    current: bool | None  # is this branch taken
    branch: int = 0  # which of its branches (#elif/#else) the reading is in
    branches: int = 1
    include_branches: int = 0  # branches that #include something (a per-platform dispatch)
    branch_includes: bool = False
    has_else: bool = False
    closed_taken: bool | None = None  # the same, reading names nothing defines as undefined
    closed_current: bool | None = None
    closed_parent: bool | None = True
    key: int = 0  # the #if's line (see Line); names the block for Macros.scope
    text: str = ""  # its text
    conditions: list[str] = field(default_factory=list)  # of the #if and its #elifs
    tests: str = ""  # the name an `#ifdef NAME` or `#if defined(NAME)` tests, if that is all
    unless: str = ""  # the same for `#ifndef NAME` and `#if !defined(NAME)`
    names_arch: bool = False  # does one of ``conditions`` name an architecture (see _ARCH)

    def close_branch(self) -> None:
        self.include_branches += self.branch_includes
        self.branch_includes = False


# A line as the evaluator reads it: (key, text, end). The key orders the lines and says where
# a line is: its index (``regions``) or the offset of its first character (analyze reads a
# large file that way, without splitting it); ``end`` is the key of its last character (the
# line's own index, or the offset of the newline that ends it).
Line = tuple[int, str, int]
LinesFrom = Callable[[int], Iterator[Line]]


def regions(
    lines: Lines,
    directive_lines: Iterable[int] | None = None,
    known: Mapping[str, str | None] | None = None,
    until: int | None = None,
    definable: Container[str] | None = None,
    closed: Container[str] | None = None,
    *,
    want_defines: bool = True,
) -> Regions:
    """Evaluate the preprocessor structure of a file (comments already stripped).

    ``directive_lines``: the indexes of lines that hold a ``#`` (to skip the others
    quickly); all lines when None. ``known``: macros other files of the project define
    (name -> body, or None for "never defined on ARM64"), see ``project_macros``. ``until``:
    the last line index whose state is wanted (the rest is not evaluated). ``definable``: see
    ``Macros.definable`` (None: a name nobody is seen to define is unknown). ``closed``: the
    same, for ``Regions.closed_lines``, computed in the same pass (conditions are evaluated
    a second time only where they are unknown; the #defines are followed once).
    ``want_defines``: False leaves ``Regions.defines`` empty."""
    count = len(lines)
    indexes = sorted(directive_lines) if directive_lines is not None else range(count)

    def lines_from(key: int) -> Iterator[Line]:
        return ((index, lines[index], index) for index in range(key, count))

    parsed = parse(((index, lines[index], index) for index in indexes), lines_from, until)
    reading = read(parsed, known, until, definable, closed, want_defines=want_defines)
    return Regions(
        lines=reading.per_line(reading.states, count),
        errors=[
            ErrorDirective(line=key + 1, text=text, arch=arch) for key, text, arch in reading.errors
        ],
        unselected=[ErrorDirective(line=key + 1, text=text) for key, text in reading.unselected],
        defines=reading.defines,
        closed_lines=(
            reading.per_line(reading.closed_states, count)
            if reading.closed_states is not None
            else None
        ),
    )


@dataclass(frozen=True, kw_only=True)
class Reading:
    """A file's preprocessor lines, read for ARM64 (see ``read``)."""

    keys: list[int]  # the key of each directive's first line, in order
    ends: list[int]  # the end of each directive's last line
    # the state of each directive's own lines (that of the region around it), then the
    # state after the last one
    states: list[bool | None]
    closed_states: list[bool | None] | None  # the same, in the closed world (see regions)
    # (key, text, arch: see ErrorDirective) of the #errors an ARM64 build reaches
    errors: list[tuple[int, str, bool]]
    # the #errors of an architecture a default build reaches in the closed world (where
    # ``closed`` is given: the names nothing defines read as undefined), as (key, text, the
    # names the `#ifndef NAME`s around it test: a build that defines one passes it over)
    closed_errors: list[tuple[int, str, tuple[str, ...]]]
    unselected: list[tuple[int, str]]  # (key, line) of the #ifs of per-platform chains
    defines: dict[str, list[tuple[bool | None, str]]]
    # (key, text) of the #warnings an ARM64 build reaches in a branch of an architecture
    # test: MSVC before C++23/C23 modes has no #warning ("fatal error C1021: invalid
    # preprocessor command 'warning'"; analyze.py says where it does), so the x64 build
    # passes where ARM64's stops (libebur128's `#else` / `#warning "manual FTZ is being
    # used"` after its SSE2/_M_X64 test)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def state_at(self, key: int, states: list[bool | None] | None = None) -> bool | None:
        """The state of the line that holds ``key`` (an offset, or a line index)."""
        found = self.states if states is None else states
        index = bisect.bisect_right(self.keys, key) - 1
        if index < 0:
            return found[0]
        return found[index] if key <= self.ends[index] else found[index + 1]

    def per_line(self, states: list[bool | None], count: int) -> list[bool | None]:
        """With line indexes as keys: the state of every line."""
        result: list[bool | None] = [True] * count
        last = 0
        for index, end in enumerate(self.ends):
            result[last : end + 1] = [states[index]] * (end + 1 - last)
            last = end + 1
        result[last:] = [states[-1]] * (count - last)
        return result


def read(
    parsed: Parsed,
    known: Mapping[str, str | None] | None = None,
    until: int | None = None,
    definable: Container[str] | None = None,
    closed: Container[str] | None = None,
    *,
    want_defines: bool = True,
    wanted: Sequence[int] | None = None,
    want_errors: bool = True,
) -> Reading:
    """Evaluate a file's directives (see ``parse``), up to the key ``until``. The rest as
    for ``regions``. Only the #defines of names a condition can read are followed (the names
    the conditions name, and those the bodies of these macros name): the others cannot change
    a line's state.

    ``wanted``: the keys (sorted) whose state will be asked for (None: any). An #if chain
    that holds none of them, and no directive whose effect outlives the chain (an #include, an
    #error, a #define or #undef that ``read`` follows), is passed over unevaluated: the state
    after its #endif is the state before its #if, and the states of its own lines are not
    worked out (``Reading.states`` holds the one before it for each of its directives).
    ``want_errors``: False lets ``wanted`` pass over the chains that hold an #include or an
    #error too (``Reading.errors`` and ``Reading.unselected`` may then miss theirs)."""
    directives = parsed.directives
    if until is not None:
        directives = directives[: bisect.bisect_right(parsed.keys, until)]
    needed = parsed.needed(known)
    closes: dict[int, int] = {}
    lasting: list[int] = []  # the directives whose effect outlives their chain, by index
    if wanted is not None:
        closes = parsed.closes
        lasting = (parsed.marks if want_errors else []) + [
            index
            for name, indexes in parsed.named.items()
            if want_defines or name in needed
            for index in indexes
        ]
        lasting.sort()
    count = len(directives)
    passed_to = -1  # the last directive of the chain passed over
    lines_from = parsed.lines_from
    states: list[bool | None] = []
    closed_states: list[bool | None] | None = [] if closed is not None else None
    errors: list[tuple[int, str, bool]] = []
    closed_errors: list[tuple[int, str, tuple[str, ...]]] = []
    warnings: list[tuple[int, str]] = []
    unselected: list[tuple[int, str]] = []
    defines: dict[str, list[tuple[bool | None, str]]] = {}
    macros = Macros.arm64()
    macros.definable = definable
    if known is not None:
        for name in needed:  # (a name at a time: ``known`` may work its values out when asked)
            # (a standard header's name keeps its value: another file's definition of it is
            # a fallback for old compilers, bx's compat/msvc/pre1600/stdint.h in xatlas)
            if name in known and name not in STANDARD_VALUES:
                body = known[name]
                macros.known[name] = _UNDEFINED_HERE if body is None else body
    stack: list[_Frame] = []
    macros.frames = stack
    active: bool | None = True
    active_closed: bool | None = True
    for index, (key, end, word, rest, text, name, line) in enumerate(directives):
        # the directive's own lines belong to the region around it
        states.append(active)
        if closed_states is not None:
            closed_states.append(active_closed)
        if index <= passed_to:
            continue
        if word in ("if", "ifdef", "ifndef"):
            if wanted is not None:
                close = closes.get(index, count)
                if close < count:
                    chain_end = directives[close][1]
                    at = bisect.bisect_left(wanted, key)
                    if at == len(wanted) or wanted[at] > chain_end:
                        at = bisect.bisect_left(lasting, index)
                        if at == len(lasting) or lasting[at] > close:
                            passed_to = close
                            continue
            after = (lines_from, end + 1)
            condition = _condition(word, rest, macros, after)
            frame = _Frame(
                parent=active,
                taken=condition,
                current=condition,
                key=key,
                text=line,
                conditions=[rest],
                names_arch=_ARCH.search(rest) is not None,
            )
            frame.closed_parent = active_closed
            if word == "ifdef":
                frame.tests = rest.split(None, 1)[0] if rest.strip() else ""
            elif word == "if" and (only := _ONLY_DEFINED.match(rest)) is not None:
                frame.tests = only[1] or only[2]
            elif word == "ifndef":
                frame.unless = rest.split(None, 1)[0] if rest.strip() else ""
            elif word == "if" and (negated := _NOT_DEFINED.match(rest)) is not None:
                frame.unless = negated[1]
            frame.closed_taken = frame.closed_current = _closed_condition(
                condition, closed, definable, word, rest, macros, after
            )
            stack.append(frame)
        elif word in ("elif", "elifdef", "elifndef"):
            if not stack:
                continue
            frame = stack[-1]
            frame.close_branch()
            frame.branches += 1
            frame.conditions.append(rest)
            frame.names_arch = frame.names_arch or _ARCH.search(rest) is not None
            frame.branch += 1
            macros.moves += 1
            kind = word[2:] if word != "elif" else "if"
            # (an #elif's `!defined(X)` / `#define X` is looked for at the top of the file)
            first = (lines_from, 0)
            condition = _condition(kind, rest, macros, first)
            frame.current = and3(not3(frame.taken), condition)
            frame.taken = or3(frame.taken, condition)
            other = _closed_condition(condition, closed, definable, kind, rest, macros, first)
            frame.closed_current = and3(not3(frame.closed_taken), other)
            frame.closed_taken = or3(frame.closed_taken, other)
        elif word == "else":
            if not stack:
                continue
            frame = stack[-1]
            frame.close_branch()
            frame.has_else = True
            frame.branch += 1
            frame.current = not3(frame.taken)
            frame.taken = True
            frame.closed_current = not3(frame.closed_taken)
            frame.closed_taken = True
        elif word == "endif":
            if not stack:
                continue
            frame = stack.pop()
            frame.close_branch()
            if stack and frame.include_branches:
                stack[-1].branch_includes = True
            if (
                frame.parent is True
                and frame.taken is False
                and not frame.has_else
                and frame.branches >= 3
                and frame.include_branches == frame.branches
                # conditions that name an architecture
                and sum(_ARCH.search(rest) is not None for rest in frame.conditions) >= 3
            ):
                unselected.append((frame.key, frame.text))
        elif word == "include":
            if stack:  # the outer frames learn it when this one closes (#endif)
                stack[-1].branch_includes = True
            continue
        elif word == "define":
            if name in needed:
                _define(macros, rest, active, defines if want_defines else None)
            elif want_defines and name:
                _define(None, rest, active, defines)
            continue
        elif word == "undef":
            if name in needed:
                if active is True:
                    macros.set(name, _UNDEFINED_HERE)
                elif (
                    active is None
                    and stack
                    and stack[-1].tests == name
                    and stack[-1].branch == 0
                    and stack[-1].parent is True
                ):
                    # `#ifdef X` / `#undef X`: whether X was defined or not, it is not now
                    # (marisa-trie's intrin.h clears MARISA_USE_SSE2 and the like where the
                    # target is neither x86 nor x64)
                    macros.set(name, _UNDEFINED_HERE)
                elif active is None and macros.defined(name) != 0:
                    # defined or not, as the unknown block decides; a name already undefined
                    # stays so (blis: `#ifdef BLIS_DISABLE_MEMKIND` / `#undef
                    # BLIS_ENABLE_MEMKIND`, a name no ARM64 build defines)
                    macros.set(name, _UNSURE)
            continue
        elif word == "warning":
            # (in the closed world too: GCC's __SSE2_MATH__, which nothing in the sdist
            # defines, read as undefined)
            if (
                stack
                and stack[-1].names_arch
                and (active is True or (active is None and active_closed is True))
            ):
                warnings.append((key, text.strip()[:160]))
            continue
        elif word == "error":
            if active is True:
                # reached through a test of the architecture, or saying one (a flag per
                # block, kept as its conditions are read: thousands of #elifs and #errors
                # stay linear)
                arch = any(frame.names_arch for frame in stack) or bool(_ARCH_MESSAGE.search(rest))
                errors.append((key, text.strip()[:160], arch))
            elif active is None and active_closed is True and stack and stack[-1].names_arch:
                # in the closed world, the #else of a chain of architecture tests (not an
                # #error a message alone ties to a platform, `#error "No supported EGL
                # platform selected"` after tests of names only glfw's own CMake files define)
                unless = tuple(frame.unless for frame in stack if frame.unless)
                closed_errors.append((key, text.strip()[:160], unless))
            continue
        else:
            continue
        macros.moves += 1
        # a frame's parent is the state around it: the innermost frame decides (O(1) per
        # directive, so that thousands of nested #ifs stay linear)
        if stack:
            active = and3(stack[-1].parent, stack[-1].current)
            active_closed = and3(stack[-1].closed_parent, stack[-1].closed_current)
        else:
            active = active_closed = True
    states.append(active)
    if closed_states is not None:
        closed_states.append(active_closed)
    return Reading(
        keys=parsed.keys[: len(directives)],
        ends=[directive[1] for directive in directives],
        states=states,
        closed_states=closed_states,
        errors=errors,
        closed_errors=closed_errors,
        unselected=unselected,
        defines=defines,
        warnings=warnings,
    )


# (key, end of its last line, word, rest, joined text, the name a #define/#undef names or
# "", the first line)
_Directive = tuple[int, int, str, str, str, str, str]
_CONDITIONALS = frozenset(["if", "ifdef", "ifndef", "elif", "elifdef", "elifndef"])
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MAX_JOINED = 64  # lines of one backslash-continued directive


@dataclass(frozen=True, kw_only=True)
class Parsed:
    """A file's preprocessor directives, read once (see ``parse``), evaluated by ``read``."""

    directives: list[_Directive]
    keys: list[int]  # the directives' keys, in order
    lines_from: LinesFrom
    conditions: set[str]  # the names the conditions name
    bodies: dict[str, list[str]]  # name -> what follows it in each of its #defines
    # the index of each #if's #endif (by the index of the #if; absent: none closes it)
    closes: dict[int, int] = field(default_factory=dict)
    # the indexes of the #includes and #errors, and of the #defines and #undefs by name (see
    # ``read``'s ``wanted``)
    marks: list[int] = field(default_factory=list)
    named: dict[str, list[int]] = field(default_factory=dict)

    def needed(self, known: Mapping[str, str | None] | None) -> set[str]:
        """The names an evaluation of the conditions can read: those they name, then those
        the bodies of these names' macros (the file's #defines, the project's ``known``)
        name. Every other #define and #undef can be passed over."""
        needed = set(self.conditions)
        work = list(needed)
        while work:
            name = work.pop()
            texts = self.bodies.get(name, [])
            body = known.get(name) if known is not None else None
            for found in _IDENTIFIER.findall(" ".join([*texts, body or ""])):
                if found not in needed:
                    needed.add(found)
                    work.append(found)
        return needed


def parse(candidates: Iterable[Line], lines_from: LinesFrom, until: int | None = None) -> Parsed:
    """The preprocessor directives among the lines, backslash-continued lines joined:
    ``candidates`` are the lines that may be directives (comments blanked), in order;
    ``lines_from(key)`` gives the lines from the one at ``key`` on (for backslash-continued
    directives, and for `#ifndef X` / `#define X`); ``until``: the last key wanted."""
    directives: list[_Directive] = []
    conditions: set[str] = set()
    bodies: dict[str, list[str]] = {}
    closes: dict[int, int] = {}
    opened: list[int] = []  # the #ifs not closed yet (as ``read``'s stack)
    marks: list[int] = []
    named: dict[str, list[int]] = {}
    skip_until = -1
    directive = _DIRECTIVE.match
    for key, line, end in candidates:
        if until is not None and key > until:
            break
        if key < skip_until:
            continue
        match = directive(line)
        if match is None:
            continue
        text = line
        if line.endswith("\\"):
            following = lines_from(key)
            next(following)
            used = 1
            skip_until = _NO_KEY
            for next_key, next_line, next_end in following:
                if not text.endswith("\\") or used >= _MAX_JOINED:
                    skip_until = next_key
                    break
                text = text[:-1] + " " + next_line
                used += 1
                end = next_end
            if used > 1:
                match = directive(text)
                if match is None:
                    continue
        word, rest = match.groups()
        name = ""
        if word in _CONDITIONALS:
            conditions.update(_IDENTIFIER.findall(rest))
            if "@" in rest:
                conditions.add(_TEMPLATED)
            if word[0] == "i":  # if, ifdef, ifndef
                opened.append(len(directives))
        elif word == "endif":
            if opened:
                closes[opened.pop()] = len(directives)
        elif word == "define" or word == "undef":
            found = _NAME.match(rest)
            if found is not None:
                name = found[1]
                if word == "define":
                    bodies.setdefault(name, []).append(rest)
            named.setdefault(name, []).append(len(directives))
        elif word == "include" or word == "error" or word == "warning":
            marks.append(len(directives))
        directives.append((key, end, word, rest, text, name, line))
    return Parsed(
        directives=directives,
        keys=[directive[0] for directive in directives],
        lines_from=lines_from,
        conditions=conditions,
        bodies=bodies,
        closes=closes,
        marks=marks,
        named=named,
    )


_NO_KEY = 1 << 62  # past every line


def _closed_condition(
    condition: bool | None,
    closed: Container[str] | None,
    definable: Container[str] | None,
    word: str,
    rest: str,
    macros: Macros,
    after: tuple[LinesFrom, int],
) -> bool | None:
    """A condition read in the closed world: evaluated again only where it is unknown."""
    if condition is not None or closed is None:
        return condition
    macros.definable = closed
    try:
        return _condition(word, rest, macros, after)
    finally:
        macros.definable = definable


def _condition(word: str, rest: str, macros: Macros, after: tuple[LinesFrom, int]) -> bool | None:
    """A conditional's value; ``after``: where the lines after the directive start."""
    if word == "if":
        expression = rest.strip()
        simple = _SIMPLE_DEFINED.fullmatch(expression)
        if simple is not None:  # `defined(X)` / `!defined X`: most #ifs, no parse needed
            known = macros.defined(simple[2] or simple[3])
            value = None if known is None else (int(not known) if simple[1] else known)
        else:
            key = (expression, macros.version, macros.definable is not None)
            if key in macros.cache:
                value = macros.cache[key]
            else:
                macros.read_scoped = False
                value = evaluate(expression, macros)
                if not macros.read_scoped:
                    macros.cache[key] = value
        if not value:
            # `#if !defined(X)` then `#define X`: an include guard or a default; built, even
            # where another file is known to define X (the file's own guard, seen from afar)
            negated = _NOT_DEFINED.match(rest)
            if negated and _guard_or_default(after, negated[1], macros):
                return True
        return None if value is None else bool(value)
    name = _NAME.match(rest)
    if name is None:
        return None
    defined = macros.defined(name[1])
    if word == "ifdef":
        return None if defined is None else bool(defined)
    # #ifndef NAME: unknown, except for the pattern that defines NAME right away (an
    # include guard or a default the command line may override): take the block as built,
    # also where another file is known to define NAME (the guard of this very header).
    if _guard_or_default(after, name[1], macros):
        return True
    return None if defined is None else not defined


def _guard_or_default(after: tuple[LinesFrom, int], name: str, macros: Macros) -> bool:
    """Is the block that opens before ``after`` (`#ifndef NAME`, `#if !defined(NAME)`) an
    include guard or a default: it defines NAME before any code (see _defines_next), and
    this file's own lines above did not define NAME where ARM64 reads them (nothing having
    undefined it since)? Where they did, the block is the other compilers' path: CRoaring's
    roaring.h (pyroaring 0.4.1) defines CROARING_INTRINSICS under `#if
    CROARING_REGULAR_VISUAL_STUDIO`, then `#ifndef CROARING_INTRINSICS` / `#define
    CROARING_INTRINSICS 1` / GCC's builtins."""
    return _defines_next(after, name) and not (name in macros.here and macros.defined(name) == 1)


def _defines_next(after: tuple[LinesFrom, int], name: str) -> bool:
    """Does the block that opens before ``after`` (`#ifndef NAME`, `#if !defined(NAME)`)
    define NAME before any code: an include guard, a default (`#define NAME 0`), or a default
    a nested chain of directives picks (snappy's `#if !defined(SNAPPY_HAVE_BMI2)` /
    `#if defined(__BMI2__) ...` / `#define SNAPPY_HAVE_BMI2 1` / `#else` / `... 0`; numkong's
    NK_TARGET_X8664_)? Comment lines between them are skipped."""
    lines_from, start = after
    depth = 0
    continued = False
    for _key, line, _end in itertools.islice(lines_from(start), _DEFAULT_WINDOW):
        stripped = line.strip()
        if continued:
            # a directive's continuation line (xz 5.8's lz_decoder.h: `#if defined(A) \` /
            # `&& (defined(__SSE2__) || ...)` before its `#define LZMA_LZ_DECODER_CONFIG 2`)
            continued = stripped.endswith("\\")
            continue
        if not stripped or stripped.startswith(("//", "/*", "*")):
            continue
        continued = stripped.startswith("#") and stripped.endswith("\\")
        match = _DIRECTIVE.match(stripped)
        if match is None:
            return False  # code (or #pragma) before the definition
        word = match[1]
        if word == "define":
            define = _NAME.match(match[2])
            if define is not None and define[1] == name:
                return True
            if depth == 0:
                return False  # the block defines something else first
        elif word in ("if", "ifdef", "ifndef"):
            depth += 1
        elif word == "endif":
            if depth == 0:
                return False
            depth -= 1
        elif depth == 0 or word in ("include", "error"):
            return False  # the block's own #else/#elif, or an #include
    return False


_DEFAULT_WINDOW = 32  # lines

# `#if defined(NAME)` or `#if defined NAME`, and nothing else
_ONLY_DEFINED = re.compile(r"\s*defined\s*(?:\(\s*(\w+)\s*\)|\s(\w+))\s*$")


def _define(
    macros: Macros | None,
    rest: str,
    active: bool | None,
    defines: dict[str, list[tuple[bool | None, str]]] | None,
) -> None:
    """Follow a #define: in ``macros`` (None: only recorded) and in ``defines`` (None: not)."""
    match = _DEFINE.match(rest)
    if match is None:
        return
    name, function_like, body = match[1], match[2], match[3]
    if name in ARM64_DEFINED or name in STANDARD_VALUES:
        # (a file's fallback for an old compiler, `#ifndef SIZE_MAX` / `#define SIZE_MAX
        # ((size_t)-1)`, whose cast this reading cannot evaluate: the header's value holds)
        return
    # A macro the target never defines (__SSE2__), defined by the file: where ARM64 reads the
    # #define, it holds (siphashc 2.9.1's `#if defined(_MSC_VER)` / `#define __SSE2__`), for
    # the files that include it too (a config header's: helper-102); elsewhere it stays
    # undefined, not unknown.
    never = name in ARM64_UNDEFINED
    if not function_like and defines is not None and (active is True or not never):
        defines.setdefault(name, []).append((active, body.strip()))
    if macros is None:
        return
    if active is True:
        macros.set(name, _OPAQUE if function_like else body)
        macros.here.add(name)
    elif active is False:
        # A name the file defines only where ARM64 never looks (`#if defined(__x86_64__)` /
        # `#define IS_INTEL 1`) stays undefined on ARM64.
        if name not in macros.known:
            macros.set(name, _UNDEFINED_HERE)
    elif function_like or len(macros.frames) > MAX_DEPTH:
        if not never:
            macros.set(name, _OPAQUE)
    else:
        macros.set(name, _Scoped(body=body.strip(), scope=macros.scope()))


def project_macros(
    defines: Iterable[dict[str, list[tuple[bool | None, str]]]],
) -> dict[str, str | None]:
    """What a project's files #define, as other files see it on ARM64: a name defined only
    in blocks ARM64 never builds is undefined there (None); a name every built definition
    gives the same constant value (or the same empty body: a flag, defined) has that value.
    Names defined anywhere else are left out (unknown)."""
    seen: dict[str, list[tuple[bool | None, str]]] = {}
    for found in defines:
        for name, entries in found.items():
            seen.setdefault(name, []).extend(entries)
    known: dict[str, str | None] = {}
    for name, entries in seen.items():
        built = [body for active, body in entries if active is not False]
        if not built:
            known[name] = None
        elif all(active is True for active, _ in entries if active is not False) and (
            len(set(built)) == 1 and (not built[0].strip() or evaluate(built[0]) is not None)
        ):
            # (an empty body too: `#define PORTABLE_SSE2`, a flag that `defined()` tests)
            known[name] = built[0]
    return known
