#pragma once
// Icons drawn in code: crisp at any scale, consistent in light and dark themes, and no
// icon theme needed on the machine. GUI thread only.

#include "common/functionconfig.h"

#include <QIcon>

namespace funcdesk::ui {

QIcon runtimeIcon(Runtime runtime);  // "Py" blue, "JS" yellow-green, "λ" grey
QIcon appIcon();                     // the Funcdesk mark: λ on a desk-blue tile
QIcon statusDot(const QColor &color);

} // namespace funcdesk::ui
