// SPDX-License-Identifier: MIT
// MarginLab: the one message table and the checks every validator shares.
#include "marginlab/check.h"

#include <algorithm>
#include <cmath>

#include "marginlab/format.h"

namespace marginlab {

namespace {

// One row per rule. Each tool adds its own rows in its section; a test checks that every rule a
// validator names is here and that every "{name}" of a row is a parameter it is given.
constexpr Message kMessages[] = {
    // Shared by every validator.
    {"notFinite", ErrorCode::NotFinite, "{path} must be a finite number"},
    {"mustBePositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0"},
    {"mustBeNonNegative", ErrorCode::Negative, "{path} ({value}) must be >= 0"},
    {"magnitude", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}"},
    {"zeroOrMagnitude", ErrorCode::OutOfRange, "{path} ({value}) must be 0 or between {low} and {high}"},
    {"between", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}{hint}"},
    {"atMost", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit}"},
    {"atLeast", ErrorCode::OutOfRange, "{path} ({value}) must be >= {limit}"},
    {"whole", ErrorCode::OutOfRange, "{path} ({value}) must be a whole number between {low} and {high}"},
    {"empty", ErrorCode::Empty, "{path} must hold at least one {item}"},
    {"tooMany", ErrorCode::TooMany, "{path} has {count} entries; at most {limit} are accepted"},
    {"missing", ErrorCode::Missing, "{path} is required"},
    {"wrongType", ErrorCode::WrongType, "{path} must be {expected}, not {actual}"},
    {"unknownValue", ErrorCode::UnknownValue, "{path} (\"{value}\") must be one of {accepted}"},

    // The scenario (validate.cpp).
    {"unsupportedVersion", ErrorCode::Unsupported, "{path} ({value}) is not supported: this build reads version {supported}"},
    {"takerFeeRate", ErrorCode::OutOfRange, "{path} ({value}) must be >= 0 and < 0.1 (a fraction: 0.0005 is 0.05%)"},
    {"symbolFormat", ErrorCode::OutOfRange, "{path} must be 1 to {limit} printable characters without spaces"},
    {"symbolEmpty", ErrorCode::Empty, "{path} must be 1 to {limit} printable characters without spaces"},
    {"tierKeyFormat", ErrorCode::OutOfRange, "tier table key must be a symbol of 1 to {limit} printable characters without spaces"},
    {"rateWithFee", ErrorCode::OutOfRange, "{path} ({value}) plus takerFeeRate ({fee}) must be < 1"},
    {"mixedContract", ErrorCode::Mixed, "{path} is {contract} but positions[0] is {first}: one account settles in one asset, so linear and inverse cannot share it"},
    {"mixedMark", ErrorCode::Mixed, "{path} ({value}{entryNote}) must equal the mark of positions[{other}] ({otherMark}): one symbol has one mark price"},
    {"tierMissing", ErrorCode::TierMissing, "the {rules} profile ships no tier table for {symbol}: give one in tiers.{symbol}"},
    {"entryAboveLastCap", ErrorCode::OutOfRange, "the entry notional ({value}) of positions[{index}] exceeds the last tier's cap ({limit})"},
    {"leverageAboveTier", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit} for the tier at notional {notional}"},

    // Tier tables (tiers.cpp).
    {"tierTableEmpty", ErrorCode::Empty, "{path} must have at least one row"},
    {"tierTableTooMany", ErrorCode::TooMany, "{path} has {count} rows; at most {limit} are accepted"},
    {"tierCapUnsorted", ErrorCode::Unsorted, "{path} ({value}) must be greater than the previous row's cap ({previous}): rows are sorted ascending and do not overlap"},
    {"tierLeverageRising", ErrorCode::OutOfRange, "{path} ({value}) must be <= the previous row's ({previous}): larger notionals allow less leverage"},
    {"tierRateMissing", ErrorCode::Missing, "{path} is required by the {rules} profile"},
    {"tierRateRange", ErrorCode::OutOfRange, "{path} ({value}) must be >= {low} and < {limit}"},
    {"tierRateFalling", ErrorCode::OutOfRange, "{path} ({value}) must be >= the previous row's ({previous}): larger notionals need more margin"},
    {"tierAmountAboveFloor", ErrorCode::OutOfRange, "{path} ({value}) must be <= floor * rate ({floor} * {rate} = {limit}) so that maintenance margin is never negative"},
    // evaluate's equity sweep (sweep.cpp).
    {"sweepPosition", ErrorCode::OutOfRange, "{path} ({value}) must be < {limit}, the number of positions"},
    {"sweepOutSize", ErrorCode::OutOfRange, "{path} has {count} entries but prices has {prices}"},
    {"sweepPrice", ErrorCode::OutOfRange, "{path} ({value}) must be a finite price > 0 and <= {limit}"},
    {"sweepPriceNotFinite", ErrorCode::NotFinite, "{path} ({value}) must be a finite price > 0 and <= {limit}"},

    // Risk lab: what-if and stress (whatif.cpp, stress.cpp).

    // Risk lab: odds, Monte Carlo, the liquidation engine (odds.cpp, engine.cpp, orders.cpp).

    // Options accounts, Black-76, the surface (options.cpp, black.cpp, surface.cpp).
};

void appendValue(std::string& out, const Param& p) {
  if (const double* x = std::get_if<double>(&p.value)) out += formatNumber(*x);
  else out += std::get<std::string>(p.value);
}

Param num(std::string_view name, double x) { return {std::string(name), x}; }

}  // namespace

std::span<const Message> messageTable() noexcept { return kMessages; }

const Message& messageFor(std::string_view rule) noexcept {
  for (const Message& m : kMessages)
    if (m.rule == rule) return m;
  return kMessages[0];  // unreachable for a rule in the table; a test checks every rule used
}

std::string formatMessage(std::string_view path, const Message& message, std::initializer_list<Param> params) {
  std::string out;
  const std::string_view text = message.text;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      const std::size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        const std::string_view name = text.substr(i + 1, close - i - 1);
        if (name == "path") {
          out += path;
          i = close + 1;
          continue;
        }
        const auto it = std::find_if(params.begin(), params.end(), [&](const Param& p) { return p.name == name; });
        if (it != params.end()) appendValue(out, *it);
        i = close + 1;  // an absent optional parameter ("{hint}") reads as nothing
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

void Checker::fail(std::string path, std::string_view rule, std::initializer_list<Param> params) {
  const Message& m = messageFor(rule);
  InputError e;
  e.message = formatMessage(path, m, params);
  e.path = std::move(path);
  e.code = m.code;
  e.rule = std::string(m.rule);
  e.params.assign(params.begin(), params.end());
  errors.push_back(std::move(e));
}

void Checker::merge(std::vector<InputError> more) {
  errors.insert(errors.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

bool Checker::finite(const std::string& path, double x) {
  if (isValidNumber(x)) return true;
  fail(path, "notFinite");
  return false;
}

bool Checker::positive(const std::string& path, double x) {
  if (isValidPositive(x)) return true;
  if (!isValidNumber(x)) fail(path, "notFinite");
  else if (!(x > 0)) fail(path, "mustBePositive", {num("value", x)});
  else fail(path, "magnitude", {num("value", x), num("low", kMinMagnitude), num("high", kMaxMagnitude)});
  return false;
}

bool Checker::nonNegative(const std::string& path, double x) {
  if (isValidNonNegative(x)) return true;
  if (!isValidNumber(x)) fail(path, "notFinite");
  else if (x < 0) fail(path, "mustBeNonNegative", {num("value", x)});
  else fail(path, "zeroOrMagnitude", {num("value", x), num("low", kMinMagnitude), num("high", kMaxMagnitude)});
  return false;
}

bool Checker::between(const std::string& path, double x, double low, double high, std::string_view hint) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= low && x <= high) return true;
  if (hint.empty()) fail(path, "between", {num("value", x), num("low", low), num("high", high)});
  else
    fail(path, "between",
         {num("value", x), num("low", low), num("high", high), Param{"hint", " (" + std::string(hint) + ")"}});
  return false;
}

bool Checker::atMost(const std::string& path, double x, double limit) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x <= limit) return true;
  fail(path, "atMost", {num("value", x), num("limit", limit)});
  return false;
}

bool Checker::atLeast(const std::string& path, double x, double limit) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= limit) return true;
  fail(path, "atLeast", {num("value", x), num("limit", limit)});
  return false;
}

bool Checker::whole(const std::string& path, double x, double low, double high) {
  if (!isValidNumber(x)) return fail(path, "notFinite"), false;
  if (x >= low && x <= high && std::floor(x) == x) return true;
  fail(path, "whole", {num("value", x), num("low", low), num("high", high)});
  return false;
}

bool Checker::listSize(const std::string& path, std::size_t size, std::size_t limit, std::string_view item) {
  if (size == 0) return fail(path, "empty", {Param{"item", std::string(item)}}), false;
  if (size <= limit) return true;
  fail(path, "tooMany", {num("count", static_cast<double>(size)), num("limit", static_cast<double>(limit))});
  return false;
}

bool checkPositive(std::vector<InputError>& errors, const std::string& path, double x) {
  if (isValidPositive(x)) return true;
  Checker c;
  c.positive(path, x);
  errors.insert(errors.end(), std::make_move_iterator(c.errors.begin()), std::make_move_iterator(c.errors.end()));
  return false;
}

}  // namespace marginlab
