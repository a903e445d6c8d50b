from lti_app.models import Resource
from lti_app.services import demo


def test_demo_page_is_hidden_outside_demo_mode(client):
    assert client.get("/demo/").status_code == 404


def test_demo_page_launches_a_student_and_an_instructor(make_app):
    app = make_app(DEMO_MODE=True)
    with app.app_context():
        demo.seed()
        client = app.test_client()
        page = client.get("/demo/")
        assert page.status_code == 200 and b"Launch as student" in page.data
        for role, landing in (("learner", "/resources/"), ("instructor", "/dashboard/resources/")):
            form = demo.launch_form(role, "http://examgate.test/lti/launch")
            response = client.post("/lti/launch", data=form)
            assert response.status_code == 302 and response.location.startswith(landing)
        assert Resource.query.one().title == "Demo exam"
