"""The chat as a Gradio app: ``gradio_client`` finds the named endpoint ``/ask`` on a live
server on 127.0.0.1, under the same rate limit and question checks as ``/api/ask``."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from orderbot.config import Settings
from orderbot.pipeline import Pipeline
from tests.web import LiveServer, server_settings

gradio_client = pytest.importorskip("gradio_client")

pytestmark = pytest.mark.slow


def test_gradio_client_asks_through_the_named_endpoint(
    built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(built, tmp_path, rate_limit="3/minute")
    with LiveServer(settings, pipeline) as server:
        client = gradio_client.Client(f"{server.url}/chat/", verbose=False)
        api = client.view_api(print_info=False, return_format="dict")
        assert list(api["named_endpoints"]) == ["/ask"]

        answer = client.predict("How many proposals are in the package?", [], api_name="/ask")
        assert "20 proposals" in answer["answer"] and answer["citations"]
        history = [
            {"role": "user", "content": "What did Blinken tell Chinese officials?"},
            {"role": "assistant", "content": answer["answer"]},
        ]
        follow_up = client.predict("And in which year?", history, api_name="/ask")
        assert follow_up["question"] == "And in which year?"

        with pytest.raises(gradio_client.exceptions.AppError, match="empty"):
            client.predict("   ", [], api_name="/ask")  # the same check as /api/ask
        # The fourth request of the minute: the limit /api/ask shares.
        with pytest.raises(httpx.HTTPStatusError, match="429 Too Many Requests"):
            client.predict("How many proposals are in the package?", [], api_name="/ask")
        limited = httpx.post(f"{server.url}/api/ask", json={"question": "Proposals?"})
        assert limited.status_code == 429
        client.close()
