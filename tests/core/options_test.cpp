// SPDX-License-Identifier: MIT
// Options accounts (scenario version 2): Deribit's standard margin (VENUES.md 5.1, DB-3..DB-6),
// portfolio margin as a stress grid, equity against maintenance at every price with every
// liquidation price, time decay, volatility shifts, and input errors with their paths.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "support.h"

using namespace mltest;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kU = 60'000;            // BTC index, USD
constexpr double kYears30d = 30.0 / 365;  // a 30-day option

/// An option priced at its own Black-76 mark (in coin for inverse), so equity starts at the wallet.
OptionPosition atMark(OptionType type, Side side, double strike, double quantity, double vol, double years,
                      Contract settlement = Contract::Inverse, double u = kU) {
  const double quote = black76Price(type, strike, u, vol * std::sqrt(years));
  return OptionPosition{.type = type,
                        .strike = strike,
                        .expiryYears = years,
                        .side = side,
                        .quantity = quantity,
                        .premium = settlement == Contract::Inverse ? quote / u : quote,
                        .volatility = vol};
}

/// Short 1 BTC straddle at the money, 30 days, 60 % volatility, 0.5 BTC of collateral.
OptionsScenario shortStraddle() {
  OptionsScenario s{.walletBalance = 0.5, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Call, Side::Short, kU, 1, 0.6, kYears30d),
               atMark(OptionType::Put, Side::Short, kU, 1, 0.6, kYears30d)};
  return s;
}

/// Every number of an options result (everything but the steps), for "explain changes no number".
void collectNumbers(const OptionsAccountView& v, std::vector<double>& out) {
  out.insert(out.end(), {v.days, v.volShift, v.equity, v.initialMargin, v.maintenanceMargin, v.availableBalance,
                         v.marginRatio.value_or(-1), double(v.liquidated), double(v.liquidatedAtScanLow),
                         double(v.liquidatedAtScanHigh), v.maxLoss});
  for (const LiquidationCrossing& c : v.liquidationPrices) out.insert(out.end(), {c.price, double(c.liquidatedBelow)});
}
std::vector<double> numbersOf(const OptionsAccountResult& r) {
  std::vector<double> out;
  for (const OptionValuation& o : r.options)
    out.insert(out.end(), {o.years, o.volatility, double(o.volatilityFromSurface), o.forward, o.markPrice,
                           o.greeks.price, o.greeks.delta, o.greeks.gamma, o.greeks.vega, o.greeks.theta, o.value,
                           o.unrealizedPnl, o.initialMargin, o.maintenanceMargin});
  for (const FutureValuation& f : r.futures)
    out.insert(out.end(), {f.sizeCoin, f.unrealizedPnl, f.initialMarginRate, f.maintenanceMarginRate, f.initialMargin,
                           f.maintenanceMargin});
  collectNumbers(r.now, out);
  collectNumbers(r.later, out);
  for (const OptionsAccountView& v : r.volShifted) collectNumbers(v, out);
  for (const auto* list : {&r.isolated.options, &r.isolated.futures})
    for (const IsolatedPosition& p : *list) {
      out.insert(out.end(), {p.postedMargin, p.maxLoss, double(p.now.liquidated), double(p.later.liquidated)});
      for (const IsolatedHorizon* h : {&p.now, &p.later})
        for (const LiquidationCrossing& c : h->liquidationPrices) out.insert(out.end(), {c.price, double(c.liquidatedBelow)});
    }
  out.insert(out.end(), {r.scanLowPrice, r.scanHighPrice, r.lastExpiryDays.value_or(-1)});
  return out;
}
/// The same numbers, bit for bit (NaN never occurs in a valid result).
bool sameNumbers(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(a[i] == b[i])) return false;
  return true;
}
/// True when the result carries no step anywhere (numbers first).
bool noSteps(const OptionsAccountResult& r) {
  bool none = r.steps.empty() && r.now.steps.empty() && r.later.steps.empty();
  for (const OptionValuation& o : r.options) none = none && o.steps.empty();
  for (const FutureValuation& f : r.futures) none = none && f.steps.empty();
  for (const OptionsAccountView& v : r.volShifted) none = none && v.steps.empty();
  for (const auto* list : {&r.isolated.options, &r.isolated.futures})
    for (const IsolatedPosition& p : *list) none = none && p.steps.empty();
  return none;
}

/// evaluateOptions without errors, then explain(): the steps added, and (checked) no number changed.
OptionsAccountResult evaluateOk(const OptionsScenario& s, const OptionsRequest& r = {}) {
  Result<OptionsAccountResult> out = evaluateOptions(s, r);
  INFO("first error: " << (out.errors.empty() ? std::string("none") : out.errors[0].path + ": " + out.errors[0].message));
  REQUIRE(out);
  CHECK(noSteps(*out.value));
  const std::vector<double> before = numbersOf(*out.value);
  explain(s, r, *out.value);
  CHECK(sameNumbers(numbersOf(*out.value), before));
  return *out.value;
}

double gapAt(const OptionsScenario& s, double price, double days = 0, double shift = 0) {
  const OptionsAccountPoint a = optionsAccountAt(s, price, days, shift);
  return a.equity - a.maintenanceMargin;
}

bool allFinite(const OptionsAccountView& v) {
  bool ok = std::isfinite(v.equity) && std::isfinite(v.initialMargin) && std::isfinite(v.maintenanceMargin) &&
            std::isfinite(v.availableBalance) && (!v.marginRatio || std::isfinite(*v.marginRatio));
  for (const LiquidationCrossing& c : v.liquidationPrices) ok = ok && std::isfinite(c.price) && c.price > 0;
  for (const Step& step : v.steps) ok = ok && (!step.value || std::isfinite(*step.value));
  return ok;
}

}  // namespace

// ---- Deribit standard margin ----------------------------------------------------------------------

TEST_CASE("Deribit standard margin: DB-5 short call and DB-6 short put", "[options][deribit][published]") {
  // Source: VENUES.md 5.2 DB-5 and DB-6 (derived from the 5.1 formulas). Tolerance 1e-12 absolute.
  // DB-5: short call K = 55,000, U = 50,000, mark 0.01 BTC: OTM/U = 0.1, IM = max(0.05, 0.1) + 0.01
  // = 0.11 BTC, MM = 0.075 + 0.01 = 0.085 BTC.
  const OptionMargin call = deribitOptionMargin(OptionType::Call, Side::Short, 55'000, 50'000, 0.01);
  CHECK_THAT(call.initialMargin, WithinAbs(0.11, 1e-12));
  CHECK_THAT(call.maintenanceMargin, WithinAbs(0.085, 1e-12));
  // DB-6: short put K = 45,000, U = 50,000, mark 0.02: MM = max(0.075, 0.0015) + 0.02 = 0.095,
  // IM = max(max(0.05, 0.1) + 0.02, 0.095) = 0.12 BTC.
  const OptionMargin put = deribitOptionMargin(OptionType::Put, Side::Short, 45'000, 50'000, 0.02);
  CHECK_THAT(put.initialMargin, WithinAbs(0.12, 1e-12));
  CHECK_THAT(put.maintenanceMargin, WithinAbs(0.095, 1e-12));
  // Numbers first: the steps come from explainOptionMargin, every number explained: OTM, IM and MM.
  CHECK(call.steps.empty());
  OptionMargin callSteps = call, putSteps = put;
  explainOptionMargin(OptionType::Call, Side::Short, 55'000, 50'000, 0.01, callSteps);
  explainOptionMargin(OptionType::Put, Side::Short, 45'000, 50'000, 0.02, putSteps);
  CHECK(callSteps.steps.size() == 3);
  CHECK(putSteps.steps.back().substituted == "max(max(0.15 - 5000/50000, 0.1) + 0.02, 0.095)");
  CHECK(putSteps.steps.back().code == "optionMargin.put.initial");
  CHECK(putSteps.initialMargin == put.initialMargin);
  // In the money: the 0.15 term wins. Short call K = 45,000 at U = 50,000: OTM = 0, IM = 0.15 + mark.
  CHECK_THAT(deribitOptionMargin(OptionType::Call, Side::Short, 45'000, 50'000, 0.12).initialMargin,
             WithinAbs(0.27, 1e-12));
  // A put whose mark exceeds 1 coin: MM = 0.075 mark + mark.
  CHECK_THAT(deribitOptionMargin(OptionType::Put, Side::Short, 200'000, 50'000, 3).maintenanceMargin,
             WithinAbs(3.225, 1e-12));
  // Long options: premium only, no margin.
  const OptionMargin longCall = deribitOptionMargin(OptionType::Call, Side::Long, 55'000, 50'000, 0.01);
  CHECK(longCall.initialMargin == 0);
  CHECK(longCall.maintenanceMargin == 0);
}

TEST_CASE("Deribit standard margin: DB-4 futures, 100 BTC", "[options][deribit][published]") {
  // Source: VENUES.md 5.2 DB-4 (from 5.1: IM = 2% + size x 0.005%, MM = 1% + size x 0.005%):
  // 100 BTC gives IM 2.5 %, MM 1.5 %. Tolerance 1e-12 absolute.
  const FuturesMargin m = deribitFuturesMargin(100, kDeribitBtcSizeRate);
  CHECK_THAT(m.initialMarginRate, WithinAbs(0.025, 1e-12));
  CHECK_THAT(m.maintenanceMarginRate, WithinAbs(0.015, 1e-12));
  CHECK_THAT(m.initialMargin, WithinAbs(2.5, 1e-12));
  CHECK_THAT(m.maintenanceMargin, WithinAbs(1.5, 1e-12));
  // ETH: 0.0004 % per ETH; 1000 ETH: IM 2.4 %, MM 1.4 %.
  const FuturesMargin eth = deribitFuturesMargin(1000, kDeribitEthSizeRate);
  CHECK_THAT(eth.initialMarginRate, WithinAbs(0.024, 1e-12));
  CHECK_THAT(eth.maintenanceMarginRate, WithinAbs(0.014, 1e-12));
  // The steps on request: both rates and both margins, each with its value.
  CHECK(m.steps.empty());
  FuturesMargin explained = m;
  explainFuturesMargin(100, kDeribitBtcSizeRate, explained);
  REQUIRE(explained.steps.size() == 4);
  CHECK(explained.steps[3].value == m.maintenanceMargin);
  CHECK(explained.steps[3].code == "futuresMargin.maintenanceMargin");
}

// ---- the account ------------------------------------------------------------------------------

TEST_CASE("Options account: an option is valued with Black-76, in coin when inverse", "[options]") {
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU};
  s.options = {OptionPosition{.type = OptionType::Call, .strike = 65'000, .expiryYears = 0.25,
                              .side = Side::Long, .quantity = 2, .premium = 0.03, .volatility = 0.7}};
  const OptionsAccountResult r = evaluateOk(s);
  const OptionValuation& o = r.options[0];
  const double quote = black76Price(OptionType::Call, 65'000, kU, 0.7 * 0.5);
  CHECK_THAT(o.markPrice, WithinRel(quote / kU, 1e-14));
  CHECK_THAT(o.value, WithinRel(2 * quote / kU, 1e-14));
  CHECK_THAT(o.unrealizedPnl, WithinRel(2 * (quote / kU - 0.03), 1e-14));
  CHECK_THAT(o.greeks.delta, WithinRel(black76Greeks(OptionType::Call, 65'000, kU, 0.7, 0.25).delta, 1e-14));
  CHECK(o.initialMargin == 0);  // long: premium only
  CHECK(o.maintenanceMargin == 0);
  CHECK_THAT(r.now.equity, WithinRel(1 + o.unrealizedPnl, 1e-14));
  CHECK(r.now.liquidationPrices.empty());  // a long option alone never liquidates the wallet
  CHECK(!r.now.liquidated);
  REQUIRE(!o.steps.empty());
  CHECK(o.steps[0].field == "options[0].years");
}

TEST_CASE("Options account: expiry by date, ACT/365", "[options]") {
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU, .valuationDate = "2026-03-01"};
  s.options = {OptionPosition{.type = OptionType::Put, .strike = 50'000, .expiryDate = "2026-03-27T08:00:00Z",
                              .side = Side::Short, .quantity = 1, .premium = 0.01, .volatility = 0.5}};
  const OptionsAccountResult r = evaluateOk(s);
  CHECK_THAT(r.options[0].years, WithinRel((26 + 8.0 / 24) / 365, 1e-15));
  // Over a year boundary and a leap day: 2028-02-28 to 2028-03-01 is 2 days.
  s.valuationDate = "2028-02-28";
  s.options[0].expiryDate = "2028-03-01";
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel(2.0 / 365, 1e-14));
  s.valuationDate = "2026-12-31T23:00";
  s.options[0].expiryDate = "2027-01-01 01:30";
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel(2.5 / 24 / 365, 1e-15));
}

TEST_CASE("Options account: Deribit's expiry names (27MAR26) are that day at 08:00 UTC", "[options]") {
  // Deribit options expire at 08:00 UTC on the day the instrument names (BTC-27MAR26-60000-C).
  // By hand: 2026-03-01 00:00 to 2026-03-27 08:00 is 26 days and 8 hours, ACT/365.
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU, .valuationDate = "2026-03-01"};
  s.options = {OptionPosition{.type = OptionType::Put, .strike = 50'000, .expiryDate = "27MAR26",
                              .side = Side::Short, .quantity = 1, .premium = 0.01, .volatility = 0.5}};
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel((26 + 8.0 / 24) / 365, 1e-15));
  s.options[0].expiryDate = "27mar26";  // the month in any case
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel((26 + 8.0 / 24) / 365, 1e-15));
  // One-digit day; 2026-03-01 to 2026-04-05 08:00 is 35 days and 8 hours.
  s.options[0].expiryDate = "5APR26";
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel((35 + 8.0 / 24) / 365, 1e-15));
  // 2028 is a leap year: 2028-02-28 to 29FEB28 08:00 is 1 day and 8 hours.
  s.valuationDate = "2028-02-28";
  s.options[0].expiryDate = "29FEB28";
  CHECK_THAT(evaluateOk(s).options[0].years, WithinRel((1 + 8.0 / 24) / 365, 1e-15));
  for (const char* bad : {"29FEB27", "32MAR26", "27MRZ26", "27MAR2026", "MAR26", "027MAR26", "27MAR-6"}) {
    s.options[0].expiryDate = bad;
    CHECK(hasError(validateOptions(s), "options[0].expiryDate", ErrorCode::WrongType));
  }
}

TEST_CASE("Options account: a short straddle has two liquidation prices", "[options][liquidation]") {
  const OptionsScenario s = shortStraddle();
  const OptionsAccountResult r = evaluateOk(s);
  CHECK_THAT(r.now.equity, WithinAbs(0.5, 1e-12));  // premiums at the mark
  CHECK(!r.now.liquidated);
  REQUIRE(r.now.liquidationPrices.size() == 2);
  const LiquidationCrossing low = r.now.liquidationPrices[0], high = r.now.liquidationPrices[1];
  CHECK(low.price < kU);
  CHECK(high.price > kU);
  CHECK(low.liquidatedBelow);
  CHECK(!high.liquidatedBelow);
  // Each is where equity meets maintenance: |equity - MM| within 1e-9 BTC, and the sign changes
  // 0.01 % either side.
  for (const LiquidationCrossing& c : r.now.liquidationPrices) {
    INFO("price " << c.price);
    CHECK_THAT(gapAt(s, c.price), WithinAbs(0, 1e-9));
    CHECK((gapAt(s, c.price * 0.9999) < 0) == c.liquidatedBelow);
    CHECK((gapAt(s, c.price * 1.0001) < 0) == !c.liquidatedBelow);
  }
  CHECK(r.now.liquidatedAtScanLow);             // the put's loss grows without bound as P -> 0
  CHECK(r.now.liquidatedAtScanHigh);            // the inverse call's loss tends to 1 BTC > 0.5 + premiums
  CHECK(allFinite(r.now));
  // The steps name both prices and show equity = MM there.
  int named = 0;
  for (const Step& step : r.now.steps)
    if (step.field.rfind("liquidationPrices[", 0) == 0) ++named;
  CHECK(named == 2);
}

TEST_CASE("Options account: liquidation prices under +-10 vol points and after time decay",
          "[options][liquidation]") {
  const OptionsScenario s = shortStraddle();
  OptionsRequest request;
  request.days = 7;
  request.volShifts = {-0.10, 0.10};
  const OptionsAccountResult r = evaluateOk(s, request);
  REQUIRE(r.volShifted.size() == 2);
  const OptionsAccountView& down = r.volShifted[0];
  const OptionsAccountView& up = r.volShifted[1];
  REQUIRE(down.liquidationPrices.size() == 2);
  REQUIRE(up.liquidationPrices.size() == 2);
  CHECK(down.volShift == -0.10);
  CHECK(up.volShift == 0.10);
  // Higher volatility: the short options are worth more (equity falls) and need more margin, so
  // both liquidation prices move toward the underlying; lower volatility moves them away.
  CHECK(up.equity < r.now.equity);
  CHECK(down.equity > r.now.equity);
  CHECK(up.liquidationPrices[0].price > r.now.liquidationPrices[0].price);
  CHECK(up.liquidationPrices[1].price < r.now.liquidationPrices[1].price);
  CHECK(down.liquidationPrices[0].price < r.now.liquidationPrices[0].price);
  CHECK(down.liquidationPrices[1].price > r.now.liquidationPrices[1].price);
  for (const OptionsAccountView* v : {&down, &up})
    for (const LiquidationCrossing& c : v->liquidationPrices)
      CHECK_THAT(gapAt(s, c.price, 0, v->volShift), WithinAbs(0, 1e-9));
  // A week of decay (r = 0: every option loses time value) widens the band, and equity rises.
  REQUIRE(r.later.liquidationPrices.size() == 2);
  CHECK(r.later.days == 7);
  CHECK(r.later.equity > r.now.equity);
  CHECK(r.later.liquidationPrices[0].price < r.now.liquidationPrices[0].price);
  CHECK(r.later.liquidationPrices[1].price > r.now.liquidationPrices[1].price);
  for (const LiquidationCrossing& c : r.later.liquidationPrices) CHECK_THAT(gapAt(s, c.price, 7), WithinAbs(0, 1e-9));
}

TEST_CASE("Options account: after expiry an option pays its intrinsic value and needs no margin",
          "[options][edge]") {
  OptionsScenario s = shortStraddle();
  OptionsRequest request;
  request.days = 45;  // past the 30-day expiry
  const OptionsAccountResult r = evaluateOk(s, request);
  // At U both settle at 0: equity = wallet + both premiums, no maintenance left.
  CHECK_THAT(r.later.equity, WithinAbs(0.5 + s.options[0].premium + s.options[1].premium, 1e-12));
  CHECK(r.later.maintenanceMargin == 0);
  // At 66,000 the call pays (66,000 - 60,000) / 66,000 BTC.
  const OptionsAccountPoint p = optionsAccountAt(s, 66'000, 45);
  CHECK_THAT(p.equity, WithinAbs(0.5 + s.options[0].premium + s.options[1].premium - 6'000.0 / 66'000, 1e-12));
  CHECK(allFinite(r.later));
}

TEST_CASE("Options account: an inverse long future alone, against its closed form", "[options][liquidation]") {
  // Wallet 1 BTC, long 100,000 USD of BTC-PERPETUAL (contractSize 1 USD) from 50,000. With
  // x = 1/P: equity = 1 + 1e5 (1/50,000 - x) = 3 - 1e5 x; size = 1e5 x BTC;
  // MM = (0.01 + 0.00005 size) size = 1e3 x + 5e5 x^2. equity = MM: 5e5 x^2 + 101,000 x - 3 = 0.
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = 50'000};
  s.futures = {Position{.contract = Contract::Inverse, .quantity = 100'000, .entryPrice = 50'000}};
  const OptionsAccountResult r = evaluateOk(s);
  const double x = (-101'000 + std::sqrt(101'000.0 * 101'000 + 4 * 5e5 * 3)) / (2 * 5e5);
  REQUIRE(r.now.liquidationPrices.size() == 1);
  CHECK_THAT(r.now.liquidationPrices[0].price, WithinRel(1 / x, 1e-10));
  CHECK(r.now.liquidationPrices[0].liquidatedBelow);
  // At the mark: size 2 BTC, MM rate 1.01 %, IM rate 2.01 %.
  REQUIRE(r.futures.size() == 1);
  CHECK_THAT(r.futures[0].sizeCoin, WithinRel(2, 1e-15));
  CHECK_THAT(r.futures[0].maintenanceMarginRate, WithinRel(0.0101, 1e-14));
  CHECK_THAT(r.futures[0].initialMargin, WithinRel(0.0402, 1e-14));
  CHECK_THAT(r.now.maintenanceMargin, WithinRel(0.0202, 1e-14));
}

TEST_CASE("Options account: quote-settled (linear) margins are the coin formulas times U", "[options]") {
  OptionsScenario s{.settlement = Contract::Linear, .walletBalance = 20'000, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Put, Side::Short, 55'000, 2, 0.5, kYears30d, Contract::Linear)};
  s.futures = {Position{.contract = Contract::Linear, .side = Side::Short, .quantity = 0.5, .entryPrice = 58'000}};
  const OptionsAccountResult r = evaluateOk(s);
  const double markCoin = s.options[0].premium / kU;
  const OptionMargin m = deribitOptionMargin(OptionType::Put, Side::Short, 55'000, kU, markCoin);
  CHECK_THAT(r.options[0].maintenanceMargin, WithinRel(2 * m.maintenanceMargin * kU, 1e-14));
  CHECK_THAT(r.options[0].initialMargin, WithinRel(2 * m.initialMargin * kU, 1e-14));
  // The future: size 0.5 BTC, PnL -0.5 x (60,000 - 58,000) = -1,000 USD, MM (1% + 0.5 x 0.005%) x 0.5 x U.
  CHECK_THAT(r.futures[0].unrealizedPnl, WithinRel(-1'000, 1e-14));
  CHECK_THAT(r.futures[0].maintenanceMargin, WithinRel((0.01 + 0.5 * 0.00005) * 0.5 * kU, 1e-14));
  CHECK_THAT(r.now.equity, WithinRel(20'000 - 1'000, 1e-12));
  for (const LiquidationCrossing& c : r.now.liquidationPrices)
    CHECK_THAT(gapAt(s, c.price), WithinAbs(0, 1e-9 * 20'000));
  CHECK(!r.now.liquidationPrices.empty());
}

TEST_CASE("Options account: volatility from the surface, sticky strike or sticky moneyness", "[options][surface]") {
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU};
  s.volSurface = VolSurface{.expiries = {0.05, 0.5},
                            .strikes = {40'000, 60'000, 80'000},
                            .vols = {{0.9, 0.6, 0.8}, {0.8, 0.55, 0.7}}};
  s.options = {OptionPosition{.type = OptionType::Call, .strike = 70'000, .expiryYears = 0.2,
                              .side = Side::Short, .quantity = 1, .premium = 0.02}};
  const OptionsAccountResult r = evaluateOk(s);
  CHECK(r.options[0].volatilityFromSurface);
  CHECK_THAT(r.options[0].volatility, WithinRel(surfaceVolatility(*s.volSurface, 0.2, 70'000), 1e-15));
  // Sticky strike: at another price the option keeps the volatility of K = 70,000.
  const double sticky = black76Price(OptionType::Call, 70'000, 66'000,
                                     surfaceVolatility(*s.volSurface, 0.2, 70'000) * std::sqrt(0.2)) / 66'000;
  CHECK_THAT(optionsAccountAt(s, 66'000).equity, WithinRel(1 - (sticky - 0.02), 1e-14));
  // Sticky moneyness: at 66,000 the option reads the strike 70,000 x 60,000 / 66,000.
  s.volDynamics = VolDynamics::StickyMoneyness;
  const double moving = black76Price(OptionType::Call, 70'000, 66'000,
                                     surfaceVolatility(*s.volSurface, 0.2, 70'000 * kU / 66'000) * std::sqrt(0.2)) /
                        66'000;
  CHECK_THAT(optionsAccountAt(s, 66'000).equity, WithinRel(1 - (moving - 0.02), 1e-14));
  CHECK_THAT(optionsAccountAt(s, kU).equity, WithinRel(1 - (r.options[0].markPrice - 0.02), 1e-14));
}

TEST_CASE("Options account: the sweep gives optionsAccountAt's numbers", "[options]") {
  const OptionsScenario s = shortStraddle();
  const std::vector<double> prices = {1, 1'000, 30'000, 59'999, 60'000, 90'000, 1e7};
  std::vector<double> equity(prices.size()), maintenance(prices.size());
  optionsAccountSweep(s, prices, equity, maintenance, 3, 0.05);
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const OptionsAccountPoint p = optionsAccountAt(s, prices[i], 3, 0.05);
    CHECK(equity[i] == p.equity);
    CHECK(maintenance[i] == p.maintenanceMargin);
    CHECK(std::isfinite(equity[i]));
  }
}

TEST_CASE("Options account: extreme valid inputs give finite numbers", "[options][edge]") {
  OptionsScenario s{.walletBalance = 1e6, .underlyingPrice = 1e-6, .interestRate = 1};
  s.options = {OptionPosition{.type = OptionType::Put, .strike = 1e12, .expiryYears = 100, .side = Side::Short,
                              .quantity = 1e9, .premium = 0, .volatility = 10},
               OptionPosition{.type = OptionType::Call, .strike = 1e-9, .expiryYears = 1e-9, .side = Side::Long,
                              .quantity = 1e-9, .premium = 1e15, .volatility = 1e-9}};
  s.futures = {Position{.contract = Contract::Inverse, .side = Side::Short, .quantity = 1e15, .entryPrice = 1e-9}};
  OptionsRequest request;
  request.days = 36'500;
  request.volShifts = {-10, 10};
  const OptionsAccountResult r = evaluateOk(s, request);
  CHECK(allFinite(r.now));
  CHECK(allFinite(r.later));
  for (const OptionsAccountView& v : r.volShifted) CHECK(allFinite(v));
  for (const OptionValuation& o : r.options)
    for (const Step& step : o.steps) CHECK((!step.value || std::isfinite(*step.value)));
  for (const auto* list : {&r.isolated.options, &r.isolated.futures})
    for (const IsolatedPosition& p : *list) {
      CHECK(std::isfinite(p.postedMargin));
      CHECK(std::isfinite(p.maxLoss));
      for (const IsolatedHorizon* h : {&p.now, &p.later})
        for (const LiquidationCrossing& c : h->liquidationPrices) CHECK((std::isfinite(c.price) && c.price > 0));
      for (const Step& step : p.steps) CHECK((!step.value || std::isfinite(*step.value)));
    }
  CHECK(r.isolated.options.size() == 2);
  CHECK(r.isolated.futures.size() == 1);
}

// ---- isolated beside cross ----------------------------------------------------------------------

namespace {
/// The scenario of option i alone with its posted margin as the wallet: its isolated equity
/// IM_i + PnL_i(P) and MM_i(P) are then optionsAccountAt's (an independent route to the numbers).
OptionsScenario aloneOption(const OptionsScenario& s, std::size_t i, double posted) {
  OptionsScenario alone = s;
  alone.walletBalance = posted;
  alone.futures.clear();
  alone.options = {s.options[i]};
  return alone;
}
}  // namespace

TEST_CASE("Isolated: a short call alone, against its closed form", "[options][isolated]") {
  // Short 1 ATM call (K = U = 60,000), 30 days, 60 %, sold at its mark m0 (coin). At U it is at
  // the money, OTM = 0, so IM = max(0.15 - 0, 0.1) + m0 = 0.15 + m0: that is the posted margin.
  // Isolated equity(P) = 0.15 + m0 - (m(P) - m0) = 0.15 + 2 m0 - m(P); MM(P) = 0.075 + m(P).
  // Equal when m(P*) = (0.15 + 2 m0 - 0.075) / 2 = 0.0375 + m0: the call's mark in coin at the
  // liquidation price is 0.0375 BTC above its premium, whatever P* is. m(P) rises from 0 to 1
  // coin with P, so there is one such price, above U, and a rise through it liquidates.
  // Tolerance 1e-10 abs on the mark (Brent stops at 1e-12 of the price; dm/dP < 1 / P).
  OptionsScenario s{.walletBalance = 0.5, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Call, Side::Short, kU, 1, 0.6, kYears30d)};
  OptionsRequest request;
  request.days = 7;
  const OptionsAccountResult r = evaluateOk(s, request);
  const double m0 = s.options[0].premium;
  REQUIRE(r.isolated.options.size() == 1);
  const IsolatedPosition& iso = r.isolated.options[0];
  CHECK_THAT(iso.postedMargin, WithinRel(0.15 + m0, 1e-14));
  CHECK_THAT(iso.postedMargin, WithinRel(r.options[0].initialMargin, 1e-15));
  CHECK(iso.maxLoss == iso.postedMargin);
  CHECK(!iso.now.liquidated);
  REQUIRE(iso.now.liquidationPrices.size() == 1);
  const double p = iso.now.liquidationPrices[0].price;
  CHECK(p > kU);
  CHECK(!iso.now.liquidationPrices[0].liquidatedBelow);
  const double sd = 0.6 * std::sqrt(kYears30d);
  CHECK_THAT(black76Price(OptionType::Call, kU, p, sd) / p, WithinAbs(0.0375 + m0, 1e-10));
  // A week later the same closed form holds with T - 7 days: m_later(P*) = 0.0375 + m0, and
  // less time value puts P* higher.
  REQUIRE(iso.later.liquidationPrices.size() == 1);
  const double later = iso.later.liquidationPrices[0].price;
  CHECK_THAT(black76Price(OptionType::Call, kU, later, 0.6 * std::sqrt(kYears30d - 7.0 / 365)) / later,
             WithinAbs(0.0375 + m0, 1e-10));
  CHECK(later > p);
  // The cross view shares the whole 0.5 BTC wallet: its liquidation price is further away, and
  // everything in the account is at risk.
  REQUIRE(r.now.liquidationPrices.size() == 1);
  CHECK(r.now.liquidationPrices[0].price > p);
  CHECK_THAT(r.now.maxLoss, WithinAbs(0.5, 1e-12));  // equity = wallet: sold at the mark
  CHECK(r.later.maxLoss == std::max(0.0, r.later.equity));
  // Every new number has its step.
  int priced = 0;
  bool posted = false, maxLoss = false;
  for (const Step& step : iso.steps) {
    posted = posted || (step.field == "postedMargin" && step.value == iso.postedMargin);
    maxLoss = maxLoss || (step.field == "maxLoss" && step.value == iso.maxLoss);
    if (step.field == "now.liquidationPrices[0]" || step.field == "later.liquidationPrices[0]") ++priced;
    CHECK((!step.value || std::isfinite(*step.value)));
  }
  CHECK(posted);
  CHECK(maxLoss);
  CHECK(priced == 2);
  bool crossStep = false;
  for (const Step& step : r.now.steps) crossStep = crossStep || (step.field == "maxLoss" && step.value == r.now.maxLoss);
  CHECK(crossStep);
}

TEST_CASE("Isolated: an inverse short future alone, against v1's isolated closed form", "[options][isolated]") {
  // Short 100,000 USD of BTC (contractSize 1 USD) from 50,000, marked at 50,000: size 2 BTC.
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = 50'000};
  s.futures = {Position{.contract = Contract::Inverse, .side = Side::Short, .quantity = 100'000, .entryPrice = 50'000}};
  SECTION("a flat 1 % maintenance rate (futuresSizeRate 0)") {
    // IM = 2 % x 2 = 0.04 BTC posted. Inverse short: PnL(P) = 1e5 (1/P - 1/50,000), MM = 0.01 x 1e5 / P.
    // 0.04 + 1e5/P - 2 = 1,000/P  =>  P = 99,000 / 1.96 = 50,510.2040816... Tolerance 1e-12 rel.
    s.futuresSizeRate = 0;
    const OptionsAccountResult r = evaluateOk(s);
    const IsolatedPosition& iso = r.isolated.futures.at(0);
    CHECK_THAT(iso.postedMargin, WithinRel(0.04, 1e-14));
    CHECK(iso.maxLoss == iso.postedMargin);
    REQUIRE(iso.now.liquidationPrices.size() == 1);
    CHECK(!iso.now.liquidationPrices[0].liquidatedBelow);
    CHECK_THAT(iso.now.liquidationPrices[0].price, WithinRel(99'000 / 1.96, 1e-12));
    // v1: the same position isolated on 0.04 BTC under the textbook profile (no fees), one tier at 1 %.
    Scenario v1{.rules = Rules::Simple, .walletBalance = 1};
    v1.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .side = Side::Short,
                             .quantity = 100'000, .entryPrice = 50'000, .leverage = 50, .isolatedMargin = 0.04}};
    v1.tiers["BTCUSD"] = flatTier(0.01);
    const Report v1Report = mltest::evaluateOk(v1);
    REQUIRE(v1Report.isolated->positions[0].liquidationPrice);
    CHECK_THAT(iso.now.liquidationPrices[0].price,
               WithinRel(*v1Report.isolated->positions[0].liquidationPrice, 1e-12));
    CHECK(iso.later.liquidationPrices.size() == 1);  // later = now for a future
    CHECK(iso.later.liquidationPrices[0].price == iso.now.liquidationPrices[0].price);
  }
  SECTION("Deribit's size rate, 0.005 % per BTC") {
    // IM rate 2 % + 2 x 0.005 % = 2.01 %, posted 0.0402 BTC. With x = 1/P: equity = 0.0402 +
    // 1e5 (x - 2e-5) = 1e5 x - 1.9598; MM = (0.01 + 0.00005 x 1e5 x) 1e5 x = 1,000 x + 5e5 x^2.
    // 5e5 x^2 - 99,000 x + 1.9598 = 0: the small root x = 2 c / (b + sqrt(b^2 - 4 a c)) (the other,
    // P ~ 5 USD, lies below the scanned range). Tolerance 1e-12 rel.
    const OptionsAccountResult r = evaluateOk(s);
    const IsolatedPosition& iso = r.isolated.futures.at(0);
    CHECK_THAT(iso.postedMargin, WithinRel(0.0402, 1e-14));
    const double a = 5e5, b = 99'000, c = 1.9598;
    const double x = 2 * c / (b + std::sqrt(b * b - 4 * a * c));
    REQUIRE(iso.now.liquidationPrices.size() == 1);
    const double lp = iso.now.liquidationPrices[0].price;
    CHECK_THAT(lp, WithinRel(1 / x, 1e-12));
    // v1's closed form at the rate that holds there, 1 % + size(LP) x 0.005 %, lands on it too.
    const double rate = 0.01 + 0.00005 * 100'000 / lp;
    Scenario v1{.rules = Rules::Simple, .walletBalance = 1};
    v1.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .side = Side::Short,
                             .quantity = 100'000, .entryPrice = 50'000, .leverage = 50, .isolatedMargin = 0.0402}};
    v1.tiers["BTCUSD"] = flatTier(rate);
    const Report v1Report = mltest::evaluateOk(v1);
    REQUIRE(v1Report.isolated->positions[0].liquidationPrice);
    CHECK_THAT(lp, WithinRel(*v1Report.isolated->positions[0].liquidationPrice, 1e-12));
    // Cross on the 1 BTC wallet is much further: the account's own closed form, x from
    // 5e5 x^2 - 99,000 x - 1 + 2 = 0... (equity 1 + 1e5 (x - 2e-5) = 1e5 x - 1).
    const double xc = 2 * 1.0 / (b + std::sqrt(b * b - 4 * a * 1.0));
    REQUIRE(r.now.liquidationPrices.size() == 1);
    CHECK_THAT(r.now.liquidationPrices[0].price, WithinRel(1 / xc, 1e-12));
    CHECK_THAT(r.now.maxLoss, WithinAbs(1, 1e-15));
  }
}

TEST_CASE("Isolated: a long option cannot be liquidated and loses at most its premium", "[options][isolated]") {
  // Long 2 calls K = 65,000 bought at 0.03 BTC: 0.06 BTC paid is the whole risk, no margin posted.
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU};
  s.options = {OptionPosition{.type = OptionType::Call, .strike = 65'000, .expiryYears = 0.25,
                              .side = Side::Long, .quantity = 2, .premium = 0.03, .volatility = 0.7}};
  OptionsRequest request;
  request.days = 10;
  const OptionsAccountResult r = evaluateOk(s, request);
  const IsolatedPosition& iso = r.isolated.options.at(0);
  CHECK(iso.postedMargin == 0);
  CHECK_THAT(iso.maxLoss, WithinRel(0.06, 1e-15));
  CHECK(iso.now.liquidationPrices.empty());
  CHECK(iso.later.liquidationPrices.empty());
  CHECK(!iso.now.liquidated);
  CHECK(!iso.later.liquidated);
  CHECK(iso.steps.size() == 4);  // posted margin, max loss, and why neither horizon has a price
}

TEST_CASE("Isolated: a short straddle splits into a call liquidated above and a put below", "[options][isolated]") {
  // Each leg alone on its own IM: the call has one price above U, the put one below (the cross
  // account has both). At each, IM_i + PnL_i = MM_i: checked through optionsAccountAt on the leg
  // alone with its posted margin as the wallet (|gap| <= 1e-9 BTC), the sign changing 0.01 % either side.
  const OptionsScenario s = shortStraddle();
  OptionsRequest request;
  request.days = 7;
  const OptionsAccountResult r = evaluateOk(s, request);
  REQUIRE(r.isolated.options.size() == 2);
  REQUIRE(r.isolated.futures.empty());
  REQUIRE(r.now.liquidationPrices.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    const IsolatedPosition& iso = r.isolated.options[i];
    CHECK_THAT(iso.postedMargin, WithinRel(r.options[i].initialMargin, 1e-15));
    const OptionsScenario alone = aloneOption(s, i, iso.postedMargin);
    for (const auto& [horizon, days] : {std::pair{&iso.now, 0.0}, std::pair{&iso.later, 7.0}}) {
      REQUIRE(horizon->liquidationPrices.size() == 1);
      const LiquidationCrossing& c = horizon->liquidationPrices[0];
      INFO("option " << i << ", days " << days << ", price " << c.price);
      CHECK(c.liquidatedBelow == (i == 1));  // the put: a fall liquidates
      CHECK((c.price < kU) == (i == 1));
      CHECK_THAT(gapAt(alone, c.price, days), WithinAbs(0, 1e-9));
      CHECK((gapAt(alone, c.price * 0.9999, days) < 0) == c.liquidatedBelow);
      CHECK((gapAt(alone, c.price * 1.0001, days) < 0) == !c.liquidatedBelow);
    }
    // Isolated, each leg has only its own IM (about 0.22 BTC) where cross has 0.5 BTC and the
    // other leg's premium: its liquidation price is nearer the underlying.
    if (i == 0) CHECK(iso.now.liquidationPrices[0].price < r.now.liquidationPrices[1].price);
    else CHECK(iso.now.liquidationPrices[0].price > r.now.liquidationPrices[0].price);
  }
}

TEST_CASE("Isolated: quote-settled (linear), a short future already past its price", "[options][isolated]") {
  // Linear account (USD): short 0.5 BTC future from 58,000 marked at 60,000 (PnL -1,000 USD), and
  // a short 2 x 55,000 put. The future alone posts IM = (2 % + 0.5 x 0.005 %) x 0.5 x 60,000 =
  // 600.75 USD; MM rate 1.0025 % whatever the price (linear size). Equity = MM:
  // 600.75 + 0.5 (58,000 - P) = 0.010025 x 0.5 P  =>  P = 29,600.75 / 0.5050125 = 58,613.6...,
  // below U: the future alone is liquidated already (a rise through P liquidates). Tolerance 1e-12 rel.
  OptionsScenario s{.settlement = Contract::Linear, .walletBalance = 20'000, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Put, Side::Short, 55'000, 2, 0.5, kYears30d, Contract::Linear)};
  s.futures = {Position{.contract = Contract::Linear, .side = Side::Short, .quantity = 0.5, .entryPrice = 58'000}};
  const OptionsAccountResult r = evaluateOk(s);
  const IsolatedPosition& fut = r.isolated.futures.at(0);
  CHECK_THAT(fut.postedMargin, WithinRel(600.75, 1e-14));
  REQUIRE(fut.now.liquidationPrices.size() == 1);
  CHECK_THAT(fut.now.liquidationPrices[0].price, WithinRel(29'600.75 / 0.5050125, 1e-12));
  CHECK(!fut.now.liquidationPrices[0].liquidatedBelow);
  CHECK(fut.now.liquidated);
  CHECK(!r.now.liquidated);  // the 20,000 USD wallet carries it in cross
  // The put alone, in quote, has two: a fall liquidates below U, and far above U the margin floor
  // (0.075 coin per option, times P when quote-settled) outgrows its posted margin and premium:
  // MM -> 2 x 0.075 x P. At each, IM_i + PnL_i = MM_i (the leg alone on its posted margin through
  // optionsAccountAt; 1e-9 x 20,000 USD).
  const IsolatedPosition& put = r.isolated.options.at(0);
  CHECK_THAT(put.postedMargin, WithinRel(r.options[0].initialMargin, 1e-15));
  REQUIRE(put.now.liquidationPrices.size() == 2);
  CHECK(put.now.liquidationPrices[0].liquidatedBelow);
  CHECK(put.now.liquidationPrices[0].price < kU);
  CHECK(!put.now.liquidationPrices[1].liquidatedBelow);
  CHECK(put.now.liquidationPrices[1].price > 1.5 * kU);
  for (const LiquidationCrossing& c : put.now.liquidationPrices)
    CHECK_THAT(gapAt(aloneOption(s, 0, put.postedMargin), c.price), WithinAbs(0, 1e-9 * 20'000));
}

TEST_CASE("Isolated: an option sold below its mark starts liquidated when its loss exceeds IM - MM",
          "[options][isolated]") {
  // Short 1 ATM call sold for 0 (premium 0) at mark m0 ~ 0.0685: isolated equity at U = IM - m0
  // = 0.15 + m0 - m0 = 0.15 against MM = 0.075 + m0 ~ 0.1435: not liquidated. Sold for 0 with
  // volatility 100 %, m0 ~ 0.114: 0.15 < 0.075 + 0.114: liquidated at U already.
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Call, Side::Short, kU, 1, 0.6, kYears30d)};
  s.options[0].premium = 0;
  CHECK(!evaluateOk(s).isolated.options[0].now.liquidated);
  s.options[0].volatility = 1.0;
  const double m0 = black76Price(OptionType::Call, kU, kU, std::sqrt(kYears30d)) / kU;
  REQUIRE(0.15 < 0.075 + m0);
  const OptionsAccountResult r = evaluateOk(s);
  CHECK(r.isolated.options[0].now.liquidated);
  CHECK(!r.now.liquidated);  // the 1 BTC wallet carries it in cross
}

// ---- portfolio margin ---------------------------------------------------------------------------

TEST_CASE("Portfolio margin: a single short call on a 3 x 3 grid, by hand", "[options][portfolio]") {
  // Quote-settled, U = 100, r = 0 (F = P), short 1 call K = 100, T = 0.25, sigma = 40 %; shocks
  // of +-10 vol points (absolute, no term scaling) and moves of -10 %, 0, +10 %. With
  // sd = sigma sqrt(T) and c = F N(d1) - K N(d2), d1,2 = ln(F/K)/sd +- sd/2:
  //   now:  sd 0.20, F 100: d1 = 0.1, d2 = -0.1, N = 0.539828, 0.460172, c0 = 7.965567
  //   vol +10 (sd 0.25): F  90: d1 -0.296442 d2 -0.546442 N 0.383446 0.292381 c  5.272058 PnL  2.693510
  //                      F 100: d1  0.125000 d2 -0.125000 N 0.549738 0.450262 c  9.947645 PnL -1.982078
  //                      F 110: d1  0.506241 d2  0.256241 N 0.693656 0.601118 c 16.190426 PnL -8.224859
  //   vol  0 (sd 0.20):  F  90: d1 -0.426803 d2 -0.626803 N 0.334762 0.265394 c  3.589108 PnL  4.376459
  //                      F 100: c = c0, PnL 0
  //                      F 110: d1  0.576551 d2  0.376551 N 0.717879 0.646746 c 14.292011 PnL -6.326443
  //   vol -10 (sd 0.15): F  90: d1 -0.627403 d2 -0.777403 N 0.265197 0.218460 c  2.021727 PnL  5.943840
  //                      F 100: d1  0.075000 d2 -0.075000 N 0.529893 0.470107 c  5.978529 PnL  1.987039
  //                      F 110: d1  0.710401 d2  0.560401 N 0.761272 0.712397 c 12.500245 PnL -4.534677
  // (PnL of the short = -(c - c0).) Worst: +10 %, vol +10: -8.224859, so the margin is 8.224859.
  // Tolerance 1e-6 (the values above are rounded to 6 decimals).
  OptionsScenario s{.settlement = Contract::Linear, .walletBalance = 100, .underlyingPrice = 100};
  s.options = {OptionPosition{.type = OptionType::Call, .strike = 100, .expiryYears = 0.25, .side = Side::Short,
                              .quantity = 1, .premium = 7.965567455, .volatility = 0.40}};
  PortfolioMarginRequest request;
  request.priceMoves = {-0.10, 0, 0.10};
  request.volShocks = {0.10, 0, -0.10};
  request.volShockKind = VolShockKind::Absolute;
  request.vegaPower = 0;
  const Result<PortfolioMarginResult> out = portfolioMargin(s, request);
  REQUIRE(out);
  const PortfolioMarginResult& r = *out.value;
  const double expected[3][3] = {{2.693510, -1.982078, -8.224859},
                                 {4.376459, 0.0, -6.326443},
                                 {5.943840, 1.987039, -4.534677}};
  REQUIRE(r.pnl.size() == 3);
  for (std::size_t v = 0; v < 3; ++v) {
    REQUIRE(r.pnl[v].size() == 3);
    for (std::size_t p = 0; p < 3; ++p) {
      INFO("vol shock " << r.volShocks[v] << ", move " << r.priceMoves[p]);
      CHECK_THAT(r.pnl[v][p], WithinAbs(expected[v][p], 1e-6));
    }
  }
  CHECK(r.worstVolShock == 0);
  CHECK(r.worstPriceMove == 2);
  CHECK_THAT(r.worstPnl, WithinAbs(-8.224859, 1e-6));
  CHECK_THAT(r.requirement, WithinAbs(8.224859, 1e-6));
  CHECK_THAT(r.equity, WithinAbs(100, 1e-6));
  REQUIRE(r.marginRatio);
  CHECK_THAT(*r.marginRatio, WithinAbs(0.08224859, 1e-8));
  CHECK(r.volShockScale == std::vector<double>{1.0});
}

TEST_CASE("Portfolio margin: DB-3 term scaling of the volatility shock", "[options][portfolio][published]") {
  // Source: VENUES.md 5.2 DB-3 (Deribit's portfolio margin page): IV shock 38 % at 30 days,
  // (30/15)^0.30 x 38 % = 46.8 % at 15 days. Tolerance 5e-4 (the published rounding).
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = kU};
  s.options = {atMark(OptionType::Call, Side::Short, 65'000, 1, 0.6, 30.0 / 365),
               atMark(OptionType::Call, Side::Short, 65'000, 1, 0.6, 15.0 / 365)};
  const Result<PortfolioMarginResult> out = portfolioMargin(s);  // the defaults: 0.38 and power 0.30
  REQUIRE(out);
  const PortfolioMarginResult& r = *out.value;
  CHECK_THAT(0.38 * r.volShockScale[0], WithinAbs(0.38, 1e-12));
  CHECK_THAT(0.38 * r.volShockScale[1], WithinAbs(0.468, 5e-4));
  // The default grid: Deribit's 9 moves of +-16 % with 0, times vol up / same / down.
  REQUIRE(r.priceMoves.size() == 9);
  CHECK(r.priceMoves[4] == 0);
  CHECK(r.volShocks.size() == 3);
  // Short calls lose most with the price and the volatility up.
  CHECK(r.priceMoves[r.worstPriceMove] == 0.16);
  CHECK(r.volShocks[r.worstVolShock] == 0.38);
  CHECK(r.pnl[1][4] == 0);  // no move, no shock
  CHECK(r.requirement > 0);
}

TEST_CASE("Portfolio margin: a hedge needs less than its legs", "[options][portfolio]") {
  // Short call hedged by a long future on the same coin (covered call, coin-settled).
  OptionsScenario hedged{.walletBalance = 1, .underlyingPrice = kU};
  hedged.options = {atMark(OptionType::Call, Side::Short, kU, 1, 0.6, kYears30d)};
  OptionsScenario naked = hedged;
  hedged.futures = {Position{.contract = Contract::Inverse, .quantity = kU / 2, .entryPrice = kU}};
  const auto a = portfolioMargin(naked), b = portfolioMargin(hedged);
  REQUIRE(a);
  REQUIRE(b);
  CHECK(b.value->requirement < a.value->requirement);
  // A long option alone loses at most its value.
  OptionsScenario longPut{.walletBalance = 1, .underlyingPrice = kU};
  longPut.options = {atMark(OptionType::Put, Side::Long, 55'000, 1, 0.6, kYears30d)};
  const auto c = portfolioMargin(longPut);
  REQUIRE(c);
  CHECK(c.value->requirement <= longPut.options[0].premium + 1e-15);
  CHECK(c.value->requirement > 0);
}

// ---- input errors -------------------------------------------------------------------------------

TEST_CASE("Options scenario errors: every problem with its path", "[options][errors]") {
  SECTION("negative volatility, zero and negative strikes, expiry zero or past") {
    OptionsScenario s = shortStraddle();
    s.options[0].volatility = -0.2;
    s.options[1].strike = 0;
    s.options.push_back(s.options[1]);
    s.options[2].strike = -5;
    s.options[2].expiryYears = 0;
    s.options.push_back(atMark(OptionType::Call, Side::Long, kU, 1, 0.5, 0.1));
    s.options[3].expiryYears = -0.1;
    const auto e = validateOptions(s);
    CHECK(hasError(e, "options[0].volatility", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[1].strike", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[2].strike", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[2].expiryYears", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[3].expiryYears", ErrorCode::NotPositive));
    CHECK(e.size() == 5);
    // evaluateOptions and portfolioMargin return the same errors and no value.
    const auto r = evaluateOptions(s);
    CHECK(!r);
    CHECK(!r.value);
    CHECK(r.errors.size() == 5);
    CHECK(portfolioMargin(s).errors.size() == 5);
  }
  SECTION("expiry dates: past, equal, malformed, impossible, without a valuation date") {
    OptionsScenario s = shortStraddle();
    s.valuationDate = "2026-06-01";
    for (OptionPosition& o : s.options) o.expiryYears.reset();
    s.options[0].expiryDate = "2026-05-29";
    s.options[1].expiryDate = "2026-06-01";
    s.options.push_back(s.options[1]);
    s.options[2].expiryDate = "June 26";
    s.options.push_back(s.options[1]);
    s.options[3].expiryDate = "2026-02-30";
    s.options.push_back(s.options[1]);
    s.options[4].expiryDate = "2026-07-01";
    s.options[4].expiryYears = 0.1;  // both
    s.options.push_back(s.options[1]);
    s.options[5].expiryDate.reset();  // neither
    auto e = validateOptions(s);
    CHECK(hasError(e, "options[0].expiryDate", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[1].expiryDate", ErrorCode::NotPositive));
    CHECK(hasError(e, "options[2].expiryDate", ErrorCode::WrongType));
    CHECK(hasError(e, "options[3].expiryDate", ErrorCode::WrongType));
    CHECK(hasError(e, "options[4].expiryDate", ErrorCode::OutOfRange));
    CHECK(hasError(e, "options[5].expiryYears", ErrorCode::Missing));
    CHECK(e.size() == 6);
    s.valuationDate.reset();
    s.options.resize(2);
    e = validateOptions(s);
    CHECK(hasError(e, "valuationDate", ErrorCode::Missing));
    CHECK(e.size() == 1);  // said once for both options
    s.valuationDate = "2026-13-01";
    CHECK(hasError(validateOptions(s), "valuationDate", ErrorCode::WrongType));
  }
  SECTION("a surface with unsorted axes, and an option that needs a missing surface") {
    OptionsScenario s = shortStraddle();
    s.options[0].volatility.reset();
    auto e = validateOptions(s);
    CHECK(hasError(e, "options[0].volatility", ErrorCode::Missing));
    s.volSurface = VolSurface{.expiries = {0.5, 0.1}, .strikes = {50'000, 70'000, 60'000}, .vols = {{0.5, 0.5, 0.5}, {0.5, 0.5, 0.5}}};
    e = validateOptions(s);
    CHECK(hasError(e, "volSurface.expiries[1]", ErrorCode::Unsorted));
    CHECK(hasError(e, "volSurface.strikes[2]", ErrorCode::Unsorted));
    CHECK(e.size() == 2);
  }
  SECTION("NaN anywhere") {
    OptionsScenario s = shortStraddle();
    s.walletBalance = kNaN;
    s.underlyingPrice = kNaN;
    s.interestRate = kNaN;
    s.futuresSizeRate = kNaN;
    s.options[0].strike = kNaN;
    s.options[0].quantity = kNaN;
    s.options[0].premium = kNaN;
    s.options[0].volatility = kNaN;
    s.options[1].expiryYears = kNaN;
    s.futures = {Position{.contract = Contract::Inverse, .contractSize = kNaN, .quantity = kNaN, .entryPrice = kNaN}};
    s.volSurface = VolSurface{.expiries = {kNaN}, .strikes = {kNaN}, .vols = {{kNaN}}};
    const auto e = validateOptions(s);
    for (const char* path :
         {"walletBalance", "underlyingPrice", "interestRate", "futuresSizeRate", "options[0].strike",
          "options[0].quantity", "options[0].premium", "options[0].volatility", "options[1].expiryYears",
          "futures[0].contractSize", "futures[0].quantity", "futures[0].entryPrice", "volSurface.expiries[0]",
          "volSurface.strikes[0]", "volSurface.vols[0][0]"}) {
      INFO(path);
      CHECK(hasError(e, path, ErrorCode::NotFinite));
    }
    CHECK(e.size() == 15);
  }
  SECTION("futures that do not fit the account, the version, the size rate") {
    OptionsScenario s = shortStraddle();
    s.version = 1;
    s.underlying = "SOL";
    s.futures = {Position{.contract = Contract::Linear, .quantity = 1, .entryPrice = 100, .markPrice = 101,
                          .marginMode = MarginMode::Isolated, .isolatedMargin = 5}};
    const auto e = validateOptions(s);
    CHECK(hasError(e, "version", ErrorCode::Unsupported));
    CHECK(hasError(e, "futuresSizeRate", ErrorCode::Missing));
    CHECK(hasError(e, "futures[0].contract", ErrorCode::Mixed));
    CHECK(hasError(e, "futures[0].markPrice", ErrorCode::Unsupported));
    CHECK(hasError(e, "futures[0].marginMode", ErrorCode::Unsupported));
    CHECK(hasError(e, "futures[0].isolatedMargin", ErrorCode::Unsupported));
    CHECK(e.size() == 6);
  }
  SECTION("messages carry the value") {
    OptionsScenario s = shortStraddle();
    s.options[1].volatility = -0.25;
    const auto e = validateOptions(s);
    REQUIRE(e.size() == 1);
    CHECK(e[0].message == "options[1].volatility (-0.25) must be > 0");
  }
}

TEST_CASE("Options request errors: paths under request", "[options][errors]") {
  const OptionsScenario s = shortStraddle();
  OptionsRequest r;
  r.days = -1;
  r.volShifts = {kNaN, 20};
  r.scanLow = 2;
  r.scanHigh = kNaN;
  r.scanPoints = 3;
  auto e = evaluateOptions(s, r).errors;
  CHECK(hasError(e, "request.days", ErrorCode::OutOfRange));
  CHECK(hasError(e, "request.volShifts[0]", ErrorCode::NotFinite));
  CHECK(hasError(e, "request.volShifts[1]", ErrorCode::OutOfRange));
  CHECK(hasError(e, "request.scanLow", ErrorCode::OutOfRange));
  CHECK(hasError(e, "request.scanHigh", ErrorCode::NotFinite));
  CHECK(hasError(e, "request.scanPoints", ErrorCode::OutOfRange));
  PortfolioMarginRequest p;
  p.priceMoves = {-1, kNaN};
  p.volShocks = {};
  p.vegaPower = -1;
  e = portfolioMargin(s, p).errors;
  CHECK(hasError(e, "request.priceMoves[0]", ErrorCode::OutOfRange));
  CHECK(hasError(e, "request.priceMoves[1]", ErrorCode::NotFinite));
  CHECK(hasError(e, "request.volShocks", ErrorCode::Empty));
  CHECK(hasError(e, "request.vegaPower", ErrorCode::OutOfRange));
}

TEST_CASE("Options requests: the public checks are evaluateOptions' and portfolioMargin's", "[options][errors]") {
  OptionsRequest r;
  r.days = kNaN;
  r.scanPoints = 10;
  const auto e = validateOptionsRequest(r);
  CHECK(hasError(e, "request.days", ErrorCode::NotFinite));
  CHECK(hasError(e, "request.scanPoints", ErrorCode::OutOfRange));
  CHECK(e.size() == evaluateOptions(shortStraddle(), r).errors.size());
  CHECK(validateOptionsRequest({}).empty());
  PortfolioMarginRequest p;
  p.vegaPower = 3;
  CHECK(hasError(validatePortfolioMarginRequest(p), "request.vegaPower", ErrorCode::OutOfRange));
  CHECK(validatePortfolioMarginRequest({}).empty());
  CHECK(toString(VolShockKind::Absolute) == "absolute");
  CHECK(parseVolShockKind("relative") == VolShockKind::Relative);
  CHECK(!parseVolShockKind("Relative"));
}

TEST_CASE("Options sweep, checked: optionsAccountSweep's numbers, or every error and nothing written",
          "[options][errors]") {
  const OptionsScenario s = shortStraddle();
  const std::vector<double> prices = {30'000, 60'000, 90'000};
  std::vector<double> equity(3, -1), maintenance(3, -1);
  CHECK(sweepOptionsAccount(s, prices, equity, maintenance, {.days = 2, .volShift = 0.05}).empty());
  for (std::size_t i = 0; i < prices.size(); ++i) {
    const OptionsAccountPoint p = optionsAccountAt(s, prices[i], 2, 0.05);
    CHECK(equity[i] == p.equity);
    CHECK(maintenance[i] == p.maintenanceMargin);
  }
  const std::vector<double> bad = {1, kNaN, 0, -3};
  std::vector<double> e4(4, -1), m3(3, -1);
  OptionsScenario broken = s;
  broken.options[0].strike = 0;
  const auto errors = sweepOptionsAccount(broken, bad, e4, m3, {.days = -1, .volShift = 11});
  CHECK(hasError(errors, "options[0].strike", ErrorCode::NotPositive));
  CHECK(hasError(errors, "request.days", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "request.volShift", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "prices[1]", ErrorCode::NotFinite));
  CHECK(hasError(errors, "prices[2]", ErrorCode::NotPositive));
  CHECK(hasError(errors, "prices[3]", ErrorCode::NotPositive));
  CHECK(hasError(errors, "maintenance", ErrorCode::OutOfRange));
  CHECK(errors.size() == 7);
  CHECK(e4 == std::vector<double>(4, -1));  // nothing written
  // At most 100 bad prices are listed.
  const std::vector<double> many(500, kNaN);
  std::vector<double> e500(500), m500(500);
  CHECK(sweepOptionsAccount(s, many, e500, m500).size() == 100);
}

TEST_CASE("Options account: a subnormal wallet is refused, as version 1 refuses it", "[options][edge][errors]") {
  // Found while adding the options fuzzer target: a wallet of 5e-324 BTC (the smallest subnormal)
  // beside a future at its entry price (PnL exactly 0) made maintenance / equity overflow to +inf.
  // The margin ratio is still absent when it would not be finite (ratioOf), and the wallet now
  // follows version 1's rule for the same field (isValidNonNegative: 0, or 1e-9 .. 1e15), with
  // version 1's message.
  OptionsScenario s{.walletBalance = std::numeric_limits<double>::denorm_min(), .underlyingPrice = 50'000};
  s.futures = {Position{.contract = Contract::Inverse, .quantity = 100'000, .entryPrice = 50'000}};
  const auto e = evaluateOptions(s, OptionsRequest{.scanPoints = 64}).errors;
  REQUIRE(e.size() == 1);
  CHECK(e[0].path == "walletBalance");
  CHECK(e[0].code == ErrorCode::OutOfRange);
  CHECK(e[0].rule == "zeroOrMagnitude");
  Scenario v1{.walletBalance = s.walletBalance};
  v1.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .quantity = 100'000, .entryPrice = 50'000}};
  const std::vector<InputError> v1Errors = validate(v1);
  REQUIRE(hasError(v1Errors, "walletBalance", ErrorCode::OutOfRange));
  for (const InputError& x : v1Errors)
    if (x.path == "walletBalance") CHECK(x.message == e[0].message);
  CHECK(hasError(portfolioMargin(s).errors, "walletBalance", ErrorCode::OutOfRange));
  std::vector<double> out(1);
  CHECK(hasError(sweepOptionsAccount(s, std::vector<double>{50'000}, out, out), "walletBalance", ErrorCode::OutOfRange));
  // The smallest accepted wallets: 0 and 1e-9.
  s.walletBalance = 0;
  CHECK(evaluateOptions(s, OptionsRequest{.scanPoints = 64}));
  s.walletBalance = 1e-9;
  const OptionsAccountResult r = evaluateOk(s, OptionsRequest{.scanPoints = 64});
  REQUIRE(r.now.marginRatio);
  CHECK(std::isfinite(*r.now.marginRatio));
}

// ---- the liquidation search against the dense scan ----------------------------------------------

namespace {

/// The dense scan the request describes, written here as the reference: gap = equity - MM of `s`
/// (optionsAccountSweep) at every one of the request's log-spaced prices, each sign change between
/// neighbours refined by bisection until the bracket is 1e-13 of the price.
struct DenseScan {
  std::vector<LiquidationCrossing> crossings;
  bool low = false, high = false;
};
DenseScan denseScan(const OptionsScenario& s, const OptionsRequest& rq, double days, double shift) {
  const std::size_t count = rq.scanPoints;
  const double u = s.underlyingPrice, low = u * rq.scanLow;
  const double logStep = std::log(rq.scanHigh / rq.scanLow) / static_cast<double>(count - 1);
  std::vector<double> prices(count), equity(count), maintenance(count);
  for (std::size_t i = 0; i < count; ++i)
    prices[i] = i + 1 == count ? u * rq.scanHigh : low * std::exp(logStep * static_cast<double>(i));
  optionsAccountSweep(s, prices, equity, maintenance, days, shift);
  DenseScan d;
  d.low = equity.front() - maintenance.front() < 0;
  d.high = equity.back() - maintenance.back() < 0;
  for (std::size_t i = 1; i < count; ++i) {
    const bool below = equity[i - 1] - maintenance[i - 1] < 0;
    if (below == (equity[i] - maintenance[i] < 0)) continue;
    double a = prices[i - 1], b = prices[i];
    while (b - a > 1e-13 * a) {
      const double m = 0.5 * (a + b);
      ((gapAt(s, m, days, shift) < 0) == below ? a : b) = m;
    }
    d.crossings.push_back({0.5 * (a + b), below});
  }
  return d;
}

/// The liquidation prices of one view or isolated horizon against the dense scan: the same count, the
/// same sides, each price within 1e-9 relative; and the ends' flags when given.
std::size_t checkAgainstDense(const std::vector<LiquidationCrossing>& got, const DenseScan& want,
                              const std::string& what) {
  INFO(what);
  REQUIRE(got.size() == want.crossings.size());
  for (std::size_t k = 0; k < got.size(); ++k) {
    INFO("crossing " << k << ": " << got[k].price << " vs " << want.crossings[k].price);
    CHECK(got[k].liquidatedBelow == want.crossings[k].liquidatedBelow);
    CHECK_THAT(got[k].price, WithinRel(want.crossings[k].price, 1e-9));
  }
  return got.size();
}

/// Every view and isolated horizon of evaluateOptions(s, rq) against the dense scan; the number of
/// crossings compared.
std::size_t checkAllAgainstDense(const OptionsScenario& s, const OptionsRequest& rq, const std::string& name) {
  const Result<OptionsAccountResult> out = evaluateOptions(s, rq);
  INFO(name << (out.errors.empty() ? "" : ": " + out.errors[0].path + " " + out.errors[0].message));
  REQUIRE(out);
  const OptionsAccountResult& r = *out.value;
  std::size_t compared = 0;
  std::vector<const OptionsAccountView*> views = {&r.now, &r.later};
  for (const OptionsAccountView& v : r.volShifted) views.push_back(&v);
  for (const OptionsAccountView* v : views) {
    const DenseScan d = denseScan(s, rq, v->days, v->volShift);
    compared += checkAgainstDense(v->liquidationPrices, d, name + ", view days " + std::to_string(v->days) + " shift " +
                                                   std::to_string(v->volShift));
    CHECK(v->liquidatedAtScanLow == d.low);
    CHECK(v->liquidatedAtScanHigh == d.high);
  }
  for (std::size_t i = 0; i < s.options.size(); ++i) {
    if (s.options[i].side == Side::Long) continue;
    const IsolatedPosition& iso = r.isolated.options[i];
    OptionsScenario alone = s;
    alone.walletBalance = iso.postedMargin;
    alone.futures.clear();
    alone.options = {s.options[i]};
    compared += checkAgainstDense(iso.now.liquidationPrices, denseScan(alone, rq, 0, 0), name + ", isolated option now");
    compared += checkAgainstDense(iso.later.liquidationPrices, denseScan(alone, rq, rq.days, 0), name + ", isolated option later");
  }
  for (std::size_t i = 0; i < s.futures.size(); ++i) {
    OptionsScenario alone = s;
    alone.walletBalance = r.isolated.futures[i].postedMargin;
    alone.options.clear();
    alone.futures = {s.futures[i]};
    compared += checkAgainstDense(r.isolated.futures[i].now.liquidationPrices, denseScan(alone, rq, 0, 0),
                                  name + ", isolated future");
  }
  return compared;
}

/// The page's default options account (wasm/options.mjs defaultOptionsScenario).
OptionsScenario defaultOptionsAccount() {
  OptionsScenario s{.walletBalance = 1, .underlyingPrice = 60'000, .valuationDate = "2026-03-01"};
  s.futures = {Position{.symbol = "BTC-PERPETUAL", .contract = Contract::Inverse, .contractSize = 10,
                        .quantity = 1000, .entryPrice = 58'000}};
  s.options = {OptionPosition{.symbol = "BTC-27MAR26-60000-C", .type = OptionType::Call, .strike = 60'000,
                              .expiryDate = "2026-03-27T08:00Z", .side = Side::Short, .quantity = 1, .premium = 0.062},
               OptionPosition{.symbol = "BTC-27MAR26-55000-P", .type = OptionType::Put, .strike = 55'000,
                              .expiryDate = "2026-03-27T08:00Z", .side = Side::Short, .quantity = 1, .premium = 0.028}};
  s.volSurface = VolSurface{.expiries = {0.05, 0.25}, .strikes = {50'000, 60'000, 70'000},
                            .vols = {{0.68, 0.56, 0.6}, {0.64, 0.55, 0.58}}};
  return s;
}

/// Options(20) of BM_EvaluateOptions20 (tests/bench/core_bench.cpp).
OptionsScenario benchOptions() {
  OptionsScenario s{.walletBalance = 10, .underlyingPrice = 60'000};
  s.futures = {Position{.contract = Contract::Inverse, .contractSize = 10, .quantity = 1000, .entryPrice = 58'000}};
  for (int i = 0; i < 20; ++i)
    s.options.push_back(OptionPosition{.type = i % 2 == 0 ? OptionType::Call : OptionType::Put,
                                       .strike = 40'000 + 2000.0 * i,
                                       .expiryYears = 0.02 + 0.02 * (i % 5),
                                       .side = i % 3 != 0 ? Side::Short : Side::Long,
                                       .quantity = 0.5 + 0.1 * i,
                                       .premium = 0.01 + 0.002 * i,
                                       .volatility = 0.5 + 0.02 * (i % 7)});
  return s;
}

/// A small deterministic generator (64-bit LCG, Knuth's MMIX constants) for the generated accounts.
struct Draw {
  std::uint64_t state;
  double operator()(double low, double high) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return low + (high - low) * static_cast<double>(state >> 11) * 0x1.0p-53;
  }
};

/// Account k of a family: short straddles, strangles, calendar spreads, and mixed books with a
/// future, coin- or quote-settled, volatility given or from a surface (sticky strike or moneyness).
OptionsScenario generatedAccount(int k) {
  Draw draw{static_cast<std::uint64_t>(k) * 7919 + 17};
  const bool linear = k % 2 == 1;
  const double u = draw(1'000, 80'000);
  OptionsScenario s{.settlement = linear ? Contract::Linear : Contract::Inverse, .underlyingPrice = u,
                    .interestRate = k % 5 == 0 ? draw(-0.05, 0.1) : 0};
  const auto option = [&](OptionType type, Side side, double strike, double years, double quantity) {
    const double vol = draw(0.2, 1.2);
    const double quote = black76Price(type, strike, u, vol * std::sqrt(years));
    const double premium = (linear ? quote : quote / u) * draw(0.7, 1.3);
    OptionPosition o{.type = type, .strike = strike, .expiryYears = years, .side = side, .quantity = quantity,
                     .premium = premium};
    if (k % 3 != 2) o.volatility = vol;
    s.options.push_back(o);
  };
  const double near = draw(1, 40) / 365, far = near + draw(10, 200) / 365;
  switch (k % 4) {
    case 0:  // short straddle
      option(OptionType::Call, Side::Short, u, near, draw(0.5, 3));
      option(OptionType::Put, Side::Short, u, near, draw(0.5, 3));
      break;
    case 1:  // short strangle
      option(OptionType::Call, Side::Short, u * draw(1.02, 1.3), near, draw(0.5, 3));
      option(OptionType::Put, Side::Short, u * draw(0.7, 0.98), near, draw(0.5, 3));
      break;
    case 2:  // calendar spread: short near, long far, same strike
      option(OptionType::Call, Side::Short, u * draw(0.9, 1.1), near, 2);
      option(OptionType::Call, Side::Long, s.options.empty() ? u : s.options[0].strike, far, 2);
      option(OptionType::Put, Side::Short, u * draw(0.8, 1), near, 1);
      break;
    default:  // a book: options on both sides, a future
      for (int j = 0; j < 6; ++j)
        option(j % 2 ? OptionType::Put : OptionType::Call, j % 3 ? Side::Short : Side::Long, u * draw(0.6, 1.4),
               j % 2 ? near : far, draw(0.2, 2));
      s.futures = {Position{.contract = s.settlement, .contractSize = linear ? 0.01 : 10,
                            .side = k % 8 == 3 ? Side::Long : Side::Short, .quantity = draw(10, 400),
                            .entryPrice = u * draw(0.9, 1.1)}};
      break;
  }
  double margin = 0;
  for (const OptionPosition& o : s.options) margin += o.quantity * (o.side == Side::Short ? 0.2 : 0);
  s.walletBalance = margin * draw(0.6, 3) * (linear ? u : 1);
  if (k % 3 == 2) {
    s.volSurface = VolSurface{.expiries = {near / 2, far * 2},
                              .strikes = {u * 0.5, u * 0.9, u, u * 1.1, u * 1.6},
                              .vols = {{1.2, 0.8, 0.6, 0.75, 1.1}, {0.9, 0.7, 0.55, 0.6, 0.8}}};
    s.volDynamics = k % 2 ? VolDynamics::StickyMoneyness : VolDynamics::StickyStrike;
  }
  return s;
}

/// Account k of a family where the volatility follows the price steeply (sticky moneyness on a
/// surface of 40 to 400 %): a short option's mark need not move with P alone, so the search leans on
/// the surface's slope bound. Wallets near the short options' margin put crossings near U.
OptionsScenario smileAccount(int k) {
  Draw draw{static_cast<std::uint64_t>(k) * 104729 + 3};
  const bool linear = k % 2 == 1;
  const double u = draw(100, 90'000);
  OptionsScenario s{.settlement = linear ? Contract::Linear : Contract::Inverse, .underlyingPrice = u};
  const double years = draw(2, 60) / 365;
  s.volSurface = VolSurface{.expiries = {years},
                            .strikes = {u * 0.7, u * draw(0.85, 0.95), u, u * draw(1.05, 1.2), u * 1.5},
                            .vols = {{4, draw(0.6, 2), 0.4, draw(0.6, 2), 4}}};
  s.volDynamics = VolDynamics::StickyMoneyness;
  const int legs = 1 + k % 3;
  for (int j = 0; j < legs; ++j)
    s.options.push_back(OptionPosition{.type = (k + j) % 2 ? OptionType::Put : OptionType::Call,
                                       .strike = u * draw(0.8, 1.25), .expiryYears = years,
                                       .side = j == 2 ? Side::Long : Side::Short, .quantity = draw(0.5, 2),
                                       .premium = draw(0, 0.05) * (linear ? u : 1)});
  s.walletBalance = draw(0.05, 0.6) * (linear ? u : 1);
  return s;
}

}  // namespace

TEST_CASE("Liquidation search: the dense scan's prices on the default and the 20-option accounts",
          "[options][liquidation][dense]") {
  // The reference scans all 4001 prices; the search may evaluate far fewer but must find every
  // sign change the scan finds, each to 1e-9 relative (it refines the same brackets with Brent).
  OptionsRequest week;
  week.days = 7;
  CHECK(checkAllAgainstDense(defaultOptionsAccount(), week, "default options account, 7 days") >= 8);
  CHECK(checkAllAgainstDense(benchOptions(), {}, "20 options and a perpetual") >= 20);
  OptionsRequest later;
  later.days = 20;  // past a third of the options' expiries
  later.volShifts = {-0.3, 0.25};
  CHECK(checkAllAgainstDense(benchOptions(), later, "20 options, 20 days later") >= 20);
}

TEST_CASE("Liquidation search: the dense scan's prices on generated accounts", "[options][liquidation][dense]") {
  // Short straddles, strangles, calendar spreads and books with a future; coin- and quote-settled;
  // volatility given or from a surface, sticky strike and sticky moneyness; horizons now, 5 days and
  // past the near expiry; coarse and fine grids.
  std::size_t compared = 0;
  for (int k = 0; k < 48; ++k) {
    OptionsRequest rq;
    rq.days = k % 3 == 0 ? 5 : k % 3 == 1 ? 45 : 0;
    rq.volShifts = {-0.15, 0.2};
    if (k % 7 == 0) rq.scanPoints = 300;
    if (k % 11 == 0) rq.scanLow = 0.2, rq.scanHigh = 5, rq.scanPoints = 20'000;
    compared += checkAllAgainstDense(generatedAccount(k), rq, "generated account " + std::to_string(k));
  }
  CHECK(compared >= 200);
}

TEST_CASE("Liquidation search: the dense scan's prices where the volatility follows the price steeply",
          "[options][liquidation][dense]") {
  std::size_t compared = 0;
  for (int k = 0; k < 60; ++k) {
    OptionsRequest rq;
    rq.days = k % 4 == 0 ? 1 : 0;
    rq.volShifts = {-0.2, 0.3};
    compared += checkAllAgainstDense(smileAccount(k), rq, "smile account " + std::to_string(k));
  }
  CHECK(compared >= 100);
}

TEST_CASE("Options explain: steps on request only, no number changes, codes on every step",
          "[options][explain]") {
  const OptionsScenario s = defaultOptionsAccount();
  OptionsRequest rq;
  rq.days = 7;
  Result<OptionsAccountResult> out = evaluateOptions(s, rq);
  REQUIRE(out);
  CHECK(noSteps(*out.value));
  const std::vector<double> before = numbersOf(*out.value);
  explain(s, rq, *out.value);
  CHECK(sameNumbers(numbersOf(*out.value), before));
  const OptionsAccountResult& r = *out.value;
  REQUIRE(r.now.steps.size() == 10);  // 5 numbers, the scan, 2 prices, the ends, max loss (as 0.1.0)
  CHECK(r.now.steps[5].label.find("on 4001 log-spaced prices") != std::string::npos);
  CHECK(r.now.steps[6].value == r.now.liquidationPrices[0].price);
  for (const std::vector<Step>* steps : {&r.steps, &r.now.steps, &r.options[0].steps, &r.futures[0].steps,
                                         &r.isolated.options[1].steps, &r.isolated.futures[0].steps})
    for (const Step& step : *steps) CHECK(!step.code.empty());
  // Explaining twice gives the same steps (explain replaces them).
  OptionsAccountResult again = r;
  explain(s, rq, again);
  CHECK(again.now.steps.size() == r.now.steps.size());
  // Portfolio margin alike.
  Result<PortfolioMarginResult> grid = portfolioMargin(s);
  REQUIRE(grid);
  CHECK(grid.value->steps.empty());
  const PortfolioMarginResult numbers = *grid.value;
  explain(s, PortfolioMarginRequest{}, *grid.value);
  CHECK(grid.value->steps.size() == 6);
  CHECK(grid.value->pnl == numbers.pnl);
  CHECK(grid.value->requirement == numbers.requirement);
  CHECK(grid.value->worstPnl == numbers.worstPnl);
}

TEST_CASE("Options validation: every rule it names is a row of the one message table", "[options][errors]") {
  for (const char* rule :
       {"optionsVersion", "optionsSizeRateNeeded", "optionsDateFormat", "optionsValuationDateNeeded",
        "optionsTooManyPositions", "optionsTooManyValues", "optionsBetweenBecause", "optionsFutureContract",
        "optionsFutureMarkPrice", "optionsFutureMarginMode", "optionsFutureIsolatedMargin", "optionsVolatilityNeeded",
        "optionsExpiryBoth", "optionsExpiryNeeded", "optionsExpiryYearsPositive", "optionsExpiryDatePast",
        "optionsExpiryDateTooFar", "optionsScanLow", "optionsScanHigh", "optionsScanRatio", "optionsPriceMoveToZero",
        "optionsSweepLength", "blackExpiredYears", "blackDiscountPositive", "blackDiscountRange",
        "blackRateTimesYears", "blackPriceTooLow", "blackPriceTooHigh", "surfaceUnsorted", "surfaceRows",
        "surfaceRowWidth"})
    CHECK((messageFor(rule) != nullptr && messageFor(rule)->rule == rule));
  // Today's messages, kept: a few by their text.
  OptionsScenario s = shortStraddle();
  s.version = 3;
  s.options[0].expiryYears = 0;
  OptionsRequest rq;
  rq.volShifts = {12};
  const auto e = validate(s, rq);
  REQUIRE(e.size() == 3);
  CHECK(e[0].message == "version (3) must be 2 for an options scenario");
  CHECK(e[1].message == "options[0].expiryYears (0) must be > 0: the option must expire after the valuation date");
  CHECK(e[2].message ==
        "request.volShifts[0] (12) must be between -10 and 10: a shift is in volatility (0.1 = 10 vol points)");
  rq.volShifts = {};
  rq.scanLow = 1e-10;
  const auto ratio = validateOptionsRequest(rq);
  REQUIRE(ratio.size() == 1);
  CHECK(ratio[0].message == "request.scanHigh / request.scanLow (1e+13) must be <= 1e+12");
  CHECK(ratio[0].code == ErrorCode::OutOfRange);
  CHECK(ratio[0].rule == "optionsScanRatio");
}
