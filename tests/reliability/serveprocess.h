#pragma once
// The real `funcdesk serve` as a child process on a data dir, and a small HTTP client for
// its API that sends the data dir's token (<data dir>/funcdesk.token, requestguard.h) as
// the command line does. Plus function code as the zip Lambda's API takes.
//
// Threading: the test's thread; replies are delivered by its event loop.

#include "common/datadir.h"
#include "api/requestguard.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <zip.h>

#include <functional>
#include <vector>

namespace reliability {

const QString kFuncdeskBinary = QStringLiteral(FUNCDESK_BINARY_DIR "/app/funcdesk");

class ServeProcess
{
public:
    explicit ServeProcess(QString dataDir) : m_dataDir(std::move(dataDir)) {}
    ~ServeProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(30000);
        }
    }

    // Starts serving on a free port; true once its endpoint is known.
    bool start()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *var : {"FUNCDESK_DATA_DIR", "FUNCDESK_ENDPOINT", "FUNCDESK_TOKEN"})
            env.remove(QString::fromLatin1(var));
        m_process.setProcessEnvironment(env);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(kFuncdeskBinary, {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"),
                                          QStringLiteral("--json"), QStringLiteral("--data-dir"), m_dataDir});
        if (!m_process.waitForStarted(30000))
            return false;
        QByteArray line;
        while (!line.endsWith('\n')) {
            if (!m_process.waitForReadyRead(60000))
                return false;
            line += m_process.readLine();
        }
        m_endpoint = QJsonDocument::fromJson(line).object().value(QStringLiteral("endpoint")).toString();
        m_token = funcdesk::api::readLocalToken(funcdesk::DataDir{m_dataDir});
        return m_endpoint.startsWith(QStringLiteral("http://127.0.0.1:")) && !m_token.isEmpty();
    }

    QProcess &process() { return m_process; }
    QString endpoint() const { return m_endpoint; }
    QString token() const { return m_token; }
    QByteArray standardError() { return m_process.readAllStandardError(); }

private:
    QString m_dataDir;
    QProcess m_process;
    QString m_endpoint;
    QString m_token;
};

struct Reply
{
    int status = 0;
    QByteArray body;
    QByteArray requestId; // x-amzn-RequestId
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

class ApiClient
{
public:
    ApiClient(QString endpoint, const QString &token)
        : m_endpoint(std::move(endpoint)), m_authorization(QByteArrayLiteral("Bearer ") + token.toUtf8())
    {
    }

    // Sends without waiting; `done` gets the reply unless the connection failed (e.g. the
    // server was killed before it answered).
    void send(const QByteArray &method, const QString &path, const QByteArray &body,
              const QList<QPair<QByteArray, QByteArray>> &headers, std::function<void(const Reply &)> done)
    {
        QNetworkReply *r = m_nam.sendCustomRequest(request(path, headers), method, body);
        QObject::connect(r, &QNetworkReply::finished, r, [r, done = std::move(done)] {
            r->deleteLater();
            const QVariant status = r->attribute(QNetworkRequest::HttpStatusCodeAttribute);
            if (!status.isValid())
                return; // no answer: it was not accepted
            Reply out{status.toInt(), r->readAll(), r->rawHeader("x-amzn-RequestId")};
            if (done)
                done(out);
        });
    }

    Reply call(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        QNetworkReply *r = m_nam.sendCustomRequest(request(path, headers), method, body);
        QSignalSpy finished(r, &QNetworkReply::finished);
        if (!r->isFinished())
            finished.wait(60000);
        Reply out{r->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), r->readAll(), r->rawHeader("x-amzn-RequestId")};
        r->deleteLater();
        return out;
    }

private:
    QNetworkRequest request(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers) const
    {
        QNetworkRequest req(QUrl(m_endpoint + path));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        req.setRawHeader("Authorization", m_authorization);
        for (const auto &h : headers)
            req.setRawHeader(h.first, h.second);
        return req;
    }

    QString m_endpoint;
    QByteArray m_authorization;
    QNetworkAccessManager m_nam;
};

// A zip of `files` (name -> content), base64 as Lambda's API takes it; empty on failure.
inline QByteArray zipBase64(const QMap<QString, QByteArray> &files)
{
    QTemporaryDir dir;
    const QByteArray path = QFile::encodeName(dir.filePath(QStringLiteral("code.zip")));
    int err = 0;
    zip_t *archive = zip_open(path.constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!archive)
        return {};
    std::vector<QByteArray> keep; // zip_close() reads the buffers
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        keep.push_back(it.value());
        zip_source_t *src = zip_source_buffer(archive, keep.back().constData(), zip_uint64_t(keep.back().size()), 0);
        if (!src || zip_file_add(archive, it.key().toUtf8().constData(), src, ZIP_FL_OVERWRITE) < 0) {
            zip_source_free(src);
            zip_discard(archive);
            return {};
        }
    }
    if (zip_close(archive) != 0) {
        zip_discard(archive);
        return {};
    }
    QFile f(dir.filePath(QStringLiteral("code.zip")));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll().toBase64();
}

} // namespace reliability
