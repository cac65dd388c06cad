"""The running app over loopback (fake embedder): JSON endpoints through gradio_client, the MCP tool
schema, the protocol pages, and `serve`'s refusal to open the archive to the network without a login."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api import Api
from app.cli import login, main
from app.contract import ASK_KEYS, JSON_KEYS
from app.search import Searcher
from app.ui import serve
from indexer.errors import QueryError
from tests.conftest import free_port


@pytest.fixture(scope="module")
def base_url(searcher: Searcher) -> Iterator[str]:
    port = free_port()
    app = serve(searcher, "127.0.0.1", port, prevent_thread_lock=True, quiet=True, mcp_server=True)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app.close()


def test_the_endpoints_return_the_cli_json_unchanged(base_url: str, searcher: Searcher) -> None:
    from gradio_client import Client

    client = Client(base_url + "/", verbose=False)
    local = Api(lambda: searcher)
    hits = client.predict("Vad beslutades om balanskontot?", 3, None, None, None, False, None, api_name="/search")
    assert hits == local.search("Vad beslutades om balanskontot?", 3)
    assert all(tuple(h) == JSON_KEYS for h in hits)
    answer = client.predict("SLK-2024-00704", api_name="/ask")
    assert tuple(answer) == ASK_KEYS and answer == local.ask("SLK-2024-00704")
    matter = client.predict("bun/2023:206", api_name="/matter")
    assert matter["matter"] == "BUN/2023:206" and matter["appearances"][0]["votes"][1]["abstain"] == 2
    with pytest.raises(Exception, match="finns inte i protokollen"):
        client.predict("SLK-2099-00001", api_name="/matter")


def test_the_mcp_tools_are_described(base_url: str) -> None:
    with urllib.request.urlopen(base_url + "/gradio_api/mcp/schema", timeout=30) as response:
        tools = {tool["name"]: tool for tool in json.load(response)}
    assert set(tools) == {"search", "ask", "matter"}
    search = tools["search"]["inputSchema"]["properties"]
    assert "Kommunstyrelsen" in search["body"]["description"] and search["k"]["default"] == 10
    assert tools["ask"]["description"].startswith("Fråga protokollen / ask the protocols")
    assert "SLK-2024-00704" in tools["matter"]["inputSchema"]["properties"]["matter_id"]["description"]


def test_a_protocol_page_opens_at_its_paragraph_with_the_quote_marked(base_url: str) -> None:
    url = base_url + "/protokoll/Goteborg_Kommunfullmaktige_2025-06-12.txt?p=345&s=120&e=170#p-345"
    with urllib.request.urlopen(url, timeout=30) as response:
        page = response.read().decode("utf-8")
    section = page[page.index('id="p-345"') :]
    assert section.index("<mark") < section.index("</section>")
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(base_url + "/protokoll/nope.txt", timeout=30)
    assert missing.value.code == 404


def test_login_is_required_beyond_loopback(tmp_path: Path) -> None:
    assert login("127.0.0.1", None) is None and login("localhost", "a:b") is None
    with pytest.raises(QueryError, match="without a login"):
        login("0.0.0.0", None)
    assert login("0.0.0.0", "anna:hemligt") == ("anna", "hemligt")
    secret = tmp_path / "auth"
    secret.write_text("bo:lösen\n", encoding="utf-8")
    assert login("192.168.1.5", str(secret)) == ("bo", "lösen")
    with pytest.raises(QueryError, match="user:password"):
        login("0.0.0.0", "bara-ett-ord")


def test_serve_refuses_a_network_host_without_login(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("PROTOKOLL_AUTH", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 1
    assert "PROTOKOLL_AUTH" in capsys.readouterr().err


def test_an_overload_is_told_to_try_again(searcher: Searcher) -> None:
    from app.api import BUSY, Gate

    gate = Gate(in_flight=1, wait_s=0.05)
    api = Api(lambda: searcher, gate)
    with gate.turn():  # the one slot is taken
        with pytest.raises(QueryError) as busy:
            api.search("balanskontot", 3)
        assert str(busy.value) == BUSY and "försök igen" in BUSY
    assert len(api.search("balanskontot", 3)) == 3  # the slot is free again
