"""The feedback store on each database it supports: SQLite (the default) and a real
PostgreSQL shared by several replicas. One contract suite; each database only supplies
the URL. Plus the migrations and the shared rate-limit counters (a real Redis)."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from orderbot.config import Settings, load_settings
from orderbot.conversation import Turn
from orderbot.errors import ConfigError
from orderbot.models import Citation
from orderbot.pipeline import Pipeline
from orderbot_web.feedback import Feedback, FeedbackError, FeedbackStore, export_qa
from orderbot_web.security import RateLimiter
from tests.cli import run_cli as run
from tests.services import PostgresServer, RedisServer
from tests.web import LiveServer, free_port, server_settings

CITE = Citation(
    n=1, chunk_id="c1", document="Report", section="Intro", page=3, quote="A quoted sentence."
)


class FeedbackContract:
    """What every database behind ``FeedbackStore`` must do."""

    @pytest.fixture
    def url(self) -> str:
        raise NotImplementedError

    @pytest.fixture
    def store(self, url: str) -> Iterator[FeedbackStore]:
        store = FeedbackStore(url)
        yield store
        store.close()

    def test_ratings_round_trip_and_export(self, store: FeedbackStore, tmp_path: Path) -> None:
        history = [Turn(role="user", content="Earlier?"), Turn(role="assistant", content="Yes.")]
        up = store.add(
            Feedback(
                rating="up", question="Good? é", answer="Yes [1].", citations=[CITE],
                history=history,
            )
        )  # fmt: skip
        store.comment(up, "  clear  ")
        assert store.rate(up, "down") and store.rate(up, "up")  # changed, then back
        assert not store.rate(up + 1000, "down")  # no such rating
        down = store.add(Feedback(rating="down", question="Refused?", answer="No.", refused=True))
        assert down > up
        rows = list(store.rows())
        assert [fid for fid, _, _ in rows] == [up, down]
        first = rows[0][2]
        assert first.comment == "clear" and first.citations == [CITE]
        assert first.history == history and rows[1][2].refused
        assert rows[0][1].endswith("+00:00")
        out = tmp_path / "feedback.jsonl"
        assert export_qa(store, out).added == 2
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert lines[0]["id"] == f"feedback-{up}" and lines[0]["evidence"] == [CITE.quote]
        assert lines[1]["type"] == "feedback-down" and lines[1]["answerable"] is True

    def test_two_replicas_share_one_database(self, url: str) -> None:
        first, second = FeedbackStore(url), FeedbackStore(url)
        try:
            ids: list[int] = []

            def rate(store: FeedbackStore, n: int) -> None:
                for i in range(n):
                    ids.append(store.add(Feedback(rating="up", question=f"Q{i}?", answer="A")))

            threads = [
                threading.Thread(target=rate, args=(store, 10)) for store in (first, second, first)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(set(ids)) == 30
            assert sorted(fid for fid, _, _ in second.rows()) == sorted(ids)
        finally:
            first.close()
            second.close()

    def test_migrating_twice_changes_nothing(self, store: FeedbackStore) -> None:
        fid = store.add(Feedback(rating="up", question="Kept?", answer="Yes."))
        assert store.migrate() == "0001"
        assert FeedbackStore(store.url).migrate() == "0001"
        assert [f for f, _, _ in store.rows()] == [fid]


class TestSQLite(FeedbackContract):
    @pytest.fixture
    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'feedback.sqlite3'}"


class TestPostgres(FeedbackContract):
    @pytest.fixture
    def url(self, postgres: PostgresServer) -> str:
        return postgres.new_database(f"feedback_{uuid.uuid4().hex[:12]}")


def test_a_folder_means_the_default_sqlite_file(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "data")
    store.add(Feedback(rating="up", question="Where?", answer="Here."))
    assert (tmp_path / "data" / "feedback.sqlite3").exists()


def test_a_database_made_before_migrations_is_adopted_with_its_ratings(tmp_path: Path) -> None:
    """The hand-written table of earlier versions: same columns, no alembic_version."""
    path = tmp_path / "feedback.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,"
            " rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT NOT NULL "
            "DEFAULT '', question TEXT NOT NULL, answer TEXT NOT NULL, refused INTEGER NOT NULL,"
            " citations TEXT NOT NULL, history TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO feedback (created, rating, comment, question, answer, refused, "
            "citations, history) VALUES ('2026-01-01T00:00:00+00:00', 'down', 'old', 'Old?', "
            "'No.', 1, ?, '[]')",
            (json.dumps([CITE.model_dump()]),),
        )
    store = FeedbackStore(tmp_path)
    assert store.migrate() == "0001"
    new = store.add(Feedback(rating="up", question="New?", answer="Yes."))
    rows = list(store.rows())
    assert [r[2].question for r in rows] == ["Old?", "New?"] and rows[-1][0] == new
    assert rows[0][2].refused and rows[0][2].citations == [CITE]


def test_bad_url_and_unreachable_database_are_clear_errors() -> None:
    with pytest.raises(FeedbackError, match="invalid database URL"):
        FeedbackStore("not a url")
    port = free_port()
    store = FeedbackStore(f"postgresql+psycopg://me:secret@127.0.0.1:{port}/x")
    started = time.monotonic()
    with pytest.raises(FeedbackError, match="cannot open the feedback database") as caught:
        store.add(Feedback(rating="up", question="Q?", answer="A"))
    assert time.monotonic() - started < 10
    assert "secret" not in str(caught.value) and "me:***@" in str(caught.value)


def test_feedback_waits_for_a_database_that_was_down(postgres: PostgresServer) -> None:
    """Stopped mid-run: a clear error, then the same store writes again once it is back."""
    store = FeedbackStore(postgres.new_database(f"restart_{uuid.uuid4().hex[:12]}"))
    try:
        store.add(Feedback(rating="up", question="Before?", answer="A"))
        postgres.stop()
        try:
            with pytest.raises(FeedbackError, match="cannot save feedback"):
                store.add(Feedback(rating="up", question="During?", answer="A"))
        finally:
            postgres.start()
        store.add(Feedback(rating="up", question="After?", answer="A"))
        assert [r[2].question for r in store.rows()] == ["Before?", "After?"]
    finally:
        store.close()


def test_db_upgrade_command_migrates_the_configured_database(
    postgres: PostgresServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = postgres.new_database(f"cli_{uuid.uuid4().hex[:12]}")
    monkeypatch.setenv("ORDERBOT_SERVER__DATABASE_URL", url)
    code, _, err = run(capsys, monkeypatch, "db", "upgrade")
    assert code == 0 and "schema at revision 0001" in err
    store = FeedbackStore(url)
    store.add(Feedback(rating="up", question="Q?", answer="A"))
    out = tmp_path / "export.jsonl"
    code, _, err = run(capsys, monkeypatch, "feedback", "export", "--out", str(out))
    assert code == 0 and "added 1 rated answer to" in err
    store.close()


def test_db_upgrade_reports_an_unreachable_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(
        "ORDERBOT_SERVER__DATABASE_URL", f"postgresql+psycopg://u:pw@127.0.0.1:{free_port()}/x"
    )
    code, _, err = run(capsys, monkeypatch, "db", "upgrade")
    assert code == 1 and err.startswith("error: cannot open the feedback database")
    assert ":pw@" not in err


# Rate limits shared between replicas through Redis.


def test_two_replicas_count_one_client_once_in_redis(redis_server: RedisServer) -> None:
    storage = f"{redis_server.url}/0"
    key = f"client-{uuid.uuid4().hex}"
    first, second = RateLimiter("3/minute", storage), RateLimiter("3/minute", storage)
    assert [first.hit(key), second.hit(key), first.hit(key)] == [True, True, True]
    assert second.hit(key) is False and first.hit(key) is False
    assert 1 <= second.retry_after(key) <= 61
    alone = RateLimiter("3/minute")  # memory:// counts this process only
    assert all(alone.hit(key) for _ in range(3))


def test_rate_limit_store_down_counts_in_the_process_quickly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    limiter = RateLimiter("2/minute", f"redis://127.0.0.1:{free_port()}")
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        # Still limited while the shared store is down: counted in this process.
        assert [limiter.hit("someone") for _ in range(3)] == [True, True, False]
        assert 1 <= limiter.retry_after("someone") <= 61
        assert limiter.hit("someone else")
    assert time.monotonic() - started < 5
    assert caplog.text.count("rate-limit storage unavailable") == 1  # said once


def test_rate_limit_goes_back_to_the_shared_store_when_it_returns(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A Redis of its own (the session's is shared), stopped and started on the same port.
    own = RedisServer()
    own.start()
    try:
        key = f"client-{uuid.uuid4().hex}"
        limiter = RateLimiter("5/minute", f"{own.url}/0", retry_shared=0.2)
        own.stop()
        with caplog.at_level(logging.WARNING):
            assert limiter.hit(key)  # the store is down: counted locally
            own.start()  # it is back
            assert limiter.hit(key)  # still resting: local again
            time.sleep(0.3)
            assert limiter.hit(key)  # retried: counted in Redis
        other = RateLimiter("5/minute", f"{own.url}/0")
        assert [other.hit(key) for _ in range(5)] == [True, True, True, True, False]
        assert "reachable again" in caplog.text
    finally:
        own.stop()


def test_shared_state_settings_are_checked_at_load() -> None:
    with pytest.raises(ConfigError, match=r"server\.rate_limit_storage"):
        load_settings(server={"rate_limit_storage": "mongodb://db"})
    with pytest.raises(ConfigError, match=r"server\.database_url"):
        load_settings(server={"database_url": "no url"})
    settings = load_settings(server={"rate_limit_storage": "redis://cache:6379"})
    assert settings.server.rate_limit_storage == "redis://cache:6379"


@pytest.mark.slow
def test_server_with_its_database_down_answers_and_refuses_feedback_clearly(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    down = f"postgresql+psycopg://u:pw@127.0.0.1:{free_port()}/x"
    settings = server_settings(built, tmp_path, database_url=down)
    with LiveServer(settings, pipeline) as server, httpx.Client(base_url=server.url) as http:
        assert http.post("/api/ask", json={"question": "What is proposed?"}).status_code == 200
        response = http.post(
            "/api/feedback", json={"rating": "up", "question": "Q?", "answer": "A"}
        )
        assert response.status_code == 503 and response.headers["retry-after"] == "30"
        body = response.json()
        assert body["error"] == "feedback_unavailable" and ":pw@" not in body["detail"]
