// `funcdesk dev NAME --dir PATH` with the real binary beside a real `funcdesk serve`: a file
// saved in the linked folder is deployed (a commit each, through the engine's API) and the
// next invocation runs it; deletes and renames are followed; a broken build keeps the last
// good version running and says why.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QString kBinary = QStringLiteral(FUNCDESK_BINARY_DIR "/app/funcdesk");

void writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path + QStringLiteral(".tmp"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(data);
    f.close();
    // As editors save: a new file renamed over the old one.
    QFile::remove(path);
    QVERIFY(QFile::rename(path + QStringLiteral(".tmp"), path));
}

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("FUNCDESK_DATA_DIR"));
    env.remove(QStringLiteral("FUNCDESK_ENDPOINT"));
    env.remove(QStringLiteral("FUNCDESK_TOKEN"));
    // pip finds nothing and asks no index: a broken requirement fails at once, offline.
    env.insert(QStringLiteral("PIP_NO_INDEX"), QStringLiteral("1"));
    return env;
}

} // namespace

class TestDev : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QProcess m_serve;
    QProcess m_dev;
    QByteArray m_devOut;

    QStringList dataDir() const { return {QStringLiteral("--data-dir"), m_tmp.filePath(QStringLiteral("data"))}; }
    QString src() const { return m_tmp.filePath(QStringLiteral("src")); }

    // Waits for the dev process to print `what` again (counted from the last wait).
    bool waitForDev(const QByteArray &what, int timeoutMs = 60000)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            m_dev.waitForReadyRead(100);
            m_devOut += m_dev.readAllStandardOutput() + m_dev.readAllStandardError();
            const qsizetype at = m_devOut.indexOf(what);
            if (at >= 0) {
                m_devOut.remove(0, at + what.size());
                return true;
            }
        }
        qWarning() << "dev printed:" << m_devOut;
        return false;
    }

    QJsonObject invoke()
    {
        QProcess p;
        p.setProcessEnvironment(cleanEnvironment());
        p.start(kBinary, QStringList{QStringLiteral("invoke"), QStringLiteral("watched")} + dataDir());
        p.waitForFinished(60000);
        const QByteArray out = p.readAllStandardOutput();
        return QJsonDocument::fromJson(out).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(QFile::exists(kBinary));
        QVERIFY(m_tmp.isValid());
        writeFile(src() + QStringLiteral("/lambda_function.py"),
                  "import helper\ndef lambda_handler(event, context):\n    return {'v': helper.VALUE}\n");
        writeFile(src() + QStringLiteral("/helper.py"), "VALUE = 1\n");
        m_serve.setProcessEnvironment(cleanEnvironment());
        m_serve.start(kBinary, QStringList{QStringLiteral("serve"), QStringLiteral("--port"), QStringLiteral("0")} + dataDir());
        QVERIFY(m_serve.waitForReadyRead(30000));
        m_dev.setProcessEnvironment(cleanEnvironment());
        m_dev.start(kBinary, QStringList{QStringLiteral("dev"), QStringLiteral("watched"), QStringLiteral("--dir"), src(),
                                         QStringLiteral("--debounce"), QStringLiteral("150")}
                        + dataDir());
        QVERIFY(waitForDev("deployed watched"));
    }

    void savedFileIsRunByTheNextInvocation()
    {
        QCOMPARE(invoke().value(QStringLiteral("v")).toInt(), 1);
        writeFile(src() + QStringLiteral("/helper.py"), "VALUE = 2\n");
        QVERIFY(waitForDev("deployed watched"));
        QCOMPARE(invoke().value(QStringLiteral("v")).toInt(), 2);
    }

    void renamesAndDeletesAreFollowed()
    {
        // The helper moves into a package folder; the old file goes.
        writeFile(src() + QStringLiteral("/lib/helper2.py"), "VALUE = 3\n");
        writeFile(src() + QStringLiteral("/lambda_function.py"),
                  "from lib import helper2\ndef lambda_handler(event, context):\n"
                  "    import os\n    return {'v': helper2.VALUE, 'old': os.path.exists('helper.py')}\n");
        QVERIFY(QFile::remove(src() + QStringLiteral("/helper.py")));
        QVERIFY(waitForDev("deployed watched"));
        const QJsonObject r = invoke();
        QCOMPARE(r.value(QStringLiteral("v")).toInt(), 3);
        QCOMPARE(r.value(QStringLiteral("old")).toBool(), false);
    }

    void brokenBuildKeepsTheLastGoodVersion()
    {
        writeFile(src() + QStringLiteral("/requirements.txt"), "no-such-package-funcdesk==1.0\n");
        writeFile(src() + QStringLiteral("/lib/helper2.py"), "VALUE = 4\n");
        QVERIFY(waitForDev("keeps running its last good version"));
        QVERIFY(waitForDev("Build failed: pip install exited with code 1"));
        QCOMPARE(invoke().value(QStringLiteral("v")).toInt(), 3);
        // Fixed: deployed again.
        QVERIFY(QFile::remove(src() + QStringLiteral("/requirements.txt")));
        QVERIFY(waitForDev("deployed watched"));
        QCOMPARE(invoke().value(QStringLiteral("v")).toInt(), 4);
    }

    // `funcdesk deploy` through the same engine: the build's lines, then exit code 6 and
    // pip's message when the build fails.
    void deployPrintsTheBuildAndExitsSixWhenItFails()
    {
        const QString other = m_tmp.filePath(QStringLiteral("other"));
        writeFile(other + QStringLiteral("/lambda_function.py"), "def lambda_handler(e, c):\n    return 1\n");
        writeFile(other + QStringLiteral("/requirements.txt"), "still-no-such-package-funcdesk==2.0\n");
        QProcess p;
        p.setProcessEnvironment(cleanEnvironment());
        p.start(kBinary, QStringList{QStringLiteral("deploy"), other} + dataDir());
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        QCOMPARE(p.exitCode(), 6);
        QVERIFY2(out.contains("build: installing dependencies on the running engine"), out.constData());
        QVERIFY2(err.contains("BuildFailedException") && err.contains("No matching distribution found for still-no-such-package-funcdesk==2.0"),
                 err.constData());
    }

    // `funcdesk layers` over the running engine's API: publish a folder, list, delete.
    void layersCommands()
    {
        const QString layer = m_tmp.filePath(QStringLiteral("layer"));
        writeFile(layer + QStringLiteral("/python/shared_mod.py"), "X = 1\n");
        auto run = [this](const QStringList &args) {
            QProcess p;
            p.setProcessEnvironment(cleanEnvironment());
            p.start(kBinary, QStringList{QStringLiteral("layers")} + args + dataDir());
            p.waitForFinished(60000);
            return std::make_pair(p.exitCode(), QByteArray(p.readAllStandardOutput() + p.readAllStandardError()));
        };
        auto [code, out] = run({QStringLiteral("publish"), QStringLiteral("cli-layer"), QStringLiteral("--dir"), layer,
                                QStringLiteral("--description"), QStringLiteral("from the CLI"), QStringLiteral("--runtime"),
                                QStringLiteral("python3.12")});
        QVERIFY2(code == 0, out.constData());
        QVERIFY2(out.contains("Published arn:aws:lambda:us-east-1:000000000000:layer:cli-layer:1"), out.constData());
        std::tie(code, out) = run({QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(code, 0);
        const QJsonArray listed = QJsonDocument::fromJson(out).array();
        QCOMPARE(listed.size(), 1);
        QCOMPARE(listed.at(0)[QStringLiteral("LayerName")].toString(), QStringLiteral("cli-layer"));
        QCOMPARE(listed.at(0)[QStringLiteral("Description")].toString(), QStringLiteral("from the CLI"));
        QCOMPARE(listed.at(0)[QStringLiteral("CompatibleRuntimes")].toArray().at(0).toString(), QStringLiteral("python3.12"));
        QVERIFY(listed.at(0)[QStringLiteral("CodeSize")].toDouble() > 0);
        std::tie(code, out) = run({QStringLiteral("delete"), QStringLiteral("cli-layer"), QStringLiteral("1")});
        QCOMPARE(code, 0);
        std::tie(code, out) = run({QStringLiteral("list")});
        QCOMPARE(code, 0);
        QVERIFY2(out.contains("No layers."), out.constData());
        std::tie(code, out) = run({QStringLiteral("publish"), QStringLiteral("cli-layer")});
        QCOMPARE(code, 2); // neither --zip nor --dir
    }

    void cleanupTestCase()
    {
        m_dev.terminate();
        QVERIFY(m_dev.waitForFinished(30000));
        QCOMPARE(m_dev.exitCode(), 0);
        m_serve.terminate();
        QVERIFY(m_serve.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestDev)
#include "tst_dev.moc"
