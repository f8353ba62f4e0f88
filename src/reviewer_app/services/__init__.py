"""Use cases the GUI and commands call. Composes storage, reports and sync; never shows UI."""
