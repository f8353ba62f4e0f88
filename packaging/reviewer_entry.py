"""Entry point of the frozen desktop build: the same ``reviewer-app`` command as the wheel's."""

from reviewer_app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
