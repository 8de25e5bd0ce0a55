// SPDX-License-Identifier: MIT
// MarginLab: the one entry check. After it, kernels assume valid input and never check.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Limits that keep one evaluation bounded.
inline constexpr std::size_t kMaxPositions = 1000;
inline constexpr std::size_t kMaxSymbolLength = 40;
inline constexpr double kMaxMagnitude = 1e15;  ///< largest accepted amount, price or size
inline constexpr double kMinMagnitude = 1e-9;  ///< smallest accepted price or size

/// A finite number (not NaN, not +-Infinity).
inline bool isValidNumber(double x) noexcept { return x - x == 0; }  // false for NaN and +-inf
/// A finite price or size: > 0 and <= kMaxMagnitude.
inline bool isValidPositive(double x) noexcept { return x >= kMinMagnitude && x <= kMaxMagnitude; }  // false for NaN

/// The check of every price, size and leverage, shared by validate() and the tools' requests: appends a
/// NotFinite, NotPositive or OutOfRange error at `path` and returns false, or returns true.
bool checkPositive(std::vector<InputError>& errors, const std::string& path, double x);

/// Every input error in the scenario at once, each with the path of the field to fix.
/// Checks ranges, enum consistency, tier tables (given or default), and leverage against the
/// tier at the entry notional.
std::vector<InputError> validate(const Scenario& scenario);

}  // namespace marginlab
