// SPDX-License-Identifier: MIT
// MarginLab: the one message table. Every message a validator writes is a row here: a stable rule
// key, its error code, and its English text, where "{name}" stands for the parameter of that name
// ("{path}" for the path). A validator names a row by its key (`c.fail(path, "leverageAboveTier",
// ...)`), checked when compiled; each row is its own constant, so a module links only the rows its
// validators use (the first-paint module carries the scenario's, not the risk lab's).
#pragma once

#include <string_view>

#include "marginlab/errors.h"

namespace marginlab {

/// One row of the table.
struct Message {
  std::string_view rule;
  ErrorCode code;
  std::string_view text;
};

namespace msg {

// Shared by every validator.
inline constexpr Message notFinite{"notFinite", ErrorCode::NotFinite, "{path} must be a finite number"};
inline constexpr Message mustBePositive{"mustBePositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0"};
inline constexpr Message mustBeNonNegative{"mustBeNonNegative", ErrorCode::Negative, "{path} ({value}) must be >= 0"};
inline constexpr Message magnitude{"magnitude", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}"};
inline constexpr Message zeroOrMagnitude{"zeroOrMagnitude", ErrorCode::OutOfRange, "{path} ({value}) must be 0 or between {low} and {high}"};
inline constexpr Message between{"between", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}{hint}"};
inline constexpr Message atMost{"atMost", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit}"};
inline constexpr Message atLeast{"atLeast", ErrorCode::OutOfRange, "{path} ({value}) must be >= {limit}"};
inline constexpr Message whole{"whole", ErrorCode::OutOfRange, "{path} ({value}) must be a whole number between {low} and {high}"};
inline constexpr Message empty{"empty", ErrorCode::Empty, "{path} must hold at least one {item}"};
inline constexpr Message tooMany{"tooMany", ErrorCode::TooMany, "{path} has {count} entries; at most {limit} are accepted"};
inline constexpr Message missing{"missing", ErrorCode::Missing, "{path} is required"};
inline constexpr Message wrongType{"wrongType", ErrorCode::WrongType, "{path} must be {expected}, not {actual}"};
inline constexpr Message unknownValue{"unknownValue", ErrorCode::UnknownValue, "{path} (\"{value}\") must be one of {accepted}"};

// The scenario (validate.cpp).
inline constexpr Message unsupportedVersion{"unsupportedVersion", ErrorCode::Unsupported, "{path} ({value}) is not supported: this build reads version {supported}"};
inline constexpr Message takerFeeRate{"takerFeeRate", ErrorCode::OutOfRange, "{path} ({value}) must be >= 0 and < 0.1 (a fraction: 0.0005 is 0.05%)"};
inline constexpr Message symbolFormat{"symbolFormat", ErrorCode::OutOfRange, "{path} must be 1 to {limit} printable characters without spaces"};
inline constexpr Message symbolEmpty{"symbolEmpty", ErrorCode::Empty, "{path} must be 1 to {limit} printable characters without spaces"};
inline constexpr Message tierKeyFormat{"tierKeyFormat", ErrorCode::OutOfRange, "tier table key must be a symbol of 1 to {limit} printable characters without spaces"};
inline constexpr Message rateWithFee{"rateWithFee", ErrorCode::OutOfRange, "{path} ({value}) plus takerFeeRate ({fee}) must be < 1"};
inline constexpr Message mixedContract{"mixedContract", ErrorCode::Mixed, "{path} is {contract} but positions[0] is {first}: one account settles in one asset, so linear and inverse cannot share it"};
inline constexpr Message inverseUnsupported{"inverseUnsupported", ErrorCode::Unsupported, "{path}: {rules} has only linear contracts, settled in {asset}"};
inline constexpr Message mixedMark{"mixedMark", ErrorCode::Mixed, "{path} ({value}{entryNote}) must equal the mark of positions[{other}] ({otherMark}): one symbol has one mark price"};
inline constexpr Message tierMissing{"tierMissing", ErrorCode::TierMissing, "the {rules} profile ships no tier table for {symbol}: give one in tiers.{symbol}"};
inline constexpr Message tierOtherContract{"tierOtherContract", ErrorCode::TierMissing, "the {rules} profile's tier table for {symbol} is for {tableContract} contracts only: give one in tiers.{symbol}"};
inline constexpr Message entryAboveLastCap{"entryAboveLastCap", ErrorCode::OutOfRange, "the entry notional ({value}) of positions[{index}] exceeds the last tier's cap ({limit})"};
inline constexpr Message leverageAboveTier{"leverageAboveTier", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit} for the tier at notional {notional}"};

// Tier tables (tiers.cpp).
inline constexpr Message tierTableEmpty{"tierTableEmpty", ErrorCode::Empty, "{path} must have at least one row"};
inline constexpr Message tierTableTooMany{"tierTableTooMany", ErrorCode::TooMany, "{path} has {count} rows; at most {limit} are accepted"};
inline constexpr Message tierCapUnsorted{"tierCapUnsorted", ErrorCode::Unsorted, "{path} ({value}) must be greater than the previous row's cap ({previous}): rows are sorted ascending and do not overlap"};
inline constexpr Message tierLeverageRising{"tierLeverageRising", ErrorCode::OutOfRange, "{path} ({value}) must be <= the previous row's ({previous}): larger notionals allow less leverage"};
inline constexpr Message tierRateMissing{"tierRateMissing", ErrorCode::Missing, "{path} is required by the {rules} profile"};
inline constexpr Message tierRateRange{"tierRateRange", ErrorCode::OutOfRange, "{path} ({value}) must be >= {low} and < {limit}"};
inline constexpr Message tierRateFalling{"tierRateFalling", ErrorCode::OutOfRange, "{path} ({value}) must be >= the previous row's ({previous}): larger notionals need more margin"};
inline constexpr Message tierAmountAboveFloor{"tierAmountAboveFloor", ErrorCode::OutOfRange, "{path} ({value}) must be <= floor * rate ({floor} * {rate} = {limit}) so that maintenance margin is never negative"};
// evaluate's equity sweep (sweep.cpp).
inline constexpr Message sweepPosition{"sweepPosition", ErrorCode::OutOfRange, "{path} ({value}) must be < {limit}, the number of positions"};
inline constexpr Message sweepOutSize{"sweepOutSize", ErrorCode::OutOfRange, "{path} has {count} entries but prices has {prices}"};
inline constexpr Message sweepPrice{"sweepPrice", ErrorCode::OutOfRange, "{path} ({value}) must be a finite price > 0 and <= {limit}"};
inline constexpr Message sweepPriceNotFinite{"sweepPriceNotFinite", ErrorCode::NotFinite, "{path} ({value}) must be a finite price > 0 and <= {limit}"};

// Risk lab: what-if and stress (whatif.cpp, stress.cpp).
inline constexpr Message positionIndex{"positionIndex", ErrorCode::OutOfRange, "{path} ({value}) must be < {limit}, the number of positions"};
inline constexpr Message notZero{"notZero", ErrorCode::OutOfRange, "{path} ({value}) must not be 0"};
inline constexpr Message fillLossAboveWallet{"fillLossAboveWallet", ErrorCode::OutOfRange, "{path} ({value}) realises a loss of {loss}, more than the wallet balance ({wallet}): the account would be liquidated before this fill"};
inline constexpr Message closesOnlyPosition{"closesOnlyPosition", ErrorCode::OutOfRange, "{path} ({value}) closes the only position (realised PnL {realizedPnl}): a scenario needs at least one position"};
inline constexpr Message afterFill{"afterFill", ErrorCode::OutOfRange, "after the fill, {at}: {message}"};
inline constexpr Message leverageAboveTable{"leverageAboveTable", ErrorCode::OutOfRange, "{path} ({value}) must be <= {limit}, the highest the {symbol} table allows"};
inline constexpr Message riskFraction{"riskFraction", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and <= 1 (a fraction: 0.01 is 1%)"};
inline constexpr Message stopSide{"stopSide", ErrorCode::OutOfRange, "{path} ({value}) must be {direction} the entry price ({entryPrice}) for a {side}"};
inline constexpr Message impliedSize{"impliedSize", ErrorCode::OutOfRange, "with the size this risk implies ({quantity} contracts), {at}: {message}"};
inline constexpr Message targetSide{"targetSide", ErrorCode::OutOfRange, "{path} ({value}) must be {direction} the mark ({mark}) for a {side}"};
inline constexpr Message shockAboveMinusOne{"shockAboveMinusOne", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: a shock is a fraction of the mark (-0.5 is -50%)"};
inline constexpr Message shocksOrRange{"shocksOrRange", ErrorCode::OutOfRange, "{path}: give shocks or shockRange, not both"};
inline constexpr Message rangeTooMany{"rangeTooMany", ErrorCode::TooMany, "{path} gives {count} shocks; at most {limit} are accepted"};
inline constexpr Message betasOneFactor{"betasOneFactor", ErrorCode::Unsupported, "{path} apply to the one-factor model only; each-symbol shocks move one symbol at a time"};
inline constexpr Message unknownSymbol{"unknownSymbol", ErrorCode::UnknownValue, "{path}: no position of the scenario has this symbol"};
inline constexpr Message gridTooLarge{"gridTooLarge", ErrorCode::TooMany, "the grid has {cells} cells of {positions} positions each; at most {limit} cells and {cellPositions} cells x positions are accepted"};
inline constexpr Message shockMovesMark{"shockMovesMark", ErrorCode::OutOfRange, "{path} ({value}) with beta {beta} moves the mark of {symbol} from {mark} to {moved}: the mark must stay > 0 and <= {limit}"};
inline constexpr Message tooManySteps{"tooManySteps", ErrorCode::TooMany, "{path} has {count} steps; at most {limit} are accepted"};
inline constexpr Message markMissing{"markMissing", ErrorCode::Missing, "{path} is missing: every step sets the mark of every symbol"};
inline constexpr Message tooManyProblems{"tooManyProblems", ErrorCode::OutOfRange, "{path} has {count} or more problems; the list stops here"};
inline constexpr Message marksOrPath{"marksOrPath", ErrorCode::OutOfRange, "{path}: give marks or path, not both"};
inline constexpr Message pathMove{"pathMove", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: the move is a fraction of the mark (-0.4 is -40%)"};
inline constexpr Message pathMovesMark{"pathMovesMark", ErrorCode::OutOfRange, "{path} ({value}) moves the mark of {symbol} from {mark} to {moved}: the mark must stay > 0 and <= {limit}"};
inline constexpr Message liquidationFeeRate{"liquidationFeeRate", ErrorCode::OutOfRange, "{path} ({value}) must be >= 0 and < 0.1 (a fraction: 0.005 is 0.5%)"};
inline constexpr Message fundingRate{"fundingRate", ErrorCode::OutOfRange, "{path} ({value}) must be between -1 and 1 (a fraction per interval: 0.0001 is 0.01%)"};

// Risk lab: odds, Monte Carlo, the liquidation engine (odds.cpp, engine.cpp, orders.cpp).
inline constexpr Message horizonMissing{"horizonMissing", ErrorCode::Missing, "{path} is required (or request.days: the horizon in days, ACT/365)"};
inline constexpr Message horizonTwice{"horizonTwice", ErrorCode::OutOfRange, "{path} and request.years both give the horizon: give one of them"};
inline constexpr Message volatilityMissing{"volatilityMissing", ErrorCode::Missing, "{path} is missing: every symbol needs a volatility"};
inline constexpr Message correlationRows{"correlationRows", ErrorCode::OutOfRange, "{path} has {count} rows but the scenario has {symbols} symbols"};
inline constexpr Message correlationColumns{"correlationColumns", ErrorCode::OutOfRange, "{path} has {count} entries but the scenario has {symbols} symbols"};
inline constexpr Message correlationDiagonal{"correlationDiagonal", ErrorCode::OutOfRange, "{path} ({value}) must be 1 on the diagonal"};
inline constexpr Message correlationSymmetric{"correlationSymmetric", ErrorCode::OutOfRange, "{path} ({value}) must equal {mirror} ({other}): the matrix is symmetric"};
inline constexpr Message correlationDefinite{"correlationDefinite", ErrorCode::OutOfRange, "{path} is not positive semi-definite (Cholesky pivot below -{tolerance})"};
inline constexpr Message countPositive{"countPositive", ErrorCode::NotPositive, "{path} must be > 0"};
inline constexpr Message countAtMost{"countAtMost", ErrorCode::TooMany, "{path} ({value}) must be <= {limit}"};
inline constexpr Message pathSteps{"pathSteps", ErrorCode::TooMany, "{path} × request.steps ({value} × {steps}) must be <= {limit}"};
inline constexpr Message chunkOrder{"chunkOrder", ErrorCode::OutOfRange, "{path} ({value}) must be <= end ({end})"};
inline constexpr Message chunkEnd{"chunkEnd", ErrorCode::OutOfRange, "{path} ({value}) must be <= request.paths ({paths})"};
inline constexpr Message tallyPositions{"tallyPositions", ErrorCode::OutOfRange, "{path} has {count} entries; a tally of this scenario has {expected}"};
inline constexpr Message tallyHistogram{"tallyHistogram", ErrorCode::OutOfRange, "{path} has {count} entries; a tally of this request has request.steps ({expected})"};
inline constexpr Message fundingIntervalHours{"fundingIntervalHours", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high} (hours per funding interval: 8 on most venues, 1 on Hyperliquid and dYdX)"};
inline constexpr Message varPaths{"varPaths", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high} for the value at risk (its {sections} sections each need paths past the 99% quantile)"};
inline constexpr Message jumpsPerStep{"jumpsPerStep", ErrorCode::OutOfRange, "{path} ({value}) expects {mean} jumps in a step; at most {limit}: take more steps"};
inline constexpr Message bookLevels{"bookLevels", ErrorCode::TooMany, "{path} has {count} levels; at most {limit}"};
inline constexpr Message bookOrderBids{"bookOrderBids", ErrorCode::Unsorted, "{path} ({value}) must be below the level before it ({previous}): a long is sold into bids, best (highest) first"};
inline constexpr Message bookOrderAsks{"bookOrderAsks", ErrorCode::Unsorted, "{path} ({value}) must be above the level before it ({previous}): a short is bought from asks, best (lowest) first"};
inline constexpr Message bookBeyondBids{"bookBeyondBids", ErrorCode::OutOfRange, "{path} ({value}) must be at or below the liquidation price {liquidationPrice}: the engine sells into bids from the takeover price down"};
inline constexpr Message bookBeyondAsks{"bookBeyondAsks", ErrorCode::OutOfRange, "{path} ({value}) must be at or above the liquidation price {liquidationPrice}: the engine buys asks from the takeover price up"};
inline constexpr Message depthModelNotFinite{"depthModelNotFinite", ErrorCode::NotFinite, "{path} must be a finite number (the book is empty, so the depth model needs it)"};
inline constexpr Message depthModelPositive{"depthModelPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0 (the book is empty, so the depth model needs it)"};
inline constexpr Message depthModelMagnitude{"depthModelMagnitude", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high} (the book is empty, so the depth model needs it)"};
inline constexpr Message icebergSlices{"icebergSlices", ErrorCode::OutOfRange, "{path} ({value}) would cut {quantity} contracts into {count} slices; at most {limit}"};
inline constexpr Message adlNoRanking{"adlNoRanking", ErrorCode::Unsupported, "{path} ({value}): the lab has the ADL ranking formula of binance, bybit, bybitUta and bitmex only"};
inline constexpr Message adlQuantileCount{"adlQuantileCount", ErrorCode::OutOfRange, "{path} has {count} quantiles; between 2 and {limit}"};
inline constexpr Message adlQuantileOrder{"adlQuantileOrder", ErrorCode::Unsorted, "{path} ({value}) must be at or above the quantile before it ({previous}): quantiles ascend"};
inline constexpr Message adlNoBankruptcy{"adlNoBankruptcy", ErrorCode::OutOfRange, "{path} ({value}): the position has no bankruptcy price short of its mark in {mode} mode, so its effective leverage is not defined"};
inline constexpr Message partialStyle{"partialStyle", ErrorCode::OutOfRange, "{path} ('venue') needs style 'market': the venue's partial liquidation is a market order, not '{style}'"};
inline constexpr Message nothingToUnwind{"nothingToUnwind", ErrorCode::OutOfRange, "{path} ({value}): no price liquidates this position in {mode} mode, so there is nothing for the engine to take over"};

// Reconcile (reconcile.cpp).
inline constexpr Message reconcilePosition{"reconcilePosition", ErrorCode::OutOfRange, "{path} ({value}) must be the index of a position of the scenario, 0 to {high}"};
inline constexpr Message reconcileRepeated{"reconcileRepeated", ErrorCode::OutOfRange, "{path} ({value}) names a position already given at venueFigures[{other}]: one entry per position"};
inline constexpr Message reconcileNoFigure{"reconcileNoFigure", ErrorCode::Missing, "{path} has no figure: give at least one of liquidationPrice, bankruptcyPrice, initialMargin, maintenanceMargin, marginRatio"};

// Options accounts, Black-76, the surface (options.cpp, black.cpp, surface.cpp).
inline constexpr Message optionsVersion{"optionsVersion", ErrorCode::Unsupported, "{path} ({value}) must be 2 for an options scenario"};
inline constexpr Message optionsSizeRateNeeded{"optionsSizeRateNeeded", ErrorCode::Missing, "{path} is needed for futures on {underlying} (Deribit's rate is known for BTC and ETH)"};
inline constexpr Message optionsDateFormat{"optionsDateFormat", ErrorCode::WrongType, "{path} (\"{value}\") must be a date YYYY-MM-DD, optionally with THH:MM[:SS][Z] (UTC)"};
inline constexpr Message optionsValuationDateNeeded{"optionsValuationDateNeeded", ErrorCode::Missing, "{path} is needed by {by}"};
inline constexpr Message optionsTooManyPositions{"optionsTooManyPositions", ErrorCode::TooMany, "{path} has {count} positions; at most {limit}"};
inline constexpr Message optionsTooManyValues{"optionsTooManyValues", ErrorCode::TooMany, "{path} has {count} values; at most {limit}"};
inline constexpr Message optionsBetweenBecause{"optionsBetweenBecause", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}: {why}"};
inline constexpr Message optionsFutureContract{"optionsFutureContract", ErrorCode::Mixed, "{path} ({value}) must match the account's settlement ({settlement})"};
inline constexpr Message optionsFutureMarkPrice{"optionsFutureMarkPrice", ErrorCode::Unsupported, "{path} must be absent: every future is marked at the scenario's underlyingPrice"};
inline constexpr Message optionsFutureMarginMode{"optionsFutureMarginMode", ErrorCode::Unsupported, "{path}: an options account is cross-margined (isolated is not supported)"};
inline constexpr Message optionsFutureIsolatedMargin{"optionsFutureIsolatedMargin", ErrorCode::Unsupported, "{path} must be absent: an options account is cross-margined"};
inline constexpr Message optionsVolatilityNeeded{"optionsVolatilityNeeded", ErrorCode::Missing, "{path} is missing and the scenario has no volSurface to read it from"};
inline constexpr Message optionsExpiryBoth{"optionsExpiryBoth", ErrorCode::OutOfRange, "{option}: give expiryYears or expiryDate, not both"};
inline constexpr Message optionsExpiryNeeded{"optionsExpiryNeeded", ErrorCode::Missing, "{option} needs expiryYears or expiryDate"};
inline constexpr Message optionsExpiryYearsPositive{"optionsExpiryYearsPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0: the option must expire after the valuation date"};
inline constexpr Message optionsExpiryDatePast{"optionsExpiryDatePast", ErrorCode::NotPositive, "{path} ({value}) must be after valuationDate ({valuationDate}): the option has expired"};
inline constexpr Message optionsExpiryDateTooFar{"optionsExpiryDateTooFar", ErrorCode::OutOfRange, "{path} ({value}) must be at most {limit} years after valuationDate"};
inline constexpr Message optionsScanLow{"optionsScanLow", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and < 1 (a factor of underlyingPrice)"};
inline constexpr Message optionsScanHigh{"optionsScanHigh", ErrorCode::OutOfRange, "{path} ({value}) must be > 1 and <= {limit}"};
inline constexpr Message optionsScanRatio{"optionsScanRatio", ErrorCode::OutOfRange, "{path} / request.scanLow ({value}) must be <= {limit}"};
inline constexpr Message optionsPriceMoveToZero{"optionsPriceMoveToZero", ErrorCode::OutOfRange, "{path} ({value}) must be > -1: the price would be 0"};
inline constexpr Message optionsSweepLength{"optionsSweepLength", ErrorCode::OutOfRange, "{path} has {count} entries but prices has {prices}"};
inline constexpr Message blackExpiredYears{"blackExpiredYears", ErrorCode::NotPositive, "{path} ({value}) must be > 0: an expired option has no volatility"};
inline constexpr Message blackDiscountPositive{"blackDiscountPositive", ErrorCode::NotPositive, "{path} ({value}) must be > 0 and <= {limit}"};
inline constexpr Message blackDiscountRange{"blackDiscountRange", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and <= {limit}"};
inline constexpr Message blackRateTimesYears{"blackRateTimesYears", ErrorCode::OutOfRange, "{path} ({value}) x years ({years}) must be >= {limit}: the discount factor exp(-rate x years) would pass 1000"};
inline constexpr Message blackPriceTooLow{"blackPriceTooLow", ErrorCode::OutOfRange, "{path} ({value}) is at or below the lowest price of the {type} K={strike}, F={forward}, T={years}, discount={discount} ({lowest} at volatility {volatility}; intrinsic value {intrinsic}): no volatility fits"};
inline constexpr Message blackPriceTooHigh{"blackPriceTooHigh", ErrorCode::OutOfRange, "{path} ({value}) is above the highest price of the {type} K={strike}, F={forward}, T={years}, discount={discount} ({highest} at volatility {volatility}; a call is worth less than discount * F = {bound}): no volatility fits"};
inline constexpr Message surfaceUnsorted{"surfaceUnsorted", ErrorCode::Unsorted, "{path} ({value}) must be greater than {previousPath} ({previous}): the axis must be strictly increasing"};
inline constexpr Message surfaceRows{"surfaceRows", ErrorCode::OutOfRange, "{path} has {count} rows; it needs one per expiry ({expiries})"};
inline constexpr Message surfaceRowWidth{"surfaceRowWidth", ErrorCode::OutOfRange, "{path} has {count} values; it needs one per strike ({strikes})"};
inline constexpr Message surfaceDatesNeedValuation{"surfaceDatesNeedValuation", ErrorCode::Unsupported, "{path}: expiry dates need an options scenario's valuationDate; give expiries in years here"};
inline constexpr Message surfaceExpiriesBoth{"surfaceExpiriesBoth", ErrorCode::OutOfRange, "{path}: give expiries (years) or expiryDates, not both"};
inline constexpr Message surfaceDatesUnsorted{"surfaceDatesUnsorted", ErrorCode::Unsorted, "{path} (\"{value}\") must be after {previousPath} (\"{previous}\"): the expiries must be strictly increasing"};
// Venue instrument names (options.cpp parseInstrumentName).
inline constexpr Message instrumentDate{"instrumentDate", ErrorCode::WrongType, "{path} (\"{name}\") reads as a {venue} option name, but \"{value}\" is not its expiry date ({format})"};
inline constexpr Message instrumentStrike{"instrumentStrike", ErrorCode::WrongType, "{path} (\"{name}\") reads as a {venue} option name, but \"{value}\" is not its strike (a number > 0)"};
inline constexpr Message instrumentUnderlying{"instrumentUnderlying", ErrorCode::WrongType, "{path} (\"{name}\") reads as a {venue} option name, but \"{value}\" is not its underlying (letters and digits)"};
inline constexpr Message instrumentSettle{"instrumentSettle", ErrorCode::UnknownValue, "{path} (\"{name}\") reads as a Bybit option name, but \"{value}\" is not its settlement coin (USDT or USDC)"};

// Surface fit: volatility surfaces from option quotes (svi.cpp).
inline constexpr Message sviPriceOrVolatility{"sviPriceOrVolatility", ErrorCode::Missing, "{path} needs a price or a volatility"};
inline constexpr Message sviDuplicateQuote{"sviDuplicateQuote", ErrorCode::OutOfRange, "{path} ({value}) is quoted twice: quotes[{other}] is the same {type} at the same strike and expiry"};
inline constexpr Message sviTooManyExpiries{"sviTooManyExpiries", ErrorCode::TooMany, "{path} has {count} expiries; at most {limit}"};
inline constexpr Message sviTooFewStrikes{"sviTooFewStrikes", ErrorCode::OutOfRange, "{path} ({value}): this expiry has {count} distinct strikes; an SVI fit needs at least {limit}"};
inline constexpr Message sviParityForward{"sviParityForward", ErrorCode::OutOfRange, "{path}: put-call parity at strike {strike} gives a forward of {forward}, which must be > 0"};
inline constexpr Message sviNotInformative{"sviNotInformative", ErrorCode::OutOfRange, "{path} ({value}) is the option's intrinsic value to within rounding: no volatility can be read from it"};

// The JS boundary (wasm/packed.cpp, wasm/reader.h): a value JS gave of the wrong type or size.
inline constexpr Message tooLongText{"tooLongText", ErrorCode::OutOfRange, "{path} must be at most {limit} characters"};
inline constexpr Message tooManyTierTables{"tooManyTierTables", ErrorCode::TooMany, "{path} has {count} tables; at most {limit} are accepted"};
inline constexpr Message tooManyTierRows{"tooManyTierRows", ErrorCode::TooMany, "{path} has {count} rows; at most {limit} are accepted"};
inline constexpr Message versionNotWhole{"versionNotWhole", ErrorCode::Unsupported, "{path} ({value}) must be the integer 1"};
inline constexpr Message scenarioNotObject{"scenarioNotObject", ErrorCode::WrongType, "the scenario must be an object, not {actual}"};

// The JS boundary: tool requests (wasm/risk.cpp, wasm/options.cpp, wasm/bindings.cpp, batch.cpp): a
// request field JS gave of the wrong type, size or kind.
inline constexpr Message requestIndex{"requestIndex", ErrorCode::OutOfRange, "{path} must be an index (an integer >= 0)"};
inline constexpr Message notANumber{"notANumber", ErrorCode::WrongType, "{path} must be a number"};
inline constexpr Message notAString{"notAString", ErrorCode::WrongType, "{path} must be a string"};
inline constexpr Message tooManySymbols{"tooManySymbols", ErrorCode::TooMany, "{path} has more than {limit} symbols"};
inline constexpr Message tooManyEntries{"tooManyEntries", ErrorCode::TooMany, "{path} has {count} entries; at most {limit}"};
inline constexpr Message marksNotArray{"marksNotArray", ErrorCode::WrongType, "{path} must be an array of {shape} objects"};
inline constexpr Message tooManyMarkSteps{"tooManyMarkSteps", ErrorCode::TooMany, "{path} has more than {limit} steps"};
inline constexpr Message optionsTooManyRows{"optionsTooManyRows", ErrorCode::TooMany, "{path} has {count} rows; at most {limit}"};
inline constexpr Message countWhole{"countWhole", ErrorCode::OutOfRange, "{path} ({value}) must be a whole number >= 0"};
inline constexpr Message optionsVersionNotWhole{"optionsVersionNotWhole", ErrorCode::Unsupported, "{path} ({value}) must be the integer 2"};
inline constexpr Message inputNotObject{"inputNotObject", ErrorCode::WrongType, "the input must be an object, not {actual}"};
inline constexpr Message sweepPositionIndex{"sweepPositionIndex", ErrorCode::OutOfRange, "{path} must be a position index (an integer >= 0)"};
inline constexpr Message batchLength{"batchLength", ErrorCode::OutOfRange, "{path} has {count} entries but out has {out}"};
inline constexpr Message batchSide{"batchSide", ErrorCode::OutOfRange, "{path} ({value}) must be 1 (long) or -1 (short)"};
inline constexpr Message batchQuantity{"batchQuantity", ErrorCode::OutOfRange, "{path} ({value}) must be a size > 0"};
inline constexpr Message batchEntryPrice{"batchEntryPrice", ErrorCode::OutOfRange, "{path} ({value}) must be a price > 0"};
inline constexpr Message batchLeverage{"batchLeverage", ErrorCode::OutOfRange, "{path} ({value}) must be > 0 and <= {limit}"};
inline constexpr Message batchEntryAboveLastCap{"batchEntryAboveLastCap", ErrorCode::OutOfRange, "the entry notional ({value}) of [{index}] exceeds the last tier's cap ({limit})"};

// Accounts (scenario version 3: account.cpp, wasm/account.cpp).
inline constexpr Message accountVersion{"accountVersion", ErrorCode::Unsupported, "{path} ({value}) must be 3 for an account"};
inline constexpr Message accountVersionNotWhole{"accountVersionNotWhole", ErrorCode::Unsupported, "{path} ({value}) must be the integer 3"};
inline constexpr Message accountHaircut{"accountHaircut", ErrorCode::OutOfRange, "{path} ({value}) must be between 0 and 1 (a fraction of the asset's value: 0.02 is 2%)"};
inline constexpr Message accountBalance{"accountBalance", ErrorCode::OutOfRange, "{path} ({value}) must be 0 or between {low} and {high} in size (negative: borrowed)"};
inline constexpr Message accountDuplicateName{"accountDuplicateName", ErrorCode::OutOfRange, "{path} (\"{value}\") is also {otherPath}: each {item} appears once"};
inline constexpr Message accountUnknownUnderlying{"accountUnknownUnderlying", ErrorCode::UnknownValue, "{path} (\"{value}\") names no entry of underlyings: the account has no price for it"};
inline constexpr Message accountUnknownAsset{"accountUnknownAsset", ErrorCode::UnknownValue, "{path} (\"{value}\") names no entry of collateral: the account has no price for the asset it settles in"};
inline constexpr Message accountTooManyPositions{"accountTooManyPositions", ErrorCode::TooMany, "{path}: futures and options hold {count} positions; at most {limit} are accepted"};
inline constexpr Message accountSurfacePoints{"accountSurfacePoints", ErrorCode::TooMany, "{path} brings the surfaces to {count} volatilities; at most {limit} over all underlyings"};
inline constexpr Message accountBandStart{"accountBandStart", ErrorCode::OutOfRange, "{path} ({value}) must be 0: the first band starts at nothing held"};
inline constexpr Message accountBandOrder{"accountBandOrder", ErrorCode::Unsorted, "{path} ({value}) must be above the band before it ({previous})"};
inline constexpr Message accountLevel{"accountLevel", ErrorCode::OutOfRange, "{path} ({value}) must be above 0 and at most {limit} (a margin ratio: 1.05 is 105%)"};
inline constexpr Message accountBeta{"accountBeta", ErrorCode::OutOfRange, "{path} ({value}) must be between -{limit} and {limit} (a move per unit of the common move)"};
inline constexpr Message accountAxisAsset{"accountAxisAsset", ErrorCode::UnknownValue, "{path} (\"{value}\") names no underlying and no collateral asset of the account"};
inline constexpr Message accountAxisSame{"accountAxisSame", ErrorCode::OutOfRange, "{path} (\"{value}\") is also request.x.asset: the two axes move different prices"};
inline constexpr Message accountAxisRange{"accountAxisRange", ErrorCode::OutOfRange, "{path}: from ({from}) must be above -1 and below to ({to}), and to at most {limit} (relative moves: -0.5 is half the price)"};
inline constexpr Message accountOptionsNeedDeribit{"accountOptionsNeedDeribit", ErrorCode::Unsupported, "{path}: options need margin \"deribitStandard\" or the venue \"bybitUnified\" (the other tiers rules have no option margin)"};

// sizeCurve, curve 'dydx' (curve.cpp): the open-interest caps.
inline constexpr Message curveCapsOrder{"curveCapsOrder", ErrorCode::OutOfRange, "{path} ({value}) must be above openInterestLowerCap ({limit})"};
// Margin by venue (venue_pm.cpp).
inline constexpr Message venuePmAsOf{"venuePmAsOf", ErrorCode::OutOfRange, "{path} (\"{value}\") must be a date \"YYYY-MM-DD\""};
inline constexpr Message venuePmVenue{"venuePmVenue", ErrorCode::UnknownValue, "{path} (\"{value}\") must be one of deribit, okx, bybit, binance, span"};
inline constexpr Message venuePmSpanUnderlying{"venuePmSpanUnderlying", ErrorCode::UnknownValue, "{path} (\"{value}\") names no entry of the account's underlyings"};
inline constexpr Message venuePmFraction{"venuePmFraction", ErrorCode::OutOfRange, "{path} ({value}) must be between {low} and {high}"};
// Margin by venue: SPAN's intra-commodity tiers and inter-commodity spreads (venue_pm_span.cpp).
inline constexpr Message venuePmSpanTierOrder{"venuePmSpanTierOrder", ErrorCode::OutOfRange, "{path} ({value}) must be above the previous tier's maxYears ({low})"};
inline constexpr Message venuePmSpanSame{"venuePmSpanSame", ErrorCode::OutOfRange, "{path} (\"{value}\") is also the spread's other side: a spread needs two different ones"};
inline constexpr Message venuePmSpanInter{"venuePmSpanInter", ErrorCode::UnknownValue, "{path} (\"{value}\") names no entry of request.span"};
// Margin by venue: reverse questions and dated parameter sets (venue_pm_reverse.cpp, venue_pm_params.cpp).
inline constexpr Message venuePmNewLeg{"venuePmNewLeg", ErrorCode::Missing, "{path}: give exactly one of future and option"};
inline constexpr Message venuePmNoSets{"venuePmNoSets", ErrorCode::UnknownValue, "{path} (\"{value}\") must be one of deribit, okx, bybit (the venues with dated parameter sets)"};

/// Every row, for lookups by key: when compiled (Rule), and in tests (messageFor).
inline constexpr const Message* kAll[] = {
    &notFinite,
    &mustBePositive,
    &mustBeNonNegative,
    &magnitude,
    &zeroOrMagnitude,
    &between,
    &atMost,
    &atLeast,
    &whole,
    &empty,
    &tooMany,
    &missing,
    &wrongType,
    &unknownValue,
    &unsupportedVersion,
    &takerFeeRate,
    &symbolFormat,
    &symbolEmpty,
    &tierKeyFormat,
    &rateWithFee,
    &mixedContract,
    &inverseUnsupported,
    &mixedMark,
    &tierMissing,
    &tierOtherContract,
    &entryAboveLastCap,
    &leverageAboveTier,
    &tierTableEmpty,
    &tierTableTooMany,
    &tierCapUnsorted,
    &tierLeverageRising,
    &tierRateMissing,
    &tierRateRange,
    &tierRateFalling,
    &tierAmountAboveFloor,
    &sweepPosition,
    &sweepOutSize,
    &sweepPrice,
    &sweepPriceNotFinite,
    &positionIndex,
    &notZero,
    &fillLossAboveWallet,
    &closesOnlyPosition,
    &afterFill,
    &leverageAboveTable,
    &riskFraction,
    &stopSide,
    &impliedSize,
    &targetSide,
    &shockAboveMinusOne,
    &shocksOrRange,
    &rangeTooMany,
    &betasOneFactor,
    &unknownSymbol,
    &gridTooLarge,
    &shockMovesMark,
    &tooManySteps,
    &markMissing,
    &tooManyProblems,
    &marksOrPath,
    &pathMove,
    &pathMovesMark,
    &liquidationFeeRate,
    &fundingRate,
    &horizonMissing,
    &horizonTwice,
    &volatilityMissing,
    &correlationRows,
    &correlationColumns,
    &correlationDiagonal,
    &correlationSymmetric,
    &correlationDefinite,
    &countPositive,
    &countAtMost,
    &pathSteps,
    &chunkOrder,
    &chunkEnd,
    &tallyPositions,
    &tallyHistogram,
    &fundingIntervalHours,
    &varPaths,
    &jumpsPerStep,
    &bookLevels,
    &bookOrderBids,
    &bookOrderAsks,
    &bookBeyondBids,
    &bookBeyondAsks,
    &depthModelNotFinite,
    &depthModelPositive,
    &depthModelMagnitude,
    &icebergSlices,
    &nothingToUnwind,
    &partialStyle,
    &adlNoRanking,
    &adlQuantileCount,
    &adlQuantileOrder,
    &adlNoBankruptcy,
    &reconcilePosition,  // reconcile
    &reconcileRepeated,
    &reconcileNoFigure,
    &optionsVersion,
    &optionsSizeRateNeeded,
    &optionsDateFormat,
    &surfaceDatesNeedValuation,
    &surfaceExpiriesBoth,
    &surfaceDatesUnsorted,
    &instrumentDate,
    &instrumentStrike,
    &instrumentUnderlying,
    &instrumentSettle,
    &optionsValuationDateNeeded,
    &optionsTooManyPositions,
    &optionsTooManyValues,
    &optionsBetweenBecause,
    &optionsFutureContract,
    &optionsFutureMarkPrice,
    &optionsFutureMarginMode,
    &optionsFutureIsolatedMargin,
    &optionsVolatilityNeeded,
    &optionsExpiryBoth,
    &optionsExpiryNeeded,
    &optionsExpiryYearsPositive,
    &optionsExpiryDatePast,
    &optionsExpiryDateTooFar,
    &optionsScanLow,
    &optionsScanHigh,
    &optionsScanRatio,
    &optionsPriceMoveToZero,
    &optionsSweepLength,
    &blackExpiredYears,
    &blackDiscountPositive,
    &blackDiscountRange,
    &blackRateTimesYears,
    &blackPriceTooLow,
    &blackPriceTooHigh,
    &surfaceUnsorted,
    &surfaceRows,
    &surfaceRowWidth,
    &sviPriceOrVolatility,
    &sviDuplicateQuote,
    &sviTooManyExpiries,
    &sviTooFewStrikes,
    &sviParityForward,
    &sviNotInformative,
    &tooLongText,
    &tooManyTierTables,
    &tooManyTierRows,
    &versionNotWhole,
    &scenarioNotObject,
    &requestIndex,
    &notANumber,
    &notAString,
    &tooManySymbols,
    &tooManyEntries,
    &marksNotArray,
    &tooManyMarkSteps,
    &optionsTooManyRows,
    &countWhole,
    &optionsVersionNotWhole,
    &inputNotObject,
    &sweepPositionIndex,
    &batchLength,
    &batchSide,
    &batchQuantity,
    &batchEntryPrice,
    &batchLeverage,
    &batchEntryAboveLastCap,
    &accountVersion,
    &accountVersionNotWhole,
    &accountHaircut,
    &accountBalance,
    &accountDuplicateName,
    &accountUnknownUnderlying,
    &accountUnknownAsset,
    &accountTooManyPositions,
    &accountSurfacePoints,
    &accountOptionsNeedDeribit,
    &curveCapsOrder,
    &venuePmAsOf,
    &venuePmVenue,
    &venuePmSpanUnderlying,
    &venuePmFraction,
    &venuePmNewLeg,
    &venuePmNoSets,
    &venuePmSpanTierOrder,
    &venuePmSpanSame,
    &venuePmSpanInter,
    &accountBandStart,
    &accountBandOrder,
    &accountLevel,
    &accountBeta,
    &accountAxisAsset,
    &accountAxisSame,
    &accountAxisRange,
};

}  // namespace msg

/// A row named by its key, found when compiled: `"leverageAboveTier"` converts to it, and a key
/// missing from the table does not compile.
class Rule {
 public:
  consteval Rule(const char* key) : message_(find(key)) {}  // NOLINT: a literal names its row
  constexpr Rule(const Message& message) noexcept : message_(&message) {}  // NOLINT
  [[nodiscard]] constexpr const Message& message() const noexcept { return *message_; }

 private:
  static consteval const Message* find(const char* key) {
    const std::string_view k(key);
    for (const Message* m : msg::kAll)
      if (m->rule == k) return m;
    noRowHasThisKey();  // not constexpr: a key missing from the table does not compile
    return nullptr;
  }
  static void noRowHasThisKey();
  const Message* message_;
};

}  // namespace marginlab
