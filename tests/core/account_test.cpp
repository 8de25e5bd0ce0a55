// SPDX-License-Identifier: MIT
// The account, scenario version 3 (account.h): version 1 and 2 parity over the seeded generators
// (every number of the kernels' answers, walked through fields()), the collateral arithmetic against
// hand calculations and VENUES-PM.md's worked examples, and every account error at its path.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "generator.h"
#include "numbers.h"
#include "marginlab/account.h"
#include "marginlab/account_fields.h"
#include "marginlab/black.h"
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
  // Assets 2 x 2, 3 per position, the view's 6, the venue's 5, 2 per underlying, the one-factor 2.
  CHECK(explained.steps.size() == 2 * 2 + 3 * 1 + 6 + 5 + 2 * 1 + 2);
}

TEST_CASE("account: each position's part by hand, tiers", "[account][positions]") {
  // Hand calculation, binance rules, one tier row each (MMR 1%, amount 0), both settling in USDT (price 1):
  //   ETH long 10 @ 3,000, mark 2,900, 10x: PnL 10 x (2,900 - 3,000) = -1,000; IM 30,000 / 10 = 3,000;
  //     MM 10 x 2,900 x 0.01 = 290
  //   BTC short 0.1 @ 60,000, mark 61,000, 20x: PnL -0.1 x (61,000 - 60,000) = -100; IM 6,000 / 20 = 300;
  //     MM 0.1 x 61,000 x 0.01 = 61
  // Once with USDT alone (the kernel's scenario: delegated), once with a BTC balance beside it (groups).
  const Tier flat{.notionalCap = 1e9, .maxLeverage = 100, .maintenanceMarginRate = 0.01, .maintenanceAmount = 0};
  for (const bool withBtc : {false, true}) {
    Account a{.rules = Rules::Binance};
    a.collateral = {{.asset = "USDT", .balance = 20000, .price = 1}};
    if (withBtc) a.collateral.push_back({.asset = "BTC", .balance = 1, .price = 61000, .haircut = 0.05});
    a.underlyings = {{.name = "ETH", .price = 2900}, {.name = "BTC", .price = 61000}};
    a.futures = {{.underlying = "ETH", .settlementAsset = "USDT", .symbol = "ETHUSDT", .quantity = 10, .entryPrice = 3000, .leverage = 10},
                 {.underlying = "BTC", .settlementAsset = "USDT", .symbol = "BTCUSDT", .side = Side::Short, .quantity = 0.1,
                  .entryPrice = 60000, .leverage = 20}};
    a.tiers["ETHUSDT"] = {flat};
    a.tiers["BTCUSDT"] = {flat};
    const Result<AccountResult> r = evaluateAccount(a);
    REQUIRE(r);
    CHECK(r.value->report.has_value() == !withBtc);
    const std::vector<PositionContribution>& p = r.value->account.positions;
    REQUIRE(p.size() == 2);
    CHECK((p[0].kind == "future" && p[0].index == 0 && p[0].underlying == "ETH" && p[0].settlementAsset == "USDT"));
    CHECK((p[1].kind == "future" && p[1].index == 1 && p[1].underlying == "BTC"));
    CHECK_THAT(p[0].unrealizedPnl, WithinRel(-1000.0, 1e-12));
    CHECK_THAT(p[0].initialMargin, WithinRel(3000.0, 1e-12));
    CHECK_THAT(p[0].maintenanceMargin, WithinRel(290.0, 1e-12));
    CHECK_THAT(p[1].unrealizedPnl, WithinRel(-100.0, 1e-12));
    CHECK_THAT(p[1].initialMargin, WithinRel(300.0, 1e-12));
    CHECK_THAT(p[1].maintenanceMargin, WithinRel(61.0, 1e-12));
    // The parts sum to the account's margins (3,300 and 351).
    CHECK_THAT(r.value->account.initialMargin, WithinRel(3300.0, 1e-12));
    CHECK_THAT(r.value->account.maintenanceMargin, WithinRel(351.0, 1e-12));
    AccountResult explained = *r.value;
    explain(a, {}, explained);
    const auto found = std::find_if(explained.steps.begin(), explained.steps.end(),
                                    [](const Step& x) { return x.field == "account.positions[1].maintenanceMargin"; });
    REQUIRE(found != explained.steps.end());
    CHECK(found->code == "account.positionMaintenanceMargin");
    CHECK(found->substituted == "61 x 1");
    CHECK_THAT(*found->value, WithinRel(61.0, 1e-12));
  }
}

TEST_CASE("account: each position's part by hand, Deribit standard", "[account][positions]") {
  // Hand calculation (Deribit standard margin, VENUES-PM.md / options.cpp deribitNumbers and futures):
  //   BTC at 60,000; futuresSizeRate 0.00005.
  //   Linear future settling in USDT (price 1), long 2 x 1 @ 59,000: size 2 BTC; PnL 2 x (60,000 - 59,000)
  //     = 2,000; IM rate 0.02 + 2 x 0.00005 = 0.0201, IM 0.0201 x 2 x 60,000 = 2,412; MM rate 0.0101,
  //     MM 0.0101 x 2 x 60,000 = 1,212.
  //   Inverse short call settling in BTC (price 60,000), strike 90,000, 0.1 years, volatility 1%: so far
  //     out of the money (d1 about -128) that its Black-76 price is 0. PnL -2 x (0 - 0.01) = 0.02 BTC
  //     = 1,200; OTM 30,000, base max(0.15 - 30,000 / 60,000, 0.1) = 0.1, IM 2 x 0.1 = 0.2 BTC = 12,000;
  //     MM 2 x 0.075 = 0.15 BTC = 9,000.
  Account a{.margin = AccountMargin::DeribitStandard};
  a.collateral = {{.asset = "USDT", .balance = 10000, .price = 1}, {.asset = "BTC", .balance = 1, .price = 60000, .haircut = 0.05}};
  a.underlyings = {{.name = "BTC", .price = 60000, .futuresSizeRate = 0.00005}};
  a.futures = {{.underlying = "BTC", .settlementAsset = "USDT", .symbol = "BTC-PERP", .quantity = 2, .entryPrice = 59000}};
  OptionPosition call{.type = OptionType::Call, .strike = 90000, .expiryYears = 0.1, .side = Side::Short, .quantity = 2, .premium = 0.01,
                      .volatility = 0.01};
  a.options = {{.underlying = "BTC", .settlementAsset = "BTC", .contract = Contract::Inverse, .option = call}};
  const Result<AccountResult> r = evaluateAccount(a);
  REQUIRE(r);
  const std::vector<PositionContribution>& p = r.value->account.positions;
  REQUIRE(p.size() == 2);
  CHECK((p[0].kind == "future" && p[1].kind == "option" && p[1].index == 0 && p[1].settlementAsset == "BTC"));
  CHECK_THAT(p[0].unrealizedPnl, WithinRel(2000.0, 1e-12));
  CHECK_THAT(p[0].initialMargin, WithinRel(2412.0, 1e-12));
  CHECK_THAT(p[0].maintenanceMargin, WithinRel(1212.0, 1e-12));
  CHECK_THAT(p[1].unrealizedPnl, WithinRel(1200.0, 1e-12));
  CHECK_THAT(p[1].initialMargin, WithinRel(12000.0, 1e-12));
  CHECK_THAT(p[1].maintenanceMargin, WithinRel(9000.0, 1e-12));
  CHECK_THAT(r.value->account.initialMargin, WithinRel(14412.0, 1e-12));
  CHECK_THAT(r.value->account.maintenanceMargin, WithinRel(10212.0, 1e-12));
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

namespace {

const AccountRules& venuePack(AccountVenue v, bool unverified = false) {
  static const std::vector<AccountRules> verified = accountVenues(false), all = accountVenues(true);
  for (const AccountRules& r : unverified ? all : verified)
    if (r.venue == v) return r;
  FAIL("no pack");
  return verified.front();
}

AccountView viewOf(const Account& a) {
  const Result<AccountResult> r = evaluateAccount(a);
  INFO((r.errors.empty() ? std::string() : r.errors[0].path + ": " + r.errors[0].message));
  REQUIRE(r);
  return r.value->account;
}

/// One linear perpetual on `u`, settling in `asset`, with a one-row tier table (MMR `mmr`, no amount).
Account withPerp(Account a, std::string u, std::string asset, std::string symbol, Side side, double qty, double entry,
                 std::optional<double> mark, double mmr, Contract contract = Contract::Linear, double size = 1) {
  a.futures.push_back({.underlying = u, .settlementAsset = asset, .symbol = symbol, .contract = contract, .contractSize = size,
                       .side = side, .quantity = qty, .entryPrice = entry, .markPrice = mark});
  a.tiers[symbol] = {Tier{.notionalCap = 1e12, .maxLeverage = 100, .maintenanceMarginRate = mmr, .maintenanceAmount = 0}};
  return a;
}

}  // namespace

TEST_CASE("account venues: tiered collateral by hand and VENUES-PM.md examples", "[account][venue]") {
  // BPM-1 [PUB] (Binance FAQ 4bec9126c021472285b20874f9380dfb), the unverified Binance pack's BTC tiers:
  // 6,000 BTC at 20,000 = 120M; 100M x 1 + 20M x 0.975 = 119,500,000 USDT.
  Account bpm1{.venue = venuePack(AccountVenue::BinanceUnified, true)};
  bpm1.collateral = {{.asset = "BTC", .balance = 6000, .price = 20000}};
  const AccountView b1 = viewOf(bpm1);
  CHECK_THAT(b1.collateralValue, WithinRel(119500000.0, 1e-12));
  CHECK(*b1.assets[0].tier == 1);
  // The verified pack has no BTC tiers: the asset's own flat haircut (0) counts it in full.
  bpm1.venue = venuePack(AccountVenue::BinanceUnified);
  CHECK_THAT(viewOf(bpm1).collateralValue, WithinRel(120000000.0, 1e-12));

  // BUA-3 [DERIVED], Bybit's illustrative BTC tiers, 25 BTC at 100,000 + 10,000 USDT:
  // progressive 10 x 0.98 + 10 x 0.95 + 5 x 0.90 = 23.8 BTC -> 2,380,000 + 10,000 = 2,390,000;
  // whole balance at tier 3: 25 x 0.9 = 22.5 BTC -> 2,250,000 + 10,000 = 2,260,000.
  Account bua3{.venue = venuePack(AccountVenue::BybitUnified)};
  bua3.collateral = {{.asset = "BTC", .balance = 25, .price = 100000}, {.asset = "USDT", .balance = 10000, .price = 1}};
  const AccountView b3 = viewOf(bua3);
  CHECK_THAT(b3.collateralValue, WithinRel(2390000.0, 1e-12));
  CHECK(*b3.assets[0].tier == 2);
  CHECK_THAT(b3.assets[0].haircut, WithinRel(1 - 23.8 / 25, 1e-12));
  bua3.venue->progressive = false;
  CHECK_THAT(viewOf(bua3).collateralValue, WithinRel(2260000.0, 1e-12));

  // OPM-2 [PUB tiers, DERIVED sum], OKX BETH discount tiers (USD value): 5M USD of BETH ->
  // 2M x 0.95 + 2M x 0.85 + 1M x 0.5 = 4,100,000.
  Account opm2{.venue = venuePack(AccountVenue::OkxMultiCurrency)};
  opm2.collateral = {{.asset = "BETH", .balance = 2000, .price = 2500}};
  CHECK_THAT(viewOf(opm2).collateralValue, WithinRel(4100000.0, 1e-12));

  // DPM-5 [DERIVED from PUB-3P], the Deribit pack: 10,000 each of USDe, USDT, USDC -> 29,300 for IM; the
  // MM side 29,300 by default (haircut on both sides), 30,000 with the unverified IM-only reading.
  Account dpm5{.venue = venuePack(AccountVenue::DeribitCross)};
  dpm5.collateral = {{.asset = "USDe", .balance = 10000, .price = 1}, {.asset = "USDT", .balance = 10000, .price = 1},
                     {.asset = "USDC", .balance = 10000, .price = 1}};
  CHECK_THAT(viewOf(dpm5).venue.collateralInitial, WithinRel(29300.0, 1e-12));
  CHECK_THAT(viewOf(dpm5).venue.collateralMaintenance, WithinRel(29300.0, 1e-12));
  dpm5.venue = venuePack(AccountVenue::DeribitCross, true);
  CHECK_THAT(viewOf(dpm5).venue.collateralMaintenance, WithinRel(30000.0, 1e-12));

  // Every shipped pack is valid as it stands (its source and date within the 64-character text limit).
  for (bool unverified : {false, true})
    for (const AccountRules& r : accountVenues(unverified)) {
      Account only{.venue = r};
      only.collateral = {{.asset = "USDC", .balance = 1, .price = 1}};
      CHECK(validate(only).empty());
    }
  // Hyperliquid USDC cross: only USDC counts.
  Account hl{.venue = venuePack(AccountVenue::HyperliquidCross)};
  hl.collateral = {{.asset = "USDC", .balance = 1000, .price = 1}, {.asset = "BTC", .balance = 1, .price = 60000}};
  CHECK(viewOf(hl).collateralValue == 1000);
}

TEST_CASE("account venues: Binance uniMMR of the PM Pro example (BPM-2, BPM-3)", "[account][venue]") {
  // BPM-2 [PUB inputs] / BPM-3 [DERIVED, ETH 3,000 and ratios 0.95 assumed]: USDT 1,000 + UM wallet 5,000;
  // BTC 0.1 margin asset - 0.04 loan + 0.1 CM wallet = 0.16 net, loan 0.04; ETH 20 - 15 = 5, loan 15.
  // UM: BTCUSDT short 0.05 @52,000 mark 40,000 (uPnL +600, MM 10); BTCUSDT_20220624 long 0.04 @52,350 mark
  // 42,000 (uPnL -414, MM 8.4). CM: BTCUSD long 10,000 USD (100 x 100) @50,000 mark 40,000: uPnL -0.05 BTC,
  // MM 0.00125 BTC. Loans: 0.004 BTC, 1.5 ETH (10%). Equity USDT 6,186; BTC 0.11 x 40,000 x 0.95 = 4,180;
  // ETH 5 x 3,000 x 0.95 = 14,250 -> 24,616; MM 10 + 8.4 + 50 + 160 + 4,500 = 4,728.4; uniMMR 5.2060...
  Account a{.rules = Rules::Binance, .venue = venuePack(AccountVenue::BinanceUnified)};
  a.collateral = {{.asset = "USDT", .balance = 6000, .price = 1},
                  {.asset = "BTC", .balance = 0.16, .price = 40000, .haircut = 0.05, .loan = 0.04},
                  {.asset = "ETH", .balance = 5, .price = 3000, .haircut = 0.05, .loan = 15}};
  a.underlyings = {{.name = "BTC", .price = 40000}};
  a = withPerp(a, "BTC", "USDT", "BTCUSDT", Side::Short, 0.05, 52000, std::nullopt, 0.005);
  a = withPerp(a, "BTC", "USDT", "BTCUSDT_20220624", Side::Long, 0.04, 52350, 42000.0, 0.005);
  a = withPerp(a, "BTC", "BTC", "BTCUSD", Side::Long, 100, 50000, std::nullopt, 0.005, Contract::Inverse, 100);
  const AccountView v = viewOf(a);
  CHECK_THAT(v.assets[0].unrealizedPnl, WithinRel(186.0, 1e-12));
  CHECK_THAT(v.assets[1].unrealizedPnl, WithinRel(-0.05, 1e-12));
  CHECK_THAT(v.assets[1].maintenanceMargin, WithinRel(0.00125, 1e-12));
  CHECK_THAT(v.venue.loanMaintenance, WithinRel(4660.0, 1e-12));
  CHECK_THAT(v.venue.collateralMaintenance, WithinRel(24616.0, 1e-12));
  CHECK_THAT(v.venue.maintenanceMargin, WithinRel(4728.4, 1e-12));
  CHECK_THAT(*v.venue.marginRatio, WithinRel(24616.0 / 4728.4, 1e-12));
  CHECK(v.venue.zone == "normal");
  CHECK(v.venue.collateralOverMargin);
}

TEST_CASE("account venues: ratios, zones and liquidation prices by hand (BUA-4, OPM-3)", "[account][venue][liquidation]") {
  // BUA-4 [DERIVED]: margin balance 50,000 USDT, MM 12,500 -> MM rate 25%. Long 12.5 BTCUSDT at 100,000
  // (mark = entry), MMR 1%: MM = 0.01 x 1,250,000 = 12,500. Liquidation when 50,000 + 12.5 (P - 100,000)
  // = 0.01 x 12.5 P: P = (1,250,000 - 50,000) / (12.5 x 0.99) = 96,969.69696...
  Account a{.rules = Rules::Binance, .venue = venuePack(AccountVenue::BybitUnified)};
  a.collateral = {{.asset = "USDT", .balance = 50000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 100000}};
  a = withPerp(a, "BTC", "USDT", "BTCUSDT", Side::Long, 12.5, 100000, std::nullopt, 0.01);
  a.futures[0].leverage = 100;
  const AccountView v = viewOf(a);
  CHECK_THAT(*v.venue.marginRatio, WithinRel(0.25, 1e-12));
  CHECK(v.venue.zone == "normal");
  REQUIRE(v.liquidation.size() == 1);
  REQUIRE(v.liquidation[0].below);
  CHECK_THAT(*v.liquidation[0].below, WithinRel(1200000.0 / 12.375, 1e-14));
  CHECK_FALSE(v.liquidation[0].above);
  // Polished to adjacent doubles: the headroom is <= 0 at the price and > 0 one double above.
  Account at = a, next = a;
  at.underlyings[0].price = *v.liquidation[0].below;
  next.underlyings[0].price = std::nextafter(*v.liquidation[0].below, 1e9);
  CHECK(viewOf(at).venue.headroom <= 0);
  CHECK(viewOf(next).venue.headroom > 0);
  CHECK(viewOf(at).venue.zone == "liquidation");
  // One factor (USDT beta 0, BTC beta 1): the same move.
  a.collateral[0].beta = 0;
  REQUIRE(viewOf(a).oneFactor.moveDown);
  CHECK_THAT(*viewOf(a).oneFactor.moveDown, WithinRel(1200000.0 / 12.375 / 100000 - 1, 1e-12));

  // OPM-3 [DERIVED, discount 0.97 assumed]: 100,000 USDT + 1 BTC at 95,000 (discount 0.97); MM 16,875
  // (a BTCUSDT long of 16.875 at 100,000 marked 100,000, MMR 1%): adjEq 192,150, ratio 11.387 (1,138.7%).
  Account o{.rules = Rules::Binance, .venue = venuePack(AccountVenue::OkxMultiCurrency)};
  o.venue->collateral.push_back({.asset = "BTC", .bands = {{0, 0.97}}});
  o.collateral = {{.asset = "USDT", .balance = 100000, .price = 1}, {.asset = "BTC", .balance = 1, .price = 95000}};
  o.underlyings = {{.name = "ETH", .price = 100000}};
  o = withPerp(o, "ETH", "USDT", "ETHUSDT", Side::Long, 16.875, 100000, std::nullopt, 0.01);
  o.futures[0].leverage = 100;
  const AccountView ov = viewOf(o);
  CHECK_THAT(ov.venue.collateralMaintenance, WithinRel(192150.0, 1e-12));
  CHECK_THAT(*ov.venue.marginRatio, WithinRel(192150.0 / 16875, 1e-12));
  CHECK(ov.venue.zone == "normal");
  o.venue->warning = 12;  // above the ratio: OKX's warning level, moved
  CHECK(viewOf(o).venue.zone == "warning");
}

TEST_CASE("account: wrong-way collateral and the one-factor move by hand", "[account][liquidation]") {
  // 1 BTC collateral at 50,000 behind a long 1 BTCUSDT at 50,000 (USDT balance 0, MMR 1%). BTC at P moves
  // the collateral too: collateral = P + (P - 50,000) (USDT negative, in full), MM = 0.01 P; liquidation
  // at 1.99 P = 50,000: P = 25,125.628140703517...
  Account a{.rules = Rules::Binance};
  a.collateral = {{.asset = "BTC", .balance = 1, .price = 50000}, {.asset = "USDT", .balance = 0, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 50000}};
  a = withPerp(a, "BTC", "USDT", "BTCUSDT", Side::Long, 1, 50000, std::nullopt, 0.01);
  a.futures[0].leverage = 100;
  const AccountView v = viewOf(a);
  REQUIRE(v.liquidation[0].below);
  CHECK_THAT(*v.liquidation[0].below, WithinRel(50000 / 1.99, 1e-14));
  CHECK_THAT(*v.liquidation[0].moveBelow, WithinRel(1 / 1.99 - 1, 1e-12));
  // All at beta 1, USDT falls with BTC: headroom = 49,500 (1 + m)^2, no crossing above m = -1.
  CHECK_FALSE(v.oneFactor.moveDown);
  CHECK_FALSE(v.oneFactor.moveUp);
  // USDT at beta 0: 50,000 (1 + m) + 50,000 m - 500 (1 + m) = 0 at m = -49,500 / 99,500.
  a.collateral[1].beta = 0;
  const AccountView w = viewOf(a);
  REQUIRE(w.oneFactor.moveDown);
  CHECK_THAT(*w.oneFactor.moveDown, WithinRel(-49500.0 / 99500, 1e-12));
  CHECK_FALSE(w.oneFactor.moveUp);

  // MNG-1 [DERIVED] (Mango v4): 10 SOL at 150, weight 0.9; -1,000 USDC (beta 0). Maintenance health
  // 1,350 (1 + m) - 1,000 = 0 at m = 1,000 / 1,350 - 1 = -0.259259... (SOL 111.11).
  Account m;
  m.collateral = {{.asset = "SOL", .balance = 10, .price = 150, .haircut = 0.1}, {.asset = "USDC", .balance = -1000, .price = 1, .beta = 0}};
  const AccountView mv = viewOf(m);
  REQUIRE(mv.oneFactor.moveDown);
  CHECK_THAT(*mv.oneFactor.moveDown, WithinRel(1000.0 / 1350 - 1, 1e-12));
  CHECK(mv.venue.headroom == 350);
}

TEST_CASE("account venues: errors at their paths", "[account][venue][validate]") {
  Account a{.venue = AccountRules{.collateral = {{.asset = "BTC", .bands = {{1, 0.9}, {0.5, 1.5}}}, {.asset = "ETH"}},
                                  .otherRatio = -1, .warning = 0, .liquidation = std::nan("")}};
  a.collateral = {{.asset = "BTC", .balance = 1, .price = 1, .loan = -1, .beta = 50}};
  const std::vector<InputError> e = validate(a);
  const auto rule = [&](std::string_view path) { return errorAt(e, path) ? *errorAt(e, path) : std::string("none"); };
  CHECK(rule("venue.collateral[0].bands[0].from") == "accountBandStart");
  CHECK(rule("venue.collateral[0].bands[1].from") == "accountBandOrder");
  CHECK(rule("venue.collateral[0].bands[1].ratio") == "accountHaircut");
  CHECK(rule("venue.collateral[1].bands") == "empty");
  CHECK(rule("venue.otherRatio") == "accountHaircut");
  CHECK(rule("venue.warning") == "accountLevel");
  CHECK(rule("venue.liquidation") == "notFinite");
  CHECK(rule("collateral[0].loan") == "mustBeNonNegative");
  CHECK(rule("collateral[0].beta") == "accountBeta");
  for (const InputError& x : e) CHECK(x.message.find(x.path) != std::string::npos);
  // A level as small as a double goes (found by the fuzzer): MM / level was -inf headroom; refused.
  Account tiny{.venue = AccountRules{.noNewOrders = 1e-10, .liquidation = std::numeric_limits<double>::min()}};
  tiny.collateral = {{.asset = "BTC", .balance = 1, .price = 1}};
  const std::vector<InputError> t = validate(tiny);
  REQUIRE(errorAt(t, "venue.liquidation"));
  CHECK(*errorAt(t, "venue.liquidation") == "accountLevel");
  REQUIRE(errorAt(t, "venue.noNewOrders"));
  CHECK(*errorAt(t, "venue.noNewOrders") == "accountLevel");
}

TEST_CASE("account boundary: two linear perpetuals give a straight line", "[account][boundary]") {
  // Hand calculation: 20,000 USDT; long 10 ETHUSDT and long 1 BTCUSDT at their marks (3,000, 60,000), MMR
  // 1% (one tier row), the generic rule (liquidation when MM = collateral). With relative moves x (ETH)
  // and y (BTC): headroom = 20,000 + 30,000 x + 60,000 y - 0.01 (30,000 (1 + x) + 60,000 (1 + y))
  // = 29,700 x + 59,400 y + 19,100. Boundary: 29,700 x + 59,400 y = -19,100, nearest point to (0, 0):
  // -19,100 (29,700, 59,400) / (29,700^2 + 59,400^2).
  Account a{.rules = Rules::Binance};
  a.collateral = {{.asset = "USDT", .balance = 20000, .price = 1}};
  a.underlyings = {{.name = "ETH", .price = 3000}, {.name = "BTC", .price = 60000}};
  a = withPerp(a, "ETH", "USDT", "ETHUSDT", Side::Long, 10, 3000, std::nullopt, 0.01);
  a = withPerp(a, "BTC", "USDT", "BTCUSDT", Side::Long, 1, 60000, std::nullopt, 0.01);
  for (AccountFuture& f : a.futures) f.leverage = 50;
  const BoundaryRequest q{.x = {.asset = "ETH", .from = -0.9, .to = 0.3}, .y = {.asset = "BTC", .from = -0.6, .to = 0.3}, .n = 31};
  const Result<BoundaryResult> r = accountBoundary(a, q);
  REQUIRE(r);
  const BoundaryResult& b = *r.value;
  const auto line = [](double x, double y) { return 29700 * x + 59400 * y + 19100; };
  REQUIRE(b.xs.size() == 31);
  CHECK(b.xs.front() == -0.9);
  CHECK(b.ys.back() == 0.3);
  CHECK_THAT(b.headroom[0][0], WithinRel(line(-0.9, -0.6), 1e-12));
  CHECK_THAT(b.headroom[30][12], WithinRel(line(b.xs[12], 0.3), 1e-12));
  CHECK_THAT(b.todayHeadroom, WithinRel(19100.0, 1e-12));
  REQUIRE(b.lines.size() == 1);
  CHECK(b.lines[0].x.size() > 30);
  for (std::size_t k = 0; k < b.lines[0].x.size(); ++k) CHECK(std::abs(line(b.lines[0].x[k], b.lines[0].y[k])) / 59400 < 1e-12);
  const double d2 = 29700.0 * 29700 + 59400.0 * 59400;
  REQUIRE(b.nearest);
  CHECK(std::abs(b.nearest->x - (-19100 * 29700 / d2)) < 1e-9);
  CHECK(std::abs(b.nearest->y - (-19100 * 59400 / d2)) < 1e-9);
  CHECK(std::abs(*b.distance - 19100 / std::sqrt(d2)) < 1e-9);
  BoundaryResult explained = b;
  explain(a, q, explained);
  CHECK(explained.steps.size() == 4);
  CHECK(explained.steps[3].value == b.distance);
  CHECK(explained.headroom == b.headroom);

  // Errors at their paths.
  const BoundaryRequest bad{.x = {.asset = "SOL", .from = -1, .to = 0.3}, .y = {.asset = "SOL"}, .n = 202};
  const Result<BoundaryResult> e = accountBoundary(a, bad);
  CHECK(*errorAt(e.errors, "request.x.asset") == "accountAxisAsset");
  CHECK(*errorAt(e.errors, "request.x") == "accountAxisRange");
  CHECK(*errorAt(e.errors, "request.y.asset") == "accountAxisAsset");
  CHECK(*errorAt(e.errors, "request.n") == "whole");
}

namespace {

/// The volatility at which Black-76 (forward = U: rate 0) prices the option at `mark`, quote per coin.
double volatilityFor(OptionType type, double strike, double u, double years, double mark) {
  const Result<ImpliedVolatility> iv = impliedVolatility(type, strike, u, years, mark);
  REQUIRE(iv);
  REQUIRE(iv.value->volatility);
  return *iv.value->volatility;
}

AccountOption bybitOption(OptionType type, Side side, double strike, double qty, double premium, double u, double mark) {
  constexpr double kYears = 14.0 / 365;
  return {.underlying = "BTC", .settlementAsset = "USDC", .contract = Contract::Linear,
          .option = {.type = type, .strike = strike, .expiryYears = kYears, .side = side, .quantity = qty, .premium = premium,
                     .volatility = volatilityFor(type, strike, u, kYears, mark)}};
}

}  // namespace

TEST_CASE("account venues: Bybit UTA cross option margin (BUA-1) and a hand case", "[account][venue][options]") {
  // BUA-1 [PUB] (VENUES-PM.md 3.3; Bybit help "Comparison of Spread Strategies"): sell 1
  // BTC-22JUL22-18500-P, U = 20,250, mark 290, entry 280:
  //   MM = 607.5 + 290 + 40.5 = 938 USDC; IM = max(max(3,037.5 - 1,750, 2,025) + 290, 938) = 2,315 USDC.
  // The mark is version 2's Black-76 price at the volatility that prices the put at 290 (rate 0).
  Account a{.margin = AccountMargin::Tiers, .venue = venuePack(AccountVenue::BybitUnified)};
  a.collateral = {{.asset = "USDC", .balance = 10000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 20250}};
  a.options = {bybitOption(OptionType::Put, Side::Short, 18500, 1, 280, 20250, 290)};
  const AccountView v = viewOf(a);
  REQUIRE(v.positions.size() == 1);
  CHECK(v.positions[0].kind == "option");
  CHECK_THAT(v.positions[0].maintenanceMargin, WithinRel(938.0, 1e-9));
  CHECK_THAT(v.positions[0].initialMargin, WithinRel(2315.0, 1e-9));
  // Cross margin balance = wallet balance (with the 280 received) + perpetual/futures UPL: no option value.
  CHECK_THAT(v.positions[0].unrealizedPnl, WithinRel(280.0, 1e-12));
  CHECK_THAT(v.venue.collateralMaintenance, WithinRel(10280.0, 1e-12));
  CHECK_THAT(*v.venue.marginRatio, WithinRel(938.0 / 10280, 1e-9));

  // Hand case, same rules: U = 20,250.
  //   Sell 2 calls K = 22,000, mark 150, entry 160: OTM = 22,000 - 20,250 = 1,750;
  //     MM per coin = max(0.03 x 20,250, 0.03 x 150) + 150 + 0.002 x 20,250 = 607.5 + 150 + 40.5 = 798, x 2 = 1,596;
  //     IM per coin = max(max(3,037.5 - 1,750, 2,025) + max(160, 150), 798) = 2,025 + 160 = 2,185, x 2 = 4,370;
  //     premium received 2 x 160 = 320.
  //   Buy 3 puts K = 19,000, mark 100, paid 120: no margin; premium paid 3 x 120 = 360.
  //   Margin balance 10,000 + 320 - 360 = 9,960; IM 4,370; MM 1,596; MM rate 1,596 / 9,960.
  Account h = a;
  h.options = {bybitOption(OptionType::Call, Side::Short, 22000, 2, 160, 20250, 150),
               bybitOption(OptionType::Put, Side::Long, 19000, 3, 120, 20250, 100)};
  const AccountView w = viewOf(h);
  REQUIRE(w.positions.size() == 2);
  CHECK_THAT(w.positions[0].maintenanceMargin, WithinRel(1596.0, 1e-9));
  CHECK_THAT(w.positions[0].initialMargin, WithinRel(4370.0, 1e-9));
  CHECK_THAT(w.positions[0].unrealizedPnl, WithinRel(320.0, 1e-12));
  CHECK(w.positions[1].maintenanceMargin == 0);
  CHECK(w.positions[1].initialMargin == 0);
  CHECK_THAT(w.positions[1].unrealizedPnl, WithinRel(-360.0, 1e-12));
  CHECK_THAT(w.initialMargin, WithinRel(4370.0, 1e-9));
  CHECK_THAT(w.maintenanceMargin, WithinRel(1596.0, 1e-9));
  CHECK_THAT(w.venue.collateralMaintenance, WithinRel(9960.0, 1e-12));
  CHECK_THAT(*w.venue.marginRatio, WithinRel(1596.0 / 9960, 1e-9));

  // BUA-1's short put: the account's liquidation price below is where MM (at the put's mark there)
  // meets the margin balance, 10,280.
  REQUIRE(v.liquidation.size() == 1);
  REQUIRE(v.liquidation[0].below);
  Account at = a;
  at.underlyings[0].price = *v.liquidation[0].below;
  CHECK_THAT(viewOf(at).maintenanceMargin, WithinRel(10280.0, 1e-9));
}

TEST_CASE("account venues: options under tiers need Bybit UTA's option rules", "[account][venue][options][validate]") {
  // Tiers margin has option rules only under the Bybit UTA rule set: with no venue, generic, Binance,
  // OKX, Deribit cross and Hyperliquid the options stay an error at their paths.
  Account a{.margin = AccountMargin::Tiers};
  a.collateral = {{.asset = "USDC", .balance = 10000, .price = 1}};
  a.underlyings = {{.name = "BTC", .price = 20250}};
  a.options = {bybitOption(OptionType::Put, Side::Short, 18500, 1, 280, 20250, 290)};
  CHECK(*errorAt(validate(a), "options[0]") == "accountOptionsNeedDeribit");
  for (AccountVenue venue : {AccountVenue::Generic, AccountVenue::BinanceUnified, AccountVenue::OkxMultiCurrency,
                             AccountVenue::DeribitCross, AccountVenue::HyperliquidCross}) {
    a.venue = venuePack(venue);
    CHECK(*errorAt(validate(a), "options[0]") == "accountOptionsNeedDeribit");
  }
  a.venue = venuePack(AccountVenue::BybitUnified);
  CHECK(validate(a).empty());
  // Version 2's checks of the option, at the account's path.
  a.options[0].option.strike = -1;
  CHECK(*errorAt(validate(a), "options[0].strike") == "mustBePositive");
}
