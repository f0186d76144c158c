#include "settingsdialog.h"

#include "engine/engine.h"
#include "settings/settings.h"
#include "ui/widgets/labels.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QUrl>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
QDoubleSpinBox *priceBox(QWidget *parent, int decimals)
{
    auto *box = new QDoubleSpinBox(parent);
    box->setDecimals(decimals);
    box->setRange(0, 1000);
    box->setPrefix(QStringLiteral("$"));
    return box;
}
} // namespace

SettingsDialog::SettingsDialog(Settings *settings, QWidget *parent)
    : QDialog(parent), m_settings(settings)
{
    setWindowTitle(tr("Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    auto *left = new QVBoxLayout;
    left->addWidget(buildRuntimes());
    left->addWidget(buildEngine());
    left->addWidget(buildApi());
    left->addStretch();
    auto *right = new QVBoxLayout;
    right->addWidget(buildPricing());
    right->addWidget(buildRetention());
    right->addWidget(buildAppearance());
    right->addStretch();
    auto *columns = new QHBoxLayout;
    columns->addLayout(left);
    columns->addLayout(right);
    auto *restartNote = new QLabel(tr("Runtime, engine and API settings take effect the next time Funcdesk starts; "
                                      "pricing applies to new invocations after a restart too."),
                                   this);
    restartNote->setWordWrap(true);
    restartNote->setEnabled(false);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns);
    layout->addWidget(restartNote);
    layout->addWidget(buildButtons());
    load();
}

QGroupBox *SettingsDialog::buildRuntimes()
{
    auto *runtimes = new QGroupBox(tr("Runtimes"), this);
    auto *rf = new QFormLayout(runtimes);
    m_python3 = new QLineEdit(runtimes);
    m_python3->setPlaceholderText(tr("python3 on PATH"));
    m_node = new QLineEdit(runtimes);
    m_node->setPlaceholderText(tr("node on PATH"));
    rf->addRow(tr("Python 3 interpreter:"), m_python3);
    rf->addRow(tr("Node.js interpreter:"), m_node);
    return runtimes;
}

QGroupBox *SettingsDialog::buildEngine()
{
    auto *engine = new QGroupBox(tr("Engine"), this);
    auto *ef = new QFormLayout(engine);
    m_keepAlive = new QSpinBox(engine);
    m_keepAlive->setRange(1, 24 * 3600);
    m_keepAlive->setSuffix(tr(" s"));
    m_freeze = new QCheckBox(tr("Freeze idle environments (SIGSTOP), as Lambda does"), engine);
    m_concurrency = new QSpinBox(engine);
    m_concurrency->setRange(1, 10000);
    m_scaleCpu = new QCheckBox(tr("Give CPU in proportion to memory, as Lambda does (1,769 MB = 1 vCPU)"), engine);
    const QString method = engine::Engine::cpuScalingMethod();
    m_scaleCpu->setToolTip(method.isEmpty() ? tr("Not possible on this machine (no writable cgroup cpu controller)")
                                            : tr("On this machine through %1. Power tuning and the Learn scenarios "
                                                 "that need it always scale; this applies it to every invocation.")
                                                  .arg(method));
    m_scaleCpu->setEnabled(!method.isEmpty());
    m_sandbox = new QCheckBox(tr("Run functions in a sandbox: their code read-only, a private /tmp, none of your files"),
                              engine);
    m_sandbox->setObjectName(QStringLiteral("sandbox"));
    const QString noSandbox = engine::Engine::sandboxUnavailableReason();
    m_sandbox->setToolTip(noSandbox.isEmpty() ? tr("Each environment runs in bubblewrap, as the code would on Lambda.")
                                              : tr("Not possible here: %1. Install the bubblewrap package.").arg(noSandbox));
    m_sandbox->setEnabled(noSandbox.isEmpty());
    ef->addRow(tr("Keep idle environments for:"), m_keepAlive);
    ef->addRow(QString(), m_freeze);
    ef->addRow(QString(), m_scaleCpu);
    ef->addRow(QString(), m_sandbox);
    ef->addRow(tr("Global concurrency limit:"), m_concurrency);
    return engine;
}

QGroupBox *SettingsDialog::buildApi()
{
    auto *api = new QGroupBox(tr("Local API"), this);
    auto *af = new QFormLayout(api);
    m_port = new QSpinBox(api);
    m_port->setRange(1, 65535);
    m_bind = new QLineEdit(api);
    m_token = new QLineEdit(api);
    m_token->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_token->setPlaceholderText(tr("required when binding beyond loopback"));
    m_origins = new QLineEdit(api);
    m_origins->setObjectName(QStringLiteral("allowedOrigins"));
    m_origins->setPlaceholderText(tr("none: no web page may call the API"));
    m_origins->setToolTip(tr("Web origins allowed to call Lambda's API, separated by spaces, e.g. "
                             "http://localhost:3000. Any page you open could otherwise drive the engine."));
    m_requireSignature = new QCheckBox(tr("Require this data dir's credentials (signed requests only)"), api);
    m_requireSignature->setObjectName(QStringLiteral("requireSignature"));
    m_requireSignature->setToolTip(tr("SDKs must sign with access key FUNCDESKLOCAL and the secret in the data dir's "
                                      "funcdesk.token file; any other signature is refused. Functions get these "
                                      "credentials. Off: any well-formed signature is accepted on loopback."));
    m_bindError = new QLabel(api);
    m_bindError->setObjectName(QStringLiteral("bindError"));
    makeErrorText(m_bindError);
    m_bindError->setWordWrap(true);
    m_bindError->hide();
    af->addRow(tr("Port:"), m_port);
    af->addRow(tr("Bind address:"), m_bind);
    af->addRow(tr("Token:"), m_token);
    af->addRow(tr("Allowed web origins:"), m_origins);
    af->addRow(QString(), m_requireSignature);
    m_otlp = new QLineEdit(api);
    m_otlp->setObjectName(QStringLiteral("otlpEndpoint"));
    m_otlp->setPlaceholderText(tr("none, e.g. http://127.0.0.1:4318"));
    m_otlp->setToolTip(tr("An OpenTelemetry collector (OTLP over HTTP) that gets the spans of traces through "
                          "several functions, for Jaeger, Tempo or any OTLP backend. Applies at the next start."));
    af->addRow(tr("Trace export (OTLP):"), m_otlp);
    af->addRow(QString(), m_bindError);
    connect(m_bind, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_token, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    connect(m_origins, &QLineEdit::textChanged, this, &SettingsDialog::validate);
    return api;
}

QGroupBox *SettingsDialog::buildPricing()
{
    auto *pricing = new QGroupBox(tr("Pricing (Lambda us-east-1 by default)"), this);
    auto *pf = new QFormLayout(pricing);
    m_perMillion = priceBox(pricing, 4);
    m_perGbsX86 = priceBox(pricing, 10);
    m_perGbsArm = priceBox(pricing, 10);
    m_billInit = new QCheckBox(tr("Bill the INIT phase (Lambda does since August 2025)"), pricing);
    m_freeTier = new QCheckBox(tr("Apply the monthly free tier"), pricing);
    pf->addRow(tr("Per 1 M requests:"), m_perMillion);
    pf->addRow(tr("Per GB-second (x86_64):"), m_perGbsX86);
    pf->addRow(tr("Per GB-second (arm64):"), m_perGbsArm);
    pf->addRow(QString(), m_billInit);
    pf->addRow(QString(), m_freeTier);
    return pricing;
}

QGroupBox *SettingsDialog::buildRetention()
{
    auto *retention = new QGroupBox(tr("Retention of raw invocations and logs"), this);
    auto *tf = new QFormLayout(retention);
    m_retentionDays = new QSpinBox(retention);
    m_retentionDays->setRange(1, 365);
    m_retentionDays->setSuffix(tr(" days"));
    m_retentionRows = new QSpinBox(retention);
    m_retentionRows->setRange(10000, 100000000);
    m_retentionRows->setSingleStep(100000);
    m_retentionRows->setSuffix(tr(" rows"));
    m_capture = new QCheckBox(tr("Keep request and response payloads for replay"), retention);
    m_capture->setObjectName(QStringLiteral("capturePayloads"));
    m_captureMaxKb = new QSpinBox(retention);
    m_captureMaxKb->setRange(1, 6 * 1024);
    m_captureMaxKb->setSuffix(tr(" KB"));
    m_captureMaxKb->setToolTip(tr("Larger requests are not kept; of larger responses only the request is."));
    m_capturePerFunction = new QSpinBox(retention);
    m_capturePerFunction->setRange(1, 100000);
    m_capturePerFunction->setSingleStep(100);
    m_capturePerFunction->setSuffix(tr(" per function"));
    m_capturePerFunction->setToolTip(tr("The newest this many invocations of each function; older ones make room."));
    connect(m_capture, &QCheckBox::toggled, m_captureMaxKb, &QWidget::setEnabled);
    connect(m_capture, &QCheckBox::toggled, m_capturePerFunction, &QWidget::setEnabled);
    tf->addRow(tr("Keep for:"), m_retentionDays);
    tf->addRow(tr("At most:"), m_retentionRows);
    tf->addRow(QString(), m_capture);
    tf->addRow(tr("Payloads up to:"), m_captureMaxKb);
    tf->addRow(tr("Payloads kept:"), m_capturePerFunction);
    return retention;
}

QGroupBox *SettingsDialog::buildAppearance()
{
    auto *look = new QGroupBox(tr("Appearance"), this);
    auto *lf = new QFormLayout(look);
    m_theme = new QComboBox(look);
    m_theme->addItem(tr("Follow system"), themeName(Theme::System));
    m_theme->addItem(tr("Light"), themeName(Theme::Light));
    m_theme->addItem(tr("Dark"), themeName(Theme::Dark));
    lf->addRow(tr("Theme:"), m_theme);
    return look;
}

QDialogButtonBox *SettingsDialog::buildButtons()
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Apply | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, [this] { apply(); });
    return buttons;
}

void SettingsDialog::load()
{
    m_python3->setText(m_settings->python3Path());
    m_node->setText(m_settings->nodePath());
    m_keepAlive->setValue(m_settings->keepAliveSeconds());
    m_freeze->setChecked(m_settings->freezeIdle());
    m_scaleCpu->setChecked(m_settings->scaleCpuWithMemory());
    m_sandbox->setChecked(m_settings->sandbox() && engine::Engine::sandboxUnavailableReason().isEmpty());
    m_origins->setText(m_settings->allowedOrigins().join(QLatin1Char(' ')));
    m_requireSignature->setChecked(m_settings->requireSignature());
    m_otlp->setText(m_settings->otlpEndpoint());
    m_concurrency->setValue(m_settings->globalConcurrency());
    m_port->setValue(m_settings->apiPort());
    m_bind->setText(m_settings->bindAddress());
    m_token->setText(m_settings->apiToken());
    m_perMillion->setValue(m_settings->pricePerMillionRequests());
    m_perGbsX86->setValue(m_settings->pricePerGbSecondX86());
    m_perGbsArm->setValue(m_settings->pricePerGbSecondArm());
    m_billInit->setChecked(m_settings->billInit());
    m_freeTier->setChecked(m_settings->freeTier());
    m_retentionDays->setValue(m_settings->retentionDays());
    m_retentionRows->setValue(m_settings->retentionRows());
    m_capture->setChecked(m_settings->capturePayloads());
    m_captureMaxKb->setValue(m_settings->captureMaxKb());
    m_capturePerFunction->setValue(m_settings->capturePerFunction());
    m_captureMaxKb->setEnabled(m_capture->isChecked());
    m_capturePerFunction->setEnabled(m_capture->isChecked());
    m_theme->setCurrentIndex(m_theme->findData(themeName(m_settings->theme())));
    validate();
}

QString SettingsDialog::validationMessage() const
{
    const QString bind = m_bind->text().trimmed();
    QHostAddress address;
    if (!address.setAddress(bind))
        return tr("Bind address: \"%1\" is not an IP address.").arg(bind);
    if (!address.isLoopback() && m_token->text().trimmed().size() < 16)
        return tr("Bind address: binding beyond loopback exposes your functions; set a token of at least 16 characters.");
    const QStringList origins = m_origins->text().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &origin : origins) {
        const QUrl url(origin);
        if (!url.isValid() || url.scheme().isEmpty() || url.host().isEmpty() || !url.path().isEmpty())
            return tr("Allowed web origins: \"%1\" is not an origin (scheme://host[:port], no path).").arg(origin);
    }
    return {};
}

void SettingsDialog::validate()
{
    const QString message = validationMessage();
    m_bindError->setText(message);
    m_bindError->setVisible(!message.isEmpty());
}

bool SettingsDialog::apply()
{
    validate();
    if (!validationMessage().isEmpty())
        return false;
    m_settings->setPython3Path(m_python3->text().trimmed());
    m_settings->setNodePath(m_node->text().trimmed());
    m_settings->setKeepAliveSeconds(m_keepAlive->value());
    m_settings->setFreezeIdle(m_freeze->isChecked());
    m_settings->setScaleCpuWithMemory(m_scaleCpu->isChecked());
    if (m_sandbox->isEnabled())
        m_settings->setSandbox(m_sandbox->isChecked());
    m_settings->setAllowedOrigins(m_origins->text().split(QLatin1Char(' '), Qt::SkipEmptyParts));
    m_settings->setRequireSignature(m_requireSignature->isChecked());
    m_settings->setOtlpEndpoint(m_otlp->text().trimmed());
    m_settings->setGlobalConcurrency(m_concurrency->value());
    m_settings->setApiPort(m_port->value());
    m_settings->setBindAddress(m_bind->text().trimmed());
    m_settings->setApiToken(m_token->text().trimmed());
    m_settings->setPricePerMillionRequests(m_perMillion->value());
    m_settings->setPricePerGbSecondX86(m_perGbsX86->value());
    m_settings->setPricePerGbSecondArm(m_perGbsArm->value());
    m_settings->setBillInit(m_billInit->isChecked());
    m_settings->setFreeTier(m_freeTier->isChecked());
    m_settings->setRetentionDays(m_retentionDays->value());
    m_settings->setRetentionRows(m_retentionRows->value());
    m_settings->setCapturePayloads(m_capture->isChecked());
    m_settings->setCaptureMaxKb(m_captureMaxKb->value());
    m_settings->setCapturePerFunction(m_capturePerFunction->value());
    m_settings->setTheme(themeFromName(m_theme->currentData().toString()));
    m_settings->sync();
    return true;
}

} // namespace funcdesk::ui
