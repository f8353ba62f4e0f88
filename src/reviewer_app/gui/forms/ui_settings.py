# GENERATED FILE: DO NOT EDIT.
# Source: ui/settings.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'settings.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
    QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QSizePolicy, QSpacerItem, QSpinBox, QVBoxLayout,
    QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(540, 560)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setSpacing(12)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.heading = QLabel(SettingsDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setProperty(u"role", u"heading")

        self.mainLayout.addWidget(self.heading)

        self.youGroup = QGroupBox(SettingsDialog)
        self.youGroup.setObjectName(u"youGroup")
        self.youLayout = QFormLayout(self.youGroup)
        self.youLayout.setObjectName(u"youLayout")
        self.youLayout.setHorizontalSpacing(14)
        self.nameLabel = QLabel(self.youGroup)
        self.nameLabel.setObjectName(u"nameLabel")

        self.youLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameEdit = QLineEdit(self.youGroup)
        self.nameEdit.setObjectName(u"nameEdit")

        self.youLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.nameEdit)

        self.emailLabel = QLabel(self.youGroup)
        self.emailLabel.setObjectName(u"emailLabel")

        self.youLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.emailLabel)

        self.emailEdit = QLineEdit(self.youGroup)
        self.emailEdit.setObjectName(u"emailEdit")

        self.youLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.emailEdit)

        self.emailError = QLabel(self.youGroup)
        self.emailError.setObjectName(u"emailError")
        self.emailError.setWordWrap(True)
        self.emailError.setProperty(u"role", u"fieldError")

        self.youLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.emailError)


        self.mainLayout.addWidget(self.youGroup)

        self.trustGroup = QGroupBox(SettingsDialog)
        self.trustGroup.setObjectName(u"trustGroup")
        self.trustLayout = QFormLayout(self.trustGroup)
        self.trustLayout.setObjectName(u"trustLayout")
        self.trustLayout.setHorizontalSpacing(14)
        self.profileLabel = QLabel(self.trustGroup)
        self.profileLabel.setObjectName(u"profileLabel")

        self.trustLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.profileLabel)

        self.profileCombo = QComboBox(self.trustGroup)
        self.profileCombo.setObjectName(u"profileCombo")

        self.trustLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.profileCombo)

        self.serverLabel = QLabel(self.trustGroup)
        self.serverLabel.setObjectName(u"serverLabel")

        self.trustLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.serverLabel)

        self.serverEdit = QLineEdit(self.trustGroup)
        self.serverEdit.setObjectName(u"serverEdit")

        self.trustLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.serverEdit)

        self.serverError = QLabel(self.trustGroup)
        self.serverError.setObjectName(u"serverError")
        self.serverError.setWordWrap(True)
        self.serverError.setProperty(u"role", u"fieldError")

        self.trustLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.serverError)

        self.syncCheck = QCheckBox(self.trustGroup)
        self.syncCheck.setObjectName(u"syncCheck")

        self.trustLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.syncCheck)


        self.mainLayout.addWidget(self.trustGroup)

        self.workGroup = QGroupBox(SettingsDialog)
        self.workGroup.setObjectName(u"workGroup")
        self.workLayout = QFormLayout(self.workGroup)
        self.workLayout.setObjectName(u"workLayout")
        self.workLayout.setHorizontalSpacing(14)
        self.autosaveLabel = QLabel(self.workGroup)
        self.autosaveLabel.setObjectName(u"autosaveLabel")

        self.workLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.autosaveLabel)

        self.autosaveSpin = QSpinBox(self.workGroup)
        self.autosaveSpin.setObjectName(u"autosaveSpin")
        self.autosaveSpin.setMinimum(100)
        self.autosaveSpin.setMaximum(1000)
        self.autosaveSpin.setSingleStep(100)

        self.workLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.autosaveSpin)

        self.reportFolderLabel = QLabel(self.workGroup)
        self.reportFolderLabel.setObjectName(u"reportFolderLabel")

        self.workLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.reportFolderLabel)

        self.reportFolderLayout = QHBoxLayout()
        self.reportFolderLayout.setObjectName(u"reportFolderLayout")
        self.reportFolderEdit = QLineEdit(self.workGroup)
        self.reportFolderEdit.setObjectName(u"reportFolderEdit")

        self.reportFolderLayout.addWidget(self.reportFolderEdit)

        self.reportFolderButton = QPushButton(self.workGroup)
        self.reportFolderButton.setObjectName(u"reportFolderButton")
        self.reportFolderButton.setAutoDefault(False)

        self.reportFolderLayout.addWidget(self.reportFolderButton)


        self.workLayout.setLayout(1, QFormLayout.ItemRole.FieldRole, self.reportFolderLayout)

        self.scaleLabel = QLabel(self.workGroup)
        self.scaleLabel.setObjectName(u"scaleLabel")

        self.workLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.scaleLabel)

        self.scaleSpin = QSpinBox(self.workGroup)
        self.scaleSpin.setObjectName(u"scaleSpin")
        self.scaleSpin.setMinimum(100)
        self.scaleSpin.setMaximum(200)
        self.scaleSpin.setSingleStep(25)

        self.workLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.scaleSpin)

        self.scaleNote = QLabel(self.workGroup)
        self.scaleNote.setObjectName(u"scaleNote")
        self.scaleNote.setWordWrap(True)
        self.scaleNote.setProperty(u"role", u"muted")

        self.workLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.scaleNote)


        self.mainLayout.addWidget(self.workGroup)

        self.bottomSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.nameLabel.setBuddy(self.nameEdit)
        self.emailLabel.setBuddy(self.emailEdit)
        self.profileLabel.setBuddy(self.profileCombo)
        self.serverLabel.setBuddy(self.serverEdit)
        self.autosaveLabel.setBuddy(self.autosaveSpin)
        self.reportFolderLabel.setBuddy(self.reportFolderEdit)
        self.scaleLabel.setBuddy(self.scaleSpin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.nameEdit, self.emailEdit)
        QWidget.setTabOrder(self.emailEdit, self.profileCombo)
        QWidget.setTabOrder(self.profileCombo, self.serverEdit)
        QWidget.setTabOrder(self.serverEdit, self.syncCheck)
        QWidget.setTabOrder(self.syncCheck, self.autosaveSpin)
        QWidget.setTabOrder(self.autosaveSpin, self.reportFolderEdit)
        QWidget.setTabOrder(self.reportFolderEdit, self.reportFolderButton)
        QWidget.setTabOrder(self.reportFolderButton, self.scaleSpin)
        QWidget.setTabOrder(self.scaleSpin, self.buttonBox)

        self.retranslateUi(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#if QT_CONFIG(accessibility)
        SettingsDialog.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("SettingsDialog", u"Settings", None))
        self.youGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"You", None))
        self.nameLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Name", None))
#if QT_CONFIG(accessibility)
        self.nameEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Your name", None))
#endif // QT_CONFIG(accessibility)
        self.nameEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"As it should appear on reports", None))
        self.emailLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Email", None))
#if QT_CONFIG(accessibility)
        self.emailEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Your email address", None))
#endif // QT_CONFIG(accessibility)
        self.emailEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"name@trust.org.uk", None))
        self.trustGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Trust and sync", None))
        self.profileLabel.setText(QCoreApplication.translate("SettingsDialog", u"Trust &profile", None))
#if QT_CONFIG(accessibility)
        self.profileCombo.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Trust profile", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.profileCombo.setAccessibleDescription(QCoreApplication.translate("SettingsDialog", u"Which frameworks, categorisation and branding your trust uses", None))
#endif // QT_CONFIG(accessibility)
        self.serverLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Server address", None))
#if QT_CONFIG(accessibility)
        self.serverEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Trust server address", None))
#endif // QT_CONFIG(accessibility)
        self.serverEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"https://reviews.your-trust.org.uk", None))
        self.syncCheck.setText(QCoreApplication.translate("SettingsDialog", u"S&ync automatically when online", None))
#if QT_CONFIG(accessibility)
        self.syncCheck.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Sync automatically when online", None))
#endif // QT_CONFIG(accessibility)
        self.workGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Working", None))
        self.autosaveLabel.setText(QCoreApplication.translate("SettingsDialog", u"Save &after typing stops", None))
#if QT_CONFIG(accessibility)
        self.autosaveSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Autosave delay in milliseconds", None))
#endif // QT_CONFIG(accessibility)
        self.autosaveSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u" ms", None))
        self.reportFolderLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Reports folder", None))
#if QT_CONFIG(accessibility)
        self.reportFolderEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Folder for exported reports", None))
#endif // QT_CONFIG(accessibility)
        self.reportFolderEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"Ask each time", None))
        self.reportFolderButton.setText(QCoreApplication.translate("SettingsDialog", u"&Browse\u2026", None))
#if QT_CONFIG(accessibility)
        self.reportFolderButton.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Choose the reports folder", None))
#endif // QT_CONFIG(accessibility)
        self.scaleLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Interface size", None))
#if QT_CONFIG(accessibility)
        self.scaleSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Interface size in percent", None))
#endif // QT_CONFIG(accessibility)
        self.scaleSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u"%", None))
        self.scaleNote.setText(QCoreApplication.translate("SettingsDialog", u"A new interface size applies the next time Reviewer starts.", None))
    # retranslateUi

