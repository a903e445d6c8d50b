"""The baselines for bench/commits.py and bench/launches.py: the same stack (Flask, Flask-SQLAlchemy,
psycopg, gunicorn, PostgreSQL, Redis), one endpoint that parses the same JSON body and inserts one row,
and one that takes a launch form: its nonce set once in Redis, one row inserted, a redirect."""
import json
import os

import redis
from flask import Flask, abort, jsonify, redirect, request
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
    nonces = redis.Redis.from_url(os.environ["REDIS_URL"]) if os.environ.get("REDIS_URL") else None

    @app.post("/bare/<int:attempt_id>")
    def bare(attempt_id):
        batch = json.loads(request.get_data())
        db.session.add(BareRow(attempt_id=attempt_id, body=batch["batch_id"]))
        db.session.commit()
        return jsonify(result=True, batch_id=batch["batch_id"])

    @app.post("/bare-launch")
    def bare_launch():
        if not nonces.set(f"bare:nonce:{request.form['oauth_nonce']}", b"1", nx=True, ex=600):
            abort(401)
        db.session.add(BareRow(attempt_id=0, body=request.form["user_id"]))
        db.session.commit()
        return redirect("/bare-landing")

    return app


app = create_app()
