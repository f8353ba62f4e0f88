"""Qt item models over domain objects (the GUI's read-only view of the Workspace)."""
