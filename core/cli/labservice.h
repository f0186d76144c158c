#pragma once
// The engine the experiment commands (learn, tune, load, replay) run on: an api::Service on
// the data dir without schedules, its API on a free loopback port that only its own
// functions are told (AWS_ENDPOINT_URL_LAMBDA), so nothing else drives its functions
// while an experiment measures them. When a Funcdesk already holds the data dir (the GUI,
// `funcdesk serve`), the command says so instead: experiments need the engine to
// themselves.
//
// Threading: main thread; the Service lives there and needs its event loop running.

#include "api/service.h"
#include "cli/commandline.h"

#include <memory>

namespace funcdesk::cli {

// Starts the Service and waits until its functions are registered.
Result<std::unique_ptr<api::Service>> startLabService(const CommandLine &cl);

// Runs `work` on a worker thread while the main thread turns the event loop (the Service's
// refreshes and signals need it); returns what `work` returned.
int runOnWorker(const std::function<int()> &work);

// A progress line on stderr ("  step...") while a command works, when stderr is a
// terminal and --json is not set. Thread-safe.
void progressLine(const CommandLine &cl, const QString &step);

} // namespace funcdesk::cli
