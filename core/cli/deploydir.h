#pragma once
// `funcdesk deploy DIR`: the folder becomes the function's $LATEST (files missing from it
// are deleted; a folder without function.json keeps the function's manifest, or gets a
// guessed one on first deploy).
//   direct:  versioning's create() / draft replace + deploy() with the message
//   API:     CreateFunction or UpdateFunctionCode with the folder zipped (the message has
//            no place in Lambda's API and is not sent)
//
// Threading: the command's main thread.

#include "cli/apiclient.h"
#include "common/datadir.h"
#include "common/result.h"

#include <QString>

#include <functional>

namespace funcdesk::cli {

struct DeployRequest
{
    QString name;
    QString dir; // absolute
    QString message;
    // Build output lines as they come (direct deploys; through the API the server builds).
    std::function<void(const QString &function, const QString &line)> progress;
};

struct DeployOutcome
{
    bool created = false;
    bool changed = true; // false: the folder equals the deployed code
    QString commitId;    // direct deploys only
};

Result<DeployOutcome> deployDirect(const DataDir &dataDir, const DeployRequest &request);
Result<DeployOutcome> deployViaApi(const ApiClient &client, const DeployRequest &request);

} // namespace funcdesk::cli
