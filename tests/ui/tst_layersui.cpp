// The GUI side of layers and builds on a real data dir: the Layers page's model (versions,
// sizes, which functions use them) under QAbstractItemModelTester, the Configuration tab's
// layer picker (order, Lambda's limit of 5), the Code tab's build panel, and a function
// linked to a folder through the Studio (real python3).
#include "settings/settings.h"
#include "ui/models/layermodel.h"
#include "ui/studio.h"
#include "ui/widgets/buildpanel.h"
#include "ui/widgets/layerpicker.h"
#include "versioning/codezip.h"
#include "versioning/layerstore.h"
#include "versioning/manifest.h"
#include "versioning/versionstore.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

using namespace funcdesk;
using namespace funcdesk::ui;

namespace {

LayerVersionInfo publish(const DataDir &dataDir, const QString &name, const QByteArray &content)
{
    SourceFiles files;
    files.insert(QStringLiteral("python/mod.py"), SourceFile(content));
    auto zip = codezip::zipFiles(files);
    if (!zip.ok())
        return {};
    auto v = LayerStore(dataDir).publish(LayerPublish{name, *zip, QStringLiteral("desc ") + name, {QStringLiteral("python3.12")}, {}, {}});
    return v.ok() ? *v : LayerVersionInfo{};
}

} // namespace

class TestLayersUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void layerModelShowsVersionsAndTheirUsers()
    {
        QTemporaryDir dir;
        const DataDir dataDir{dir.path()};
        const LayerVersionInfo s1 = publish(dataDir, QStringLiteral("shared"), "A = 1\n");
        const LayerVersionInfo s2 = publish(dataDir, QStringLiteral("shared"), QByteArray(5000, 'x'));
        const LayerVersionInfo t1 = publish(dataDir, QStringLiteral("tools"), "B = 2\n");
        QCOMPARE(s2.version, 2);
        FunctionConfig c;
        c.name = QStringLiteral("fn");
        c.layers = {s2.versionArn(), t1.versionArn()};
        SourceFiles files;
        files.insert(QStringLiteral("lambda_function.py"), SourceFile("def lambda_handler(e, c):\n    return 1\n"));
        files.insert(QStringLiteral("function.json"), SourceFile(manifest::serialize(c)));
        VersionStore store(dataDir);
        auto created = store.create(QStringLiteral("fn"), Runtime::Python3, files);
        QVERIFY2(created.ok(), qPrintable(created.ok() ? QString() : created.error().message));

        LayerModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRows(loadLayerRows(dataDir));
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.columnCount(), int(LayerModel::ColumnCount));
        QHash<QString, int> rowOf;
        for (int r = 0; r < model.rowCount(); ++r)
            rowOf.insert(model.index(r, 0).data(LayerModel::ArnRole).toString(), r);
        QCOMPARE(model.index(rowOf.value(s2.versionArn()), LayerModel::UsedByColumn).data().toString(), QStringLiteral("fn"));
        QCOMPARE(model.index(rowOf.value(t1.versionArn()), LayerModel::UsedByColumn).data().toString(), QStringLiteral("fn"));
        QCOMPARE(model.index(rowOf.value(s1.versionArn()), LayerModel::UsedByColumn).data().toString(), QStringLiteral("-"));
        QCOMPARE(model.index(rowOf.value(s2.versionArn()), LayerModel::SizeColumn).data(LayerModel::SortRole).toLongLong(), 5000);
        QVERIFY(model.index(rowOf.value(s2.versionArn()), LayerModel::SizeColumn).data().toString().startsWith(QLatin1String("5 KB (zip")));
        QCOMPARE(model.index(rowOf.value(s1.versionArn()), LayerModel::RuntimesColumn).data().toString(), QStringLiteral("python3.12"));
        QCOMPARE(model.index(rowOf.value(s1.versionArn()), LayerModel::VersionColumn).data().toInt(), 1);
        for (int col = 0; col < LayerModel::ColumnCount; ++col)
            QVERIFY(!model.headerData(col, Qt::Horizontal).toString().isEmpty());

        // A deleted version leaves the page; its user keeps it.
        QVERIFY(LayerStore(dataDir).remove(QStringLiteral("shared"), 1).ok());
        model.setRows(loadLayerRows(dataDir));
        QCOMPARE(model.rowCount(), 2);
    }

    void layerPickerKeepsOrderAndLambdasLimit()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        settings.setApiPort(0);
        const DataDir dataDir{dir.filePath(QStringLiteral("data"))};
        auto studio = Studio::open(dataDir, &settings);
        QVERIFY2(studio.ok(), qPrintable(studio.ok() ? QString() : studio.error().message));
        QStringList arns;
        for (int i = 1; i <= 6; ++i)
            arns << publish(dataDir, QStringLiteral("layer%1").arg(i), "X = 1\n").versionArn();

        LayerPicker picker(studio->get());
        picker.setLayers({arns.at(0)});
        QCOMPARE(picker.layers(), QStringList{arns.at(0)});
        picker.reloadAvailable();
        QTRY_COMPARE(picker.availableBox()->count(), 6);
        QCOMPARE(picker.availableBox()->currentIndex(), 0); // something to add, not the placeholder
        for (int i = 1; i < 6; ++i) {
            picker.availableBox()->setCurrentIndex(picker.availableBox()->findData(arns.at(i)));
            picker.addSelected();
        }
        QCOMPARE(picker.layers(), arns.mid(0, 5)); // the sixth is refused: at most 5
        auto *list = picker.findChild<QListWidget *>(QStringLiteral("functionLayers"));
        QVERIFY(list);
        list->setCurrentRow(4);
        QPushButton *up = nullptr;
        for (QPushButton *b : picker.findChildren<QPushButton *>())
            if (b->text() == QLatin1String("Up"))
                up = b;
        QVERIFY(up);
        up->click();
        QCOMPARE(picker.layers(), (QStringList{arns.at(0), arns.at(1), arns.at(2), arns.at(4), arns.at(3)}));
    }

    void linkedFolderIsDeployedAndTheNextInvocationRunsIt()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("s.ini")));
        settings.setApiPort(0);
        auto opened = Studio::open(DataDir{dir.filePath(QStringLiteral("data"))}, &settings);
        QVERIFY(opened.ok());
        Studio *studio = opened->get();
        bool created = false;
        studio->createFunction(QStringLiteral("linked"), Runtime::Python3, QStringLiteral("hello-world"), studio,
                               [&created](Result<QString> r) { created = r.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(created, 20000);

        const QString folder = dir.filePath(QStringLiteral("src"));
        QVERIFY(QDir().mkpath(folder));
        auto write = [&folder](const QByteArray &value) {
            QFile f(folder + QStringLiteral("/lambda_function.py"));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("def lambda_handler(event, context):\n    return {'value': " + value + "}\n");
        };
        write("1");
        QSignalSpy deployed(studio, &Studio::linkedDeployed);
        studio->linkFolder(QStringLiteral("linked"), folder);
        QCOMPARE(studio->linkedFolder(QStringLiteral("linked")), folder);
        QVERIFY(deployed.wait(20000));
        QCOMPARE(deployed.last().at(1).toBool(), true);
        auto invoke = [studio]() -> QJsonObject {
            QJsonObject out;
            bool done = false;
            studio->invoke(QStringLiteral("linked"), QStringLiteral("$LATEST"), "{}", TriggerKind::Manual, studio,
                           [&](engine::InvokeResult r) {
                               out = QJsonDocument::fromJson(r.response).object();
                               done = true;
                           });
            if (!QTest::qWaitFor([&done] { return done; }, 20000))
                return QJsonObject{{QStringLiteral("error"), QStringLiteral("no answer in 20 s")}};
            return out;
        };
        QTRY_COMPARE_WITH_TIMEOUT(invoke().value(QStringLiteral("value")).toInt(), 1, 10000);
        // The folder keeps its function.json out: the draft's is kept.
        QVERIFY(QFileInfo::exists(studio->draftDir(QStringLiteral("linked")) + QStringLiteral("/function.json")));

        deployed.clear();
        write("2");
        QVERIFY(deployed.wait(20000));
        QCOMPARE(deployed.last().at(1).toBool(), true);
        QTRY_COMPARE_WITH_TIMEOUT(invoke().value(QStringLiteral("value")).toInt(), 2, 10000);

        // A broken function.json is refused; the last good code keeps running.
        deployed.clear();
        QFile bad(folder + QStringLiteral("/function.json"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"runtime\": \"python3\"}");
        bad.close();
        QVERIFY(deployed.wait(20000));
        QCOMPARE(deployed.last().at(1).toBool(), false);
        QVERIFY2(deployed.last().at(2).toString().contains(QLatin1String("handler: required")), qPrintable(deployed.last().at(2).toString()));
        QCOMPARE(invoke().value(QStringLiteral("value")).toInt(), 2);
        studio->unlinkFolder(QStringLiteral("linked"));
        QVERIFY(studio->linkedFolder(QStringLiteral("linked")).isEmpty());
    }

    void buildPanelSaysWhatTheBuildDid()
    {
        BuildPanel panel;
        build::Record r;
        r.outcome = build::Outcome::Cached;
        r.tool = QStringLiteral("pip");
        r.durationMs = 12;
        r.totalBytes = 3 * 1024 * 1024;
        r.log = QStringLiteral("Dependencies unchanged");
        panel.setRecord(r);
        QCOMPARE(panel.summary(), QStringLiteral("Build: dependencies unchanged, from the cache in 12 ms; 3.0 MB with the code"));
        QVERIFY(!panel.isBuilding());

        panel.started();
        QVERIFY(panel.isBuilding());
        panel.appendLine(QStringLiteral("Collecting requests"));
        QCOMPARE(panel.log(), QStringLiteral("Collecting requests"));

        panel.failed(QStringLiteral("Build failed: pip install exited with code 1\nNo matching distribution"));
        QVERIFY(!panel.isBuilding());
        QCOMPARE(panel.summary(), QStringLiteral("Deploy refused: the last good version keeps running"));
        QVERIFY(panel.log().contains(QLatin1String("No matching distribution")));
    }
};

QTEST_MAIN(TestLayersUi)
#include "tst_layersui.moc"
