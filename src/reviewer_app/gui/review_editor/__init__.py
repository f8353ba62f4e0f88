"""The review editor: generated from the framework a review is frozen to (see ``editor.py``)."""

from reviewer_app.gui.none_refcount_guard import guard

guard()  # the editor makes many Qt calls per keystroke; see none_refcount_guard

# ruff: noqa: E402

from reviewer_app.gui.review_editor.editor import ReviewEditor
from reviewer_app.gui.review_editor.launcher import close_editors, open_editor

__all__ = ["ReviewEditor", "close_editors", "open_editor"]
