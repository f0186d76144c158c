#include "telemetrypage.h"

#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"

#include <QTimer>
#include <QVBoxLayout>

namespace funcdesk::ui {

TelemetryPage::TelemetryPage(const QString &title, QWidget *parent)
    : QWidget(parent), m_header(new PageHeader(title, this)), m_strip(new SummaryStrip(this)), m_body(new QVBoxLayout)
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(m_strip);
    layout->addLayout(m_body, 1);
    m_body->setContentsMargins(0, 0, 0, 0);
}

QTimer *TelemetryPage::addRefreshTimer(int intervalMs, std::function<void()> tick)
{
    auto *timer = new QTimer(this);
    timer->setInterval(intervalMs);
    connect(timer, &QTimer::timeout, this, std::move(tick));
    m_timers.append(timer);
    return timer;
}

bool TelemetryPage::wantsTimer(const QTimer *) const
{
    return true;
}

void TelemetryPage::restartTimers()
{
    for (QTimer *timer : std::as_const(m_timers)) {
        timer->stop();
        if (isVisible() && wantsTimer(timer))
            timer->start();
    }
}

void TelemetryPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    restartTimers();
    refresh();
}

void TelemetryPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    for (QTimer *timer : std::as_const(m_timers))
        timer->stop();
}

} // namespace funcdesk::ui
