"""The review editor: generated from the framework a review is frozen to (see ``editor.py``)."""

from reviewer_app.gui.review_editor.editor import ReviewEditor
from reviewer_app.gui.review_editor.launcher import install, open_editor

__all__ = ["ReviewEditor", "install", "open_editor"]
