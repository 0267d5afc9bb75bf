"""The CUDA toolkit as an external library: a build that compiles CUDA needs nvcc and the
CUDA runtime for its target, which neither the windows-11-arm runner nor a Windows-on-Arm
laptop (Snapdragon, no NVIDIA GPU) has. Only a build that asks for CUDA with no way around
it counts: the top CMakeLists.txt's `project(... CUDA)`, or `enable_language(CUDA)` /
`find_package(CUDAToolkit REQUIRED)` under no if(); a setup.py that builds torch's
CUDAExtension alone (torch's docs: CUDAExtension "includes the CUDA include path, library
path and runtime library"), with no CppExtension and no torch.cuda.is_available() test.
Modelled on guanaco 0.3.4, torch-edit-distance 0.4.0 and gaussian-splatting 2.11.0."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, external_names, tree

SKBUILD = '[build-system]\nrequires = ["scikit-build-core", "pybind11"]\nbuild-backend = "scikit_build_core.build"\n'
KERNEL = "__global__ void k(float *x) { x[threadIdx.x] += 1; }\n"
BINDING = "#include <pybind11/pybind11.h>\nPYBIND11_MODULE(m, mod) {}\n"


def _cmake(tmp_path: Path, cmake: str) -> list[str]:
    files = {
        "pyproject.toml": SKBUILD,
        "CMakeLists.txt": cmake,
        "src/k.cu": KERNEL,
        "src/m.cpp": BINDING,
    }
    return external_names(analysis(tree(tmp_path, files)))


HEAD = "cmake_minimum_required(VERSION 3.17)\n"
TAIL = "add_library(m MODULE src/m.cpp src/k.cu)\n"


@pytest.mark.parametrize(
    ("cmake", "needs_cuda"),
    [
        # guanaco 0.3.4's CMakeLists.txt:8
        (f"{HEAD}project(guanaco CXX CUDA)\n{TAIL}", True),
        (f"{HEAD}project(g LANGUAGES CXX CUDA VERSION 1.0)\n{TAIL}", True),
        (f"{HEAD}project(g CXX)\nenable_language(CUDA)\n{TAIL}", True),
        # guanaco's CMakeLists.txt:28
        (f"{HEAD}project(g CXX)\nfind_package(CUDAToolkit REQUIRED)\n{TAIL}", True),
        # asked for only where an option is on, or a compiler found
        (f"{HEAD}project(g CXX)\nif(USE_CUDA)\n  enable_language(CUDA)\nendif()\n{TAIL}", False),
        (
            f"{HEAD}project(g CXX)\ninclude(CheckLanguage)\ncheck_language(CUDA)\n"
            f"if(CMAKE_CUDA_COMPILER)\n  enable_language(CUDA)\nendif()\n{TAIL}",
            False,
        ),
        # not required
        (f"{HEAD}project(g CXX)\nfind_package(CUDAToolkit)\n{TAIL}", False),
        # the word in a description, or a comment
        (f'{HEAD}project(g DESCRIPTION "CUDA kernels" LANGUAGES CXX)\n{TAIL}', False),
        (f"{HEAD}project(g CXX)\n# enable_language(CUDA)\n{TAIL}", False),
    ],
)
def test_cmake_that_needs_cuda(tmp_path: Path, cmake: str, needs_cuda: bool) -> None:
    """Failed before (7605596) for the True cases: no external library (CUDA was taken for
    part of the toolchain, as CMake's own packages are)."""
    assert ("cuda" in _cmake(tmp_path, cmake)) == needs_cuda


SETUP = """\
from setuptools import setup
from torch.utils.cpp_extension import BuildExtension, {imports}
{body}
setup(name="ted", ext_modules=ext_modules, cmdclass={{"build_ext": BuildExtension}})
"""


@pytest.mark.parametrize(
    ("imports", "body", "needs_cuda"),
    [
        # torch-edit-distance 0.4.0
        (
            "CUDAExtension",
            "ext_modules = [CUDAExtension('ted_cuda', ['cuda_kernels/ted.cpp', 'cuda_kernels/ted.cu'])]",
            True,
        ),
        # a CPU build where CUDA is not there (diso 0.1.4, torch-scatter)
        (
            "CppExtension, CUDAExtension",
            "import torch\nextension = CUDAExtension if torch.cuda.is_available() else CppExtension\n"
            "ext_modules = [extension('ted', ['cuda_kernels/ted.cpp'])]",
            False,
        ),
        (
            "CUDAExtension, CUDA_HOME",
            "ext_modules = [CUDAExtension('ted', ['cuda_kernels/ted.cu'])] if CUDA_HOME is not None else []",
            False,
        ),
    ],
)
def test_setup_py_that_needs_cuda(
    tmp_path: Path, imports: str, body: str, needs_cuda: bool
) -> None:
    """Failed before (7605596) for torch-edit-distance's shape: workflow-only. (Its
    cuda_kernels/ folder is the package's own kernels, no shipped toolkit.)"""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["setuptools", "torch"]\nbuild-backend = "setuptools.build_meta"\n',
        "setup.py": SETUP.format(imports=imports, body=body),
        "cuda_kernels/ted.cpp": "#include <torch/extension.h>\nint f() { return 0; }\n",
        "cuda_kernels/ted.cu": KERNEL,
    }
    doc = analysis(tree(tmp_path, files))
    assert ("cuda" in external_names(doc)) == needs_cuda, doc["reasons"]
    if needs_cuda:
        assert doc["category"] == "external-native-library"
        assert any("no NVIDIA GPU" in t for t in doc["try"]), doc["try"]
