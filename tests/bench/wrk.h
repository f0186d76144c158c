#pragma once
// wrk, the HTTP load generator, as the benches drive it: a POST of "{}" through a Lua
// script, optionally paced by wrk's per-request delay(). The process runs on its own;
// the caller either waits (a bench thread) or keeps its event loop turning (the GUI
// benches) and reads the figures when it finishes.

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTextStream>

namespace funcdesk::bench {

// An Authorization header shaped like the AWS SDKs' signature: what Lambda's API on a
// loopback server takes from a client (api/requestguard.h).
inline const QByteArray kSigV4 = QByteArrayLiteral(
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261206/us-east-1/lambda/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");

struct WrkOptions
{
    QString url;
    int connections = 16;
    int threads = 2;
    int seconds = 10;
    int delayMs = 0;                                                                           // > 0: each connection waits this long between requests (pacing)
    QString extraHeaderLine = QStringLiteral("Authorization: ") + QString::fromLatin1(kSigV4); // empty for none
};

struct WrkFigures
{
    bool ok = false;
    double requestsPerSecond = 0;
    double non2xx = 0;
};

// Starts wrk in `proc`; false when wrk is not installed. `scriptDir` receives the script.
inline bool startWrk(QProcess &proc, const QString &scriptDir, const WrkOptions &o)
{
    const QString wrk = QStandardPaths::findExecutable(QStringLiteral("wrk"));
    if (wrk.isEmpty())
        return false;
    const QString script = scriptDir + QStringLiteral("/post.lua");
    QFile lua(script);
    if (!lua.open(QIODevice::WriteOnly))
        return false;
    lua.write("wrk.method = \"POST\"\nwrk.body = \"{}\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n");
    if (!o.extraHeaderLine.isEmpty()) {
        const qsizetype colon = o.extraHeaderLine.indexOf(QLatin1Char(':'));
        lua.write("wrk.headers[\"" + o.extraHeaderLine.left(colon).trimmed().toUtf8() + "\"] = \""
                  + o.extraHeaderLine.mid(colon + 1).trimmed().toUtf8() + "\"\n");
    }
    if (o.delayMs > 0)
        lua.write("function delay() return " + QByteArray::number(o.delayMs) + " end\n");
    lua.close();
    proc.start(wrk, {QStringLiteral("-t%1").arg(o.threads), QStringLiteral("-c%1").arg(o.connections), QStringLiteral("-d%1s").arg(o.seconds), QStringLiteral("-s"), script, o.url});
    return proc.waitForStarted(5000);
}

// Reads what a finished wrk printed.
inline WrkFigures wrkFigures(QProcess &proc)
{
    const QString out = QString::fromUtf8(proc.readAllStandardOutput());
    const QRegularExpressionMatch rps = QRegularExpression(QStringLiteral("Requests/sec:\\s+([0-9.]+)")).match(out);
    const QRegularExpressionMatch non2xx =
        QRegularExpression(QStringLiteral("Non-2xx or 3xx responses:\\s+([0-9]+)")).match(out);
    WrkFigures f;
    if (!rps.hasMatch()) {
        QTextStream(stderr) << "bench: wrk said: " << out << proc.readAllStandardError() << Qt::endl;
        return f;
    }
    f.ok = true;
    f.requestsPerSecond = rps.captured(1).toDouble();
    f.non2xx = non2xx.hasMatch() ? non2xx.captured(1).toDouble() : 0;
    return f;
}

} // namespace funcdesk::bench
