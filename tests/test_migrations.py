"""The migrations build the same schema as the models, on this test's database."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from lti_app import create_app
from lti_app.extensions import db
from tests.conftest import app_settings


def test_migrations_match_the_models(tmp_path, database_uri):
    app = create_app(app_settings(tmp_path, SQLALCHEMY_DATABASE_URI=database_uri))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert differences == []
        downgrade(revision="base")
        db.engine.dispose()
