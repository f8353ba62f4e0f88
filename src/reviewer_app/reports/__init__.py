"""PDF reports: reportlab rendering, pyHanko signing and offline verification.

The reports layer works from its own view model and never reads the store or framework files:

* :mod:`.document`: ``ReportDraft`` (a review's whole report content, each section carrying the
  audiences that may see it) -> ``ReportDraft.for_audience(key)`` -> ``ReportDocument`` with
  ``data_hash()``;
* :mod:`.render`: ``render_report(document) -> RenderedReport`` (PDF bytes, page count, data hash,
  signature boxes on the last page);
* :mod:`.signing`: ``prepare_for_signing(rendered, document)`` creates every signature field
  before anyone signs; ``sign_report(pdf, credentials, trust_roots=..., crls=...)`` signs the next
  field in order (first: certification, DocMDP form filling; then approvals);
* :mod:`.verification`: ``verify_report(pdf, trust_roots=..., crls=..., expected_data_hash=...)``
  returns a ``ReportVerification`` in sentences, or raises ``UnusableReportError``;
* :mod:`.ca` and :mod:`.keys`: the trust CA (``create_root``, ``issue_certificate``,
  ``self_issued_certificate``, ``build_crl``, ``CaFolder``) and reviewer keys (EC P-256, encrypted
  PKCS#8 or the OS keyring, ``certificate_request``, ``credentials``).

Sample drafts and a sample trust CA for tests, benchmarks and screenshots live with the tests
(``tests/support/sample_reports.py``), not in the product.
"""
