"""Other Pythons on this machine, for the tests of interpreter choice: found, never
downloaded, and a real C-extension wheel compiled for one of them."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from cext import C_SOURCE
from wheelkit import write_wheel

ASK = (
    "import json, sys, sysconfig; print(json.dumps({"
    "'version': list(sys.version_info[:2]), 'include': sysconfig.get_paths()['include'],"
    "'ext_suffix': sysconfig.get_config_var('EXT_SUFFIX'),"
    "'platform': sysconfig.get_platform(), 'executable': sys.executable,"
    "'implementation': sys.implementation.name,"
    "'free_threaded': bool(sysconfig.get_config_var('Py_GIL_DISABLED'))}))"
)


@dataclass(frozen=True)
class OtherPython:
    executable: str
    version: tuple[int, int]
    include: str
    ext_suffix: str
    platform: str

    @property
    def nodot(self) -> str:
        return f"{self.version[0]}{self.version[1]}"


def _places() -> list[str]:
    """Where Pythons live on Linux machines like this one (pyenv, uv, the distribution)."""
    home = Path.home()
    places = [
        (home, ".pyenv/versions/*/bin/python3.*"),
        (home, ".local/share/uv/python/*/bin/python3.*"),
        (Path("/usr/bin"), "python3.*"),
        (Path("/usr/local/bin"), "python3.*"),
        (Path("/opt"), "python*/bin/python3.*"),
    ]
    found = []
    for root, pattern in places:
        found += sorted(str(p) for p in root.glob(pattern) if not p.name.endswith(("-config", "m")))
    return found


@functools.cache
def other_pythons() -> tuple[OtherPython, ...]:
    """Working CPythons (3.10 or newer, with headers, not free-threaded) of another minor
    version than the one running the tests, newest first, one per version."""
    by_version: dict[tuple[int, int], OtherPython] = {}
    for path in _places():
        if not os.access(path, os.X_OK):
            continue
        try:
            done = subprocess.run(
                [path, "-I", "-c", ASK], capture_output=True, text=True, timeout=30, check=False
            )
            facts = json.loads(done.stdout)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            continue
        version = (facts["version"][0], facts["version"][1])
        if (
            facts["implementation"] != "cpython"
            or facts["free_threaded"]
            or version < (3, 10)
            or version == sys.version_info[:2]
            or version in by_version
            or not (Path(facts["include"]) / "Python.h").is_file()
        ):
            continue
        by_version[version] = OtherPython(
            executable=path,
            version=version,
            include=facts["include"],
            ext_suffix=facts["ext_suffix"],
            platform=facts["platform"].replace("-", "_").replace(".", "_"),
        )
    return tuple(by_version[v] for v in sorted(by_version, reverse=True))


def build_native_wheel_for(
    python: OtherPython, folder: Path, *, version: str = "1.0", name: str = "woademo"
) -> Path:
    """The woademo C extension compiled by gcc against ``python``'s headers, in a wheel
    tagged for that interpreter only (cpXY-cpXY-<platform>)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "native.c"
    source.write_text(C_SOURCE)
    library = folder / f"_native{python.ext_suffix}"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O1", f"-I{python.include}", str(source), "-o", str(library)],
        check=True,
        timeout=120,
    )
    tag = f"cp{python.nodot}-cp{python.nodot}-{python.platform}"
    members = {
        f"{name}/__init__.py": f"from ._native import add, crash\n__version__ = {version!r}\n".encode(),
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
