#include "icons.h"

#include <QGuiApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

#include <algorithm>

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

// One glyph's strokes on a 24 x 24 grid, about 3 units of air on each side.
QPainterPath glyphPath(Glyph glyph)
{
    QPainterPath path;
    switch (glyph) {
    case Glyph::Functions: // λ
        path.moveTo(5.5, 4);
        path.lineTo(8.5, 4);
        path.lineTo(17.5, 20);
        path.lineTo(19.5, 20);
        path.moveTo(12.3, 11.5);
        path.lineTo(6.5, 20);
        break;
    case Glyph::Dashboard: // four tiles of a board
        path.addRoundedRect(QRectF(4, 4, 7, 9), 1.5, 1.5);
        path.addRoundedRect(QRectF(13, 4, 7, 5), 1.5, 1.5);
        path.addRoundedRect(QRectF(13, 11, 7, 9), 1.5, 1.5);
        path.addRoundedRect(QRectF(4, 15, 7, 5), 1.5, 1.5);
        break;
    case Glyph::Environments: // two servers, each with its light
        path.addRoundedRect(QRectF(4, 4.5, 16, 6), 1.5, 1.5);
        path.addRoundedRect(QRectF(4, 13.5, 16, 6), 1.5, 1.5);
        path.moveTo(8, 7.5);
        path.lineTo(8.01, 7.5);
        path.moveTo(8, 16.5);
        path.lineTo(8.01, 16.5);
        path.moveTo(12, 7.5);
        path.lineTo(16.5, 7.5);
        path.moveTo(12, 16.5);
        path.lineTo(16.5, 16.5);
        break;
    case Glyph::Logs: // a page of lines
        path.addRoundedRect(QRectF(5, 3, 14, 18), 2, 2);
        for (const double y : {8.0, 12.0}) {
            path.moveTo(8.5, y);
            path.lineTo(15.5, y);
        }
        path.moveTo(8.5, 16);
        path.lineTo(12.5, 16);
        break;
    case Glyph::Cost: // a coin with a dollar sign
        path.addEllipse(QPointF(12, 12), 8.5, 8.5);
        path.moveTo(14.8, 9.6);
        path.cubicTo(14.4, 8.4, 9.4, 7.9, 9.4, 10.3);
        path.cubicTo(9.4, 12.4, 14.6, 11.6, 14.6, 13.9);
        path.cubicTo(14.6, 16.3, 9.6, 16.1, 9.2, 14.6);
        path.moveTo(12, 6.4);
        path.lineTo(12, 8.2);
        path.moveTo(12, 15.9);
        path.lineTo(12, 17.6);
        break;
    case Glyph::Traces: // a waterfall of three calls, each starting under the one before
        path.addRoundedRect(QRectF(4, 5, 10, 3.5), 1, 1);
        path.addRoundedRect(QRectF(8, 10.25, 9, 3.5), 1, 1);
        path.addRoundedRect(QRectF(12, 15.5, 8, 3.5), 1, 1);
        path.moveTo(5.5, 8.5);
        path.lineTo(5.5, 12);
        path.lineTo(8, 12);
        break;
    case Glyph::Learn: // a flask: learning by experiment
        path.moveTo(9.5, 4);
        path.lineTo(14.5, 4);
        path.moveTo(10.5, 4);
        path.lineTo(10.5, 10);
        path.lineTo(5.5, 18.5);
        path.cubicTo(5, 19.5, 5.6, 20.5, 6.8, 20.5);
        path.lineTo(17.2, 20.5);
        path.cubicTo(18.4, 20.5, 19, 19.5, 18.5, 18.5);
        path.lineTo(13.5, 10);
        path.lineTo(13.5, 4);
        path.moveTo(7.8, 15);
        path.lineTo(16.2, 15);
        break;
    case Glyph::Layers: // three stacked sheets: layers merged over each other
        for (const double y : {5.0, 10.0, 15.0}) {
            path.moveTo(12, y);
            path.lineTo(20, y + 3);
            path.lineTo(12, y + 6);
            path.lineTo(4, y + 3);
            path.closeSubpath();
        }
        break;
    case Glyph::Alarms: // a bell
        path.moveTo(12, 3);
        path.lineTo(12, 4.5);
        path.moveTo(6, 17);
        path.lineTo(6, 11);
        path.cubicTo(6, 7.2, 8.6, 4.5, 12, 4.5);
        path.cubicTo(15.4, 4.5, 18, 7.2, 18, 11);
        path.lineTo(18, 17);
        path.lineTo(19.5, 18.5);
        path.lineTo(4.5, 18.5);
        path.lineTo(6, 17);
        path.moveTo(10, 21);
        path.lineTo(14, 21);
        break;
    case Glyph::Queues: // three messages in a line, an arrow out
        for (const double x : {3.5, 9.0})
            path.addRoundedRect(QRectF(x, 8, 4.5, 8), 1, 1);
        path.addRoundedRect(QRectF(14.5, 8, 4.5, 8), 1, 1);
        path.moveTo(19.5, 12);
        path.lineTo(21.5, 12);
        path.moveTo(20.3, 10.5);
        path.lineTo(21.8, 12);
        path.lineTo(20.3, 13.5);
        break;
    }
    return path;
}

// Paints at the size asked for, in the colours of the palette at that moment.
class GlyphEngine : public QIconEngine
{
public:
    explicit GlyphEngine(Glyph glyph) : m_glyph(glyph) {}

    void paint(QPainter *p, const QRect &rect, QIcon::Mode mode, QIcon::State state) override
    {
        const QPalette pal = QGuiApplication::palette();
        QColor color = state == QIcon::On ? pal.color(QPalette::Highlight) : pal.color(QPalette::WindowText);
        if (mode == QIcon::Disabled)
            color = pal.color(QPalette::Disabled, QPalette::WindowText);
        else if (mode == QIcon::Selected)
            color = pal.color(QPalette::HighlightedText);
        const qreal side = std::min(rect.width(), rect.height());
        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        p->translate(rect.x() + (rect.width() - side) / 2, rect.y() + (rect.height() - side) / 2);
        p->scale(side / 24.0, side / 24.0);
        // Strokes scale with the icon, but never below 1.4 device pixels: thinner ones blur at 16 px.
        p->setPen(QPen(color, std::max(1.7, 1.4 * 24.0 / side), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p->setBrush(Qt::NoBrush);
        p->drawPath(glyphPath(m_glyph));
        p->restore();
    }

    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        QPixmap pm(size);
        pm.fill(Qt::transparent);
        QPainter p(&pm);
        paint(&p, QRect(QPoint(0, 0), size), mode, state);
        return pm;
    }

    QIconEngine *clone() const override { return new GlyphEngine(m_glyph); }
    QString key() const override { return QStringLiteral("funcdesk-glyph"); }

private:
    Glyph m_glyph;
};

} // namespace

QIcon glyphIcon(Glyph glyph)
{
    return QIcon(new GlyphEngine(glyph));
}

QIcon runtimeIcon(Runtime runtime)
{
    switch (runtime) {
    case Runtime::Python3:
        return tileIcon(QColor(0x30, 0x69, 0x98), QColor(0xff, 0xd4, 0x3b), QStringLiteral("Py"), 0.5);
    case Runtime::NodeJs:
        return tileIcon(QColor(0x3c, 0x87, 0x3a), Qt::white, QStringLiteral("JS"), 0.5);
    case Runtime::Provided:
        return tileIcon(QColor(0x54, 0x5b, 0x64), Qt::white, QString(QChar(0x03bb)), 0.7);
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
