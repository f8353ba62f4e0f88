"""The trust's sync server (FastAPI + SQLModel). Never imports the desktop GUI."""
