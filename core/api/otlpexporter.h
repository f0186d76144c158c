#pragma once
// Sends trace spans to an OpenTelemetry collector over OTLP/HTTP (JSON encoding, POST
// <endpoint>/v1/traces), so a team's tracing backend (Jaeger, Tempo, ...) shows the
// requests that went through several functions. Only spans of multi-function traces go
// (InvocationRecord::traced()), batched once a second; X-Ray's ids map to OpenTelemetry's
// as AWS's own exporters map them (the root's 32 hex digits, the 16-digit span id).
// A collector that is down costs a warning and the batch, never the engine.
//
// Threading: lives on the API thread; add() is queued there from the engine.

#include "common/invocationrecord.h"

#include <QList>
#include <QObject>
#include <QTimer>
#include <QUrl>

class QNetworkAccessManager;

namespace funcdesk::api {

class OtlpExporter : public QObject
{
    Q_OBJECT
public:
    explicit OtlpExporter(const QUrl &endpoint, QObject *parent = nullptr);
    ~OtlpExporter() override;

    // "http://host:4318" -> "http://host:4318/v1/traces"; a URL ending in /v1/traces is kept.
    static QUrl tracesUrl(const QUrl &endpoint);
    // The OTLP/JSON ExportTraceServiceRequest for `records` (each a span).
    static QByteArray encode(const QList<InvocationRecord> &records);
    // "1-5759e988-bd862e3fe1be46a994272793" -> "5759e988bd862e3fe1be46a994272793".
    static QString otelTraceId(const QString &xrayRoot);

    qint64 exported() const { return m_exported; }
    qint64 failed() const { return m_failed; }

public Q_SLOTS:
    void add(const funcdesk::InvocationRecord &record); // kept when traced()
    void flush();

private:
    QUrl m_url;
    QNetworkAccessManager *m_network;
    QTimer m_timer;
    QList<InvocationRecord> m_pending;
    qint64 m_exported = 0;
    qint64 m_failed = 0;
    static constexpr int kMaxPending = 10'000; // beyond this (a collector far behind) the oldest go
};

} // namespace funcdesk::api
