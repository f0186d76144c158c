#include "loaddialog.h"

#include "lab/loadrunner.h"
#include "ui/models/eventtemplates.h"
#include "ui/studio.h"
#include "ui/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

enum Mode { OpenLoop,
            ClosedLoop };

// The shapes offered, each with the parameters it starts from (editable).
struct ShapeChoice
{
    const char *label;
    const char *spec;
};
constexpr ShapeChoice kShapes[] = {
    {QT_TRANSLATE_NOOP("LoadDialog", "Constant rate"), "constant"},
    {QT_TRANSLATE_NOOP("LoadDialog", "Ramp"), "ramp:0..100"},
    {QT_TRANSLATE_NOOP("LoadDialog", "Steps"), "steps:10,50,100"},
    {QT_TRANSLATE_NOOP("LoadDialog", "Spike"), "spike:10..200@5s+3s"},
    {QT_TRANSLATE_NOOP("LoadDialog", "Poisson arrivals"), "poisson"},
};

} // namespace

LoadDialog::LoadDialog(Studio *studio, const QString &function, QWidget *parent)
    : QDialog(parent), m_studio(studio), m_function(function), m_runner(studio->createLoadRunner(this))
{
    setWindowTitle(tr("Load test: %1").arg(function));
    setObjectName(QStringLiteral("loadDialog"));
    buildForm();
    connect(m_runner, &lab::LoadRunner::progress, this, &LoadDialog::showProgress);
    connect(m_runner, &lab::LoadRunner::finished, this, [this](const lab::LoadSummary &summary) {
        m_summary = summary;
        m_sent = summary.sent;
        setRunning(false);
        showSummary();
        if (m_experimentId > 0)
            m_studio->finishExperiment(m_experimentId, lab::toJson(summary));
        Q_EMIT finished(summary);
    });
    resize(560, 460);
}

void LoadDialog::buildForm()
{
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("Open loop: requests arrive at a rate"), OpenLoop);
    m_mode->addItem(tr("Closed loop: a fixed number in flight"), ClosedLoop);
    m_rate = new QDoubleSpinBox(this);
    m_rate->setRange(0.1, 100000);
    m_rate->setValue(50);
    m_rate->setSuffix(tr(" /s"));
    m_shape = new QComboBox(this);
    for (const ShapeChoice &s : kShapes)
        m_shape->addItem(tr(s.label), QString::fromLatin1(s.spec));
    m_shapeSpec = new QLineEdit(QStringLiteral("constant"), this);
    m_shapeSpec->setToolTip(tr("ramp:FROM..TO, steps:R1,R2,..., spike:BASE..PEAK@START+LENGTH, poisson; rates per second"));
    m_concurrency = new QSpinBox(this);
    m_concurrency->setRange(1, 1024);
    m_concurrency->setValue(4);
    m_concurrency->setToolTip(tr("Requests in flight at once. Above the function's reserved concurrency, or the global "
                                 "limit, Lambda throttles: watch the 429s."));
    m_seconds = new QDoubleSpinBox(this);
    m_seconds->setRange(0.1, 24 * 3600);
    m_seconds->setValue(10);
    m_seconds->setSuffix(tr(" s"));
    m_qualifier = new QLineEdit(QStringLiteral("$LATEST"), this);
    m_payload = new QPlainTextEdit(QStringLiteral("{}"), this);
    m_payload->setMaximumHeight(80);
    m_progress = new QProgressBar(this);
    m_figures = new QLabel(this);
    m_figures->setTextFormat(Qt::RichText);
    m_figures->setWordWrap(true);
    m_figures->setMinimumHeight(70);
    m_figures->setText(tr("Runs the function with the \"load\" trigger; the Monitor and Environments pages show the "
                          "traffic live. Open loop keeps the schedule when responses slow down, as real clients do."));

    auto *shapeRow = new QHBoxLayout;
    shapeRow->addWidget(m_shape);
    shapeRow->addWidget(m_shapeSpec, 1);
    auto *form = new QFormLayout;
    form->addRow(tr("Mode:"), m_mode);
    form->addRow(tr("Rate:"), m_rate);
    form->addRow(tr("Shape:"), shapeRow);
    form->addRow(tr("In flight:"), m_concurrency);
    form->addRow(tr("Duration:"), m_seconds);
    form->addRow(tr("Qualifier:"), m_qualifier);
    form->addRow(tr("Event (JSON):"), m_payload);

    m_start = new QPushButton(tr("Start"), this);
    m_start->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    auto *close = new QPushButton(tr("Close"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_figures);
    layout->addLayout(buttons);

    // Rows 1 and 2 (rate, shape) are the open loop's; row 3 (in flight) the closed loop's.
    const auto showModeRows = [this, form] {
        const bool open = m_mode->currentData().toInt() == OpenLoop;
        form->setRowVisible(1, open);
        form->setRowVisible(2, open);
        form->setRowVisible(3, !open);
    };
    connect(m_mode, &QComboBox::currentIndexChanged, this, showModeRows);
    connect(m_shape, &QComboBox::currentIndexChanged, this, [this] { m_shapeSpec->setText(m_shape->currentData().toString()); });
    connect(m_start, &QPushButton::clicked, this, &LoadDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &LoadDialog::cancel);
    connect(close, &QPushButton::clicked, this, [this] {
        cancel();
        accept();
    });
    showModeRows();
    setRunning(false);
}

void LoadDialog::setOpenLoop(double rate, double seconds, const QString &shape)
{
    m_mode->setCurrentIndex(m_mode->findData(OpenLoop));
    m_rate->setValue(rate);
    m_seconds->setValue(seconds);
    // The shape list names the kind; the spec beside it keeps the parameters given.
    const QString kind = shape.section(QLatin1Char(':'), 0, 0);
    for (int i = 0; i < m_shape->count(); ++i) {
        if (m_shape->itemData(i).toString().section(QLatin1Char(':'), 0, 0) == kind) {
            const QSignalBlocker keepSpec(m_shape);
            m_shape->setCurrentIndex(i);
        }
    }
    m_shapeSpec->setText(shape);
}

void LoadDialog::setClosedLoop(int concurrency, double seconds)
{
    m_mode->setCurrentIndex(m_mode->findData(ClosedLoop));
    m_concurrency->setValue(concurrency);
    m_seconds->setValue(seconds);
}

void LoadDialog::setQualifier(const QString &qualifier)
{
    m_qualifier->setText(qualifier);
}

void LoadDialog::setPayload(const QString &json)
{
    m_payload->setPlainText(json);
}

QString LoadDialog::errorText() const
{
    return m_error;
}

void LoadDialog::fail(const QString &message)
{
    m_error = message;
    m_figures->setText(errorHtml(palette(), message));
    setRunning(false);
}

void LoadDialog::start()
{
    if (m_running)
        return;
    m_error.clear();
    const JsonCheck check = checkJson(m_payload->toPlainText());
    if (!check.ok)
        return fail(tr("The event is not valid JSON: %1").arg(check.message));
    if (m_mode->currentData().toInt() == OpenLoop) {
        auto shape = lab::parseLoadShape(m_shapeSpec->text().trimmed(), m_rate->value());
        if (!shape)
            return fail(shape.error().message);
        if (Status valid = lab::validateShape(*shape, m_seconds->value()); !valid)
            return fail(valid.error().message);
    }
    setRunning(true);
    m_figures->setText(tr("Resolving %1...").arg(m_qualifier->text().trimmed().toHtmlEscaped()));
    // The qualifier is resolved once (git reads off the GUI thread): an alias's weighted
    // routing is not re-drawn per request.
    m_studio->resolveQualifier(m_function, m_qualifier->text().trimmed(), this, [this](Result<ResolvedQualifier> r) {
        if (!r)
            return fail(r.error().message);
        startResolved(r->version, r->alias);
    });
}

void LoadDialog::startResolved(const QString &version, const QString &alias)
{
    lab::LoadRunOptions o;
    o.function = m_function;
    o.version = version;
    o.alias = alias;
    o.payload = m_payload->toPlainText().toUtf8();
    o.durationSeconds = m_seconds->value();
    o.seed = quint64(QDateTime::currentMSecsSinceEpoch());
    const bool open = m_mode->currentData().toInt() == OpenLoop;
    if (open)
        o.shape = *lab::parseLoadShape(m_shapeSpec->text().trimmed(), m_rate->value()); // checked in start()
    else
        o.concurrency = m_concurrency->value();
    if (Status started = m_runner->start(o); !started)
        return fail(started.error().message);
    m_sent = 0;
    m_progress->setRange(0, open ? int(std::min<double>(lab::expectedRequests(o.shape, o.durationSeconds), 1e9)) : 0);
    m_progress->setValue(0);

    store::Experiment e;
    e.kind = QStringLiteral("load");
    e.function = m_function;
    e.label = open ? tr("Load: %1").arg(m_shapeSpec->text().trimmed()) : tr("Load: %1 in flight").arg(o.concurrency);
    e.parameters = {{QStringLiteral("shape"), open ? m_shapeSpec->text().trimmed() : QString()},
                    {QStringLiteral("rate"), open ? m_rate->value() : 0.0},
                    {QStringLiteral("concurrency"), o.concurrency},
                    {QStringLiteral("durationSeconds"), o.durationSeconds},
                    {QStringLiteral("version"), version}};
    e.startedMs = QDateTime::currentMSecsSinceEpoch();
    m_experimentId = 0;
    m_studio->beginExperiment(e, this, [this](Result<qint64> id) { m_experimentId = id ? *id : 0; });
}

void LoadDialog::cancel()
{
    if (m_running)
        m_runner->cancel(); // sending stops; finished() follows with what was measured
}

void LoadDialog::setRunning(bool running)
{
    m_running = running;
    m_start->setEnabled(!running);
    m_cancel->setEnabled(running);
    for (QWidget *w : {static_cast<QWidget *>(m_mode), static_cast<QWidget *>(m_rate), static_cast<QWidget *>(m_shape),
                       static_cast<QWidget *>(m_shapeSpec), static_cast<QWidget *>(m_concurrency),
                       static_cast<QWidget *>(m_seconds), static_cast<QWidget *>(m_qualifier),
                       static_cast<QWidget *>(m_payload)})
        w->setEnabled(!running);
}

void LoadDialog::showProgress(int sent, int completed, int total)
{
    m_sent = sent;
    if (total > 0) {
        m_progress->setMaximum(total);
        m_progress->setValue(sent);
    }
    m_figures->setText(tr("<b>%1</b> sent · <b>%2</b> answered").arg(sent).arg(completed));
}

void LoadDialog::showSummary()
{
    const lab::LoadSummary &s = m_summary;
    if (m_progress->maximum() == 0) // a closed loop's busy bar: now done
        m_progress->setRange(0, 1);
    m_progress->setValue(m_progress->maximum());
    m_figures->setText(
        tr("<b>%1</b> sent · <b>%2</b> ok · <span style='color:%3'>%4 errors</span> · %5 throttled · %6 cold starts<br>"
           "Latency from the intended send time: p50 <b>%7 ms</b> · p90 %8 ms · p99 <b>%9 ms</b> · max %10 ms<br>"
           "Achieved <b>%11</b>/s%12 · schedule lag p99 %13 ms")
            .arg(s.sent)
            .arg(s.ok)
            .arg((s.errors > 0 ? errorColor(palette()) : palette().color(QPalette::Text)).name())
            .arg(s.errors)
            .arg(s.throttled)
            .arg(s.coldStarts)
            .arg(s.p50Ms, 0, 'f', 2)
            .arg(s.p90Ms, 0, 'f', 2)
            .arg(s.p99Ms, 0, 'f', 2)
            .arg(s.maxMs, 0, 'f', 2)
            .arg(s.achievedRate, 0, 'f', 1)
            .arg(s.targetRate > 0 ? tr(" of %1/s").arg(s.targetRate, 0, 'f', 1) : QString())
            .arg(s.scheduleLagP99Ms, 0, 'f', 2));
}

} // namespace funcdesk::ui
