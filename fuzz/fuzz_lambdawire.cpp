// Lambda's wire format (api/lambdawire.h), fed as the API hands it over:
//   line 1: a FunctionName (path segment or CreateFunction's "FunctionName")
//   line 2: a Qualifier query parameter
//   rest:   a JSON body for UpdateFunctionConfiguration / CreateFunction
// Invariants: error responses are JSON with the type in x-amzn-ErrorType; a parsed name is
// a valid function name with a valid qualifier; a configuration the body produced and
// the manifest accepts survives the manifest round trip.
#include "api/lambdawire.h"
#include "common/ids.h"
#include "fuzzsupport.h"
#include "versioning/manifest.h"

#include <QJsonDocument>

#include <algorithm>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

void checkErrorResponse(const WireResponse &r, const QString &type)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        fuzz::fail("error response body is not a JSON object", r.body);
    // Types are the engine's own names (ASCII); only those must come back verbatim.
    const bool ascii = std::all_of(type.cbegin(), type.cend(), [](QChar c) { return c.unicode() < 0x80; });
    if (ascii && r.header(QByteArrayLiteral("x-amzn-ErrorType")) != type.toLatin1())
        fuzz::fail("error response names another type", r.header(QByteArrayLiteral("x-amzn-ErrorType")));
    if (r.status < 400 || r.status > 599)
        fuzz::fail("error response with a non-error status", QByteArray::number(r.status));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QByteArray input = fuzz::bytes(data, size);
    const qsizetype nl1 = input.indexOf('\n');
    const qsizetype nl2 = nl1 < 0 ? -1 : input.indexOf('\n', nl1 + 1);
    const QString name = QString::fromUtf8(nl1 < 0 ? input : input.left(nl1));
    const QString qualifier = nl1 < 0 ? QString() : QString::fromUtf8(nl2 < 0 ? input.mid(nl1 + 1) : input.mid(nl1 + 1, nl2 - nl1 - 1));
    const QByteArray body = nl2 < 0 ? QByteArray() : input.mid(nl2 + 1);

    for (const Result<FunctionRef> &ref : {parseFunctionName(name), parseFunctionName(name, qualifier)}) {
        if (!ref.ok()) {
            checkErrorResponse(errorResponse(ref.error()), ref.error().type);
            continue;
        }
        if (!isValidFunctionName(ref->name))
            fuzz::fail("parseFunctionName accepted an invalid function name", ref->name.toUtf8());
        if (!ref->qualifier.isEmpty() && !isValidQualifier(ref->qualifier))
            fuzz::fail("parseFunctionName accepted an invalid qualifier", ref->qualifier.toUtf8());
    }
    (void)isValidAliasName(qualifier);
    (void)isVersionNumber(qualifier);
    checkErrorResponse(errorResponse(name, qualifier), name);
    (void)statusForErrorType(name);

    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject())
        return 0;
    FunctionConfig config;
    config.name = QStringLiteral("fuzzed");
    config.runtime = Runtime::Python3;
    config.handler = manifest::defaultHandler(config.runtime);
    const Status applied = applyConfigurationJson(doc.object(), config);
    if (!applied.ok()) {
        checkErrorResponse(errorResponse(applied.error()), applied.error().type);
        return 0;
    }
    FunctionDescription d;
    d.config = config;
    d.config.version = QStringLiteral("$LATEST");
    (void)QJsonDocument(functionConfigurationJson(d)).toJson();
    if (!manifest::validate(config).ok())
        return 0; // the API refuses it when writing the draft (VersionStore::setDraftConfig)
    const QByteArray once = manifest::serialize(config);
    const Result<FunctionConfig> again = manifest::parse(once, config.name);
    if (!again.ok())
        fuzz::fail("a validated configuration does not parse back", once + '\n' + again.error().toString().toUtf8());
    if (manifest::serialize(*again) != once)
        fuzz::fail("configuration changed in the manifest round trip", once);
    return 0;
}
