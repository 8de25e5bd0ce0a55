// SPDX-License-Identifier: MIT
// MarginLab: the field descriptions (fields.h, STYLE.md 15) of the account, scenario version 3
// (account.h): read and written at the JS boundary, listed by describe() and checked against
// marginlab-full.d.ts, and encoded by the fuzzer, as every other described struct.
#pragma once

#include "marginlab/account.h"
#include "marginlab/fields.h"

namespace marginlab {

inline constexpr std::string_view kAccountMarginNames[] = {"tiers", "deribitStandard"};
constexpr std::span<const std::string_view> enumNames(AccountMargin) noexcept { return kAccountMarginNames; }
constexpr std::string_view enumType(AccountMargin) noexcept { return "AccountMargin"; }
inline constexpr std::string_view kAccountVenueNames[] = {"generic", "binanceUnified", "bybitUnified",
                                                          "okxMultiCurrency", "deribitCross", "hyperliquidCross"};
constexpr std::span<const std::string_view> enumNames(AccountVenue) noexcept { return kAccountVenueNames; }
constexpr std::string_view enumType(AccountVenue) noexcept { return "AccountVenue"; }

template <> inline constexpr std::string_view kStructName<CollateralBalance> = "CollateralBalance";
template <> inline constexpr std::string_view kStructName<Underlying> = "Underlying";
template <> inline constexpr std::string_view kStructName<AccountFuture> = "AccountFuture";
template <> inline constexpr std::string_view kStructName<AccountOption> = "AccountOption";
template <> inline constexpr std::string_view kStructName<Account> = "Account";
template <> inline constexpr std::string_view kStructName<AccountRequest> = "AccountRequest";
template <> inline constexpr std::string_view kStructName<AssetView> = "AssetView";
template <> inline constexpr std::string_view kStructName<AccountView> = "AccountView";
template <> inline constexpr std::string_view kStructName<PositionContribution> = "PositionContribution";
template <> inline constexpr std::string_view kStructName<AccountResult> = "AccountResult";
template <> inline constexpr std::string_view kStructName<CollateralBand> = "CollateralBand";
template <> inline constexpr std::string_view kStructName<CollateralTiers> = "CollateralTiers";
template <> inline constexpr std::string_view kStructName<AccountRules> = "AccountRules";
template <> inline constexpr std::string_view kStructName<VenueView> = "VenueView";
template <> inline constexpr std::string_view kStructName<UnderlyingLiquidation> = "UnderlyingLiquidation";
template <> inline constexpr std::string_view kStructName<OneFactorView> = "OneFactorView";
template <> inline constexpr std::string_view kStructName<BoundaryAxis> = "BoundaryAxis";
template <> inline constexpr std::string_view kStructName<BoundaryRequest> = "BoundaryRequest";
template <> inline constexpr std::string_view kStructName<BoundaryPoint> = "BoundaryPoint";
template <> inline constexpr std::string_view kStructName<BoundaryResult> = "BoundaryResult";
template <> inline constexpr std::string_view kStructName<BoundaryLine> = "BoundaryLine";

// ---- input ----------------------------------------------------------------------------------------

template <class V, Is<CollateralBalance> T>
void fields(V& v, T& c) {
  v("asset", c.asset, Required{});
  v("balance", c.balance, Required{});
  v("price", c.price, Required{});
  v("haircut", c.haircut);
  v("loan", c.loan, KeepAbsent{});
  v("beta", c.beta, KeepAbsent{});
}

template <class V, Is<CollateralBand> T>
void fields(V& v, T& b) {
  v("from", b.from, Required{});
  v("ratio", b.ratio, Required{});
}

template <class V, Is<CollateralTiers> T>
void fields(V& v, T& t) {
  v("asset", t.asset, Required{});
  v("byValue", t.byValue);
  v("bands", t.bands, Required{}, Limit{kMaxCollateralBands}, ListOf{"", "", "tooManyEntries"});
}

/// A venue's rule set (account.h AccountRules), dated and sourced.
template <class V, Is<AccountRules> T>
void fields(V& v, T& r) {
  v("venue", r.venue);
  v("source", r.source);
  v("date", r.date);
  v("collateral", r.collateral, Limit{kMaxCollateralTiers}, ListOf{"", "", "tooManyEntries"});
  v("otherRatio", r.otherRatio, KeepAbsent{});
  v("progressive", r.progressive);
  v("haircutMaintenance", r.haircutMaintenance);
  v("loanMaintenanceRate", r.loanMaintenanceRate);
  v("warning", r.warning, KeepAbsent{});
  v("noNewOrders", r.noNewOrders, KeepAbsent{});
  v("liquidation", r.liquidation);
}

template <class V, Is<Underlying> T>
void fields(V& v, T& u) {
  v("name", u.name, Required{});
  v("price", u.price, Required{});
  v("interestRate", u.interestRate);
  v("volSurface", u.volSurface, Shape{"{ expiries, strikes, vols }"});
  v("volDynamics", u.volDynamics);
  v("futuresSizeRate", u.futuresSizeRate, KeepAbsent{});
  v("beta", u.beta, KeepAbsent{});
}

/// A version 1 position's fields after its underlying and settlement asset.
template <class V, Is<AccountFuture> T>
void fields(V& v, T& f) {
  v("underlying", f.underlying, Required{});
  v("settlementAsset", f.settlementAsset, Required{});
  v("symbol", f.symbol);
  v("contract", f.contract);
  v("contractSize", f.contractSize);
  v("side", f.side, Required{});
  v("quantity", f.quantity, Required{});
  v("entryPrice", f.entryPrice, Required{});
  v("markPrice", f.markPrice, KeepAbsent{});
  v("leverage", f.leverage);
  v("marginMode", f.marginMode);
  v("isolatedMargin", f.isolatedMargin, KeepAbsent{});
}

/// A version 2 option's fields (OptionPosition's, flat) after its underlying, asset and contract kind.
template <class V, Is<AccountOption> T>
void fields(V& v, T& o) {
  v("underlying", o.underlying, Required{});
  v("settlementAsset", o.settlementAsset, Required{});
  v("contract", o.contract);
  fields(v, o.option);
}

template <class V, Is<Account> T>
void fields(V& v, T& a) {
  v("version", a.version, Whole{"accountVersionNotWhole", 999'999'999, -999'999'999});
  v("margin", a.margin);
  v("rules", a.rules);
  v("takerFeeRate", a.takerFeeRate, KeepAbsent{});
  v("valuationDate", a.valuationDate);
  v("collateral", a.collateral, Required{}, Limit{kMaxAccountAssets}, ListOf{"", "", "tooManyEntries"});
  v("underlyings", a.underlyings, Limit{kMaxAccountUnderlyings}, ListOf{"", "", "tooManyEntries"});
  v("futures", a.futures, Limit{kMaxAccountPositions}, ListOf{"", "", "tooManyEntries"});
  v("options", a.options, Limit{kMaxAccountPositions}, ListOf{"", "", "tooManyEntries"});
  v("tiers", a.tiers, Limit{kMaxTierTables, kMaxTierRows});
  v("venue", a.venue, Shape{"{ venue, collateral, liquidation, ... }"});
}

/// The options views' request of each deribitStandard group (OptionsRequest's fields, flat).
template <class V, Is<AccountRequest> T>
void fields(V& v, T& r) {
  fields(v, r.options);
}

// ---- output ---------------------------------------------------------------------------------------

template <class V, Is<AssetView> T>
void fields(V& v, T& x) {
  v("asset", x.asset);
  v("balance", x.balance);
  v("unrealizedPnl", x.unrealizedPnl);
  v("equity", x.equity);
  v("initialMargin", x.initialMargin);
  v("maintenanceMargin", x.maintenanceMargin);
  v("price", x.price);
  v("value", x.value);
  v("haircut", x.haircut);
  v("collateralValue", x.collateralValue);
  v("tier", x.tier);
  v("maintenanceValue", x.maintenanceValue);
}

template <class V, Is<VenueView> T>
void fields(V& v, T& x) {
  v("venue", x.venue);
  v("collateralOverMargin", x.collateralOverMargin);
  v("collateralInitial", x.collateralInitial);
  v("collateralMaintenance", x.collateralMaintenance);
  v("loanMaintenance", x.loanMaintenance);
  v("initialMargin", x.initialMargin);
  v("maintenanceMargin", x.maintenanceMargin);
  v("marginRatio", x.marginRatio);
  v("initialRate", x.initialRate);
  v("liquidationLevel", x.liquidationLevel);
  v("headroom", x.headroom);
  v("zone", x.zone);
}

template <class V, Is<UnderlyingLiquidation> T>
void fields(V& v, T& x) {
  v("underlying", x.underlying);
  v("below", x.below);
  v("above", x.above);
  v("moveBelow", x.moveBelow);
  v("moveAbove", x.moveAbove);
  v("liquidatedNow", x.liquidatedNow);
}

template <class V, Is<OneFactorView> T>
void fields(V& v, T& x) {
  v("moveDown", x.moveDown);
  v("moveUp", x.moveUp);
  v("liquidatedNow", x.liquidatedNow);
}

template <class V, Is<PositionContribution> T>
void fields(V& v, T& x) {
  v("kind", x.kind);
  v("index", x.index);
  v("underlying", x.underlying);
  v("settlementAsset", x.settlementAsset);
  v("unrealizedPnl", x.unrealizedPnl);
  v("initialMargin", x.initialMargin);
  v("maintenanceMargin", x.maintenanceMargin);
}

template <class V, Is<AccountView> T>
void fields(V& v, T& a) {
  v("assets", a.assets);
  v("equity", a.equity);
  v("collateralValue", a.collateralValue);
  v("initialMargin", a.initialMargin);
  v("maintenanceMargin", a.maintenanceMargin);
  v("marginRatio", a.marginRatio);
  v("availableBalance", a.availableBalance);
  v("venue", a.venue);
  v("liquidation", a.liquidation);
  v("oneFactor", a.oneFactor);
  v("positions", a.positions);
}

/// report / optionsResult: present only when the account is one kernel's scenario.
template <class V, Is<AccountResult> T>
void fields(V& v, T& r) {
  v("report", r.report);
  v("optionsResult", r.optionsResult);
  v("account", r.account);
  v("steps", r.steps, Omitted{});
}

// ---- the liquidation boundary (accountBoundary) ------------------------------------------------------

template <class V, Is<BoundaryAxis> T>
void fields(V& v, T& x) {
  v("asset", x.asset, Required{});
  v("from", x.from);
  v("to", x.to);
}

template <class V, Is<BoundaryRequest> T>
void fields(V& v, T& q) {
  v("x", q.x, Required{});
  v("y", q.y, Required{});
  v("n", q.n);
}

template <class V, Is<BoundaryPoint> T>
void fields(V& v, T& p) {
  v("x", p.x);
  v("y", p.y);
}

template <class V, Is<BoundaryLine> T>
void fields(V& v, T& l) {
  v("x", l.x);
  v("y", l.y);
}

template <class V, Is<BoundaryResult> T>
void fields(V& v, T& r) {
  v("xs", r.xs);
  v("ys", r.ys);
  v("headroom", r.headroom);
  v("lines", r.lines);
  v("today", r.today);
  v("todayHeadroom", r.todayHeadroom);
  v("nearest", r.nearest);
  v("distance", r.distance);
  v("steps", r.steps, Omitted{});
}

}  // namespace marginlab
