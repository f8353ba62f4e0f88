"""Dialogs; the static ones use forms generated from ``ui/*.ui``."""
