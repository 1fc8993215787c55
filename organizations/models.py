"""Organisations, the people in them, and who may do what.

Every other app hangs its records on an Organization; access always goes through an active
Membership, whose role decides what a person may do (see rules.py).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from organizations.links import is_safe_url
from organizations.validators import validate_county_number, validate_municipality_number


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Any = None) -> None:
        """Besides each field's own checks: every link field holds a web or mail link
        (organizations/links.py), whatever form or import the value came through."""
        errors: dict[str, Any] = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self._meta.fields:
            if not isinstance(field, models.URLField) or field.name in (exclude or ()):
                continue
            value = getattr(self, field.attname)
            if value and field.name not in errors and not is_safe_url(value):
                errors[field.name] = [
                    ValidationError(
                        _("A link must start with http://, https:// or mailto:."),
                        code="unsafe_scheme",
                    )
                ]
        if errors:
            raise ValidationError(errors)


class Language(models.TextChoices):
    BOKMAL = "nb", _("Norwegian Bokmål")
    NYNORSK = "nn", _("Norwegian Nynorsk")
    ENGLISH = "en", _("English")


class WrittenStandard(models.TextChoices):
    """The organisation's official written form of Norwegian (målform)."""

    BOKMAL = "nb", _("Bokmål")
    NYNORSK = "nn", _("Nynorsk")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are compared without case: Kari@Kommune.no is kari@kommune.no.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


def default_reminder_days() -> list[int]:
    return [7, 1]


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff, a politician or a partner. Never a child: the product stores no
    personal data about children."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=Language.choices,
        blank=True,
        help_text=_("Leave empty to follow your organisation's written standard."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Days before a checkpoint, meeting or deadline that the person wants to be reminded: the
    # alarms in their calendar feed and (with the reminders) their emails.
    reminder_days = models.JSONField(
        _("remind me this many days before"), default=default_reminder_days, blank=True
    )
    # The weekday (0 Monday … 6 Sunday) of the weekly digest email; None for no digest.
    digest_weekday = models.PositiveSmallIntegerField(
        _("weekly digest on"),
        null=True,
        blank=True,
        choices=[
            (0, _("Monday")),
            (1, _("Tuesday")),
            (2, _("Wednesday")),
            (3, _("Thursday")),
            (4, _("Friday")),
            (5, _("Saturday")),
            (6, _("Sunday")),
        ],
    )
    last_organization = models.ForeignKey(
        "Organization",
        verbose_name=_("last organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Organization(TimeStamped):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Municipality")
        COUNTY = "county", _("County municipality")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("short name in addresses"),
        unique=True,
        help_text=_("Used in the page addresses, for example demo-kommune."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.CharField(
        _("municipality or county number"),
        max_length=4,
        unique=True,
        help_text=_("Four digits for a municipality (4601), two for a county (46)."),
    )
    written_standard = models.CharField(
        _("written standard"),
        max_length=2,
        choices=WrittenStandard.choices,
        default=WrittenStandard.BOKMAL,
        help_text=_(
            "Bokmål or nynorsk: used for reports, emails and as the default language on screen."
        ),
    )
    planning_year_start_month = models.PositiveSmallIntegerField(
        _("planning year starts in"),
        choices=list(MONTHS.items()),
        default=1,
        help_text=_("January for the calendar year, August for a school year."),
    )
    # An evaluation or action item this many days overdue is reported to the coordinator.
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the coordinator when overdue by (days)"), default=7
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The accessibility statement (docs/accessibility.md): public bodies publish theirs on
    # uustatus.no, and people must have somewhere to report a barrier that reaches someone.
    accessibility_statement_url = models.URLField(
        _("published accessibility statement"),
        blank=True,
        help_text=_(
            "Optional: the address of your statement for Tiltakshjulet on uustatus.no, "
            "shown on the accessibility statement page."
        ),
    )
    accessibility_contact_email = models.EmailField(
        _("contact for accessibility feedback"),
        blank=True,
        help_text=_(
            "The email address people write to when something in Tiltakshjulet is hard to "
            "use. Empty: the service's own contact address is shown."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        validate = (
            validate_county_number
            if self.kind == self.Kind.COUNTY
            else validate_municipality_number
        )
        try:
            validate(self.number or "")
        except ValidationError as error:
            raise ValidationError({"number": error}) from error


class Unit(TimeStamped):
    """A service area or institution in the organisation (a school, a health clinic, …)."""

    class Kind(models.TextChoices):
        KINDERGARTEN = "kindergarten", _("Kindergarten")
        SCHOOL = "school", _("School")
        HEALTH_CLINIC = "health_clinic", _("Health clinic and school health service")
        CHILD_WELFARE = "child_welfare", _("Child welfare")
        PPT = "ppt", _("Educational-psychological service (PPT)")
        NAV = "nav", _("NAV")
        CULTURE = "culture", _("Culture and leisure")
        HEALTH = "health", _("Health and care")
        ADMINISTRATION = "administration", _("Administration")
        OTHER = "other", pgettext_lazy("unit kind", "Other")

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="units", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind of service"), max_length=20, choices=Kind.choices)
    is_archived = models.BooleanField(_("archived"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "organization", Lower("name"), name="unit_name_unique_per_organization"
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_archived"])]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    TEAM_LEAD = "team_lead", _("Team lead")
    MEMBER = "member", _("Team member")
    VIEWER = "viewer", _("Viewer (politician or management)")


class MembershipQuerySet(models.QuerySet["Membership"]):
    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, organization__is_active=True)


class Membership(TimeStamped):
    """A person's place in one organisation. Deactivated, never deleted: history needs it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("user"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_user_and_organization"
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_active", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.organization} ({self.get_role_display()})"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=_hash_token(token))


class Invitation(models.Model):
    """A single-use, expiring link that lets a person join an organisation with a role.

    Only a hash of the token is stored, so a database dump cannot be used to join.
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "accepted_at", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization}"

    @classmethod
    def new_token(cls) -> tuple[str, str]:
        """A fresh raw token (for the link) and its hash (for the row)."""
        token = secrets.token_urlsafe(32)
        return token, _hash_token(token)

    @staticmethod
    def default_expiry() -> Any:
        return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"


class Partnership(TimeStamped):
    """An explicit grant from one organisation to another: a county sharing a programme with
    the municipalities taking part, or neighbours sharing a measure. The programmes and
    measures a partnership covers are attached by the measures app."""

    class Access(models.TextChoices):
        # Shown alone and in brackets after a partner's name ("Nabo kommune (kan lese)"):
        # a bare verb ("Lese") reads as a command there.
        READ = "read", _("Can read")
        CONTRIBUTE = "contribute", _("Can read and contribute")

    grantor = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="partnerships_granted",
        verbose_name=_("granted by"),
    )
    partner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="partnerships_received",
        verbose_name=_("partner"),
    )

    class Status(models.TextChoices):
        PENDING = "pending", _("Invited, awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        ENDED = "ended", _("Ended")

    access = models.CharField(_("access"), max_length=20, choices=Access.choices)
    description = models.TextField(_("description"), blank=True)
    # True exactly while the status is accepted: every query that decides what a partner
    # may see filters on it (measures/views/partners.py), so ending takes effect at once.
    is_active = models.BooleanField(_("active"), default=True)
    # An invitation is a partnership waiting for the partner's answer (measures/partnerships.py).
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    message = models.TextField(_("message to the partner"), blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
    )
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # What is shared, chosen per partnership. Which measures: all of the programmes', or those
    # chosen (measures.Measure.partnerships). Which parts: the flags below. The defaults are
    # what partners saw before the parts could be chosen: summary and status, no values.
    share_all_measures = models.BooleanField(_("all measures of the programme"), default=True)
    share_status = models.BooleanField(_("summary and status"), default=True)
    share_indicators = models.BooleanField(
        _("indicators with their values and attainment"), default=False
    )
    share_decisions = models.BooleanField(_("phase decisions"), default=False)
    share_plan = models.BooleanField(_("the implementation plan"), default=False)
    share_learning = models.BooleanField(_("learning meetings and lessons"), default=False)

    history = HistoricalRecords()

    SHARED_PARTS = (
        "share_status",
        "share_indicators",
        "share_decisions",
        "share_plan",
        "share_learning",
    )

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(grantor=models.F("partner")),
                name="partnership_between_two_organizations",
            ),
        ]
        indexes = [models.Index(fields=["partner", "is_active"])]

    def __str__(self) -> str:
        return f"{self.grantor} → {self.partner} ({self.get_access_display()})"

    def shared_parts(self) -> list[str]:
        """The labels of the parts shared, in the order of the form."""
        return [
            str(getattr(self._meta.get_field(name), "verbose_name", name))
            for name in self.SHARED_PARTS
            if getattr(self, name)
        ]
