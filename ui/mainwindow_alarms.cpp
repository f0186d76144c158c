// The window's alarm parts: the Alarms mode, the status bar's alarm figure (click it for
// the page), the explorer's ALARM badges and a desktop notification when an alarm goes
// off. State comes from the store (Studio::alarms) when the window starts, every 5 s with
// the function list, and at once on Studio::alarmStateChanged.

#include "mainwindow.h"

#include "api/alarmmonitor.h"
#include "ui/models/functionlistmodel.h"
#include "ui/pages/alarmspage.h"
#include "ui/studio.h"
#include "ui/widgets/icons.h"
#include "ui/models/alarmmodel.h"

#include <QLabel>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTextDocumentFragment>
#include <QTimer>

namespace funcdesk::ui {

void MainWindow::buildAlarms()
{
    m_alarms = new AlarmsPage(m_studio, this);
    addMode(QStringLiteral("alarms"), glyphIcon(Glyph::Alarms), tr("Alarms"), m_alarms);
    m_alarmStatus = new QLabel(this);
    m_alarmStatus->setObjectName(QStringLiteral("alarmStatus"));
    m_alarmStatus->setTextFormat(Qt::RichText);
    m_alarmStatus->setToolTip(tr("Alarms in ALARM (click for the Alarms page)"));
    m_alarmStatus->setCursor(Qt::PointingHandCursor);
    connect(m_alarmStatus, &QLabel::linkActivated, this, [this] { showMode(QStringLiteral("alarms")); });
    statusBar()->addPermanentWidget(m_alarmStatus);
    connect(m_studio, &Studio::alarmStateChanged, this, [this](const api::AlarmStateChange &change) {
        notifyAlarm(change);
        refreshAlarmSummary();
    });
    auto *timer = new QTimer(this);
    connect(timer, &QTimer::timeout, this, &MainWindow::refreshAlarmSummary);
    timer->start(5000);
    refreshAlarmSummary();
}

void MainWindow::refreshAlarmSummary()
{
    m_studio->alarms(this, [this](Result<QList<store::AlarmRow>> rows) {
        if (!rows)
            return;
        QHash<QString, QStringList> byFunction;
        QStringList inAlarm;
        for (const store::AlarmRow &a : *rows) {
            if (a.state != QLatin1String("ALARM"))
                continue;
            inAlarm << a.name;
            if (!a.function.isEmpty())
                byFunction[a.function] << a.name;
        }
        m_functions->setAlarming(byFunction);
        const QString color = AlarmModel::stateColor(QStringLiteral("ALARM")).name();
        const QString text = palette().color(QPalette::WindowText).name();
        m_alarmStatus->setText(inAlarm.isEmpty()
                                   ? (rows->isEmpty() ? QString() : QStringLiteral("<a href=\"alarms\" style=\"text-decoration:none; color:%1\">%2</a>").arg(text, tr("Alarms: none in ALARM")))
                                   : QStringLiteral("<a href=\"alarms\" style=\"text-decoration:none; color:%1\"><b>● %2</b></a>")
                                         .arg(color, (inAlarm.size() == 1 ? tr("1 alarm in ALARM") : tr("%1 alarms in ALARM").arg(inAlarm.size())).toHtmlEscaped()));
        m_alarmStatus->setToolTip(inAlarm.isEmpty() ? tr("No alarm is in ALARM") : inAlarm.join(QLatin1Char('\n')));
    });
}

void MainWindow::notifyAlarm(const api::AlarmStateChange &change)
{
    if (change.to != QLatin1String("ALARM")) {
        showMessage(tr("Alarm %1: %2 -> %3").arg(change.alarm, change.from, change.to));
        return;
    }
    showMessage(tr("Alarm %1 is in ALARM: %2").arg(change.alarm, change.reason));
    // The tray icon appears with the first alarm that goes off, not before.
    if (!m_tray && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new QSystemTrayIcon(appIcon(), this);
        m_tray->setToolTip(tr("Funcdesk"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            showMode(QStringLiteral("alarms"));
            raise();
            activateWindow();
        });
        connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
            showMode(QStringLiteral("alarms"));
            raise();
            activateWindow();
        });
        m_tray->show();
    }
    if (m_tray && QSystemTrayIcon::supportsMessages())
        m_tray->showMessage(tr("Alarm %1 is in ALARM").arg(change.alarm), change.reason, QSystemTrayIcon::Warning, 10000);
}

QString MainWindow::alarmStatusText() const
{
    return m_alarmStatus ? QTextDocumentFragment::fromHtml(m_alarmStatus->text()).toPlainText() : QString();
}

} // namespace funcdesk::ui
