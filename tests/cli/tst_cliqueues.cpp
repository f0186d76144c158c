// `funcdesk queues ...`, the real binary: on a data dir no engine holds (the store
// directly), and through a running `funcdesk serve` (SQS's API); tables, --json and exit
// codes (3 for a missing queue, 2 for usage).
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kBinary = QStringLiteral(FUNCDESK_BINARY_DIR "/app/funcdesk");

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QJsonValue json() const { return QJsonDocument::fromJson(out.toUtf8()).isArray() ? QJsonValue(QJsonDocument::fromJson(out.toUtf8()).array())
                                                                                       : QJsonValue(QJsonDocument::fromJson(out.toUtf8()).object()); }
};

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *v : {"FUNCDESK_DATA_DIR", "FUNCDESK_ENDPOINT", "FUNCDESK_TOKEN"})
        env.remove(QString::fromLatin1(v));
    return env;
}

Run funcdesk(const QStringList &args)
{
    QProcess p;
    p.setProcessEnvironment(cleanEnvironment());
    p.start(kBinary, args);
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestCliQueues : public QObject
{
    Q_OBJECT
private:
    void exercise(const QString &data)
    {
        const QStringList d{QStringLiteral("--data-dir"), data};
        QCOMPARE(funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("create"), QStringLiteral("dlq")} + d).exitCode, 0);
        const Run created = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("create"), QStringLiteral("jobs"),
                                                 QStringLiteral("--dead-letter-queue"), QStringLiteral("dlq"),
                                                 QStringLiteral("--max-receive-count"), QStringLiteral("2")} + d);
        QVERIFY2(created.exitCode == 0 && created.out.trimmed().endsWith(QStringLiteral("/000000000000/jobs")), qPrintable(created.out + created.err));
        const Run sent = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("send"), QStringLiteral("jobs"),
                                              QStringLiteral("plain text, not JSON"), QStringLiteral("--attribute"), QStringLiteral("k=v")} + d);
        QVERIFY2(sent.exitCode == 0 && sent.out.startsWith(QStringLiteral("Sent ")), qPrintable(sent.out + sent.err));

        const Run table = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("list")} + d);
        QCOMPARE(table.exitCode, 0);
        QVERIFY2(table.out.contains(QStringLiteral("dlq after 2")), qPrintable(table.out));
        const QJsonArray listed = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("list"), QStringLiteral("--json")} + d).json().toArray();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("jobs"));
        QCOMPARE(listed[1].toObject().value(QStringLiteral("visible")).toInt(), 1);

        const Run received = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("receive"), QStringLiteral("jobs"),
                                                  QStringLiteral("--json"), QStringLiteral("--delete")} + d);
        QCOMPARE(received.exitCode, 0);
        const QJsonObject m = received.json().toArray().first().toObject();
        QCOMPARE(m.value(QStringLiteral("Body")).toString(), QStringLiteral("plain text, not JSON"));
        QCOMPARE(m.value(QStringLiteral("MessageAttributes")).toObject().value(QStringLiteral("k")).toObject().value(QStringLiteral("StringValue")).toString(),
                 QStringLiteral("v"));
        const QJsonArray after = funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("list"), QStringLiteral("--json")} + d).json().toArray();
        QCOMPARE(after[1].toObject().value(QStringLiteral("visible")).toInt() + after[1].toObject().value(QStringLiteral("inFlight")).toInt(), 0);

        QCOMPARE(funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("send"), QStringLiteral("missing"), QStringLiteral("x")} + d).exitCode, 3);
        QCOMPARE(funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("fly")} + d).exitCode, 2);
        QCOMPARE(funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("delete"), QStringLiteral("jobs")} + d).exitCode, 0);
        QCOMPARE(funcdesk(QStringList{QStringLiteral("queues"), QStringLiteral("purge"), QStringLiteral("jobs")} + d).exitCode, 3);
    }

private Q_SLOTS:
    void onTheDataDir()
    {
        QTemporaryDir tmp;
        exercise(tmp.filePath(QStringLiteral("data")));
    }

    void throughARunningEngine()
    {
        QTemporaryDir tmp;
        const QString data = tmp.filePath(QStringLiteral("data"));
        QProcess serve;
        serve.setProcessEnvironment(cleanEnvironment());
        serve.start(kBinary, {QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--json"),
                              QStringLiteral("--data-dir"), data});
        QVERIFY(serve.waitForReadyRead(30000));
        exercise(data);
        // It went through the engine: the data dir stayed locked by serve the whole time.
        QCOMPARE(serve.state(), QProcess::Running);
        serve.terminate();
        QVERIFY(serve.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestCliQueues)
#include "tst_cliqueues.moc"
