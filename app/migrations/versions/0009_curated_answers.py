"""curated answers: the founders' own answers, and the turns that gave one

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 05:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'curated_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck', sa.String(length=64), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('variants', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_curated_answer_deck', 'curated_answer', ['deck'])
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('curated_id', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.drop_column('curated_id')
    op.drop_index('ix_curated_answer_deck', table_name='curated_answer')
    op.drop_table('curated_answer')
