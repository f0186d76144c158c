#pragma once
// Traces: requests that went through more than one function (a function calling another
// with its SDK, an event, a function URL calling on), newest first, with the function
// that started each, its total time, the functions it touched and its errors; the chosen
// one as a waterfall (widgets/waterfall.h). Read from the store off the GUI thread,
// refreshed every 5 s while visible.
//
// Threading: GUI thread only.

#include "store/traces.h"
#include "ui/pages/telemetrypage.h"

class QLabel;
class QTreeWidget;

namespace funcdesk::ui {

class Studio;
class WaterfallWidget;

class TracesPage : public TelemetryPage
{
    Q_OBJECT
public:
    explicit TracesPage(Studio *studio, QWidget *parent = nullptr);

    QTreeWidget *list() const { return m_list; }
    WaterfallWidget *waterfall() const { return m_waterfall; }
    void selectTrace(const QString &traceId); // shows it once the list has it

public Q_SLOTS:
    void refresh() override;

Q_SIGNALS:
    void requestActivated(const QString &requestId); // a span double-clicked: its logs

private:
    void showTraces(const QList<store::TraceSummary> &traces);
    void loadSpans(const QString &traceId);

    Studio *m_studio;
    QTreeWidget *m_list;
    WaterfallWidget *m_waterfall;
    QLabel *m_detail;
    QString m_selected;
};

} // namespace funcdesk::ui
