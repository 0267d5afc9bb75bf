"""woaport's self-test package: one native function, and the machine it was built for."""

from woaselftest._native import add, machine

__all__ = ["add", "machine"]
