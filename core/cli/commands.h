#pragma once
// One entry point per subcommand; each takes the arguments after its name and returns
// the process exit code (cli.h). Implemented in cmd_<group>.cpp.
//
// Threading: main thread only.

#include <QStringList>

namespace funcdesk::cli {

int runServe(const QStringList &args);
int runList(const QStringList &args);
int runInvoke(const QStringList &args);
int runDeploy(const QStringList &args);
int runPublish(const QStringList &args);
int runLogs(const QStringList &args);
int runExport(const QStringList &args);
int runLoad(const QStringList &args);
int runTune(const QStringList &args);
int runLearn(const QStringList &args);
int runReplay(const QStringList &args);
int runQueues(const QStringList &args);
int runDev(const QStringList &args);
int runLayers(const QStringList &args);
int runAlarms(const QStringList &args);

} // namespace funcdesk::cli
