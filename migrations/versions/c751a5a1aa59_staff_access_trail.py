"""Staff access trail: hash-chained, append-only records and their chain head

Revision ID: c751a5a1aa59
Revises: 35f835c7d163
Create Date: 2026-12-03 09:20:00.000000

The tables are guarded in the database too, not only in the ORM: UPDATE is always refused,
and DELETE only for records older than 183 days (the Garante's six months, the floor the
retention setting may not go below). On PostgreSQL the DELETE must also come from the prune,
which sets the transaction-local setting audit.prune; TRUNCATE is refused. SQLite has no
such settings: there the age floor alone applies.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c751a5a1aa59'
down_revision = '35f835c7d163'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
ROLES = ('socio', 'assistenza', 'consulente', 'admin')
KINDS = ('ricerca', 'pagina', 'pdf', 'esportazione', 'azione')

POSTGRES_GUARD = """
CREATE FUNCTION access_record_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('audit.prune', true), '') = 'on'
       AND OLD.at < (now() AT TIME ZONE 'UTC') - interval '183 days' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'access_record is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER access_record_append_only BEFORE UPDATE OR DELETE ON access_record
    FOR EACH ROW EXECUTE FUNCTION access_record_guard();
CREATE TRIGGER access_record_no_truncate BEFORE TRUNCATE ON access_record
    FOR EACH STATEMENT EXECUTE FUNCTION access_record_guard();
"""
SQLITE_GUARD = (
    """CREATE TRIGGER access_record_no_update BEFORE UPDATE ON access_record
    BEGIN SELECT RAISE(ABORT, 'access_record is append-only: UPDATE refused'); END""",
    # Stored datetimes read 'YYYY-MM-DD HH:MM:SS.ffffff', which compares as text.
    """CREATE TRIGGER access_record_no_delete BEFORE DELETE ON access_record
    WHEN OLD.at >= datetime('now', '-183 days')
    BEGIN SELECT RAISE(ABORT, 'access_record is append-only: DELETE refused'); END""",
)


def upgrade():
    op.create_table('access_chain',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_id', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.Column('anchor_id', sa.Integer(), nullable=False),
    sa.Column('anchor_hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_chain'))
    )
    op.create_table('access_record',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum(*ROLES, name='ck_role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('staff_name', sa.String(length=200), nullable=False),
    sa.Column('staff_email', sa.String(length=254), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum(*KINDS, name='ck_accesskind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('target', sa.String(length=300), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_record')),
    sa.UniqueConstraint('hash', name=op.f('uq_access_record_hash'))
    )
    with op.batch_alter_table('access_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_record_at'), ['at'], unique=False)
        batch_op.create_index('ix_access_record_customer_at', ['customer_id', 'at'], unique=False)

    # The head exists from the start: appends lock it, the verifier anchors on it.
    op.execute(sa.text(
        "INSERT INTO access_chain (id, last_id, last_hash, anchor_id, anchor_hash) "
        f"VALUES (1, 0, '{GENESIS}', 0, '{GENESIS}')"))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRES_GUARD)
    else:
        for statement in SQLITE_GUARD:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER access_record_no_truncate ON access_record')
        op.execute('DROP TRIGGER access_record_append_only ON access_record')
        op.execute('DROP FUNCTION access_record_guard()')
    else:
        op.execute('DROP TRIGGER access_record_no_delete')
        op.execute('DROP TRIGGER access_record_no_update')
    with op.batch_alter_table('access_record', schema=None) as batch_op:
        batch_op.drop_index('ix_access_record_customer_at')
        batch_op.drop_index(batch_op.f('ix_access_record_at'))

    op.drop_table('access_record')
    op.drop_table('access_chain')
