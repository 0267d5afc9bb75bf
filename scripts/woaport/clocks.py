"""The clock step timeouts are measured on: the time the machine was awake.

A laptop that sleeps through a step (lid closed, battery saver) must not wake up to find
the step timed out: the step did not run while the machine slept. So a timeout counts a
clock that stops in sleep:

* Linux: ``CLOCK_MONOTONIC``, which "does not measure the time while a system is
  suspended", where ``CLOCK_BOOTTIME`` "does include the time during which the system is
  suspended" (timerfd_create(2), clock_gettime(2):
  https://man7.org/linux/man-pages/man2/timerfd_create.2.html). (A 2018 kernel change
  that made the two the same was reverted before it was released: programs rely on it.)
* Windows: ``QueryUnbiasedInterruptTime``: "The unbiased interrupt-time count does not
  include time the system spends in sleep or hibernation"
  (https://learn.microsoft.com/en-us/windows/win32/api/realtimeapiset/nf-realtimeapiset-queryunbiasedinterrupttime),
  its ``Precise`` form (Windows 10) where there is one. Python's ``time.monotonic()`` is
  ``GetTickCount64`` before 3.13 (python/cpython#88494), which *includes* sleep and
  hibernation (.NET's note on moving ``Environment.TickCount64`` off it:
  https://learn.microsoft.com/en-us/dotnet/core/compatibility/core-libraries/11/environment-tickcount-windows-behavior).
* macOS: ``time.monotonic()`` is ``mach_absolute_time``, which "does not increment while
  the system is asleep" (Apple's documentation, quoted in python-trio/trio#1586).

A clock is a function of no argument returning seconds; tests inject their own.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import time
from collections.abc import Callable
from typing import Any

Clock = Callable[[], float]
HUNDRED_NS = 1e-7  # the unit of interrupt time


def awake_clock(
    os_name: str = os.name, platform: str = sys.platform, kernel32: Any = None
) -> Clock:
    """This machine's clock of awake time (see the module docstring)."""
    if os_name == "nt":
        return unbiased_interrupt_time(kernel32 if kernel32 is not None else _kernel32())
    if platform.startswith("linux"):
        return functools.partial(time.clock_gettime, time.CLOCK_MONOTONIC)
    return time.monotonic


def unbiased_interrupt_time(kernel32: Any) -> Clock:
    precise = getattr(kernel32, "QueryUnbiasedInterruptTimePrecise", None)

    def now() -> float:
        count = ctypes.c_uint64()
        if precise is not None:
            precise(ctypes.byref(count))  # returns nothing
        elif not kernel32.QueryUnbiasedInterruptTime(ctypes.byref(count)):
            raise OSError("QueryUnbiasedInterruptTime failed")
        return count.value * HUNDRED_NS

    return now


def _kernel32() -> Any:
    return getattr(ctypes, "WinDLL")("kernel32")  # noqa: B009 - Windows only
