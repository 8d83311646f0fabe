"""What can go wrong in the clinic, as domain errors. The API maps them to HTTP in one place
(:mod:`knotwork.api.errors`); the pages turn them into messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from knotwork.clinic.selectors import OfferedSlot


class ClinicError(Exception):
    """Base of the clinic's domain errors; ``str(error)`` is a sentence for a person."""


class InvalidBooking(ClinicError):
    """Bad input, naming the field it is about (``client.email``, ``start``...)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(ClinicError):
    def __init__(self, what: str) -> None:
        super().__init__(f"No such {what}.")
        self.what = what


class SlotUnavailable(ClinicError):
    """The time cannot be booked (taken, outside hours, too soon...); with the nearest free slots."""

    def __init__(self, message: str, nearest: Sequence[OfferedSlot] = ()) -> None:
        super().__init__(message)
        self.nearest = list(nearest)


class SeriesConflict(ClinicError):
    """A recurring series could not be booked whole; nothing of it was booked."""

    def __init__(self, conflicts: Sequence[datetime]) -> None:
        dates = ", ".join(f"{c:%a %d %b %Y %H:%M}" for c in conflicts)
        super().__init__(f"Nothing was booked: these dates are not free: {dates}.")
        self.conflicts = list(conflicts)


class IdempotencyKeyReused(ClinicError):
    def __init__(self) -> None:
        super().__init__("This Idempotency-Key was already used for a different request.")


class TooLateToChange(ClinicError):
    """The clinic's cancellation policy: no online changes this close to the appointment."""

    def __init__(self, hours: int, phone: str) -> None:
        contact = f" Please call the clinic on {phone}." if phone else " Please contact the clinic."
        super().__init__(
            f"Appointments cannot be cancelled or moved online within {hours} hours of the start.{contact}"
        )
        self.hours = hours
        self.phone = phone


class AppointmentClosed(ClinicError):
    """The appointment is cancelled, completed or a no-show, and cannot be changed like that."""


class BadToken(ClinicError):
    def __init__(self) -> None:
        super().__init__("This link is not valid for this appointment.")
