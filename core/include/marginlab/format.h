// SPDX-License-Identifier: MIT
// MarginLab: number formatting for messages and steps (libc++ 14 has no floating to_chars).
#pragma once

#include <cstddef>
#include <string>

namespace marginlab {

/// Room formatNumber(value, out) needs: the longest "%.10g" text ("-1.234567891e-308") and more.
inline constexpr std::size_t kNumberChars = 32;

/// The text of printf "%.10g" ("60552.76382", "0.005", "1e+20"), exactly.
std::string formatNumber(double value);
/// The same text written to `out` (kNumberChars of room, no terminating zero); returns its end.
/// Allocation-free and without printf, for every double: exact from the binary value.
char* formatNumber(double value, char* out) noexcept;

}  // namespace marginlab
