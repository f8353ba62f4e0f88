"""The in-app report preview (QtPdf) and its export."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from reviewer_app.gui.report_preview import ReportPreview


def test_preview_shows_every_page_and_exports_the_same_bytes(
    qtbot: QtBot, signed_versions: list[bytes], tmp_path: Path
) -> None:
    preview = ReportPreview()
    qtbot.addWidget(preview)
    preview.resize(900, 700)
    preview.show_pdf(
        signed_versions[-1], title="Hollins Park Primary School: report for the school"
    )
    assert preview.page_count >= 5
    assert preview.pages_label.text() == f"{preview.page_count} pages"
    assert preview.export_button.isEnabled()
    target = tmp_path / "exported" / "report.pdf"
    target.parent.mkdir()
    with qtbot.waitSignal(preview.exported) as blocker:
        assert preview.export_to(target)
    assert blocker.args == [str(target)]
    assert target.read_bytes() == signed_versions[-1]


def test_export_to_an_unwritable_place_reports_a_sentence(
    qtbot: QtBot, signed_versions: list[bytes], tmp_path: Path
) -> None:
    preview = ReportPreview()
    qtbot.addWidget(preview)
    preview.show_pdf(signed_versions[0], title="Draft")
    with qtbot.waitSignal(preview.export_failed) as blocker:
        assert not preview.export_to(tmp_path / "no-such-folder" / "report.pdf")
    assert "could not be saved" in blocker.args[0]


def test_a_broken_pdf_is_not_offered_for_export(qtbot: QtBot) -> None:
    preview = ReportPreview()
    qtbot.addWidget(preview)
    preview.show_pdf(b"%PDF-1.7 not really", title="Broken")
    assert not preview.export_button.isEnabled()
    assert "could not be shown" in preview.title_label.text()
