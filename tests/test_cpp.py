"""The preprocessor evaluator for MSVC ARM64 (woaport.cpp).

What MSVC defines for ARM64 and what it does not: the predefined-macro list,
https://learn.microsoft.com/en-us/cpp/preprocessor/predefined-macros (``_M_ARM64``,
``_WIN32``, ``_WIN64``, ``_MSC_VER``; ``_M_X64``/``_M_AMD64``/``_M_IX86`` only on x86; no
``__GNUC__``, ``__x86_64__``, ``__SSE2__``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from woaport import cpp
from woaport.cpp import Truth


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("defined(_M_ARM64)", Truth.TRUE),
        ("defined _WIN64 && defined(_WIN32)", Truth.TRUE),
        ("defined(_M_X64) || defined(_M_IX86)", Truth.FALSE),
        ("!defined(_M_X64)", Truth.TRUE),  # a `!` is evaluated, not a reason to give up
        ("!defined(__SSE2__) && !defined(_M_AMD64)", Truth.TRUE),
        ("defined(__x86_64__) || defined(__i386__) || defined(__AVX2__)", Truth.FALSE),
        ("_MSC_VER >= 1900", Truth.TRUE),
        ("_MSC_VER < 1800", Truth.FALSE),
        ("(defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__)", Truth.FALSE),
        ("defined(SOME_PROJECT_OPTION)", Truth.UNKNOWN),  # unknown macros stay unknown
        ("SOME_PROJECT_OPTION > 2", Truth.UNKNOWN),
        ("defined(SOME_PROJECT_OPTION) && defined(_M_X64)", Truth.FALSE),  # known side decides
        ("defined(SOME_PROJECT_OPTION) || defined(_M_ARM64)", Truth.TRUE),
        ("__has_include(<arm_neon.h>)", Truth.UNKNOWN),
        ("FEATURE(3) && 1", Truth.UNKNOWN),
        ("0x10 == 16 && 010 == 8", Truth.TRUE),
        ("defined(_M_ARM64) ? 1 : 0", Truth.TRUE),
        ("1 +", Truth.UNKNOWN),  # a broken expression is unknown, not an error
        ("defined(HAVE_SSE2)", Truth.FALSE),  # a project switch named for x86: off on ARM64
        ("defined(BLAKE3_NO_AVX2)", Truth.UNKNOWN),  # a switch that turns x86 code off: unknown
        # MSVC spells ARM64 _M_ARM64 only (RenderKit/embree#483: "MSVC does not define
        # __aarch64__"); no ACLE macros either
        ("defined(__aarch64__) || defined(__ARM_NEON)", Truth.FALSE),
        ("defined(HAVE_IMMINTRIN_H) || defined(HAVE_CPUID_H)", Truth.FALSE),  # x86 header probes
        ("defined(HAVE_INTRIN_H)", Truth.UNKNOWN),  # <intrin.h> is there on ARM64 too
        # a GPU device pass (nvcc's __CUDA_ARCH__): PTX, never the ARM64 CPU's code
        ("defined(__CUDA_ARCH__) && (__CUDA_ARCH__ >= 900)", Truth.FALSE),
        ("defined(__HIP_DEVICE_COMPILE__)", Truth.FALSE),
        ("defined(__CUDACC_RTC__) || defined(__CUDACC__)", Truth.FALSE),  # nvcc, NVRTC
    ],
)
def test_expressions(expression: str, expected: Truth) -> None:
    assert cpp.truth(expression) is expected


def lines_of(source: str) -> list[str]:
    return source.split("\n")


def test_derived_macros_are_followed() -> None:
    """crc32c's IS_INTEL and a can_use_sse42 flag: defined from x86 tests, then tested."""
    source = lines_of(
        "#ifndef COMMON_H\n"  # 1 include guard: built
        "#define COMMON_H\n"
        "#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__) || defined(_M_IX86)\n"
        "# define IS_INTEL\n"
        "#endif\n"  # 5
        "#if defined(__SSE4_2__)\n"
        "#define can_use_sse42 1\n"
        "#else\n"
        "#define can_use_sse42 0\n"
        "#endif\n"  # 10
        "#ifdef IS_INTEL\n"
        "intel_only();\n"  # 12
        "#endif\n"
        "#if can_use_sse42\n"
        "sse42_only();\n"  # 15
        "#else\n"
        "portable();\n"  # 17
        "#endif\n"
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(12) is Truth.FALSE
    assert regions.at(15) is Truth.FALSE
    assert regions.at(17) is Truth.TRUE


def test_unknown_branches_and_elif_chains() -> None:
    source = lines_of(
        "#if USE_FANCY\n"
        "fancy();\n"  # 2 unknown
        "#elif defined(_M_ARM64)\n"
        "arm();\n"  # 4 unknown: only if USE_FANCY is off
        "#else\n"
        "never();\n"  # 6 false: _M_ARM64 holds, so this is never reached
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert [regions.at(n) for n in (2, 4, 6)] == [Truth.UNKNOWN, Truth.UNKNOWN, Truth.FALSE]


def test_error_directives_an_arm64_build_reaches() -> None:
    source = lines_of(
        "#if !defined(__SSE2__)\n#error this file needs SSE2\n#endif\n"
        "#if defined(_M_ARM64)\n#error reached only where ARM64 is\n#endif\n"
        "#ifdef __GNUC__\n#error not MSVC\n#endif\n"
    )
    errors = cpp.regions(source).errors
    assert [e.line for e in errors] == [2, 5]


def test_a_platform_chain_with_no_arm64_branch() -> None:
    """greenlet 1.1.2's slp_platformselect.h: one #include per platform, none for MSVC ARM64
    (https://github.com/python-greenlet/greenlet/issues/220)."""
    chain = (
        "#if defined(MS_WIN32) && !defined(MS_WIN64) && defined(_M_IX86) && defined(_MSC_VER)\n"
        '#include "switch_x86_msvc.h"\n'
        "#elif defined(MS_WIN64) && defined(_M_X64) && defined(_MSC_VER)\n"
        '#include "switch_x64_msvc.h"\n'
        "#elif defined(__GNUC__) && defined(__aarch64__)\n"
        '#include "switch_aarch64_gcc.h"\n'
        "#elif defined(__GNUC__) && defined(__arm__)\n"
        "#ifdef __APPLE__\n"
        '#include "switch_arm32_ios.h"\n'
        "#endif\n"
        "#endif\n"
    )
    assert [e.line for e in cpp.regions(lines_of(chain)).unselected] == [1]
    ported = chain.replace(
        "#elif defined(__GNUC__) && defined(__aarch64__)",
        '#elif defined(_M_ARM64)\n#include "switch_arm64_msvc.h"\n'
        "#elif defined(__GNUC__) && defined(__aarch64__)",
    )
    assert cpp.regions(lines_of(ported)).unselected == []
    # A chain of optional SIMD headers is no platform dispatch: its fallback is "none".
    simd = (
        "#if defined(LIB_AVX512)\n#include <immintrin.h>\n#elif defined(LIB_AVX2)\n"
        "#include <immintrin.h>\n#elif defined(LIB_SSE2)\n#include <emmintrin.h>\n#endif\n"
    )
    assert cpp.regions(lines_of(simd)).unselected == []


def test_macros_other_files_define() -> None:
    """blake3_impl.h defines IS_X86 from x86 tests and blake3_dispatch.c tests it (here ARCH_IS_INTEL,
    a name the x86-switch rule does not already turn off)."""
    header = cpp.regions(
        lines_of(
            "#if defined(__x86_64__) || defined(_M_X64)\n#define ARCH_IS_INTEL\n#endif\n"
            "#if defined(__BMI2__)\n#define STATIC_BMI2 1\n#endif\n"
            "#ifndef STATIC_BMI2\n#define STATIC_BMI2 0\n#endif\n"
            "#define SOMETHING_ELSE\n"
        )
    )
    known = cpp.project_macros([header.defines])
    assert known["ARCH_IS_INTEL"] is None and known["STATIC_BMI2"] == "0"
    # an empty definition is a flag: defined for #ifdef, no value for #if (nmslib 2.1.1's
    # `#define PORTABLE_SSE2`)
    assert known["SOMETHING_ELSE"] == ""
    flag = cpp.regions(
        lines_of("#ifdef SOMETHING_ELSE\nsse();\n#endif\n#if SOMETHING_ELSE\nsse();\n#endif\n"),
        None,
        known,
    )
    assert flag.at(2) is Truth.TRUE and flag.at(5) is Truth.UNKNOWN
    user = cpp.regions(
        lines_of("#ifdef ARCH_IS_INTEL\ncpuid();\n#endif\n#if STATIC_BMI2\nbzhi();\n#endif\n"),
        None,
        known,
    )
    assert user.at(2) is Truth.FALSE and user.at(5) is Truth.FALSE
    assert cpp.regions(lines_of("#ifdef ARCH_IS_INTEL\ncpuid();\n#endif\n")).at(2) is Truth.UNKNOWN


def test_a_headers_own_guard_known_from_afar() -> None:
    """psycopg.h: `#ifndef PSYCOPG_H` / `#define PSYCOPG_H 1`. Once the project's macros say
    PSYCOPG_H is defined (as 1), the header's own guard must still read as built."""
    header = "#ifndef PSYCOPG_H\n#define PSYCOPG_H 1\n#include <pg_config.h>\n#endif\n"
    known = cpp.project_macros([cpp.regions(lines_of(header)).defines])
    assert known["PSYCOPG_H"] == "1"
    assert cpp.regions(lines_of(header), None, known).at(3) is Truth.TRUE
    negated = "#if !defined(GUARD_H)\n#define GUARD_H\nint x;\n#endif\n"
    assert cpp.regions(lines_of(negated), None, {"GUARD_H": "1"}).at(3) is Truth.TRUE


def test_an_x86_builtin_is_never_there_on_arm64() -> None:
    """`__has_builtin(NAME)` is nonzero only for a builtin the target's compiler has
    (https://gcc.gnu.org/onlinedocs/cpp/_005f_005fhas_005fbuiltin.html); an x86 one never is
    on ARM64, whoever wraps the test (fmt's FMT_HAS_BUILTIN)."""
    assert cpp.evaluate("__has_builtin(__builtin_ia32_pause)") == 0
    assert cpp.evaluate("FMT_HAS_BUILTIN(__builtin_ia32_addcarryx_u64) && X") == 0
    assert cpp.evaluate("__has_builtin(__builtin_addcll)") is None  # not x86: unknown
    assert cpp.evaluate("F(__builtin_ia32_pause, 1)") is None  # not a lone name: unknown


def test_an_x86_instruction_probe_is_off_on_arm64() -> None:
    # cysignals 1.12.4: meson.build sets HAVE_EMMS from cc.links() of x86 assembly
    assert cpp.x86_switch("HAVE_EMMS") and cpp.x86_switch("USE_MMX")
    assert not cpp.x86_switch("HAVE_EMMSX") and not cpp.x86_switch("HAVE_SUMMS")


def test_bounds() -> None:
    assert cpp.evaluate("(" * 5000 + "1" + ")" * 5000) is None  # too long
    assert cpp.evaluate("(" * 200 + "1" + ")" * 200) is None  # too deep
    # A macro defined in terms of itself does not loop.
    regions = cpp.regions(lines_of("#define A (A + 1)\n#if A\nx();\n#endif\n"))
    assert regions.at(3) is Truth.UNKNOWN


def test_a_default_a_nested_chain_picks() -> None:
    """numkong's types.h:163-169: `#if !defined(NK_TARGET_X8664_)` holds a chain that
    defines it either way; the block is the default, read as built (the command line may -D
    the name, as for an include guard). A block that does not define the name first is not."""
    source = lines_of(
        "#if !defined(NK_TARGET_X8664_)\n"
        "// a comment between\n"
        "#if defined(__x86_64__) || defined(_M_X64)\n#define NK_TARGET_X8664_ 1\n"
        "#else\n#define NK_TARGET_X8664_ 0\n#endif\n#endif\n"
        "#if NK_TARGET_X8664_\nx86();\n#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(6) is Truth.TRUE and regions.at(10) is Truth.FALSE
    known = cpp.project_macros([regions.defines])
    assert known["NK_TARGET_X8664_"] == "0"
    other = lines_of("#if !defined(OPT)\n#include <a.h>\n#define OPT 0\n#endif\n")
    assert cpp.regions(other).at(2) is Truth.UNKNOWN


def test_a_definition_inside_an_unknown_block() -> None:
    """snappy.cc: SNAPPY_HAVE_BMI2 is defined (to 0 on ARM64) inside `#if SNAPPY_NEW_VERSION`
    (unknown). Where that block is open the definition holds; after it, it may not."""
    source = lines_of(
        "#if SNAPPY_NEW_VERSION\n"  # 1
        "#if !defined(SNAPPY_HAVE_BMI2)\n"
        "#if defined(__BMI2__)\n#define SNAPPY_HAVE_BMI2 1\n#else\n#define SNAPPY_HAVE_BMI2 0\n"
        "#endif\n#endif\n"  # 8
        "#if SNAPPY_HAVE_BMI2\nbzhi();\n#endif\n"  # 10
        "#else\n"  # 12
        "#if SNAPPY_HAVE_BMI2\nbzhi();\n#endif\n"  # 14: the block's other branch
        "#endif\n"
        "#if SNAPPY_HAVE_BMI2\nbzhi();\n#endif\n"  # 18: after it
        "#if defined(SNAPPY_HAVE_BMI2)\nseen();\n#endif\n"  # 21
    )
    regions = cpp.regions(source)
    assert [regions.at(n) for n in (10, 14, 18, 21)] == [
        Truth.FALSE,
        Truth.UNKNOWN,
        Truth.UNKNOWN,
        Truth.UNKNOWN,
    ]


def test_an_undef_inside_an_unknown_block() -> None:
    """blis' bli_kernel_macro_defs.h: `#ifdef BLIS_DISABLE_MEMKIND` / `#undef
    BLIS_ENABLE_MEMKIND` (unknown), then `#ifdef BLIS_ENABLE_MEMKIND` / `#include
    <hbwmalloc.h>`. A name no ARM64 build defines stays undefined; a defined one may or may not
    be defined after it (not surely defined)."""
    source = lines_of(
        "#ifdef BLIS_DISABLE_MEMKIND\n#undef BLIS_ENABLE_MEMKIND\n#endif\n"
        "#ifdef BLIS_ENABLE_MEMKIND\n#include <hbwmalloc.h>\n#endif\n"  # 5
        "#define SEEN 1\n"
        "#ifdef OTHER_SWITCH\n#undef SEEN\n#endif\n"
        "#ifdef SEEN\nseen();\n#endif\n"  # 12
    )
    regions = cpp.regions(source, None, {"BLIS_ENABLE_MEMKIND": None})
    assert regions.at(5) is Truth.FALSE
    assert regions.at(12) is Truth.UNKNOWN


@pytest.mark.parametrize("test", ["#ifdef SSE2", "#if defined(SSE2)", "#if defined SSE2"])
def test_an_undef_of_the_name_its_block_tests(test: str) -> None:
    """marisa-trie 1.4.1's grimoire/intrin.h: where the target is neither x64 nor x86,
    `#ifdef MARISA_USE_SSE2` / `#undef MARISA_USE_SSE2`; later `#ifdef MARISA_USE_SSE2` /
    `#include <emmintrin.h>`. Whether the name was defined or not (the file defines it under
    other unknown switches), it is not after that block; a block on another test leaves it
    unknown, and so does an #undef in a later branch of the chain."""
    source = lines_of(
        "#ifdef OTHER\n#define SSE2\n#endif\n"
        "#if defined(_M_X64)\n#define X64\n#else\n"
        f"{test}\n#undef SSE2\n#endif\n"  # 7-9
        "#endif\n"
        "#ifdef SSE2\n#include <emmintrin.h>\n#endif\n"  # 12
        "#ifdef OTHER\n#define SSE3\n#endif\n"
        "#ifdef OTHER\n#undef SSE3\n#endif\n"
        "#ifdef SSE3\nsse3();\n#endif\n"  # 21
        "#ifdef OTHER\n#define SSE4\n#endif\n"
        "#ifdef OTHER\n#else\n#undef SSE4\n#endif\n"
        "#ifdef SSE4\nsse4();\n#endif\n"  # 31
    )
    regions = cpp.regions(source)
    assert regions.at(12) is Truth.FALSE
    assert regions.at(21) is Truth.UNKNOWN
    assert regions.at(31) is Truth.UNKNOWN


class _Asked(set[str]):
    """A ``definable`` that records the names it is asked about (and holds none of them)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[str] = []

    def __contains__(self, name: object) -> bool:
        self.asked.append(str(name))
        return False


def test_chains_nothing_asks_about_are_passed_over() -> None:
    """``read(wanted=...)``: an #if chain around none of the wanted lines, holding nothing
    that outlives it (an #include, an #error, a #define a condition reads), is not evaluated;
    the wanted lines' states are those of the whole reading."""
    text = (
        "#define ON 1\n"
        "#if defined(A)\nx();\n#endif\n"  # 2: asked
        "#if B > 1\n#if C\ny();\n#endif\n#endif\n"  # nothing asked, nothing lasting
        "#if D\n#include <e.h>\n#endif\n"  # an #include: read
        "#if E\n#define ON 0\n#endif\n"  # defines a name a later #if reads
        "#if F\n#error no\n#endif\n"  # an #error: read
        "#if ON\nz();\n#endif\n"  # 20: asked
    )
    parsed = _parsed(text)
    everything, passing = _Asked(), _Asked()
    whole = cpp.read(parsed, definable=everything)
    reading = cpp.read(parsed, definable=passing, wanted=[2, 20])
    assert {"B", "C"} <= set(everything.asked)
    assert set(passing.asked) == set(everything.asked) - {"B", "C"}
    assert [reading.state_at(key) for key in (2, 20)] == [whole.state_at(key) for key in (2, 20)]
    assert [whole.state_at(key) for key in (2, 20)] == [False, True]
    # a wanted line inside the chain: that chain is read
    asked = _Asked()
    inner = cpp.read(parsed, definable=asked, wanted=[7])
    assert inner.state_at(7) == whole.state_at(7)
    assert set(asked.asked) == set(everything.asked) - {"A"}  # B and C are read
    # the #defines alone asked for (a reading for the macros a file defines): the chains
    # with an #include or an #error are passed over too, the one with a #define is read
    asked = _Asked()
    defines = cpp.read(parsed, definable=asked, wanted=(), want_errors=False)
    assert set(asked.asked) == {"E"}
    assert defines.defines == whole.defines == {"ON": [(True, "1"), (False, "0")]}


_PLAIN = st.sampled_from(
    ["#define C 2", "#define A 0", "#undef C", "#include <x.h>", "#error no", "code();"]
)
_IF = st.sampled_from(["#if 1", "#if 0", "#if A", "#if C > 1", "#ifndef E"])
_ELSE = st.sampled_from(["#elif C", "#elif 1", "#else"])


def _chains(inner: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    """An #if chain around ``inner`` bodies, or lines side by side."""
    chain = st.tuples(_IF, inner, st.lists(st.tuples(_ELSE, inner), max_size=2)).map(
        lambda t: [t[0], *t[1], *(line for e, body in t[2] for line in (e, *body)), "#endif"]
    )
    return st.lists(chain | inner, max_size=3).map(
        lambda parts: [line for part in parts for line in part]
    )


# well-formed nesting, then a stray #if, #else or #endif at either end
_TEXTS = st.tuples(
    st.recursive(st.lists(_PLAIN, max_size=3), _chains, max_leaves=10),
    st.lists(st.sampled_from(["#if A", "#else", "#endif"]), max_size=1),
    st.booleans(),
).map(lambda t: t[1] + t[0] if t[2] else t[0] + t[1])


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.sets(st.integers(0, 30), max_size=3), st.booleans())
# a #define the chain after it reads; an #error an ARM64 build reaches
@example(["#if 1", "#define C 2", "#endif", "#if C > 1", "code();", "#endif"], {4}, False)
@example(["#if 1", "#error no", "#endif", "code();"], {3}, False)
def test_passing_over_chains_changes_no_answer(
    lines: list[str], asked: set[int], closed: bool
) -> None:
    """Whatever the nesting (unclosed #ifs, stray #endifs), a reading that passes over the
    chains nothing asks about gives the whole reading's state at every key asked for, in
    both worlds, the same #errors and per-platform chains, and (#defines asked for) the same
    #defines."""

    def lines_from(key: int) -> Iterator[cpp.Line]:
        return ((index, lines[index], index) for index in range(key, len(lines)))

    parsed = cpp.parse(((index, line, index) for index, line in enumerate(lines)), lines_from)
    world = {"A"} if closed else None
    whole = cpp.read(parsed, closed=world, want_defines=False)
    wanted = sorted(asked)
    reading = cpp.read(parsed, closed=world, want_defines=False, wanted=wanted)
    for key in wanted:
        assert reading.state_at(key) == whole.state_at(key)
        if world is not None:
            assert whole.closed_states is not None and reading.closed_states is not None
            assert reading.state_at(key, reading.closed_states) == whole.state_at(
                key, whole.closed_states
            )
    assert reading.errors == whole.errors
    assert reading.unselected == whole.unselected
    defines = cpp.read(parsed, wanted=(), want_errors=False)
    assert defines.defines == cpp.read(parsed).defines


def test_a_file_that_defines_an_x86_macro_for_msvc() -> None:
    """siphashc 2.9.1's siphash_impl.h defines __SSE2__ and __SSSE3__ for any MSVC, then
    includes emmintrin.h `#if defined(__SSE2__)`: MSVC does not define them, but a #define
    ARM64 reads does (the x86 code is built there, and stops it); one it reads only where an
    x86 test holds does not."""
    source = lines_of(
        "#if defined(_MSC_VER)\n"
        "  #if (_MSC_VER > 1200) || defined(_mm_free)\n"
        "    #define __SSE2__\n"
        "  #endif\n"
        "  #if defined(_M_X64)\n"  # 5
        "    #define __AVX__\n"
        "  #endif\n"
        "#endif\n"
        "#if defined(__SSE2__)\n"
        "sse2();\n"  # 10
        "#endif\n"
        "#ifdef __AVX__\n"
        "avx();\n"  # 13
        "#endif\n"
        "#if defined(__SSE4_1__)\n"
        "sse41();\n"  # 16
        "#endif\n"
        "#if USE_IT\n"
        "#define __FMA__ 1\n"
        "#endif\n"  # 20
        "#if __FMA__\n"
        "fma();\n"  # 22
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(10) is Truth.TRUE
    assert regions.at(13) is Truth.FALSE
    assert regions.at(16) is Truth.FALSE
    assert regions.at(22) is Truth.UNKNOWN


def _parsed(text: str) -> cpp.Parsed:
    """A text's directives, parsed with line indexes as keys (as test_chains_nothing_asks_about
    has them)."""
    lines = text.split("\n")

    def lines_from(key: int) -> Iterator[cpp.Line]:
        return ((index, lines[index], index) for index in range(key, len(lines)))

    return cpp.parse(((index, line, index) for index, line in enumerate(lines)), lines_from)


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        # LLP64 (https://learn.microsoft.com/cpp/c-language/cpp-integer-limits): long is 32
        # bits on 64-bit Windows, pointers and size_t are 64
        ("UINT_MAX == 4294967295", 1),
        ("ULONG_MAX == 0xffffffffUL", 1),
        ("ULONG_MAX > UINT_MAX", 0),
        ("SIZE_MAX > UINT_MAX", 1),
        ("UINTPTR_MAX == UINT64_MAX", 1),
        ("LONG_MAX == INT_MAX", 1),
        ("CHAR_BIT != 8", 0),
        ("USHRT_MAX != 65535", 0),
        # GCC's byte-order macros: MSVC defines none, so both read as 0 (an unguarded test of
        # them is true on MSVC, as cl.exe itself reads it)
        ("defined(__BYTE_ORDER__)", 0),
        ("defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__", 0),
        ("defined(__GLIBC__)", 0),
        ("defined(_LITTLE_ENDIAN) && !defined(_BIG_ENDIAN)", 0),
    ],
)
def test_standard_header_values_on_windows_arm64(expression: str, value: int) -> None:
    assert cpp.evaluate(expression) == value


def test_a_files_own_definition_of_a_limit_does_not_replace_the_standard_value() -> None:
    """A file's definition of a <limits.h>/<stdint.h> name is a fallback for compilers
    without the header (`#ifndef SIZE_MAX` / `#define SIZE_MAX ((size_t)-1)`, whose cast this
    reading cannot evaluate) or a wrong guess (an LP64 ULONG_MAX): MSVC's header value holds
    (helper-211's review 8)."""
    source = lines_of(
        "#define ULONG_MAX 18446744073709551615UL\n"
        "#if ULONG_MAX > 4294967295UL\n"
        "wide();\n"  # 3
        "#endif\n"
        "#ifndef SIZE_MAX\n"
        "#define SIZE_MAX ((size_t)-1)\n"
        "#endif\n"
        "#if SIZE_MAX == 0xffffffffffffffff\n"
        "size64();\n"  # 9
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(3) is Truth.FALSE
    assert regions.at(9) is Truth.TRUE


def test_an_architecture_error_reached_only_where_undefined_names_are_undefined() -> None:
    """RapidJSON 1.1.0's rapidjson.h: the closed world (names nothing defines read as
    undefined) reaches its `#error` on ARM64; the open world cannot say. A `UINT_MAX` test
    (zstd's mem.h) is not such a name: it has its <limits.h> value."""
    text = (
        "#ifndef RAPIDJSON_ENDIAN\n"
        "#  ifdef __BYTE_ORDER__\n"
        "#    define RAPIDJSON_ENDIAN 1\n"
        "#  elif defined(__GLIBC__)\n"
        "#    define RAPIDJSON_ENDIAN 1\n"  # 5
        "#  elif defined(__i386__) || defined(_M_IX86) || defined(_M_X64)\n"
        "#    define RAPIDJSON_ENDIAN 0\n"
        "#  elif defined(_MSC_VER) && defined(_M_ARM)\n"
        "#    define RAPIDJSON_ENDIAN 0\n"
        "#  elif defined(RAPIDJSON_DOXYGEN_RUNNING)\n"  # 10
        "#    define RAPIDJSON_ENDIAN\n"
        "#  else\n"
        "#    error Unknown machine endianess detected.\n"
        "#  endif\n"
        "#endif\n"  # 15
        "#if UINT_MAX != 4294967295\n"
        "#  error this implementation requires int to be exactly 32-bit type\n"
        "#endif\n"
    )
    parsed = _parsed(text)
    open_world = cpp.read(parsed)
    assert open_world.errors == []
    assert open_world.closed_errors == []
    closed = cpp.read(parsed, closed={"RAPIDJSON_ENDIAN"})
    assert closed.errors == []
    assert [(key, unless) for key, _text, unless in closed.closed_errors] == [
        (12, ("RAPIDJSON_ENDIAN",))
    ]


def test_another_files_definition_of_a_limit_does_not_replace_the_standard_value() -> None:
    """xatlas 0.0.11 vendors bx, whose compat/msvc/pre1600/stdint.h defines INTPTR_MAX for
    compilers before VS2010 (`INT64_MAX`, then `_I64_MAX`): a file of the sdist that tests
    INTPTR_MAX reads <stdint.h>'s value, not that fallback's."""
    text = "#if INTPTR_MAX == 9223372036854775807LL\nwide();\n#else\nnarrow();\n#endif\n"
    parsed = _parsed(text)
    reading = cpp.read(parsed, {"INTPTR_MAX": "INT64_MAX_OF_BX"}, closed=set())
    assert reading.state_at(1) is True
    assert reading.state_at(3) is False


def test_a_default_picked_by_a_continued_if_is_followed() -> None:
    """xz 5.8's liblzma/lz/lz_decoder.h (compress-utils 0.11.2): `#ifndef
    LZMA_LZ_DECODER_CONFIG`, then an `#if` over two lines (a backslash continues it) that
    asks for SSE2 or x64, `#define ... 2`, `#else`, `#define ... 1`. On ARM64 the value is 1,
    and `#if LZMA_LZ_DECODER_CONFIG == 2` (the SSE2 copy) is never built. Failed before
    (7605596): the continuation line was taken for code before the #define, the #ifndef
    block for unknown, and the SSE2 copy for built."""
    source = lines_of(
        "#ifndef LZMA_LZ_DECODER_CONFIG\n"
        "#\tif defined(TUKLIB_FAST_UNALIGNED_ACCESS) \\\n"
        "\t\t&& (defined(__SSE2__) || defined(_M_X64) \\\n"
        "\t\t\t|| (defined(_M_IX86_FP) && _M_IX86_FP >= 2))\n"
        "#\t\tdefine LZMA_LZ_DECODER_CONFIG 2\n"
        "#\telse\n"
        "#\t\tdefine LZMA_LZ_DECODER_CONFIG 1\n"
        "#\tendif\n"
        "#endif\n"
        "#if LZMA_LZ_DECODER_CONFIG == 2\n"
        "sse2_copy();\n"  # 11
        "#else\n"
        "memcpy_copy();\n"  # 13
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(11) is Truth.FALSE
    assert regions.at(13) is Truth.TRUE


def test_a_name_the_file_defined_above_is_no_guard() -> None:
    """CRoaring's roaring.h (pyroaring 0.4.1): `#ifdef _MSC_VER` / `#define
    CROARING_REGULAR_VISUAL_STUDIO 1`, `#if CROARING_REGULAR_VISUAL_STUDIO` / `#define
    CROARING_INTRINSICS 1`, then `#ifndef CROARING_INTRINSICS` / `#define CROARING_INTRINSICS
    1` / GCC's builtins. The file itself defined the name above, where MSVC reads it: the
    second block is the other compilers' path, not an include guard or a default. Failed
    before (bb1ba55): every `#ifndef NAME` / `#define NAME` was taken for built."""
    source = lines_of(
        "#ifdef _MSC_VER\n"
        "#define REGULAR_VISUAL_STUDIO 1\n"
        "#endif\n"
        "#if REGULAR_VISUAL_STUDIO\n"
        "#define INTRINSICS 1\n"
        "#endif\n"
        "#ifndef INTRINSICS\n"
        "#define INTRINSICS 1\n"
        "int tz(unsigned long long x) { return __builtin_ctzll(x); }\n"  # 9
        "#endif\n"
        "#if !defined(INTRINSICS)\n"
        "#define INTRINSICS 1\n"
        "int lz(unsigned long long x) { return __builtin_clzll(x); }\n"  # 13
        "#endif\n"
    )
    regions = cpp.regions(source)
    assert regions.at(9) is Truth.FALSE
    assert regions.at(13) is Truth.FALSE
    # defined above only where ARM64 never reads it: the block is the default, built
    x86 = "#ifdef __x86_64__\n#define INTRINSICS 1\n#endif\n#ifndef INTRINSICS\n#define INTRINSICS 1\nint y;\n#endif\n"
    assert cpp.regions(lines_of(x86)).at(6) is Truth.TRUE
    # undefined again before the block: a default again
    undone = "#define INTRINSICS 1\n#undef INTRINSICS\n#ifndef INTRINSICS\n#define INTRINSICS 1\nint y;\n#endif\n"
    assert cpp.regions(lines_of(undone)).at(5) is Truth.TRUE
