#pragma once
// Lambda's HTTP wire format, as the AWS CLI and SDKs expect it: error responses,
// function name / qualifier parsing, and the FunctionConfiguration document.
// Pure functions and plain values; usable from any thread.

#include "common/functionconfig.h"
#include "common/result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace funcdesk::api {

// The HTTP status Lambda answers for an exception name (500 when unknown).
int statusForErrorType(const QString &type);
// "User" for 4xx, "Service" for 5xx (the body's "Type" field).
QString errorSide(int status);

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A complete HTTP answer, independent of the server that writes it.
struct WireResponse
{
    int status = 200;
    HeaderList headers;
    QByteArray body;

    void setHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(const QByteArray &name) const; // case-insensitive, first match
};

// x-amzn-ErrorType: <type>, Content-Type: application/json, {"Type":"User","Message":...}.
// status 0: the exception's own status.
WireResponse errorResponse(const QString &type, const QString &message, int status = 0);
WireResponse errorResponse(const Error &error, int status = 0);
// 429 with Lambda's "Reason" (e.g. "ReservedFunctionConcurrentInvocationLimitExceeded").
WireResponse throttleResponse(const QString &reason);
WireResponse jsonResponse(const QJsonObject &body, int status = 200);

// A FunctionName as Lambda accepts it: "name", "name:qualifier",
// "arn:aws:lambda:<region>:<account>:function:name[:qualifier]", "<account>:function:name[:qualifier]".
struct FunctionRef
{
    QString name;
    QString qualifier; // empty: none given
};
Result<FunctionRef> parseFunctionName(const QString &functionName);
// Merges a Qualifier query parameter with a qualifier inside the name; they must agree.
Result<FunctionRef> parseFunctionName(const QString &functionName, const QString &qualifierParam);
// "$LATEST", a version number, or an alias name (letters, digits, '-', '_', not all digits).
bool isValidQualifier(const QString &qualifier);
bool isVersionNumber(const QString &qualifier);
bool isValidAliasName(const QString &alias);

// What FunctionConfiguration shows beyond FunctionConfig: facts from versioning.
struct FunctionDescription
{
    FunctionConfig config; // config.version: "$LATEST" or a version number
    QString lastModified;  // Lambda's format: 2024-01-31T12:34:56.789+0000
    QString codeSha256;    // base64 of the SHA-256 of the deployment package
    qint64 codeSize = 0;
    QString revisionId; // e.g. the commit id
    QList<QPair<QString, qint64>> layers; // ARN and the layer zip's size, in order
};

QString lambdaTimestamp(qint64 msSinceEpoch); // 2024-01-31T12:34:56.789+0000
QJsonObject functionConfigurationJson(const FunctionDescription &d);
// Applies the UpdateFunctionConfiguration / CreateFunction fields present in `body` onto
// `config`, validating each (400 InvalidParameterValueException on a bad value).
Status applyConfigurationJson(const QJsonObject &body, FunctionConfig &config);

// AliasConfiguration as Lambda returns it.
struct AliasDescription
{
    QString function;
    QString name;
    QString functionVersion;
    QString description;
    QString additionalVersion;   // empty: no routing
    double additionalWeight = 0; // 0..1
    QString revisionId;
};
QJsonObject aliasConfigurationJson(const AliasDescription &a);

} // namespace funcdesk::api
