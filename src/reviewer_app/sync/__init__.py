"""Offline-first sync client: protocol DTOs, HTTP client and the push/pull engine."""
