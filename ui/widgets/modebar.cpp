#include "modebar.h"

#include "ui/theme.h"

#include <QButtonGroup>
#include <QPainter>
#include <QStyle>
#include <QStyleOptionFocusRect>
#include <QToolButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

constexpr int kIconSize = 24;
constexpr int kAccentWidth = 3;

QColor barColor(const QPalette &pal)
{
    const QColor window = pal.color(QPalette::Window);
    return isDark(pal) ? window.darker(125) : window.darker(108);
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() + (b.redF() - a.redF()) * t, a.greenF() + (b.greenF() - a.greenF()) * t,
                            a.blueF() + (b.blueF() - a.blueF()) * t);
}

// One mode: the icon over its name. The chosen one takes the window's colour, so it reads
// as opening into the page beside it, with the highlight colour along its left edge.
class ModeButton : public QToolButton
{
public:
    explicit ModeButton(QWidget *parent) : QToolButton(parent)
    {
        setCheckable(true);
        setAutoRaise(true);
        setFocusPolicy(Qt::TabFocus);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        setAttribute(Qt::WA_Hover);
    }

    QSize sizeHint() const override
    {
        const QFontMetrics fm(captionFont());
        return QSize(std::max(64, fm.horizontalAdvance(text()) + 16), kIconSize + fm.height() + 22);
    }
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        const QPalette pal = palette();
        const QRect r = rect();
        const QColor bar = barColor(pal);
        const QColor window = pal.color(QPalette::Window);
        if (isChecked()) {
            p.fillRect(r, window);
            p.fillRect(QRect(r.left(), r.top(), kAccentWidth, r.height()), pal.color(QPalette::Highlight));
        } else if (isDown()) {
            p.fillRect(r, mix(bar, window, 0.8));
        } else if (underMouse()) {
            p.fillRect(r, mix(bar, window, 0.5));
        }
        const QFontMetrics fm(captionFont());
        const QRect iconRect(r.center().x() - kIconSize / 2 + 1, r.top() + 9, kIconSize, kIconSize);
        icon().paint(&p, iconRect, Qt::AlignCenter, isEnabled() ? QIcon::Normal : QIcon::Disabled,
                     isChecked() ? QIcon::On : QIcon::Off);
        QColor textColor = pal.color(QPalette::WindowText);
        if (!isChecked())
            textColor.setAlphaF(0.78);
        p.setPen(textColor);
        p.setFont(captionFont());
        const QRect textRect(r.left() + 2, iconRect.bottom() + 5, r.width() - 4, fm.height());
        p.drawText(textRect, Qt::AlignHCenter | Qt::AlignTop, fm.elidedText(text(), Qt::ElideRight, textRect.width()));
        if (hasFocus()) {
            QStyleOptionFocusRect focus;
            focus.initFrom(this);
            focus.rect = r.adjusted(kAccentWidth + 2, 2, -3, -2);
            style()->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, &p, this);
        }
    }

private:
    QFont captionFont() const
    {
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.9);
        if (isChecked())
            f.setWeight(QFont::DemiBold);
        return f;
    }
};

} // namespace

ModeBar::ModeBar(QWidget *parent) : QWidget(parent), m_layout(new QVBoxLayout(this)), m_group(new QButtonGroup(this))
{
    setObjectName(QStringLiteral("modeBar"));
    setAccessibleName(tr("Modes"));
    m_layout->setContentsMargins(0, 4, 1, 4); // 1: the edge line on the right
    m_layout->setSpacing(0);
    m_layout->addStretch(1);
    m_group->setExclusive(true);
    connect(m_group, &QButtonGroup::idClicked, this, &ModeBar::modeClicked);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
}

int ModeBar::addMode(const QString &id, const QIcon &icon, const QString &name, const QString &toolTip)
{
    auto *button = new ModeButton(this);
    button->setObjectName(QStringLiteral("mode-") + id);
    button->setIcon(icon);
    button->setText(name);
    button->setAccessibleName(name);
    button->setToolTip(toolTip.isEmpty() ? name : toolTip);
    const int index = count();
    m_ids.append(id);
    m_group->addButton(button, index);
    m_layout->insertWidget(index, button);
    // Every mode as wide as the widest name, so the bar does not change width as modes come.
    int width = 0;
    for (QAbstractButton *b : m_group->buttons())
        width = std::max(width, b->sizeHint().width());
    setFixedWidth(width + 1);
    return index;
}

QAbstractButton *ModeBar::button(int index) const
{
    return m_group->button(index);
}

int ModeBar::currentIndex() const
{
    return m_group->checkedId();
}

void ModeBar::setCurrentIndex(int index)
{
    if (QAbstractButton *b = m_group->button(index))
        b->setChecked(true);
}

void ModeBar::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette pal = palette();
    p.fillRect(rect(), barColor(pal));
    p.setPen(isDark(pal) ? pal.color(QPalette::Window).darker(150) : pal.color(QPalette::Mid));
    p.drawLine(width() - 1, 0, width() - 1, height());
}

} // namespace funcdesk::ui
