"""reader access (personal links, who the reader is) and slide views

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 05:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reader_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('deck', sa.String(length=64), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_reader_link_deck', 'reader_link', ['deck'])
    with op.batch_alter_table('chat_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('access', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reader_email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('reader_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('link_id', sa.Integer(), nullable=True))
    op.create_index('ix_chat_session_reader_email', 'chat_session', ['reader_email'])
    op.create_table(
        'slide_view',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.String(length=64), nullable=False),
        sa.Column('doc', sa.String(length=255), nullable=False),
        sa.Column('page', sa.Integer(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['chat_session.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_slide_view_session_id', 'slide_view', ['session_id'])
    op.create_index('ix_slide_view_created_at', 'slide_view', ['created_at'])


def downgrade() -> None:
    op.drop_index('ix_slide_view_created_at', table_name='slide_view')
    op.drop_index('ix_slide_view_session_id', table_name='slide_view')
    op.drop_table('slide_view')
    op.drop_index('ix_chat_session_reader_email', table_name='chat_session')
    with op.batch_alter_table('chat_session', schema=None) as batch_op:
        batch_op.drop_column('link_id')
        batch_op.drop_column('reader_name')
        batch_op.drop_column('reader_email')
        batch_op.drop_column('access')
    op.drop_index('ix_reader_link_deck', table_name='reader_link')
    op.drop_table('reader_link')
