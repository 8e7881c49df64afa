"""One module per schema revision, applied in order by ``orderbot db upgrade``."""
