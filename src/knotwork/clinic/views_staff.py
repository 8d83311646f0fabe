"""Staff pages: the calendar (day and week, per therapist or the whole clinic), appointments
(create, recurring series, move, cancel, mark completed or no-show), working hours and time
off, the waitlist, and the record of every email sent.

Access: staff users only (``staff_member_required``); each sees their own clinic's rows only
(:func:`clinic_for_staff`), and another clinic's appointment is a 404.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.forms import modelformset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from knotwork.clinic import selectors, services
from knotwork.clinic.errors import ClinicError, InvalidBooking, NotFound
from knotwork.clinic.models import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Clinic,
    Delivery,
    Service,
    Therapist,
    TimeOff,
    WaitlistEntry,
    WaitlistStatus,
    WorkingHours,
)
from knotwork.clinic.slots import wall_to_utc

DAY_OPENS, DAY_CLOSES = 7, 21  # the hours the calendar grid shows


def clinic_for_staff(user: Any) -> Clinic:
    """A therapist's own clinic; other staff (receptionists, the owner) see the deployment's clinic."""
    therapist = Therapist.objects.filter(user=user).select_related("clinic").first()
    if therapist is not None:
        return therapist.clinic
    try:
        return selectors.clinic_current()
    except NotFound:
        raise PermissionDenied("No clinic has been set up yet.") from None


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


@staff_member_required
def calendar(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    zone = clinic.zone
    today = timezone.localdate(timezone=zone)
    day = _date(request.GET.get("date"), today)
    view = "week" if request.GET.get("view") == "week" else "day"
    therapists = list(Therapist.objects.filter(clinic=clinic, active=True))
    chosen = next((t for t in therapists if str(t.pk) == request.GET.get("therapist")), None)
    if view == "week":
        first = day - timedelta(days=day.weekday())
        columns_days = [first + timedelta(days=i) for i in range(7)]
    else:
        first, columns_days = day, [day]
    start = wall_to_utc(first, time(0), zone)
    end = wall_to_utc(columns_days[-1] + timedelta(days=1), time(0), zone)
    appointments = selectors.appointments_between(clinic, start, end, therapist_id=chosen.pk if chosen else None)
    shown = [chosen] if chosen else therapists
    columns = []
    for column_day in columns_days:
        for therapist in shown:
            items = []
            for a in appointments:
                local = timezone.localtime(a.start, zone)
                if a.therapist_id != therapist.pk or local.date() != column_day:
                    continue
                local_end = timezone.localtime(a.end, zone)
                top = (local.hour - DAY_OPENS) * 60 + local.minute
                items.append(
                    {
                        "a": a,
                        "local": local,
                        "local_end": local_end,
                        "row": max(1, top // 15 + 1),
                        "span": max(1, round((a.end - a.start).total_seconds() / 900)),
                    }
                )
            columns.append({"day": column_day, "therapist": therapist, "items": items})
    step = timedelta(days=7 if view == "week" else 1)
    context = {
        "clinic": clinic,
        "view": view,
        "day": day,
        "today": today,
        "previous": day - step,
        "next": day + step,
        "therapists": therapists,
        "chosen": chosen,
        "columns": columns,
        "hours": [f"{h:02d}:00" for h in range(DAY_OPENS, DAY_CLOSES)],
        "rows": (DAY_CLOSES - DAY_OPENS) * 4,
        "listed": appointments,
    }
    return render(request, "clinic/staff_calendar.html", context)


class ClientFields(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField()
    phone = forms.CharField(max_length=40, required=False)
    consent_to_contact = forms.BooleanField(required=False, label="Agrees to reminders and messages")


class AppointmentForm(ClientFields):
    service = forms.ModelChoiceField(queryset=Service.objects.none())
    therapist = forms.ModelChoiceField(queryset=Therapist.objects.none())
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    weeks = forms.IntegerField(
        min_value=1, max_value=services.SERIES_MAX, initial=1, label="Weekly, how many times (1 = just this one)"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, clinic: Clinic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]
        self.fields["therapist"].queryset = Therapist.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]


@staff_member_required
def appointment_new(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    initial: dict[str, Any] = {
        "weeks": 1,
        "day": _date(request.GET.get("date"), timezone.localdate(timezone=clinic.zone)),
    }
    if request.GET.get("therapist"):
        initial["therapist"] = request.GET["therapist"]
    form = AppointmentForm(request.POST or None, clinic=clinic, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = wall_to_utc(data["day"], data["at"], clinic.zone)
        client = services.ClientDetails(data["name"], data["email"], data["phone"], data["consent_to_contact"])
        try:
            if data["weeks"] > 1:
                created = services.appointment_series_book(
                    clinic=clinic,
                    service=data["service"],
                    therapist=data["therapist"],
                    first_start=start,
                    count=data["weeks"],
                    client=client,
                    notes=data["notes"],
                )
                messages.success(request, f"Booked a series of {len(created)} weekly appointments.")
            else:
                created = [
                    services.appointment_book(
                        clinic=clinic,
                        service=data["service"],
                        therapist=data["therapist"],
                        start=start,
                        client=client,
                        source=AppointmentSource.STAFF,
                        notes=data["notes"],
                    ).appointment
                ]
                messages.success(request, "Booked.")
        except InvalidBooking as error:
            form.add_error(None, error.message)
        except ClinicError as error:
            form.add_error(None, str(error))
        else:
            return redirect(reverse("clinic:calendar") + f"?date={data['day'].isoformat()}")
    return render(
        request, "clinic/staff_new.html", {"clinic": clinic, "form": form}, status=422 if form.errors else 200
    )


class MoveForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(label="Time", widget=forms.TimeInput(attrs={"type": "time", "step": 300}))
    therapist = forms.ModelChoiceField(queryset=Therapist.objects.none())


@staff_member_required
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    appointment = get_object_or_404(
        Appointment.objects.select_related("client", "service", "therapist", "room"), pk=appointment_id, clinic=clinic
    )
    local = timezone.localtime(appointment.start, clinic.zone)
    move_form = MoveForm(initial={"day": local.date(), "at": local.time(), "therapist": appointment.therapist_id})
    move_form.fields["therapist"].queryset = Therapist.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                services.appointment_cancel(appointment=appointment, by_client=False)
                messages.success(request, "Cancelled; the client has been emailed and the waitlist offered the time.")
            elif action in {AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}:
                services.appointment_mark(appointment=appointment, status=action)
                messages.success(request, "Marked.")
            elif action == "move":
                move_form = MoveForm(request.POST)
                move_form.fields["therapist"].queryset = Therapist.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]
                if move_form.is_valid():
                    data = move_form.cleaned_data
                    services.appointment_move(
                        appointment=appointment,
                        start=wall_to_utc(data["day"], data["at"], clinic.zone),
                        therapist=data["therapist"],
                        by_client=False,
                    )
                    messages.success(request, "Moved; the client has been emailed.")
            elif action == "notes":
                Appointment.objects.filter(pk=appointment.pk).update(notes=request.POST.get("notes", "")[:5000])
                messages.success(request, "Notes saved.")
            else:
                messages.error(request, "Unknown action.")
        except ClinicError as error:
            messages.error(request, str(error))
        else:
            if not move_form.errors:
                return redirect("clinic:appointment", appointment_id=appointment.pk)
    context = {
        "clinic": clinic,
        "appointment": appointment,
        "local": local,
        "local_end": timezone.localtime(appointment.end, clinic.zone),
        "move_form": move_form,
        "deliveries": appointment.deliveries.all(),
        "series": Appointment.objects.filter(series=appointment.series).order_by("start") if appointment.series else [],
    }
    return render(request, "clinic/staff_appointment.html", context)


HoursFormSet = modelformset_factory(
    WorkingHours,
    fields=["weekday", "starts", "ends"],
    extra=2,
    can_delete=True,
    widgets={
        "starts": forms.TimeInput(attrs={"type": "time"}),
        "ends": forms.TimeInput(attrs={"type": "time"}),
    },
)


class TimeOffForm(forms.Form):
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    from_time = forms.TimeField(initial=time(0), widget=forms.TimeInput(attrs={"type": "time"}))
    last_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    to_time = forms.TimeField(initial=time(23, 59), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(max_length=200, required=False)
    whole_clinic = forms.BooleanField(required=False, label="The whole clinic is closed")


@staff_member_required
def therapist_hours(request: HttpRequest, therapist_id: int) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    therapist = get_object_or_404(Therapist, pk=therapist_id, clinic=clinic)
    hours = WorkingHours.objects.filter(therapist=therapist)
    formset = HoursFormSet(queryset=hours, prefix="hours")
    off_form = TimeOffForm(prefix="off")
    if request.method == "POST":
        if "save_hours" in request.POST:
            formset = HoursFormSet(request.POST, queryset=hours, prefix="hours")
            if formset.is_valid():
                for row in formset.save(commit=False):
                    row.clinic, row.therapist = clinic, therapist
                    if row.starts >= row.ends:
                        messages.error(request, f"{row.get_weekday_display()}: the end is not after the start.")
                        continue
                    row.save()
                for row in formset.deleted_objects:
                    row.delete()
                messages.success(request, "Working hours saved.")
                return redirect("clinic:hours", therapist_id=therapist.pk)
        elif "add_time_off" in request.POST:
            off_form = TimeOffForm(request.POST, prefix="off")
            if off_form.is_valid():
                data = off_form.cleaned_data
                start = wall_to_utc(data["first_day"], data["from_time"], clinic.zone)
                end = wall_to_utc(data["last_day"], data["to_time"], clinic.zone)
                if end <= start:
                    off_form.add_error("last_day", "The end is not after the start.")
                else:
                    TimeOff.objects.create(
                        clinic=clinic,
                        therapist=None if data["whole_clinic"] else therapist,
                        start=start,
                        end=end,
                        reason=data["reason"],
                    )
                    messages.success(request, "Time off added. Existing appointments in it are not moved.")
                    return redirect("clinic:hours", therapist_id=therapist.pk)
        elif (remove := request.POST.get("remove_time_off")) is not None:
            TimeOff.objects.filter(clinic=clinic, pk=int(remove) if remove.isdigit() else 0).delete()
            messages.success(request, "Time off removed.")
            return redirect("clinic:hours", therapist_id=therapist.pk)
    time_off = TimeOff.objects.filter(clinic=clinic, end__gt=timezone.now()).filter(
        therapist__in=[therapist]
    ) | TimeOff.objects.filter(clinic=clinic, end__gt=timezone.now(), therapist__isnull=True)
    context = {
        "clinic": clinic,
        "therapist": therapist,
        "formset": formset,
        "off_form": off_form,
        "time_off": [
            {"row": t, "start": timezone.localtime(t.start, clinic.zone), "end": timezone.localtime(t.end, clinic.zone)}
            for t in time_off.order_by("start")
        ],
        "therapists": Therapist.objects.filter(clinic=clinic, active=True),
    }
    return render(request, "clinic/staff_hours.html", context)


class WaitlistForm(ClientFields):
    service = forms.ModelChoiceField(queryset=Service.objects.none())
    therapist = forms.ModelChoiceField(queryset=Therapist.objects.none(), required=False, empty_label="Anyone")
    earliest = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    latest = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(max_length=200, required=False)


@staff_member_required
def waitlist(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    form = WaitlistForm(request.POST or None)
    form.fields["service"].queryset = Service.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]
    form.fields["therapist"].queryset = Therapist.objects.filter(clinic=clinic, active=True)  # type: ignore[attr-defined]
    if request.method == "POST":
        if (remove := request.POST.get("remove")) is not None:
            WaitlistEntry.objects.filter(clinic=clinic, pk=int(remove) if remove.isdigit() else 0).update(
                status=WaitlistStatus.DONE
            )
            return redirect("clinic:waitlist")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.waitlist_add(
                    clinic=clinic,
                    client=services.ClientDetails(data["name"], data["email"], data["phone"], True),
                    service=data["service"],
                    therapist=data["therapist"],
                    earliest=data["earliest"],
                    latest=data["latest"],
                    notes=data["notes"],
                )
            except InvalidBooking as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Added to the waitlist.")
                return redirect("clinic:waitlist")
    entries = WaitlistEntry.objects.filter(clinic=clinic).exclude(status=WaitlistStatus.DONE)
    context = {"clinic": clinic, "form": form, "entries": entries.select_related("client", "service", "therapist")}
    return render(request, "clinic/staff_waitlist.html", context)


@staff_member_required
def deliveries(request: HttpRequest) -> HttpResponse:
    clinic = clinic_for_staff(request.user)
    rows = Delivery.objects.filter(clinic=clinic).select_related("appointment")[:200]
    return render(request, "clinic/staff_deliveries.html", {"clinic": clinic, "deliveries": rows})
