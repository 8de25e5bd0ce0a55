// SPDX-License-Identifier: MIT
// The account, scenario version 3 (account.h): version 1 and 2 parity over the seeded generators
// (every number of the kernels' answers, walked through fields()), the collateral arithmetic against
// hand calculations and VENUES-PM.md's worked examples, and every account error at its path.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "generator.h"
#include "numbers.h"
#include "marginlab/account.h"
#include "marginlab/account_fields.h"
#include "support.h"

using namespace marginlab;
using namespace mltest;

namespace {

const std::string* errorAt(const std::vector<InputError>& errors, std::string_view path) {
  for (const InputError& e : errors)
    if (e.path == path) return &e.rule;
  return nullptr;
}

/// A seeded version 2 scenario: BTC or ETH, inverse or linear, 0-3 futures and 1-4 options, a
/// surface or given volatilities, long and short.
OptionsScenario optionsScenario(Generator& g) {
  OptionsScenario s;
  s.underlying = g.chance(0.5) ? "BTC" : "ETH";
  s.settlement = g.chance(0.6) ? Contract::Inverse : Contract::Linear;
  s.underlyingPrice = s.underlying == "BTC" ? g.uniform(20000, 100000) : g.uniform(1000, 5000);
  const double u = s.underlyingPrice;
  const bool inverse = s.settlement == Contract::Inverse;
  s.walletBalance = inverse ? g.uniform(0.1, 5) : g.uniform(1000, 200000);
  s.interestRate = g.chance(0.5) ? 0 : g.uniform(-0.02, 0.08);
  if (g.chance(0.5))
    s.volSurface = VolSurface{.expiries = {0.05, 0.25, 1}, .strikes = {0.5 * u, u, 1.5 * u},
                              .vols = {{0.9, 0.6, 0.7}, {0.8, 0.55, 0.65}, {0.7, 0.5, 0.6}}};
  for (int i = g.integer(0, 3); i > 0; --i)
    s.futures.push_back(Position{.symbol = s.underlying + "-PERPETUAL", .contract = s.settlement,
                                 .contractSize = inverse ? 10 : 0.01, .side = g.chance(0.5) ? Side::Long : Side::Short,
                                 .quantity = static_cast<double>(g.integer(1, 500)), .entryPrice = u * g.uniform(0.8, 1.2)});
  for (int i = g.integer(1, 4); i > 0; --i) {
    OptionPosition o{.type = g.chance(0.5) ? OptionType::Call : OptionType::Put, .strike = u * g.uniform(0.6, 1.4),
                     .expiryYears = g.uniform(0.01, 1), .side = g.chance(0.5) ? Side::Long : Side::Short,
                     .quantity = g.uniform(0.1, 3), .premium = (inverse ? 0.05 : 0.05 * u) * g.uniform(0.2, 2)};
    if (!s.volSurface) o.volatility = g.uniform(0.3, 1.2);
    s.options.push_back(o);
  }
  return s;
}

/// The largest relative difference of a view number against the kernel's x price.
double relDiff(double a, double b) {
  const double scale = std::max(std::abs(a), std::abs(b));
  return scale == 0 ? 0 : std::abs(a - b) / scale;
}

}  // namespace

TEST_CASE("account: version 1 parity over the property generator", "[account][parity]") {
  // evaluateAccount(toAccount(s)) repeats evaluate(s) number for number (the Report walked through
  // fields()), and its view is the kernel's cross account in the quote currency.
  Generator g(kSeed + 30);
  int compared = 0;
  double largest = 0;
  for (int i = 0; i < kScenarios; ++i) {
    const Scenario s = g.scenario();
    const Report base = evaluate(s);
    const Result<AccountResult> r = evaluateAccount(toAccount(s));
    INFO("scenario " << i << ": " << describe(s));
    REQUIRE(r.errors.size() == base.errors.size());
    if (!base.errors.empty()) continue;
    REQUIRE(r.value->report);
    CHECK(numbersOf(*r.value->report) == numbersOf(base));
    const AccountView& v = r.value->account;
    const Outcome& o = base.asGiven ? *base.asGiven : *base.cross;
    const double price = v.assets[0].price;
    for (const auto& [a, b] : {std::pair{v.equity, o.account.equity * price},
                               std::pair{v.maintenanceMargin, o.account.maintenanceMargin * price},
                               std::pair{v.availableBalance, o.account.availableBalance * price},
                               std::pair{v.collateralValue, o.account.equity * price}})
      largest = std::max(largest, relDiff(a, b));
    CHECK(v.marginRatio == o.account.marginRatio);
    ++compared;
  }
  std::printf("account v1 parity: %d scenarios, largest relative difference %.3g\n", compared, largest);
  CHECK(compared > kScenarios / 2);
  CHECK(largest == 0);
}

TEST_CASE("account: version 2 parity over a seeded generator", "[account][parity]") {
  Generator g(kSeed + 31);
  int compared = 0;
  double largest = 0;
  const OptionsRequest q{.scanPoints = 401};
  for (int i = 0; i < 200; ++i) {
    const OptionsScenario s = optionsScenario(g);
    const Result<OptionsAccountResult> base = evaluateOptions(s, q);
    const Result<AccountResult> r = evaluateAccount(toAccount(s), AccountRequest{.options = q});
    INFO("options scenario " << i);
    REQUIRE(r.errors.size() == base.errors.size());
    if (!base) continue;
    REQUIRE(r.value->optionsResult);
    CHECK(numbersOf(*r.value->optionsResult) == numbersOf(*base.value));
    const AccountView& v = r.value->account;
    const OptionsAccountView& now = base.value->now;
    const double price = v.assets[0].price;
    for (const auto& [a, b] : {std::pair{v.equity, now.equity * price}, std::pair{v.initialMargin, now.initialMargin * price},
                               std::pair{v.maintenanceMargin, now.maintenanceMargin * price},
                               std::pair{v.availableBalance, now.availableBalance * price}})
      largest = std::max(largest, relDiff(a, b));
    CHECK(v.marginRatio == now.marginRatio);
    ++compared;
  }
  std::printf("account v2 parity: %d scenarios, largest relative difference %.3g\n", compared, largest);
  CHECK(compared > 150);
  CHECK(largest == 0);
}

TEST_CASE("account: the group sums agree with the kernel's account", "[account][parity]") {
  // A second, empty asset takes the account off the delegated path: each group runs with no wallet
  // and the view adds balance + PnL. Its equity and margins must equal the kernel's cross account
  // (1e-9 relative: sums in another order).
  Generator g(kSeed + 32);
  int compared = 0;
  for (int i = 0; i < kScenarios; ++i) {
    const Scenario s = g.scenario();
    const Report base = evaluate(s);
    if (!base.errors.empty() || base.asGiven) continue;
    Account a = toAccount(s);
    a.collateral.push_back({.asset = "SPARE", .balance = 0, .price = 1});
    const Result<AccountResult> r = evaluateAccount(a);
    REQUIRE(r);
    CHECK_FALSE(r.value->report);
    const AssetView& x = r.value->account.assets[0];
    if (base.cross->account.equity <= 0) continue;  // the kernel floors a cross pool's equity at 0
    CHECK(closeRel(x.equity, base.cross->account.equity, 1e-9));
    CHECK(closeRel(x.maintenanceMargin, base.cross->account.maintenanceMargin, 1e-9));
    ++compared;
  }
  CHECK(compared > kScenarios / 3);
}

TEST_CASE("account: the options groups' sums agree with evaluateOptions' account", "[account][parity]") {
  // As above for version 2: off the delegated path each group is read at the underlying's price now
  // (optionsAccountAt) with no wallet; balance + PnL, IM and MM must equal evaluateOptions' now view.
  Generator g(kSeed + 33);
  int compared = 0;
  for (int i = 0; i < 100; ++i) {
    const OptionsScenario s = optionsScenario(g);
    const Result<OptionsAccountResult> base = evaluateOptions(s, OptionsRequest{.scanPoints = 401});
    if (!base) continue;
    Account a = toAccount(s);
    a.collateral.push_back({.asset = "SPARE", .balance = 0, .price = 1});
    const Result<AccountResult> r = evaluateAccount(a);
    REQUIRE(r);
    CHECK_FALSE(r.value->optionsResult);
    const AssetView& x = r.value->account.assets[0];
    const OptionsAccountView& now = base.value->now;
    CHECK(closeRel(x.equity, now.equity, 1e-9));
    CHECK(closeRel(x.initialMargin, now.initialMargin, 1e-9));
    CHECK(closeRel(x.maintenanceMargin, now.maintenanceMargin, 1e-9));
    ++compared;
  }
  CHECK(compared > 75);
}

TEST_CASE("account: haircuts by hand", "[account][haircut]") {
  // Hand calculation. Collateral: 1 BTC at 60,000 with a 5% haircut, 1,500 USDT at 1 with none. A long
  // 10 ETHUSDT perpetual, entry 3,000, mark 2,900, leverage 10, binance rules, one tier row (MMR 1%,
  // amount 0), settling in USDT:
  //   uPnL = 10 x (2,900 - 3,000) = -1,000 USDT; USDT equity = 1,500 - 1,000 = 500
  //   BTC value 60,000, after its haircut 60,000 x 0.95 = 57,000; USDT 500 (no haircut)
  //   equity 60,500; collateral 57,500; IM = 10 x 3,000 / 10 = 3,000; MM = 10 x 2,900 x 0.01 = 290
  //   ratio = 290 / 57,500 = 0.005043478260869565; available = 57,500 - 3,000 = 54,500
  Account a{.rules = Rules::Binance};
  a.collateral = {{.asset = "BTC", .balance = 1, .price = 60000, .haircut = 0.05}, {.asset = "USDT", .balance = 1500, .price = 1}};
  a.underlyings = {{.name = "ETH", .price = 2900}};
  a.futures = {{.underlying = "ETH", .settlementAsset = "USDT", .symbol = "ETHUSDT", .quantity = 10, .entryPrice = 3000,
                .leverage = 10}};
  a.tiers["ETHUSDT"] = {Tier{.notionalCap = 1e9, .maxLeverage = 100, .maintenanceMarginRate = 0.01, .maintenanceAmount = 0}};
  const Result<AccountResult> r = evaluateAccount(a);
  REQUIRE(r);
  const AccountView& v = r.value->account;
  CHECK_THAT(v.assets[1].unrealizedPnl, WithinRel(-1000.0, 1e-12));
  CHECK_THAT(v.assets[1].equity, WithinRel(500.0, 1e-12));
  CHECK_THAT(v.assets[0].collateralValue, WithinRel(57000.0, 1e-12));
  CHECK_THAT(v.equity, WithinRel(60500.0, 1e-12));
  CHECK_THAT(v.collateralValue, WithinRel(57500.0, 1e-12));
  CHECK_THAT(v.initialMargin, WithinRel(3000.0, 1e-12));
  CHECK_THAT(v.maintenanceMargin, WithinRel(290.0, 1e-12));
  CHECK_THAT(*v.marginRatio, WithinRel(0.005043478260869565, 1e-12));
  CHECK_THAT(v.availableBalance, WithinRel(54500.0, 1e-12));
  // explain() writes steps and changes no number.
  AccountResult explained = *r.value;
  explain(a, {}, explained);
  CHECK(numbersOf(explained.account) == numbersOf(v));
  CHECK(explained.steps.size() == 2 * 2 + 6);
}

TEST_CASE("account: VENUES-PM.md collateral examples", "[account][haircut]") {
  const auto collateralOnly = [](std::vector<CollateralBalance> c) {
    Account a;
    a.collateral = std::move(c);
    const Result<AccountResult> r = evaluateAccount(a);
    REQUIRE(r);
    return r.value->account;
  };
  // DPM-5 [DERIVED from PUB-3P haircuts], Deribit X:PM IM-side collateral: 10,000 USDe (5%) + 10,000
  // USDT (2%) + 10,000 USDC (0%) = 9,500 + 9,800 + 10,000 = 29,300 USD.
  const AccountView dpm5 = collateralOnly({{.asset = "USDe", .balance = 10000, .price = 1, .haircut = 0.05},
                                           {.asset = "USDT", .balance = 10000, .price = 1, .haircut = 0.02},
                                           {.asset = "USDC", .balance = 10000, .price = 1, .haircut = 0}});
  CHECK_THAT(dpm5.collateralValue, WithinRel(29300.0, 1e-12));
  CHECK_THAT(dpm5.equity, WithinRel(30000.0, 1e-12));
  // HPM-1 [PUB], Hyperliquid portfolio margin: 10,000 HYPE x $40 x LTV 0.5 = $200,000 (LTV 50% = a
  // 50% haircut).
  const AccountView hpm1 = collateralOnly({{.asset = "HYPE", .balance = 10000, .price = 40, .haircut = 0.5}});
  CHECK_THAT(hpm1.collateralValue, WithinRel(200000.0, 1e-12));
  // MNG-1 [DERIVED], Mango v4 maintenance health: 10 SOL at 150 with weight 0.9 (a 10% haircut) and
  // -1,000 USDC (a liability counted in full) -> 1,350 - 1,000 = 350.
  const AccountView mng1 = collateralOnly({{.asset = "SOL", .balance = 10, .price = 150, .haircut = 0.1},
                                           {.asset = "USDC", .balance = -1000, .price = 1, .haircut = 0.1}});
  CHECK_THAT(mng1.collateralValue, WithinRel(350.0, 1e-12));
  REQUIRE(mng1.marginRatio);  // no position: MM / collateral = 0 / 350
  CHECK(*mng1.marginRatio == 0);
}

TEST_CASE("account: errors at their paths", "[account][validate]") {
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "BTC", .balance = 1, .price = 60000, .haircut = 1.5},
                  {.asset = "USDT", .balance = std::nan(""), .price = 0},
                  {.asset = "BTC", .balance = 1, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 60000}};
  a.options = {{.underlying = "ETH", .settlementAsset = "BTC", .option = {.strike = 3000, .expiryYears = 0.1, .quantity = 1, .volatility = 0.5}},
               {.underlying = "BTC", .settlementAsset = "USDC", .option = {.strike = 60000, .expiryYears = 0.1, .quantity = 1, .volatility = 0.5}},
               {.underlying = "BTC", .settlementAsset = "BTC", .option = {.strike = -1, .expiryYears = 0.1, .quantity = 1, .volatility = 0.5}}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "BTC", .contract = Contract::Inverse, .contractSize = 10,
                .quantity = 1, .entryPrice = std::nan("")}};
  const std::vector<InputError> errors = validate(a);
  const auto rule = [&](std::string_view path) { return errorAt(errors, path) ? *errorAt(errors, path) : std::string("none"); };
  CHECK(rule("collateral[0].haircut") == "accountHaircut");
  CHECK(rule("collateral[1].balance") == "notFinite");
  CHECK(rule("collateral[1].price") == "mustBePositive");
  CHECK(rule("collateral[2].asset") == "accountDuplicateName");
  CHECK(rule("options[0].underlying") == "accountUnknownUnderlying");
  CHECK(rule("options[1].settlementAsset") == "accountUnknownAsset");
  CHECK(rule("options[2].strike") == "mustBePositive");  // version 2's check, at the account's index
  CHECK(rule("futures[0].entryPrice") == "notFinite");
  for (const InputError& e : errors) CHECK(e.message.find(e.path) != std::string::npos);
  CHECK_FALSE(evaluateAccount(a));

  Account tiers = toAccount(OptionsScenario{.walletBalance = 1, .underlyingPrice = 60000,
                                            .options = {{.strike = 60000, .expiryYears = 0.1, .quantity = 1, .volatility = 0.5}}});
  tiers.margin = AccountMargin::Tiers;
  tiers.version = 2;
  const std::vector<InputError> e2 = validate(tiers);
  CHECK(errorAt(e2, "options[0]"));
  CHECK(*errorAt(e2, "version") == "accountVersion");

  Account big;
  big.collateral.assign(kMaxAccountAssets + 1, {.asset = "X", .balance = 1, .price = 1});
  CHECK(*errorAt(validate(big), "collateral") == "tooMany");
  Account many = toAccount(Scenario{.walletBalance = 1, .positions = {Position{.symbol = "BTCUSDT", .quantity = 1, .entryPrice = 1}}});
  many.futures.assign(kMaxAccountPositions + 1, many.futures[0]);
  CHECK(*errorAt(validate(many), "futures") == "accountTooManyPositions");
}

TEST_CASE("account: conversions keep every field", "[account]") {
  // Version 1: the wallet is one balance in the settlement asset (inverse: the coin, at the mark).
  const Scenario s{.rules = Rules::Bybit, .walletBalance = 2,
                   .positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 1,
                                          .quantity = 1000, .entryPrice = 50000, .markPrice = 52000, .leverage = 5}}};
  const Account a = toAccount(s);
  REQUIRE(a.collateral.size() == 1);
  CHECK(a.collateral[0].asset == "BTC");
  CHECK(a.collateral[0].balance == 2);
  CHECK(a.collateral[0].price == 52000);
  CHECK(a.underlyings[0].name == "BTC");
  CHECK(a.futures[0].settlementAsset == "BTC");
  const Account l = toAccount(Scenario{.walletBalance = 1000, .positions = {Position{.symbol = "ETHUSDT", .quantity = 1, .entryPrice = 3000}}});
  CHECK(l.collateral[0].asset == "USDT");
  CHECK(l.collateral[0].price == 1);
  // Version 2 linear: the quote ("USD") at 1.
  const Account o = toAccount(OptionsScenario{.settlement = Contract::Linear, .walletBalance = 5000, .underlyingPrice = 60000});
  CHECK(o.collateral[0].asset == "USD");
  CHECK(o.margin == AccountMargin::DeribitStandard);
}
