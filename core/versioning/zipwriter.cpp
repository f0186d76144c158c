#include "zipwriter.h"

#include <QFile>
#include <QTemporaryDir>

#include <sys/stat.h>
#include <zip.h>

namespace funcdesk::zipwriter {

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

} // namespace funcdesk::zipwriter
