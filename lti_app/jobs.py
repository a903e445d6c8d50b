"""The RQ queue handle. With no REDIS_URL, jobs run inline over fakeredis (laptop mode), and a delayed
job runs on a timer thread of the process that asked for it; the tests keep jobs queued there and run
them with a worker."""
import threading
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from redis import Redis
from rq import Queue, Retry

QUEUE_NAME = "examgate"


@dataclass
class _Connection:
    redis: Redis
    queue: Queue


class JobQueue:
    """Per-app Redis connection and RQ queue, reached through the current app."""

    def init_app(self, app):
        url = app.config.get("REDIS_URL")
        if url:
            redis = Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5)
            queue = Queue(QUEUE_NAME, connection=redis)
        else:
            import fakeredis

            redis = fakeredis.FakeRedis()
            queue = Queue(QUEUE_NAME, connection=redis, is_async=not app.config.get("JOBS_INLINE", True))
        app.extensions["examgate_jobs"] = _Connection(redis, queue)

    @property
    def redis(self) -> Redis:
        return current_app.extensions["examgate_jobs"].redis

    @property
    def queue(self) -> Queue:
        return current_app.extensions["examgate_jobs"].queue

    def enqueue(self, func_path, *args, retry_intervals=None, job_id=None, **options):
        """Enqueue a job by dotted name; jobs take row ids, never objects."""
        return self.queue.enqueue(func_path, *args, job_id=job_id, **_retry(retry_intervals, options))

    def enqueue_in(self, seconds, func_path, *args, retry_intervals=None, **options):
        """Run a job once `seconds` have passed (needs a worker started --with-scheduler).

        RQ keeps a scheduled time to the whole second, rounded down: the job may run up to a second
        early, and must check that its time has come (outcome delivery schedules itself again)."""
        if not self.queue.is_async:
            # Laptop mode has no scheduler: this process runs the job when its time comes.
            timer = threading.Timer(seconds, self._run_inline, (current_app._get_current_object(), func_path, args))
            timer.daemon = True
            timer.start()
            return timer
        return self.queue.enqueue_in(timedelta(seconds=seconds), func_path, *args, **_retry(retry_intervals, options))

    def _run_inline(self, app, func_path, args):
        with app.app_context():
            self.queue.enqueue(func_path, *args)


def _retry(intervals, options):
    if intervals:
        options["retry"] = Retry(max=len(intervals), interval=[int(i) for i in intervals])
    return options
