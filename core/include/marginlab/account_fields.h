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

template <> inline constexpr std::string_view kStructName<CollateralBalance> = "CollateralBalance";
template <> inline constexpr std::string_view kStructName<Underlying> = "Underlying";
template <> inline constexpr std::string_view kStructName<AccountFuture> = "AccountFuture";
template <> inline constexpr std::string_view kStructName<AccountOption> = "AccountOption";
template <> inline constexpr std::string_view kStructName<Account> = "Account";
template <> inline constexpr std::string_view kStructName<AccountRequest> = "AccountRequest";
template <> inline constexpr std::string_view kStructName<AssetView> = "AssetView";
template <> inline constexpr std::string_view kStructName<AccountView> = "AccountView";
template <> inline constexpr std::string_view kStructName<AccountResult> = "AccountResult";

// ---- input ----------------------------------------------------------------------------------------

template <class V, Is<CollateralBalance> T>
void fields(V& v, T& c) {
  v("asset", c.asset, Required{});
  v("balance", c.balance, Required{});
  v("price", c.price, Required{});
  v("haircut", c.haircut);
}

template <class V, Is<Underlying> T>
void fields(V& v, T& u) {
  v("name", u.name, Required{});
  v("price", u.price, Required{});
  v("interestRate", u.interestRate);
  v("volSurface", u.volSurface, Shape{"{ expiries, strikes, vols }"});
  v("volDynamics", u.volDynamics);
  v("futuresSizeRate", u.futuresSizeRate, KeepAbsent{});
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
}

/// report / optionsResult: present only when the account is one kernel's scenario.
template <class V, Is<AccountResult> T>
void fields(V& v, T& r) {
  v("report", r.report);
  v("optionsResult", r.optionsResult);
  v("account", r.account);
  v("steps", r.steps, Omitted{});
}

}  // namespace marginlab
