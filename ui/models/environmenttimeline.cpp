#include "environmenttimeline.h"

namespace funcdesk::ui {

using engine::EnvironmentState;

namespace {

bool foldable(EnvironmentState s)
{
    return s == EnvironmentState::Busy || s == EnvironmentState::Idle;
}

// Ends a folded segment once it is kMinSegmentMs old, continuing in the state its last
// flip left the environment in.
void settle(Lane &lane, qint64 nowMs)
{
    if (lane.pendingSinceMs < 0 || lane.segments.isEmpty())
        return;
    LaneSegment &last = lane.segments.last();
    const qint64 boundary = last.startMs + kMinSegmentMs;
    if (nowMs < boundary)
        return;
    lane.pendingSinceMs = -1;
    if (lane.pendingState == last.state)
        return;
    last.endMs = boundary;
    lane.segments.append(LaneSegment{lane.pendingState, boundary, -1});
}

} // namespace

void EnvironmentTimeline::apply(const engine::EnvironmentInfo &info, qint64 nowMs)
{
    const qint64 at = info.stateSinceMs > 0 ? info.stateSinceMs : nowMs;
    auto it = m_index.constFind(info.id);
    if (it == m_index.constEnd()) {
        Lane lane{info.id, info.function, info.version, info.provisioned, {}, -1, {}};
        m_index.insert(info.id, int(m_lanes.size()));
        m_lanes.append(lane);
        it = m_index.constFind(info.id);
    }
    Lane &lane = m_lanes[*it];
    if (lane.retiredMs >= 0)
        return; // retired is final
    settle(lane, at);
    if (!lane.segments.isEmpty()) {
        LaneSegment &last = lane.segments.last();
        if (last.state == info.state && lane.pendingSinceMs < 0)
            return;
        if (info.state != EnvironmentState::Retired && foldable(last.state) && foldable(info.state)
            && at - last.startMs < kMinSegmentMs) {
            if (info.state == EnvironmentState::Busy)
                last.state = EnvironmentState::Busy;
            lane.pendingState = info.state;
            lane.pendingSinceMs = at;
            return;
        }
        last.endMs = at;
    }
    lane.pendingSinceMs = -1;
    if (info.state == EnvironmentState::Retired) {
        lane.retiredMs = at;
        lane.retireReason = info.retireReason;
        return;
    }
    lane.segments.append(LaneSegment{info.state, at, -1});
}

void EnvironmentTimeline::prune(qint64 nowMs)
{
    const qint64 cutoff = nowMs - m_windowMs;
    QList<Lane> kept;
    m_index.clear();
    for (Lane &lane : m_lanes) {
        if (lane.retiredMs >= 0 && lane.retiredMs < cutoff)
            continue;
        settle(lane, nowMs);
        while (lane.segments.size() > 1 && lane.segments.first().endMs >= 0 && lane.segments.first().endMs < cutoff)
            lane.segments.removeFirst();
        m_index.insert(lane.environmentId, int(kept.size()));
        kept.append(std::move(lane));
    }
    m_lanes = std::move(kept);
}

QList<Lane> EnvironmentTimeline::lanes() const
{
    return m_lanes;
}

int EnvironmentTimeline::activeCount() const
{
    int n = 0;
    for (const Lane &lane : m_lanes)
        n += lane.retiredMs < 0 ? 1 : 0;
    return n;
}

} // namespace funcdesk::ui
