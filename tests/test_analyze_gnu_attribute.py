"""GCC's `__attribute__((...))` syntax, which MSVC's cl does not parse: the struct or
function it marks stops the build (C2061/C2059; merbanan/rtl_433#3117 for
`__attribute__((packed))`, CE-Programming/CEmu#27). MSVC has `#pragma pack` for packing and
`__declspec(dllexport)` for visibility, so the code must change where an MSVC ARM64 build
compiles it. Each case is modelled on a real sdist of the corpus: lsl 4.0.1's
lsl/reader/drx.cpp (packed frame headers, no #if), VelesQuant 0.1.0's bindings/module.cpp
(`__attribute__((visibility("default")))`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, needing_work, setup_extension, tree

PACKED = "typedef struct __attribute__((packed)) {\n    unsigned short id;\n    int n;\n} Header;\n"


@pytest.mark.parametrize(
    ("where", "needs_work"),
    [
        # lsl 4.0.1's reader/drx.cpp
        ("top", True),
        # VelesQuant 0.1.0's bindings/module.cpp
        ("visibility", True),
        # spaces GCC allows inside the syntax
        ("spaced", True),
        # under a test only GCC and Clang pass
        ("gnuc-branch", False),
        # the sdist empties it for MSVC (a common shim)
        ("defined-for-msvc", False),
        # a macro that is empty for MSVC and the attribute for the others
        ("macro-by-compiler", False),
        # a macro's body that no code uses
        ("unused-define", False),
        # a macro's body the code uses, with no #if
        ("used-define", True),
        # a header: GPU or other compilers' code may include it
        ("header", False),
        # code the program writes out
        ("string", False),
        # a build that picks clang-cl, which knows the syntax
        ("clang-cl", False),
        # a file setup.py does not name (a glob's, a helper's): Unix-only backends a build
        # picks by platform hold the syntax often (simplepyble 0.9.0's simplebluez/,
        # python-qpid-proton 0.40.0's cyrus_sasl.c)
        ("globbed", False),
        # ... unless it is the file that defines the Python module (VelesQuant 0.1.0)
        ("globbed-module", True),
    ],
)
def test_gnu_attribute_where_msvc_compiles_it(tmp_path: Path, where: str, needs_work: bool) -> None:
    body = PACKED
    source, setup = "lsl/reader/drx.cpp", setup_extension("m", "lsl/reader/drx.cpp")
    extra: dict[str, str] = {}
    if where == "visibility":
        body = 'extern "C" __attribute__((visibility("default"))) int init(void) { return 0; }\n'
    elif where == "spaced":
        body = "struct S { int a; } __attribute__ ( ( aligned(16) ) );\n"
    elif where == "gnuc-branch":
        body = f"#ifdef __GNUC__\n{PACKED}#else\n#pragma pack(push, 1)\n#endif\n"
    elif where == "defined-for-msvc":
        body = f"#ifdef _MSC_VER\n#define __attribute__(x)\n#endif\n{PACKED}"
    elif where == "macro-by-compiler":
        body = (
            "#if defined(__GNUC__)\n#define PACKED __attribute__((packed))\n#else\n"
            "#define PACKED\n#endif\ntypedef struct PACKED { int n; } Header;\n"
        )
    elif where == "unused-define":
        body = "#define PACKED __attribute__((packed))\nint x;\n"
    elif where == "used-define":
        body = "#define PACKED __attribute__((packed))\ntypedef struct PACKED { int n; } H;\n"
    elif where == "header":
        extra = {"lsl/reader/drx.h": PACKED}
        body = '#include "drx.h"\nint x;\n'
    elif where == "string":
        body = 'const char* s = "struct __attribute__((packed)) X {};";\n'
    elif where == "clang-cl":
        setup = "CMAKE_ARGS = ['-T', 'ClangCL']\n" + setup
    elif where in ("globbed", "globbed-module"):
        setup = (
            "import glob\nfrom setuptools import Extension, setup\n"
            "setup(ext_modules=[Extension('m', glob.glob('lsl/reader/*.cpp'))])\n"
        )
        if where == "globbed-module":
            body = f"#include <Python.h>\n{PACKED}PyMODINIT_FUNC PyInit_m(void) {{ return 0; }}\n"
    files = {"setup.py": setup, source: f"#include <stddef.h>\n{body}", **extra}
    doc = analysis(tree(tmp_path, files))
    found = [(k, f) for k, f, _l in needing_work(doc)]
    assert (("gnu-only", source) in found) == needs_work, doc["x86"]
    assert (doc["category"] == "source-port") == needs_work, doc["reasons"]
    if needs_work:
        assert any("__attribute__" in r and source in r for r in doc["reasons"]), doc["reasons"]
