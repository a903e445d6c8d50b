"""Who may see what: every check that keeps one consumer's and one context's data to itself."""
from dataclasses import dataclass

from .models import Admin, Enrolment, Launch, User


@dataclass
class Viewer:
    """The person behind a request: a local administrator, or an LMS user (by cookie or launch token)."""

    admin: Admin | None = None
    user: User | None = None
    launch: Launch | None = None  # set when the identity came from a launch token

    @property
    def is_authenticated(self):
        return self.admin is not None or self.user is not None

    @property
    def name(self):
        if self.admin:
            return self.admin.email
        return self.user.display_name if self.user else "anonymous"

    def sees_consumer(self, consumer_id):
        if self.admin:
            return self.admin.is_superuser or any(c.id == consumer_id for c in self.admin.consumers)
        return self.user is not None and self.user.consumer_id == consumer_id

    def administers_exam(self, exam):
        """Changing an exam for everyone who runs it: site-wide exams are the superusers', a consumer's
        own exams its administrators'. LMS instructors change only their own resource's copy."""
        if self.admin is None:
            return False
        return self.admin.is_superuser if exam.consumer_id is None else self.sees_consumer(exam.consumer_id)

    def teaches(self, context):
        """Administrators of the consumer, and the context's instructors as their launches say."""
        if self.admin:
            return self.sees_consumer(context.consumer_id)
        if self.user is None or self.user.consumer_id != context.consumer_id:
            return False
        return Enrolment.query.filter_by(context_id=context.id, user_id=self.user.id,
                                         role="instructor").count() > 0

    def is_learner_on(self, resource):
        """A student may act on a resource they launched (by cookie or token for that very resource)."""
        if self.user is None or self.user.consumer_id != resource.consumer_id:
            return False
        if self.launch is not None:
            return self.launch.resource_id == resource.id
        return Launch.query.filter_by(resource_id=resource.id, user_id=self.user.id).count() > 0
