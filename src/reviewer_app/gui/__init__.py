"""Everything that imports PySide6. Widgets never do disk or network work on the GUI thread."""
