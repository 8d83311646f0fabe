"""The API's shapes. Unknown keys are refused (422), never silently dropped."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from ninja import Schema
from pydantic import AwareDatetime, ConfigDict, Field, field_validator


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ServiceOut(Schema):
    id: int
    name: str
    description: str
    duration_minutes: int
    price: Decimal
    currency: str = "GBP"
    buffer_before_minutes: int
    buffer_after_minutes: int
    therapists: list[int] = Field(description="ids of the therapists who offer it")


class SlotOut(Schema):
    therapist: int
    start: str = Field(description="ISO 8601 with the clinic's UTC offset, e.g. 2026-03-30T10:00:00+01:00")
    end: str


class ClientIn(Strict):
    name: str = Field(min_length=1, max_length=120)
    email: str = Field(min_length=3, max_length=254)
    phone: str = Field(default="", max_length=40)
    consent_to_contact: bool = Field(default=False, description="reminders and messages about appointments")

    @field_validator("email")
    @classmethod
    def email_is_an_address(cls, value: str) -> str:
        # Checked here as well as in the booking service, so that a bad email is reported in
        # the same 422 as every other bad field.
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError("Please give an email address such as name@example.com.") from None
        return value


class AppointmentIn(Strict):
    service: int
    therapist: int | None = Field(default=None, description="omit or null: anyone free")
    start: AwareDatetime = Field(description="one of the starts offered by /availability, with its offset")
    client: ClientIn
    notes: str = Field(default="", max_length=1000)


class AppointmentOut(Schema):
    id: int
    service: int
    therapist: int
    start: str = Field(description="ISO 8601 with the clinic's UTC offset")
    end: str
    status: str = Field(description="booked, cancelled, completed or no_show")
    cancel_url: str = Field(description="page where the client can cancel or move it, no account needed")
    cancel_token: str = Field(description="for POST /appointments/{id}/cancel")


class CancelIn(Strict):
    token: str = Field(min_length=1, max_length=200)


class ErrorOut(Schema):
    detail: str
    code: str


class ConflictOut(ErrorOut):
    nearest: list[SlotOut] = Field(description="the free slots closest to the requested time")
    phone: str = ""
