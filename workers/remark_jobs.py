"""Re-marking jobs: thin entry points; the work is in lti_app.services.remarking."""
from lti_app.services import remarking


def remark_resource(remark_job_id):
    remarking.run_remark_job(remark_job_id)


def remark_resource_failed(job, connection, exc_type, exc_value, traceback):
    if not job.retries_left:
        remarking.remark_job_failed(job.args[0], str(exc_value) or exc_type.__name__)
