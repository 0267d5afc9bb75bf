"""Which wheel is the artifact under test: one rule for the contract runner and the queue.

Given a contract and the wheels handed to it, each wheel gets a :class:`Role`: the one wheel
of the contract's package is *under test*, other published wheels are *extra*, and wheels
the contract stages (built elsewhere, not published with this item) are *staged*. The same
checks refuse the same inputs, with the same words, wherever they are made.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from woaport.errors import BadInput
from woaport.files import sha256_file
from woaport.wheelfile import WheelName, parse_wheel_name

if TYPE_CHECKING:
    from woaport.contract import Contract


class Role(enum.StrEnum):
    UNDER_TEST = "under-test"
    EXTRA = "extra"
    STAGED = "staged"


@dataclass(frozen=True, kw_only=True)
class Artifact:
    """A wheel file on this machine, with its identity and its part in the test."""

    path: Path
    name: WheelName
    sha256: str
    size: int
    role: Role

    @classmethod
    def of(cls, path: Path, role: Role) -> Artifact:
        if not path.is_file():
            raise BadInput(f"{path}: no such file; pass the built .whl")
        return cls(
            path=path.resolve(),
            name=parse_wheel_name(path),
            sha256=sha256_file(path),
            size=path.stat().st_size,
            role=role,
        )

    @property
    def filename(self) -> str:
        return self.path.name


def classify(
    contract: Contract, wheels: Iterable[Path], staged: Iterable[Path] = ()
) -> list[Artifact]:
    """The artifacts, in the order given (staged last), after the checks every stage makes:
    exactly one wheel of the contract's package, of a version the contract accepts."""
    package = canonicalize_name(contract.package)
    artifacts = []
    for path in wheels:
        name = parse_wheel_name(path) if path.is_file() else None
        role = Role.UNDER_TEST if name and canonicalize_name(name.name) == package else Role.EXTRA
        artifacts.append(Artifact.of(path, role))
    under_test = [a for a in artifacts if a.role is Role.UNDER_TEST]
    if not under_test:
        given = ", ".join(a.filename for a in artifacts) or "none"
        raise BadInput(
            f"none of the wheels is {contract.package!r}, the package contract "
            f"{contract.smoke_test_id} tests (given: {given})"
        )
    if len(under_test) > 1:
        names = ", ".join(a.filename for a in under_test)
        raise BadInput(
            f"{len(under_test)} wheels of {contract.package} given ({names}); pass exactly one "
            "(one contract run, one queue item per wheel)"
        )
    wheel = under_test[0]
    if contract.version is not None and not contract.version.contains(
        wheel.name.version, prereleases=True
    ):
        raise BadInput(
            f"{wheel.filename}: version {wheel.name.version} does not satisfy the contract's "
            f"version {contract.version}; refusing to test another release than the contract names"
        )
    return artifacts + [Artifact.of(path, Role.STAGED) for path in staged]
