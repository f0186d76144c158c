// function.json (versioning/manifest.h): what a zip, a git import, the editor or the API
// brings as a function's manifest. Invariant: what parses serialises to a manifest that
// parses again to the same serialisation (parse(serialize(c)) gives c back).
#include "fuzzsupport.h"
#include "versioning/manifest.h"

using namespace funcdesk;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz::init();
    const QByteArray json = fuzz::bytes(data, size);
    const Result<FunctionConfig> c = manifest::parse(json, QStringLiteral("fuzzed"));
    if (!c.ok()) {
        if (c.error().type != errc::InvalidParameterValue || c.error().message.isEmpty())
            fuzz::fail("manifest error of the wrong type or without a message", c.error().toString().toUtf8());
        return 0;
    }
    if (Status v = manifest::validate(*c); !v.ok())
        fuzz::fail("parsed manifest does not validate", v.error().toString().toUtf8());
    const QByteArray once = manifest::serialize(*c);
    const Result<FunctionConfig> again = manifest::parse(once, QStringLiteral("fuzzed"));
    if (!again.ok())
        fuzz::fail("serialised manifest does not parse", once + '\n' + again.error().toString().toUtf8());
    const QByteArray twice = manifest::serialize(*again);
    if (once != twice)
        fuzz::fail("manifest round trip changed it", once + "\n---\n" + twice);
    return 0;
}
