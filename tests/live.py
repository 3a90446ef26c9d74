"""A real Felt server in its own process, for socket and browser tests.

Each server gets a fresh database copied from one migrated template (a SQLite file, or a
PostgreSQL database when FELT_DATABASE_URL is set), binds 127.0.0.1 only, and is stopped by
its own PID. With FELT_REDIS_URL set it uses Redis as its channel layer, like production.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
import uuid
from pathlib import Path

import dj_database_url

FELT = [sys.executable, "-m", "felt.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Database:
    """Where a live server keeps its data, made from a migrated template."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.postgres = os.environ.get("FELT_DATABASE_URL")
        self.created: list[str] = []

    def _admin(self):
        import psycopg

        params = dj_database_url.parse(self.postgres)
        return psycopg.connect(
            host=params["HOST"] or "127.0.0.1",
            port=params["PORT"] or 5432,
            user=params["USER"] or None,
            password=params["PASSWORD"] or None,
            dbname=params["NAME"],
            autocommit=True,
        )

    def url_for(self, name: str) -> str:
        if self.postgres:
            base = self.postgres.rsplit("/", 1)[0]
            return f"{base}/{name}"
        return f"sqlite:///{self.workdir / (name + '.sqlite3')}"

    def make_template(self, env: dict) -> None:
        self.template = f"felt_live_template_{os.getpid()}"
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.template}"')
                conn.execute(f'CREATE DATABASE "{self.template}"')
            self.created.append(self.template)
        run_felt(
            ["migrate", "--no-input", "-v", "0"],
            env | {"FELT_DATABASE_URL": self.url_for(self.template)},
        )

    def fresh(self) -> str:
        name = f"felt_live_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        if self.postgres:
            with self._admin() as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            self.created.append(name)
        else:
            shutil.copy(self.workdir / f"{self.template}.sqlite3", self.workdir / f"{name}.sqlite3")
        return self.url_for(name)

    def drop_all(self) -> None:
        if not self.postgres:
            return
        with self._admin() as conn:
            for name in reversed(self.created):
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def base_env(workdir: Path) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DJANGO_") and key != "FELT_DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "felt.settings",
            "FELT_DEBUG": "1",
            "FELT_SECRET_KEY": "felt-live-tests-only",
            "FELT_DATA_DIR": str(workdir),
            "FELT_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "FELT_LOG_LEVEL": "INFO",
        }
    )
    return env


def run_felt(args: list[str], env: dict, timeout: float = 120) -> str:
    result = subprocess.run(
        FELT + args, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"felt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


class LiveFelt:
    def __init__(self, database: Database, workdir: Path, *, minute_seconds: float = 60.0):
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = base_env(workdir) | {
            "FELT_DATABASE_URL": database.fresh(),
            "FELT_ROOM_MINUTE_SECONDS": str(minute_seconds),
            "FELT_BASE_URL": self.url,
        }
        self.log_path = workdir / f"server-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            FELT + ["serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Felt stopped at start:\n{self.log_path.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Felt did not answer within 30 seconds.")

    def stop(self) -> None:
        if self.process is None:
            return
        # Stopped by its own PID, never by name.
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def shell(self, code: str) -> dict:
        """Run Python inside Felt's Django (a separate process) and return the JSON it prints."""
        out = run_felt(["shell", "-c", textwrap.dedent(code)], self.env)
        return json.loads(out.strip().splitlines()[-1])

    def make_partners(self, *names: str, password: str = "listening-gently-42") -> dict:
        """Members with an active partnership between the first two, each with a logged-in
        session cookie. Returns {name: {"id", "email", "cookie", "password"}, "partnership": pk}."""
        code = f"""
            import json
            from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
            from django.contrib.sessions.backends.db import SessionStore
            from django.utils import timezone
            from felt.accounts.models import Member
            from felt.partnerships.models import Partnership
            out = {{}}
            members = []
            for name in {list(names)!r}:
                m = Member.objects.create_user(
                    email=name.lower() + "@example.org", password={password!r},
                    display_name=name, email_verified_at=timezone.now())
                s = SessionStore()
                s[SESSION_KEY] = str(m.pk)
                s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
                s[HASH_SESSION_KEY] = m.get_session_auth_hash()
                s.create()
                out[name] = {{"id": m.pk, "email": m.email, "cookie": s.session_key,
                             "password": {password!r}}}
                members.append(m)
            p = Partnership.objects.create(member_a=members[0], member_b=members[1])
            out["partnership"] = p.pk
            print(json.dumps(out))
        """
        return self.shell(code)

    def start_session(self, partnership: int, member_id: int) -> int:
        code = f"""
            import json
            from felt.accounts.models import Member
            from felt.partnerships.models import Partnership
            from felt.room.services import start_session
            s = start_session(partnership=Partnership.objects.get(pk={partnership}),
                              member=Member.objects.get(pk={member_id}))
            print(json.dumps({{"session": s.pk}}))
        """
        return self.shell(code)["session"]
