"""The shape of what members type. The rules live in services; forms only gather input."""

from django import forms
from django.forms.utils import flatatt
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from felt.accounts.selectors import time_zone_names
from felt.room.core import LENGTH_MINUTES

from .models import Cadence, ReminderPreference

_TIME_ERRORS = {
    "required": _("Please give a time, such as 09:00."),
    "invalid": _("Please give a time as hours and minutes, such as 09:00."),
}
_DATE_ERRORS = {
    "required": _("Please give a date."),
    "invalid": _("Please give a date as year, month and day, such as 2027-03-01."),
}


def _time_field(label, help_text="") -> forms.TimeField:
    return forms.TimeField(
        label=label,
        help_text=help_text,
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages=_TIME_ERRORS,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


def _date_field(label, *, required=True, help_text="") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=["%Y-%m-%d"],
        error_messages=_DATE_ERRORS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ZoneSelect(forms.Select):
    """The ~600 time zones as one <select>, built in one go: a template per option (Django's
    way) makes the page noticeably slow to draw."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs) | {"name": name}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((zone, " selected" if zone == value else "", zone) for zone in time_zone_names()),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class ProposalForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        coerce=int,
        choices=sorted(WEEKDAYS.items()),
        error_messages={
            "required": _("Please choose a day of the week."),
            "invalid_choice": _("Please choose a day of the week."),
        },
    )
    time = _time_field(_("Time"), help_text=_("In the time zone below."))
    length = forms.IntegerField(
        label=_("Length in minutes"),
        help_text=_("From %(low)d to %(high)d minutes: both turns, and a little time around them.")
        % {"low": LENGTH_MINUTES[0], "high": LENGTH_MINUTES[1]},
        error_messages={
            "required": _("Please give the length in minutes, such as 60."),
            "invalid": _("Please give the length as a number of minutes, such as 60."),
        },
        widget=forms.NumberInput(
            attrs={"min": LENGTH_MINUTES[0], "max": LENGTH_MINUTES[1], "step": 5}
        ),
    )
    cadence = forms.TypedChoiceField(
        label=_("How often"),
        coerce=int,
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose whether you meet every week or every two weeks."),
            "invalid_choice": _("Please choose whether you meet every week or every two weeks."),
        },
    )
    # A plain text field under a list: the service, not the form, decides what is valid.
    time_zone = forms.CharField(
        label=_("Time zone"),
        help_text=_(
            "The time stays the same on the clocks of this place all year; each of you sees it "
            "in your own time."
        ),
        error_messages={"required": _("Please choose a time zone.")},
        widget=ZoneSelect,
    )
    starts_on = _date_field(
        _("Starting from"),
        required=False,
        help_text=_(
            "The time applies from this date (today, if left empty); the first session is the "
            "first such day on or after it."
        ),
    )


class MoveForm(forms.Form):
    day = _date_field(_("New date"))
    time = _time_field(_("New time"))


class ReminderForm(forms.Form):
    lead_minutes = forms.TypedChoiceField(
        label=_("Email me a reminder"),
        coerce=int,
        choices=ReminderPreference.Lead.choices,
        error_messages={
            "required": _("Please choose one of the reminder times in the list."),
            "invalid_choice": _("Please choose one of the reminder times in the list."),
        },
    )


def first_problem(form: forms.Form) -> str:
    """The first thing wrong with a form, as one sentence."""
    for errors in form.errors.values():
        for error in errors:
            return str(error)
    return ""
