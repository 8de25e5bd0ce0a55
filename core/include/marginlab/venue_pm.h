// SPDX-License-Identifier: MIT
// MarginLab: one version 3 account under each venue's portfolio margin, side by side
// (VENUES-PM.md): Deribit's scenario grid with its extended table and roll shock (1), OKX's MR1,
// MR4 and MR6 (2.2), Bybit's stress loss with its contingencies (3.2), CME SPAN's 16 scenarios (6.1),
// and Binance's per-position maintenance (4.1) from the account's own evaluation. Every engine gives
// IM, MM and every component with the scenario and the leg that set it. Parameters are dated,
// sourced data (venue_pm.cpp); what VENUES-PM.md marks [UNVERIFIED] is a named request option.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/account.h"
#include "marginlab/black.h"
#include "marginlab/errors.h"

namespace marginlab {

/// Limits of a request (the d.ts and the README repeat them).
inline constexpr std::size_t kMaxSpanParameters = 50;  ///< request.span entries
inline constexpr std::size_t kMaxSpanTiers = 24;       ///< request.span[i].tiers entries
inline constexpr std::size_t kMaxSpanSpreads = 50;     ///< request.span[i].intraSpreads, request.spanInter entries

// ---- the legs the engines see -----------------------------------------------------------------------

/// One position of a risk unit (one underlying; Deribit: one underlying and settlement kind).
struct PmLeg {
  std::string path;      ///< the account's position: "futures[2]" or "options[0]"
  std::string settlement;  ///< its settlement asset ("USDT", "USDC", "BTC"); OKX's MR9 reads it
  bool option = false;
  bool inverse = false;  ///< coin-settled: PnL in coin
  double coins = 0;      ///< signed size in coins of underlying (a future's at its own mark)
  double mark = 0;       ///< a future's own price, quote per coin
  double years = 0;      ///< to expiry; 0: a perpetual
  OptionType type = OptionType::Call;
  double strike = 0, volatility = 0;  ///< an option's
};
struct PmUnit {
  std::string underlying;
  double price = 0;         ///< index, quote per coin
  double interestRate = 0;  ///< options' forward U exp(r T)
  bool inverse = false;     ///< Deribit: the unit's settlement kind (coin or quote)
  std::vector<PmLeg> legs;
};

/// A leg's PnL, in its settlement asset, when the underlying moves by `move` (a fraction) and an
/// option's volatility becomes `sigma` (ignored by a future). A future moves with its own mark.
double legPnl(const PmUnit& unit, const PmLeg& leg, double move, double sigma) noexcept;

// ---- results ----------------------------------------------------------------------------------------

/// A scenario: the underlying's move (a fraction of its price) and the venue's nominal volatility
/// shock (Deribit: its volRangeUp / 0 / -volRangeDown before tenor scaling; SPAN: in vol points).
struct PmScenario {
  double priceMove = 0, volShock = 0;
};
struct PmComponent {
  std::string name;                    ///< e.g. "worstCase", "rollShock", "MR1", "scanRisk"
  double value = 0;                    ///< in the venue's currency
  std::optional<PmScenario> scenario;  ///< the scenario that sets it (none: a per-leg charge)
  std::optional<std::string> leg;      ///< the position driving it ("options[3]")
  std::string underlying;              ///< its risk unit
};

/// One scan of one risk unit, for a heat map: pnl[v][m] at volShocks[v] x priceMoves[m].
struct PmGrid {
  std::string name;        ///< "standard", "extended", "MR1", "MR6", "riskArray", "extreme"
  std::string underlying;
  std::vector<double> priceMoves, volShocks;
  std::vector<std::vector<double>> pnl;   ///< the venue's counted PnL (after weights), venue currency
  std::size_t worstVolShock = 0, worstPriceMove = 0;
  double worstPnl = 0;
  std::optional<std::string> leg;         ///< the leg losing most in the worst cell
};

/// One venue's answer. kind: "portfolio" or "standard".
struct VenueMargin {
  std::string venue, kind;
  bool supported = true;
  std::optional<std::string> reason;  ///< why not, when !supported
  std::string parameterSet;      ///< the dated set used ("2025-01-06")
  std::string currency;          ///< of every number below
  double initialMargin = 0, maintenanceMargin = 0;
  std::vector<PmComponent> components;
  std::vector<PmGrid> grids;
  std::string assumptions;  ///< the [UNVERIFIED] options in force with their values, "; " between
};

// ---- Deribit (VENUES-PM.md 1) ---------------------------------------------------------------------

struct DeribitPmParams {
  std::string date, source;
  double priceRange = 0.16;
  int buckets = 4;
  double volRangeUp = 0.5, volRangeDown = 0.25, shortTermVegaPower = 0.3, longTermVegaPower = 0.13;
  double minVolatilityForShockUp = 0.5;
  double extendedTableFactor = 1;
  double annualisedMoveRisk = 0.075, minAnnualisedMove = 0.01;
  double extendedDampener = 100000;  ///< quote
  double pnlOffset = 0, maxOffsetablePnl = 0;
  double mmFactor = 0.8;
  double maxDeltaShock = 0.1, deltaTotalLiqShockThreshold = 20000000;  ///< delta shock (1.4)
};
/// Deribit's up and down volatility of an option (1.2): f = (30/DTE)^(DTE < 30 ? short : long power),
/// up = max(sigma (1 + up f), min up), down = max(sigma (1 - down f), 0).
struct DeribitVols {
  double f = 0, up = 0, down = 0;
};
DeribitVols deribitVols(const DeribitPmParams& p, double sigma, double days) noexcept;
/// The extended table's moves (1.2) and the weight of each: extendedTableFactor x priceRange / |move|
/// ([UNVERIFIED]: Paradex's published clone) or 1 (`fullWeight`).
inline constexpr std::array<double, 8> kDeribitExtendedMoves = {-0.66, -0.33, 0.5, 1, 2, 3, 4, 5};
double deribitExtendedWeight(const DeribitPmParams& p, double move, bool fullWeight) noexcept;

/// [UNVERIFIED] the extended table's weight: priceRange / |move| (Paradex's clone; default) or 1.
enum class DeribitExtendedWeight { RangeOverMove, Full };
/// [UNVERIFIED] the roll shock's move: max(annualisedMoveRisk x T, floor) (default) or the floor alone.
enum class DeribitRollShock { TimeScaled, Floor };
/// [UNVERIFIED] the delta shock (1.4: parameters published, formula not): off (default) or
/// max_delta_shock x the part of |net delta total| x index above delta_total_liq_shock_threshold (USD).
enum class DeribitDeltaShock { Off, ExcessOverThreshold };
struct DeribitOptions {
  DeribitExtendedWeight extendedWeight = DeribitExtendedWeight::RangeOverMove;
  DeribitRollShock rollShock = DeribitRollShock::TimeScaled;
  DeribitDeltaShock deltaShock = DeribitDeltaShock::Off;
};
/// A leg's cash delta in quote: the change of its value per unit relative move of the underlying. A
/// future: coins x its mark (linear) or x the index (inverse); an option: coins x Black-76 delta x
/// forward, premium-adjusted when coin-settled (Deribit's delta total, support 25944751433757).
double cashDelta(const PmUnit& unit, const PmLeg& leg) noexcept;
/// One unit (one underlying and settlement asset) under Deribit PM; its currency is the coin when
/// inverse, the quote when linear.
VenueMargin deribitPortfolioMargin(const PmUnit& unit, const DeribitPmParams& p, const DeribitOptions& o = {});

// ---- OKX (VENUES-PM.md 2.2) -------------------------------------------------------------------------

struct OkxPmParams {
  std::string date, source;
  double spotMove = 0.12;      ///< MR1 grid: 0, +-1/3, +-2/3, +-1 of it
  double extremeMove = 0.24;   ///< MR6
  double basisRisk = 0.05;     ///< MR4 annualised move risk
  double imFactor = 1.3;
  /// MR7: the published BTC/ETH multiplier tiers apply (pre-2025-01-15 values; kept after, assumed);
  /// false: multiplier 1 (no tiers published for the underlying).
  bool minimumChargeTiers = false;
};
/// The [UNVERIFIED] parts of OKX's formula (2.2); each 0 (the default) leaves its component out.
struct OkxOptions {
  double extremeCoverage = 1;  ///< [UNVERIFIED] fraction of the MR6 loss counted (default 1, as printed)
  double volShock = 0;         ///< [UNVERIFIED] MR1 IV move, relative (default 0: price moves only)
  double thetaDays = 0;        ///< MR2: the options' loss over this many days, price and IV held
  double vegaPoints = 0;       ///< MR3: every option's IV up and down by this (0.3 = 30 points), price held
  double rateShock = 0;        ///< MR5: the interest rate up and down by this (absolute), price and IV held
  double minimumChargeRate = 0;  ///< MR7: raw minimum charge = rate x sum of |notional|
  double borrowingRate = 0;    ///< MR8: MM per borrowed quote (account level)
  double depegFactor = 0;      ///< MR9: charge per unit of each stablecoin pair's hedged cash delta
};
/// MR7's multiplier of a raw minimum charge (USD) for BTC and ETH before 2025-01-15 [PUB] (2.2):
/// [0, 10k] 1, (10k, 70k] 2, (70k, 170k] 4, (170k, 300k] 6, (300k, 470k] 8, (470k, 700k] 10, above 12.
double okxMinimumChargeMultiplier(double raw) noexcept;
/// MR7's raw charge of a unit: rate x sum over legs of |coins| x mark (linear future) or x index.
double okxRawMinimumCharge(const PmUnit& unit, double rate) noexcept;
/// MR1 and MR6 from the class's grid, MR4 = sum |coins| x mark x basisRisk x T over dated futures
/// ([UNVERIFIED] shape), MR2, MR3, MR5, MR7 and MR9 when their options are set; Derivatives MMR =
/// max(max(MR1, MR2, MR6) + MR4 + MR3 + MR5 + MR9, MR7); IMR = 1.3 MMR. Quote currency. MR8 is the
/// account's (marginByVenue).
VenueMargin okxPortfolioMargin(const PmUnit& unit, const OkxPmParams& p, const OkxOptions& o = {});
/// The set of an underlying's class at a date ("BTC" and "ETH"; the second list; the others).
OkxPmParams okxParams(std::string_view underlying, std::string_view asOf);

// ---- Bybit (VENUES-PM.md 3.2) -----------------------------------------------------------------------

struct BybitPmParams {
  std::string date, source;
  double priceRange = 0.10;  ///< 11 points from -range to +range
  /// Vega spread contingency per day of expiry difference x hedged coin x index (BTC, ETH 0.03%
  /// [PUB-3P], 3.2); 0: none published for the underlying, not charged.
  double vegaSpreadFactor = 0;
};
struct BybitOptions {
  double volShock = 0;            ///< [UNVERIFIED] IV stress, relative, up and down (default 0)
  double futuresFactor = 0;       ///< [UNVERIFIED] perp/futures contingency per coin x index (default 0)
  double shortOptionFactor = 0;   ///< [UNVERIFIED] short options contingency per coin x index (default 0)
  double imFactor = 1;            ///< [UNVERIFIED] IM = MM x factor (default 1)
  /// Delta spread contingency per year of expiry difference x hedged coin x index (3.2: "basis factor
  /// 45-60%" [PUB-3P]; default 0.45, the range's low end; the time unit, years, is our reading).
  double deltaSpreadFactor = 0.45;
};
/// One calendar match: `size` coins of one expiry against the opposite sign at an earlier one.
struct CalendarMatch {
  double years = 0, size = 0;  ///< the expiries' difference and the coins matched
  std::string leg;             ///< the later expiry's first leg
};
/// Net coins per expiry, earliest first, each matched against the earliest open opposite-signed
/// expiry (a perpetual at 0 years). `options`: the option legs, else the futures.
std::vector<CalendarMatch> calendarMatches(const PmUnit& unit, bool options);
VenueMargin bybitPortfolioMargin(const PmUnit& unit, const BybitPmParams& p, const BybitOptions& o = {});
BybitPmParams bybitParams(std::string_view underlying, std::string_view asOf);

// ---- CME SPAN (VENUES-PM.md 6.1) --------------------------------------------------------------------

/// An intra-commodity tier: the legs expiring after the previous tier's end up to `maxYears`
/// (years to expiry as the account computes them; a perpetual is at 0), with its own PSR when given
/// (CME's scan rate tiers: each month's outright rate).
struct SpanTier {
  double maxYears = 0;
  std::optional<double> priceScanRange;
};
/// A calendar spread between two tiers (indices into tiers) and its charge per coin of delta matched
/// (a contract's rate / its size). Spreads are formed in the order listed (SPAN's priority).
struct SpanIntraSpread {
  double tierA = 0, tierB = 0;
  double charge = 0;
};
/// An inter-commodity spread between two underlyings with SPAN parameters: `firstDelta` coins of the
/// first against `secondDelta` of the second (opposite signs), credited `creditRate` of the weighted
/// futures price risk of the legs matched. Formed in the order listed.
struct SpanInterSpread {
  std::string first, second;
  double firstDelta = 1, secondDelta = 1;
  double creditRate = 0;
};
struct SpanParams {
  std::string underlying;
  double priceScanRange = 0;       ///< PSR as a fraction of the price
  double volScanRange = 0;         ///< VSR in volatility (0.05 = 5 points)
  double extremeMultiple = 2;      ///< scenarios 15, 16: +-multiple x PSR
  double extremeCoverage = 0.35;   ///< fraction of their loss counted
  double imRatio = 1;              ///< IM = MM x ratio ([UNVERIFIED], default 1)
  std::vector<SpanTier> tiers;              ///< none: no intra-commodity spread charge
  std::vector<SpanIntraSpread> intraSpreads;
};
/// The textbook table: scenario i's price move (x PSR), vol move (x VSR) and the fraction counted.
struct SpanScenario {
  double price = 0, vol = 0, weight = 1;
};
extern const std::array<SpanScenario, 16> kSpanScenarios;
/// Scan risk of a risk array (P&L per scenario, + = gain; scenarios 15 and 16 already at their
/// coverage, as published arrays hold them): max(0, max over i of -pnl_i), and the scenario setting it.
struct SpanScan {
  double risk = 0;
  std::size_t scenario = 0;
};
SpanScan spanScanRisk(std::span<const double, 16> pnl) noexcept;
/// A leg's delta in coins of underlying: a future's coins, an option's coins x Black-76 delta
/// (premium-adjusted when coin-settled), at today's price.
double spanDelta(const PmUnit& unit, const PmLeg& leg) noexcept;
/// The tier of a leg (index into p.tiers), none past the last tier's end.
std::optional<std::size_t> spanTier(const SpanParams& p, const PmLeg& leg) noexcept;
/// Scan risk over the 16 scenarios (each leg at its tier's PSR) plus the intra-commodity spread
/// charges: each tier's net delta, spreads formed pair by pair in the order listed between tiers of
/// opposite net delta, min(|delta A|, |delta B|) each, charged `charge` per coin (VENUES-PM.md 6.1).
/// MM = scan risk + intra charges; IM = MM x imRatio.
VenueMargin spanMargin(const PmUnit& unit, const SpanParams& p);
/// One spread pair that formed spreads: its component, the spreads formed (coins of the pair's first
/// side; inter: spread units of the ratio), the charge or credit rate, and the price risk per coin.
struct SpanSpread {
  PmComponent component;
  std::string pair;  ///< "tiers 0 and 2", "CORN and SOY"
  double spreads = 0, rate = 0, ratio = 1, priceRisk = 0;
};
/// The intra-commodity spread charges of a unit, one component "intraSpreadCharge" per tier pair that
/// formed spreads (its leg: the later tier's leg of largest |delta|).
std::vector<SpanSpread> spanIntraCharges(const PmUnit& unit, const SpanParams& p);
/// One underlying's part in SPAN's inter-commodity credits: its MM before credits, its scan risk
/// and net delta (weighted futures price risk = scan risk / |net delta|) and its IM ratio.
struct SpanUnitRisk {
  std::string underlying;
  double scanRisk = 0, delta = 0, imRatio = 1;
  std::optional<std::string> leg;  ///< the leg with the largest |delta|
};
/// The credits of `spreads` in order: pairs whose net deltas have opposite signs form
/// n = min(|dA| / firstDelta, |dB| / secondDelta) spreads (deltas consumed); each side's credit is
/// creditRate x n x its ratio x its weighted futures price risk (VENUES-PM.md SPAN-2), one component
/// "interSpreadCredit" per side with a negative value. Units absent from `units` form none.
std::vector<SpanSpread> spanInterCredits(std::vector<SpanUnitRisk> units, const std::vector<SpanInterSpread>& spreads);

// ---- side by side -----------------------------------------------------------------------------------

struct MarginByVenueRequest {
  std::optional<std::string> asOf;   ///< "YYYY-MM-DD": the parameter sets in force then; default the latest
  std::optional<std::string> venue;  ///< only this one of deribit, okx, bybit, binance, span; default all
  std::vector<SpanParams> span;     ///< SPAN parameters per underlying (none: SPAN unsupported for it)
  std::vector<SpanInterSpread> spanInter;  ///< SPAN's inter-commodity spreads (none: no credit)
  DeribitOptions deribit;
  OkxOptions okx;
  BybitOptions bybit;
};
struct MarginByVenueResult {
  std::vector<VenueMargin> venues;
  std::vector<Step> steps;
};
/// The account's risk units under every venue asked for. Errors at their paths: the account's
/// (validate) and the request's ("request.asOf", "request.span[0].priceScanRange").
Result<MarginByVenueResult> marginByVenue(const Account& account, const MarginByVenueRequest& request = {});
/// The steps of a result (the same inputs): each venue's components. Writes only steps.
void explain(const Account& account, const MarginByVenueRequest& request, MarginByVenueResult& result);
/// The rows of one venue ("deribit": its portfolio and standard rows; `kind` keeps one) for a valid
/// account and request, as marginByVenue gives them.
std::vector<VenueMargin> venueRows(const Account& account, const MarginByVenueRequest& request, std::string_view venue,
                                   std::string_view kind = {});
class Checker;
/// The request's checks (paths "request.*").
void checkVenueRequest(Checker& c, const Account& account, const MarginByVenueRequest& request);
/// The risk units of a valid account (per underlying; `bySettlement`: per underlying and settlement kind).
std::vector<PmUnit> riskUnits(const Account& account, bool bySettlement);

}  // namespace marginlab
