#pragma once
// Every execution environment, live: a swimlane (one row per environment, colored by
// state over the last 5 minutes) fed from an EnvironmentTimeline that Studio's
// environmentChanged values update, repainted on a 250 ms timer (never per event); a
// legend of the state colors; and a table of current environments polled from the
// engine every second. Timers run only while the page is visible; the timeline keeps
// listening (and pruning) while hidden so it is complete when shown again.
//
// Threading: GUI thread only.

#include "ui/models/environmenttimeline.h"

#include <QTimer>
#include <QWidget>

class QSortFilterProxyModel;
class QTableView;

namespace funcdesk::ui {

class EnvironmentModel;
class PageHeader;
class Studio;
class SwimlaneWidget;

class EnvironmentsPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kWindowMs = 5 * 60 * 1000;

    explicit EnvironmentsPage(Studio *studio, QWidget *parent = nullptr);

    // The span the swimlane shows: back to the oldest state it has, in whole minutes (its
    // grid), at least one and at most kWindowMs, so a fresh start is not five empty minutes.
    static qint64 visibleWindowMs(const QList<Lane> &lanes, qint64 nowMs);

    EnvironmentModel *model() const { return m_model; }
    const EnvironmentTimeline &timeline() const { return m_timeline; }
    SwimlaneWidget *swimlane() const { return m_swimlane; }

public Q_SLOTS:
    void refresh(); // poll the engine and repaint the swimlane now

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void onEnvironmentsChanged(const QList<engine::EnvironmentInfo> &changes);
    void repaintSwimlane();
    void pollEnvironments();

    Studio *m_studio;
    EnvironmentTimeline m_timeline{kWindowMs};
    qint64 m_lastPruneMs = 0;
    QTimer m_paintTimer;
    QTimer m_pollTimer;

    PageHeader *m_header;
    SwimlaneWidget *m_swimlane;
    QTableView *m_table;
    EnvironmentModel *m_model;
    QSortFilterProxyModel *m_proxy;
};

} // namespace funcdesk::ui
