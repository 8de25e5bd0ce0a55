// SPDX-License-Identifier: MIT
// MarginLab: options on one underlying in a margin account beside its perpetuals and futures
// (scenario format version 2, README "Options accounts"). Deribit's standard margin (VENUES.md
// 5.1; DB-4, DB-5, DB-6), portfolio margin as a stress grid (VENUES.md 5.1; DB-3), and the
// account's equity against maintenance at every price, with every liquidation price.
// Options are European and priced with Black-76 (black.h) on the forward U exp(r T).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "marginlab/black.h"
#include "marginlab/errors.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/surface.h"

namespace marginlab {

/// Limits that keep one evaluation bounded.
inline constexpr std::size_t kMaxOptionPositions = 1000;
inline constexpr std::size_t kMaxFuturesPositions = 1000;
inline constexpr double kMaxOptionYears = 100;
/// Days per year of every date difference (ACT/365, Deribit's convention).
inline constexpr double kDaysPerYear = 365;
/// Longest lists of a request: OptionsRequest::volShifts, PortfolioMarginRequest::priceMoves and volShocks.
inline constexpr std::size_t kMaxVolShifts = 20;
inline constexpr std::size_t kMaxPriceMoves = 1000;
inline constexpr std::size_t kMaxVolShocks = 100;

/// One option position on the account's underlying: European, cash-settled at expiry.
struct OptionPosition {
  std::string symbol;                 ///< optional label, e.g. "BTC-27DEC26-60000-C"
  OptionType type = OptionType::Call; ///< call | put
  double strike = 0;                  ///< quote per coin, > 0
  std::optional<double> expiryYears;  ///< years after the valuation date, > 0; or expiryDate
  /// "YYYY-MM-DD", "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS", optionally ending in "Z"; UTC;
  /// or Deribit's "27MAR26" (that day at 08:00 UTC, when its options expire). After the
  /// scenario's valuationDate (which it needs). Give this or expiryYears, not both.
  std::optional<std::string> expiryDate;
  Side side = Side::Long;             ///< long: bought; short: written
  double quantity = 0;                ///< coins of underlying (one Deribit option = 1 coin), > 0
  /// Price per coin paid (long) or received (short), in the settlement asset (coin when inverse,
  /// quote when linear), >= 0. The option's PnL is measured from it.
  double premium = 0;
  /// Annualised implied volatility, > 0 and <= 10; default: the scenario's volSurface at the
  /// option's expiry and strike.
  std::optional<double> volatility;
};

/// How a volatility read from the surface follows the underlying price P.
enum class VolDynamics {
  StickyStrike,     ///< each option keeps the volatility of its strike
  StickyMoneyness,  ///< each option keeps the volatility of its moneyness K / P: strike K U / P is read
};
std::string_view toString(VolDynamics) noexcept;  ///< "stickyStrike" | "stickyMoneyness"
std::optional<VolDynamics> parseVolDynamics(std::string_view) noexcept;

/// Scenario format version 2: one underlying, its futures (v1 positions) and its options, in one
/// cross-margined account in one settlement asset.
struct OptionsScenario {
  int version = 2;
  std::string underlying = "BTC";           ///< the coin; "BTC" and "ETH" select Deribit's futures size rate
  Contract settlement = Contract::Inverse;  ///< inverse: coin-settled (Deribit BTC, ETH); linear: quote (USDC)
  /// Collateral in the settlement asset, before the options' premiums (they enter through each
  /// option's PnL, as a future's entry price does), >= 0.
  double walletBalance = 0;
  double underlyingPrice = 0;               ///< index now, quote per coin, > 0: every future's mark
  std::optional<std::string> valuationDate; ///< the date of "now"; needed when an option gives expiryDate
  double interestRate = 0;                  ///< continuous, annual, |r| <= 1; forward = U exp(r T)
  /// Perpetuals and futures on the underlying, as v1 positions. Read: contract (must equal
  /// settlement), contractSize, side, quantity, entryPrice; symbol is a label. Their mark is the
  /// underlying price, so markPrice, marginMode and isolatedMargin must be absent; leverage is
  /// not read (Deribit's rates set the margin).
  std::vector<Position> futures;
  std::vector<OptionPosition> options;
  std::optional<VolSurface> volSurface;     ///< for options without a volatility
  VolDynamics volDynamics = VolDynamics::StickyStrike;
  /// Added to the futures' margin rates per coin of position size; default by underlying:
  /// BTC 0.00005 (0.005 %), ETH 0.000004 (0.0004 %); required for another underlying.
  std::optional<double> futuresSizeRate;
};

/// Every input error at once, each with its path ("options[2].strike", "volSurface.expiries[1]",
/// "futures[0].contract", "valuationDate").
std::vector<InputError> validateOptions(const OptionsScenario& scenario);

// ---- Deribit standard margin (VENUES.md 5.1) ----------------------------------------------------

inline constexpr double kDeribitBtcSizeRate = 0.00005;   ///< per BTC of futures size
inline constexpr double kDeribitEthSizeRate = 0.000004;  ///< per ETH of futures size

/// Margin of one option in coin (fractions of one coin of underlying).
struct OptionMargin {
  double initialMargin = 0, maintenanceMargin = 0;
  std::vector<Step> steps;  ///< empty; explainOptionMargin writes them
};
/// Deribit standard margin of one option (1 coin of underlying), in coin; mark = the option's
/// price in coin, OTM = the out-of-the-money amount (call: max(K - U, 0); put: max(U - K, 0)):
/// short call IM = max(0.15 - OTM/U, 0.1) + mark, MM = 0.075 + mark;
/// short put MM = max(0.075, 0.075 mark) + mark, IM = max(max(0.15 - OTM/U, 0.1) + mark, MM);
/// long: 0 and 0 (premium only: it is paid up front). A quote-settled option's margin is this
/// times U. Inputs assumed valid.
OptionMargin deribitOptionMargin(OptionType type, Side side, double strike, double underlyingPrice,
                                 double markCoin);
/// The steps of deribitOptionMargin (the same inputs): OTM, IM and MM, or the long option's zeros.
void explainOptionMargin(OptionType type, Side side, double strike, double underlyingPrice, double markCoin,
                         OptionMargin& margin);

struct FuturesMargin {
  double initialMarginRate = 0, maintenanceMarginRate = 0;  ///< fractions of the position's size
  double initialMargin = 0, maintenanceMargin = 0;          ///< coin
  std::vector<Step> steps;  ///< empty; explainFuturesMargin writes them
};
/// Deribit standard margin of one futures position of `sizeCoin` coins:
/// IM rate = 2% + size x sizeRate, MM rate = 1% + size x sizeRate, margin = rate x size (coin).
FuturesMargin deribitFuturesMargin(double sizeCoin, double sizeRate);
/// The steps of deribitFuturesMargin (the same inputs, its result): both rates and both margins.
void explainFuturesMargin(double sizeCoin, double sizeRate, FuturesMargin& margin);

// ---- The account: equity against maintenance at every price --------------------------------------

struct OptionsRequest {
  double days = 0;  ///< horizon of the `later` view: days after the valuation date, >= 0
  /// Volatility shifts for the sensitivity views, in volatility (0.10 = 10 vol points), added to
  /// every option's volatility (floored at kMinImpliedVolatility), |shift| <= 10; at most 20.
  std::vector<double> volShifts = {-0.10, 0.10};
  /// Scanned prices: scanPoints log-spaced from underlyingPrice x scanLow to underlyingPrice x
  /// scanHigh (0 < scanLow < 1 < scanHigh, scanHigh / scanLow <= 1e12; 16..100000 points). The
  /// liquidation prices are those of a scan of every one of these prices (each sign change between
  /// neighbours refined by Brent's method), found while evaluating only a few of them.
  double scanLow = 0.001, scanHigh = 1000;
  std::size_t scanPoints = 4001;
};

/// One option at the valuation date and underlyingPrice.
struct OptionValuation {
  double years = 0;             ///< to expiry
  double volatility = 0;        ///< used: given, or read from the surface
  bool volatilityFromSurface = false;
  double forward = 0;           ///< U exp(r T), quote per coin
  double markPrice = 0;         ///< per coin, settlement asset (inverse: the Black-76 price / U)
  Black76Greeks greeks;         ///< per coin, in quote (on the forward)
  double value = 0;             ///< side x quantity x markPrice
  double unrealizedPnl = 0;     ///< side x quantity x (markPrice - premium)
  double initialMargin = 0, maintenanceMargin = 0;  ///< Deribit standard, whole position, settlement asset
  std::vector<Step> steps;
};

/// One futures position at underlyingPrice.
struct FutureValuation {
  double sizeCoin = 0;          ///< linear: quantity x contractSize; inverse: quantity x contractSize / U
  double unrealizedPnl = 0;     ///< settlement asset
  double initialMarginRate = 0, maintenanceMarginRate = 0;
  double initialMargin = 0, maintenanceMargin = 0;  ///< settlement asset
  std::vector<Step> steps;
};

/// A price at which equity crosses the maintenance margin.
struct LiquidationCrossing {
  double price = 0;              ///< underlying, quote per coin
  bool liquidatedBelow = false;  ///< equity < maintenance just below it (a fall through it liquidates); else just above
};

/// The account at one horizon and one volatility shift.
struct OptionsAccountView {
  double days = 0, volShift = 0;
  double equity = 0;             ///< wallet + futures PnL + options PnL, at underlyingPrice
  double initialMargin = 0, maintenanceMargin = 0;
  double availableBalance = 0;   ///< equity - initial margin
  /// maintenance / equity; absent if equity <= 0, or if equity is so small (subnormal) that the
  /// ratio would not be finite
  std::optional<double> marginRatio;
  bool liquidated = false;       ///< equity < maintenance at underlyingPrice
  /// Every price in the scanned range where equity - maintenance changes sign, ascending (a short
  /// straddle has two). A touch without a sign change, or two crossings between neighbouring
  /// scanned prices, is not seen (as in a scan of every price of the request's grid).
  std::vector<LiquidationCrossing> liquidationPrices;
  bool liquidatedAtScanLow = false, liquidatedAtScanHigh = false;  ///< at the ends of the range
  /// Cross: the whole account is at risk, so the most it can lose is its equity in this view,
  /// max(0, equity) (settlement asset).
  double maxLoss = 0;
  std::vector<Step> steps;
};

/// One position isolated at one horizon: its liquidation prices alone on its posted margin.
struct IsolatedHorizon {
  /// Where postedMargin + PnL(P) crosses the position's own maintenance margin MM(P), found as
  /// the account's are (the same grid and Brent refinement); empty for a long option.
  std::vector<LiquidationCrossing> liquidationPrices;
  bool liquidated = false;  ///< postedMargin + PnL < MM at underlyingPrice
};

/// One position (an option or a future) on its own, as if isolated: collateralised by its own
/// initial margin at the valuation date and nothing else (the cross view shares the whole wallet).
struct IsolatedPosition {
  /// The initial margin at the valuation date (Deribit standard), settlement asset; 0 for a long
  /// option, whose premium is paid up front.
  double postedMargin = 0;
  /// The most it can lose isolated: the posted margin; a long option: its premium x quantity.
  double maxLoss = 0;
  IsolatedHorizon now;    ///< at the valuation date
  IsolatedHorizon later;  ///< request.days after it (posted margin unchanged)
  std::vector<Step> steps;
};

struct IsolatedPositions {
  std::vector<IsolatedPosition> options;  ///< same order as the scenario's
  std::vector<IsolatedPosition> futures;  ///< same order as the scenario's
};

/// Not a ByMode (report.h): the account is cross-margined, so its views (now, later, volShifted) are
/// the cross ones, whole-account numbers; `isolated` is per position, each alone on its own posted
/// margin (postedMargin, maxLoss and liquidation prices, no account equity or ratio). No field here
/// has an isolated twin of the same type, so nothing pairs as { isolated, cross }.
struct OptionsAccountResult {
  std::vector<OptionValuation> options;   ///< same order as the scenario's
  std::vector<FutureValuation> futures;   ///< same order as the scenario's
  OptionsAccountView now;                 ///< at the valuation date
  OptionsAccountView later;               ///< request.days after it (options that expire by then pay their intrinsic value)
  std::vector<OptionsAccountView> volShifted;  ///< at the valuation date, one per request.volShifts
  IsolatedPositions isolated;             ///< each position alone on its own initial margin
  double scanLowPrice = 0, scanHighPrice = 0;  ///< the scanned range, quote per coin
  /// Days from the valuation date to the latest option expiry (T x 365), the horizon at which
  /// every option has settled at its intrinsic value; absent without options.
  std::optional<double> lastExpiryDays;
  std::vector<Step> steps;
};
/// Validates the scenario and the request, values every position, and finds every liquidation
/// price of each view: the sign changes of equity(P) - maintenance(P) on the request's log-spaced
/// grid, each refined by Brent's method to about 1e-12 of the price. The grid is not scanned price by
/// price: halves of it are dropped once a bound on how fast equity - maintenance can move proves it
/// keeps one sign there (options.cpp), so the prices are the full scan's, bit for bit, at a fraction
/// of the cost. Beside the cross views it gives the isolated one: each short option and each future
/// alone, equity_i(P) = IM_i + PnL_i(P) against MM_i(P) (IM_i at the valuation date), searched the
/// same way now and `later`; a long option cannot be liquidated and loses at most its premium.
/// Numbers only: every `steps` is empty (explain() writes them).
Result<OptionsAccountResult> evaluateOptions(const OptionsScenario& scenario, const OptionsRequest& request = {});
/// The steps of a result of evaluateOptions(scenario, request) (the same inputs): every valuation,
/// every view with its liquidation prices, every isolated position, and the account's own. Writes
/// only the `steps` fields; no number changes.
void explain(const OptionsScenario& scenario, const OptionsRequest& request, OptionsAccountResult& result);

/// Equity and margins of a valid scenario (validateOptions empty) with the underlying at `price`,
/// `days` after the valuation date, every volatility shifted by `volShift`. Settlement asset.
struct OptionsAccountPoint {
  double equity = 0, initialMargin = 0, maintenanceMargin = 0;
};
OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, double price, double days = 0,
                                     double volShift = 0);
/// The same now with future i marked at price x futureBasis[i] (its own mark over the underlying's
/// price: a basis; a version 3 account's futures, which may carry their own marks). Futures past the
/// span's end are marked at `price`.
OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, std::span<const double> futureBasis, double price);
/// The same, and each position's part of it in `parts` (cleared first): the futures', then the
/// options', in the scenario's order, each with its PnL as `equity`.
OptionsAccountPoint optionsAccountAt(const OptionsScenario& scenario, std::span<const double> futureBasis, double price,
                                     std::vector<OptionsAccountPoint>& parts);
/// Each option's years to expiry and volatility now (given, or read from the surface) of a valid scenario.
struct OptionInputs {
  double years = 0, volatility = 0;
};
std::vector<OptionInputs> optionInputs(const OptionsScenario& scenario);
/// Years (ACT/365) from one date to another, each in a form expiryDate takes; nothing if either is not one.
std::optional<double> yearsUntil(std::string_view from, std::string_view to) noexcept;
/// The same at many prices in one call (for a chart): writes equity[i] and maintenance[i] for
/// prices[i] (every price > 0; the spans of equal length).
void optionsAccountSweep(const OptionsScenario& scenario, std::span<const double> prices, std::span<double> equity,
                         std::span<double> maintenance, double days = 0, double volShift = 0);

/// The horizon and volatility shift of a checked sweep.
struct OptionsSweepRequest {
  double days = 0;      ///< after the valuation date, >= 0 (as OptionsRequest::days)
  double volShift = 0;  ///< added to every volatility, |shift| <= 10 (as OptionsRequest::volShifts)
};
/// optionsAccountSweep after checking everything: the scenario (validateOptions), the request
/// ("request.days", "request.volShift"), every price finite and > 0 ("prices[i]"; the first 100
/// bad ones), and equity and maintenance as long as prices ("equity", "maintenance"). On any
/// error nothing is written.
std::vector<InputError> sweepOptionsAccount(const OptionsScenario& scenario, std::span<const double> prices,
                                            std::span<double> equity, std::span<double> maintenance,
                                            const OptionsSweepRequest& request = {});

// ---- Portfolio margin: the worst loss over a grid of price moves x volatility shocks -------------

enum class VolShockKind {
  Relative,  ///< sigma x (1 + shock x scale)
  Absolute,  ///< sigma + shock x scale
};
std::string_view toString(VolShockKind) noexcept;  ///< "relative" | "absolute"
std::optional<VolShockKind> parseVolShockKind(std::string_view) noexcept;

struct PortfolioMarginRequest {
  /// Fractions of underlyingPrice, each > -1 and <= 10; default Deribit's +-16 % in 9 evenly
  /// spaced buckets including 0 (VENUES.md 5.1). At most 1000.
  std::vector<double> priceMoves = {-0.16, -0.12, -0.08, -0.04, 0, 0.04, 0.08, 0.12, 0.16};
  /// Volatility up, same, down; default +-38 % (Deribit's portfolio margin page, VENUES.md 5.1,
  /// DB-3), each |shock| <= 10. At most 100.
  std::vector<double> volShocks = {0.38, 0, -0.38};
  VolShockKind volShockKind = VolShockKind::Relative;
  /// scale = (30 / max(1, days to expiry))^vegaPower per option (Deribit: 0.30; DB-3); 0: the
  /// same shock at every expiry. In [0, 2].
  double vegaPower = 0.30;
};
struct PortfolioMarginResult {
  std::vector<double> priceMoves, volShocks;  ///< the axes used
  /// pnl[v][p]: change of the account's value (settlement asset) when the underlying moves by
  /// priceMoves[p] and volatilities by volShocks[v], now (no time passes).
  std::vector<std::vector<double>> pnl;
  std::size_t worstVolShock = 0, worstPriceMove = 0;  ///< the worst cell
  double worstPnl = 0;                                ///< pnl there
  double requirement = 0;                             ///< max(0, -worstPnl): the margin
  double equity = 0;                                  ///< at underlyingPrice
  std::optional<double> marginRatio;                  ///< requirement / equity; absent as the view's is
  std::vector<double> volShockScale;                  ///< per option: (30 / max(1, days))^vegaPower
  std::vector<Step> steps;
};
/// The grid after validate(scenario, request); numbers only (`steps` empty).
Result<PortfolioMarginResult> portfolioMargin(const OptionsScenario& scenario,
                                              const PortfolioMarginRequest& request = {});
/// The steps of a result of portfolioMargin(scenario, request): the grid, each option's shock
/// scaling, the worst cell, the requirement and the ratio. Writes only result.steps.
void explain(const OptionsScenario& scenario, const PortfolioMarginRequest& request, PortfolioMarginResult& result);

/// The request checks evaluateOptions and portfolioMargin make, with paths under "request."
/// (public, so a converter reports them beside its own).
std::vector<InputError> validateOptionsRequest(const OptionsRequest& request);
std::vector<InputError> validatePortfolioMarginRequest(const PortfolioMarginRequest& request);
/// The scenario's errors (validateOptions), then the request's: what evaluateOptions and
/// portfolioMargin check before they compute.
std::vector<InputError> validate(const OptionsScenario& scenario, const OptionsRequest& request);
std::vector<InputError> validate(const OptionsScenario& scenario, const PortfolioMarginRequest& request);

// ---- Venue instrument names ----------------------------------------------------------------------

/// What parseInstrumentName reads: a row's name as typed.
struct InstrumentNameInput {
  std::string name;
};
/// An option's venue instrument name read into its fields, or a free-text label.
struct InstrumentName {
  bool instrument = false;             ///< false: a label in no venue's shape (the rest empty)
  std::string venue;                   ///< "deribit" | "bybit" | "okx": whose shape the name has
  std::string underlying;              ///< "BTC"
  OptionType type = OptionType::Call;  ///< C | P
  double strike = 0;                   ///< quote per coin
  std::string expiryDate;              ///< "2026-03-27T08:00Z": the venues' options expire at 08:00 UTC
};
/// Reads an option's instrument name in a venue's shape (any case):
/// Deribit UNDERLYING-DMMMYY-STRIKE-C|P ("BTC-27MAR26-60000-C", also Bybit's USDC options),
/// Bybit UNDERLYING-DMMMYY-STRIKE-C|P-USDT|USDC ("BTC-27MAR26-60000-C-USDT"),
/// OKX UNDERLYING-QUOTE-YYMMDD-STRIKE-C|P ("BTC-USD-260327-60000-C").
/// A name in none of these shapes (4 or 5 parts with C or P where the shape has it) is a label:
/// no error, `instrument` false. A name in one of them whose date, strike, underlying or settlement
/// coin does not read is an error at `path`.
Result<InstrumentName> parseInstrumentName(std::string_view name, const std::string& path = "name");

}  // namespace marginlab
