#include "fuzzsupport.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace funcdesk::fuzz {

namespace {

void quiet(QtMsgType, const QMessageLogContext &, const QString &) {}

// Folders made read-only (exports) must become writable again before removal.
void removeAll(const QString &path)
{
    QDirIterator it(path, QDir::Dirs | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot | QDir::NoSymLinks,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString d = it.next();
        QFile::setPermissions(d, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QDir(path).removeRecursively();
}

// Heap objects, never destroyed: Qt's own globals may be gone when static destructors
// run at exit. The scratch folder is removed by an atexit handler registered after them.
QTemporaryDir &base()
{
    static QTemporaryDir *dir = [] {
        auto *d = new QTemporaryDir(QDir::tempPath() + QStringLiteral("/funcdesk-fuzz-XXXXXX"));
        d->setAutoRemove(false);
        std::atexit([] { removeAll(base().path()); });
        return d;
    }();
    return *dir;
}

} // namespace

void init()
{
    static QCoreApplication *app = nullptr;
    if (app)
        return;
    if (qEnvironmentVariableIsEmpty("FUNCDESK_FUZZ_VERBOSE"))
        qInstallMessageHandler(quiet);
    static int argc = 1;
    static char name[] = "funcdesk-fuzz";
    static char *argv[] = {name, nullptr};
    app = new QCoreApplication(argc, argv); // never destroyed, see base()
    if (!base().isValid())
        fail("cannot create the scratch folder");
}

QString scratchBase()
{
    return base().path();
}

QString freshScratch()
{
    const QString root = base().path();
    const QStringList entries = QDir(root).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &e : entries) {
        const QString p = root + QLatin1Char('/') + e;
        if (QFileInfo(p).isDir() && !QFileInfo(p).isSymLink())
            removeAll(p);
        else
            QFile::remove(p);
    }
    const QString dir = root + QStringLiteral("/run");
    if (!QDir().mkpath(dir))
        fail("cannot create the scratch run folder");
    // The working directory is an empty folder of the scratch too, so a write that
    // escapes to a relative path (QDir takes ":name" for an absolute resource path) is
    // seen by checkNothingOutside() instead of landing in the checkout.
    const QString cwd = root + QStringLiteral("/cwd");
    if (!QDir().mkpath(cwd) || !QDir::setCurrent(cwd))
        fail("cannot enter the scratch working folder");
    return dir;
}

void checkNothingOutside(const QString &allowedRoot, const QStringList &alsoAllowed)
{
    const QString root = base().path();
    QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString p = it.next();
        if (p == allowedRoot || p.startsWith(allowedRoot + QLatin1Char('/')) || p == root + QStringLiteral("/cwd"))
            continue;
        if (allowedRoot.startsWith(p + QLatin1Char('/')) || alsoAllowed.contains(p))
            continue; // a folder on the way to allowedRoot, or the target's own input
        fail("a file was written outside its folder", p.toUtf8());
    }
}

void fail(const char *what, const QByteArray &detail)
{
    std::fprintf(stderr, "\nFUNCDESK FUZZ FINDING: %s\n%s\n", what, detail.constData());
    std::fflush(stderr);
    std::abort();
}

} // namespace funcdesk::fuzz
