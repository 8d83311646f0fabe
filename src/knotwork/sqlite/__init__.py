"""Django's SQLite backend, with write transactions queued on an operating-system lock.

See :mod:`knotwork.sqlite.base`.
"""
