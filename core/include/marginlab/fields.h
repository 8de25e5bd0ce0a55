// SPDX-License-Identifier: MIT
// MarginLab: one description per struct (STYLE.md 15). fields(v, x) calls v(name, member, tags...)
// for every member that crosses to JS, in the order JS sees them. The wasm reader and writers, the
// module's describe() (checked against marginlab.d.ts) and the fuzzer's encoder all walk it, so a
// field is spelled here once and nowhere else in C++.
#pragma once

#include <concepts>
#include <cstddef>
#include <span>
#include <string_view>
#include <type_traits>

#include "marginlab/batch.h"
#include "marginlab/black.h"
#include "marginlab/check.h"
#include "marginlab/adl.h"
#include "marginlab/curve.h"
#include "marginlab/engine.h"
#include "marginlab/errors.h"
#include "marginlab/messages.h"
#include "marginlab/odds.h"
#include "marginlab/reconcile.h"
#include "marginlab/options.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/stress.h"
#include "marginlab/surface.h"
#include "marginlab/svi.h"
#include "marginlab/tiers.h"
#include "marginlab/venue.h"
#include "marginlab/whatif.h"

namespace marginlab {

// ---- what a field may carry beside its name ------------------------------------------------------

/// Input: absent is an error (missing); a field without it keeps its default when absent.
struct Required {};
/// Input: most entries of a list or record, and for a record of lists the most entries of each.
struct Limit {
  std::size_t entries = 0;
  std::size_t inner = 0;
};
/// Input: a whole number (in [0, high] for a request's index or count); a number that is not one is
/// reported with `rule` (a message-table key; "whole" is the Checker's, with its range).
struct Whole {
  Rule rule;
  double high = 9'999'999;
  double low = 0;  ///< the least whole number taken (the options account's version may be negative)
};
/// Input: an enum string that is none of its values is quoted in the error to its first `length` characters.
struct QuoteLimit {
  std::size_t length = 32;
};
/// Input: a list of objects, in its errors' words: not a list, "{path} must be an array of {shape}
/// {items}"; an entry not an object, "{path}[i] must be an object {shape}"; longer than its Limit,
/// the row `tooMany` ({count}, {limit}).
struct ListOf {
  std::string_view shape;
  std::string_view items;
  Rule tooMany;
};
/// Input: an object field's shape in its error when it is not an object: "{path} must be an object {shape}".
struct Shape {
  std::string_view shape;
};
/// Input: a list that may be absent (undefined) only when the field `other` is given instead.
struct Instead {
  std::string_view other;
};
/// Input: a list of numbers as the options account reads one: an entry that is not a number reads
/// as NaN (the error names its type, the core's check there is shadowed); longer than its Limit, the
/// row optionsTooManyValues. With Required, null is the wrong type. On rows of numbers (a surface's
/// vols): each row read so, an absent one missing, more rows than Limit::entries optionsTooManyRows.
struct Values {};
/// Input: an optional number given but unreadable stays absent (its error names the type) instead of
/// reading as NaN, as the options account has always read them.
struct KeepAbsent {};
/// Input: read so that the core can say it does not belong; the d.ts leaves it out (describe() too).
struct Undeclared {};
/// Input: a list of Positions read as an options account's futures (their own fields(), with this
/// tag), each entry's contract the account's settlement unless given.
struct AsFuture {
  Contract settlement = Contract::Inverse;
};
/// Input (the venue calls' requests): null is the wrong type, not absent, as those calls have always read it.
struct NullWrong {};
/// Input (the venue calls' requests): a string of any length is read and cut to its first `length` bytes
/// instead of refused as too long: an enum's string is then unknown, a name refused by the core.
struct Cut {
  std::size_t length = 0;
};
/// Output: absent from the JS object in some answers (steps without explain, comparisons with errors).
struct Omitted {};

/// Most tier tables one scenario gives.
inline constexpr std::size_t kMaxTierTables = 200;
/// Longest string (in UTF-16 units, as JS counts) a reader copies; a longer one is an error.
inline constexpr std::size_t kMaxTextLength = 64;

// ---- enums: their strings, in the order of their values ------------------------------------------

inline constexpr std::string_view kContractNames[] = {"linear", "inverse"};
inline constexpr std::string_view kSideNames[] = {"long", "short"};
inline constexpr std::string_view kMarginModeNames[] = {"isolated", "cross"};

inline constexpr std::string_view kTargetKindNames[] = {"pnl", "roe"};
inline constexpr std::string_view kShockModelNames[] = {"oneFactor", "eachSymbol"};
inline constexpr std::string_view kUnwindStyleNames[] = {"market", "twap", "iceberg"};
inline constexpr std::string_view kUnwindOrderNames[] = {"book", "iocAtBankruptcy"};
inline constexpr std::string_view kUnwindPartialNames[] = {"none", "venue"};
inline constexpr std::string_view kAdlOkxRankingNames[] = {"none", "pnlTimesLeverageAssumed"};
inline constexpr std::string_view kUnwindStepDownNames[] = {"none", "lowerTierAssumed", "twoTiersAssumed"};
inline constexpr std::string_view kCascadeLiquidationNames[] = {"wholeAccount", "tierByTier"};
inline constexpr std::string_view kVolShockKindNames[] = {"relative", "absolute"};
inline constexpr std::string_view kOptionTypeNames[] = {"call", "put"};
inline constexpr std::string_view kVolDynamicsNames[] = {"stickyStrike", "stickyMoneyness"};
inline constexpr std::string_view kSizeCurveNames[] = {"orderly", "drift", "dydx"};
inline constexpr std::string_view kTickRoundingNames[] = {"nearest", "conservative"};

constexpr std::span<const std::string_view> enumNames(Rules) noexcept { return kRuleNames; }
constexpr std::span<const std::string_view> enumNames(Contract) noexcept { return kContractNames; }
constexpr std::span<const std::string_view> enumNames(Side) noexcept { return kSideNames; }
constexpr std::span<const std::string_view> enumNames(MarginMode) noexcept { return kMarginModeNames; }
constexpr std::span<const std::string_view> enumNames(TargetKind) noexcept { return kTargetKindNames; }
constexpr std::span<const std::string_view> enumNames(ShockModel) noexcept { return kShockModelNames; }
constexpr std::span<const std::string_view> enumNames(UnwindStyle) noexcept { return kUnwindStyleNames; }
constexpr std::span<const std::string_view> enumNames(UnwindOrder) noexcept { return kUnwindOrderNames; }
constexpr std::span<const std::string_view> enumNames(UnwindPartial) noexcept { return kUnwindPartialNames; }
constexpr std::span<const std::string_view> enumNames(UnwindStepDown) noexcept { return kUnwindStepDownNames; }
constexpr std::span<const std::string_view> enumNames(AdlOkxRanking) noexcept { return kAdlOkxRankingNames; }
constexpr std::span<const std::string_view> enumNames(CascadeLiquidation) noexcept { return kCascadeLiquidationNames; }
constexpr std::span<const std::string_view> enumNames(VolShockKind) noexcept { return kVolShockKindNames; }
constexpr std::span<const std::string_view> enumNames(OptionType) noexcept { return kOptionTypeNames; }
constexpr std::span<const std::string_view> enumNames(VolDynamics) noexcept { return kVolDynamicsNames; }
constexpr std::span<const std::string_view> enumNames(SizeCurve) noexcept { return kSizeCurveNames; }
constexpr std::span<const std::string_view> enumNames(Convention) noexcept { return kConventionNames; }
constexpr std::span<const std::string_view> enumNames(TickRounding) noexcept { return kTickRoundingNames; }

/// The d.ts union type of each enum.
constexpr std::string_view enumType(Rules) noexcept { return "Rules"; }
constexpr std::string_view enumType(Contract) noexcept { return "Contract"; }
constexpr std::string_view enumType(Side) noexcept { return "Side"; }
constexpr std::string_view enumType(MarginMode) noexcept { return "MarginMode"; }
constexpr std::string_view enumType(VolShockKind) noexcept { return "VolShockKind"; }
constexpr std::string_view enumType(OptionType) noexcept { return "OptionType"; }
constexpr std::string_view enumType(VolDynamics) noexcept { return "VolDynamics"; }
constexpr std::string_view enumType(Convention) noexcept { return "Convention"; }
/// The d.ts spells these unions inline in their requests.
constexpr std::string_view enumType(TargetKind) noexcept { return "'pnl' | 'roe'"; }
constexpr std::string_view enumType(ShockModel) noexcept { return "'oneFactor' | 'eachSymbol'"; }
constexpr std::string_view enumType(UnwindStyle) noexcept { return "'market' | 'twap' | 'iceberg'"; }
constexpr std::string_view enumType(UnwindOrder) noexcept { return "'book' | 'iocAtBankruptcy'"; }
constexpr std::string_view enumType(UnwindPartial) noexcept { return "'none' | 'venue'"; }
constexpr std::string_view enumType(AdlOkxRanking) noexcept { return "'none' | 'pnlTimesLeverageAssumed'"; }
constexpr std::string_view enumType(UnwindStepDown) noexcept { return "'none' | 'lowerTierAssumed' | 'twoTiersAssumed'"; }
constexpr std::string_view enumType(CascadeLiquidation) noexcept { return "'wholeAccount' | 'tierByTier'"; }
constexpr std::string_view enumType(SizeCurve) noexcept { return "'orderly' | 'drift' | 'dydx'"; }
constexpr std::string_view enumType(TickRounding) noexcept { return "'nearest' | 'conservative'"; }

/// An enum that crosses as one of its strings.
template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) {
  enumNames(e);
  enumType(e);
};

// ---- the described structs and their names in marginlab.d.ts ------------------------------------

/// The d.ts interface of a described struct; empty for any other type.
template <class T>
inline constexpr std::string_view kStructName{};
template <> inline constexpr std::string_view kStructName<Tier> = "Tier";
template <> inline constexpr std::string_view kStructName<Position> = "Position";
template <> inline constexpr std::string_view kStructName<Scenario> = "Scenario";
template <> inline constexpr std::string_view kStructName<BatchRequest> = "BatchRequest";
template <> inline constexpr std::string_view kStructName<TierBoundary> = "TierBoundary";
template <> inline constexpr std::string_view kStructName<PositionOutcome> = "PositionOutcome";
template <> inline constexpr std::string_view kStructName<AccountOutcome> = "AccountOutcome";
template <> inline constexpr std::string_view kStructName<Outcome> = "Outcome";
template <> inline constexpr std::string_view kStructName<Comparison> = "Comparison";
template <> inline constexpr std::string_view kStructName<Report> = "Report";
template <> inline constexpr std::string_view kStructName<Step> = "Step";
template <> inline constexpr std::string_view kStructName<InputError> = "InputError";
template <> inline constexpr std::string_view kStructName<AdjustRequest> = "AdjustRequest";
template <> inline constexpr std::string_view kStructName<TargetRequest> = "TargetRequest";
template <> inline constexpr std::string_view kStructName<MaxOpenRequest> = "MaxOpenRequest";
template <> inline constexpr std::string_view kStructName<StopSizeRequest> = "StopSizeRequest";
template <> inline constexpr std::string_view kStructName<MarginToTargetRequest> = "MarginToTargetRequest";
template <> inline constexpr std::string_view kStructName<FundingRequest> = "FundingRequest";
template <> inline constexpr std::string_view kStructName<OddsRequest> = "OddsRequest";
template <> inline constexpr std::string_view kStructName<MonteCarloRequest> = "MonteCarloRequest";
template <> inline constexpr std::string_view kStructName<VolatilityFrom> = "VolatilityFrom";
template <> inline constexpr std::string_view kStructName<JumpModel> = "JumpModel";
template <> inline constexpr std::string_view kStructName<StressRequest> = "StressRequest";
template <> inline constexpr std::string_view kStructName<ShockRange> = "ShockRange";
template <> inline constexpr std::string_view kStructName<CascadeRequest> = "CascadeRequest";
template <> inline constexpr std::string_view kStructName<CascadePath> = "CascadePath";
template <> inline constexpr std::string_view kStructName<OptionsRequest> = "OptionsRequest";
template <> inline constexpr std::string_view kStructName<OptionsSweepRequest> = "OptionsSweepRequest";
template <> inline constexpr std::string_view kStructName<PortfolioMarginRequest> = "PortfolioMarginRequest";
template <> inline constexpr std::string_view kStructName<UnwindRequest> = "UnwindRequest";
template <> inline constexpr std::string_view kStructName<AdlRequest> = "AdlRequest";
template <> inline constexpr std::string_view kStructName<VenueFigure> = "VenueFigure";  // reconcile
template <> inline constexpr std::string_view kStructName<ReconcileRequest> = "ReconcileRequest";
template <> inline constexpr std::string_view kStructName<ReconciledFigures> = "ReconciledFigures";
template <> inline constexpr std::string_view kStructName<FigureDifference> = "FigureDifference";
template <> inline constexpr std::string_view kStructName<PositionReconciliation> = "PositionReconciliation";
template <> inline constexpr std::string_view kStructName<ReconcileResult> = "ReconcileResult";
template <> inline constexpr std::string_view kStructName<TickRequest> = "TickPriceRequest";  // venue.h
template <> inline constexpr std::string_view kStructName<TickResult> = "TickPrice";
template <> inline constexpr std::string_view kStructName<LotRequest> = "WholeLotsRequest";
template <> inline constexpr std::string_view kStructName<LotResult> = "WholeLots";
template <> inline constexpr std::string_view kStructName<BookLevel> = "BookLevel";
template <> inline constexpr std::string_view kStructName<OptionPosition> = "OptionPosition";
template <> inline constexpr std::string_view kStructName<VolSurface> = "VolSurface";
template <> inline constexpr std::string_view kStructName<OptionsScenario> = "OptionsScenario";
template <> inline constexpr std::string_view kStructName<Black76Input> = "Black76Input";
template <> inline constexpr std::string_view kStructName<ImpliedVolatilityInput> = "ImpliedVolatilityInput";
template <> inline constexpr std::string_view kStructName<Black76Greeks> = "Black76Greeks";
template <> inline constexpr std::string_view kStructName<ImpliedVolatility> = "ImpliedVolatility";
template <> inline constexpr std::string_view kStructName<SizeCurveInput> = "SizeCurveInput";
template <> inline constexpr std::string_view kStructName<InstrumentNameInput> = "InstrumentNameInput";
template <> inline constexpr std::string_view kStructName<InstrumentName> = "InstrumentName";
template <> inline constexpr std::string_view kStructName<SizeCurveResult> = "SizeCurveResult";
template <> inline constexpr std::string_view kStructName<OptionValuation> = "OptionValuation";
template <> inline constexpr std::string_view kStructName<FutureValuation> = "FutureValuation";
template <> inline constexpr std::string_view kStructName<LiquidationCrossing> = "LiquidationCrossing";
template <> inline constexpr std::string_view kStructName<OptionsAccountView> = "OptionsAccountView";
template <> inline constexpr std::string_view kStructName<IsolatedHorizon> = "IsolatedHorizon";
template <> inline constexpr std::string_view kStructName<IsolatedPosition> = "IsolatedPosition";
template <> inline constexpr std::string_view kStructName<IsolatedPositions> = "IsolatedPositions";
template <> inline constexpr std::string_view kStructName<OptionsAccountResult> = "OptionsAccountResult";
template <> inline constexpr std::string_view kStructName<PortfolioMarginResult> = "PortfolioMarginResult";
template <> inline constexpr std::string_view kStructName<OptionQuote> = "OptionQuote";
template <> inline constexpr std::string_view kStructName<SurfaceFitRequest> = "SurfaceFitRequest";
template <> inline constexpr std::string_view kStructName<SviSmile> = "SviSmile";
template <> inline constexpr std::string_view kStructName<SurfaceArbitrage> = "SurfaceArbitrage";
template <> inline constexpr std::string_view kStructName<SurfaceFitResult> = "SurfaceFitResult";

template <class T>
concept Described = !kStructName<std::remove_const_t<T>>.empty();

/// T is U or const U: one description serves readers (U&) and writers (const U&).
template <class T, class U>
concept Is = std::same_as<std::remove_const_t<T>, U>;

// ---- input: the scenario (scenario.h) --------------------------------------------------------------

template <class V, Is<Tier> T>
void fields(V& v, T& t) {
  v("notionalCap", t.notionalCap, Required{});
  v("maxLeverage", t.maxLeverage, Required{});
  v("maintenanceMarginRate", t.maintenanceMarginRate);
  v("maintenanceAmount", t.maintenanceAmount);
}

template <class V, Is<Position> T>
void fields(V& v, T& p) {
  v("symbol", p.symbol, Required{});
  v("contract", p.contract);
  v("contractSize", p.contractSize);
  v("side", p.side, Required{});
  v("quantity", p.quantity, Required{});
  v("entryPrice", p.entryPrice, Required{});
  v("markPrice", p.markPrice);
  v("leverage", p.leverage);
  v("marginMode", p.marginMode);
  v("isolatedMargin", p.isolatedMargin);
}

template <class V, Is<Scenario> T>
void fields(V& v, T& s) {
  v("version", s.version, Whole{"versionNotWhole"});
  v("rules", s.rules);
  v("walletBalance", s.walletBalance, Required{});
  v("takerFeeRate", s.takerFeeRate);
  v("positions", s.positions, Required{}, Limit{kMaxPositions});
  v("tiers", s.tiers, Limit{kMaxTierTables, kMaxTierRows});
}

/// batch.h: what the positions of a batch share.
template <class V, Is<BatchRequest> T>
void fields(V& v, T& b) {
  v("rules", b.rules);
  v("contract", b.contract);
  v("contractSize", b.contractSize);
  v("takerFeeRate", b.takerFeeRate);
  v("tiers", b.tiers, Required{}, Limit{kMaxTierRows});
}

// ---- input: the risk lab's requests (whatif.h, stress.h) --------------------------------------------
// An index or count is a whole number; one that is not is reported with the Whole tag's rule.

template <class V, Is<AdjustRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"requestIndex"});
  v("price", r.price, Required{});
  v("quantityDelta", r.quantityDelta, Required{});
}

template <class V, Is<TargetRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"requestIndex"});
  v("kind", r.kind, QuoteLimit{});
  v("target", r.target, Required{});
}

template <class V, Is<MaxOpenRequest> T>
void fields(V& v, T& r) {
  v("symbol", r.symbol, Required{});
  v("contract", r.contract);
  v("contractSize", r.contractSize);
  v("side", r.side, Required{});
  v("price", r.price, Required{});
  v("leverage", r.leverage, Required{});
  v("mode", r.mode);
}

template <class V, Is<StopSizeRequest> T>
void fields(V& v, T& r) {
  v("symbol", r.symbol, Required{});
  v("contract", r.contract);
  v("contractSize", r.contractSize);
  v("side", r.side, Required{});
  v("entryPrice", r.entryPrice, Required{});
  v("stopPrice", r.stopPrice, Required{});
  v("riskFraction", r.riskFraction, Required{});
  v("leverage", r.leverage, Required{});
  v("mode", r.mode);
}

template <class V, Is<MarginToTargetRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"requestIndex"});
  v("targetLiquidationPrice", r.targetLiquidationPrice, Required{});
}

template <class V, Is<FundingRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"requestIndex"});
  v("rate", r.rate, Required{});
  v("intervals", r.intervals, Required{}, Whole{"requestIndex"});
}

/// Most symbols a record of numbers by symbol (betas, a step's marks) gives.
inline constexpr std::size_t kMaxSymbols = 1000;

template <class V, Is<ShockRange> T>
void fields(V& v, T& r) {
  v("from", r.from, Required{});
  v("to", r.to, Required{});
  v("step", r.step, Required{});
}

/// The range is read before the list it stands for.
template <class V, Is<StressRequest> T>
void fields(V& v, T& r) {
  v("shockRange", r.shockRange, Shape{"{ from, to, step }"});
  v("shocks", r.shocks, Limit{kMaxShocks}, Instead{"shockRange"});
  v("model", r.model, QuoteLimit{});
  v("betas", r.betas, Limit{kMaxSymbols});
}

template <class V, Is<CascadePath> T>
void fields(V& v, T& p) {
  v("move", p.move, Required{});
  v("steps", p.steps, Required{}, Whole{"requestIndex"});
}

/// The path is read before the marks it stands for; each step of marks is a record of numbers by symbol.
template <class V, Is<CascadeRequest> T>
void fields(V& v, T& r) {
  v("path", r.path, Shape{"{ move, steps }"});
  v("marks", r.marks, Limit{kMaxCascadeSteps, kMaxSymbols}, Instead{"path"});
  v("style", r.style, QuoteLimit{});
  v("liquidationFeeRate", r.liquidationFeeRate);
}

// ---- input: odds (odds.h) -------------------------------------------------------------------------
/// The largest index or count the odds and the engine read (their validators check the real limits).
inline constexpr double kMaxRequestCount = 1e15;

template <class V, Is<VolatilityFrom> T>
void fields(V& v, T& f) {
  v("surface", f.surface, Shape{"{ expiries, strikes, vols }"});
  v("strike", f.strike);
}

template <class V, Is<JumpModel> T>
void fields(V& v, T& j) {
  v("intensity", j.intensity, Required{});
  v("meanLog", j.meanLog, Required{});
  v("stdevLog", j.stdevLog, Required{});
}

/// A horizon given but unreadable reads as NaN: given (not "missing"), its checks shadowed. The
/// volatility may be absent when volatilityFrom gives it.
template <class V, Is<OddsRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"whole", kMaxRequestCount});
  v("volatility", r.volatility, Required{}, Instead{"volatilityFrom"});
  v("years", r.years);
  v("days", r.days);
  v("drift", r.drift);
  v("fundingRate", r.fundingRate);
  v("fundingIntervalHours", r.fundingIntervalHours);
  v("volatilityFrom", r.volatilityFrom, Shape{"{ surface, strike? }"});
}

/// Most rows (and entries per row) of a Monte Carlo correlation matrix the reader takes.
inline constexpr std::size_t kMaxCorrelationRows = 100;
/// 2^53 - 1: every seed and count a JS number holds exactly.
inline constexpr double kMaxSeed = 9007199254740991.0;

/// A record by symbol absent reads as empty (the validator names each symbol it misses).
template <class V, Is<MonteCarloRequest> T>
void fields(V& v, T& r) {
  v("volatility", r.volatility, Required{}, Limit{kMaxSymbols});
  v("drift", r.drift, Limit{kMaxSymbols});
  v("correlation", r.correlation, Limit{kMaxCorrelationRows, kMaxCorrelationRows});
  v("years", r.years);
  v("days", r.days);
  v("steps", r.steps, Required{}, Whole{"whole", kMaxRequestCount});
  v("paths", r.paths, Required{}, Whole{"whole", kMaxRequestCount});
  v("seed", r.seed, Whole{"whole", kMaxSeed});
  v("fundingRate", r.fundingRate);
  v("fundingIntervalHours", r.fundingIntervalHours);
  v("jumps", r.jumps, Shape{"{ intensity, meanLog, stdevLog }"});
}

// ---- input: the liquidation engine (engine.h) -------------------------------------------------------

template <class V, Is<BookLevel> T>
void fields(V& v, T& l) {
  v("price", l.price, Required{});
  v("size", l.size, Required{});
}

template <class V, Is<UnwindRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"whole", kMaxRequestCount});
  v("mode", r.mode);
  v("style", r.style, QuoteLimit{});
  v("book", r.book, Limit{kMaxBookLevels}, ListOf{"{ price, size }", "levels", "bookLevels"});
  v("depthPerPercent", r.depthPerPercent);
  v("slices", r.slices, Whole{"whole", kMaxRequestCount});
  v("visibleSize", r.visibleSize);
  v("replenishFraction", r.replenishFraction);
  v("insuranceFund", r.insuranceFund);
  v("order", r.order, QuoteLimit{});
  v("partial", r.partial, QuoteLimit{});
  v("stepDown", r.stepDown, QuoteLimit{});
}

template <class V, Is<AdlRequest> T>
void fields(V& v, T& r) {
  v("position", r.position, Required{}, Whole{"whole", kMaxRequestCount});
  v("mode", r.mode);
  v("pnlQuantiles", r.pnlQuantiles, Values{}, Limit{kMaxAdlQuantiles});
  v("leverageQuantiles", r.leverageQuantiles, Values{}, Limit{kMaxAdlQuantiles});
  v("okxRanking", r.okxRanking, QuoteLimit{});
}

// reconcile.h: the venue's figures of one position, and the call's request (JS: venueFigures and
// options.relativeTolerance).
template <class V, Is<VenueFigure> T>
void fields(V& v, T& f) {
  v("position", f.position, Required{}, Whole{"whole", kMaxRequestCount});
  v("liquidationPrice", f.liquidationPrice);
  v("bankruptcyPrice", f.bankruptcyPrice);
  v("initialMargin", f.initialMargin);
  v("maintenanceMargin", f.maintenanceMargin);
  v("marginRatio", f.marginRatio);
  v("tick", f.tick);
  v("lot", f.lot);
  v("lastPrice", f.lastPrice);
  v("indexPrice", f.indexPrice);
  v("fundingPaid", f.fundingPaid);
  v("openOrderMargin", f.openOrderMargin);
}

template <class V, Is<ReconcileRequest> T>
void fields(V& v, T& r) {
  v("venueFigures", r.venueFigures, Required{}, Limit{kMaxVenueFigures},
    ListOf{"{ position, liquidationPrice?, ... }", "venue figures", "tooMany"});
  v("relativeTolerance", r.relativeTolerance);
}

// ---- input and output: a venue's contract specification (venue.h: lab.tickPrice, lab.wholeLots) ------
// Their optional fields read null as the wrong type and their strings of any length, as these calls
// always have (the errors keep these calls' words: wasm/venue.cpp). Each answer is { errors: [],
// ...these fields }; steps only with explain.

template <class V, Is<TickRequest> T>
void fields(V& v, T& r) {
  v("rules", r.rules, NullWrong{}, Cut{kMaxSymbolLength + 1}, QuoteLimit{});
  v("side", r.side, NullWrong{}, Cut{kMaxSymbolLength + 1}, QuoteLimit{});
  v("price", r.price, Required{});
  v("tickSize", r.tickSize, Required{});
  v("priceSigFigs", r.sigFigs, NullWrong{}, Whole{"whole", 17});
}

template <class V, Is<TickResult> T>
void fields(V& v, T& r) {
  v("price", r.price);
  v("exact", r.exact);
  v("decimals", r.decimals);
  v("rounding", r.rounding);
  v("steps", r.steps, Omitted{});
}

template <class V, Is<LotRequest> T>
void fields(V& v, T& r) {
  v("contract", r.contract, NullWrong{}, Cut{kMaxSymbolLength + 1}, QuoteLimit{});
  v("quantity", r.quantity, Required{});
  v("lotSize", r.lotSize, Required{});
  v("contractSize", r.contractSize, NullWrong{});
  v("baseAsset", r.baseAsset, NullWrong{}, Cut{kMaxSymbolLength + 1});
}

template <class V, Is<LotResult> T>
void fields(V& v, T& r) {
  v("quantity", r.quantity);
  v("lots", r.lots);
  v("decimals", r.decimals);
  v("unit", r.unit);
  v("steps", r.steps, Omitted{});
}

// ---- input: the options account's requests (options.h); every field keeps its default when absent ---

template <class V, Is<OptionsRequest> T>
void fields(V& v, T& r) {
  v("days", r.days);
  v("volShifts", r.volShifts, Values{}, Limit{kMaxVolShifts});
  v("scanLow", r.scanLow);
  v("scanHigh", r.scanHigh);
  v("scanPoints", r.scanPoints, Whole{"countWhole", 1e9});
}

template <class V, Is<OptionsSweepRequest> T>
void fields(V& v, T& r) {
  v("days", r.days);
  v("volShift", r.volShift);
}

template <class V, Is<PortfolioMarginRequest> T>
void fields(V& v, T& r) {
  v("priceMoves", r.priceMoves, Values{}, Limit{kMaxPriceMoves});
  v("volShocks", r.volShocks, Values{}, Limit{kMaxVolShocks});
  v("volShockKind", r.volShockKind);
  v("vegaPower", r.vegaPower);
}

// ---- input: the options account (options.h, surface.h; scenario version 2) ---------------------------

/// A future of an options account (the d.ts FuturePosition): a Position marked at the underlying
/// price, so markPrice, marginMode and isolatedMargin are read only for the core to refuse them.
template <class V, Is<Position> T>
void fields(V& v, T& p, AsFuture) {
  v("symbol", p.symbol);
  v("contract", p.contract);
  v("contractSize", p.contractSize);
  v("side", p.side, Required{});
  v("quantity", p.quantity, Required{});
  v("entryPrice", p.entryPrice, Required{});
  v("markPrice", p.markPrice, KeepAbsent{}, Undeclared{});
  v("marginMode", p.marginMode, Undeclared{});
  v("isolatedMargin", p.isolatedMargin, KeepAbsent{}, Undeclared{});
}

template <class V, Is<OptionPosition> T>
void fields(V& v, T& o) {
  v("symbol", o.symbol);
  v("type", o.type, Required{});
  v("strike", o.strike, Required{});
  v("expiryYears", o.expiryYears, KeepAbsent{});
  v("expiryDate", o.expiryDate);
  v("side", o.side, Required{});
  v("quantity", o.quantity, Required{});
  v("premium", o.premium, Required{});
  v("volatility", o.volatility, KeepAbsent{});
}

/// Each part that does not read stays empty, so that its error shadows the core's on it.
template <class V, Is<VolSurface> T>
void fields(V& v, T& s) {
  v("expiries", s.expiries, Required{}, Values{}, Limit{kMaxSurfaceExpiries}, Instead{"expiryDates"});
  v("expiryDates", s.expiryDates, Limit{kMaxSurfaceExpiries});
  v("strikes", s.strikes, Required{}, Values{}, Limit{kMaxSurfaceStrikes});
  v("vols", s.vols, Required{}, Values{}, Limit{kMaxSurfaceExpiries, kMaxSurfaceStrikes});
}

/// The settlement is read before the futures whose contract it sets.
template <class V, Is<OptionsScenario> T>
void fields(V& v, T& s) {
  v("version", s.version, Whole{"optionsVersionNotWhole", 999'999'999, -999'999'999});
  v("underlying", s.underlying);
  v("settlement", s.settlement);
  v("walletBalance", s.walletBalance, Required{});
  v("underlyingPrice", s.underlyingPrice, Required{});
  v("valuationDate", s.valuationDate);
  v("interestRate", s.interestRate);
  v("futures", s.futures, Limit{kMaxFuturesPositions}, ListOf{"", "", "optionsTooManyPositions"}, AsFuture{s.settlement});
  v("options", s.options, Limit{kMaxOptionPositions}, ListOf{"", "", "optionsTooManyPositions"});
  v("volSurface", s.volSurface, Shape{"{ expiries, strikes, vols }"});
  v("volDynamics", s.volDynamics);
  v("futuresSizeRate", s.futuresSizeRate, KeepAbsent{});
}

// ---- input: the Black-76 calculators (black.h) -------------------------------------------------------

template <class V, Is<Black76Input> T>
void fields(V& v, T& in) {
  v("type", in.type, Required{});
  v("strike", in.strike, Required{});
  v("forward", in.forward, Required{});
  v("volatility", in.volatility, Required{});
  v("years", in.years, Required{});
  v("rate", in.rate);
}

template <class V, Is<ImpliedVolatilityInput> T>
void fields(V& v, T& in) {
  v("type", in.type, Required{});
  v("strike", in.strike, Required{});
  v("forward", in.forward, Required{});
  v("years", in.years, Required{});
  v("price", in.price, Required{});
  v("rate", in.rate);
}

// ---- a venue's option instrument name (options.h parseInstrumentName) -----------------------------

template <class V, Is<InstrumentNameInput> T>
void fields(V& v, T& in) {
  v("name", in.name, Required{});
}

template <class V, Is<InstrumentName> T>
void fields(V& v, T& r) {
  v("instrument", r.instrument);
  v("venue", r.venue);
  v("underlying", r.underlying);
  v("type", r.type);
  v("strike", r.strike);
  v("expiryDate", r.expiryDate);
}

// ---- input: the size-scaled margin curves (curve.h) ------------------------------------------------

template <class V, Is<SizeCurveInput> T>
void fields(V& v, T& in) {
  v("curve", in.curve, Required{});
  v("side", in.side, Required{});
  v("quantity", in.quantity, Required{});
  v("entryPrice", in.entryPrice, Required{});
  v("markPrice", in.markPrice);
  v("collateral", in.collateral, Required{});
  v("baseImr", in.baseImr, Required{});
  v("baseMmr", in.baseMmr, Required{});
  v("factor", in.factor, Required{});
  v("openInterestNotional", in.openInterestNotional);
  v("openInterestLowerCap", in.openInterestLowerCap);
  v("openInterestUpperCap", in.openInterestUpperCap);
}

template <class V, Is<SizeCurveResult> T>
void fields(V& v, T& r) {
  v("notional", r.notional);
  v("initialMarginRate", r.initialMarginRate);
  v("maintenanceMarginRate", r.maintenanceMarginRate);
  v("initialMargin", r.initialMargin);
  v("maintenanceMargin", r.maintenanceMargin);
  v("equity", r.equity);
  v("pastLiquidation", r.pastLiquidation);
  v("liquidationPrice", r.liquidationPrice);
  v("upperLiquidationPrice", r.upperLiquidationPrice);
  v("maintenanceMarginRateAtLiquidation", r.maintenanceMarginRateAtLiquidation);
  v("steps", r.steps, Omitted{});
}

// ---- input and output: a volatility surface from option quotes (svi.h) -------------------------------

template <class V, Is<OptionQuote> T>
void fields(V& v, T& q) {
  v("expiryYears", q.expiryYears, Required{});
  v("strike", q.strike, Required{});
  v("type", q.type, Required{});
  v("price", q.price, KeepAbsent{});
  v("volatility", q.volatility, KeepAbsent{});
}

template <class V, Is<SurfaceFitRequest> T>
void fields(V& v, T& r) {
  v("underlyingPrice", r.underlyingPrice, Required{});
  v("interestRate", r.interestRate);
  v("quotes", r.quotes, Required{}, Limit{kMaxSurfaceQuotes}, ListOf{"{ expiryYears, strike, type, price?, volatility? }", "quotes", "tooManyEntries"});
}

template <class V, Is<SviSmile> T>
void fields(V& v, T& s) {
  v("expiryYears", s.expiryYears);
  v("forward", s.forward);
  v("forwardSource", s.forwardSource);
  v("a", s.a);
  v("b", s.b);
  v("rho", s.rho);
  v("m", s.m);
  v("sigma", s.sigma);
  v("rmse", s.rmse);
  v("quotes", s.quotes);
  v("minDensity", s.minDensity);
  v("minDensityLogMoneyness", s.minDensityLogMoneyness);
  v("wingSlope", s.wingSlope);
  v("butterflyFree", s.butterflyFree);
  v("calendarFree", s.calendarFree);
  v("arbitrageFree", s.arbitrageFree);
}

template <class V, Is<SurfaceArbitrage> T>
void fields(V& v, T& a) {
  v("kind", a.kind);
  v("expiryYears", a.expiryYears);
  v("laterExpiryYears", a.laterExpiryYears);
  v("fromStrike", a.fromStrike);
  v("toStrike", a.toStrike);
  v("fromLogMoneyness", a.fromLogMoneyness);
  v("toLogMoneyness", a.toLogMoneyness);
  v("worst", a.worst);
}

template <class V, Is<SurfaceFitResult> T>
void fields(V& v, T& r) {
  v("smiles", r.smiles);
  v("arbitrage", r.arbitrage);
  v("surface", r.surface);
  v("steps", r.steps, Omitted{});
}

// ---- output: the report (report.h) ------------------------------------------------------------------

template <class V, Is<TierBoundary> T>
void fields(V& v, T& b) {
  v("price", b.price);
  v("notional", b.notional);
  v("tier", b.tier);
}

template <class V, Is<PositionOutcome> T>
void fields(V& v, T& p) {
  v("mode", p.mode);
  v("liquidationPrice", p.liquidationPrice);
  v("bankruptcyPrice", p.bankruptcyPrice);
  v("notional", p.notional);
  v("initialMargin", p.initialMargin);
  v("maintenanceMargin", p.maintenanceMargin);
  v("maintenanceMarginRate", p.maintenanceMarginRate);
  v("tier", p.tier);
  v("liquidationTier", p.liquidationTier);
  v("unrealizedPnl", p.unrealizedPnl);
  v("roe", p.roe);
  v("margin", p.margin);
  v("marginRatio", p.marginRatio);
  v("distanceToLiquidation", p.distanceToLiquidation);
  v("maxLoss", p.maxLoss);
  v("pastLiquidation", p.pastLiquidation);
  v("pastBankruptcy", p.pastBankruptcy);
  v("tierBoundaries", p.tierBoundaries);
  v("steps", p.steps, Omitted{});
}

template <class V, Is<AccountOutcome> T>
void fields(V& v, T& a) {
  v("equity", a.equity);
  v("maintenanceMargin", a.maintenanceMargin);
  v("marginRatio", a.marginRatio);
  v("availableBalance", a.availableBalance);
  v("maxLoss", a.maxLoss);
  v("pastLiquidation", a.pastLiquidation);
  v("steps", a.steps, Omitted{});
}

template <class V, Is<Outcome> T>
void fields(V& v, T& o) {
  v("positions", o.positions);
  v("account", o.account);
}

template <class V, Is<Comparison> T>
void fields(V& v, T& c) {
  v("position", c.position);
  v("isolatedDistance", c.isolatedDistance);
  v("crossDistance", c.crossDistance);
  v("distanceGain", c.distanceGain);
  v("isolatedMaxLoss", c.isolatedMaxLoss);
  v("crossMaxLoss", c.crossMaxLoss);
  v("steps", c.steps, Omitted{});
}

/// With errors, JS sees only `errors` (the outcomes are absent, comparisons left out).
template <class V, Is<Report> T>
void fields(V& v, T& r) {
  v("isolated", r.isolated);
  v("cross", r.cross);
  v("asGiven", r.asGiven);
  v("comparisons", r.comparisons, Omitted{});
  v("settlementAsset", r.settlementAsset, Omitted{});  // absent with errors when no position names it
  v("errors", r.errors);
}

// ---- output: the options account and the Black-76 calculators (options.h, black.h) -----------------
// Each answer is { errors: [], ...these fields }; steps only with explain.

template <class V, Is<Black76Greeks> T>
void fields(V& v, T& g) {
  v("price", g.price);
  v("delta", g.delta);
  v("premiumAdjustedDelta", g.premiumAdjustedDelta);
  v("gamma", g.gamma);
  v("vega", g.vega);
  v("theta", g.theta);
}

/// The solver's timeValue, priceError and iterations stay in C++. volatility is null when not informative.
template <class V, Is<ImpliedVolatility> T>
void fields(V& v, T& iv) {
  v("volatility", iv.volatility);
  v("informative", iv.informative);
  v("steps", iv.steps, Omitted{});
}

template <class V, Is<OptionValuation> T>
void fields(V& v, T& o) {
  v("years", o.years);
  v("volatility", o.volatility);
  v("volatilityFromSurface", o.volatilityFromSurface);
  v("forward", o.forward);
  v("markPrice", o.markPrice);
  v("greeks", o.greeks);
  v("value", o.value);
  v("unrealizedPnl", o.unrealizedPnl);
  v("initialMargin", o.initialMargin);
  v("maintenanceMargin", o.maintenanceMargin);
  v("steps", o.steps, Omitted{});
}

template <class V, Is<FutureValuation> T>
void fields(V& v, T& f) {
  v("sizeCoin", f.sizeCoin);
  v("unrealizedPnl", f.unrealizedPnl);
  v("initialMarginRate", f.initialMarginRate);
  v("maintenanceMarginRate", f.maintenanceMarginRate);
  v("initialMargin", f.initialMargin);
  v("maintenanceMargin", f.maintenanceMargin);
  v("steps", f.steps, Omitted{});
}

template <class V, Is<LiquidationCrossing> T>
void fields(V& v, T& c) {
  v("price", c.price);
  v("liquidatedBelow", c.liquidatedBelow);
}

template <class V, Is<OptionsAccountView> T>
void fields(V& v, T& a) {
  v("days", a.days);
  v("volShift", a.volShift);
  v("equity", a.equity);
  v("initialMargin", a.initialMargin);
  v("maintenanceMargin", a.maintenanceMargin);
  v("availableBalance", a.availableBalance);
  v("marginRatio", a.marginRatio);
  v("liquidated", a.liquidated);
  v("liquidationPrices", a.liquidationPrices);
  v("liquidatedAtScanLow", a.liquidatedAtScanLow);
  v("liquidatedAtScanHigh", a.liquidatedAtScanHigh);
  v("maxLoss", a.maxLoss);
  v("steps", a.steps, Omitted{});
}

template <class V, Is<IsolatedHorizon> T>
void fields(V& v, T& h) {
  v("liquidationPrices", h.liquidationPrices);
  v("liquidated", h.liquidated);
}

template <class V, Is<IsolatedPosition> T>
void fields(V& v, T& p) {
  v("postedMargin", p.postedMargin);
  v("maxLoss", p.maxLoss);
  v("now", p.now);
  v("later", p.later);
  v("steps", p.steps, Omitted{});
}

template <class V, Is<IsolatedPositions> T>
void fields(V& v, T& p) {
  v("options", p.options);
  v("futures", p.futures);
}

template <class V, Is<OptionsAccountResult> T>
void fields(V& v, T& r) {
  v("options", r.options);
  v("futures", r.futures);
  v("now", r.now);
  v("later", r.later);
  v("volShifted", r.volShifted);
  v("isolated", r.isolated);
  v("scanLowPrice", r.scanLowPrice);
  v("scanHighPrice", r.scanHighPrice);
  v("lastExpiryDays", r.lastExpiryDays);
  v("steps", r.steps, Omitted{});
}

template <class V, Is<PortfolioMarginResult> T>
void fields(V& v, T& r) {
  v("priceMoves", r.priceMoves);
  v("volShocks", r.volShocks);
  v("pnl", r.pnl);
  v("worstVolShock", r.worstVolShock);
  v("worstPriceMove", r.worstPriceMove);
  v("worstPnl", r.worstPnl);
  v("requirement", r.requirement);
  v("equity", r.equity);
  v("marginRatio", r.marginRatio);
  v("volShockScale", r.volShockScale);
  v("steps", r.steps, Omitted{});
}

// ---- output: a reconciliation (reconcile.h); the answer is { errors: [], positions }, steps only with explain

template <class V, Is<ReconciledFigures> T>
void fields(V& v, T& f) {
  v("liquidationPrice", f.liquidationPrice);
  v("bankruptcyPrice", f.bankruptcyPrice);
  v("initialMargin", f.initialMargin);
  v("maintenanceMargin", f.maintenanceMargin);
  v("marginRatio", f.marginRatio);
}

template <class V, Is<FigureDifference> T>
void fields(V& v, T& d) {
  v("field", d.field);
  v("venue", d.venue);
  v("computed", d.computed);
  v("difference", d.difference);
  v("tolerance", d.tolerance);
  v("within", d.within);
}

template <class V, Is<PositionReconciliation> T>
void fields(V& v, T& p) {
  v("position", p.position);
  v("marginLab", p.marginLab);
  v("agrees", p.agrees);
  v("reproduced", p.reproduced);
  v("conventions", p.conventions);
  v("figures", p.figures);
  v("differences", p.differences);
  v("distance", p.distance);
  v("tried", p.tried);
  v("available", p.available);
  v("steps", p.steps, Omitted{});
}

template <class V, Is<ReconcileResult> T>
void fields(V& v, T& r) {
  v("positions", r.positions);
}

// ---- what every tool's answer carries (errors.h, report.h) -------------------------------------------

template <class V, Is<Step> T>
void fields(V& v, T& s) {
  v("field", s.field);
  v("code", s.code);
  v("label", s.label);
  v("formula", s.formula);
  v("substituted", s.substituted);
  v("value", s.value);
  v("params", s.params);
}

template <class V, Is<InputError> T>
void fields(V& v, T& e) {
  v("path", e.path);
  v("code", e.code);
  v("rule", e.rule);
  v("message", e.message);
  v("params", e.params);
}

}  // namespace marginlab
