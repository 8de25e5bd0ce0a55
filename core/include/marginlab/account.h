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
  Tiers,            ///< version 1: the `rules` profile's tier tables, per settlement asset; options only
                    ///< under the Bybit UTA rule set (its cross option margin, VENUES-PM.md BUA-1)
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
  /// Of the balance, units borrowed (the balance is net of it); absent: max(0, -balance). Only the
  /// venue rules' loanMaintenanceRate reads it (Binance's margin MM on loans).
  std::optional<double> loan;
  /// One-factor view: this asset's relative move per unit of the common move; default 1.
  std::optional<double> beta;
};

/// The venue rule set of a unified account (VENUES-PM.md): how collateral is counted, which margin
/// ratio the venue states and where it acts. The positions' own IM and MM come from `margin`.
enum class AccountVenue {
  Generic,           ///< each asset's flat haircut; ratio MM / collateral, liquidation at 1
  BinanceUnified,    ///< uniMMR = adjusted equity / MM (liquidation at or below its level)
  BybitUnified,      ///< account MM rate = MM / margin balance (liquidation at or above its level)
  OkxMultiCurrency,  ///< margin ratio = adjusted equity / MM (liquidation at or below its level)
  DeribitCross,      ///< MM / equity; haircuts on the IM side
  HyperliquidCross,  ///< MM / account value; USDC only
};
std::string_view toString(AccountVenue) noexcept;

/// One band of a tiered collateral ratio: `ratio` counts the part of the amount from `from` up to
/// the next band's `from` (the last band has no end).
struct CollateralBand {
  double from = 0;   ///< >= 0, increasing; the first band starts at 0
  double ratio = 1;  ///< in [0, 1]: 0.95 counts 95% of the value in the band
};

/// One asset's tiered collateral ratios.
struct CollateralTiers {
  std::string asset;
  bool byValue = false;  ///< bands in the quote currency (value); false: in units of the asset
  std::vector<CollateralBand> bands;
};

/// A venue's parameters, dated and sourced; every number can be edited.
struct AccountRules {
  AccountVenue venue = AccountVenue::Generic;
  std::string source;  ///< where the numbers come from
  std::string date;    ///< when they were published or read
  std::vector<CollateralTiers> collateral;  ///< tiers of the assets listed; others: otherRatio or 1 - haircut
  std::optional<double> otherRatio;         ///< ratio of every asset not listed (Binance 0.1, Hyperliquid 0)
  bool progressive = true;          ///< each band at its ratio; false: the whole amount at its band's ratio
  bool haircutMaintenance = true;   ///< false: the MM side counts collateral at full value (Deribit's reading)
  double loanMaintenanceRate = 0;   ///< MM on borrowed units (Binance margin loans: 0.1 at 3x)
  std::optional<double> warning;      ///< the venue's ratio where it warns
  std::optional<double> noNewOrders;  ///< where only reducing orders are taken
  double liquidation = 1;             ///< where it liquidates
};

/// Limits of the rule set (the d.ts and README repeat them).
inline constexpr std::size_t kMaxCollateralTiers = 50;  ///< tier sets
inline constexpr std::size_t kMaxCollateralBands = 32;  ///< bands per set

/// One underlying: its price and what its options read.
struct Underlying {
  std::string name;     ///< e.g. "BTC"; unique in the account
  double price = 0;     ///< index, quote per coin, > 0: every future's mark unless it gives one
  double interestRate = 0;  ///< continuous, annual, |r| <= 1 (options' forward, as version 2)
  std::optional<VolSurface> volSurface;                ///< for its options without a volatility
  VolDynamics volDynamics = VolDynamics::StickyStrike;
  std::optional<double> futuresSizeRate;  ///< deribitStandard: as OptionsScenario::futuresSizeRate
  /// One-factor view: this underlying's relative move per unit of the common move; default 1.
  std::optional<double> beta;
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
  std::optional<AccountRules> venue;  ///< absent: the generic rule with each asset's flat haircut
};

/// The shipped rule sets (account_venues.cpp), each dated and sourced. `unverified`: also the values
/// VENUES-PM.md marks [UNVERIFIED] (off by default; the README lists them).
std::vector<AccountRules> accountVenues(bool unverified = false);

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
  std::optional<double> tier;    ///< venue tiers: the band (from 0) the amount reaches
  double maintenanceValue = 0;   ///< what the MM side counts (collateralValue, or value when the venue haircuts IM only)
};

/// The venue's view of the account (AccountRules), in the quote currency.
struct VenueView {
  AccountVenue venue = AccountVenue::Generic;
  bool collateralOverMargin = false;  ///< ratio = collateral / MM (Binance, OKX); false: MM / collateral
  double collateralInitial = 0, collateralMaintenance = 0;  ///< sums of collateralValue, maintenanceValue
  double loanMaintenance = 0;         ///< loans x loanMaintenanceRate x price
  double initialMargin = 0, maintenanceMargin = 0;  ///< positions (+ loans for MM)
  std::optional<double> marginRatio;  ///< by the venue's definition; absent when undefined
  std::optional<double> initialRate;  ///< IM / collateralInitial (absent when that is <= 0)
  double liquidationLevel = 1;
  /// collateralMaintenance - MM x k (k = level, or 1 / level for MM / collateral): the account is
  /// liquidated when it is <= 0 and MM > 0.
  double headroom = 0;
  std::string zone;  ///< "normal" | "warning" | "noNewOrders" | "liquidation"
};

/// The price of one underlying where the account reaches liquidation, the others held (an asset with
/// the underlying's name moves with it).
struct UnderlyingLiquidation {
  std::string underlying;
  std::optional<double> below, above;  ///< the nearest prices below and above today's, if any in range
  std::optional<double> moveBelow, moveAbove;  ///< price / today's - 1
  bool liquidatedNow = false;  ///< headroom <= 0 today: no price is sought
};

/// All prices move together: asset i by beta_i x m. The liquidation move nearest to 0 each way.
struct OneFactorView {
  std::optional<double> moveDown, moveUp;  ///< m < 0 and m > 0 (range: 1 + beta x m > 0, |m| <= 10)
  bool liquidatedNow = false;
};

/// One position's part of the account, in the quote currency: its settlement group's numbers for it
/// (units of the settlement asset) x the asset's price. Every rule evaluateAccount applies splits by
/// position (the tier table of each future; Bybit UTA cross margin of each option under tiers, whose
/// unrealizedPnl is then the premium received or paid; Deribit standard margin of each option and each future),
/// so the parts sum to the account's initialMargin and maintenanceMargin (before the venue's loan
/// maintenance, which no position carries) and each asset's unrealizedPnl x price.
struct PositionContribution {
  std::string kind;        ///< "future" | "option"
  std::size_t index = 0;   ///< into the account's futures or options
  std::string underlying;
  std::string settlementAsset;
  double unrealizedPnl = 0;      ///< quote
  double initialMargin = 0;      ///< quote
  double maintenanceMargin = 0;  ///< quote
};

/// The account in the quote currency.
struct AccountView {
  std::vector<AssetView> assets;  ///< same order as the account's collateral
  double equity = 0;              ///< sum of values, quote
  double collateralValue = 0;     ///< sum of values after haircuts, quote
  double initialMargin = 0, maintenanceMargin = 0;  ///< quote
  std::optional<double> marginRatio;  ///< maintenance / collateralValue; absent if collateralValue <= 0
  double availableBalance = 0;    ///< collateralValue - initialMargin (one group: the kernel's, x price)
  VenueView venue;                ///< the venue's ratio and zone (generic when the account has none)
  std::vector<UnderlyingLiquidation> liquidation;  ///< one per underlying, same order
  OneFactorView oneFactor;
  std::vector<PositionContribution> positions;  ///< the futures, then the options, in the account's order
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
/// One axis of the liquidation boundary: relative moves of an underlying (and of the collateral asset
/// of the same name) or of a collateral asset, from `from` to `to`.
struct BoundaryAxis {
  std::string asset;  ///< an underlying's or a collateral asset's name
  double from = -0.5;  ///< > -1
  double to = 0.5;     ///< > from, at most 10
};

inline constexpr std::size_t kMaxBoundaryGrid = 201;  ///< points per axis

struct BoundaryRequest {
  BoundaryAxis x, y;
  double n = 41;  ///< points per axis, whole, 2 to kMaxBoundaryGrid
};

struct BoundaryPoint {
  double x = 0, y = 0;  ///< relative moves
};

/// One line of the boundary: its points' moves, x[k] with y[k] (closed when the last is the first).
struct BoundaryLine {
  std::vector<double> x, y;
};

/// The venue's headroom (AccountView.venue.headroom) over a grid of two moves, and where it is 0.
struct BoundaryResult {
  std::vector<double> xs, ys;                 ///< the grid's moves, n each
  std::vector<std::vector<double>> headroom;  ///< headroom[j][i] at (xs[i], ys[j]), quote
  std::vector<BoundaryLine> lines;             ///< where headroom = 0: marching squares, each point polished on its grid edge
  BoundaryPoint today;                         ///< (0, 0)
  double todayHeadroom = 0;
  std::optional<BoundaryPoint> nearest;        ///< the boundary point nearest to today (absent: none in the grid, or liquidated now)
  std::optional<double> distance;              ///< |nearest|
  std::vector<Step> steps;
};

/// validate(account), the request's checks at "request.*", then the grid. Numbers only.
Result<BoundaryResult> accountBoundary(const Account& account, const BoundaryRequest& request);
/// The steps of accountBoundary's result (the same inputs). Writes only steps.
void explain(const Account& account, const BoundaryRequest& request, BoundaryResult& result);

/// The steps of evaluateAccount's result (the same inputs): the kernel's own when it delegated, and
/// the view's sums. Writes only steps.
void explain(const Account& account, const AccountRequest& request, AccountResult& result);

}  // namespace marginlab
