#pragma once
// The Test tab: saved test events per function, event templates with fields to fill,
// an invoke button (Ctrl+Enter) and the result: response (pretty JSON), status,
// duration, billed duration, init duration, max memory used, this request's logs, and
// errors with their stack trace. A history of this session's requests can be re-run.
// GUI thread only.

#include "engine/engine.h"
#include "ui/models/eventtemplates.h"

#include <QWidget>

class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace funcdesk::ui {

class CodeEditor;
class EmptyState;
class Studio;

class TestPage : public QWidget
{
    Q_OBJECT
public:
    explicit TestPage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name);
    void setEventText(const QString &json);
    QString eventText() const;
    JsonCheck eventCheck() const;
    void invoke(); // Ctrl+Enter
    // Invokes in a fresh environment with the runtime's debugger on loopback, showing the
    // attach instructions (host, port, a VS Code launch configuration) until it completes.
    void debug();
    void applyTemplate(const QString &templateId, const QMap<QString, QString> &values = {});
    void saveEventAs(const QString &name);
    void setQualifier(const QString &qualifier);

    // The last result, for the window and tests.
    const engine::InvokeResult &lastResult() const { return m_last; }
    QString responseText() const;
    QString logText() const;
    QString summaryText() const;
    int historyCount() const;

Q_SIGNALS:
    void invoked(const funcdesk::engine::InvokeResult &result);
    void showLogsRequested(const QString &requestId);
    void statusMessage(const QString &message);

private:
    struct HistoryEntry
    {
        qint64 atMs = 0;
        QString qualifier;
        QString payload;
        engine::InvokeResult result;
    };
    QWidget *buildSavedEvents();
    QWidget *buildEventEditor();
    QWidget *buildResult();
    QWidget *buildHistory();
    void askSaveEvent();
    void askRenameEvent();
    void askDeleteEvent();
    void run(quint16 debugPort);
    void showResult(const engine::InvokeResult &result);
    void showChunk(const QByteArray &chunk);
    void reloadSavedEvents();
    void reloadQualifiers();
    void showTemplateFields(const EventTemplate &t);
    void addHistory(HistoryEntry entry);

    Studio *m_studio;
    QString m_function;
    QList<EventTemplate> m_templates;
    QList<HistoryEntry> m_history;
    engine::InvokeResult m_last;
    bool m_busy = false;
    int m_streamChunks = 0;    // chunks of the running request's streamed response so far
    qint64 m_streamBytes = 0;

    QListWidget *m_saved;
    EmptyState *m_savedPane = nullptr;  // the saved events, or a hint while there are none
    EmptyState *m_resultPane = nullptr; // the last result, or what invoking will show
    QComboBox *m_templateBox;
    QGroupBox *m_fieldsBox;
    QFormLayout *m_fieldsForm;
    QList<QLineEdit *> m_fieldEdits;
    CodeEditor *m_event;
    QLabel *m_jsonError;
    QComboBox *m_qualifier;
    QPushButton *m_invoke;
    QPushButton *m_debug;
    QLabel *m_summary;
    QPlainTextEdit *m_response;
    QPlainTextEdit *m_logs;
    QTableWidget *m_historyTable;
};

} // namespace funcdesk::ui
