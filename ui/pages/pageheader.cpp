#include "pageheader.h"

#include "ui/widgets/labels.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

#include <algorithm>

namespace funcdesk::ui {

PageHeader::PageHeader(const QString &title, QWidget *parent)
    : QWidget(parent), m_title(new QLabel(title, this)), m_subtitle(mutedLabel({}, this)), m_status(mutedLabel({}, this)),
      m_rangeLabel(new QLabel(this)), m_range(new QComboBox(this)), m_trailing(new QHBoxLayout)
{
    setObjectName(QStringLiteral("pageHeader"));
    makePageTitle(m_title);
    m_title->setObjectName(QStringLiteral("pageTitle"));
    m_status->setObjectName(QStringLiteral("pageStatus"));
    m_subtitle->hide();
    m_rangeLabel->setBuddy(m_range);
    m_rangeLabel->hide();
    m_range->hide();
    auto *titles = new QVBoxLayout;
    titles->setSpacing(0);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    m_trailing->setSpacing(6);
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addLayout(titles);
    row->addStretch(1);
    row->addWidget(m_status);
    row->addSpacing(12);
    row->addLayout(m_trailing);
    row->addWidget(m_rangeLabel);
    row->addWidget(m_range);
    connect(m_range, &QComboBox::currentIndexChanged, this, &PageHeader::rangeChanged);
}

void PageHeader::setTitle(const QString &title)
{
    m_title->setText(title);
}

QString PageHeader::title() const
{
    return m_title->text();
}

void PageHeader::setSubtitle(const QString &text)
{
    m_subtitle->setText(text);
    m_subtitle->setVisible(!text.isEmpty());
}

void PageHeader::setStatus(const QString &text)
{
    m_status->setText(text);
}

void PageHeader::setUpdatedNow()
{
    setStatus(tr("Updated %1").arg(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"))));
}

QString PageHeader::status() const
{
    return m_status->text();
}

void PageHeader::setRanges(const QList<RangePreset> &ranges, int current, const QString &label)
{
    m_ranges = ranges;
    const QSignalBlocker block(m_range);
    m_range->clear();
    for (const RangePreset &r : ranges)
        m_range->addItem(r.label);
    m_range->setCurrentIndex(current);
    m_rangeLabel->setText(label);
    QString accessible = label;
    m_range->setAccessibleName(accessible.remove(QLatin1Char('&')).remove(QLatin1Char(':')));
    m_rangeLabel->show();
    m_range->show();
}

int PageHeader::rangeIndex() const
{
    return m_range->currentIndex();
}

void PageHeader::setRangeIndex(int index)
{
    m_range->setCurrentIndex(index);
}

RangePreset PageHeader::range() const
{
    if (m_ranges.isEmpty())
        return {};
    return m_ranges.at(std::clamp(m_range->currentIndex(), 0, int(m_ranges.size()) - 1));
}

void PageHeader::addTrailingWidget(QWidget *widget)
{
    m_trailing->addWidget(widget);
}

} // namespace funcdesk::ui
