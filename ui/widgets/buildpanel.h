#pragma once
// Under the Code tab's editor: the function's build (versioning/build.h). One line says
// what the last deploy's build did ("Dependencies cached: pip, 12 ms, 1.2 MB"), a busy bar
// runs while a build does, and the log (pip's or npm's output, live while it runs) opens
// below; a failed build opens it with the error. GUI thread only.

#include "versioning/build.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QToolButton;

namespace funcdesk::ui {

class BuildPanel : public QWidget
{
    Q_OBJECT
public:
    explicit BuildPanel(QWidget *parent = nullptr);

    void clear();                               // no function
    void setRecord(const build::Record &record); // the last build, finished
    void started();                              // a deploy (and so a build) began
    void appendLine(const QString &line);        // its output, live
    void failed(const QString &message);         // the deploy was refused (build or otherwise)

    QString summary() const; // the one-line text
    QString log() const;
    bool isBuilding() const;
    void setLogVisible(bool visible);

private:
    QLabel *m_summary;
    QProgressBar *m_busy;
    QToolButton *m_toggle;
    QPlainTextEdit *m_log;
};

} // namespace funcdesk::ui
