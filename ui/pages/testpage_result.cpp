// TestPage's invocation and its result: the call through Studio, the result shown (status,
// durations, memory, response with Lambda's error document unfolded, this request's
// logs) and the session's history.
#include "testpage.h"

#include "engine/debugsession.h"
#include "settings/settings.h"
#include "ui/studio.h"
#include "ui/theme.h"
#include "ui/widgets/emptystate.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTextCursor>

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

// Readable on the palette it is shown on (a dark theme's base too).
QColor statusColor(InvocationStatus s, const QPalette &palette)
{
    return s == InvocationStatus::Success ? successColor(palette) : errorColor(palette);
}

} // namespace

void TestPage::invoke()
{
    run(0);
}

void TestPage::debug()
{
    if (m_function.isEmpty() || m_busy || !eventCheck().ok)
        return;
    QFile manifestFile(m_studio->draftDir(m_function) + QStringLiteral("/function.json"));
    const auto runtime = manifestFile.open(QIODevice::ReadOnly)
        ? runtimeFromName(QJsonDocument::fromJson(manifestFile.readAll()).object().value(QStringLiteral("runtime")).toString())
        : std::nullopt;
    if (!runtime || *runtime == Runtime::Provided) {
        Q_EMIT statusMessage(tr("Debugging is available for python3 and nodejs functions; a custom runtime brings its own debugger."));
        return;
    }
    engine::DebugTarget target;
    target.function = m_function;
    target.runtime = *runtime;
    target.port = engine::freeLoopbackPort();
    target.localRoot = m_studio->draftDir(m_function);
    const Settings *settings = m_studio->settings();
    target.remoteRoot = settings && settings->sandbox() ? QStringLiteral("/var/task") : target.localRoot;
    m_resultPane->showContent();
    m_summary->setText(tr("<b>Waiting for a debugger</b> on 127.0.0.1:%1 (%2)")
                           .arg(target.port)
                           .arg(target.runtime == Runtime::Python3 ? QStringLiteral("debugpy") : QStringLiteral("Node.js inspector")));
    m_response->setPlainText(engine::debugInstructions(target));
    m_logs->clear();
    run(target.port);
}

void TestPage::run(quint16 debugPort)
{
    if (m_function.isEmpty() || m_busy)
        return;
    const JsonCheck check = eventCheck();
    if (!check.ok) {
        Q_EMIT statusMessage(tr("The event is not valid JSON: %1").arg(check.message));
        return;
    }
    m_busy = true;
    m_streamChunks = 0;
    m_invoke->setEnabled(false);
    m_debug->setEnabled(false);
    m_invoke->setText(debugPort ? tr("Debugging…") : tr("Running…"));
    const QString qualifier = m_qualifier->currentText();
    const QString payload = eventText();
    m_studio->invoke(m_function, qualifier, payload.toUtf8(), TriggerKind::Manual, this,
                     [this, qualifier, payload](engine::InvokeResult result) {
                         m_busy = false;
                         m_invoke->setText(tr("Invoke"));
                         m_invoke->setEnabled(eventCheck().ok);
                         m_debug->setEnabled(m_invoke->isEnabled());
                         addHistory(HistoryEntry{QDateTime::currentMSecsSinceEpoch(), qualifier, payload, result});
                         showResult(result);
                         Q_EMIT invoked(result);
                     },
                     debugPort, [this](const QByteArray &chunk) { showChunk(chunk); });
}

// A streamed response as it arrives: each chunk appended, with the count so far.
void TestPage::showChunk(const QByteArray &chunk)
{
    if (m_streamChunks++ == 0) {
        m_resultPane->showContent();
        m_response->clear();
        m_streamBytes = 0;
    }
    m_streamBytes += chunk.size();
    m_response->moveCursor(QTextCursor::End);
    m_response->insertPlainText(QString::fromUtf8(chunk));
    m_summary->setText(tr("<b>Streaming…</b> %n chunk(s)", nullptr, m_streamChunks) + tr(", %1 bytes so far").arg(m_streamBytes));
}

void TestPage::showResult(const engine::InvokeResult &result)
{
    m_last = result;
    m_resultPane->showContent();
    const InvocationRecord &r = result.record;
    QString html = QStringLiteral("<b style='color:%1'>%2</b>")
                       .arg(statusColor(r.status, m_summary->palette()).name(), statusName(r.status).toUpper());
    if (!r.errorType.isEmpty())
        html += QStringLiteral(" &nbsp;<b>%1</b>").arg(r.errorType.toHtmlEscaped());
    html += QStringLiteral("<br>") + tr("Duration %1 · Billed %2 ms · Memory %3 MB of %4 MB").arg(ms(r.durationMs)).arg(r.billedDurationMs).arg(r.maxMemoryUsedMb).arg(r.memorySizeMb);
    if (result.streamed)
        html += QStringLiteral("<br>") + tr("Streamed: %n chunk(s)", nullptr, m_streamChunks) + QStringLiteral(" · ")
            + result.contentType.toHtmlEscaped();
    if (r.debugged)
        html += QStringLiteral("<br>") + tr("Debugged: a fresh environment with the debugger, retired afterwards");
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
                item->setForeground(statusColor(r.status, m_historyTable->palette()));
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
