"""notification outbox: mail and webhook messages for the founders, retried until delivered

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 05:15:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'notification',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('dedupe_key', sa.String(length=300), nullable=True),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('failed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('channel', 'dedupe_key', name='uq_notification_channel_dedupe_key'),
    )
    op.create_index('ix_notification_next_attempt_at', 'notification', ['next_attempt_at'])
    op.create_index('ix_notification_sent_at', 'notification', ['sent_at'])


def downgrade() -> None:
    op.drop_index('ix_notification_sent_at', table_name='notification')
    op.drop_index('ix_notification_next_attempt_at', table_name='notification')
    op.drop_table('notification')
