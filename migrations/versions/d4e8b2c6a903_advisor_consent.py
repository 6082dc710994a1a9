"""Members' consent to energy advice

Revision ID: d4e8b2c6a903
Revises: c3d9a1e5f702
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'd4e8b2c6a903'
down_revision = 'c3d9a1e5f702'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('advisor_consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_advisor_consent_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_advisor_consent'))
    )
    with op.batch_alter_table('advisor_consent', schema=None) as batch_op:
        batch_op.create_index('ix_advisor_consent_customer_revoked', ['customer_id', 'revoked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('advisor_consent', schema=None) as batch_op:
        batch_op.drop_index('ix_advisor_consent_customer_revoked')
    op.drop_table('advisor_consent')
