#pragma once
// Who may talk to the local servers, decided for every request before it is routed.
// Funcdesk runs code: a request that creates a function and one that invokes it are
// enough to run anything as the user. A web page the user has open must not be able to
// send those, nor read answers through DNS rebinding. So:
//   - Host: only a loopback name or address ("localhost", 127.0.0.0/8, ::1), or the
//     address the server was told to bind (when that is not a wildcard). A rebinding
//     page's requests carry its own host name and are refused.
//   - Origin: browsers add it to cross-origin requests, simple ones included; a request
//     with an Origin is refused unless that origin is allowed (none by default).
//   - Credentials, for Lambda's API (management and Invoke): an AWS Signature Version 4
//     Authorization header (the AWS SDKs and CLI always sign; any well-formed signature is
//     accepted on a loopback server unless the data dir's own credentials are required,
//     then it must verify against them), or Funcdesk's token as "Bearer <token>" (the CLI
//     reads the data dir's token file). A browser cannot add either to a request without
//     a CORS preflight, which carries an Origin and is refused. Signatures in the query
//     string are not accepted: a page can put those in a link.
// Function URLs need no credentials (Lambda's AuthType NONE) and get the Host check; the
// per-environment Runtime API gets the Host and Origin checks (runtime clients never sign).
//
// Plain functions over a parsed request: call them on any thread.

#include "api/httpmessage.h"
#include "common/datadir.h"
#include "common/result.h"

#include <QString>
#include <QStringList>

namespace funcdesk::api {

struct GuardOptions
{
    QString bindAddress = QStringLiteral("127.0.0.1"); // as the server was told to listen
    QStringList tokens;                                // accepted as "Bearer <token>" (empty ones ignored)
    QStringList allowedOrigins;                        // exact origins, e.g. "http://localhost:3000"
    bool acceptAnySignature = true;                    // a well-formed SigV4 header is enough (loopback only)
    // Non-empty: a signature must verify against this secret (the data dir's own
    // credentials, localCredentials()); a well-formed one is not enough.
    QString requiredSecret;
};

// The data dir's own AWS-style credentials: access key id kLocalAccessKeyId and the
// data dir's token as the secret. Functions get them (AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY); an SDK configured with them signs requests the engine accepts
// when signatures are required.
inline constexpr QLatin1String kLocalAccessKeyId{"FUNCDESKLOCAL"};

// Verifies an AWS Signature Version 4 Authorization header against `secret`, as AWS does
// for services other than S3: the canonical request (method, the path URI-encoded once
// more, sorted query, the signed headers, the payload's SHA-256 or x-amz-content-sha256),
// the string to sign, the derived key. A request dated more than 15 minutes from
// `nowMs` is refused (0: not checked). Errors say which part does not match.
Status verifySigV4(const HttpRequest &request, const QString &secret, qint64 nowMs);

// Each returns an error (errc::AccessDenied or errc::Unrecognized, with a message saying
// what was refused and why) or success.
Status checkHost(const HttpRequest &request, const GuardOptions &options);
Status checkOrigin(const HttpRequest &request, const GuardOptions &options);
Status checkCredentials(const HttpRequest &request, const GuardOptions &options);

// "AWS4-HMAC-SHA256 Credential=AKID/20261206/us-east-1/lambda/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=<64 hex>"
bool isWellFormedSigV4(const QByteArray &authorization);

// The data dir's token: <data dir>/funcdesk.token, owner-only (0600), made once with 32
// random bytes. The engine accepts it; the command line sends it.
QString localTokenPath(const DataDir &dir);
Result<QString> readOrCreateLocalToken(const DataDir &dir);
QString readLocalToken(const DataDir &dir); // empty when there is none

} // namespace funcdesk::api
