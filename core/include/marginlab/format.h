// SPDX-License-Identifier: MIT
// MarginLab: number formatting for messages and steps (libc++ 14 has no floating to_chars).
#pragma once

#include <string>

namespace marginlab {

/// Shortest round-trip-ish text of a number: printf "%.10g" ("60552.76382", "0.005", "1e+20").
std::string formatNumber(double value);

}  // namespace marginlab
