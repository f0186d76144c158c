#include "queuespage.h"

#include "api/sqsapi.h"
#include "api/sqswire.h"
#include "store/sqlite.h"
#include "ui/async.h"
#include "ui/charts/timeserieschart.h"
#include "ui/pages/pageheader.h"
#include "ui/studio.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

Result<QList<QueueRow>> readRows(const QString &database)
{
    Result<store::Connection *> conn = store::threadConnection(database);
    if (!conn)
        return conn.error();
    auto queues = store::listQueues(**conn);
    if (!queues)
        return queues.error();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<QueueRow> rows;
    for (const store::QueueInfo &q : std::as_const(*queues)) {
        QueueRow r;
        r.info = q;
        r.sampledMs = now;
        auto stats = store::queueStats(**conn, q.name, now);
        if (!stats)
            return stats.error();
        r.stats = *stats;
        if (auto sources = store::deadLetterSourceQueues(**conn, q.name); sources)
            r.deadLetterSources = *sources;
        rows.append(r);
    }
    return rows;
}

} // namespace

QueuesPage::QueuesPage(Studio *studio, QWidget *parent)
    : QWidget(parent),
      m_studio(studio),
      m_header(new PageHeader(tr("Queues"), this)),
      m_table(new QTableView),
      m_model(new QueueListModel(this)),
      m_depth(new TimeSeriesChart(tr("Messages"), tr("messages"))),
      m_throughput(new TimeSeriesChart(tr("Throughput"), tr("messages/s"))),
      m_age(new TimeSeriesChart(tr("Oldest message"), tr("seconds"))),
      m_send(new QPushButton(tr("&Send test message…"))),
      m_peek(new QPushButton(tr("&Peek"))),
      m_moveBack(new QPushButton(tr("&Move back to source"))),
      m_purge(new QPushButton(tr("P&urge"))),
      m_peeked(new QTableWidget(0, 4)),
      m_empty(new QLabel)
{
    m_header->setSubtitle(tr("SQS-compatible queues on the engine's API (%1); functions consume them through event source mappings")
                              .arg(m_studio->apiAddress().isEmpty() ? tr("API not running") : m_studio->apiAddress()));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setAccessibleName(tr("Queues"));
    m_empty->setText(tr("No queues yet. Create one with an SDK (CreateQueue), or: funcdesk queues create NAME"));
    m_empty->setWordWrap(true);

    m_moveBack->setToolTip(tr("Move every message of this dead-letter queue back to the queue it came from"));
    m_peek->setToolTip(tr("Show the oldest messages without receiving them (their visibility does not change)"));
    m_peeked->setHorizontalHeaderLabels({tr("Message ID"), tr("Receives"), tr("Sent"), tr("Body")});
    m_peeked->horizontalHeader()->setStretchLastSection(true);
    m_peeked->verticalHeader()->hide();
    m_peeked->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {m_send, m_peek, m_moveBack, m_purge})
        buttons->addWidget(b);
    buttons->addStretch(1);

    auto *charts = new QHBoxLayout;
    for (TimeSeriesChart *c : {m_depth, m_throughput, m_age}) {
        c->setMinimumHeight(200);
        charts->addWidget(c);
    }

    auto *top = new QWidget;
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_table);
    topLayout->addWidget(m_empty);
    auto *bottom = new QWidget;
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(charts, 3);
    bottomLayout->addLayout(buttons);
    bottomLayout->addWidget(m_peeked, 2);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(top);
    split->addWidget(bottom);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    split->setSizes({150, 550});
    m_table->setMinimumHeight(110);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_header);
    layout->addWidget(split, 1);

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &QueuesPage::refresh);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        m_peeked->setRowCount(0);
        updateCharts();
        updateButtons();
    });
    connect(m_send, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString body = QInputDialog::getMultiLineText(this, tr("Send a test message"), tr("Body of the message to %1:").arg(selectedQueue()),
                                                            QStringLiteral("{\"test\": true}"), &ok);
        if (ok && !body.isEmpty())
            sendTestMessage(body);
    });
    connect(m_peek, &QPushButton::clicked, this, &QueuesPage::peek);
    connect(m_moveBack, &QPushButton::clicked, this, &QueuesPage::moveBack);
    connect(m_purge, &QPushButton::clicked, this, [this] {
        const QString queue = selectedQueue();
        act(tr("Purged %1").arg(queue), [queue](const QString &database) -> Result<QString> {
            auto conn = store::threadConnection(database);
            if (!conn)
                return conn.error();
            auto n = store::purgeQueue(**conn, queue);
            if (!n)
                return n.error();
            return QString::number(*n);
        });
    });
    updateButtons();
}

QString QueuesPage::selectedQueue() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty() || rows.first().row() >= m_model->rows().size())
        return {};
    return m_model->rows().at(rows.first().row()).info.name;
}

void QueuesPage::selectQueue(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row >= 0)
        m_table->selectRow(row);
}

int QueuesPage::peekedCount() const
{
    return m_peeked->rowCount();
}

void QueuesPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_timer.start();
}

void QueuesPage::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_timer.stop();
}

void QueuesPage::refresh()
{
    if (m_loading)
        return;
    m_loading = true;
    const QString database = m_studio->dataDir().database();
    runAsync(m_studio->storePool(), this, [database] { return readRows(database); },
             [this](Result<QList<QueueRow>> rows) {
                 m_loading = false;
                 if (!rows) {
                     m_header->setStatus(rows.error().toString());
                     return;
                 }
                 onRows(*rows);
                 Q_EMIT refreshed();
             });
}

void QueuesPage::onRows(const QList<QueueRow> &rows)
{
    const QString selected = selectedQueue();
    m_model->setRows(rows);
    for (const QueueRow &r : rows) {
        QList<Sample> &ring = m_samples[r.info.name];
        ring.append(Sample{r.sampledMs, r.stats.visible, r.stats.inFlight, r.oldestAgeSeconds(), r.info.sentTotal, r.info.deletedTotal});
        while (!ring.isEmpty() && ring.first().ms < r.sampledMs - kWindowMs)
            ring.removeFirst();
    }
    if (selectedQueue().isEmpty() && !rows.isEmpty())
        selectQueue(selected.isEmpty() || m_model->rowOf(selected) < 0 ? rows.first().info.name : selected);
    m_table->setVisible(!rows.isEmpty());
    m_empty->setVisible(rows.isEmpty());
    m_header->setUpdatedNow();
    updateCharts();
    updateButtons();
}

void QueuesPage::updateCharts()
{
    const QString queue = selectedQueue();
    const QList<Sample> ring = m_samples.value(queue);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Back to the first sample (at least a minute), at most kWindowMs: a page opened a
    // moment ago is not five empty minutes.
    const qint64 from = qMax(now - kWindowMs, qMin(now - 60'000, ring.isEmpty() ? now : ring.first().ms));
    QList<QPointF> visible, inFlight, age, sent, deleted;
    for (qsizetype i = 0; i < ring.size(); ++i) {
        const Sample &s = ring[i];
        visible.append(QPointF(s.ms, s.visible));
        inFlight.append(QPointF(s.ms, s.inFlight));
        age.append(QPointF(s.ms, s.ageSeconds));
        if (i > 0) {
            // Per second over the last five samples: one-second deltas of bursty traffic
            // read as a saw.
            const Sample &back = ring[qMax<qsizetype>(0, i - 5)];
            const double seconds = qMax<qint64>(1, s.ms - back.ms) / 1000.0;
            sent.append(QPointF(s.ms, (s.sentTotal - back.sentTotal) / seconds));
            deleted.append(QPointF(s.ms, (s.deletedTotal - back.deletedTotal) / seconds));
        }
    }
    m_depth->setSeries({{tr("Visible"), QColor(0x2b, 0x7b, 0xd9), visible, true}, {tr("In flight"), QColor(0xe0, 0x8a, 0x1e), inFlight}}, from, now);
    m_throughput->setSeries({{tr("Sent"), QColor(0x2b, 0x7b, 0xd9), sent}, {tr("Deleted"), QColor(0x3a, 0xa6, 0x5c), deleted}}, from, now);
    m_age->setSeries({{tr("Oldest message age"), QColor(0xc0, 0x39, 0x2b), age}}, from, now);
}

void QueuesPage::updateButtons()
{
    const int row = m_model->rowOf(selectedQueue());
    const bool any = row >= 0;
    const bool deadLetters = any && !m_model->rows().at(row).deadLetterSources.isEmpty();
    m_send->setEnabled(any);
    m_peek->setEnabled(any);
    m_purge->setEnabled(any);
    m_moveBack->setEnabled(deadLetters && m_model->rows().at(row).stats.visible + m_model->rows().at(row).stats.inFlight > 0);
    m_moveBack->setText(deadLetters ? tr("&Move back to %1").arg(m_model->rows().at(row).deadLetterSources.first()) : tr("&Move back to source"));
}

void QueuesPage::act(const QString &done, std::function<Result<QString>(const QString &database)> work)
{
    const QString database = m_studio->dataDir().database();
    runAsync(m_studio->storePool(), this, [database, work] { return work(database); },
             [this, done](Result<QString> r) {
                 const QString text = r ? done.arg(*r) : r.error().toString();
                 m_header->setStatus(text);
                 Q_EMIT statusMessage(text);
                 refresh();
             });
}

void QueuesPage::sendTestMessage(const QString &body)
{
    const QString queue = selectedQueue();
    if (queue.isEmpty())
        return;
    act(tr("Sent message %1 to ") + queue, [queue, body](const QString &database) -> Result<QString> {
        // SQS's SendMessage itself (validation, MD5s), straight on the store; the engine's
        // mappings and waiting receives see it on their next look (within 200 ms).
        api::SqsApi sqs(database);
        sqs.setBaseUrl(QStringLiteral("http://local"));
        const api::WireResponse r = sqs.callDirect(QStringLiteral("SendMessage"),
                                                   {{QStringLiteral("QueueUrl"), api::queueUrl(QStringLiteral("http://local"), queue)},
                                                    {QStringLiteral("MessageBody"), body}});
        const QJsonObject answer = QJsonDocument::fromJson(r.body).object();
        if (r.status != 200)
            return makeError(answer.value(QStringLiteral("__type")).toString().section(QLatin1Char('#'), -1), answer.value(QStringLiteral("message")).toString());
        return answer.value(QStringLiteral("MessageId")).toString();
    });
}

void QueuesPage::peek()
{
    const QString queue = selectedQueue();
    const QString database = m_studio->dataDir().database();
    runAsync(m_studio->storePool(), this,
             [database, queue]() -> Result<QList<store::QueueMessage>> {
                 auto conn = store::threadConnection(database);
                 if (!conn)
                     return conn.error();
                 return store::peekMessages(**conn, queue, 50);
             },
             [this](Result<QList<store::QueueMessage>> messages) {
                 if (!messages) {
                     m_header->setStatus(messages.error().toString());
                     return;
                 }
                 m_peeked->setRowCount(int(messages->size()));
                 for (int i = 0; i < messages->size(); ++i) {
                     const store::QueueMessage &m = messages->at(i);
                     const QStringList cells{m.messageId, QString::number(m.receiveCount),
                                             QDateTime::fromMSecsSinceEpoch(m.sentMs).toString(QStringLiteral("HH:mm:ss")),
                                             QString::fromUtf8(m.body).simplified().left(200)};
                     for (int c = 0; c < cells.size(); ++c)
                         m_peeked->setItem(i, c, new QTableWidgetItem(cells[c]));
                 }
                 m_peeked->resizeColumnsToContents();
                 m_header->setStatus(tr("%n message(s), oldest first", nullptr, int(messages->size())));
             });
}

void QueuesPage::moveBack()
{
    const int row = m_model->rowOf(selectedQueue());
    if (row < 0 || m_model->rows().at(row).deadLetterSources.isEmpty())
        return;
    const QString from = m_model->rows().at(row).info.name;
    const QString to = m_model->rows().at(row).deadLetterSources.first();
    act(tr("Moved %1 messages back to ") + to, [from, to](const QString &database) -> Result<QString> {
        auto conn = store::threadConnection(database);
        if (!conn)
            return conn.error();
        auto moved = store::moveMessages(**conn, from, to, -1, QDateTime::currentMSecsSinceEpoch());
        if (!moved)
            return moved.error();
        return QString::number(*moved);
    });
}

} // namespace funcdesk::ui
