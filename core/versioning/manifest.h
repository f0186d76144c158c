#pragma once
// The manifest: function.json at the root of a function's code, the source of truth for a version.
// Parses into FunctionConfig and writes it back; validation errors name the field,
// e.g. "memorySize: must be between 128 and 10240 MB, got 64".
//
// Format (every field but runtime and handler optional, Lambda's defaults otherwise):
//   {
//     "runtime": "python3.12",                 // any id runtimeFromName() accepts
//     "handler": "lambda_function.lambda_handler",
//     "memorySize": 128, "timeout": 3,
//     "environment": { "KEY": "value" },
//     "reservedConcurrency": null, "provisionedConcurrency": 0,
//     "architecture": "x86_64", "description": "",
//     "async": { "maximumRetryAttempts": 2, "maximumEventAgeInSeconds": 21600,
//                "destinations": { "onSuccess": "", "onFailure": "dlq" } },
//     "layers": [ "arn:aws:lambda:us-east-1:000000000000:layer:shared:1" ],   // at most 5, in order
//     "triggers": { "functionUrl": false,
//                   "schedules": [ "rate(5 minutes)", { "expression": "cron(0 12 * * ? *)", "enabled": false } ] }
//   }
// Unknown top-level fields are rejected (a typo must not silently fall back to a default).
//
// Threading: pure functions, any thread.

#include "common/functionconfig.h"
#include "common/result.h"

#include <QByteArray>
#include <QString>

namespace funcdesk::manifest {

inline constexpr const char kFileName[] = "function.json";

// Errors: type "InvalidParameterValueException", every problem found, joined by "; ".
// The result's name is `functionName`; codeDir and version are left at their defaults.
Result<FunctionConfig> parse(const QByteArray &json, const QString &functionName);

// The same checks on a config built in code (e.g. from the API or the GUI).
Status validate(const FunctionConfig &config);

// Pretty-printed JSON with a trailing newline; parse(serialize(c)) gives c back.
QByteArray serialize(const FunctionConfig &config);

// A handler stays inside the function directory: relative, no ".." / "." / empty parts.
Status validateHandler(const QString &handler, Runtime runtime);

QString defaultHandler(Runtime runtime); // lambda_function.lambda_handler, index.handler, function.handler

} // namespace funcdesk::manifest
