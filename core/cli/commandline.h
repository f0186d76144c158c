#pragma once
// One subcommand's argument parsing over QCommandLineParser, with the options every
// command shares (--json, --data-dir, --endpoint, --token, --help), and the human/JSON
// output helpers every command prints through.
//
// Threading: main thread only (writes stdout/stderr).

#include "common/datadir.h"
#include "common/result.h"

#include <QCommandLineParser>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace funcdesk::cli {

class CommandLine
{
public:
    // `args` are the subcommand's arguments (without "funcdesk" and the subcommand).
    CommandLine(QString command, QString description);

    void addOption(const QCommandLineOption &option) { m_parser.addOption(option); }
    void addPositional(const QString &name, const QString &description, const QString &syntax = {})
    {
        m_parser.addPositionalArgument(name, description, syntax);
    }
    // Parses; nullopt when the command should run, else the exit code to return now
    // (0 after printing --help, 2 after a usage error was printed).
    std::optional<int> parse(const QStringList &args, int minPositional = 0, int maxPositional = 0);

    QCommandLineParser &parser() { return m_parser; }
    bool isSet(const QString &name) const { return m_parser.isSet(name); }
    QString value(const QString &name) const { return m_parser.value(name); }
    QStringList positional() const { return m_parser.positionalArguments(); }

    bool json() const { return m_parser.isSet(QStringLiteral("json")); }
    QString dataDir() const { return m_parser.value(QStringLiteral("data-dir")); }
    // --endpoint, else FUNCDESK_ENDPOINT, else what a running `funcdesk serve` wrote into
    // the data dir (endpointFile()), else http://127.0.0.1:9001
    QString endpoint() const;
    QString token() const; // --token, else FUNCDESK_TOKEN, else the data dir's funcdesk.token

    int usageError(const QString &message) const; // prints message + hint, returns 2

private:
    QString m_command;
    QCommandLineParser m_parser;
};

// An event for a function: JSON given inline, or @file to read it from a file; scalars
// are valid too, as in Lambda. Errors are usage errors naming what is wrong.
Result<QByteArray> readPayload(const QString &spec);

// <data dir>/funcdesk.endpoint: the base URL `funcdesk serve` listens on, written while it
// runs (removed on clean shutdown), so other commands find an engine on a non-default port.
QString endpointFile(const DataDir &dir);

// stdout / stderr printing (UTF-8, flushed).
void printOut(const QString &text);
void printErr(const QString &text);
void printJson(const QJsonValue &value);
// Columns padded to their widest cell; the last column is not padded.
void printTable(const QStringList &headers, const QList<QStringList> &rows);

// "funcdesk: <message>" on stderr; returns the exit code for the error's type
// (ResourceNotFoundException -> 3, usage -> 2, everything else -> 5).
int reportError(const Error &error);
int exitCodeFor(const Error &error);

} // namespace funcdesk::cli
