from __future__ import annotations

import threading
import time

import pytest

from woaport.wheelfile import MemoryBudget, parse_record, parse_wheel_metadata
from woaport.windll import expected_python_dll


def test_budget_makes_a_second_holder_wait() -> None:
    budget = MemoryBudget(10)
    budget.acquire(8)
    got = threading.Event()

    def second() -> None:
        budget.acquire(8)
        got.set()

    thread = threading.Thread(target=second)
    thread.start()
    assert not got.wait(0.2)  # 8 + 8 > 10: waits
    budget.release(8)
    assert got.wait(5)
    thread.join()
    assert budget.in_use == 8


def test_budget_lets_one_oversized_holder_through() -> None:
    budget = MemoryBudget(10)
    start = time.monotonic()
    budget.acquire(50)
    assert time.monotonic() - start < 1
    budget.release(50)
    assert budget.in_use == 0


def test_record_crlf_and_missing_fields() -> None:
    text = "a.py,sha256=abc,12\r\nb.dist-info/RECORD,,\r\nc.py,sha256=def,notanumber\r\n"
    entries = parse_record(text)
    assert entries["a.py"].digest == "abc" and entries["a.py"].size == 12
    assert entries["b.dist-info/RECORD"].algorithm is None
    assert entries["c.py"].size == -1


def test_record_quoted_path_with_comma() -> None:
    entries = parse_record('"dir/a,b.txt",sha256=xyz,3\n')
    assert entries["dir/a,b.txt"].digest == "xyz"


def test_wheel_metadata_tags_crlf() -> None:
    text = (
        "Wheel-Version: 1.0\r\nTag: py2-none-any\r\ntag: py3-none-any\r\nRoot-Is-Purelib: true\r\n"
    )
    assert parse_wheel_metadata(text) == ["py2-none-any", "py3-none-any"]


@pytest.mark.parametrize(
    ("abi", "expected"),
    [
        ("cp312", "python312.dll"),
        ("cp313t", "python313t.dll"),
        ("cp39", "python39.dll"),
        ("abi3", "python3.dll"),
        ("none", None),
        ("pypy310_pp73", None),
    ],
)
def test_expected_python_dll(abi: str, expected: str | None) -> None:
    assert expected_python_dll(abi) == expected
