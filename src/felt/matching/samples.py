"""Random but realistic directories of seekers, for the benchmark and the tests. No Django.

The spreads are meant to look like a real directory, not to be easy: about forty time zones
on every continent (with their own clock changes, southern ones included, and half- and
quarter-hour offsets), twelve languages of very unequal popularity (Zipf-like: the first is
spoken by a third of the members, the last by one in a hundred), two to ten availability
windows each, mostly in the member's waking hours, and the other fields in plausible shares.
The same `seed` always gives the same directory.
"""

from __future__ import annotations

import random

from .engine import Seeker

# (zone, relative number of members, the areas people there meet in person in)
ZONES = (
    ("America/Los_Angeles", 6),
    ("America/Denver", 2),
    ("America/Chicago", 4),
    ("America/New_York", 8),
    ("America/Toronto", 3),
    ("America/Halifax", 1),
    ("America/St_Johns", 1),
    ("America/Mexico_City", 3),
    ("America/Bogota", 2),
    ("America/Lima", 1),
    ("America/Santiago", 1),
    ("America/Sao_Paulo", 4),
    ("America/Argentina/Buenos_Aires", 2),
    ("Atlantic/Reykjavik", 1),
    ("Europe/London", 7),
    ("Europe/Dublin", 2),
    ("Europe/Lisbon", 2),
    ("Europe/Madrid", 4),
    ("Europe/Paris", 5),
    ("Europe/Berlin", 8),
    ("Europe/Amsterdam", 3),
    ("Europe/Zurich", 2),
    ("Europe/Rome", 3),
    ("Europe/Warsaw", 2),
    ("Europe/Stockholm", 2),
    ("Europe/Athens", 1),
    ("Europe/Helsinki", 1),
    ("Europe/Istanbul", 1),
    ("Africa/Lagos", 1),
    ("Africa/Nairobi", 1),
    ("Africa/Johannesburg", 2),
    ("Asia/Dubai", 1),
    ("Asia/Kolkata", 3),
    ("Asia/Kathmandu", 1),
    ("Asia/Singapore", 2),
    ("Asia/Shanghai", 2),
    ("Asia/Tokyo", 3),
    ("Australia/Adelaide", 1),
    ("Australia/Sydney", 3),
    ("Pacific/Auckland", 2),
)
LANGUAGES = ("en", "es", "de", "fr", "pt", "it", "nl", "ja", "pl", "zh", "sv", "el")
# Zipf with exponent 1.3: en about 33 %, el about 1.3 % of first languages.
LANGUAGE_WEIGHTS = tuple(1 / (rank**1.3) for rank in range(1, len(LANGUAGES) + 1))


def _windows(rng: random.Random) -> set[int]:
    slots: set[int] = set()
    for _ in range(rng.randint(2, 10)):
        day = rng.randrange(7)
        # Mostly between 07:00 and 21:00 of the member's own day, sometimes late or early.
        if rng.random() < 0.85:
            start = rng.randint(14, 42)
        else:
            start = rng.randrange(48)
        length = rng.randint(2, 8)  # one to four hours
        for slot in range(start, min(start + length, 48)):
            slots.add(day * 48 + slot)
    return slots


def seeker(rng: random.Random, member_id: int) -> Seeker:
    zones = [name for name, _weight in ZONES]
    zone = rng.choices(zones, weights=[weight for _name, weight in ZONES])[0]
    first = rng.choices(LANGUAGES, weights=LANGUAGE_WEIGHTS)[0]
    languages = {first}
    if first != "en" and rng.random() < 0.35:
        languages.add("en")
    if rng.random() < 0.08:
        languages.add(rng.choice(LANGUAGES))
    ways = set()
    if rng.random() < 0.85:
        ways.add("video")
    if rng.random() < 0.35:
        ways.add("phone")
    area = ""
    if rng.random() < 0.2 or not ways:
        ways.add("in_person")
        area = f"{zone.rsplit('/', 1)[-1]} {rng.randrange(3)}"
    helper = rng.random() < 0.7
    return Seeker(
        id=member_id,
        time_zone=zone,
        availability=frozenset(_windows(rng)),
        languages=frozenset(languages),
        ways=frozenset(ways),
        area=area,
        cadence="weekly" if rng.random() < 0.6 else "fortnightly",
        experience=rng.choices(("new", "trained", "seasoned", "trainer"), weights=(35, 35, 20, 10))[
            0
        ],
        helper=helper,
        helpers_only=rng.random() < 0.25,
        session_minutes=rng.choices((60, 90, 120), weights=(60, 30, 10))[0],
    )


def directory(size: int, seed: int) -> tuple[list[Seeker], list[tuple[int, int]]]:
    """`size` seekers with ids 1..size, and some pairs declined in earlier rounds."""
    rng = random.Random(seed)
    seekers = [seeker(rng, member_id) for member_id in range(1, size + 1)]
    declined = set()
    for _ in range(size // 20):
        a, b = rng.sample(range(1, size + 1), 2) if size >= 2 else (1, 1)
        if a != b:
            declined.add((min(a, b), max(a, b)))
    return seekers, sorted(declined)
