#include "logspage.h"

#include "ui/models/logmodel.h"
#include "ui/pages/pageheader.h"
#include "ui/studio.h"
#include "ui/widgets/emptystate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QShowEvent>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr qint64 kMinute = 60 * 1000LL;
constexpr int kWeekRange = 3;   // in logRanges()
constexpr int kCustomRange = 4; // after logRanges()
} // namespace

LogsPage::LogsPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_header(new PageHeader(tr("Logs"), this)),
      m_function(new QComboBox(this)),
      m_requestId(new QLineEdit(this)),
      m_text(new QLineEdit(this)),
      m_range(new QComboBox(this)),
      m_from(new QDateTimeEdit(this)),
      m_to(new QDateTimeEdit(this)),
      m_searchButton(new QPushButton(tr("&Search"), this)),
      m_live(new QCheckBox(tr("&Live tail"), this)),
      m_table(new QTableView(this)),
      m_model(new LogModel(this))
{
    m_model->setMaxRows(kTailCap);
    m_stack = new EmptyState(buildTable(), this);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addLayout(buildFilters());
    layout->addWidget(m_stack, 1);
    connectFilters();
    updateRangeWidgets();
    reloadFunctions();
    search();
}

QLayout *LogsPage::buildFilters()
{
    m_function->addItem(tr("All functions"), QString());
    m_function->setMinimumContentsLength(16);
    m_requestId->setPlaceholderText(tr("Request ID"));
    m_requestId->setClearButtonEnabled(true);
    m_text->setPlaceholderText(tr("Words in the message, e.g. ERROR timeout"));
    m_text->setClearButtonEnabled(true);
    for (const RangePreset &r : logRanges())
        m_range->addItem(r.label);
    m_range->addItem(tr("Custom"));
    m_range->setCurrentIndex(1);
    const QDateTime now = QDateTime::currentDateTime();
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
    }
    m_from->setDateTime(now.addSecs(-3600));
    m_to->setDateTime(now.addSecs(60));
    m_live->setToolTip(tr("Re-query every second and append new lines"));

    auto *grid = new QGridLayout;
    auto addLabeled = [&](int col, const QString &text, QWidget *w) {
        auto *label = new QLabel(text, this);
        label->setBuddy(w);
        grid->addWidget(label, 0, col);
        grid->addWidget(w, 1, col);
    };
    addLabeled(0, tr("&Function"), m_function);
    addLabeled(1, tr("&Request ID"), m_requestId);
    addLabeled(2, tr("&Text"), m_text);
    addLabeled(3, tr("R&ange"), m_range);
    addLabeled(4, tr("Fro&m"), m_from);
    addLabeled(5, tr("T&o"), m_to);
    grid->addWidget(m_searchButton, 1, 6);
    grid->addWidget(m_live, 1, 7);
    grid->setColumnStretch(2, 1);
    return grid;
}

QWidget *LogsPage::buildTable()
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_table->horizontalHeader();
    header->setStretchLastSection(true);
    header->resizeSection(LogModel::TimeColumn, fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00.000")) + 16);
    header->resizeSection(LogModel::FunctionColumn, fontMetrics().horizontalAdvance(QStringLiteral("my-function-name")));
    header->resizeSection(LogModel::RequestIdColumn, fontMetrics().horizontalAdvance(QStringLiteral("00000000-0000-0000-0000-000000000000")) + 16);
    m_table->setObjectName(QStringLiteral("logTable"));
    m_table->setAccessibleName(tr("Log lines"));
    return m_table;
}

void LogsPage::connectFilters()
{
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(400);
    m_tailTimer.setInterval(1000);
    connect(&m_debounce, &QTimer::timeout, this, &LogsPage::search);
    connect(&m_tailTimer, &QTimer::timeout, this, &LogsPage::tail);
    connect(m_searchButton, &QPushButton::clicked, this, &LogsPage::search);
    connect(m_requestId, &QLineEdit::returnPressed, this, &LogsPage::search);
    connect(m_text, &QLineEdit::returnPressed, this, &LogsPage::search);
    connect(m_requestId, &QLineEdit::textEdited, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_text, &QLineEdit::textEdited, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_from, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_to, &QDateTimeEdit::dateTimeChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(m_function, &QComboBox::currentIndexChanged, this, &LogsPage::search);
    connect(m_range, &QComboBox::currentIndexChanged, this, [this] {
        updateRangeWidgets();
        search();
    });
    connect(m_live, &QCheckBox::toggled, this, [this](bool on) {
        if (on && isVisible())
            m_tailTimer.start();
        else
            m_tailTimer.stop();
        if (on)
            tail();
        showCount(false);
    });
    connect(m_table, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex &index) {
        const QString id = index.data(LogModel::RequestIdRole).toString();
        if (!id.isEmpty())
            Q_EMIT requestActivated(id);
    });
    connect(m_studio, &Studio::functionsChanged, this, &LogsPage::reloadFunctions);
}

void LogsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!event->spontaneous()) // coming back to the page: show what was logged meanwhile
        search();
    if (m_live->isChecked())
        m_tailTimer.start();
}

void LogsPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_tailTimer.stop();
}

void LogsPage::setLiveTail(bool on)
{
    m_live->setChecked(on);
}

bool LogsPage::liveTail() const
{
    return m_live->isChecked();
}

void LogsPage::updateRangeWidgets()
{
    const bool custom = m_range->currentIndex() == kCustomRange;
    m_from->setEnabled(custom);
    m_to->setEnabled(custom);
}

store::LogSearch LogsPage::currentSearch() const
{
    store::LogSearch s;
    s.text = m_text->text().trimmed();
    s.function = m_function->currentData().toString();
    s.requestId = m_requestId->text().trimmed();
    s.limit = kSearchLimit;
    if (m_range->currentIndex() == kCustomRange) {
        s.fromMs = m_from->dateTime().toMSecsSinceEpoch();
        s.toMs = m_to->dateTime().toMSecsSinceEpoch();
    } else {
        s.fromMs = logRanges().value(m_range->currentIndex()).startMs(QDateTime::currentMSecsSinceEpoch());
        s.toMs = 0;
    }
    return s;
}

void LogsPage::search()
{
    m_debounce.stop();
    const quint64 generation = ++m_generation;
    m_tailInFlight = false;
    const store::LogSearch s = currentSearch();
    m_model->setShowDate(s.toMs > 0 ? s.toMs - s.fromMs > 24 * 60 * kMinute : m_range->currentIndex() >= 2);
    m_header->setStatus(tr("Searching..."));
    m_studio->searchLogs(s, this, [this, generation, s](Result<QList<LogLine>> r) {
        if (generation != m_generation)
            return;
        if (!r) {
            m_header->setStatus(tr("Search failed: %1").arg(r.error().toString()));
            return;
        }
        const bool truncated = r->size() >= s.limit;
        m_model->setLines(std::move(*r));
        m_table->scrollToBottom();
        showCount(truncated);
        Q_EMIT resultsShown(m_model->rowCount());
    });
}

void LogsPage::tail()
{
    if (!m_live->isChecked() || m_tailInFlight)
        return;
    store::LogSearch s = currentSearch();
    s.fromMs = std::max(s.fromMs, m_model->newestMs()); // the newest shown ms again: the model drops repeats
    s.toMs = 0;
    const quint64 generation = m_generation;
    m_tailInFlight = true;
    m_studio->searchLogs(s, this, [this, generation](Result<QList<LogLine>> r) {
        if (generation != m_generation)
            return;
        m_tailInFlight = false;
        if (!r) {
            m_header->setStatus(tr("Live tail failed: %1").arg(r.error().toString()));
            return;
        }
        const QScrollBar *bar = m_table->verticalScrollBar();
        const bool atBottom = bar->value() >= bar->maximum() - 2;
        const int added = m_model->appendLines(std::move(*r));
        if (added > 0 && atBottom)
            m_table->scrollToBottom();
        if (added > 0)
            showCount(false);
        Q_EMIT resultsShown(m_model->rowCount());
    });
}

void LogsPage::showCount(bool truncated)
{
    const int rows = m_model->rowCount();
    QString text = tr("%n line(s)", nullptr, rows);
    if (truncated)
        text += tr(" (the newest %1; narrow the filters to see older lines)").arg(kSearchLimit);
    if (m_live->isChecked())
        text += tr(" \u00b7 live tail on");
    m_header->setStatus(text);
    if (rows > 0) {
        m_stack->showContent();
        return;
    }
    const store::LogSearch s = currentSearch();
    const bool filtered = !s.text.isEmpty() || !s.function.isEmpty() || !s.requestId.isEmpty();
    m_stack->showHint(filtered ? tr("No log lines match these filters.\nWiden the time range or clear a filter.")
                               : tr("No log lines in this range.\nInvoke a function from its Test tab and what it "
                                    "prints appears here."));
}

void LogsPage::showRequest(const QString &requestId)
{
    {
        const QSignalBlocker blockFunction(m_function);
        const QSignalBlocker blockRange(m_range);
        m_function->setCurrentIndex(0);
        m_range->setCurrentIndex(kWeekRange);
    }
    m_text->clear();
    m_requestId->setText(requestId.trimmed());
    updateRangeWidgets();
    search();
}

void LogsPage::setFunctionFilter(const QString &name)
{
    int index = m_function->findData(name);
    if (index < 0) {
        m_function->addItem(name, name);
        index = m_function->count() - 1;
    }
    if (index == m_function->currentIndex())
        return search();
    m_function->setCurrentIndex(index); // searches
}

void LogsPage::reloadFunctions()
{
    m_studio->listFunctions(this, [this](Result<QList<FunctionSummary>> r) {
        if (!r)
            return;
        const QString current = m_function->currentData().toString();
        const QSignalBlocker block(m_function);
        while (m_function->count() > 1)
            m_function->removeItem(1);
        for (const FunctionSummary &f : std::as_const(*r))
            m_function->addItem(f.name, f.name);
        // Logs outlive their function: a filter on a deleted function stays selectable.
        if (!current.isEmpty() && m_function->findData(current) < 0)
            m_function->addItem(current, current);
        m_function->setCurrentIndex(std::max(0, m_function->findData(current)));
    });
}

} // namespace funcdesk::ui
