"""The shape of the directory form: what a member sends, and what the page shows back.

The rules live in `services.check_profile`; this module only gathers input and lays out the
week grid (7 days x 48 half hours, in the member's own time zone). Each half hour is a
checkbox named "slot" with the value "day-half hour" ("0-36" is Monday 18:00), so the form
works without any script; `static/matching/availability.js` turns the checkboxes into toggle
buttons that can be used with arrow keys, a mouse (drag to mark several) or a finger.
"""

from __future__ import annotations

from django.utils.dates import WEEKDAYS, WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from felt.accounts import selectors as account_selectors

from . import languages
from .availability import SLOT_MINUTES, SLOTS_PER_DAY, slots_of
from .models import MatchingProfile
from .services import ProfileInput

_WAYS = (
    ("video", lambda: _("By video, in Felt")),
    ("phone", lambda: _("By phone")),
    ("in_person", lambda: _("In person")),
)


def profile_input(post) -> ProfileInput:
    return ProfileInput(
        time_zone=post.get("time_zone", ""),
        languages=tuple(post.getlist("languages")),
        availability=tuple(post.getlist("slot")),
        ways=tuple(post.getlist("ways")),
        area=post.get("area", ""),
        cadence=post.get("cadence", ""),
        experience=post.get("experience", ""),
        profession=post.get("profession", ""),
        helpers_only=post.get("helpers_only") == "on",
        session_minutes=post.get("session_minutes", ""),
        introduction=post.get("introduction", ""),
    )


def values_of(*, profile: MatchingProfile | None, member) -> dict:
    """The form's values from the saved profile, or the defaults for a new one."""
    if profile is None:
        return {
            "time_zone": member.time_zone,
            "languages": set(),
            "cells": set(),
            "ways": {"video"},
            "area": "",
            "cadence": MatchingProfile.Cadence.WEEKLY,
            "experience": MatchingProfile.Experience.NEW,
            "profession": MatchingProfile.Profession.UNSAID,
            "helpers_only": False,
            "session_minutes": str(MatchingProfile.SessionLength.HOUR.value),
            "introduction": "",
        }
    return {
        "time_zone": member.time_zone,
        "languages": set(profile.languages),
        "cells": {
            f"{slot // SLOTS_PER_DAY}-{slot % SLOTS_PER_DAY}"
            for slot in slots_of(profile.availability)
        },
        "ways": set(profile.ways),
        "area": profile.area,
        "cadence": profile.cadence,
        "experience": profile.experience,
        "profession": profile.profession,
        "helpers_only": profile.helpers_only,
        "session_minutes": str(profile.session_minutes),
        "introduction": profile.introduction,
    }


def values_sent(given: ProfileInput) -> dict:
    """The form's values as the member sent them, to show back with the one problem."""
    return {
        "time_zone": given.time_zone,
        "languages": set(given.languages),
        "cells": set(given.availability),
        "ways": set(given.ways),
        "area": given.area,
        "cadence": given.cadence,
        "experience": given.experience,
        "profession": given.profession,
        "helpers_only": given.helpers_only,
        "session_minutes": given.session_minutes,
        "introduction": given.introduction,
    }


def _options(choices, chosen) -> list[dict]:
    chosen = chosen if isinstance(chosen, set) else {str(chosen)}
    return [
        {"value": str(value), "label": str(label), "checked": str(value) in chosen}
        for value, label in choices
    ]


def week_grid(cells: set[str]) -> dict:
    days = [{"number": day, "name": WEEKDAYS[day], "abbr": WEEKDAYS_ABBR[day]} for day in range(7)]
    rows = []
    for half_hour in range(SLOTS_PER_DAY):
        minutes = half_hour * SLOT_MINUTES
        start = f"{minutes // 60:02d}:{minutes % 60:02d}"
        end_minutes = minutes + SLOT_MINUTES
        end = f"{end_minutes // 60:02d}:{end_minutes % 60:02d}"
        rows.append(
            {
                "start": start,
                "on_the_hour": minutes % 60 == 0,
                "cells": [
                    {
                        "value": f"{day}-{half_hour}",
                        "checked": f"{day}-{half_hour}" in cells,
                        "label": _("%(day)s %(start)s to %(end)s")
                        % {"day": WEEKDAYS[day], "start": start, "end": end},
                    }
                    for day in range(7)
                ],
            }
        )
    return {"days": days, "rows": rows}


def form_context(values: dict) -> dict:
    return {
        "values": values,
        "time_zones": account_selectors.time_zone_names(),
        "language_options": _options(languages.choices(), values["languages"]),
        "way_options": _options([(way, label()) for way, label in _WAYS], values["ways"]),
        "cadence_options": _options(MatchingProfile.Cadence.choices, values["cadence"]),
        "experience_options": _options(MatchingProfile.Experience.choices, values["experience"]),
        "profession_options": _options(MatchingProfile.Profession.choices, values["profession"]),
        "session_options": _options(
            MatchingProfile.SessionLength.choices, values["session_minutes"]
        ),
        "grid": week_grid(values["cells"]),
    }
