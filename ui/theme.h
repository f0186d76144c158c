#pragma once
// Light and dark palettes over the Fusion style, or the platform's own look ("follow
// system"). GUI thread only.

#include "settings/settings.h"

class QApplication;

namespace funcdesk::ui {

void applyTheme(QApplication &app, Theme theme);

} // namespace funcdesk::ui
