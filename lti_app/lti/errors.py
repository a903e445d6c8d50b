from ..errors import UserFacingError


class LaunchRefused(UserFacingError):
    """A launch that must not be let in; the message says why, for the person who clicked."""

    status = 401
    code = "launch_refused"
