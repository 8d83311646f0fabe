"""The Knotwork web app (Django): the atlas pages now, the clinic later."""
