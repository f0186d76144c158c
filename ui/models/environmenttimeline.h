#pragma once
// The history behind the environments swimlane: one lane per execution environment,
// a list of state segments (init, busy, idle, frozen) ending when it retires. Built
// from the engine's environmentChanged values; lanes retired longer ago than the
// window are dropped. Pure value logic, GUI thread.

#include "engine/engine.h"

#include <QHash>
#include <QList>
#include <QString>

namespace funcdesk::ui {

struct LaneSegment
{
    engine::EnvironmentState state = engine::EnvironmentState::Initializing;
    qint64 startMs = 0;
    qint64 endMs = -1; // -1: still in this state
};

struct Lane
{
    QString environmentId;
    QString function;
    QString version;
    bool provisioned = false;
    QString retireReason;
    qint64 retiredMs = -1;
    QList<LaneSegment> segments;
};

class EnvironmentTimeline
{
public:
    explicit EnvironmentTimeline(qint64 windowMs = 5 * 60 * 1000) : m_windowMs(windowMs) {}

    void apply(const engine::EnvironmentInfo &info, qint64 nowMs);
    void prune(qint64 nowMs);
    QList<Lane> lanes() const; // ordered by creation
    int activeCount() const;   // not retired

private:
    qint64 m_windowMs;
    QList<Lane> m_lanes;
    QHash<QString, int> m_index; // environment id -> position in m_lanes
};

} // namespace funcdesk::ui
