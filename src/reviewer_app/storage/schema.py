"""The store's schema revision and the Alembic upgrade run on every open.

:data:`REVISIONS` lists the revisions this version of the app knows, oldest first (a test checks
it against the migration scripts). Knowing them without Alembic lets a store already at head open
without importing Alembic at all, and lets a store from a newer app be refused before anything is
written.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: Every revision in ``storage/migrations/versions``, oldest first.
REVISIONS: tuple[str, ...] = ("0001", "0002", "0003", "0004", "0007", "0008", "0017")
HEAD = REVISIONS[-1]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def upgrade(engine: Engine, target: str = "head") -> None:
    """Upgrade the store to ``target`` in one ``BEGIN IMMEDIATE`` transaction.

    A failure rolls the whole upgrade back, so the store stays at its old revision. Foreign keys
    are off while migrations run: a batch migration rebuilds a table by copy, drop and rename,
    and with them on, dropping ``visit`` would cascade to ``visit_reviewer``. They are checked
    (``PRAGMA foreign_key_check``) before the upgrade commits.
    """
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        # Outside any transaction (SQLite ignores this pragma inside one).
        raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, target)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration to {target} broke foreign keys: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
    log.info("store schema upgraded to %s", target)
