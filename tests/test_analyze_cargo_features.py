"""Rust crates whose *features* link a native library the build machine must provide, and
Cargo's `[target.'cfg(...)'.dependencies]` sections read by evaluating the cfg for
aarch64-pc-windows-msvc. Modelled on round 106's held-out misses: slingshot-microservice
0.1.7 (`diesel = { features = ["postgres"] }`: diesel's postgres feature pulls in pq-sys,
hence libpq; diesel-rs/diesel_full_text_search#37) and quaynor 2.0.0 (llama-cpp-2's `vulkan`
feature, ggml's Vulkan backend: the Vulkan SDK, in a section whose cfg names macOS only to
leave it out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_analyze import analysis, external_names, tree

MATURIN = '[build-system]\nrequires = ["maturin>=1"]\nbuild-backend = "maturin"\n'


def _libraries(tmp_path: Path, manifest: str) -> list[str]:
    doc = analysis(
        tree(
            tmp_path,
            {"pyproject.toml": MATURIN, "Cargo.toml": manifest, "src/lib.rs": "fn f() {}\n"},
        )
    )
    return external_names(doc)


QUAYNOR_CFG = (
    '[target.\'cfg(all(not(target_os = "macos"), not(target_os = "ios"), '
    'not(target_os = "android"), any(target_arch = "x86_64", target_arch = "x86", '
    'target_arch = "aarch64")))\'.dependencies]\n'
)


@pytest.mark.parametrize(
    ("manifest", "libraries"),
    [
        (
            '[dependencies]\ndiesel = { version = "2", features = ["postgres", "r2d2"] }\n',
            ["libpq"],
        ),
        ('[dependencies]\ndiesel = { version = "2", features = ["mysql"] }\n', ["mysqlclient"]),
        # the backend alone, no connection: no libpq (diesel_full_text_search#37)
        ('[dependencies]\ndiesel = { version = "2", features = ["postgres_backend"] }\n', []),
        # pq-sys bundled by its own feature (graphprotocol/graph-node#6107's Cargo.toml)
        (
            '[dependencies]\ndiesel = { version = "2", features = ["postgres"] }\n'
            'pq-sys = { version = "0.6", features = ["bundled"] }\n',
            [],
        ),
        # quaynor 2.0.0's core/Cargo.toml: the features list over several lines
        (
            QUAYNOR_CFG
            + 'llama-cpp-2 = { version = "0.1", default-features = false, features = [\n'
            '    "openmp",\n    "vulkan",\n] }\n',
            ["vulkan"],
        ),
        # the same for Linux only
        (
            "[target.'cfg(target_os = \"linux\")'.dependencies]\n"
            'llama-cpp-2 = { version = "0.1", features = ["vulkan"] }\n',
            [],
        ),
        # wgpu's vulkan backend loads the driver at run time: no SDK at build time
        ('[dependencies]\nwgpu = { version = "25", features = ["vulkan"] }\n', []),
        # a -sys crate in a section whose cfg holds on Windows ARM64 though it names Linux
        (
            '[target.\'cfg(any(target_os = "linux", target_os = "windows"))\'.dependencies]\n'
            'openssl-sys = "0.9"\n',
            ["openssl"],
        ),
        ("[target.'cfg(unix)'.dependencies]\nopenssl-sys = \"0.9\"\n", []),
    ],
)
def test_crate_features_that_link_a_library(
    tmp_path: Path, manifest: str, libraries: list[str]
) -> None:
    assert _libraries(tmp_path, '[package]\nname = "m"\n' + manifest) == libraries
