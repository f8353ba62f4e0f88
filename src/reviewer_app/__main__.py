"""``python -m reviewer_app`` behaves exactly like the ``reviewer-app`` command."""

from reviewer_app.cli import main

raise SystemExit(main())
