"""turn quote and model answer

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quote', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('quote_rank', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('model_answer', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.drop_column('model_answer')
        batch_op.drop_column('quote_rank')
        batch_op.drop_column('quote')
