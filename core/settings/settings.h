#pragma once
// The one typed facade over QSettings. Widgets and the CLI never
// build QSettings themselves; they read and write here and listen to changed().
//
// Threading: create and use on one thread (the GUI thread in the app). Values are
// copied into plain structs (engine options, pricing) before they cross threads.

#include <QObject>
#include <QSettings>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <memory>

namespace funcdesk {

enum class Theme { System,
                   Light,
                   Dark };

class Settings : public QObject
{
    Q_OBJECT
public:
    // Default: the user's QSettings for the application. A file path gives an INI file
    // (tests, portable installs).
    explicit Settings(QObject *parent = nullptr);
    explicit Settings(const QString &iniFile, QObject *parent = nullptr);
    ~Settings() override;

    // Each key: a getter, a setter, a default. Keys are listed once, in settings.cpp.
    QString python3Path() const; // "" = python3 on PATH
    void setPython3Path(const QString &v);
    QString nodePath() const; // "" = node on PATH
    void setNodePath(const QString &v);
    int keepAliveSeconds() const; // 300
    void setKeepAliveSeconds(int v);
    bool freezeIdle() const; // false
    void setFreezeIdle(bool v);
    // CPU in proportion to memory (1,769 MB = one vCPU) for everyday invocations; power
    // tuning and the scenarios that need it always scale. Off: full machine speed.
    bool scaleCpuWithMemory() const; // false
    void setScaleCpuWithMemory(bool v);
    // Each environment in a bubblewrap sandbox where bwrap works (engine/sandbox.h).
    bool sandbox() const; // true
    void setSandbox(bool v);
    int globalConcurrency() const; // 64
    void setGlobalConcurrency(int v);
    int apiPort() const; // 9001
    void setApiPort(int v);
    QString bindAddress() const; // "127.0.0.1"
    void setBindAddress(const QString &v);
    QString apiToken() const; // "" (required for non-loopback binds)
    void setApiToken(const QString &v);
    // Web origins allowed to call Lambda's API (e.g. "http://localhost:3000"); none by
    // default, so no web page can drive the engine (api/requestguard.h).
    QStringList allowedOrigins() const; // {}
    void setAllowedOrigins(const QStringList &v);
    // Lambda's API takes only signatures made with the data dir's own credentials
    // (api/requestguard.h), not any well-formed one.
    bool requireSignature() const; // false
    void setRequireSignature(bool v);
    // An OpenTelemetry collector (OTLP/HTTP, e.g. http://127.0.0.1:4318) that gets the
    // spans of multi-function traces; empty: none. Applies at the next start.
    QString otlpEndpoint() const; // ""
    void setOtlpEndpoint(const QString &v);
    double pricePerMillionRequests() const; // 0.20
    void setPricePerMillionRequests(double v);
    double pricePerGbSecondX86() const; // 0.0000166667
    void setPricePerGbSecondX86(double v);
    double pricePerGbSecondArm() const; // 0.0000133334
    void setPricePerGbSecondArm(double v);
    bool billInit() const; // true (Lambda bills INIT since August 2025)
    void setBillInit(bool v);
    bool freeTier() const; // false
    void setFreeTier(bool v);
    int retentionDays() const; // 7
    void setRetentionDays(int v);
    int retentionRows() const; // 5,000,000
    void setRetentionRows(int v);
    // Request and response payloads kept for replay (store/captures.h): up to this size,
    // the newest this many per function.
    bool capturePayloads() const; // true
    void setCapturePayloads(bool v);
    int captureMaxKb() const; // 64
    void setCaptureMaxKb(int v);
    int capturePerFunction() const; // 1,000
    void setCapturePerFunction(int v);
    Theme theme() const; // System
    void setTheme(Theme v);

    // Opaque window state (geometry, splitters) for the main window.
    QByteArray windowState(const QString &key) const;
    void setWindowState(const QString &key, const QByteArray &state);

    void sync();

Q_SIGNALS:
    // Emitted after a setter changed a stored value (not when it was set to the same).
    void changed(const QString &key);

private:
    QVariant value(const char *key) const;
    void setValue(const char *key, const QVariant &v);

    std::unique_ptr<QSettings> m_settings;
};

QString themeName(Theme t);
Theme themeFromName(const QString &name);

} // namespace funcdesk
