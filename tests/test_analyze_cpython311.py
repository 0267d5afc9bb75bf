"""C that no CPython 3.11 or later compiles, on any platform: python.org's Windows-on-Arm
CPython starts at 3.11, so such code is a port before any ARM64 work (analyze's
"cpython-311" finding). The rules are CPython's own: PEP 674 and python/cpython#89639
(Py_TYPE() and Py_SIZE() are no l-values since 3.11, Py_REFCNT() since 3.10); What's New in
3.11 (PyFrameObject's members are internal: PyFrame_GetBack(), PyFrame_GetCode() ...;
PyThreadState's `frame` too; longintrepr.h and other headers moved to Include/cpython/,
bpo-35134; pystrhex.h removed, python/cpython#28923). Each case is modelled on a real sdist
of the corpus: blist 1.3.6, ikp3db 1.4.2, paddle-bfloat 0.1.7, richdem 0.3.4 (its vendored
pybind11 2.2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_analyze import PYPROJECT, analysis, tree

SETUP = (
    "from setuptools import Extension, setup\nsetup(ext_modules=[Extension('m', ['src/m.c'])])\n"
)


def _found(doc: dict[str, Any]) -> list[tuple[str, int]]:
    return [(e["file"], e["line"]) for e in doc["x86"] if e["kind"] == "cpython-311"]


def _sdist(tmp_path: Path, code: str, **more: str) -> dict[str, Any]:
    return analysis(
        tree(
            tmp_path,
            {"pyproject.toml": PYPROJECT, "setup.py": SETUP, "src/m.c": code, **more},
        )
    )


BROKEN = [
    # blist 1.3.6's _blist.c:6591 (elastalert#3285's log: "lvalue required")
    "#include <Python.h>\nstatic void f(PyObject *saved) {\n"
    "    Py_TYPE(saved) = &PyList_Type;\n}\n",
    # Py_SIZE as well, with a call inside the parentheses
    "#include <Python.h>\nstatic void f(PyObject *o) {\n    Py_SIZE(get(o)) = 0;\n}\n",
    # ikp3db 1.4.2's iksettrace3.c: a trace function reads the frame's fields
    "#include <Python.h>\n#include <frameobject.h>\n"
    "static int trace(PyObject *o, PyFrameObject *frame, int what, PyObject *arg) {\n"
    "    return frame->f_trace != NULL;\n}\n",
    # richdem 0.3.4's vendored pybind11 2.2: pybind11.h:1890
    "#include <Python.h>\nstatic void f(void) {\n"
    "    PyFrameObject *frame = PyThreadState_Get()->frame;\n}\n",
    # a thread state's frame through a variable
    "#include <Python.h>\nstatic void f(PyThreadState *ts) {\n    void *frame = ts->frame;\n}\n",
    # a header 3.11 moved to Include/cpython/ (primme/primme#81: "longintrepr.h: No such file")
    '#include <Python.h>\nint x;\n#include "longintrepr.h"\n',
]


@pytest.mark.parametrize("code", BROKEN)
def test_code_no_cpython_311_compiles_is_a_port(tmp_path: Path, code: str) -> None:
    doc = _sdist(tmp_path, code)
    assert doc["category"] == "source-port", doc["reasons"]
    # (the line of the case's last statement or #include)
    line = max(
        n
        for n, text in enumerate(code.split("\n"), 1)
        if text.startswith("    ") or "longintrepr" in text
    )
    assert _found(doc) == [("src/m.c", line)]
    assert any("CPython 3.11" in reason for reason in doc["reasons"])


FINE = [
    # the setter (3.9+), and a compat define for older Pythons (pythoncapi_compat.h's shape)
    "#include <Python.h>\n"
    "#if PY_VERSION_HEX < 0x030900A4 && !defined(Py_SET_TYPE)\n"
    "static inline void _Py_SET_TYPE(PyObject *ob, PyTypeObject *type)\n"
    "{ Py_TYPE(ob) = type; }\n"
    "#define Py_SET_TYPE(ob, type) _Py_SET_TYPE((PyObject*)(ob), type)\n"
    "#endif\n"
    "static void f(PyObject *o) { Py_SET_TYPE(o, &PyList_Type); }\n",
    # a macro body that assigns (used only where it is expanded, not read here)
    "#include <Python.h>\n#define SET_TYPE(o, t) \\\n    Py_TYPE(o) = (t)\nint x;\n",
    # comparisons are no assignments
    "#include <Python.h>\nstatic int f(PyObject *o) {\n    return Py_TYPE(o) == &PyList_Type;\n}\n",
    # the frame's fields only before 3.11, accessors after
    "#include <Python.h>\n#include <frameobject.h>\n"
    "static int line(PyFrameObject *frame) {\n"
    "#if PY_VERSION_HEX >= 0x030B0000\n    return PyFrame_GetLineNumber(frame);\n"
    "#else\n    return frame->f_lineno;\n#endif\n}\n",
    # Python 2's branch (Python 3 never reads it)
    "#include <Python.h>\nstatic void f(PyObject *o) {\n"
    "#if PY_MAJOR_VERSION < 3\n    Py_TYPE(o) = &PyList_Type;\n#endif\n}\n",
    # PyPy's branch
    "#include <Python.h>\nstatic void f(void) {\n#if defined(PYPY_VERSION)\n"
    "    void *frame = PyThreadState_Get()->frame;\n#endif\n}\n",
    # in a comment
    "#include <Python.h>\n/* was: Py_TYPE(o) = &PyList_Type; */\nint x;\n",
    # a struct of the package's own with a member named frame
    "#include <Python.h>\nstruct state { int frame; };\n"
    "static int f(struct state *s) { return s->frame; }\n",
]


@pytest.mark.parametrize("code", FINE)
def test_code_cpython_311_compiles_is_no_port(tmp_path: Path, code: str) -> None:
    doc = _sdist(tmp_path, code)
    assert _found(doc) == []
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_a_header_of_the_package_s_own_name_is_found(tmp_path: Path) -> None:
    """`#include "pytime.h"` finds the sdist's own pytime.h, not CPython's moved one."""
    doc = _sdist(
        tmp_path,
        '#include <Python.h>\n#include "pytime.h"\nint x;\n',
        **{"src/pytime.h": "int now(void);\n"},
    )
    assert _found(doc) == []
    assert doc["category"] == "workflow-only", doc["reasons"]


def test_a_header_only_a_header_nothing_includes_has_is_not_built(tmp_path: Path) -> None:
    """A header no compiled file includes is built by no build."""
    doc = _sdist(
        tmp_path,
        "#include <Python.h>\nint x;\n",
        **{"src/old.h": "static void f(PyObject *o) {\n    Py_TYPE(o) = 0;\n}\n"},
    )
    assert _found(doc) == []


def test_cython_output_is_left_to_its_version_check(tmp_path: Path) -> None:
    """Cython's C is judged by the Cython that made it (see the stale-Cython finding): a
    current Cython's output has every 3.11 guard."""
    doc = _sdist(
        tmp_path,
        "/* Generated by Cython 3.1.4 */\n#include <Python.h>\nstatic void f(PyObject *o) {\n"
        "    Py_TYPE(o) = &PyList_Type;\n}\n",
    )
    assert _found(doc) == []


def test_in_a_string_literal_it_is_no_code(tmp_path: Path) -> None:
    """jpy 2.2.0's jpy_jobj.c prints "Py_TYPE(typeObj)=%p" in a diagnostic message."""
    doc = _sdist(
        tmp_path,
        '#include <Python.h>\nstatic void f(PyObject *t) {\n    printf("Py_TYPE(t)=%p", t);\n}\n',
    )
    assert _found(doc) == []


def test_a_frame_struct_of_the_file_s_own(tmp_path: Path) -> None:
    """scalene 2.4.0's pywhere.cpp declares 3.11's `struct _frame` itself and reads its
    fields through it."""
    doc = _sdist(
        tmp_path,
        "#include <Python.h>\n#if PY_VERSION_HEX >= 0x030B0000\n"
        "typedef struct _frame { PyObject_HEAD PyFrameObject *f_back; char f_trace_lines; }"
        " PyFrameType;\n#endif\n"
        "static int trace(PyObject *o, PyFrameObject *frame, int what, PyObject *arg) {\n"
        "    return ((PyFrameType *)frame)->f_trace_lines + frame->f_trace_lines;\n}\n",
    )
    assert _found(doc) == []


@pytest.mark.parametrize(
    ("where", "text", "found"),
    [
        # pickle5 0.0.12: a backport for 3.5 to 3.7
        ("setup.py", SETUP[:-2] + ", python_requires='>=3.5, <3.8')\n", False),
        ("setup.py", SETUP[:-2] + ", python_requires='>=3.5')\n", True),
        ("pyproject.toml", PYPROJECT + '[project]\nname = "m"\nrequires-python = "<3.10"\n', False),
        ("pyproject.toml", PYPROJECT + '[project]\nname = "m"\nrequires-python = ">=3.9"\n', True),
        # a requirement that does not parse says nothing
        ("setup.py", SETUP[:-2] + ", python_requires='3.x only')\n", True),
    ],
)
def test_a_package_for_pythons_before_311_wants_no_311_build(
    tmp_path: Path, where: str, text: str, found: bool
) -> None:
    files = {"setup.py": SETUP, "pyproject.toml": PYPROJECT, where: text}
    doc = analysis(
        tree(
            tmp_path,
            {
                **files,
                "src/m.c": "#include <Python.h>\nvoid f(PyObject *o) {\n    Py_SIZE(o) = 0;\n}\n",
            },
        )
    )
    assert bool(_found(doc)) is found


def test_a_python_2_module_is_not_built_for_python_3(tmp_path: Path) -> None:
    """CodeIntel 2.0.0's py2_cElementTree.c defines its module with Py_InitModule only
    (setup.py builds py3_cElementTree.c for Python 3)."""
    doc = _sdist(
        tmp_path,
        "#include <Python.h>\nvoid initm(void) {\n    Py_TYPE(&T) = &PyType_Type;\n"
        '    Py_InitModule("m", methods);\n}\n',
    )
    assert _found(doc) == []


@pytest.mark.parametrize("required", [True, False])
def test_a_vendored_pybind11_the_build_may_replace(tmp_path: Path, required: bool) -> None:
    """ur-rtde 1.6.5 ships pybind11 2.5 in pybind11/ (PyThreadState_Get()->frame) but requires
    pybind11>=2.5.0 to build (its cp311 and cp312 wheels exist); tweedledum 1.1.1's
    external/pybind11 2.6 is its build's (issue 181: no 3.11 build)."""
    requires = '"setuptools", "pybind11>=2.5.0"' if required else '"setuptools"'
    doc = analysis(
        tree(
            tmp_path,
            {
                "pyproject.toml": f"[build-system]\nrequires = [{requires}]\n"
                'build-backend = "setuptools.build_meta"\n',
                "setup.py": SETUP,
                "src/m.c": '#include <Python.h>\n#include "pybind11/pybind11.h"\nint x;\n',
                "pybind11/include/pybind11/pybind11.h": "#include <Python.h>\n"
                "inline void f(void) {\n"
                "    PyFrameObject *frame = PyThreadState_Get()->frame;\n}\n",
            },
        )
    )
    assert bool(_found(doc)) is not required


# --- helper-233's red team of the rule (its cases; each marked "failed before" failed on the
# rule as first written and passes with the fixes of the same commit). CPython's behaviour
# was checked by compiling the snippets with gcc against the real 3.10.13, 3.11.7, 3.12.1
# and 3.13.0 headers. The first: coverage 6.0 to 7.3.1's ctracer/util.h includes
# internal/pycore_frame.h for 3.11, and tracer.c, which reads the frame's fields, includes
# only util.h (coverage 7.0.0's tracer.c compiles against the 3.11.7 and 3.12.1 headers).


COVERAGE_UTIL_H = (
    "#ifndef _COVERAGE_UTIL_H\n#define _COVERAGE_UTIL_H\n#include <Python.h>\n"
    "#if PY_VERSION_HEX >= 0x030B00A0\n#include <internal/pycore_frame.h>\n"
    "#define MyFrame_GetLasti(f) (PyFrame_GetLasti(f))\n"
    "#else\n#define MyFrame_GetLasti(f) ((f)->f_lasti)\n#endif\n#endif\n"
)
COVERAGE_TRACER_C = (
    '#include "util.h"\n'
    "static int handle_call(PyObject *self, PyFrameObject *frame) {\n"
    "    frame->f_trace_lines = 0;\n"
    "    Py_XSETREF(frame->f_trace, (PyObject *)self);\n"
    "    return 0;\n}\n"
)


def test_pycore_frame_included_through_own_header_is_fine(tmp_path: Path) -> None:
    """Failed before the red team's fixes: reported as src/m.c:3 (coverage 6.x-7.3.1's ctracer shape)."""
    doc = _sdist(tmp_path, COVERAGE_TRACER_C, **{"src/util.h": COVERAGE_UTIL_H})
    assert _found(doc) == []


def test_own_frame_struct_in_a_header(tmp_path: Path) -> None:
    """Failed before the red team's fixes: reported at src/m.c:4."""
    header = (
        "#include <Python.h>\n#if PY_VERSION_HEX >= 0x030B0000\n"
        "struct _frame { PyObject_HEAD PyFrameObject *f_back; void *f_frame; PyObject *f_trace;"
        " int f_lineno; char f_trace_lines; char f_trace_opcodes; };\n#endif\n"
    )
    code = (
        '#include "frame_compat.h"\n'
        "static int trace(PyObject *o, PyFrameObject *frame, int what, PyObject *arg) {\n"
        "    (void)o; (void)what; (void)arg;\n"
        "    return frame->f_trace_lines;\n}\n"
    )
    doc = _sdist(tmp_path, code, **{"src/frame_compat.h": header})
    assert _found(doc) == []


OLD = "#include <Python.h>\nstatic void f(PyObject *o) {\n    Py_TYPE(o) = &PyList_Type;\n}\n"


@pytest.mark.parametrize("where", ["contrib/old.c", "old.c", "src/legacy/old.c"])
def test_a_file_setup_py_does_not_compile(tmp_path: Path, where: str) -> None:
    """Failed before the red team's fixes: category 'source-port' with cpython-311 at <where>:3."""
    doc = _sdist(tmp_path, "#include <Python.h>\nint x;\n", **{where: OLD})
    assert doc["category"] == "workflow-only", (doc["category"], _found(doc))


def test_control_x86_in_the_same_unlisted_file_is_not_a_port(tmp_path: Path) -> None:
    """A control: the x86 kinds in the same place are discounted."""
    x86 = "#include <immintrin.h>\nint f(void){ __m128 a = _mm_setzero_ps(); (void)a; return 0; }\n"
    doc = _sdist(tmp_path, "#include <Python.h>\nint x;\n", **{"contrib/old.c": x86})
    assert doc["category"] == "workflow-only"
    # and counted as x86 code (three lines: the header, the type, the call)
    counted = [r for r in doc["reasons"] if "x86-specific line(s) only build for x86" in r]
    assert counted and counted[0].startswith("3 "), doc["reasons"]


def test_a_finding_left_out_is_not_counted_as_x86_code(tmp_path: Path) -> None:
    """The reasons said "1 x86-specific line(s) only build for x86" for a Py_TYPE()
    assignment in a file setup.py does not compile (fe19b09): it is no x86 code."""
    doc = _sdist(tmp_path, "#include <Python.h>\nint x;\n", **{"contrib/old.c": OLD})
    assert not any("x86-specific line" in r for r in doc["reasons"]), doc["reasons"]
    assert any(r.startswith("1 other finding(s) sit where an ARM64") for r in doc["reasons"])


@pytest.mark.parametrize(
    "statement",
    [
        "Py_SIZE(self)++;",
        "Py_SIZE(self)--;",
        "--Py_SIZE(self);",
        "Py_SIZE(self) += 1;",
        "Py_SIZE(self) -= n;",
        "Py_REFCNT(self)++;",
        "self->data[Py_SIZE(self)++] = 0;",
    ],
)
def test_increment_of_py_size_is_an_lvalue_use(tmp_path: Path, statement: str) -> None:
    """Failed before the red team's fixes: no finding."""
    code = (
        "#include <Python.h>\ntypedef struct { PyObject_VAR_HEAD PyObject **data; } T;\n"
        f"static void f(T *self, Py_ssize_t n) {{\n    {statement}\n}}\n"
    )
    assert _found(_sdist(tmp_path, code)) == [("src/m.c", 4)]


def test_header_included_with_angle_brackets_is_compiled(tmp_path: Path) -> None:
    """Failed before the red team's fixes: no finding (the same tree with `#include "pkg/compat.h"` is found)."""
    doc = _sdist(
        tmp_path,
        "#include <Python.h>\n#include <pkg/compat.h>\nint x;\n",
        **{"include/pkg/compat.h": "static inline void f(PyObject *o) {\n    Py_SIZE(o) = 0;\n}\n"},
    )
    assert _found(doc) == [("include/pkg/compat.h", 2)]


def test_setup_cfg_python_requires_before_311(tmp_path: Path) -> None:
    """Failed before the red team's fixes: cpython-311 reported although setup.cfg says >=3.5, <3.8."""
    doc = _sdist(
        tmp_path,
        "#include <Python.h>\nvoid f(PyObject *o) {\n    Py_SIZE(o) = 0;\n}\n",
        **{"setup.cfg": "[metadata]\nname = m\n[options]\npython_requires = >=3.5, <3.8\n"},
    )
    assert _found(doc) == []


def test_vendored_pybind11_cmake_builds_is_judged(tmp_path: Path) -> None:
    """Failed before the red team's fixes: no finding (found when "pybind11" is dropped from requires)."""
    doc = analysis(
        tree(
            tmp_path,
            {
                "pyproject.toml": '[build-system]\nrequires = ["scikit-build-core", "pybind11"]\n'
                'build-backend = "scikit_build_core.build"\n',
                "CMakeLists.txt": "cmake_minimum_required(VERSION 3.15)\nproject(m LANGUAGES CXX)\n"
                "add_subdirectory(extern/pybind11)\npybind11_add_module(m src/m.cpp)\n",
                "src/m.cpp": "#include <pybind11/pybind11.h>\nint x;\n",
                "extern/pybind11/CMakeLists.txt": "project(pybind11)\n",
                "extern/pybind11/include/pybind11/pybind11.h": "#include <Python.h>\n"
                '#include "detail/common.h"\ninline void f(void) {\n'
                "    PyFrameObject *frame = PyThreadState_Get()->frame;\n}\n",
                "extern/pybind11/include/pybind11/stl.h": '#include "pybind11.h"\n',
                "extern/pybind11/include/pybind11/detail/common.h": "int y;\n",
            },
        )
    )
    assert _found(doc) == [("extern/pybind11/include/pybind11/pybind11.h", 4)]


def test_requires_python_from_312_is_read_as_312(tmp_path: Path) -> None:
    """Failed before the red team's fixes: reported at src/m.c:6."""
    code = (
        "#include <Python.h>\nstatic void *f(PyThreadState *ts) {\n"
        "#if PY_VERSION_HEX >= 0x030C0000\n    return PyThreadState_GetFrame(ts);\n"
        "#else\n    return ts->frame;\n#endif\n}\n"
    )
    doc = _sdist(
        tmp_path,
        code,
        **{"pyproject.toml": PYPROJECT + '[project]\nname = "m"\nrequires-python = ">=3.12"\n'},
    )
    assert _found(doc) == []


def test_file_redefines_py_type_as_lvalue(tmp_path: Path) -> None:
    """Failed before the red team's fixes: reported at src/m.c:5."""
    code = (
        "#include <Python.h>\n#undef Py_TYPE\n#define Py_TYPE(ob) (((PyObject*)(ob))->ob_type)\n"
        "static void f(PyObject *o) {\n    Py_TYPE(o) = &PyList_Type;\n}\n"
    )
    assert _found(_sdist(tmp_path, code)) == []


PASSING_FINE = [
    # pythoncapi_compat.h's own guards (all 129 historical versions of the real file were run
    # through the analyzer: no finding)
    "#include <Python.h>\n#if PY_VERSION_HEX < 0x030B00B1 && !defined(PYPY_VERSION)\n"
    "static inline int PyFrame_GetLasti(PyFrameObject *frame)\n{\n"
    "#if PY_VERSION_HEX >= 0x030A00A7\n    if (frame->f_lasti < 0) { return -1; }\n"
    "    return frame->f_lasti * 2;\n#else\n    return frame->f_lasti;\n#endif\n}\n#endif\n",
    # a guard the reader cannot evaluate (Py_SET_SIZE is a macro on 3.11+): left alone
    "#include <Python.h>\n#ifndef Py_SET_SIZE\nstatic inline void Py_SET_SIZE(PyVarObject *ob,"
    " Py_ssize_t s)\n{\n    Py_SIZE(ob) = s;\n}\n#endif\nint x;\n",
    # a version macro of the file's own
    "#include <Python.h>\n#if PY_VERSION_HEX >= 0x030B0000\n#define IS311 1\n#else\n"
    "#define IS311 0\n#endif\nint f(PyFrameObject *frame) {\n#if !IS311\n"
    "    return frame->f_lineno;\n#else\n    return PyFrame_GetLineNumber(frame);\n#endif\n}\n",
    # 3.11's cframe is no `frame` member access
    "#include <Python.h>\nint f(PyThreadState *ts) {\n    return ts->cframe != NULL;\n}\n",
]


@pytest.mark.parametrize("code", PASSING_FINE)
def test_controls_fine(tmp_path: Path, code: str) -> None:
    """Shapes handled right from the start (kept against regressions)."""
    assert _found(_sdist(tmp_path, code)) == []


@pytest.mark.parametrize("header", ["graminit.h", "Python-ast.h", "parsetok.h"])
def test_the_old_parser_s_headers(tmp_path: Path, header: str) -> None:
    """Gone since 3.10 (bpo-43244; etherlab testmanager#12: "Python-ast.h: No such file or
    directory"). The generic names of that removal (ast.h, node.h, code.h, eval.h,
    symtable.h) are left out: a library's header of that name is likelier."""
    doc = _sdist(tmp_path, f'#include <Python.h>\nint x;\n#include "{header}"\n')
    assert _found(doc) == [("src/m.c", 3)]


def test_an_own_py_type_for_old_pythons_only_changes_nothing(tmp_path: Path) -> None:
    """blist 1.3.6's _blist.c defines Py_TYPE itself, for Python 2.5 only (`#if
    PY_MINOR_VERSION < 6`): on 3.11 its `Py_TYPE(&saved) = ...` is CPython's macro."""
    code = (
        "#include <Python.h>\n#if PY_MINOR_VERSION < 6\n"
        "#define Py_TYPE(ob) (((PyObject*)(ob))->ob_type)\n#endif\n"
        "static void f(PyObject *o) {\n    Py_TYPE(o) = &PyList_Type;\n}\n"
    )
    assert _found(_sdist(tmp_path, code)) == [("src/m.c", 6)]


def test_a_vendored_pybind11_cmake_fetches_under_another_name(tmp_path: Path) -> None:
    """ur-rtde 1.6.5: `add_subdirectory(pybind11)` only before CMake 3.11, else
    `FetchContent_Declare(pybind11-src ...)` of v2.13.6; its cp311 wheels exist."""
    doc = analysis(
        tree(
            tmp_path,
            {
                "pyproject.toml": PYPROJECT,
                "setup.py": SETUP,
                "CMakeLists.txt": "if(${CMAKE_VERSION} VERSION_LESS 3.11)\n"
                "  add_subdirectory(pybind11)\nelse()\n  include(FetchContent)\n"
                "  FetchContent_Declare(\n    pybind11-src\n"
                "    GIT_REPOSITORY https://github.com/pybind/pybind11.git\n"
                "    GIT_TAG v2.13.6\n  )\n  FetchContent_MakeAvailable(pybind11-src)\nendif()\n",
                "src/m.c": '#include <Python.h>\n#include "pybind11/pybind11.h"\nint x;\n',
                "pybind11/include/pybind11/pybind11.h": "#include <Python.h>\n"
                "inline void f(void) {\n"
                "    PyFrameObject *frame = PyThreadState_Get()->frame;\n}\n",
            },
        )
    )
    assert _found(doc) == []
