"""The dashboard's exam page: upload a package for a resource, replace it, move unfinished attempts."""
import io
from urllib.parse import parse_qs, urlsplit

import pytest

from lti_app.extensions import db
from lti_app.models import Exam, Resource, StoredFile
from lti_app.services import attempts
from tests import factories
from tests.packages.build import quiz12_zip, quiz2004_zip


def instructor_token(client):
    factories.consumer()
    response = factories.launch(client, person=factories.INSTRUCTOR)
    return parse_qs(urlsplit(response.location).query)["lt"][0]


def upload(client, lt, data, path="/dashboard/resources/1/exam", **fields):
    return client.post(path,
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
def shared_exam_world(client):
    """A site-wide exam run by another consumer's resource, and an instructor of the test consumer who
    attached it to their own resource with custom_exam."""
    shared = factories.uploaded_exam("Shared quiz", slug="shared-quiz")
    elsewhere = factories.exam_resource(factories.consumer("Other LMS", key="other-key", secret="o"), shared,
                                        link_id="their-link")
    lt = instructor_token_for(client, custom_exam="shared-quiz")
    return shared.exam_id, elsewhere.id, lt


def instructor_token_for(client, **params):
    factories.consumer()
    response = factories.launch(client, person=factories.INSTRUCTOR, **params)
    return parse_qs(urlsplit(response.location).query)["lt"][0]


def test_an_instructor_replacing_a_shared_exam_gets_a_copy_of_their_own(app, client):
    shared_id, elsewhere_id, lt = shared_exam_world(client)
    page = client.get("/dashboard/resources/2/exam", query_string={"lt": lt})
    assert b"is shared with other resources" in page.data
    assert upload(client, lt, quiz12_zip(), path="/dashboard/resources/2/exam").status_code == 303
    db.session.expire_all()
    ours, theirs = db.session.get(Resource, 2), db.session.get(Resource, elsewhere_id)
    assert theirs.exam_id == shared_id and theirs.exam_version.scorm_version == "2004"
    assert len(db.session.get(Exam, shared_id).versions) == 1
    assert ours.exam_id != shared_id and ours.exam.consumer_id == ours.consumer_id
    assert (ours.exam.title, ours.exam_version.number, ours.exam_version.scorm_version) == ("Shared quiz", 1, "1.2")


def test_an_administrator_of_the_exam_changes_it_for_everyone(app, client):
    shared_id, elsewhere_id, _ = shared_exam_world(client)
    factories.sign_in(client, factories.admin(superuser=True))
    response = client.post("/dashboard/resources/2/exam", data={"package": (io.BytesIO(quiz12_zip()), "q.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Resource, 2).exam_id == shared_id
    assert [v.scorm_version for v in db.session.get(Exam, shared_id).versions] == ["2004", "1.2"]


def test_a_consumer_administrator_may_not_change_a_site_wide_exam(app, client):
    shared_id, _, _ = shared_exam_world(client)
    consumer = db.session.get(Resource, 2).consumer
    factories.sign_in(client, factories.admin(consumers=[consumer]))
    client.post("/dashboard/resources/2/exam", data={"package": (io.BytesIO(quiz12_zip()), "q.zip")},
                content_type="multipart/form-data")
    db.session.expire_all()
    assert len(db.session.get(Exam, shared_id).versions) == 1
    assert db.session.get(Resource, 2).exam.consumer_id == consumer.id


def test_an_exam_two_courses_of_one_consumer_run_is_copied_too(app, client):
    lt = instructor_token(client)
    upload(client, lt, quiz2004_zip(), title="Week 1")
    ours = Resource.query.one()
    other = factories.exam_resource(ours.consumer, ours.exam_version, link_id="copied-link", context_id="course-2")
    assert upload(client, lt, quiz12_zip()).status_code == 303
    db.session.expire_all()
    assert db.session.get(Resource, other.id).exam_version.scorm_version == "2004"
    assert db.session.get(Resource, ours.id).exam_id != db.session.get(Resource, other.id).exam_id


def test_an_upload_over_the_limit_gets_the_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    with app.app_context():
        client = app.test_client()
        lt = instructor_token(client)
        too_big = upload(client, lt, b"x" * (3 * 1024 * 1024))
        assert too_big.status_code == 413 and b"over the upload limit of 2 MB" in too_big.data
        factories.sign_in(client, factories.admin(superuser=True))
        by_admin = client.post("/dashboard/resources/1/exam", content_type="multipart/form-data",
                               data={"package": (io.BytesIO(b"x" * (3 * 1024 * 1024)), "q.zip")})
        assert by_admin.status_code == 413 and b"Upload too large" in by_admin.data
        assert StoredFile.query.count() == 0
