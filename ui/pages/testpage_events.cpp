// TestPage's saved test events (per function, through Studio) and event templates with
// their fields.
#include "testpage.h"

#include "ui/studio.h"
#include "ui/widgets/emptystate.h"

#include <QFormLayout>
#include <QGroupBox>
#include <QInputDialog>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>

namespace funcdesk::ui {

void TestPage::askSaveEvent()
{
    const QString current = m_saved->currentItem() ? m_saved->currentItem()->text() : QStringLiteral("my-event");
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Save test event"), tr("Name:"), QLineEdit::Normal, current, &ok);
    if (ok && !name.trimmed().isEmpty())
        saveEventAs(name.trimmed());
}

void TestPage::askRenameEvent()
{
    auto *item = m_saved->currentItem();
    if (!item)
        return;
    const QString old = item->text();
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename test event"), tr("New name:"), QLineEdit::Normal, old, &ok);
    if (!ok || name.trimmed().isEmpty() || name == old)
        return;
    const QString json = item->data(Qt::UserRole).toString();
    m_studio->saveTestEvent(m_function, SavedTestEvent{name.trimmed(), json}, this, [this, old](Result<bool> r) {
        if (r.ok())
            m_studio->deleteTestEvent(m_function, old, this, [this](Result<bool>) { reloadSavedEvents(); });
    });
}

void TestPage::askDeleteEvent()
{
    auto *item = m_saved->currentItem();
    if (!item)
        return;
    if (QMessageBox::question(this, tr("Delete test event"), tr("Delete “%1”?").arg(item->text())) != QMessageBox::Yes)
        return;
    m_studio->deleteTestEvent(m_function, item->text(), this, [this](Result<bool>) { reloadSavedEvents(); });
}

void TestPage::reloadSavedEvents()
{
    const QString function = m_function;
    m_saved->clear();
    m_savedPane->showHint(tr("No saved events yet.\nSave the event in the editor to run it again later."));
    if (function.isEmpty())
        return;
    m_studio->testEvents(function, this, [this, function](Result<QList<SavedTestEvent>> events) {
        if (!events.ok() || function != m_function)
            return;
        m_saved->clear();
        for (const SavedTestEvent &e : *events) {
            auto *item = new QListWidgetItem(e.name, m_saved);
            item->setData(Qt::UserRole, e.json);
        }
        if (m_saved->count() > 0)
            m_savedPane->showContent();
    });
}

void TestPage::saveEventAs(const QString &name)
{
    const JsonCheck check = eventCheck();
    if (!check.ok) {
        Q_EMIT statusMessage(tr("Not saved: the event is not valid JSON (%1).").arg(check.message));
        return;
    }
    m_studio->saveTestEvent(m_function, SavedTestEvent{name, eventText()}, this, [this, name](Result<bool> r) {
        Q_EMIT statusMessage(r.ok() ? tr("Saved test event “%1”.").arg(name)
                                    : tr("Could not save the event: %1").arg(r.error().message));
        reloadSavedEvents();
    });
}

void TestPage::showTemplateFields(const EventTemplate &t)
{
    while (m_fieldsForm->rowCount() > 0)
        m_fieldsForm->removeRow(0);
    m_fieldEdits.clear();
    for (const TemplateField &f : t.fields) {
        auto *edit = new QLineEdit(f.defaultValue, m_fieldsBox);
        edit->setObjectName(f.name);
        m_fieldsForm->addRow(f.name + QLatin1Char(':'), edit);
        m_fieldEdits.append(edit);
        connect(edit, &QLineEdit::textChanged, this, [this, t] {
            QMap<QString, QString> values;
            for (QLineEdit *e : std::as_const(m_fieldEdits))
                values.insert(e->objectName(), e->text());
            setEventText(fillEventTemplate(t, values));
        });
    }
    m_fieldsBox->setVisible(!t.fields.isEmpty());
    setEventText(fillEventTemplate(t, {}));
}

void TestPage::applyTemplate(const QString &templateId, const QMap<QString, QString> &values)
{
    for (const EventTemplate &t : std::as_const(m_templates)) {
        if (t.id != templateId)
            continue;
        showTemplateFields(t);
        for (QLineEdit *e : std::as_const(m_fieldEdits))
            if (values.contains(e->objectName()))
                e->setText(values.value(e->objectName()));
        setEventText(fillEventTemplate(t, values));
        return;
    }
}

} // namespace funcdesk::ui
