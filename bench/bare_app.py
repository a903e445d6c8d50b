"""The baseline for bench/commits.py: the same stack (Flask, Flask-SQLAlchemy, psycopg, gunicorn,
PostgreSQL), one endpoint that parses the same JSON body and inserts one row."""
import json
import os

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy

from config import database_url

db = SQLAlchemy()


class BareRow(db.Model):
    id = db.Column(db.BigInteger, primary_key=True)
    attempt_id = db.Column(db.Integer, nullable=False)
    body = db.Column(db.Text, nullable=False)


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.post("/bare/<int:attempt_id>")
    def bare(attempt_id):
        batch = json.loads(request.get_data())
        db.session.add(BareRow(attempt_id=attempt_id, body=batch["batch_id"]))
        db.session.commit()
        return jsonify(result=True, batch_id=batch["batch_id"])

    return app


app = create_app()
