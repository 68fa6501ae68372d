"""The Celery application. Tasks live in each app's ``tasks.py``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmr.settings")

app = Celery("cmr")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()



@app.on_after_configure.connect
def _close_db_after_each_task(sender, **kwargs):
    # Tasks are coarse (a file, a chunk of persons): a fresh connection per task costs little and
    # never leaves a thread holding a connection open (test databases must be droppable).
    from celery.signals import task_postrun

    def close(task=None, **_):
        # An inline (eager) task runs inside its caller's transaction: leave that connection alone.
        if task is not None and getattr(task.request, "is_eager", False):
            return
        from django.db import connections

        connections.close_all()

    task_postrun.connect(close, weak=False)
