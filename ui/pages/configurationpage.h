#pragma once
// The Configuration tab: memory, timeout, environment variables, reserved and
// provisioned concurrency, async settings, triggers (function URL with a copyable
// address; schedules with their next fire times) and layers (widgets/layerpicker.h). Each invalid value is explained next
// to its field and blocks saving. Saving writes the draft's function.json; "Save and
// deploy" also deploys it. GUI thread only.

#include "common/functionconfig.h"
#include "common/result.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLayout;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace funcdesk::ui {

class LayerPicker;
class Studio;

class ConfigurationPage : public QWidget
{
    Q_OBJECT
public:
    explicit ConfigurationPage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name, const FunctionConfig &draft);
    FunctionConfig editedConfig() const;
    QStringList problems() const; // one message per invalid field, empty when valid
    void save(bool thenDeploy);

    // For tests and the palette.
    QSpinBox *memoryBox() const { return m_memory; }
    QComboBox *runtimeBox() const { return m_runtime; }
    QCheckBox *urlStreamBox() const { return m_urlStream; }
    QString runtimeNote() const; // the deprecation / local interpreter note, empty when none
    QSpinBox *timeoutBox() const { return m_timeout; }
    void setEnvironment(const QMap<QString, QString> &env);
    // Adds the variables of a .env file or a SAM env.json (common/envfile.h) to the table,
    // replacing those with the same name; returns how many, or why the file was refused.
    Result<int> importEnvironmentFile(const QString &path);
    void addSchedule(const QString &expression);
    QString nextFiresText() const;

Q_SIGNALS:
    void statusMessage(const QString &message);
    void saved(const QString &function, bool deployed);

protected:
    void showEvent(QShowEvent *event) override; // queue mappings change outside the page

private:
    QGroupBox *buildGeneral(QWidget *parent);
    QGroupBox *buildEnvironment(QWidget *parent);
    QGroupBox *buildConcurrency(QWidget *parent);
    QGroupBox *buildAsync(QWidget *parent);
    QGroupBox *buildTriggers(QWidget *parent);
    QLayout *buildButtons(QWidget *parent);
    void validate();
    void refreshSchedules();
    void refreshQueueMappings();

    Studio *m_studio;
    QString m_function;
    FunctionConfig m_loaded;

    void refreshRuntimeNote();

    QComboBox *m_runtime;
    QLabel *m_runtimeNote;
    QHash<int, QString> m_localVersions; // language -> the local interpreter's version, probed off the GUI thread
    QSpinBox *m_memory;
    QSpinBox *m_timeout;
    QComboBox *m_architecture;
    QSpinBox *m_ephemeral;
    QCheckBox *m_network;
    QLineEdit *m_description;
    QTableWidget *m_env;
    QLabel *m_envError;
    QCheckBox *m_reservedOn;
    QSpinBox *m_reserved;
    QSpinBox *m_provisioned;
    QLabel *m_concurrencyError;
    QSpinBox *m_retries;
    QSpinBox *m_maxAge;
    QLineEdit *m_onSuccess;
    QLineEdit *m_onFailure;
    QCheckBox *m_urlOn;
    QCheckBox *m_urlStream;
    QLineEdit *m_url;
    QListWidget *m_schedules;
    QLineEdit *m_newSchedule;
    QLabel *m_scheduleError;
    QLabel *m_nextFires;
    QLabel *m_queueMappings; // event source mappings feeding this function (read-only here)
    QLabel *m_cost;
    LayerPicker *m_layers;
    QPushButton *m_save;
    QPushButton *m_saveDeploy;
};

} // namespace funcdesk::ui
