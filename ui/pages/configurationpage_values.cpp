// ConfigurationPage's values: loading a function's draft config into the fields, reading
// them back, validation (each problem shown next to its field) and saving.
#include "configurationpage.h"

#include "ui/widgets/layerpicker.h"

#include "common/envfile.h"
#include "common/runtimes.h"
#include "common/schedule.h"
#include "engine/interpreters.h"
#include "settings/settings.h"
#include "store/queues.h"
#include "store/sqlite.h"
#include "ui/async.h"
#include "ui/studio.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QSignalBlocker>
#include <QtConcurrent/QtConcurrentRun>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>

namespace funcdesk::ui {

namespace {
void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}
} // namespace

void ConfigurationPage::setFunction(const QString &name, const FunctionConfig &draft)
{
    m_function = name;
    m_loaded = draft;
    {
        const QSignalBlocker block(m_runtime);
        m_runtime->clear();
        for (const RuntimeIdentifier &r : runtimeIdentifiers()) {
            if (r.runtime == draft.runtime)
                m_runtime->addItem(r.id);
        }
        m_runtime->setCurrentText(runtimeIdentifier(draft));
    }
    const int language = int(draft.runtime);
    if (draft.runtime != Runtime::Provided && !m_localVersions.contains(language)) {
        m_localVersions.insert(language, QString()); // probed once, off the GUI thread
        auto *watcher = new QFutureWatcher<QString>(this);
        connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, language] {
            m_localVersions.insert(language, watcher->result());
            watcher->deleteLater();
            refreshRuntimeNote();
        });
        const Runtime runtime = draft.runtime;
        watcher->setFuture(QtConcurrent::run([runtime] {
            const auto interpreter = engine::resolveInterpreter(runtime, {});
            return interpreter ? interpreter->version : QString();
        }));
    }
    refreshRuntimeNote();
    m_memory->setValue(draft.memoryMb);
    m_timeout->setValue(draft.timeoutSeconds);
    m_architecture->setCurrentText(draft.architecture);
    m_ephemeral->setValue(draft.ephemeralStorageMb);
    m_network->setChecked(draft.network);
    m_layers->setLayers(draft.layers);
    m_layers->reloadAvailable();
    m_description->setText(draft.description);
    setEnvironment(draft.environment);
    m_reservedOn->setChecked(draft.reservedConcurrency.has_value());
    m_reserved->setValue(draft.reservedConcurrency.value_or(10));
    m_provisioned->setValue(draft.provisionedConcurrency);
    m_retries->setValue(draft.async.maximumRetryAttempts);
    m_maxAge->setValue(draft.async.maximumEventAgeSeconds);
    m_onSuccess->setText(draft.async.onSuccess);
    m_onFailure->setText(draft.async.onFailure);
    refreshQueueMappings();
    bool url = false;
    bool streaming = false;
    m_schedules->clear();
    for (const Trigger &t : draft.triggers) {
        if (t.kind == Trigger::Kind::FunctionUrl) {
            url = url || t.enabled;
            streaming = streaming || t.streaming;
        } else {
            m_schedules->addItem(t.expression);
        }
    }
    m_urlOn->setChecked(url);
    m_urlStream->setChecked(streaming);
    m_urlStream->setEnabled(url);
    m_url->setText(url ? m_studio->functionUrl(name) : tr("(off)"));
    refreshSchedules();
    validate();
}

// Says when Lambda deprecated the chosen identifier, and when this machine's interpreter
// is another version than the one the identifier names (it runs on it all the same).
void ConfigurationPage::refreshRuntimeNote()
{
    const QString id = m_runtime->currentText();
    QStringList notes;
    if (const QString deprecated = runtimeDeprecationWarning(id); !deprecated.isEmpty())
        notes << deprecated;
    const RuntimeIdentifier *r = findRuntimeIdentifier(id);
    if (r) {
        const QString local = m_localVersions.value(int(r->runtime));
        if (const QString mismatch = interpreterMismatch(id, local); !mismatch.isEmpty())
            notes << tr("%1 (this machine has no %2).").arg(mismatch, r->runtime == Runtime::Python3 ? QStringLiteral("python") + r->languageVersion
                                                                                              : QStringLiteral("node ") + r->languageVersion);
    }
    m_runtimeNote->setText(notes.join(QLatin1Char('\n')));
    m_runtimeNote->setVisible(!notes.isEmpty());
}

QString ConfigurationPage::runtimeNote() const
{
    return m_runtimeNote->isVisible() || !m_runtimeNote->text().isEmpty() ? m_runtimeNote->text() : QString();
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

Result<int> ConfigurationPage::importEnvironmentFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(errc::IOError, file.errorString());
    const Result<QMap<QString, QString>> vars = parseEnvironmentFile(QFileInfo(path).fileName(), file.readAll(), m_function);
    if (!vars)
        return vars.error();
    QMap<QString, QString> env = editedConfig().environment;
    for (auto it = vars->cbegin(); it != vars->cend(); ++it)
        env.insert(it.key(), it.value());
    setEnvironment(env);
    return int(vars->size());
}

FunctionConfig ConfigurationPage::editedConfig() const
{
    FunctionConfig c = m_loaded;
    if (const RuntimeIdentifier *r = findRuntimeIdentifier(m_runtime->currentText()); r && r->runtime == c.runtime
        && (r->id != runtimeIdentifier(m_loaded)))
        c.runtimeId = r->id; // a function named only by its language keeps that until another is chosen
    c.memoryMb = m_memory->value();
    c.timeoutSeconds = m_timeout->value();
    c.architecture = m_architecture->currentText();
    c.ephemeralStorageMb = m_ephemeral->value();
    c.network = m_network->isChecked();
    c.layers = m_layers->layers();
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
        c.triggers.append(Trigger{Trigger::Kind::FunctionUrl, QString(), true, m_urlStream->isChecked()});
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
    // ...and the CPU it buys, and whether this machine gives it that CPU.
    const double vcpus = m_memory->value() / 1769.0;
    const QString method = m_studio->cpuScalingMethod();
    const QString cpu = method.isEmpty()
        ? tr("On Lambda it gets %1 vCPU; CPU is not scaled on this machine, so it runs at full speed here.").arg(vcpus, 0, 'f', 2)
        : s->scaleCpuWithMemory()
        ? tr("It gets %1 vCPU, as on Lambda (%2).").arg(vcpus, 0, 'f', 2).arg(method)
        : tr("On Lambda it gets %1 vCPU; here it runs at full speed (Settings: scale CPU with memory; power tuning "
             "always does, through %2).")
              .arg(vcpus, 0, 'f', 2)
              .arg(method);
    m_cost->setText(tr("One 1-second invocation at %1 MB costs $%2; a million of them $%3.")
                        .arg(m_memory->value())
                        .arg(oneSecond, 0, 'g', 3)
                        .arg(oneSecond * 1e6, 0, 'f', 2)
                    + QLatin1Char(' ') + cpu);
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
            if (!commit.ok() && commit.error().type != errc::NothingToDeploy) {
                Q_EMIT statusMessage(tr("Deploy failed: %1").arg(commit.error().message));
                return;
            }
            Q_EMIT statusMessage(tr("Configuration of %1 deployed.").arg(function));
            Q_EMIT saved(function, true);
        });
    });
}

void ConfigurationPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_function.isEmpty())
        refreshQueueMappings();
}

void ConfigurationPage::refreshQueueMappings()
{
    // Lambda's event source mappings for local queues (made with CreateEventSourceMapping).
    const QString database = m_studio->dataDir().database();
    const QString function = m_function;
    m_queueMappings->setText(QString());
    runAsync(m_studio->storePool(), this,
             [database, function]() -> Result<QList<store::EventSourceMapping>> {
                 auto conn = store::threadConnection(database);
                 if (!conn)
                     return conn.error();
                 return store::listEventSourceMappings(**conn, function);
             },
             [this, function](Result<QList<store::EventSourceMapping>> mappings) {
                 if (function != m_function || !mappings)
                     return;
                 QStringList lines;
                 for (const store::EventSourceMapping &m : std::as_const(*mappings)) {
                     QString line = tr("<b>%1</b>: batches of up to %2").arg(m.queue.toHtmlEscaped()).arg(m.batchSize);
                     if (m.maximumBatchingWindowS > 0)
                         line += tr(", window %1 s").arg(m.maximumBatchingWindowS);
                     if (m.reportBatchItemFailures)
                         line += tr(", partial batch failures reported");
                     if (m.maximumConcurrency > 0)
                         line += tr(", at most %1 at once").arg(m.maximumConcurrency);
                     line += m.enabled ? tr(", enabled") : tr(", <i>disabled</i>");
                     line += tr(" — last result: %1").arg(m.lastProcessingResult.toHtmlEscaped());
                     lines << line;
                 }
                 m_queueMappings->setText(lines.isEmpty() ? tr("Queues: none (CreateEventSourceMapping adds one).")
                                                          : tr("Queues feeding this function:<br>") + lines.join(QStringLiteral("<br>")));
             });
}

} // namespace funcdesk::ui
