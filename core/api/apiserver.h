#pragma once
// The local HTTP server: Lambda's API (so the AWS CLI and SDKs work with --endpoint-url),
// function URLs under /url/<function>[/<alias>]/<path>, on 127.0.0.1:9001 by default.
//
//   POST   /2015-03-31/functions/{name}/invocations        Invoke (RequestResponse | Event | DryRun, LogType Tail)
//   GET    /2015-03-31/functions                           ListFunctions (Marker, MaxItems)
//   POST   /2015-03-31/functions                           CreateFunction (Code.ZipFile base64)
//   GET    /2015-03-31/functions/{name}                    GetFunction (Qualifier)
//   DELETE /2015-03-31/functions/{name}                    DeleteFunction (Qualifier: that version only)
//   GET    /2015-03-31/functions/{name}/configuration      GetFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/configuration      UpdateFunctionConfiguration
//   PUT    /2015-03-31/functions/{name}/code               UpdateFunctionCode (ZipFile, Publish)
//   POST   /2015-03-31/functions/{name}/versions           PublishVersion
//   GET    /2015-03-31/functions/{name}/versions           ListVersionsByFunction
//   POST   /2015-03-31/functions/{name}/aliases            CreateAlias;  GET: ListAliases
//   GET|PUT|DELETE /2015-03-31/functions/{name}/aliases/{alias}
//   PUT|DELETE /2017-10-31/functions/{name}/concurrency    Put/DeleteFunctionConcurrency
//   GET    /2019-09-30/functions/{name}/concurrency        GetFunctionConcurrency
//   PUT|GET /2019-09-25/functions/{name}/event-invoke-config
//   POST|GET|PUT|DELETE /2021-10-31/functions/{name}/url  Create/Get/Update/DeleteFunctionUrlConfig
//
// Binding to anything but loopback requires a token (Authorization: Bearer <token>).
//
// Threading: lives on one thread (the API thread) together with its FunctionCatalog;
// management calls run there (git/disk I/O, never the GUI thread). Its HTTP server lives on
// the engine's thread: a synchronous Invoke (RequestResponse) is checked, resolved
// (FunctionCatalog::resolve is thread-safe) and started there, and its answer written to
// the socket there, so the hot path crosses no thread. Every other request hops to the API
// thread, where it is routed as before; its answer hops back (HttpResponder).

#include "api/httpserver.h"
#include "api/requestguard.h"
#include "common/invocationrecord.h"
#include "common/result.h"
#include "engine/engine.h"

#include <QHash>
#include <QJsonObject>
#include <QStringList>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace funcdesk {
struct LayerVersionInfo;
}

namespace funcdesk::api {

class AnswerInbox;
class FunctionCatalog;

struct ApiServerOptions
{
    QString address = QStringLiteral("127.0.0.1");
    quint16 port = 9001;                          // 0: any free port (tests)
    QString token;                                // required when address is not loopback; then required for every request
    QString localToken;                           // the data dir's token (the CLI sends it); see requestguard.h
    bool requireLocalCredentials = false;         // signatures must verify against the data dir's credentials
    QStringList allowedOrigins;                   // web origins allowed to call Lambda's API (none by default)
    qint64 maxSyncPayloadBytes = 6 * 1024 * 1024; // Lambda: 6 MB
    qint64 maxAsyncPayloadBytes = 1024 * 1024;    // Lambda's async payload limit
    qint64 maxRequestBytes = 70 * 1024 * 1024;    // CreateFunction with a 50 MB zip in base64
    // The HTTP server on the engine's thread (see Threading above). Off: it stays on the
    // ApiServer's own thread as its child (a harness that drives connections by hand on
    // one thread, as fuzz_http does); invocations then take the queued path.
    bool serveOnEngineThread = true;
};

// An Event invocation to persist before 202 is answered.
struct AsyncInvocation
{
    QString requestId;
    QString function;
    QString qualifier; // as the caller gave it (resolved when dispatched)
    QByteArray payload;
    TriggerKind trigger = TriggerKind::Async; // what the invocation records say started it (Schedule for schedules)
    QByteArray traceHeader;                   // X-Amzn-Trace-Id the call came with
};
using AsyncSink = std::function<Status(const AsyncInvocation &)>;

// Where GetFunction's Code.Location points: <prefix><function>/<version>.zip?Expires=&Signature=
inline constexpr const char *kCodeDownloadPrefix = "/funcdesk/code/";

bool isLoopbackAddress(const QString &address);
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

class ApiServer : public QObject
{
    Q_OBJECT
public:
    explicit ApiServer(FunctionCatalog *catalog, ApiServerOptions options = {}, QObject *parent = nullptr);
    ~ApiServer() override;

    // Validates the token rule, then listens. Errors: "InsecureBind", "ListenError".
    Status start();
    void stop();
    quint16 port() const;
    QString baseUrl() const; // http://127.0.0.1:<port>

    // Where Event invocations go (the store's async_events). Without one they run at once,
    // not persisted.
    void setAsyncSink(AsyncSink sink);
    // Other AWS APIs on this port (SQS, event source mappings), asked after the Host, token
    // and credential checks; it returns true when it took (and answers) the request.
    using ExtraRoute = std::function<bool(const HttpRequest &, HttpResponder &)>;
    void setExtraRoute(ExtraRoute route) { m_extraRoute = std::move(route); }
    // Whether synchronous invocations are served on the HTTP server's thread (the default).
    // While off, every request is routed on this thread, in turn behind what was queued
    // there first: the Service turns it off until its catalog is loaded, so an invocation
    // that arrives meanwhile finds its function. Any thread.
    void setDirectInvocations(bool enabled) { m_direct.store(enabled, std::memory_order_release); }

Q_SIGNALS:
    // A function was created, changed (code, configuration, versions, aliases) or deleted.
    void functionChanged(const QString &name);
    // A layer version was published or deleted.
    void layersChanged();

private:
    // On the HTTP server's thread: serves a synchronous invocation there, hands everything
    // else to this object's thread (see the constructor).
    void receive(HttpRequest &&request, HttpResponder responder);
    template<typename F>
    void onServerThread(F &&f) const; // runs f there and waits (at once when already there)
    void route(HttpRequest &&request, HttpResponder responder);
    void invoke(const HttpRequest &request, const QString &functionName, HttpResponder responder);
    void functionUrl(const HttpRequest &request, HttpResponder responder);
    // Streamed responses (apiserver_stream.cpp): InvokeWithResponseStream, and function
    // URLs in RESPONSE_STREAM invoke mode.
    void invokeWithResponseStream(const HttpRequest &request, const QString &functionName, HttpResponder responder);
    void streamFunctionUrl(engine::InvokeRequest request, HttpResponder responder);
    WireResponse manage(const HttpRequest &request, const QList<QString> &segments);

    // Management operations (apiserver_functions.cpp).
    WireResponse listFunctions(const HttpRequest &request);
    WireResponse createFunction(const HttpRequest &request);
    WireResponse getFunction(const HttpRequest &request, const QString &name, bool configurationOnly);
    WireResponse deleteFunction(const HttpRequest &request, const QString &name);
    WireResponse deleteVersion(const QString &name, const QString &qualifier);
    WireResponse updateConfiguration(const HttpRequest &request, const QString &name);
    WireResponse updateCode(const HttpRequest &request, const QString &name);
    WireResponse publishVersion(const HttpRequest &request, const QString &name);
    WireResponse listVersions(const HttpRequest &request, const QString &name);
    WireResponse createAlias(const HttpRequest &request, const QString &name);
    WireResponse listAliases(const QString &name);
    WireResponse aliasOperation(const HttpRequest &request, const QString &name, const QString &alias);
    WireResponse putConcurrency(const HttpRequest &request, const QString &name, bool remove);
    WireResponse getConcurrency(const QString &name);
    WireResponse eventInvokeConfig(const HttpRequest &request, const QString &name);
    WireResponse functionUrlConfig(const HttpRequest &request, const QString &name);

    // Layers (apiserver_layers.cpp).
    WireResponse publishLayerVersion(const HttpRequest &request, const QString &name);
    WireResponse listLayers(const HttpRequest &request);
    WireResponse listLayerVersions(const HttpRequest &request, const QString &name);
    WireResponse layerVersionOperation(const HttpRequest &request, const QString &name, const QString &number);
    WireResponse layerVersionContent(const QString &name, const QString &number);
    WireResponse getLayerVersionByArn(const QString &arn);
    QJsonObject layerVersionJson(const LayerVersionInfo &v) const;
    // Layers a configuration newly names must exist and not be deleted; at most 5.
    Status checkNewLayers(const QStringList &before, const QStringList &after) const;
    // GetFunction's Code.Location: a signed URL, and the zip it serves (apiserver_code.cpp).
    static bool isCodeDownload(const HttpRequest &request);
    QString codeLocation(const HttpRequest &request, const QString &function, const QString &version);
    WireResponse codeDownload(const HttpRequest &request);

    // Helpers.
    Result<QString> existingFunction(const QString &functionNameParam); // name (no qualifier) or error
    QJsonObject describe(const QString &name, const QString &version);
    Status changeDraftConfig(const QString &name, const std::function<Status(FunctionConfig &)> &edit,
                             const QString &message);

    FunctionCatalog *m_catalog;
    ApiServerOptions m_options;
    GuardOptions m_guard;
    // Lives on the engine's thread (Engine::engineThread()) and is destroyed there; a
    // child on this thread without serveOnEngineThread.
    HttpServer *m_server = nullptr;
    QHostAddress m_address; // where it listens, once start() succeeded
    std::atomic<bool> m_direct{true};
    quint16 m_port = 0;
    AsyncSink m_asyncSink;
    ExtraRoute m_extraRoute;
    struct CodeFacts
    {
        QString sha256;
        qint64 size = 0;
    };
    QHash<QString, CodeFacts> m_codeFacts; // by code dir (exports are immutable)
    std::shared_ptr<AnswerInbox> m_inbox;  // streamed answers -> this thread, batched
    QByteArray m_codeUrlKey;               // signs Code.Location URLs; made on first use
};

} // namespace funcdesk::api
