#include "theme.h"

#include <QApplication>
#include <QPalette>
#include <QStyle>
#include <QStyleFactory>

namespace funcdesk::ui {

void applyTheme(QApplication &app, Theme theme)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    if (theme == Theme::System) {
        app.setPalette(app.style()->standardPalette());
        return;
    }
    QPalette p;
    if (theme == Theme::Dark) {
        const QColor window(0x2b, 0x2d, 0x31), base(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
        p.setColor(QPalette::Window, window);
        p.setColor(QPalette::WindowText, text);
        p.setColor(QPalette::Base, base);
        p.setColor(QPalette::AlternateBase, window);
        p.setColor(QPalette::ToolTipBase, base);
        p.setColor(QPalette::ToolTipText, text);
        p.setColor(QPalette::Text, text);
        p.setColor(QPalette::Button, window);
        p.setColor(QPalette::ButtonText, text);
        p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb0));
        p.setColor(QPalette::HighlightedText, Qt::white);
        p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
        p.setColor(QPalette::Mid, QColor(0x45, 0x48, 0x4e));
        p.setColor(QPalette::Link, QColor(0x64, 0xb5, 0xf6));
        p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x80, 0x80, 0x80));
        p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x80, 0x80, 0x80));
    } else {
        p = app.style()->standardPalette();
    }
    app.setPalette(p);
}

} // namespace funcdesk::ui
