#include "theme.h"

#include <QApplication>
#include <QEvent>
#include <QStyle>
#include <QStyleFactory>
#include <QWidget>

namespace funcdesk::ui {

namespace {

QPalette darkPalette(const QPalette &base)
{
    QPalette p = base;
    const QColor window(0x2b, 0x2d, 0x31), surface(0x1e, 0x1f, 0x22), text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x80, 0x80, 0x80);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, surface);
    p.setColor(QPalette::AlternateBase, QColor(0x25, 0x27, 0x2b));
    p.setColor(QPalette::ToolTipBase, surface);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x33, 0x36, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, Qt::white);
    // Fusion draws frames and bevels from these: left at their light defaults, every
    // frame in a dark window glows.
    p.setColor(QPalette::Light, QColor(0x4a, 0x4d, 0x53));
    p.setColor(QPalette::Midlight, QColor(0x3c, 0x3f, 0x44));
    p.setColor(QPalette::Mid, QColor(0x45, 0x48, 0x4e));
    p.setColor(QPalette::Dark, QColor(0x18, 0x19, 0x1b));
    p.setColor(QPalette::Shadow, QColor(0x0e, 0x0e, 0x10));
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xb0));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x8d, 0x93));
    p.setColor(QPalette::Link, QColor(0x64, 0xb5, 0xf6));
    p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x9d, 0xdb));
    for (const auto role : {QPalette::Text, QPalette::ButtonText, QPalette::WindowText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Base, window);
    return p;
}

// Calls the function on every PaletteChange of the object it is installed on.
class PaletteFollower : public QObject
{
public:
    PaletteFollower(QWidget *widget, std::function<void()> apply) : QObject(widget), m_apply(std::move(apply))
    {
        widget->installEventFilter(this);
        run();
    }

    bool eventFilter(QObject *, QEvent *event) override
    {
        if (event->type() == QEvent::PaletteChange)
            run();
        return false;
    }

private:
    void run()
    {
        if (m_running) // `apply` setting the widget's palette sends another PaletteChange
            return;
        m_running = true;
        m_apply();
        m_running = false;
    }

    std::function<void()> m_apply;
    bool m_running = false;
};

} // namespace

void applyTheme(QApplication &app, Theme theme)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    switch (theme) {
    case Theme::System: {
        // No role set: all of them resolve to the platform's palette and keep following it.
        QPalette follow(Qt::black);
        follow.setResolveMask(0);
        app.setPalette(follow);
        return;
    }
    case Theme::Light:
        app.setPalette(app.style()->standardPalette());
        return;
    case Theme::Dark:
        app.setPalette(darkPalette(app.style()->standardPalette()));
        return;
    }
}

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor errorColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xef, 0x6c, 0x6c) : QColor(0xc6, 0x28, 0x28);
}

QString errorHtml(const QPalette &palette, const QString &message)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(errorColor(palette).name(), message.toHtmlEscaped());
}

QColor successColor(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x66, 0xbb, 0x6a) : QColor(0x2e, 0x7d, 0x32);
}

QColor noticeBackground(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x4d, 0x3d, 0x10) : QColor(0xff, 0xf3, 0xcd);
}

void followPalette(QWidget *widget, std::function<void()> apply)
{
    new PaletteFollower(widget, std::move(apply));
}

} // namespace funcdesk::ui
