"""Mail outbox: messages queued in the sender's transaction, delivered after commit;
decoy reset tokens (no account) for unknown logins

Revision ID: 59c3b0b819b8
Revises: d4e8b2c6a903
Create Date: 2026-12-03 08:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = '59c3b0b819b8'
down_revision = 'd4e8b2c6a903'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('outbox_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_mail'))
    )
    with op.batch_alter_table('outbox_mail', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_mail_recipient_created', ['recipient', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_outbox_mail_sent_at', ['sent_at'], unique=False)
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.alter_column('account_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM account_token WHERE account_id IS NULL")
    with op.batch_alter_table('account_token', schema=None) as batch_op:
        batch_op.alter_column('account_id', existing_type=sa.Integer(), nullable=False)
    op.drop_table('outbox_mail')
