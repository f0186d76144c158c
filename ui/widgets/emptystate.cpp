#include "emptystate.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

EmptyState::EmptyState(QWidget *content, QWidget *parent)
    : QStackedWidget(parent), m_content(content), m_hintPage(new QWidget(this)), m_hint(new QLabel(m_hintPage)),
      m_hintLayout(new QVBoxLayout(m_hintPage))
{
    m_hint->setObjectName(QStringLiteral("emptyHint"));
    m_hint->setAlignment(Qt::AlignCenter);
    m_hint->setWordWrap(true);
    m_hint->setForegroundRole(QPalette::PlaceholderText); // follows theme changes by itself
    // Added without an alignment flag: a word-wrapped label placed by alignment is given
    // the height of its unwrapped text and loses its last lines.
    m_hintLayout->setContentsMargins(24, 12, 24, 12);
    m_hintLayout->addStretch(1);
    m_hintLayout->addWidget(m_hint);
    m_hintLayout->addStretch(1);
    addWidget(content);
    addWidget(m_hintPage);
}

void EmptyState::showContent()
{
    setCurrentWidget(m_content);
}

void EmptyState::showHint(const QString &text)
{
    m_hint->setText(text);
    setCurrentWidget(m_hintPage);
}

bool EmptyState::showsHint() const
{
    return currentWidget() == m_hintPage;
}

QString EmptyState::hintText() const
{
    return m_hint->text();
}

QPushButton *EmptyState::addHintButton(const QString &text)
{
    auto *button = new QPushButton(text, m_hintPage);
    m_hintLayout->insertWidget(m_hintLayout->count() - 1, button, 0, Qt::AlignHCenter);
    return button;
}

} // namespace funcdesk::ui
