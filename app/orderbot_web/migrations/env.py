"""Alembic's environment: orderbot hands it an open connection (``FeedbackStore.migrate``)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from orderbot_web.feedback import metadata

# Replicas starting together against one PostgreSQL database take turns: the second one
# waits here, then finds the schema current and changes nothing.
_MIGRATION_LOCK = 0x0DB_0001

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the migrations with `orderbot db upgrade`, not the alembic command")

context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
    context.run_migrations()
