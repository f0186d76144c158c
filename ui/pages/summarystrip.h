#pragma once
// A row of figures above a page's charts ("Invocations 1.2 k", "Error rate 0.4 %"): a
// big value over a small caption per figure. Values are set as text on each refresh.
// GUI thread only.

#include <QHash>
#include <QWidget>

class QHBoxLayout;
class QLabel;

namespace funcdesk::ui {

class SummaryStrip : public QWidget
{
    Q_OBJECT
public:
    explicit SummaryStrip(QWidget *parent = nullptr);

    // Figures appear left to right in the order they are added; `key` names them in code.
    void addFigure(const QString &key, const QString &caption, const QString &toolTip = {});
    void setValue(const QString &key, const QString &value, const QColor &color = {});
    QString value(const QString &key) const;
    void clearValues(); // every figure shows an em dash

private:
    QHBoxLayout *m_layout;
    QHash<QString, QLabel *> m_values;
};

} // namespace funcdesk::ui
