"""How many SQL statements one LTI 1.1 launch runs, from the signed form to the redirect.

A class opening an exam launches all at once, and every launch pays each statement. These counts are
today's: a change that adds a query to every launch fails here, and whoever makes it decides, in plain
sight, whether the query is worth it."""
import re

import pytest

from lti_app.extensions import db
from lti_app.models import Enrolment, User
from tests import factories
from tests.test_commit_statements import statements

# In order: SELECT consumer (its secret), SELECT context JOIN resource (the course and the link, in one read),
# INSERT user ON CONFLICT DO UPDATE, INSERT enrolment ON CONFLICT DO UPDATE, INSERT launch: the three INSERTs
# are one statement on PostgreSQL (data-modifying CTEs), three on SQLite. The course and the link are not
# written, so launches do not wait on each other's row locks; the LMS origins that may frame the pages are
# kept by the process, and nothing is read again after the commit.
STUDENT_AND_LAUNCH = ["INSERT INTO user", "INSERT INTO enrolment", "INSERT INTO launch"]


def a_launch_on_a_known_link():
    together = db.engine.dialect.name == "postgresql"
    return ["SELECT consumer", "SELECT context", *(["; ".join(STUDENT_AND_LAUNCH)] if together else STUDENT_AND_LAUNCH)]


@pytest.fixture
def known_link(client):
    """A link a first student has launched: its course and link exist, and the process keeps the origins
    (read for the first page it served, the one that launch landed on)."""
    factories.consumer()
    landed = factories.launch(client, user_id="first-student")
    assert client.get(landed.location).status_code == 200


def opening(sent):
    """Each statement by its verb and first table; one that inserts, by every table it inserts into."""
    return ["; ".join(f"INSERT INTO {table}" for table in re.findall(r'INSERT INTO "?(\w+)', statement))
            if statement.startswith(("INSERT", "WITH")) else "SELECT " + statement.split(" FROM ")[1].split()[0]
            for statement in sent]


@pytest.mark.parametrize("student", ["new-student", "first-student"], ids=["new", "returning"])
def test_a_launch_on_a_known_link_runs_three_statements_or_five(client, known_link, student):
    with statements() as sent:
        landed = factories.launch(client, user_id=student, lis_person_name_full="Grace Student")
    assert landed.status_code == 302
    assert opening(sent) == a_launch_on_a_known_link(), "\n".join(sent)
    assert User.query.filter_by(lti_user_id=student).one().name == "Grace Student"
    assert Enrolment.query.join(User).filter(User.lti_user_id == student).one().source == "launch"


def test_the_page_a_launch_lands_on_reads_no_lms_origins(client, known_link):
    landed = factories.launch(client, user_id="new-student")
    with statements() as sent:
        assert client.get(landed.location).status_code == 200
    assert not [statement for statement in sent if "frame_origins" in statement or "lti13_registration" in statement]
