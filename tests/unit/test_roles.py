"""LTI roles read with their scope: course roles decide, institution and system roles only stand in for
an administrator who has no course role."""
import pytest

from lti_app.lti.roles import Role, examgate_role, parse

LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@pytest.mark.parametrize("role, expected", [
    ("Instructor", Role("context", "instructor")),
    ("urn:lti:role:ims/lis/TeachingAssistant", Role("context", "teachingassistant")),
    ("urn:lti:role:ims/lis/Learner/Instructor", Role("context", "learner")),
    ("urn:lti:instrole:ims/lis/Instructor", Role("institution", "instructor")),
    ("urn:lti:sysrole:ims/lis/SysAdmin", Role("system", "sysadmin")),
    (LIS + "membership#Mentor", Role("context", "mentor")),
    (LIS + "membership/Instructor#TeachingAssistant", Role("context", "instructor")),
    (LIS + "institution/person#Faculty", Role("institution", "faculty")),
    (LIS + "system/person#Administrator", Role("system", "administrator")),
    ("http://purl.imsglobal.org/vocab/lti/system/person#TestUser", Role("system", "testuser")),
    ("http://example.com/roles#Instructor", Role("other", "http://example.com/roles#instructor")),
])
def test_a_role_is_read_with_its_scope(role, expected):
    assert parse(role) == expected


@pytest.mark.parametrize("roles", [
    "Instructor", "urn:lti:role:ims/lis/Instructor", "TeachingAssistant,Learner", "ContentDeveloper",
    "urn:lti:role:ims/lis/Instructor/PrimaryInstructor", "Administrator",
    [LIS + "membership#Instructor"], [LIS + "membership/Instructor#TeachingAssistant"],
    # administrators with no course role (Moodle site admin, Canvas account admin outside the course)
    "urn:lti:instrole:ims/lis/Administrator", "urn:lti:sysrole:ims/lis/SysAdmin,urn:lti:sysrole:ims/lis/User",
    [LIS + "system/person#Administrator", LIS + "institution/person#Administrator"],
])
def test_staff(roles):
    assert examgate_role(roles) == "instructor"


@pytest.mark.parametrize("roles", [
    "urn:lti:instrole:ims/lis/Instructor,urn:lti:role:ims/lis/Learner",
    "urn:lti:instrole:ims/lis/Administrator,Learner",
    "urn:lti:sysrole:ims/lis/SysAdmin,Learner",
    "Mentor", "urn:lti:role:ims/lis/Mentor", "urn:lti:role:ims/lis/Learner/NonCreditLearner,Mentor",
    [LIS + "membership#Mentor"], [LIS + "membership#Learner", LIS + "institution/person#Instructor"],
    [LIS + "institution/person#Faculty"], "urn:lti:instrole:ims/lis/Instructor",
    "http://example.com/roles#Instructor", "", [],
])
def test_not_staff(roles):
    assert examgate_role(roles) == "learner"
