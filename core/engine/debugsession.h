#pragma once
// Debugging one invocation: the environment is started fresh with the runtime's own
// debugger listening on loopback (node --inspect-brk=127.0.0.1:<port>; python3 through
// debugpy, when that interpreter can import it), the request waits for a debugger to
// attach, its timeout runs only while none is attached, and the environment retires after
// the request. These helpers pick the port, tell whether a debugger is attached to it, and
// write the attach instructions (host, port, a VS Code launch configuration).
//
// Threading: free functions, any thread.

#include "common/functionconfig.h"

#include <QString>

namespace funcdesk::engine {

// A port on 127.0.0.1 nothing listens on right now; 0 if none could be had.
quint16 freeLoopbackPort();

// True while a TCP connection to 127.0.0.1:<port> (or ::1) is established: a debugger is
// attached to the runtime's debug port. Reads /proc/net/tcp and /proc/net/tcp6.
bool debuggerAttached(quint16 port);

struct DebugTarget
{
    QString function;
    Runtime runtime = Runtime::NodeJs;
    quint16 port = 0;
    QString localRoot;  // where the user has the code (the function's code directory)
    QString remoteRoot; // where the runtime sees it: /var/task in the sandbox, else localRoot
};

// A ready-to-paste entry of VS Code's launch.json "configurations" (pretty JSON).
QString vsCodeLaunchConfiguration(const DebugTarget &target);
// "Debugger listening on 127.0.0.1:9229 (Node.js inspector) ..." plus the configuration.
QString debugInstructions(const DebugTarget &target);

} // namespace funcdesk::engine
