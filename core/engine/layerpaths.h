#pragma once
// Where a function finds its layers, as Lambda lays them out under /opt: the variables
// Lambda's runtimes set, pointing into the function's merged layers folder
// (FunctionConfig::optDir). The sandbox later shows that folder at /opt and rewrites the
// paths (sandbox.h); unsandboxed, the folder's own path is used.
//   python3: PYTHONPATH  <opt>/python/lib/python3.X/site-packages:<opt>/python
//   nodejs:  NODE_PATH   <opt>/nodejs/node<major>/node_modules:<opt>/nodejs/node_modules
//   all:     PATH        ...:<opt>/bin
//            LD_LIBRARY_PATH <code>:<code>/lib:<opt>/lib
// A variable the function sets itself comes after Lambda's part.
//
// Threading: a pure function.

#include "common/functionconfig.h"

#include <QMap>
#include <QString>

namespace funcdesk::engine {

// `runtimeVersions`: "3.12" for python3, "22" for nodejs: the version the function's runtime
// identifier names (Lambda's folder), then the local interpreter's where it differs (it
// is what runs the code, so packages built for it must be found too). None known: every
// python3.* folder the layers bring, no node<major> folder.
void addLayerPaths(QMap<QString, QString> &environment, const FunctionConfig &config, const QStringList &runtimeVersions);

} // namespace funcdesk::engine
