"""The journal's pages and its small JSON API.

Every view answers only the member who asks, about their own journal: anyone else's entry is
simply not found. The API takes and gives sealed bytes (base64 in JSON) and never a readable
word; a request carrying any field beyond the sealed ones is refused whole, so a page that
went wrong cannot leave plaintext on the server by accident.
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from felt.core.errors import FeltError

from . import selectors, services
from .services import Refused, TooLarge

# The largest sealed entry in base64, with room for the field names.
MAX_REQUEST_BYTES = 100 * 1024


# -- pages ---------------------------------------------------------------------------------


@never_cache
@login_required
def journal(request):
    return render(
        request,
        "journal/journal.html",
        {"journal": selectors.journal_of(member=request.user)},
    )


@require_POST
@login_required
def preferences(request):
    weekly = request.POST.get("weekly_check_in_invitation") == "on"
    try:
        services.set_check_in_invitation(member=request.user, weekly=weekly)
    except FeltError as error:
        said, level = error.message, messages.ERROR
    else:
        level = messages.SUCCESS
        said = (
            _("You'll be invited to a check-in when a week has passed since your last one.")
            if weekly
            else _("No more check-in invitations; you can check in whenever you like.")
        )
    if request.htmx:
        # Said in place: a reload would lock the open journal.
        return render(
            request,
            "journal/_said.html",
            {"said": said, "problem": level == messages.ERROR},
        )
    messages.add_message(request, level, said)
    return redirect("journal:home")


@never_cache
@login_required
@sensitive_post_parameters("password")
def delete_all(request):
    problem = None
    if request.method == "POST":
        try:
            services.delete_journal(member=request.user, password=request.POST.get("password", ""))
        except FeltError as error:
            problem = error.message
        else:
            messages.success(
                request,
                _(
                    "Your journal is deleted: every entry, every check-in and its keys. You "
                    "can begin a new one whenever you like."
                ),
            )
            return redirect("journal:home")
    return render(request, "journal/delete.html", {"problem": problem})


# -- the API -------------------------------------------------------------------------------


def _error(message: str, *, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def api(*methods: str):
    """A JSON endpoint for the logged-in member: refusals are one sentence, never a page."""

    def decorate(view):
        @wraps(view)
        @never_cache
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _error(
                    _("Please log in again; your journal opens only for you."), status=403
                )
            if request.method not in methods:
                response = _error(_("That can't be done here."), status=405)
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, *args, **kwargs)
            except Http404:
                return _error(_("That isn't in your journal."), status=404)
            except Refused as refusal:
                return _error(refusal.message, status=refusal.status)
            except FeltError as error:
                return _error(error.message, status=400)

        return wrapper

    return decorate


def _unreadable() -> Refused:
    return Refused(_("That request could not be read, so nothing was changed."))


def _read_body(request, *, fields: set[str]) -> dict:
    """The request's JSON object, if it has exactly these fields and nothing else."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    too_large = TooLarge(_("That is more than your journal accepts at once, so nothing was saved."))
    if declared > MAX_REQUEST_BYTES:
        raise too_large
    try:
        raw = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(raw) > MAX_REQUEST_BYTES:
        raise too_large
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _unreadable() from None
    return _exact_fields(data, fields)


def _exact_fields(data, fields: set[str]) -> dict:
    if not isinstance(data, dict):
        raise _unreadable()
    if set(data) - fields:
        # Refuse the whole request: a field we do not know may be words meant to be sealed.
        raise Refused(
            _(
                "Your journal accepts only sealed writing, and this request carried something "
                "else, so nothing was saved."
            )
        )
    if fields - set(data):
        raise _unreadable()
    return data


def _bytes(value) -> bytes:
    if not isinstance(value, str):
        raise _unreadable()
    try:
        return base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise _unreadable() from None


def _uid(value) -> UUID:
    if not isinstance(value, str):
        raise _unreadable()
    try:
        uid = UUID(value)
    except ValueError:
        raise _unreadable() from None
    if str(uid) != value.lower():
        raise _unreadable()
    return uid


def _b64(value) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _sealed(record) -> dict:
    data = {
        "id": str(record.uid),
        "created_at": record.created_at.isoformat(),
        "nonce": _b64(record.nonce),
        "ciphertext": _b64(record.ciphertext),
    }
    updated_at = getattr(record, "updated_at", None)
    if updated_at is not None:
        data["updated_at"] = updated_at.isoformat()
    return data


def _journal_keys(journal, member) -> dict | None:
    if journal is None:
        return None
    return {
        "passphrase": {
            "salt": _b64(journal.passphrase_salt),
            "iterations": journal.passphrase_iterations,
            "wrapped_key": _b64(journal.passphrase_wrapped_key),
        },
        "recovery": {
            "salt": _b64(journal.recovery_salt),
            "wrapped_key": _b64(journal.recovery_wrapped_key),
        },
        "weekly_check_in_invitation": journal.weekly_check_in_invitation,
        "check_in_due": selectors.check_in_due(member=member, journal=journal),
    }


PASSPHRASE_FIELDS = {"salt", "iterations", "wrapped_key"}
RECOVERY_FIELDS = {"salt", "wrapped_key"}
SEALED_FIELDS = {"id", "nonce", "ciphertext"}


@api("GET", "POST")
def api_journal(request):
    member = request.user
    if request.method == "POST":
        data = _read_body(request, fields={"passphrase", "recovery", "proof"})
        passphrase = _exact_fields(data["passphrase"], PASSPHRASE_FIELDS)
        recovery = _exact_fields(data["recovery"], RECOVERY_FIELDS)
        journal = services.set_up_journal(
            member=member,
            passphrase_salt=_bytes(passphrase["salt"]),
            passphrase_iterations=passphrase["iterations"],
            passphrase_wrapped_key=_bytes(passphrase["wrapped_key"]),
            recovery_salt=_bytes(recovery["salt"]),
            recovery_wrapped_key=_bytes(recovery["wrapped_key"]),
            proof=_bytes(data["proof"]),
        )
        return JsonResponse({"journal": _journal_keys(journal, member)}, status=201)
    return JsonResponse(
        {
            "journal": _journal_keys(selectors.journal_of(member=member), member),
            "minimum_iterations": selectors.minimum_iterations(),
        }
    )


@api("POST")
def api_passphrase(request):
    data = _read_body(request, fields={"proof"} | PASSPHRASE_FIELDS)
    journal = services.rewrap_for_passphrase(
        member=request.user,
        proof=_bytes(data["proof"]),
        salt=_bytes(data["salt"]),
        iterations=data["iterations"],
        wrapped_key=_bytes(data["wrapped_key"]),
    )
    return JsonResponse({"journal": _journal_keys(journal, request.user)})


@api("POST")
def api_recovery(request):
    data = _read_body(request, fields={"proof"} | RECOVERY_FIELDS)
    journal = services.rewrap_for_recovery(
        member=request.user,
        proof=_bytes(data["proof"]),
        salt=_bytes(data["salt"]),
        wrapped_key=_bytes(data["wrapped_key"]),
    )
    return JsonResponse({"journal": _journal_keys(journal, request.user)})


@api("GET", "POST")
def api_entries(request):
    member = request.user
    if request.method == "POST":
        data = _read_body(request, fields=SEALED_FIELDS)
        entry, created = services.save_entry(
            member=member,
            uid=_uid(data["id"]),
            nonce=_bytes(data["nonce"]),
            ciphertext=_bytes(data["ciphertext"]),
        )
        return JsonResponse({"entry": _sealed(entry)}, status=201 if created else 200)
    return JsonResponse({"entries": [_sealed(e) for e in selectors.entries_of(member=member)]})


@api("GET", "PUT", "DELETE")
def api_entry(request, uid):
    member = request.user
    entry = selectors.get_entry_for(member=member, uid=uid)
    if request.method == "PUT":
        data = _read_body(request, fields={"nonce", "ciphertext"})
        entry = services.replace_entry(
            member=member,
            entry=entry,
            nonce=_bytes(data["nonce"]),
            ciphertext=_bytes(data["ciphertext"]),
        )
    elif request.method == "DELETE":
        services.delete_entry(member=member, entry=entry)
        return JsonResponse({"deleted": str(uid)})
    return JsonResponse({"entry": _sealed(entry)})


@api("GET", "POST")
def api_check_ins(request):
    member = request.user
    if request.method == "POST":
        data = _read_body(request, fields=SEALED_FIELDS)
        check_in, created = services.save_check_in(
            member=member,
            uid=_uid(data["id"]),
            nonce=_bytes(data["nonce"]),
            ciphertext=_bytes(data["ciphertext"]),
        )
        return JsonResponse({"check_in": _sealed(check_in)}, status=201 if created else 200)
    return JsonResponse(
        {
            "check_ins": [_sealed(c) for c in selectors.check_ins_of(member=member)],
            "sessions": [t.isoformat() for t in selectors.session_times_of(member=member)],
        }
    )


@api("DELETE")
def api_check_in(request, uid):
    member = request.user
    check_in = selectors.get_check_in_for(member=member, uid=uid)
    services.delete_check_in(member=member, check_in=check_in)
    return JsonResponse({"deleted": str(uid)})
