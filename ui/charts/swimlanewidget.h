#pragma once
// The environments swimlane: one row per execution environment, time running left to
// right over the last few minutes, colored by state (init, busy, idle, frozen), ending
// with a mark where it retired. Painted from EnvironmentTimeline snapshots on a timer.
// GUI thread only.

#include "ui/models/environmenttimeline.h"

#include <QWidget>

namespace funcdesk::ui {

class SwimlaneWidget : public QWidget
{
    Q_OBJECT
public:
    explicit SwimlaneWidget(QWidget *parent = nullptr);

    void setLanes(QList<Lane> lanes, qint64 nowMs, qint64 windowMs);
    QSize sizeHint() const override;
    int laneCount() const { return int(m_lanes.size()); }
    qint64 windowMs() const { return m_windowMs; }
    static QColor stateColor(engine::EnvironmentState state);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QList<Lane> m_lanes;
    qint64 m_nowMs = 0;
    qint64 m_windowMs = 5 * 60 * 1000;
};

} // namespace funcdesk::ui
