"""Knotwork: trigger point therapy, from the atlas to the clinic."""

__version__ = "0.1.0"
