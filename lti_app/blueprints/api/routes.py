"""Admin API operations: consumers, exams, resources and their reports, scoped to what the key's administrator sees."""
from flask import jsonify, url_for

from ...errors import UserFacingError
from ...models import Consumer, Exam, Report, Resource
from ...models.courses import GRADING_METHODS, REPORT_MODES
from ...models.reports import REPORT_KINDS
from ...services import api_keys, consumers, exams, reports, resources
from ..downloads import report_download
from . import bp, shapes, spec
from .params import Param
from .spec import Operations, list_of, ref

api = Operations(bp)

SETTINGS = (
    Param("report_mode", "choice", choices=REPORT_MODES, description="When scores go to the LMS."),
    Param("grading_method", "choice", choices=GRADING_METHODS, description="Which attempt counts."),
    Param("available_from", "datetime", description="Opens at (ISO 8601 with a time zone); empty: always open."),
    Param("available_until", "datetime", description="Closes at; empty: never closes."),
    Param("max_attempts", "integer", description="0: unlimited."),
    Param("time_limit_minutes", "integer", description="0: no time limit."),
    Param("allow_student_review", "boolean", description="Students may review finished attempts."),
)


@api.unsigned("/openapi.json", "This OpenAPI document")
def openapi():
    return jsonify(api.document(url_for("api.openapi", _external=True).rsplit("/", 1)[0]))


@api.operation("GET", "/consumers", "List consumers", response=list_of("Consumer", "consumers"))
def list_consumers(key, values):
    rows = api_keys.visible_consumers(key).order_by(Consumer.id).all()
    return {"consumers": [shapes.consumer(row) for row in rows]}


@api.operation("POST", "/consumers", "Create a consumer", status=201, response=ref("Consumer"), params=(
        Param("name", required=True, max_length=200, description="The LMS's name, as people know it."),
        Param("key", max_length=100, description="The LTI 1.1 consumer key; generated when absent."),
        Param("secret", max_length=200, description="The LTI 1.1 shared secret; generated when absent."),
        Param("default_report_mode", "choice", choices=REPORT_MODES,
              description="When new resources send scores to the LMS; absent: on_completion.")))
def create_consumer(key, values):
    consumer = consumers.create_consumer(values["name"], values.get("key"), values.get("secret"), admin=key.admin,
                                         default_report_mode=values.get("default_report_mode"))
    return shapes.consumer(consumer, secret=True)


@api.operation("GET", "/consumers/{consumer_id}", "Show a consumer", response=ref("Consumer"))
def show_consumer(key, values, consumer_id):
    return shapes.consumer(_consumer(key, consumer_id))


@api.operation("POST", "/consumers/{consumer_id}/default-report-mode", "Set when new resources send scores",
               response=ref("Consumer"), params=(
        Param("default_report_mode", "choice", required=True, choices=REPORT_MODES,
              description="immediately (partial scores mid-exam too), on_completion, on_close or manually; "
                          "resources that exist keep theirs."),))
def set_default_report_mode(key, values, consumer_id):
    return shapes.consumer(consumers.set_default_report_mode(_consumer(key, consumer_id),
                                                             values["default_report_mode"]))


@api.operation("POST", "/consumers/{consumer_id}/disable", "Disable a consumer", response=ref("Consumer"))
def disable_consumer(key, values, consumer_id):
    return shapes.consumer(consumers.disable_consumer(_consumer(key, consumer_id)))


@api.operation("GET", "/exams", "List exams", response=list_of("Exam", "exams"))
def list_exams(key, values):
    return {"exams": [shapes.exam(row) for row in api_keys.visible_exams(key).order_by(Exam.id)]}


@api.operation("POST", "/exams", "Upload an exam", status=201, response=ref("Exam"), upload=True, params=(
        Param("file_sha256", required=True, max_length=64, description="Hex SHA-256 of the package file."),
        Param("title", max_length=300, description="Defaults to the package's title."),
        Param("slug", max_length=120, description="For custom_exam=<slug>; made from the title when absent."),
        Param("consumer_id", "integer", maximum=spec.MAX_ID,
              description="Only this consumer may use the exam; absent: every consumer (superusers' keys only).")))
def upload_exam(key, values):
    consumer_id = values.get("consumer_id")
    if consumer_id is not None:
        _consumer(key, consumer_id, status=422)
    elif not key.admin.is_superuser:
        raise UserFacingError("Give the consumer_id the exam is for: only a superuser's key makes site-wide exams.",
                              422, "missing_parameter", "consumer_id")
    version = exams.upload(values["package"], title=values.get("title", ""), slug=values.get("slug"),
                           consumer_id=consumer_id, uploaded_by=f"API key {key.key_id}")
    return shapes.exam(version.exam)


@api.operation("GET", "/exams/{exam_id}", "Show an exam and its versions", response=ref("Exam"))
def show_exam(key, values, exam_id):
    return shapes.exam(_exam(key, exam_id))


@api.operation("GET", "/resources", "List resources", response=list_of("Resource", "resources"), params=(
        Param("consumer_id", "integer", maximum=spec.MAX_ID, description="Only this consumer's resources."),))
def list_resources(key, values):
    query = api_keys.visible_resources(key)
    if "consumer_id" in values:
        query = query.filter_by(consumer_id=values["consumer_id"])
    return {"resources": [shapes.resource(row) for row in query.order_by(Resource.id)]}


@api.operation("POST", "/resources", "Create a resource", status=201, response=ref("Resource"), params=(
        Param("consumer_id", "integer", required=True, maximum=spec.MAX_ID, description="The LMS it lives in."),
        Param("context_id", required=True, description="The LMS's context_id (course)."),
        Param("resource_link_id", required=True, description="The LMS's resource_link_id."),
        Param("exam_id", "integer", required=True, maximum=spec.MAX_ID, description="The exam it runs."),
        Param("title", max_length=500, description="Shown until the first launch sends the LMS's title."),
        *SETTINGS))
def create_resource(key, values):
    consumer = _consumer(key, values.pop("consumer_id"), param="consumer_id", status=422)
    exam = _exam(key, values.pop("exam_id"), "exam_id", status=422)
    resource = resources.create_resource(consumer, values.pop("context_id"), values.pop("resource_link_id"),
                                         exam, values.pop("title", ""), **values)
    return shapes.resource(resource)


@api.operation("GET", "/resources/{resource_id}", "Show a resource", response=ref("Resource"))
def show_resource(key, values, resource_id):
    return shapes.resource(_resource(key, resource_id))


@api.operation("PATCH", "/resources/{resource_id}", "Update a resource's settings", response=ref("Resource"),
               params=SETTINGS)
def update_resource(key, values, resource_id):
    return shapes.resource(resources.update_settings(_resource(key, resource_id), **values))


@api.operation("GET", "/resources/{resource_id}/reports", "List a resource's reports of the last 30 days",
               response=list_of("Report", "reports"))
def list_reports(key, values, resource_id):
    return {"reports": [_report_json(row) for row in reports.recent_reports(_resource(key, resource_id).id)]}


@api.operation("POST", "/resources/{resource_id}/reports", "Request a report: built in the background",
               status=202, response=ref("Report"), params=(
        Param("kind", "choice", required=True, choices=REPORT_KINDS,
              description="; ".join(f"{kind}: {label}" for kind, label in reports.KIND_LABELS.items())),))
def request_report(key, values, resource_id):
    report = reports.request_report(_resource(key, resource_id), values["kind"], f"API key {key.key_id}")
    return _report_json(report)


@api.operation("GET", "/reports/{report_id}", "Show a report: poll it until it is ready or failed",
               response=ref("Report"))
def show_report(key, values, report_id):
    return _report_json(_report(key, report_id))


@api.operation("GET", "/reports/{report_id}/download", "Download a ready report (409 until it is ready)",
               files=(reports.CSV, reports.JSON_LINES))
def download_report(key, values, report_id):
    return report_download(_report(key, report_id))


def _report_json(report):
    ready = report.state == "ready"
    return shapes.report(report, url_for("api.download_report", report_id=report.id, _external=True) if ready
                         else None)


def _consumer(key, consumer_id, param="consumer_id", status=404):
    return _visible(api_keys.visible_consumers(key), Consumer, consumer_id, param, status)


def _exam(key, exam_id, param="exam_id", status=404):
    return _visible(api_keys.visible_exams(key), Exam, exam_id, param, status)


def _resource(key, resource_id):
    return _visible(api_keys.visible_resources(key), Resource, resource_id, "resource_id", 404)


def _report(key, report_id):
    return _visible(api_keys.visible_reports(key), Report, report_id, "report_id", 404)


def _visible(query, model, row_id, param, status):
    """The row the key may see; otherwise it does not exist, as far as the key can tell."""
    row = query.filter(model.id == row_id).one_or_none()
    if row is None:
        code = "not_found" if status == 404 else "invalid_parameter"
        raise UserFacingError(f"There is no {model.__name__.lower()} {row_id}.", status, code, param)
    return row
