#pragma once
// Light and dark palettes over the Fusion style, or the desktop's own palette ("follow
// system"). Qt 6.4 has no QStyleHints::colorScheme (6.5 adds it), so "system" installs
// an application palette that sets no role: every colour resolves to the platform
// theme's palette (GTK, KDE, ... or Fusion's where the platform gives none), and when the
// desktop turns dark or light Qt resolves it again and every widget gets a PaletteChange.
// Whether a palette is dark is read from its window colour's lightness (isDark), and
// code that picks its own colours does so from the palette it has at that moment
// (followPalette), never from the Theme setting. GUI thread only.

#include "settings/settings.h"

#include <QColor>
#include <QPalette>

#include <functional>

class QApplication;
class QWidget;

namespace funcdesk::ui {

void applyTheme(QApplication &app, Theme theme);

// A dark palette: its window colour is darker than mid grey.
bool isDark(const QPalette &palette);

// Colours with a meaning, readable on the palette's window and base.
QColor errorColor(const QPalette &palette);       // red text: invalid input, failures
QColor successColor(const QPalette &palette);     // green text: success
QColor noticeBackground(const QPalette &palette); // amber banner ("read-only version")
// Rich text for a label: `message`, escaped, in errorColor().
QString errorHtml(const QPalette &palette, const QString &message);

// Runs `apply` now and again whenever `widget`'s palette changes (a theme switch, or the
// desktop changing while Funcdesk follows it). `apply` may set the widget's own palette.
void followPalette(QWidget *widget, std::function<void()> apply);

} // namespace funcdesk::ui
