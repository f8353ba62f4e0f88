"""The review editor: generated from the framework a review is frozen to (see ``editor.py``).

Processes that show it start Qt through ``app.make_application``, which installs the guard
against PySide6's reference leak on ``None`` (``gui/none_refcount_guard.py``).
"""

from reviewer_app.gui.review_editor.editor import ReviewEditor
from reviewer_app.gui.review_editor.launcher import close_editors, open_editor

__all__ = ["ReviewEditor", "close_editors", "open_editor"]
