"""LTI roles to Examgate's two roles, read with their scope.

A launch's roles come from three vocabularies (LTI 1.1 section 6.1, LTI 1.3 section 5.3.7 and appendix A.2):
context roles (the person's role in the course the launch comes from), institution roles and system
roles (the person's standing elsewhere in the institution or the LMS). Only context roles say what
someone is in this course: a teacher elsewhere (`urn:lti:instrole:ims/lis/Instructor`) who is a
`Learner` here is a learner here. The specs read a role with no namespace (`Instructor`, LTI 1.1's
"handles", LTI 1.3's "simple names") as a context role, and a sub-role (`Instructor/TeachingAssistant`,
`membership/Instructor#TeachingAssistant`) as its principal role.

When a launch carries no context role at all (an administrator opening a course they are not enrolled
in: Moodle and Canvas send only institution and system roles then), an administrator role of the
institution or the system lets them in as staff; nothing else does. Mentors (Canvas observers,
parents) are never staff.
"""
from typing import NamedTuple

STAFF_CONTEXT_ROLES = {"instructor", "administrator", "contentdeveloper", "teachingassistant"}
ADMINISTRATOR_ROLES = {"administrator", "sysadmin"}

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
PREFIXES = (  # longest first
    ("urn:lti:role:ims/lis/", "context"),
    ("urn:lti:instrole:ims/lis/", "institution"),
    ("urn:lti:sysrole:ims/lis/", "system"),
    (LIS + "membership#", "context"),
    (LIS + "membership/", "context"),  # a sub-role: membership/Instructor#TeachingAssistant
    (LIS + "institution/person#", "institution"),
    (LIS + "system/person#", "system"),
    ("http://purl.imsglobal.org/vocab/lti/system/person#", "system"),  # TestUser
    (LIS + "person#", "institution"),  # the deprecated 1.3 draft form of institution and system roles
)


class Role(NamedTuple):
    scope: str  # "context", "institution", "system", or "other" for vocabularies we do not know
    name: str  # the principal role, lower case


def parse(role: str) -> Role:
    role = role.strip()
    for prefix, scope in PREFIXES:
        if role.startswith(prefix):
            return Role(scope, _principal(role[len(prefix):]))
    if ":" in role or "#" in role:
        return Role("other", role.lower())
    return Role("context", _principal(role))


def _principal(name: str) -> str:
    return name.replace("#", "/").split("/", 1)[0].lower()


def examgate_role(roles) -> str:
    """'instructor' for whoever teaches or administers the course, else 'learner'."""
    if isinstance(roles, str):
        roles = roles.split(",")
    parsed = [parse(r) for r in roles if r.strip()]
    context = [r.name for r in parsed if r.scope == "context"]
    if context:
        staff = any(name in STAFF_CONTEXT_ROLES for name in context)
    else:
        staff = any(r.name in ADMINISTRATOR_ROLES for r in parsed if r.scope in ("institution", "system"))
    return "instructor" if staff else "learner"
