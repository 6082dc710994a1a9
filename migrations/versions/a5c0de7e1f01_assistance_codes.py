"""Assistance codes members read out to staff, and wrong codes per staff account

Revision ID: a5c0de7e1f01
Revises: 6f147d8ad40f
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'a5c0de7e1f01'
down_revision = '6f147d8ad40f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistance_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('search', sa.String(length=500), nullable=False),
    sa.Column('moved_at', sa.DateTime(), nullable=False),
    sa.Column('follow_until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_assistance_code_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_assistance_code_code_hash')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_assistance_code_customer_id'))
    )
    op.create_table('wrong_assistance_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_wrong_assistance_code_account_id_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wrong_assistance_code'))
    )
    with op.batch_alter_table('wrong_assistance_code', schema=None) as batch_op:
        batch_op.create_index('ix_wrong_assistance_code_account_at', ['account_id', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('wrong_assistance_code', schema=None) as batch_op:
        batch_op.drop_index('ix_wrong_assistance_code_account_at')
    op.drop_table('wrong_assistance_code')
    op.drop_table('assistance_code')
