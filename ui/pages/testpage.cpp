#include "testpage.h"

#include "common/resources.h"
#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"
#include "ui/widgets/emptystate.h"
#include "ui/widgets/labels.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

TestPage::TestPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_saved(new QListWidget(this)), m_templateBox(new QComboBox(this)),
      m_fieldsBox(new QGroupBox(tr("Template fields"), this)), m_fieldsForm(new QFormLayout(m_fieldsBox)),
      m_event(new CodeEditor(this)), m_jsonError(new QLabel(this)), m_qualifier(new QComboBox(this)),
      m_invoke(new QPushButton(tr("Invoke"), this)), m_debug(new QPushButton(tr("Debug"), this)), m_summary(new QLabel(this)), m_response(new QPlainTextEdit(this)),
      m_logs(new QPlainTextEdit(this)), m_historyTable(new QTableWidget(0, 5, this))
{
    setObjectName(QStringLiteral("testPage"));
    m_templates = loadEventTemplates(resourcePath(QStringLiteral("templates/events")));

    auto *top = new QSplitter(Qt::Horizontal, this);
    top->addWidget(buildSavedEvents());
    top->addWidget(buildEventEditor());
    top->addWidget(buildResult());
    top->setSizes({220, 420, 520});
    auto *vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(top);
    vertical->addWidget(buildHistory());
    vertical->setSizes({520, 160});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(vertical);

    connect(m_invoke, &QPushButton::clicked, this, &TestPage::invoke);
    connect(m_debug, &QPushButton::clicked, this, &TestPage::debug);
    for (auto seq : {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)}) {
        auto *sc = new QShortcut(seq, this);
        sc->setContext(Qt::WidgetWithChildrenShortcut);
        connect(sc, &QShortcut::activated, this, &TestPage::invoke);
    }
}

QWidget *TestPage::buildSavedEvents()
{
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(tr("Saved test events"), left));
    m_savedPane = new EmptyState(m_saved, left);
    m_savedPane->showHint(tr("No saved events yet.\nSave the event in the editor to run it again later."));
    leftLayout->addWidget(m_savedPane, 1);
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
    connect(saveButton, &QPushButton::clicked, this, &TestPage::askSaveEvent);
    connect(renameButton, &QPushButton::clicked, this, &TestPage::askRenameEvent);
    connect(deleteButton, &QPushButton::clicked, this, &TestPage::askDeleteEvent);
    return left;
}

QWidget *TestPage::buildEventEditor()
{
    auto *center = new QWidget(this);
    auto *centerLayout = new QVBoxLayout(center);
    centerLayout->setContentsMargins(0, 0, 0, 0);
    m_event->setLanguageForFile(QStringLiteral("event.json"));
    m_event->setText(QStringLiteral("{\n  \"name\": \"Funcdesk\"\n}\n"));
    m_jsonError->setObjectName(QStringLiteral("jsonError"));
    makeErrorText(m_jsonError);
    m_invoke->setToolTip(tr("Invoke with this event (Ctrl+Enter)"));
    m_invoke->setDefault(true);
    auto *invokeRow = new QHBoxLayout;
    invokeRow->addWidget(new QLabel(tr("Qualifier:"), center));
    invokeRow->addWidget(m_qualifier);
    invokeRow->addStretch();
    invokeRow->addWidget(m_jsonError);
    m_debug->setObjectName(QStringLiteral("debugButton"));
    m_debug->setToolTip(tr("Invoke in a fresh environment with the runtime's debugger on 127.0.0.1 (node's inspector, "
                           "python's debugpy), waiting for your debugger to attach"));
    invokeRow->addWidget(m_debug);
    invokeRow->addWidget(m_invoke);
    centerLayout->addWidget(new QLabel(tr("Event (JSON)"), center));
    centerLayout->addWidget(m_event, 1);
    centerLayout->addLayout(invokeRow);

    connect(m_event, &QsciScintilla::textChanged, this, [this] {
        const JsonCheck check = eventCheck();
        m_jsonError->setText(check.ok ? QString() : tr("Invalid JSON at %1").arg(check.message));
        m_invoke->setEnabled(check.ok && !m_function.isEmpty() && !m_busy);
        m_debug->setEnabled(m_invoke->isEnabled());
    });
    return center;
}

QWidget *TestPage::buildResult()
{
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_summary->setObjectName(QStringLiteral("resultSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
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
    m_resultPane = new EmptyState(right, this);
    m_resultPane->showHint(tr("Invoke the function to see its response, duration, memory and logs here."));

    connect(showLogs, &QPushButton::clicked, this, [this] {
        if (!m_last.record.requestId.isEmpty())
            Q_EMIT showLogsRequested(m_last.record.requestId);
    });
    return m_resultPane;
}

QWidget *TestPage::buildHistory()
{
    m_historyTable->setHorizontalHeaderLabels({tr("Time"), tr("Qualifier"), tr("Status"), tr("Duration"), tr("Request id")});
    m_historyTable->horizontalHeader()->setStretchLastSection(true);
    m_historyTable->verticalHeader()->hide();
    m_historyTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyTable->setToolTip(tr("Double-click to load the event and re-run it"));
    auto *historyBox = new QGroupBox(tr("History (this session; double-click to re-run)"), this);
    auto *historyLayout = new QVBoxLayout(historyBox);
    historyLayout->addWidget(m_historyTable);

    connect(m_historyTable, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row < 0 || row >= m_history.size())
            return;
        const HistoryEntry &e = m_history.at(m_history.size() - 1 - row);
        setEventText(e.payload);
        setQualifier(e.qualifier);
        invoke();
    });
    return historyBox;
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
    m_summary->clear();
    m_resultPane->showHint(tr("Invoke %1 (Ctrl+Enter) to see its response, duration, memory and logs here.").arg(name));
    m_invoke->setEnabled(!name.isEmpty() && eventCheck().ok);
    m_debug->setEnabled(m_invoke->isEnabled());
    reloadSavedEvents();
    reloadQualifiers();
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

} // namespace funcdesk::ui
