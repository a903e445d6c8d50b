"""The RQ worker: graceful SIGTERM on a PaaS, one app per worker process, an app context per job."""
from rq.worker import HerokuWorker

from lti_app import create_app
from lti_app.extensions import db


class ExamgateWorker(HerokuWorker):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = create_app()

    def perform_job(self, job, queue, *args, **kwargs):  # rq 3 adds an `execution` argument
        with self.app.app_context():
            # The work horse is a fresh fork: it must not reuse the parent's database connections.
            db.engine.dispose(close=False)
            try:
                return super().perform_job(job, queue, *args, **kwargs)
            finally:
                db.session.remove()
