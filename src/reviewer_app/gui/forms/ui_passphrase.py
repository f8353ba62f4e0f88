# GENERATED FILE: DO NOT EDIT.
# Source: ui/passphrase.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'passphrase.ui'
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
    QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel,
    QLineEdit, QSizePolicy, QSpacerItem, QVBoxLayout,
    QWidget)

class Ui_PassphraseDialog(object):
    def setupUi(self, PassphraseDialog):
        if not PassphraseDialog.objectName():
            PassphraseDialog.setObjectName(u"PassphraseDialog")
        PassphraseDialog.resize(480, 380)
        self.mainLayout = QVBoxLayout(PassphraseDialog)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.headingLayout = QHBoxLayout()
        self.headingLayout.setSpacing(12)
        self.headingLayout.setObjectName(u"headingLayout")
        self.lockIcon = QLabel(PassphraseDialog)
        self.lockIcon.setObjectName(u"lockIcon")
        self.lockIcon.setMinimumSize(QSize(32, 32))
        self.lockIcon.setMaximumSize(QSize(32, 32))
        self.lockIcon.setScaledContents(True)

        self.headingLayout.addWidget(self.lockIcon)

        self.heading = QLabel(PassphraseDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setProperty(u"role", u"heading")

        self.headingLayout.addWidget(self.heading)

        self.headingSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headingLayout.addItem(self.headingSpacer)


        self.mainLayout.addLayout(self.headingLayout)

        self.explanation = QLabel(PassphraseDialog)
        self.explanation.setObjectName(u"explanation")
        self.explanation.setWordWrap(True)
        self.explanation.setProperty(u"role", u"muted")

        self.mainLayout.addWidget(self.explanation)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setHorizontalSpacing(14)
        self.passphraseLabel = QLabel(PassphraseDialog)
        self.passphraseLabel.setObjectName(u"passphraseLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.passphraseLabel)

        self.passphraseEdit = QLineEdit(PassphraseDialog)
        self.passphraseEdit.setObjectName(u"passphraseEdit")
        self.passphraseEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.passphraseEdit)

        self.confirmLabel = QLabel(PassphraseDialog)
        self.confirmLabel.setObjectName(u"confirmLabel")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.confirmLabel)

        self.confirmEdit = QLineEdit(PassphraseDialog)
        self.confirmEdit.setObjectName(u"confirmEdit")
        self.confirmEdit.setEchoMode(QLineEdit.Password)

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.confirmEdit)

        self.showCheck = QCheckBox(PassphraseDialog)
        self.showCheck.setObjectName(u"showCheck")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.showCheck)

        self.errorLabel = QLabel(PassphraseDialog)
        self.errorLabel.setObjectName(u"errorLabel")
        self.errorLabel.setWordWrap(True)
        self.errorLabel.setProperty(u"role", u"fieldError")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.errorLabel)


        self.mainLayout.addLayout(self.formLayout)

        self.bottomSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(PassphraseDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.passphraseLabel.setBuddy(self.passphraseEdit)
        self.confirmLabel.setBuddy(self.confirmEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.passphraseEdit, self.confirmEdit)
        QWidget.setTabOrder(self.confirmEdit, self.showCheck)
        QWidget.setTabOrder(self.showCheck, self.buttonBox)

        self.retranslateUi(PassphraseDialog)
    # setupUi

    def retranslateUi(self, PassphraseDialog):
        PassphraseDialog.setWindowTitle(QCoreApplication.translate("PassphraseDialog", u"Unlock your reviews", None))
#if QT_CONFIG(accessibility)
        PassphraseDialog.setAccessibleName(QCoreApplication.translate("PassphraseDialog", u"Passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("PassphraseDialog", u"Unlock your reviews", None))
        self.passphraseLabel.setText(QCoreApplication.translate("PassphraseDialog", u"&Passphrase", None))
#if QT_CONFIG(accessibility)
        self.passphraseEdit.setAccessibleName(QCoreApplication.translate("PassphraseDialog", u"Passphrase", None))
#endif // QT_CONFIG(accessibility)
        self.confirmLabel.setText(QCoreApplication.translate("PassphraseDialog", u"&Again", None))
#if QT_CONFIG(accessibility)
        self.confirmEdit.setAccessibleName(QCoreApplication.translate("PassphraseDialog", u"Passphrase again", None))
#endif // QT_CONFIG(accessibility)
        self.showCheck.setText(QCoreApplication.translate("PassphraseDialog", u"S&how passphrase", None))
#if QT_CONFIG(accessibility)
        self.showCheck.setAccessibleName(QCoreApplication.translate("PassphraseDialog", u"Show passphrase", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

