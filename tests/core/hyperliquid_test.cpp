// SPDX-License-Identifier: MIT
// Hyperliquid profile: MMR = 1 / (2 * max leverage), deduction recurrence, and the docs'
// liquidation-price formula (VENUES.md section 6).
#include "support.h"

using namespace mltest;

TEST_CASE("HL-8: BTC isolated long 1 @ 100,000 with 10,000 margin", "[hyperliquid][isolated][venue]") {
  // VENUES.md HL-8 [DERIVED] from the docs' formula (trading/liquidations):
  //   liq = price - side * margin_available / size / (1 - l * side),
  //   l = 1/(2 x 40) = 0.0125, margin_available = 10,000 - 100,000 x 0.0125 = 8,750;
  //   liq = 100,000 - 8,750 / 1 / 0.9875 = 91,139.2405 (= (100,000 - 10,000)/0.9875).
  // Uses the shipped BTC table (0-150M 40x). Margin 10,000 = the initial margin at 10x.
  // Tolerance: abs 0.005 on the value quoted to the cent, 1e-12 rel on the hand expression.
  Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 50'000};
  s.positions = {Position{.symbol = "BTC", .quantity = 1, .entryPrice = 100'000, .leverage = 10}};
  const Report r = evaluateOk(s);
  const auto& o = r.isolated->positions[0];
  CHECK_THAT(o.margin, WithinRel(10'000.0, 1e-12));
  CHECK_THAT(o.maintenanceMargin, WithinRel(1'250.0, 1e-12));
  REQUIRE(o.liquidationPrice);
  CHECK_THAT(*o.liquidationPrice, WithinAbs(91'139.24, 0.005));
  CHECK_THAT(*o.liquidationPrice, WithinRel(100'000.0 - (10'000.0 - 1'250.0) / 1 / (1 - 0.0125), 1e-12));
}

TEST_CASE("HL-7: maintenance is half the initial margin at max leverage, whatever the leverage", "[hyperliquid][venue]") {
  // Source: community wiki via VENUES.md HL-7 [PUB-3P]: a $10,000 position on a 20x-max asset
  // has MM = $250 at 10x or at 20x (IM 1,000 vs 500). The tier row omits the rate, so the
  // profile derives MMR = 1/(2 x 20) = 2.5%; MM = 10,000 x 2.5% = 250.
  // Tolerance: 1e-12 rel.
  for (double leverage : {10.0, 20.0}) {
    INFO("leverage " << leverage);
    Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 5'000};
    s.tiers = {{"ALT", {Tier{.notionalCap = 1e12, .maxLeverage = 20}}}};
    s.positions = {Position{.symbol = "ALT", .quantity = 100, .entryPrice = 100, .leverage = leverage}};
    const Report r = evaluateOk(s);
    for (const Outcome* out : {&*r.isolated, &*r.cross}) {
      const auto& o = out->positions[0];
      CHECK_THAT(o.maintenanceMargin, WithinRel(250.0, 1e-12));
      CHECK_THAT(o.maintenanceMarginRate, WithinRel(0.025, 1e-12));
      CHECK_THAT(o.initialMargin, WithinRel(10'000.0 / leverage, 1e-12));
    }
  }
}

TEST_CASE("Hyperliquid deduction recurrence: BTC 0-150M 40x, above 20x", "[hyperliquid][tiers]") {
  // Source: Hyperliquid docs margin-tiers (VENUES.md 6.1): deduction_n = deduction_{n-1} +
  // lowerBound_n x (MMR_n - MMR_{n-1}); MMR 1/(2x40) = 1.25%, 1/(2x20) = 2.5%;
  // deduction_2 = 150,000,000 x (0.025 - 0.0125) = 1,875,000.
  // Checked on an explicit table and on the shipped BTC table. Tolerance: 1e-12 rel.
  const TierTable explicitTable = {Tier{.notionalCap = 150'000'000, .maxLeverage = 40},
                                   Tier{.notionalCap = 1e12, .maxLeverage = 20}};
  const DefaultTierTable* shipped = findDefaultTierTable(Rules::Hyperliquid, "BTC");
  REQUIRE(shipped != nullptr);
  for (const TierTable* table : {&explicitTable, &shipped->tiers}) {
    const auto resolved = resolveTiers(*table, profileFor(Rules::Hyperliquid));
    REQUIRE(resolved.size() == 2);
    CHECK_THAT(resolved[0].rate, WithinRel(0.0125, 1e-12));
    CHECK_THAT(resolved[1].rate, WithinRel(0.025, 1e-12));
    CHECK(resolved[0].amount == 0);
    CHECK_THAT(resolved[1].amount, WithinRel(1'875'000.0, 1e-12));
    // MM is continuous at the boundary: 150M x 1.25% = 150M x 2.5% - 1.875M = 1.875M.
    CHECK_THAT(150e6 * resolved[1].rate - resolved[1].amount, WithinRel(150e6 * resolved[0].rate, 1e-12));
  }
}

TEST_CASE("Hyperliquid cross: two positions against the docs' formula", "[hyperliquid][cross]") {
  // Docs (trading/liquidations, VENUES.md 6.1), cross: margin_available = account_value -
  // maintenance_margin_required, liq = price - side * margin_available / size / (1 - l * side).
  // Wallet 20,000 USDC; BTC long 0.5 @ 100,000, mark 98,000, 20x (max 40, l = 0.0125);
  // ETH short 4 @ 3,000, mark 3,100, 10x (max 25, l = 0.02). Shipped BTC and ETH tables.
  //   account_value = 20,000 + 0.5 x (-2,000) - 4 x 100 = 18,600
  //   MM = 0.5 x 98,000 x 0.0125 + 4 x 3,100 x 0.02 = 612.5 + 248 = 860.5
  //   margin_available = 17,739.5
  //   liq(BTC) = 98,000 - 17,739.5 / 0.5 / 0.9875 = 62,071.8987
  //   liq(ETH) = 3,100 + 17,739.5 / 4 / 1.02 = 7,447.9167
  // Both stay in tier 1 (31k and 30k notional). Tolerance: 1e-12 rel.
  Scenario s{.rules = Rules::Hyperliquid, .walletBalance = 20'000};
  s.positions = {
      Position{.symbol = "BTC", .quantity = 0.5, .entryPrice = 100'000, .markPrice = 98'000, .leverage = 20},
      Position{.symbol = "ETH", .side = Side::Short, .quantity = 4, .entryPrice = 3'000, .markPrice = 3'100, .leverage = 10}};
  const Report r = evaluateOk(s);
  const double accountValue = 20'000.0 + 0.5 * (98'000.0 - 100'000.0) - 4 * (3'100.0 - 3'000.0);
  const double mmRequired = 0.5 * 98'000.0 * 0.0125 + 4 * 3'100.0 * 0.02;
  const double available = accountValue - mmRequired;
  const auto liq = [&](double price, double side, double size, double l) {
    return price - side * available / size / (1 - l * side);
  };
  const auto& btc = r.cross->positions[0];
  const auto& eth = r.cross->positions[1];
  CHECK_THAT(btc.maintenanceMargin + eth.maintenanceMargin, WithinRel(mmRequired, 1e-12));
  REQUIRE(btc.liquidationPrice);
  REQUIRE(eth.liquidationPrice);
  CHECK_THAT(*btc.liquidationPrice, WithinRel(liq(98'000, +1, 0.5, 0.0125), 1e-12));
  CHECK_THAT(*eth.liquidationPrice, WithinRel(liq(3'100, -1, 4, 0.02), 1e-12));
  CHECK(btc.liquidationTier == 1);
  CHECK(eth.liquidationTier == 1);
  // The cross LP does not depend on the chosen leverage (docs: "independent of leverage").
  Scenario s2 = s;
  s2.positions[0].leverage = 5;
  const Report r2 = evaluateOk(s2);
  REQUIRE(r2.cross->positions[0].liquidationPrice);
  CHECK_THAT(*r2.cross->positions[0].liquidationPrice, WithinRel(*btc.liquidationPrice, 1e-12));
}
