"""The demo trust: invented schools, people, a year of visits, filled-in reviews, categories and
signed reports, so ``reviewer-app --demo`` looks alive.

A layer above ``services``: the composition root (``app.py``, the commands) plugs
:class:`~reviewer_app.demo.demo_trust.DemoTrust` into ``Workspace.open``, and services only call
the hooks of ``services.workspace.BuiltInTrust``; an import contract forbids ``services`` (and
the layers below it, and ``gui``) from importing this package. Nothing is imported here, so a
module of the package that holds only data can be read without the store: ``trust_data`` (the
schools, people and visits, domain objects only) is what the trust server's ``serve --demo``
seeds too, so the console and the app show the same trust.
"""
