// Zip import (versioning/importer.h readZip): what CreateFunction / UpdateFunctionCode
// (base64 in the body), `funcdesk deploy --zip` and the GUI's import read. The input is
// the zip file. What reads is then written the way a deploy writes it
// (treefiles::writeFiles) into <scratch>/a/b/c/out. Invariants: every accepted path and
// symlink passes the path checks, and nothing appears outside `out`, whatever the result.
#include "fuzzsupport.h"
#include "versioning/importer.h"
#include "versioning/treefiles.h"

#include <QDir>
#include <QFile>

using namespace funcdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QString scratch = fuzz::freshScratch();
    const QString zipPath = scratch + QStringLiteral("/in.zip");
    {
        QFile f(zipPath);
        if (!f.open(QIODevice::WriteOnly) || f.write(reinterpret_cast<const char *>(data), qint64(size)) != qint64(size))
            fuzz::fail("cannot write the zip");
    }
    const Result<SourceFiles> files = importer::readZip(zipPath);
    if (!files.ok()) {
        if (files.error().message.isEmpty())
            fuzz::fail("zip error without a message");
        return 0;
    }
    for (auto it = files->cbegin(); it != files->cend(); ++it) {
        if (!treefiles::checkRelativePath(it.key(), QStringLiteral("entry")).ok())
            fuzz::fail("readZip accepted a path that leaves the function directory", it.key().toUtf8());
        if (!it->symlinkTarget.isEmpty() && !treefiles::checkSymlinkTarget(it.key(), it->symlinkTarget, QStringLiteral("entry")).ok())
            fuzz::fail("readZip accepted a symlink that leaves the function directory", it.key().toUtf8());
    }
    const QString out = scratch + QStringLiteral("/a/b/c/out");
    if (!QDir().mkpath(out))
        fuzz::fail("cannot create the output folder");
    (void)treefiles::writeFiles(out, *files);
    fuzz::checkNothingOutside(out, {zipPath});
    return 0;
}
