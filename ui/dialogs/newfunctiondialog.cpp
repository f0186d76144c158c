#include "newfunctiondialog.h"

#include "common/ids.h"
#include "common/resources.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/labels.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFormLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace funcdesk::ui {

namespace {
// Templates in the order people meet them.
const char *const kOrder[] = {"hello-world", "http-handler", "scheduled-job", "slow-init",
                              "cpu-bound", "memory-hungry", "flaky"};

QString titleOf(const QString &id)
{
    QString t = id;
    t.replace(QLatin1Char('-'), QLatin1Char(' '));
    if (!t.isEmpty())
        t[0] = t.at(0).toUpper();
    return t.replace(QStringLiteral("Http"), QStringLiteral("HTTP")).replace(QStringLiteral("Cpu"), QStringLiteral("CPU"));
}
} // namespace

QList<FunctionTemplate> functionTemplates(Runtime runtime)
{
    QList<FunctionTemplate> out;
    const QDir dir(resourcePath(QStringLiteral("templates/functions/") + runtimeName(runtime)));
    QStringList ids = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::stable_sort(ids.begin(), ids.end(), [](const QString &a, const QString &b) {
        auto rank = [](const QString &id) {
            for (int i = 0; i < int(std::size(kOrder)); ++i)
                if (id == QLatin1String(kOrder[i]))
                    return i;
            return 100;
        };
        return rank(a) < rank(b);
    });
    for (const QString &id : std::as_const(ids)) {
        QFile manifest(dir.filePath(id + QStringLiteral("/function.json")));
        QString description;
        if (manifest.open(QIODevice::ReadOnly))
            description = QJsonDocument::fromJson(manifest.readAll()).object().value(QStringLiteral("description")).toString();
        out.append(FunctionTemplate{id, titleOf(id), description});
    }
    return out;
}

NewFunctionDialog::NewFunctionDialog(QStringList existingNames, QWidget *parent)
    : QDialog(parent), m_existing(std::move(existingNames)), m_name(new QLineEdit(this)), m_nameError(new QLabel(this)),
      m_runtime(new QComboBox(this)), m_templates(new QListWidget(this)), m_description(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New function"));
    setObjectName(QStringLiteral("newFunctionDialog"));
    m_name->setPlaceholderText(tr("e.g. orders-api"));
    m_nameError->setObjectName(QStringLiteral("nameError"));
    makeErrorText(m_nameError);
    m_nameError->setWordWrap(true);
    for (Runtime r : {Runtime::Python3, Runtime::NodeJs, Runtime::Provided})
        m_runtime->addItem(runtimeIcon(r),
                           r == Runtime::Python3      ? tr("Python 3")
                               : r == Runtime::NodeJs ? tr("Node.js")
                                                      : tr("Custom runtime (bootstrap)"),
                           int(r));
    m_description->setWordWrap(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(QString(), m_nameError);
    form->addRow(tr("&Runtime:"), m_runtime);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("&Template:"), this));
    layout->addWidget(m_templates, 1);
    layout->addWidget(m_description);
    layout->addWidget(m_buttons);
    resize(460, 420);

    connect(m_name, &QLineEdit::textChanged, this, &NewFunctionDialog::validate);
    connect(m_runtime, &QComboBox::currentIndexChanged, this, &NewFunctionDialog::reloadTemplates);
    connect(m_templates, &QListWidget::currentRowChanged, this, [this] {
        const auto *item = m_templates->currentItem();
        m_description->setText(item ? item->toolTip() : QString());
        validate();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    reloadTemplates();
    validate();
}

void NewFunctionDialog::reloadTemplates()
{
    m_templates->clear();
    for (const FunctionTemplate &t : functionTemplates(runtime())) {
        auto *item = new QListWidgetItem(t.title, m_templates);
        item->setData(Qt::UserRole, t.id);
        item->setToolTip(t.description);
    }
    m_templates->setCurrentRow(0);
}

QString NewFunctionDialog::functionName() const
{
    return m_name->text().trimmed();
}

Runtime NewFunctionDialog::runtime() const
{
    return Runtime(m_runtime->currentData().toInt());
}

QString NewFunctionDialog::templateId() const
{
    const auto *item = m_templates->currentItem();
    return item ? item->data(Qt::UserRole).toString() : QString();
}

QString NewFunctionDialog::nameProblem() const
{
    const QString name = functionName();
    if (name.isEmpty())
        return tr("Give the function a name.");
    if (name.size() > 64)
        return tr("Names are at most 64 characters (this one has %1).").arg(name.size());
    if (!isValidFunctionName(name))
        return tr("Use only letters, digits, hyphens and underscores, as Lambda does.");
    if (m_existing.contains(name))
        return tr("A function named “%1” already exists.").arg(name);
    return {};
}

void NewFunctionDialog::setFunctionName(const QString &name)
{
    m_name->setText(name);
}

void NewFunctionDialog::setRuntime(Runtime runtime)
{
    m_runtime->setCurrentIndex(m_runtime->findData(int(runtime)));
}

void NewFunctionDialog::validate()
{
    const QString problem = nameProblem();
    // No scolding before anything was typed.
    m_nameError->setText(m_name->text().isEmpty() ? QString() : problem);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !templateId().isEmpty());
}

} // namespace funcdesk::ui
