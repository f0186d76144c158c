#pragma once
// Icons drawn in code: crisp at any scale, consistent in light and dark themes, and no
// icon theme needed on the machine. GUI thread only.

#include "common/functionconfig.h"

#include <QIcon>

namespace funcdesk::ui {

QIcon runtimeIcon(Runtime runtime); // "Py" blue, "JS" yellow-green, "λ" grey
QIcon appIcon();                    // the Funcdesk mark: λ on a desk-blue tile
QIcon statusDot(const QColor &color);

// Line drawings for the mode bar and the menus. They are painted when shown, in the
// application palette's text colour (the highlight colour in the On state, i.e. a checked
// button), so they follow a theme change without being rebuilt. A new page adds a value
// here and its drawing in icons.cpp (strokes on a 24 x 24 grid).
enum class Glyph { Functions,
                   Dashboard,
                   Environments,
                   Logs,
                   Cost,
                   Traces,
                   Learn,
                   Layers,
                   Alarms,
                   Queues };
QIcon glyphIcon(Glyph glyph);

} // namespace funcdesk::ui
