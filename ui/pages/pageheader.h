#pragma once
// The row at the top of every global and telemetry page, so they read alike: the title
// (with an optional muted subtitle under it) on the left; on the right the page's status
// ("Updated 10:18:32", an error, a count) and, for pages over time, the range selector.
// GUI thread only.

#include "ui/pages/telemetry.h"

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QLabel;

namespace funcdesk::ui {

class PageHeader : public QWidget
{
    Q_OBJECT
public:
    explicit PageHeader(const QString &title, QWidget *parent = nullptr);

    void setTitle(const QString &title);
    QString title() const;
    void setSubtitle(const QString &text); // one line saying what the page shows
    void setStatus(const QString &text);
    void setUpdatedNow(); // status "Updated HH:mm:ss"
    QString status() const;

    // Shows the range selector with `ranges`, `current` chosen; `label` names it ("&Range:").
    void setRanges(const QList<RangePreset> &ranges, int current, const QString &label);
    int rangeIndex() const;
    void setRangeIndex(int index); // emits rangeChanged when it changes
    RangePreset range() const;     // the chosen one
    QComboBox *rangeBox() const { return m_range; }
    // Offers "Custom…" after the presets: a dialog asks for the start and the end, and the
    // range becomes an entry of its own (one at a time). setCustomRange() does it directly.
    void setCustomRangeAllowed(bool allowed);
    void setCustomRange(qint64 fromMs, qint64 toMs); // emits rangeChanged
    // A control of the page's own at the right, before the range selector.
    void addTrailingWidget(QWidget *widget);

Q_SIGNALS:
    void rangeChanged(int index);

private:
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_status;
    QLabel *m_rangeLabel;
    QComboBox *m_range;
    QHBoxLayout *m_trailing;
    QList<RangePreset> m_ranges;
    bool m_customAllowed = false;
    int m_lastIndex = 0; // the range before "Custom…" was picked (a cancelled dialog returns to it)
    void askCustomRange();
};

} // namespace funcdesk::ui
