// The local HTTP server (api/httpconnection.*, httpserver.*) and the API's route table
// (apiserver.cpp): the input is the byte stream a client sends on one connection,
// pipelined requests included. It reaches a real HttpConnection through an in-memory
// socket (no network, no event loop waits), in chunks whose size follows from the input's
// length (parsing across reads), then the real ApiServer: request guard, Lambda's routes,
// function URLs, invoke, over a FunctionCatalog on an empty scratch data dir. The engine
// is stopped before the first input, so an invocation is answered at once (no process).
// Functions an input creates are deleted after it, so every input starts from the same
// empty data dir.
// Invariants: what the server writes starts as an HTTP/1.1 response; the connection is
// gone once the client is (no leak across inputs).
#include "api/apiserver.h"
#include "api/functioncatalog.h"
#include "api/httpconnection.h"
#include "engine/engine.h"
#include "fuzzsupport.h"
#include "versioning/versionstore.h"

#include <QCoreApplication>
#include <QDir>
#include <QPointer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <cstdlib>
#include <cstring>
#include <memory>

using namespace funcdesk;
using namespace funcdesk::api;

namespace {

// A connected socket without a network: reads come from feed(), writes go to `written`.
class MemorySocket : public QTcpSocket
{
public:
    MemorySocket()
    {
        setOpenMode(QIODevice::ReadWrite);
        setSocketState(QAbstractSocket::ConnectedState);
    }
    ~MemorySocket() override { setSocketState(QAbstractSocket::UnconnectedState); }

    void feed(const QByteArray &bytes)
    {
        m_in += bytes;
        Q_EMIT readyRead();
    }
    qint64 bytesAvailable() const override { return m_in.size() + QIODevice::bytesAvailable(); }
    qint64 bytesToWrite() const override { return 0; }
    void disconnectFromHost() override { closedByServer = true; }

    QByteArray written;
    bool closedByServer = false;

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, qint64(m_in.size()));
        std::memcpy(data, m_in.constData(), size_t(n));
        m_in.remove(0, qsizetype(n));
        return n;
    }
    qint64 writeData(const char *data, qint64 size) override
    {
        written.append(data, qsizetype(size));
        return size;
    }

private:
    QByteArray m_in;
};

struct World
{
    QTemporaryDir dir{QDir::tempPath() + QStringLiteral("/funcdesk-fuzz-http-XXXXXX")};
    std::unique_ptr<engine::Engine> engine;
    std::unique_ptr<VersionStore> store;
    std::unique_ptr<FunctionCatalog> catalog;
    std::unique_ptr<ApiServer> server;
    HttpServer *http = nullptr;

    World()
    {
        engine::EngineOptions eo;
        eo.runDir = dir.filePath(QStringLiteral("run"));
        engine = std::make_unique<engine::Engine>(eo);
        engine->stop();
        store = std::make_unique<VersionStore>(DataDir{dir.path()});
        catalog = std::make_unique<FunctionCatalog>(*store, engine.get());
        ApiServerOptions options;
        options.port = 0;
        options.localToken = QStringLiteral("fuzz-token");
        options.maxRequestBytes = 64 * 1024; // small, so the fuzzer reaches the limit
        options.maxSyncPayloadBytes = 16 * 1024;
        options.maxAsyncPayloadBytes = 8 * 1024;
        options.serveOnEngineThread = false; // connections driven by hand on this thread
        server = std::make_unique<ApiServer>(catalog.get(), options);
        http = server->findChild<HttpServer *>();
        if (!http)
            fuzz::fail("ApiServer has no HttpServer child");
    }

    void removeCreatedFunctions()
    {
        const QDir functions(dir.filePath(QStringLiteral("functions")));
        const QStringList names = functions.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden);
        for (const QString &name : names) {
            catalog->forget(name);
            (void)store->deleteFunction(name);
        }
        if (!names.isEmpty())
            QDir(dir.filePath(QStringLiteral("functions"))).removeRecursively();
    }
};

World &world()
{
    // Never destroyed (Qt's globals may be gone by then); its data dir goes at exit.
    static World *w = [] {
        auto *made = new World;
        made->dir.setAutoRemove(false);
        std::atexit([] { QDir(world().dir.path()).removeRecursively(); });
        return made;
    }();
    return *w;
}

// Every response the server writes starts with a status line and ends its head; bodies
// are not walked (a HEAD answer announces a length it does not send).
void checkResponses(const QByteArray &out)
{
    if (!out.isEmpty() && !out.startsWith("HTTP/1.1 "))
        fuzz::fail("server wrote something that is not an HTTP/1.1 response", out.left(200));
    if (!out.isEmpty() && !out.contains("\r\n\r\n"))
        fuzz::fail("response head without its end", out.left(200));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    World &w = world();
    const QByteArray input = fuzz::bytes(data, size);

    auto *socket = new MemorySocket;
    auto *connection = new HttpConnection(socket, w.http);
    QPointer<HttpConnection> alive(connection);
    // Chunks: all at once for one length in three, else 1..97 bytes.
    const qsizetype chunk = size % 3 == 0 ? qsizetype(size) : qsizetype(1 + size % 97);
    for (qsizetype pos = 0; pos < input.size() && alive; pos += chunk) {
        socket->feed(input.mid(pos, chunk));
        QCoreApplication::sendPostedEvents(); // answers hop back through the AnswerInbox
    }
    QCoreApplication::sendPostedEvents();
    QCoreApplication::sendPostedEvents();
    if (alive) {
        checkResponses(socket->written);
        Q_EMIT socket->disconnected();
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    if (alive)
        fuzz::fail("connection not deleted after the client went away");
    w.removeCreatedFunctions();
    return 0;
}
