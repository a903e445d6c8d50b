"""LTI roles (full URNs, short names, LTI 1.3 URIs) to Examgate's two roles."""
STAFF = {"instructor", "administrator", "teachingassistant", "contentdeveloper", "mentor", "sysadmin"}


def _short(role: str) -> str:
    role = role.strip()
    # urn:lti:role:ims/lis/Instructor, urn:lti:instrole:ims/lis/Administrator,
    # http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor, .../membership/Instructor#TeachingAssistant
    for separator in ("#", "/", ":"):
        role = role.rsplit(separator, 1)[-1]
    return role.lower()


def examgate_role(roles) -> str:
    """'instructor' for anyone who teaches or administers, else 'learner'."""
    if isinstance(roles, str):
        roles = roles.split(",")
    return "instructor" if any(_short(r) in STAFF for r in roles if r.strip()) else "learner"
