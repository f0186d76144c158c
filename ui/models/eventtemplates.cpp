#include "eventtemplates.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace funcdesk::ui {

namespace {

const QRegularExpression &placeholder()
{
    static const QRegularExpression re(QStringLiteral("\\{\\{([A-Za-z][A-Za-z0-9_]*):([^{}]*)\\}\\}"));
    return re;
}

QString titleFromId(const QString &id)
{
    static const QMap<QString, QString> known{
        {QStringLiteral("function-url"), QStringLiteral("Function URL request")},
        {QStringLiteral("api-gateway-rest"), QStringLiteral("API Gateway REST request")},
        {QStringLiteral("s3-put"), QStringLiteral("S3 put")},
        {QStringLiteral("sqs-message"), QStringLiteral("SQS message")},
        {QStringLiteral("sns-notification"), QStringLiteral("SNS notification")},
        {QStringLiteral("scheduled-event"), QStringLiteral("Scheduled event")},
        {QStringLiteral("dynamodb-stream"), QStringLiteral("DynamoDB stream")},
    };
    return known.value(id, id);
}

QString escapeForJsonString(const QString &value)
{
    // QJsonDocument writes a one-element array; strip the brackets and quotes.
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(2, json.size() - 4));
}

} // namespace

EventTemplate parseEventTemplate(const QString &id, const QString &text)
{
    EventTemplate t{id, titleFromId(id), text, {}};
    auto it = placeholder().globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        const QString name = m.captured(1);
        const bool seen = std::any_of(t.fields.cbegin(), t.fields.cend(),
                                      [&](const TemplateField &f) { return f.name == name; });
        if (!seen)
            t.fields.append(TemplateField{name, m.captured(2)});
    }
    return t;
}

QList<EventTemplate> loadEventTemplates(const QString &dir)
{
    QList<EventTemplate> out;
    const auto files = QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QFileInfo &fi : files) {
        QFile f(fi.absoluteFilePath());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        out.append(parseEventTemplate(fi.completeBaseName(), QString::fromUtf8(f.readAll())));
    }
    return out;
}

QString fillEventTemplate(const EventTemplate &t, const QMap<QString, QString> &values)
{
    QString out;
    qsizetype last = 0;
    auto it = placeholder().globalMatch(t.text);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(t.text).mid(last, m.capturedStart() - last);
        const QString name = m.captured(1);
        out += escapeForJsonString(values.contains(name) ? values.value(name) : m.captured(2));
        last = m.capturedEnd();
    }
    out += QStringView(t.text).mid(last);
    return out;
}

JsonCheck checkJson(const QString &text)
{
    // Lambda takes any JSON value as an event ("42", "\"text\"", null), but QJsonDocument
    // only parses objects and arrays: parse the text as the one element of an array.
    QJsonParseError error;
    const QByteArray utf8 = text.toUtf8();
    const QJsonDocument doc = QJsonDocument::fromJson('[' + utf8 + '\n' + ']', &error);
    if (error.error == QJsonParseError::NoError && doc.array().size() == 1)
        return {};
    if (error.error == QJsonParseError::NoError) // "" or "1, 2"
        return JsonCheck{false, 1, 1,
                         doc.array().isEmpty() ? QStringLiteral("line 1, column 1: the event is empty; {} is the empty object")
                                               : QStringLiteral("line 1, column 1: more than one JSON value")};
    // The offset is in UTF-8 bytes (minus the '[' added); count lines and columns over them.
    const QByteArray before = utf8.left(std::max(0, error.offset - 1));
    const int line = int(before.count('\n')) + 1;
    const int column = int(before.size() - (before.lastIndexOf('\n') + 1)) + 1;
    return JsonCheck{false, line, column,
                     QStringLiteral("line %1, column %2: %3").arg(line).arg(column).arg(error.errorString())};
}

} // namespace funcdesk::ui
