"""UI handlers called directly with a searcher over the fake-embedded corpus."""

from __future__ import annotations

import gradio as gr
import pytest

from app.search import Searcher
from app.ui import build_app, render_hit, search_handler
from indexer.models import Hit


def test_handler_renders_cited_hits(searcher: Searcher) -> None:
    page = search_handler(searcher, "balanskontot", 3)
    assert page.count('<article class="hit">') == 3
    assert "Källa:" in page and "Skaraborgs Kommunalförbund" in page


def test_empty_question_is_a_swedish_error(searcher: Searcher) -> None:
    with pytest.raises(gr.Error, match="Skriv en fråga"):
        search_handler(searcher, "   ", 5)


def test_hit_html_is_escaped() -> None:
    hit = Hit(
        1,
        0.5,
        "f.txt",
        "1",
        "<script>x</script>",
        None,
        "Org",
        "Nämnd",
        "2024-01-01",
        "Org, Nämnd, protokoll 2024-01-01, § 1",
        "<b>text</b>",
        "<b>text</b>",
    )
    html = render_hit(hit)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html


def test_app_builds(searcher: Searcher) -> None:
    assert isinstance(build_app(searcher), gr.Blocks)


def test_handler_asks_the_live_searcher_for_the_current_index(searcher: Searcher) -> None:
    from app.live import LiveSearcher

    class Following(LiveSearcher):
        def __init__(self) -> None:  # no index folder: hand out the session's searcher
            self.asked = 0

        def get(self) -> Searcher:
            self.asked += 1
            return searcher

    live = Following()
    page = search_handler(live, "balanskontot", 2)
    assert live.asked == 1 and page.count('<article class="hit">') == 2


def test_a_hit_on_a_matter_shows_its_path_with_its_own_meeting_marked(searcher: Searcher) -> None:
    page = search_handler(searcher, "Vad beslutades i ärende SLK-2024-00704?", 1)
    assert '<ol class="matter-path">' in page and "Ärende SLK-2024-00704 i 3 möten" in page
    assert "<strong>2025-06-12 · Kommunfullmäktige · § 345 · avslag</strong>" in page
    assert "2025-01-15 · Kommunstyrelsen · § 29 · förslag till Kommunfullmäktige: avslag" in page


def test_the_matter_view(searcher: Searcher) -> None:
    from app.ui import matter_handler

    page = matter_handler(searcher, "SLK-2024-00704")
    assert page.count('<li class="appearance">') == 3 and "Status: <strong>avslag</strong>" in page
    assert "finns inte i protokollen" in matter_handler(searcher, "SLK-2099-00001")
    with pytest.raises(gr.Error, match="inget ärendenummer"):
        matter_handler(searcher, "allvarsamtal")
    with pytest.raises(gr.Error, match="Skriv ett ärendenummer"):
        matter_handler(searcher, "  ")
