#include "settings.h"

#include <QHash>

namespace funcdesk {

namespace {

// Every key with its default, in one place.
const QHash<QString, QVariant> &defaults()
{
    static const QHash<QString, QVariant> d{
        {QStringLiteral("runtimes/python3"), QString()},
        {QStringLiteral("runtimes/node"), QString()},
        {QStringLiteral("engine/keepAliveSeconds"), 300},
        {QStringLiteral("engine/freezeIdle"), false},
        {QStringLiteral("engine/scaleCpuWithMemory"), false},
        {QStringLiteral("engine/globalConcurrency"), 64},
        {QStringLiteral("engine/sandbox"), true},
        {QStringLiteral("api/port"), 9001},
        {QStringLiteral("api/bindAddress"), QStringLiteral("127.0.0.1")},
        {QStringLiteral("api/token"), QString()},
        {QStringLiteral("api/allowedOrigins"), QStringList()},
        {QStringLiteral("api/requireSignature"), false},
        {QStringLiteral("tracing/otlpEndpoint"), QString()},
        {QStringLiteral("pricing/perMillionRequests"), 0.20},
        {QStringLiteral("pricing/perGbSecondX86"), 0.0000166667},
        {QStringLiteral("pricing/perGbSecondArm"), 0.0000133334},
        {QStringLiteral("pricing/billInit"), true},
        {QStringLiteral("pricing/freeTier"), false},
        {QStringLiteral("retention/days"), 7},
        {QStringLiteral("retention/rows"), 5000000},
        {QStringLiteral("capture/enabled"), true},
        {QStringLiteral("capture/maxKb"), 64},
        {QStringLiteral("capture/perFunction"), 1000},
        {QStringLiteral("ui/theme"), QStringLiteral("system")},
    };
    return d;
}

} // namespace

Settings::Settings(QObject *parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>())
{
}

Settings::Settings(const QString &iniFile, QObject *parent)
    : QObject(parent), m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

Settings::~Settings() = default;

QVariant Settings::value(const char *key) const
{
    const QString k = QLatin1String(key);
    return m_settings->value(k, defaults().value(k));
}

void Settings::setValue(const char *key, const QVariant &v)
{
    const QString k = QLatin1String(key);
    if (value(key) == v)
        return;
    m_settings->setValue(k, v);
    Q_EMIT changed(k);
}

#define FUNCDESK_SETTING(Type, getter, setter, key, conv)       \
    Type Settings::getter() const { return value(key).conv(); } \
    void Settings::setter(const Type &v) { setValue(key, QVariant::fromValue(v)); }

#define FUNCDESK_SETTING_POD(Type, getter, setter, key, conv)   \
    Type Settings::getter() const { return value(key).conv(); } \
    void Settings::setter(Type v) { setValue(key, QVariant::fromValue(v)); }

FUNCDESK_SETTING(QString, python3Path, setPython3Path, "runtimes/python3", toString)
FUNCDESK_SETTING(QString, nodePath, setNodePath, "runtimes/node", toString)
FUNCDESK_SETTING_POD(int, keepAliveSeconds, setKeepAliveSeconds, "engine/keepAliveSeconds", toInt)
FUNCDESK_SETTING_POD(bool, freezeIdle, setFreezeIdle, "engine/freezeIdle", toBool)
FUNCDESK_SETTING_POD(bool, scaleCpuWithMemory, setScaleCpuWithMemory, "engine/scaleCpuWithMemory", toBool)
FUNCDESK_SETTING_POD(int, globalConcurrency, setGlobalConcurrency, "engine/globalConcurrency", toInt)
FUNCDESK_SETTING_POD(bool, sandbox, setSandbox, "engine/sandbox", toBool)
FUNCDESK_SETTING_POD(int, apiPort, setApiPort, "api/port", toInt)
FUNCDESK_SETTING(QString, bindAddress, setBindAddress, "api/bindAddress", toString)
FUNCDESK_SETTING(QString, apiToken, setApiToken, "api/token", toString)
FUNCDESK_SETTING(QStringList, allowedOrigins, setAllowedOrigins, "api/allowedOrigins", toStringList)
FUNCDESK_SETTING_POD(bool, requireSignature, setRequireSignature, "api/requireSignature", toBool)
FUNCDESK_SETTING(QString, otlpEndpoint, setOtlpEndpoint, "tracing/otlpEndpoint", toString)
FUNCDESK_SETTING_POD(double, pricePerMillionRequests, setPricePerMillionRequests, "pricing/perMillionRequests", toDouble)
FUNCDESK_SETTING_POD(double, pricePerGbSecondX86, setPricePerGbSecondX86, "pricing/perGbSecondX86", toDouble)
FUNCDESK_SETTING_POD(double, pricePerGbSecondArm, setPricePerGbSecondArm, "pricing/perGbSecondArm", toDouble)
FUNCDESK_SETTING_POD(bool, billInit, setBillInit, "pricing/billInit", toBool)
FUNCDESK_SETTING_POD(bool, freeTier, setFreeTier, "pricing/freeTier", toBool)
FUNCDESK_SETTING_POD(int, retentionDays, setRetentionDays, "retention/days", toInt)
FUNCDESK_SETTING_POD(int, retentionRows, setRetentionRows, "retention/rows", toInt)
FUNCDESK_SETTING_POD(bool, capturePayloads, setCapturePayloads, "capture/enabled", toBool)
FUNCDESK_SETTING_POD(int, captureMaxKb, setCaptureMaxKb, "capture/maxKb", toInt)
FUNCDESK_SETTING_POD(int, capturePerFunction, setCapturePerFunction, "capture/perFunction", toInt)

#undef FUNCDESK_SETTING
#undef FUNCDESK_SETTING_POD

Theme Settings::theme() const
{
    return themeFromName(value("ui/theme").toString());
}

void Settings::setTheme(Theme v)
{
    setValue("ui/theme", themeName(v));
}

QByteArray Settings::windowState(const QString &key) const
{
    return m_settings->value(QStringLiteral("window/") + key).toByteArray();
}

void Settings::setWindowState(const QString &key, const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("window/") + key, state);
}

void Settings::sync()
{
    m_settings->sync();
}

QString themeName(Theme t)
{
    switch (t) {
    case Theme::Light:
        return QStringLiteral("light");
    case Theme::Dark:
        return QStringLiteral("dark");
    case Theme::System:
        break;
    }
    return QStringLiteral("system");
}

Theme themeFromName(const QString &name)
{
    if (name == QLatin1String("light"))
        return Theme::Light;
    if (name == QLatin1String("dark"))
        return Theme::Dark;
    return Theme::System;
}

} // namespace funcdesk
