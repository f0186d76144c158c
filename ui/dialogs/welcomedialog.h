#pragma once
// The first start of a data dir: what Funcdesk is in four short paragraphs, and the first
// Learn scenario one click away. Offered once per data dir (Studio::takeFirstStart).
// GUI thread only.

#include <QDialog>

namespace funcdesk::ui {

class WelcomeDialog : public QDialog
{
    Q_OBJECT
public:
    explicit WelcomeDialog(QWidget *parent = nullptr);

Q_SIGNALS:
    void firstLessonRequested();
};

} // namespace funcdesk::ui
