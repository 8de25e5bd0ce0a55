// SPDX-License-Identifier: MIT
// MarginLab: the one validation kit. Every tool's validator reports through a Checker, whose
// messages come from one table (check.cpp), so the same rule reads the same everywhere and
// carries its parameters for a page or a translation.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/messages.h"

namespace marginlab {

/// Limits that keep one evaluation bounded.
inline constexpr std::size_t kMaxPositions = 1000;
inline constexpr std::size_t kMaxSymbolLength = 40;
inline constexpr double kMaxMagnitude = 1e15;  ///< largest accepted amount, price or size
inline constexpr double kMinMagnitude = 1e-9;  ///< smallest accepted price, size or nonzero balance

/// A finite number (not NaN, not +-Infinity).
inline bool isValidNumber(double x) noexcept { return x - x == 0; }  // false for NaN and +-inf
/// A price, size or leverage: within [kMinMagnitude, kMaxMagnitude] (false for NaN).
inline bool isValidPositive(double x) noexcept { return x >= kMinMagnitude && x <= kMaxMagnitude; }
/// A balance: 0, or within [kMinMagnitude, kMaxMagnitude]. A subnormal balance is refused: it made
/// maintenance / equity overflow to +inf.
inline bool isValidNonNegative(double x) noexcept { return x == 0 || isValidPositive(x); }

/// The row of `rule` (an InputError's rule), or nullptr: a run-time lookup for tests and tools that
/// read errors back. Validators name their rows by key when compiled (Rule, messages.h).
const Message* messageFor(std::string_view rule) noexcept;

/// Collects input errors. Each check returns true when the value passes, and otherwise appends the
/// error of its rule at `path` (built by the caller only on failure where speed matters:
/// `isValidPositive(x) || c.positive(path(), x)`).
class Checker {
 public:
  std::vector<InputError> errors;

  /// The error of `rule` at `path`, its message filled from the table with `params`.
  void fail(std::string path, Rule rule, std::initializer_list<Param> params = {});
  [[nodiscard]] bool ok() const noexcept { return errors.empty(); }
  /// Appends another validator's errors (e.g. a scenario's before a request's).
  void merge(std::vector<InputError> more);

  /// Finite (not NaN or +-Infinity): notFinite.
  bool finite(const std::string& path, double x);
  /// A price, size or leverage: finite, > 0, within [kMinMagnitude, kMaxMagnitude].
  bool positive(const std::string& path, double x);
  /// A balance: finite, 0 or within [kMinMagnitude, kMaxMagnitude].
  bool nonNegative(const std::string& path, double x);
  /// Finite and within [low, high]; `hint` is appended to the message (a unit: "a fraction: 0.01 is 1%").
  bool between(const std::string& path, double x, double low, double high, std::string_view hint = {});
  /// Finite and <= limit (>= limit with atLeast).
  bool atMost(const std::string& path, double x, double limit);
  bool atLeast(const std::string& path, double x, double limit);
  /// A count or index: a whole number within [low, high].
  bool whole(const std::string& path, double x, double low, double high);
  /// A list: at least one entry (`item` names one: "position") and at most `limit`.
  bool listSize(const std::string& path, std::size_t size, std::size_t limit, std::string_view item);
};

/// The message of `rule` with its parameters filled in ("{value}" as "%.10g" for numbers).
std::string formatMessage(std::string_view path, const Message& message, std::initializer_list<Param> params);

/// The check of every price, size and leverage, shared by validate() and the tools' requests: appends a
/// NotFinite, NotPositive or OutOfRange error at `path` and returns false, or returns true.
bool checkPositive(std::vector<InputError>& errors, const std::string& path, double x);

}  // namespace marginlab
