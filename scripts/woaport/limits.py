"""Every limit woaport puts on what strangers wrote, in one place.

Wheels and sdists from the index, release assets and tags from forks, build logs, contracts
and configuration files are read by parsers that stop at these limits: past one, the input
is refused with one line naming it (exit 2), or, inside a loop over many untrusted items,
that one item is skipped and reported. The README's "Limits" table is :func:`table`
(``tests/test_hostile_inputs.py`` fails when the two disagree), so a limit is changed here
and nowhere else; the modules that enforce one import it from here.
"""

from __future__ import annotations

from dataclasses import dataclass

# documents: JSON, YAML, TOML
MAX_DOCUMENT_BYTES = 16 << 20
MAX_CACHE_BYTES = 512 << 20
MAX_MEMO_BYTES = 1 << 20
MAX_DEPTH = 64
MAX_YAML_BYTES = 4 << 20
MAX_YAML_NODES = 200_000
MAX_YAML_ALIASES = 100
MAX_TOML_BYTES = 4 << 20
# names
MAX_NAME_CHARS = 255
# what is downloaded or read whole
MAX_DOWNLOAD_BYTES = 4 << 30
MAX_PAGE_BYTES = 64 << 20
MAX_RUN_LOG_BYTES = 64 << 20
MAX_LOG_LINE_CHARS = 4000
MAX_TOP_LIST_BYTES = 32 << 20
MAX_TOP_LIST_ROWS = 100_000
MAX_BUNDLE_BYTES = 4 << 20
MAX_WORKFLOW_BYTES = 1_000_000
MAX_METADATA_BYTES = 1 << 20
MAX_REQUIREMENTS = 2000
# wheels `inspect` reads
MAX_WHEEL_MEMBER_BYTES = 4 << 30
MAX_WHEEL_BYTES = 16 << 30
MAX_WHEEL_RATIO = 200
MAX_WHEEL_METADATA_BYTES = 32 << 20
# sdists and source trees `analyze` reads
MAX_SDIST_BYTES = 2 << 30
MAX_SDIST_RATIO = 100
MAX_SDIST_MEMBERS = 200_000
MAX_SOURCE_FILE_BYTES = 4 << 20
MAX_SUBMODULES = 1000
MAX_SOURCE_HELD_BYTES = 256 << 20
# the device fleet
MAX_HUB_INDEX_BYTES = 64 << 20
MAX_OUTBOX_FILE_BYTES = 4 << 20
MAX_OUTBOX_READS = 200


@dataclass(frozen=True, kw_only=True)
class Limit:
    name: str
    value: int
    unit: str
    what: str

    @property
    def shown(self) -> str:
        """The value as a person reads it: ``16 MiB``, ``64 levels``, ``200,000 nodes``."""
        if self.unit == "bytes":
            for size, suffix in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
                if self.value >= size and self.value % size == 0:
                    return f"{self.value // size} {suffix}"
            if self.value % 1_000_000 == 0:
                return f"{self.value // 1_000_000} MB"
        return f"{self.value:,} {self.unit}"


LIMITS: tuple[Limit, ...] = (
    Limit(
        name="MAX_DOCUMENT_BYTES",
        value=MAX_DOCUMENT_BYTES,
        unit="bytes",
        what="a JSON document from outside: a queue manifest, a device result, a CI or "
        "inspect report, status.json",
    ),
    Limit(
        name="MAX_CACHE_BYTES",
        value=MAX_CACHE_BYTES,
        unit="bytes",
        what="a cache woaport wrote (ETags, memos, the fleet's ledger of listed items); a larger "
        "or damaged one is discarded",
    ),
    Limit(
        name="MAX_MEMO_BYTES",
        value=MAX_MEMO_BYTES,
        unit="bytes",
        what="one value woaport's memo keeps (a contract's YAML, read as JSON); a larger one "
        "is neither kept nor read back",
    ),
    Limit(
        name="MAX_DEPTH",
        value=MAX_DEPTH,
        unit="levels",
        what="nesting of any JSON, YAML or TOML document",
    ),
    Limit(
        name="MAX_YAML_BYTES",
        value=MAX_YAML_BYTES,
        unit="bytes",
        what="a YAML file: a contract, packages.yml, a device config",
    ),
    Limit(
        name="MAX_YAML_NODES",
        value=MAX_YAML_NODES,
        unit="nodes",
        what="nodes of one YAML document, an alias counted as the whole subtree it repeats",
    ),
    Limit(
        name="MAX_YAML_ALIASES",
        value=MAX_YAML_ALIASES,
        unit="aliases",
        what="aliases (`*name`) in one YAML document; one inside the node it names (a "
        "cycle) is refused",
    ),
    Limit(
        name="MAX_TOML_BYTES",
        value=MAX_TOML_BYTES,
        unit="bytes",
        what="a TOML file: pyproject.toml, Cargo.toml, device.toml",
    ),
    Limit(
        name="MAX_NAME_CHARS",
        value=MAX_NAME_CHARS,
        unit="characters",
        what="a file name from outside (an index file, a queue item id, an asset), which "
        "must also be one plain name (`woaport.safepath`)",
    ),
    Limit(
        name="MAX_DOWNLOAD_BYTES",
        value=MAX_DOWNLOAD_BYTES,
        unit="bytes",
        what="one download: a wheel or sdist from the index, a queue asset",
    ),
    Limit(
        name="MAX_PAGE_BYTES",
        value=MAX_PAGE_BYTES,
        unit="bytes",
        what="one answer of a package index (PEP 691 JSON, PEP 503 HTML) or of the GitHub API",
    ),
    Limit(
        name="MAX_RUN_LOG_BYTES",
        value=MAX_RUN_LOG_BYTES,
        unit="bytes",
        what="a workflow run's log archive the controller diagnoses",
    ),
    Limit(
        name="MAX_LOG_LINE_CHARS",
        value=MAX_LOG_LINE_CHARS,
        unit="characters",
        what="one log line `diagnose` matches (the rest of the line is not read)",
    ),
    Limit(
        name="MAX_TOP_LIST_BYTES",
        value=MAX_TOP_LIST_BYTES,
        unit="bytes",
        what="the top-PyPI-packages list",
    ),
    Limit(
        name="MAX_TOP_LIST_ROWS",
        value=MAX_TOP_LIST_ROWS,
        unit="rows",
        what="rows of the top-PyPI-packages list",
    ),
    Limit(
        name="MAX_BUNDLE_BYTES",
        value=MAX_BUNDLE_BYTES,
        unit="bytes",
        what="a Sigstore bundle or a PEP 740 provenance object",
    ),
    Limit(
        name="MAX_WORKFLOW_BYTES",
        value=MAX_WORKFLOW_BYTES,
        unit="bytes",
        what="an upstream workflow file `upstream patch` edits",
    ),
    Limit(
        name="MAX_METADATA_BYTES",
        value=MAX_METADATA_BYTES,
        unit="bytes",
        what="a wheel's METADATA read for its Requires-Dist",
    ),
    Limit(
        name="MAX_REQUIREMENTS",
        value=MAX_REQUIREMENTS,
        unit="lines",
        what="Requires-Dist lines of one wheel",
    ),
    Limit(
        name="MAX_WHEEL_MEMBER_BYTES",
        value=MAX_WHEEL_MEMBER_BYTES,
        unit="bytes",
        what="one member of a wheel `inspect` reads, decompressed (torch's largest DLL is "
        "about 1 GiB)",
    ),
    Limit(
        name="MAX_WHEEL_BYTES",
        value=MAX_WHEEL_BYTES,
        unit="bytes",
        what="all the members of a wheel, decompressed",
    ),
    Limit(
        name="MAX_WHEEL_RATIO",
        value=MAX_WHEEL_RATIO,
        unit="times",
        what="a wheel member's decompressed size over its compressed size, checked past 8 MiB "
        "(real payloads stay under 20; zero-filled bombs reach about 1,000)",
    ),
    Limit(
        name="MAX_WHEEL_METADATA_BYTES",
        value=MAX_WHEEL_METADATA_BYTES,
        unit="bytes",
        what="a wheel's .dist-info/WHEEL or RECORD, read whole (torch's RECORD is about 2 MB)",
    ),
    Limit(
        name="MAX_SDIST_BYTES",
        value=MAX_SDIST_BYTES,
        unit="bytes",
        what="all the members of an sdist `analyze` reads, decompressed",
    ),
    Limit(
        name="MAX_SDIST_RATIO",
        value=MAX_SDIST_RATIO,
        unit="times",
        what="decompressed size over the sdist's own size, checked past 256 MiB (a small "
        "archive of zeros stops there)",
    ),
    Limit(
        name="MAX_SDIST_MEMBERS",
        value=MAX_SDIST_MEMBERS,
        unit="members",
        what="files in one sdist or source tree `analyze` reads",
    ),
    Limit(
        name="MAX_SOURCE_FILE_BYTES",
        value=MAX_SOURCE_FILE_BYTES,
        unit="bytes",
        what="one source or build file `analyze` reads (a larger one is counted, not read)",
    ),
    Limit(
        name="MAX_SOURCE_HELD_BYTES",
        value=MAX_SOURCE_HELD_BYTES,
        unit="bytes",
        what="source `analyze` keeps until every file's macros are known (files with x86 "
        "code or #includes, headers with #defines)",
    ),
    Limit(
        name="MAX_SUBMODULES",
        value=MAX_SUBMODULES,
        unit="submodules",
        what="submodules `analyze` lists from a .gitmodules",
    ),
    Limit(
        name="MAX_HUB_INDEX_BYTES",
        value=MAX_HUB_INDEX_BYTES,
        unit="bytes",
        what="the hub's device index (`device-index.json`) a device reads",
    ),
    Limit(
        name="MAX_OUTBOX_FILE_BYTES",
        value=MAX_OUTBOX_FILE_BYTES,
        unit="bytes",
        what="one file of a device's outbox the controller reads: a result with its "
        "contract report, a heartbeat",
    ),
    Limit(
        name="MAX_OUTBOX_READS",
        value=MAX_OUTBOX_READS,
        unit="files",
        what="new files the controller reads from one device's outbox in one run (one "
        "request each; the rest wait for the next run)",
    ),
)


def table() -> str:
    """The README's "Limits" table (Markdown)."""
    rows = ["| limit | value | what it bounds |", "| --- | --- | --- |"]
    rows += [f"| `{limit.name}` | {limit.shown} | {limit.what} |" for limit in LIMITS]
    return "\n".join(rows)
