#pragma once
// Lambda's error documents and messages, in one place so their wording stays exact.
// Threading: free functions, any thread.

#include <QByteArray>
#include <QString>

namespace funcdesk::engine {

// {"errorMessage": ..., "errorType": ...} (errorType omitted when empty).
QByteArray errorDocument(const QString &errorType, const QString &errorMessage);
// errorMessage of a document a runtime produced; empty if it has none.
QString errorMessageOf(const QByteArray &document);

// "RequestId: <id> Error: Runtime exited with error: exit status 1"
QString runtimeExitedMessage(const QString &requestId, const QString &exitDescription);
// "<ISO time> <id> Task timed out after 3.00 seconds"
QString timeoutMessage(const QString &requestId, double seconds);
// Lambda's message for an answer over the 6 MB response limit. Lambda names 6291556 bytes
// in it while it takes up to 6,291,456 (6 MiB): the wording is Lambda's, the limit is
// EngineOptions::maxResponseBytes.
QString responseTooLargeMessage();
// {"Reason": ..., "Type": "User", "message": "Rate Exceeded."}
QByteArray throttleDocument(const QString &reason);
// A service error's body: {"Type": "User", "message": ...}
QByteArray serviceErrorDocument(const QString &message);

} // namespace funcdesk::engine
