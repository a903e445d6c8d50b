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


def test_demo_seed_attaches_the_quiz_so_a_student_can_start(make_app):
    app = make_app(DEMO_MODE=True)
    with app.app_context():
        demo.seed()
        demo.seed()  # a second run changes nothing
        client = app.test_client()
        landing = client.post("/lti/launch", data=demo.launch_form("learner", "http://examgate.test/lti/launch"))
        page = client.get(landing.location)
        assert b"Examgate demo quiz" in page.data and b"Start the exam" in page.data
        started = client.post("/resources/1/attempts", data={"lt": landing.location.split("lt=")[1]})
        assert started.status_code == 303 and "/attempts/1/play" in started.location
        assert Resource.query.one().exam_version.launch_path == "index.html"
