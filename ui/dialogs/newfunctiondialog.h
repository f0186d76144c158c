#pragma once
// New function from a template: a name (checked as Lambda checks it, with the reason
// shown under the field), a runtime and one of the templates in
// resources/templates/functions/<runtime>/. GUI thread only.

#include "common/functionconfig.h"

#include <QDialog>
#include <QStringList>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QListWidget;

namespace funcdesk::ui {

struct FunctionTemplate
{
    QString id;          // folder name: "hello-world"
    QString title;       // "Hello world"
    QString description; // from the template's function.json
};
QList<FunctionTemplate> functionTemplates(Runtime runtime);

class NewFunctionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit NewFunctionDialog(QStringList existingNames, QWidget *parent = nullptr);

    QString functionName() const;
    Runtime runtime() const;
    QString templateId() const;
    QString nameProblem() const; // empty when the name is acceptable

    void setFunctionName(const QString &name);
    void setRuntime(Runtime runtime);

private:
    void reloadTemplates();
    void validate();

    QStringList m_existing;
    QLineEdit *m_name;
    QLabel *m_nameError;
    QComboBox *m_runtime;
    QListWidget *m_templates;
    QLabel *m_description;
    QDialogButtonBox *m_buttons;
};

} // namespace funcdesk::ui
