"""Offer box of the 2025 bill (market, expiry of the conditions) and the canone RAI as its own cost group

Revision ID: 5ffc435fd52d
Revises: 668ec877b19a
Create Date: 2026-12-03 12:33:50.723518

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5ffc435fd52d'
down_revision = '668ec877b19a'
branch_labels = None
depends_on = None


OLD_GROUPS = ('materia_energia', 'trasporto_contatore', 'oneri_sistema', 'ricalcoli',
              'altre_partite', 'imposte_iva', 'quota_consumi', 'quota_fissa', 'quota_potenza')
NEW_GROUPS = (*OLD_GROUPS, 'canone_rai')
LINES = sa.table('invoice_line', sa.column('group', sa.String), sa.column('description', sa.String))
# Lines the demo and earlier imports wrote for the canone, under «altre partite».
CANONE = sa.or_(LINES.c.description.like('Canone%televisione%'),
                LINES.c.description.like('Canone TV%'))


def _groups(values: tuple[str, ...]) -> sa.Enum:
    """Return the cost group column's type with a CHECK over some values."""
    return sa.Enum(*values, name='ck_costgroup', native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    # Never recreate the contract table: on SQLite, dropping it would cascade to its invoices.
    # Without a table copy SQLite cannot add the CHECK (alembic would warn and skip it); the
    # model's enum still refuses other values there.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    with op.batch_alter_table('contract', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column(
            'offer_market', sa.Enum('libero', 'tutele', name='ck_market', native_enum=False,
                                    create_constraint=not sqlite, length=32),
            server_default='libero', nullable=False))
        batch_op.add_column(sa.Column('offer_conditions_until', sa.Date(), nullable=True))
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.alter_column('group', existing_type=_groups(OLD_GROUPS), type_=_groups(NEW_GROUPS),
                              existing_nullable=False)
    op.execute(LINES.update().where(LINES.c.group == 'altre_partite', CANONE)
               .values(group='canone_rai'))


def downgrade():
    op.execute(LINES.update().where(LINES.c.group == 'canone_rai')
               .values(group='altre_partite'))
    with op.batch_alter_table('invoice_line', schema=None) as batch_op:
        batch_op.alter_column('group', existing_type=_groups(NEW_GROUPS), type_=_groups(OLD_GROUPS),
                              existing_nullable=False)
    with op.batch_alter_table('contract', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('offer_conditions_until')
        batch_op.drop_column('offer_market')
