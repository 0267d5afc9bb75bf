"""memmap2's Mmap::advise and its Advice enum exist on Unix only (memmap2 declares them
`#[cfg(unix)]`: madvise(2) has no Windows counterpart), so a call a Windows build compiles
stops it (pog5/dverust 1.1.2: "memmap2::Advice / Mmap::advise are Unix-only, breaking the
Windows build"). Modelled on hyperstreamdb 0.9.0's src/core/cache.rs, whose `get_mmap`
calls `mmap.advise(memmap2::Advice::Random)` with no cfg."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from test_analyze import analysis, needing_work, tree


def _crate(tmp_path: Path, code: str) -> dict[str, Any]:
    """A maturin crate that depends on memmap2, with ``code`` as its src/cache.rs."""
    files = {
        "pyproject.toml": '[build-system]\nrequires = ["maturin"]\nbuild-backend = "maturin"\n',
        "Cargo.toml": '[package]\nname = "x"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\n'
        'pyo3 = "0.22"\nmemmap2 = "0.9"\n',
        "src/lib.rs": "mod cache;\n",
        "src/cache.rs": code,
    }
    return analysis(tree(tmp_path, files))


FN = """\
impl Cache {
    pub async fn get_mmap(&self, file: &std::fs::File) -> std::io::Result<memmap2::Mmap> {
        let mmap = unsafe { memmap2::MmapOptions::new().map(file)? };
%s
        Ok(mmap)
    }
}
"""
CALL = "        let _ = mmap.advise(memmap2::Advice::Random);"


@pytest.mark.parametrize(
    ("code", "needs_work"),
    [
        # hyperstreamdb 0.9.0
        (FN % CALL, True),
        # imported, then used bare
        (
            "use memmap2::{Mmap, Advice};\npub fn f(m: &Mmap) { let _ = m.advise(Advice::Random); }\n",
            True,
        ),
        # the statement under a Unix cfg (dverust 1.1.2's fix)
        (FN % ("        #[cfg(unix)]\n" + CALL), False),
        # the function under one
        (FN.replace("    pub async fn", "    #[cfg(unix)]\n    pub async fn") % CALL, False),
        # the file under one
        ("#![cfg(unix)]\n" + FN % CALL, False),
        # a comment
        (FN % "        // mmap.advise(memmap2::Advice::Random) is Unix-only", False),
        # the import under a cfg
        ("#[cfg(unix)]\nuse memmap2::Advice;\npub fn f() {}\n", False),
    ],
)
def test_memmap2_advice_where_windows_compiles_it(
    tmp_path: Path, code: str, needs_work: bool
) -> None:
    """Failed before (7605596) for the True cases: workflow-only."""
    doc = _crate(tmp_path, code)
    found = {(k, f) for k, f, _l in needing_work(doc)}
    assert (("posix-only", "src/cache.rs") in found) == needs_work, doc["reasons"]
    assert (doc["category"] == "source-port") == needs_work, doc["reasons"]


@pytest.mark.parametrize("guard", ["#[cfg(unix)]", '#[cfg(not(target_os = "windows"))]'])
def test_memmap2_advice_in_a_block_under_a_cfg(tmp_path: Path, guard: str) -> None:
    """grafeo 0.6.0's container/mmap.rs (`#[cfg(unix)] {` / `use memmap2::Advice;`) and
    nucliadb-node-binding's data_point/mod.rs (`#[cfg(not(target_os = "windows"))] {` /
    `nodes.advise(memmap2::Advice::WillNeed)?;`): the block is not compiled on Windows.
    Failed before the block walk (the first version of the rule): source-port."""
    code = (
        "pub fn advise(m: &memmap2::Mmap) {\n"
        "    let _ = m;\n"
        f"    {guard}\n"
        "    {\n"
        "        use memmap2::Advice;\n"
        "        let _ = m.advise(Advice::Random);\n"
        "        let _ = m.advise(memmap2::Advice::WillNeed);\n"
        "    }\n"
        "}\n"
    )
    assert _crate(tmp_path, code)["category"] == "workflow-only"
