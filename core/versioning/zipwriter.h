#pragma once
// Writing a zip from a set of files (libzip), the inverse of importer::readZip: unix modes
// kept (executables stay executable, links stay links), entries in path order. Used where
// Funcdesk itself makes a package, e.g. a layer published from a folder.
//
// Threading: a pure function of its input plus a temporary file; any worker thread.

#include "common/result.h"
#include "versioning/treefiles.h"

#include <QByteArray>

namespace funcdesk::zipwriter {

Result<QByteArray> zipFiles(const SourceFiles &files);

} // namespace funcdesk::zipwriter
