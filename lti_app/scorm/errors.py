"""The one error the SCORM helpers raise: a package Examgate cannot use."""


class PackageError(Exception):
    """A SCORM package is unusable; ``message`` is written for the person uploading it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
