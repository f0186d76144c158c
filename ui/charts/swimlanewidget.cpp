#include "swimlanewidget.h"

#include <QPainter>
#include <QPalette>

namespace funcdesk::ui {

using engine::EnvironmentState;

namespace {
constexpr int kLaneHeight = 22;
constexpr int kLabelWidth = 210;
constexpr int kHeader = 24;
} // namespace

SwimlaneWidget::SwimlaneWidget(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("swimlane"));
    setMinimumHeight(kHeader + 3 * kLaneHeight);
}

QColor SwimlaneWidget::stateColor(EnvironmentState state)
{
    switch (state) {
    case EnvironmentState::Initializing:
        return QColor(0xf5, 0xa6, 0x23); // amber: cold start
    case EnvironmentState::Busy:
        return QColor(0x2e, 0x7d, 0x32); // green: serving
    case EnvironmentState::Idle:
        return QColor(0x90, 0xca, 0xf9); // light blue: warm
    case EnvironmentState::Frozen:
        return QColor(0x9e, 0x9e, 0xc8); // lavender: SIGSTOP
    case EnvironmentState::Retired:
        return QColor(0x75, 0x75, 0x75);
    }
    return Qt::gray;
}

void SwimlaneWidget::setLanes(QList<Lane> lanes, qint64 nowMs, qint64 windowMs)
{
    m_lanes = std::move(lanes);
    m_nowMs = nowMs;
    m_windowMs = std::max<qint64>(1000, windowMs);
    setMinimumHeight(kHeader + std::max<int>(3, int(m_lanes.size())) * kLaneHeight + 4);
    update();
}

QSize SwimlaneWidget::sizeHint() const
{
    return QSize(800, kHeader + std::max<int>(3, int(m_lanes.size())) * kLaneHeight + 4);
}

void SwimlaneWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const int plotLeft = kLabelWidth;
    const int plotWidth = std::max(10, width() - plotLeft - 8);
    const qint64 from = m_nowMs - m_windowMs;
    auto xOf = [&](qint64 ms) {
        return plotLeft + int(double(std::clamp(ms, from, m_nowMs) - from) / double(m_windowMs) * plotWidth);
    };

    // Time grid: a line a minute, or every 30 s / 15 s over a short window so it still has
    // a scale; labelled "-4 min" ... "now" ("now" right-aligned, so it is not cut off).
    const qint64 step = m_windowMs <= 60'000 ? 15'000 : m_windowMs <= 180'000 ? 30'000
                                                                              : 60'000;
    for (qint64 back = 0; back <= m_windowMs; back += step) {
        const int x = xOf(m_nowMs - back);
        p.setPen(palette().color(QPalette::Mid));
        p.drawLine(x, kHeader - 4, x, height());
        p.setPen(palette().color(QPalette::PlaceholderText));
        const QString label = back == 0 ? tr("now")
            : step < 60'000             ? tr("-%1 s").arg(back / 1000)
                                        : tr("-%1 min").arg(back / 60'000);
        const QRect box = back == 0 ? QRect(x - 80, 2, 78, kHeader - 6) : QRect(x - 40, 2, 80, kHeader - 6);
        p.drawText(box, (back == 0 ? Qt::AlignRight : Qt::AlignHCenter) | Qt::AlignVCenter, label);
    }

    if (m_lanes.isEmpty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(0, kHeader, 0, 0), Qt::AlignCenter,
                   tr("No execution environments yet. Invoke a function to start one."));
        return;
    }

    int y = kHeader;
    for (const Lane &lane : std::as_const(m_lanes)) {
        p.setPen(palette().color(QPalette::Text));
        const QString label = lane.function + QLatin1Char(':') + lane.version + QStringLiteral("  ")
            + lane.environmentId.right(6) + (lane.provisioned ? tr(" (provisioned)") : QString());
        p.drawText(QRect(4, y, kLabelWidth - 8, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft,
                   p.fontMetrics().elidedText(label, Qt::ElideMiddle, kLabelWidth - 8));
        for (const LaneSegment &s : lane.segments) {
            const qint64 end = s.endMs < 0 ? (lane.retiredMs >= 0 ? lane.retiredMs : m_nowMs) : s.endMs;
            if (end < from)
                continue;
            const int x0 = xOf(s.startMs);
            const int x1 = std::max(x0 + 1, xOf(end));
            p.fillRect(QRect(x0, y + 4, x1 - x0, kLaneHeight - 8), stateColor(s.state));
        }
        if (lane.retiredMs >= 0 && lane.retiredMs >= from) {
            const int x = xOf(lane.retiredMs);
            p.setPen(QPen(stateColor(EnvironmentState::Retired), 2));
            p.drawLine(x, y + 2, x, y + kLaneHeight - 2);
            p.drawText(QRect(x + 4, y, 200, kLaneHeight), Qt::AlignVCenter | Qt::AlignLeft,
                       tr("retired: %1").arg(lane.retireReason));
        }
        y += kLaneHeight;
    }
}

} // namespace funcdesk::ui
