"""Area di gestione: contract facts, remittances, bill delivery with history, audit trail

Revision ID: bb28ac9f5d07
Revises: e5b3e3d570d9
Create Date: 2026-11-28 20:25:46.679286

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'bb28ac9f5d07'
down_revision = 'e5b3e3d570d9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remittance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.id'], name=op.f('fk_remittance_customer_id_customer'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance'))
    )
    with op.batch_alter_table('remittance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remittance_customer_id'), ['customer_id'], unique=False)

    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('detail', sa.String(length=1000), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_audit_event_account_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_audit_event_contract_id_contract'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_contract_at', ['contract_id', 'at'], unique=False)

    op.create_table('bill_delivery_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('mode', sa.Enum('web', 'carta', name='ck_deliverymode', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_bill_delivery_change_account_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_bill_delivery_change_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_delivery_change')),
    sa.UniqueConstraint('contract_id', 'version', name=op.f('uq_bill_delivery_change_contract_id'))
    )
    with op.batch_alter_table('bill_delivery_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_delivery_change_account_id'), ['account_id'], unique=False)

    op.create_table('delivery_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], name=op.f('fk_delivery_confirmation_account_id_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id'], ['contract.id'], name=op.f('fk_delivery_confirmation_contract_id_contract'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_confirmation')),
    sa.UniqueConstraint('contract_id', 'base_version', 'email', name=op.f('uq_delivery_confirmation_contract_id')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_delivery_confirmation_token_hash'))
    )
    with op.batch_alter_table('delivery_confirmation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_confirmation_account_id'), ['account_id'], unique=False)

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meter_remote_read', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vat_number', sa.String(length=11), nullable=True))

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('remittance_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_payment_remittance_id'), ['remittance_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_payment_remittance_id_remittance'), 'remittance', ['remittance_id'], ['id'], ondelete='CASCADE')



def downgrade():
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_payment_remittance_id_remittance'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_payment_remittance_id'))
        batch_op.drop_column('remittance_id')

    with op.batch_alter_table('customer', schema=None) as batch_op:
        batch_op.drop_column('vat_number')

    with op.batch_alter_table('contract', schema=None) as batch_op:
        batch_op.drop_column('meter_remote_read')

    with op.batch_alter_table('delivery_confirmation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_confirmation_account_id'))

    op.drop_table('delivery_confirmation')
    with op.batch_alter_table('bill_delivery_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bill_delivery_change_account_id'))

    op.drop_table('bill_delivery_change')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_contract_at')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_account_id'))

    op.drop_table('audit_event')
    with op.batch_alter_table('remittance', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remittance_customer_id'))

    op.drop_table('remittance')
