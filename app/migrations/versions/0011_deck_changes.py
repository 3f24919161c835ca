"""deck changes: what was done to a deck's files, settings and index in the admin, by whom and when

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 07:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'deck_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('who', sa.String(length=200), nullable=False),
        sa.Column('action', sa.String(length=40), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_deck_change_deck', 'deck_change', ['deck'])


def downgrade() -> None:
    op.drop_index('ix_deck_change_deck', table_name='deck_change')
    op.drop_table('deck_change')
