"""Small real wheels for runner tests: a C extension compiled here with gcc, and a pure one."""

from __future__ import annotations

import subprocess
import sysconfig
from pathlib import Path

from packaging.tags import sys_tags

from wheelkit import write_wheel

C_SOURCE = r"""
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *add(PyObject *self, PyObject *args) {
    long a, b;
    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;
    return PyLong_FromLong(a + b);
}

static PyObject *crash(PyObject *self, PyObject *unused) {
    volatile int *p = NULL;
    *p = 42;  /* a real segfault in native code */
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"add", add, METH_VARARGS, "Add two integers in C."},
    {"crash", crash, METH_NOARGS, "Dereference NULL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_native", NULL, -1, methods};

PyMODINIT_FUNC PyInit__native(void) { return PyModule_Create(&module); }
"""


def platform_tag() -> str:
    """The most specific tag this interpreter installs (e.g. cp311-cp311-linux_x86_64)."""
    return str(next(iter(sys_tags())))


def build_native_wheel(folder: Path, *, version: str = "1.0", name: str = "woademo") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "native.c"
    source.write_text(C_SOURCE)
    library = folder / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}"
    subprocess.run(
        [
            "gcc",
            "-shared",
            "-fPIC",
            "-O1",
            f"-I{sysconfig.get_paths()['include']}",
            str(source),
            "-o",
            str(library),
        ],
        check=True,
        timeout=120,
    )
    tag = platform_tag()
    members = {
        f"{name}/__init__.py": b"from ._native import add, crash\n__version__ = '"
        + version.encode()
        + b"'\n",
        f"{name}/{library.name}": library.read_bytes(),
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ).encode(),
    }
    return write_wheel(
        folder / f"{name}-{version}-{tag}.whl",
        members,
        dist_info=f"{name}-{version}.dist-info",
        tags=[tag],
    )


def build_pure_wheel(folder: Path, name: str, version: str = "1.0", body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    members = {
        f"{name}/__init__.py": (body or f"VALUE = {name!r}\n").encode(),
        f"{name}-{version}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
        ).encode(),
    }
    return write_wheel(
        folder / f"{name}-{version}-py3-none-any.whl",
        members,
        dist_info=f"{name}-{version}.dist-info",
        tags=["py3-none-any"],
    )
