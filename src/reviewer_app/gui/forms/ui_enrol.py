# GENERATED FILE: DO NOT EDIT.
# Source: ui/enrol.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'enrol.ui'
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
    QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_EnrolDialog(object):
    def setupUi(self, EnrolDialog):
        if not EnrolDialog.objectName():
            EnrolDialog.setObjectName(u"EnrolDialog")
        EnrolDialog.resize(520, 320)
        self.mainLayout = QVBoxLayout(EnrolDialog)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.headingLayout = QHBoxLayout()
        self.headingLayout.setSpacing(12)
        self.headingLayout.setObjectName(u"headingLayout")
        self.lockIcon = QLabel(EnrolDialog)
        self.lockIcon.setObjectName(u"lockIcon")
        self.lockIcon.setMinimumSize(QSize(32, 32))
        self.lockIcon.setMaximumSize(QSize(32, 32))
        self.lockIcon.setScaledContents(True)

        self.headingLayout.addWidget(self.lockIcon)

        self.heading = QLabel(EnrolDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setProperty(u"role", u"heading")

        self.headingLayout.addWidget(self.heading)

        self.headingSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headingLayout.addItem(self.headingSpacer)


        self.mainLayout.addLayout(self.headingLayout)

        self.explanation = QLabel(EnrolDialog)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setProperty(u"role", u"muted")

        self.mainLayout.addWidget(self.explanation)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setHorizontalSpacing(14)
        self.serverLabel = QLabel(EnrolDialog)
        self.serverLabel.setObjectName(u"serverLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.serverLabel)

        self.serverEdit = QLineEdit(EnrolDialog)
        self.serverEdit.setObjectName(u"serverEdit")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.serverEdit)

        self.codeLabel = QLabel(EnrolDialog)
        self.codeLabel.setObjectName(u"codeLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.codeLabel)

        self.codeEdit = QLineEdit(EnrolDialog)
        self.codeEdit.setObjectName(u"codeEdit")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.codeEdit)

        self.errorLabel = QLabel(EnrolDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setProperty(u"role", u"fieldError")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.errorLabel)

        self.busyLabel = QLabel(EnrolDialog)
        self.busyLabel.setObjectName(u"busyLabel")
        self.busyLabel.setWordWrap(True)
        self.busyLabel.setProperty(u"role", u"muted")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.busyLabel)


        self.mainLayout.addLayout(self.formLayout)

        self.bottomSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(EnrolDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.serverLabel.setBuddy(self.serverEdit)
        self.codeLabel.setBuddy(self.codeEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.serverEdit, self.codeEdit)
        QWidget.setTabOrder(self.codeEdit, self.buttonBox)

        self.retranslateUi(EnrolDialog)
    # setupUi

    def retranslateUi(self, EnrolDialog):
        EnrolDialog.setWindowTitle(QCoreApplication.translate("EnrolDialog", u"Connect to the trust server", None))
#if QT_CONFIG(accessibility)
        EnrolDialog.setAccessibleName(QCoreApplication.translate("EnrolDialog", u"Connect to the trust server", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("EnrolDialog", u"Connect to your trust's server", None))
        self.serverLabel.setText(QCoreApplication.translate("EnrolDialog", u"&Server address", None))
#if QT_CONFIG(accessibility)
        self.serverEdit.setAccessibleName(QCoreApplication.translate("EnrolDialog", u"Trust server address", None))
#endif // QT_CONFIG(accessibility)
        self.serverEdit.setPlaceholderText(QCoreApplication.translate("EnrolDialog", u"https://sync.your-trust.org.uk", None))
        self.codeLabel.setText(QCoreApplication.translate("EnrolDialog", u"One-time co&de", None))
#if QT_CONFIG(accessibility)
        self.codeEdit.setAccessibleName(QCoreApplication.translate("EnrolDialog", u"One-time enrolment code", None))
#endif // QT_CONFIG(accessibility)
        self.codeEdit.setPlaceholderText(QCoreApplication.translate("EnrolDialog", u"From your trust admin", None))
    # retranslateUi

