#include "ui/widgets/waterfall.h"

#include <QHash>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <functional>

namespace funcdesk::ui {

namespace {
constexpr int kRowHeight = 24;
constexpr int kAxisHeight = 22;
constexpr int kMargin = 8;

QString ms(double v)
{
    if (v < 1)
        return QString::number(v * 1000, 'f', 0) + QStringLiteral(" µs");
    if (v < 1000)
        return QString::number(v, 'f', v < 10 ? 2 : 1) + QStringLiteral(" ms");
    return QString::number(v / 1000, 'f', 2) + QStringLiteral(" s");
}
} // namespace

QList<store::Span> callOrder(const QList<store::Span> &spans, QList<int> *depth)
{
    QHash<QString, QList<int>> children;
    QSet<QString> ids;
    for (const store::Span &s : spans)
        ids.insert(s.spanId);
    QList<int> roots;
    for (int i = 0; i < spans.size(); ++i) {
        if (spans[i].parentSpanId.isEmpty() || !ids.contains(spans[i].parentSpanId))
            roots.append(i);
        else
            children[spans[i].parentSpanId].append(i);
    }
    const auto byStart = [&spans](int a, int b) { return spans[a].startMs < spans[b].startMs; };
    std::sort(roots.begin(), roots.end(), byStart);
    QList<store::Span> out;
    QList<int> levels;
    std::function<void(int, int)> visit = [&](int i, int level) {
        if (out.size() > spans.size()) // a cycle in bad data: stop
            return;
        out.append(spans[i]);
        levels.append(level);
        QList<int> kids = children.value(spans[i].spanId);
        std::sort(kids.begin(), kids.end(), byStart);
        for (int k : kids)
            visit(k, level + 1);
    };
    for (int r : roots)
        visit(r, 0);
    if (depth)
        *depth = levels;
    return out;
}

WaterfallWidget::WaterfallWidget(QWidget *parent) : QWidget(parent)
{
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void WaterfallWidget::setSpans(const QList<store::Span> &spans)
{
    m_spans = callOrder(spans, &m_depth);
    m_t0 = 0;
    m_t1 = 1;
    if (!m_spans.isEmpty()) {
        m_t0 = m_spans.first().beginMs();
        m_t1 = m_t0;
        for (const store::Span &s : m_spans) {
            m_t0 = std::min(m_t0, s.beginMs());
            m_t1 = std::max(m_t1, s.endMs());
        }
        if (m_t1 - m_t0 < 1)
            m_t1 = m_t0 + 1;
    }
    updateGeometry();
    update();
}

QSize WaterfallWidget::sizeHint() const
{
    return {800, kAxisHeight + kMargin * 2 + kRowHeight * std::max<int>(3, int(m_spans.size()))};
}

QSize WaterfallWidget::minimumSizeHint() const
{
    return {400, sizeHint().height()};
}

QRectF WaterfallWidget::barRect(int row, double labelWidth) const
{
    const store::Span &s = m_spans.at(row);
    const double left = labelWidth + kMargin;
    const double width = std::max(10.0, double(this->width()) - left - kMargin);
    const double scale = width / (m_t1 - m_t0);
    const double x0 = left + (s.beginMs() - m_t0) * scale;
    const double x1 = left + (s.endMs() - m_t0) * scale;
    const double y = kAxisHeight + kMargin + row * kRowHeight + 4;
    return {x0, y, std::max(2.0, x1 - x0), kRowHeight - 8.0};
}

void WaterfallWidget::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    if (m_spans.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("Select a trace to see its calls."));
        return;
    }
    const double labelWidth = std::min(260.0, width() * 0.3);
    const double left = labelWidth + kMargin;
    const double width = std::max(10.0, double(this->width()) - left - kMargin);
    // Axis: 5 ticks over the trace's time.
    p.setPen(pal.color(QPalette::Mid));
    for (int i = 0; i <= 4; ++i) {
        const double x = left + width * i / 4.0;
        p.drawLine(QPointF(x, kAxisHeight), QPointF(x, height() - kMargin));
        p.setPen(pal.color(QPalette::Text));
        const QString label = ms((m_t1 - m_t0) * i / 4.0);
        const QRectF box(x - 40, 2, 80, kAxisHeight - 4);
        p.drawText(i == 4 ? box.translated(-40, 0) : (i == 0 ? box.translated(40, 0) : box),
                   i == 4 ? Qt::AlignRight | Qt::AlignVCenter : (i == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignCenter), label);
        p.setPen(pal.color(QPalette::Mid));
    }
    const QColor ok(0x2f, 0x80, 0xed);
    const QColor failed(0xd6, 0x3b, 0x3b);
    const QColor init(0xf2, 0x99, 0x4a);
    for (int row = 0; row < m_spans.size(); ++row) {
        const store::Span &s = m_spans.at(row);
        const double y = kAxisHeight + kMargin + row * kRowHeight;
        if (row % 2 == 1)
            p.fillRect(QRectF(0, y, this->width(), kRowHeight), pal.alternateBase());
        // Label: indented function name, with version.
        p.setPen(pal.color(QPalette::Text));
        const double indent = 6 + 14.0 * m_depth.value(row);
        const QString text = (m_depth.value(row) > 0 ? QStringLiteral("↳ ") : QString()) + s.function
            + (s.version == QLatin1String("$LATEST") ? QString() : QStringLiteral(" (%1)").arg(s.version));
        p.drawText(QRectF(indent, y, labelWidth - indent, kRowHeight), Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(text, Qt::ElideRight, int(labelWidth - indent)));
        const QRectF bar = barRect(row, labelWidth);
        const double total = s.initMs + s.durationMs;
        const double initWidth = total > 0 ? bar.width() * s.initMs / total : 0;
        if (initWidth > 0.5) {
            const QRectF initBar(bar.left(), bar.top(), initWidth, bar.height());
            p.fillRect(initBar, init);
            p.fillRect(initBar, QBrush(init.darker(130), Qt::BDiagPattern));
        }
        p.fillRect(QRectF(bar.left() + initWidth, bar.top(), bar.width() - initWidth, bar.height()), s.failed() ? failed : ok);
        // The figure after the bar (or inside, where there is no room after it).
        const QString figure = ms(s.durationMs) + (s.failed() ? QStringLiteral("  ") + (s.errorType.isEmpty() ? statusName(s.status) : s.errorType) : QString());
        const int fw = p.fontMetrics().horizontalAdvance(figure) + 6;
        QRectF where(bar.right() + 4, y, fw, kRowHeight);
        if (where.right() > this->width() - kMargin)
            where.moveRight(bar.left() - 4);
        p.setPen(s.failed() ? failed : pal.color(QPalette::Text));
        p.drawText(where, Qt::AlignLeft | Qt::AlignVCenter, figure);
    }
}

int WaterfallWidget::rowAt(int y) const
{
    const int row = (y - kAxisHeight - kMargin) / kRowHeight;
    return y >= kAxisHeight + kMargin && row < m_spans.size() ? row : -1;
}

void WaterfallWidget::mouseMoveEvent(QMouseEvent *event)
{
    const int row = rowAt(int(event->position().y()));
    if (row < 0) {
        QToolTip::hideText();
        return;
    }
    const store::Span &s = m_spans.at(row);
    QString tip = QStringLiteral("<b>%1</b> %2<br>%3 via %4<br>starts at +%5<br>").arg(s.function.toHtmlEscaped(), s.version.toHtmlEscaped(),
                                                                                      s.requestId, triggerName(s.trigger), ms(s.beginMs() - m_t0));
    if (s.initMs > 0)
        tip += tr("Init Duration %1 (cold start)<br>").arg(ms(s.initMs));
    tip += tr("Duration %1").arg(ms(s.durationMs));
    if (s.failed())
        tip += QStringLiteral("<br><span style='color:#d63b3b'>%1: %2</span>").arg(s.errorType.toHtmlEscaped(), s.errorMessage.toHtmlEscaped());
    tip += tr("<br><i>Double-click for its logs</i>");
    QToolTip::showText(event->globalPosition().toPoint(), tip, this);
}

void WaterfallWidget::mouseDoubleClickEvent(QMouseEvent *event)
{
    const int row = rowAt(int(event->position().y()));
    if (row >= 0)
        Q_EMIT spanActivated(m_spans.at(row).requestId);
}

} // namespace funcdesk::ui
