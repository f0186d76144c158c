// Git import (versioning/importer.h readGit): a repository the user points Funcdesk at is
// untrusted, and libgit2 reads its trees as they are, names included. readGit clones a
// local repository (git's own transport, not fuzzed here: no network, and a clone copies
// objects unchanged), hands the commit's tree to treefiles::readTree and checks the file
// set (importer::checkFileSet); this target does the same on a tree it builds from the
// input, raw, in an in-memory object database (git_mempack, reset for every input), so
// names git itself would never write ("..", "a/b", ".git", empty, non-UTF-8) and odd
// modes reach readTree. What reads is written the way a deploy
// writes it (treefiles::writeFiles) into <scratch>/a/b/c/out. Invariant: nothing appears
// outside `out`, whatever the result.
//
// Input, one item a line:
//   subdir <folder>                 (optional, first line: readTree's subdirectory)
//   tree                            starts tree 0, 1, ... (tree 0 is the commit's tree)
//   <mode> <name>\t<ref>            an entry: <mode> octal as git writes it (100644,
//                                   100755, 120000, 40000, 160000, or anything),
//                                   <ref> "blob:<content>" ("\n" written as \n),
//                                   "tree:<n>" (a later tree), anything else: a missing object
#include "fuzzsupport.h"
#include "versioning/git.h"
#include "versioning/importer.h"
#include "versioning/treefiles.h"

#include <git2/sys/mempack.h>
#include <git2/sys/repository.h>

#include <QDir>

using namespace funcdesk;

namespace {

struct Entry
{
    QByteArray mode;
    QByteArray name;
    QByteArray ref;
};

struct Odb
{
    git_odb *odb = nullptr;
    git_odb_backend *mempack = nullptr;
    git_repository *repo = nullptr;
};

Odb &odb()
{
    static Odb o = [] {
        git::ensureInitialized();
        Odb x;
        if (git_odb_new(&x.odb) != 0 || git_mempack_new(&x.mempack) != 0 || git_odb_add_backend(x.odb, x.mempack, 1) != 0
            || git_repository_wrap_odb(&x.repo, x.odb) != 0)
            fuzz::fail("cannot make the in-memory repository");
        return x;
    }();
    return o;
}

git_oid missingOid()
{
    git_oid oid;
    git_oid_fromstr(&oid, "0123456789abcdef0123456789abcdef01234567");
    return oid;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    Odb &o = odb();
    git_mempack_reset(o.mempack);

    QList<QByteArray> lines = fuzz::bytes(data, size).split('\n');
    QString subdirectory;
    if (!lines.isEmpty() && lines.first().startsWith("subdir ")) {
        subdirectory = QString::fromUtf8(lines.first().mid(7));
        lines.removeFirst();
    }
    QList<QList<Entry>> trees;
    for (const QByteArray &line : lines) {
        if (line == "tree") {
            if (trees.size() >= 16)
                break;
            trees.append(QList<Entry>());
            continue;
        }
        if (trees.isEmpty() || trees.last().size() >= 64)
            continue;
        const qsizetype space = line.indexOf(' ');
        const qsizetype tab = line.indexOf('\t', space + 1);
        if (space < 0 || tab < 0)
            continue;
        trees.last().append({line.left(space), line.mid(space + 1, tab - space - 1), line.mid(tab + 1)});
    }
    if (trees.isEmpty())
        return 0;

    // Later trees first, so every "tree:<n>" knows its object id.
    QList<git_oid> treeOids(trees.size(), missingOid());
    for (qsizetype t = trees.size() - 1; t >= 0; --t) {
        QByteArray raw;
        for (const Entry &e : trees[t]) {
            git_oid oid = missingOid();
            if (e.ref.startsWith("blob:")) {
                QByteArray content = e.ref.mid(5);
                content.replace("\\n", "\n");
                if (git_odb_write(&oid, o.odb, content.constData(), size_t(content.size()), GIT_OBJECT_BLOB) != 0)
                    fuzz::fail("cannot write a blob");
            } else if (e.ref.startsWith("tree:")) {
                bool ok = false;
                const int n = e.ref.mid(5).toInt(&ok);
                if (ok && n > t && n < trees.size())
                    oid = treeOids[n];
            }
            raw += e.mode + ' ' + e.name + '\0' + QByteArray(reinterpret_cast<const char *>(oid.id), GIT_OID_RAWSZ);
        }
        if (git_odb_write(&treeOids[t], o.odb, raw.constData(), size_t(raw.size()), GIT_OBJECT_TREE) != 0)
            fuzz::fail("cannot write a tree");
    }

    git::Tree root;
    if (git_tree_lookup(root.out(), o.repo, &treeOids[0]) != 0)
        return 0; // a tree libgit2 cannot parse: readGit fails the same way
    const Result<SourceFiles> files = treefiles::readTree(o.repo, root.get(), subdirectory);
    if (!files.ok()) {
        if (files.error().message.isEmpty())
            fuzz::fail("readTree error without a message");
        return 0;
    }
    if (Status s = importer::checkFileSet(*files, QStringLiteral("git entry")); !s.ok())
        return 0;
    const QString scratch = fuzz::freshScratch();
    const QString out = scratch + QStringLiteral("/a/b/c/out");
    if (!QDir().mkpath(out))
        fuzz::fail("cannot create the output folder");
    (void)treefiles::writeFiles(out, *files);
    fuzz::checkNothingOutside(out);
    return 0;
}
