"""The real page in headless Chromium (Debian's chromium, driven by Playwright) over the real model's index of
the corpus: ask, read the answer and its marked sources, copy, filter, follow up, look up a matter, open a
protocol, resist markup, fit a phone. Screenshots of the main views go to docs/screenshots/."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.cli import open_searcher
from app.config import Settings
from app.ui import serve
from tests.conftest import DEV_QUESTIONS, ROOT, free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.model,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed"),
]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE_WIDTH = 390
"""The narrowest common phone (iPhone 12–15): the page must not scroll sideways at this width."""


@pytest.fixture(scope="module")
def page_url(real_index: Path) -> Iterator[str]:
    searcher = open_searcher(Settings.from_env().with_overrides(index_dir=str(real_index)))
    port = free_port()
    app = serve(searcher, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


@pytest.fixture
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, page_url: str) -> Iterator[Any]:
    context = browser.new_context(
        permissions=["clipboard-read", "clipboard-write"], viewport={"width": 1200, "height": 900}
    )
    page = context.new_page()
    page.goto(page_url)
    yield page
    context.close()


def ask(page: Any, question: str) -> None:
    box = page.get_by_label("Fråga")
    box.fill(question)
    box.press("Enter")
    page.wait_for_selector("section.answer", timeout=60_000)


def test_a_dev_question_shows_its_gold_citation_with_the_quote_marked(page: Any) -> None:
    question = json.loads(DEV_QUESTIONS.read_text("utf-8").splitlines()[0])
    ask(page, question["question"])
    gold = question["gold"][0] if question.get("gold") else None
    first = page.locator("article.hit").first
    heading = first.locator("h3.citation").inner_text()
    if gold:
        assert f"§ {gold['paragraph']}" in heading or f"punkt {gold['paragraph']}" in heading
    first.locator("summary").last.click()
    mark = first.locator("pre.paragraph mark")
    assert mark.count() == 1 and mark.inner_text().strip()
    page.screenshot(path=str(SCREENSHOTS / "sok.png"), full_page=True)


def test_the_copy_button_puts_the_citation_on_the_clipboard(page: Any) -> None:
    ask(page, "Hur mycket statsbidrag fick regionalt yrkesvux?")
    first = page.locator("article.hit").first
    first.locator("button.copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Skaraborgs Kommunalförbund, Skol- och utbildningschefer, protokoll 2024-08-23, § 97: »")


def test_a_date_filter_removes_older_hits_and_still_fills_the_list(page: Any) -> None:
    page.get_by_text("Filter").first.click()
    page.get_by_label("Från datum").fill("2025-01-01")
    ask(page, "budget")
    dates = page.locator("article.hit:not(.same-matter) h3.citation").all_inner_texts()
    assert len(page.locator("article.hit").all()) >= 5
    for heading in dates:
        assert "protokoll 2025" in heading or "protokoll 2026" in heading, heading


def test_a_follow_up_question_lands_on_the_council(page: Any) -> None:
    ask(page, "Vad beslutades om mobilfri grundskola?")
    page.get_by_label("Fråga").fill("Och vad sa fullmäktige?")
    page.get_by_label("Fråga").press("Enter")
    page.wait_for_selector("text=Tolkad som", timeout=60_000)
    heading = page.locator("article.hit").first.locator("h3.citation").inner_text()
    assert "Kommunfullmäktige, protokoll 2025-06-12, § 353" in heading


def test_the_matter_view_shows_the_path_in_date_order(page: Any) -> None:
    page.get_by_role("tab", name="Ärenden").click()
    page.get_by_label("Ärendenummer").fill("SLK-2024-00704")
    page.get_by_role("button", name="Visa ärendet").click()
    page.wait_for_selector("section.matter-view", timeout=30_000)
    steps = page.locator("li.appearance > strong").all_inner_texts()
    assert [s.split(" · ")[0] for s in steps] == ["2024-12-11", "2025-01-15", "2025-06-12"]
    page.screenshot(path=str(SCREENSHOTS / "arenden.png"), full_page=True)


def test_a_hit_opens_its_protocol_at_the_paragraph(page: Any) -> None:
    ask(page, "Vad beslutades i ärende SLK-2024-00704?")
    with page.expect_popup() as popup:
        page.locator("article.hit").first.locator("a.open").click()
    protocol = popup.value
    protocol.wait_for_load_state()
    assert protocol.url.endswith("#p-345")
    assert protocol.locator("section#p-345 mark").count() == 1
    page.get_by_role("tab", name="Protokoll").click()
    page.wait_for_selector("table", timeout=30_000)
    page.screenshot(path=str(SCREENSHOTS / "protokoll.png"), full_page=True)


def test_markup_in_a_protocol_runs_nothing(browser: Any, tmp_path: Path) -> None:
    from app.search import Searcher
    from indexer.build import build_index
    from indexer.index.store import load_index
    from tests.fakes import FakeEmbedder

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        'Kommunstyrelsen\nProtokoll 2025-01-01\n\n§ 1 Ärende <img src=x onerror="window.pwned=1">\n\n'
        "Beslut\n\nText <script>window.pwned=2</script> om skolor <b>fet</b>.\n",
        encoding="utf-8",
    )
    embedder = FakeEmbedder()
    build_index(corpus, tmp_path / "idx", embedder)
    port = free_port()
    app = serve(
        Searcher(load_index(tmp_path / "idx"), embedder), "127.0.0.1", port, prevent_thread_lock=True, quiet=True
    )
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        ask(page, "skolor")
        page.locator("article.hit").first.locator("summary").last.click()
        with page.expect_popup() as popup:
            page.locator("article.hit").first.locator("a.open").click()
        popup.value.wait_for_load_state()
        for p in (page, popup.value):
            assert p.evaluate("window.pwned === undefined")
            assert p.locator("img[onerror], script:text('pwned')").count() == 0
        assert "<script>window.pwned=2</script>" in page.locator("article.hit").first.inner_text()
    finally:
        app.close()


def test_a_phone_has_no_horizontal_scroll(browser: Any, page_url: str) -> None:
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844})
    page = context.new_page()
    page.goto(page_url)
    ask(page, "Vad beslutades om motionen om allvarsamtal?")
    page.locator("article.hit").first.locator("summary").last.click()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SCREENSHOTS / "telefon.png"), full_page=False)
    context.close()
    assert width <= PHONE_WIDTH


def test_an_empty_question_is_a_swedish_message(page: Any) -> None:
    page.get_by_role("button", name="Sök").click()
    page.get_by_text("Skriv en fråga.").first.wait_for(timeout=30_000)


def test_an_uploaded_pdf_is_answered_with_its_page(browser: Any, tmp_path: Path) -> None:
    from app.live import LiveSearcher
    from app.upload import Uploads
    from indexer.build import build_index
    from tests.fakes import FakeEmbedder
    from tests.pdf_maker import make_pdf

    library = tmp_path / "bibliotek"
    library.mkdir()
    shutil.copy(ROOT / "corpus" / "000_a1d265b92dc01c91.txt", library)
    embedder = FakeEmbedder("fake")
    build_index(library, tmp_path / "idx", embedder)
    settings = Settings(tmp_path / "idx", "fake")
    live = LiveSearcher(tmp_path / "idx", lambda: open_searcher(settings, embedder))
    lines = (Path(__file__).parent / "data" / "Lomma_Kulturnamnden_2026-09-15.txt").read_text("utf-8").split("\n")
    upload = tmp_path / "upload" / "Kulturnämnden 2026-09-15.pdf"
    upload.parent.mkdir()
    upload.write_bytes(make_pdf([lines[:12], lines[12:]], footer="Sida {page} av {pages}"))
    (upload.parent / "program.exe").write_bytes(b"MZ\x90\x00")
    port = free_port()
    app = serve(
        live,
        "127.0.0.1",
        port,
        Uploads(library, tmp_path / "idx", lambda: embedder, live),
        prevent_thread_lock=True,
        quiet=True,
    )
    try:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("tab", name="Lägg till").click()
        page.locator("input[type=file]").set_input_files([str(upload), str(upload.parent / "program.exe")])
        page.get_by_role("button", name="Lägg till protokoll").click()
        report = page.locator("section.add-report")
        report.wait_for(timeout=60_000)
        shown = report.inner_text()
        assert "Tillagt: Kulturnämnden 2026-09-15.pdf — 2 paragrafer, 2 sidor" in shown
        assert "Inte tillagt: program.exe — filtypen kan inte läsas" in shown
        page.locator(".pending").first.wait_for(state="detached", timeout=30_000)  # the emptied picker settles
        page.screenshot(path=str(SCREENSHOTS / "lagg-till.png"), full_page=False)
        assert (library / "Kulturnämnden 2026-09-15.pdf").read_bytes() == upload.read_bytes()
        page.get_by_role("tab", name="Sök").click()
        ask(page, "Vad beslutade kulturnämnden om kulturpriset 2026?")
        heading = page.locator("article.hit").first.locator("h3.citation").inner_text()
        assert "Kulturnämnden" in heading and "§ 13, s. 2" in heading
    finally:
        app.close()
