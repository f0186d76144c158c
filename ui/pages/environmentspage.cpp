#include "environmentspage.h"

#include "ui/charts/swimlanewidget.h"
#include "ui/models/environmentmodel.h"
#include "ui/pages/pageheader.h"
#include "settings/settings.h"
#include "ui/studio.h"
#include "ui/widgets/icons.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace funcdesk::ui {

using engine::EnvironmentState;

namespace {
QWidget *legend(QWidget *parent)
{
    auto *w = new QWidget(parent);
    auto *row = new QHBoxLayout(w);
    row->setContentsMargins(0, 0, 0, 0);
    struct Entry
    {
        EnvironmentState state;
        QString text;
        QString tip;
    };
    const Entry entries[] = {
        {EnvironmentState::Initializing, EnvironmentsPage::tr("Init (cold start)"),
         EnvironmentsPage::tr("Starting the runtime and running the function's initialisation code")},
        {EnvironmentState::Busy, EnvironmentsPage::tr("Busy"), EnvironmentsPage::tr("Serving one request")},
        {EnvironmentState::Idle, EnvironmentsPage::tr("Idle (warm)"),
         EnvironmentsPage::tr("Waiting for the next request; the next invocation is a warm start")},
        {EnvironmentState::Frozen, EnvironmentsPage::tr("Frozen"),
         EnvironmentsPage::tr("Idle and suspended (SIGSTOP) until the next request, like Lambda")},
        {EnvironmentState::Retired, EnvironmentsPage::tr("Retired"),
         EnvironmentsPage::tr("Shut down: idle timeout, code update, crash, timeout, out of memory")},
    };
    for (const Entry &e : entries) {
        auto *swatch = new QLabel(w);
        swatch->setPixmap(statusDot(SwimlaneWidget::stateColor(e.state)).pixmap(12, 12));
        auto *text = new QLabel(e.text, w);
        swatch->setToolTip(e.tip);
        text->setToolTip(e.tip);
        row->addWidget(swatch);
        row->addWidget(text);
        row->addSpacing(10);
    }
    row->addStretch(1);
    return w;
}
} // namespace

EnvironmentsPage::EnvironmentsPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_header(new PageHeader(tr("Execution environments"), this)),
      m_swimlane(new SwimlaneWidget),
      m_table(new QTableView),
      m_model(new EnvironmentModel(this)),
      m_proxy(new QSortFilterProxyModel(this))
{

    auto *scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_swimlane);
    scroll->setMinimumHeight(140);
    m_swimlane->setAccessibleName(tr("Environment timeline"));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(EnvironmentModel::SortRole);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(EnvironmentModel::AgeColumn, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(EnvironmentModel::FunctionColumn, QHeaderView::Stretch);
    m_table->setAccessibleName(tr("Current environments"));

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(scroll);
    splitter->addWidget(m_table);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    // Whether functions are kept away from the user's files (engine/sandbox.h).
    auto *sandbox = new QLabel(this);
    sandbox->setObjectName(QStringLiteral("sandboxStatus"));
    sandbox->setWordWrap(true);
    const QString noSandbox = engine::Engine::sandboxUnavailableReason();
    if (!noSandbox.isEmpty())
        sandbox->setText(tr("<b>Functions are not sandboxed:</b> %1. They can read and change your files. Install the "
                            "bubblewrap package and restart Funcdesk.")
                             .arg(noSandbox.toHtmlEscaped()));
    else if (!m_studio->settings()->sandbox())
        sandbox->setText(tr("<b>Functions are not sandboxed</b> (turned off in Settings): they can read and change your "
                            "files."));
    else
        sandbox->setText(tr("Each environment runs in a sandbox (bubblewrap): its code read-only at /var/task, a "
                            "private /tmp, none of your files."));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(sandbox);
    layout->addWidget(legend(this));
    layout->addWidget(splitter, 1);

    // Start from what exists now; later changes arrive as values from the engine.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<engine::EnvironmentInfo> current = m_studio->environments();
    for (const engine::EnvironmentInfo &info : current)
        m_timeline.apply(info, now);
    pollEnvironments();
    connect(m_studio, &Studio::environmentsChanged, this, &EnvironmentsPage::onEnvironmentsChanged);

    m_paintTimer.setInterval(250);
    m_pollTimer.setInterval(1000);
    connect(&m_paintTimer, &QTimer::timeout, this, &EnvironmentsPage::repaintSwimlane);
    connect(&m_pollTimer, &QTimer::timeout, this, &EnvironmentsPage::pollEnvironments);
}

void EnvironmentsPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_paintTimer.start();
    m_pollTimer.start();
    refresh();
}

void EnvironmentsPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_paintTimer.stop();
    m_pollTimer.stop();
}

void EnvironmentsPage::refresh()
{
    pollEnvironments();
    repaintSwimlane();
}

void EnvironmentsPage::onEnvironmentsChanged(const QList<engine::EnvironmentInfo> &changes)
{
    // Only the timeline hears each change; painting waits for the 250 ms timer.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const engine::EnvironmentInfo &info : changes)
        m_timeline.apply(info, now);
    if (now - m_lastPruneMs > 5000) {
        m_timeline.prune(now);
        m_lastPruneMs = now;
    }
}

void EnvironmentsPage::repaintSwimlane()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_timeline.prune(now);
    m_lastPruneMs = now;
    QList<Lane> lanes = m_timeline.lanes();
    const qint64 window = visibleWindowMs(lanes, now);
    m_swimlane->setLanes(std::move(lanes), now, window);
}

qint64 EnvironmentsPage::visibleWindowMs(const QList<Lane> &lanes, qint64 nowMs)
{
    constexpr qint64 minute = 60'000;
    qint64 oldest = nowMs;
    for (const Lane &lane : lanes)
        if (!lane.segments.isEmpty())
            oldest = std::min(oldest, lane.segments.first().startMs);
    const qint64 minutes = (nowMs - oldest + minute - 1) / minute;
    return std::clamp<qint64>(minutes, 1, kWindowMs / minute) * minute;
}

void EnvironmentsPage::pollEnvironments()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<engine::EnvironmentInfo> current = m_studio->environments();
    current.removeIf([](const engine::EnvironmentInfo &e) { return e.state == EnvironmentState::Retired; });
    int busy = 0;
    int provisioned = 0;
    for (const engine::EnvironmentInfo &e : std::as_const(current)) {
        busy += e.state == EnvironmentState::Busy ? 1 : 0;
        provisioned += e.provisioned ? 1 : 0;
    }
    m_header->setStatus(tr("%n environment(s)", nullptr, int(current.size())) + QStringLiteral(" \u00b7 ")
                        + tr("%n busy", nullptr, busy) + QStringLiteral(" \u00b7 ") + tr("%n provisioned", nullptr, provisioned));
    m_model->setEnvironments(std::move(current), now);
}

} // namespace funcdesk::ui
