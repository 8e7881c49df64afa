"""The chat page, the widget and the framing policy in Debian's Chromium, driven by
Playwright, against a real server on 127.0.0.1. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from orderbot.chat import Turn
from orderbot.config import Settings
from orderbot.models import Citation, Generation, ScoredChunk, StreamEvent
from orderbot.pipeline import Pipeline
from orderbot_web.feedback import FeedbackStore
from tests.web import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, LiveServer, StaticSite, server_settings

playwright_api = pytest.importorskip("playwright.sync_api")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # Skipped on a machine without Chromium, but never in CI, which installs it (.ci/run).
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"),
        reason="needs Debian's chromium (.ci/run installs it)",
    ),
]

QUESTION = "How many proposals are in the package?"
FOOTNOTED = "What did Blinken tell Chinese officials?"
OFF_TOPIC = "What is the best recipe for lasagna?"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> proposals?'
TIMEOUT = 30_000


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1200, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    yield page
    context.close()


def ask_chat(page: object, question: str) -> object:
    """Ask on the Gradio page; the last bot message once its answer is complete."""
    before = page.locator("#chat .answer, #chat .refusal").count()  # type: ignore[attr-defined]
    page.fill("#question textarea", question)  # type: ignore[attr-defined]
    page.click("#send")  # type: ignore[attr-defined]
    done = page.locator("#chat .answer, #chat .refusal")  # type: ignore[attr-defined]
    done.nth(before).wait_for()
    return done.nth(before)


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)  # type: ignore[attr-defined]


def test_chat_answers_with_citations_whose_passage_opens(page: object, live: LiveServer) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    page.wait_for_selector("#question textarea")  # type: ignore[attr-defined]
    intro = page.locator("#intro").inner_text()  # type: ignore[attr-defined]
    assert "Toward a Better Security Order" in intro
    assert page.get_by_text("What are the seven variables").count() >= 1  # type: ignore[attr-defined]
    page.wait_for_timeout(1500)  # type: ignore[attr-defined]  # Gradio keeps a stream open
    outside = [u for u in requests if not u.startswith((live.url, "data:", "blob:"))]
    assert outside == [], "the page fetched something from outside the server"

    answer = ask_chat(page, QUESTION)
    assert "20 proposals" in answer.inner_text()  # type: ignore[attr-defined]
    marker = page.locator("#chat a.cite").first  # type: ignore[attr-defined]
    assert "Twenty proposals" in marker.get_attribute("title")
    sources = page.locator("#chat ol.sources details")  # type: ignore[attr-defined]
    passage = sources.first.locator("blockquote.passage")
    assert not passage.is_visible()
    marker.click()  # the marker opens its source
    assert passage.is_visible() and "20 proposals" in passage.inner_text()
    second = sources.nth(1)
    second.locator("summary").click()  # so does the source's own heading
    assert second.locator("blockquote.passage").is_visible()
    shot(page, "chat.png")


def test_chat_links_a_footnoted_source_and_keeps_the_conversation(
    page: object, live: LiveServer
) -> None:
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    ask_chat(page, FOOTNOTED)
    links = page.locator("#chat ol.sources a[href^='https://']")  # type: ignore[attr-defined]
    assert links.count() >= 1 and links.first.get_attribute("target") == "_blank"
    follow_up = ask_chat(page, "And in which year?")
    assert "2021" in follow_up.inner_text()  # type: ignore[attr-defined]
    page.click("#clear")  # type: ignore[attr-defined]
    page.locator("#chat .answer").first.wait_for(state="detached")  # type: ignore[attr-defined]


def test_chat_refuses_an_off_topic_question(page: object, live: LiveServer) -> None:
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    refusal = ask_chat(page, OFF_TOPIC)
    assert "do not cover" in refusal.inner_text()  # type: ignore[attr-defined]
    assert page.locator("#chat ol.sources").count() == 0  # type: ignore[attr-defined]


def test_thumbs_and_comment_are_stored(page: object, live: LiveServer) -> None:
    store = FeedbackStore(live.settings.server.data_dir)
    before = len(list(store.rows()))
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    ask_chat(page, QUESTION)
    page.locator("#chat button[aria-label='Like']").last.click()  # type: ignore[attr-defined]
    page.get_by_text("Add a comment").wait_for()  # type: ignore[attr-defined]
    page.fill("#comment textarea", "Exactly what I needed")  # type: ignore[attr-defined]
    page.click("#send-comment")  # type: ignore[attr-defined]
    page.get_by_text("Comment saved").wait_for()  # type: ignore[attr-defined]
    rows = [item for _, _, item in store.rows()]
    assert len(rows) == before + 1
    assert rows[-1].rating == "up" and rows[-1].comment == "Exactly what I needed"
    assert rows[-1].question == QUESTION and rows[-1].citations


def test_markup_in_a_question_is_shown_as_text(page: object, live: LiveServer) -> None:
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    ask_chat(page, XSS)
    text = page.locator("#chat").inner_text()  # type: ignore[attr-defined]
    assert "<script>window.__xss=2</script>" in text and "<img src=x" in text
    assert page.evaluate("window.__xss") is None  # type: ignore[attr-defined]
    assert page.locator("#chat img[src='x']").count() == 0  # type: ignore[attr-defined]


class MarkupGenerator:
    """Answers by quoting a passage full of markup, as a hostile corpus file would."""

    name = "markup"
    PASSAGE = '<script>window.__xss=3</script><img src=y onerror="window.__xss=4"> says [1].'

    def generate(
        self, question: str, passages: Sequence[ScoredChunk], on_token: object = None
    ) -> Generation:
        top = passages[0].chunk
        cite = Citation(
            n=1,
            chunk_id=top.id,
            document=top.document,
            section=f"<b>{top.section}</b>",
            quote=self.PASSAGE,
            url="javascript:alert(1)",
        )
        return Generation(answer=self.PASSAGE, citations=[cite])


def test_markup_in_a_passage_is_shown_as_text(
    browser: object, built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    hostile = Pipeline(built, pipeline.store, pipeline.retriever, MarkupGenerator())
    settings = server_settings(built, tmp_path)
    with LiveServer(settings, hostile) as server:
        page = browser.new_page()  # type: ignore[attr-defined]
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server.url}/chat/")
        ask_chat(page, QUESTION)
        page.locator("#chat ol.sources summary").first.click()
        assert "<script>window.__xss=3</script>" in page.locator("#chat").inner_text()
        assert page.locator("#chat a[href^='javascript']").count() == 0
        page.goto(f"{server.url}/embed/chat")
        page.fill("#question", QUESTION)
        page.click("#send")
        page.locator(".msg.bot details").first.wait_for(state="attached")
        page.locator(".msg.bot summary").first.click()
        assert "<img src=y" in page.locator("#log").inner_text()
        assert page.locator("#log a[href^='javascript']").count() == 0
        assert page.evaluate("window.__xss") is None
        page.close()


def open_widget(page: object) -> object:
    page.locator(".orderbot-widget .button").click()  # type: ignore[attr-defined]
    frame = page.frame_locator(".orderbot-widget iframe")  # type: ignore[attr-defined]
    frame.locator("#question").wait_for()
    return frame


def test_widget_on_the_demo_page_answers(page: object, live: LiveServer) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))  # type: ignore[attr-defined]
    page.goto(f"{live.url}/demo")  # type: ignore[attr-defined]
    frame = open_widget(page)
    frame.locator("#intro").get_by_text("Toward a Better Security Order").wait_for()  # type: ignore[attr-defined]
    assert [u for u in requests if not u.startswith(live.url)] == []
    assert frame.locator("#title").inner_text() == "Ask about the report"  # type: ignore[attr-defined]
    frame.get_by_text("How many proposals are in the package?").click()  # type: ignore[attr-defined]
    answer = frame.locator(".msg.bot .answer")  # type: ignore[attr-defined]
    answer.wait_for()
    assert "20 proposals" in answer.inner_text()
    frame.locator(".msg.bot button.cite").first.click()  # type: ignore[attr-defined]
    passage = frame.locator(".msg.bot details[open] blockquote").first  # type: ignore[attr-defined]
    assert passage.is_visible() and "proposals" in passage.inner_text()
    frame.locator("#question").fill(XSS)  # type: ignore[attr-defined]
    frame.locator("#send").click()  # type: ignore[attr-defined]
    frame.locator(".msg.bot .rate").nth(1).wait_for()  # type: ignore[attr-defined]
    assert "<script>window.__xss=2</script>" in frame.locator("#log").inner_text()  # type: ignore[attr-defined]
    iframe = page.frames[-1]  # type: ignore[attr-defined]
    assert iframe.evaluate("window.__xss") is None
    shot(page, "demo.png")


def assert_frame_blocked(page: object, live: LiveServer) -> None:
    """The page's frame of the chat ends on Chromium's error page, not on the chat."""
    import time

    deadline = time.monotonic() + TIMEOUT / 1000
    url = ""
    while time.monotonic() < deadline:
        frames = [f for f in page.frames if f != page.main_frame]  # type: ignore[attr-defined]
        url = frames[0].url if frames else ""
        if url.startswith("chrome-error://"):
            break
        assert not frames or frames[0].locator("#question, textarea").count() == 0
        page.wait_for_timeout(100)  # type: ignore[attr-defined]
    assert url.startswith("chrome-error://"), f"the frame was not blocked (at {url!r})"


def snippet(server: LiveServer) -> str:
    return (
        "<!doctype html><html><body><h1>Outreach</h1>"
        f'<script src="{server.url}/embed/widget.js" data-title="Ask orderbot" '
        'data-accent="#225522" data-questions="How many proposals are in the package?" '
        "defer></script></body></html>"
    )


def test_widget_works_on_an_allowed_origin_and_not_elsewhere(
    page: object, live: LiveServer
) -> None:
    page_html = {"/": snippet(live)}
    with StaticSite(page_html, port=live.outreach_port) as allowed, StaticSite(page_html) as other:
        page.goto(f"{allowed.origin}/")  # type: ignore[attr-defined]
        frame = open_widget(page)
        frame.get_by_text("How many proposals are in the package?").click()  # type: ignore[attr-defined]
        frame.locator(".msg.bot .answer").wait_for()  # type: ignore[attr-defined]
        frame.locator(".msg.bot .rate input").fill("from the outreach site")  # type: ignore[attr-defined]
        frame.get_by_role("button", name="Helpful", exact=True).click()  # type: ignore[attr-defined]
        frame.get_by_text("Thank you for the feedback.").wait_for()  # type: ignore[attr-defined]
        rows = [item for _, _, item in FeedbackStore(live.settings.server.data_dir).rows()]
        assert any(r.comment == "from the outreach site" and r.rating == "up" for r in rows)

        page.goto(f"{other.origin}/")  # type: ignore[attr-defined]
        page.locator(".orderbot-widget .button").click()  # type: ignore[attr-defined]
        assert_frame_blocked(page, live)


def test_a_stranger_cannot_frame_the_chat_page(page: object, live: LiveServer) -> None:
    framing = f'<iframe id="f" src="{live.url}/chat/" width="800" height="600"></iframe>'
    with StaticSite({"/": framing}) as other:
        page.goto(f"{other.origin}/")  # type: ignore[attr-defined]
        assert_frame_blocked(page, live)


class BarrierPipeline(Pipeline):
    """Answers only once two answers are being written at the same time."""

    def __init__(self, base: Pipeline) -> None:
        super().__init__(base.settings, base.store, base.retriever, base.generator)
        self.barrier = threading.Barrier(2, timeout=20)

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        self.barrier.wait()
        yield from super().stream(question, history)


def test_two_conversations_progress_together(
    browser: object, built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(built, tmp_path, concurrency_limit=2)
    with LiveServer(settings, BarrierPipeline(pipeline)) as server:
        pages = [browser.new_page() for _ in range(2)]  # type: ignore[attr-defined]
        for p in pages:
            p.set_default_timeout(TIMEOUT)
            p.goto(f"{server.url}/chat/")
            p.wait_for_selector("#question textarea")
        for p in pages:
            p.fill("#question textarea", QUESTION)
            p.click("#send")
        for p in pages:
            p.locator("#chat .answer").wait_for()
            assert "20 proposals" in p.locator("#chat .answer").inner_text()
            p.close()


def test_content_policy_lets_the_chat_and_the_widget_work(page: object, live: LiveServer) -> None:
    """The policy forbids foreign and inline scripts; nothing the pages need is blocked."""
    blocked: list[str] = []
    page.on(  # type: ignore[attr-defined]
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto(f"{live.url}/chat/")  # type: ignore[attr-defined]
    page.wait_for_selector("#question textarea")  # type: ignore[attr-defined]
    ask_chat(page, QUESTION)
    marker = page.locator("#chat a.cite").first  # type: ignore[attr-defined]
    marker.click()  # the chat's own script (Gradio runs it) opens the source
    passage = page.locator("#chat ol.sources details blockquote.passage").first  # type: ignore[attr-defined]
    assert passage.is_visible()
    page.goto(f"{live.url}/demo")  # type: ignore[attr-defined]
    frame = open_widget(page)
    frame.get_by_text("How many proposals are in the package?").click()  # type: ignore[attr-defined]
    frame.locator(".msg.bot .answer").wait_for()  # type: ignore[attr-defined]
    assert blocked == []
