#include "configurationpage.h"

#include "common/schedule.h"
#include "settings/settings.h"
#include "ui/studio.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollArea>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
QLabel *errorLabel(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setStyleSheet(QStringLiteral("color: #c62828"));
    l->setWordWrap(true);
    l->hide();
    return l;
}

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}
} // namespace

ConfigurationPage::ConfigurationPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio)
{
    setObjectName(QStringLiteral("configurationPage"));
    auto *content = new QWidget;

    auto *general = new QGroupBox(tr("General"), content);
    auto *gf = new QFormLayout(general);
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
    m_description = new QLineEdit(general);
    m_cost = new QLabel(general);
    m_cost->setWordWrap(true);
    gf->addRow(tr("Memory:"), m_memory);
    gf->addRow(tr("Timeout:"), m_timeout);
    gf->addRow(tr("Architecture:"), m_architecture);
    gf->addRow(tr("Description:"), m_description);
    gf->addRow(QString(), m_cost);

    auto *envBox = new QGroupBox(tr("Environment variables"), content);
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
    envButtons->addWidget(addVar);
    envButtons->addWidget(removeVar);
    envButtons->addStretch();
    envLayout->addWidget(m_env);
    envLayout->addLayout(envButtons);
    envLayout->addWidget(m_envError);

    auto *concurrency = new QGroupBox(tr("Concurrency"), content);
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

    auto *asyncBox = new QGroupBox(tr("Asynchronous invocation"), content);
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

    auto *triggers = new QGroupBox(tr("Triggers"), content);
    auto *tl = new QVBoxLayout(triggers);
    m_urlOn = new QCheckBox(tr("Function URL (HTTP, payload format 2.0)"), triggers);
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
    tl->addLayout(urlRow);
    tl->addWidget(new QLabel(tr("Schedules (EventBridge expressions, UTC):"), triggers));
    tl->addWidget(m_schedules);
    tl->addLayout(schedRow);
    tl->addWidget(m_scheduleError);
    tl->addWidget(m_nextFires);
    tl->addWidget(missed);

    m_save = new QPushButton(tr("Save"), content);
    m_saveDeploy = new QPushButton(tr("Save and deploy"), content);
    m_saveDeploy->setDefault(true);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_save);
    buttons->addWidget(m_saveDeploy);

    auto *left = new QVBoxLayout;
    left->addWidget(general);
    left->addWidget(envBox);
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(concurrency);
    right->addWidget(asyncBox);
    right->addWidget(triggers);
    right->addStretch();
    auto *columns = new QHBoxLayout;
    columns->addLayout(left, 1);
    columns->addLayout(right, 1);
    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addLayout(columns);
    contentLayout->addLayout(buttons);

    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    for (QSpinBox *box : {m_memory, m_timeout, m_reserved, m_provisioned, m_retries, m_maxAge})
        connect(box, &QSpinBox::valueChanged, this, &ConfigurationPage::validate);
    connect(m_reservedOn, &QCheckBox::toggled, this, &ConfigurationPage::validate);
    connect(m_env, &QTableWidget::itemChanged, this, &ConfigurationPage::validate);
    connect(m_urlOn, &QCheckBox::toggled, this, [this](bool on) {
        m_url->setText(on ? m_studio->functionUrl(m_function) : tr("(off)"));
    });
    connect(copy, &QPushButton::clicked, this, [this] {
        if (m_urlOn->isChecked())
            QApplication::clipboard()->setText(m_url->text());
    });
    connect(addVar, &QPushButton::clicked, this, [this] {
        const int row = m_env->rowCount();
        m_env->insertRow(row);
        m_env->setItem(row, 0, new QTableWidgetItem(QStringLiteral("NEW_VARIABLE")));
        m_env->setItem(row, 1, new QTableWidgetItem(QString()));
        m_env->editItem(m_env->item(row, 0));
    });
    connect(removeVar, &QPushButton::clicked, this, [this] {
        if (m_env->currentRow() >= 0)
            m_env->removeRow(m_env->currentRow());
        validate();
    });
    connect(addScheduleButton, &QPushButton::clicked, this, [this] { addSchedule(m_newSchedule->text()); });
    connect(m_newSchedule, &QLineEdit::returnPressed, this, [this] { addSchedule(m_newSchedule->text()); });
    connect(removeSchedule, &QPushButton::clicked, this, [this] {
        delete m_schedules->currentItem();
        refreshSchedules();
    });
    connect(m_save, &QPushButton::clicked, this, [this] { save(false); });
    connect(m_saveDeploy, &QPushButton::clicked, this, [this] { save(true); });
}

void ConfigurationPage::setFunction(const QString &name, const FunctionConfig &draft)
{
    m_function = name;
    m_loaded = draft;
    m_memory->setValue(draft.memoryMb);
    m_timeout->setValue(draft.timeoutSeconds);
    m_architecture->setCurrentText(draft.architecture);
    m_description->setText(draft.description);
    setEnvironment(draft.environment);
    m_reservedOn->setChecked(draft.reservedConcurrency.has_value());
    m_reserved->setValue(draft.reservedConcurrency.value_or(10));
    m_provisioned->setValue(draft.provisionedConcurrency);
    m_retries->setValue(draft.async.maximumRetryAttempts);
    m_maxAge->setValue(draft.async.maximumEventAgeSeconds);
    m_onSuccess->setText(draft.async.onSuccess);
    m_onFailure->setText(draft.async.onFailure);
    bool url = false;
    m_schedules->clear();
    for (const Trigger &t : draft.triggers) {
        if (t.kind == Trigger::Kind::FunctionUrl)
            url = url || t.enabled;
        else
            m_schedules->addItem(t.expression);
    }
    m_urlOn->setChecked(url);
    m_url->setText(url ? m_studio->functionUrl(name) : tr("(off)"));
    refreshSchedules();
    validate();
}

void ConfigurationPage::setEnvironment(const QMap<QString, QString> &env)
{
    m_env->setRowCount(0);
    for (auto it = env.cbegin(); it != env.cend(); ++it) {
        const int row = m_env->rowCount();
        m_env->insertRow(row);
        m_env->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_env->setItem(row, 1, new QTableWidgetItem(it.value()));
    }
    validate();
}

FunctionConfig ConfigurationPage::editedConfig() const
{
    FunctionConfig c = m_loaded;
    c.memoryMb = m_memory->value();
    c.timeoutSeconds = m_timeout->value();
    c.architecture = m_architecture->currentText();
    c.description = m_description->text();
    c.environment.clear();
    for (int row = 0; row < m_env->rowCount(); ++row) {
        const auto *key = m_env->item(row, 0);
        const auto *value = m_env->item(row, 1);
        if (key && !key->text().trimmed().isEmpty())
            c.environment.insert(key->text().trimmed(), value ? value->text() : QString());
    }
    c.reservedConcurrency = m_reservedOn->isChecked() ? std::optional<int>(m_reserved->value()) : std::nullopt;
    c.provisionedConcurrency = m_provisioned->value();
    c.async.maximumRetryAttempts = m_retries->value();
    c.async.maximumEventAgeSeconds = m_maxAge->value();
    c.async.onSuccess = m_onSuccess->text().trimmed();
    c.async.onFailure = m_onFailure->text().trimmed();
    c.triggers.clear();
    if (m_urlOn->isChecked())
        c.triggers.append(Trigger{Trigger::Kind::FunctionUrl, QString(), true});
    for (int i = 0; i < m_schedules->count(); ++i)
        c.triggers.append(Trigger{Trigger::Kind::Schedule, m_schedules->item(i)->text(), true});
    return c;
}

QStringList ConfigurationPage::problems() const
{
    QStringList out;
    static const QRegularExpression keyRe(QStringLiteral("^[a-zA-Z]([a-zA-Z0-9_])*$"));
    static const QStringList reserved{QStringLiteral("AWS_REGION"), QStringLiteral("AWS_DEFAULT_REGION"),
                                      QStringLiteral("AWS_LAMBDA_FUNCTION_NAME"), QStringLiteral("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"),
                                      QStringLiteral("AWS_LAMBDA_FUNCTION_VERSION"), QStringLiteral("AWS_LAMBDA_RUNTIME_API"),
                                      QStringLiteral("_HANDLER"), QStringLiteral("LAMBDA_TASK_ROOT"), QStringLiteral("LAMBDA_RUNTIME_DIR"),
                                      QStringLiteral("TZ")};
    QStringList seen;
    for (int row = 0; row < m_env->rowCount(); ++row) {
        const auto *item = m_env->item(row, 0);
        const QString key = item ? item->text().trimmed() : QString();
        if (key.isEmpty())
            continue;
        if (!keyRe.match(key).hasMatch())
            out.append(tr("Environment: “%1” must start with a letter and use only letters, digits and _.").arg(key));
        else if (reserved.contains(key))
            out.append(tr("Environment: “%1” is reserved by the Lambda runtime.").arg(key));
        else if (seen.contains(key))
            out.append(tr("Environment: “%1” appears twice.").arg(key));
        seen.append(key);
    }
    if (m_reservedOn->isChecked() && m_provisioned->value() > m_reserved->value())
        out.append(tr("Concurrency: provisioned (%1) cannot exceed reserved (%2).")
                       .arg(m_provisioned->value())
                       .arg(m_reserved->value()));
    return out;
}

void ConfigurationPage::validate()
{
    const QStringList all = problems();
    QStringList env, conc;
    for (const QString &p : all)
        (p.startsWith(tr("Environment")) ? env : conc).append(p);
    showError(m_envError, env.join(QLatin1Char('\n')));
    showError(m_concurrencyError, conc.join(QLatin1Char('\n')));
    m_reserved->setEnabled(m_reservedOn->isChecked());
    m_save->setEnabled(all.isEmpty() && !m_function.isEmpty());
    m_saveDeploy->setEnabled(all.isEmpty() && !m_function.isEmpty());

    // What one invocation of a second costs at this memory size, so the trade-off is visible.
    const Settings *s = m_studio->settings();
    const double perGbs = m_architecture->currentText() == QLatin1String("arm64") ? s->pricePerGbSecondArm()
                                                                                  : s->pricePerGbSecondX86();
    const double oneSecond = m_memory->value() / 1024.0 * perGbs + s->pricePerMillionRequests() / 1e6;
    m_cost->setText(tr("One 1-second invocation at %1 MB costs $%2; a million of them $%3.")
                        .arg(m_memory->value())
                        .arg(oneSecond, 0, 'g', 3)
                        .arg(oneSecond * 1e6, 0, 'f', 2));
}

void ConfigurationPage::addSchedule(const QString &expression)
{
    const QString e = expression.trimmed();
    const auto parsed = parseSchedule(e);
    if (!parsed.ok()) {
        showError(m_scheduleError, parsed.error().message);
        return;
    }
    showError(m_scheduleError, QString());
    m_schedules->addItem(e);
    m_newSchedule->clear();
    refreshSchedules();
}

void ConfigurationPage::refreshSchedules()
{
    QStringList lines;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (int i = 0; i < m_schedules->count(); ++i) {
        const QString e = m_schedules->item(i)->text();
        const auto s = parseSchedule(e);
        if (!s.ok()) {
            lines.append(tr("%1: %2").arg(e, s.error().message));
            continue;
        }
        QStringList fires;
        QDateTime t = now;
        for (int n = 0; n < 3; ++n) {
            t = nextFireTime(*s, t);
            if (!t.isValid())
                break;
            fires.append(t.toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        }
        lines.append(tr("%1 (%2) — next: %3 UTC").arg(e, describeSchedule(*s), fires.join(QStringLiteral(", "))));
    }
    m_nextFires->setText(lines.join(QLatin1Char('\n')));
}

QString ConfigurationPage::nextFiresText() const
{
    return m_nextFires->text();
}

void ConfigurationPage::save(bool thenDeploy)
{
    if (!problems().isEmpty() || m_function.isEmpty())
        return;
    const QString function = m_function;
    const FunctionConfig config = editedConfig();
    m_studio->saveConfig(config, this, [this, function, thenDeploy, config](Result<bool> r) {
        if (!r.ok()) {
            Q_EMIT statusMessage(tr("Configuration not saved: %1").arg(r.error().message));
            return;
        }
        m_loaded = config;
        if (!thenDeploy) {
            Q_EMIT statusMessage(tr("Saved the configuration of %1 into the draft (not deployed yet).").arg(function));
            Q_EMIT saved(function, false);
            return;
        }
        m_studio->deploy(function, tr("Update configuration"), this, [this, function](Result<QString> commit) {
            if (!commit.ok() && commit.error().type != QLatin1String(VersioningError::NothingToDeploy)) {
                Q_EMIT statusMessage(tr("Deploy failed: %1").arg(commit.error().message));
                return;
            }
            Q_EMIT statusMessage(tr("Configuration of %1 deployed.").arg(function));
            Q_EMIT saved(function, true);
        });
    });
}

} // namespace funcdesk::ui
