"""The advisor's report to a member, every version kept; monthly totals indexed by month

Revision ID: 668ec877b19a
Revises: 052fc04954f0
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '668ec877b19a'
down_revision = '052fc04954f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advisor_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('advisor_account_id', sa.Integer(), nullable=True),
    sa.Column('advisor_name', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['advisor_account_id'], ['account.id'], name=op.f('fk_advisor_report_advisor_account_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_advisor_report_contract_id_contract'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_advisor_report_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_report')),
    sa.UniqueConstraint('customer_id', 'version', name=op.f('uq_advisor_report_customer_id'))
    )
    with op.batch_alter_table('monthly_consumption', schema=None) as batch_op:
        batch_op.create_index('ix_monthly_consumption_month', ['month'], unique=False)


def downgrade():
    with op.batch_alter_table('monthly_consumption', schema=None) as batch_op:
        batch_op.drop_index('ix_monthly_consumption_month')
    op.drop_table('advisor_report')
