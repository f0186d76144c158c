#pragma once
// Shared by the libFuzzer targets: a QCoreApplication made once, Qt's messages silenced
// (set FUNCDESK_FUZZ_VERBOSE=1 to see them), and a scratch folder emptied before every
// input, so no input sees what an earlier one left on disk.
//
// Threading: the fuzzer's thread only (libFuzzer runs inputs one after another).

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <cstdint>

namespace funcdesk::fuzz {

// Call first in LLVMFuzzerTestOneInput (cheap after the first call).
void init();

// An empty folder for this input, below a process-wide temporary folder that is removed
// when the fuzzer exits normally. Also makes an empty folder of that base the working
// directory, so a write that escapes to a relative path is a stray checkNothingOutside()
// sees (libFuzzer must then be given absolute corpus and artifact paths, as fuzz.sh does).
QString freshScratch();

// The base of freshScratch()'s folders: everything a target writes must stay below its
// scratch folder, and checkNothingOutside() looks at the whole base for strays.
QString scratchBase();

// Aborts (a finding) when anything exists below scratchBase() that is not `allowedRoot`,
// inside it, a folder on the way to it, or one of `alsoAllowed` (absolute paths).
void checkNothingOutside(const QString &allowedRoot, const QStringList &alsoAllowed = {});

inline QByteArray bytes(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), qsizetype(size));
}

// Aborts with `what` on stderr: how a target reports a broken invariant.
[[noreturn]] void fail(const char *what, const QByteArray &detail = {});

} // namespace funcdesk::fuzz
