"""Which index pip would use, from its documented variables and configuration files
(https://pip.pypa.io/en/stable/topics/configuration/), without importing or running pip.
Real files in temporary folders; the Windows and macOS layouts are parametrised."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from woaport import index
from woaport.errors import BadInput
from woaport.index import PYPI_SIMPLE, default_index_url, pip_config_files


@pytest.fixture(autouse=True)
def no_machine_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """/etc/pip.conf of the machine running the tests stays out of them."""
    monkeypatch.setattr(index, "UNIX_ETC", tmp_path / "etc")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def layout(tmp_path: Path, platform: str) -> tuple[dict[str, str], dict[str, Path]]:
    """An environment and the user/global/site file paths pip uses on ``platform``."""
    home = tmp_path / "home"
    if platform == "win32":
        env = {
            "USERPROFILE": str(home),
            "APPDATA": str(home / "AppData" / "Roaming"),
            "PROGRAMDATA": str(tmp_path / "ProgramData"),
        }
        files = {
            "global": tmp_path / "ProgramData" / "pip" / "pip.ini",  # C:\ProgramData\pip\pip.ini
            "legacy": home / "pip" / "pip.ini",  # %HOME%\pip\pip.ini
            "user": home / "AppData" / "Roaming" / "pip" / "pip.ini",  # %APPDATA%\pip\pip.ini
            "site": tmp_path / "venv" / "pip.ini",  # %VIRTUAL_ENV%\pip.ini
        }
    elif platform == "darwin":
        env = {"HOME": str(home)}
        (home / "Library" / "Application Support" / "pip").mkdir(parents=True)
        files = {
            "global": Path("/Library/Application Support/pip/pip.conf"),
            "legacy": home / ".pip" / "pip.conf",
            "user": home / "Library" / "Application Support" / "pip" / "pip.conf",
            "site": tmp_path / "venv" / "pip.conf",
        }
    else:
        env = {"HOME": str(home), "XDG_CONFIG_DIRS": str(tmp_path / "xdg")}
        files = {
            "global": tmp_path / "xdg" / "pip" / "pip.conf",
            "legacy": home / ".pip" / "pip.conf",
            "user": home / ".config" / "pip" / "pip.conf",
            "site": tmp_path / "venv" / "pip.conf",
        }
    return env, files


PLATFORMS = ["linux", "darwin", "win32"]


@pytest.mark.parametrize("platform", PLATFORMS)
def test_the_files_pip_documents_in_its_order(tmp_path: Path, platform: str) -> None:
    env, files = layout(tmp_path, platform)
    found = pip_config_files(env, platform, tmp_path / "venv")
    order = [found.index(files[k]) for k in ("global", "legacy", "user", "site")]
    assert order == sorted(order)


@pytest.mark.parametrize("platform", PLATFORMS)
def test_later_files_win(tmp_path: Path, platform: str) -> None:
    env, files = layout(tmp_path, platform)
    prefix = tmp_path / "venv"
    assert default_index_url(env, platform=platform, prefix=prefix) == PYPI_SIMPLE
    for level in ("legacy", "user", "site"):
        write(files[level], f"[global]\nindex-url = https://{level}.example/simple\n")
        got = default_index_url(env, platform=platform, prefix=prefix)
        assert got == f"https://{level}.example/simple"


def test_windows_appdata_pip_ini(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "win32")
    write(files["user"], "[global]\nindex-url = https://corp.example/simple\n")
    assert files["user"].as_posix().endswith("AppData/Roaming/pip/pip.ini")
    url = default_index_url(env, platform="win32", prefix=tmp_path / "venv")
    assert url == "https://corp.example/simple"


def test_global_file_and_etc(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "linux")
    write(files["global"], "[global]\nindex-url = https://xdg.example/simple\n")
    assert default_index_url(env, platform="linux", prefix=tmp_path) == "https://xdg.example/simple"
    write(tmp_path / "etc" / "pip.conf", "[global]\nindex-url = https://etc.example/simple\n")
    assert default_index_url(env, platform="linux", prefix=tmp_path) == "https://etc.example/simple"


def test_install_section_overrides_global(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "linux")
    write(files["legacy"], "[install]\nindex_url = https://install.example/simple\n")
    write(files["site"], "[global]\nindex-url = https://global.example/simple\n")
    got = default_index_url(env, platform="linux", prefix=tmp_path / "venv")
    assert got == "https://install.example/simple"  # names normalised like pip: _ is -


def test_variables_win_over_files(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "linux")
    write(files["user"], "[global]\nindex-url = https://file.example/simple\n")
    prefix = tmp_path / "venv"
    env["PIP_INDEX_URL"] = "https://pip-env.example/simple"
    assert default_index_url(env, platform="linux", prefix=prefix) == env["PIP_INDEX_URL"]
    env["WOAPORT_INDEX_URL"] = "https://woaport.example/simple"
    assert default_index_url(env, platform="linux", prefix=prefix) == env["WOAPORT_INDEX_URL"]


def test_pip_config_file_wins_and_hides_user_files(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "linux")
    write(files["user"], "[global]\nindex-url = https://user.example/simple\n")
    chosen = write(tmp_path / "chosen.conf", "[global]\ntimeout = 5\n")
    env["PIP_CONFIG_FILE"] = str(chosen)
    assert default_index_url(env, platform="linux", prefix=tmp_path / "venv") == PYPI_SIMPLE
    write(chosen, "[global]\nindex-url = https://chosen.example/simple\n")
    write(files["site"], "[global]\nindex-url = https://site.example/simple\n")
    got = default_index_url(env, platform="linux", prefix=tmp_path / "venv")
    assert got == "https://chosen.example/simple"
    env["PIP_CONFIG_FILE"] = os.devnull
    assert default_index_url(env, platform="linux", prefix=tmp_path / "venv") == PYPI_SIMPLE


def test_unreadable_file_is_named(tmp_path: Path) -> None:
    env, files = layout(tmp_path, "linux")
    write(files["user"], "index-url = no section header\n")
    with pytest.raises(BadInput, match=r"pip\.conf.*--index-url"):
        default_index_url(env, platform="linux", prefix=tmp_path / "venv")


@pytest.mark.parametrize(
    "files",
    [
        {},
        {"user": "[global]\nindex-url = https://user.example/simple\n"},
        {
            "legacy": "[global]\nindex-url = https://legacy.example/simple\n",
            "site": "[install]\nindex-url = https://site.example/simple\n",
        },
        {
            "user": "[install]\nindex-url = https://install.example/simple\n",
            "site": "[global]\nindex-url = https://global.example/simple\n",
        },
    ],
)
def test_agrees_with_pip_itself(tmp_path: Path, files: dict[str, str]) -> None:
    """The same files, asked of the real pip (`pip config list` in a subprocess)."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    env, paths = layout(tmp_path, "linux")
    for level, text in files.items():
        write(paths[level], text)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "XDG_"))}
    clean.update(env, PYTHONPATH=str(Path(__import__("pip").__file__).parent.parent))
    listed = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "config", "list"],
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_pip = {
        key.split(".", 1)[0]: value.strip("'")
        for key, _, value in (line.partition("=") for line in listed.splitlines())
        if key.endswith(".index-url")
    }
    expected = by_pip.get("install") or by_pip.get("download") or by_pip.get("global")
    # pip's own /etc/pip.conf is read by pip: keep only the files this test wrote.
    ours = default_index_url(env, platform="linux", prefix=venv)
    assert ours == (expected or PYPI_SIMPLE)
