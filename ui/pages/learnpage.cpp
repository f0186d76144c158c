#include "learnpage.h"

#include "lab/crossover.h"
#include "lab/tuningrun.h"
#include "ui/charts/labcharts.h"
#include "ui/studio.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QTextDocument>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

enum ChartPage { NoChart,
                 TuningChart,
                 CrossoverChartPage };

QLabel *wrapped(QWidget *parent, const QString &objectName)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

LearnPage::LearnPage(Studio *studio, QWidget *parent) : QWidget(parent), m_studio(studio), m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("learnPage"));
    m_list->setObjectName(QStringLiteral("scenarioList"));
    m_list->setAccessibleName(tr("Scenarios"));
    m_list->setSpacing(3);
    for (const lab::ScenarioInfo &s : lab::scenarios()) {
        auto *item = new QListWidgetItem(s.title, m_list);
        item->setData(Qt::UserRole, s.id);
        item->setToolTip(s.expectation);
    }
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_list);
    splitter->addWidget(buildDetail());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({280, 900});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    connect(m_list, &QListWidget::currentRowChanged, this, &LearnPage::showScenario);
    connect(m_run, &QPushButton::clicked, this, &LearnPage::runSelected);
    connect(m_cancel, &QPushButton::clicked, m_studio, &Studio::cancelExperiment);
    connect(m_reset, &QPushButton::clicked, this, &LearnPage::resetScenarios);
    auto *runShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_R), this);
    runShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(runShortcut, &QShortcut::activated, this, &LearnPage::runSelected);
    m_list->setCurrentRow(0);
    loadRecordedResults();
}

QWidget *LearnPage::buildDetail()
{
    auto *detail = new QWidget(this);
    m_title = new QLabel(detail);
    m_title->setObjectName(QStringLiteral("scenarioTitle"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_title->setFont(big);
    m_lesson = wrapped(detail, QStringLiteral("scenarioLesson"));
    m_expectation = wrapped(detail, QStringLiteral("scenarioExpectation"));
    m_run = new QPushButton(tr("Run"), detail);
    m_run->setObjectName(QStringLiteral("runScenario"));
    m_run->setToolTip(tr("Run this scenario's experiment (Ctrl+R)"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), detail);
    m_reset = new QPushButton(tr("Remove scenario functions"), detail);
    m_reset->setToolTip(tr("Delete the learn-* functions the scenarios created; their recorded results stay"));
    m_busy = new QProgressBar(detail);
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(160);
    m_progress = new QLabel(detail);
    m_progress->setObjectName(QStringLiteral("scenarioProgress"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(m_busy);
    buttons->addWidget(m_progress, 1);
    buttons->addWidget(m_reset);

    m_result = wrapped(detail, QStringLiteral("scenarioResult"));
    m_result->setTextFormat(Qt::RichText);
    m_charts = new QStackedWidget(detail);
    m_charts->addWidget(new QWidget(m_charts));
    m_tuningChart = new PowerTuningChart(m_charts);
    m_crossoverChart = new CrossoverChart(m_charts);
    m_charts->addWidget(m_tuningChart);
    m_charts->addWidget(m_crossoverChart);
    m_charts->setMinimumHeight(300);
    m_chartNote = wrapped(detail, QStringLiteral("chartNote"));

    auto *content = new QWidget(detail);
    auto *v = new QVBoxLayout(content);
    v->addWidget(m_title);
    v->addWidget(m_lesson);
    v->addWidget(m_expectation);
    v->addLayout(buttons);
    v->addWidget(m_result);
    v->addWidget(m_charts, 1);
    v->addWidget(m_chartNote);
    auto *scroll = new QScrollArea(detail);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(content);
    auto *outer = new QVBoxLayout(detail);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    setRunning(false);
    return detail;
}

void LearnPage::loadRecordedResults()
{
    m_studio->experiments(0, QDateTime::currentMSecsSinceEpoch(), {}, this,
                          [this](Result<QList<store::Experiment>> found) {
                              if (!found)
                                  return;
                              for (const store::Experiment &e : std::as_const(*found)) {
                                  if (e.kind == QLatin1String("scenario") && !e.summary.isEmpty())
                                      m_results.insert(e.parameters.value(QStringLiteral("scenario")).toString(),
                                                       lab::scenarioResultFromJson(e.summary)); // oldest first: the latest wins
                              }
                              updateListMarks();
                              showScenario();
                          });
}

QString LearnPage::selectedScenario() const
{
    const QListWidgetItem *item = m_list->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

void LearnPage::selectScenario(const QString &id)
{
    for (int row = 0; row < m_list->count(); ++row) {
        if (m_list->item(row)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(row);
    }
}

void LearnPage::showScenario()
{
    const lab::ScenarioInfo *info = lab::findScenario(selectedScenario());
    if (!info)
        return;
    m_title->setText(info->title);
    m_lesson->setText(info->lesson);
    m_expectation->setText(tr("<b>Self-check:</b> %1").arg(info->expectation.toHtmlEscaped())
                           + (info->needsCpuScaling ? tr(" <i>Needs CPU scaled with memory (on this machine: %1).</i>")
                                                          .arg(m_studio->cpuScalingMethod().isEmpty()
                                                                   ? tr("not available")
                                                                   : m_studio->cpuScalingMethod())
                                                    : QString()));
    const auto it = m_results.constFind(info->id);
    if (it == m_results.constEnd()) {
        m_result->setText(tr("<i>Not run yet. Run creates the function <b>learn-%1</b>, sends real requests to it, "
                             "and checks what the engine recorded.</i>")
                              .arg(info->id));
        m_charts->setCurrentIndex(NoChart);
        m_chartNote->clear();
        return;
    }
    showResult(*it);
}

void LearnPage::showResult(const lab::ScenarioResult &r)
{
    const QColor ok = palette().color(QPalette::Text);
    QString html = r.passed ? tr("<p><b style='color:#2e8b57'>Passed</b>") : tr("<p><b style='color:#c0392b'>Not passed</b>");
    html += tr(" &nbsp;·&nbsp; %1</p><ul>").arg(QDateTime::fromMSecsSinceEpoch(r.endedMs).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    for (const lab::Check &c : r.checks)
        html += QStringLiteral("<li>%1 <b>%2</b><br/><span style='color:%3'>%4</span></li>")
                    .arg(c.passed ? QStringLiteral("✔") : QStringLiteral("✘"), c.expectation.toHtmlEscaped(),
                         ok.name(), tr("Measured: %1").arg(c.measured.toHtmlEscaped()));
    html += QStringLiteral("</ul>");
    if (!r.error.isEmpty())
        html += tr("<p><b>Could not finish:</b> %1</p>").arg(r.error.toHtmlEscaped());
    m_result->setText(html);

    m_chartNote->clear();
    if (r.id == QLatin1String("memory-speed") && r.figures.contains(QStringLiteral("results"))) {
        m_tuningChart->setResult(lab::tuningResultFromJson(r.figures));
        m_charts->setCurrentIndex(TuningChart);
    } else if (r.id == QLatin1String("crossover") && r.figures.contains(QStringLiteral("billedMs"))) {
        const QString name = r.figures.value(QStringLiteral("instance")).toString();
        lab::AlwaysOnInstance instance = lab::defaultInstances().at(1);
        for (const lab::AlwaysOnInstance &i : lab::defaultInstances())
            if (i.name == name)
                instance = i;
        m_crossoverChart->setModel(r.figures.value(QStringLiteral("billedMs")).toDouble(),
                                   r.figures.value(QStringLiteral("memoryMb")).toInt(), instance, store::CostModel());
        m_chartNote->setText(m_crossoverChart->explanation());
        m_charts->setCurrentIndex(CrossoverChartPage);
    } else {
        m_charts->setCurrentIndex(NoChart);
    }
}

QString LearnPage::resultText() const
{
    QTextDocument doc;
    doc.setHtml(m_result->text());
    return doc.toPlainText();
}

void LearnPage::setRunning(bool running)
{
    m_running = running;
    m_run->setEnabled(!running);
    m_reset->setEnabled(!running);
    m_cancel->setVisible(running);
    m_busy->setVisible(running);
    m_list->setEnabled(!running);
    if (!running)
        m_progress->clear();
}

void LearnPage::updateListMarks()
{
    for (int row = 0; row < m_list->count(); ++row) {
        QListWidgetItem *item = m_list->item(row);
        const auto it = m_results.constFind(item->data(Qt::UserRole).toString());
        const lab::ScenarioInfo *info = lab::findScenario(item->data(Qt::UserRole).toString());
        QString text = info ? info->title : item->text();
        if (it != m_results.constEnd())
            text = (it->passed ? QStringLiteral("✔  ") : QStringLiteral("✘  ")) + text;
        item->setText(text);
    }
}

void LearnPage::runSelected()
{
    const QString id = selectedScenario();
    if (id.isEmpty() || m_running)
        return;
    setRunning(true);
    m_progress->setText(tr("Starting..."));
    Q_EMIT statusMessage(tr("Running scenario %1").arg(id));
    m_studio->runScenario(
        id, this, [this](const QString &step) { m_progress->setText(step); },
        [this, id](lab::ScenarioResult result) {
            setRunning(false);
            m_results.insert(id, result);
            updateListMarks();
            if (selectedScenario() == id)
                showResult(result);
            Q_EMIT statusMessage(result.passed ? tr("Scenario “%1” passed its self-check").arg(result.title)
                                               : tr("Scenario “%1” did not pass: see the Learn page").arg(result.title));
            Q_EMIT scenarioFinished(id, result.passed);
        });
}

void LearnPage::resetScenarios()
{
    if (m_running)
        return;
    setRunning(true);
    m_studio->resetScenarios(
        this, [this](const QString &step) { m_progress->setText(step); },
        [this](Result<bool> done) {
            setRunning(false);
            Q_EMIT statusMessage(done ? tr("Removed the scenario functions")
                                      : tr("Could not remove them: %1").arg(done.error().message));
        });
}

} // namespace funcdesk::ui
