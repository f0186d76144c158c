#include "testpage.h"

#include "common/resources.h"
#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"

#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QFontDatabase>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

QString prettyJson(const QByteArray &bytes)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        return QString::fromUtf8(bytes);
    if (doc.isNull())
        return QStringLiteral("null");
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

QString ms(double v)
{
    return QString::number(v, 'f', 2) + QStringLiteral(" ms");
}

QColor statusColor(InvocationStatus s)
{
    return s == InvocationStatus::Success ? QColor(0x2e, 0x7d, 0x32) : QColor(0xc6, 0x28, 0x28);
}

} // namespace

TestPage::TestPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_saved(new QListWidget(this)), m_templateBox(new QComboBox(this)),
      m_fieldsBox(new QGroupBox(tr("Template fields"), this)), m_fieldsForm(new QFormLayout(m_fieldsBox)),
      m_event(new CodeEditor(this)), m_jsonError(new QLabel(this)), m_qualifier(new QComboBox(this)),
      m_invoke(new QPushButton(tr("Invoke"), this)), m_summary(new QLabel(this)), m_response(new QPlainTextEdit(this)),
      m_logs(new QPlainTextEdit(this)), m_historyTable(new QTableWidget(0, 5, this))
{
    setObjectName(QStringLiteral("testPage"));
    m_templates = loadEventTemplates(resourcePath(QStringLiteral("templates/events")));

    // Left: saved events and templates.
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Saved test events"), left));
    leftLayout->addWidget(m_saved, 1);
    auto *savedButtons = new QHBoxLayout;
    auto *saveButton = new QPushButton(tr("Save…"), left);
    auto *renameButton = new QPushButton(tr("Rename…"), left);
    auto *deleteButton = new QPushButton(tr("Delete"), left);
    savedButtons->addWidget(saveButton);
    savedButtons->addWidget(renameButton);
    savedButtons->addWidget(deleteButton);
    leftLayout->addLayout(savedButtons);
    leftLayout->addWidget(new QLabel(tr("Start from a template"), left));
    m_templateBox->addItem(tr("Choose an event template…"), QString());
    for (const EventTemplate &t : std::as_const(m_templates))
        m_templateBox->addItem(t.title, t.id);
    leftLayout->addWidget(m_templateBox);
    leftLayout->addWidget(m_fieldsBox);
    m_fieldsBox->hide();

    // Center: the event and the invoke row.
    auto *center = new QWidget(this);
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    m_event->setLanguageForFile(QStringLiteral("event.json"));
    m_event->setText(QStringLiteral("{\n  \"name\": \"Funcdesk\"\n}\n"));
    m_jsonError->setObjectName(QStringLiteral("jsonError"));
    m_jsonError->setStyleSheet(QStringLiteral("color: #c62828"));
    m_invoke->setToolTip(tr("Invoke with this event (Ctrl+Enter)"));
    m_invoke->setDefault(true);
    auto *invokeRow = new QHBoxLayout;
    invokeRow->addWidget(new QLabel(tr("Qualifier:"), center));
    invokeRow->addWidget(m_qualifier);
    invokeRow->addStretch();
    invokeRow->addWidget(m_jsonError);
    invokeRow->addWidget(m_invoke);
    centerLayout->addWidget(new QLabel(tr("Event (JSON)"), center));
    centerLayout->addWidget(m_event, 1);
    centerLayout->addLayout(invokeRow);

    // Right: the result.
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_summary->setObjectName(QStringLiteral("resultSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setText(tr("Invoke the function to see its response, duration, memory and logs here."));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_response->setReadOnly(true);
    m_response->setFont(mono);
    m_response->setObjectName(QStringLiteral("response"));
    m_logs->setReadOnly(true);
    m_logs->setFont(mono);
    m_logs->setObjectName(QStringLiteral("logs"));
    m_logs->setLineWrapMode(QPlainTextEdit::NoWrap);
    auto *showLogs = new QPushButton(tr("Open in Logs page"), right);
    rightLayout->addWidget(m_summary);
    rightLayout->addWidget(new QLabel(tr("Response"), right));
    rightLayout->addWidget(m_response, 2);
    auto *logsHeader = new QHBoxLayout;
    logsHeader->addWidget(new QLabel(tr("Logs of this request"), right));
    logsHeader->addStretch();
    logsHeader->addWidget(showLogs);
    rightLayout->addLayout(logsHeader);
    rightLayout->addWidget(m_logs, 2);

    // Bottom: history.
    m_historyTable->setHorizontalHeaderLabels({tr("Time"), tr("Qualifier"), tr("Status"), tr("Duration"), tr("Request id")});
    m_historyTable->horizontalHeader()->setStretchLastSection(true);
    m_historyTable->verticalHeader()->hide();
    m_historyTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyTable->setToolTip(tr("Double-click to load the event and re-run it"));

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(left);
    top->addWidget(center);
    top->addWidget(right);
    top->setSizes({220, 420, 520});
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(top);
    auto *historyBox = new QGroupBox(tr("History (this session; double-click to re-run)"), this);
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->addWidget(m_historyTable);
    vertical->addWidget(historyBox);
    vertical->setSizes({520, 160});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(vertical);

    connect(m_invoke, &QPushButton::clicked, this, &TestPage::invoke);
    for (auto seq : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *sc = new QShortcut(seq, this);
        sc->setContext(Qt::WidgetWithChildrenShortcut);
        connect(sc, &QShortcut::activated, this, &TestPage::invoke);
    }
    connect(m_event, &QsciScintilla::textChanged, this, [this] {
        const JsonCheck check = eventCheck();
        m_jsonError->setText(check.ok ? QString() : tr("Invalid JSON at %1").arg(check.message));
        m_invoke->setEnabled(check.ok && !m_function.isEmpty() && !m_busy);
    });
    connect(m_templateBox, &QComboBox::activated, this, [this](int index) {
        const QString id = m_templateBox->itemData(index).toString();
        for (const EventTemplate &t : std::as_const(m_templates))
            if (t.id == id)
                showTemplateFields(t);
    });
    connect(m_saved, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        setEventText(item->data(Qt::UserRole).toString());
    });
    connect(m_saved, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            setEventText(item->data(Qt::UserRole).toString());
    });
    connect(saveButton, &QPushButton::clicked, this, [this] {
        const QString current = m_saved->currentItem() ? m_saved->currentItem()->text() : QStringLiteral("my-event");
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Save test event"), tr("Name:"), QLineEdit::Normal, current, &ok);
        if (ok && !name.trimmed().isEmpty())
            saveEventAs(name.trimmed());
    });
    connect(renameButton, &QPushButton::clicked, this, [this] {
        auto *item = m_saved->currentItem();
        if (!item)
            return;
        const QString old = item->text();
        bool ok = false;
        const QString name = QInputDialog::getText(this, tr("Rename test event"), tr("New name:"), QLineEdit::Normal, old, &ok);
        if (!ok || name.trimmed().isEmpty() || name == old)
            return;
        const QString json = item->data(Qt::UserRole).toString();
        m_studio->saveTestEvent(m_function, SavedTestEvent{name.trimmed(), json}, this, [this, old](Result<bool> r) {
            if (r.ok())
                m_studio->deleteTestEvent(m_function, old, this, [this](Result<bool>) { reloadSavedEvents(); });
        });
    });
    connect(deleteButton, &QPushButton::clicked, this, [this] {
        auto *item = m_saved->currentItem();
        if (!item)
            return;
        if (QMessageBox::question(this, tr("Delete test event"), tr("Delete “%1”?").arg(item->text())) != QMessageBox::Yes)
            return;
        m_studio->deleteTestEvent(m_function, item->text(), this, [this](Result<bool>) { reloadSavedEvents(); });
    });
    connect(showLogs, &QPushButton::clicked, this, [this] {
        if (!m_last.record.requestId.isEmpty())
            Q_EMIT showLogsRequested(m_last.record.requestId);
    });
    connect(m_historyTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row < 0 || row >= m_history.size())
            return;
        const HistoryEntry &e = m_history.at(m_history.size() - 1 - row);
        setEventText(e.payload);
        setQualifier(e.qualifier);
        invoke();
    });
}

void TestPage::setFunction(const QString &name)
{
    if (name == m_function)
        return;
    m_function = name;
    m_history.clear();
    m_historyTable->setRowCount(0);
    m_response->clear();
    m_logs->clear();
    m_summary->setText(tr("Invoke %1 to see its response, duration, memory and logs here.").arg(name));
    m_invoke->setEnabled(!name.isEmpty() && eventCheck().ok);
    reloadSavedEvents();
    reloadQualifiers();
}

void TestPage::reloadSavedEvents()
{
    const QString function = m_function;
    m_saved->clear();
    if (function.isEmpty())
        return;
    m_studio->testEvents(function, this, [this, function](Result<QList<SavedTestEvent>> events) {
        if (!events.ok() || function != m_function)
            return;
        m_saved->clear();
        for (const SavedTestEvent &e : *events) {
            auto *item = new QListWidgetItem(e.name, m_saved);
            item->setData(Qt::UserRole, e.json);
        }
    });
}

void TestPage::reloadQualifiers()
{
    const QString function = m_function;
    m_qualifier->clear();
    m_qualifier->addItem(QStringLiteral("$LATEST"));
    if (function.isEmpty())
        return;
    m_studio->versions(function, this, [this, function](Result<QList<VersionInfo>> versions) {
        if (!versions.ok() || function != m_function)
            return;
        for (const VersionInfo &v : *versions)
            m_qualifier->addItem(QString::number(v.number));
        m_studio->aliases(function, this, [this, function](Result<QList<AliasConfig>> aliases) {
            if (!aliases.ok() || function != m_function)
                return;
            for (const AliasConfig &a : *aliases)
                m_qualifier->addItem(a.name);
        });
    });
}

void TestPage::setQualifier(const QString &qualifier)
{
    int i = m_qualifier->findText(qualifier);
    if (i < 0) {
        m_qualifier->addItem(qualifier);
        i = m_qualifier->count() - 1;
    }
    m_qualifier->setCurrentIndex(i);
}

void TestPage::setEventText(const QString &json)
{
    m_event->setText(json);
}

QString TestPage::eventText() const
{
    return m_event->text();
}

JsonCheck TestPage::eventCheck() const
{
    return checkJson(m_event->text());
}

void TestPage::showTemplateFields(const EventTemplate &t)
{
    while (m_fieldsForm->rowCount() > 0)
        m_fieldsForm->removeRow(0);
    m_fieldEdits.clear();
    for (const TemplateField &f : t.fields) {
        auto *edit = new QLineEdit(f.defaultValue, m_fieldsBox);
        edit->setObjectName(f.name);
        m_fieldsForm->addRow(f.name + QLatin1Char(':'), edit);
        m_fieldEdits.append(edit);
        connect(edit, &QLineEdit::textChanged, this, [this, t] {
            QMap<QString, QString> values;
            for (QLineEdit *e : std::as_const(m_fieldEdits))
                values.insert(e->objectName(), e->text());
            setEventText(fillEventTemplate(t, values));
        });
    }
    m_fieldsBox->setVisible(!t.fields.isEmpty());
    setEventText(fillEventTemplate(t, {}));
}

void TestPage::applyTemplate(const QString &templateId, const QMap<QString, QString> &values)
{
    for (const EventTemplate &t : std::as_const(m_templates)) {
        if (t.id != templateId)
            continue;
        showTemplateFields(t);
        for (QLineEdit *e : std::as_const(m_fieldEdits))
            if (values.contains(e->objectName()))
                e->setText(values.value(e->objectName()));
        setEventText(fillEventTemplate(t, values));
        return;
    }
}

void TestPage::saveEventAs(const QString &name)
{
    const JsonCheck check = eventCheck();
    if (!check.ok) {
        Q_EMIT statusMessage(tr("Not saved: the event is not valid JSON (%1).").arg(check.message));
        return;
    }
    m_studio->saveTestEvent(m_function, SavedTestEvent{name, eventText()}, this, [this, name](Result<bool> r) {
        Q_EMIT statusMessage(r.ok() ? tr("Saved test event “%1”.").arg(name)
                                    : tr("Could not save the event: %1").arg(r.error().message));
        reloadSavedEvents();
    });
}

void TestPage::invoke()
{
    if (m_function.isEmpty() || m_busy)
        return;
    const JsonCheck check = eventCheck();
    if (!check.ok) {
        Q_EMIT statusMessage(tr("The event is not valid JSON: %1").arg(check.message));
        return;
    }
    m_busy = true;
    m_invoke->setEnabled(false);
    m_invoke->setText(tr("Running…"));
    const QString qualifier = m_qualifier->currentText();
    const QString payload = eventText();
    m_studio->invoke(m_function, qualifier, payload.toUtf8(), TriggerKind::Manual, this,
                     [this, qualifier, payload](engine::InvokeResult result) {
                         m_busy = false;
                         m_invoke->setText(tr("Invoke"));
                         m_invoke->setEnabled(eventCheck().ok);
                         addHistory(HistoryEntry{QDateTime::currentMSecsSinceEpoch(), qualifier, payload, result});
                         showResult(result);
                         Q_EMIT invoked(result);
                     });
}

void TestPage::showResult(const engine::InvokeResult &result)
{
    m_last = result;
    const InvocationRecord &r = result.record;
    QString html = QStringLiteral("<b style='color:%1'>%2</b>")
                       .arg(statusColor(r.status).name(), statusName(r.status).toUpper());
    if (!r.errorType.isEmpty())
        html += QStringLiteral(" &nbsp;<b>%1</b>").arg(r.errorType.toHtmlEscaped());
    html += QStringLiteral("<br>") + tr("Duration %1 · Billed %2 ms · Memory %3 MB of %4 MB")
                                          .arg(ms(r.durationMs))
                                          .arg(r.billedDurationMs)
                                          .arg(r.maxMemoryUsedMb)
                                          .arg(r.memorySizeMb);
    if (r.cold)
        html += QStringLiteral("<br>") + tr("Cold start: Init Duration %1").arg(ms(r.initDurationMs));
    else if (r.status != InvocationStatus::Throttled)
        html += QStringLiteral("<br>") + tr("Warm: reused environment %1").arg(r.environmentId.right(6));
    html += QStringLiteral("<br><small>") + tr("Version %1 · Request %2").arg(r.version, r.requestId) + QStringLiteral("</small>");
    m_summary->setText(html);

    QString response = prettyJson(result.response);
    if (result.functionError || r.status != InvocationStatus::Success) {
        // Lambda's error document: message first, then the stack trace as lines.
        const QJsonObject err = QJsonDocument::fromJson(result.response).object();
        if (!err.isEmpty()) {
            QString text = err.value(QStringLiteral("errorType")).toString() + QStringLiteral(": ")
                + err.value(QStringLiteral("errorMessage")).toString();
            const QJsonArray stack = err.value(QStringLiteral("stackTrace")).toArray();
            if (!stack.isEmpty()) {
                text += QStringLiteral("\n\nStack trace:\n");
                for (const QJsonValue &line : stack)
                    text += QStringLiteral("  ") + line.toString().trimmed() + QLatin1Char('\n');
            }
            response = text + QStringLiteral("\n\n") + response;
        }
    }
    m_response->setPlainText(response);
    QStringList lines;
    for (const LogLine &l : result.logs)
        lines.append(l.text);
    m_logs->setPlainText(lines.join(QLatin1Char('\n')));
}

void TestPage::addHistory(HistoryEntry entry)
{
    m_history.append(std::move(entry));
    if (m_history.size() > 200)
        m_history.removeFirst();
    m_historyTable->setRowCount(int(m_history.size()));
    for (int row = 0; row < m_history.size(); ++row) {
        const HistoryEntry &e = m_history.at(m_history.size() - 1 - row); // newest first
        const InvocationRecord &r = e.result.record;
        const QStringList cells{QDateTime::fromMSecsSinceEpoch(e.atMs).toString(QStringLiteral("HH:mm:ss")), e.qualifier,
                                statusName(r.status) + (r.cold ? tr(" (cold)") : QString()), ms(r.durationMs),
                                r.requestId};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            if (c == 2)
                item->setForeground(statusColor(r.status));
            m_historyTable->setItem(row, c, item);
        }
    }
}

QString TestPage::responseText() const
{
    return m_response->toPlainText();
}

QString TestPage::logText() const
{
    return m_logs->toPlainText();
}

QString TestPage::summaryText() const
{
    return m_summary->text();
}

int TestPage::historyCount() const
{
    return int(m_history.size());
}

} // namespace funcdesk::ui
