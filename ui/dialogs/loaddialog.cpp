#include "loaddialog.h"

#include "ui/models/eventtemplates.h"
#include "ui/studio.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace funcdesk::ui {

LoadDialog::LoadDialog(Studio *studio, const QString &function, QWidget *parent)
    : QDialog(parent), m_studio(studio), m_function(function), m_total(new QSpinBox(this)),
      m_concurrency(new QSpinBox(this)), m_qualifier(new QLineEdit(QStringLiteral("$LATEST"), this)),
      m_payload(new QPlainTextEdit(QStringLiteral("{}"), this)), m_progress(new QProgressBar(this)),
      m_figures(new QLabel(this)), m_start(new QPushButton(tr("Start"), this)), m_cancel(new QPushButton(tr("Cancel"), this))
{
    setWindowTitle(tr("Load test: %1").arg(function));
    setObjectName(QStringLiteral("loadDialog"));
    m_total->setRange(1, 1'000'000);
    m_total->setValue(1000);
    m_concurrency->setRange(1, 256);
    m_concurrency->setValue(4);
    m_concurrency->setToolTip(tr("Invocations in flight at once. Above the function's reserved concurrency, or the "
                                 "global limit, Lambda throttles: watch the 429s."));
    m_payload->setMaximumHeight(90);
    m_figures->setTextFormat(Qt::RichText);
    m_figures->setMinimumHeight(60);
    m_cancel->setEnabled(false);

    auto *form = new QFormLayout;
    form->addRow(tr("Invocations:"), m_total);
    form->addRow(tr("In flight at once:"), m_concurrency);
    form->addRow(tr("Qualifier:"), m_qualifier);
    form->addRow(tr("Event (JSON):"), m_payload);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_start);
    buttons->addWidget(m_cancel);
    auto *close = new QPushButton(tr("Close"), this);
    buttons->addWidget(close);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_figures);
    layout->addLayout(buttons);
    resize(480, 380);

    connect(m_start, &QPushButton::clicked, this, &LoadDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &LoadDialog::cancel);
    connect(close, &QPushButton::clicked, this, [this] {
        cancel();
        accept();
    });
    updateLabels();
}

void LoadDialog::setPlan(int total, int concurrency, const QString &qualifier)
{
    m_total->setValue(total);
    m_concurrency->setValue(concurrency);
    m_qualifier->setText(qualifier);
}

void LoadDialog::setPayload(const QString &json)
{
    m_payload->setPlainText(json);
}

void LoadDialog::start()
{
    if (m_running)
        return;
    const JsonCheck check = checkJson(m_payload->toPlainText());
    if (!check.ok) {
        m_figures->setText(tr("<span style='color:#c62828'>The event is not valid JSON: %1</span>")
                               .arg(check.message.toHtmlEscaped()));
        return;
    }
    m_f = {};
    m_durations.clear();
    m_durations.reserve(size_t(m_total->value()));
    m_target = m_total->value();
    m_cancelled = false;
    m_running = true;
    m_progress->setRange(0, m_target);
    m_progress->setValue(0);
    m_start->setEnabled(false);
    m_cancel->setEnabled(true);
    m_clock.start();
    launchMore();
}

void LoadDialog::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true; // nothing new starts; what is in flight finishes and is counted
    m_cancel->setEnabled(false);
}

void LoadDialog::launchMore()
{
    const QByteArray payload = m_payload->toPlainText().toUtf8();
    while (!m_cancelled && m_inFlight < m_concurrency->value() && m_f.started < m_target) {
        ++m_inFlight;
        ++m_f.started;
        m_studio->invoke(m_function, m_qualifier->text().trimmed(), payload, TriggerKind::LoadGenerator, this,
                         [this](engine::InvokeResult r) { onResult(r); });
    }
    if (m_inFlight == 0) {
        m_running = false;
        m_start->setEnabled(true);
        m_cancel->setEnabled(false);
        updateLabels();
        Q_EMIT finished(figures());
    }
}

void LoadDialog::onResult(const engine::InvokeResult &result)
{
    --m_inFlight;
    ++m_f.completed;
    const InvocationRecord &r = result.record;
    if (r.status == InvocationStatus::Throttled)
        ++m_f.throttles;
    else if (r.status != InvocationStatus::Success)
        ++m_f.errors;
    m_f.coldStarts += r.cold ? 1 : 0;
    if (r.status != InvocationStatus::Throttled)
        m_durations.push_back(r.durationMs);
    m_progress->setValue(m_f.completed);
    if (m_f.completed % 50 == 0 || m_inFlight == 0)
        updateLabels();
    launchMore();
}

LoadFigures LoadDialog::figures() const
{
    LoadFigures f = m_f;
    if (!m_durations.empty()) {
        std::vector<double> sorted = m_durations;
        std::sort(sorted.begin(), sorted.end());
        f.p50Ms = sorted[sorted.size() / 2];
        f.p99Ms = sorted[std::min(sorted.size() - 1, sorted.size() * 99 / 100)];
    }
    const double seconds = m_clock.isValid() ? double(m_clock.elapsed()) / 1000.0 : 0;
    f.ratePerSecond = seconds > 0 ? double(f.completed) / seconds : 0;
    return f;
}

void LoadDialog::updateLabels()
{
    const LoadFigures f = figures();
    if (f.started == 0) {
        m_figures->setText(tr("Runs the function with the \"load\" trigger; the Monitor and Environments pages show "
                              "the traffic live."));
        return;
    }
    m_figures->setText(tr("<b>%1</b> of %2 done · <b>%3</b>/s · %4 cold starts · <span style='color:#c62828'>%5 "
                          "errors</span> · %6 throttled<br>Duration p50 %7 ms · p99 %8 ms%9")
                           .arg(f.completed)
                           .arg(m_target)
                           .arg(f.ratePerSecond, 0, 'f', 0)
                           .arg(f.coldStarts)
                           .arg(f.errors)
                           .arg(f.throttles)
                           .arg(f.p50Ms, 0, 'f', 2)
                           .arg(f.p99Ms, 0, 'f', 2)
                           .arg(m_cancelled && !m_running ? tr(" · cancelled") : QString()));
}

} // namespace funcdesk::ui
