// SPDX-License-Identifier: MIT
// Tier tables (tiers.h): validation by path and code, default amounts, lookup, shipped tables.
#include <limits>

#include "support.h"

using namespace mltest;

namespace {

const Profile& binance() { return profileFor(Rules::Binance); }
const Profile& hyperliquid() { return profileFor(Rules::Hyperliquid); }

std::string describe(const std::vector<InputError>& errors) {
  std::string out;
  for (const InputError& e : errors)
    out += e.path + " [" + std::string(toString(e.code)) + "] " + e.message + "\n";
  return out;
}

/// Requires exactly one error, at `path` with `code`.
InputError onlyError(const TierTable& table, const Profile& profile, const std::string& path, ErrorCode code) {
  const auto errors = validateTierTable(table, profile, "tiers.X");
  INFO(describe(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == path);
  CHECK(errors[0].code == code);
  return errors[0];
}

/// Requires an error at `path` with `code` (other errors may come with it).
void reports(const TierTable& table, const Profile& profile, const std::string& path, ErrorCode code) {
  const auto errors = validateTierTable(table, profile, "tiers.X");
  INFO(describe(errors));
  CHECK(hasError(errors, path, code));
}

/// Three rows, rates only: caps 1,000 / 5,000 / 20,000, MMR 1% / 2% / 5%, max 50x / 20x / 10x.
TierTable threeRows() {
  return {Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01},
          Tier{.notionalCap = 5'000, .maxLeverage = 20, .maintenanceMarginRate = 0.02},
          Tier{.notionalCap = 20'000, .maxLeverage = 10, .maintenanceMarginRate = 0.05}};
}

}  // namespace

TEST_CASE("validateTierTable: a valid table has no errors", "[tiers]") {
  CHECK(validateTierTable(threeRows(), binance(), "tiers.X").empty());
  TierTable t = threeRows();
  t[1].maintenanceAmount = 10;  // exactly floor * rate_prev: allowed
  t[2].maintenanceAmount = 160;
  CHECK(validateTierTable(t, binance(), "tiers.X").empty());
  t[1].maintenanceAmount = 20;  // = floor * rate = 1,000 x 2%: the largest allowed
  CHECK(validateTierTable(t, binance(), "tiers.X").empty());
}

TEST_CASE("validateTierTable: caps must be strictly ascending", "[tiers]") {
  TierTable t = threeRows();
  t[1].notionalCap = 500;  // below row 0's 1,000
  const InputError e = onlyError(t, binance(), "tiers.X[1].notionalCap", ErrorCode::Unsorted);
  CHECK_THAT(e.message, Catch::Matchers::Contains("500"));
  CHECK_THAT(e.message, Catch::Matchers::Contains("1000"));
  t[1].notionalCap = 1'000;  // duplicate cap: overlapping rows
  onlyError(t, binance(), "tiers.X[1].notionalCap", ErrorCode::Unsorted);
}

TEST_CASE("validateTierTable: empty table, too many rows, bad caps", "[tiers]") {
  onlyError({}, binance(), "tiers.X", ErrorCode::Empty);

  TierTable many;
  for (std::size_t i = 0; i <= kMaxTierRows; ++i)
    many.push_back(Tier{.notionalCap = 1'000.0 * static_cast<double>(i + 1), .maxLeverage = 10, .maintenanceMarginRate = 0.01});
  onlyError(many, binance(), "tiers.X", ErrorCode::TooMany);
  many.pop_back();
  CHECK(validateTierTable(many, binance(), "tiers.X").empty());

  TierTable t = threeRows();
  t[0].notionalCap = std::numeric_limits<double>::quiet_NaN();  // row 1 is not compared with NaN
  onlyError(t, binance(), "tiers.X[0].notionalCap", ErrorCode::NotFinite);
  t = threeRows();
  t[0].notionalCap = 0;
  onlyError(t, binance(), "tiers.X[0].notionalCap", ErrorCode::NotPositive);
}

TEST_CASE("validateTierTable: maintenanceMarginRate", "[tiers]") {
  // Missing: required by binance, derived by hyperliquid as 1 / (2 maxLeverage).
  TierTable t = threeRows();
  t[1].maintenanceMarginRate.reset();
  reports(t, binance(), "tiers.X[1].maintenanceMarginRate", ErrorCode::Missing);
  const auto missing = validateTierTable(t, binance(), "tiers.X");
  REQUIRE_FALSE(missing.empty());
  CHECK_THAT(missing.front().message, Catch::Matchers::Contains("binance"));
  const TierTable hl = {Tier{.notionalCap = 1e6, .maxLeverage = 40}, Tier{.notionalCap = 1e12, .maxLeverage = 20}};
  CHECK(validateTierTable(hl, hyperliquid(), "tiers.X").empty());
  CHECK_FALSE(validateTierTable(hl, binance(), "tiers.X").empty());

  t = threeRows();
  t[2].maintenanceMarginRate = 1;  // rate >= 1
  onlyError(t, binance(), "tiers.X[2].maintenanceMarginRate", ErrorCode::OutOfRange);
  t[2].maintenanceMarginRate = -0.01;
  onlyError(t, binance(), "tiers.X[2].maintenanceMarginRate", ErrorCode::OutOfRange);
  t[2].maintenanceMarginRate = std::numeric_limits<double>::infinity();
  onlyError(t, binance(), "tiers.X[2].maintenanceMarginRate", ErrorCode::NotFinite);

  t = threeRows();
  t[1].maintenanceMarginRate = 0.005;  // below row 0's 1%: larger notionals need more margin
  const InputError d = onlyError(t, binance(), "tiers.X[1].maintenanceMarginRate", ErrorCode::OutOfRange);
  CHECK_THAT(d.message, Catch::Matchers::Contains("0.005"));
  CHECK_THAT(d.message, Catch::Matchers::Contains("0.01"));
}

TEST_CASE("validateTierTable: maxLeverage", "[tiers]") {
  TierTable t = threeRows();
  t[1].maxLeverage = 75;  // above row 0's 50: larger notionals allow less leverage
  const InputError e = onlyError(t, binance(), "tiers.X[1].maxLeverage", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("75"));
  CHECK_THAT(e.message, Catch::Matchers::Contains("50"));
  t = threeRows();
  t[0].maxLeverage = 0.5;  // reported once: row 1's 20 is not compared with the bad 0.5
  onlyError(t, binance(), "tiers.X[0].maxLeverage", ErrorCode::OutOfRange);
  t[0].maxLeverage = 1001;
  onlyError(t, binance(), "tiers.X[0].maxLeverage", ErrorCode::OutOfRange);
  t[0].maxLeverage = std::numeric_limits<double>::quiet_NaN();
  onlyError(t, binance(), "tiers.X[0].maxLeverage", ErrorCode::NotFinite);
}

TEST_CASE("validateTierTable: maintenanceAmount", "[tiers]") {
  // Row 1 covers (1,000, 5,000] at 2%: MM at its floor is 20, so the amount may not exceed 20.
  TierTable t = threeRows();
  t[1].maintenanceAmount = 25;
  const InputError e = onlyError(t, binance(), "tiers.X[1].maintenanceAmount", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("25"));
  CHECK_THAT(e.message, Catch::Matchers::Contains("1000"));
  // Row 0's floor is 0: any positive amount would make MM negative near zero notional.
  t = threeRows();
  t[0].maintenanceAmount = 1;
  onlyError(t, binance(), "tiers.X[0].maintenanceAmount", ErrorCode::OutOfRange);
  t = threeRows();
  t[1].maintenanceAmount = -1;
  onlyError(t, binance(), "tiers.X[1].maintenanceAmount", ErrorCode::Negative);
  t[1].maintenanceAmount = std::numeric_limits<double>::quiet_NaN();
  onlyError(t, binance(), "tiers.X[1].maintenanceAmount", ErrorCode::NotFinite);
}

TEST_CASE("validateTierTable: every problem in one call", "[tiers]") {
  TierTable t = threeRows();
  t[1].notionalCap = 1'000;            // duplicate
  t[1].maxLeverage = 60;               // increasing
  t[2].maintenanceMarginRate = 0.015;  // decreasing
  const auto errors = validateTierTable(t, binance(), "tiers.BTCUSDT");
  INFO(describe(errors));
  CHECK(errors.size() == 3);
  CHECK(hasError(errors, "tiers.BTCUSDT[1].notionalCap", ErrorCode::Unsorted));
  CHECK(hasError(errors, "tiers.BTCUSDT[1].maxLeverage", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "tiers.BTCUSDT[2].maintenanceMarginRate", ErrorCode::OutOfRange));
}

TEST_CASE("resolveTiers: continuity recurrence, hand-computed", "[tiers]") {
  // amount_n = floor_n (rate_n - rate_{n-1}) + amount_{n-1}:
  //   row 0: 0; row 1: 1,000 x (0.02 - 0.01) + 0 = 10; row 2: 5,000 x (0.05 - 0.02) + 10 = 160.
  for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::Simple, Rules::Hyperliquid}) {
    INFO(toString(rules));
    const auto r = resolveTiers(threeRows(), profileFor(rules));
    REQUIRE(r.size() == 3);
    CHECK(r[0].floor == 0);
    CHECK(r[0].cap == 1'000);
    CHECK(r[1].floor == 1'000);
    CHECK(r[2].floor == 5'000);
    CHECK(r[2].maxLeverage == 10);
    CHECK(r[0].amount == 0);
    CHECK_THAT(r[1].amount, WithinRel(10.0, 1e-12));
    CHECK_THAT(r[2].amount, WithinRel(160.0, 1e-12));
  }
  // A given amount is kept and the recurrence continues from it:
  // row 1 given 5 -> row 2 = 5,000 x (0.05 - 0.02) + 5 = 155.
  TierTable t = threeRows();
  t[1].maintenanceAmount = 5;
  const auto r = resolveTiers(t, binance());
  CHECK(r[1].amount == 5);
  CHECK_THAT(r[2].amount, WithinRel(155.0, 1e-12));
}

TEST_CASE("resolveTiers: binance maintenance margin is continuous at every cap", "[tiers][binance]") {
  const TierTable given = {{10'000, 100, 0.005, std::nullopt},   {100'000, 75, 0.0065, std::nullopt},
                           {500'000, 50, 0.01, std::nullopt},    {1'000'000, 25, 0.02, std::nullopt},
                           {2'000'000, 10, 0.05, std::nullopt},  {5'000'000, 5, 0.10, std::nullopt},
                           {10'000'000, 4, 0.125, std::nullopt}};
  const auto r = resolveTiers(given, binance());
  // Binance's published ETHUSDT cum column (VENUES.md 1.2): 0, 15, 365, 5,365, 35,365, 135,365, 260,365.
  const double published[] = {0, 15, 365, 5'365, 35'365, 135'365, 260'365};
  for (std::size_t i = 0; i < r.size(); ++i) CHECK_THAT(r[i].amount, WithinAbs(published[i], 1e-6));
  for (std::size_t i = 0; i + 1 < r.size(); ++i) {
    const double cap = r[i].cap;
    INFO("cap " << cap);
    CHECK_THAT(cap * r[i].rate - r[i].amount, WithinRel(cap * r[i + 1].rate - r[i + 1].amount, 1e-12));
  }
}

TEST_CASE("resolveTiers: hyperliquid derives the rate from max leverage", "[tiers][hyperliquid]") {
  // MMR = 1 / (2 x 40) = 1.25%, 1 / (2 x 20) = 2.5%; deduction 1e6 x (2.5% - 1.25%) = 12,500.
  const TierTable t = {Tier{.notionalCap = 1e6, .maxLeverage = 40}, Tier{.notionalCap = 1e12, .maxLeverage = 20}};
  const auto r = resolveTiers(t, hyperliquid());
  CHECK_THAT(r[0].rate, WithinRel(0.0125, 1e-15));
  CHECK_THAT(r[1].rate, WithinRel(0.025, 1e-15));
  CHECK(r[0].amount == 0);
  CHECK_THAT(r[1].amount, WithinRel(12'500.0, 1e-12));
}

TEST_CASE("resolveTiers: okx, bitmex and dydx default the amount to 0", "[tiers]") {
  for (Rules rules : {Rules::Okx, Rules::Bitmex, Rules::Dydx}) {
    INFO(toString(rules));
    const auto r = resolveTiers(threeRows(), profileFor(rules));
    REQUIRE(r.size() == 3);
    for (const ResolvedTier& row : r) CHECK(row.amount == 0);
    CHECK(r[2].rate == 0.05);
    // A given amount is still used.
    TierTable t = threeRows();
    t[1].maintenanceAmount = 7;
    CHECK(resolveTiers(t, profileFor(rules))[1].amount == 7);
  }
}

TEST_CASE("tierIndexAt: boundaries", "[tiers]") {
  const auto r = resolveTiers(threeRows(), binance());
  CHECK(tierIndexAt(r, 0) == 0);
  CHECK(tierIndexAt(r, 999.999) == 0);
  CHECK(tierIndexAt(r, 1'000) == 0);  // exactly at a cap: that row
  CHECK(tierIndexAt(r, std::nextafter(1'000.0, 2'000.0)) == 1);
  CHECK(tierIndexAt(r, 5'000) == 1);
  CHECK(tierIndexAt(r, 5'000.5) == 2);
  CHECK(tierIndexAt(r, 20'000) == 2);
  CHECK(tierIndexAt(r, 20'000.01) == 2);  // above the last cap: the last row
  CHECK(tierIndexAt(r, 1e300) == 2);
  const auto one = resolveTiers(flatTier(0.005, 125, 100), binance());
  CHECK(tierIndexAt(one, 50) == 0);
  CHECK(tierIndexAt(one, 500) == 0);
}

TEST_CASE("defaultTierTables: every shipped table is valid under its profile and cited", "[tiers][defaults]") {
  const auto& tables = defaultTierTables();
  REQUIRE_FALSE(tables.empty());
  for (const DefaultTierTable& d : tables) {
    REQUIRE_FALSE(d.symbols.empty());
    const std::string path = "tiers." + d.symbols.front();
    INFO(toString(d.rules) << " " << path);
    const auto errors = validateTierTable(d.tiers, profileFor(d.rules), path);
    INFO(describe(errors));
    CHECK(errors.empty());
    CHECK_FALSE(d.source.empty());
    CHECK_FALSE(d.date.empty());
    CHECK(d.date.size() >= 4);
    for (const std::string& symbol : d.symbols) {
      CHECK_FALSE(symbol.empty());
      CHECK(findDefaultTierTable(d.rules, symbol) != nullptr);
    }
    // Profiles that publish the continuity recurrence ship continuous tables (the given
    // amounts agree with the recurrence within a cent).
    if (profileFor(d.rules).continuousAmounts) {
      const auto r = resolveTiers(d.tiers, profileFor(d.rules));
      for (std::size_t i = 0; i + 1 < r.size(); ++i) {
        INFO("cap " << r[i].cap);
        CHECK_THAT(r[i].cap * r[i].rate - r[i].amount,
                   WithinAbs(r[i].cap * r[i + 1].rate - r[i + 1].amount, 0.01));
      }
    }
  }
  // Every profile but okx ships at least one table; the simple profile covers any symbol.
  for (Rules rules : {Rules::Binance, Rules::Bybit, Rules::BybitUta, Rules::Hyperliquid, Rules::Bitmex,
                      Rules::Dydx, Rules::Simple}) {
    INFO(toString(rules));
    CHECK(std::any_of(tables.begin(), tables.end(), [&](const DefaultTierTable& d) { return d.rules == rules; }));
  }
  CHECK(findDefaultTierTable(Rules::Simple, "ANYTHING") != nullptr);
  CHECK(findDefaultTierTable(Rules::Okx, "BTCUSDT") == nullptr);
  CHECK(findDefaultTierTable(Rules::Binance, "DOGEUSDT") == nullptr);
}

TEST_CASE("validateTierTable: a missing rate is reported once", "[tiers]") {
  // DESIGN.md: every error carries "the path of the field the user must fix", once. A missing
  // maintenanceMarginRate (binance) is Missing, and not also OutOfRange against the previous
  // row with a value the user never gave.
  TierTable t = threeRows();
  t[1].maintenanceMarginRate.reset();
  onlyError(t, binance(), "tiers.X[1].maintenanceMarginRate", ErrorCode::Missing);
}

TEST_CASE("validateTierTable: every message word for word, with its rule and parameters", "[tiers][check]") {
  // The texts validateTierTable wrote before it reported through the Checker; each row's rule is
  // in the message table with its code.
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  const Tier ok{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01};
  auto second = [&](Tier t) { return TierTable{ok, t}; };
  struct Row {
    TierTable table;
    const Profile* profile;
    const char* path;
    const char* rule;
    const char* message;
  };
  const Profile* bn = &binance();
  const std::vector<Row> rows = {
      {{}, bn, "tiers.X", "tierTableEmpty", "tiers.X must have at least one row"},
      {TierTable(65, ok), bn, "tiers.X", "tierTableTooMany", "tiers.X has 65 rows; at most 64 are accepted"},
      {{Tier{.notionalCap = kNaN, .maxLeverage = 50, .maintenanceMarginRate = 0.01}}, bn, "tiers.X[0].notionalCap",
       "notFinite", "tiers.X[0].notionalCap must be a finite number"},
      {{Tier{.notionalCap = -1, .maxLeverage = 50, .maintenanceMarginRate = 0.01}}, bn, "tiers.X[0].notionalCap",
       "mustBePositive", "tiers.X[0].notionalCap (-1) must be > 0"},
      {{Tier{.notionalCap = 2e30, .maxLeverage = 50, .maintenanceMarginRate = 0.01}}, bn, "tiers.X[0].notionalCap",
       "atMost", "tiers.X[0].notionalCap (2e+30) must be <= 1e+30"},
      {second({.notionalCap = 500, .maxLeverage = 50, .maintenanceMarginRate = 0.01}), bn, "tiers.X[1].notionalCap",
       "tierCapUnsorted",
       "tiers.X[1].notionalCap (500) must be greater than the previous row's cap (1000): rows are sorted ascending "
       "and do not overlap"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = kNaN, .maintenanceMarginRate = 0.01}}, bn, "tiers.X[0].maxLeverage",
       "notFinite", "tiers.X[0].maxLeverage must be a finite number"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 0.5, .maintenanceMarginRate = 0.01}}, bn, "tiers.X[0].maxLeverage",
       "between", "tiers.X[0].maxLeverage (0.5) must be between 1 and 1000"},
      {second({.notionalCap = 5'000, .maxLeverage = 75, .maintenanceMarginRate = 0.01}), bn, "tiers.X[1].maxLeverage",
       "tierLeverageRising",
       "tiers.X[1].maxLeverage (75) must be <= the previous row's (50): larger notionals allow less leverage"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 50}}, bn, "tiers.X[0].maintenanceMarginRate", "tierRateMissing",
       "tiers.X[0].maintenanceMarginRate is required by the binance profile"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = kNaN}}, bn,
       "tiers.X[0].maintenanceMarginRate", "notFinite", "tiers.X[0].maintenanceMarginRate must be a finite number"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 1}}, bn,
       "tiers.X[0].maintenanceMarginRate", "tierRateRange", "tiers.X[0].maintenanceMarginRate (1) must be >= 0 and < 1"},
      {second({.notionalCap = 5'000, .maxLeverage = 20, .maintenanceMarginRate = 0.005}), bn,
       "tiers.X[1].maintenanceMarginRate", "tierRateFalling",
       "tiers.X[1].maintenanceMarginRate (0.005) must be >= the previous row's (0.01): larger notionals need more "
       "margin"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01, .maintenanceAmount = kNaN}}, bn,
       "tiers.X[0].maintenanceAmount", "notFinite", "tiers.X[0].maintenanceAmount must be a finite number"},
      {{Tier{.notionalCap = 1'000, .maxLeverage = 50, .maintenanceMarginRate = 0.01, .maintenanceAmount = -1}}, bn,
       "tiers.X[0].maintenanceAmount", "mustBeNonNegative", "tiers.X[0].maintenanceAmount (-1) must be >= 0"},
      {second({.notionalCap = 5'000, .maxLeverage = 20, .maintenanceMarginRate = 0.02, .maintenanceAmount = 25}), bn,
       "tiers.X[1].maintenanceAmount", "tierAmountAboveFloor",
       "tiers.X[1].maintenanceAmount (25) must be <= floor * rate (1000 * 0.02 = 20) so that maintenance margin is "
       "never negative"},
  };
  for (const Row& row : rows) {
    INFO(row.message);
    const auto errors = validateTierTable(row.table, *row.profile, "tiers.X");
    INFO(describe(errors));
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].path == row.path);
    CHECK(errors[0].rule == row.rule);
    CHECK(errors[0].message == row.message);
    REQUIRE(messageFor(row.rule) != nullptr);  // the rule is in the table
    CHECK(errors[0].code == messageFor(row.rule)->code);
  }
}
