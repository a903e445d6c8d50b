from sqlalchemy import create_engine

from lti_app.extensions import db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_redis_down_is_named(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("down")
    assert response.json["checks"]["database"] == "ok"


def test_database_down_is_named(app, client, monkeypatch):
    broken = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none")
    monkeypatch.setattr(db.session, "execute", lambda *a, **k: broken.connect())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "down: OperationalError", "redis": "ok"}
