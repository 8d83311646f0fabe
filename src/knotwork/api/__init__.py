"""Knotwork's public JSON API (django-ninja): ``/api/v1/`` and its OpenAPI schema."""
