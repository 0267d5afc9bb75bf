"""The status page in a real browser: headless Chromium loads the generated index.html,
and the test searches, filters, sorts and takes a screenshot.

Needs Chromium and its driver (Debian: ``apt-get install -y chromium chromium-driver``) and
selenium (a dev dependency); without them the test is skipped, saying which is missing.
Set WOAPORT_PAGE_SCREENSHOT=path to keep the screenshot.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from woaport import inventory
from woaport.documents.facts import IndexFacts, Kind, PackageFacts, Regression
from woaport.documents.states import State
from woaport.documents.status import PackageStatus, Status
from woaport.views.page import page

ROOT = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")


def status_of(count: int) -> Status:
    states = [State.NATIVE, State.PURE, State.READY, State.AWAITING_PARENTS, State.SDIST_ONLY]
    packages = {}
    for i in range(count):
        state = states[i % len(states)]
        kind = {
            State.NATIVE: Kind.NATIVE,
            State.PURE: Kind.PURE,
            State.SDIST_ONLY: Kind.SDIST_ONLY,
        }.get(state, Kind.NEEDS_PORTING)
        regressed = (
            Regression(last_native="0.9", latest="1.0", latest_has_sdist=True) if i == 7 else None
        )
        name = f"pkg{i:03d}"
        packages[name] = PackageStatus(
            name=name,
            state=state,
            cause="<img src=x onerror=alert(1)>" if i == 3 else f"cause {i}",
            facts=PackageFacts(
                pypi=IndexFacts(
                    version="1.0",
                    kind=kind,
                    coverage=("cp312", "cp313") if kind is Kind.NATIVE else (),
                    regressed=regressed,
                )
            ),
            rank=i + 1,
            downloads=10_000 - i,
            reach=i % 4,
        )
    return Status(updated="2026-11-21T00:00:00Z", packages=packages)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None or DRIVER is None:
        pytest.skip(
            "headless Chromium is not installed: apt-get install -y chromium chromium-driver"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="pip install selenium")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(argument)
    service = webdriver.ChromeService(executable_path=DRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()


def rendered(tmp_path: Path, status: Status) -> Path:
    history = inventory.History(
        points=(
            inventory.CoveragePoint(date="2026-10-01", top=40, installable=30, native=10, pure=20),
            inventory.CoveragePoint(date="2026-11-01", top=40, installable=32, native=12, pure=20),
        )
    )
    history = inventory.record_history(history, status, "2026-11-21")
    path = tmp_path / "index.html"
    path.write_text(page([], status, history), encoding="utf-8")
    return path


def names(driver: Any) -> list[str]:
    rows = driver.find_elements("css selector", "#packages tbody tr")
    return [r.get_attribute("data-name") for r in rows]


def test_page_loads_filters_sorts(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.support.ui import Select

    path = rendered(tmp_path, status_of(40))
    browser.get(path.as_uri())
    assert browser.title.startswith("Windows on Arm")
    assert names(browser)[:3] == ["pkg000", "pkg001", "pkg002"]  # by rank
    assert browser.find_element("id", "shown").text == "40 of 40 packages"
    # Untrusted text is text, not markup.
    assert browser.find_elements("css selector", "#packages img") == []
    assert "<img src=x" in browser.find_element("css selector", "tr[data-name=pkg003]").text

    search = browser.find_element("id", "search")
    search.send_keys("pkg01")
    assert names(browser) == [f"pkg01{i}" for i in range(10)]
    search.clear()
    search.send_keys(" ")  # an input event with an empty query
    assert len(names(browser)) == 40

    Select(browser.find_element("id", "state")).select_by_value("awaiting-parents")
    shown = names(browser)
    assert shown == [f"pkg{i:03d}" for i in range(3, 40, 5)]
    assert {
        r.get_attribute("data-state")
        for r in browser.find_elements("css selector", "#packages tbody tr")
    } == {"awaiting-parents"}
    Select(browser.find_element("id", "state")).select_by_value("")

    browser.find_element("id", "regressed").click()
    assert names(browser) == ["pkg007"]
    browser.find_element("id", "regressed").click()

    rank = browser.find_element("css selector", "th[data-key=rank]")
    rank.click()  # already sorted by rank ascending: the click turns it around
    assert names(browser)[0] == "pkg039"
    assert rank.get_attribute("aria-sort") == "descending"
    browser.find_element("css selector", "th[data-key=reach]").click()
    reach = [
        int(r.text)
        for r in browser.find_elements("css selector", "#packages tbody tr td:nth-child(7)")
    ]
    assert reach == sorted(reach)

    chart = browser.find_element("id", "chart")
    assert len(chart.find_elements("css selector", "circle")) == 3
    screenshot = Path(os.environ.get("WOAPORT_PAGE_SCREENSHOT", tmp_path / "page.png"))
    assert browser.save_screenshot(str(screenshot))
    assert screenshot.stat().st_size > 10_000


def test_shipped_page_loads(browser: Any) -> None:
    """inventory/index.html, as committed, shows every package of status.json."""
    shipped = ROOT / "inventory" / "index.html"
    browser.get(shipped.as_uri())
    status = inventory.load_status(ROOT / "inventory" / "status.json")
    assert browser.find_element("id", "shown").text == (
        f"{len(status.packages)} of {len(status.packages)} packages"
    )
