"""Pure-Python domain: the review world as schools, people, visits, frameworks and reviews.

Nothing here imports Qt, SQLAlchemy, HTTP or PDF libraries (enforced by import-linter).
"""
