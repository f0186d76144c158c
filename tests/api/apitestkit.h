#pragma once
// Shared fixture for the API integration tests: a data dir, an engine, the catalog and an
// ApiServer on an ephemeral port, plus a small QNetworkAccessManager client.

#include "api/apiserver.h"
#include "api/functioncatalog.h"
#include "api/runtimeapichannel.h"
#include "engine/engine.h"
#include "versioning/versionstore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace apitest {

struct Reply
{
    int status = 0;
    QByteArray body;
    QList<QNetworkReply::RawHeaderPair> headers;
    QByteArray header(const QByteArray &name) const
    {
        for (const auto &h : headers) {
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString errorType() const { return QString::fromLatin1(header("x-amzn-ErrorType")); }
};

// An Authorization header shaped like the AWS SDKs' (any well-formed one passes on loopback).
inline const QByteArray kSigV4 = QByteArrayLiteral(
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/lambda/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

class Client
{
public:
    // Signs like an SDK unless `authorization` says otherwise (empty: no header at all).
    explicit Client(QString base, QByteArray authorization = kSigV4)
        : m_base(std::move(base)), m_authorization(std::move(authorization))
    {
    }
    Reply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkRequest req(QUrl(m_base + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (!m_authorization.isEmpty())
            req.setRawHeader("Authorization", m_authorization);
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        QNetworkReply *r = m_nam.sendCustomRequest(req, method, body);
        QSignalSpy done(r, &QNetworkReply::finished);
        if (!r->isFinished())
            done.wait(20000);
        Reply out;
        out.status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        out.body = r->readAll();
        out.headers = r->rawHeaderPairs();
        r->deleteLater();
        return out;
    }

private:
    QString m_base;
    QByteArray m_authorization;
    QNetworkAccessManager m_nam;
};

// A zip holding `files` (name -> content), made with python3's zipfile module.
inline QByteArray makeZip(const QMap<QString, QByteArray> &files)
{
    QTemporaryDir dir;
    QStringList args{QStringLiteral("-c"),
                     QStringLiteral("import sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w')\n"
                                    "for i in range(2,len(sys.argv),2): z.writestr(sys.argv[i], open(sys.argv[i+1],'rb').read())\nz.close()"),
                     dir.filePath(QStringLiteral("code.zip"))};
    int n = 0;
    for (auto it = files.begin(); it != files.end(); ++it) {
        const QString path = dir.filePath(QString::number(n++));
        QFile f(path);
        f.open(QIODevice::WriteOnly);
        f.write(it.value());
        f.close();
        args << it.key() << path;
    }
    QProcess p;
    p.start(QStringLiteral("python3"), args);
    p.waitForFinished(20000);
    QFile zip(dir.filePath(QStringLiteral("code.zip")));
    zip.open(QIODevice::ReadOnly);
    return zip.readAll();
}

inline const QByteArray kEchoPy = QByteArrayLiteral(
    "import json\n"
    "def handler(event, context):\n"
    "    print('echo log line')\n"
    "    if isinstance(event, dict) and event.get('fail'):\n"
    "        raise ValueError('asked to fail')\n"
    "    return {'echo': event, 'version': context.function_version}\n");

// Fixture pieces, created in order and destroyed in reverse.
struct Stack
{
    QTemporaryDir dir;
    std::unique_ptr<funcdesk::engine::Engine> engine;
    std::unique_ptr<funcdesk::VersionStore> store;
    std::unique_ptr<funcdesk::api::FunctionCatalog> catalog;
    std::unique_ptr<funcdesk::api::ApiServer> server;
    std::unique_ptr<Client> client;
    bool sandbox = false; // set before start(): environments in bubblewrap (engine/sandbox.h)

    bool start(funcdesk::api::ApiServerOptions options = {})
    {
        funcdesk::engine::EngineOptions eo;
        eo.runDir = dir.filePath(QStringLiteral("run"));
        eo.sandbox = sandbox;
        engine = std::make_unique<funcdesk::engine::Engine>(eo);
        engine->setProvidedChannelFactory(funcdesk::api::runtimeApiChannelFactory());
        store = std::make_unique<funcdesk::VersionStore>(funcdesk::DataDir{dir.path()});
        catalog = std::make_unique<funcdesk::api::FunctionCatalog>(*store, engine.get());
        options.port = 0;
        server = std::make_unique<funcdesk::api::ApiServer>(catalog.get(), options);
        if (!server->start().ok())
            return false;
        client = std::make_unique<Client>(server->baseUrl());
        return true;
    }
    // A python3 function made directly in the store (fast path for tests).
    bool addPython(const QString &name, const QByteArray &manifestExtra = {})
    {
        funcdesk::SourceFiles files;
        files.insert(QStringLiteral("app.py"), funcdesk::SourceFile(kEchoPy));
        files.insert(QStringLiteral("function.json"),
                     funcdesk::SourceFile(QByteArrayLiteral("{\"runtime\":\"python3.12\",\"handler\":\"app.handler\"")
                                          + manifestExtra + QByteArrayLiteral("}")));
        if (!store->create(name, funcdesk::Runtime::Python3, files).ok())
            return false;
        const auto s = catalog->refresh(name);
        if (!s.ok())
            qWarning() << s.error().toString();
        return s.ok();
    }
    ~Stack()
    {
        client.reset();
        server.reset();
        catalog.reset();
        if (engine)
            engine->stop();
        engine.reset();
    }
};

} // namespace apitest
