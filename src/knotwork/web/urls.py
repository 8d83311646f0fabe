from django.contrib import admin
from django.urls import include, path

from knotwork.api.ops import readyz
from knotwork.api.v1 import api as api_v1
from knotwork.web import plan_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("atlas/", views.atlas_index, name="atlas"),
    path("atlas/<slug:muscle_id>/", views.muscle_detail, name="muscle"),
    path("atlas/<slug:muscle_id>/referral.svg", views.muscle_svg, name="muscle-svg"),
    path("where/", views.where_it_hurts, name="where"),
    path("plan/", plan_views.plan_page, name="plan"),
    path("plan/handout/", plan_views.plan_handout, name="plan-handout"),
    path("plan/handout.pdf", plan_views.plan_pdf, name="plan-pdf"),
    path("plan/sessions.ics", plan_views.plan_calendar, name="plan-ics"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/v1/", api_v1.urls),
    path("", include("knotwork.clinic.urls")),
    path("admin/", admin.site.urls),
]
