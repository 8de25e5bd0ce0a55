// SPDX-License-Identifier: MIT
// stress.h: price-shock grids, cascading liquidations of a cross account, and funding, each
// against a hand calculation written beside it; input errors by path and code.
#include <limits>

#include "marginlab/stress.h"
#include "support.h"

using namespace mltest;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

template <class T>
T ok(const Result<T>& r) {  // a copy: callers pass temporaries
  INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r.errors.empty());
  REQUIRE(r.value);
  return *r.value;
}

bool finiteSteps(const std::vector<Step>& steps) {
  return std::all_of(steps.begin(), steps.end(), [](const Step& s) { return !s.value || std::isfinite(*s.value); });
}

/// Simple profile (flat 0.5% for any symbol), wallet 10,000:
///   BTCUSDT long 1 @ 10,000, 10x: isolated margin 1,000;
///   ETHUSDT short 10 @ 1,000, 10x: isolated margin 1,000.
Scenario twoSymbols() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10},
                 Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 10, .entryPrice = 1'000, .leverage = 10}};
  return s;
}

/// Simple profile, one long 1 BTCUSDT @ 10,000, 10x, on `wallet`, taker fee 0.1%.
Scenario oneLong(double wallet) {
  Scenario s{.rules = Rules::Simple, .walletBalance = wallet, .takerFeeRate = 0.001};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10}};
  return s;
}

using Marks = std::map<std::string, double, std::less<>>;

CascadeRequest path(const std::string& symbol, const std::vector<double>& prices) {
  CascadeRequest r;
  for (double p : prices) r.marks.push_back(Marks{{symbol, p}});
  return r;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Shock grid
// ---------------------------------------------------------------------------------------------

TEST_CASE("stress grid, one factor with a beta: equity, ratio and liquidations by hand", "[stress]") {
  // Marks move by P (1 + beta shock); ETH beta 2, BTC 1. Isolated LPs (simple, 0.5%):
  //   BTC long:  (1000 - 10000) / (0.005 - 1) = 9,045.226...;  ETH short: (1000 + 10000) / 10.05 = 1,094.527...
  // Shock -20%: BTC 8,000, ETH 600.
  //   Isolated: BTC pool max(0, 1000 - 2000) = 0 (liquidated), ETH pool 1000 + 4000 = 5000, the rest of the
  //   wallet 10000 - 2000 = 8000: equity 13,000. MM = 8000 x 0.005 + 6000 x 0.005 = 70.
  //   Cross: 10000 - 2000 + 4000 = 12,000; ratio 70 / 12000; nothing liquidated (ETH cross LP with BTC at
  //   8,000: (10000 - 40 - 2000 + 10000) / 10.05 = 1,787.06 > 600; BTC's E0 covers any price).
  // Shock +20%: BTC 12,000, ETH 1,400.
  //   Isolated: BTC pool 3000, ETH pool max(0, 1000 - 4000) = 0 (liquidated): equity 3000 + 8000 = 11,000,
  //   MM = 60 + 70 = 130. Cross: 10000 + 2000 - 4000 = 8,000, ratio 130 / 8000; ETH cross LP
  //   (10000 - 60 + 2000 + 10000) / 10.05 = 2,183.08 > 1,400: not liquidated.
  // Shock 0: both 10,000. Tolerance 1e-12 relative.
  StressRequest req{.shocks = {-0.2, 0, 0.2}};
  req.betas = {{"ETHUSDT", 2}};
  const StressResult& g = ok(stressGrid(twoSymbols(), req));
  REQUIRE(g.cells.size() == 3);
  const StressCell& down = g.cells[0];
  CHECK(down.symbol.empty());
  CHECK(down.shock == -0.2);
  CHECK_THAT(down.isolatedEquity, WithinRel(13'000.0, 1e-12));
  CHECK_THAT(down.crossEquity, WithinRel(12'000.0, 1e-12));
  REQUIRE(down.isolatedMarginRatio);
  REQUIRE(down.crossMarginRatio);
  CHECK_THAT(*down.isolatedMarginRatio, WithinRel(70.0 / 13'000, 1e-12));
  CHECK_THAT(*down.crossMarginRatio, WithinRel(70.0 / 12'000, 1e-12));
  CHECK(down.isolatedLiquidated == std::vector<bool>{true, false});
  CHECK(down.crossLiquidated == std::vector<bool>{false, false});

  CHECK_THAT(g.cells[1].isolatedEquity, WithinRel(10'000.0, 1e-12));
  CHECK_THAT(g.cells[1].crossEquity, WithinRel(10'000.0, 1e-12));
  CHECK(g.cells[1].isolatedLiquidated == std::vector<bool>{false, false});

  const StressCell& up = g.cells[2];
  CHECK_THAT(up.isolatedEquity, WithinRel(11'000.0, 1e-12));
  CHECK_THAT(up.crossEquity, WithinRel(8'000.0, 1e-12));
  CHECK_THAT(*up.crossMarginRatio, WithinRel(130.0 / 8'000, 1e-12));
  CHECK(up.isolatedLiquidated == std::vector<bool>{false, true});
  CHECK(up.crossLiquidated == std::vector<bool>{false, false});
  CHECK(finiteSteps(g.steps));
  CHECK_FALSE(g.steps.empty());
}

TEST_CASE("stress grid, each symbol on its own: blocks per symbol, then per shock", "[stress]") {
  // Symbols in order of appearance: BTC then ETH; shocks -50%, +50%; the other symbol stays still.
  //   BTC -50% (5,000): cross 10000 - 5000 = 5,000; isolated max(0, 1000 - 5000) + 1000 + 8000 = 9,000,
  //                     BTC isolated liquidated (LP 9,045.23), cross not (E0 = 10000 - 50 = 9950 > loss).
  //   BTC +50%: cross 15,000.  ETH -50% (500): short gains 5,000: cross 15,000.
  //   ETH +50% (1,500): cross 5,000; ETH isolated liquidated (LP 1,094.53); cross LP
  //                     (10000 - 50 + 10000) / 10.05 = 1,985.07 > 1,500: not.
  // Tolerance 1e-12 relative.
  const StressResult& g = ok(stressGrid(twoSymbols(), StressRequest{.shocks = {-0.5, 0.5}, .model = ShockModel::EachSymbol}));
  REQUIRE(g.cells.size() == 4);
  CHECK(g.cells[0].symbol == "BTCUSDT");
  CHECK(g.cells[1].symbol == "BTCUSDT");
  CHECK(g.cells[2].symbol == "ETHUSDT");
  CHECK(g.cells[3].symbol == "ETHUSDT");
  CHECK(g.cells[0].shock == -0.5);
  CHECK(g.cells[3].shock == 0.5);
  CHECK_THAT(g.cells[0].crossEquity, WithinRel(5'000.0, 1e-12));
  CHECK_THAT(g.cells[0].isolatedEquity, WithinRel(9'000.0, 1e-12));
  CHECK(g.cells[0].isolatedLiquidated == std::vector<bool>{true, false});
  CHECK(g.cells[0].crossLiquidated == std::vector<bool>{false, false});
  CHECK_THAT(g.cells[1].crossEquity, WithinRel(15'000.0, 1e-12));
  CHECK_THAT(g.cells[2].crossEquity, WithinRel(15'000.0, 1e-12));
  CHECK_THAT(g.cells[3].crossEquity, WithinRel(5'000.0, 1e-12));
  CHECK(g.cells[3].isolatedLiquidated == std::vector<bool>{false, true});
  CHECK(g.cells[3].crossLiquidated == std::vector<bool>{false, false});
}

TEST_CASE("stress grid: a cross account past its liquidation price, and zero equity has no ratio", "[stress]") {
  // Wallet 1,000 = the isolated margin. Cross LP = (1000 - 10000) / (0.005 - 1) = 9,045.23.
  // Shock -10% -> 9,000: cross equity 1000 - 1000 = 0 (no ratio), liquidated; isolated the same pool: 0.
  // Shock -5% -> 9,500: equity 500, ratio 47.5 / 500, not liquidated. Tolerance 1e-12 relative.
  const StressResult& g = ok(stressGrid(oneLong(1'000), StressRequest{.shocks = {-0.1, -0.05}}));
  REQUIRE(g.cells.size() == 2);
  CHECK_THAT(g.cells[0].crossEquity, WithinAbs(0.0, 1e-9));
  CHECK_FALSE(g.cells[0].crossMarginRatio);
  CHECK_FALSE(g.cells[0].isolatedMarginRatio);
  CHECK(g.cells[0].crossLiquidated == std::vector<bool>{true});
  CHECK(g.cells[0].isolatedLiquidated == std::vector<bool>{true});
  CHECK_THAT(g.cells[1].crossEquity, WithinRel(500.0, 1e-12));
  CHECK_THAT(*g.cells[1].crossMarginRatio, WithinRel(47.5 / 500, 1e-12));
  CHECK(g.cells[1].crossLiquidated == std::vector<bool>{false});
}

TEST_CASE("stress grid: input errors by path", "[stress]") {
  const Scenario s = twoSymbols();
  SECTION("no shocks") {
    const auto r = stressGrid(s, {});
    CHECK(hasError(r.errors, "request.shocks", ErrorCode::Empty));
    CHECK_FALSE(r.value);
  }
  SECTION("bad shocks, each at its index") {
    const auto r = stressGrid(s, StressRequest{.shocks = {0.1, kNaN, -1, kInf}});
    CHECK(hasError(r.errors, "request.shocks[1]", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.shocks[2]", ErrorCode::OutOfRange));
    CHECK(hasError(r.errors, "request.shocks[3]", ErrorCode::NotFinite));
    CHECK(r.errors.size() == 3);
  }
  SECTION("too many shocks") {
    const auto r = stressGrid(s, StressRequest{.shocks = std::vector<double>(1'001, 0.1)});
    CHECK(hasError(r.errors, "request.shocks", ErrorCode::TooMany));
  }
  SECTION("betas: unknown symbol, not finite, each-symbol model") {
    StressRequest req{.shocks = {0.1}};
    req.betas = {{"XRPUSDT", 1}, {"BTCUSDT", kNaN}};
    const auto r = stressGrid(s, req);
    CHECK(hasError(r.errors, "request.betas.XRPUSDT", ErrorCode::UnknownValue));
    CHECK(hasError(r.errors, "request.betas.BTCUSDT", ErrorCode::NotFinite));
    req.model = ShockModel::EachSymbol;
    CHECK(hasError(stressGrid(s, req).errors, "request.betas", ErrorCode::Unsupported));
  }
  SECTION("a beta that moves a mark to zero or below is an error at the shock") {
    // ETH beta 3, shock -50%: 1000 x (1 - 1.5) = -500.
    StressRequest req{.shocks = {0.2, -0.5}};
    req.betas = {{"ETHUSDT", 3}};
    const auto r = stressGrid(s, req);
    REQUIRE(r.errors.size() == 1);
    CHECK(hasError(r.errors, "request.shocks[1]", ErrorCode::OutOfRange));
    CHECK_THAT(r.errors[0].message, Catch::Matchers::Contains("ETHUSDT"));
  }
  SECTION("scenario errors come with the request's") {
    Scenario bad = s;
    bad.walletBalance = kNaN;
    const auto r = stressGrid(bad, StressRequest{.shocks = {kNaN}});
    CHECK(hasError(r.errors, "walletBalance", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.shocks[0]", ErrorCode::NotFinite));
  }
}

// ---------------------------------------------------------------------------------------------
// Cascade
// ---------------------------------------------------------------------------------------------

TEST_CASE("cascade, whole account: a long walked down through its liquidation price", "[cascade]") {
  // Simple profile (whole account), wallet 1,000, long 1 @ 10,000, fee 0.1%.
  // Cross LP: 1000 + (P - 10000) = 0.005 P -> P = 9000 / 0.995 = 9,045.23.
  // Path 10,000 / 9,500 / 9,100 / 9,040 / 8,800:
  //   9,100: equity 100 > MM 45.5: safe.
  //   9,040: equity 40 <= MM 45.2: closed at 9,040; realised -960 -> W = 40;
  //          fee = min(0.001 x 9040 = 9.04, 40) = 9.04 -> equity 30.96.
  //   8,800: nothing left to liquidate; equity stays 30.96.
  // Tolerance 1e-9 absolute (sums of a few thousands).
  const CascadeResult& c = ok(cascade(oneLong(1'000), path("BTCUSDT", {10'000, 9'500, 9'100, 9'040, 8'800})));
  REQUIRE(c.events.size() == 1);
  const CascadeEvent& e = c.events[0];
  CHECK(e.step == 3);
  CHECK(e.position == 0);
  CHECK(e.symbol == "BTCUSDT");
  CHECK(e.price == 9'040);
  CHECK_THAT(e.closedQuantity, WithinRel(1.0, 1e-12));
  CHECK_THAT(e.fee, WithinAbs(9.04, 1e-9));
  CHECK_THAT(e.equityAfter, WithinAbs(30.96, 1e-9));
  CHECK_FALSE(e.pastBankruptcy);
  CHECK_THAT(e.description, Catch::Matchers::Contains("whole account"));
  REQUIRE(c.equity.size() == 5);
  CHECK_THAT(c.equity[0], WithinAbs(1'000.0, 1e-9));
  CHECK_THAT(c.equity[1], WithinAbs(500.0, 1e-9));
  CHECK_THAT(c.equity[2], WithinAbs(100.0, 1e-9));
  CHECK_THAT(c.equity[3], WithinAbs(30.96, 1e-9));
  CHECK_THAT(c.equity[4], WithinAbs(30.96, 1e-9));
  CHECK_THAT(c.finalEquity, WithinAbs(30.96, 1e-9));
  CHECK(c.insuranceFundLoss == 0);
  CHECK(finiteSteps(c.steps));
}

namespace {

/// Binance profile, two tiers: up to 50,000 at 1% (cum 0), above at 5% with
/// cum = 50,000 x (5% - 1%) = 2,000. Long 10 BTCUSDT @ 10,000 (notional 100,000, tier 2), 10x,
/// wallet 12,000. Binance's default taker fee is 0; the request gives 0.2%.
Scenario twoTiers() {
  Scenario s{.rules = Rules::Binance, .walletBalance = 12'000};
  s.tiers = {{"BTCUSDT", {Tier{.notionalCap = 50'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
                          Tier{.notionalCap = 1'000'000, .maxLeverage = 20, .maintenanceMarginRate = 0.05}}}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 10, .entryPrice = 10'000, .leverage = 10}};
  return s;
}

}  // namespace

TEST_CASE("cascade, tier by tier: a two-tier position reduced to the lower tier, then closed", "[cascade]") {
  // Equity(P) = 12000 + 10 (P - 10000); MM tier 2 = 10 P x 5% - 2000.
  //   9,200: equity 4,000 > MM 2,600: safe.
  //   9,000: equity 2,000 <= MM 2,500. Binance reduces to the tier-1 cap: 50,000 / 9,000 = 50/9
  //          contracts remain, 10 - 50/9 = 40/9 closed (notional 40,000). Realised 40/9 x (-1000);
  //          fee 0.2% x 40,000 = 80; equity 2000 - 80 = 1,920 > MM tier 1 = 50,000 x 1% = 500: stop.
  //   8,700: W = 12000 - 40000/9 - 80 = 68000/9 - 80; uPnL = 50/9 x (-1300) = -65000/9;
  //          equity = 3000/9 - 80 = 253.33 <= MM = 50/9 x 8700 x 1% = 483.33: tier 1, closed whole;
  //          fee = min(0.2% x 50/9 x 8700 = 870/9, 253.33) = 96.67; final = 2130/9 - 80 = 156.67.
  // Tolerance 1e-9 relative.
  CascadeRequest req = path("BTCUSDT", {10'000, 9'200, 9'000, 8'700});
  req.liquidationFeeRate = 0.002;
  const CascadeResult& c = ok(cascade(twoTiers(), req));
  REQUIRE(c.events.size() == 2);
  CHECK(c.events[0].step == 2);
  CHECK_THAT(c.events[0].closedQuantity, WithinRel(40.0 / 9, 1e-9));
  CHECK_THAT(c.events[0].fee, WithinRel(80.0, 1e-9));
  CHECK_THAT(c.events[0].equityAfter, WithinRel(1'920.0, 1e-9));
  CHECK_THAT(c.events[0].description, Catch::Matchers::Contains("reduced"));
  CHECK(c.events[1].step == 3);
  CHECK_THAT(c.events[1].closedQuantity, WithinRel(50.0 / 9, 1e-9));
  CHECK_THAT(c.events[1].fee, WithinRel(870.0 / 9, 1e-9));
  CHECK_THAT(c.events[1].equityAfter, WithinRel(2'130.0 / 9 - 80, 1e-9));
  CHECK_FALSE(c.events[1].pastBankruptcy);
  REQUIRE(c.equity.size() == 4);
  CHECK_THAT(c.equity[1], WithinRel(4'000.0, 1e-9));
  CHECK_THAT(c.equity[2], WithinRel(1'920.0, 1e-9));
  CHECK_THAT(c.finalEquity, WithinRel(2'130.0 / 9 - 80, 1e-9));
  CHECK(c.insuranceFundLoss == 0);

  // The same path liquidated whole: at 9,000 everything closes, fee 0.2% x 90,000 = 180,
  // final 2,000 - 180 = 1,820.
  req.style = CascadeLiquidation::WholeAccount;
  const CascadeResult& whole = ok(cascade(twoTiers(), req));
  REQUIRE(whole.events.size() == 1);
  CHECK_THAT(whole.events[0].fee, WithinRel(180.0, 1e-9));
  CHECK_THAT(whole.finalEquity, WithinRel(1'820.0, 1e-9));
}

TEST_CASE("cascade: a gap past bankruptcy is the insurance fund's loss", "[cascade]") {
  // Simple, wallet 1,000, long 1 @ 10,000: bankruptcy at 9,000. The path gaps 9,600 -> 8,500:
  // equity 1000 - 1500 = -500 <= MM; closed at 8,500, realised -1,500 -> W = -500; fee
  // min(8.5, max(0, -500)) = 0; the insurance fund takes 500; final equity 0. Tolerance 1e-9 abs.
  const CascadeResult& c = ok(cascade(oneLong(1'000), path("BTCUSDT", {9'600, 8'500, 8'000})));
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].step == 1);
  CHECK(c.events[0].pastBankruptcy);
  CHECK(c.events[0].fee == 0);
  CHECK(c.events[0].equityAfter == 0);
  CHECK_THAT(c.insuranceFundLoss, WithinAbs(500.0, 1e-9));
  CHECK(c.finalEquity == 0);
  CHECK(c.equity == std::vector<double>{600.0, 0.0, 0.0});
  CHECK_THAT(c.events[0].description, Catch::Matchers::Contains("insurance fund"));

  // Tier by tier, a gap past bankruptcy is a takeover of the whole position: the two-tier long at
  // 8,500 has equity 12000 - 15000 = -3,000, so all 10 contracts close and the fund takes 3,000.
  CascadeRequest req = path("BTCUSDT", {8'500});
  req.liquidationFeeRate = 0.002;
  const CascadeResult& t = ok(cascade(twoTiers(), req));
  REQUIRE(t.events.size() == 1);
  CHECK_THAT(t.events[0].closedQuantity, WithinRel(10.0, 1e-12));
  CHECK(t.events[0].pastBankruptcy);
  CHECK_THAT(t.insuranceFundLoss, WithinRel(3'000.0, 1e-12));
  CHECK(t.finalEquity == 0);
}

TEST_CASE("cascade: one losing symbol drags another into liquidation", "[cascade]") {
  // Simple, wallet 2,000, fee 0.1%: long 1 BTC @ 10,000 and long 10 ETH @ 1,000 (ETH never moves).
  // Equity = 2000 + (P_BTC - 10000); MM = 0.005 P_BTC + 10 x 1000 x 0.005 = 0.005 P + 50.
  //   9,000: equity 1,000 > MM 95.  8,080: equity 80 <= MM 40.4 + 50 = 90.4.
  // Whole account (the simple profile): BTC closed (fee min(8.08, 80) = 8.08, equity 71.92), then ETH,
  //   untouched by the move, closed too (fee min(10, 71.92) = 10): final 61.92.
  // Tier by tier: the largest MM is ETH's (50 > 40.4): ETH is closed first (fee 10, equity 70), and
  //   70 > BTC's MM 40.4, so the losing BTC survives: final equity 70 at 8,080.
  // Tolerance 1e-9 absolute.
  Scenario s{.rules = Rules::Simple, .walletBalance = 2'000, .takerFeeRate = 0.001};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 10'000, .leverage = 10},
                 Position{.symbol = "ETHUSDT", .quantity = 10, .entryPrice = 1'000, .leverage = 10}};
  CascadeRequest req;
  req.marks = {Marks{{"BTCUSDT", 9'000}, {"ETHUSDT", 1'000}}, Marks{{"BTCUSDT", 8'080}, {"ETHUSDT", 1'000}}};
  const CascadeResult& whole = ok(cascade(s, req));
  REQUIRE(whole.events.size() == 2);
  CHECK(whole.events[0].symbol == "BTCUSDT");
  CHECK_THAT(whole.events[0].fee, WithinAbs(8.08, 1e-9));
  CHECK_THAT(whole.events[0].equityAfter, WithinAbs(71.92, 1e-9));
  CHECK(whole.events[1].symbol == "ETHUSDT");
  CHECK(whole.events[1].position == 1);
  CHECK_THAT(whole.events[1].fee, WithinAbs(10.0, 1e-9));
  CHECK_THAT(whole.finalEquity, WithinAbs(61.92, 1e-9));

  req.style = CascadeLiquidation::TierByTier;
  const CascadeResult& tiered = ok(cascade(s, req));
  REQUIRE(tiered.events.size() == 1);
  CHECK(tiered.events[0].symbol == "ETHUSDT");
  CHECK_THAT(tiered.events[0].closedQuantity, WithinRel(10.0, 1e-12));
  CHECK_THAT(tiered.events[0].equityAfter, WithinAbs(70.0, 1e-9));
  CHECK_THAT(tiered.finalEquity, WithinAbs(70.0, 1e-9));
}

TEST_CASE("cascade: default styles and fee come from the profile", "[cascade]") {
  // Bybit classic (tier by tier, default taker 0.055%), long 1 @ 20,000, 50x, flat 0.5%, wallet 400:
  // MM on the entry value = 100; equity 400 + (P - 20000) <= 100 at P <= 19,700. At 19,650: equity 50,
  // tier 1 so closed whole; fee min(0.00055 x 19650 = 10.8075, 50) -> final 39.1925. Tolerance 1e-9 rel.
  Scenario s{.rules = Rules::Bybit, .walletBalance = 400};
  s.tiers = {{"BTCUSDT", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 20'000, .leverage = 50}};
  const CascadeResult& c = ok(cascade(s, path("BTCUSDT", {19'710, 19'650})));
  REQUIRE(c.events.size() == 1);
  CHECK(c.events[0].step == 1);
  CHECK_THAT(c.events[0].fee, WithinRel(0.00055 * 19'650, 1e-9));
  CHECK_THAT(c.finalEquity, WithinRel(50 - 0.00055 * 19'650, 1e-9));
  bool tierStyle = false;
  for (const Step& st : c.steps) tierStyle |= st.field == "style" && st.label.find("Tier by tier") != std::string::npos;
  CHECK(tierStyle);
}

TEST_CASE("cascade: input errors by path", "[cascade]") {
  const Scenario s = twoSymbols();
  SECTION("no steps, too many steps") {
    CHECK(hasError(cascade(s, {}).errors, "request.marks", ErrorCode::Empty));
    CascadeRequest many;
    many.marks.assign(10'001, Marks{{"BTCUSDT", 1}, {"ETHUSDT", 1}});
    CHECK(hasError(cascade(s, many).errors, "request.marks", ErrorCode::TooMany));
  }
  SECTION("missing, unknown and bad marks, each at its path") {
    CascadeRequest req;
    req.marks = {Marks{{"BTCUSDT", 10'000}, {"ETHUSDT", 1'000}},
                 Marks{{"BTCUSDT", 9'000}},
                 Marks{{"BTCUSDT", kNaN}, {"ETHUSDT", -1}, {"SOLUSDT", 10}},
                 Marks{{"BTCUSDT", 1e300}, {"ETHUSDT", 0}}};
    const auto r = cascade(s, req);
    CHECK_FALSE(r.value);
    CHECK(hasError(r.errors, "request.marks[1].ETHUSDT", ErrorCode::Missing));
    CHECK(hasError(r.errors, "request.marks[2].BTCUSDT", ErrorCode::NotFinite));
    CHECK(hasError(r.errors, "request.marks[2].ETHUSDT", ErrorCode::NotPositive));
    CHECK(hasError(r.errors, "request.marks[2].SOLUSDT", ErrorCode::UnknownValue));
    CHECK(hasError(r.errors, "request.marks[3].BTCUSDT", ErrorCode::OutOfRange));
    CHECK(hasError(r.errors, "request.marks[3].ETHUSDT", ErrorCode::NotPositive));
    CHECK(r.errors.size() == 6);
  }
  SECTION("the list of mark errors is bounded") {
    CascadeRequest req;
    req.marks.assign(10'000, Marks{});
    const auto r = cascade(s, req);
    CHECK(r.errors.size() <= 110);
    CHECK(hasError(r.errors, "request.marks[0].BTCUSDT", ErrorCode::Missing));
    CHECK(hasError(r.errors, "request.marks", ErrorCode::OutOfRange));
  }
  SECTION("liquidation fee rate") {
    CascadeRequest req = path("BTCUSDT", {1});
    req.marks[0]["ETHUSDT"] = 1;
    req.liquidationFeeRate = kNaN;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::NotFinite));
    req.liquidationFeeRate = -0.01;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::OutOfRange));
    req.liquidationFeeRate = 0.1;
    CHECK(hasError(cascade(s, req).errors, "request.liquidationFeeRate", ErrorCode::OutOfRange));
  }
}

TEST_CASE("cascade: extreme paths stay finite", "[cascade]") {
  // Property: any valid path gives finite numbers, equity >= 0 after every step, and an insurance
  // fund loss >= 0; prices at both ends of the accepted range.
  for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::Okx, Rules::Bitmex, Rules::Simple}) {
    Scenario s = twoTiers();
    s.rules = rules;
    if (rules == Rules::Okx || rules == Rules::Bitmex)
      for (Tier& t : s.tiers["BTCUSDT"]) t.maintenanceAmount = 0;
    const CascadeResult& c = ok(cascade(s, path("BTCUSDT", {1e15, 1e-9, 10'000, 1e15, 9'000})));
    INFO("rules " << toString(rules));
    for (double e : c.equity) {
      CHECK(std::isfinite(e));
      CHECK(e >= 0);
    }
    CHECK(std::isfinite(c.insuranceFundLoss));
    CHECK(c.insuranceFundLoss >= 0);
    CHECK(finiteSteps(c.steps));
  }
}

// ---------------------------------------------------------------------------------------------
// Funding
// ---------------------------------------------------------------------------------------------

namespace {

Scenario bybitLong(Side side, double wallet) {
  Scenario s{.rules = Rules::Bybit, .walletBalance = wallet};
  s.tiers = {{"BTCUSDT", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSDT", .side = side, .quantity = 1, .entryPrice = 20'000, .leverage = 50}};
  return s;
}

}  // namespace

TEST_CASE("funding, BY-3: 200 USDT taken from position margin moves the LP to 19,900", "[funding][bybit]") {
  // Source: Bybit help "Liquidation Price (USDT Contract)", VENUES.md BY-1/BY-3 [PUB].
  // Long 1 BTC @ 20,000, 50x, MMR 0.5%: IM 400, MM 100, LP 19,700. Rate 1%, 1 interval, notional
  // 1 x 20,000: payment s x rate x N = 200 -> M' = 200, LP = 20,000 - (200 - 100) = 19,900.
  // Cross, wallet 1,000 -> 800: 800 + (P - 20000) = 100 -> LP 19,300 (before: 19,100).
  // Tolerance: abs 0.005 on the published price, 1e-12 relative on the hand expressions.
  const FundingResult& f = ok(fundingImpact(bybitLong(Side::Long, 1'000), 0, 0.01, 1));
  CHECK_THAT(f.paymentPerInterval, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.totalPayment, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.isolatedMarginAfter, WithinRel(200.0, 1e-12));
  CHECK_THAT(f.walletAfter, WithinRel(800.0, 1e-12));
  REQUIRE(f.isolatedLiquidationPrice);
  CHECK_THAT(*f.isolatedLiquidationPrice, WithinAbs(19'900, 0.005));
  REQUIRE(f.isolatedLiquidationPriceBefore);
  CHECK_THAT(*f.isolatedLiquidationPriceBefore, WithinRel(19'700.0, 1e-12));
  REQUIRE(f.crossLiquidationPrice);
  CHECK_THAT(*f.crossLiquidationPrice, WithinRel(19'300.0, 1e-12));
  CHECK_THAT(*f.crossLiquidationPriceBefore, WithinRel(19'100.0, 1e-12));
  CHECK_FALSE(f.isolatedLiquidated);
  CHECK_FALSE(f.crossLiquidated);
  CHECK(finiteSteps(f.steps));
}

TEST_CASE("funding: a short receives at a positive rate, and zero intervals change nothing", "[funding]") {
  // Short 1 @ 20,000, 50x: payment -1 x 0.01 x 20,000 = -200 (received) -> M' = 600,
  // LP = 20,000 + (600 - 100) = 20,500 (before 20,300). Tolerance 1e-12 relative.
  const FundingResult& f = ok(fundingImpact(bybitLong(Side::Short, 1'000), 0, 0.01, 1));
  CHECK_THAT(f.paymentPerInterval, WithinRel(-200.0, 1e-12));
  CHECK_THAT(*f.isolatedLiquidationPrice, WithinRel(20'500.0, 1e-12));
  CHECK_THAT(*f.isolatedLiquidationPriceBefore, WithinRel(20'300.0, 1e-12));

  const FundingResult& z = ok(fundingImpact(bybitLong(Side::Long, 1'000), 0, 0.01, 0));
  CHECK(z.totalPayment == 0);
  CHECK(*z.isolatedLiquidationPrice == *z.isolatedLiquidationPriceBefore);
  CHECK(*z.crossLiquidationPrice == *z.crossLiquidationPriceBefore);
}

TEST_CASE("funding: inverse notional in coin", "[funding][inverse]") {
  // Simple, inverse long 100 contracts x 100 USD = V 10,000 @ 20,000, 10x: margin 0.5 / 10 = 0.05 BTC.
  // Notional at the mark V / P = 0.5 BTC; rate 0.1%, 3 intervals: 0.0005 x 3 = 0.0015 -> M' = 0.0485.
  // LP (simple, MM at the price): M' + V (1/EP - 1/P) = 0.005 V / P -> P = 1.005 V / (M' + V/EP)
  //   = 10050 / 0.5485 = 18,322.69...  Tolerance 1e-12 relative.
  Scenario s{.rules = Rules::Simple, .walletBalance = 1};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100, .quantity = 100,
                          .entryPrice = 20'000, .leverage = 10}};
  const FundingResult& f = ok(fundingImpact(s, 0, 0.001, 3));
  CHECK_THAT(f.paymentPerInterval, WithinRel(0.0005, 1e-12));
  CHECK_THAT(f.totalPayment, WithinRel(0.0015, 1e-12));
  CHECK_THAT(f.isolatedMarginAfter, WithinRel(0.0485, 1e-12));
  REQUIRE(f.isolatedLiquidationPrice);
  CHECK_THAT(*f.isolatedLiquidationPrice, WithinRel(10'050.0 / 0.5485, 1e-12));
}

TEST_CASE("funding: payments that use up the margin or the wallet", "[funding]") {
  // Simple, long 1 @ 10,000, 10x (M = 1,000), rate 5% for 3 intervals: 3 x 500 = 1,500.
  // Isolated M' = -500: LP where -500 + (P - 10000) = 0.005 P -> 10,500 / 0.995 = 10,552.76, above
  //   the mark: liquidated by funding.
  // Cross, wallet 5,000 -> 3,500: LP = (10000 - 3500) / 0.995 = 6,532.66; safe.
  // Cross, wallet 1,000 -> -500: the same line as isolated: 10,552.76, liquidated.
  // Tolerance 1e-12 relative.
  Scenario s = oneLong(5'000);
  const FundingResult& f = ok(fundingImpact(s, 0, 0.05, 3));
  CHECK_THAT(f.isolatedMarginAfter, WithinRel(-500.0, 1e-12));
  REQUIRE(f.isolatedLiquidationPrice);
  CHECK_THAT(*f.isolatedLiquidationPrice, WithinRel(10'500.0 / 0.995, 1e-12));
  CHECK(f.isolatedLiquidated);
  REQUIRE(f.crossLiquidationPrice);
  CHECK_THAT(*f.crossLiquidationPrice, WithinRel(6'500.0 / 0.995, 1e-12));
  CHECK_FALSE(f.crossLiquidated);

  s.walletBalance = 1'000;
  const FundingResult& g = ok(fundingImpact(s, 0, 0.05, 3));
  CHECK_THAT(g.walletAfter, WithinRel(-500.0, 1e-12));
  REQUIRE(g.crossLiquidationPrice);
  CHECK_THAT(*g.crossLiquidationPrice, WithinRel(10'500.0 / 0.995, 1e-12));
  CHECK(g.crossLiquidated);
  CHECK(finiteSteps(g.steps));
}

TEST_CASE("funding: input errors by path", "[funding]") {
  const Scenario s = oneLong(1'000);
  CHECK(hasError(fundingImpact(s, 1, 0.01, 1).errors, "request.position", ErrorCode::OutOfRange));
  CHECK(hasError(fundingImpact(s, 0, kNaN, 1).errors, "request.rate", ErrorCode::NotFinite));
  CHECK(hasError(fundingImpact(s, 0, 1.5, 1).errors, "request.rate", ErrorCode::OutOfRange));
  CHECK(hasError(fundingImpact(s, 0, 0.01, -1).errors, "request.intervals", ErrorCode::Negative));
  CHECK(hasError(fundingImpact(s, 0, 0.01, 2'000'000).errors, "request.intervals", ErrorCode::OutOfRange));
  Scenario bad = s;
  bad.positions[0].leverage = kNaN;
  const auto r = fundingImpact(bad, 3, 0.01, 1);
  CHECK(hasError(r.errors, "positions[0].leverage", ErrorCode::NotFinite));
  CHECK(hasError(r.errors, "request.position", ErrorCode::OutOfRange));
  CHECK_FALSE(r.value);
}
