"""LTI 1.1 launch verification on oauthlib: HMAC-SHA1 only, a timestamp window both ways,
each (consumer key, nonce) accepted once, nonces of 8 to 64 characters, constant-time comparison."""
import string
import time

from oauthlib.oauth1 import RequestValidator, SIGNATURE_HMAC
from oauthlib.oauth1.rfc5849 import errors, utils
from oauthlib.oauth1.rfc5849.endpoints.base import BaseEndpoint

from .errors import LaunchRefused
from .nonces import use_once

NONCE_LENGTH = (8, 64)


class _Validator(RequestValidator):
    """Lets real LMS traffic through oauthlib's format checks; the real checks are ours."""

    def __init__(self, secret, timestamp_window):
        super().__init__()
        self._secret = secret
        self._window = timestamp_window

    allowed_signature_methods = (SIGNATURE_HMAC,)
    enforce_ssl = False
    safe_characters = set(string.printable) - set(string.whitespace)
    nonce_length = NONCE_LENGTH
    client_key_length = (1, 100)
    dummy_client = "examgate-unknown-consumer"

    @property
    def timestamp_lifetime(self):
        return self._window

    def get_client_secret(self, client_key, request):
        return self._secret

    def validate_client_key(self, client_key, request):
        return True


def consumer_key(form, authorization) -> str:
    """The launch's oauth_consumer_key: in the body, or in an OAuth Authorization header."""
    if "oauth_consumer_key" in form or not (authorization or "").lower().startswith("oauth "):
        return form.get("oauth_consumer_key", "")
    try:
        return dict(utils.parse_authorization_header(authorization)).get("oauth_consumer_key", "")
    except ValueError:
        return ""  # malformed: refused as an unknown consumer


def verify(consumer, uri, method, body, headers, timestamp_window=300):
    """Check a signed launch for `consumer` (None when the key is unknown); raise LaunchRefused. The body
    is the form's encoded text or its (name, value) pairs."""
    validator = _Validator(consumer.secret if consumer else "unknown", timestamp_window)
    endpoint = BaseEndpoint(validator)
    try:
        request = endpoint._create_request(uri, method, body, headers)
        _check_method_and_time(request, timestamp_window)
        endpoint._check_mandatory_parameters(request)
    except errors.OAuth1Error as error:
        raise LaunchRefused(f"The launch's OAuth parameters are malformed: {error.description}", 400)
    # Compute the signature even for an unknown key, so timing does not reveal which keys exist.
    valid_signature = endpoint._check_signature(request)
    if consumer is None:
        raise LaunchRefused("This LMS is not registered with Examgate (unknown consumer key).", 401,
                            "unknown_consumer")
    if not valid_signature:
        raise LaunchRefused("The launch's signature does not match: the consumer secret or the launch URL "
                            "configured in the LMS is wrong.", 401, "bad_signature")
    if not use_once(f"lti11:{consumer.key}", request.nonce, 2 * timestamp_window + 60):
        raise LaunchRefused("This launch was already used (replayed nonce). Go back to the LMS and click "
                            "the link again.", 401, "replayed_nonce")
    return request


def _check_method_and_time(request, window):
    if request.signature_method != SIGNATURE_HMAC:
        raise LaunchRefused(f"Signature method {request.signature_method or '(none)'} is not accepted; "
                            "configure the LMS to use HMAC-SHA1.", 401, "bad_signature_method")
    try:
        skew = int(request.timestamp) - time.time()
    except (TypeError, ValueError):
        raise LaunchRefused("The launch has no valid oauth_timestamp.", 400, "missing_parameter")
    if abs(skew) > window:
        when = "in the future" if skew > 0 else "old"
        raise LaunchRefused(f"The launch's timestamp is {abs(int(skew))} seconds {when}: check the LMS "
                            "server's clock, then launch again.", 401, "stale_timestamp")


def sign_launch(url, key, secret, params):
    """Sign launch parameters as an LMS would (used by the demo page)."""
    from urllib.parse import parse_qsl, urlencode

    from oauthlib.oauth1 import Client, SIGNATURE_TYPE_BODY

    client = Client(key, client_secret=secret, signature_type=SIGNATURE_TYPE_BODY)
    _, _, body = client.sign(url, "POST", urlencode(params),
                             {"Content-Type": "application/x-www-form-urlencoded"})
    return dict(parse_qsl(body))
