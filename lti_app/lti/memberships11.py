"""The LTI 1.1 memberships extension: the class list an LMS offers with `ext_ims_lis_memberships_url`.

A form POST (`lti_message_type=basic-lis-readmembershipsforcontext`, `id` = the launch's
`ext_ims_lis_memberships_id`) signed with the consumer's key and secret, OAuth parameters in the
body; the reply is XML, `<message_response>` with `<statusinfo><codemajor>` and `<memberships>`
(some LMSs say `<members>`) of `<member>` elements. Members come back in the shape the LTI 1.3
Names and Roles service gives, so the roster code reads both alike."""
import xml.etree.ElementTree as ET

import requests
from requests_oauthlib import OAuth1

MESSAGE_TYPE = "basic-lis-readmembershipsforcontext"


class MembershipsError(Exception):
    """The LMS did not give the class list; the message says why, in words for the instructor."""


def read_memberships(url, key, secret, memberships_id, timeout) -> list[dict]:
    auth = OAuth1(key, secret, signature_type="body")
    data = {"lti_message_type": MESSAGE_TYPE, "lti_version": "LTI-1p0", "id": memberships_id}
    try:
        reply = requests.post(url, data=data, auth=auth, timeout=timeout, allow_redirects=False,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    except requests.RequestException as error:
        raise MembershipsError(f"the LMS could not be reached ({type(error).__name__})") from error
    if reply.status_code != 200:
        raise MembershipsError(f"the LMS answered HTTP {reply.status_code}")
    return parse_memberships(reply.content)


def parse_memberships(body: bytes) -> list[dict]:
    # A reply is never entitled to a DTD; refusing one keeps entity expansion out.
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        raise MembershipsError("the LMS's reply was not a class list")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise MembershipsError("the LMS's reply was not a class list") from error
    code = (root.findtext("statusinfo/codemajor") or "").strip()
    if code.lower() != "success":
        words = (root.findtext("statusinfo/description") or "").strip()
        raise MembershipsError(f"the LMS refused: {code or 'no status'}{': ' + words if words else ''}")
    members = root.findall("memberships/member") + root.findall("members/member")
    return [_member(element) for element in members if (element.findtext("user_id") or "").strip()]


def _member(element) -> dict:
    def text(name):
        return (element.findtext(name) or "").strip()

    return {
        "user_id": text("user_id"),
        "name": text("person_name_full"),
        "given_name": text("person_name_given"),
        "family_name": text("person_name_family"),
        "email": text("person_contact_email_primary"),
        "roles": [role.strip() for role in text("roles").split(",") if role.strip()],
        "status": "Active",
    }
