"""The ``orderbot`` command. Errors become one-line messages here and nowhere else."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orderbot import __version__
from orderbot.config import Settings, load_settings
from orderbot.errors import OrderbotError
from orderbot.models import Answer

app = typer.Typer(
    help="Grounded, cited answers about the Better Order Project report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


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


def _settings() -> Settings:
    with _errors():
        return load_settings()


@app.command()
def ingest() -> None:
    """Build or refresh the index from the corpus folder."""
    from orderbot.index import build_index

    settings = _settings()
    with (
        _errors(),
        Progress(
            TextColumn("[progress.description]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=False,
        ) as progress,
    ):
        task = progress.add_task("embedding chunks", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        report = build_index(settings, on_progress=advance)
    for problem in report.problems:
        err.print(f"[bold red]error:[/] {problem.reason}", highlight=False)
    err.print(
        f"index {report.index_path}: {report.documents} documents, {report.chunks} chunks "
        f"({report.embedded} embedded, {report.removed} removed) in {report.seconds:.1f}s",
        highlight=False,
    )
    if report.problems:
        raise Failed(1)


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    json_: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Answer one question from the documents, with numbered sources."""
    from orderbot.pipeline import Pipeline

    settings = _settings()
    with _errors():
        pipeline = Pipeline.from_settings(settings)
        pipeline.check_question(question)
        answer = pipeline.ask(question)
    if json_:
        sys.stdout.write(answer.model_dump_json() + "\n")
    else:
        print_answer(answer)


def print_answer(answer: Answer) -> None:
    out.print(answer.answer, highlight=False, markup=False)
    if answer.citations:
        out.print("\nSources:", style="bold")
        for c in answer.citations:
            where = f"{c.document} — {c.section}"
            out.print(f"[{c.n}] {where}", highlight=False, markup=False)
            out.print(f"    “{c.quote}”", highlight=False, markup=False, style="dim")
            if c.url:
                out.print(f"    {c.url}", highlight=False, markup=False)


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
def version() -> None:
    """Print the version."""
    out.print(f"orderbot {__version__}")


def main() -> None:
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
