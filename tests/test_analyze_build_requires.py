"""A setuptools build compiles what setup.py (or setup.cfg, or pyproject.toml's
[tool.setuptools]) declares, not what [build-system] requires installs: requiring
meson-python, ninja or numpy builds nothing by itself (PEP 517/518: the requirements are
installed into the build environment; the backend, setuptools, runs setup.py). Modelled on
pytsfoil 0.3.5, whose setup.py is a bare `setup()` and whose Fortran is compiled by f2py on
first import ("Fortran compilation happens at runtime during first import")."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, tree

PYPROJECT = """\
[build-system]
requires = ["setuptools>=61.0", "wheel", "numpy", "meson-python>=0.12.0", "ninja"]
build-backend = "setuptools.build_meta"

[project]
name = "pytsfoil"
version = "0.3.5"
dependencies = ["numpy>=1.18.0", "scipy>=1.5.0"]

[project.optional-dependencies]
dev = ["pytest>=6.0", "meson>=1.0", "meson-python>=0.12.0", "ninja"]

[tool.setuptools.package-data]
"*" = ["*.f90", "*.pyf"]
"""
SETUP = "from setuptools import setup\n\n# Fortran compilation happens at runtime\nsetup(zip_safe=False)\n"
FORTRAN = "module solver\ncontains\nsubroutine step(x)\nreal :: x\nx = x + 1\nend subroutine\nend module\n"


@pytest.mark.parametrize(
    ("variant", "pure"),
    [
        ("as-is", True),
        # the same with C sources compiled at run time
        ("c-at-run-time", True),
        # a control: setup.py declares an extension module
        ("extension", False),
        # a control: pyproject.toml's [tool.setuptools] declares one
        ("ext-modules", False),
        # a control: setup.py runs meson itself
        ("setup-runs-meson", False),
    ],
)
def test_requirements_alone_build_nothing(tmp_path: Path, variant: str, pure: bool) -> None:
    """Failed before (7605596): build-config, "Fortran sources: the Windows-on-Arm runner
    needs a Fortran compiler", for the as-is case."""
    pyproject, setup = PYPROJECT, SETUP
    files = {"pytsfoil/src/solver_base.f90": FORTRAN, "pytsfoil/__init__.py": ""}
    if variant == "c-at-run-time":
        files = {"pytsfoil/kernel.c": "int f(void) { return 1; }\n", "pytsfoil/__init__.py": ""}
    elif variant == "extension":
        setup = (
            "from setuptools import setup, Extension\n"
            "setup(ext_modules=[Extension('pytsfoil._k', ['pytsfoil/kernel.c'])])\n"
        )
        files["pytsfoil/kernel.c"] = "int f(void) { return 1; }\n"
    elif variant == "ext-modules":
        pyproject += (
            '\n[[tool.setuptools.ext-modules]]\nname = "pytsfoil._k"\n'
            'sources = ["pytsfoil/kernel.c"]\n'
        )
        files["pytsfoil/kernel.c"] = "int f(void) { return 1; }\n"
    elif variant == "setup-runs-meson":
        setup = (
            "import subprocess\nfrom setuptools import setup\n"
            "subprocess.check_call(['meson', 'setup', 'build'])\nsetup()\n"
        )
        files["meson.build"] = "project('pytsfoil', 'fortran')\n"
    doc = analysis(tree(tmp_path, {"pyproject.toml": pyproject, "setup.py": setup, **files}))
    assert (doc["category"] == "pure") == pure, (doc["category"], doc["reasons"])
