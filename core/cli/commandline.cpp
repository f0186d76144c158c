#include "cli/commandline.h"

#include "api/requestguard.h"
#include "cli/cli.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>

#include <cstdio>

namespace funcdesk::cli {

CommandLine::CommandLine(QString command, QString description) : m_command(std::move(command))
{
    m_parser.setApplicationDescription(description);
    m_parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    m_parser.addOption(QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")},
                                          QStringLiteral("Show this help.")));
    m_parser.addOption(QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print JSON instead of tables.")));
    m_parser.addOption(QCommandLineOption(QStringLiteral("data-dir"),
                                          QStringLiteral("Data directory (default: FUNCDESK_DATA_DIR, else the "
                                                         "per-user application data folder)."),
                                          QStringLiteral("DIR")));
    m_parser.addOption(QCommandLineOption(QStringLiteral("endpoint"),
                                          QStringLiteral("Engine API (default: FUNCDESK_ENDPOINT, else "
                                                         "http://127.0.0.1:9001)."),
                                          QStringLiteral("URL")));
    m_parser.addOption(QCommandLineOption(QStringLiteral("token"),
                                          QStringLiteral("API token (default: FUNCDESK_TOKEN)."), QStringLiteral("T")));
}

std::optional<int> CommandLine::parse(const QStringList &args, int minPositional, int maxPositional)
{
    QStringList argv = args;
    argv.prepend(QStringLiteral("funcdesk ") + m_command);
    if (!m_parser.parse(argv))
        return usageError(m_parser.errorText());
    if (m_parser.isSet(QStringLiteral("help"))) {
        // QCommandLineParser names the executable by its path; show the command instead.
        QString help = m_parser.helpText();
        const QString argv0 = QCoreApplication::arguments().value(0);
        if (!argv0.isEmpty() && help.startsWith(QStringLiteral("Usage: ") + argv0))
            help.replace(7, argv0.size(), QStringLiteral("funcdesk ") + m_command);
        printOut(help);
        return ExitOk;
    }
    const qsizetype n = m_parser.positionalArguments().size();
    if (n < minPositional)
        return usageError(QStringLiteral("missing argument"));
    if (n > maxPositional)
        return usageError(QStringLiteral("unexpected argument '") + m_parser.positionalArguments().at(maxPositional)
                          + QLatin1Char('\''));
    return std::nullopt;
}

QString CommandLine::endpoint() const
{
    if (m_parser.isSet(QStringLiteral("endpoint")))
        return m_parser.value(QStringLiteral("endpoint"));
    const QString env = QProcessEnvironment::systemEnvironment().value(QStringLiteral("FUNCDESK_ENDPOINT"));
    if (!env.isEmpty())
        return env;
    QFile file(endpointFile(DataDir::resolve(dataDir())));
    if (file.open(QIODevice::ReadOnly)) {
        const QString written = QString::fromUtf8(file.readAll()).trimmed();
        if (!written.isEmpty())
            return written;
    }
    return QStringLiteral("http://127.0.0.1:9001");
}

QString CommandLine::token() const
{
    if (m_parser.isSet(QStringLiteral("token")))
        return m_parser.value(QStringLiteral("token"));
    const QString fromEnvironment = QProcessEnvironment::systemEnvironment().value(QStringLiteral("FUNCDESK_TOKEN"));
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    // The engine on this data dir accepts its token file (api/requestguard.h).
    return api::readLocalToken(DataDir::resolve(dataDir()));
}

Result<QByteArray> readPayload(const QString &spec)
{
    QByteArray payload = spec.toUtf8();
    if (spec.startsWith(QLatin1Char('@'))) {
        QFile f(spec.mid(1));
        if (!f.open(QIODevice::ReadOnly))
            return makeError(errc::Usage, QStringLiteral("cannot read payload file ") + spec.mid(1) + QStringLiteral(": ") + f.errorString());
        payload = f.readAll();
    }
    QJsonParseError error{};
    QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError) {
        // Scalars are valid Lambda payloads too; QJsonDocument only takes objects/arrays.
        const QByteArray wrapped = '[' + payload + ']';
        QJsonParseError scalarError{};
        QJsonDocument::fromJson(wrapped, &scalarError);
        if (scalarError.error != QJsonParseError::NoError)
            return makeError(errc::Usage,
                             QStringLiteral("the payload is not valid JSON: ") + error.errorString());
    }
    return payload;
}

QString endpointFile(const DataDir &dir)
{
    return dir.root + QStringLiteral("/funcdesk.endpoint");
}

int CommandLine::usageError(const QString &message) const
{
    printErr(QStringLiteral("funcdesk ") + m_command + QStringLiteral(": ") + message);
    printErr(QStringLiteral("Try 'funcdesk ") + m_command + QStringLiteral(" --help'."));
    return ExitUsage;
}

void printOut(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    if (!text.endsWith(QLatin1Char('\n')))
        std::fputc('\n', stdout);
    std::fflush(stdout);
}

void printErr(const QString &text)
{
    const QByteArray bytes = text.toUtf8();
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stderr);
    if (!text.endsWith(QLatin1Char('\n')))
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

void printJson(const QJsonValue &value)
{
    QJsonDocument doc;
    if (value.isArray())
        doc.setArray(value.toArray());
    else
        doc.setObject(value.toObject());
    printOut(QString::fromUtf8(doc.toJson(QJsonDocument::Indented)));
}

void printTable(const QStringList &headers, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : headers)
        widths << h.size();
    for (const QStringList &row : rows) {
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row.at(i).size());
    }
    auto line = [&widths](const QStringList &cells) {
        QString text;
        for (qsizetype i = 0; i < cells.size(); ++i) {
            if (i > 0)
                text += QStringLiteral("  ");
            text += i + 1 < cells.size() ? cells.at(i).leftJustified(widths.value(i)) : cells.at(i);
        }
        return text;
    };
    QString out = line(headers) + QLatin1Char('\n');
    for (const QStringList &row : rows)
        out += line(row) + QLatin1Char('\n');
    printOut(out);
}

int exitCodeFor(const Error &error)
{
    if (error.type == QLatin1String("ResourceNotFoundException"))
        return ExitNotFound;
    if (error.type == QLatin1String("Usage"))
        return ExitUsage;
    if (error.type == QLatin1String("BuildFailedException"))
        return ExitBuildFailed;
    return ExitFailure;
}

int reportError(const Error &error)
{
    printErr(QStringLiteral("funcdesk: ") + error.toString());
    return exitCodeFor(error);
}

} // namespace funcdesk::cli
