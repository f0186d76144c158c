#pragma once
// A pane that gives way to a short centred hint while it has nothing to show: what is
// missing and what to do about it ("Select two deploys above to compare them"), instead
// of an empty editor, table or chart. GUI thread only.

#include <QStackedWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace funcdesk::ui {

class EmptyState : public QStackedWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget *content, QWidget *parent = nullptr);

    QWidget *content() const { return m_content; }
    void showContent();
    void showHint(const QString &text);
    bool showsHint() const;
    QString hintText() const;
    // A button under the hint (e.g. "New function…"), shown with it.
    QPushButton *addHintButton(const QString &text);

private:
    QWidget *m_content;
    QWidget *m_hintPage;
    QLabel *m_hint;
    QVBoxLayout *m_hintLayout;
};

} // namespace funcdesk::ui
