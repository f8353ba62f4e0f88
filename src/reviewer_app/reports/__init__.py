"""PDF reports: reportlab rendering, pyHanko signing and offline verification."""
