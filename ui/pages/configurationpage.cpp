#include "configurationpage.h"

#include "ui/studio.h"
#include "ui/widgets/labels.h"
#include "ui/widgets/layerpicker.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QLabel *errorLabel(QWidget *parent)
{
    auto *l = new QLabel(parent);
    makeErrorText(l);
    l->setWordWrap(true);
    l->hide();
    return l;
}
} // namespace

ConfigurationPage::ConfigurationPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio)
{
    setObjectName(QStringLiteral("configurationPage"));
    auto *content = new QWidget;
    auto *left = new QVBoxLayout;
    left->addWidget(buildGeneral(content));
    left->addWidget(buildEnvironment(content));
    m_layers = new LayerPicker(m_studio, content);
    left->addWidget(m_layers);
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(buildConcurrency(content));
    right->addWidget(buildAsync(content));
    right->addWidget(buildTriggers(content));
    right->addStretch();
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addLayout(columns);
    contentLayout->addLayout(buildButtons(content));

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    for (QSpinBox *box : {m_memory, m_timeout, m_ephemeral, m_reserved, m_provisioned, m_retries, m_maxAge})
        connect(box, &QSpinBox::valueChanged, this, &ConfigurationPage::validate);
    connect(m_reservedOn, &QCheckBox::toggled, this, &ConfigurationPage::validate);
    connect(m_network, &QCheckBox::toggled, this, &ConfigurationPage::validate);
    connect(m_env, &QTableWidget::itemChanged, this, &ConfigurationPage::validate);
    connect(m_layers, &LayerPicker::changed, this, &ConfigurationPage::validate);
}

QGroupBox *ConfigurationPage::buildGeneral(QWidget *parent)
{
    auto *general = new QGroupBox(tr("General"), parent);
    auto *gf = new QFormLayout(general);
    m_runtime = new QComboBox(general);
    m_runtime->setObjectName(QStringLiteral("runtime"));
    m_runtime->setToolTip(tr("Lambda's runtime identifier, kept as given (in exports too). It runs on this "
                             "machine's interpreter of that language."));
    m_runtimeNote = new QLabel(general);
    m_runtimeNote->setObjectName(QStringLiteral("runtimeNote"));
    m_runtimeNote->setWordWrap(true);
    m_runtimeNote->hide();
    connect(m_runtime, &QComboBox::currentTextChanged, this, &ConfigurationPage::refreshRuntimeNote);
    m_memory = new QSpinBox(general);
    m_memory->setRange(128, 10240);
    m_memory->setSingleStep(64);
    m_memory->setSuffix(tr(" MB"));
    m_memory->setToolTip(tr("128 MB to 10,240 MB. As on Lambda, CPU share grows with memory."));
    m_timeout = new QSpinBox(general);
    m_timeout->setRange(1, 900);
    m_timeout->setSuffix(tr(" s"));
    m_architecture = new QComboBox(general);
    m_architecture->addItems({QStringLiteral("x86_64"), QStringLiteral("arm64")});
    m_architecture->setToolTip(tr("Runs natively here either way; sets the price per GB-second."));
    m_ephemeral = new QSpinBox(general);
    m_ephemeral->setObjectName(QStringLiteral("ephemeralStorage"));
    m_ephemeral->setRange(512, 10240);
    m_ephemeral->setSingleStep(512);
    m_ephemeral->setSuffix(tr(" MB"));
    m_ephemeral->setToolTip(tr("The size of /tmp, 512 MB to 10,240 MB as on Lambda (in the sandbox)."));
    m_network = new QCheckBox(tr("Network access"), general);
    m_network->setObjectName(QStringLiteral("network"));
    m_network->setToolTip(tr("Off: the function's environments have no network at all (in the sandbox; python3 and "
                             "nodejs only, a custom runtime needs it for the Runtime API)."));
    m_description = new QLineEdit(general);
    m_cost = new QLabel(general);
    m_cost->setWordWrap(true);
    gf->addRow(tr("Runtime:"), m_runtime);
    gf->addRow(QString(), m_runtimeNote);
    gf->addRow(tr("Memory:"), m_memory);
    gf->addRow(tr("Timeout:"), m_timeout);
    gf->addRow(tr("Architecture:"), m_architecture);
    gf->addRow(tr("Ephemeral storage:"), m_ephemeral);
    gf->addRow(QString(), m_network);
    gf->addRow(tr("Description:"), m_description);
    gf->addRow(QString(), m_cost);
    return general;
}

QGroupBox *ConfigurationPage::buildEnvironment(QWidget *parent)
{
    auto *envBox = new QGroupBox(tr("Environment variables"), parent);
    auto *envLayout = new QVBoxLayout(envBox);
    m_env = new QTableWidget(0, 2, envBox);
    m_env->setHorizontalHeaderLabels({tr("Key"), tr("Value")});
    m_env->horizontalHeader()->setStretchLastSection(true);
    m_env->verticalHeader()->hide();
    m_env->setMinimumHeight(120);
    m_envError = errorLabel(envBox);
    auto *envButtons = new QHBoxLayout;
    auto *addVar = new QPushButton(tr("Add variable"), envBox);
    auto *removeVar = new QPushButton(tr("Remove"), envBox);
    auto *importVars = new QPushButton(tr("Import…"), envBox);
    importVars->setObjectName(QStringLiteral("importEnvironment"));
    importVars->setToolTip(tr("Add the variables of a .env file or a SAM env.json (sam local invoke --env-vars)"));
    envButtons->addWidget(addVar);
    envButtons->addWidget(removeVar);
    envButtons->addWidget(importVars);
    envButtons->addStretch();
    envLayout->addWidget(m_env);
    envLayout->addLayout(envButtons);
    envLayout->addWidget(m_envError);
    connect(addVar, &QPushButton::clicked, this, [this] {
        const int row = m_env->rowCount();
        m_env->insertRow(row);
        m_env->setItem(row, 0, new QTableWidgetItem(QStringLiteral("NEW_VARIABLE")));
        m_env->setItem(row, 1, new QTableWidgetItem(QString()));
        m_env->editItem(m_env->item(row, 0));
    });
    connect(importVars, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import environment variables"), QString(),
                                                          tr("Environment files (*.env .env* *.json);;All files (*)"));
        if (path.isEmpty())
            return;
        const Result<int> n = importEnvironmentFile(path);
        if (!n) {
            showError(m_envError, tr("Cannot import %1: %2").arg(QFileInfo(path).fileName(), n.error().message));
            return;
        }
        Q_EMIT statusMessage(tr("Imported %n variable(s) from %1; save to keep them.", nullptr, *n).arg(QFileInfo(path).fileName()));
    });
    connect(removeVar, &QPushButton::clicked, this, [this] {
        if (m_env->currentRow() >= 0)
            m_env->removeRow(m_env->currentRow());
        validate();
    });
    return envBox;
}

QGroupBox *ConfigurationPage::buildConcurrency(QWidget *parent)
{
    auto *concurrency = new QGroupBox(tr("Concurrency"), parent);
    auto *cf = new QFormLayout(concurrency);
    m_reservedOn = new QCheckBox(tr("Reserve concurrency"), concurrency);
    m_reserved = new QSpinBox(concurrency);
    m_reserved->setRange(0, 1000);
    m_reserved->setToolTip(tr("At most this many environments; more requests are throttled (429). 0 stops the function."));
    m_provisioned = new QSpinBox(concurrency);
    m_provisioned->setRange(0, 100);
    m_provisioned->setToolTip(tr("Environments initialised ahead of traffic and never retired for idleness: no cold starts."));
    m_concurrencyError = errorLabel(concurrency);
    auto *reservedRow = new QHBoxLayout;
    reservedRow->addWidget(m_reservedOn);
    reservedRow->addWidget(m_reserved, 1);
    cf->addRow(tr("Reserved:"), reservedRow);
    cf->addRow(tr("Provisioned:"), m_provisioned);
    cf->addRow(QString(), m_concurrencyError);
    return concurrency;
}

QGroupBox *ConfigurationPage::buildAsync(QWidget *parent)
{
    auto *asyncBox = new QGroupBox(tr("Asynchronous invocation"), parent);
    auto *af = new QFormLayout(asyncBox);
    m_retries = new QSpinBox(asyncBox);
    m_retries->setRange(0, 2);
    m_maxAge = new QSpinBox(asyncBox);
    m_maxAge->setRange(60, 21600);
    m_maxAge->setSuffix(tr(" s"));
    m_onSuccess = new QLineEdit(asyncBox);
    m_onSuccess->setPlaceholderText(tr("function name, or empty"));
    m_onFailure = new QLineEdit(asyncBox);
    m_onFailure->setPlaceholderText(tr("function name, \"dlq\", or empty"));
    af->addRow(tr("Retry attempts:"), m_retries);
    af->addRow(tr("Maximum event age:"), m_maxAge);
    af->addRow(tr("On success, send to:"), m_onSuccess);
    af->addRow(tr("On failure, send to:"), m_onFailure);
    return asyncBox;
}

QGroupBox *ConfigurationPage::buildTriggers(QWidget *parent)
{
    auto *triggers = new QGroupBox(tr("Triggers"), parent);
    auto *tl = new QVBoxLayout(triggers);
    m_urlOn = new QCheckBox(tr("Function URL (HTTP, payload format 2.0)"), triggers);
    m_urlOn->setObjectName(QStringLiteral("functionUrl"));
    m_urlStream = new QCheckBox(tr("Stream responses (invoke mode RESPONSE_STREAM)"), triggers);
    m_urlStream->setObjectName(QStringLiteral("urlStream"));
    m_urlStream->setToolTip(tr("A handler wrapped in awslambda.streamifyResponse answers in chunks as it writes them "
                               "(chunked transfer, its HttpResponseStream prelude for status and headers)"));
    m_url = new QLineEdit(triggers);
    m_url->setReadOnly(true);
    auto *copy = new QPushButton(tr("Copy"), triggers);
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(copy);
    m_schedules = new QListWidget(triggers);
    m_schedules->setMaximumHeight(90);
    m_newSchedule = new QLineEdit(triggers);
    m_newSchedule->setPlaceholderText(tr("rate(5 minutes) or cron(0 12 * * ? *)"));
    auto *addScheduleButton = new QPushButton(tr("Add schedule"), triggers);
    auto *removeSchedule = new QPushButton(tr("Remove"), triggers);
    auto *schedRow = new QHBoxLayout;
    schedRow->addWidget(m_newSchedule, 1);
    schedRow->addWidget(addScheduleButton);
    schedRow->addWidget(removeSchedule);
    m_scheduleError = errorLabel(triggers);
    m_nextFires = new QLabel(triggers);
    m_nextFires->setObjectName(QStringLiteral("nextFires"));
    m_nextFires->setWordWrap(true);
    auto *missed = new QLabel(tr("Schedules run while Funcdesk runs; runs missed while it was closed are not replayed."), triggers);
    missed->setWordWrap(true);
    missed->setEnabled(false);
    tl->addWidget(m_urlOn);
    tl->addWidget(m_urlStream);
    tl->addLayout(urlRow);
    tl->addWidget(new QLabel(tr("Schedules (EventBridge expressions, UTC):"), triggers));
    tl->addWidget(m_schedules);
    tl->addLayout(schedRow);
    tl->addWidget(m_scheduleError);
    tl->addWidget(m_nextFires);
    tl->addWidget(missed);
    m_queueMappings = new QLabel(triggers);
    m_queueMappings->setObjectName(QStringLiteral("queueMappings"));
    m_queueMappings->setWordWrap(true);
    m_queueMappings->setTextFormat(Qt::RichText);
    tl->addWidget(m_queueMappings);

    connect(m_urlOn, &QCheckBox::toggled, m_urlStream, &QWidget::setEnabled);
    connect(m_urlOn, &QCheckBox::toggled, this, [this](bool on) {
        m_url->setText(on ? m_studio->functionUrl(m_function) : tr("(off)"));
    });
    connect(copy, &QPushButton::clicked, this, [this] {
        if (m_urlOn->isChecked())
            QApplication::clipboard()->setText(m_url->text());
    });
    connect(addScheduleButton, &QPushButton::clicked, this, [this] { addSchedule(m_newSchedule->text()); });
    connect(m_newSchedule, &QLineEdit::returnPressed, this, [this] { addSchedule(m_newSchedule->text()); });
    connect(removeSchedule, &QPushButton::clicked, this, [this] {
        delete m_schedules->currentItem();
        refreshSchedules();
    });
    return triggers;
}

QLayout *ConfigurationPage::buildButtons(QWidget *parent)
{
    m_save = new QPushButton(tr("Save"), parent);
    m_saveDeploy = new QPushButton(tr("Save and deploy"), parent);
    m_saveDeploy->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_save);
    buttons->addWidget(m_saveDeploy);
    connect(m_save, &QPushButton::clicked, this, [this] { save(false); });
    connect(m_saveDeploy, &QPushButton::clicked, this, [this] { save(true); });
    return buttons;
}

} // namespace funcdesk::ui
