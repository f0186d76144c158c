#pragma once
// The local queues: a table of every queue (depth, in flight, delayed, oldest message age,
// redrive), and for the selected one three charts over the last minutes (messages visible
// and in flight; sent and deleted per second; oldest message age), plus its actions: send a
// test message, peek at the oldest messages (without receiving them), move a dead-letter
// queue's messages back to the queue they came from, purge.
// Every second while visible the page reads every queue's counters on a store worker and
// appends them to a ring of samples per queue (charts are fed from it in one call).
//
// Threading: GUI thread only.

#include "ui/models/queuelistmodel.h"

#include <QHash>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTableWidget;

namespace funcdesk::ui {

class PageHeader;
class Studio;
class TimeSeriesChart;

class QueuesPage : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 kWindowMs = 5 * 60 * 1000;

    explicit QueuesPage(Studio *studio, QWidget *parent = nullptr);

    QueueListModel *model() const { return m_model; }
    QString selectedQueue() const;
    void selectQueue(const QString &name);
    // Actions (the buttons; tests call them). Each reports in the header's status.
    void sendTestMessage(const QString &body);
    void peek();
    void moveBack(); // the selected dead-letter queue's messages to its source queue
    int peekedCount() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void refreshed(); // a sample landed (tests wait on it)
    void statusMessage(const QString &text);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Sample
    {
        qint64 ms = 0;
        qint64 visible = 0;
        qint64 inFlight = 0;
        qint64 ageSeconds = 0;
        qint64 sentTotal = 0;
        qint64 deletedTotal = 0;
    };
    void onRows(const QList<QueueRow> &rows);
    void updateCharts();
    void updateButtons();
    void act(const QString &done, std::function<Result<QString>(const QString &database)> work);

    Studio *m_studio;
    PageHeader *m_header;
    QTableView *m_table;
    QueueListModel *m_model;
    TimeSeriesChart *m_depth;
    TimeSeriesChart *m_throughput;
    TimeSeriesChart *m_age;
    QPushButton *m_send;
    QPushButton *m_peek;
    QPushButton *m_moveBack;
    QPushButton *m_purge;
    QTableWidget *m_peeked;
    QLabel *m_empty;
    QTimer m_timer;
    bool m_loading = false;
    QHash<QString, QList<Sample>> m_samples;
};

} // namespace funcdesk::ui
