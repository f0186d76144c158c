// Function URLs (api/functionurl.h): an HTTP request under /url/ becomes a payload format
// 2.0 event, and a handler's result becomes the HTTP response. Input, as a request after
// the HTTP parser:
//   <METHOD> <path>[?<query>]\n  <Header>: <value>\n ...  \n  <body>
// optionally followed by "\n@@result@@\n" and what the handler returned.
// Invariants: the event is a JSON object whose rawPath starts with '/'; the response's
// status is 100..599 and no header name or value can split the HTTP response (CR, LF, NUL),
// and header names are not empty.
#include "api/functionurl.h"
#include "api/httpserver.h"
#include "fuzzsupport.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

HttpRequest parseRequest(const QByteArray &text)
{
    HttpRequest r;
    r.peerAddress = QByteArrayLiteral("127.0.0.1");
    const qsizetype headEnd = text.indexOf("\n\n");
    const QByteArray head = headEnd < 0 ? text : text.left(headEnd);
    r.body = headEnd < 0 ? QByteArray() : text.mid(headEnd + 2);
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> first = lines.value(0).split(' ');
    r.method = first.value(0);
    const QByteArray target = first.value(1);
    const qsizetype q = target.indexOf('?');
    r.path = q < 0 ? target : target.left(q);
    r.query = q < 0 ? QByteArray() : target.mid(q + 1);
    if (first.size() > 2)
        r.protocol = first.value(2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon < 0)
            r.headers.append({lines[i], QByteArray()});
        else
            r.headers.append({lines[i].left(colon), lines[i].mid(colon + 1).trimmed()});
    }
    return r;
}

bool splitsResponse(const QByteArray &s)
{
    return s.contains('\r') || s.contains('\n') || s.contains('\0');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QByteArray input = fuzz::bytes(data, size);
    const QByteArray marker = QByteArrayLiteral("\n@@result@@\n");
    const qsizetype m = input.indexOf(marker);
    const HttpRequest request = parseRequest(m < 0 ? input : input.left(m));
    const QByteArray result = m < 0 ? QByteArray() : input.mid(m + marker.size());

    const FunctionUrlTarget target = parseFunctionUrlPath(request.path, [](const QString &, const QString &segment) {
        return segment == QLatin1String("live") || segment == QLatin1String("v1");
    });
    if (!target.function.isEmpty()) {
        if (!target.rawPath.startsWith('/'))
            fuzz::fail("function URL path does not start with '/'", target.rawPath);
        const QByteArray event = functionUrlEvent(request, target, FunctionUrlContext{QStringLiteral("req-1"), 1700000000000, QString()});
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(event, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            fuzz::fail("function URL event is not a JSON object", event);
    }
    (void)isTextContentType(request.header("content-type"));

    for (const bool functionError : {false, true}) {
        const WireResponse r = functionUrlResponse(result, functionError);
        if (r.status < 100 || r.status > 599)
            fuzz::fail("function URL response status out of range", QByteArray::number(r.status));
        for (const auto &h : r.headers) {
            if (h.first.isEmpty() || splitsResponse(h.first) || splitsResponse(h.second))
                fuzz::fail("function URL response header would split the HTTP response", h.first + ": " + h.second);
        }
        (void)serializeResponse(r, true);
    }
    return 0;
}
