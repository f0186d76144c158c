#include "commandpalette.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListView>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
constexpr int kIndexRole = Qt::UserRole + 1;
}

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint), m_filter(new QLineEdit(this)), m_list(new QListView(this)), m_model(new QStandardItemModel(this)), m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    m_filter->setPlaceholderText(tr("Type a command or a function name…"));
    m_filter->setClearButtonEnabled(true);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_list->setModel(m_proxy);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setUniformItemSizes(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_filter);
    layout->addWidget(m_list);
    resize(520, 360);

    connect(m_filter, &QLineEdit::textChanged, this, &CommandPalette::setFilterText);
    connect(m_list, &QListView::activated, this, [this] { activateCurrent(); });
    m_filter->installEventFilter(this);
}

void CommandPalette::setEntries(QList<PaletteEntry> entries)
{
    m_entries = std::move(entries);
    m_model->clear();
    for (int i = 0; i < m_entries.size(); ++i) {
        const auto &e = m_entries.at(i);
        auto *item = new QStandardItem(e.detail.isEmpty() ? e.title : e.title + QStringLiteral("    ") + e.detail);
        item->setData(i, kIndexRole);
        item->setToolTip(e.detail);
        m_model->appendRow(item);
    }
    m_filter->clear();
    setFilterText(QString());
}

int CommandPalette::visibleCount() const
{
    return m_proxy->rowCount();
}

void CommandPalette::setFilterText(const QString &text)
{
    if (m_filter->text() != text)
        m_filter->setText(text);
    // Every word must appear somewhere, in any order ("dep hel" finds "Deploy hello").
    QString pattern;
    const auto words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &w : words)
        pattern += QStringLiteral("(?=.*") + QRegularExpression::escape(w) + QLatin1Char(')');
    m_proxy->setFilterRegularExpression(
        QRegularExpression(pattern, QRegularExpression::CaseInsensitiveOption));
    if (m_proxy->rowCount() > 0)
        m_list->setCurrentIndex(m_proxy->index(0, 0));
}

bool CommandPalette::activateCurrent()
{
    const QModelIndex index = m_list->currentIndex();
    if (!index.isValid())
        return false;
    const int i = index.data(kIndexRole).toInt();
    accept();
    if (i >= 0 && i < m_entries.size() && m_entries.at(i).trigger)
        m_entries.at(i).trigger();
    return true;
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_filter && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const int row = m_list->currentIndex().row();
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentIndex(m_proxy->index(std::min(row + 1, m_proxy->rowCount() - 1), 0));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentIndex(m_proxy->index(std::max(row - 1, 0), 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activateCurrent();
            return true;
        default:
            break;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace funcdesk::ui
