#include "reportline.h"

#include <cmath>

namespace funcdesk {

QString startLine(const QString &requestId, const QString &version)
{
    return QStringLiteral("START RequestId: ") + requestId + QStringLiteral(" Version: ") + version;
}

QString endLine(const QString &requestId)
{
    return QStringLiteral("END RequestId: ") + requestId;
}

qint64 billedMilliseconds(double durationMs)
{
    return std::max<qint64>(1, static_cast<qint64>(std::ceil(durationMs - 1e-9)));
}

QString reportLine(const InvocationRecord &r)
{
    QString line = QStringLiteral("REPORT RequestId: ") + r.requestId
        + QStringLiteral("\tDuration: ") + QString::number(r.durationMs, 'f', 2) + QStringLiteral(" ms")
        + QStringLiteral("\tBilled Duration: ") + QString::number(r.billedDurationMs) + QStringLiteral(" ms")
        + QStringLiteral("\tMemory Size: ") + QString::number(r.memorySizeMb) + QStringLiteral(" MB")
        + QStringLiteral("\tMax Memory Used: ") + QString::number(r.maxMemoryUsedMb) + QStringLiteral(" MB")
        + QLatin1Char('\t');
    if (r.initFailed) {
        line += r.status == InvocationStatus::Timeout ? QStringLiteral("Status: timeout")
                                                       : QString(QStringLiteral("Status: error\tError Type: ") + r.errorType);
        return line;
    }
    if (r.cold)
        line += QStringLiteral("Init Duration: ") + QString::number(r.initDurationMs, 'f', 2) + QStringLiteral(" ms\t");
    return line;
}

QString initReportLine(double initDurationMs, const QString &errorType, bool timedOut)
{
    const QString head = QStringLiteral("INIT_REPORT Init Duration: ") + QString::number(initDurationMs, 'f', 2) + QStringLiteral(" ms\tPhase: init\tStatus: ");
    return timedOut ? QString(head + QStringLiteral("timeout")) : QString(head + QStringLiteral("error\tError Type: ") + errorType);
}

QList<LogLine> framingLines(const InvocationRecord &record)
{
    if (record.status == InvocationStatus::Throttled || record.environmentId.isEmpty())
        return {}; // never reached a runtime: throttled, refused, or no environment could start
    InvocationRecord r = record;
    r.billedDurationMs = billedMilliseconds(r.durationMs); // as the engine's line has it
    // After a failed init the request started when the init ended (just after its
    // INIT_REPORT line) and took no time of its own.
    const qint64 started = r.startMs + (r.cold ? qint64(r.initDurationMs) : 0) + (r.initFailed ? 1 : 0);
    const qint64 ended = r.initFailed ? started : started + qint64(r.durationMs);
    return {LogLine{started, r.requestId, r.function, r.environmentId, startLine(r.requestId, r.version), true},
            LogLine{ended, r.requestId, r.function, r.environmentId, endLine(r.requestId), true},
            LogLine{ended, r.requestId, r.function, r.environmentId, reportLine(r), true}};
}

} // namespace funcdesk
