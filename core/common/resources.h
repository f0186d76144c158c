#pragma once
// Where Funcdesk's plain-file resources (runtime shims, templates, examples) are:
// $FUNCDESK_RESOURCES, else <binary dir>/../share/funcdesk (installed), else the source
// tree's resources/ (developer builds and tests).

#include <QString>

namespace funcdesk {

QString resourcesDir();
QString resourcePath(const QString &relative); // resourcesDir() + "/" + relative

} // namespace funcdesk
