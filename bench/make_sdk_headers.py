"""Regenerate scripts/woaport/data/windows_sdk_headers.json from mingw-w64's headers.

    .venv/bin/python bench/make_sdk_headers.py --mingw-w64-git PATH/TO/mingw-w64/.git

mingw-w64 (https://github.com/mingw-w64/mingw-w64; the headers are in the public domain or
under the ZPL, and only their names are taken) keeps, in ``mingw-w64-headers/include/``,
its own copy of the Windows SDK's API headers: ``windows.h``, ``schnlsp.h``, ``d3d12.h``,
the WinRT ``windows.foundation.h`` and some 1,400 more. A C file that includes one of them
needs no library from outside on Windows: the SDK every MSVC build has holds it. We take the
``.h``, ``.hxx`` and ``.inl`` files at the top of that folder, lower-cased, and leave out:

* the subfolders (``psdk_inc/``, ``gdiplus/``, ``GL/``, ``KHR/``, ``wrl/``): mingw-w64's
  internals, or headers the Windows SDK keeps elsewhere or not at all (``KHR/khrplatform.h``);
* mingw-w64's own headers (``_mingw_*.h``, ``w32api.h``, ``pcrt32.h``);
* the headers of the legacy DirectX SDK (``d3dx9*.h``, ``dxerr*.h``, ``xapofx.h``,
  ``d3drm*.h``, ``dxfile.h``, Direct3D 8, DirectMusic, DirectPlay, ``dxtmpl.h``) and of
  other SDKs than Windows' (DirectShow's ``qedit.h``, removed from it; ``msoledbsql.h``
  of the OLE DB driver; ``vsadmin.h``, ``vsprov.h``, ``vsmgmt.h`` of the VSS SDK;
  Outlook's ``tnef.h``, ``imessage.h``): no Windows SDK holds them (helper-92);
* names that third-party libraries and projects also use for a header of their own
  (``usb.h`` is libusb-0.1's, ``error.h`` glibc's, ``parser.h`` or ``storage.h`` anyone's):
  one of those that the sdist does not ship is more likely a library's than the SDK's.

The repository is read with ``git ls-tree COMMIT`` and the commit is written into the data.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "scripts" / "woaport" / "data" / "windows_sdk_headers.json"
FOLDER = "mingw-w64-headers/include/"
MINGW_OWN = re.compile(r"_mingw.*|w32api\.h|pcrt32\.h")
LEGACY_DIRECTX = re.compile(
    r"d3dx9.*|dxerr.*|xapofx\.h|d3drm.*|dxfile\.h|d3d8.*|dmusic.*|dplay.*|dplobby.*|dxtmpl\.h"
)
OTHER_SDKS = frozenset(
    ("qedit.h", "msoledbsql.h", "vsadmin.h", "vsprov.h", "vsmgmt.h", "tnef.h", "imessage.h")
)
# (generic names: a project's own header, or another library's, as likely as the SDK's)
SHARED_NAMES = frozenset(
    """
    bits.h cfg.h control.h datapath.h dcommon.h dispatch.h emi.h error.h errors.h filter.h
    gb18030.h gpio.h hostinfo.h http.h idf.h ifdef.h ime.h manipulations.h mi.h minmax.h
    msp.h mtx.h multinfo.h nvme.h p2p.h parser.h persist.h polarity.h qos.h ratings.h
    reason.h rend.h schedule.h sens.h sensors.h snmp.h srv.h stm.h storage.h tom.h traffic.h
    transact.h typeinfo.h unknown.h usb.h vcr.h xa.h
    """.split()  # noqa: SIM905 (a list of words reads better as words)
)


def headers(git_dir: Path, commit: str) -> list[str]:
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "--name-only", commit, FOLDER],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    names = set()
    for path in listing.splitlines():
        name = path.removeprefix(FOLDER).lower()
        if "/" in name or not name.endswith((".h", ".hxx", ".inl")):
            continue
        if MINGW_OWN.fullmatch(name) or LEGACY_DIRECTX.fullmatch(name):
            continue
        if name in SHARED_NAMES or name in OTHER_SDKS:
            continue
        names.add(name)
    return sorted(names)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mingw-w64-git", type=Path, required=True)
    parser.add_argument("--commit", default="HEAD")
    args = parser.parse_args()
    commit = subprocess.run(
        ["git", "--git-dir", str(args.mingw_w64_git), "rev-parse", args.commit],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    names = headers(args.mingw_w64_git, commit)
    document = {
        "source": f"https://github.com/mingw-w64/mingw-w64/tree/{commit}/{FOLDER.rstrip('/')} "
        "(file names only); regenerate with bench/make_sdk_headers.py",
        "commit": commit,
        "headers": names,
    }
    OUT.write_text(json.dumps(document, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(names)} headers", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
