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
    {"positionIndex", ErrorCode::OutOfRange, "{path} ({value}) must be < {limit}, the number of positions"},
    {"notZero", ErrorCode::OutOfRange, "{path} ({value}) must not be 0"},
    {"fillLossAboveWallet", ErrorCode::OutOfRange, "{path} ({value}) realises a loss of {loss}, more than the wallet balance ({wallet}): the account would be liquidated before this fill"},
    {"closesOnlyPosition", ErrorCode::OutOfRange, "{path} ({value}) closes the only position (realised PnL {realizedPnl}): a scenario needs at least one position"},
    {"afterFill", ErrorCode::OutOfRange, "after the fill, {at}: {message}"},
    {"leverageAboveTable", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit}, the highest the {symbol} table allows"},
    {"riskFraction", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and <= 1 (a fraction: 0.01 is 1%)"},
    {"stopSide", ErrorCode::OutOfRange, "{path} ({value}) must be {direction} the entry price ({entryPrice}) for a {side}"},
    {"impliedSize", ErrorCode::OutOfRange, "with the size this risk implies ({quantity} contracts), {at}: {message}"},
    {"targetSide", ErrorCode::OutOfRange, "{path} ({value}) must be {direction} the mark ({mark}) for a {side}"},
    {"shockAboveMinusOne", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: a shock is a fraction of the mark (-0.5 is -50%)"},
    {"shocksOrRange", ErrorCode::OutOfRange, "{path}: give shocks or shockRange, not both"},
    {"rangeTooMany", ErrorCode::TooMany, "{path} gives {count} shocks; at most {limit} are accepted"},
    {"betasOneFactor", ErrorCode::Unsupported, "{path} apply to the one-factor model only; each-symbol shocks move one symbol at a time"},
    {"unknownSymbol", ErrorCode::UnknownValue, "{path}: no position of the scenario has this symbol"},
    {"gridTooLarge", ErrorCode::TooMany, "the grid has {cells} cells of {positions} positions each; at most {limit} cells and {cellPositions} cells x positions are accepted"},
    {"shockMovesMark", ErrorCode::OutOfRange, "{path} ({value}) with beta {beta} moves the mark of {symbol} from {mark} to {moved}: the mark must stay > 0 and <= {limit}"},
    {"tooManySteps", ErrorCode::TooMany, "{path} has {count} steps; at most {limit} are accepted"},
    {"markMissing", ErrorCode::Missing, "{path} is missing: every step sets the mark of every symbol"},
    {"tooManyProblems", ErrorCode::OutOfRange, "{path} has {count} or more problems; the list stops here"},
    {"marksOrPath", ErrorCode::OutOfRange, "{path}: give marks or path, not both"},
    {"pathMove", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: the move is a fraction of the mark (-0.4 is -40%)"},
    {"pathMovesMark", ErrorCode::OutOfRange, "{path} ({value}) moves the mark of {symbol} from {mark} to {moved}: the mark must stay > 0 and <= {limit}"},
    {"liquidationFeeRate", ErrorCode::OutOfRange, "{path} ({value}) must be >= 0 and < 0.1 (a fraction: 0.005 is 0.5%)"},
    {"fundingRate", ErrorCode::OutOfRange, "{path} ({value}) must be between -1 and 1 (a fraction per interval: 0.0001 is 0.01%)"},

    // Risk lab: odds, Monte Carlo, the liquidation engine (odds.cpp, engine.cpp, orders.cpp).
    {"horizonMissing", ErrorCode::Missing, "{path} is required (or request.days: the horizon in days, ACT/365)"},
    {"horizonTwice", ErrorCode::OutOfRange, "{path} and request.years both give the horizon: give one of them"},
    {"volatilityMissing", ErrorCode::Missing, "{path} is missing: every symbol needs a volatility"},
    {"correlationRows", ErrorCode::OutOfRange, "{path} has {count} rows but the scenario has {symbols} symbols"},
    {"correlationColumns", ErrorCode::OutOfRange, "{path} has {count} entries but the scenario has {symbols} symbols"},
    {"correlationDiagonal", ErrorCode::OutOfRange, "{path} ({value}) must be 1 on the diagonal"},
    {"correlationSymmetric", ErrorCode::OutOfRange, "{path} ({value}) must equal {mirror} ({other}): the matrix is symmetric"},
    {"correlationDefinite", ErrorCode::OutOfRange, "{path} is not positive semi-definite (Cholesky pivot below -{tolerance})"},
    {"countPositive", ErrorCode::NotPositive, "{path} must be > 0"},
    {"countAtMost", ErrorCode::TooMany, "{path} ({value}) must be <= {limit}"},
    {"pathSteps", ErrorCode::TooMany, "{path} × request.steps ({value} × {steps}) must be <= {limit}"},
    {"chunkOrder", ErrorCode::OutOfRange, "{path} ({value}) must be <= end ({end})"},
    {"chunkEnd", ErrorCode::OutOfRange, "{path} ({value}) must be <= request.paths ({paths})"},
    {"tallyPositions", ErrorCode::OutOfRange, "{path} has {count} entries; a tally of this scenario has {expected}"},
    {"tallyHistogram", ErrorCode::OutOfRange, "{path} has {count} entries; a tally of this request has request.steps ({expected})"},
    {"bookLevels", ErrorCode::TooMany, "{path} has {count} levels; at most {limit}"},
    {"bookOrderBids", ErrorCode::Unsorted, "{path} ({value}) must be below the level before it ({previous}): a long is sold into bids, best (highest) first"},
    {"bookOrderAsks", ErrorCode::Unsorted, "{path} ({value}) must be above the level before it ({previous}): a short is bought from asks, best (lowest) first"},
    {"bookBeyondBids", ErrorCode::OutOfRange, "{path} ({value}) must be at or below the liquidation price {liquidationPrice}: the engine sells into bids from the takeover price down"},
    {"bookBeyondAsks", ErrorCode::OutOfRange, "{path} ({value}) must be at or above the liquidation price {liquidationPrice}: the engine buys asks from the takeover price up"},
    {"depthModelNotFinite", ErrorCode::NotFinite, "{path} must be a finite number (the book is empty, so the depth model needs it)"},
    {"depthModelPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0 (the book is empty, so the depth model needs it)"},
    {"depthModelMagnitude", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high} (the book is empty, so the depth model needs it)"},
    {"icebergSlices", ErrorCode::OutOfRange, "{path} ({value}) would cut {quantity} contracts into {count} slices; at most {limit}"},
    {"nothingToUnwind", ErrorCode::OutOfRange, "{path} ({value}): no price liquidates this position in {mode} mode, so there is nothing for the engine to take over"},

    // Options accounts, Black-76, the surface (options.cpp, black.cpp, surface.cpp).
    {"optionsVersion", ErrorCode::Unsupported, "{path} ({value}) must be 2 for an options scenario"},
    {"optionsSizeRateNeeded", ErrorCode::Missing, "{path} is needed for futures on {underlying} (Deribit's rate is known for BTC and ETH)"},
    {"optionsDateFormat", ErrorCode::WrongType, "{path} (\"{value}\") must be a date YYYY-MM-DD, optionally with THH:MM[:SS][Z] (UTC)"},
    {"optionsValuationDateNeeded", ErrorCode::Missing, "{path} is needed by {by}"},
    {"optionsTooManyPositions", ErrorCode::TooMany, "{path} has {count} positions; at most {limit}"},
    {"optionsTooManyValues", ErrorCode::TooMany, "{path} has {count} values; at most {limit}"},
    {"optionsBetweenBecause", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}: {why}"},
    {"optionsFutureContract", ErrorCode::Mixed, "{path} ({value}) must match the account's settlement ({settlement})"},
    {"optionsFutureMarkPrice", ErrorCode::Unsupported, "{path} must be absent: every future is marked at the scenario's underlyingPrice"},
    {"optionsFutureMarginMode", ErrorCode::Unsupported, "{path}: an options account is cross-margined (isolated is not supported)"},
    {"optionsFutureIsolatedMargin", ErrorCode::Unsupported, "{path} must be absent: an options account is cross-margined"},
    {"optionsVolatilityNeeded", ErrorCode::Missing, "{path} is missing and the scenario has no volSurface to read it from"},
    {"optionsExpiryBoth", ErrorCode::OutOfRange, "{option}: give expiryYears or expiryDate, not both"},
    {"optionsExpiryNeeded", ErrorCode::Missing, "{option} needs expiryYears or expiryDate"},
    {"optionsExpiryYearsPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0: the option must expire after the valuation date"},
    {"optionsExpiryDatePast", ErrorCode::NotPositive, "{path} ({value}) must be after valuationDate ({valuationDate}): the option has expired"},
    {"optionsExpiryDateTooFar", ErrorCode::OutOfRange, "{path} ({value}) must be at most {limit} years after valuationDate"},
    {"optionsScanLow", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and < 1 (a factor of underlyingPrice)"},
    {"optionsScanHigh", ErrorCode::OutOfRange, "{path} ({value}) must be > 1 and <= {limit}"},
    {"optionsScanRatio", ErrorCode::OutOfRange, "{path} / request.scanLow ({value}) must be <= {limit}"},
    {"optionsPriceMoveToZero", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: the price would be 0"},
    {"optionsSweepLength", ErrorCode::OutOfRange, "{path} has {count} entries but prices has {prices}"},
    {"blackExpiredYears", ErrorCode::NotPositive, "{path} ({value}) must be > 0: an expired option has no volatility"},
    {"blackDiscountPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0 and <= {limit}"},
    {"blackDiscountRange", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and <= {limit}"},
    {"blackRateTimesYears", ErrorCode::OutOfRange, "{path} ({value}) x years ({years}) must be >= {limit}: the discount factor exp(-rate x years) would pass 1000"},
    {"blackPriceTooLow", ErrorCode::OutOfRange, "{path} ({value}) is at or below the lowest price of the {type} K={strike}, F={forward}, T={years}, discount={discount} ({lowest} at volatility {volatility}; intrinsic value {intrinsic}): no volatility fits"},
    {"blackPriceTooHigh", ErrorCode::OutOfRange, "{path} ({value}) is above the highest price of the {type} K={strike}, F={forward}, T={years}, discount={discount} ({highest} at volatility {volatility}; a call is worth less than discount * F = {bound}): no volatility fits"},
    {"surfaceUnsorted", ErrorCode::Unsorted, "{path} ({value}) must be greater than {previousPath} ({previous}): the axis must be strictly increasing"},
    {"surfaceRows", ErrorCode::OutOfRange, "{path} has {count} rows; it needs one per expiry ({expiries})"},
    {"surfaceRowWidth", ErrorCode::OutOfRange, "{path} has {count} values; it needs one per strike ({strikes})"},

    // The JS boundary (wasm/packed.cpp, wasm/reader.h): a value JS gave of the wrong type or size.
    {"tooLongText", ErrorCode::OutOfRange, "{path} must be at most {limit} characters"},
    {"tooManyTierTables", ErrorCode::TooMany, "{path} has {count} tables; at most {limit} are accepted"},
    {"tooManyTierRows", ErrorCode::TooMany, "{path} has {count} rows; at most {limit} are accepted"},
    {"versionNotWhole", ErrorCode::Unsupported, "{path} ({value}) must be the integer 1"},
    {"scenarioNotObject", ErrorCode::WrongType, "the scenario must be an object, not {actual}"},
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
