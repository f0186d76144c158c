#include "settings/settings.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;

class TestSettings : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsMatchLambdaAndDesign()
    {
        QTemporaryDir dir;
        Settings s(dir.filePath(QStringLiteral("s.ini")));
        QCOMPARE(s.apiPort(), 9001);
        QCOMPARE(s.bindAddress(), QStringLiteral("127.0.0.1"));
        QCOMPARE(s.pricePerMillionRequests(), 0.20);
        QCOMPARE(s.pricePerGbSecondX86(), 0.0000166667);
        QCOMPARE(s.pricePerGbSecondArm(), 0.0000133334);
        QVERIFY(s.billInit());
        QVERIFY(!s.freeTier());
        QCOMPARE(s.retentionDays(), 7);
        QCOMPARE(s.retentionRows(), 5000000);
        QCOMPARE(s.theme(), Theme::System);
        QVERIFY(!s.scaleCpuWithMemory()); // everyday runs keep the machine's full speed
    }

    void valuesPersistAcrossInstances()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("s.ini"));
        {
            Settings s(file);
            s.setApiPort(9100);
            s.setTheme(Theme::Dark);
            s.setScaleCpuWithMemory(true);
            s.setPython3Path(QStringLiteral("/opt/py/bin/python3"));
            s.setWindowState(QStringLiteral("main"), QByteArrayLiteral("\x01\x02"));
            s.sync();
        }
        Settings again(file);
        QCOMPARE(again.apiPort(), 9100);
        QCOMPARE(again.theme(), Theme::Dark);
        QVERIFY(again.scaleCpuWithMemory());
        QCOMPARE(again.python3Path(), QStringLiteral("/opt/py/bin/python3"));
        QCOMPARE(again.windowState(QStringLiteral("main")), QByteArrayLiteral("\x01\x02"));
    }

    void changedFiresOnlyOnRealChange()
    {
        QTemporaryDir dir;
        Settings s(dir.filePath(QStringLiteral("s.ini")));
        QSignalSpy spy(&s, &Settings::changed);
        s.setKeepAliveSeconds(300); // the default: no change
        QCOMPARE(spy.count(), 0);
        s.setKeepAliveSeconds(30);
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("engine/keepAliveSeconds"));
        s.setKeepAliveSeconds(30);
        QCOMPARE(spy.count(), 1);
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
