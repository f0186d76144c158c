#include "alarmspage.h"

#include "metrics/alarms.h"
#include "ui/dialogs/alarmdialog.h"
#include "ui/models/alarmmodel.h"
#include "ui/pages/pageheader.h"
#include "ui/studio.h"
#include "ui/theme.h"
#include "ui/widgets/emptystate.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
QTableView *table(QAbstractItemModel *model)
{
    auto *view = new QTableView;
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    return view;
}
} // namespace

AlarmsPage::AlarmsPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_header(new PageHeader(tr("Alarms"), this)),
      m_model(new AlarmModel(this)),
      m_history(new AlarmHistoryModel(this)),
      m_rules(table(m_model)),
      m_historyView(table(m_history)),
      m_rulesArea(new EmptyState(m_rules)),
      m_historyTitle(new QLabel),
      m_edit(new QPushButton(tr("&Edit…"))),
      m_delete(new QPushButton(tr("&Delete")))
{
    m_header->setSubtitle(tr("Threshold rules on recorded metrics, evaluated as CloudWatch does: ALARM when M of the "
                             "last N periods breach"));
    auto *add = new QPushButton(tr("&New alarm…"));
    m_header->addTrailingWidget(add);
    m_header->addTrailingWidget(m_edit);
    m_header->addTrailingWidget(m_delete);
    m_rules->setAccessibleName(tr("Alarm rules"));
    m_historyView->setAccessibleName(tr("Alarm history"));
    m_rules->horizontalHeader()->setSectionResizeMode(AlarmModel::NameCol, QHeaderView::ResizeToContents);
    m_rules->horizontalHeader()->setSectionResizeMode(AlarmModel::StateCol, QHeaderView::ResizeToContents);
    m_rules->horizontalHeader()->setSectionResizeMode(AlarmModel::MetricCol, QHeaderView::ResizeToContents);
    m_rules->horizontalHeader()->setSectionResizeMode(AlarmModel::ConditionCol, QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(AlarmHistoryModel::TimeCol, QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(AlarmHistoryModel::AlarmCol, QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(AlarmHistoryModel::SummaryCol, QHeaderView::ResizeToContents);
    QFont bold = m_historyTitle->font();
    bold.setWeight(QFont::DemiBold);
    m_historyTitle->setFont(bold);

    auto *historyBox = new QWidget;
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 6, 0, 0);
    historyLayout->addWidget(m_historyTitle);
    historyLayout->addWidget(m_historyView, 1);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_rulesArea);
    split->addWidget(historyBox);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setChildrenCollapsible(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(split, 1);

    m_rulesArea->showHint(tr("No alarms yet. An alarm watches a metric (errors, error rate, duration p99, throttles, "
                             "cold starts, concurrency, cost) of one function or all, and goes to ALARM when it "
                             "crosses a threshold."));
    connect(m_rulesArea->addHintButton(tr("New alarm…")), &QPushButton::clicked, this, [this] { newAlarm(); });
    connect(add, &QPushButton::clicked, this, [this] { newAlarm(); });
    connect(m_edit, &QPushButton::clicked, this, &AlarmsPage::editSelected);
    connect(m_delete, &QPushButton::clicked, this, &AlarmsPage::deleteSelected);
    connect(m_rules, &QTableView::doubleClicked, this, &AlarmsPage::editSelected);
    connect(m_rules->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_edit->setEnabled(!selectedAlarm().isEmpty());
        m_delete->setEnabled(!selectedAlarm().isEmpty());
        refreshHistory();
    });
    m_edit->setEnabled(false);
    m_delete->setEnabled(false);
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &AlarmsPage::refresh);
    connect(m_studio, &Studio::alarmStateChanged, this, [this] {
        if (isVisible())
            refresh();
    });
}

void AlarmsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_timer.start();
}

void AlarmsPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer.stop();
}

QString AlarmsPage::selectedAlarm() const
{
    const QModelIndexList rows = m_rules->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(AlarmModel::NameRole).toString();
}

void AlarmsPage::selectAlarm(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0) {
        m_pendingSelection = name;
        return;
    }
    m_rules->selectRow(row);
}

void AlarmsPage::refresh()
{
    m_studio->alarms(this, [this](Result<QList<store::AlarmRow>> rows) {
        if (!rows) {
            m_header->setStatus(errorHtml(palette(), rows.error().message));
            return;
        }
        const QString selected = m_pendingSelection.isEmpty() ? selectedAlarm() : m_pendingSelection;
        m_pendingSelection.clear();
        {
            const QSignalBlocker block(m_rules->selectionModel());
            m_model->setAlarms(*rows);
        }
        if (const int row = m_model->rowOf(selected); row >= 0)
            m_rules->selectRow(row);
        if (rows->isEmpty())
            m_rulesArea->showHint(m_rulesArea->hintText());
        else
            m_rulesArea->showContent();
        const int inAlarm = m_model->countInState(QStringLiteral("ALARM"));
        m_header->setStatus(inAlarm > 0 ? tr("%n in ALARM", nullptr, inAlarm)
                                        : tr("%n alarm(s), none in ALARM", nullptr, int(rows->size())));
        m_edit->setEnabled(!selectedAlarm().isEmpty());
        m_delete->setEnabled(!selectedAlarm().isEmpty());
        refreshHistory();
    });
}

void AlarmsPage::refreshHistory()
{
    store::AlarmHistoryQuery q;
    q.alarm = selectedAlarm();
    q.limit = 200;
    m_historyTitle->setText(q.alarm.isEmpty() ? tr("History of every alarm") : tr("History of %1").arg(q.alarm));
    m_studio->alarmHistory(q, this, [this, q](Result<QList<store::AlarmHistoryRow>> rows) {
        if (q.alarm != selectedAlarm())
            return; // the selection moved on
        m_history->setHistory(rows ? *rows : QList<store::AlarmHistoryRow>());
        Q_EMIT refreshed();
    });
}

void AlarmsPage::newAlarm(const QString &function)
{
    openDialog(function, false);
}

void AlarmsPage::editSelected()
{
    if (!selectedAlarm().isEmpty())
        openDialog({}, true);
}

void AlarmsPage::openDialog(const QString &function, bool editing)
{
    metrics::AlarmRule rule;
    rule.function = function;
    rule.threshold = 1;
    rule.comparison = metrics::Comparison::GreaterThanOrEqual;
    rule.periodSeconds = 60;
    if (editing) {
        const int row = m_model->rowOf(selectedAlarm());
        if (row < 0)
            return;
        const Result<metrics::AlarmRule> existing = metrics::alarmRuleFromJson(m_model->alarms().at(row).rule);
        if (existing)
            rule = *existing;
        else
            rule.name = selectedAlarm();
    }
    m_studio->listFunctions(this, [this, rule, editing](Result<QList<FunctionSummary>> functions) {
        QStringList names;
        if (functions)
            for (const FunctionSummary &f : *functions)
                names << f.name;
        auto *dialog = new AlarmDialog(names, rule, editing, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const metrics::AlarmRule r = dialog->rule();
            m_studio->putAlarm(r, this, [this, name = r.name](Result<bool> ok) {
                if (!ok) {
                    m_header->setStatus(errorHtml(palette(), ok.error().message));
                    return;
                }
                m_pendingSelection = name;
                refresh();
            });
        });
        dialog->open();
    });
}

void AlarmsPage::deleteSelected()
{
    const QString name = selectedAlarm();
    if (name.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Delete alarm"), tr("Delete the alarm %1? Its history is kept.").arg(name))
        != QMessageBox::Yes)
        return;
    m_studio->deleteAlarm(name, this, [this](Result<bool> ok) {
        if (!ok)
            m_header->setStatus(errorHtml(palette(), ok.error().message));
        refresh();
    });
}

} // namespace funcdesk::ui
