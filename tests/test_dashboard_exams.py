"""The dashboard's exam page: upload a package for a resource, replace it, move unfinished attempts."""
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from lti_app.extensions import db
from lti_app.models import Resource, StoredFile
from lti_app.services import attempts
from tests import factories
from tests.packages.build import quiz12_zip, quiz2004_zip


def instructor_token(client):
    factories.consumer()
    response = factories.launch(client, person=factories.INSTRUCTOR)
    return parse_qs(urlsplit(response.location).query)["lt"][0]


def upload(client, lt, data, **fields):
    return client.post("/dashboard/resources/1/exam",
                       data={"lt": lt, "package": (io.BytesIO(data), "quiz.zip"), **fields},
                       content_type="multipart/form-data")


def test_upload_attach_and_replace(app, client):
    lt = instructor_token(client)
    page = client.get("/dashboard/resources/1/exam", query_string={"lt": lt})
    assert page.status_code == 200 and b"No exam is attached yet" in page.data
    assert upload(client, lt, quiz2004_zip(), title="Week 1").status_code == 303
    resource = Resource.query.one()
    assert resource.exam.title == "Week 1" and resource.exam_version.number == 1

    student = factories.learner(resource.consumer, "s1")
    unfinished = attempts.start(resource, student)
    finished = attempts.start(resource, factories.learner(resource.consumer, "s2"))
    finished.status = "finished"
    db.session.commit()
    assert upload(client, lt, quiz12_zip(), move_unfinished="y").status_code == 303
    assert resource.exam_version.number == 2 and resource.exam_version.scorm_version == "1.2"
    assert (unfinished.exam_version.number, finished.exam_version.number) == (2, 1)
    page = client.get("/dashboard/resources/1/exam", query_string={"lt": lt})
    assert b"version 2 is now used by new attempts" in page.data and b"1 unfinished, 0 finished" in page.data


def test_a_refused_upload_says_why_and_stores_nothing(app, client):
    lt = instructor_token(client)
    no_file = client.post("/dashboard/resources/1/exam", data={"lt": lt})
    assert no_file.status_code == 422 and b"No file was uploaded" in no_file.data
    not_zip = upload(client, lt, b"%PDF-1.4")
    assert not_zip.status_code == 422 and b"not a zip archive" in not_zip.data
    assert StoredFile.query.count() == 0 and Resource.query.one().exam is None


def test_students_cannot_see_the_exam_page(app, client):
    factories.consumer()
    learner = factories.launch(client)
    lt = parse_qs(urlsplit(learner.location).query)["lt"][0]
    assert client.get("/dashboard/resources/1/exam", query_string={"lt": lt}).status_code == 404
    assert upload(client, lt, quiz2004_zip()).status_code == 404


# Attaching an exam already uploaded: the site's catalogue, only the exams this consumer may use.

def catalogue_world():
    from lti_app.models import Exam

    ours = factories.uploaded_exam("Ours: algebra final", consumer_id=Resource.query.one().consumer_id).exam
    site = factories.uploaded_exam("Site-wide statistics").exam
    other = factories.consumer("Other LMS", key="other-key", secret="other-secret")
    theirs = factories.uploaded_exam("Theirs: secret exam", consumer_id=other.id).exam
    db.session.add(Exam(title="Empty: no package", slug="empty"))
    db.session.commit()
    return ours, site, theirs


def test_the_catalogue_lists_the_exams_this_consumer_may_use_and_attaches_one(app, client):
    lt = instructor_token(client)
    ours, site, theirs = catalogue_world()
    page = client.get("/dashboard/resources/1/exam", query_string={"lt": lt}).get_data(as_text=True)
    catalogue = page[page.index('id="catalogue"'):]
    assert "Ours: algebra final" in catalogue and "Site-wide statistics" in catalogue
    assert "Theirs: secret exam" not in page and "Empty: no package" not in page
    reply = client.post("/dashboard/resources/1/exam/attach", data={"lt": lt, "exam_id": site.id})
    assert reply.status_code == 303 and "/dashboard/resources/1/exam?lt=" in reply.location
    db.session.expire_all()
    resource = Resource.query.one()
    assert (resource.exam_id, resource.exam_version_id) == (site.id, site.latest_version.id)
    page = client.get(reply.location).get_data(as_text=True)
    assert "Site-wide statistics is now used by new attempts" in page


def test_the_catalogue_search_narrows_the_list(app, client):
    lt = instructor_token(client)
    catalogue_world()
    found = client.get("/dashboard/resources/1/exam/choices", query_string={"lt": lt, "q": "STATIS"})
    assert found.status_code == 200 and "<html" not in found.text
    assert "Site-wide statistics" in found.text and "Ours: algebra final" not in found.text


@pytest.mark.parametrize("which", ["theirs", "empty", "missing"])
def test_an_exam_outside_the_catalogue_is_refused_and_nothing_changes(app, client, which):
    from lti_app.models import Exam

    lt = instructor_token(client)
    ours, site, theirs = catalogue_world()
    exam_id = {"theirs": theirs.id, "empty": Exam.query.filter_by(slug="empty").one().id, "missing": 999}[which]
    reply = client.post("/dashboard/resources/1/exam/attach", data={"lt": lt, "exam_id": exam_id})
    assert reply.status_code == 404 and "not in this LMS" in reply.text
    db.session.expire_all()
    assert Resource.query.one().exam_id is None


def test_students_cannot_attach_from_the_catalogue(app, client):
    factories.consumer()
    learner = factories.launch(client)
    lt = parse_qs(urlsplit(learner.location).query)["lt"][0]
    site = factories.uploaded_exam("Site-wide statistics").exam
    assert client.post("/dashboard/resources/1/exam/attach", data={"lt": lt, "exam_id": site.id}).status_code == 404
    db.session.expire_all()
    assert Resource.query.one().exam_id is None
