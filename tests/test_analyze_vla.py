"""C99's variable-length arrays, which MSVC never implemented, in C or C++ (C2057, C2131
"expression did not evaluate to a constant"; Microsoft's C11/C17 announcement leaves them
out; larsbs/id3v2lib#48, google/liblc3#25). GCC and Clang take them, in C++ as an
extension, so code written on Linux often has them. Modelled on quickbin 0.2.0's
iterators.c (`PyArray_Descr* dtypes[n_arrays];`, a parameter) and sarw-spheres 0.0.9's
sarw_spheres.cpp (`Point locations[n_beads];`, a local)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, needing_work, setup_extension, tree


@pytest.mark.parametrize(
    ("code", "vla"),
    [
        # quickbin 0.2.0
        (
            "int init(void **arrays, int n_arrays) {\n    void* dtypes[n_arrays];\n    return 0;\n}\n",
            True,
        ),
        # sarw-spheres 0.0.9
        (
            "int f(int count) {\n    int n_beads = count * 2;\n    double locations[n_beads];\n"
            "    int n_dims = 3;\n    double data[n_beads*n_dims];\n    return 0;\n}\n",
            True,
        ),
        # constants: a macro, an enum-like capital, a const local, a literal, sizeof
        ("#define N 16\nint f(void) {\n    double a[N];\n    return 0;\n}\n", False),
        ("int f(void) {\n    const int n = 4;\n    double a[n];\n    return 0;\n}\n", False),
        (
            "int f(void) {\n    double a[16];\n    char b[sizeof(double) * 2];\n    return 0;\n}\n",
            False,
        ),
        # a template's parameter is a constant
        ("template <int N>\nint f() {\n    double a[N];\n    return 0;\n}\n", False),
        # only where MSVC does not compile it
        (
            "int f(int n) {\n#ifndef _MSC_VER\n    double a[n];\n#endif\n    return 0;\n}\n",
            False,
        ),
        # a statement that is no declaration
        ("int f(int *a, int n) {\n    return a[n];\n}\n", False),
        # in a comment
        ("int f(int n) {\n    // double a[n];\n    return 0;\n}\n", False),
    ],
)
def test_variable_length_arrays_msvc_compiles(tmp_path: Path, code: str, vla: bool) -> None:
    """Failed before (f0ece9a) for the True cases: workflow-only."""
    source = "src/m.cpp"
    files = {"setup.py": setup_extension("m", source), source: code}
    doc = analysis(tree(tmp_path, files))
    found = {(k, f) for k, f, _l in needing_work(doc)}
    assert (("gnu-only", source) in found) == vla, doc["x86"]
    assert (doc["category"] == "source-port") == vla, doc["reasons"]
    if vla:
        assert any("variable-length" in r for r in doc["reasons"]), doc["reasons"]


def test_a_build_with_clang_cl_takes_them(tmp_path: Path) -> None:
    """clang-cl compiles variable-length arrays as Clang does."""
    code = (
        "int init(void **arrays, int n_arrays) {\n    void* dtypes[n_arrays];\n    return 0;\n}\n"
    )
    setup = "CMAKE_ARGS = ['-T', 'ClangCL']\n" + setup_extension("m", "src/m.c")
    doc = analysis(tree(tmp_path, {"setup.py": setup, "src/m.c": code}))
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_an_extension_listed_for_other_systems_only(tmp_path: Path) -> None:
    """pyrocko 2026.6.2's util_ext.c holds `char format2[nf+1];`, and its setup.py builds it
    on other systems only: `ext_modules_non_windows = [Extension('util_ext', ...)]`, then
    `if not is_windows: ext_modules.extend(ext_modules_non_windows)`. Failed before the
    list's name was followed: source-port."""
    setup = (
        "import sys\nfrom setuptools import Extension, setup\n"
        "is_windows = sys.platform.startswith('win')\n"
        "ext_modules = [Extension('m', ['src/m.c'])]\n"
        "ext_modules_non_windows = [\n"
        "    Extension(\n        'util_ext',\n        sources=['src/util_ext.c']),\n]\n"
        "if not is_windows:\n    ext_modules.extend(ext_modules_non_windows)\n"
        "setup(ext_modules=ext_modules)\n"
    )
    vla = (
        "#include <Python.h>\n#include <string.h>\n"
        "int stt(const char *format) {\n    size_t nf = strlen(format);\n"
        "    char format2[nf+1];\n    return 0;\n}\n"
        "PyMODINIT_FUNC PyInit_util_ext(void) { return NULL; }\n"
    )
    files = {"setup.py": setup, "src/m.c": "int m;\n", "src/util_ext.c": vla}
    doc = analysis(tree(tmp_path, files))
    assert doc["category"] == "workflow-only", doc["reasons"]
    # a control: the same list used where Windows builds
    files["setup.py"] = setup.replace("if not is_windows:", "if True:")
    doc = analysis(tree(tmp_path / "control", files))
    assert doc["category"] == "source-port", doc["reasons"]
