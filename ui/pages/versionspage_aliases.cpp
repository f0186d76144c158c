// VersionsPage's aliases: the table, the form with the weight slider for a second
// version (canary routing), and saving through Studio.
#include "versionspage.h"

#include "ui/studio.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>

namespace funcdesk::ui {

QWidget *VersionsPage::buildAliases()
{
    m_aliasTable->setHorizontalHeaderLabels({tr("Alias"), tr("Version"), tr("Second version"), tr("Weight")});
    m_aliasTable->horizontalHeader()->setStretchLastSection(true);
    m_aliasTable->verticalHeader()->hide();
    m_aliasTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_aliasTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_aliasName->setPlaceholderText(tr("e.g. prod"));
    m_weight->setRange(0, 100);
    m_weight->setObjectName(QStringLiteral("aliasWeight"));
    auto *aliasBox = new QGroupBox(tr("Aliases and weighted routing"), this);
    auto *aliasForm = new QFormLayout;
    aliasForm->addRow(tr("Name:"), m_aliasName);
    aliasForm->addRow(tr("Version:"), m_aliasVersion);
    aliasForm->addRow(tr("Also route to:"), m_aliasSecond);
    auto *weightRow = new QHBoxLayout;
    weightRow->addWidget(m_weight, 1);
    weightRow->addWidget(m_weightLabel);
    aliasForm->addRow(tr("Its share:"), weightRow);
    auto *saveAliasButton = new QPushButton(tr("Save alias"), aliasBox);
    aliasForm->addRow(QString(), saveAliasButton);
    auto *aliasLayout = new QHBoxLayout(aliasBox);
    aliasLayout->addWidget(m_aliasTable, 3);
    aliasLayout->addLayout(aliasForm, 2);

    connect(m_weight, &QSlider::valueChanged, this, &VersionsPage::updateWeightLabel);
    connect(m_aliasSecond, &QComboBox::currentIndexChanged, this, &VersionsPage::updateWeightLabel);
    connect(m_aliasVersion, &QComboBox::currentIndexChanged, this, &VersionsPage::updateWeightLabel);
    updateWeightLabel();
    connect(saveAliasButton, &QPushButton::clicked, this, [this] {
        saveAlias(m_aliasName->text().trimmed(), m_aliasVersion->currentData().toString(),
                  m_aliasSecond->currentData().toString(), m_weight->value() / 100.0);
    });
    connect(m_aliasTable, &QTableWidget::itemSelectionChanged, this, [this] {
        const int row = m_aliasTable->currentRow();
        if (row < 0 || row >= m_aliases.size())
            return;
        const AliasConfig &a = m_aliases.at(row);
        m_aliasName->setText(a.name);
        m_aliasVersion->setCurrentIndex(m_aliasVersion->findData(a.functionVersion));
        m_aliasSecond->setCurrentIndex(std::max(0, m_aliasSecond->findData(a.additionalVersion)));
        m_weight->setValue(int(a.additionalWeight * 100 + 0.5));
    });
    return aliasBox;
}

void VersionsPage::updateWeightLabel()
{
    const bool second = !m_aliasSecond->currentData().toString().isEmpty();
    m_weight->setEnabled(second);
    m_weightLabel->setText(second ? tr("%1 % to version %2, %3 % to version %4")
                                        .arg(m_weight->value())
                                        .arg(m_aliasSecond->currentText())
                                        .arg(100 - m_weight->value())
                                        .arg(m_aliasVersion->currentText())
                                  : tr("all traffic to one version"));
}

void VersionsPage::fillAliases()
{
    m_aliasTable->setRowCount(int(m_aliases.size()));
    for (int row = 0; row < m_aliases.size(); ++row) {
        const AliasConfig &a = m_aliases.at(row);
        const QStringList cells{a.name, a.functionVersion, a.additionalVersion.isEmpty() ? tr("—") : a.additionalVersion,
                                a.additionalVersion.isEmpty() ? tr("100 %")
                                                              : tr("%1 % / %2 %")
                                                                    .arg(qRound((1 - a.additionalWeight) * 100))
                                                                    .arg(qRound(a.additionalWeight * 100))};
        for (int c = 0; c < cells.size(); ++c)
            m_aliasTable->setItem(row, c, new QTableWidgetItem(cells.at(c)));
    }
}

void VersionsPage::saveAlias(const QString &alias, const QString &version, const QString &additionalVersion,
                             double weight)
{
    AliasConfig config;
    config.name = alias;
    config.functionVersion = version;
    config.additionalVersion = additionalVersion;
    config.additionalWeight = additionalVersion.isEmpty() ? 0 : weight;
    const bool create = std::none_of(m_aliases.cbegin(), m_aliases.cend(),
                                     [&](const AliasConfig &a) { return a.name == alias; });
    const QString function = m_function;
    m_studio->saveAlias(function, config, create, this, [this, function](Result<AliasConfig> saved) {
        Q_EMIT statusMessage(saved.ok() ? tr("Alias %1 now routes to version %2%3.")
                                              .arg(saved->name, saved->functionVersion,
                                                   saved->additionalVersion.isEmpty()
                                                       ? QString()
                                                       : tr(" and %1 % to version %2")
                                                             .arg(qRound(saved->additionalWeight * 100))
                                                             .arg(saved->additionalVersion))
                                        : tr("Alias not saved: %1").arg(saved.error().message));
        reload();
    });
}

} // namespace funcdesk::ui
