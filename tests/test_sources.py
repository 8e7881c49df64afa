"""`orderbot sources fetch` against a real HTTP server on 127.0.0.1 that the tests start."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from orderbot import cli
from orderbot.config import Settings
from orderbot.errors import NetworkError
from orderbot.ingest import load_document
from orderbot.sources import FetchReport, fetch_sources
from tests.cli import run_cli
from tests.conftest import make_settings
from tests.documents import write_report_pdf
from tests.http_server import Server, serve

CASES = [
    ("page", "/source.html"),
    ("pdf", "/report.pdf"),
    ("missing", "/missing"),
    ("redirect", "/moved"),
    ("slow", "/slow"),
    ("oversize", "/huge"),
    ("oversize stream", "/huge-undeclared"),
    ("flaky", "/flaky"),
    ("image", "/image.png"),
]
FAST = {"timeout_s": 0.5, "retries": 1, "backoff_s": 0.01, "max_bytes": 50_000}


def write_report(corpus: Path, urls: list[str]) -> None:
    body = " ".join(f"Claim number {i} is made here.{i}" for i in range(1, len(urls) + 1))
    notes = "\n".join(f"{i}. Source {i}, 2024. {url}" for i, url in enumerate(urls, 1))
    corpus.mkdir(parents=True, exist_ok=True)
    text = f"# Test report\n\n{body} That is all the report says.\n\n{notes}\n"
    (corpus / "report.md").write_text(text, "utf-8")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    pdf = write_report_pdf(tmp_path / "served.pdf").read_bytes()
    with serve(pdf) as running:
        yield running


@pytest.fixture
def settings(tmp_path: Path, server: Server) -> Settings:
    write_report(tmp_path / "corpus", [server.url(path) for _, path in CASES])
    return make_settings(tmp_path, sources=FAST)


def by_case(report: FetchReport) -> dict[str, tuple[str, str | None]]:
    return {name: (r.status, r.reason) for (name, _), r in zip(CASES, report.results, strict=True)}


def test_fetch_stores_sources_and_names_each_failure(settings: Settings, server: Server) -> None:
    report = fetch_sources(settings)
    got = by_case(report)
    for name in ("page", "pdf", "redirect", "flaky"):
        assert got[name][0] == "fetched", (name, got[name])
    assert got["missing"] == ("failed", "HTTP 404 Not Found")
    assert got["slow"][0] == "failed" and "timed out" in str(got["slow"][1])
    assert "cap" in str(got["oversize"][1]) and "cap" in str(got["oversize stream"][1])
    assert "content type 'image/png'" in str(got["image"][1])
    assert server.hits["/flaky"] == 2  # retried after the 503
    assert server.hits["/missing"] == 1  # a 404 is not retried
    assert all(agent.startswith("orderbot/") for agent in server.agents)

    sources = settings.corpus_dir / "sources"
    stored = sorted(p.name for p in sources.iterdir())
    assert stored == [
        "report-fn1.html", "report-fn1.html.json",
        "report-fn2.pdf", "report-fn2.pdf.json",
        "report-fn4.html", "report-fn4.html.json",
        "report-fn8.html", "report-fn8.html.json",
    ]  # fmt: skip
    provenance = json.loads((sources / "report-fn4.html.json").read_text("utf-8"))
    assert provenance["cited_by"] == "report" and provenance["footnote"] == 4
    assert provenance["url"] == server.url("/moved")
    assert provenance["final_url"] == server.url("/source.html?via=moved")
    assert provenance["content_type"] == "text/html" and provenance["retrieved_at"]
    assert len(provenance["sha256"]) == 64

    doc = load_document(sources / "report-fn1.html", "sources/report-fn1")
    assert doc.title == "Source of footnote 1 (report): The Helsinki Final Act"
    assert doc.url == server.url("/source.html")
    pdf = load_document(sources / "report-fn2.pdf", "sources/report-fn2")
    assert pdf.sections[0].paragraphs[0].page == 1


def test_unchanged_sources_are_not_fetched_again(settings: Settings, server: Server) -> None:
    fetch_sources(settings)
    before = dict(server.hits)
    again = fetch_sources(settings)
    assert by_case(again)["page"] == ("unchanged", None)
    assert server.hits["/source.html"] == before["/source.html"]  # no request at all
    assert server.hits["/missing"] == before["/missing"] + 1  # failures are tried again

    refreshed = fetch_sources(settings, refresh=True)
    assert by_case(refreshed)["page"] == ("unchanged", None)  # a 304 via its ETag
    server.routes["/source.html"] = (200, "text/html", b"<h1>New</h1><p>" + b"z " * 300 + b"</p>")
    updated = fetch_sources(settings, refresh=True)
    assert by_case(updated)["page"][0] == "updated"


def test_no_network_says_so_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    write_report(tmp_path / "corpus", [f"http://127.0.0.1:{port}/a", f"http://127.0.0.1:{port}/b"])
    settings = make_settings(tmp_path, sources=FAST)
    with pytest.raises(NetworkError, match="network is unreachable"):
        fetch_sources(settings)
    assert sorted(p.name for p in (tmp_path / "corpus").iterdir()) == ["report.md"]

    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("ORDERBOT_SOURCES__RETRIES", "0")
    monkeypatch.setattr(sys, "argv", ["orderbot", "sources", "fetch"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    err = capsys.readouterr().err
    assert exited.value.code == 1
    assert "error: the network is unreachable" in err and "nothing was changed" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_fetched_sources_are_ingested_and_cited(
    settings: Settings,
    server: Server,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(settings.index.root))
    for key, value in FAST.items():
        monkeypatch.setenv(f"ORDERBOT_SOURCES__{key.upper()}", str(value))

    def run(*args: str) -> tuple[int, str, str]:
        return run_cli(capsys, monkeypatch, *args)

    code, _, err = run("sources", "fetch")
    assert code == 1  # some sources failed ...
    assert "failed: report footnote 3" in err and "HTTP 404" in err
    assert "5 documents" in err  # ... and the others were ingested

    code, out, _ = run("corpus", "--json")
    assert code == 0
    documents = {d["doc_id"]: d for d in json.loads(out)["documents"]}
    assert documents["sources/report-fn1"]["url"] == server.url("/source.html")
    assert documents["sources/report-fn1"]["retrieved_at"]
    assert documents["sources/report-fn2"]["pages"] == 3
    code, out, _ = run("corpus")
    assert code == 0 and "sources/report-fn1" in out and server.url("/source.html") in out

    code, out, _ = run("ask", "--json", "What did the Helsinki Final Act commit states to?")
    answer = json.loads(out)
    assert code == 0 and not answer["refused"]
    sourced = [c for c in answer["citations"] if c["document"].startswith("Source of footnote")]
    pages = {server.url(path) for path in ("/source.html", "/moved", "/flaky")}
    # The same page, served three ways, opened at the quote.
    assert sourced and sourced[0]["url"].split("#:~:text=")[0] in pages
    assert "inviolability of frontiers" in answer["answer"]
