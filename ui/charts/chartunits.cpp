#include "chartunits.h"

#include <QLocale>

#include <algorithm>
#include <cmath>

namespace funcdesk::ui {

namespace {

// Fewest decimals (up to 6) that write `step` exactly, so 0.25 gets 2 and 5 gets 0.
int decimalsFor(double step)
{
    step = std::abs(step);
    for (int d = 0; d < 6; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled))
            return d;
    }
    return 6;
}

QString number(double v, int decimals)
{
    if (std::abs(v) < 0.5 * std::pow(10.0, -decimals))
        v = 0; // no "-0"
    return QString::number(v, 'f', decimals);
}

struct Scaled
{
    double factor; // value * factor is shown
    QString prefix;
    QString suffix;
};

// The unit of an axis (or a value) of magnitude `top`.
Scaled scaledFor(ValueUnit unit, double top)
{
    switch (unit) {
    case ValueUnit::Milliseconds:
        if (top < 1)
            return {1000.0, QString(), QStringLiteral(" µs")};
        if (top <= 1000)
            return {1.0, QString(), QStringLiteral(" ms")};
        if (top < 60000)
            return {1e-3, QString(), QStringLiteral(" s")};
        return {1.0 / 60000, QString(), QStringLiteral(" min")};
    case ValueUnit::Usd:
        if (top < 0.001)
            return {1e6, QString(), QStringLiteral(" µ$")};
        return {1.0, QStringLiteral("$"), QString()};
    case ValueUnit::GbSeconds:
        if (top >= 1000)
            return {1e-3, QString(), QStringLiteral(" k GB-s")};
        return {1.0, QString(), QStringLiteral(" GB-s")};
    case ValueUnit::Percent:
        return {1.0, QString(), QStringLiteral(" %")};
    case ValueUnit::Count:
        if (top >= 1e6)
            return {1e-6, QString(), QStringLiteral(" M")};
        if (top >= 1e4)
            return {1e-3, QString(), QStringLiteral(" k")};
        return {1.0, QString(), QString()};
    }
    return {1.0, QString(), QString()};
}

} // namespace

ValueUnit valueUnitFromName(const QString &unit)
{
    const QString u = unit.trimmed();
    if (u == QLatin1String("ms"))
        return ValueUnit::Milliseconds;
    if (u.compare(QLatin1String("USD"), Qt::CaseInsensitive) == 0 || u == QLatin1String("$"))
        return ValueUnit::Usd;
    if (u == QLatin1String("GB-s"))
        return ValueUnit::GbSeconds;
    if (u == QLatin1String("%"))
        return ValueUnit::Percent;
    return ValueUnit::Count;
}

QList<double> AxisScale::values() const
{
    QList<double> out;
    for (int i = 0; i < ticks; ++i)
        out << step * i;
    return out;
}

AxisScale niceScale(double max, int maxTicks, ValueUnit unit)
{
    maxTicks = std::max(2, maxTicks);
    if (!(max > 0) || !std::isfinite(max)) {
        // Nothing yet: an axis of 0..1 in the unit's own terms.
        const double top = unit == ValueUnit::Count || unit == ValueUnit::Percent ? 1.0 : unit == ValueUnit::Usd ? 1e-6 : 1.0;
        return AxisScale{top, top, 2};
    }
    const double rough = max / double(maxTicks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(rough)));
    double step = magnitude * 10;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        // Counts of whole things do not step by 2.5 (7.5 invocations).
        if (unit == ValueUnit::Count && m == 2.5 && magnitude < 10)
            continue;
        if (magnitude * m >= rough * (1 - 1e-9)) {
            step = magnitude * m;
            break;
        }
    }
    // Counts of whole things step by whole numbers.
    if (unit == ValueUnit::Count && step < 1)
        step = 1;
    int ticks = int(std::ceil(max / step - 1e-9)) + 1;
    ticks = std::max(2, ticks);
    return AxisScale{step * (ticks - 1), step, ticks};
}

QString formatAxisValue(ValueUnit unit, double value, const AxisScale &scale)
{
    const Scaled s = scaledFor(unit, scale.top);
    const int decimals = decimalsFor(scale.step * s.factor);
    return s.prefix + number(value * s.factor, decimals) + s.suffix;
}

QString formatValue(ValueUnit unit, double value)
{
    if (value == 0)
        return formatAxisValue(unit, 0, AxisScale{});
    const Scaled s = scaledFor(unit, std::abs(value));
    const double shown = value * s.factor;
    // Three significant digits, trailing zeros dropped.
    const int decimals = std::clamp(2 - int(std::floor(std::log10(std::abs(shown)))), 0, 6);
    QString text = QString::number(shown, 'f', decimals);
    if (text.contains(QLatin1Char('.'))) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(QLatin1Char('.')))
            text.chop(1);
    }
    return s.prefix + text + s.suffix;
}

} // namespace funcdesk::ui
