#include "buildpanel.h"

#include "ui/theme.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

QString sizeText(qint64 bytes)
{
    return bytes >= 1024 * 1024 ? QStringLiteral("%1 MB").arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1)
                                : QStringLiteral("%1 KB").arg((bytes + 1023) / 1024);
}

} // namespace

BuildPanel::BuildPanel(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_busy(new QProgressBar(this)), m_toggle(new QToolButton(this)),
      m_log(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("buildPanel"));
    m_summary->setObjectName(QStringLiteral("buildSummary"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_busy->setRange(0, 0); // busy: a build has no known length
    m_busy->setMaximumWidth(120);
    m_busy->setMaximumHeight(12);
    m_busy->setTextVisible(false);
    m_busy->hide();
    m_toggle->setText(tr("Build log"));
    m_toggle->setCheckable(true);
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_log->setObjectName(QStringLiteral("buildLog"));
    m_log->setReadOnly(true);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setMaximumBlockCount(5000);
    m_log->setMinimumHeight(90);
    m_log->setMaximumHeight(200);
    m_log->hide();

    auto *row = new QHBoxLayout;
    row->setContentsMargins(6, 2, 6, 2);
    row->addWidget(m_summary, 1);
    row->addWidget(m_busy);
    row->addWidget(m_toggle);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(row);
    layout->addWidget(m_log);
    connect(m_toggle, &QToolButton::toggled, this, &BuildPanel::setLogVisible);
    clear();
}

void BuildPanel::setLogVisible(bool visible)
{
    m_toggle->setChecked(visible);
    m_log->setVisible(visible);
}

void BuildPanel::clear()
{
    m_busy->hide();
    m_log->clear();
    m_summary->setText(tr("Build: no dependencies (add requirements.txt or package.json and deploy)"));
    setLogVisible(false);
}

void BuildPanel::setRecord(const build::Record &r)
{
    m_busy->hide();
    const QString size = sizeText(r.totalBytes);
    switch (r.outcome) {
    case build::Outcome::None:
        clear();
        return;
    case build::Outcome::Built:
        m_summary->setText(tr("Build: dependencies installed by %1 in %2 ms; %3 with the code").arg(r.tool).arg(r.durationMs).arg(size));
        break;
    case build::Outcome::Cached:
        m_summary->setText(tr("Build: dependencies unchanged, from the cache in %1 ms; %2 with the code").arg(r.durationMs).arg(size));
        break;
    case build::Outcome::Skipped:
        m_summary->setText(tr("Build: node_modules came with the code; nothing installed"));
        break;
    case build::Outcome::Failed:
        m_summary->setText(errorHtml(palette(), tr("Build failed: the last good version keeps running")));
        break;
    }
    m_log->setPlainText(r.log);
    if (r.outcome == build::Outcome::Failed)
        setLogVisible(true);
}

void BuildPanel::started()
{
    m_log->clear();
    m_summary->setText(tr("Deploying: building..."));
    m_busy->show();
}

void BuildPanel::appendLine(const QString &line)
{
    if (m_busy->isHidden())
        started();
    m_log->appendPlainText(line);
}

void BuildPanel::failed(const QString &message)
{
    m_busy->hide();
    m_summary->setText(errorHtml(palette(), tr("Deploy refused: the last good version keeps running")));
    m_log->setPlainText(message);
    setLogVisible(true);
}

QString BuildPanel::summary() const
{
    QTextDocument doc;
    doc.setHtml(m_summary->text());
    return doc.toPlainText();
}
QString BuildPanel::log() const { return m_log->toPlainText(); }
bool BuildPanel::isBuilding() const { return !m_busy->isHidden(); }

} // namespace funcdesk::ui
