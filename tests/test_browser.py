"""The real page in headless Chromium (Debian's chromium, driven by Playwright): ask, read the sources."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.search import Searcher
from app.ui import build_app
from indexer.build import build_index
from indexer.index.store import load_index
from tests.conftest import FakeEmbedder

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def page_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("ui")
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    embedder = FakeEmbedder()
    build_index(corpus, root / "idx", embedder)
    app = build_app(Searcher(load_index(root / "idx"), embedder))
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


@pytest.fixture
def page(page_url: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page()
        page.goto(page_url)
        yield page
        browser.close()


def test_question_gives_cited_hits(page: Any) -> None:
    page.get_by_label("Fråga").fill("balanskontot")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_selector("article.hit", timeout=30_000)
    assert page.locator("article.hit").count() == 5
    text = page.locator("article.hit").first.inner_text()
    assert "Källa:" in text and "protokoll 20" in text
    citation = "Skaraborgs Kommunalförbund, Skol- och utbildningschefer, protokoll 2024-08-23, § 97"
    assert page.get_by_text(citation).count()


def test_empty_question_shows_swedish_error(page: Any) -> None:
    page.get_by_role("button", name="Sök").click()
    page.get_by_text("Skriv en fråga.").first.wait_for(timeout=30_000)


def test_a_hit_shows_its_matter_path(page: Any) -> None:
    page.get_by_label("Fråga").fill("Vad beslutades i ärende SLK-2024-00704?")
    page.get_by_role("button", name="Sök").click()
    page.wait_for_selector("ol.matter-path", timeout=30_000)
    path = page.locator("article.hit").first.locator("ol.matter-path").inner_text()
    assert path.index("2024-12-11") < path.index("2025-01-15") < path.index("2025-06-12")
    assert "förslag till Kommunfullmäktige: avslag" in path


def test_the_arenden_view_looks_up_a_case_number(page: Any) -> None:
    page.get_by_role("tab", name="Ärenden").click()
    page.get_by_label("Ärendenummer").fill("bun/2023:206")
    page.get_by_role("button", name="Visa ärendet").click()
    page.wait_for_selector("section.matter-view", timeout=30_000)
    text = page.locator("section.matter-view").inner_text()
    assert "BUN/2023:206" in text and "7 ja, 2 nej, 2 avstår" in text and "Natalia Engstedt (SD)" in text
