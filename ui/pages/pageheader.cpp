#include "pageheader.h"

#include "ui/widgets/labels.h"

#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
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
    connect(m_range, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (m_customAllowed && index == m_range->count() - 1) {
            askCustomRange();
            return;
        }
        m_lastIndex = index;
        Q_EMIT rangeChanged(index);
    });
}

void PageHeader::setCustomRangeAllowed(bool allowed)
{
    if (allowed == m_customAllowed)
        return;
    m_customAllowed = allowed;
    const QSignalBlocker block(m_range);
    if (allowed)
        m_range->addItem(tr("Custom\u2026"));
    else
        m_range->removeItem(m_range->count() - 1);
}

void PageHeader::setCustomRange(qint64 fromMs, qint64 toMs)
{
    const RangePreset custom = customRange(fromMs, toMs);
    int index = int(m_ranges.size());
    {
        const QSignalBlocker block(m_range);
        if (!m_ranges.isEmpty() && m_ranges.last().fixedToMs > 0) { // replace the previous custom range
            index = int(m_ranges.size()) - 1;
            m_ranges[index] = custom;
            m_range->setItemText(index, custom.label);
        } else {
            m_ranges.append(custom);
            m_range->insertItem(index, custom.label);
        }
        m_range->setCurrentIndex(index);
    }
    m_lastIndex = index;
    Q_EMIT rangeChanged(index);
}

void PageHeader::askCustomRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Custom range"));
    const QDateTime now = QDateTime::currentDateTime();
    const RangePreset current = range();
    auto *from = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(current.startMs(now.toMSecsSinceEpoch())));
    auto *to = new QDateTimeEdit(QDateTime::fromMSecsSinceEpoch(current.endMs(now.toMSecsSinceEpoch())));
    for (QDateTimeEdit *edit : {from, to}) {
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
        edit->setCalendarPopup(true);
        edit->setMaximumDateTime(now.addSecs(60));
    }
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("&From:"), from);
    form->addRow(tr("&To:"), to);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    const auto check = [from, to, buttons] { buttons->button(QDialogButtonBox::Ok)->setEnabled(from->dateTime() < to->dateTime()); };
    connect(from, &QDateTimeEdit::dateTimeChanged, &dialog, check);
    connect(to, &QDateTimeEdit::dateTimeChanged, &dialog, check);
    if (dialog.exec() == QDialog::Accepted) {
        setCustomRange(from->dateTime().toMSecsSinceEpoch(), to->dateTime().toMSecsSinceEpoch());
        return;
    }
    const QSignalBlocker block(m_range);
    m_range->setCurrentIndex(m_lastIndex);
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
    if (m_customAllowed)
        m_range->addItem(tr("Custom\u2026"));
    m_range->setCurrentIndex(current);
    m_lastIndex = current;
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
