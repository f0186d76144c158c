#include "common/trace.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <cstdio>

namespace funcdesk {

namespace {

bool isHex(QByteArrayView s)
{
    for (char c : s) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return !s.isEmpty();
}

// X-Ray's root: version 1, 8 hex digits of epoch seconds, 24 hex digits.
bool isRoot(QByteArrayView s)
{
    return s.size() == 35 && s.startsWith("1-") && s[10] == '-' && isHex(s.sliced(2, 8)) && isHex(s.sliced(11));
}

} // namespace

TraceHeader TraceHeader::parse(QByteArrayView header)
{
    TraceHeader h;
    for (QByteArrayView part : QByteArray::fromRawData(header.data(), header.size()).split(';')) {
        part = part.trimmed();
        const qsizetype eq = part.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArrayView key = part.first(eq);
        const QByteArrayView value = part.sliced(eq + 1);
        if (key == "Root" && isRoot(value))
            h.root = QString::fromLatin1(value).toLower();
        else if (key == "Parent" && value.size() == 16 && isHex(value))
            h.parent = QString::fromLatin1(value).toLower();
        else if (key == "Sampled")
            h.sampled = value == "1";
        else if (key == "Lineage") {
            // Ours is a count; Lambda's has the form <hash>:<count>: the count is last.
            const qsizetype colon = value.lastIndexOf(':');
            bool ok = false;
            const int n = (colon < 0 ? value : value.sliced(colon + 1)).toByteArray().toInt(&ok);
            if (ok && n >= 0)
                h.lineage = n;
        }
    }
    if (h.root.isEmpty()) {
        h.parent.clear();
        h.lineage = 0;
    }
    return h;
}

QByteArray TraceHeader::toHeader() const
{
    QByteArray out = "Root=" + root.toLatin1();
    if (!parent.isEmpty())
        out += ";Parent=" + parent.toLatin1();
    out += sampled ? ";Sampled=1" : ";Sampled=0";
    if (lineage > 0)
        out += ";Lineage=" + QByteArray::number(lineage);
    return out;
}

TraceContext TraceContext::begin(QByteArrayView incoming)
{
    const TraceHeader in = TraceHeader::parse(incoming);
    TraceContext c;
    c.spanId = newSpanId();
    if (in.isValid()) {
        c.traceId = in.root;
        c.parentSpanId = in.parent;
        c.lineage = in.parent.isEmpty() ? in.lineage : in.lineage + 1;
    } else {
        c.traceId = newTraceRoot(QDateTime::currentSecsSinceEpoch());
    }
    return c;
}

QByteArray TraceContext::downstreamHeader() const
{
    TraceHeader h;
    h.root = traceId;
    h.parent = spanId;
    h.lineage = lineage;
    return h.toHeader();
}

QString newTraceRoot(qint64 nowSeconds)
{
    QRandomGenerator *rng = QRandomGenerator::global();
    const quint64 a = rng->generate64();
    const quint32 b = rng->generate();
    char buf[40];
    std::snprintf(buf, sizeof buf, "1-%08llx-%016llx%08x", static_cast<unsigned long long>(nowSeconds) & 0xffffffffULL,
                  static_cast<unsigned long long>(a), unsigned(b));
    return QString::fromLatin1(buf);
}

QString newSpanId()
{
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(QRandomGenerator::global()->generate64()));
    return QString::fromLatin1(buf);
}

} // namespace funcdesk
