from django.contrib import admin
from django.urls import path

from knotwork.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("atlas/", views.atlas_index, name="atlas"),
    path("atlas/<slug:muscle_id>/", views.muscle_detail, name="muscle"),
    path("atlas/<slug:muscle_id>/referral.svg", views.muscle_svg, name="muscle-svg"),
    path("where/", views.where_it_hurts, name="where"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
