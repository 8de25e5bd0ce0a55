// SPDX-License-Identifier: MIT
// MarginLab: the enum and error-code strings JS and JSON see, and number formatting.
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include "marginlab/errors.h"
#include "marginlab/format.h"
#include "marginlab/scenario.h"

namespace marginlab {

std::string_view toString(Rules r) noexcept { return kRuleNames[static_cast<int>(r)]; }

std::string_view toString(Contract c) noexcept {
  return c == Contract::Linear ? "linear" : "inverse";
}
std::string_view toString(Side s) noexcept { return s == Side::Long ? "long" : "short"; }
std::string_view toString(MarginMode m) noexcept {
  return m == MarginMode::Isolated ? "isolated" : "cross";
}

std::optional<Rules> parseRules(std::string_view text) noexcept {
  for (int i = 0; i < static_cast<int>(std::size(kRuleNames)); ++i)
    if (kRuleNames[i] == text) return static_cast<Rules>(i);
  return std::nullopt;
}
std::optional<Contract> parseContract(std::string_view text) noexcept {
  if (text == "linear") return Contract::Linear;
  if (text == "inverse") return Contract::Inverse;
  return std::nullopt;
}
std::optional<Side> parseSide(std::string_view text) noexcept {
  if (text == "long") return Side::Long;
  if (text == "short") return Side::Short;
  return std::nullopt;
}
std::optional<MarginMode> parseMarginMode(std::string_view text) noexcept {
  if (text == "isolated") return MarginMode::Isolated;
  if (text == "cross") return MarginMode::Cross;
  return std::nullopt;
}

std::string_view toString(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::Missing: return "missing";
    case ErrorCode::WrongType: return "wrongType";
    case ErrorCode::NotFinite: return "notFinite";
    case ErrorCode::NotPositive: return "notPositive";
    case ErrorCode::Negative: return "negative";
    case ErrorCode::OutOfRange: return "outOfRange";
    case ErrorCode::UnknownValue: return "unknownValue";
    case ErrorCode::Empty: return "empty";
    case ErrorCode::TooMany: return "tooMany";
    case ErrorCode::Unsorted: return "unsorted";
    case ErrorCode::TierMissing: return "tierMissing";
    case ErrorCode::Mixed: return "mixed";
    case ErrorCode::Unsupported: return "unsupported";
  }
  return "unsupported";
}

namespace {

std::string printfNumber(double value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

/// Decimal digits of a non-negative integer below 2^63.
void appendInteger(std::string& out, unsigned long long x) {
  char digits[24];
  int n = 0;
  do {
    digits[n++] = static_cast<char>('0' + x % 10);
    x /= 10;
  } while (x);
  while (n) out += digits[--n];
}

constexpr double kPow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};

}  // namespace

std::string formatNumber(double value) {
  // "%.10g" for the numbers steps print most (1e-4 <= |x| < 1e10), without printf, which was
  // most of evaluate()'s time; everything else, and any doubt, goes to printf.
  const double a = std::fabs(value);
  if (!(a >= 1e-4 && a < 1e10)) return printfNumber(value);
  std::string out;
  out.reserve(20);
  if (value < 0) out += '-';
  if (a == std::floor(a)) {
    appendInteger(out, static_cast<unsigned long long>(a));
    return out;
  }
  int e = static_cast<int>(std::floor(std::log10(a)));  // decimal exponent, corrected below
  if (e < -4 || e > 9) return printfNumber(value);
  double scaled = a * kPow10[9 - e];  // 0 <= 9 - e <= 13 here
  if (scaled < 1e9) {  // log10 rounded up across a power of ten
    --e;
    scaled = a * kPow10[9 - e];  // 9 - e <= 14
  }
  auto digits = static_cast<unsigned long long>(std::llround(scaled));
  if (digits >= 10000000000ULL) {  // rounding carried into an 11th digit
    ++e;
    if (e > 9) return printfNumber(value);  // 9,999,999,999.5 and up: printf's exponent form
    digits = static_cast<unsigned long long>(std::llround(a * kPow10[9 - e]));
  }
  if (e > 9 || digits < 1000000000ULL || digits >= 10000000000ULL) return printfNumber(value);
  // digits holds 10 significant digits d0..d9 of a = 0.d0d1...d9 x 10^(e+1).
  char d[10];
  for (int i = 9; i >= 0; --i) {
    d[i] = static_cast<char>('0' + digits % 10);
    digits /= 10;
  }
  int last = 9;
  while (last > 0 && d[last] == '0') --last;  // %g drops trailing zeros
  if (e >= 0) {
    for (int i = 0; i <= e; ++i) out += i <= 9 ? d[i] : '0';
    if (last > e) {
      out += '.';
      for (int i = e + 1; i <= last; ++i) out += d[i];
    }
  } else {
    out += "0.";
    for (int i = 0; i < -e - 1; ++i) out += '0';
    for (int i = 0; i <= last; ++i) out += d[i];
  }
  return out;
}

}  // namespace marginlab
