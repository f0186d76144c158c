#pragma once
// The source editor: QScintilla with a lexer chosen by file name, line numbers, brace
// matching and the palette's colors (light or dark). GUI thread only.

#include <Qsci/qsciscintilla.h>

namespace funcdesk::ui {

class CodeEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit CodeEditor(QWidget *parent = nullptr);

    // Sets the lexer for a file name ("handler.py", "index.mjs", "bootstrap", "x.json").
    void setLanguageForFile(const QString &fileName);
    QString languageName() const; // "Python", "JavaScript", "JSON", "Bash", "" for plain text
    void applyPalette();

private:
    QString m_language;
};

} // namespace funcdesk::ui
