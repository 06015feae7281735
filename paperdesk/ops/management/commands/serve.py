"""`paperdesk serve`: the web server (gunicorn) and two job workers (db_worker), supervised
child processes stopped together on Ctrl-C or SIGTERM.

The PDF checks have a worker of their own, at a lower CPU priority: in the deadline hour
uploads arrive faster than one small machine checks them, and neither may starve the other.
Pages and upload acknowledgements keep the CPU they need (the checker takes what is left);
e-mails, assignment runs and releases never wait behind a queue of checks."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from paperdesk.ops.proxy import parse_trusted_proxies
from paperdesk.venues.management.errors import CleanFailures, CommandFailed

POLL_SECONDS = 0.3
READY_TIMEOUT = 30.0
STOP_GRACE = 20  # seconds gunicorn gives running requests on shutdown
CHECKER_NICENESS = 10  # the checker gets the CPU the web server leaves


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM if `serve` itself is killed, so nothing is orphaned."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def probe_host(host: str) -> str:
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise CommandFailed(f"Cannot listen on {host}:{port}: {error.strerror}.") from None
    return True


def accepting(host: str, port: int) -> bool:
    try:
        with socket.create_connection((probe_host(host), port), timeout=0.5):
            return True
    except OSError:
        return False


class Child:
    """One supervised process."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], *, niceness: int = 0):
        self.name, self.argv, self.env, self.niceness = name, argv, env, niceness
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.restarts = 0
        self.restart_at: float | None = None  # when a child that exited is started again

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.argv,
            env=self.env,
            process_group=0,  # Ctrl-C reaches `serve` only; it stops the children in order
            preexec_fn=self._in_child if sys.platform.startswith("linux") or self.niceness else None,
        )
        self.started_at = time.monotonic()

    def _in_child(self) -> None:  # pragma: no cover - runs in the child before exec
        if sys.platform.startswith("linux"):
            _die_with_parent()
        if self.niceness:
            os.nice(self.niceness)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()

    def signal(self, signum: int) -> None:
        if self.process is not None and self.process.poll() is None:
            try:
                self.process.send_signal(signum)
            except ProcessLookupError:
                pass

    def wait(self, deadline: float) -> bool:
        if self.process is None:
            return True
        try:
            self.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            return True
        except subprocess.TimeoutExpired:
            return False


class Command(CleanFailures, BaseCommand):
    help = "Serve Paperdesk with gunicorn and run the background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (default: 2)")
        parser.add_argument("--threads", type=int, default=3, help="threads per worker process (default: 3)")
        parser.add_argument("--timeout", type=int, default=120, help="seconds before a stuck worker is restarted (default: 120)")
        parser.add_argument("--no-worker", action="store_true", help="do not start the job workers")
        parser.add_argument("--no-collectstatic", action="store_true",
                            help="never collect static files here, even when they were not collected at install (`paperdesk collectstatic`)")

    def handle(self, *args, host: str, port: int, workers: int, threads: int, timeout: int,
               no_worker: bool, no_collectstatic: bool, **options):
        if not 0 < port < 65536:
            raise CommandFailed(f"--port {port} is not a TCP port.")
        if not port_free(host, port):
            raise CommandFailed(
                f"Port {port} on {host} is already in use (another Paperdesk?). Stop it, or choose another port: "
                f"paperdesk serve --port {port + 1}  (make run PORT={port + 1})."
            )
        self.prepare(collect=not no_collectstatic)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env.setdefault("DJANGO_SETTINGS_MODULE", os.environ.get("DJANGO_SETTINGS_MODULE", "paperdesk.settings"))
        env["PROMETHEUS_MULTIPROC_DIR"] = self.metrics_dir(env)
        web = Child("web server", self.gunicorn_argv(host, port, workers, threads, timeout), env)
        job_workers = [] if no_worker else self.worker_children(env)

        self.stop_signal: int | None = None
        previous = {s: signal.signal(s, self.on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            web.start()
            for worker in job_workers:
                worker.start()
                self.say(f"{worker.name.capitalize()} started (pid {worker.pid}).")
            code = self.supervise(web, job_workers, host, port)
        finally:
            self.stop([web, *job_workers])
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if code:
            raise CommandFailed("The web server stopped unexpectedly; see its messages above.", returncode=code)
        self.say("Stopped.")

    # --- before starting --------------------------------------------------------------------

    def prepare(self, *, collect: bool) -> None:
        from django.db.migrations.executor import MigrationExecutor

        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except Exception as error:
            raise CommandFailed(f"Cannot read the database: {error}") from None
        if pending:
            self.stderr.write(f"Warning: {len(pending)} database migration(s) are not applied; pages will fail until you run `paperdesk migrate`.")
        if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache") and not pending:
            call_command("createcachetable", verbosity=0)
        if collect and not self.static_collected():
            # Static files are collected and compressed once, at install (`make setup`,
            # the image build); only a first start without that step collects them here.
            self.say("Static files were not collected at install; collecting them once (paperdesk collectstatic).")
            call_command("collectstatic", interactive=False, verbosity=0)
        connection.close()  # the children open their own

    def static_collected(self) -> bool:
        from django.contrib.staticfiles.storage import staticfiles_storage

        manifest = getattr(staticfiles_storage, "manifest_name", None)
        if manifest is None:  # not a manifest storage (DEBUG): served from the source folders
            return True
        return staticfiles_storage.exists(manifest)

    def metrics_dir(self, env: dict[str, str]) -> str:
        """The directory where the web and worker processes keep their Prometheus counters
        (prometheus_client's multiprocess mode), emptied at each start."""
        import shutil
        from pathlib import Path

        path = Path(env.get("PROMETHEUS_MULTIPROC_DIR") or Path(settings.VAR_DIR) / "metrics")
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True, exist_ok=True)
        return str(path)

    def gunicorn_argv(self, host: str, port: int, workers: int, threads: int, timeout: int) -> list[str]:
        argv = [
            sys.executable, "-m", "gunicorn", "paperdesk.wsgi:application",
            "--bind", f"{url_host(host)}:{port}",
            "--workers", str(max(1, workers)),
            "--threads", str(max(1, threads)),
            "--worker-class", "gthread",
            "--timeout", str(timeout),
            "--graceful-timeout", str(STOP_GRACE),
            "--keep-alive", "5",
            "--max-requests", "2000",
            "--max-requests-jitter", "200",
            # The access log is Django's (paperdesk.access): the client's address behind a
            # proxy, the request id, the time and the level, as every other line.
            "--error-logfile", "-",
            # Peers that may set X-Forwarded-Proto (HTTPS) and friends: the trusted proxies.
            "--forwarded-allow-ips", parse_trusted_proxies(getattr(settings, "PAPERDESK_TRUSTED_PROXIES", "")).gunicorn_allow_ips(),
            "--no-control-socket",  # one per user by default: two instances would collide
        ]
        if os.path.isdir("/dev/shm"):
            argv += ["--worker-tmp-dir", "/dev/shm"]
        return argv

    def worker_children(self, env: dict[str, str]) -> list[Child]:
        from django_tasks_db.backend import DatabaseBackend
        from django_tasks_db.compat import task_backends

        backend = task_backends["default"]
        if not isinstance(backend, DatabaseBackend):
            self.say(f"Background jobs run in the request ({type(backend).__name__}); no worker started.")
            return []
        from paperdesk.jobs import CHECKS_QUEUE

        argv = [sys.executable, "-m", "paperdesk.cli", "db_worker", "--interval", "1", "--no-reload"]
        return [
            Child("background worker", [*argv, "--queue-name", "default"], env),
            Child("checker", [*argv, "--queue-name", CHECKS_QUEUE, "--interval", "0.5"], env, niceness=CHECKER_NICENESS),
        ]

    # --- running ----------------------------------------------------------------------------

    def on_signal(self, signum, frame) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum

    def say(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def supervise(self, web: Child, job_workers: list[Child], host: str, port: int) -> int:
        announced = False
        started = time.monotonic()
        while self.stop_signal is None:
            code = web.exited()
            if code is not None:
                self.stderr.write(f"The web server exited with status {code}.")
                return code or 1
            if not announced:
                if accepting(host, port):
                    announced = True
                    self.announce(host, port)
                elif time.monotonic() - started > READY_TIMEOUT:
                    self.stderr.write(f"The web server does not answer on port {port} after {READY_TIMEOUT:.0f} s; still waiting.")
                    started = time.monotonic()
            for worker in job_workers:
                self.watch_worker(worker)
            time.sleep(POLL_SECONDS)
        self.say(f"\nStopping ({signal.Signals(self.stop_signal).name})...")
        return 0

    def watch_worker(self, worker: Child) -> None:
        now = time.monotonic()
        if worker.restart_at is not None:
            if now >= worker.restart_at:
                worker.restart_at = None
                worker.start()
                self.say(f"{worker.name.capitalize()} restarted (pid {worker.pid}).")
            return
        code = worker.exited()
        if code is None:
            return
        if now - worker.started_at > 60:
            worker.restarts = 0  # it ran a good while: this is not a crash loop
        delay = min(30, 2 ** worker.restarts)
        worker.restarts += 1
        self.stderr.write(f"The {worker.name} exited with status {code}; restarting it in {delay} s.")
        worker.restart_at = now + delay

    def announce(self, host: str, port: int) -> None:
        base = f"http://{url_host(host)}:{port}"
        self.say(self.style.SUCCESS(f"Paperdesk is serving {base}/"))
        if getattr(settings, "DEFAULT_VENUE", ""):
            self.say(f"  call for papers: {base}/v/{settings.DEFAULT_VENUE}/")
        if host in ("0.0.0.0", "::"):
            self.say("  Listening on every interface: set PAPERDESK_ALLOWED_HOSTS (and PAPERDESK_SITE_URL) to the name people use.")
        if settings.SITE_URL.rstrip("/") != base and host not in ("0.0.0.0", "::"):
            self.say(f"  Links in e-mails use PAPERDESK_SITE_URL={settings.SITE_URL}")
        self.say("  Press Ctrl-C to stop.")

    def stop(self, children: list[Child]) -> None:
        for child in children:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE + 5
        for child in children:
            if not child.wait(deadline):
                self.stderr.write(f"The {child.name} did not stop in time; killing it.")
                child.signal(signal.SIGKILL)
                child.wait(time.monotonic() + 5)
