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
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QDialog,
    QDialogButtonBox, QFormLayout, QGroupBox, QLabel,
    QLineEdit, QSizePolicy, QSpacerItem, QSpinBox,
    QVBoxLayout, QWidget)

class Ui_SettingsDialog(object):
    def setupUi(self, SettingsDialog):
        if not SettingsDialog.objectName():
            SettingsDialog.setObjectName(u"SettingsDialog")
        SettingsDialog.resize(540, 400)
        self.mainLayout = QVBoxLayout(SettingsDialog)
        self.mainLayout.setSpacing(12)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.heading = QLabel(SettingsDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setProperty(u"role", u"heading")

        self.mainLayout.addWidget(self.heading)

        self.trustGroup = QGroupBox(SettingsDialog)
        self.trustGroup.setObjectName(u"trustGroup")
        self.trustLayout = QFormLayout(self.trustGroup)
        self.trustLayout.setObjectName(u"trustLayout")
        self.trustLayout.setHorizontalSpacing(14)
        self.serverLabel = QLabel(self.trustGroup)
        self.serverLabel.setObjectName(u"serverLabel")

        self.trustLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.serverLabel)

        self.serverEdit = QLineEdit(self.trustGroup)
        self.serverEdit.setObjectName(u"serverEdit")

        self.trustLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.serverEdit)

        self.serverError = QLabel(self.trustGroup)
        self.serverError.setObjectName(u"serverError")
        self.serverError.setWordWrap(True)
        self.serverError.setProperty(u"role", u"fieldError")

        self.trustLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.serverError)

        self.syncCheck = QCheckBox(self.trustGroup)
        self.syncCheck.setObjectName(u"syncCheck")

        self.trustLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.syncCheck)


        self.mainLayout.addWidget(self.trustGroup)

        self.screenGroup = QGroupBox(SettingsDialog)
        self.screenGroup.setObjectName(u"screenGroup")
        self.screenLayout = QFormLayout(self.screenGroup)
        self.screenLayout.setObjectName(u"screenLayout")
        self.screenLayout.setHorizontalSpacing(14)
        self.scaleLabel = QLabel(self.screenGroup)
        self.scaleLabel.setObjectName(u"scaleLabel")

        self.screenLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.scaleLabel)

        self.scaleSpin = QSpinBox(self.screenGroup)
        self.scaleSpin.setObjectName(u"scaleSpin")
        self.scaleSpin.setMinimum(100)
        self.scaleSpin.setMaximum(200)
        self.scaleSpin.setSingleStep(25)

        self.screenLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.scaleSpin)

        self.scaleNote = QLabel(self.screenGroup)
        self.scaleNote.setObjectName(u"scaleNote")
        self.scaleNote.setWordWrap(True)
        self.scaleNote.setProperty(u"role", u"muted")

        self.screenLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.scaleNote)


        self.mainLayout.addWidget(self.screenGroup)

        self.bottomSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(SettingsDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.serverLabel.setBuddy(self.serverEdit)
        self.scaleLabel.setBuddy(self.scaleSpin)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.serverEdit, self.syncCheck)
        QWidget.setTabOrder(self.syncCheck, self.scaleSpin)
        QWidget.setTabOrder(self.scaleSpin, self.buttonBox)

        self.retranslateUi(SettingsDialog)
    # setupUi

    def retranslateUi(self, SettingsDialog):
        SettingsDialog.setWindowTitle(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#if QT_CONFIG(accessibility)
        SettingsDialog.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Settings", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("SettingsDialog", u"Settings", None))
        self.trustGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Syncing with your trust", None))
        self.serverLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Server address", None))
#if QT_CONFIG(accessibility)
        self.serverEdit.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Trust server address", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.serverEdit.setAccessibleDescription(QCoreApplication.translate("SettingsDialog", u"Offered when you connect this laptop to your trust's server", None))
#endif // QT_CONFIG(accessibility)
        self.serverEdit.setPlaceholderText(QCoreApplication.translate("SettingsDialog", u"https://reviews.your-trust.org.uk", None))
        self.syncCheck.setText(QCoreApplication.translate("SettingsDialog", u"S&ync by itself when the trust server can be reached", None))
#if QT_CONFIG(accessibility)
        self.syncCheck.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Sync by itself when the trust server can be reached", None))
#endif // QT_CONFIG(accessibility)
        self.screenGroup.setTitle(QCoreApplication.translate("SettingsDialog", u"Screen", None))
        self.scaleLabel.setText(QCoreApplication.translate("SettingsDialog", u"&Interface size", None))
#if QT_CONFIG(accessibility)
        self.scaleSpin.setAccessibleName(QCoreApplication.translate("SettingsDialog", u"Interface size in percent", None))
#endif // QT_CONFIG(accessibility)
        self.scaleSpin.setSuffix(QCoreApplication.translate("SettingsDialog", u"%", None))
        self.scaleNote.setText(QCoreApplication.translate("SettingsDialog", u"A new interface size applies the next time Reviewer starts.", None))
    # retranslateUi

