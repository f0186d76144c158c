#pragma once
// Numbers on chart axes and in chart tooltips, in human units: never "4e-05". Durations
// step through µs, ms, s and min by the size of the axis; money is "$0.25" or, below a
// tenth of a cent, "21 µ$"; counts are "250", "1.5 k", "2 M". The value axis gets "nice"
// ticks (steps of 1, 2, 2.5 or 5 times a power of ten) so labels are round numbers and do
// not jitter as data arrives. Pure functions; any thread.

#include <QList>
#include <QString>

namespace funcdesk::ui {

enum class ValueUnit { Count, Milliseconds, Usd, GbSeconds, Percent };
// The unit a chart was made with: "ms" -> Milliseconds, "USD"/"$" -> Usd, "GB-s" ->
// GbSeconds, "%" -> Percent, anything else ("count", "per second") -> Count.
ValueUnit valueUnitFromName(const QString &unit);

struct AxisScale
{
    double top = 1;  // the axis' upper end, >= the data's maximum
    double step = 1; // between ticks
    int ticks = 2;   // including 0 and top
    QList<double> values() const;
};
// The smallest nice scale from 0 holding `max` with at most `maxTicks` ticks.
AxisScale niceScale(double max, int maxTicks = 5, ValueUnit unit = ValueUnit::Count);

// An axis label for `value` on an axis whose scale is `scale` (the unit and the digits
// follow the axis, so every label of one axis reads alike: "0 ms, 0.5 ms, 1 ms").
QString formatAxisValue(ValueUnit unit, double value, const AxisScale &scale);
// One value on its own (a tooltip): three significant digits in the unit that suits it.
QString formatValue(ValueUnit unit, double value);

} // namespace funcdesk::ui
