"""Headless subcommands of ``reviewer-app``; one module each, imported only when named."""
