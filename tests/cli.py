"""Running the ``orderbot`` command in-process, as the tests of every command do."""

from __future__ import annotations

import sys

import pytest

from orderbot import cli
from orderbot.config import Settings


def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    """``orderbot ARGS…``: its exit code, standard output and standard error."""
    monkeypatch.setattr(sys, "argv", ["orderbot", *args])
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def use(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    """Point the command at ``settings``' corpus and index."""
    monkeypatch.setenv("ORDERBOT_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("ORDERBOT_INDEX__ROOT", str(settings.index.root))
