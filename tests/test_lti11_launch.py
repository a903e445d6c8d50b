"""LTI 1.1 launches signed by the `lti` package's ToolConsumer."""
import time

import pytest
from oauthlib.oauth1 import Client, SIGNATURE_TYPE_AUTH_HEADER, SIGNATURE_TYPE_BODY
from urllib.parse import parse_qsl, urlencode

from lti_app.models import Context, Enrolment, Launch, Resource, User
from tests import factories
from tests.factories import INSTRUCTOR, launch, signed_launch


@pytest.fixture
def consumer(app):
    return factories.consumer()


def rows():
    return tuple(model.query.count() for model in (Context, Resource, User, Launch, Enrolment))


def test_learner_lands_on_the_student_page(client, consumer):
    response = launch(client)
    assert response.status_code == 302
    resource = Resource.query.one()
    assert response.location.startswith(f"/resources/{resource.id}?lt=")
    page = client.get(response.location)
    assert page.status_code == 200
    assert b"Week 1 quiz" in page.data and b"Ada Learner" in page.data


def test_instructor_lands_on_the_dashboard(client, consumer):
    response = launch(client, person=INSTRUCTOR)
    resource = Resource.query.one()
    assert response.location.startswith(f"/dashboard/resources/{resource.id}")
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("roles", ["Instructor", "urn:lti:instrole:ims/lis/Administrator",
                                   "TeachingAssistant,Learner", "ContentDeveloper"])
def test_staff_role_spellings_reach_the_dashboard(client, consumer, roles):
    response = launch(client, person={**INSTRUCTOR, "roles": roles})
    assert "/dashboard/" in response.location


@pytest.mark.parametrize("roles", ["urn:lti:instrole:ims/lis/Instructor,urn:lti:role:ims/lis/Learner",
                                   "Mentor", "urn:lti:role:ims/lis/Learner/NonCreditLearner,urn:lti:role:ims/lis/Mentor"])
def test_a_teacher_elsewhere_or_an_observer_is_not_staff_here(client, consumer, roles):
    response = launch(client, person={**INSTRUCTOR, "roles": roles})
    assert response.location.startswith("/resources/")
    assert Enrolment.query.one().role == "learner"


def test_launch_records_outcome_details(client, consumer):
    launch(client, ext_outcome_data_values_accepted="url,text",
           ext_outcome_result_total_score_accepted="true")
    recorded = Launch.query.one()
    assert recorded.lis_result_sourcedid == "sourcedid-ada"
    assert recorded.outcome_service_url == "http://lms.test/outcomes"
    assert recorded.outcome_extensions == ["result_data_url", "result_data_text", "result_total_score"]
    assert recorded.user.email == "ada@example.edu"
    assert recorded.resource.context.title == "Algebra"


def test_instructor_sourcedid_is_not_kept_for_reporting(client, consumer):
    launch(client, person={**INSTRUCTOR, "lis_result_sourcedid": "teacher-sourcedid"})
    assert Launch.query.one().lis_result_sourcedid is None


def test_second_launch_updates_rather_than_duplicates(client, consumer):
    launch(client)
    launch(client, lis_person_name_full="Ada Lovelace", context_title="Algebra II")
    assert User.query.count() == 1 and Context.query.count() == 1 and Launch.query.count() == 2
    assert User.query.one().name == "Ada Lovelace"
    assert Context.query.one().title == "Algebra II"


def test_a_launch_without_a_name_or_an_email_keeps_the_ones_known(client, consumer):
    launch(client)
    launch(client, lis_person_name_full=None, lis_person_contact_email_primary=None, context_title=None)
    user = User.query.one()
    assert (user.name, user.email, Context.query.one().title) == ("Ada Learner", "ada@example.edu", "Algebra")
    assert Launch.query.count() == 2


def test_the_enrolment_follows_the_latest_launch_and_changes_only_when_it_does(client, consumer):
    from lti_app.extensions import db

    launch(client)
    enrolled = Enrolment.query.one()
    first_update = enrolled.updated_at
    launch(client)
    db.session.expire_all()
    assert (Enrolment.query.one().role, Enrolment.query.one().updated_at) == ("learner", first_update)
    enrolled.source = "roster"
    db.session.commit()
    launch(client, roles="Instructor")
    db.session.expire_all()
    enrolled = Enrolment.query.one()
    assert (enrolled.role, enrolled.source) == ("instructor", "launch") and enrolled.updated_at > first_update


def test_a_new_link_takes_the_consumers_report_mode_and_keeps_its_own_later(client, consumer):
    from lti_app.extensions import db

    consumer.default_report_mode = "immediately"
    db.session.commit()
    launch(client)
    resource = Resource.query.one()
    assert resource.report_mode == "immediately"
    resource.report_mode, consumer.default_report_mode = "manually", "on_completion"
    db.session.commit()
    launch(client, user_id="student-2")
    assert Resource.query.one().report_mode == "manually"


def test_users_are_kept_apart_per_consumer(client, consumer):
    factories.consumer(name="Other LMS", key="other-key", secret="other-secret")
    launch(client)
    launch(client, key="other-key", secret="other-secret")
    assert User.query.count() == 2 and Resource.query.count() == 2


def _refused(client, body, status, words):
    before = rows()
    response = client.post("/lti/launch", data=body)
    assert response.status_code == status
    assert words.lower() in response.get_data(as_text=True).lower()
    assert rows() == before


def test_wrong_secret_is_refused(client, consumer):
    _refused(client, signed_launch(secret="wrong"), 401, "signature does not match")


def test_unknown_key_is_refused(client, consumer):
    _refused(client, signed_launch(key="nobody", secret="x"), 401, "not registered")


def test_replayed_nonce_is_refused(client, consumer):
    body = signed_launch()
    assert client.post("/lti/launch", data=body).status_code == 302
    _refused(client, body, 401, "already used")


def test_plaintext_signature_is_refused(client, consumer):
    _refused(client, signed_launch(oauth={"signature_method": "PLAINTEXT"}), 401, "HMAC-SHA1")


@pytest.mark.parametrize("offset, words", [(-3600, "seconds old"), (3600, "in the future")])
def test_timestamp_outside_the_window_is_refused(client, consumer, offset, words):
    body = signed_launch(oauth={"timestamp": str(int(time.time()) + offset)})
    _refused(client, body, 401, words)


def test_missing_resource_link_id_is_refused(client, consumer):
    # The `lti` package will not sign a launch without resource_link_id; oauthlib signs it as an LMS would.
    params = factories.launch_params(resource_link_id=None)
    signer = Client("test-key", client_secret="test-secret", signature_type=SIGNATURE_TYPE_BODY)
    _, _, body = signer.sign(factories.LAUNCH_URL, "POST", urlencode(params),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    _refused(client, dict(parse_qsl(body)), 400, "resource_link_id")


def test_moodle_length_nonce_is_accepted(client, consumer):
    body = signed_launch(oauth={"nonce": "0123456789abcdef0123456789abcdef"})
    assert client.post("/lti/launch", data=body).status_code == 302


def test_disabled_consumer_is_refused(client, consumer):
    from lti_app.extensions import db

    consumer.enabled = False
    db.session.commit()
    _refused(client, signed_launch(), 401, "not registered")


def test_https_launch_behind_a_proxy_is_accepted(make_app):
    app = make_app(TRUSTED_PROXIES=1)
    with app.app_context():
        factories.consumer()
        body = signed_launch(url="https://examgate.test/lti/launch")
        client = app.test_client()
        plain = client.post("/lti/launch", data=body, base_url="http://examgate.test")
        assert plain.status_code == 401  # the same request without the proxy's word fails
        body = signed_launch(url="https://examgate.test/lti/launch")
        proxied = client.post("/lti/launch", data=body, base_url="http://examgate.test",
                              headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1",
                                       "X-Forwarded-Host": "examgate.test"})
        assert proxied.status_code == 302


def test_refusal_page_is_html_with_the_reason(client, consumer):
    response = client.post("/lti/launch", data=signed_launch(secret="wrong"))
    page = response.get_data(as_text=True)
    assert response.status_code == 401 and response.mimetype == "text/html" and "<html" in page
    assert "signature does not match" in page and "consumer secret or the launch URL" in page
    assert "Traceback" not in page


@pytest.mark.parametrize("nonce, accepted", [("a" * 7, False), ("a" * 8, True), ("a" * 64, True),
                                             ("a" * 65, False)])
def test_nonces_of_8_to_64_characters_are_accepted(client, consumer, nonce, accepted):
    body = signed_launch(oauth={"nonce": nonce})
    if accepted:
        assert client.post("/lti/launch", data=body).status_code == 302
    else:
        _refused(client, body, 400, "malformed")


def header_signed_launch(secret="test-secret"):
    """The OAuth parameters in an Authorization header, the launch parameters in the body."""
    signer = Client("test-key", client_secret=secret, signature_type=SIGNATURE_TYPE_AUTH_HEADER)
    _, headers, body = signer.sign(factories.LAUNCH_URL, "POST", urlencode(factories.launch_params()),
                                   {"Content-Type": "application/x-www-form-urlencoded"})
    return dict(parse_qsl(body)), headers["Authorization"]


def test_a_launch_signed_in_the_authorization_header_is_accepted(client, consumer):
    body, authorization = header_signed_launch()
    assert "oauth_signature" not in body
    response = client.post("/lti/launch", data=body, headers={"Authorization": authorization})
    assert response.status_code == 302 and Launch.query.one().user.name == "Ada Learner"
    body, authorization = header_signed_launch(secret="wrong")
    refused = client.post("/lti/launch", data=body, headers={"Authorization": authorization})
    assert refused.status_code == 401 and "signature does not match" in refused.get_data(as_text=True)


def test_a_launch_that_is_not_a_post_is_refused_with_a_page(client, consumer):
    body = signed_launch()
    response = client.get("/lti/launch", query_string=body)
    assert response.status_code == 405 and response.mimetype == "text/html"
    assert rows() == (0, 0, 0, 0, 0)
    assert client.post("/lti/launch", data=body).status_code == 302  # its nonce was not spent


def test_a_forged_launch_does_not_spend_the_nonce_of_a_real_one(client, consumer):
    real = signed_launch()
    forged = {**real, "lis_person_name_full": "Mallory"}  # same nonce, signature no longer matches
    _refused(client, forged, 401, "signature does not match")
    assert client.post("/lti/launch", data=real).status_code == 302
    assert User.query.one().name == "Ada Learner"


def test_secret_never_reaches_the_log(client, consumer, caplog):
    caplog.set_level("DEBUG")
    launch(client)
    client.post("/lti/launch", data=signed_launch(secret="wrong"))
    assert "test-secret" not in caplog.text


def test_long_names_and_titles_are_shortened_and_the_launch_goes_on(client, consumer):
    long = "x" * 5000
    response = launch(client, lis_person_name_full=long, resource_link_title=long, context_title=long,
                      context_label=long, ext_user_username=long, lis_person_contact_email_primary=long + "@a.edu")
    assert response.status_code == 302
    user, resource = User.query.one(), Resource.query.one()
    assert (len(user.name), len(user.username), user.email) == (300, 255, "")
    assert (len(resource.title), len(resource.context.title), len(resource.context.label)) == (500, 500, 255)
    assert client.get(response.location).status_code == 200


@pytest.mark.parametrize("param", ["user_id", "resource_link_id", "context_id", "lis_outcome_service_url"])
def test_ids_too_long_to_keep_are_refused_by_name(client, consumer, param):
    _refused(client, signed_launch(**{param: "x" * 5000}), 400, param.removeprefix("lis_") + " is 5000 characters")


def test_a_launch_while_redis_is_unreachable_gets_a_clear_503(make_app):
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{port}/0")
    with app.app_context():
        factories.consumer()
        response = launch(app.test_client())
        assert response.status_code == 503 and response.headers["Retry-After"] == "60"
        assert "cannot reach its job store" in response.get_data(as_text=True)
        assert rows() == (0, 0, 0, 0, 0)
