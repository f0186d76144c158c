#pragma once
// Small blocking helpers experiments are written with: invoke once, invoke several at the
// same moment, wait for a condition on the engine. Each waits on the calling (worker)
// thread; the engine keeps its own.

#include "engine/engine.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>

namespace funcdesk::lab {

engine::InvokeResult invokeOnce(engine::Engine *engine, const QString &function, const QByteArray &payload = "{}",
                                const QString &version = QStringLiteral("$LATEST"));
// Sends `count` requests at once and waits for all of them; results in completion order.
QList<engine::InvokeResult> invokeTogether(engine::Engine *engine, const QString &function, int count,
                                           const QByteArray &payload = "{}",
                                           const QString &version = QStringLiteral("$LATEST"));
// Polls `done` every 20 ms until it holds or `timeoutMs` passes; returns whether it held.
bool waitUntil(const std::function<bool()> &done, int timeoutMs);
// The function's live environments (not retired), from the engine.
QList<engine::EnvironmentInfo> environmentsOf(engine::Engine *engine, const QString &function);

// Counting helpers over results.
int countCold(const QList<engine::InvokeResult> &results);
int countStatus(const QList<engine::InvokeResult> &results, InvocationStatus status);
int countEnvironments(const QList<engine::InvokeResult> &results);

} // namespace funcdesk::lab
