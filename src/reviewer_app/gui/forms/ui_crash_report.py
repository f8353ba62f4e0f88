# GENERATED FILE: DO NOT EDIT.
# Source: ui/crash_report.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'crash_report.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QDialog, QDialogButtonBox,
    QHBoxLayout, QLabel, QPlainTextEdit, QPushButton,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_CrashReportDialog(object):
    def setupUi(self, CrashReportDialog):
        if not CrashReportDialog.objectName():
            CrashReportDialog.setObjectName(u"CrashReportDialog")
        CrashReportDialog.resize(620, 440)
        self.mainLayout = QVBoxLayout(CrashReportDialog)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.headingLayout = QHBoxLayout()
        self.headingLayout.setSpacing(12)
        self.headingLayout.setObjectName(u"headingLayout")
        self.warningIcon = QLabel(CrashReportDialog)
        self.warningIcon.setObjectName(u"warningIcon")
        self.warningIcon.setMinimumSize(QSize(32, 32))
        self.warningIcon.setMaximumSize(QSize(32, 32))
        self.warningIcon.setScaledContents(True)

        self.headingLayout.addWidget(self.warningIcon)

        self.heading = QLabel(CrashReportDialog)
        self.heading.setObjectName(u"heading")
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        sizePolicy.setHorizontalStretch(1)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.heading.sizePolicy().hasHeightForWidth())
        self.heading.setSizePolicy(sizePolicy)
        self.heading.setWordWrap(True)
        self.heading.setProperty(u"role", u"heading")

        self.headingLayout.addWidget(self.heading)


        self.mainLayout.addLayout(self.headingLayout)

        self.explanation = QLabel(CrashReportDialog)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setWordWrap(True)

        self.mainLayout.addWidget(self.explanation)

        self.reportText = QPlainTextEdit(CrashReportDialog)
        self.reportText.setObjectName(u"reportText")
        self.reportText.setReadOnly(True)
        self.reportText.setLineWrapMode(QPlainTextEdit.NoWrap)

        self.mainLayout.addWidget(self.reportText)

        self.logLocation = QLabel(CrashReportDialog)
        self.logLocation.setObjectName(u"logLocation")
        self.logLocation.setWordWrap(True)
        self.logLocation.setTextInteractionFlags(Qt.TextSelectableByMouse|Qt.TextSelectableByKeyboard)
        self.logLocation.setProperty(u"role", u"muted")

        self.mainLayout.addWidget(self.logLocation)

        self.buttonLayout = QHBoxLayout()
        self.buttonLayout.setObjectName(u"buttonLayout")
        self.copyButton = QPushButton(CrashReportDialog)
        self.copyButton.setObjectName(u"copyButton")
        self.copyButton.setAutoDefault(False)

        self.buttonLayout.addWidget(self.copyButton)

        self.buttonSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.buttonLayout.addItem(self.buttonSpacer)

        self.buttonBox = QDialogButtonBox(CrashReportDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Close)

        self.buttonLayout.addWidget(self.buttonBox)


        self.mainLayout.addLayout(self.buttonLayout)


        self.retranslateUi(CrashReportDialog)
    # setupUi

    def retranslateUi(self, CrashReportDialog):
        CrashReportDialog.setWindowTitle(QCoreApplication.translate("CrashReportDialog", u"Reviewer hit a problem", None))
#if QT_CONFIG(accessibility)
        CrashReportDialog.setAccessibleName(QCoreApplication.translate("CrashReportDialog", u"Crash report", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.reportText.setAccessibleName(QCoreApplication.translate("CrashReportDialog", u"Technical details of the problem", None))
#endif // QT_CONFIG(accessibility)
        self.copyButton.setText(QCoreApplication.translate("CrashReportDialog", u"&Copy details", None))
#if QT_CONFIG(accessibility)
        self.copyButton.setAccessibleName(QCoreApplication.translate("CrashReportDialog", u"Copy the technical details", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

