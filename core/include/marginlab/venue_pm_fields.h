// SPDX-License-Identifier: MIT
// MarginLab: the field descriptions (fields.h) of margin by venue (venue_pm.h): read and written at
// the JS boundary, listed by describe() and checked against marginlab-full.d.ts, and encoded by the
// fuzzer.
#pragma once

#include "marginlab/fields.h"
#include "marginlab/account_fields.h"
#include "marginlab/venue_pm.h"
#include "marginlab/venue_pm_params.h"
#include "marginlab/venue_pm_reverse.h"

namespace marginlab {

inline constexpr std::string_view kDeribitExtendedWeightNames[] = {"rangeOverMove", "full"};
constexpr std::span<const std::string_view> enumNames(DeribitExtendedWeight) noexcept { return kDeribitExtendedWeightNames; }
constexpr std::string_view enumType(DeribitExtendedWeight) noexcept { return "DeribitExtendedWeight"; }
inline constexpr std::string_view kDeribitRollShockNames[] = {"timeScaled", "floor"};
constexpr std::span<const std::string_view> enumNames(DeribitRollShock) noexcept { return kDeribitRollShockNames; }
constexpr std::string_view enumType(DeribitRollShock) noexcept { return "DeribitRollShock"; }
inline constexpr std::string_view kDeribitDeltaShockNames[] = {"off", "excessOverThreshold"};
constexpr std::span<const std::string_view> enumNames(DeribitDeltaShock) noexcept { return kDeribitDeltaShockNames; }
constexpr std::string_view enumType(DeribitDeltaShock) noexcept { return "DeribitDeltaShock"; }

template <> inline constexpr std::string_view kStructName<SpanParams> = "SpanParams";
template <> inline constexpr std::string_view kStructName<SpanTier> = "SpanTier";
template <> inline constexpr std::string_view kStructName<SpanIntraSpread> = "SpanIntraSpread";
template <> inline constexpr std::string_view kStructName<SpanInterSpread> = "SpanInterSpread";
template <> inline constexpr std::string_view kStructName<MarginByVenueRequest> = "MarginByVenueRequest";
template <> inline constexpr std::string_view kStructName<PmScenario> = "PmScenario";
template <> inline constexpr std::string_view kStructName<PmComponent> = "PmComponent";
template <> inline constexpr std::string_view kStructName<PmGrid> = "PmGrid";
template <> inline constexpr std::string_view kStructName<VenueMargin> = "VenueMargin";
template <> inline constexpr std::string_view kStructName<MarginByVenueResult> = "MarginByVenueResult";

template <> inline constexpr std::string_view kStructName<NewLeg> = "NewLeg";
template <> inline constexpr std::string_view kStructName<VenueReverseRequest> = "VenueReverseRequest";
template <> inline constexpr std::string_view kStructName<ReverseAnswer> = "ReverseAnswer";
template <> inline constexpr std::string_view kStructName<LiquidationMove> = "LiquidationMove";
template <> inline constexpr std::string_view kStructName<VenueReverse> = "VenueReverse";
template <> inline constexpr std::string_view kStructName<VenueReverseResult> = "VenueReverseResult";
template <> inline constexpr std::string_view kStructName<PmParameter> = "PmParameter";
template <> inline constexpr std::string_view kStructName<PmParameterSet> = "PmParameterSet";
template <> inline constexpr std::string_view kStructName<PmParameterChange> = "PmParameterChange";
template <> inline constexpr std::string_view kStructName<PmParameterDiff> = "PmParameterDiff";

template <class V, Is<SpanParams> T>
void fields(V& v, T& s) {
  v("underlying", s.underlying, Required{});
  v("priceScanRange", s.priceScanRange, Required{});
  v("volScanRange", s.volScanRange);
  v("extremeMultiple", s.extremeMultiple);
  v("extremeCoverage", s.extremeCoverage);
  v("imRatio", s.imRatio);
  v("tiers", s.tiers, Limit{kMaxSpanTiers}, ListOf{"", "", "tooManyEntries"});
  v("intraSpreads", s.intraSpreads, Limit{kMaxSpanSpreads}, ListOf{"", "", "tooManyEntries"});
}

template <class V, Is<SpanTier> T>
void fields(V& v, T& t) {
  v("maxYears", t.maxYears, Required{});
  v("priceScanRange", t.priceScanRange);
}

template <class V, Is<SpanIntraSpread> T>
void fields(V& v, T& s) {
  v("tierA", s.tierA, Required{});
  v("tierB", s.tierB, Required{});
  v("charge", s.charge, Required{});
}

template <class V, Is<SpanInterSpread> T>
void fields(V& v, T& s) {
  v("first", s.first, Required{});
  v("second", s.second, Required{});
  v("firstDelta", s.firstDelta);
  v("secondDelta", s.secondDelta);
  v("creditRate", s.creditRate, Required{});
}

/// The [UNVERIFIED] options flat, each named by its venue.
template <class V, Is<MarginByVenueRequest> T>
void fields(V& v, T& r) {
  v("asOf", r.asOf);
  v("venue", r.venue);
  v("span", r.span, Limit{kMaxSpanParameters}, ListOf{"", "", "tooManyEntries"});
  v("deribitExtendedWeight", r.deribit.extendedWeight);
  v("deribitRollShock", r.deribit.rollShock);
  v("okxExtremeCoverage", r.okx.extremeCoverage);
  v("okxVolShock", r.okx.volShock);
  v("bybitVolShock", r.bybit.volShock);
  v("bybitFuturesFactor", r.bybit.futuresFactor);
  v("bybitShortOptionFactor", r.bybit.shortOptionFactor);
  v("bybitImFactor", r.bybit.imFactor);
  v("deribitDeltaShock", r.deribit.deltaShock);
  v("okxMr2Days", r.okx.thetaDays);
  v("okxMr3Points", r.okx.vegaPoints);
  v("okxMr5RateShock", r.okx.rateShock);
  v("okxMr7Rate", r.okx.minimumChargeRate);
  v("okxMr8Rate", r.okx.borrowingRate);
  v("okxMr9Factor", r.okx.depegFactor);
  v("bybitDeltaSpreadFactor", r.bybit.deltaSpreadFactor);
  v("spanInter", r.spanInter, Limit{kMaxSpanSpreads}, ListOf{"", "", "tooManyEntries"});
}

template <class V, Is<PmScenario> T>
void fields(V& v, T& s) {
  v("priceMove", s.priceMove);
  v("volShock", s.volShock);
}

template <class V, Is<PmComponent> T>
void fields(V& v, T& c) {
  v("name", c.name);
  v("value", c.value);
  v("scenario", c.scenario);
  v("leg", c.leg);
  v("underlying", c.underlying);
}

template <class V, Is<PmGrid> T>
void fields(V& v, T& g) {
  v("name", g.name);
  v("underlying", g.underlying);
  v("priceMoves", g.priceMoves);
  v("volShocks", g.volShocks);
  v("pnl", g.pnl);
  v("worstVolShock", g.worstVolShock);
  v("worstPriceMove", g.worstPriceMove);
  v("worstPnl", g.worstPnl);
  v("leg", g.leg);
}

template <class V, Is<VenueMargin> T>
void fields(V& v, T& m) {
  v("venue", m.venue);
  v("kind", m.kind);
  v("supported", m.supported);
  v("reason", m.reason);
  v("parameterSet", m.parameterSet);
  v("currency", m.currency);
  v("initialMargin", m.initialMargin);
  v("maintenanceMargin", m.maintenanceMargin);
  v("components", m.components);
  v("grids", m.grids);
  v("assumptions", m.assumptions);
}

template <class V, Is<MarginByVenueResult> T>
void fields(V& v, T& r) {
  v("venues", r.venues);
  v("steps", r.steps, Omitted{});
}

// ---- reverse questions (venue_pm_reverse.h) ----------------------------------------------------------

template <class V, Is<NewLeg> T>
void fields(V& v, T& l) {
  v("future", l.future);
  v("option", l.option);
}

/// marginByVenue's request fields, flat, then the leg and the moving underlying.
template <class V, Is<VenueReverseRequest> T>
void fields(V& v, T& r) {
  fields(v, r.margin);
  v("newLeg", r.newLeg);
  v("underlying", r.underlying);
}

template <class V, Is<ReverseAnswer> T>
void fields(V& v, T& a) {
  v("value", a.value);
  v("reason", a.reason);
  v("margin", a.margin);
  v("equity", a.equity);
}

template <class V, Is<LiquidationMove> T>
void fields(V& v, T& m) {
  v("down", m.down);
  v("up", m.up);
}

template <class V, Is<VenueReverse> T>
void fields(V& v, T& r) {
  v("venue", r.venue);
  v("kind", r.kind);
  v("supported", r.supported);
  v("reason", r.reason);
  v("initialMargin", r.initialMargin);
  v("maintenanceMargin", r.maintenanceMargin);
  v("initialEquity", r.initialEquity);
  v("maintenanceEquity", r.maintenanceEquity);
  v("maxNewLegSize", r.maxNewLegSize);
  v("liquidationMove", r.liquidationMove);
  v("evaluations", r.evaluations);
}

template <class V, Is<VenueReverseResult> T>
void fields(V& v, T& r) {
  v("venues", r.venues);
  v("steps", r.steps, Omitted{});
}

// ---- dated parameter sets (venue_pm_params.h) -----------------------------------------------------------

template <class V, Is<PmParameter> T>
void fields(V& v, T& p) {
  v("scope", p.scope);
  v("name", p.name);
  v("value", p.value);
  v("from", p.from);
  v("source", p.source);
}

template <class V, Is<PmParameterSet> T>
void fields(V& v, T& s) {
  v("venue", s.venue);
  v("asOf", s.asOf);
  v("source", s.source);
  v("parameters", s.parameters);
}

template <class V, Is<PmParameterChange> T>
void fields(V& v, T& c) {
  v("scope", c.scope);
  v("name", c.name);
  v("before", c.before);
  v("after", c.after);
  v("fromBefore", c.fromBefore);
  v("fromAfter", c.fromAfter);
  v("sourceBefore", c.sourceBefore);
  v("sourceAfter", c.sourceAfter);
}

template <class V, Is<PmParameterDiff> T>
void fields(V& v, T& d) {
  v("venue", d.venue);
  v("setA", d.setA);
  v("setB", d.setB);
  v("changes", d.changes);
  v("steps", d.steps, Omitted{});
}

}  // namespace marginlab
