# GENERATED FILE: DO NOT EDIT.
# Source: ui/new_visit.ui. Regenerate with `uv run python tools/build_ui.py`;
# tests/gui/test_generated_forms.py fails when this file is stale.
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'new_visit.ui'
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
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QApplication, QComboBox,
    QDateEdit, QDialog, QDialogButtonBox, QFormLayout,
    QGroupBox, QHBoxLayout, QHeaderView, QLabel,
    QPushButton, QSizePolicy, QSpacerItem, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget)

class Ui_NewVisitDialog(object):
    def setupUi(self, NewVisitDialog):
        if not NewVisitDialog.objectName():
            NewVisitDialog.setObjectName(u"NewVisitDialog")
        NewVisitDialog.resize(560, 600)
        self.mainLayout = QVBoxLayout(NewVisitDialog)
        self.mainLayout.setSpacing(14)
        self.mainLayout.setObjectName(u"mainLayout")
        self.mainLayout.setContentsMargins(24, 20, 24, 18)
        self.heading = QLabel(NewVisitDialog)
        self.heading.setObjectName(u"heading")
        self.heading.setProperty(u"role", u"heading")

        self.mainLayout.addWidget(self.heading)

        self.intro = QLabel(NewVisitDialog)
        self.intro.setObjectName(u"intro")
        self.intro.setWordWrap(True)
        self.intro.setProperty(u"role", u"muted")

        self.mainLayout.addWidget(self.intro)

        self.formLayout = QFormLayout()
        self.formLayout.setObjectName(u"formLayout")
        self.formLayout.setLabelAlignment(Qt.AlignRight|Qt.AlignTrailing|Qt.AlignVCenter)
        self.formLayout.setHorizontalSpacing(14)
        self.formLayout.setVerticalSpacing(6)
        self.schoolLabel = QLabel(NewVisitDialog)
        self.schoolLabel.setObjectName(u"schoolLabel")

        self.formLayout.setWidget(0, QFormLayout.ItemRole.LabelRole, self.schoolLabel)

        self.schoolCombo = QComboBox(NewVisitDialog)
        self.schoolCombo.setObjectName(u"schoolCombo")
        self.schoolCombo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.schoolCombo.setMinimumContentsLength(24)

        self.formLayout.setWidget(0, QFormLayout.ItemRole.FieldRole, self.schoolCombo)

        self.schoolError = QLabel(NewVisitDialog)
        self.schoolError.setObjectName(u"schoolError")
        self.schoolError.setWordWrap(True)
        self.schoolError.setProperty(u"role", u"fieldError")

        self.formLayout.setWidget(1, QFormLayout.ItemRole.FieldRole, self.schoolError)

        self.kindLabel = QLabel(NewVisitDialog)
        self.kindLabel.setObjectName(u"kindLabel")

        self.formLayout.setWidget(2, QFormLayout.ItemRole.LabelRole, self.kindLabel)

        self.kindCombo = QComboBox(NewVisitDialog)
        self.kindCombo.setObjectName(u"kindCombo")
        self.kindCombo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.kindCombo.setMinimumContentsLength(24)

        self.formLayout.setWidget(2, QFormLayout.ItemRole.FieldRole, self.kindCombo)

        self.kindError = QLabel(NewVisitDialog)
        self.kindError.setObjectName(u"kindError")
        self.kindError.setWordWrap(True)
        self.kindError.setProperty(u"role", u"fieldError")

        self.formLayout.setWidget(3, QFormLayout.ItemRole.FieldRole, self.kindError)

        self.startLabel = QLabel(NewVisitDialog)
        self.startLabel.setObjectName(u"startLabel")

        self.formLayout.setWidget(4, QFormLayout.ItemRole.LabelRole, self.startLabel)

        self.startDate = QDateEdit(NewVisitDialog)
        self.startDate.setObjectName(u"startDate")
        self.startDate.setCalendarPopup(True)

        self.formLayout.setWidget(4, QFormLayout.ItemRole.FieldRole, self.startDate)

        self.endLabel = QLabel(NewVisitDialog)
        self.endLabel.setObjectName(u"endLabel")

        self.formLayout.setWidget(5, QFormLayout.ItemRole.LabelRole, self.endLabel)

        self.endDate = QDateEdit(NewVisitDialog)
        self.endDate.setObjectName(u"endDate")
        self.endDate.setCalendarPopup(True)

        self.formLayout.setWidget(5, QFormLayout.ItemRole.FieldRole, self.endDate)

        self.datesError = QLabel(NewVisitDialog)
        self.datesError.setObjectName(u"datesError")
        self.datesError.setWordWrap(True)
        self.datesError.setProperty(u"role", u"fieldError")

        self.formLayout.setWidget(6, QFormLayout.ItemRole.FieldRole, self.datesError)


        self.mainLayout.addLayout(self.formLayout)

        self.teamGroup = QGroupBox(NewVisitDialog)
        self.teamGroup.setObjectName(u"teamGroup")
        self.teamLayout = QVBoxLayout(self.teamGroup)
        self.teamLayout.setSpacing(8)
        self.teamLayout.setObjectName(u"teamLayout")
        self.addReviewerLayout = QHBoxLayout()
        self.addReviewerLayout.setSpacing(8)
        self.addReviewerLayout.setObjectName(u"addReviewerLayout")
        self.personCombo = QComboBox(self.teamGroup)
        self.personCombo.setObjectName(u"personCombo")
        self.personCombo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.personCombo.setMinimumContentsLength(10)
        sizePolicy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy.setHorizontalStretch(3)
        sizePolicy.setVerticalStretch(0)
        sizePolicy.setHeightForWidth(self.personCombo.sizePolicy().hasHeightForWidth())
        self.personCombo.setSizePolicy(sizePolicy)

        self.addReviewerLayout.addWidget(self.personCombo)

        self.roleCombo = QComboBox(self.teamGroup)
        self.roleCombo.setObjectName(u"roleCombo")
        self.roleCombo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.roleCombo.setMinimumContentsLength(12)
        sizePolicy1 = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        sizePolicy1.setHorizontalStretch(2)
        sizePolicy1.setVerticalStretch(0)
        sizePolicy1.setHeightForWidth(self.roleCombo.sizePolicy().hasHeightForWidth())
        self.roleCombo.setSizePolicy(sizePolicy1)

        self.addReviewerLayout.addWidget(self.roleCombo)

        self.addReviewerButton = QPushButton(self.teamGroup)
        self.addReviewerButton.setObjectName(u"addReviewerButton")
        self.addReviewerButton.setAutoDefault(False)

        self.addReviewerLayout.addWidget(self.addReviewerButton)


        self.teamLayout.addLayout(self.addReviewerLayout)

        self.teamTable = QTableWidget(self.teamGroup)
        if (self.teamTable.columnCount() < 2):
            self.teamTable.setColumnCount(2)
        __qtablewidgetitem = QTableWidgetItem()
        self.teamTable.setHorizontalHeaderItem(0, __qtablewidgetitem)
        __qtablewidgetitem1 = QTableWidgetItem()
        self.teamTable.setHorizontalHeaderItem(1, __qtablewidgetitem1)
        self.teamTable.setObjectName(u"teamTable")
        self.teamTable.setMinimumSize(QSize(0, 112))
        self.teamTable.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.teamTable.setTabKeyNavigation(False)
        self.teamTable.setAlternatingRowColors(True)
        self.teamTable.setSelectionMode(QAbstractItemView.SingleSelection)
        self.teamTable.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.teamTable.setShowGrid(False)
        self.teamTable.horizontalHeader().setStretchLastSection(True)
        self.teamTable.verticalHeader().setVisible(False)

        self.teamLayout.addWidget(self.teamTable)

        self.teamFooterLayout = QHBoxLayout()
        self.teamFooterLayout.setObjectName(u"teamFooterLayout")
        self.teamError = QLabel(self.teamGroup)
        self.teamError.setObjectName(u"teamError")
        self.teamError.setWordWrap(True)
        self.teamError.setProperty(u"role", u"fieldError")

        self.teamFooterLayout.addWidget(self.teamError)

        self.teamFooterSpacer = QSpacerItem(20, 10, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.teamFooterLayout.addItem(self.teamFooterSpacer)

        self.removeReviewerButton = QPushButton(self.teamGroup)
        self.removeReviewerButton.setObjectName(u"removeReviewerButton")
        self.removeReviewerButton.setAutoDefault(False)

        self.teamFooterLayout.addWidget(self.removeReviewerButton)


        self.teamLayout.addLayout(self.teamFooterLayout)


        self.mainLayout.addWidget(self.teamGroup)

        self.verdictLabel = QLabel(NewVisitDialog)
        self.verdictLabel.setObjectName(u"verdictLabel")
        self.verdictLabel.setWordWrap(True)
        self.verdictLabel.setProperty(u"role", u"verdict")

        self.mainLayout.addWidget(self.verdictLabel)

        self.formError = QLabel(NewVisitDialog)
        self.formError.setObjectName(u"formError")
        self.formError.setWordWrap(True)
        self.formError.setProperty(u"role", u"formError")

        self.mainLayout.addWidget(self.formError)

        self.buttonBox = QDialogButtonBox(NewVisitDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Save)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.schoolLabel.setBuddy(self.schoolCombo)
        self.kindLabel.setBuddy(self.kindCombo)
        self.startLabel.setBuddy(self.startDate)
        self.endLabel.setBuddy(self.endDate)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.schoolCombo, self.kindCombo)
        QWidget.setTabOrder(self.kindCombo, self.startDate)
        QWidget.setTabOrder(self.startDate, self.endDate)
        QWidget.setTabOrder(self.endDate, self.personCombo)
        QWidget.setTabOrder(self.personCombo, self.roleCombo)
        QWidget.setTabOrder(self.roleCombo, self.addReviewerButton)
        QWidget.setTabOrder(self.addReviewerButton, self.teamTable)
        QWidget.setTabOrder(self.teamTable, self.removeReviewerButton)
        QWidget.setTabOrder(self.removeReviewerButton, self.buttonBox)

        self.retranslateUi(NewVisitDialog)
    # setupUi

    def retranslateUi(self, NewVisitDialog):
        NewVisitDialog.setWindowTitle(QCoreApplication.translate("NewVisitDialog", u"New visit", None))
#if QT_CONFIG(accessibility)
        NewVisitDialog.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"New visit", None))
#endif // QT_CONFIG(accessibility)
        self.heading.setText(QCoreApplication.translate("NewVisitDialog", u"Plan a visit", None))
        self.intro.setText(QCoreApplication.translate("NewVisitDialog", u"Choose the school, the kind of visit, its dates and who is on the team. You can change all of this later.", None))
        self.schoolLabel.setText(QCoreApplication.translate("NewVisitDialog", u"Sc&hool", None))
#if QT_CONFIG(accessibility)
        self.schoolCombo.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"School", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.schoolCombo.setAccessibleDescription(QCoreApplication.translate("NewVisitDialog", u"The school this visit is to", None))
#endif // QT_CONFIG(accessibility)
        self.kindLabel.setText(QCoreApplication.translate("NewVisitDialog", u"Visit &kind", None))
#if QT_CONFIG(accessibility)
        self.kindCombo.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Visit kind", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.kindCombo.setAccessibleDescription(QCoreApplication.translate("NewVisitDialog", u"The review framework this visit follows", None))
#endif // QT_CONFIG(accessibility)
        self.startLabel.setText(QCoreApplication.translate("NewVisitDialog", u"S&tarts", None))
#if QT_CONFIG(accessibility)
        self.startDate.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Planned start date", None))
#endif // QT_CONFIG(accessibility)
        self.startDate.setDisplayFormat(QCoreApplication.translate("NewVisitDialog", u"ddd d MMM yyyy", None))
        self.endLabel.setText(QCoreApplication.translate("NewVisitDialog", u"&Ends", None))
#if QT_CONFIG(accessibility)
        self.endDate.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Planned end date", None))
#endif // QT_CONFIG(accessibility)
        self.endDate.setDisplayFormat(QCoreApplication.translate("NewVisitDialog", u"ddd d MMM yyyy", None))
        self.teamGroup.setTitle(QCoreApplication.translate("NewVisitDialog", u"Visit team", None))
#if QT_CONFIG(accessibility)
        self.teamGroup.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Visit team", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.personCombo.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Reviewer to add", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.roleCombo.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Role on this visit", None))
#endif // QT_CONFIG(accessibility)
        self.addReviewerButton.setText(QCoreApplication.translate("NewVisitDialog", u"&Add to team", None))
#if QT_CONFIG(accessibility)
        self.addReviewerButton.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Add reviewer to team", None))
#endif // QT_CONFIG(accessibility)
        ___qtablewidgetitem = self.teamTable.horizontalHeaderItem(0)
        ___qtablewidgetitem.setText(QCoreApplication.translate("NewVisitDialog", u"Reviewer", None))
        ___qtablewidgetitem1 = self.teamTable.horizontalHeaderItem(1)
        ___qtablewidgetitem1.setText(QCoreApplication.translate("NewVisitDialog", u"Role", None))
#if QT_CONFIG(accessibility)
        self.teamTable.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Reviewers on this visit", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.teamTable.setAccessibleDescription(QCoreApplication.translate("NewVisitDialog", u"Press Delete to take the selected reviewer off the team", None))
#endif // QT_CONFIG(accessibility)
        self.removeReviewerButton.setText(QCoreApplication.translate("NewVisitDialog", u"&Remove from team", None))
#if QT_CONFIG(accessibility)
        self.removeReviewerButton.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Remove selected reviewer from team", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.verdictLabel.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Will the trust accept this visit", None))
#endif // QT_CONFIG(accessibility)
#if QT_CONFIG(accessibility)
        self.formError.setAccessibleName(QCoreApplication.translate("NewVisitDialog", u"Problem saving the visit", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

