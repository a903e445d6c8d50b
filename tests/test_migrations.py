"""The migrations build the same schema as the models, on this test's database, and move what they
reshape."""
import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

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


def test_attempt_values_move_from_the_document_to_rows_and_back(tmp_path, database_uri):
    """An attempt's state and the sequences that set it survive the move to rows, and the way back."""
    app = create_app(app_settings(tmp_path, SQLALCHEMY_DATABASE_URI=database_uri))
    state = {"cmi.core.lesson_status": "incomplete", "cmi.objectives.0.id": "q0", "cmi.suspend_data": "é" * 3}
    with app.app_context():
        upgrade(revision="5e1c0a7b9d21")
        with db.engine.begin() as connection:
            _without_foreign_keys(connection)
            connection.execute(text(
                "INSERT INTO attempt (id, resource_id, user_id, exam_version_id, number, status, started_at, "
                "completion_status, success_status, time_spent_seconds, state, state_times) VALUES (7, 1, 1, 1, 1, "
                "'open', '2026-11-29 10:00:00', 'unknown', 'unknown', 0, :state, :times)"),
                {"state": json.dumps(state), "times": json.dumps({"cmi.core.lesson_status": 4, "cmi.suspend_data": 2})})
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT key, value, sequence FROM attempt_value WHERE attempt_id = 7"))
            facts = connection.execute(text("SELECT state_chars, state_is_scorm12, state_ids_plain FROM attempt")).one()
        assert sorted(rows) == [("cmi.core.lesson_status", "incomplete", 4), ("cmi.objectives.0.id", "q0", -1),
                                ("cmi.suspend_data", "ééé", 2)]
        assert tuple(facts) == (sum(map(len, state)) + sum(map(len, state.values())), True, None)
        downgrade(revision="5e1c0a7b9d21")
        with db.engine.connect() as connection:
            document, times = connection.execute(text("SELECT state, state_times FROM attempt")).one()
        loads = (lambda value: json.loads(value) if isinstance(value, str) else value)
        assert loads(document) == state and loads(times)["cmi.suspend_data"] == 2
        downgrade(revision="base")
        db.engine.dispose()


def _without_foreign_keys(connection):
    """The attempt alone, without the course, user and exam it would belong to."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SET LOCAL session_replication_role = replica"))
    else:
        connection.execute(text("PRAGMA foreign_keys = OFF"))
