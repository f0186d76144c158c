#include "codeeditor.h"

#include "ui/theme.h"

#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexermarkdown.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexeryaml.h>

#include <QFileInfo>
#include <QFontDatabase>

namespace funcdesk::ui {

CodeEditor::CodeEditor(QWidget *parent) : QsciScintilla(parent)
{
    setUtf8(true);
    setAutoIndent(true);
    setIndentationsUseTabs(false);
    setIndentationWidth(4);
    setTabWidth(4);
    setBraceMatching(QsciScintilla::SloppyBraceMatch);
    setCaretLineVisible(true);
    setMarginType(0, QsciScintilla::NumberMargin);
    setMarginWidth(0, QStringLiteral("00000"));
    setFolding(QsciScintilla::BoxedTreeFoldStyle);
    setEolMode(QsciScintilla::EolUnix);
    // Scintilla's default scroll width is 2000 px, so even a few short lines get a
    // horizontal scroll bar; size it to the longest line shown instead.
    SendScintilla(SCI_SETSCROLLWIDTH, 1);
    SendScintilla(SCI_SETSCROLLWIDTHTRACKING, true);
    followPalette(this, [this] { applyPalette(); });
}

void CodeEditor::setLanguageForFile(const QString &fileName)
{
    const QFileInfo fi(fileName);
    const QString suffix = fi.suffix().toLower();
    QsciLexer *lexer = nullptr;
    if (suffix == QLatin1String("py")) {
        lexer = new QsciLexerPython(this);
        m_language = QStringLiteral("Python");
    } else if (suffix == QLatin1String("js") || suffix == QLatin1String("mjs") || suffix == QLatin1String("cjs")
               || suffix == QLatin1String("ts")) {
        lexer = new QsciLexerJavaScript(this);
        m_language = QStringLiteral("JavaScript");
    } else if (suffix == QLatin1String("json")) {
        lexer = new QsciLexerJSON(this);
        m_language = QStringLiteral("JSON");
    } else if (suffix == QLatin1String("sh") || fi.fileName() == QLatin1String("bootstrap")) {
        lexer = new QsciLexerBash(this);
        m_language = QStringLiteral("Bash");
    } else if (suffix == QLatin1String("yaml") || suffix == QLatin1String("yml")) {
        lexer = new QsciLexerYAML(this);
        m_language = QStringLiteral("YAML");
    } else if (suffix == QLatin1String("md")) {
        lexer = new QsciLexerMarkdown(this);
        m_language = QStringLiteral("Markdown");
    } else {
        m_language.clear();
    }
    QsciLexer *old = this->lexer();
    setLexer(lexer);
    if (old)
        old->deleteLater();
    if (m_language == QLatin1String("JavaScript") || m_language == QLatin1String("JSON")
        || m_language == QLatin1String("YAML"))
        setIndentationWidth(2);
    else
        setIndentationWidth(4);
    applyPalette();
}

QString CodeEditor::languageName() const
{
    return m_language;
}

void CodeEditor::applyPalette()
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const bool dark = isDark(pal);
    if (QsciLexer *lx = lexer()) {
        lx->setDefaultFont(mono);
        lx->setFont(mono);
        lx->setDefaultPaper(base);
        lx->setPaper(base);
        // The lexers' built-in colours assume a white paper: lift the dark ones on a dark
        // palette, from the defaults each time so switching themes back and forth is exact.
        // Black and greys become the text colour (lighter() leaves black black); colours
        // keep their hue at a lightness that reads on the dark paper.
        for (int style = 0; style < 128; ++style) {
            const QColor c = lx->defaultColor(style);
            if (!dark || c.lightness() >= 110)
                lx->setColor(c, style);
            else if (c.hslSaturation() < 40)
                lx->setColor(text, style);
            else
                lx->setColor(QColor::fromHsl(c.hslHue(), c.hslSaturation(), 170), style);
        }
        lx->setDefaultColor(text);
    } else {
        setFont(mono);
        setPaper(base);
        setColor(text);
    }
    setMarginsFont(mono);
    setMarginsBackgroundColor(pal.color(QPalette::Window));
    setMarginsForegroundColor(pal.color(QPalette::PlaceholderText));
    // QScintilla's own defaults for these are for white paper: a white fold margin and
    // white boxes behind matched braces on a dark one.
    setFoldMarginColors(pal.color(QPalette::Window), pal.color(QPalette::Window));
    // The fold markers are Scintilla's own 25..31: QScintilla's marker colour setters skip
    // markers it did not allocate, so talk to Scintilla directly.
    for (unsigned long marker = SC_MARKNUM_FOLDEREND; marker <= SC_MARKNUM_FOLDEROPEN; ++marker) {
        SendScintilla(SCI_MARKERSETFORE, marker, base);                                 // inside the boxes
        SendScintilla(SCI_MARKERSETBACK, marker, pal.color(QPalette::PlaceholderText)); // outline, sign, lines
    }
    setMatchedBraceBackgroundColor(pal.color(QPalette::Highlight).lighter(dark ? 60 : 170));
    setMatchedBraceForegroundColor(text);
    setUnmatchedBraceForegroundColor(errorColor(pal));
    setCaretForegroundColor(text);
    setCaretLineBackgroundColor(dark ? base.lighter(130) : base.darker(106));
}

} // namespace funcdesk::ui
