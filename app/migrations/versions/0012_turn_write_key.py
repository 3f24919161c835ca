"""turn write key: a retried turn write is stored once

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 09:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('turn', sa.Column('write_key', sa.String(length=36), nullable=True))
    # A unique index, not a constraint: SQLite adds one without rebuilding the table.
    op.create_index('ix_turn_write_key', 'turn', ['write_key'], unique=True)


def downgrade() -> None:
    op.drop_index('ix_turn_write_key', table_name='turn')
    op.drop_column('turn', 'write_key')
