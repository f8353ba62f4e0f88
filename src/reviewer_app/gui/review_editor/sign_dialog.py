"""The Sign report dialog: who signs in which order, who has, and the person's own signature
when it is their turn; the signed versions, each to open or export.

Everything the dialog shows comes from :func:`services.report_sign_off.sign_off_status`, read on
a reader thread; signing (:meth:`ReportService.sign`) runs there too, and a refusal from the
service (not ready, not your turn, the review changed since the last signature, a key that
needs its passphrase) comes back as the sentence it raised.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.wording import mid_sentence
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.review_editor.report_windows import (
    BeforeWork,
    ReportWindow,
    ServiceFactory,
    default_audience,
    fill_audiences,
    load_audiences,
    no_wait,
    report_file_name,
    suggested_path,
)
from reviewer_app.gui.screen_fit import fit_window

if TYPE_CHECKING:
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.report_service import SignResult
    from reviewer_app.services.report_sign_off import AudienceChoice, SignOffStatus
    from reviewer_app.storage.signed_report_repository import SignedReportVersion


#: How the Sign report dialog names the trust's long-term version of a fully signed report.
LONG_TERM_LABEL = "fully signed, with long-term validation data, kept by the trust"


def _when(moment: Any) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y at %H:%M}"


class SignReportDialog(QDialog):
    """Sign the visit's report for one audience, in the framework's order.

    Signals:
        report_signed(object): the person's signature was added (a :class:`SignResult`).
        signing_refused(str): the service refused or signing failed; the sentence says why.
        version_exported(str): a signed version was written to this path.
    """

    report_signed = Signal(object)
    signing_refused = Signal(str)
    version_exported = Signal(str)

    def __init__(
        self,
        tasks: TaskRunner,
        service: ServiceFactory,
        visit_id: str,
        *,
        file_stem: str,
        audience: str | None = None,
        before_work: BeforeWork | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Sign report")
        self.setObjectName("signReportDialog")
        fit_window(self, "signReportDialog", (640, 600))
        self.tasks = tasks
        self.service = service
        self.visit_id = visit_id
        self.file_stem = file_stem
        self.before_work: BeforeWork = before_work or no_wait
        self.wanted = audience
        self.status: SignOffStatus | None = None
        self._request = 0

        self.audience_combo = QComboBox(self)
        self.audience_combo.setObjectName("signAudience")
        self.audience_combo.setAccessibleName("Report to sign")
        self.summary = QLabel("Reading the sign-off…", self)
        self.summary.setObjectName("signSummary")
        font = self.summary.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.summary.setFont(font)
        self.summary.setWordWrap(True)
        self.order_list = QListWidget(self)
        self.order_list.setObjectName("signingOrder")
        self.order_list.setAccessibleName("Who signs, in order")
        #: Who may sign in any order among themselves (hidden when nobody may).
        self.order_note = _sentence_label(self, "signOrderNote", role="muted")
        self.order_note.setVisible(False)
        self.turn = _sentence_label(self, "signTurn")
        #: Why signed versions sent or received through sync were not kept (hidden when none).
        self.sync_refusals = _sentence_label(self, "signSyncRefusals", state="blocked")
        self.sync_refusals.setVisible(False)
        self.passphrase = QLineEdit(self)
        self.passphrase.setObjectName("signingPassphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName("Signing key passphrase")
        self.passphrase_note = QLabel(self)
        self.passphrase_note.setProperty("role", "muted")
        self.passphrase_note.setWordWrap(True)
        self.sign_button = QPushButton("Sign", self)
        self.sign_button.setObjectName("signReport")
        self.sign_button.setProperty("primary", True)
        self.sign_button.setEnabled(False)
        self.message = QLabel(self)
        self.message.setObjectName("signMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.versions_list = QListWidget(self)
        self.versions_list.setObjectName("signedVersions")
        self.versions_list.setAccessibleName("Signed versions of this report")
        # A long row (the trust's long-term version) wraps rather than scroll sideways.
        self.versions_list.setWordWrap(True)
        self.versions_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.open_button = QPushButton("Open", self)
        self.open_button.setObjectName("openSignedReport")
        self.export_button = QPushButton("Export PDF…", self)
        self.export_button.setObjectName("exportSignedReport")
        for button in (self.open_button, self.export_button):
            button.setEnabled(False)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Report:", self.audience_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        order_label = QLabel("Signatures, in the order they are given:", self)
        layout.addWidget(order_label)
        layout.addWidget(self.order_list, 1)
        layout.addWidget(self.order_note)
        layout.addWidget(self.turn)
        layout.addWidget(self.sync_refusals)
        key_row = QFormLayout()
        self.passphrase_label = QLabel("Signing key &passphrase:", self)
        self.passphrase_label.setBuddy(self.passphrase)
        key_row.addRow(self.passphrase_label, self.passphrase)
        layout.addLayout(key_row)
        layout.addWidget(self.passphrase_note)
        sign_row = QHBoxLayout()
        sign_row.addWidget(self.sign_button)
        sign_row.addStretch(1)
        layout.addLayout(sign_row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Signed versions:", self))
        layout.addWidget(self.versions_list, 1)
        versions_row = QHBoxLayout()
        versions_row.addWidget(self.open_button)
        versions_row.addWidget(self.export_button)
        versions_row.addStretch(1)
        layout.addLayout(versions_row)
        layout.addWidget(close)

        # Enter (in the passphrase too) signs when it is the person's turn, and nothing else.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(False)
        self.sign_button.setDefault(True)
        self.audience_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.sign_button.clicked.connect(self.sign)
        self.versions_list.currentRowChanged.connect(self._version_chosen)
        self.versions_list.itemActivated.connect(lambda _item: self.open_version())
        self.open_button.clicked.connect(lambda: self.open_version())
        self.export_button.clicked.connect(self._choose_export_path)
        self._load_audiences()

    # ------------------------------------------------------------------ reading

    @property
    def audience(self) -> str | None:
        key = self.audience_combo.currentData()
        return key if isinstance(key, str) else None

    def _load_audiences(self) -> None:
        load_audiences(self, self._audiences_arrived, self._failed)

    def _audiences_arrived(self, choices: list[AudienceChoice]) -> None:
        fill_audiences(self.audience_combo, choices)
        chosen = default_audience(choices, self.wanted)
        if chosen is None:
            self.summary.setText("There is no report of this review you may sign.")
            return
        index = self.audience_combo.findData(chosen)
        if index == self.audience_combo.currentIndex():
            self.refresh()
        else:
            self.audience_combo.setCurrentIndex(index)

    def choose_audience(self, key: str) -> None:
        index = self.audience_combo.findData(key)
        if index < 0:
            raise KeyError(key)
        self.audience_combo.setCurrentIndex(index)

    def refresh(self) -> None:
        """Read where the sign-off stands (in the background) and show it."""
        audience = self.audience
        if audience is None:
            return
        self._request += 1
        request = self._request
        self.sign_button.setEnabled(False)
        from_service, visit_id, before = self.service, self.visit_id, self.before_work()

        def read() -> SignOffStatus:
            from reviewer_app.services.report_sign_off import sign_off_status

            before()
            return sign_off_status(from_service(), visit_id, audience)

        def done(status: SignOffStatus) -> None:
            if request == self._request:
                self.show_status(status)

        self.tasks.run(read, on_done=done, on_failed=self._failed, context=self)

    def show_status(self, status: SignOffStatus) -> None:
        self.status = status
        self.summary.setText(status.summary)
        self.order_note.setText(status.any_order_note)
        self.order_note.setVisible(bool(status.any_order_note))
        self.sync_refusals.setText("\n".join(status.sync_refusals))
        self.sync_refusals.setVisible(bool(status.sync_refusals))
        self.order_list.clear()
        for slot in status.slots:
            who = f"{slot.order}. {slot.person_name}, {mid_sentence(slot.role_label)}"
            if slot.signed_at is not None:
                text = f"✓  {who}: signed on {_when(slot.signed_at)}"
            elif slot.is_next and slot.any_order:
                text = f"→  {who}: may sign now"
            elif slot.is_next:
                text = f"→  {who}: signs next"
            else:
                text = f"    {who}: waiting"
            item = QListWidgetItem(text)
            if slot.is_next:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            self.order_list.addItem(item)
        if status.my_turn:
            upcoming = status.next_slot
            role = mid_sentence(upcoming.role_label) if upcoming is not None else ""
            self.turn.setText(f"It is your turn to sign, as {role}.")
        elif status.complete:
            self.turn.setText("Every signature is on it: open or export the signed report below.")
        else:
            self.turn.setText(status.refusal)
        self.passphrase_note.setVisible(not status.complete)
        self.sign_button.setVisible(not status.complete)
        # On an enrolled laptop the key made at enrolment signs: there is no passphrase to give.
        self.passphrase_label.setVisible(not status.complete and not status.enrolled)
        self.passphrase.setVisible(not status.complete and not status.enrolled)
        self.turn.setProperty("state", "ok" if status.my_turn else "blocked")
        self.turn.style().polish(self.turn)
        self.sign_button.setText(f"Sign as {status.person_name}")
        self.sign_button.setEnabled(status.my_turn)
        self.passphrase.setEnabled(status.my_turn)
        if status.enrolled:
            self.passphrase_note.setText(
                "You sign with the key made when this laptop was enrolled, certified by the "
                "trust. Your signature goes to the trust, and to the next signer, at the next sync."
            )
        elif status.key_needs_passphrase:
            self.passphrase_note.setText(
                "Your signing key is kept in a file protected by a passphrase: enter it to sign."
            )
        else:
            self.passphrase_note.setText(
                "Leave empty to keep your signing key in the system keyring, or choose a "
                "passphrase to keep it in a file protected by it."
            )
        self._show_versions(status.versions)

    def _show_versions(self, versions: tuple[SignedReportVersion, ...]) -> None:
        self.versions_list.clear()
        for version in reversed(versions):  # newest first: the one people want
            if self._long_term(version):
                # The trust's copy: the same signatures as the fully signed version below it,
                # so the row says what it adds and when, rather than repeat that row.
                text = f"{LONG_TERM_LABEL}: added on {_when(version.signed_at)}"
            else:
                state = (
                    "fully signed"
                    if version.complete
                    else f"{version.signer_count} of {version.required_count} signatures"
                )
                text = f"{state}: {version.signer_name} signed on {_when(version.signed_at)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, version)
            self.versions_list.addItem(item)
        if versions:
            self.versions_list.setCurrentRow(0)
        self._version_chosen(self.versions_list.currentRow())

    def _version_chosen(self, row: int) -> None:
        chosen = row >= 0
        self.open_button.setEnabled(chosen)
        self.export_button.setEnabled(chosen)

    def current_version(self) -> SignedReportVersion | None:
        item = self.versions_list.currentItem()
        version: SignedReportVersion | None = (
            item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        )
        return version

    # ------------------------------------------------------------------ signing

    def sign(self) -> None:
        """Add the person's signature (in the background); the service may still refuse."""
        status = self.status
        if status is None or not self.sign_button.isEnabled():
            return
        audience = status.audience
        passphrase = self.passphrase.text() or None
        self.sign_button.setEnabled(False)
        self.message.setText("Signing…")
        from_service, visit_id, before = self.service, self.visit_id, self.before_work()

        def work() -> tuple[list[SignResult], SignOffStatus]:
            from reviewer_app.services.report_sign_off import sign_off_status

            before()
            service = from_service()
            # One signing act: this report and every other audience's whose turn it is.
            first = service.sign(visit_id, audience, passphrase=passphrase)
            others: list[SignResult] = []
            with contextlib.suppress(ReviewerError):  # no other audience waits for it
                others = service.sign_every_audience(visit_id, passphrase=passphrase)
            return [first, *others], sign_off_status(service, visit_id, audience)

        self.tasks.run(work, on_done=self._signed, on_failed=self._sign_failed, context=self)

    def _signed(self, outcome: tuple[list[SignResult], SignOffStatus]) -> None:
        results, status = outcome
        result = results[0]
        self.passphrase.clear()
        self.show_status(status)
        version = result.version
        lines = [
            f"Signed as {version.signer_name}: {version.signer_count} of "
            f"{version.required_count} signatures."
        ]
        if len(results) > 1:
            lines.append(
                f"The same signature is on the other {len(results) - 1} "
                f"report{'s' if len(results) > 2 else ''} of this review."
            )
        if result.queued:
            lines.append("It goes to the trust, and to the next signer, at the next sync.")
        if not result.certified_by_trust:
            lines.append(
                "Your certificate is self-issued, so verifiers will say the signature is not "
                "certified by the trust. Enrol with the trust to get one that is."
            )
        if any(r.locked for r in results):
            lines.append("Every required signature is on the report; the review is now locked.")
        self.message.setText(" ".join(lines))
        self.report_signed.emit(result)

    def _sign_failed(self, error: BaseException) -> None:
        sentence = failure_sentence(
            error, "The report could not be signed. The details are in the log."
        )
        self.message.setText(sentence)
        self.signing_refused.emit(sentence)
        self.refresh()  # the sign-off may have moved on meanwhile

    def _failed(self, error: BaseException) -> None:
        sentence = failure_sentence(
            error, "The sign-off could not be read. The details are in the log."
        )
        self.summary.setText(sentence)
        self.signing_refused.emit(sentence)

    # ------------------------------------------------------------------ signed versions

    def _long_term(self, version: SignedReportVersion) -> bool:
        return self.status is not None and version.id in self.status.long_term_ids

    def _version_name(self, version: SignedReportVersion) -> str:
        status = self.status
        label = status.audience_label if status is not None else version.audience
        if self._long_term(version):
            state = " (signed, long-term)"
        elif version.complete:
            state = " (signed)"
        else:
            state = f" (signed by {version.signer_count} of {version.required_count})"
        return report_file_name(self.file_stem, label, state)

    def open_version(self, version: SignedReportVersion | None = None) -> ReportWindow | None:
        """Show a signed version (the chosen one by default) in its own window."""
        version = version or self.current_version()
        if version is None:
            return None
        label = self.status.audience_label if self.status is not None else version.audience
        window = ReportWindow(f"Signed report · {label}", self)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show_pdf(
            version.pdf,
            title=f"{label}, signed by {version.signer_count} of {version.required_count}",
            file_name=self._version_name(version),
            note=f"Last signed by {version.signer_name} on {_when(version.signed_at)}.",
        )
        window.show()
        return window

    def export_version(self, path: Path, version: SignedReportVersion | None = None) -> None:
        """Write a signed version (the chosen one by default) to ``path`` in the background."""
        version = version or self.current_version()
        if version is None:
            return
        pdf = version.pdf

        def write() -> Path:
            from reviewer_app.domain.errors import ReviewerError

            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pdf)
            except OSError as exc:
                raise ReviewerError(
                    f"The signed report could not be saved to {path} ({exc.strerror or exc}).",
                    hint="Choose a folder you may write to.",
                ) from None
            return path

        def done(written: Path) -> None:
            self.message.setText(f"Saved the signed report to {written}.")
            self.version_exported.emit(str(written))

        def failed(error: BaseException) -> None:
            self.message.setText(
                failure_sentence(
                    error, "The signed report could not be saved. The details are in the log."
                )
            )

        self.tasks.run(write, on_done=done, on_failed=failed, context=self)

    def _choose_export_path(self) -> None:
        version = self.current_version()
        if version is None:
            return
        path = self.ask_export_path(self._version_name(version))
        if path:
            self.export_version(Path(path), version)

    def ask_export_path(self, name: str) -> str:
        """Where to save a signed version called ``name`` ("" when the person cancels)."""
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export signed report", suggested_path(name), "PDF files (*.pdf)"
        )
        return path


def _sentence_label(parent: QWidget, name: str, **properties: str) -> QLabel:
    """A wrapping plain-text label for sentences, with style properties (role, state)."""
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    for key, value in properties.items():
        label.setProperty(key, value)
    return label
