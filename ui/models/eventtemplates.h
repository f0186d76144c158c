#pragma once
// Test-event templates (resources/templates/events/*.json). A template is JSON text with
// `{{field:default}}` placeholders, all inside JSON strings; filling them yields the
// event. Also: JSON checking with the error's line and column. Pure functions: the Test
// tab and tests use them alike.

#include <QList>
#include <QMap>
#include <QString>

namespace funcdesk::ui {

struct TemplateField
{
    QString name;
    QString defaultValue;
};

struct EventTemplate
{
    QString id;                  // file base name, e.g. "s3-put"
    QString title;               // "S3 put"
    QString text;                // raw template text with placeholders
    QList<TemplateField> fields; // in order of first appearance, each once
};

QList<EventTemplate> loadEventTemplates(const QString &dir);
EventTemplate parseEventTemplate(const QString &id, const QString &text);
// Replaces every placeholder; values are escaped for a JSON string context. Missing
// values fall back to the field's default.
QString fillEventTemplate(const EventTemplate &t, const QMap<QString, QString> &values);

struct JsonCheck
{
    bool ok = true;
    int line = 0;    // 1-based, when !ok
    int column = 0;  // 1-based
    QString message; // "line 3, column 5: unterminated string"
};
JsonCheck checkJson(const QString &text);

} // namespace funcdesk::ui
