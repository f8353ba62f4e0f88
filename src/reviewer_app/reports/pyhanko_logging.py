"""Keep pyHanko's diagnostics in the log at INFO, not WARNING.

pyHanko logs a WARNING (often with a traceback) whenever a certificate chain cannot be built or a
revision fails difference analysis, and when revocation data is embedded without network
fetching. For Reviewer those are expected outcomes: :mod:`reviewer_app.reports.verification`
turns them into sentences in its result, and offline embedding of the trust's CRL is the design.
Left at WARNING they would reach the console of a command (Python's last-resort handler) and look
like failures of the program. The records still go to the log file, demoted to INFO.
"""

from __future__ import annotations

import logging

#: Loggers of pyHanko modules whose warnings describe the document under check.
PYHANKO_LOGGERS = (
    "pyhanko.sign.signers.pdf_signer",
    "pyhanko.sign.general",
    "pyhanko.sign.validation.generic_cms",
    "pyhanko.sign.validation.pdf_embedded",
    "pyhanko.sign.diff_analysis.policies",
    "pyhanko_certvalidator.name_trees",
    "pyhanko_certvalidator.util",
    "pyhanko_certvalidator.revinfo.validate_crl",
    "pyhanko_certvalidator.validate",
)


class _DemoteToInfo(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING:
            record.levelno = logging.INFO
            record.levelname = logging.getLevelName(logging.INFO)
        return True


_demote = _DemoteToInfo()


def demote_pyhanko_warnings() -> None:
    """Install the demoting filter on pyHanko's loggers (idempotent)."""
    for name in PYHANKO_LOGGERS:
        logger = logging.getLogger(name)
        if _demote not in logger.filters:
            logger.addFilter(_demote)
