"""The encrypted local store: SQLModel tables on SQLCipher, Alembic migrations, the outbox."""
