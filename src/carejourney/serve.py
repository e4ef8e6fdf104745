"""`carejourney serve`: the app behind gunicorn, static files by whitenoise."""

from __future__ import annotations

import sys


def serve(host: str, port: int, workers: int) -> int:
    from django.core.management import call_command
    from gunicorn.app.base import BaseApplication

    from carejourney.wsgi import application

    call_command("collectstatic", interactive=False, verbosity=0)

    class App(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")
            # Paths only: query strings may carry search terms about patients.
            self.cfg.set("access_log_format", '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss')

        def load(self):
            return application

    print(f"carejourney: serving on http://{host}:{port}/ (Ctrl-C stops)", file=sys.stderr, flush=True)
    App().run()
    return 0
