#include "labels.h"

#include "ui/theme.h"

namespace funcdesk::ui {

void makePageTitle(QLabel *label)
{
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 1.3);
    font.setBold(true);
    label->setFont(font);
}

QLabel *mutedLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    // A role, not a colour copied from today's palette: it follows a theme change.
    label->setForegroundRole(QPalette::PlaceholderText);
    return label;
}

void makeErrorText(QLabel *label)
{
    followPalette(label, [label] {
        QPalette p = label->palette();
        p.setColor(QPalette::WindowText, errorColor(p));
        label->setPalette(p);
    });
}

} // namespace funcdesk::ui
