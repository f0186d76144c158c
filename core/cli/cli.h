#pragma once
// The `funcdesk` command line: serve, list, invoke, deploy, publish, logs, export,
// load, tune, learn. run() creates its own QCoreApplication and returns the process exit code:
//   0 ok, 2 usage error, 3 function not found, 4 function error (the handler failed),
//   5 engine/API unreachable or any other failure, 6 a deploy's build failed (pip / npm).
//
// Threading: main thread only; call once per process.

namespace funcdesk::cli {

enum ExitCode : int {
    ExitOk = 0,
    ExitUsage = 2,
    ExitNotFound = 3,
    ExitFunctionError = 4,
    ExitFailure = 5,
    ExitBuildFailed = 6,
};

int run(int argc, char **argv);

} // namespace funcdesk::cli
