// SPDX-License-Identifier: MIT
// MarginLab: one account (scenario format version 3, README "Accounts"): collateral in several assets
// with a flat haircut each, perpetuals, dated futures and options on several underlyings, each
// position settling in one of the account's assets. Its numbers come from the version 1 and 2
// kernels (evaluate, evaluateOptions), one call per settlement group, valued in the quote currency
// at the asset prices.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/options.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/surface.h"

namespace marginlab {

/// Limits of one account (the d.ts and the README repeat them).
inline constexpr std::size_t kMaxAccountAssets = 50;         ///< collateral entries
inline constexpr std::size_t kMaxAccountUnderlyings = 50;    ///< underlyings
inline constexpr std::size_t kMaxAccountPositions = 1000;    ///< futures and options together
inline constexpr std::size_t kMaxAccountSurfacePoints = 20000;  ///< vols over every underlying's surface
inline constexpr std::size_t kMaxAccountNameLength = 64;     ///< an asset's or underlying's name, bytes

/// How the account's positions are margined.
enum class AccountMargin {
  Tiers,            ///< version 1: the `rules` profile's tier tables, per settlement asset
  DeribitStandard,  ///< version 2: Deribit standard margin, per underlying and settlement asset
};
std::string_view toString(AccountMargin) noexcept;  ///< "tiers" | "deribitStandard"
std::optional<AccountMargin> parseAccountMargin(std::string_view) noexcept;

/// One collateral asset of the account.
struct CollateralBalance {
  std::string asset;   ///< e.g. "USDT", "BTC"; unique in the account
  double balance = 0;  ///< units of the asset; negative = borrowed
  double price = 0;    ///< quote per unit of the asset, > 0 (1 for the quote's own stablecoin)
  /// Fraction of a positive equity in this asset not counted as collateral, in [0, 1]; a negative
  /// equity counts in full (VENUES-PM.md 0: "negative balances at 100%").
  double haircut = 0;
};

/// One underlying: its price and what its options read.
struct Underlying {
  std::string name;     ///< e.g. "BTC"; unique in the account
  double price = 0;     ///< index, quote per coin, > 0: every future's mark unless it gives one
  double interestRate = 0;  ///< continuous, annual, |r| <= 1 (options' forward, as version 2)
  std::optional<VolSurface> volSurface;                ///< for its options without a volatility
  VolDynamics volDynamics = VolDynamics::StickyStrike;
  std::optional<double> futuresSizeRate;  ///< deribitStandard: as OptionsScenario::futuresSizeRate
};

/// A perpetual or dated future: a version 1 position on an underlying, settling in one asset.
struct AccountFuture {
  std::string underlying;        ///< names one of the account's underlyings
  std::string settlementAsset;   ///< names one of the account's collateral assets
  std::string symbol;            ///< selects the tier table (tiers), a label (deribitStandard)
  Contract contract = Contract::Linear;
  double contractSize = 1;
  Side side = Side::Long;
  double quantity = 0;
  double entryPrice = 0;
  std::optional<double> markPrice;  ///< quote per coin; default: the underlying's price
  double leverage = 1;
  std::optional<MarginMode> marginMode;
  std::optional<double> isolatedMargin;
};

/// An option (version 2's fields) on an underlying, settling in one asset.
struct AccountOption {
  std::string underlying;
  std::string settlementAsset;
  Contract contract = Contract::Inverse;  ///< inverse: premium and value in coin; linear: in quote
  OptionPosition option;
};

struct Account {
  int version = 3;
  AccountMargin margin = AccountMargin::Tiers;
  Rules rules = Rules::Binance;                 ///< tiers: the profile (as Scenario::rules)
  std::optional<double> takerFeeRate;           ///< tiers: as Scenario::takerFeeRate
  std::optional<std::string> valuationDate;     ///< as OptionsScenario::valuationDate
  std::vector<CollateralBalance> collateral;
  std::vector<Underlying> underlyings;
  std::vector<AccountFuture> futures;
  std::vector<AccountOption> options;
  std::map<std::string, TierTable, std::less<>> tiers;  ///< tiers: per symbol, as Scenario::tiers
};

/// Every input error at once, at its path ("collateral[1].haircut", "options[0].underlying",
/// "futures[2].leverage"): the account's own checks, then each settlement group's version 1 or 2
/// checks with their paths moved to the account's.
std::vector<InputError> validate(const Account& account);

/// Version 1 -> 3 without loss: the wallet becomes one collateral balance in the settlement asset
/// (settlementAsset() of positions[0]: the quote for linear, the coin for inverse), priced 1 when
/// linear and at positions[0]'s mark when inverse; one underlying per coin, priced at the mark of its
/// first position; every position a future settling in that asset. Margin: tiers.
Account toAccount(const Scenario& scenario);
/// Version 2 -> 3 without loss: the wallet becomes one collateral balance in the settlement asset
/// (the underlying for inverse, priced at underlyingPrice; "USD" for linear, priced 1). Margin:
/// deribitStandard.
Account toAccount(const OptionsScenario& scenario);

struct AccountRequest {
  OptionsRequest options;  ///< deribitStandard: the request of each group's evaluateOptions
};

/// One asset of the account view.
struct AssetView {
  std::string asset;
  double balance = 0;            ///< as given, units of the asset
  double unrealizedPnl = 0;      ///< of the positions settling in it (options: their PnL), units of the asset
  double equity = 0;             ///< balance + unrealizedPnl (one group with no haircut: the kernel's equity)
  double initialMargin = 0, maintenanceMargin = 0;  ///< of the positions settling in it, units of the asset
  double price = 0;              ///< quote per unit
  double value = 0;              ///< equity x price, quote
  double haircut = 0;
  double collateralValue = 0;    ///< value x (1 - haircut) when equity > 0, else value, quote
};

/// The account in the quote currency.
struct AccountView {
  std::vector<AssetView> assets;  ///< same order as the account's collateral
  double equity = 0;              ///< sum of values, quote
  double collateralValue = 0;     ///< sum of values after haircuts, quote
  double initialMargin = 0, maintenanceMargin = 0;  ///< quote
  std::optional<double> marginRatio;  ///< maintenance / collateralValue; absent if collateralValue <= 0
  double availableBalance = 0;    ///< collateralValue - initialMargin (one group: the kernel's, x price)
};

struct AccountResult {
  /// Set when the account is one version 1 settlement group in one asset with no haircut: the
  /// evaluate() report of it, which the view repeats in the quote currency.
  std::optional<Report> report;
  /// Set likewise for one version 2 group: evaluateOptions() of it.
  std::optional<OptionsAccountResult> optionsResult;
  AccountView account;
  std::vector<Step> steps;
};

/// validate(account), then every settlement group through its kernel and the view. Numbers only.
Result<AccountResult> evaluateAccount(const Account& account, const AccountRequest& request = {});
/// The steps of evaluateAccount's result (the same inputs): the kernel's own when it delegated, and
/// the view's sums. Writes only steps.
void explain(const Account& account, const AccountRequest& request, AccountResult& result);

}  // namespace marginlab
