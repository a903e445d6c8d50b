"""Exams and their versions: upload a package, attach it to a resource, replace it, unpack it to serve."""
import logging
import re
from pathlib import Path

from flask import current_app
from sqlalchemy import func

from ..errors import UserFacingError
from ..extensions import db
from ..models import Attempt, Exam, ExamVersion, Resource
from ..scorm.errors import PackageError
from ..scorm.package import inspect_package, unpack_package
from . import deep_linking, storage

log = logging.getLogger(__name__)


def upload(data: bytes, *, title: str = "", slug: str | None = None, exam: Exam | None = None,
           uploaded_by: str = "", consumer_id: int | None = None) -> ExamVersion:
    """Check a package and store it as a new version of `exam` (or of a new exam); nothing is stored on refusal."""
    package = _inspect(data)
    if exam is None:
        exam = _new_exam(title or package.manifest.title, slug, consumer_id)
    version = ExamVersion(
        exam=exam, number=len(exam.versions) + 1, package=storage.store_bytes(data),
        scorm_version=package.manifest.scorm_version, launch_path=_launch_url(package.manifest),
        notes="\n".join(package.manifest.notes), uploaded_by=uploaded_by,
    )
    db.session.add(version)
    db.session.commit()
    log.info("exam %s (%s): version %s uploaded by %s, package %s", exam.id, exam.slug, version.number,
             uploaded_by or "CLI", version.package.sha256[:12])
    return version


def attach(resource: Resource, exam: Exam) -> None:
    """Make `resource` run the exam's latest version from now on."""
    replace_version(resource, exam.latest_version)


def attach_from_catalogue(resource: Resource, exam_id: int | None, by: str) -> Exam:
    """Run an exam already uploaded (one of the resource's consumer's catalogue) on the resource."""
    exam = deep_linking.pick(resource.consumer_id, exam_id)
    attach(resource, exam)
    log.info("resource %s: exam %s attached from the catalogue by %s", resource.id, exam.id, by)
    return exam


def replace_version(resource: Resource, version: ExamVersion, *, move_unfinished: bool = False) -> int:
    """New attempts use `version`; with move_unfinished, open attempts move to it too. Returns how many moved.

    Finished attempts keep their version, so they can still be reviewed as they were sat.
    """
    resource.exam = version.exam
    resource.exam_version = version
    moved = 0
    if move_unfinished:
        moved = Attempt.query.filter(
            Attempt.resource_id == resource.id, Attempt.status == "open",
            Attempt.exam_version_id != version.id,
        ).update({Attempt.exam_version_id: version.id}, synchronize_session=False)
    db.session.commit()
    log.info("resource %s runs exam version %s; %s open attempts moved to it", resource.id, version.id, moved)
    return moved


def find_by_slug(slug: str) -> Exam | None:
    return Exam.query.filter_by(slug=slug).one_or_none()


def unpacked_folder(version: ExamVersion) -> Path:
    """The version's files on local disk, unpacked on first use into this process's cache."""
    config = current_app.config
    dest = Path(config["PACKAGE_CACHE_DIR"]) / version.package.sha256
    if dest.is_dir():
        return dest
    log.info("unpacking package %s for exam version %s", version.package.sha256[:12], version.id)
    return unpack_package(storage.read_bytes(version.package), dest,
                          max_unpacked_bytes=config["PACKAGE_MAX_UNPACKED_BYTES"],
                          max_files=config["PACKAGE_MAX_FILES"])


def _inspect(data):
    config = current_app.config
    try:
        return inspect_package(data or b"", max_unpacked_bytes=config["PACKAGE_MAX_UNPACKED_BYTES"],
                               max_files=config["PACKAGE_MAX_FILES"])
    except PackageError as error:
        raise UserFacingError(error.message, 422, "invalid_package", "package") from None


def _launch_url(manifest):
    return f"{manifest.launch_path}?{manifest.launch_parameters}" if manifest.launch_parameters else manifest.launch_path


def _new_exam(title, slug, consumer_id):
    title = (title or "").strip()
    if not title:
        raise UserFacingError("An exam needs a title.", 422, "invalid_parameter", "title")
    if slug:
        slug = slug.strip()
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,119}", slug):
            raise UserFacingError("A slug is lower-case letters, digits and hyphens.", 422, "invalid_parameter", "slug")
        if find_by_slug(slug):
            raise UserFacingError(f"The slug {slug!r} is already taken.", 422, "invalid_parameter", "slug")
    exam = Exam(title=title[:300], slug=slug or _free_slug(title), consumer_id=consumer_id)
    db.session.add(exam)
    return exam


def _free_slug(title):
    base = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:100] or "exam"
    slug, n = base, 1
    while find_by_slug(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


def upload_for_resource(resource: Resource, data: bytes, *, title: str, by: str, move_unfinished: bool = False,
                        may_change_shared: bool = False) -> ExamVersion:
    """A new version of the resource's exam, run by the resource from now on.

    When the exam is shared (site-wide, another consumer's, or run by another resource) and the uploader
    may not change it for everyone, the resource gets a new exam of its own instead: one institution's
    instructor never changes what another's students sit.
    """
    exam = resource.exam
    if exam is not None and not may_change_shared and is_shared(exam, resource):
        log.info("resource %s: exam %s is shared, so %s's upload makes a copy for this resource",
                 resource.id, exam.id, by)
        title, exam = title or exam.title, None
    version = upload(data, title=title, exam=exam, uploaded_by=by, consumer_id=resource.consumer_id)
    replace_version(resource, version, move_unfinished=move_unfinished)
    return version


def is_shared(exam: Exam, resource: Resource) -> bool:
    """True when changing `exam` would change what someone other than `resource` runs."""
    if exam.consumer_id != resource.consumer_id:
        return True
    return Resource.query.filter(Resource.exam_id == exam.id, Resource.id != resource.id).count() > 0


def attempt_counts(resource: Resource) -> dict:
    """{exam version id: {"open": n, "finished": n}} for the resource's attempts that are not deleted."""
    counts = {}
    rows = (db.session.query(Attempt.exam_version_id, Attempt.status, func.count())
            .filter(Attempt.resource_id == resource.id, Attempt.deleted_at.is_(None))
            .group_by(Attempt.exam_version_id, Attempt.status))
    for version_id, status, count in rows:
        counts.setdefault(version_id, {"open": 0, "finished": 0})[status] = count
    return counts
