// Environment-variable files a user imports (common/envfile.h): a .env file and a SAM
// env.json, from the same bytes.
// Invariants: every variable a .env file gives has a name of [A-Za-z_][A-Za-z0-9_]*; a
// .env file that parses gives the same variables when parsed again after being written
// back out double-quoted with escapes; env.json's variables have non-empty names.
#include "common/envfile.h"
#include "fuzzsupport.h"

#include <QRegularExpression>

using namespace funcdesk;

namespace {

QByteArray quoted(const QString &value)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : value) { // surrogate pairs pass through as they are
        switch (c.unicode()) {
        case '\\': out += QLatin1String("\\\\"); break;
        case '"': out += QLatin1String("\\\""); break;
        case '\n': out += QLatin1String("\\n"); break;
        case '\r': out += QLatin1String("\\r"); break;
        case '\t': out += QLatin1String("\\t"); break;
        default: out += c;
        }
    }
    return (out + QLatin1Char('"')).toUtf8();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QByteArray input = fuzz::bytes(data, size);
    static const QRegularExpression name(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));

    const auto dotEnv = parseDotEnv(input);
    if (dotEnv) {
        QByteArray written;
        for (auto it = dotEnv->cbegin(); it != dotEnv->cend(); ++it) {
            if (!name.match(it.key()).hasMatch())
                fuzz::fail("a .env variable with an invalid name", it.key().toUtf8());
            written += it.key().toUtf8() + '=' + quoted(it.value()) + '\n';
        }
        const auto again = parseDotEnv(written);
        if (!again)
            fuzz::fail("a .env file written back from parsed variables does not parse", written);
        if (*again != *dotEnv) {
            QByteArray detail = written + "\nfirst:";
            for (auto it = dotEnv->cbegin(); it != dotEnv->cend(); ++it)
                detail += ' ' + it.key().toUtf8() + '=' + it.value().toUtf8().toHex();
            detail += "\nagain:";
            for (auto it = again->cbegin(); it != again->cend(); ++it)
                detail += ' ' + it.key().toUtf8() + '=' + it.value().toUtf8().toHex();
            fuzz::fail("variables changed when written back and parsed again", detail);
        }
    }

    const auto sam = parseSamEnvJson(input, QStringLiteral("my-fn"));
    if (sam) {
        for (auto it = sam->cbegin(); it != sam->cend(); ++it) {
            if (it.key().isEmpty())
                fuzz::fail("an env.json variable without a name", input);
        }
    }
    (void)parseEnvironmentFile(QStringLiteral("vars.json"), input, QStringLiteral("MyFnFunction"));
    return 0;
}
