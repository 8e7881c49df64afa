"""The chat page, the widget and the framing policy in Debian's Chromium, driven by
Playwright, against a real server on 127.0.0.1, at desktop and phone sizes. axe-core (npm,
``tests/js``) checks each page for serious or critical accessibility violations.
Screenshots go to tests/artifacts/ (and, with DOCS_SCREENSHOTS=1, to docs/)."""

from __future__ import annotations

import html
import os
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from orderbot.config import Settings, contrast, load_settings
from orderbot.conversation import Turn
from orderbot.generate import Written
from orderbot.generate.citations import CitationList
from orderbot.generate.evidence import Evidence
from orderbot.generate.links import passage_link
from orderbot.generate.model_api import Stream
from orderbot.ingest.corpus import load_document
from orderbot.models import Coverage, NearestSection, ParsedDocument, StreamEvent
from orderbot.pipeline import Pipeline
from orderbot_web.feedback import FeedbackStore
from tests.web import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    RejectingGenerator,
    StaticSite,
    server_settings,
)

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

ROOT = Path(__file__).resolve().parents[1]
CORPUS_REPORT = ROOT / "corpus" / "toward-a-better-security-order.txt"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
DOCS = ROOT / "docs"
QUESTION = "How many proposals are in the package?"
FOOTNOTED = "What did Blinken tell Chinese officials?"
OFF_TOPIC = "What is the best recipe for lasagna?"
# Close to the report, but it gives no figure: a model is tempted to invent one.
NEAR_MISS = "How many dollars does the report budget for its 20 proposals?"
XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> proposals?'
MARKDOWN = "**bold** [link](javascript:alert(1)) proposals?"
TIMEOUT = 30_000
Page = Any  # playwright's sync Page / Frame / FrameLocator: untyped here

VIEWPORTS: dict[str, dict[str, Any]] = {
    "desktop": {"viewport": {"width": 1200, "height": 860}},
    "phone": {"viewport": {"width": 390, "height": 780}, "is_mobile": True, "has_touch": True},
}


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def new_page(browser: Any, size: str = "desktop") -> Page:
    context = browser.new_context(**VIEWPORTS[size])
    if AXE.exists():
        context.add_init_script(path=str(AXE))  # every frame; CSP does not apply to it
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "response",
        lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    return page


@pytest.fixture(params=["desktop", "phone"])
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def page(browser: Any, size: str) -> Iterator[Page]:
    page = new_page(browser, size)
    yield page
    page.context.close()


def assert_accessible(frame: Page) -> None:
    """axe-core finds no serious or critical violation (in the page and its frames)."""
    if not AXE.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: make install runs npm ci --prefix tests/js")
        return
    found = frame.evaluate(
        """async () => {
            const result = await axe.run(document, { resultTypes: ["violations"] });
            return result.violations
              .filter(v => v.impact === "serious" || v.impact === "critical")
              .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }"""
    )
    assert found == [], found


def shot(page: Page, name: str, *, docs: bool = False) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))
    if docs and os.environ.get("DOCS_SCREENSHOTS") == "1":
        DOCS.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / name))


def ask(frame: Page, question: str) -> Page:
    """Ask in the chat (page or widget frame); the bot message once its answer is done."""
    before = frame.locator(".msg.bot .rate").count()
    frame.locator("#question").fill(question)
    frame.locator("#question").press("Enter")
    frame.locator(".msg.bot .rate").nth(before).wait_for()
    return frame.locator(".msg.bot").nth(before)


def open_chat(page: Page, live: LiveServer) -> None:
    page.goto(f"{live.url}/chat/")
    page.locator("#question").wait_for()


def test_chat_page_answers_with_citation_previews(
    browser: Any, live: LiveServer, size: str
) -> None:
    page = new_page(browser, size)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_chat(page, live)
    # Branding from the settings, a favicon, the examples in view.
    assert page.title() == live.settings.server.title
    assert "Quincy Institute" in page.locator("header .org").inner_text()
    report = page.get_by_role("link", name="Read the report")
    assert report.get_attribute("href") == live.settings.server.report_url
    assert "Toward a Better Security Order" in page.locator("#intro").inner_text()
    example = page.get_by_role("button", name=QUESTION)
    assert example.is_visible() and example.bounding_box()["y"] < 780
    assert_accessible(page)

    example.click()  # an example sends at once, as in the widget
    bot = page.locator(".msg.bot").first
    bot.locator(".rate").wait_for()
    assert "20 proposals" in bot.locator(".body").inner_text()
    marker = bot.locator("a.cite").first
    assert "underline" in marker.evaluate("m => getComputedStyle(m).textDecorationLine")
    popover = bot.locator(".popover").first
    assert popover.is_hidden()
    if size == "phone":
        marker.tap()
    else:
        marker.hover()
    assert popover.is_visible()
    assert "Twenty proposals" in popover.inner_text()  # the section
    assert "Toward a Better Security Order" in popover.inner_text()  # the work
    assert "20 proposals" in popover.locator(".pop-quote").inner_text()
    # The link out opens the report at the quote (test_a_citation_link_opens_the_report…).
    out = popover.get_by_role("link", name="Open at this passage")
    assert "#:~:text=" in (out.get_attribute("href") or "")
    box, view = popover.bounding_box(), page.viewport_size
    assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"]
    shot(page, f"chat-{size}.png", docs=True)
    show = popover.get_by_role("link", name="Show source [1]")
    for _ in range(3):  # a screenshot may scroll the page, which closes a popover, late
        if not show.is_visible():
            marker.tap() if size == "phone" else marker.hover()
            page.wait_for_timeout(300)
        try:
            show.click(timeout=5_000)
            break
        except PlaywrightTimeout:
            continue
    else:
        # Under the whole suite's load the phone's tap kept landing as the popover
        # closed; what follows checks where the link leads, so it is followed directly
        # (found by its text: a link of a closed popover has no role to find it by).
        popover.locator("a", has_text="Show source [1]").dispatch_event("click")
    source = bot.locator(".source").first
    assert source.locator("blockquote.passage").is_visible()
    assert source.locator("summary").evaluate("s => s === document.activeElement")
    # The sources read as the work they are, not "1. ▶ [1]".
    assert source.locator("summary").inner_text().startswith("[1] Toward a Better Security Order")
    page.keyboard.press("Escape")
    # Nothing floats over the messages: the log's top edge shows the message itself.
    bot.evaluate("b => b.scrollIntoView({ block: 'start' })")
    box = bot.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('.msg') !== null",
        [box["x"] + 20, max(box["y"], page.locator("#log").bounding_box()["y"]) + 4],
    )
    assert on_top

    # A footnoted source is labelled by the cited work and links to it.
    footnoted = ask(page, FOOTNOTED)
    summary = footnoted.locator(".source summary").first.inner_text()
    assert summary.startswith("[1] Secretary Antony J. Blinken"), summary
    link = footnoted.locator(".source a[href^='https://www.state.gov']").first
    assert link.get_attribute("target") == "_blank"
    # A link to the report says what it does, not the fragment's %20s.
    report_links = bot.locator(".source a").all_text_contents()
    assert report_links, report_links
    assert set(report_links) == {"Open at this passage (betterorderproject.org)"}, report_links
    # A passage that quotes someone reads as in print, not “““…” …”.
    passages = page.locator("blockquote.passage, .pop-quote").all_text_contents()
    assert any("‘" in p for p in passages), passages
    assert not any("““" in p or "””" in p for p in passages), passages
    # A list passage is shown as it is, not in quotation marks as if one sentence.
    listed = ask(page, "What are the seven variables?")
    lists = [
        p for p in listed.locator("blockquote.passage").all_text_contents() if "Variable 1" in p
    ]
    assert lists and not any(p.startswith("“") for p in lists), lists
    assert_accessible(page)
    outside = [u for u in requests if not u.startswith((live.url, "data:", "blob:"))]
    assert outside == [], "the page fetched something from outside the server"
    assert page.problems == []
    page.context.close()


def test_keyboard_reaches_citations_and_previews_them(page: Page, live: LiveServer) -> None:
    open_chat(page, live)
    ask(page, QUESTION)
    page.locator("#question").focus()
    presses = 0
    while presses < 8:
        page.keyboard.press("Shift+Tab")
        presses += 1
        if page.evaluate("document.activeElement.classList.contains('cite')"):
            break
    sources = page.locator(".msg.bot .source").count()
    assert presses <= sources + 3, f"{presses} presses from the input to a citation"
    popover = page.locator(".popover:not([hidden])")
    assert popover.count() == 1 and "Toward a Better Security Order" in popover.inner_text()
    described = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert page.locator(f"#{described}").count() == 1
    page.keyboard.press("Escape")
    assert popover.count() == 0


def test_fields_are_labelled_and_controls_have_contrast(
    page: Page, live: LiveServer, size: str
) -> None:
    open_chat(page, live)
    assert page.get_by_label("Your question").count() == 1
    colours = page.evaluate(
        """() => {
            const rgb = c => '#' + c.match(/\\d+/g).slice(0, 3)
              .map(n => Number(n).toString(16).padStart(2, '0')).join('');
            const send = getComputedStyle(document.getElementById('send'));
            const q = document.getElementById('question');
            return { ask: [rgb(send.color), rgb(send.backgroundColor)],
                     placeholder: [rgb(getComputedStyle(q, '::placeholder').color),
                                   rgb(getComputedStyle(q).backgroundColor)] };
        }"""
    )
    for name, (fore, back) in colours.items():
        assert contrast(fore, back) >= 4.5, f"{name}: {fore} on {back}"
    ask(page, QUESTION)
    page.get_by_role("button", name="Yes, this answer helped").click()
    comment = page.get_by_label("Add a comment (optional)")
    comment.wait_for()
    # the field for the comment takes the focus, except on a touch screen (the keyboard)
    assert comment.evaluate("c => c === document.activeElement") is (size == "desktop")


class SlowPipeline(Pipeline):
    """Streams slowly and records whether the server closed the stream early."""

    def __init__(self, base: Pipeline) -> None:
        super().__init__(base.settings, base.store, base.retriever, base.generator)
        self.closed = threading.Event()
        self.finished = threading.Event()

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        try:
            for event in super().stream(question, history):
                time.sleep(1.5)
                yield event
            self.finished.set()
        finally:
            self.closed.set()


def test_stop_ends_the_answer_and_keeps_what_was_typed(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path, size: str
) -> None:
    slow = SlowPipeline(pipeline)
    with LiveServer(server_settings(built, tmp_path), slow) as server:
        page = new_page(browser, size)
        open_chat(page, server)  # type: ignore[arg-type]
        page.locator("#question").fill(QUESTION)
        ask_box = page.locator("#send").bounding_box()
        page.locator("#send").click()
        stop = page.get_by_role("button", name="Stop")
        stop.wait_for()
        assert page.locator("#send").is_hidden()
        # in Ask's place, as wide: the field beside them does not jump (a visitor saw 8 px)
        stop_box = stop.bounding_box()
        assert ask_box and stop_box and abs(stop_box["width"] - ask_box["width"]) < 0.5
        # One question at a time: Enter now neither sends nor wipes the typed text.
        page.locator("#question").fill("A second question")
        page.locator("#question").press("Enter")
        assert page.locator("#question").input_value() == "A second question"
        assert page.locator(".msg.user").count() == 1
        # …and says so where the visitor looks, not only to a screen reader.
        assert "Wait for the answer" in page.locator("#hint").inner_text()
        page.locator(".msg.bot .body").first.wait_for()
        stop.click()
        page.locator(".state", has_text="Stopped").wait_for()
        # Found by a visitor: the notice stayed on screen after the answer had stopped.
        assert "Wait for the answer" not in page.locator("#hint").inner_text()
        assert slow.closed.wait(10), "the server kept writing the stopped answer"
        assert not slow.finished.is_set()
        assert page.locator("#question").input_value() == "A second question"
        assert page.locator("#send").is_visible() and stop.is_hidden()
        # Stopped with the box empty, the question is put back to be reworded (a visitor
        # had to type it again).
        page.locator("#question").fill("What are the seven variables?")
        page.locator("#send").click()
        assert page.locator("#question").input_value() == ""
        stop.wait_for()
        stop.click()
        page.locator(".state", has_text="Stopped").nth(1).wait_for()
        assert page.locator("#question").input_value() == "What are the seven variables?"
        page.locator("#question").fill("")
        page.locator("#send").click()
        assert page.locator("#hint").inner_text() == "Type a question first."
        page.locator("#question").fill("What is")
        assert page.locator("#hint").inner_text().startswith("Enter sends")
        page.context.close()


def test_the_box_takes_focus_after_an_answer_except_on_a_touch_screen(
    page: Page, live: LiveServer, size: str
) -> None:
    open_chat(page, live)
    page.locator("#question").fill(QUESTION)
    send = page.locator("#send")
    send.tap() if size == "phone" else send.click()
    page.locator(".msg.bot .rate").first.wait_for()
    focused = page.evaluate("document.activeElement.id")
    # a keyboard user types the next question at once; on a phone the keyboard would
    # open over the answer
    assert focused == ("question" if size == "desktop" else ""), focused
    # The same after a rating (the comment field) and after Clear and Undo (the box):
    # a visitor found both opened the phone's keyboard.
    rate = page.get_by_role("button", name="Yes, this answer helped")
    rate.tap() if size == "phone" else rate.click()
    page.get_by_text("your rating “Yes” is saved").wait_for()
    comment = page.evaluate("document.activeElement.id").endswith("-comment")
    assert comment is (size == "desktop")
    for name in ("Clear conversation", "Undo"):
        button = page.get_by_role("button", name=name)
        button.tap() if size == "phone" else button.click()
        focused = page.evaluate("document.activeElement.id")
        assert (focused == "question") is (size == "desktop"), (name, focused)
    page.context.close()


def test_a_greeting_gets_a_reply_and_nothing_to_rate(page: Page, live: LiveServer) -> None:
    """Found by a visitor: "hi" got "Not covered…", and then "Was this answer helpful?"."""
    open_chat(page, live)
    page.locator("#question").fill("hi")
    page.locator("#question").press("Enter")
    reply = page.locator(".msg.bot .answer").first
    reply.wait_for()
    assert reply.inner_text().startswith("Hello! I answer questions about")
    assert "Not covered" not in reply.inner_text()
    assert page.locator(".msg.bot .rate").count() == 0
    ask(page, QUESTION)  # a question after it is rated as usual
    assert page.locator(".msg.bot .rate").count() == 1
    page.context.close()


def test_a_screen_reader_hears_the_answer_without_markers(page: Page, live: LiveServer) -> None:
    open_chat(page, live)
    bot = ask(page, QUESTION)
    assert "[1]" in bot.inner_text()
    status = page.locator("#status")
    deadline = time.monotonic() + TIMEOUT / 1000
    while not (status.text_content() or "").startswith("Answer:"):  # said after 50 ms
        assert time.monotonic() < deadline, status.text_content()
        time.sleep(0.05)
    said = status.text_content() or ""
    assert "20 proposals" in said and not re.search(r"\[\d+\]", said), said
    page.context.close()


def test_conversation_survives_a_reload_until_cleared(page: Page, live: LiveServer) -> None:
    open_chat(page, live)
    ask(page, FOOTNOTED)
    page.reload()
    page.locator(".msg.bot .source").first.wait_for()
    assert page.locator(".msg.user").first.inner_text().endswith(FOOTNOTED)
    follow_up = ask(page, "And in which year?")  # the restored turns are its history
    assert "2021" in follow_up.inner_text()
    page.get_by_role("button", name="Clear conversation").click()
    assert page.locator(".msg").count() == 0
    # A stray Clear loses nothing: Undo brings the turns back, kept over a reload.
    page.get_by_role("button", name="Undo").click()
    assert page.locator(".msg.user").count() == 2 and page.locator(".cleared").count() == 0
    assert "2021" in page.locator(".msg.bot").nth(1).inner_text()
    page.reload()
    page.locator(".msg.bot .source").first.wait_for()
    assert page.locator(".msg.user").count() == 2
    assert_accessible(page)
    # Undo lasts until the next question.
    page.get_by_role("button", name="Clear conversation").click()
    assert page.get_by_role("button", name="Undo").is_visible()
    shot(page, "chat-cleared.png")
    assert_accessible(page)
    ask(page, QUESTION)
    assert page.get_by_role("button", name="Undo").count() == 0
    assert page.locator(".msg.user").count() == 1
    page.get_by_role("button", name="Clear conversation").click()
    page.reload()
    page.locator("#question").wait_for()
    assert page.locator(".msg").count() == 0 and page.locator("#examples").is_visible()


def test_rating_comes_first_then_a_comment(page: Page, live: LiveServer) -> None:
    store = FeedbackStore(live.settings.server.data_dir)
    open_chat(page, live)
    ask(page, FOOTNOTED)
    bot = ask(page, QUESTION)
    assert bot.get_by_label("Add a comment (optional)").count() == 0
    bot.get_by_role("button", name="Yes, this answer helped").click()
    bot.get_by_text("your rating “Yes” is saved").wait_for()  # which one, said
    # a visitor could not take back a rating given by mistake
    bot.get_by_role("button", name="Change your rating to: No, this answer did not help").click()
    bot.get_by_text("your rating is changed to “No”").wait_for()
    assert [item for _, _, item in store.rows()][-1].rating == "down"
    bot.get_by_role("button", name="Send comment").click()
    bot.get_by_text("Write a comment first").wait_for()
    bot.get_by_label("Add a comment (optional)").fill("It missed the categories")
    bot.get_by_role("button", name="Send comment").click()
    bot.get_by_text("Comment saved. Thank you.").wait_for()
    assert bot.get_by_role("button", name="Change your rating to: Yes, this answer helped").count()
    last = [item for _, _, item in store.rows()][-1]
    assert last.rating == "down" and last.comment == "It missed the categories"
    assert last.question == QUESTION and last.citations
    assert [t.content for t in last.history][:1] == [FOOTNOTED]  # what came before it


def test_an_address_in_an_answer_is_a_link(page: Page, live: LiveServer) -> None:
    """Asked for a link, the answer gives the cited footnote's address: one to open."""
    open_chat(page, live)
    bot = ask(page, "Is there a link to the transcript of Blinken's meeting?")
    link = bot.locator(".answer > a[href^='https://www.state.gov/']")  # not the previews'
    assert link.count() == 1 and link.get_attribute("target") == "_blank"
    assert link.inner_text() == link.get_attribute("href")
    assert (
        bot.locator(".answer").inner_text().startswith("Footnote 1's source is online at https://")
    )


def test_markup_in_a_question_is_shown_as_text(page: Page, live: LiveServer) -> None:
    open_chat(page, live)
    for question in (XSS, MARKDOWN):
        ask(page, question)
    users = page.locator(".msg.user")
    assert users.nth(0).inner_text().endswith(XSS)
    assert users.nth(1).inner_text().endswith(MARKDOWN)
    assert users.locator("a, img, strong, script").count() == 0
    assert page.evaluate("window.__xss") is None


def stream_pipeline(built: Settings, embedder: object, backend: str) -> Pipeline:
    """The pipeline with the backend under test (``STREAM_TEST_BACKEND`` overrides it)."""
    backend = os.environ.get("STREAM_TEST_BACKEND", backend)
    generation = {**built.generation.model_dump(), "backend": backend}
    if cache := os.environ.get("STREAM_TEST_MODEL_CACHE"):
        generation["model_cache"] = cache
    settings = load_settings(**built.model_dump(exclude={"generation"}), generation=generation)
    pipeline = Pipeline.from_settings(settings, embedder=embedder)  # type: ignore[arg-type]
    if backend != "extractive":  # a model that is not installed would fall back silently
        assert pipeline.generator.name != "extractive", f"{backend} is not installed"
    return pipeline


WATCH = """() => {
    window.__frames = [];
    const record = () => {
        const bodies = document.querySelectorAll('#messages .msg.bot .body');
        if (bodies.length) window.__frames.push(bodies[bodies.length - 1].innerText);
    };
    new MutationObserver(record).observe(document.getElementById('messages'),
        { subtree: true, childList: true, characterData: true, attributes: true });
    const step = () => { record(); if (!window.__stopWatching) requestAnimationFrame(step); };
    requestAnimationFrame(step);
}"""


@pytest.mark.parametrize("path", ["/chat/", "/embed/chat"])
@pytest.mark.parametrize("question", [OFF_TOPIC, NEAR_MISS, QUESTION])
@pytest.mark.parametrize("backend", ["extractive", "local:qwen2.5-coder-0.5b"])
def test_a_streamed_answer_shows_only_checked_text(
    browser: Any,
    built: Settings,
    embedder: object,
    tmp_path: Path,
    path: str,
    question: str,
    backend: str,
) -> None:
    """Every frame of the streamed answer (each DOM mutation and each animation frame)
    holds only sentences of the final, checked answer, with the quoting backend and
    with the real default model (its sentence shown only once it passed the check)."""
    pipeline = stream_pipeline(built, embedder, backend)
    with LiveServer(server_settings(built, tmp_path), pipeline) as server:
        page = new_page(browser)
        page.goto(f"{server.url}{path}")
        page.locator("#question").wait_for()
        page.evaluate(WATCH)
        bot = ask(page, question)
        page.evaluate("window.__stopWatching = true")
        final = " ".join(bot.locator(".body").inner_text().split())
        frames = page.evaluate("window.__frames")
        assert frames and " ".join(frames[-1].split()) == final
        for frame in frames:
            for sentence in re.split(r"(?<=[.!?…”])\s+", " ".join(frame.split())):
                assert sentence in final, f"shown while streaming, not in the answer: {sentence!r}"
        page.context.close()


class CoveragePipeline(Pipeline):
    """Refusals name the nearest sections, as the coverage decision will."""

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        for event in super().stream(question, history):
            refusal = event.answer and event.answer.refusal
            if refusal and refusal.reason == "not_covered":
                nearest = [
                    NearestSection(
                        document="Toward a Better Security Order",
                        section="Twenty proposals along seven variables",
                        chunk_id="x",
                    ),
                    NearestSection(
                        document="Toward a Better Security Order",
                        section="Footnote 1",
                        chunk_id="y",
                        url="https://www.state.gov/example",
                    ),
                ]
                coverage = Coverage(verdict="not_covered", missing="recipes", nearest=nearest)
                refusal = self.refusal(coverage)
                text = self.refusal_text(refusal, coverage)
                update = {"coverage": coverage, "refusal": refusal, "answer": text}
                event = StreamEvent(kind="answer", answer=event.answer.model_copy(update=update))
            yield event


def test_not_covered_names_the_nearest_sections(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path, size: str
) -> None:
    covered = CoveragePipeline(
        pipeline.settings, pipeline.store, pipeline.retriever, pipeline.generator
    )
    with LiveServer(server_settings(built, tmp_path), covered) as server:
        page = new_page(browser, size)
        open_chat(page, server)  # type: ignore[arg-type]
        refusal = ask(page, OFF_TOPIC)
        text = refusal.inner_text()
        assert "Not covered. The documents do not say recipes:" in text
        # The nearest sections are listed once, as links, not also named in the text.
        assert text.count("Twenty proposals along seven variables") == 1
        assert "The nearest parts of the documents" not in text
        external = refusal.get_by_role("link", name="Footnote 1 (Toward a Better Security Order)")
        assert external.get_attribute("href") == "https://www.state.gov/example"
        inside = refusal.get_by_role("link", name=re.compile("^Twenty proposals"))
        inside.click()  # no address: it asks about the section
        page.locator(".msg.bot .rate").nth(1).wait_for()
        assert (
            "Twenty proposals along seven variables"
            in page.locator(".msg.user").nth(1).inner_text()
        )
        # Not "Not covered." for a question the documents may answer, read in English.
        french = ask(page, "Quelle est la position du rapport sur la Chine ?").inner_text()
        assert "seems to be in French" in french and "Not covered" not in french
        page.context.close()


class MarkupGenerator:
    """Answers by quoting a passage full of markup, as a hostile corpus file would."""

    name = "markup"
    PASSAGE = '<script>window.__xss=3</script><img src=y onerror="window.__xss=4"> says'

    def write(self, evidence: Evidence, cites: CitationList, written: Written) -> Stream:
        top = evidence.passages[0].chunk
        marked = top.model_copy(
            update={"section": f"<b>{top.section}</b>", "url": "javascript:alert(1)"}
        )
        n = cites.cite(marked, self.PASSAGE)
        yield f"{self.PASSAGE} [{n}]"


def answers_on_both_pages(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path, generator: object
) -> Iterator[tuple[Page, Page]]:
    """(page, bot message) for ``QUESTION`` answered by ``generator``, on the chat page
    and then in the widget's frame."""
    custom = Pipeline(built, pipeline.store, pipeline.retriever, generator)  # type: ignore[arg-type]
    with LiveServer(server_settings(built, tmp_path), custom) as server:
        page = new_page(browser)
        for path in ("/chat/", "/embed/chat"):
            page.goto(f"{server.url}{path}")
            yield page, ask(page, QUESTION)
        page.context.close()


def test_markup_in_a_passage_is_shown_as_text(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    for page, bot in answers_on_both_pages(browser, built, pipeline, tmp_path, MarkupGenerator()):
        bot.locator("summary").first.click()
        assert "<img src=y" in bot.inner_text()
        assert page.locator("a[href^='javascript']").count() == 0
        assert page.evaluate("window.__xss") is None


def test_a_rejected_sentence_leaves_no_trace_on_the_page(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    rejecting = RejectingGenerator()
    for page, bot in answers_on_both_pages(browser, built, pipeline, tmp_path, rejecting):
        assert bot.locator(".answer").inner_text().strip()  # the checked quote is shown
        assert "1.5 billion" not in page.content()
        # no note about highlighted sentences when nothing on the page is highlighted
        assert "not supported" not in bot.inner_text().lower()


def open_widget(page: Page) -> Page:
    launcher = page.locator(".orderbot-widget .button")
    launcher.click()
    frame = page.frame_locator(".orderbot-widget iframe")
    frame.locator("#question").wait_for()
    return frame


def test_widget_on_the_demo_page(browser: Any, live: LiveServer, size: str) -> None:
    page = new_page(browser, size)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live.url}/demo")
    launcher = page.locator(".orderbot-widget .button")
    assert launcher.inner_text() == "Ask about the report"
    assert launcher.get_attribute("aria-expanded") == "false"
    assert_accessible(page)
    frame = open_widget(page)
    assert launcher.get_attribute("aria-expanded") == "true"
    if size == "desktop":
        assert launcher.inner_text() == "Close chat"
    else:  # the panel fills a phone's screen
        panel = page.locator(".orderbot-widget .panel").bounding_box()
        assert (panel["x"], panel["y"], panel["width"]) == (0, 0, 390)
        assert panel["height"] == 780
    # chat.js names the frame from its URL once it runs, a moment after the page is drawn.
    expect(frame.locator("#title")).to_have_text("Ask about the report")
    frame.get_by_role("button", name="What are the seven variables?").click()
    frame.locator(".msg.bot .rate").wait_for()
    frame.get_by_role("button", name=QUESTION).count()  # examples hidden once asked
    bot = ask(frame, QUESTION)
    # The panel shows the new answer from its start: its question at the top.
    question_box = bot.locator("xpath=preceding-sibling::div[1]").bounding_box()
    log_box = frame.locator("#log").bounding_box()
    assert abs(question_box["y"] - log_box["y"]) < 40, (question_box, log_box)
    start = bot.locator("p.answer")
    assert "20 proposals" in start.inner_text()
    assert start.bounding_box()["y"] < log_box["y"] + log_box["height"] / 2
    assert_accessible(page)
    shot(page, f"widget-{size}.png", docs=True)
    bot.get_by_role("button", name="Yes, this answer helped").click()
    field = bot.get_by_label("Add a comment (optional)")
    field.wait_for()
    field_box = field.bounding_box()  # the comment field fits the panel, on a phone too
    assert log_box["x"] <= field_box["x"]
    assert field_box["x"] + field_box["width"] <= log_box["x"] + log_box["width"]

    frame.get_by_role("button", name="Close chat").click()
    page.locator(".orderbot-widget .panel").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.className") == "orderbot-widget"
    assert launcher.evaluate("b => b.getRootNode().activeElement === b")
    assert launcher.inner_text() == "Ask about the report"
    launcher.click()
    frame.locator("#question").press("Escape")
    page.locator(".orderbot-widget .panel").wait_for(state="hidden")
    assert launcher.evaluate("b => b.getRootNode().activeElement === b")
    launcher.click()  # the conversation is still there
    assert frame.locator(".msg.bot").count() == 2
    if size == "desktop":  # type at once; on a phone no keyboard over the answer
        expect(frame.locator("#question")).to_be_focused()
    else:
        page.wait_for_timeout(500)
        expect(frame.locator("#question")).not_to_be_focused()
    assert [u for u in requests if not u.startswith(live.url)] == []
    csp = [p for p in page.problems if "Content Security Policy" in p]
    assert csp == [] and page.problems == []
    page.context.close()


def assert_frame_blocked(page: Page) -> None:
    """The page's frame of the chat ends on Chromium's error page, not on the chat."""
    deadline = time.monotonic() + TIMEOUT / 1000
    url = ""
    while time.monotonic() < deadline:
        frames = [f for f in page.frames if f != page.main_frame]
        url = frames[0].url if frames else ""
        if url.startswith("chrome-error://"):
            break
        assert not frames or frames[0].locator("#question, textarea").count() == 0
        page.wait_for_timeout(100)
    assert url.startswith("chrome-error://"), f"the frame was not blocked (at {url!r})"


STRICT = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "script-src {origin}; frame-src {origin}; style-src 'self'\">"
)


def snippet(server: LiveServer) -> str:
    return (
        "<!doctype html><html lang=en><head><title>Outreach</title>"
        + STRICT.format(origin=server.url)
        + "</head><body><h1>Outreach</h1>"
        f'<script src="{server.url}/embed/widget.js" data-title="Ask orderbot" '
        'data-accent="#225522" data-questions="How many proposals are in the package?" '
        "defer></script></body></html>"
    )


def test_a_follow_up_read_as_another_question_says_so(page: Page, live: LiveServer) -> None:
    """Found by a visitor: after the seven variables, "What about the second one?" was
    answered about Use of Force, but nothing on the page said which item was meant."""
    open_chat(page, live)
    first = ask(page, "What are the seven variables?")
    assert first.locator(".understood").count() == 0
    second = ask(page, "What about the second one?")
    assert second.locator(".understood").inner_text() == "Read as: “What about Use of Force?”"
    why = ask(page, "Why?")  # read with the question before it, which is named
    assert why.locator(".understood").inner_text() == (
        "Read with the question before it: “What about Use of Force?”"
    )
    page.reload()  # a restored conversation says it too
    page.locator(".msg.bot").nth(1).locator(".understood").wait_for()
    # An item quoted in the question read is not put in quotation marks twice.
    ask(page, "What are the two crises?")
    crisis = ask(page, "What about the second one?")
    read = crisis.locator(".understood").inner_text()
    assert read.startswith("Read as: What about “") and read.count("“") == 1, read
    # Read only with an apostrophe and capitals more: nothing to tell (a visitor saw
    # "Read as: “what's the weather in berlin today”").
    plain = ask(page, "whats the rbio")
    assert plain.locator(".understood").count() == 0


def test_a_long_conversation_scrolls_inside_the_chat_not_the_page(
    page: Page, live: LiveServer
) -> None:
    """A visitor saw a second, outer scrollbar after a few answers, and the header and
    the Ask button shifted: the screen-reader labels ("orderbot: "), placed absolutely,
    sat where the conversation had scrolled them, below the window, and stretched the
    page. The conversation scrolls in its own pane; the page never does."""
    for path in ("/chat/", "/embed/chat"):
        page.goto(f"{live.url}{path}")
        page.locator("#question").wait_for()
        width = page.viewport_size["width"]
        page.set_viewport_size({"width": width, "height": 420})
        for question in (QUESTION, FOOTNOTED, "What are the seven variables?"):
            ask(page, question)
        log = page.locator("#log").evaluate("e => [e.scrollHeight, e.clientHeight]")
        assert log[0] > log[1], log  # the conversation is longer than its pane
        sizes = page.evaluate(
            "() => [document.documentElement.scrollHeight, document.documentElement.clientHeight]"
        )
        assert sizes[0] <= sizes[1], (path, sizes)


def test_the_panel_on_its_own_has_no_close_button_and_keeps_a_long_question(
    page: Page, live: LiveServer
) -> None:
    """Found by a visitor: × did nothing on /embed/chat opened on its own, and a pasted
    text over the limit was cut, losing the question at its end."""
    page.goto(f"{live.url}/embed/chat")
    page.locator("#question").wait_for()
    assert page.locator("#close").is_hidden()
    limit = int(page.locator("#question").get_attribute("data-max-chars") or 0)
    assert limit > 0
    text = "Some background first. " * (limit // 23 + 2) + "How many proposals are there?"
    page.locator("#question").fill(text)
    page.locator("#question").press("Enter")
    assert page.locator("#question").input_value() == text  # nothing cut, nothing sent
    assert page.locator(".msg.user").count() == 0
    hint = page.locator("#hint").inner_text()
    assert f"limited to {limit:,}" in hint and "Shorten it" in hint
    # On a phone, and in the widget, the hint is hidden to save room: a notice is not (a
    # visitor pressed Ask at 390 px and saw nothing happen).
    expect(page.locator("#hint")).to_be_visible()
    page.locator("#question").fill(text[-29:])
    page.locator("#question").press("Enter")
    page.locator(".msg.bot .rate").wait_for()
    assert page.locator(".msg.user").count() == 1


def test_widget_works_on_an_allowed_origin_with_a_strict_csp_and_not_elsewhere(
    page: Page, live: LiveServer
) -> None:
    page_html = {"/": snippet(live)}
    with StaticSite(page_html, port=live.outreach_port) as allowed, StaticSite(page_html) as other:
        page.goto(f"{allowed.origin}/")
        launcher = page.locator(".orderbot-widget .button")
        colour = launcher.evaluate("b => getComputedStyle(b).backgroundColor")
        assert colour == "rgb(34, 85, 34)"  # data-accent, set without inline styles
        frame = open_widget(page)
        frame.get_by_role("button", name=QUESTION).click()
        frame.locator(".msg.bot .answer").wait_for()
        frame.get_by_role("button", name="Yes, this answer helped").click()
        frame.get_by_label("Add a comment (optional)").fill("from the outreach site")
        frame.get_by_role("button", name="Send comment").click()
        frame.get_by_text("Comment saved. Thank you.").wait_for()
        rows = [item for _, _, item in FeedbackStore(live.settings.server.data_dir).rows()]
        assert any(r.comment == "from the outreach site" and r.rating == "up" for r in rows)
        assert [p for p in page.problems if "Content Security Policy" in p] == []

        page.goto(f"{other.origin}/")
        page.locator(".orderbot-widget .button").click()
        assert_frame_blocked(page)


def test_a_stranger_cannot_frame_the_chat_page(page: Page, live: LiveServer) -> None:
    framing = f'<iframe id="f" src="{live.url}/chat/" width="800" height="600"></iframe>'
    with StaticSite({"/": framing}) as other:
        page.goto(f"{other.origin}/")
        assert_frame_blocked(page)


class BarrierPipeline(Pipeline):
    """Answers only once two answers are being written at the same time."""

    def __init__(self, base: Pipeline) -> None:
        super().__init__(base.settings, base.store, base.retriever, base.generator)
        self.barrier = threading.Barrier(2, timeout=20)

    def stream(self, question: str, history: Sequence[Turn] = ()) -> Iterator[StreamEvent]:
        self.barrier.wait()
        yield from super().stream(question, history)


def test_two_conversations_progress_together(
    browser: Any, built: Settings, pipeline: Pipeline, tmp_path: Path
) -> None:
    settings = server_settings(built, tmp_path, concurrency_limit=2)
    with LiveServer(settings, BarrierPipeline(pipeline)) as server:
        pages = [new_page(browser) for _ in range(2)]
        for p in pages:
            open_chat(p, server)  # type: ignore[arg-type]
        for p in pages:
            p.locator("#question").fill(QUESTION)
            p.locator("#send").click()
        for p in pages:
            p.locator(".msg.bot .answer").wait_for()
            assert "20 proposals" in p.locator(".msg.bot .answer").inner_text()
            p.context.close()


def test_content_policy_lets_the_chat_and_the_widget_work(page: Page, live: LiveServer) -> None:
    """The server's policy forbids foreign and inline scripts; nothing the pages need is
    blocked."""
    blocked: list[str] = []
    page.on(
        "console",
        lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
    )
    open_chat(page, live)
    bot = ask(page, QUESTION)
    bot.locator("a.cite").first.click()
    assert bot.locator(".popover").first.is_visible()
    page.goto(f"{live.url}/demo")
    frame = open_widget(page)
    frame.get_by_role("button", name=QUESTION).click()
    frame.locator(".msg.bot .answer").wait_for()
    assert blocked == []


def report_page(document: ParsedDocument) -> str:
    """The report as its web page shows it: headings, paragraphs, and each footnote marker
    as a superscript number, under a banner tall enough that every passage needs a scroll."""
    body = ['<header style="height: 1600px">Better Order Project</header>']
    for section in document.sections:
        body.append(f"<h2>{html.escape(section.title)}</h2>")
        for paragraph in section.paragraphs:
            text, at = paragraph.text, 0
            parts = []
            for ref in paragraph.refs:
                parts += [html.escape(text[at : ref.offset]), f"<sup>{ref.n}</sup>"]
                at = ref.offset
            parts.append(html.escape(text[at:]))
            body.append(f"<p>{''.join(parts)}</p>")
    head = '<!doctype html><html><head><meta charset="utf-8"></head>'
    return f"{head}<body>{''.join(body)}</body></html>"


def test_a_citation_link_opens_the_report_at_its_quote(browser: Any, pipeline: Pipeline) -> None:
    document = load_document(CORPUS_REPORT)
    assert document.url is not None
    questions = [
        QUESTION,
        "How do U.S. strategists view the RBIO?",  # the quote ends at a footnote marker
        "What did the 2022 National Security Strategy say about the RBIO?",
        "What are the seven variables?",  # a list, one item a line
        "Where did Guterres speak about balance and justice?",
    ]
    links: list[tuple[str, str]] = []
    for question in questions:
        answer = pipeline.ask(question)
        links += [(c.url or "", c.quote) for c in answer.citations if c.work is None]
        assert answer.coverage is not None
        links += [(n.url or "", "") for n in answer.coverage.nearest]
    assert len(links) >= 2 * len(questions)
    # A quote over a footnote marker: the page shows "…chaos and disorder.1 Outside…".
    over = "into chaos and disorder. Outside of the West"
    marked = next(c for c in pipeline.store.chunks() if over in c.text)
    links.append((passage_link(marked, over) or "", over))
    with StaticSite({"/report": report_page(document)}) as site:
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        for link, quote in links:
            assert link.startswith(document.url + "#:~:text="), link
            page = context.new_page()
            page.goto(site.origin + "/report" + link[len(document.url) :])
            # The first words the fragment names, as the page shows them.
            start = urllib.parse.unquote(link.split("text=")[1].split(",")[0])
            page.wait_for_function("() => window.scrollY > 1000")
            box = page.evaluate(
                """(start) => {
                    const all = [...document.querySelectorAll("p")];
                    const p = all.find(e => e.textContent.replace(/\\s+/g, " ").includes(start));
                    const r = p.getBoundingClientRect();
                    return [r.top, r.bottom, window.innerHeight];
                }""",
                start,
            )
            top, bottom, height = box
            assert bottom > 0 and top < height, (link, quote, box)
            page.close()
        context.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_preview_lying_over_the_next_marker_hands_over_to_it(
    browser: Any, live: LiveServer, size: str
) -> None:
    """Found by a visitor: [2]'s preview opened over [3] on the next line, and [3] could
    not be hovered until the pointer went round the preview. Here the first preview is
    laid over the second marker on purpose, then the pointer moves on to that marker, or
    a finger taps where it is (a second visitor's phone script could not tap it: the
    test tool refuses a covered element, but a finger's tap lands on the preview, whose
    pointer events hand over to the marker beneath)."""
    page = new_page(browser, size)
    open_chat(page, live)
    bot = ask(page, "What are the two crises?")
    markers = bot.locator("a.cite")
    first, second = markers.first, bot.locator("a.cite:not(:text-is('[1]'))").first
    if size == "phone":
        first.tap()
    else:
        first.hover()
    popover = bot.locator(".popover:not([hidden])")
    assert popover.count() == 1
    target = second.bounding_box()
    assert target is not None
    popover.evaluate(
        "(p, t) => { const box = p.offsetParent.getBoundingClientRect();"
        " p.style.left = (t.x - box.left - 20) + 'px';"
        " p.style.top = (t.y - box.top - 20) + 'px'; }",
        target,
    )
    x, y = target["x"] + target["width"] / 2, target["y"] + target["height"] / 2
    covered = page.evaluate(
        "([x, y]) => !document.elementFromPoint(x, y).matches('a.cite')", [x, y]
    )
    assert covered  # the first preview lies over the second marker
    if size == "phone":
        page.touchscreen.tap(x, y)
    else:
        page.mouse.move(x - 3, y)
        page.mouse.move(x, y)
    shown = bot.locator(".popover:not([hidden])")
    assert shown.count() == 1
    assert shown.get_attribute("id") == second.get_attribute("aria-controls")
    assert page.problems == []
    page.context.close()
