#pragma once
// Finding the interpreters the built-in runtimes run, once per engine: the real executable
// behind version-manager shims (pyenv, asdf, ...), since a shim costs ~90 ms per start.
// Threading: free functions, any thread (they spawn one short-lived probe process).

#include "common/functionconfig.h"
#include "common/result.h"

#include <QString>

namespace funcdesk::engine {

struct Interpreter
{
    QString path;    // absolute path of the executable to run
    QString version; // "3.11" for python3, "20" for node; empty when unknown
};

// `configured` non-empty: used as is (an explicit choice, e.g. a test's fake runtime).
// Otherwise the runtime's command is found on PATH and asked for its real executable.
Result<Interpreter> resolveInterpreter(Runtime runtime, const QString &configured);

// The folder with python/bootstrap.py and node/bootstrap.js: `configured`, else
// resourcePath("runtimes") (common/resources.h: $FUNCDESK_RESOURCES, installed, source tree).
QString findShimDir(const QString &configured);

} // namespace funcdesk::engine
