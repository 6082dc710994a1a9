"""Staff view of a member's area and screen-share mode, per login session

Revision ID: b7e2f4a6c801
Revises: a5c0de7e1f01
Create Date: 2026-12-03 09:10:00

"""
import sqlalchemy as sa
from alembic import op

revision = 'b7e2f4a6c801'
down_revision = 'a5c0de7e1f01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('viewing_customer_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('viewing_reason', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('viewing_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('screen_share', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key(
            batch_op.f('fk_login_session_viewing_customer_id_customer'), 'customer',
            ['viewing_customer_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_login_session_viewing_customer_id_customer'),
                                 type_='foreignkey')
        batch_op.drop_column('screen_share')
        batch_op.drop_column('viewing_since')
        batch_op.drop_column('viewing_reason')
        batch_op.drop_column('viewing_customer_id')
