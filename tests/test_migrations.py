"""The schema comes from the migrations, and the models never drift from them."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from models import Base, db
from models.search import include_object


def test_models_match_the_migrated_schema(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include_object})
        assert compare_metadata(context, Base.metadata) == []


def test_selected_lookups_are_indexed(app):
    with app.app_context():
        inspector = inspect(db.engine)
        indexed = {
            table: [tuple(ix["column_names"]) for ix in inspector.get_indexes(table)]
            + [tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)]
            for table in ("contract", "invoice", "monthly_consumption", "meter_reading")
        }
    assert ("customer_id",) in indexed["contract"]
    assert ("contract_id", "issue_date") in indexed["invoice"]
    assert ("contract_id", "month") in indexed["monthly_consumption"]
    assert ("contract_id", "read_on") in indexed["meter_reading"]
