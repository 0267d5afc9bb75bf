"""The fast paths of woaport.analyze give what the plain ways they replace give."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from woaport import analyze

# pieces of Python source that make and unmake `def` lines
_PIECES = st.sampled_from(
    ["def ", "def\t", "def", "async ", "async\t", "asyncdef ", "undef ", " ", "\t", "\n", "x", "#"]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _function_around_plain(text: str, offset: int) -> str:
    """_function_around as the regex `^[ \\t]*(?:async[ \\t]+)?def[ \\t]` (MULTILINE) finds
    its lines, tried at every character."""
    start = 0
    for match in analyze._DEF.finditer(text, max(0, offset - 20_000), offset):
        start = match.start()
    if not start and not text.startswith("def", 0):
        return ""
    after = analyze._DEF.search(text, offset)
    return text[start : after.start() if after else len(text)]


@settings(max_examples=500, deadline=None)
@given(_TEXTS, st.integers(0, 200))
@example("x\n  async def f\n x\ndef g\n", 16)
@example("def f\n x\nundef y\n  def g\n", 8)
@example("def a\n  def f\n", 7)  # from inside the blanks before a `def`: not its line
def test_function_around_finds_the_lines_the_regex_finds(text: str, at: int) -> None:
    offset = at % (len(text) + 1)
    assert analyze._function_around(text, offset) == _function_around_plain(text, offset)


def test_function_around_looks_back_20000_characters_at_most() -> None:
    text = "import os\ndef f():\n" + "    x = 1\n" * 3000 + "    'lib.dll'\n"
    offset = text.index("lib.dll")
    assert _function_around_plain(text, offset) == ""  # the `def` is out of reach
    assert analyze._function_around(text, offset) == ""
    near = "def f():\n    'lib.dll'\ndef g():\n"
    assert analyze._function_around(near, near.index("lib")) == "def f():\n    'lib.dll'\n"


# pieces of the ARM tokens and of the words that hint at them, and their near misses
_ARM_PIECES = st.sampled_from(
    [*analyze.ARM_TOKENS, "_", "__", "ARM", "_NEON", "neon", "arm_", "aarch64", "M_ARM", "64", "x"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_ARM_PIECES, max_size=8).map("".join))
@example("__ARM_NEON")
@example("_M_ARM64")
@example("x__aarch64__x")
def test_has_arm_path_is_any_arm_token(text: str) -> None:
    assert analyze.has_arm_path(text) == any(token in text for token in analyze.ARM_TOKENS)


# pieces of Python string literals that name (or nearly name) C sources; one long enough to
# pass _SOURCE_LITERAL's 300 characters
_SOURCE_PIECES = st.sampled_from(
    [b"'", b'"', b".c", b".cc", b".cpp", b".cxx", b".h", b"a", b"/", b".", b"-", b" ", b"x" * 150]
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_SOURCE_PIECES, max_size=30).map(b"".join))
@example(b"'a.c''b.c'")
@example(b"'a.c'b.c'")  # a closing quote does not open the next literal
@example(b"'" + b"x" * 300 + b".c'")
@example(b"'" + b"x" * 301 + b".c'")  # past the 300 characters
def test_source_literals_are_the_regex_matches(data: bytes) -> None:
    assert analyze._source_literals(data) == analyze._SOURCE_LITERAL.findall(data)
