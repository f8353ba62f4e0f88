"""Reviewer: offline-first school review capture, signed reports and sync to the trust.

This module is imported by every entry point, so it stays free of side effects and heavy imports.
"""

__version__ = "0.1.0"

APP_NAME = "Reviewer"
APP_ID = "reviewer-app"
ORG_NAME = "Reviewer"
ORG_DOMAIN = "reviewer.app"
