#pragma once
// The history behind the environments swimlane: one lane per execution environment,
// a list of state segments (init, busy, idle, frozen) ending when it retires. Built
// from the engine's environment changes; lanes retired longer ago than the
// window are dropped. Pure value logic, GUI thread.
//
// A busy environment flips between Busy and Idle thousands of times a second; a pixel of
// the swimlane is a fraction of a second. So Busy/Idle segments last at least
// kMinSegmentMs: flips inside one are folded into it (Busy if it was busy at any moment),
// and the state it was last left in starts the next segment once that much time passed.
// Without this a saturated engine gave the page millions of segments to keep and paint.

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
    // The state a folded flip left the environment in, since when; -1: nothing folded.
    engine::EnvironmentState pendingState = engine::EnvironmentState::Idle;
    qint64 pendingSinceMs = -1;
};

inline constexpr qint64 kMinSegmentMs = 250;

class EnvironmentTimeline
{
public:
    explicit EnvironmentTimeline(qint64 windowMs = 5 * 60 * 1000) : m_windowMs(windowMs) {}

    void apply(const engine::EnvironmentInfo &info, qint64 nowMs);
    void prune(qint64 nowMs);  // also settles folded flips older than kMinSegmentMs
    QList<Lane> lanes() const; // ordered by creation
    int activeCount() const;   // not retired

private:
    qint64 m_windowMs;
    QList<Lane> m_lanes;
    QHash<QString, int> m_index; // environment id -> position in m_lanes
};

} // namespace funcdesk::ui
