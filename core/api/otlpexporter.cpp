#include "api/otlpexporter.h"

#include "common/ids.h"
#include "common/logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace funcdesk::api {

namespace {

QJsonObject attribute(const QString &key, const QJsonValue &value)
{
    QJsonObject v;
    if (value.isBool())
        v.insert(QStringLiteral("boolValue"), value);
    else if (value.isDouble())
        v.insert(QStringLiteral("doubleValue"), value);
    else
        v.insert(QStringLiteral("stringValue"), value);
    return {{QStringLiteral("key"), key}, {QStringLiteral("value"), v}};
}

QString nanos(double ms)
{
    return QString::number(qint64(ms * 1000.0) * 1000); // µs precision, as the records keep it
}

} // namespace

OtlpExporter::OtlpExporter(const QUrl &endpoint, QObject *parent)
    : QObject(parent), m_url(tracesUrl(endpoint)), m_network(new QNetworkAccessManager(this))
{
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &OtlpExporter::flush);
}

OtlpExporter::~OtlpExporter() = default;

QUrl OtlpExporter::tracesUrl(const QUrl &endpoint)
{
    QUrl url = endpoint;
    if (!url.path().endsWith(QLatin1String("/v1/traces"))) {
        QString path = url.path();
        while (path.endsWith(QLatin1Char('/')))
            path.chop(1);
        url.setPath(path + QStringLiteral("/v1/traces"));
    }
    return url;
}

QString OtlpExporter::otelTraceId(const QString &xrayRoot)
{
    // "1-" + 8 hex of time + "-" + 24 hex.
    if (xrayRoot.size() == 35 && xrayRoot.startsWith(QLatin1String("1-")))
        return xrayRoot.mid(2, 8) + xrayRoot.mid(11);
    return {};
}

QByteArray OtlpExporter::encode(const QList<InvocationRecord> &records)
{
    QJsonArray spans;
    for (const InvocationRecord &r : records) {
        const QString traceId = otelTraceId(r.traceId);
        if (traceId.isEmpty() || r.spanId.size() != 16)
            continue;
        QJsonObject span{
            {QStringLiteral("traceId"), traceId},
            {QStringLiteral("spanId"), r.spanId},
            {QStringLiteral("name"), r.function},
            {QStringLiteral("kind"), 2}, // SPAN_KIND_SERVER: an invocation serves a request
            {QStringLiteral("startTimeUnixNano"), nanos(double(r.startMs))},
            {QStringLiteral("endTimeUnixNano"), nanos(double(r.startMs) + r.initDurationMs + r.durationMs)},
        };
        if (!r.parentSpanId.isEmpty())
            span.insert(QStringLiteral("parentSpanId"), r.parentSpanId);
        QJsonArray attributes{
            attribute(QStringLiteral("faas.name"), r.function),
            attribute(QStringLiteral("faas.version"), r.version),
            attribute(QStringLiteral("faas.invocation_id"), r.requestId),
            attribute(QStringLiteral("faas.trigger"), triggerName(r.trigger)),
            attribute(QStringLiteral("faas.coldstart"), r.cold),
            attribute(QStringLiteral("faas.max_memory"), double(qint64(r.memorySizeMb) * 1024 * 1024)),
            attribute(QStringLiteral("aws.lambda.invoked_arn"), functionArn(r.function, r.alias.isEmpty() ? QString() : r.alias)),
            attribute(QStringLiteral("funcdesk.duration_ms"), r.durationMs),
            attribute(QStringLiteral("funcdesk.billed_duration_ms"), double(r.billedDurationMs)),
            attribute(QStringLiteral("funcdesk.max_memory_used_mb"), double(r.maxMemoryUsedMb)),
        };
        if (r.cold)
            attributes.append(attribute(QStringLiteral("funcdesk.init_duration_ms"), r.initDurationMs));
        span.insert(QStringLiteral("attributes"), attributes);
        if (r.status != InvocationStatus::Success) {
            const QString message = r.errorMessage.isEmpty() ? r.errorType : r.errorType + QStringLiteral(": ") + r.errorMessage;
            span.insert(QStringLiteral("status"), QJsonObject{{QStringLiteral("code"), 2}, // STATUS_CODE_ERROR
                                                              {QStringLiteral("message"), message}});
        }
        spans.append(span);
    }
    const QJsonObject resource{{QStringLiteral("attributes"),
                                QJsonArray{attribute(QStringLiteral("service.name"), QStringLiteral("funcdesk")),
                                           attribute(QStringLiteral("cloud.provider"), QStringLiteral("funcdesk")),
                                           attribute(QStringLiteral("cloud.region"), QLatin1String(kRegion))}}};
    const QJsonObject scopeSpans{{QStringLiteral("scope"), QJsonObject{{QStringLiteral("name"), QStringLiteral("funcdesk")}}},
                                 {QStringLiteral("spans"), spans}};
    const QJsonObject request{{QStringLiteral("resourceSpans"),
                               QJsonArray{QJsonObject{{QStringLiteral("resource"), resource},
                                                      {QStringLiteral("scopeSpans"), QJsonArray{scopeSpans}}}}}};
    return QJsonDocument(request).toJson(QJsonDocument::Compact);
}

void OtlpExporter::add(const InvocationRecord &record)
{
    if (!record.traced())
        return;
    if (m_pending.size() >= kMaxPending) {
        m_pending.removeFirst();
        ++m_failed;
    }
    m_pending.append(record);
    if (!m_timer.isActive())
        m_timer.start();
}

void OtlpExporter::flush()
{
    if (m_pending.isEmpty()) {
        m_timer.stop();
        return;
    }
    const QList<InvocationRecord> batch = std::exchange(m_pending, {});
    QNetworkRequest request(m_url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(10000);
    QNetworkReply *reply = m_network->post(request, encode(batch));
    const qint64 n = batch.size();
    connect(reply, &QNetworkReply::finished, this, [this, reply, n] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() == QNetworkReply::NoError && status >= 200 && status < 300) {
            m_exported += n;
            return;
        }
        m_failed += n;
        qCWarning(lcApi) << "OTLP export to" << m_url.toString() << "failed:" << status << reply->errorString();
    });
}

} // namespace funcdesk::api
