"""Where a package stands on Windows on Arm: one ``State``, carrying its badge, legend and
place in the README, so no view keeps a table of its own.

The words follow conda-forge's migration statuses where they fit (``awaiting-parents``,
``ready``, ``in-pr``, and ``done`` as the property of the finished states; see
https://conda-forge.org/status/ , the win-arm64 migration), beside woaport's own
(``in-fork``, ``ci-validated``, ``device-validated``, ``failing`` with a stage and a cause,
``merged``). conda-forge's *done* is a merged pull request, because a merged feedstock
publishes; upstream, a merge publishes nothing until the project's next release, so a
merged pull request is ``merged`` here, and the package is done (``native``) when the
index has its win_arm64 wheels.
Members are listed in the order the README lists them: what needs a person first.
"""

from __future__ import annotations

import enum


class State(enum.StrEnum):
    FAILING = "failing"
    """The port broke; the stage (build, payload, ci-contract, device-contract) and the cause
    say where and why."""
    IN_FORK = "in-fork"  # a fork is set up; its port run has not finished (or not run yet)
    CI_VALIDATED = "ci-validated"  # the wheel passed on a hosted windows-11-arm runner
    IN_PR = "in-pr"  # upstream has an open pull request for win_arm64 wheels
    DONE = (
        "done"  # upstream merged the lane (conda-forge's word); wheels come with its next release
    )
    READY = "ready"  # needs porting, nobody has started, nothing stands in the way
    AWAITING_PARENTS = "awaiting-parents"  # a required dependency needs porting first
    BLOCKED = "blocked"  # a person wrote down why it cannot go on
    SDIST_ONLY = "sdist-only"  # no wheels at all: pip builds it (pure Python or not)
    DEVICE_VALIDATED = "device-validated"  # the exact artifact passed on a real device
    NATIVE = "native"  # the index has win_arm64 wheels (py3-none-win_arm64 included)
    PURE = "pure"  # a wheel that installs anywhere (py3-none-any)

    @property
    def done(self) -> bool:
        """conda-forge's *done*: a Windows-on-Arm user can install a wheel of it."""
        return self in (State.NATIVE, State.PURE, State.DEVICE_VALIDATED)

    @property
    def satisfied(self) -> bool:
        """A dependency in this state has a win_arm64 (or pure) wheel to build against or
        to stage; a package waiting on it is not held back."""
        return self.done or self is State.CI_VALIDATED

    @property
    def needs_person(self) -> bool:
        """Shown first in the README: somebody has to act."""
        return self in (State.FAILING, State.IN_FORK, State.CI_VALIDATED, State.BLOCKED)

    @property
    def needs_porting(self) -> bool:
        """Native code without a win_arm64 wheel on the index, whatever the port's progress."""
        return not self.done and self is not State.SDIST_ONLY

    @property
    def order(self) -> int:
        return list(State).index(self)

    @property
    def badge(self) -> str:
        return _BADGES[self]

    @property
    def legend(self) -> str:
        return _LEGENDS[self]


_BADGES = {
    State.FAILING: "🔴 failing",
    State.IN_FORK: "🟡 in fork",
    State.CI_VALIDATED: "🔵 CI-validated",
    State.IN_PR: "🟣 in PR",
    State.DONE: "🟣 done upstream",
    State.READY: "🟠 ready",
    State.AWAITING_PARENTS: "⏳ awaiting parents",
    State.BLOCKED: "⛔ blocked",
    State.SDIST_ONLY: "📦 sdist only",
    State.DEVICE_VALIDATED: "✅ device-validated",
    State.NATIVE: "🟢 native",
    State.PURE: "🟢 pure",
}
_LEGENDS = {
    State.FAILING: "the port broke; the cause says at which stage (build, payload, "
    "ci-contract, device-contract)",
    State.IN_FORK: "a fork is set up; its port run has not finished (or not run yet)",
    State.CI_VALIDATED: "the wheel passed its contract on a windows-11-arm runner; "
    "waiting for a device",
    State.IN_PR: "upstream has an open pull request for win_arm64 wheels; follow the link",
    State.DONE: "upstream merged the pull request; win_arm64 wheels come with its next "
    "release (then: native)",
    State.READY: "needs porting; not started, and nothing stands in the way",
    State.AWAITING_PARENTS: "needs porting, after the packages named (required dependencies "
    "without a win_arm64 wheel)",
    State.BLOCKED: "a person wrote down why it cannot go on",
    State.SDIST_ONLY: "no wheel at all: pip builds it from source (fine when it is pure Python)",
    State.DEVICE_VALIDATED: "the exact artifact passed the same contract on a real "
    "Windows-on-Arm device",
    State.NATIVE: "the package index has win_arm64 wheels: nothing to port",
    State.PURE: "a wheel that installs anywhere (py3-none-any): nothing to port",
}
