"""The ``orderbot`` command. Library errors become one-line messages here (and, for the web,
in ``orderbot_web``): the two edges, nowhere else."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orderbot import __version__
from orderbot.config import Settings, load_settings
from orderbot.errors import CorpusError, OrderbotError
from orderbot.models import Answer

if TYPE_CHECKING:
    from orderbot_web.feedback import FeedbackStore

app = typer.Typer(
    help="Grounded, cited answers about the documents in the corpus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

# `orderbot ingest`'s exit status when the index was built but some documents were not
# indexed (unreadable, or quarantined); 1 is a failure with nothing built.
INCOMPLETE = 3


class Failed(Exception):
    """Raised after a message was printed; exits with ``code``."""

    def __init__(self, code: int = 1) -> None:
        self.code = code


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except OrderbotError as exc:
        err.print(f"[bold red]error:[/] {exc}", highlight=False, markup=True)
        raise Failed(1) from exc


def _many(n: int, noun: str) -> str:
    """``"1 chunk"``, ``"2 chunks"``, ``"1,024 chunks"``."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,  # the summary line that follows says what was done
    )


def _settings() -> Settings:
    with _errors():
        return load_settings()


@app.command()
def ingest() -> None:
    """Build or refresh the index from the corpus folder (only new or changed files)."""
    _ingest(_settings())


def _ingest(settings: Settings) -> None:
    from orderbot.index import build_index

    with _errors(), _progress() as progress:
        task = progress.add_task("embedding chunks", total=None)
        started = False

        def advance(done: int, total: int) -> None:
            nonlocal started
            if not started and total:
                started = True
                progress.console.print(f"embedding {total} new or changed chunks")
            progress.update(task, completed=done, total=total)

        report = build_index(settings, on_progress=advance)
    if report.damaged:
        err.print(
            f"warning: {report.damaged}; built the index again from the corpus",
            highlight=False,
            markup=False,
        )
    for problem in report.problems:
        err.print(f"[bold red]error:[/] {problem.reason}", highlight=False)
    for q in report.quarantined:
        err.print(
            f"quarantined: {q.doc_id} ({q.path}) is not indexed: it reads as an instruction "
            f"to an assistant: {q.reason!r}. Read it; if it is sound, `orderbot corpus "
            f"clear {q.doc_id}`.",
            highlight=False,
            markup=False,
        )
    err.print(
        f"index {report.index_path}: {_many(report.documents, 'document')}, "
        f"{_many(report.chunks, 'chunk')} ({_many(report.parsed, 'file')} parsed, "
        f"{_many(report.embedded, 'chunk')} embedded, {report.removed:,} removed) in "
        f"{report.seconds:.1f}s",
        highlight=False,
    )
    if report.problems or report.quarantined:
        # The index holds every other document, and a document that was indexed before
        # keeps its last good version: exit 3 tells "built, but not all of it" from a
        # failure (1), so `make run` can serve what was built while the problems are fixed.
        raise Failed(INCOMPLETE)


corpus_app = typer.Typer(
    help="The indexed documents, and those held back in quarantine.",
    invoke_without_command=True,
)
app.add_typer(corpus_app, name="corpus")


@corpus_app.callback()
def corpus_list(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """List the indexed documents (chunks, pages, source, dates) and the quarantined ones."""
    if ctx.invoked_subcommand is not None:
        return
    from orderbot.index.location import index_location

    settings = _settings()
    with _errors():
        store = index_location(settings.index).open()
        manifest = store.read_manifest()
    if json_:
        sys.stdout.write(manifest.model_dump_json() + "\n")
        return
    for d in manifest.documents:
        facts = [_many(d.chunks, "chunk")] + ([_many(d.pages, "page")] if d.pages else [])
        if d.retrieved_at:
            facts.append(f"from {d.url}, retrieved {d.retrieved_at}")
        else:
            facts.append(f"{d.path}, published at {d.url}" if d.url else d.path)
        facts.append(f"ingested {d.ingested_at}")
        out.print(f"{d.doc_id}: {d.title}", highlight=False, markup=False, style="bold")
        out.print("    " + "; ".join(facts), highlight=False, markup=False)
    for q in manifest.quarantined:
        out.print(f"{q.doc_id}: QUARANTINED, not indexed", markup=False, style="bold red")
        out.print(f"    {q.path}; reads as an instruction: {q.reason!r}", markup=False)
    out.print(
        f"{_many(len(manifest.documents), 'document')}, {_many(manifest.chunks, 'chunk')}"
        + (f", {len(manifest.quarantined)} quarantined" if manifest.quarantined else "")
        + f"; index version {store.path.name}, built {manifest.built_at}",
        highlight=False,
        markup=False,
    )


@corpus_app.command("clear")
def corpus_clear(
    doc_id: Annotated[str, typer.Argument(help="The quarantined document's id.")],
) -> None:
    """Release a quarantined document, as its file is now, to be indexed at the next
    ingest (after reading it: it carries text addressed to an assistant)."""
    from orderbot.ingest.corpus import corpus_files, doc_id_for, file_hash
    from orderbot.ingest.quarantine import clear

    settings = _settings()
    with _errors():
        files = {doc_id_for(settings.corpus_dir, p): p for p in corpus_files(settings.corpus_dir)}
        if doc_id not in files:
            raise CorpusError(f"no document {doc_id!r} in {settings.corpus_dir}")
        digest = file_hash(files[doc_id])
        clear(settings.corpus_dir, doc_id, digest)
    err.print(
        f"cleared {doc_id} ({files[doc_id]}, sha256 {digest[:12]}…); `orderbot ingest` "
        "indexes it. If the file changes, it is checked again.",
        highlight=False,
        markup=False,
    )


sources_app = typer.Typer(help="The sources the footnotes cite.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")


@sources_app.command("fetch")
def sources_fetch(
    refresh: Annotated[
        bool, typer.Option(help="Ask the server whether fetched sources have changed.")
    ] = False,
    ingest_: Annotated[
        bool, typer.Option("--ingest/--no-ingest", help="Ingest what was fetched.")
    ] = True,
) -> None:
    """Download the URLs in the corpus footnotes into corpus/sources/, then ingest."""
    from orderbot.sources import SourceResult, fetch_sources

    settings = _settings()

    def show(result: SourceResult) -> None:
        if result.status == "failed":
            err.print(
                f"[bold red]failed:[/] {result.name} ({result.url}): {result.reason}",
                highlight=False,
            )
        else:
            err.print(f"{result.status:9s} {result.name} -> {result.path}", highlight=False)

    with _errors():
        report = fetch_sources(settings, refresh=refresh, on_result=show)
    err.print(
        f"sources: {report.count('fetched')} fetched, {report.count('updated')} updated, "
        f"{report.count('unchanged')} unchanged, {len(report.failed)} failed",
        highlight=False,
    )
    if ingest_ and report.changed:
        _ingest(settings)
    if report.failed:
        raise Failed(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Answer one question from the documents, with numbered sources."""
    from orderbot.pipeline import Pipeline
    from orderbot.question import check_question

    settings = _settings()
    with _errors():
        check_question(question, settings.max_question_chars)  # before loading any model
        pipeline = Pipeline.from_settings(settings)
        answer = pipeline.ask(question)
    if json_:
        sys.stdout.write(answer.model_dump_json() + "\n")
    else:
        print_answer(answer)


@app.command()
def chat() -> None:
    """Talk in the terminal: answers stream as they are written; follow-ups keep the
    conversation. An empty line, `exit` or Ctrl-D ends it."""
    from orderbot.conversation import Turn
    from orderbot.pipeline import Pipeline
    from orderbot.question import shown

    settings = _settings()
    with _errors():
        pipeline = Pipeline.from_settings(settings)
    if isinstance(sys.stdin, io.TextIOWrapper):
        # Bytes that are not UTF-8 arrive as lone surrogates, which the question check
        # refuses with a message, instead of a UnicodeDecodeError ending the chat.
        sys.stdin.reconfigure(errors="surrogateescape")
    err.print(f"orderbot ({pipeline.generator.name}) on: {'; '.join(pipeline.documents)}")
    history: list[Turn] = []
    while True:
        try:
            question = input("\nyou> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if question.lower() in {"", "exit", "quit"}:
            break
        try:
            answer = None
            streamed = False
            for event in pipeline.stream(question, history):
                if event.kind == "sentence":
                    out.print(event.text, end=" ", highlight=False, markup=False)
                    streamed = True
                else:
                    answer = event.answer
        except OrderbotError as exc:
            err.print(f"[bold red]error:[/] {exc}", highlight=False)
            continue
        assert answer is not None
        if not streamed:  # a refusal, or a reply to "hi": no sentence came before it
            out.print(answer.answer, end="", highlight=False, markup=False)
        out.print()
        print_sources(answer)
        history += [
            Turn(role="user", content=question),
            Turn(role="assistant", content=shown(answer.answer)),
        ]


def print_answer(answer: Answer) -> None:
    out.print(answer.answer, highlight=False, markup=False)
    print_sources(answer)


def print_sources(answer: Answer) -> None:
    if answer.unsupported:  # never the text itself: only checked text reaches a reader
        n = len(answer.unsupported)
        out.print(
            f"  ({n} sentence{'s' if n > 1 else ''} the model wrote failed the citation check"
            f" and {'are' if n > 1 else 'is'} not shown; --json lists them under 'unsupported')",
            style="yellow",
            highlight=False,
            markup=False,
        )
    if answer.citations:
        out.print("\nSources:", style="bold")
        for c in answer.citations:
            where = f"{c.document} — {c.section}" + (f", p. {c.page}" if c.page else "")
            out.print(f"[{c.n}] {where}", highlight=False, markup=False)
            out.print(f"    {c.quoted()}", highlight=False, markup=False, style="dim")
            if c.url:
                out.print(f"    {c.url}", highlight=False, markup=False)


@app.command("eval")
def evaluate(
    qa: Annotated[Path, typer.Option(help="QA file (JSONL).")] = Path("eval/qa.jsonl"),
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Output folder \\[default: eval/runs/TIME].")
    ] = None,
    generator: Annotated[
        str | None, typer.Option(help="Answer backend \\[default: from the settings].")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="metrics.json to gate against: exit 1 if worse.")
    ] = None,
    tolerance: Annotated[float, typer.Option(help="Allowed drop of a score.")] = 0.02,
    latency_tolerance: Annotated[
        float | None,
        typer.Option(help="Also gate latency: allowed relative rise (0.5 = 50 %)."),
    ] = None,
    references: Annotated[bool, typer.Option(help="Also score the reference pipelines.")] = True,
    sample: Annotated[
        int | None, typer.Option(min=1, help="Only N questions, spread evenly over the file.")
    ] = None,
    split: Annotated[
        str,
        typer.Option(
            help="Which questions: 'test' (what the gate and the README report), 'tune' "
            "(what thresholds may be fitted on) or 'all'. Items without a split count as "
            "'test'."
        ),
    ] = "test",
) -> None:
    """Run the QA set through the pipeline; write results, metrics and a report."""
    from orderbot.eval import compare, load_qa
    from orderbot.eval.gate import load_metrics
    from orderbot.eval.report import write_run
    from orderbot.eval.runner import run_eval
    from orderbot.pipeline import Pipeline

    settings = _settings()
    if generator:
        with _errors():
            settings = load_settings(
                **settings.model_dump(exclude={"generation"}),
                generation={**settings.generation.model_dump(), "backend": generator},
            )
    out_dir = out_dir or Path("eval/runs") / datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    with _errors():
        if split not in {"test", "tune", "all"}:
            raise OrderbotError(f"--split must be test, tune or all, got {split!r}")
        loaded = load_qa(qa, max_question_chars=settings.max_question_chars)
        items = [i for i in loaded if split == "all" or (i.split or "test") == split]
        if not items:
            raise OrderbotError(f"{qa} has no questions in the {split!r} split")
        if sample and sample < len(items):
            items = [items[i * len(items) // sample] for i in range(sample)]
        base = load_metrics(baseline) if baseline else None
        pipeline = Pipeline.from_settings(settings)
        with _progress() as progress:
            task = progress.add_task("questions", total=len(items))
            run = run_eval(
                pipeline,
                items,
                qa,
                split=split,
                references=references,
                on_progress=lambda done, total: progress.update(task, completed=done),
            )
        written = write_run(run, out_dir)
    overall = run.metrics["overall"]
    assert isinstance(overall, dict)
    for name, value in overall.items():
        out.print(f"{name:20s} {'–' if value is None else value}", highlight=False)
    err.print(f"wrote {', '.join(str(p) for p in written)}", highlight=False)
    if base is not None:
        failures = compare(
            run.metrics, base, tolerance=tolerance, latency_tolerance=latency_tolerance
        )
        for failure in failures:
            err.print(f"[bold red]regression:[/] {failure}", highlight=False)
        if failures:
            raise Failed(1)
        err.print(f"gate passed against {baseline} (tolerance {tolerance})", highlight=False)


@app.command("settings")
def show_settings() -> None:
    """Print the settings in force (environment included) and the known backends."""
    from orderbot.generate import available_generators

    settings = _settings()
    data = settings.model_dump(mode="json")
    data["available_backends"] = available_generators()
    data["index_path"] = str(settings.index.index_path())
    sys.stdout.write(json.dumps(data, indent=2) + "\n")


@app.command()
def serve(
    demo: Annotated[
        bool, typer.Option("--demo", help="Also serve a stand-in outreach page at /demo.")
    ] = False,
    host: Annotated[
        str | None, typer.Option(help="Address \\[default: from the settings].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port \\[default: from the settings].")] = None,
) -> None:
    """Serve the web chat, the HTTP API and the embeddable widget."""
    settings = _settings()
    if host is not None or port is not None:
        with _errors():
            server = settings.server.model_dump()
            server.update({k: v for k, v in {"host": host, "port": port}.items() if v is not None})
            settings = load_settings(**settings.model_dump(exclude={"server"}), server=server)
    with _errors():
        from orderbot_web.server import serve as run_server

        run_server(settings, demo=demo)


feedback_app = typer.Typer(help="Ratings visitors gave to answers.", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out_file: Annotated[Path, typer.Option("--out", help="QA file to write (JSONL).")] = Path(
        "eval/feedback.jsonl"
    ),
) -> None:
    """Add the ratings not yet in the QA file, to turn into evaluation questions.

    Lines already in the file, with a maintainer's edits, are kept as they are."""
    settings = _settings()
    with _errors(), _feedback_store(settings) as store:
        from orderbot_web.feedback import export_qa

        skipped: list[str] = []
        done = export_qa(
            store, out_file, max_question_chars=settings.max_question_chars, skipped=skipped
        )
    for reason in skipped:
        err.print(f"skipped {reason}", highlight=False, markup=False)
    added = _many(done.added, "rated answer")
    kept = f" ({_many(done.kept, 'line')} already there, kept as they are)"
    err.print(f"added {added} to {out_file}{kept if done.kept else ''}", highlight=False)


@contextmanager
def _feedback_store(settings: Settings) -> Iterator[FeedbackStore]:
    from orderbot_web.feedback import FeedbackStore, database_url

    store = FeedbackStore(database_url(settings.server.data_dir, settings.server.database_url))
    try:
        yield store
    finally:
        store.close()


db_app = typer.Typer(help="The feedback database (`server.database_url`).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply the schema migrations (`orderbot serve` also does this when it starts)."""
    settings = _settings()
    with _errors(), _feedback_store(settings) as store:
        revision = store.migrate()
        err.print(f"{store!r}: schema at revision {revision}", highlight=False)


model_app = typer.Typer(help="Language models as servers.", no_args_is_help=True)
app.add_typer(model_app, name="model")


@model_app.command("serve")
def model_serve(
    model: Annotated[
        str | None,
        typer.Argument(
            help="A packaged model name or a .gguf path \\[default: the local:MODEL backend, "
            "else qwen2.5-coder-0.5b]."
        ),
    ] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    parallel: Annotated[
        int, typer.Option(help="Answers written at once; more requests wait in a queue.")
    ] = 1,
) -> None:
    """Serve a model with llama.cpp's own OpenAI-compatible HTTP server, for web replicas
    to share with the backend openai:MODEL@URL/v1."""
    from orderbot.model_server import start_model_server, wait_forever

    settings = _settings()
    backend = settings.generation.backend
    spec = model or (backend.partition(":")[2] if backend.startswith("local:") else "")
    with _errors():
        server = start_model_server(
            spec or "qwen2.5-coder-0.5b", settings.generation, host=host, port=port,
            parallel=parallel,
        )  # fmt: skip
    out.print(f"model server: {server.api_url}", highlight=False)
    out.print(
        f"web replicas: ORDERBOT_GENERATION__BACKEND='openai:{server.name}@{server.api_url}'",
        highlight=False,
    )
    sys.stdout.flush()
    try:
        wait_forever()
    except KeyboardInterrupt:
        server.close()


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"orderbot {__version__}")


def main() -> None:
    import logging

    handler = logging.StreamHandler()
    handler.setLevel(logging.WARNING)  # libraries that log at DEBUG on their own stay quiet
    handler.setFormatter(logging.Formatter("warning: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    try:
        app(standalone_mode=False)
    except Failed as exc:
        raise SystemExit(exc.code) from None
    except typer.Abort:
        err.print("aborted")
        raise SystemExit(130) from None
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        raise
