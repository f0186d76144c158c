#pragma once
// Preferences over the one typed settings facade. Edits are applied on OK/Apply; a
// field with an invalid value is explained next to it and blocks applying.
// GUI thread only.

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace funcdesk {
class Settings;
}

namespace funcdesk::ui {

class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(Settings *settings, QWidget *parent = nullptr);

    // Validates, writes every field to the settings; false (and messages shown) when invalid.
    bool apply();
    QString validationMessage() const; // empty when valid

private:
    QGroupBox *buildRuntimes();
    QGroupBox *buildEngine();
    QGroupBox *buildApi();
    QGroupBox *buildPricing();
    QGroupBox *buildRetention();
    QGroupBox *buildAppearance();
    QDialogButtonBox *buildButtons();
    void load();
    void validate();

    Settings *m_settings;
    QLineEdit *m_python3;
    QLineEdit *m_node;
    QSpinBox *m_keepAlive;
    QCheckBox *m_freeze;
    QCheckBox *m_scaleCpu;
    QCheckBox *m_sandbox;
    QSpinBox *m_concurrency;
    QSpinBox *m_port;
    QLineEdit *m_bind;
    QLineEdit *m_token;
    QLineEdit *m_origins;
    QCheckBox *m_requireSignature;
    QLineEdit *m_otlp;
    QLabel *m_bindError;
    QDoubleSpinBox *m_perMillion;
    QDoubleSpinBox *m_perGbsX86;
    QDoubleSpinBox *m_perGbsArm;
    QCheckBox *m_billInit;
    QCheckBox *m_freeTier;
    QSpinBox *m_retentionDays;
    QSpinBox *m_retentionRows;
    QCheckBox *m_capture;
    QSpinBox *m_captureMaxKb;
    QSpinBox *m_capturePerFunction;
    QComboBox *m_theme;
};

} // namespace funcdesk::ui
