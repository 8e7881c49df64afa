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


def test_readme_eval_table_matches_committed_baseline() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    report = (ROOT / "eval" / "baseline" / "report.md").read_text("utf-8")
    table = report.split("## Metrics\n\n")[1].split("\n\n")[0]
    shown = readme.split("<!-- eval-table:start -->")[1].split("<!-- eval-table:end -->")[0]
    assert table in shown, "copy the table of eval/baseline/report.md into the README"


def test_readme_widget_snippet_matches_the_widget() -> None:
    import re

    readme = (ROOT / "README.md").read_text("utf-8")
    snippet = readme.split("```html\n")[1].split("```")[0]
    assert "/embed/widget.js" in snippet
    widget = (ROOT / "app" / "orderbot_web" / "embed" / "widget.js").read_text("utf-8")
    for attribute in re.findall(r"(data-[a-z]+)=", snippet):
        assert f'"{attribute}"' in widget, attribute
