from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from felt.partnerships import selectors as partnership_selectors
from felt.room import selectors as room_selectors
from felt.schedule import selectors as schedule_selectors


def home(request):
    if request.user.is_authenticated:
        return redirect("web:dashboard")
    return render(request, "web/home.html")


@login_required
def dashboard(request):
    member = request.user
    return render(
        request,
        "web/dashboard.html",
        {
            "partnerships": partnership_selectors.partnerships_of(member=member),
            "endings": partnership_selectors.unseen_endings_for(member=member),
            "open_sessions": room_selectors.open_sessions_of(member=member),
            "next_sessions": schedule_selectors.next_sessions_of(member=member, now=timezone.now()),
        },
    )
