#include "summarystrip.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace funcdesk::ui {

SummaryStrip::SummaryStrip(QWidget *parent) : QWidget(parent), m_layout(new QHBoxLayout(this))
{
    m_layout->setContentsMargins(0, 0, 0, 0);
    m_layout->setSpacing(8);
    m_layout->addStretch(1);
}

void SummaryStrip::addFigure(const QString &key, const QString &caption, const QString &toolTip)
{
    auto *tile = new QFrame(this);
    tile->setFrameShape(QFrame::StyledPanel);
    tile->setToolTip(toolTip);
    auto *v = new QVBoxLayout(tile);
    v->setContentsMargins(10, 6, 10, 6);
    v->setSpacing(0);
    auto *value = new QLabel(QString(QChar(0x2014)), tile);
    value->setObjectName(key);
    QFont big = value->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    value->setFont(big);
    value->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *label = new QLabel(caption, tile);
    label->setForegroundRole(QPalette::PlaceholderText); // a role: it follows theme changes
    v->addWidget(value);
    v->addWidget(label);
    value->setAccessibleName(caption);
    m_layout->insertWidget(m_layout->count() - 1, tile);
    m_values.insert(key, value);
}

void SummaryStrip::setValue(const QString &key, const QString &value, const QColor &color)
{
    QLabel *label = m_values.value(key);
    if (!label)
        return;
    label->setText(value);
    if (!color.isValid()) {
        label->setPalette(QPalette()); // no role of its own: the text colour of the theme in force
        return;
    }
    QPalette p = label->palette();
    p.setColor(QPalette::WindowText, color);
    label->setPalette(p);
}

QString SummaryStrip::value(const QString &key) const
{
    const QLabel *label = m_values.value(key);
    return label ? label->text() : QString();
}

void SummaryStrip::clearValues()
{
    for (QLabel *label : std::as_const(m_values))
        label->setText(QString(QChar(0x2014)));
}

} // namespace funcdesk::ui
