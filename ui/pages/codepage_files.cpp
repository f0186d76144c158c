// CodePage's writes to the draft: save (atomic, through QSaveFile), deploy through
// Studio, and new, renamed and deleted files.
#include "codepage.h"

#include "ui/widgets/buildpanel.h"

#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QInputDialog>
#include <QSaveFile>
#include <QTabBar>

namespace funcdesk::ui {

bool CodePage::save()
{
    if (m_readOnly)
        return false;
    syncEditorToBuffer();
    const QString path = currentFile();
    if (path.isEmpty())
        return true;
    Buffer &b = m_buffers[path];
    QSaveFile f(absolute(path)); // atomic: a crash never leaves half a file
    if (!f.open(QIODevice::WriteOnly) || f.write(b.text.toUtf8()) < 0 || !f.commit()) {
        Q_EMIT statusMessage(tr("Could not save %1: %2").arg(path, f.errorString()));
        return false;
    }
    b.modified = false;
    updateTabs();
    Q_EMIT statusMessage(tr("Saved %1").arg(path));
    Q_EMIT draftChanged(m_function);
    return true;
}

bool CodePage::saveAll()
{
    if (m_readOnly)
        return false;
    syncEditorToBuffer();
    const QString current = currentFile();
    bool ok = true;
    for (const QString &path : std::as_const(m_open)) {
        Buffer &b = m_buffers[path];
        if (!b.modified)
            continue;
        QSaveFile f(absolute(path));
        if (f.open(QIODevice::WriteOnly) && f.write(b.text.toUtf8()) >= 0 && f.commit())
            b.modified = false;
        else
            ok = false;
    }
    updateTabs();
    if (!current.isEmpty())
        m_tabs->setCurrentIndex(int(m_open.indexOf(current)));
    Q_EMIT draftChanged(m_function);
    return ok;
}

void CodePage::promptDeploy()
{
    if (m_function.isEmpty() || m_readOnly)
        return;
    bool ok = false;
    const QString message = QInputDialog::getText(this, tr("Deploy %1").arg(m_function),
                                                  tr("Deploy message (what changed):"), QLineEdit::Normal,
                                                  tr("Update %1").arg(m_function), &ok);
    if (ok)
        deploy(message);
}

void CodePage::deploy(const QString &message)
{
    if (m_function.isEmpty() || m_readOnly)
        return;
    if (!saveAll())
        return;
    const QString function = m_function;
    Q_EMIT statusMessage(tr("Deploying %1…").arg(function));
    m_build->started();
    m_studio->deploy(function, message, this, [this, function](Result<QString> commit) {
        if (!commit.ok()) {
            if (function == m_function && commit.error().type != errc::NothingToDeploy)
                m_build->failed(commit.error().message);
            else
                reloadBuild();
            Q_EMIT statusMessage(tr("Deploy failed: %1").arg(commit.error().message.section(QLatin1Char('\n'), 0, 0)));
            return;
        }
        reloadBuild();
        Q_EMIT statusMessage(tr("Deployed %1 as %2; the next $LATEST invocation is a cold start.")
                                 .arg(function, commit->left(8)));
        Q_EMIT deployed(function, *commit);
    });
}

bool CodePage::createFile(const QString &relativePath)
{
    if (m_readOnly || relativePath.contains(QStringLiteral("..")) || QDir::isAbsolutePath(relativePath)) {
        Q_EMIT statusMessage(tr("“%1” must be a path inside the function.").arg(relativePath));
        return false;
    }
    const QString path = absolute(relativePath);
    if (QFileInfo::exists(path)) {
        Q_EMIT statusMessage(tr("%1 already exists.").arg(relativePath));
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        Q_EMIT statusMessage(tr("Cannot create %1: %2").arg(relativePath, f.errorString()));
        return false;
    }
    f.close();
    Q_EMIT draftChanged(m_function);
    return openFile(relativePath);
}

bool CodePage::renameFile(const QString &from, const QString &to)
{
    if (m_readOnly || to.contains(QStringLiteral("..")) || QDir::isAbsolutePath(to))
        return false;
    QDir().mkpath(QFileInfo(absolute(to)).absolutePath());
    if (!QFile::rename(absolute(from), absolute(to))) {
        Q_EMIT statusMessage(tr("Cannot rename %1 to %2.").arg(from, to));
        return false;
    }
    if (m_buffers.contains(from)) {
        m_buffers.insert(to, m_buffers.take(from));
        m_open[m_open.indexOf(from)] = to;
        updateTabs();
    }
    Q_EMIT draftChanged(m_function);
    return true;
}

bool CodePage::deleteFile(const QString &relativePath)
{
    if (m_readOnly || !QFile::remove(absolute(relativePath)))
        return false;
    const qsizetype i = m_open.indexOf(relativePath);
    if (i >= 0) {
        m_open.removeAt(i);
        m_buffers.remove(relativePath);
        updateTabs();
        if (!m_open.isEmpty())
            showBuffer(m_open.first());
        else
            m_editor->clear();
    }
    Q_EMIT draftChanged(m_function);
    return true;
}

} // namespace funcdesk::ui
