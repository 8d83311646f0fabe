"""Which SQL statements can change data.

One answer for the two places that watch statements go by: the availability cache, which
drops its rows after this process writes (``knotwork.clinic.livecache``), and the embedded
database's writer queue (``knotwork.sqlite``). Conservative: anything not known to be a read
or transaction control (an INSERT, a CTE that might write, DDL, TRUNCATE) counts as a write.
No Django here: the SQLite backend imports it while settings load.
"""

from __future__ import annotations

import re

_CANNOT_WRITE = re.compile(
    r"\s*(?:SELECT|SHOW|EXPLAIN|PRAGMA|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE
)


def may_write(sql: object) -> bool:
    """Whether ``sql`` (a statement, or anything else Django's cursors are given) may write."""
    return not (isinstance(sql, str) and _CANNOT_WRITE.match(sql))
