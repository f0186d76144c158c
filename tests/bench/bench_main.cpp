// funcdesk_bench [--out FILE] [--filter SUBSTRING] [--list]
#include "bench.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace funcdesk::bench {
std::vector<Registration> &registry()
{
    static std::vector<Registration> r;
    return r;
}
} // namespace funcdesk::bench

int main(int argc, char **argv)
{
    using namespace funcdesk::bench;
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("out"), QStringLiteral("Write figures as JSON to <file>."), QStringLiteral("file"),
                      QStringLiteral("bench-results.json")});
    parser.addOption({QStringLiteral("filter"), QStringLiteral("Run only benchmarks whose name contains <text>."),
                      QStringLiteral("text")});
    parser.addOption({QStringLiteral("list"), QStringLiteral("List benchmarks and exit.")});
    parser.process(app);

    QTextStream out(stdout);
    if (parser.isSet(QStringLiteral("list"))) {
        for (const auto &r : registry())
            out << r.name << Qt::endl;
        return 0;
    }

    QJsonObject json;
    QFile existing(parser.value(QStringLiteral("out")));
    if (parser.isSet(QStringLiteral("filter")) && existing.open(QIODevice::ReadOnly)) // keep other figures
        json = QJsonDocument::fromJson(existing.readAll()).object();
    existing.close();

    out << qSetFieldWidth(52) << Qt::left << "figure" << qSetFieldWidth(14) << Qt::right << "value"
        << qSetFieldWidth(0) << "  unit      budget" << Qt::endl;
    for (const auto &r : registry()) {
        if (parser.isSet(QStringLiteral("filter")) && !r.name.contains(parser.value(QStringLiteral("filter"))))
            continue;
        Reporter rep;
        r.fn(rep);
        for (const auto &f : rep.figures) {
            out << qSetFieldWidth(52) << Qt::left << f.name << qSetFieldWidth(14) << Qt::right
                << QString::number(f.value, 'f', f.value < 100 ? 2 : 0) << qSetFieldWidth(0) << "  "
                << f.unit.leftJustified(9) << " " << f.budget << Qt::endl;
            json.insert(f.name, QJsonObject{{QStringLiteral("value"), f.value}, {QStringLiteral("unit"), f.unit}});
        }
    }
    QFile file(parser.value(QStringLiteral("out")));
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        out << "cannot write " << file.fileName() << Qt::endl;
        return 1;
    }
    file.write(QJsonDocument(json).toJson());
    out << "wrote " << file.fileName() << Qt::endl;
    return 0;
}
