"""HTTP sessions for calls to an LMS: every request gets a timeout, even from library code
(pylti1p3 passes none)."""
import requests

USER_AGENT = "Examgate (LTI 1.3 tool)"


class TimeoutSession(requests.Session):
    def __init__(self, timeout: float):
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.timeout
        return super().request(method, url, **kwargs)
