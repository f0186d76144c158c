#pragma once
// The Versions tab: the deploy history (message, time, files changed) with a diff view
// between any two entries or an entry and the draft; publish a version; aliases with a
// weight slider for a second version (canary); restore a version into the draft.
// GUI thread only.

#include "versioning/versionstore.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSlider;
class QTableWidget;

namespace funcdesk::ui {

class CodeEditor;
class EmptyState;
class Studio;

class VersionsPage : public QWidget
{
    Q_OBJECT
public:
    explicit VersionsPage(Studio *studio, QWidget *parent = nullptr);

    void setFunction(const QString &name);
    void reload();

    void publish(const QString &description);
    void showDiff(const QString &fromRef, const QString &toRef); // toRef "" = draft
    void restore(const QString &ref);
    void saveAlias(const QString &alias, const QString &version, const QString &additionalVersion, double weight);

    int historyCount() const;
    int versionCount() const { return int(m_versions.size()); }
    QString diffText() const;
    bool showsDiffHint() const; // no deploys picked yet
    QList<AliasConfig> aliasList() const { return m_aliases; }

Q_SIGNALS:
    void statusMessage(const QString &message);
    void published(const QString &function, int version);
    void draftChanged(const QString &function);

private:
    QWidget *buildHistory();
    QWidget *buildDiff();
    QWidget *buildAliases();
    void updateWeightLabel();
    void fillHistory();
    void fillAliases();
    QStringList selectedRefs() const;

    Studio *m_studio;
    QString m_function;
    QList<DeployInfo> m_history;
    QList<VersionInfo> m_versions;
    QList<AliasConfig> m_aliases;

    QTableWidget *m_historyTable;
    CodeEditor *m_diff;
    QLabel *m_diffTitle;
    EmptyState *m_diffPane = nullptr; // the diff, or how to get one
    QTableWidget *m_aliasTable;
    QLineEdit *m_aliasName;
    QComboBox *m_aliasVersion;
    QComboBox *m_aliasSecond;
    QSlider *m_weight;
    QLabel *m_weightLabel;
};

} // namespace funcdesk::ui
