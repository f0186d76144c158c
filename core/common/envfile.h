#pragma once
// Environment variables from a file, for the Configuration page's import: a `.env` file
// (KEY=VALUE lines as dotenv tools write them) or a SAM `env.json` (`sam local invoke
// --env-vars`: {"Parameters": {...}, "<LogicalId>": {...}}).
//
// .env: blank lines and lines starting with # are skipped; an optional `export ` prefix;
// values unquoted (trimmed, a " #" starts a comment), 'single-quoted' (literal) or
// "double-quoted" (\n \r \t \" \\ escapes, may span lines). Keys are [A-Za-z_][A-Za-z0-9_]*.
// env.json: "Parameters" applies to every function, then the object named after the
// function (its name, or SAM's logical id for it: "my-fn" -> "MyFnFunction", also
// without the "Function" suffix) overrides it. Values that are numbers or booleans are
// taken as their text, as SAM does.
//
// Threading: pure functions, any thread.

#include "common/result.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace funcdesk {

Result<QMap<QString, QString>> parseDotEnv(const QByteArray &text);
Result<QMap<QString, QString>> parseSamEnvJson(const QByteArray &json, const QString &functionName);
// By the file name: *.json is a SAM env.json, anything else a .env file.
Result<QMap<QString, QString>> parseEnvironmentFile(const QString &fileName, const QByteArray &content,
                                                    const QString &functionName);

} // namespace funcdesk
