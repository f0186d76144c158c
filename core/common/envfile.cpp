#include "envfile.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace funcdesk {

namespace {

Error invalidLine(int line, const QString &why)
{
    return makeError(errc::InvalidParameterValue, QStringLiteral("line %1: %2").arg(line).arg(why));
}

bool isKey(const QString &key)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re.match(key).hasMatch();
}

// "my-fn_2" -> "MyFn2": the letters and digits, each word capitalised (SAM's logical ids).
QString logicalIdStem(const QString &name)
{
    QString id;
    bool upper = true;
    for (const QChar ch : name) {
        if (!ch.isLetterOrNumber() || ch.unicode() > 127) {
            upper = true;
            continue;
        }
        id += upper ? ch.toUpper() : ch;
        upper = false;
    }
    return id;
}

} // namespace

Result<QMap<QString, QString>> parseDotEnv(const QByteArray &bytes)
{
    QMap<QString, QString> out;
    const QString text = QString::fromUtf8(bytes);
    const QStringList lines = text.split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        QString line = lines[i];
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        const QString trimmed = line.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        QString rest = trimmed;
        if (rest.startsWith(QLatin1String("export ")))
            rest = rest.mid(7).trimmed();
        const qsizetype eq = rest.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return invalidLine(lineNo, QStringLiteral("expected KEY=VALUE"));
        const QString key = rest.left(eq).trimmed();
        if (!isKey(key))
            return invalidLine(lineNo, QStringLiteral("\"%1\" is not a variable name (letters, digits and _, not starting with a digit)").arg(key));
        QString value = rest.mid(eq + 1).trimmed();
        if (value.startsWith(QLatin1Char('\''))) {
            const qsizetype close = value.indexOf(QLatin1Char('\''), 1);
            if (close < 0)
                return invalidLine(lineNo, QStringLiteral("the single quote is not closed"));
            value = value.mid(1, close - 1);
        } else if (value.startsWith(QLatin1Char('"'))) {
            QString decoded;
            qsizetype pos = 1;
            bool closed = false;
            while (!closed) {
                while (pos < value.size()) {
                    const QChar ch = value.at(pos++);
                    if (ch == QLatin1Char('"')) {
                        closed = true;
                        break;
                    }
                    if (ch == QLatin1Char('\\') && pos < value.size()) {
                        const QChar esc = value.at(pos++);
                        decoded += esc == QLatin1Char('n')   ? QChar(QLatin1Char('\n'))
                            : esc == QLatin1Char('r')        ? QChar(QLatin1Char('\r'))
                            : esc == QLatin1Char('t')        ? QChar(QLatin1Char('\t'))
                                                             : esc;
                        continue;
                    }
                    decoded += ch;
                }
                if (closed)
                    break;
                if (++i >= lines.size()) // the value goes on on the next line
                    return invalidLine(lineNo, QStringLiteral("the double quote is not closed"));
                decoded += QLatin1Char('\n');
                value = lines[i];
                if (value.endsWith(QLatin1Char('\r')))
                    value.chop(1);
                pos = 0;
            }
            value = decoded;
        } else {
            const qsizetype comment = value.indexOf(QLatin1String(" #"));
            if (comment >= 0)
                value = value.left(comment).trimmed();
        }
        out.insert(key, value);
    }
    return out;
}

Result<QMap<QString, QString>> parseSamEnvJson(const QByteArray &json, const QString &functionName)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return makeError(errc::InvalidParameterValue, QStringLiteral("not JSON: %1 (at %2)").arg(err.errorString()).arg(err.offset));
    if (!doc.isObject())
        return makeError(errc::InvalidParameterValue,
                         QStringLiteral("expected an object: {\"Parameters\": {...}, \"<function>\": {...}}"));
    const QJsonObject root = doc.object();
    const QString stem = logicalIdStem(functionName);
    const QStringList names{functionName, stem + QStringLiteral("Function"), stem};
    QMap<QString, QString> out;
    bool matched = false;
    auto take = [&out](const QString &section, const QJsonValue &v) -> Status {
        if (!v.isObject())
            return makeError(errc::InvalidParameterValue, QStringLiteral("\"%1\" must be an object of variables").arg(section));
        const QJsonObject vars = v.toObject();
        for (auto it = vars.begin(); it != vars.end(); ++it) {
            const QJsonValue value = it.value();
            QString text;
            if (value.isString())
                text = value.toString();
            else if (value.isDouble())
                text = QString::number(value.toDouble(), 'g', 17);
            else if (value.isBool())
                text = value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
            else
                return makeError(errc::InvalidParameterValue,
                                 QStringLiteral("\"%1\".\"%2\": a value must be a string, number or boolean").arg(section, it.key()));
            if (!isKey(it.key()))
                return makeError(errc::InvalidParameterValue, QStringLiteral("\"%1\".\"%2\" is not a variable name").arg(section, it.key()));
            out.insert(it.key(), text);
        }
        return {};
    };
    if (root.contains(QStringLiteral("Parameters"))) {
        if (Status s = take(QStringLiteral("Parameters"), root.value(QStringLiteral("Parameters"))); !s)
            return s.error();
        matched = true;
    }
    for (const QString &name : names) {
        if (root.contains(name)) {
            if (Status s = take(name, root.value(name)); !s)
                return s.error();
            matched = true;
            break;
        }
    }
    if (!matched)
        return makeError(errc::InvalidParameterValue, QStringLiteral("no \"Parameters\" and no \"%1\" (or \"%2\") in this env.json")
                                                          .arg(functionName, stem + QStringLiteral("Function")));
    return out;
}

Result<QMap<QString, QString>> parseEnvironmentFile(const QString &fileName, const QByteArray &content, const QString &functionName)
{
    if (fileName.endsWith(QLatin1String(".json"), Qt::CaseInsensitive))
        return parseSamEnvJson(content, functionName);
    return parseDotEnv(content);
}

} // namespace funcdesk
