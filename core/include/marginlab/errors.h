// SPDX-License-Identifier: MIT
// MarginLab: input errors as values. The codes and their strings are written here once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace marginlab {

enum class ErrorCode {
  Missing,       ///< a required field is absent
  WrongType,     ///< e.g. a string where a number belongs
  NotFinite,     ///< NaN or +-Infinity
  NotPositive,   ///< must be > 0
  Negative,      ///< must be >= 0
  OutOfRange,    ///< outside its documented bounds (leverage above the tier's maximum, rate >= 1)
  UnknownValue,  ///< an enum string that is not one of the accepted values
  Empty,         ///< an empty list or string
  TooMany,       ///< more entries than the limit
  Unsorted,      ///< tier caps not strictly ascending (unsorted or overlapping rows)
  TierMissing,   ///< no tier table for the symbol
  Mixed,         ///< linear and inverse positions in one account, or in one symbol
  Unsupported,   ///< e.g. a scenario version this build does not read
};

/// The string JS sees for each code ("notFinite", ...). marginlab.d.ts repeats them.
std::string_view toString(ErrorCode) noexcept;
inline constexpr ErrorCode kAllErrorCodes[] = {
    ErrorCode::Missing,     ErrorCode::WrongType,    ErrorCode::NotFinite, ErrorCode::NotPositive,
    ErrorCode::Negative,    ErrorCode::OutOfRange,   ErrorCode::UnknownValue, ErrorCode::Empty,
    ErrorCode::TooMany,     ErrorCode::Unsorted,     ErrorCode::TierMissing, ErrorCode::Mixed,
    ErrorCode::Unsupported};

/// A number or a name that a message or a step mentions, so a page or a translation can phrase it
/// without parsing text: {"value", 500}, {"limit", 125}, {"symbol", "BTCUSD"}.
struct Param {
  std::string name;
  std::variant<double, std::string> value;
};

/// One problem in the input, with the path of the field the user must fix
/// (`positions[1].leverage`, `tiers.BTCUSDT[2].notionalCap`).
struct InputError {
  std::string path;
  ErrorCode code = ErrorCode::OutOfRange;
  std::string message;        ///< English, names the value and the limit
  std::string rule;           ///< the message-table key (check.h), stable: "mustBePositive", "leverageAboveTier"
  std::vector<Param> params;  ///< what the message mentions, by name ("value", "limit", ...)
};

/// A value, or every input error at once.
template <class T>
struct Result {
  std::optional<T> value;          ///< present iff errors is empty
  std::vector<InputError> errors;  ///< every problem at once
  explicit operator bool() const noexcept { return errors.empty(); }
};

}  // namespace marginlab
