"""The clinic: therapists, rooms, services, working hours, clients, appointments and booking.

Writes go through :mod:`knotwork.clinic.services` (``appointment_book(*, ...)`` and friends),
reads through :mod:`knotwork.clinic.selectors`; the free-slot arithmetic is the pure
:mod:`knotwork.clinic.slots`, which imports no Django.
"""
