# GENERATED FILE: DO NOT EDIT.
# Source: ui/about.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'about.ui'
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
    QFormLayout, QGroupBox, QHBoxLayout, QLabel,
    QSizePolicy, QSpacerItem, QVBoxLayout, QWidget)

class Ui_AboutDialog(object):
    def setupUi(self, AboutDialog):
        if not AboutDialog.objectName():
            AboutDialog.setObjectName(u"AboutDialog")
        AboutDialog.resize(480, 340)
        self.mainLayout = QVBoxLayout(AboutDialog)
        self.mainLayout.setSpacing(10)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 22, 24, 18)
        self.headingLayout = QHBoxLayout()
        self.headingLayout.setSpacing(16)
        self.headingLayout.setObjectName(u"headingLayout")
        self.logo = QLabel(AboutDialog)
        self.logo.setObjectName(u"logo")
        self.logo.setMinimumSize(QSize(64, 64))
        self.logo.setMaximumSize(QSize(64, 64))
        self.logo.setScaledContents(True)

        self.headingLayout.addWidget(self.logo)

        self.titleLayout = QVBoxLayout()
        self.titleLayout.setSpacing(2)
        self.titleLayout.setObjectName(u"titleLayout")
        self.appName = QLabel(AboutDialog)
        self.appName.setObjectName(u"appName")
        self.appName.setProperty(u"role", u"heading")

        self.titleLayout.addWidget(self.appName)

        self.version = QLabel(AboutDialog)
        self.version.setObjectName(u"version")
        self.version.setProperty(u"role", u"muted")

        self.titleLayout.addWidget(self.version)


        self.headingLayout.addLayout(self.titleLayout)

        self.headingSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.headingLayout.addItem(self.headingSpacer)


        self.mainLayout.addLayout(self.headingLayout)

        self.description = QLabel(AboutDialog)
        self.description.setObjectName(u"description")
        self.description.setWordWrap(True)

        self.mainLayout.addWidget(self.description)

        self.whereGroup = QGroupBox(AboutDialog)
        self.whereGroup.setObjectName(u"whereGroup")
        self.whereLayout = QFormLayout(self.whereGroup)
        self.whereLayout.setObjectName(u"whereLayout")
        self.whereLayout.setHorizontalSpacing(12)
        self.dataLabel = QLabel(self.whereGroup)
        self.dataLabel.setObjectName(u"dataLabel")

        self.whereLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.dataLabel)

        self.dataPath = QLabel(self.whereGroup)
        self.dataPath.setObjectName(u"dataPath")
        self.dataPath.setWordWrap(True)
        self.dataPath.setTextInteractionFlags(Qt.TextSelectableByMouse|Qt.TextSelectableByKeyboard)

        self.whereLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.dataPath)

        self.logsLabel = QLabel(self.whereGroup)
        self.logsLabel.setObjectName(u"logsLabel")

        self.whereLayout.setWidget(1, QFormLayout.ItemRole.LabelRole, self.logsLabel)

        self.logsPath = QLabel(self.whereGroup)
        self.logsPath.setObjectName(u"logsPath")
        self.logsPath.setWordWrap(True)
        self.logsPath.setTextInteractionFlags(Qt.TextSelectableByMouse|Qt.TextSelectableByKeyboard)

        self.whereLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.logsPath)

        self.qtLabel = QLabel(self.whereGroup)
        self.qtLabel.setObjectName(u"qtLabel")

        self.whereLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.qtLabel)

        self.qtVersion = QLabel(self.whereGroup)
        self.qtVersion.setObjectName(u"qtVersion")

        self.whereLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.qtVersion)


        self.mainLayout.addWidget(self.whereGroup)

        self.bottomSpacer = QSpacerItem(10, 10, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.bottomSpacer)

        self.buttonBox = QDialogButtonBox(AboutDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Close)

        self.mainLayout.addWidget(self.buttonBox)


        self.retranslateUi(AboutDialog)
    # setupUi

    def retranslateUi(self, AboutDialog):
        AboutDialog.setWindowTitle(QCoreApplication.translate("AboutDialog", u"About Reviewer", None))
#if QT_CONFIG(accessibility)
        AboutDialog.setAccessibleName(QCoreApplication.translate("AboutDialog", u"About Reviewer", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.logo.setAccessibleName(QCoreApplication.translate("AboutDialog", u"Reviewer logo", None))
#endif // QT_CONFIG(accessibility)
        self.appName.setText(QCoreApplication.translate("AboutDialog", u"Reviewer", None))
        self.description.setText(QCoreApplication.translate("AboutDialog", u"School reviews captured offline: learning walks, safeguarding audits and peer reviews, with signed reports and sync to your trust.", None))
        self.whereGroup.setTitle(QCoreApplication.translate("AboutDialog", u"Where Reviewer keeps things", None))
        self.dataLabel.setText(QCoreApplication.translate("AboutDialog", u"Data", None))
#if QT_CONFIG(accessibility)
        self.dataPath.setAccessibleName(QCoreApplication.translate("AboutDialog", u"Data folder", None))
#endif // QT_CONFIG(accessibility)
        self.logsLabel.setText(QCoreApplication.translate("AboutDialog", u"Logs", None))
#if QT_CONFIG(accessibility)
        self.logsPath.setAccessibleName(QCoreApplication.translate("AboutDialog", u"Log folder", None))
#endif // QT_CONFIG(accessibility)
        self.qtLabel.setText(QCoreApplication.translate("AboutDialog", u"Built with", None))
#if QT_CONFIG(accessibility)
        self.qtVersion.setAccessibleName(QCoreApplication.translate("AboutDialog", u"Library versions", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

