"""The README is tested: its settings table matches the settings."""

from __future__ import annotations

from orderbot.config import settings_table
from tests.conftest import ROOT


def test_readme_settings_table_is_current() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("<!-- settings-table:start -->")[1].split("<!-- settings-table:end -->")[0]
    assert table.strip() == settings_table().strip(), "regenerate with config.settings_table()"


def test_readme_quick_start_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    makefile = (ROOT / "Makefile").read_text("utf-8")
    assert "make run" in readme and "make test" in readme
    assert "\nrun:" in makefile and "\ntest:" in makefile
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "make test" in ci
