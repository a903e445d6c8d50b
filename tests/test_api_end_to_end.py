"""One script that sets Examgate up through the admin API only, over real HTTP, signing with the README's
client, then launches the prepared link as an LMS would (LTI 1.1, signed by the `lti` package)."""
import hashlib
import json
import re
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from lti_app.api import signing
from lti_app.models import Launch
from tests import factories
from tests.packages.build import quiz2004_zip

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_client():
    """The functions exactly as the README's "Admin API" section prints them."""
    section = README.read_text().split("## Admin API", 1)[1].split("\n## ", 1)[0]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


def test_the_readme_client_signs_as_the_server_checks():
    params = readme_client()["signed"]("egk_1", "s3cret", name="Moodle & Co", consumer_id=7)
    assert set(params) == {"name", "consumer_id", "api_key", "timestamp", "nonce", "signature"}
    assert signing.verify("s3cret", params) and not signing.verify("other", params)


def lms_launch(base_url, consumer, **params):
    """POST a signed launch from the LMS's side; returns the page the person lands on."""
    body = factories.signed_launch(consumer["key"], consumer["secret"], url=f"{base_url}/lti/launch", **params)
    request = urllib.request.Request(f"{base_url}/lti/launch", data=urllib.parse.urlencode(body).encode())
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, response.url


def upload(base_url, signed_fields, package):
    """POST /exams as multipart/form-data: the signed fields, then the package file."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in signed_fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="package"; filename="quiz.zip"\r\n'
                 f'Content-Type: application/zip\r\n\r\n'.encode() + package + f"\r\n--{boundary}--\r\n".encode())
    request = urllib.request.Request(f"{base_url}/api/v1/exams", data=b"".join(parts),
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.load(response)


def test_set_up_through_the_api_then_the_first_launch_finds_its_exam(live_server):
    app, base_url = live_server
    key = factories.api_key("setup@example.edu", superuser=False)
    client = readme_client()
    call = client["call"]

    def api(method, path, expected_status, **params):
        status, body = call(base_url, key.key_id, key.secret, method, path, **params)
        assert status == expected_status, body
        return body

    consumer = api("POST", "/consumers", 201, name="Moodle at Example")
    package = quiz2004_zip()
    status, exam = upload(base_url, client["signed"](key.key_id, key.secret, title="Algebra week 1",
                                                     slug="algebra-week-1", consumer_id=consumer["id"],
                                                     file_sha256=hashlib.sha256(package).hexdigest()), package)
    assert status == 201 and exam["slug"] == "algebra-week-1" and exam["versions"][0]["scorm_version"] == "2004"
    assert api("GET", "/consumers", 200)["consumers"] == [{k: v for k, v in consumer.items() if k != "secret"}]
    exams = api("GET", "/exams", 200)["exams"]
    assert [e["slug"] for e in exams] == ["algebra-week-1"]
    resource = api("POST", "/resources", 201, consumer_id=consumer["id"], context_id="algebra-2026",
                   resource_link_id="moodle-link-77", exam_id=exams[0]["id"], max_attempts=1,
                   report_mode="on_completion")
    assert api("GET", f"/resources/{resource['id']}", 200)["exam_id"] == exam["id"]
    refused = api("GET", "/consumers/999", 404)
    assert refused["error"]["param"] == "consumer_id"

    status, landed = lms_launch(base_url, consumer, context_id="algebra-2026", resource_link_id="moodle-link-77",
                                resource_link_title="Week 1 test")
    assert status == 200 and f"/resources/{resource['id']}?lt=" in landed

    launch = Launch.query.one()
    assert launch.resource_id == resource["id"] and launch.resource.exam_id == exam["id"]
    assert launch.resource.exam_version.package.sha256 == hashlib.sha256(package).hexdigest()
    after = api("GET", "/resources", 200, consumer_id=consumer["id"])["resources"]
    assert [(r["id"], r["exam_id"], r["title"], r["max_attempts"]) for r in after] == [
        (resource["id"], exam["id"], "Week 1 test", 1)]
