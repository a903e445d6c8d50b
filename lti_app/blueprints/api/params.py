"""API parameters: each declared once, read from the request and described in the OpenAPI document
from the same declaration. Values arrive as strings (query string or form fields)."""
import re
from dataclasses import dataclass
from datetime import datetime

from ...errors import UserFacingError

INTEGER = re.compile(r"-?[0-9]{1,12}")
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str = "string"  # string, integer, boolean, datetime, choice
    required: bool = False
    description: str = ""
    max_length: int = 255
    maximum: int = 100_000
    choices: tuple = ()

    def schema(self) -> dict:
        if self.kind == "integer":
            return {"type": "integer", "minimum": 0, "maximum": self.maximum}
        if self.kind == "boolean":
            return {"type": "string", "enum": list(BOOLEANS)}
        if self.kind == "choice":
            return {"type": "string", "enum": list(self.choices)}
        if self.kind == "datetime":
            return {"type": "string", "maxLength": 40}
        minimum = 1 if self.required else 0
        return {"type": "string", "minLength": minimum, "maxLength": self.max_length}

    def read(self, raw: str):
        """The typed value of `raw`, or a 422 naming this parameter."""
        if self.kind == "integer":
            if not INTEGER.fullmatch(raw) or not 0 <= int(raw) <= self.maximum:
                self.refuse(f"a whole number from 0 to {self.maximum}")
            return int(raw)
        if self.kind == "boolean":
            if raw.lower() not in BOOLEANS:
                self.refuse("true or false")
            return BOOLEANS[raw.lower()]
        if self.kind == "choice":
            if raw not in self.choices:
                self.refuse("one of " + ", ".join(self.choices))
            return raw
        if self.kind == "datetime":
            return self._datetime(raw)
        if len(raw) > self.max_length:
            self.refuse(f"at most {self.max_length} characters")
        return raw

    def _datetime(self, raw):
        if not raw:
            return None
        if len(raw) > 40:
            self.refuse("at most 40 characters")
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            moment = None
        if moment is None or moment.tzinfo is None:
            self.refuse("an ISO 8601 date and time with a time zone, e.g. 2026-05-01T09:00:00+00:00")
        return moment

    def refuse(self, expected):
        raise UserFacingError(f"The parameter {self.name} must be {expected}.", 422, "invalid_parameter", self.name)


def read_params(declared, raw: dict) -> dict:
    """Typed values for the declared parameters present in `raw`; a missing required one is refused."""
    values = {}
    for param in declared:
        given = raw.get(param.name)
        if given is None or (given == "" and param.kind != "datetime"):
            if param.required:
                raise UserFacingError(f"The parameter {param.name} is required.", 422, "missing_parameter",
                                      param.name)
            continue
        values[param.name] = param.read(given)
    return values


def collect(request) -> dict:
    """One dict of every parameter from the query string and the form; a repeated name or a NUL is refused."""
    if request.is_json:
        raise UserFacingError("Send parameters as form fields (or in the query string for GET), not JSON.", 415,
                              "unsupported_media_type")
    collected = {}
    for source in (request.args, request.form):
        for name, values in source.lists():
            if name in collected or len(values) > 1:
                raise UserFacingError(f"The parameter {name} is given more than once.", 422,
                                      "invalid_parameter", name)
            # A multipart field can come without a name or a value.
            name, value = name or "", values[0] if values[0] is not None else ""
            if "\x00" in name or "\x00" in value:
                raise UserFacingError("Parameters cannot contain NUL characters.", 422, "invalid_parameter",
                                      name.replace("\x00", ""))
            collected[name] = value
    return collected
