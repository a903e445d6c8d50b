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


def test_admins_create_and_sign_in_keep_one_email_rule(runner, client):
    for refused in ("boss", "boss@", "boss@localhost", "boss@example.invalid"):
        result = runner.invoke(args=["admins", "create", refused, "--password", "correct horse"])
        assert result.exit_code != 0 and "not an email address" in result.output, refused
        page = client.post("/auth/login", data={"email": refused, "password": "correct horse"})
        assert page.status_code == 401 and b"not an email address" in page.data, refused
    assert Admin.query.count() == 0
    result = runner.invoke(args=["admins", "create", "boss@example.test", "--password", "correct horse"])
    assert result.exit_code == 0, result.output
    assert client.post("/auth/login", data={"email": "Boss@Example.test", "password": "correct horse"}).status_code == 302
