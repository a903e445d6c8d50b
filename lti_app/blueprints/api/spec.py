"""Declaring an API operation once: the Flask route, its signed-request check, its parameters and
its entry in the OpenAPI document all come from the same `operation(...)` call."""
import hmac
import re
from dataclasses import dataclass
from functools import wraps

from flask import request

from ...api import signing
from ...errors import UserFacingError
from ...services import api_keys
from .params import Param, collect, read_params
from .shapes import SCHEMAS

MAX_ID = 2**31 - 1
CREDENTIALS = (
    Param("api_key", required=True, description="The API key's id.", max_length=64),
    Param("timestamp", required=True, description="Milliseconds since 1970 (UTC), within 5 minutes of "
                                                  "the server's clock.", max_length=20),
    Param("nonce", required=True, description="8 to 128 characters, never reused with this key within "
                                              "24 hours.", max_length=128),
    Param("signature", required=True, description="Hex HMAC-SHA256 keyed by the secret over every other "
                                                  "parameter as name=value, sorted by name, joined by &.",
          max_length=64),
)


def _uploaded_package(file_sha256) -> bytes:
    """The uploaded file, which must be the one the signed file_sha256 names."""
    upload = request.files.get("package")
    if upload is None:
        raise UserFacingError("The request has no package file.", 422, "missing_parameter", "package")
    data = upload.read()
    if not hmac.compare_digest(signing.file_sha256(data).encode(), file_sha256.lower().encode()):
        raise UserFacingError("The package is not the file that file_sha256 names.", 403, "bad_signature",
                              "file_sha256")
    return data


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def list_of(name, field):
    return {"type": "object", "properties": {field: {"type": "array", "items": ref(name)}}, "required": [field]}


ERROR = {"description": "An error", "content": {"application/json": {"schema": ref("Error")}}}


@dataclass
class Operation:
    name: str
    method: str
    path: str  # OpenAPI style: /consumers/{consumer_id}
    summary: str
    params: tuple = ()
    response: dict | None = None  # JSON Schema of the success body
    status: int = 200
    upload: bool = False
    signed: bool = True
    files: tuple = ()  # media types of a file answered instead of JSON

    @property
    def path_params(self):
        return re.findall(r"{(\w+)}", self.path)

    def document(self) -> dict:
        doc = {"summary": self.summary, "operationId": self.name,
               "parameters": [{"name": name, "in": "path", "required": True,
                               "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
                              for name in self.path_params],
               "responses": {str(self.status): {"description": "Done", "content": self._content()},
                             "default": ERROR}}
        params = (CREDENTIALS if self.signed else ()) + self.params
        if self.method == "GET":
            doc["parameters"] += [{"name": p.name, "in": "query", "required": p.required,
                                   "description": p.description, "schema": p.schema()} for p in params]
            return doc
        properties = {p.name: {**p.schema(), "description": p.description} for p in params}
        media = "application/x-www-form-urlencoded"
        if self.upload:
            media = "multipart/form-data"
            properties["package"] = {"type": "string", "format": "binary", "description": "The SCORM zip."}
        doc["requestBody"] = {"required": True, "content": {media: {"schema": {
            "type": "object", "properties": properties,
            "required": [p.name for p in params if p.required] + (["package"] if self.upload else [])}}}}
        return doc

    def _content(self):
        if self.files:
            return {media: {"schema": {"type": "string", "format": "binary"}} for media in self.files}
        return {"application/json": {"schema": self.response}}


class Operations:
    def __init__(self, blueprint):
        self.blueprint = blueprint
        self.all = []

    def operation(self, method, path, summary, params=(), response=None, status=200, upload=False, files=()):
        """Register `view(key, values, **path_ids)` as a signed operation; with `files` (media types) the
        view answers a file (a Response) instead of a JSON body."""
        def register(view):
            op = Operation(view.__name__, method, path, summary, tuple(params), response, status, upload,
                           files=tuple(files))
            self.all.append(op)

            @wraps(view)
            def signed(**path_ids):
                raw = collect(request)
                key = api_keys.authenticate(raw)
                values = read_params(op.params, raw)
                if op.upload:
                    values["package"] = _uploaded_package(values["file_sha256"])
                body = view(key, values, **path_ids)
                return body, op.status

            rule = re.sub(r"{(\w+)}", rf"<int(min=1, max={MAX_ID}):\1>", path)
            self.blueprint.add_url_rule(rule, view.__name__, signed, methods=[method])
            return view

        return register

    def unsigned(self, path, summary):
        """A GET anyone may call (the OpenAPI document itself)."""
        def register(view):
            self.all.append(Operation(view.__name__, "GET", path, summary, response={"type": "object"},
                                      signed=False))
            self.blueprint.add_url_rule(path, view.__name__, view, methods=["GET"])
            return view

        return register

    def document(self, server_url) -> dict:
        paths = {}
        for op in self.all:
            paths.setdefault(op.path, {})[op.method.lower()] = op.document()
        return {
            "openapi": "3.1.0",
            "info": {"title": "Examgate admin API", "version": "1",
                     "description": "Every operation but this document is signed: see the README's "
                                    "\"Admin API\" section. "
                                    "Parameters are the query string for GET and form fields otherwise "
                                    "(multipart for an upload, with file_sha256)."},
            "servers": [{"url": server_url}],
            "paths": paths,
            "components": {"schemas": SCHEMAS},
        }

