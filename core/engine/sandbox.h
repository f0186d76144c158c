#pragma once
// Each environment in a bubblewrap (bwrap) sandbox, where bwrap runs here: Funcdesk runs
// code imported from zips and repositories on the user's desktop, next to their SSH keys
// and browser profile. Inside, as on Lambda:
//   - the function's code read-only at /var/task (the working directory; LAMBDA_TASK_ROOT);
//   - its layers, merged, read-only at /opt (engine/layerpaths.h names the paths);
//   - a private, size-limited /tmp (a tmpfs of the function's ephemeral storage, 512 MB by
//     default): a write past it fails with ENOSPC, as on Lambda. On a cgroup v2 machine the
//     tmpfs counts toward the memory limit, which on Lambda it does not;
//   - the system's files read-only (/usr, /etc and the top-level links into /usr), the
//     runtime's own installation read-only where it lives elsewhere (a pyenv or nvm
//     prefix), the runtime shims read-only;
//   - no home directory and no other user files; own PID and IPC namespaces;
//   - the network (functions call APIs) unless the function turns it off.
// bwrap stays the environment's process (the engine's pid, the process group's leader);
// the runtime is its grandchild behind bwrap's init. Memory is measured below the bwrap
// processes (proctree.h, skipLaunchers).
//
// Threading: sandboxLauncher() probes once (thread-safe); wrapInSandbox() is a pure
// rewrite of a SpawnSpec.

#include "common/result.h"
#include "engine/childprocess.h"

#include <QString>
#include <QStringList>

namespace funcdesk::engine {

inline constexpr QLatin1String kTaskRoot{"/var/task"};

struct SandboxSpec
{
    QString codeDir;           // bound read-only at /var/task
    QString optDir;            // the function's merged layers, bound read-only at /opt (empty: none)
    QStringList readOnlyPaths; // also visible, read-only, at their own paths (runtime prefix, shims)
    int tmpSizeMb = 512;       // /tmp
    bool network = true;
};

// The bwrap executable when it can make a sandbox here (probed once by running `true` in
// one), else empty; sandboxUnavailableReason() then says why ("bubblewrap (bwrap) is not
// installed", or bwrap's own error).
QString sandboxLauncher();
QString sandboxUnavailableReason();

// Rewrites `spawn` to run its program inside a sandbox: the program becomes bwrap, the
// paths under codeDir become /var/task paths (program, arguments, environment, working
// directory), TMPDIR becomes /tmp. Fails when the program would not exist inside.
Status wrapInSandbox(SpawnSpec &spawn, const SandboxSpec &spec);

// The installation a runtime executable belongs to: /root/.pyenv/versions/3.11.7 for
// /root/.pyenv/versions/3.11.7/bin/python3.11; empty for one under /usr.
QString runtimePrefix(const QString &executable);

} // namespace funcdesk::engine
