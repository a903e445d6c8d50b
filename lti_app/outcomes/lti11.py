"""Send an LTI 1.1 replaceResult to the consumer's outcome service."""
import requests
from requests_oauthlib import OAuth1

from .replies import Verdict, classify_error, classify_pox_reply


def post_replace_result(url: str, key: str, secret: str, xml_body: bytes, timeout: float) -> Verdict:
    """POST a signed POX message; every call signs with a fresh nonce."""
    # force_include_body makes oauthlib add oauth_body_hash, which Canvas and Moodle require.
    auth = OAuth1(key, secret, signature_type="auth_header", force_include_body=True)
    try:
        reply = requests.post(
            url,
            data=xml_body,
            auth=auth,
            headers={"Content-Type": "application/xml"},
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return classify_error(exc, timeout)
    return classify_pox_reply(reply.status_code, reply.headers, reply.content)
