"""Data generation counter for cached documents; index for the invoice history box

Revision ID: 7c2d4e6f8a10
Revises: e5b3e3d570d9
Create Date: 2026-11-28 21:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = '7c2d4e6f8a10'
down_revision = 'e5b3e3d570d9'
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        'data_generation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_data_generation')),
    )
    op.bulk_insert(table, [{'id': 1, 'value': 0}])
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.create_index('ix_invoice_contract_period_end', ['contract_id', 'period_end'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('invoice', schema=None) as batch_op:
        batch_op.drop_index('ix_invoice_contract_period_end')
    op.drop_table('data_generation')
