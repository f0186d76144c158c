#pragma once
// The GUI entry point the composition root calls when funcdesk runs without a subcommand.

namespace funcdesk::ui {

// Creates the QApplication, opens the data dir (--data-dir DIR, FUNCDESK_DATA_DIR, or the
// default), shows the main window and runs the event loop. Returns the exit code.
int runGui(int argc, char **argv);

} // namespace funcdesk::ui
