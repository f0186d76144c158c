#pragma once
// What the telemetry pages (Dashboard, Cost, Monitor) share: a PageHeader with the range
// selector, a SummaryStrip of figures under it, a body below for charts and tables; refresh
// timers that run only while the page is visible (showing it refreshes at once); and a
// generation number, bumped when the range or function changes, so answers to a previous
// question are dropped when they arrive.
//
// A page derives, fills header(), summaryStrip() and body() in its constructor, adds its
// timers with addRefreshTimer() and implements refresh(). Threading: GUI thread only.

#include <QList>
#include <QWidget>

#include <functional>

class QTimer;
class QVBoxLayout;

namespace funcdesk::ui {

class PageHeader;
class SummaryStrip;

class TelemetryPage : public QWidget
{
    Q_OBJECT
public:
    PageHeader *header() const { return m_header; }
    SummaryStrip *summaryStrip() const { return m_strip; }

public Q_SLOTS:
    virtual void refresh() = 0; // everything the page shows, now

protected:
    TelemetryPage(const QString &title, QWidget *parent);

    QVBoxLayout *body() const { return m_body; } // below the header and the strip
    // Calls `tick` every `intervalMs` while the page is visible (and wantsTimer() agrees).
    QTimer *addRefreshTimer(int intervalMs, std::function<void()> tick);
    // Whether `timer` should run now; the Monitor runs its 1 s live timer only for live ranges.
    virtual bool wantsTimer(const QTimer *timer) const;
    void restartTimers(); // after what wantsTimer() answers changed

    quint64 generation() const { return m_generation; }
    void newGeneration() { ++m_generation; } // answers to earlier questions are dropped
    bool isCurrent(quint64 generation) const { return generation == m_generation; }

    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    PageHeader *m_header;
    SummaryStrip *m_strip;
    QVBoxLayout *m_body;
    QList<QTimer *> m_timers;
    quint64 m_generation = 1;
};

} // namespace funcdesk::ui
