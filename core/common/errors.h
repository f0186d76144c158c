#pragma once
// The one vocabulary of error types: every Error::type in Funcdesk is one of these.
// Where Lambda has a name for the failure, the type is Lambda's exception name (it goes
// on the wire as x-amzn-ErrorType, so SDKs raise the exception their users expect);
// the rest name Funcdesk's own failures. Compare with `error.type == errc::X`; create
// with `makeError(errc::X, message)`. The HTTP status each type answers with is in
// api/lambdawire.cpp.

#include <QLatin1String>

namespace funcdesk::errc {

// Lambda's exceptions.
inline constexpr QLatin1String InvalidParameterValue{"InvalidParameterValueException"}; // 400: bad name, manifest, path, value
inline constexpr QLatin1String InvalidRequestContent{"InvalidRequestContentException"}; // 400: body is not what the call takes
inline constexpr QLatin1String ResourceNotFound{"ResourceNotFoundException"};           // 404: function, version, alias, ref
inline constexpr QLatin1String UnknownOperation{"UnknownOperationException"};           // 404: no such API route
inline constexpr QLatin1String Unrecognized{"UnrecognizedClientException"};             // 403: token or signature missing
inline constexpr QLatin1String InvalidSignature{"InvalidSignatureException"};           // 403: signature does not verify
inline constexpr QLatin1String AccessDenied{"AccessDeniedException"};                   // 403: foreign Host or Origin
inline constexpr QLatin1String ResourceConflict{"ResourceConflictException"};           // 409: already exists
inline constexpr QLatin1String RequestTooLarge{"RequestTooLargeException"};             // 413: payload over the limit
inline constexpr QLatin1String RequestEntityTooLarge{"RequestEntityTooLargeException"}; // 413: a zip over 50 MB
inline constexpr QLatin1String UnsupportedMediaType{"UnsupportedMediaTypeException"};   // 415
inline constexpr QLatin1String TooManyRequests{"TooManyRequestsException"};             // 429: throttled
inline constexpr QLatin1String RecursiveInvocation{"RecursiveInvocationException"};     // 400: a call chain looped (common/trace.h)
inline constexpr QLatin1String Service{"ServiceException"};                             // 500: Funcdesk itself failed
inline constexpr QLatin1String InvalidRuntime{"InvalidRuntimeException"};               // 502: the runtime misbehaved

// Lambda's function errors (the errorType of a failed invocation).
inline constexpr QLatin1String RuntimeExitError{"Runtime.ExitError"};
inline constexpr QLatin1String RuntimeInvalidEntrypoint{"Runtime.InvalidEntrypoint"};

// Versioning.
inline constexpr QLatin1String NothingToDeploy{"NothingToDeploy"};   // draft equals the deployed commit
inline constexpr QLatin1String NothingToPublish{"NothingToPublish"}; // deployed commit already is the last version
inline constexpr QLatin1String DraftHasChanges{"DraftHasChanges"};   // restore would discard undeployed edits
inline constexpr QLatin1String GitError{"GitError"};                 // libgit2 failure (text from git_error_last)
inline constexpr QLatin1String BuildFailed{"BuildFailedException"};  // 400: pip/npm failed; the message carries their output

// Store (SQLite; the text from sqlite3_errmsg).
inline constexpr QLatin1String StoreError{"StoreError"};
inline constexpr QLatin1String StoreBusy{"StoreBusy"};       // another writer holds the lock
inline constexpr QLatin1String StoreCorrupt{"StoreCorrupt"}; // not a database, or damaged
inline constexpr QLatin1String DataDirInUse{"DataDirInUse"}; // another Funcdesk holds the data dir's lock

// The machine and the command line.
inline constexpr QLatin1String IOError{"IOError"};           // a file or directory could not be read or written
inline constexpr QLatin1String ListenError{"ListenError"};   // the API could not bind its address
inline constexpr QLatin1String InsecureBind{"InsecureBind"}; // a non-loopback bind without a token
inline constexpr QLatin1String Usage{"Usage"};               // the command line was wrong
inline constexpr QLatin1String Unsupported{"Unsupported"};
inline constexpr QLatin1String Validation{"ValidationException"};

} // namespace funcdesk::errc
