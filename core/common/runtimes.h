#pragma once
// Lambda's runtime identifiers, in one table: which ones a function may name, the language
// each runs, the language version it stands for, and when Lambda deprecated it. A function
// keeps the identifier it was given (python3.13 stays python3.13 in its manifest, on the
// API and in exports) and runs on the local interpreter of that language; where that
// interpreter's version differs from the one the identifier names, the GUI and the CLI say so.
//
// Threading: free functions over constant data, any thread.

#include "common/functionconfig.h"

#include <QDate>
#include <QList>
#include <QString>

namespace funcdesk {

struct RuntimeIdentifier
{
    QString id;              // "python3.13", "nodejs22.x", "provided.al2023"
    Runtime runtime;         // the built-in runtime it runs on
    QString languageVersion; // "3.13", "22"; empty for provided
    QDate deprecated;        // Lambda's deprecation date (no new functions after it)
};

// Lambda's current list, newest first within each language.
const QList<RuntimeIdentifier> &runtimeIdentifiers();
// nullptr when `id` is not one of Lambda's identifiers.
const RuntimeIdentifier *findRuntimeIdentifier(const QString &id);
// What a function that names only the language ("python3", "nodejs", "provided") reports:
// the newest identifier of that language.
QString defaultRuntimeIdentifier(Runtime runtime);
// The identifier a function reports: the one it was given, else the language's default.
QString runtimeIdentifier(const FunctionConfig &config);

// Empty, or a warning that `id` is deprecated on Lambda (on `today`), naming the identifier
// to move to. Deprecated identifiers are accepted here.
QString runtimeDeprecationWarning(const QString &id, const QDate &today = QDate::currentDate());
// Empty when they agree (or either is unknown), else e.g. "python3.13 runs on the local
// python3 3.11". `localVersion` as engine::Interpreter reports it ("3.11", "18").
QString interpreterMismatch(const QString &id, const QString &localVersion);

} // namespace funcdesk
