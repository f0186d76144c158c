#include "versionspage.h"

#include "ui/studio.h"
#include "ui/widgets/codeeditor.h"
#include "ui/widgets/emptystate.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
QString pickHint()
{
    return VersionsPage::tr("Select a deploy above to see what changed from it to the draft,\n"
                            "or two deploys (Ctrl+click) to compare them.");
}
} // namespace

VersionsPage::VersionsPage(Studio *studio, QWidget *parent)
    : QWidget(parent), m_studio(studio), m_historyTable(new QTableWidget(0, 5, this)), m_diff(new CodeEditor(this)),
      m_diffTitle(new QLabel(this)), m_aliasTable(new QTableWidget(0, 4, this)), m_aliasName(new QLineEdit(this)),
      m_aliasVersion(new QComboBox(this)), m_aliasSecond(new QComboBox(this)), m_weight(new QSlider(Qt::Horizontal, this)),
      m_weightLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("versionsPage"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(buildHistory());
    split->addWidget(buildDiff());
    split->addWidget(buildAliases());
    split->setChildrenCollapsible(false);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1); // the diff takes what the window gains
    split->setStretchFactor(2, 0);
    split->setSizes({180, 360, 190});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

QWidget *VersionsPage::buildHistory()
{
    m_historyTable->setHorizontalHeaderLabels({tr("Deployed"), tr("Message"), tr("Files"), tr("Versions"), tr("Commit")});
    m_historyTable->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_historyTable->verticalHeader()->hide();
    m_historyTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyTable->setToolTip(tr("Select one entry to compare it with the draft, or two to compare them."));
    auto *publishButton = new QPushButton(tr("Publish version…"), this);
    publishButton->setToolTip(tr("Publish the deployed code as an immutable version (Ctrl+Shift+P)"));
    auto *diffButton = new QPushButton(tr("Compare"), this);
    auto *restoreButton = new QPushButton(tr("Restore into draft"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(publishButton);
    buttons->addStretch();
    buttons->addWidget(diffButton);
    buttons->addWidget(restoreButton);
    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_historyTable, 1);
    topLayout->addLayout(buttons);

    connect(publishButton, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString description = QInputDialog::getText(this, tr("Publish %1").arg(m_function),
                                                          tr("Version description:"), QLineEdit::Normal, QString(), &ok);
        if (ok)
            publish(description);
    });
    connect(diffButton, &QPushButton::clicked, this, [this] {
        const QStringList refs = selectedRefs();
        if (refs.size() == 1)
            showDiff(refs.at(0), QString());
        else if (refs.size() >= 2)
            showDiff(refs.at(1), refs.at(0)); // older -> newer
    });
    connect(m_historyTable, &QTableWidget::itemSelectionChanged, this, [this] {
        const QStringList refs = selectedRefs();
        if (refs.size() == 1)
            showDiff(refs.at(0), QString());
        else if (refs.size() == 2)
            showDiff(refs.at(1), refs.at(0));
    });
    connect(restoreButton, &QPushButton::clicked, this, [this] {
        const QStringList refs = selectedRefs();
        if (refs.size() != 1)
            return;
        if (QMessageBox::question(this, tr("Restore into draft"),
                                  tr("Replace the draft of %1 with the code of %2? The draft is not deployed until you deploy it.")
                                      .arg(m_function, refs.at(0).left(8)))
            == QMessageBox::Yes)
            restore(refs.at(0));
    });
    return top;
}

QWidget *VersionsPage::buildDiff()
{
    m_diff->setLanguageForFile(QStringLiteral("changes.diff"));
    m_diff->setReadOnly(true);
    auto *diffSide = new QWidget(this);
    auto *diffLayout = new QVBoxLayout(diffSide);
    diffLayout->setContentsMargins(0, 0, 0, 0);
    diffLayout->addWidget(m_diffTitle);
    diffLayout->addWidget(m_diff, 1);
    // Until deploys are picked there is nothing to show: say how to get a diff.
    m_diffPane = new EmptyState(diffSide, this);
    m_diffPane->setObjectName(QStringLiteral("diffPane"));
    m_diffPane->showHint(pickHint());
    return m_diffPane;
}

void VersionsPage::setFunction(const QString &name)
{
    m_function = name;
    m_history.clear();
    m_versions.clear();
    m_aliases.clear();
    m_diff->clear();
    m_diffPane->showHint(pickHint());
    reload();
}

void VersionsPage::reload()
{
    const QString function = m_function;
    if (function.isEmpty())
        return;
    m_studio->history(function, this, [this, function](Result<QList<DeployInfo>> history) {
        if (function != m_function)
            return;
        if (!history.ok()) {
            Q_EMIT statusMessage(history.error().message);
            return;
        }
        m_history = *history;
        fillHistory();
    });
    m_studio->versions(function, this, [this, function](Result<QList<VersionInfo>> versions) {
        if (function != m_function || !versions.ok())
            return;
        m_versions = *versions;
        m_aliasVersion->clear();
        m_aliasSecond->clear();
        m_aliasSecond->addItem(tr("(none)"), QString());
        for (const VersionInfo &v : std::as_const(m_versions)) {
            m_aliasVersion->addItem(tr("Version %1").arg(v.number), QString::number(v.number));
            m_aliasSecond->addItem(tr("Version %1").arg(v.number), QString::number(v.number));
        }
        m_aliasVersion->addItem(QStringLiteral("$LATEST"), QStringLiteral("$LATEST"));
    });
    m_studio->aliases(function, this, [this, function](Result<QList<AliasConfig>> aliases) {
        if (function != m_function || !aliases.ok())
            return;
        m_aliases = *aliases;
        fillAliases();
    });
}

void VersionsPage::fillHistory()
{
    m_historyTable->setRowCount(int(m_history.size()));
    for (int row = 0; row < m_history.size(); ++row) {
        const DeployInfo &d = m_history.at(row);
        QStringList versions;
        for (int v : d.versions)
            versions.append(QStringLiteral("v") + QString::number(v));
        const QStringList cells{d.time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), d.message.trimmed(),
                                QStringLiteral("+%1 ~%2 −%3").arg(d.filesAdded).arg(d.filesModified).arg(d.filesDeleted),
                                versions.join(QStringLiteral(", ")), d.commitId.left(10)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells.at(c));
            item->setData(Qt::UserRole, d.commitId);
            m_historyTable->setItem(row, c, item);
        }
    }
    m_historyTable->resizeColumnToContents(0);
}

QStringList VersionsPage::selectedRefs() const
{
    QStringList refs;
    const auto rows = m_historyTable->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        refs.append(m_historyTable->item(index.row(), 0)->data(Qt::UserRole).toString());
    // Newest first, as the table is.
    std::sort(refs.begin(), refs.end(), [this](const QString &a, const QString &b) {
        auto pos = [this](const QString &id) {
            for (int i = 0; i < m_history.size(); ++i)
                if (m_history.at(i).commitId == id)
                    return i;
            return 0;
        };
        return pos(a) < pos(b);
    });
    return refs;
}

void VersionsPage::showDiff(const QString &fromRef, const QString &toRef)
{
    const QString function = m_function;
    m_diffTitle->setText(toRef.isEmpty() ? tr("Changes from %1 to the draft").arg(fromRef.left(10))
                                         : tr("Changes from %1 to %2").arg(fromRef.left(10), toRef.left(10)));
    m_diffPane->showContent();
    m_studio->diff(function, fromRef, toRef, this, [this, function](Result<QList<FileDiff>> diff) {
        if (function != m_function)
            return;
        if (!diff.ok()) {
            m_diff->setText(diff.error().message);
            return;
        }
        QString text;
        for (const FileDiff &f : *diff)
            text += f.patch;
        m_diff->setText(text.isEmpty() ? tr("No differences.") : text);
    });
}

QString VersionsPage::diffText() const
{
    return m_diff->text();
}

bool VersionsPage::showsDiffHint() const
{
    return m_diffPane->showsHint();
}

int VersionsPage::historyCount() const
{
    return int(m_history.size());
}

void VersionsPage::publish(const QString &description)
{
    const QString function = m_function;
    m_studio->publish(function, description, this, [this, function](Result<VersionInfo> v) {
        if (!v.ok()) {
            Q_EMIT statusMessage(v.error().type == errc::NothingToPublish
                                     ? tr("Nothing to publish: the deployed code already is the newest version. Deploy a change first.")
                                     : tr("Publish failed: %1").arg(v.error().message));
            return;
        }
        Q_EMIT statusMessage(tr("Published %1 version %2.").arg(function).arg(v->number));
        Q_EMIT published(function, v->number);
        reload();
    });
}

void VersionsPage::restore(const QString &ref)
{
    const QString function = m_function;
    m_studio->restore(function, ref, this, [this, function, ref](Result<bool> r) {
        Q_EMIT statusMessage(r.ok() ? tr("Restored %1 into the draft of %2. Deploy to run it.").arg(ref.left(10), function)
                                    : tr("Restore failed: %1").arg(r.error().message));
        if (r.ok())
            Q_EMIT draftChanged(function);
    });
}

} // namespace funcdesk::ui
