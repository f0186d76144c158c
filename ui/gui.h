#pragma once
// The GUI entry point the composition root calls when funcdesk runs without a subcommand.

#include <QProcessEnvironment>
#include <QString>

namespace funcdesk::ui {

// Why the window cannot open in this environment, or an empty string when it can: no
// QT_QPA_PLATFORM chosen and neither DISPLAY nor WAYLAND_DISPLAY set means Qt would abort
// in its platform plugin. The text names the headless alternative.
QString missingDisplayReason(const QProcessEnvironment &env);

// Creates the QApplication, opens the data dir (--data-dir DIR, FUNCDESK_DATA_DIR, or the
// default), shows the main window and runs the event loop. Returns the exit code.
int runGui(int argc, char **argv);

} // namespace funcdesk::ui
