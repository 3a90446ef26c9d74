"""`felt worker` for real: separate processes against one database (SQLite, or PostgreSQL when
FELT_DATABASE_URL is set, as in CI), each email counted in the files the processes wrote.
"""

from __future__ import annotations

import email
import json
import os
import subprocess
import textwrap
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from tests.live import FELT, Database, base_env, run_felt


class WorkerWorld:
    """A migrated database of its own and the environment to run `felt` against it."""

    def __init__(self, workdir: Path):
        self.database = Database(workdir)
        self.name = f"felt_workers_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        self.url = self.database.url_for(self.name)
        self.env = base_env(workdir) | {
            "FELT_DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "felt.schedule.tests.worker_settings",
        }

    def create(self) -> None:
        if self.database.postgres:
            with self.database._admin() as admin:
                admin.execute(f'CREATE DATABASE "{self.name}"')
        run_felt(["migrate", "--no-input", "-v", "0"], self.env)

    def drop(self) -> None:
        if self.database.postgres:
            with self.database._admin() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def shell(self, code: str) -> str:
        return run_felt(["shell", "-c", textwrap.dedent(code)], self.env).strip()

    def worker(self, mailbox: Path, **extra) -> subprocess.Popen:
        return subprocess.Popen(
            FELT + ["worker", "--once"],
            env=self.env | {"FELT_TEST_MAILBOX": str(mailbox)} | extra,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    made = WorkerWorld(tmp_path_factory.mktemp("workers"))
    made.create()
    yield made
    made.drop()


def pairs_with_sessions_soon(world: WorkerWorld, prefix: str, pairs: int, lapsed: int) -> None:
    """`pairs` partnerships whose weekly session begins in half an hour (each partner due a
    reminder an hour ahead), and `lapsed` whose partners have not met for five weeks."""
    world.shell(
        f"""
        from datetime import timedelta
        from django.utils import timezone
        from felt.accounts.models import Member
        from felt.partnerships.models import Partnership
        from felt.schedule import services
        from felt.schedule.models import Rhythm, Schedule

        now = timezone.now()
        soon = (now + timedelta(minutes=30)).replace(second=0, microsecond=0)
        def member(name):
            # No password: these members never log in, and hashing one takes a while.
            return Member.objects.create_user(
                email=f"{prefix}-{{name}}@example.org", password=None,
                display_name=name, email_verified_at=now)
        for i in range({pairs}):
            a, b = member(f"a{{i}}"), member(f"b{{i}}")
            p = Partnership.objects.create(member_a=a, member_b=b)
            proposal = services.propose_schedule(
                partnership=p, member=a, weekday=soon.weekday(), at=soon.time(), length=60,
                interval=1, time_zone="UTC", starts_on=soon.date())
            services.accept_proposal(partnership=p, member=b, proposal_id=proposal.pk)
        for i in range({lapsed}):
            a, b = member(f"quiet-a{{i}}"), member(f"quiet-b{{i}}")
            p = Partnership.objects.create(member_a=a, member_b=b)
            schedule = Schedule.objects.create(partnership=p)
            first = (now - timedelta(weeks=5)).date()
            Rhythm.objects.create(
                schedule=schedule, weekday=first.weekday(), time=(now + timedelta(hours=3)).time().replace(second=0, microsecond=0),
                length=60, interval_weeks=1, time_zone="UTC", first_day=first)
        """
    )


def mailbox_of(path: Path) -> list[email.message.Message]:
    return [email.message_from_bytes(f.read_bytes()) for f in sorted(path.glob("*.eml"))]


def notices_in_database(world: WorkerWorld, prefix: str) -> dict:
    out = world.shell(
        f"""
        import json
        from collections import Counter
        from felt.schedule.models import Notice
        from felt.schedule.notices import message_id
        rows = Notice.objects.filter(member__email__startswith="{prefix}-")
        print(json.dumps({{
            "ids": sorted(message_id(n) for n in rows),
            "statuses": sorted(set(rows.values_list("status", flat=True))),
            "attempts": sorted(rows.values_list("attempts", flat=True)),
            "kinds": dict(Counter(rows.values_list("kind", flat=True))),
        }}))
        """
    )
    return json.loads(out.splitlines()[-1])


def test_two_workers_started_together_send_each_due_reminder_and_note_exactly_once(world, tmp_path):
    pairs_with_sessions_soon(world, "race", pairs=7, lapsed=1)
    mailbox = tmp_path / "mail"
    mailbox.mkdir()
    starting = tmp_path / "starting"
    starting.mkdir()
    gun = starting / "go"

    # Both workers start, wait until both are ready, and begin their round at the same instant;
    # each email takes a moment, so the two rounds overlap from the first claim to the last.
    workers = [
        world.worker(mailbox, FELT_TEST_SEND_SECONDS="0.1", FELT_TEST_START_GUN=str(gun))
        for _ in range(2)
    ]
    deadline = time.monotonic() + 60
    while len(list(starting.glob("ready-*"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    gun.touch()
    outputs = [worker.communicate(timeout=120)[0] for worker in workers]

    assert [worker.returncode for worker in workers] == [0, 0], outputs
    sent = mailbox_of(mailbox)
    by_id = Counter(message["Message-ID"] for message in sent)
    expected = notices_in_database(world, "race")
    # 7 pairs, a reminder to each partner; one lapsed pair, a note to each.
    assert expected["kinds"] == {"reminder": 14, "lapse": 2}
    assert sorted(by_id) == expected["ids"]
    assert set(by_id.values()) == {1}, "an email was sent twice"
    assert expected["statuses"] == ["sent"]
    # Both workers really sent some: they ran at the same time, and neither sent the other's.
    senders = Counter(path.name.split("-")[0] for path in mailbox.glob("*.eml"))
    assert len(senders) == 2, (senders, outputs)
    recipients = Counter(message["To"] for message in sent)
    assert set(recipients.values()) == {1}


def test_a_worker_that_crashes_mid_send_leaves_the_email_to_the_next_and_it_goes_once(
    world, tmp_path
):
    pairs_with_sessions_soon(world, "crash", pairs=1, lapsed=0)
    mailbox = tmp_path / "mail"
    mailbox.mkdir()
    lease = {"FELT_TEST_LEASE_SECONDS": "2"}

    # The worker claims the first reminder and dies in the middle of sending it.
    crashed = world.worker(mailbox, FELT_TEST_CRASH_BEFORE_SEND="1", **lease)
    crashed.communicate(timeout=120)
    assert crashed.returncode == 70
    assert mailbox_of(mailbox) == []
    # (That a live claim is not taken over before its lease runs out is shown in one process,
    # with the clock in hand: test_notices.py.)
    time.sleep(2.5)

    # Once the claim has run out, the next worker sends it, and the other reminder, once each.
    later = world.worker(mailbox, **lease)
    later.communicate(timeout=120)

    sent = mailbox_of(mailbox)
    expected = notices_in_database(world, "crash")
    assert sorted(message["Message-ID"] for message in sent) == expected["ids"]
    assert len(sent) == 2
    assert expected["statuses"] == ["sent"]
    # The crashed attempt counted: the reminder it held went out on its second attempt.
    assert expected["attempts"] == [1, 2]
