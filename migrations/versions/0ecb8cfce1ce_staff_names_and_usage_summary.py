"""Staff accounts get a name (reports, trail); the advisor's list keeps each member's yearly sums

Revision ID: 0ecb8cfce1ce
Revises: 5ffc435fd52d
Create Date: 2026-12-03 12:25:48

"""
import sqlalchemy as sa
from alembic import op

revision = '0ecb8cfce1ce'
down_revision = '5ffc435fd52d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('usage_summary',
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('through', sa.Date(), nullable=False),
    sa.Column('kwh', sa.Integer(), nullable=False),
    sa.Column('f1_kwh', sa.Integer(), nullable=False),
    sa.Column('kwh_year_before', sa.Integer(), nullable=False),
    sa.Column('estimated_months', sa.Integer(), nullable=False),
    sa.Column('supplies', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], 
                            name=op.f('fk_usage_summary_customer_id_customer'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_usage_summary'))
    )
    with op.batch_alter_table('usage_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_usage_summary_through'), ['through'], unique=False)

    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('full_name', sa.String(length=120), nullable=True))



def downgrade():
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.drop_column('full_name')

    with op.batch_alter_table('usage_summary', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_usage_summary_through'))

    op.drop_table('usage_summary')
