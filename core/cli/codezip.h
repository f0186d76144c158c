#pragma once
// The deployment package writer lives in versioning (the API serves it too); the command
// line's code uses it under its old names.

#include "versioning/codezip.h"

namespace funcdesk::cli {
using codezip::writeCodeZip;
using codezip::zipEntries;
} // namespace funcdesk::cli
