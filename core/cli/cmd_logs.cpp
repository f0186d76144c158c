// funcdesk logs NAME [--follow] [--since 10m]
//
// Reads log lines from the data dir's database with a read-only connection. SQLite in WAL
// mode lets this reader run beside a running engine (the writer), so logs needs no API.

#include "cli/cli.h"
#include "cli/commandline.h"
#include "cli/commands.h"

#include "common/datadir.h"
#include "common/invocationrecord.h"

#include <QDateTime>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>

#include "store/queries.h"
#include "store/sqlite.h"
#include "versioning/versionstore.h"

#include <algorithm>

namespace funcdesk::cli {
namespace {

// "90s", "10m", "2h", "1d" -> milliseconds; -1 when malformed.
qint64 parseSince(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^(\\d+)([smhd])$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return -1;
    const qint64 n = m.captured(1).toLongLong();
    const QChar unit = m.captured(2).at(0);
    const qint64 factor = unit == QLatin1Char('s') ? 1000 : unit == QLatin1Char('m') ? 60000
        : unit == QLatin1Char('h')                                                   ? 3600000
                                                                                     : 86400000;
    return n * factor;
}

QJsonObject lineJson(const LogLine &l)
{
    return QJsonObject{{QStringLiteral("timestamp"), QDateTime::fromMSecsSinceEpoch(l.timestampMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                       {QStringLiteral("requestId"), l.requestId},
                       {QStringLiteral("environmentId"), l.environmentId},
                       {QStringLiteral("message"), l.text}};
}

QString lineText(const LogLine &l)
{
    return QDateTime::fromMSecsSinceEpoch(l.timestampMs, Qt::UTC).toString(Qt::ISODateWithMs) + QStringLiteral("  ")
        + l.text;
}

} // namespace

int runLogs(const QStringList &args)
{
    CommandLine cl(QStringLiteral("logs"),
                   QStringLiteral("Print a function's log lines (START, handler output, END, REPORT), oldest first.\n"
                                  "With --json: an array of {timestamp, requestId, environmentId, message}\n"
                                  "(one object per line when following)."));
    cl.addPositional(QStringLiteral("name"), QStringLiteral("Function name."), QStringLiteral("NAME"));
    cl.addOption(QCommandLineOption(QStringLiteral("follow"), QStringLiteral("Keep printing new lines until interrupted.")));
    cl.addOption(QCommandLineOption(QStringLiteral("since"), QStringLiteral("How far back to start: 30s, 10m, 2h, 1d (default 10m)."),
                                    QStringLiteral("AGE"), QStringLiteral("10m")));
    cl.addOption(QCommandLineOption(QStringLiteral("limit"), QStringLiteral("At most this many lines (default 1000)."),
                                    QStringLiteral("N"), QStringLiteral("1000")));
    if (auto exit = cl.parse(args, 1, 1))
        return *exit;
    const QString name = cl.positional().at(0);
    const QString sinceText = cl.value(QStringLiteral("since"));
    static const QRegularExpression sinceRe(QStringLiteral("^\\d+[smhd]$"));
    if (!sinceRe.match(sinceText).hasMatch())
        return cl.usageError(QStringLiteral("--since takes a number and a unit (s, m, h, d), e.g. 10m"));
    bool limitOk = false;
    const int limit = cl.value(QStringLiteral("limit")).toInt(&limitOk);
    if (!limitOk || limit < 1)
        return cl.usageError(QStringLiteral("--limit takes a positive number"));

    const qint64 since = parseSince(sinceText);
    const DataDir dir = DataDir::resolve(cl.dataDir());
    if (!VersionStore(dir).exists(name))
        return reportError(makeError(errc::ResourceNotFound, QStringLiteral("Function not found: ") + name));
    const bool follow = cl.isSet(QStringLiteral("follow"));
    qint64 fromMs = QDateTime::currentMSecsSinceEpoch() - since;
    QList<LogLine> seenAtFrom; // lines at exactly fromMs already printed (the next query starts there again)
    QJsonArray collected;

    auto poll = [&]() -> Status {
        if (!QFileInfo::exists(dir.database()))
            return {};
        auto conn = store::Connection::open(dir.database(), {.readOnly = true, .create = false, .migrate = false});
        if (!conn)
            return conn.error();
        store::LogSearch search;
        search.function = name;
        search.fromMs = fromMs;
        search.limit = limit;
        auto lines = store::searchLogs(*conn, search);
        if (!lines)
            return lines.error();
        std::reverse(lines->begin(), lines->end()); // oldest first
        QList<LogLine> atNewest;
        for (const LogLine &l : *lines) {
            const bool dup = std::any_of(seenAtFrom.cbegin(), seenAtFrom.cend(), [&l](const LogLine &s) {
                return s.timestampMs == l.timestampMs && s.requestId == l.requestId && s.text == l.text;
            });
            if (dup)
                continue;
            if (cl.json()) {
                if (follow)
                    printOut(QString::fromUtf8(QJsonDocument(lineJson(l)).toJson(QJsonDocument::Compact)));
                else
                    collected.append(lineJson(l));
            } else {
                printOut(lineText(l));
            }
        }
        if (!lines->isEmpty()) {
            const qint64 newest = lines->last().timestampMs;
            if (newest != fromMs)
                seenAtFrom.clear();
            fromMs = newest;
            for (const LogLine &l : *lines) {
                if (l.timestampMs == newest)
                    seenAtFrom.append(l);
            }
        }
        return {};
    };
    if (Status st = poll(); !st)
        return reportError(st.error());
    if (!follow) {
        if (cl.json())
            printJson(collected);
        return ExitOk;
    }
    QEventLoop loop;
    int exitCode = ExitOk;
    QTimer timer;
    timer.setInterval(500);
    QObject::connect(&timer, &QTimer::timeout, &loop, [&]() {
        if (Status st = poll(); !st) {
            exitCode = reportError(st.error());
            loop.quit();
        }
    });
    timer.start();
    loop.exec(); // ends with the process (SIGINT)
    return exitCode;
}

} // namespace funcdesk::cli
