from django.urls import path

from knotwork.clinic import views_booking, views_staff

app_name = "clinic"

urlpatterns = [
    # The client's booking flow: service -> therapist or anyone -> day -> time -> details.
    path("book/", views_booking.book, name="book"),
    path("book/times/", views_booking.times, name="times"),
    path("book/details/", views_booking.details, name="details"),
    path("book/appointment/<int:appointment_id>/<str:token>/", views_booking.manage, name="manage"),
    path("book/appointment/<int:appointment_id>/<str:token>/cancel/", views_booking.cancel, name="cancel"),
    path("book/appointment/<int:appointment_id>/<str:token>/move/", views_booking.move, name="move"),
    path("book/appointment/<int:appointment_id>/<str:token>/appointment.ics", views_booking.ics, name="ics"),
    # Staff: calendar and the rest, login required.
    path("clinic/", views_staff.calendar, name="calendar"),
    path("clinic/appointments/new/", views_staff.appointment_new, name="appointment-new"),
    path("clinic/appointments/<int:appointment_id>/", views_staff.appointment_detail, name="appointment"),
    path("clinic/therapists/<int:therapist_id>/hours/", views_staff.therapist_hours, name="hours"),
    path("clinic/waitlist/", views_staff.waitlist, name="waitlist"),
    path("clinic/messages/", views_staff.deliveries, name="deliveries"),
]
