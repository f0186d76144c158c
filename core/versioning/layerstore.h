#pragma once
// Layers: versioned zips shared by functions, as Lambda keeps them. On disk, durable and
// complete-or-absent (staging + rename):
//   DataDir::layers()/<name>/<N>/layer.zip     the published zip, as uploaded
//   DataDir::layers()/<name>/<N>/content/      its files, read-only
//   DataDir::layers()/<name>/<N>/layer.json    description, runtimes, sizes, hash, created
//   DataDir::layers()/<name>/next              the next version number (never reused)
//   DataDir::layers()/.merged/<key>/           a function's layers merged, what /opt shows
// Deleting a version marks it deleted (layer.json) and keeps its files: as on Lambda,
// functions that already use it keep running with it; new references are refused.
// The index the GUI and the API list from is the filesystem itself (a few dozen folders);
// the store's SQLite holds telemetry, as for function versions (git).
//
// Threading: like VersionStore: holds only paths, blocking I/O, never the GUI thread. One
// thread at a time per layer name; merged folders may be made from several threads.

#include "common/datadir.h"
#include "common/result.h"

#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace funcdesk {

struct LayerVersionInfo
{
    QString name;
    int version = 0;
    QString description;
    QStringList compatibleRuntimes;
    QStringList compatibleArchitectures;
    QString licenseInfo;
    QDateTime created; // UTC
    QString codeSha256; // base64 of the zip's SHA-256, as Lambda reports it
    qint64 codeSize = 0;      // the zip's bytes
    qint64 unzippedBytes = 0; // the content's bytes
    bool deleted = false;
    QString contentDir;
    QString zipPath;

    QString layerArn() const;   // arn:aws:lambda:us-east-1:000000000000:layer:<name>
    QString versionArn() const; // ...:layer:<name>:<N>
};

struct LayerPublish
{
    QString name;
    QByteArray zip;
    QString description;
    QStringList compatibleRuntimes;
    QStringList compatibleArchitectures;
    QString licenseInfo;
};

class LayerStore
{
public:
    explicit LayerStore(DataDir dataDir);

    // Extracts and keeps a new version (the next number). Errors: InvalidParameterValue (bad
    // name, not a zip, a bad entry, "Unzipped size must be smaller than 262144000 bytes"),
    // RequestEntityTooLarge (zip over 50 MB), IOError.
    Result<LayerVersionInfo> publish(const LayerPublish &request);
    // Layer names with at least one live version, sorted.
    QStringList names() const;
    // Live versions, newest first (empty when none).
    QList<LayerVersionInfo> versions(const QString &name) const;
    // One version; deleted ones only when asked. ResourceNotFound otherwise.
    Result<LayerVersionInfo> version(const QString &name, int version, bool includeDeleted = false) const;
    // Marks a version deleted (nothing when it does not exist, as Lambda answers 204).
    Status remove(const QString &name, int version);

    // "arn:...:layer:<name>:<N>" -> name and N (InvalidParameterValue when malformed).
    static Result<QPair<QString, int>> parseVersionArn(const QString &arn);
    // The layers a function names, in order. `includeDeleted`: true where the function
    // already used them (running, exporting), false for a new reference. Errors:
    // InvalidParameterValue "Layer version <arn> does not exist." / "Cannot reference more
    // than 5 layers."
    Result<QList<LayerVersionInfo>> resolve(const QStringList &arns, bool includeDeleted) const;
    // One read-only folder with `layers` merged in Lambda's order (a later layer's file
    // wins), hard-linked from the contents; made once per layer list. Empty list: "".
    Result<QString> mergedDir(const QList<LayerVersionInfo> &layers) const;

private:
    LayerVersionInfo read(const QString &name, int version) const;

    DataDir m_dataDir;
};

// Lambda's layer names: 1-140 letters, digits, '-' or '_'.
bool isValidLayerName(const QString &name);

} // namespace funcdesk
