#include "versioning/codezip.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QDirIterator>
#include <QFileInfo>

#include <zip.h>

#include <sys/stat.h>

#include <memory>

namespace funcdesk::codezip {
namespace {

// Owner of an open archive: discarded (nothing written) unless close() commits it.
struct ZipDiscard
{
    void operator()(zip_t *z) const { zip_discard(z); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipDiscard>;

Error zipError(const QString &what, zip_t *z)
{
    return makeError(errc::IOError, what + QStringLiteral(": ") + QString::fromLocal8Bit(zip_strerror(z)));
}

} // namespace

Result<QStringList> writeCodeZip(const QString &codeDirIn, const QString &zipPathIn)
{
    // Absolute paths: libzip reads the sources only when the archive is closed.
    const QString codeDir = codeDirIn.isEmpty() ? QString() : QFileInfo(codeDirIn).absoluteFilePath();
    const QString zipPath = QFileInfo(zipPathIn).absoluteFilePath();
    const QDir root(codeDir);
    if (codeDir.isEmpty() || !root.exists())
        return makeError(errc::IOError, QStringLiteral("code directory not found: ") + codeDir);

    QStringList files;
    QDirIterator it(codeDir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString rel = root.relativeFilePath(path);
        if (rel == QLatin1String(".git") || rel.startsWith(QLatin1String(".git/")))
            continue;
        files << rel;
    }
    files.sort();

    QFile::remove(zipPath);
    int errorCode = 0;
    ZipHandle zip(zip_open(QFile::encodeName(zipPath).constData(), ZIP_CREATE | ZIP_TRUNCATE, &errorCode));
    if (!zip) {
        zip_error_t error;
        zip_error_init_with_code(&error, errorCode);
        const QString message = QString::fromLocal8Bit(zip_error_strerror(&error));
        zip_error_fini(&error);
        return makeError(errc::IOError, QStringLiteral("cannot create ") + zipPath + QStringLiteral(": ") + message);
    }
    for (const QString &rel : files) {
        const QString abs = root.path() + QLatin1Char('/') + rel; // not filePath(): ":name" is a resource path to it
        zip_source_t *source = zip_source_file(zip.get(), QFile::encodeName(abs).constData(), 0, -1);
        if (!source)
            return zipError(QStringLiteral("cannot read ") + abs, zip.get());
        const zip_int64_t index = zip_file_add(zip.get(), rel.toUtf8().constData(), source, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
        if (index < 0) {
            zip_source_free(source); // still ours when adding failed
            return zipError(QStringLiteral("cannot add ") + rel, zip.get());
        }
        struct stat st
        {
        };
        const zip_uint32_t mode = ::stat(QFile::encodeName(abs).constData(), &st) == 0 ? st.st_mode : (S_IFREG | 0644);
        zip_file_set_external_attributes(zip.get(), zip_uint64_t(index), 0, ZIP_OPSYS_UNIX, mode << 16);
    }
    if (zip_close(zip.get()) != 0)
        return zipError(QStringLiteral("cannot write ") + zipPath, zip.get());
    (void)zip.release(); // closed and freed by zip_close
    return files;
}

Result<QStringList> zipEntries(const QString &zipPath)
{
    int errorCode = 0;
    ZipHandle zip(zip_open(QFile::encodeName(zipPath).constData(), ZIP_RDONLY, &errorCode));
    if (!zip)
        return makeError(errc::IOError, QStringLiteral("cannot open ") + zipPath);
    QStringList names;
    const zip_int64_t count = zip_get_num_entries(zip.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i)
        names << QString::fromUtf8(zip_get_name(zip.get(), zip_uint64_t(i), 0));
    names.sort();
    return names;
}

Result<QByteArray> zipFiles(const SourceFiles &files)
{
    QTemporaryDir tmp;
    if (!tmp.isValid())
        return makeError(errc::IOError, QStringLiteral("cannot create a temporary folder"));
    const QByteArray path = QFile::encodeName(tmp.filePath(QStringLiteral("out.zip")));
    int err = 0;
    zip_t *z = zip_open(path.constData(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z)
        return makeError(errc::IOError, QStringLiteral("cannot create a zip (libzip error %1)").arg(err));
    // libzip reads the buffers at zip_close(): they must live until then.
    QList<QByteArray> keep;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        const bool link = !it->symlinkTarget.isEmpty();
        keep.append(link ? it->symlinkTarget.toUtf8() : it->content);
        const QByteArray &data = keep.last();
        zip_source_t *src = zip_source_buffer(z, data.constData(), zip_uint64_t(data.size()), 0);
        const QByteArray name = it.key().toUtf8();
        const zip_int64_t index = src ? zip_file_add(z, name.constData(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) : -1;
        if (index < 0) {
            const QString why = QString::fromUtf8(zip_strerror(z));
            if (src)
                zip_source_free(src);
            zip_discard(z);
            return makeError(errc::IOError, QStringLiteral("cannot add %1 to the zip: %2").arg(it.key(), why));
        }
        const zip_uint32_t mode = link ? (S_IFLNK | 0777) : (S_IFREG | (it->executable ? 0755 : 0644));
        zip_file_set_external_attributes(z, zip_uint64_t(index), 0, ZIP_OPSYS_UNIX, mode << 16);
    }
    if (zip_close(z) != 0) {
        const QString why = QString::fromUtf8(zip_strerror(z));
        zip_discard(z);
        return makeError(errc::IOError, QStringLiteral("cannot write the zip: %1").arg(why));
    }
    QFile f(QFile::decodeName(path));
    if (!f.open(QIODevice::ReadOnly))
        return makeError(errc::IOError, f.errorString());
    return f.readAll();
}


} // namespace funcdesk::codezip
