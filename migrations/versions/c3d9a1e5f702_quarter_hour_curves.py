"""Quarter-hour curves: one row per supply and local day, values packed

Revision ID: c3d9a1e5f702
Revises: b7e2f4a6c801
Create Date: 2026-12-03 09:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'c3d9a1e5f702'
down_revision = 'b7e2f4a6c801'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quarter_hour_day',
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('wh', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_quarter_hour_day_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('contract_id', 'day', name=op.f('pk_quarter_hour_day'))
    )


def downgrade():
    op.drop_table('quarter_hour_day')
