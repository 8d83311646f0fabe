"""Django admin for everything in the clinic. Join rows get their clinic from their service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from knotwork.clinic.models import (
    Appointment,
    AppointmentStatus,
    Client,
    Clinic,
    Delivery,
    Room,
    Service,
    ServiceRoom,
    ServiceTherapist,
    Therapist,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)


class ClinicRowInline(admin.TabularInline):  # type: ignore[type-arg]
    """An inline for a clinic-owned row: the clinic is not asked, it is the parent's."""

    exclude = ["clinic"]
    extra = 0


class ParentClinicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Saves inline rows (ClinicRowInline) with the clinic of the object they belong to."""

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for instance in formset.save(commit=False):
            instance.clinic = form.instance.clinic
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "slug", "time_zone", "phone", "email"]
    prepopulated_fields = {"slug": ["name"]}


class WorkingHoursInline(ClinicRowInline):
    model = WorkingHours


@admin.register(Therapist)
class TherapistAdmin(ParentClinicAdmin):
    list_display = ["display_name", "clinic", "user", "active"]
    list_filter = ["clinic", "active"]
    inlines = [WorkingHoursInline]


class ServiceTherapistInline(ClinicRowInline):
    model = ServiceTherapist


class ServiceRoomInline(ClinicRowInline):
    model = ServiceRoom


@admin.register(Service)
class ServiceAdmin(ParentClinicAdmin):
    list_display = [
        "name",
        "clinic",
        "duration_minutes",
        "price",
        "buffer_before_minutes",
        "buffer_after_minutes",
        "bookable_online",
        "active",
    ]
    list_filter = ["clinic", "bookable_online", "active"]
    inlines = [ServiceTherapistInline, ServiceRoomInline]


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "clinic", "active"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["therapist", "weekday", "starts", "ends", "clinic"]
    list_filter = ["clinic", "therapist", "weekday"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["therapist", "start", "end", "reason", "clinic"]
    list_filter = ["clinic", "therapist"]


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "email", "phone", "consent_to_contact", "clinic"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["clinic", "consent_to_contact"]


class DeliveryInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Delivery
    fields = ["kind", "to", "status", "error", "attempts", "created_at", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class AppointmentAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    """Refuses an overlap with a message rather than the database's error page."""

    class Meta:
        model = Appointment
        fields = "__all__"  # noqa: DJ007 - the admin shows every field; read-only ones are listed below

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        service, start, end = data.get("service"), data.get("start"), data.get("end")
        if not (service and start and end) or data.get("status") == AppointmentStatus.CANCELLED:
            return data
        blocked = (start - service.buffer_before, end + service.buffer_after)
        others = Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).exclude(pk=self.instance.pk)
        overlapping = others.filter(blocked_start__lt=blocked[1], blocked_end__gt=blocked[0])
        if data.get("therapist") and overlapping.filter(therapist=data["therapist"]).exists():
            raise forms.ValidationError("The therapist has another appointment then (buffers included).")
        if data.get("room") and overlapping.filter(room=data["room"]).exists():
            raise forms.ValidationError("The room is taken then (buffers included).")
        return data


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Overlaps are refused by the database; for day-to-day changes use the staff calendar,
    which also emails the client."""

    form = AppointmentAdminForm
    list_display = ["start", "end", "therapist", "service", "client", "room", "status", "source"]
    list_filter = ["clinic", "status", "source", "therapist"]
    date_hierarchy = "start"
    search_fields = ["client__name", "client__email"]
    raw_id_fields = ["client"]
    readonly_fields = ["blocked_start", "blocked_end", "idempotency_key", "request_fingerprint", "sequence"]
    inlines = [DeliveryInline]

    def save_model(self, request: HttpRequest, obj: Appointment, form: Any, change: bool) -> None:
        # The blocked range always follows the service's buffers, never typed by hand.
        obj.blocked_start = obj.start - obj.service.buffer_before
        obj.blocked_end = obj.end + obj.service.buffer_after
        super().save_model(request, obj, form, change)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["created_at", "kind", "to", "status", "error", "attempts", "appointment"]
    list_filter = ["clinic", "kind", "status"]
    readonly_fields = [
        "clinic",
        "appointment",
        "kind",
        "for_start",
        "to",
        "subject",
        "status",
        "error",
        "attempts",
        "sent_at",
    ]


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["client", "service", "therapist", "earliest", "latest", "status", "offered_at"]
    list_filter = ["clinic", "status", "service"]
