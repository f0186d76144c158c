#pragma once
// Aliases of one function: a name pointing at a version, optionally routing a weight
// (0..1) of requests to one additional version (a canary), like Lambda's RoutingConfig.
//
// Storage: a JSON document in the function's repository, <repo>/.git/funcdesk-aliases.json
// ({"aliases": [{"name", "functionVersion", "description", "additionalVersion",
// "additionalWeight", "revisionId"}]}), replaced atomically (QSaveFile) on every change.
// It lives beside the git objects so it moves and is deleted with the function, but it is
// not part of any commit: aliases are routing state, not code.
//
// Threading: plain values and free functions, any thread; the file has a single writer
// (the thread serving the function, see versionstore.h).

#include "common/result.h"

#include <QList>
#include <QString>

namespace funcdesk {

struct AliasConfig
{
    QString name;
    QString functionVersion; // a published version number ("3"), or "$LATEST"
    QString description;
    QString additionalVersion;   // empty: no weighted routing
    double additionalWeight = 0; // share of requests sent to additionalVersion, 0..1
    QString revisionId;          // changes on every update (set by the store)

    bool operator==(const AliasConfig &) const = default;
};

namespace aliases {

inline constexpr const char kFileName[] = "funcdesk-aliases.json";

// Lambda's rule: 1..128 of [A-Za-z0-9_-], not only digits, not "$LATEST".
Status validateName(const QString &alias);
// Shape only (versions' existence is checked by the store): name, weight in 0..1,
// an additional version different from the primary one, no routing from $LATEST.
Status validate(const AliasConfig &alias);

Result<QList<AliasConfig>> load(const QString &file); // missing file: no aliases
Status save(const QString &file, const QList<AliasConfig> &aliases);

// The version one request runs: additionalVersion when random01 < additionalWeight,
// else functionVersion. random01 is uniform in [0, 1), supplied by the caller.
QString pick(const AliasConfig &alias, double random01);

} // namespace aliases
} // namespace funcdesk
