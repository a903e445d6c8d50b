"""What the API answers: each row's JSON next to its JSON Schema, so the two stay in step."""
from ...models.courses import REPORT_MODES
from ...models.reports import REPORT_KINDS


def _object(properties, required=None):
    return {"type": "object", "properties": properties, "required": required or list(properties)}


STRING = {"type": "string"}
INTEGER = {"type": "integer"}
BOOLEAN = {"type": "boolean"}
MOMENT = {"type": "string", "format": "date-time"}
OPTIONAL_MOMENT = {"type": ["string", "null"], "format": "date-time"}
OPTIONAL_INTEGER = {"type": ["integer", "null"]}


def moment(value):
    return value.isoformat() if value else None


def consumer(row, secret=False):
    data = {"id": row.id, "name": row.name, "key": row.key, "enabled": row.enabled,
            "default_report_mode": row.default_report_mode, "created_at": moment(row.created_at)}
    if secret:
        data["secret"] = row.secret
    return data


def exam_version(row):
    return {"number": row.number, "scorm_version": row.scorm_version, "launch_path": row.launch_path,
            "notes": row.notes, "uploaded_by": row.uploaded_by, "created_at": moment(row.created_at)}


def exam(row):
    return {"id": row.id, "slug": row.slug, "title": row.title, "consumer_id": row.consumer_id,
            "created_at": moment(row.created_at), "versions": [exam_version(v) for v in row.versions]}


def resource(row):
    return {"id": row.id, "consumer_id": row.consumer_id, "context_id": row.context.lti_context_id,
            "resource_link_id": row.lti_resource_link_id, "title": row.title, "exam_id": row.exam_id,
            "exam_version": row.exam_version.number if row.exam_version else None,
            "report_mode": row.report_mode, "grading_method": row.grading_method,
            "available_from": moment(row.available_from), "available_until": moment(row.available_until),
            "max_attempts": row.max_attempts, "time_limit_minutes": row.time_limit_minutes,
            "allow_student_review": row.allow_student_review, "created_at": moment(row.created_at)}


def report(row, download_url=None):
    data = {"id": row.id, "resource_id": row.resource_id, "kind": row.kind, "state": row.state,
            "progress": row.progress, "error": row.error, "created_at": moment(row.created_at),
            "finished_at": moment(row.finished_at)}
    if download_url:
        data["download_url"] = download_url
    return data


SCHEMAS = {
    "Error": _object({"error": _object({"code": STRING, "message": STRING,
                                        "param": {"type": ["string", "null"]}})}),
    "Consumer": _object({"id": INTEGER, "name": STRING, "key": STRING, "enabled": BOOLEAN,
                         "default_report_mode": {"type": "string", "enum": list(REPORT_MODES)}, "created_at": MOMENT,
                         "secret": {"type": "string", "description": "only when the consumer is created"}},
                        required=["id", "name", "key", "enabled", "default_report_mode", "created_at"]),
    "ExamVersion": _object({"number": INTEGER, "scorm_version": STRING, "launch_path": STRING, "notes": STRING,
                            "uploaded_by": STRING, "created_at": MOMENT}),
    "Exam": _object({"id": INTEGER, "slug": STRING, "title": STRING, "consumer_id": OPTIONAL_INTEGER,
                     "created_at": MOMENT,
                     "versions": {"type": "array", "items": {"$ref": "#/components/schemas/ExamVersion"}}}),
    "Resource": _object({"id": INTEGER, "consumer_id": INTEGER, "context_id": STRING, "resource_link_id": STRING,
                         "title": STRING, "exam_id": OPTIONAL_INTEGER, "exam_version": OPTIONAL_INTEGER,
                         "report_mode": STRING, "grading_method": STRING, "available_from": OPTIONAL_MOMENT,
                         "available_until": OPTIONAL_MOMENT, "max_attempts": INTEGER,
                         "time_limit_minutes": INTEGER, "allow_student_review": BOOLEAN, "created_at": MOMENT}),
    "Report": _object({"id": INTEGER, "resource_id": INTEGER, "kind": {"type": "string", "enum": list(REPORT_KINDS)},
                       "state": {"type": "string", "description": "queued, running, ready or failed"},
                       "progress": INTEGER, "error": {"type": ["string", "null"]}, "created_at": MOMENT,
                       "finished_at": OPTIONAL_MOMENT,
                       "download_url": {"type": "string", "description": "only when the report is ready"}},
                      required=["id", "resource_id", "kind", "state", "progress", "error", "created_at",
                                "finished_at"]),
}
