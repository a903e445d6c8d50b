import json

from lti_app.models import Admin, Consumer


def test_consumers_add_prints_key_and_secret(runner):
    result = runner.invoke(args=["consumers", "add", "Moodle at Example"])
    assert result.exit_code == 0, result.output
    consumer = Consumer.query.one()
    assert result.output == f"key: {consumer.key}\nsecret: {consumer.secret}\n"
    assert len(consumer.secret) >= 32


def test_consumers_add_json(runner):
    result = runner.invoke(args=["consumers", "add", "Canvas", "--json", "--key", "canvas-key"])
    data = json.loads(result.output)
    assert data["key"] == "canvas-key" and data["name"] == "Canvas" and data["secret"]


def test_duplicate_key_is_a_clear_error(runner):
    runner.invoke(args=["consumers", "add", "A", "--key", "same"])
    result = runner.invoke(args=["consumers", "add", "B", "--key", "same"])
    assert result.exit_code != 0 and "already in use" in result.output
    assert Consumer.query.count() == 1


def test_admins_create_and_log_in(runner, client):
    result = runner.invoke(args=["admins", "create", "Boss@Example.edu", "--password", "correct horse"])
    assert result.exit_code == 0, result.output
    assert Admin.query.one().email == "boss@example.edu"
    wrong = client.post("/auth/login", data={"email": "boss@example.edu", "password": "nope"})
    assert wrong.status_code == 401 and b"do not match" in wrong.data
    right = client.post("/auth/login", data={"email": "boss@example.edu", "password": "correct horse"})
    assert right.status_code == 302
    assert client.get("/dashboard/").status_code == 200
