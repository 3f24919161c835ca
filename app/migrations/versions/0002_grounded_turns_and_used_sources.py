"""grounded turns and used sources

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 19:13:12.582630
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grounded', sa.Boolean(), nullable=True))

    with op.batch_alter_table('turn_source', schema=None) as batch_op:
        batch_op.add_column(sa.Column('used', sa.Boolean(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('turn_source', schema=None) as batch_op:
        batch_op.drop_column('used')

    with op.batch_alter_table('turn', schema=None) as batch_op:
        batch_op.drop_column('grounded')

