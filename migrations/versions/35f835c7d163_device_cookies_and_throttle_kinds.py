"""Login throttling per (account, address) pair and per device cookie; address-only forms

Revision ID: 35f835c7d163
Revises: 59c3b0b819b8
Create Date: 2026-12-03 09:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '35f835c7d163'
down_revision = '59c3b0b819b8'
branch_labels = None
depends_on = None


def upgrade():
    # The rows are a day of failures counted under the old rules: start afresh.
    op.execute("DELETE FROM login_failure")
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False,
                                      server_default='login'))
        batch_op.add_column(sa.Column('device', sa.String(length=32), nullable=True))
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.create_index('ix_login_failure_device_at', ['device', 'at'], unique=False)
        batch_op.create_index('ix_login_failure_at', ['at'], unique=False)


def downgrade():
    op.execute("DELETE FROM login_failure")
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_at')
        batch_op.drop_index('ix_login_failure_device_at')
        batch_op.drop_column('device')
        batch_op.drop_column('kind')
