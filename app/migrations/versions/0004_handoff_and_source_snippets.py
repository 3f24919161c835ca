"""hand-off requests and source snippets

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 23:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'handoff',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('turn_id', sa.Integer(), nullable=True),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['chat_session.id']),
        sa.ForeignKeyConstraint(['turn_id'], ['turn.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handoff_session_id'), ['session_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handoff_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('turn_source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snippet', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('turn_source', schema=None) as batch_op:
        batch_op.drop_column('snippet')
    with op.batch_alter_table('handoff', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handoff_created_at'))
        batch_op.drop_index(batch_op.f('ix_handoff_session_id'))
    op.drop_table('handoff')
