#pragma once
// The Alarms page: every rule with its state (OK, ALARM, INSUFFICIENT_DATA), what it
// watches and its condition ("Sum > 2 for 1 of 1 periods of 10 s"); under it the history
// of the selected alarm (or of all alarms) with CloudWatch's reasons. New, edit and
// delete act on the store through Studio; the Service's monitor evaluates the rules.
//
// Refreshes when shown, every 5 s while visible, and at once when an alarm changes state.
// Threading: GUI thread only. Results arrive by Studio callbacks with `this` as receiver.

#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace funcdesk::ui {

class AlarmHistoryModel;
class AlarmModel;
class EmptyState;
class PageHeader;
class Studio;

class AlarmsPage : public QWidget
{
    Q_OBJECT
public:
    explicit AlarmsPage(Studio *studio, QWidget *parent = nullptr);

    AlarmModel *model() const { return m_model; }
    AlarmHistoryModel *historyModel() const { return m_history; }
    QString selectedAlarm() const;
    void selectAlarm(const QString &name);

public Q_SLOTS:
    void refresh();
    void newAlarm(const QString &function = {});
    void editSelected();
    void deleteSelected();

Q_SIGNALS:
    void refreshed(); // rules and history shown (tests, screenshots)

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void refreshHistory();
    void openDialog(const QString &function, bool editing);

    Studio *m_studio;
    PageHeader *m_header;
    AlarmModel *m_model;
    AlarmHistoryModel *m_history;
    QTableView *m_rules;
    QTableView *m_historyView;
    EmptyState *m_rulesArea;
    QLabel *m_historyTitle;
    QPushButton *m_edit;
    QPushButton *m_delete;
    QTimer m_timer;
    QString m_pendingSelection;
};

} // namespace funcdesk::ui
