#include "welcomedialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

WelcomeDialog::WelcomeDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Welcome to Funcdesk"));
    setObjectName(QStringLiteral("welcomeDialog"));
    auto *text = new QLabel(
        tr("<h3>A local Lambda you can see into</h3>"
           "<p><b>Functions</b> (the bar at the left, Ctrl+1): write a function in Python, Node.js or any "
           "<tt>bootstrap</tt>, deploy it (Ctrl+D: every deploy is a git commit), and run it from the <b>Test</b> tab "
           "(Ctrl+Enter). A few examples are already there.</p>"
           "<p><b>Monitor</b>, <b>Environments</b> and <b>Cost</b> show what each invocation did: cold starts, "
           "durations, the execution environments as they start, idle and retire, and what Lambda would bill.</p>"
           "<p><b>Learn</b> runs guided experiments on your machine: cold starts, bursts, throttling, timeouts, "
           "memory against speed and cost, canaries. Each checks its own outcome on the recorded numbers.</p>"
           "<p>The AWS CLI and SDKs work against <tt>http://127.0.0.1:9001</tt>; <tt>funcdesk --help</tt> lists the "
           "command line.</p>"),
        this);
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    auto *buttons = new QDialogButtonBox(this);
    QPushButton *lesson = buttons->addButton(tr("Start the first lesson"), QDialogButtonBox::AcceptRole);
    buttons->addButton(tr("Explore on my own"), QDialogButtonBox::RejectRole);
    lesson->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        accept();
        Q_EMIT firstLessonRequested();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(text, 1);
    layout->addWidget(buttons);
    resize(560, 360);
}

} // namespace funcdesk::ui
