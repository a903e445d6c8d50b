"""custom_exam=<slug> on an LTI 1.1 launch attaches that exam to a resource that has none yet."""
import pytest

from lti_app.models import Resource
from lti_app.services import resources
from tests import factories
from tests.factories import launch


@pytest.fixture
def consumer(app):
    return factories.consumer()


def test_custom_exam_attaches_the_exam_on_the_first_launch(client, consumer):
    exam = factories.exam(slug="week-2")
    assert launch(client, custom_exam="week-2").status_code == 302
    resource = Resource.query.one()
    assert resource.exam_id == exam.id and resource.exam_version == exam.latest_version


def test_an_attached_exam_stays(client, consumer):
    first, second = factories.exam(slug="first"), factories.exam(slug="second")
    launch(client, custom_exam="first")
    launch(client, custom_exam="second")
    assert Resource.query.one().exam_id == first.id != second.id


def test_a_later_custom_exam_fills_a_resource_that_had_none(client, consumer):
    launch(client)
    assert Resource.query.one().exam_id is None
    exam = factories.exam(slug="late")
    launch(client, custom_exam="late")
    assert Resource.query.one().exam_id == exam.id


@pytest.mark.parametrize("slug", ["no-such-exam", "other-school"])
def test_an_unknown_or_foreign_exam_is_not_attached_and_the_launch_goes_on(client, consumer, slug):
    other = factories.consumer("Other", key="other-key")
    factories.exam(slug="other-school", consumer=other)
    assert launch(client, custom_exam=slug).status_code == 302
    assert Resource.query.one().exam_id is None


def test_a_consumers_own_exam_is_attached(client, consumer):
    exam = factories.exam(slug="ours", consumer=consumer)
    launch(client, custom_exam="ours")
    assert resources.exam_allowed_for(consumer.id, exam) and Resource.query.one().exam_id == exam.id
