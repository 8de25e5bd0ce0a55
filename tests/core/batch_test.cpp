// SPDX-License-Identifier: MIT
// The isolated liquidation batch: the same prices as evaluate(), position by position.
#include <limits>
#include <random>

#include "support.h"

using namespace mltest;

TEST_CASE("batch: BN-7 long and short", "[batch][binance]") {
  // VENUES.md BN-7: long 1 BTC @ 67,000, 10x -> 60,250 / 0.995; short -> 73,750 / 1.005.
  BatchRequest r{.rules = Rules::Binance, .tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}};
  const double side[] = {1, -1}, qty[] = {1, 1}, entry[] = {67'000, 67'000}, lev[] = {10, 10};
  double out[2] = {};
  REQUIRE(isolatedLiquidationBatch(r, side, qty, entry, lev, out).empty());
  CHECK_THAT(out[0], WithinRel(60'250.0 / 0.995, 1e-12));
  CHECK_THAT(out[1], WithinRel(73'750.0 / 1.005, 1e-12));
}

TEST_CASE("batch: equals evaluate for every profile, linear and inverse", "[batch][properties]") {
  // Property: out[i] is evaluate()'s isolated liquidation price of the same position (or 0
  // when that is absent), to 1e-12 relative. 200 positions per profile, contract and table:
  // a continuous two-row table, a five-row one with positions in every row (the closed-form
  // walk), and tables whose explicit amounts jump up or down at a cap, where maintenance is
  // not continuous and the batch takes the general walk of both directions.
  std::mt19937_64 rng(20261125);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * ((rng() >> 11) * 0x1.0p-53); };
  const std::optional<double> none;
  struct Case { const char* name; TierTable linear, inverse; double maxQtyLinear, maxQtyInverse; };
  const Case cases[] = {
      {"two rows", {{50'000, 125, 0.004, none}, {1e9, 50, 0.01, none}}, {{5, 125, 0.004, none}, {1e6, 50, 0.01, none}}, 5, 500},
      {"five rows",
       {{50'000, 125, 0.004, none}, {250'000, 100, 0.005, none}, {1e6, 50, 0.01, none}, {1e7, 20, 0.025, none}, {1e9, 10, 0.05, none}},
       {{5, 125, 0.004, none}, {25, 100, 0.005, none}, {100, 50, 0.01, none}, {1000, 20, 0.025, none}, {1e6, 10, 0.05, none}},
       40, 5000},
      {"amount jumps up", {{50'000, 125, 0.004, 0}, {1e9, 50, 0.01, 100}}, {{5, 125, 0.004, 0}, {1e6, 50, 0.01, 0.01}}, 5, 500},
      {"amount jumps down", {{50'000, 125, 0.004, 0}, {1e9, 50, 0.01, 500}}, {{5, 125, 0.004, 0}, {1e6, 50, 0.01, 0.05}}, 5, 500},
  };
  for (const Case& c : cases) {
    for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::BybitUta, Rules::Okx, Rules::Hyperliquid, Rules::Bitmex,
                        Rules::Dydx, Rules::Simple}) {
      for (Contract contract : {Contract::Linear, Contract::Inverse}) {
        if (contract == Contract::Inverse && profileFor(rules).linearOnly) continue;  // refused: validate_test
        const bool linear = contract == Contract::Linear;
        BatchRequest r{.rules = rules, .contract = contract, .contractSize = linear ? 1.0 : 100.0,
                       .tiers = linear ? c.linear : c.inverse};
        const auto resolved = resolveTiers(r.tiers, profileFor(rules));
        std::vector<double> side, qty, entry, lev, out(200);
        for (int i = 0; i < 200; ++i) {
          side.push_back(rng() % 2 ? 1 : -1);
          qty.push_back(uniform(0.01, linear ? c.maxQtyLinear : c.maxQtyInverse));
          entry.push_back(uniform(1'000, 100'000));
          const double notional = linear ? qty.back() * entry.back() : qty.back() * r.contractSize / entry.back();
          if (notional > resolved.back().cap) qty.back() /= 2 * notional / resolved.back().cap;
          lev.push_back(uniform(1, resolved[tierIndexAt(resolved, notional)].maxLeverage));
        }
        REQUIRE(isolatedLiquidationBatch(r, side, qty, entry, lev, out).empty());
        for (int i = 0; i < 200; ++i) {
          Scenario s{.rules = rules, .walletBalance = 1e6};
          s.positions = {Position{.symbol = "X", .contract = contract, .contractSize = r.contractSize,
                                  .side = side[i] > 0 ? Side::Long : Side::Short, .quantity = qty[i], .entryPrice = entry[i],
                                  .leverage = lev[i]}};
          s.tiers = {{"X", r.tiers}};
          const Report report = evaluateOk(s);
          const auto lp = report.isolated->positions[0].liquidationPrice;
          INFO(c.name << " " << toString(rules) << " " << toString(contract) << " #" << i);
          if (lp) CHECK_THAT(out[i], WithinRel(*lp, 1e-12));
          else CHECK(out[i] == 0);
        }
      }
    }
  }
}

TEST_CASE("batch: the closed form by hand across tiers", "[batch][binance]") {
  // Binance's isolated formula (VENUES.md §1.1) on the row that contains the notional at the
  // liquidation price: LP = (M + cum - s q EP) / (q MMR - s q), M = q EP / leverage.
  // Rows: cap 50,000 MMR 0.4 % cum 0; cap 250,000 MMR 0.5 % cum 50; cap 1e6 MMR 1 % cum 1,300.
  BatchRequest r{.rules = Rules::Binance,
                 .tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}, {1'000'000, 50, 0.01, 1'300}}};
  // Long 4 @ 60,000, 20x: notional 240,000, M 12,000. Row 2: (12,000 + 50 - 240,000) / (0.02 - 4)
  //   = 57,273.869..., notional 229,095 in (50,000, 250,000]: that row holds.
  // Short 10 @ 30,000, 10x: notional 300,000, M 30,000. Row 3: (30,000 + 1,300 + 300,000) / (0.1 + 10)
  //   = 32,801.98..., notional 328,019.8 in (250,000, 1e6]: holds.
  // Long 0.5 @ 120,000, 50x: notional 60,000, M 1,200. Row 2: (1,200 + 50 - 60,000) / (0.0025 - 0.5)
  //   = 118,090.45..., notional 59,045 in row 2.
  const double side[] = {1, -1, 1}, qty[] = {4, 10, 0.5}, entry[] = {60'000, 30'000, 120'000}, lev[] = {20, 10, 50};
  double out[3] = {};
  REQUIRE(isolatedLiquidationBatch(r, side, qty, entry, lev, out).empty());
  CHECK_THAT(out[0], WithinRel((12'000.0 + 50 - 240'000) / (4 * 0.005 - 4), 1e-12));
  CHECK_THAT(out[1], WithinRel((30'000.0 + 1'300 + 300'000) / (10 * 0.01 + 10), 1e-12));
  CHECK_THAT(out[2], WithinRel((1'200.0 + 50 - 60'000) / (0.5 * 0.005 - 0.5), 1e-12));
}

TEST_CASE("batch: errors by path", "[batch][validate]") {
  BatchRequest r{.rules = Rules::Binance, .tiers = {{50'000, 125, 0.004, 0}, {40'000, 100, 0.005, 50}}};
  const double side[] = {1, 0}, qty[] = {1, -1}, entry[] = {67'000, NAN}, lev[] = {10, 0};
  double out[2] = {7, 7};
  auto errors = isolatedLiquidationBatch(r, side, qty, entry, lev, out);
  CHECK(hasError(errors, "tiers[1].notionalCap", ErrorCode::Unsorted));
  r.tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}};
  errors = isolatedLiquidationBatch(r, side, qty, entry, lev, out);
  CHECK(hasError(errors, "side[1]", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "quantity[1]", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "entryPrice[1]", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "leverage[1]", ErrorCode::OutOfRange));
  CHECK(errors.size() == 4);  // position 0 is valid: nothing is said of it
  const double shortSide[] = {1};
  errors = isolatedLiquidationBatch(r, shortSide, qty, entry, lev, out);
  CHECK(hasError(errors, "side", ErrorCode::OutOfRange));
}

TEST_CASE("batch: leverage above the tier's maximum", "[batch][validate]") {
  // 1 BTC @ 67,000 is in the 50k-250k row (100x): 120x is refused at leverage[0].
  BatchRequest r{.rules = Rules::Binance, .tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}};
  const double side[] = {1}, qty[] = {1}, entry[] = {67'000}, lev[] = {120};
  double out[1] = {};
  CHECK(hasError(isolatedLiquidationBatch(r, side, qty, entry, lev, out), "leverage[0]", ErrorCode::OutOfRange));
}

TEST_CASE("batch: at most 100 errors, also from a bad tier table", "[batch][errors]") {
  // batch.h promises at most 100 errors. Found by tests/fuzz (scenario_fuzz): the table's errors
  // were returned uncapped; 64 rows of NaN (cap, max leverage, rate, amount: 4 errors a row) gave
  // 256. The list now stops at 100, the table's first rows first.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  BatchRequest r{.rules = Rules::Binance, .tiers = TierTable(kMaxTierRows, Tier{nan, nan, nan, nan})};
  const double side[] = {1}, qty[] = {1}, entry[] = {100}, lev[] = {10};
  double out[1] = {-7};
  const auto errors = isolatedLiquidationBatch(r, side, qty, entry, lev, out);
  CHECK(errors.size() == 100);
  CHECK(hasError(errors, "tiers[0].notionalCap", ErrorCode::NotFinite));
  CHECK(out[0] == -7);  // untouched
}

namespace {
/// isolatedMarginBatch over vectors: the outputs sized to the inputs.
struct MarginRun {
  std::vector<double> lp, im, mm, mmr, tier;
  std::vector<InputError> errors;
};
MarginRun marginRun(const BatchRequest& r, std::span<const double> side, std::span<const double> qty,
                    std::span<const double> entry, std::span<const double> lev) {
  const std::size_t n = side.size();
  MarginRun m{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), std::vector<double>(n),
              std::vector<double>(n), {}};
  m.errors = isolatedMarginBatch(r, side, qty, entry, lev, m.lp, BatchMargins{m.im, m.mm, m.mmr, m.tier});
  return m;
}
}  // namespace

TEST_CASE("margin batch: BN-7 by hand", "[batch][binance]") {
  // VENUES.md BN-7: long 1 BTC @ 67,000, 10x: initial margin (IWB) 6,700; the entry notional
  // 67,000 is in bracket 2 (50k-250k: 0.5 %, cum 50), so MM = 67,000 * 0.005 - 50 = 285.
  BatchRequest r{.rules = Rules::Binance, .tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}};
  const double side[] = {1, -1}, qty[] = {1, 1}, entry[] = {67'000, 67'000}, lev[] = {10, 10};
  const MarginRun m = marginRun(r, side, qty, entry, lev);
  REQUIRE(m.errors.empty());
  for (int i = 0; i < 2; ++i) {
    CHECK_THAT(m.im[i], WithinRel(6'700.0, 1e-15));
    CHECK_THAT(m.mm[i], WithinRel(285.0, 1e-12));
    CHECK(m.mmr[i] == 0.005);
    CHECK(m.tier[i] == 2);
  }
  CHECK_THAT(m.lp[0], WithinRel(60'250.0 / 0.995, 1e-12));  // as the liquidation batch (BN-7 above)
  CHECK_THAT(m.lp[1], WithinRel(73'750.0 / 1.005, 1e-12));
}

TEST_CASE("margin batch: BitMEX inverse, fees in both margins, by hand", "[batch][bitmex]") {
  // VENUES.md 4.1 (BitMEX support's formula): initMargin = 1/L + 2 taker, maintMargin = MMR + taker,
  // as fractions of the entry value. 10,000 contracts of 1 USD @ 50,000: value 0.2 XBT; 10x, fee
  // 0.05 %: IM = 0.02 + 2 * 0.0005 * 0.2 = 0.0202; MM = 0.2 * (0.0035 + 0.0005) = 0.0008; the
  // reported rate is the tier's 0.35 %.
  BatchRequest r{.rules = Rules::Bitmex, .contract = Contract::Inverse, .tiers = {{200, 100, 0.0035, 0}},
                 .takerFeeRate = 0.0005};
  const double side[] = {-1}, qty[] = {10'000}, entry[] = {50'000}, lev[] = {10};
  const MarginRun m = marginRun(r, side, qty, entry, lev);
  REQUIRE(m.errors.empty());
  CHECK_THAT(m.im[0], WithinRel(0.0202, 1e-14));
  CHECK_THAT(m.mm[0], WithinRel(0.0008, 1e-13));
  CHECK(m.mmr[0] == 0.0035);
  CHECK(m.tier[0] == 1);
}

TEST_CASE("margin batch: the margins evaluate() reports, bit for bit, every profile", "[batch][properties]") {
  // Property: each position's four margins are those of evaluate()'s isolated outcome of the same
  // position alone (exactly: the same functions), and its liquidation price the liquidation batch's.
  std::mt19937_64 rng(20261207);
  auto uniform = [&](double lo, double hi) { return lo + (hi - lo) * ((rng() >> 11) * 0x1.0p-53); };
  const std::optional<double> none;
  const TierTable linearTable = {{50'000, 125, 0.004, none}, {250'000, 100, 0.005, none}, {1e6, 50, 0.01, none}, {1e9, 10, 0.05, none}};
  const TierTable inverseTable = {{5, 125, 0.004, none}, {25, 100, 0.005, none}, {100, 50, 0.01, none}, {1e6, 10, 0.05, none}};
  for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::BybitUta, Rules::Okx, Rules::Hyperliquid, Rules::Bitmex,
                      Rules::Dydx, Rules::Simple}) {
    for (Contract contract : {Contract::Linear, Contract::Inverse}) {
      if (contract == Contract::Inverse && profileFor(rules).linearOnly) continue;  // refused: below
      const bool linear = contract == Contract::Linear;
      BatchRequest r{.rules = rules, .contract = contract, .contractSize = linear ? 1.0 : 100.0, .tiers = linear ? linearTable : inverseTable};
      std::vector<double> side, qty, entry, lev;
      for (int i = 0; i < 100; ++i) {
        side.push_back(rng() % 2 ? 1 : -1);
        qty.push_back(uniform(0.01, linear ? 40 : 5000));
        entry.push_back(uniform(1'000, 100'000));
        lev.push_back(uniform(1, 10));
      }
      const MarginRun m = marginRun(r, side, qty, entry, lev);
      REQUIRE(m.errors.empty());
      std::vector<double> lp(side.size());
      REQUIRE(isolatedLiquidationBatch(r, side, qty, entry, lev, lp).empty());
      for (std::size_t i = 0; i < side.size(); ++i) {
        Scenario s{.rules = rules, .walletBalance = 0};
        s.positions = {Position{.symbol = "X", .contract = contract, .contractSize = r.contractSize,
                                .side = side[i] > 0 ? Side::Long : Side::Short, .quantity = qty[i], .entryPrice = entry[i],
                                .leverage = lev[i], .marginMode = MarginMode::Isolated}};
        s.tiers = {{"X", r.tiers}};
        const Report report = evaluateOk(s);  // kept: p refers into it
        const PositionOutcome& p = report.isolated->positions[0];
        INFO(toString(rules) << " " << toString(contract) << " #" << i);
        CHECK(m.im[i] == p.initialMargin);
        CHECK(m.mm[i] == p.maintenanceMargin);
        CHECK(m.mmr[i] == p.maintenanceMarginRate);
        CHECK(m.tier[i] == p.tier);
        CHECK(m.lp[i] == lp[i]);
      }
    }
  }
}

TEST_CASE("margin batch: what evaluate() refuses and the liquidation batch lets through", "[batch][validate]") {
  BatchRequest r{.rules = Rules::Binance, .tiers = {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}}};
  const double side[] = {1, 1}, qty[] = {1, 1}, entry[] = {67'000, 67'000}, tiny[] = {10, 1e-10};
  // A leverage > 0 below the smallest magnitude (1e-9): validate()'s "magnitude" at its index.
  MarginRun m = marginRun(r, side, qty, entry, tiny);
  CHECK(m.errors.size() == 1);
  CHECK(hasError(m.errors, "leverage[1]", ErrorCode::OutOfRange));
  const double lev[] = {10, 10};
  r.contractSize = 1e-12;  // validate()'s positions[i].contractSize check
  CHECK(hasError(marginRun(r, side, qty, entry, lev).errors, "contractSize", ErrorCode::OutOfRange));
  // Hyperliquid settles in USDC only: an inverse request is refused (the rule validate() applies).
  BatchRequest h{.rules = Rules::Hyperliquid, .contract = Contract::Inverse, .tiers = {{5, 50, 0.01, 0}}};
  const double iqty[] = {100, 100}, ilev[] = {10, 10};
  m = marginRun(h, side, iqty, entry, ilev);
  CHECK(hasError(m.errors, "contract", ErrorCode::Unsupported));
  // The liquidation batch's own checks come first, at their paths.
  const double badSide[] = {1, 0};
  CHECK(hasError(marginRun(r, badSide, qty, entry, lev).errors, "side[1]", ErrorCode::OutOfRange));
  // An output of another length: its name.
  std::vector<double> lp(2), im(2), mm(2), mmr(2), tier(1);
  const auto errors = isolatedMarginBatch(r, side, qty, entry, lev, lp, BatchMargins{im, mm, mmr, tier});
  CHECK(hasError(errors, "tier", ErrorCode::OutOfRange));
}
