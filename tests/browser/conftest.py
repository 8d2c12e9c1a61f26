"""A real Chromium (Debian's, driven by Playwright) against a real `python run.py`."""

import shutil
from pathlib import Path

import pytest
from helpers import ARTIFACTS, log_in_page, rest_client, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def pytest_collection_modifyitems(items):
    missing = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                 reason="Debian's chromium is not installed (apt-get install chromium)")
    for item in items:
        if "browser" in item.nodeid:
            item.add_marker(missing)


@pytest.fixture(scope="session")
def shop(tmp_path_factory):
    """A fresh install with the demo shop."""
    yield from serving(tmp_path_factory.mktemp("shop"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, shop):
    ARTIFACTS.mkdir(exist_ok=True)
    page = log_in_page(browser, shop, "owner", shop.owner_password())
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def rest(shop):
    """The shop's JSON API with an owner's token (to set up records and check what was saved)."""
    client = rest_client(shop, "grid-tests")
    return lambda method, path, **kwargs: client(method, path, **kwargs)[1]


CLIENTS = iter(range(10, 100))


@pytest.fixture
def client(rest):
    """A customer of this test's own: its orders are the grid the test works in."""
    n = next(CLIENTS)
    return rest("POST", "/api/customer", json={"name": f"Grid Client {n}",
                                               "phone": f"+7 916 555-00-{n}"})
