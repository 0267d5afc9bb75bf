"""System headers and GCC builtins MSVC does not have, where an MSVC ARM64 build compiles
the code that uses them. Each case is modelled on a real sdist of the corpus:

- pydaasiot 0.2.33's src/net_utils.cpp includes <ifaddrs.h> and <net/if.h> with no #if
  (getifaddrs, IFF_UP): "C1083: Cannot open include file: 'ifaddrs.h'" (pupnp/pupnp#220,
  microsoft/vcpkg#17165; baresip/re#1171 for net/if.h). Its only mention of Windows is a
  comment in a header (`... to avoid windows.h conflicts`), and its vendored nlohmann JSON,
  with _WIN32 paths of its own, sits in third-parties/.
- qi-sort 0.4.0's include/qi_apex.hpp calls __builtin_prefetch with no #if, and the source
  setup.py names includes it: "C3861 '__builtin_prefetch': identifier not found"
  (FALCONN-LIB/FALCONN#71). MSVC has no __builtin_bswap32 either (wolfpld/etcpak#9,
  libsndfile/libsndfile#718). Not in a kernel for 32-bit ARM (blis 1.3.4's
  kernels/armv7a/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, needing_work, setup_extension, tree

GLOB_SETUP = (
    "import glob\nfrom setuptools import Extension, setup\n"
    "setup(ext_modules=[Extension('m', glob.glob('src/*.cpp'))])\n"
)
NET = (
    "#include <string>\n#include <vector>\n#include <{header}>\n"
    "std::vector<std::string> names() {{ return {{}}; }}\n"
)


@pytest.mark.parametrize(
    ("header", "where", "posix"),
    [
        ("ifaddrs.h", "plain", True),
        ("net/if.h", "plain", True),
        ("dirent.h", "plain", True),
        # BSD's strings.h: left out, Net-SNMP's Windows headers stand in for it (ezsnmp 2.4.0)
        ("strings.h", "plain", False),
        # the only Windows word is in a comment: no Windows path (a header known before)
        ("sys/mman.h", "comment", True),
        ("sys/mman.h", "block-comment", True),
        # a real Windows path in the package's own code: picked per platform
        ("sys/mman.h", "windows-path", False),
        # a vendored library's Windows paths are its own (pydaasiot's third-parties/nlohmann)
        ("sys/mman.h", "vendored-windows", True),
        # the sdist ships a header of that name (a compat dirent.h)
        ("dirent.h", "shipped", False),
    ],
)
def test_posix_only_headers(tmp_path: Path, header: str, where: str, posix: bool) -> None:
    source = "src/net_utils.cpp"
    # (a glob, as setup.py helpers have it: a source setup.py names plainly is taken whatever
    # other files' Windows paths, see opteryx 0.26.8 in test_analyze.py)
    files = {
        "setup.py": GLOB_SETUP,
        source: NET.format(header=header),
        "include/types.hpp": "enum E { A, B };\n",
    }
    if where == "comment":
        files["include/types.hpp"] = "// renamed to avoid windows.h conflicts\nenum E { A };\n"
    elif where == "block-comment":
        files["include/types.hpp"] = "/* #ifdef _WIN32 would go here */\nenum E { A };\n"
    elif where == "windows-path":
        files["include/types.hpp"] = "#ifdef _WIN32\n#include <windows.h>\n#endif\nenum E { A };\n"
    elif where == "vendored-windows":
        files["third-parties/json/json.hpp"] = "#ifdef _MSC_VER\n#pragma warning(push)\n#endif\n"
    elif where == "shipped":
        files["include/dirent.h"] = "/* dirent for Windows */\nstruct dirent { int d; };\n"
    doc = analysis(tree(tmp_path, files))
    found = [(kind, file) for kind, file, _line in needing_work(doc)]
    assert (("posix-only", source) in found) == posix, doc["x86"]
    assert (doc["category"] == "source-port") == posix, doc["reasons"]


PREFETCH = "static inline void warm(const int* p) { __builtin_prefetch(p, 1, 0); }\n"


@pytest.mark.parametrize(
    ("where", "body", "needs_work"),
    [
        ("source", PREFETCH, True),
        ("source", "unsigned f(unsigned x) { return __builtin_bswap32(x); }\n", True),
        ("source", "unsigned short f(unsigned short x) { return __builtin_bswap16(x); }\n", True),
        # one MSVC has under that name: not these builtins
        ("source", "int f(void) { return __builtin_offsetof(struct { int a; }, a); }\n", False),
        # under a test only GCC and Clang pass
        ("source", f"#ifdef __GNUC__\n{PREFETCH}#else\n#define warm(p)\n#endif\n", False),
        # qi-sort 0.4.0: a header the source setup.py names includes
        ("included-header", PREFETCH, True),
        # a header no source of setup.py's includes (GPU code, a tool's)
        ("lone-header", PREFETCH, False),
        # a kernel for 32-bit ARM, which no ARM64 build compiles (blis 1.3.4's
        # kernels/armv7a/3/bli_gemm_armv7a_int_d4x4.c) ...
        ("src/kernels/armv7a/gemm.c", PREFETCH, False),
        # ... but one for ARMv8, which ARM64 builds take
        ("src/kernels/armv8a/gemm.c", PREFETCH, True),
    ],
)
def test_gcc_builtins_msvc_lacks(tmp_path: Path, where: str, body: str, needs_work: bool) -> None:
    source = "src/module.cpp"
    files = {"setup.py": setup_extension("m", source)}
    if where == "source" or where.endswith(".c"):
        marked = source if where == "source" else where
        files[marked] = f"#include <stddef.h>\n{body}"
        files["setup.py"] = setup_extension("m", marked)
    else:
        marked = "include/qi_apex.hpp"
        files[marked] = f"#ifndef QI_APEX_HPP\n#define QI_APEX_HPP\n{body}#endif\n"
        included = '#include "../include/qi_apex.hpp"\n' if where == "included-header" else ""
        files[source] = f"#include <stddef.h>\n{included}int x;\n"
    doc = analysis(tree(tmp_path, files))
    found = [(kind, file) for kind, file, _line in needing_work(doc)]
    assert (("gnu-only", marked) in found) == needs_work, doc["x86"]
    assert (doc["category"] == "source-port") == needs_work, doc["reasons"]
