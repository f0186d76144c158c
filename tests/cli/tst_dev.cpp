// `funcdesk dev NAME --dir PATH` with the real binary beside a real `funcdesk serve`: a file
// saved in the linked folder is deployed (a commit each, through the engine's API) and the
// next invocation runs it; deletes and renames are followed; a broken build keeps the last
// good version running and says why.

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
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
