"""The clinic's data. Every clinic-owned row carries its clinic.

Times are stored in UTC (``USE_TZ``) and shown in the clinic's zone. An appointment also
stores its *blocked* range, ``[start - buffer before, end + buffer after)``, copied from the
service when it is booked: the database refuses two live appointments whose blocked ranges
overlap for one therapist or one room (PostgreSQL: exclusion constraints, see migration
0002; SQLite: triggers, see :mod:`knotwork.clinic.guards`). Nothing here has clever
``save()`` methods or signals: writes go through :mod:`knotwork.clinic.services`.
"""

from __future__ import annotations

import zoneinfo
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/London")


class Clinic(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    address = models.TextField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/London", validators=[validate_time_zone])
    min_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="Online bookings must start at least this long from now."
    )
    horizon_days = models.PositiveIntegerField(
        default=84,
        validators=[MinValueValidator(1), MaxValueValidator(3660)],
        help_text="How far ahead clients can book.",
    )
    slot_step_minutes = models.PositiveIntegerField(
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text="Offered start times are this far apart.",
    )
    cancellation_notice_hours = models.PositiveIntegerField(
        default=24, help_text="Clients cannot cancel or move online closer to the appointment than this."
    )
    reminder_hours = models.PositiveIntegerField(
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text="Reminder emails go out this long before.",
    )
    # Bumped by database triggers on every write that can change free time (see
    # knotwork.clinic.versioning); cached availability answers are keyed by it.
    availability_version = models.BigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Therapist(models.Model):
    """A therapist is a staff user of one clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="therapists")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="therapist",
        limit_choices_to={"is_staff": True},
    )
    display_name = models.CharField(max_length=120)
    bio = models.TextField(blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["clinic", "active"])]

    def __str__(self) -> str:
        return self.display_name


class Room(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["clinic", "name"], name="clinic_room_unique_name")]

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    duration_minutes = models.PositiveIntegerField(validators=[MinValueValidator(5), MaxValueValidator(480)])
    price = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0.00"))
    buffer_before_minutes = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(120)])
    buffer_after_minutes = models.PositiveIntegerField(
        default=0, validators=[MaxValueValidator(120)], help_text="Turnover time: notes, laundry, room reset."
    )
    therapists = models.ManyToManyField(Therapist, through="ServiceTherapist", related_name="services", blank=True)
    rooms = models.ManyToManyField(
        Room, through="ServiceRoom", related_name="services", blank=True, help_text="Empty: no room is needed."
    )
    bookable_online = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)


class ServiceTherapist(models.Model):
    """Who offers a service."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "therapist"], name="clinic_service_therapist_unique")]

    def __str__(self) -> str:
        return f"{self.therapist} offers {self.service}"


class ServiceRoom(models.Model):
    """Which rooms suit a service."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    room = models.ForeignKey(Room, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "room"], name="clinic_service_room_unique")]

    def __str__(self) -> str:
        return f"{self.service} in {self.room}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """A weekly working window, in wall-clock time in the clinic's zone. Several a day make a split shift."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="clinic_hours_start_before_end")]

    def __str__(self) -> str:
        return f"{self.therapist}: {self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class TimeOff(models.Model):
    """A therapist's time off, or (with no therapist) a closure of the whole clinic."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    therapist = models.ForeignKey(
        Therapist, on_delete=models.CASCADE, null=True, blank=True, help_text="Empty: the whole clinic is closed."
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off and closures"
        indexes = [models.Index(fields=["clinic", "end"])]
        constraints = [models.CheckConstraint(condition=Q(start__lt=F("end")), name="clinic_timeoff_start_before_end")]

    def __str__(self) -> str:
        who = self.therapist or "Clinic closed"
        return f"{who}: {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"


class Client(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    consent_to_contact = models.BooleanField(
        default=False, help_text="Agreed to reminders and messages about their appointments."
    )
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["clinic", "email"])]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


class AppointmentSource(models.TextChoices):
    ONLINE = "online", "Online"
    STAFF = "staff", "Staff"


class Appointment(models.Model):
    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="appointments")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(Therapist, on_delete=models.PROTECT, related_name="appointments")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="appointments")
    room = models.ForeignKey(Room, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The time the appointment keeps the therapist and the room from other bookings: the
    # service's buffers on either side, copied at booking time (never from the client).
    blocked_start = models.DateTimeField()
    blocked_end = models.DateTimeField()
    status = models.CharField(max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED)
    source = models.CharField(max_length=8, choices=AppointmentSource.choices, default=AppointmentSource.STAFF)
    notes = models.TextField(blank=True)
    series = models.UUIDField(null=True, blank=True, help_text="Set on each appointment of a recurring series.")
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 - NULL: no key, outside the unique index
    request_fingerprint = models.CharField(max_length=64, blank=True)
    sequence = models.PositiveIntegerField(default=0, help_text="Bumped on every change (iCalendar SEQUENCE).")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            # Availability reads one therapist's (or room's) blocked time over a window.
            models.Index(fields=["therapist", "blocked_start"], name="clinic_appt_therapist_blocked"),
            models.Index(fields=["room", "blocked_start"], name="clinic_appt_room_blocked"),
            # Calendars and the reminder job read the clinic's appointments by start.
            models.Index(fields=["clinic", "start"], name="clinic_appt_clinic_start"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="clinic_appt_start_before_end"),
            models.CheckConstraint(
                condition=Q(blocked_start__lte=F("start"), blocked_end__gte=F("end")),
                name="clinic_appt_blocked_covers_appointment",
            ),
            models.UniqueConstraint(
                fields=["clinic", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="clinic_appt_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} with {self.therapist} at {self.start:%Y-%m-%d %H:%M} UTC ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED


class DeliveryKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmation"
    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLATION = "cancellation", "Cancellation"
    REMINDER = "reminder", "Reminder"
    WAITLIST_OFFER = "waitlist_offer", "Waitlist offer"


class DeliveryStatus(models.TextChoices):
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Delivery(models.Model):
    """One message to one person, and what became of it."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    # For reminders: the start time reminded of, so a moved appointment gets a new reminder
    # but one time is never reminded of twice.
    for_start = models.DateTimeField(null=True, blank=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.SENDING)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["clinic", "created_at"], name="clinic_delivery_clinic_created")]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "for_start"],
                condition=Q(kind="reminder"),
                name="clinic_delivery_one_reminder_per_time",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to}: {self.status}"


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    OFFERED = "offered", "Offered a slot"
    DONE = "done", "Booked or removed"


class WaitlistEntry(models.Model):
    """A client waiting for a freed slot of a service, with anyone or one therapist, between two dates."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE)
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="waitlist_entries")
    service = models.ForeignKey(Service, on_delete=models.CASCADE)
    therapist = models.ForeignKey(Therapist, on_delete=models.CASCADE, null=True, blank=True)
    earliest = models.DateField()
    latest = models.DateField()
    notes = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=8, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING)
    offered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"
        indexes = [models.Index(fields=["clinic", "status", "service"], name="clinic_waitlist_lookup")]
        constraints = [
            models.CheckConstraint(condition=Q(earliest__lte=F("latest")), name="clinic_waitlist_dates_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.client.name} waiting for {self.service} ({self.earliest} to {self.latest})"
