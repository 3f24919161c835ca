"""refused origins: sites that tried to show a deck's widget without being allowed

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'refused_origin',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck', sa.String(length=64), nullable=False),
        sa.Column('origin', sa.String(length=300), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('deck', 'origin', name='uq_refused_origin_deck_origin'),
    )


def downgrade() -> None:
    op.drop_table('refused_origin')
