#include "functionexplorer.h"

#include "ui/models/functionlistmodel.h"

#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPainter>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>
#include <QToolButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {

// Paints the row as the default delegate does, then state badges on the right:
// green "N warm", blue "N prov", red "N err".
class FunctionDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QSize s = QStyledItemDelegate::sizeHint(option, index);
        s.setHeight(std::max(s.height(), 28));
        return s;
    }

    void paint(QPainter *p, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(p, option, index);
        struct Badge
        {
            int count;
            QColor color;
            QString text;
        };
        const bool alarm = !index.data(FunctionListModel::AlarmRole).toString().isEmpty();
        const Badge badges[] = {
            {alarm ? 1 : 0, QColor(0xb7, 0x1c, 0x1c), QStringLiteral("ALARM")},
            {index.data(FunctionListModel::RecentErrorsRole).toInt(), QColor(0xc6, 0x28, 0x28), QStringLiteral("err")},
            {index.data(FunctionListModel::ProvisionedRole).toInt(), QColor(0x15, 0x65, 0xc0), QStringLiteral("prov")},
            {index.data(FunctionListModel::WarmRole).toInt(), QColor(0x2e, 0x7d, 0x32), QStringLiteral("warm")},
        };
        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        QFont f = option.font;
        f.setPointSizeF(f.pointSizeF() * 0.8);
        p->setFont(f);
        int right = option.rect.right() - 4;
        for (const Badge &b : badges) {
            if (b.count <= 0)
                continue;
            const QString text = b.text == QLatin1String("ALARM") ? b.text : QString::number(b.count) + QLatin1Char(' ') + b.text;
            const int w = p->fontMetrics().horizontalAdvance(text) + 10;
            const QRect r(right - w, option.rect.center().y() - 8, w, 16);
            p->setPen(Qt::NoPen);
            p->setBrush(b.color);
            p->drawRoundedRect(r, 8, 8);
            p->setPen(Qt::white);
            p->drawText(r, Qt::AlignCenter, text);
            right -= w + 4;
        }
        p->restore();
    }
};

} // namespace

FunctionExplorer::FunctionExplorer(FunctionListModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_proxy(new QSortFilterProxyModel(this)), m_search(new QLineEdit(this)),
      m_view(new QListView(this))
{
    setObjectName(QStringLiteral("functionExplorer"));
    m_proxy->setSourceModel(model);
    m_proxy->setFilterRole(FunctionListModel::NameRole);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_search->setPlaceholderText(tr("Search functions"));
    m_search->setClearButtonEnabled(true);
    m_view->setModel(m_proxy);
    m_view->setItemDelegate(new FunctionDelegate(m_view));
    m_view->setIconSize(QSize(20, 20));
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);

    auto *add = new QToolButton(this);
    add->setText(tr("+ New"));
    add->setToolTip(tr("New function from a template (Ctrl+N)"));
    add->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(m_search, 1);
    top->addWidget(add);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_view, 1);

    connect(add, &QToolButton::clicked, this, &FunctionExplorer::newFunctionRequested);
    connect(m_search, &QLineEdit::textChanged, this, &FunctionExplorer::setFilterText);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, [this](const QModelIndex &current) {
        // Only the user's choice is news: a selection restored after the list reloaded (a
        // function created elsewhere, e.g. by a Learn scenario) must not pull the window
        // away from the page it shows.
        if (current.isValid() && !m_selectingProgrammatically)
            Q_EMIT functionSelected(current.data(FunctionListModel::NameRole).toString());
    });
    connect(m_view, &QListView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex index = m_view->indexAt(pos);
        QMenu menu(this);
        menu.addAction(tr("New function…"), this, &FunctionExplorer::newFunctionRequested);
        if (index.isValid()) {
            const QString name = index.data(FunctionListModel::NameRole).toString();
            menu.addAction(tr("Rename “%1”…").arg(name), this, [this, name] { Q_EMIT renameRequested(name); });
            menu.addAction(tr("Delete “%1”…").arg(name), this, [this, name] { Q_EMIT deleteRequested(name); });
        }
        menu.exec(m_view->viewport()->mapToGlobal(pos));
    });
}

QString FunctionExplorer::currentFunction() const
{
    return m_view->currentIndex().data(FunctionListModel::NameRole).toString();
}

void FunctionExplorer::selectFunction(const QString &name)
{
    const int row = m_model->rowOf(name);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row));
    if (index.isValid() && index != m_view->currentIndex()) {
        m_selectingProgrammatically = true;
        m_view->setCurrentIndex(index);
        m_selectingProgrammatically = false;
    }
}

void FunctionExplorer::focusSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FunctionExplorer::setFilterText(const QString &text)
{
    if (m_search->text() != text)
        m_search->setText(text);
    m_proxy->setFilterFixedString(text);
}

int FunctionExplorer::visibleCount() const
{
    return m_proxy->rowCount();
}

} // namespace funcdesk::ui
