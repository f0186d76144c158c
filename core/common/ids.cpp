#include "ids.h"

#include <algorithm>

#include <QDateTime>
#include <QRegularExpression>
#include <QUuid>

#include <QRandomGenerator>

#include <atomic>
#include <random>

namespace funcdesk {

QString newRequestId()
{
    thread_local std::mt19937_64 random = [] {
        std::seed_seq seed{QRandomGenerator::system()->generate(), QRandomGenerator::system()->generate(),
                           QRandomGenerator::system()->generate(), QRandomGenerator::system()->generate()};
        return std::mt19937_64(seed);
    }();
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch());
    const quint64 a = random();
    const quint64 b = random();
    const quint64 hi = (ms << 16) | 0x7000 | (a & 0x0fff); // time, version 7, rand_a
    const quint64 lo = 0x8000000000000000ULL | (b >> 2);   // variant 10, rand_b
    char out[36];
    static constexpr char hex[] = "0123456789abcdef";
    int p = 0;
    for (int i = 0; i < 32; ++i) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[p++] = '-';
        const quint64 word = i < 16 ? hi : lo;
        out[p++] = hex[(word >> (60 - 4 * (i % 16))) & 0xf];
    }
    return QString::fromLatin1(out, 36);
}

QString newEnvironmentId()
{
    static std::atomic<quint32> counter{0};
    const quint32 n = ++counter;
    // A random prefix keeps ids unique across runs too (log streams are persisted).
    static const QString prefix = QUuid::createUuid().toString(QUuid::Id128).left(8);
    return prefix + QString::number(n, 16).rightJustified(4, QLatin1Char('0'));
}

bool isValidFunctionName(const QString &name)
{
    // [A-Za-z0-9_-]{1,64}, checked on every invocation: by hand, not by a regex match.
    if (name.isEmpty() || name.size() > 64)
        return false;
    return std::all_of(name.cbegin(), name.cend(), [](QChar c) {
        const char16_t u = c.unicode();
        return (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9') || u == u'_' || u == u'-';
    });
}

QString functionArn(const QString &name, const QString &qualifier)
{
    QString arn = QStringLiteral("arn:aws:lambda:") + QLatin1String(kRegion) + QLatin1Char(':')
        + QLatin1String(kAccountId) + QStringLiteral(":function:") + name;
    if (!qualifier.isEmpty())
        arn += QLatin1Char(':') + qualifier;
    return arn;
}

QString logGroupName(const QString &function)
{
    return QStringLiteral("/aws/lambda/") + function;
}

QString logStreamName(const QString &version, const QString &environmentId)
{
    return QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyy/MM/dd")) + QStringLiteral("/[")
        + version + QStringLiteral("]") + environmentId;
}

} // namespace funcdesk
