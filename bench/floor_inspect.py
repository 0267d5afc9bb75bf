"""The floor for `woaport inspect`: only decompress and sha256-hash every member."""

import hashlib
import sys
import zipfile

with zipfile.ZipFile(sys.argv[1]) as zf:
    for info in zf.infolist():
        digest = hashlib.sha256()
        with zf.open(info) as fh:
            while block := fh.read(1 << 20):
                digest.update(block)
