"""The demo trust, shared by the desktop demo and the trust server's ``serve --demo``."""
