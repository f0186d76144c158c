#pragma once
// One trace as a waterfall: a row per invocation, in start order and indented under the
// span that called it; on a shared time axis each row's bar is its init (cold start,
// hatched) then its handler time, red when it failed; the gap before a child's bar is
// the hop (a queued event's wait, a message's). Hover names the row's figures.
//
// Threading: GUI thread only.

#include "store/traces.h"

#include <QWidget>

namespace funcdesk::ui {

class WaterfallWidget : public QWidget
{
    Q_OBJECT
public:
    explicit WaterfallWidget(QWidget *parent = nullptr);

    void setSpans(const QList<store::Span> &spans); // any order; shown in call order
    const QList<store::Span> &spans() const { return m_spans; }
    int depthOf(int row) const { return m_depth.value(row); }
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void spanActivated(const QString &requestId); // double-click: its logs

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    int rowAt(int y) const;
    QRectF barRect(int row, double labelWidth) const;
    QList<store::Span> m_spans; // parents before their children, siblings by start
    QList<int> m_depth;
    double m_t0 = 0;
    double m_t1 = 1;
};

// Orders spans as a call tree (depth-first, children by start time); `depth` gets each one's
// level. A span whose parent is not among them is a root.
QList<store::Span> callOrder(const QList<store::Span> &spans, QList<int> *depth);

} // namespace funcdesk::ui
