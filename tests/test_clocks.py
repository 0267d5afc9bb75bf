"""The clock timeouts count: awake time, Windows branch included (a kernel32 stand-in)."""

from __future__ import annotations

import ctypes
import sys
import time
from typing import Any

import pytest

from woaport import clocks


def test_linux_counts_clock_monotonic_not_boottime() -> None:
    # clock_gettime(2) / timerfd_create(2): CLOCK_MONOTONIC stops while the system is
    # suspended, CLOCK_BOOTTIME does not. The awake clock must be the first.
    clock = clocks.awake_clock("posix", "linux")
    assert getattr(clock, "args", None) == (time.CLOCK_MONOTONIC,)
    if sys.platform.startswith("linux"):
        before = time.clock_gettime(time.CLOCK_MONOTONIC)
        now = clock()
        assert before <= now <= time.clock_gettime(time.CLOCK_MONOTONIC)


def test_macos_counts_time_monotonic() -> None:
    assert clocks.awake_clock("posix", "darwin") is time.monotonic


class Kernel32:
    """The two kernel32 functions the Windows branch calls, answering fixed counts."""

    def __init__(self, counts: list[int], precise: bool):
        self.counts = counts
        self.calls: list[str] = []
        if precise:
            self.QueryUnbiasedInterruptTimePrecise = self._precise

    def _write(self, pointer: Any) -> None:
        ctypes.cast(pointer, ctypes.POINTER(ctypes.c_uint64)).contents.value = self.counts.pop(0)

    def _precise(self, pointer: Any) -> None:
        self.calls.append("precise")
        self._write(pointer)

    def QueryUnbiasedInterruptTime(self, pointer: Any) -> int:
        self.calls.append("plain")
        self._write(pointer)
        return 1


@pytest.mark.parametrize(("precise", "called"), [(True, "precise"), (False, "plain")])
def test_windows_counts_unbiased_interrupt_time(precise: bool, called: str) -> None:
    # QueryUnbiasedInterruptTime: 100 ns units, not counting sleep or hibernation.
    kernel32 = Kernel32([123_456_789, 223_456_789], precise)
    clock = clocks.awake_clock("nt", "win32", kernel32=kernel32)
    assert clock() == pytest.approx(12.3456789)
    assert clock() - 12.3456789 == pytest.approx(10.0)
    assert kernel32.calls == [called, called]


def test_a_failing_query_is_an_error() -> None:
    class Failing:
        def QueryUnbiasedInterruptTime(self, pointer: Any) -> int:
            return 0

    with pytest.raises(OSError, match="QueryUnbiasedInterruptTime"):
        clocks.awake_clock("nt", "win32", kernel32=Failing())()
