#include "ui/pages/tracespage.h"

#include "ui/pages/pageheader.h"
#include "ui/pages/summarystrip.h"
#include "ui/studio.h"
#include "ui/theme.h"
#include "ui/widgets/waterfall.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
enum Column { StartedColumn, RootColumn, DurationColumn, FunctionsColumn, CallsColumn, ErrorsColumn, ColumnCount };

QString duration(double ms)
{
    if (ms < 1000)
        return QString::number(ms, 'f', ms < 10 ? 2 : 1) + QStringLiteral(" ms");
    return QString::number(ms / 1000, 'f', 2) + QStringLiteral(" s");
}

// Sorts numerically by the value kept in UserRole.
class Item : public QTreeWidgetItem
{
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem &other) const override
    {
        const int c = treeWidget() ? treeWidget()->sortColumn() : 0;
        const QVariant a = data(c, Qt::UserRole);
        const QVariant b = other.data(c, Qt::UserRole);
        if (a.isValid() && b.isValid())
            return a.toDouble() < b.toDouble();
        return QTreeWidgetItem::operator<(other);
    }
};
} // namespace

TracesPage::TracesPage(Studio *studio, QWidget *parent)
    : TelemetryPage(tr("Traces"), parent), m_studio(studio), m_list(new QTreeWidget(this)),
      m_waterfall(new WaterfallWidget(this)), m_detail(new QLabel(this))
{
    setObjectName(QStringLiteral("tracesPage"));
    header()->setSubtitle(tr("Requests that went through more than one function, linked by Lambda's trace header"));
    header()->setRanges(storedRanges(), 0, tr("&Range:"));
    SummaryStrip *strip = summaryStrip();
    strip->addFigure(QStringLiteral("traces"), tr("Traces"));
    strip->addFigure(QStringLiteral("errors"), tr("With errors"));
    strip->addFigure(QStringLiteral("stopped"), tr("Loops stopped"), tr("Chains stopped at their 17th call, as Lambda's recursive loop detection does"));
    strip->addFigure(QStringLiteral("p50"), tr("Median duration"));

    m_list->setObjectName(QStringLiteral("traceList"));
    m_list->setColumnCount(ColumnCount);
    m_list->setHeaderLabels({tr("Started"), tr("Root function"), tr("Duration"), tr("Functions"), tr("Calls"), tr("Errors")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setAlternatingRowColors(true);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(StartedColumn, Qt::DescendingOrder);
    m_list->header()->setSectionResizeMode(RootColumn, QHeaderView::Stretch);
    m_list->header()->setStretchLastSection(false);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (!item)
            return;
        m_selected = item->data(RootColumn, Qt::UserRole + 1).toString();
        loadSpans(m_selected);
    });
    connect(m_waterfall, &WaterfallWidget::spanActivated, this, &TracesPage::requestActivated);

    m_detail->setObjectName(QStringLiteral("traceDetail"));
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_detail->setWordWrap(true);
    auto *lower = new QWidget(this);
    auto *lowerLayout = new QVBoxLayout(lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_detail);
    lowerLayout->addWidget(m_waterfall, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_list);
    split->addWidget(lower);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    body()->addWidget(split, 1);

    addRefreshTimer(5000, [this] { refresh(); });
    connect(header(), &PageHeader::rangeChanged, this, [this] {
        newGeneration();
        refresh();
    });
}

void TracesPage::refresh()
{
    const quint64 gen = generation();
    const qint64 since = header()->range().startMs(QDateTime::currentMSecsSinceEpoch());
    m_studio->traces(since, QString(), this, [this, gen](Result<QList<store::TraceSummary>> traces) {
        if (!isCurrent(gen))
            return;
        if (!traces.ok()) {
            header()->setStatus(traces.error().message);
            return;
        }
        showTraces(*traces);
        header()->setUpdatedNow();
    });
}

void TracesPage::showTraces(const QList<store::TraceSummary> &traces)
{
    const QSignalBlocker block(m_list);
    m_list->setSortingEnabled(false);
    m_list->clear();
    int errors = 0;
    int stopped = 0;
    std::vector<double> durations;
    QTreeWidgetItem *current = nullptr;
    for (const store::TraceSummary &t : traces) {
        auto *item = new Item(m_list);
        item->setText(StartedColumn, QDateTime::fromMSecsSinceEpoch(t.startMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        item->setData(StartedColumn, Qt::UserRole, double(t.startMs));
        item->setText(RootColumn, t.rootFunction + (t.stopped ? tr("  — loop stopped") : QString()));
        item->setData(RootColumn, Qt::UserRole + 1, t.traceId);
        item->setToolTip(RootColumn, tr("Trace %1").arg(t.traceId));
        item->setText(DurationColumn, duration(t.durationMs));
        item->setData(DurationColumn, Qt::UserRole, t.durationMs);
        item->setText(FunctionsColumn, QString::number(t.functions));
        item->setData(FunctionsColumn, Qt::UserRole, t.functions);
        item->setText(CallsColumn, QString::number(t.spans));
        item->setData(CallsColumn, Qt::UserRole, t.spans);
        item->setText(ErrorsColumn, QString::number(t.errors));
        item->setData(ErrorsColumn, Qt::UserRole, t.errors);
        for (int c : {DurationColumn, FunctionsColumn, CallsColumn, ErrorsColumn})
            item->setTextAlignment(c, Qt::AlignRight | Qt::AlignVCenter);
        if (t.errors > 0 || t.stopped) {
            for (int c = 0; c < ColumnCount; ++c)
                item->setForeground(c, QColor(0xd6, 0x3b, 0x3b));
        }
        errors += t.errors > 0 ? 1 : 0;
        stopped += t.stopped ? 1 : 0;
        durations.push_back(t.durationMs);
        if (t.traceId == m_selected)
            current = item;
    }
    m_list->setSortingEnabled(true);
    for (int c = 0; c < ColumnCount; ++c) {
        if (c != RootColumn)
            m_list->resizeColumnToContents(c);
    }
    std::sort(durations.begin(), durations.end());
    summaryStrip()->setValue(QStringLiteral("traces"), QString::number(traces.size()));
    summaryStrip()->setValue(QStringLiteral("errors"), QString::number(errors));
    summaryStrip()->setValue(QStringLiteral("stopped"), QString::number(stopped));
    summaryStrip()->setValue(QStringLiteral("p50"), durations.empty() ? QStringLiteral("–") : duration(durations[durations.size() / 2]));
    if (traces.isEmpty()) {
        m_detail->setText(tr("No traces in this range. A trace is kept once a request reaches a second function: "
                             "a function calling another with its AWS SDK (the SDK forwards the trace header by itself), "
                             "an event it sends, or a call through a function URL that carries X-Amzn-Trace-Id."));
        m_waterfall->setSpans({});
        return;
    }
    if (!current)
        current = m_list->topLevelItem(0);
    m_list->setCurrentItem(current);
    const QString id = current->data(RootColumn, Qt::UserRole + 1).toString();
    if (id != m_selected || m_waterfall->spans().isEmpty()) {
        m_selected = id;
        loadSpans(id);
    }
}

void TracesPage::selectTrace(const QString &traceId)
{
    m_selected = traceId;
    refresh();
}

void TracesPage::loadSpans(const QString &traceId)
{
    m_studio->traceSpans(traceId, this, [this, traceId](Result<QList<store::Span>> spans) {
        if (traceId != m_selected)
            return;
        if (!spans.ok()) {
            m_detail->setText(errorHtml(palette(), spans.error().message));
            return;
        }
        m_waterfall->setSpans(*spans);
        QStringList functions;
        int cold = 0;
        for (const store::Span &s : *spans) {
            if (!functions.contains(s.function))
                functions.append(s.function);
            cold += s.initMs > 0 ? 1 : 0;
        }
        m_detail->setText(tr("<b>Trace</b> %1 &nbsp; %2 calls through %3; %4 cold start(s). Bars: "
                             "<span style='color:#f2994a'>init</span>, <span style='color:#2f80ed'>handler</span>, "
                             "<span style='color:#d63b3b'>failed</span>; the gap before a bar is the hop.")
                              .arg(traceId, QString::number(spans->size()), functions.join(QStringLiteral(" → ")).toHtmlEscaped())
                              .arg(cold));
    });
}

} // namespace funcdesk::ui
