from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from felt.partnerships.models import PairOfMembers


class MatchingProfile(models.Model):
    """What the partner directory knows of a member, and whether they are looking.

    Nobody browses the directory: a profile is shown only to a member who holds a proposal
    with its owner, and contact details only once both have accepted.
    """

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        FORTNIGHTLY = "fortnightly", _("Every two weeks")

    class Experience(models.TextChoices):
        NEW = "new", _("New to Focusing")
        TRAINED = "trained", _("Trained in Focusing")
        SEASONED = "seasoned", _("Seasoned: years of partnership practice")
        TRAINER = "trainer", _("A Focusing trainer")

    class Profession(models.TextChoices):
        PSYCHOTHERAPY = "psychotherapy", _("Psychotherapist")
        COUNSELLING = "counselling", _("Counsellor")
        PSYCHOLOGY = "psychology", _("Psychologist")
        SOCIAL_WORK = "social_work", _("Social worker")
        HEALTH = "health", _("Doctor, nurse or other health worker")
        COACHING = "coaching", _("Coach")
        PASTORAL = "pastoral", _("Chaplain or pastoral carer")
        OTHER_HELPING = "other_helping", _("Another helping profession")
        NOT_HELPING = "not_helping", _("Not a helping profession")
        UNSAID = "unsaid", _("I'd rather not say")

    class SessionLength(models.IntegerChoices):
        HOUR = 60, _("An hour (two turns of about 25 minutes)")
        HOUR_AND_HALF = 90, _("An hour and a half (two turns of about 40 minutes)")
        TWO_HOURS = 120, _("Two hours (two turns of about 55 minutes)")

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="matching_profile"
    )
    # In the directory at all (off until the member opts in), and, if so, looking right now.
    in_directory = models.BooleanField(default=False)
    looking_paused = models.BooleanField(default=False)
    languages = models.JSONField(default=list)  # ISO 639-1 codes, e.g. ["de", "en"]
    # Half hours of the member's week in their own time zone, as [day, first, after]
    # windows: [0, 36, 40] is Monday 18:00 to 20:00.
    availability = models.JSONField(default=list)
    ways = models.JSONField(default=list)  # some of "video", "phone", "in_person"
    area = models.CharField(max_length=100, blank=True)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.WEEKLY)
    experience = models.CharField(max_length=10, choices=Experience.choices, default=Experience.NEW)
    profession = models.CharField(
        max_length=16, choices=Profession.choices, default=Profession.UNSAID
    )
    helpers_only = models.BooleanField(default=False)
    session_minutes = models.PositiveSmallIntegerField(
        choices=SessionLength.choices, default=SessionLength.HOUR
    )
    introduction = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence__in=["weekly", "fortnightly"]), name="matching_cadence_known"
            ),
            models.CheckConstraint(
                condition=Q(experience__in=["new", "trained", "seasoned", "trainer"]),
                name="matching_experience_known",
            ),
            models.CheckConstraint(
                condition=Q(
                    profession__in=[
                        "psychotherapy",
                        "counselling",
                        "psychology",
                        "social_work",
                        "health",
                        "coaching",
                        "pastoral",
                        "other_helping",
                        "not_helping",
                        "unsaid",
                    ]
                ),
                name="matching_profession_known",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__in=[60, 90, 120]),
                name="matching_session_length_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Matching profile {self.pk}"

    @property
    def is_helper(self) -> bool:
        return self.profession not in (
            self.Profession.NOT_HELPING,
            self.Profession.UNSAID,
        )

    @property
    def is_looking(self) -> bool:
        return self.in_directory and not self.looking_paused


class MatchingRound(models.Model):
    """One run of the engine over the directory: when, by whom, and what it found."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    seekers = models.PositiveIntegerField(default=0)  # members looking, without a proposal
    matchable = models.PositiveIntegerField(default=0)  # of those, with a possible partner
    pairs = models.PositiveIntegerField(default=0)  # proposals made
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"Matching round {self.pk}"


class Proposal(PairOfMembers, models.Model):
    """Two members the engine proposes to each other. Both must accept before anything is
    shared beyond the directory profile; declining needs no reason and is final for the pair.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for answers")
        ACCEPTED = "accepted", _("Accepted by both")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    round = models.ForeignKey(
        MatchingRound, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    # member_a has the smaller id, so a pair has one spelling.
    member_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    member_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    score = models.PositiveIntegerField(default=0)
    languages = models.JSONField(default=list)
    ways = models.JSONField(default=list)
    session_minutes = models.PositiveSmallIntegerField(default=60)
    weekly_overlap_minutes = models.PositiveIntegerField(default=0)
    # The stretch of weeks the engine looked at, and the times in it when both are free for
    # a whole session, as [start, end] UTC ISO strings.
    horizon_start = models.DateTimeField()
    horizon_weeks = models.PositiveSmallIntegerField(default=6)
    overlap = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_by_a_at = models.DateTimeField(null=True, blank=True)
    accepted_by_b_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(member_a__lt=F("member_b")), name="proposal_pair_in_order"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "accepted", "declined", "expired", "withdrawn"]),
                name="proposal_status_known",
            ),
            # A pair is proposed once while it waits; the services also keep each member to
            # one waiting proposal at a time.
            models.UniqueConstraint(
                fields=["member_a", "member_b"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["member_a", "status"], name="proposal_a_status"),
            models.Index(fields=["member_b", "status"], name="proposal_b_status"),
            models.Index(fields=["status", "expires_at"], name="proposal_status_expiry"),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk}"

    def accepted_at_by(self, member):
        return self.accepted_by_a_at if member.pk == self.member_a_id else self.accepted_by_b_at
