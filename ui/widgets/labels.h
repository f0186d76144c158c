#pragma once
// Labels the pages share, so they look alike. GUI thread only.

#include <QLabel>

namespace funcdesk::ui {

// A page's heading: the label's font, bold and 1.3 times larger.
void makePageTitle(QLabel *label);
// Secondary text in the palette's placeholder color (hints, "updated at ...").
QLabel *mutedLabel(const QString &text, QWidget *parent);
// Red text for what is wrong with an input, readable on light and dark palettes alike
// (and after switching between them).
void makeErrorText(QLabel *label);

} // namespace funcdesk::ui
