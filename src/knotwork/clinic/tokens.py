"""Signed links that let a client cancel or move an appointment without an account.

The token is an HMAC of the appointment's id (Django's signing, keyed by SECRET_KEY and a
salt of its own), so it cannot be guessed or moved to another appointment, and it needs no
table. It stays valid while the appointment exists; what it allows is limited by the
clinic's cancellation policy.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

SALT = "knotwork.clinic.appointment-link"


def appointment_token(appointment_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(appointment_id)).rsplit(":", 1)[1]


def token_is_valid(appointment_id: int, token: str) -> bool:
    return constant_time_compare(appointment_token(appointment_id), token or "")


def manage_path(appointment_id: int) -> str:
    return reverse("clinic:manage", args=[appointment_id, appointment_token(appointment_id)])
