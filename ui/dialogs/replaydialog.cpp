#include "replaydialog.h"

#include "ui/studio.h"
#include "ui/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

constexpr qint64 kMinuteMs = 60'000;

QString millis(double v) { return QStringLiteral("%1 ms").arg(v, 0, 'f', v < 10 ? 2 : 1); }

QString versionLabel(const QString &version)
{
    return version.startsWith(QLatin1Char('$')) ? version : QStringLiteral("v") + version;
}

QString shortPayload(const QByteArray &payload)
{
    const QString text = QString::fromUtf8(payload).simplified();
    return text.size() > 60 ? text.left(57) + QStringLiteral("...") : text;
}

void setCells(QTableWidget *table, int row, const QStringList &cells)
{
    for (int column = 0; column < cells.size(); ++column) {
        auto *item = new QTableWidgetItem(cells.at(column));
        item->setTextAlignment(column == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, column, item);
    }
}

QTableWidget *makeTable(QWidget *parent, const QStringList &headers)
{
    auto *table = new QTableWidget(parent);
    table->setColumnCount(int(headers.size()));
    table->setHorizontalHeaderLabels(headers);
    table->horizontalHeader()->setStretchLastSection(true);
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setWordWrap(false);
    return table;
}

} // namespace

ReplayDialog::ReplayDialog(Studio *studio, const QString &function, QWidget *parent)
    : QDialog(parent), m_studio(studio), m_function(function), m_source(new QComboBox(this)), m_target(new QComboBox(this)),
      m_status(new QLabel(this)),
      m_sides(makeTable(this, {QString(), tr("Invocations"), tr("Errors"), tr("p50"), tr("p90"), tr("p99"), tr("Max")})),
      m_changes(makeTable(this, {tr("Request"), tr("Event"), tr("Recorded"), tr("Replayed"), tr("What changed")})),
      m_run(new QPushButton(tr("Replay"), this)), m_cancel(new QPushButton(tr("Cancel"), this))
{
    setWindowTitle(tr("Replay: %1").arg(function));
    setObjectName(QStringLiteral("replayDialog"));
    m_source->setObjectName(QStringLiteral("replaySource"));
    m_target->setObjectName(QStringLiteral("replayTarget"));
    m_source->addItem(tr("The last 15 minutes"), 15 * kMinuteMs);
    m_source->addItem(tr("The last hour"), 60 * kMinuteMs);
    m_source->addItem(tr("The last 24 hours"), 24 * 60 * kMinuteMs);
    m_source->addItem(tr("Everything kept"), qint64(0));
    m_source->setCurrentIndex(1);
    m_target->setEditable(false);
    m_target->addItem(QStringLiteral("$LATEST"));
    m_status->setWordWrap(true);
    m_status->setText(tr("Sends the payloads of recorded invocations to the version or alias you choose, one at a time, "
                         "and compares what comes back with what was recorded. Payloads are kept as Settings say "
                         "(size and count per function)."));
    m_sides->setRowCount(2);
    m_sides->setMaximumHeight(m_sides->horizontalHeader()->height() + 2 * m_sides->verticalHeader()->defaultSectionSize() + 6);

    auto *form = new QFormLayout;
    form->addRow(tr("Invocations:"), m_source);
    form->addRow(tr("Send them to:"), m_target);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addStretch();
    auto *close = new QPushButton(tr("Close"), this);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_sides);
    layout->addWidget(new QLabel(tr("Invocations whose status or response changed:"), this));
    layout->addWidget(m_changes, 1);
    layout->addLayout(buttons);
    resize(900, 560);

    m_run->setDefault(true);
    m_cancel->setEnabled(false);
    connect(m_run, &QPushButton::clicked, this, &ReplayDialog::start);
    connect(m_cancel, &QPushButton::clicked, m_studio, &Studio::cancelExperiment);
    connect(close, &QPushButton::clicked, this, &QDialog::accept);
    loadChoices();
}

void ReplayDialog::loadChoices()
{
    m_studio->aliases(m_function, this, [this](Result<QList<AliasConfig>> aliases) {
        if (!aliases)
            return;
        for (const AliasConfig &a : std::as_const(*aliases))
            m_target->addItem(a.name);
        if (!m_wantedTarget.isEmpty())
            setTarget(m_wantedTarget);
    });
    m_studio->versions(m_function, this, [this](Result<QList<VersionInfo>> versions) {
        if (!versions)
            return;
        for (const VersionInfo &v : std::as_const(*versions))
            m_target->addItem(QString::number(v.number));
        if (!m_wantedTarget.isEmpty())
            setTarget(m_wantedTarget);
    });
    m_studio->experiments(0, QDateTime::currentMSecsSinceEpoch(), m_function, this,
                          [this](Result<QList<store::Experiment>> experiments) {
                              if (!experiments)
                                  return;
                              for (const store::Experiment &e : std::as_const(*experiments)) {
                                  if (e.endedMs == 0 || e.kind == QLatin1String("replay"))
                                      continue;
                                  m_source->addItem(tr("During experiment: %1, %2")
                                                        .arg(e.label, QDateTime::fromMSecsSinceEpoch(e.startedMs)
                                                                          .toString(QStringLiteral("yyyy-MM-dd HH:mm"))),
                                                    QVariant::fromValue(-e.id)); // negative: an experiment id
                              }
                          });
}

void ReplayDialog::setRequestIds(const QStringList &requestIds)
{
    m_requestIds = requestIds;
    m_source->insertItem(0, tr("The %n selected invocation(s)", nullptr, int(requestIds.size())), QString());
    m_source->setCurrentIndex(0);
}

void ReplayDialog::setTarget(const QString &qualifier)
{
    m_wantedTarget = qualifier;
    const int index = m_target->findText(qualifier);
    if (index >= 0)
        m_target->setCurrentIndex(index);
}

lab::ReplaySelection ReplayDialog::selection() const
{
    lab::ReplaySelection s;
    s.function = m_function;
    const QVariant data = m_source->currentData();
    if (data.typeId() == QMetaType::QString) {
        s.requestIds = m_requestIds;
        return s;
    }
    const qint64 value = data.toLongLong();
    if (value < 0)
        s.experimentId = -value;
    else if (value > 0)
        s.fromMs = QDateTime::currentMSecsSinceEpoch() - value;
    return s;
}

void ReplayDialog::start()
{
    if (m_running)
        return;
    lab::ReplayOptions options;
    options.selection = selection();
    options.target = m_target->currentText();
    m_running = true;
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_studio->runReplay(
        options, this, [this](const QString &step) { m_status->setText(step); },
        [this](Result<lab::ReplayResult> r) {
            m_running = false;
            m_run->setEnabled(true);
            m_cancel->setEnabled(false);
            if (!r) {
                m_status->setText(errorHtml(palette(), r.error().message));
                Q_EMIT finished(false);
                return;
            }
            m_result = *r;
            showResult();
            Q_EMIT finished(true);
        });
}

void ReplayDialog::showResult()
{
    const lab::ReplayResult &r = m_result;
    auto side = [](const QString &label, const lab::ReplaySide &s) {
        return QStringList{label, QString::number(s.count), QString::number(s.errors), millis(s.p50Ms), millis(s.p90Ms),
                           millis(s.p99Ms), millis(s.maxMs)};
    };
    setCells(m_sides, 0, side(tr("Recorded"), r.recorded));
    setCells(m_sides, 1, side(tr("Replayed to %1").arg(r.target), r.replayed));
    m_sides->resizeColumnsToContents();

    m_changes->setRowCount(0);
    for (const lab::ReplayItem &item : r.items) {
        if (!item.differs && item.recordedStatus == item.replayedStatus)
            continue;
        const int row = m_changes->rowCount();
        m_changes->insertRow(row);
        QString what;
        if (item.recordedStatus != item.replayedStatus)
            what = tr("%1 became %2").arg(statusName(item.recordedStatus), statusName(item.replayedStatus));
        else
            what = tr("response differs: %1").arg(shortPayload(item.replayedResponse));
        const QStringList cells{item.requestId, shortPayload(item.payload),
                                tr("%1 %2, %3").arg(versionLabel(item.recordedVersion), statusName(item.recordedStatus),
                                                    millis(item.recordedDurationMs)),
                                tr("%1 %2, %3").arg(versionLabel(item.replayedVersion), statusName(item.replayedStatus),
                                                    millis(item.replayedDurationMs)),
                                what};
        for (int column = 0; column < cells.size(); ++column) {
            auto *cell = new QTableWidgetItem(cells.at(column));
            if (column == 4 || column == 1)
                cell->setToolTip(column == 1 ? QString::fromUtf8(item.payload) : QString::fromUtf8(item.replayedResponse));
            m_changes->setItem(row, column, cell);
        }
    }
    m_changes->resizeColumnsToContents();
    const qsizetype notCompared = r.items.size() - r.compared;
    m_status->setText(tr("Replayed %1 invocations to <b>%2</b>: %3 of %4 compared responses differ, %5 changed status.%6")
                          .arg(r.items.size())
                          .arg(r.target.toHtmlEscaped())
                          .arg(r.differing)
                          .arg(r.compared)
                          .arg(r.statusChanged)
                          .arg(notCompared > 0 ? tr(" %1 recorded responses were over the capture size and are not compared.")
                                                     .arg(notCompared)
                                               : QString()));
}

} // namespace funcdesk::ui
