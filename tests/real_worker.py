"""Real RQ worker processes (and RQ's cron process) on a real Redis, for the soak test and the bench."""
import os
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RQ = str(Path(sys.executable).parent / "rq")


@contextmanager
def real_workers(database_url, redis_url, log_dir, count=1, cron=False, **settings):
    """Start `count` production workers (and `rq cron workers.cron`), stop them on exit.

    `settings` become environment variables, e.g. OUTCOME_RETRY_INTERVALS="0.5,1"."""
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "LOG_LEVEL": "WARNING",
           "PYTHONPATH": str(ROOT), **{name: str(value) for name, value in settings.items()}}
    commands = [[RQ, "worker", "--with-scheduler", "--worker-class", "workers.worker.ExamgateWorker",
                 "--url", redis_url, "--logging_level", "WARNING", "examgate"] for _ in range(count)]
    if cron:
        commands.append([RQ, "cron", "--url", redis_url, "--logging-level", "WARNING", "workers.cron"])
    processes = []
    try:
        for number, command in enumerate(commands):
            log = open(Path(log_dir) / f"process-{number}.log", "w")
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        yield processes
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
