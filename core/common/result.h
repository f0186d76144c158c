#pragma once
// Errors as values. Result<T> holds either a T or an Error; no exception crosses a
// thread or a signal. Error types come from one vocabulary, common/errors.h.

#include "common/errors.h"

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace funcdesk {

// An error with a machine-readable type (one of errc::, or a function's own errorType
// such as "Runtime.ImportModuleError" passed through) and a human message.
struct Error
{
    QString type;
    QString message;

    static Error make(QString type, QString message) { return Error{std::move(type), std::move(message)}; }
    QString toString() const { return type.isEmpty() ? message : type + QStringLiteral(": ") + message; }
};

template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_value(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_value(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_value); }
    const T &value() const & { return std::get<0>(m_value); }
    T &&value() && { return std::get<0>(std::move(m_value)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_value); }
    T valueOr(T fallback) const { return ok() ? value() : std::move(fallback); }

private:
    std::variant<T, Error> m_value;
};

// Result<void>: success or an Error.
template<>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)) {}

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

inline Error makeError(QString type, QString message) { return Error{std::move(type), std::move(message)}; }

} // namespace funcdesk
