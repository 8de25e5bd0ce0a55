// SPDX-License-Identifier: MIT
// MarginLab: the enum and error-code strings JS and JSON see, and number formatting.
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

std::string formatNumber(double value) {
  char buffer[32];
  const int n = std::snprintf(buffer, sizeof buffer, "%.10g", value);
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

}  // namespace marginlab
