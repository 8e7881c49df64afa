"""Fetching the sources the corpus footnotes cite, into ``corpus/sources/``."""

from orderbot.sources.fetch import FetchReport, SourceResult, fetch_sources, source_targets

__all__ = ["FetchReport", "SourceResult", "fetch_sources", "source_targets"]
