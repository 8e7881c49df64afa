"""Alembic migrations of the feedback database (see ``orderbot_web.feedback``)."""
