"""Customer search: normalized text per customer, trigram index (pg_trgm or FTS5), backfill

Revision ID: 8d9984365910
Revises: c751a5a1aa59
Create Date: 2026-12-03 09:20:00

The normalization is Python's (models.search.normalize), the same for data and query on
both backends, so the backfill runs in Python. The substring index cannot be described by
the models: on PostgreSQL a GIN index with pg_trgm's gin_trgm_ops, on SQLite an FTS5
table with the trigram tokenizer kept in step by triggers.
"""
import sqlalchemy as sa
from alembic import op

revision = '8d9984365910'
down_revision = 'c751a5a1aa59'
branch_labels = None
depends_on = None

FTS = 'customer_search_fts'
SQLITE_UP = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(terms, content='customer_search', "
    "content_rowid='customer_id', tokenize='trigram')",
    "CREATE TRIGGER customer_search_fts_insert AFTER INSERT ON customer_search "
    f"BEGIN INSERT INTO {FTS}(rowid, terms) VALUES (new.customer_id, new.terms); END",
    "CREATE TRIGGER customer_search_fts_delete AFTER DELETE ON customer_search "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, terms) "
    "VALUES ('delete', old.customer_id, old.terms); END",
    "CREATE TRIGGER customer_search_fts_update AFTER UPDATE ON customer_search "
    f"BEGIN INSERT INTO {FTS}({FTS}, rowid, terms) "
    "VALUES ('delete', old.customer_id, old.terms); "
    f"INSERT INTO {FTS}(rowid, terms) VALUES (new.customer_id, new.terms); END",
)
SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS customer_search_fts_insert",
    "DROP TRIGGER IF EXISTS customer_search_fts_delete",
    "DROP TRIGGER IF EXISTS customer_search_fts_update",
    f"DROP TABLE IF EXISTS {FTS}",
)


def _create_index(bind) -> None:
    """Create the backend's substring index on customer_search.terms."""
    if bind.dialect.name == 'postgresql':
        # Database-wide; in public so that dropping an application schema never drops it.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = bind.execute(sa.text(
            "SELECT extnamespace::regnamespace::text FROM pg_extension "
            "WHERE extname = 'pg_trgm'")).scalar_one()
        op.execute(f"CREATE INDEX ix_customer_search_terms_trgm ON customer_search "
                   f"USING gin (terms {schema}.gin_trgm_ops)")
    elif bind.dialect.name == 'sqlite':
        for statement in SQLITE_UP:
            op.execute(statement)


def upgrade():
    op.create_table(
        'customer_search',
        sa.Column('customer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('sort_name', sa.String(length=200), nullable=False),
        sa.Column('terms', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['customer_id'], ['customer.id'],
                                name=op.f('fk_customer_search_customer_id_customer'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('customer_id', name=op.f('pk_customer_search')),
    )
    bind = op.get_bind()
    _create_index(bind)
    from models.search import refresh_search

    refresh_search(bind)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_customer_search_terms_trgm")
    elif bind.dialect.name == 'sqlite':
        for statement in SQLITE_DOWN:
            op.execute(statement)
    op.drop_table('customer_search')
