#include "icons.h"

#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

namespace funcdesk::ui {

namespace {

QPixmap tile(const QColor &background, const QColor &foreground, const QString &text, int size, qreal fontScale)
{
    QPixmap pm(size, size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setRenderHint(QPainter::TextAntialiasing);
    QPainterPath path;
    path.addRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), size * 0.22, size * 0.22);
    p.fillPath(path, background);
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(int(size * fontScale));
    p.setFont(f);
    p.setPen(foreground);
    p.drawText(QRectF(0, 0, size, size), Qt::AlignCenter, text);
    return pm;
}

QIcon tileIcon(const QColor &bg, const QColor &fg, const QString &text, qreal fontScale)
{
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addPixmap(tile(bg, fg, text, size, fontScale));
    return icon;
}

} // namespace

QIcon runtimeIcon(Runtime runtime)
{
    switch (runtime) {
    case Runtime::Python3: return tileIcon(QColor(0x30, 0x69, 0x98), QColor(0xff, 0xd4, 0x3b), QStringLiteral("Py"), 0.5);
    case Runtime::NodeJs: return tileIcon(QColor(0x3c, 0x87, 0x3a), Qt::white, QStringLiteral("JS"), 0.5);
    case Runtime::Provided: return tileIcon(QColor(0x54, 0x5b, 0x64), Qt::white, QString(QChar(0x03bb)), 0.7);
    }
    return {};
}

QIcon appIcon()
{
    return tileIcon(QColor(0x1f, 0x4e, 0x79), QColor(0xff, 0xb3, 0x00), QString(QChar(0x03bb)), 0.72);
}

QIcon statusDot(const QColor &color)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(color);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QRectF(1, 1, 10, 10));
    return QIcon(pm);
}

} // namespace funcdesk::ui
