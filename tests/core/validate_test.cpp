// SPDX-License-Identifier: MIT
// validate(): every error path by its path and code (validate.h, errors.h, DESIGN.md "Report").
#include <set>
#include <string_view>
#include <limits>

#include "support.h"

using namespace mltest;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// A valid one-position scenario: long 0.5 BTC @ 60,000, 10x, simple profile (default table).
Scenario valid() {
  Scenario s{.rules = Rules::Simple, .walletBalance = 10'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 0.5, .entryPrice = 60'000, .leverage = 10}};
  return s;
}

/// Binance 2021 BTCUSDT brackets, given explicitly (VENUES.md 1.2).
TierTable btc2021() {
  return {{50'000, 125, 0.004, 0}, {250'000, 100, 0.005, 50}, {1'000'000, 50, 0.01, 1'300},
          {10'000'000, 20, 0.025, 16'300}};
}

/// The errors, one per line, for the failure message.
std::string describe(const std::vector<InputError>& errors) {
  std::string out;
  for (const InputError& e : errors)
    out += e.path + " [" + std::string(toString(e.code)) + "] " + e.message + "\n";
  return out;
}

/// Requires exactly one error, at `path` with `code`, and returns it.
InputError onlyError(const Scenario& s, const std::string& path, ErrorCode code) {
  const auto errors = validate(s);
  INFO(describe(errors));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].path == path);
  CHECK(errors[0].code == code);
  CHECK_FALSE(errors[0].message.empty());
  return errors[0];
}

}  // namespace

TEST_CASE("validate: a valid scenario has no errors", "[validate]") {
  CHECK(validate(valid()).empty());
  Scenario s = valid();
  s.rules = Rules::Binance;
  s.tiers = {{"BTCUSDT", btc2021()}};
  s.positions[0].markPrice = 61'000;
  s.positions[0].isolatedMargin = 3'000;
  s.takerFeeRate = 0.0005;
  CHECK(validate(s).empty());
}

TEST_CASE("validate: walletBalance", "[validate]") {
  Scenario s = valid();
  s.walletBalance = kNaN;
  onlyError(s, "walletBalance", ErrorCode::NotFinite);
  s.walletBalance = kInf;
  onlyError(s, "walletBalance", ErrorCode::NotFinite);
  s.walletBalance = -1;
  const InputError e = onlyError(s, "walletBalance", ErrorCode::Negative);
  CHECK_THAT(e.message, Catch::Matchers::Contains("-1"));
  s.walletBalance = 2 * kMaxMagnitude;
  onlyError(s, "walletBalance", ErrorCode::OutOfRange);
  s.walletBalance = 0;  // an empty wallet is a valid (if doomed) account
  CHECK(validate(s).empty());
}

TEST_CASE("validate: a positive walletBalance below kMinMagnitude is out of range", "[validate][fuzz]") {
  // Found by tests/fuzz (scenario_fuzz): bybit, inverse long 8,192 USD @ 8,000, 50x, wallet
  // 1.0353e-316 (subnormal). Cross equity at the mark was the wallet itself, so the cross margin
  // ratio MM / equity = 0.00512 / 1e-316 overflowed to +inf. A balance is 0 or at least
  // kMinMagnitude, where the ratio is large but finite.
  Scenario s{.rules = Rules::Bybit, .walletBalance = 1.0353212801531156e-316};
  s.tiers = {{"BTCUSD", flatTier(0.005)}};
  s.positions = {Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .quantity = 8'192, .entryPrice = 8'000,
                          .leverage = 50}};
  const InputError e = onlyError(s, "walletBalance", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("must be 0 or between 1e-09 and 1e+15"));
  s.walletBalance = kMinMagnitude;
  const Report r = evaluateOk(s);
  REQUIRE(r.cross->positions[0].marginRatio);
  CHECK(std::isfinite(*r.cross->positions[0].marginRatio));
  CHECK(std::isfinite(*r.cross->account.marginRatio));
}

TEST_CASE("validate: quantity, entryPrice, markPrice, contractSize", "[validate]") {
  Scenario s = valid();
  s.positions[0].quantity = 0;
  onlyError(s, "positions[0].quantity", ErrorCode::NotPositive);
  s = valid();
  s.positions[0].quantity = -2;
  onlyError(s, "positions[0].quantity", ErrorCode::NotPositive);
  s = valid();
  s.positions[0].entryPrice = -1;
  const InputError e = onlyError(s, "positions[0].entryPrice", ErrorCode::NotPositive);
  CHECK_THAT(e.message, Catch::Matchers::Contains("-1"));
  s = valid();
  s.positions[0].entryPrice = kNaN;
  onlyError(s, "positions[0].entryPrice", ErrorCode::NotFinite);
  s = valid();
  s.positions[0].markPrice = kInf;
  onlyError(s, "positions[0].markPrice", ErrorCode::NotFinite);
  s = valid();
  s.positions[0].markPrice = -kInf;
  onlyError(s, "positions[0].markPrice", ErrorCode::NotFinite);
  s = valid();
  s.positions[0].markPrice = 0;
  onlyError(s, "positions[0].markPrice", ErrorCode::NotPositive);
  s = valid();
  s.positions[0].markPrice = 1e-12;  // positive but below the smallest accepted price
  onlyError(s, "positions[0].markPrice", ErrorCode::OutOfRange);
  s = valid();
  s.positions[0].entryPrice = 2e15;  // above kMaxMagnitude
  const auto errors = validate(s);
  CHECK(hasError(errors, "positions[0].entryPrice", ErrorCode::OutOfRange));
  s = valid();
  s.positions[0].contractSize = 0;
  onlyError(s, "positions[0].contractSize", ErrorCode::NotPositive);
  s = valid();
  s.positions[0].contractSize = kNaN;
  onlyError(s, "positions[0].contractSize", ErrorCode::NotFinite);
}

TEST_CASE("validate: leverage and isolatedMargin", "[validate]") {
  Scenario s = valid();
  s.positions[0].leverage = 0;
  onlyError(s, "positions[0].leverage", ErrorCode::NotPositive);
  s.positions[0].leverage = -5;
  onlyError(s, "positions[0].leverage", ErrorCode::NotPositive);
  s.positions[0].leverage = kNaN;
  onlyError(s, "positions[0].leverage", ErrorCode::NotFinite);
  s = valid();
  s.positions[0].isolatedMargin = -100;
  onlyError(s, "positions[0].isolatedMargin", ErrorCode::NotPositive);
  s.positions[0].isolatedMargin = kInf;
  onlyError(s, "positions[0].isolatedMargin", ErrorCode::NotFinite);
  s.positions[0].isolatedMargin = 0;
  onlyError(s, "positions[0].isolatedMargin", ErrorCode::NotPositive);
}

TEST_CASE("validate: leverage below kMinMagnitude is out of range, so initial margin stays finite", "[validate][fuzz]") {
  // Found by tests/fuzz (scenario_fuzz): leverage 1e-300 passed as > 0, and 1e6 x 1e6 / 1e-300 gave
  // an initial margin (and isolated margin) of +inf. Leverage is checked like a size now: at least
  // kMinMagnitude, where IM = 1e12 / 1e-9 = 1e21 (tolerance 1e-12 rel).
  Scenario s{.rules = Rules::Simple, .walletBalance = 1'000};
  s.positions = {Position{.symbol = "AAA", .quantity = 1e6, .entryPrice = 1e6, .leverage = 1e-300}};
  onlyError(s, "positions[0].leverage", ErrorCode::OutOfRange);
  CHECK_FALSE(evaluate(s).isolated);
  s.positions[0].leverage = kMinMagnitude;
  const Report r = evaluateOk(s);
  CHECK_THAT(r.isolated->positions[0].initialMargin, WithinRel(1e21, 1e-12));
  CHECK(std::isfinite(r.isolated->positions[0].margin));
}

TEST_CASE("validate: leverage above the tier's maximum at the entry notional", "[validate][tiers]") {
  // 5 BTC x 60,000 = 300,000 USDT: the 250k-1M bracket, max 50x.
  Scenario s{.rules = Rules::Binance, .walletBalance = 100'000};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 5, .entryPrice = 60'000, .leverage = 75}};
  s.tiers = {{"BTCUSDT", btc2021()}};
  const InputError e = onlyError(s, "positions[0].leverage", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("75"));      // the value
  CHECK_THAT(e.message, Catch::Matchers::Contains("50"));      // the limit
  CHECK_THAT(e.message, Catch::Matchers::Contains("300000"));  // where the limit applies
  s.positions[0].leverage = 50;  // exactly the maximum is allowed
  CHECK(validate(s).empty());
  // 0.5 BTC x 60,000 = 30,000: first bracket, 125x allowed; 126x is not.
  s.positions[0].quantity = 0.5;
  s.positions[0].leverage = 125;
  CHECK(validate(s).empty());
  s.positions[0].leverage = 126;
  onlyError(s, "positions[0].leverage", ErrorCode::OutOfRange);
}

TEST_CASE("validate: entry notional above the last tier's cap", "[validate][tiers]") {
  Scenario s{.rules = Rules::Binance, .walletBalance = 1e6};
  s.positions = {Position{.symbol = "BTCUSDT", .quantity = 200, .entryPrice = 60'000, .leverage = 1}};
  s.tiers = {{"BTCUSDT", btc2021()}};  // last cap 10M; 12M entry notional
  const InputError e = onlyError(s, "positions[0].quantity", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("12000000"));
  CHECK_THAT(e.message, Catch::Matchers::Contains("10000000"));
}

TEST_CASE("validate: positions list", "[validate]") {
  Scenario s = valid();
  s.positions.clear();
  onlyError(s, "positions", ErrorCode::Empty);

  s = valid();
  const Position first = s.positions[0];  // assign() from an element of the same vector is undefined
  s.positions.assign(kMaxPositions, first);
  CHECK(validate(s).empty());
  s.positions.push_back(s.positions[0]);
  const InputError e = onlyError(s, "positions", ErrorCode::TooMany);
  CHECK_THAT(e.message, Catch::Matchers::Contains(std::to_string(kMaxPositions + 1)));
}

TEST_CASE("validate: Hyperliquid lists linear (USDC) perpetuals only", "[validate]") {
  // Hyperliquid docs (trading/contract-specifications): every perpetual is quoted and settled in USDC.
  Scenario s = valid();
  s.rules = Rules::Hyperliquid;
  s.positions[0].symbol = "BTC";
  s.positions[0].leverage = 10;
  CHECK(validate(s).empty());
  s.positions[0].contract = Contract::Inverse;
  const InputError e = onlyError(s, "positions[0].contract", ErrorCode::Unsupported);
  CHECK(e.rule == "inverseUnsupported");
  CHECK(e.message == "positions[0].contract: hyperliquid has only linear contracts, settled in USDC");
  s.rules = Rules::Binance;  // Binance COIN-M lists inverse contracts
  s.positions[0].symbol = "BTCUSD";
  CHECK(!hasError(validate(s), "positions[0].contract", ErrorCode::Unsupported));
}

TEST_CASE("validate: a shipped table serves the contract its caps are for", "[validate]") {
  // Binance's built-in BTCUSDT brackets cap USDT notionals (VENUES.md 1.2): an inverse BTCUSDT would read
  // 50,000 USDT as 50,000 BTC. BitMEX's XBTUSD steps cap XBT notionals (VENUES.md 4.1).
  Scenario s = valid();
  s.rules = Rules::Binance;
  CHECK(validate(s).empty());
  s.positions[0].contract = Contract::Inverse;
  s.positions[0].contractSize = 100;
  s.positions[0].quantity = 10;
  InputError e = onlyError(s, "positions[0].symbol", ErrorCode::TierMissing);
  CHECK(e.rule == "tierOtherContract");
  CHECK(e.message == "the binance profile's tier table for BTCUSDT is for linear contracts only: give one in tiers.BTCUSDT");
  s.tiers["BTCUSDT"] = {{50, 125, 0.004, 0}, {1e12, 20, 0.025}};  // a table given for it serves it
  CHECK(validate(s).empty());

  s = valid();
  s.rules = Rules::Bitmex;
  s.positions[0].symbol = "XBTUSD";
  s.positions[0].leverage = 10;
  e = onlyError(s, "positions[0].symbol", ErrorCode::TierMissing);
  CHECK(e.rule == "tierOtherContract");
  std::string params;
  for (const Param& p : e.params) params += p.name + "=" + std::get<std::string>(p.value) + " ";
  CHECK(params == "rules=bitmex symbol=XBTUSD tableContract=inverse ");
  s.positions[0].contract = Contract::Inverse;
  s.positions[0].quantity = 10'000;
  CHECK(validate(s).empty());

  s = valid();  // the textbook profile's one table serves either contract
  s.positions[0].contract = Contract::Inverse;
  s.positions[0].quantity = 10'000;
  CHECK(validate(s).empty());
  s.rules = Rules::Binance;  // a symbol no table names: tierMissing, as before
  s.positions[0].symbol = "NOSUCH";
  CHECK(onlyError(s, "positions[0].symbol", ErrorCode::TierMissing).rule == "tierMissing");
}

TEST_CASE("validate: linear and inverse in one account", "[validate]") {
  Scenario s = valid();
  s.positions.push_back(Position{.symbol = "BTCUSD", .contract = Contract::Inverse, .contractSize = 100,
                                 .quantity = 10, .entryPrice = 60'000, .leverage = 10});
  onlyError(s, "positions[1].contract", ErrorCode::Mixed);
  s.positions.push_back(s.positions[1]);  // every later inverse position is reported too
  const auto errors = validate(s);
  CHECK(errors.size() == 2);
  CHECK(hasError(errors, "positions[2].contract", ErrorCode::Mixed));
}

TEST_CASE("validate: a symbol without a tier table", "[validate][tiers]") {
  // OKX ships no default table: every symbol needs tiers.<symbol>.
  Scenario s = valid();
  s.rules = Rules::Okx;
  s.positions[0].symbol = "NOPEUSDT";
  const InputError e = onlyError(s, "positions[0].symbol", ErrorCode::TierMissing);
  CHECK_THAT(e.message, Catch::Matchers::Contains("NOPEUSDT"));
  s.tiers = {{"NOPEUSDT", flatTier(0.01, 50)}};
  CHECK(validate(s).empty());
  // Binance ships BTCUSDT and ETHUSDT only.
  s = valid();
  s.rules = Rules::Binance;
  s.positions[0].symbol = "DOGEUSDT";
  onlyError(s, "positions[0].symbol", ErrorCode::TierMissing);
}

TEST_CASE("validate: version and takerFeeRate", "[validate]") {
  Scenario s = valid();
  s.version = 2;
  const InputError e = onlyError(s, "version", ErrorCode::Unsupported);
  CHECK_THAT(e.message, Catch::Matchers::Contains("2"));
  s = valid();
  s.version = 0;
  onlyError(s, "version", ErrorCode::Unsupported);

  s = valid();
  s.takerFeeRate = 0.5;
  const InputError f = onlyError(s, "takerFeeRate", ErrorCode::OutOfRange);
  CHECK_THAT(f.message, Catch::Matchers::Contains("0.5"));
  s.takerFeeRate = -0.0001;
  onlyError(s, "takerFeeRate", ErrorCode::OutOfRange);
  s.takerFeeRate = 0.1;  // the bound is exclusive
  onlyError(s, "takerFeeRate", ErrorCode::OutOfRange);
  s.takerFeeRate = kNaN;
  onlyError(s, "takerFeeRate", ErrorCode::NotFinite);
  s.takerFeeRate = 0;
  CHECK(validate(s).empty());
}

TEST_CASE("validate: symbols", "[validate]") {
  Scenario s = valid();
  s.positions[0].symbol = "";
  onlyError(s, "positions[0].symbol", ErrorCode::Empty);
  s.positions[0].symbol = "BTC USDT";
  onlyError(s, "positions[0].symbol", ErrorCode::OutOfRange);
  s.positions[0].symbol = "BTC\tUSDT";
  onlyError(s, "positions[0].symbol", ErrorCode::OutOfRange);
  s.positions[0].symbol = std::string(kMaxSymbolLength + 1, 'X');
  onlyError(s, "positions[0].symbol", ErrorCode::OutOfRange);
  s.positions[0].symbol = std::string(kMaxSymbolLength, 'X');  // the longest accepted
  CHECK(validate(s).empty());
  s.positions[0].symbol = "BTC-USD_PERP";
  CHECK(validate(s).empty());
}

TEST_CASE("validate: given tier tables are checked with their path", "[validate][tiers]") {
  Scenario s = valid();
  s.tiers = {{"BAD KEY", flatTier(0.01)}};
  onlyError(s, "tiers.BAD KEY", ErrorCode::OutOfRange);

  // A table is checked even when no position uses it.
  s = valid();
  s.tiers = {{"ETHUSDT", {{1'000, 100, 0.01, 0}, {500, 50, 0.02, 0}}}};
  onlyError(s, "tiers.ETHUSDT[1].notionalCap", ErrorCode::Unsorted);

  // A bad table the position uses: the table error only, no leverage error on top.
  s = valid();
  s.tiers = {{"BTCUSDT", {}}};
  onlyError(s, "tiers.BTCUSDT", ErrorCode::Empty);

  // OKX: the requirement rate is MMR + fee, which must stay below 1.
  s = valid();
  s.rules = Rules::Okx;
  s.takerFeeRate = 0.05;
  s.positions[0].leverage = 1;
  s.tiers = {{"BTCUSDT", flatTier(0.96, 1)}};
  const InputError e = onlyError(s, "tiers.BTCUSDT[0].maintenanceMarginRate", ErrorCode::OutOfRange);
  CHECK_THAT(e.message, Catch::Matchers::Contains("0.96"));
  CHECK_THAT(e.message, Catch::Matchers::Contains("0.05"));
}

TEST_CASE("validate: every problem at once", "[validate]") {
  Scenario s = valid();
  s.walletBalance = kNaN;
  s.positions[0].quantity = 0;
  s.positions[0].entryPrice = -1;
  auto errors = validate(s);
  INFO(describe(errors));
  CHECK(errors.size() == 3);
  CHECK(hasError(errors, "walletBalance", ErrorCode::NotFinite));
  CHECK(hasError(errors, "positions[0].quantity", ErrorCode::NotPositive));
  CHECK(hasError(errors, "positions[0].entryPrice", ErrorCode::NotPositive));

  // Across positions and top-level fields: each error names its own position.
  s = valid();
  s.version = 3;
  s.takerFeeRate = 0.5;
  s.positions.push_back(s.positions[0]);
  s.positions.push_back(s.positions[0]);
  s.positions[1].leverage = 0;
  s.positions[2].markPrice = kInf;
  s.positions[2].symbol = "";
  errors = validate(s);
  INFO(describe(errors));
  CHECK(errors.size() == 5);
  CHECK(hasError(errors, "version", ErrorCode::Unsupported));
  CHECK(hasError(errors, "takerFeeRate", ErrorCode::OutOfRange));
  CHECK(hasError(errors, "positions[1].leverage", ErrorCode::NotPositive));
  CHECK(hasError(errors, "positions[2].markPrice", ErrorCode::NotFinite));
  CHECK(hasError(errors, "positions[2].symbol", ErrorCode::Empty));
}

TEST_CASE("evaluate: invalid input returns the errors and no outcomes", "[validate][evaluate]") {
  Scenario s = valid();
  s.walletBalance = -1;
  s.positions[0].quantity = 0;
  s.positions[0].marginMode = MarginMode::Isolated;
  const Report r = evaluate(s);
  CHECK(r.errors.size() == 2);
  CHECK_FALSE(r.isolated);
  CHECK_FALSE(r.cross);
  CHECK_FALSE(r.asGiven);
  const auto direct = validate(s);
  REQUIRE(direct.size() == r.errors.size());
  for (std::size_t i = 0; i < direct.size(); ++i) {
    CHECK(direct[i].path == r.errors[i].path);
    CHECK(direct[i].code == r.errors[i].code);
  }
}

TEST_CASE("validity helpers and error code strings", "[validate][errors]") {
  CHECK(isValidNumber(0));
  CHECK(isValidNumber(-1e300));
  CHECK_FALSE(isValidNumber(kNaN));
  CHECK_FALSE(isValidNumber(kInf));
  CHECK(isValidPositive(1));
  CHECK(isValidPositive(kMaxMagnitude));
  CHECK_FALSE(isValidPositive(0));
  CHECK_FALSE(isValidPositive(-1));
  CHECK_FALSE(isValidPositive(kMaxMagnitude * 2));
  CHECK_FALSE(isValidPositive(kNaN));
  // Every code has its own non-empty camelCase string (marginlab.d.ts repeats them).
  std::vector<std::string_view> seen;
  for (ErrorCode c : kAllErrorCodes) {
    const std::string_view text = toString(c);
    CHECK_FALSE(text.empty());
    CHECK(std::find(seen.begin(), seen.end(), text) == seen.end());
    seen.push_back(text);
  }
  CHECK(toString(ErrorCode::NotFinite) == "notFinite");
  CHECK(toString(ErrorCode::TierMissing) == "tierMissing");
}

TEST_CASE("message table: one row per key, each with its text", "[validate][messages]") {
  std::set<std::string_view> keys;
  for (const Message* m : msg::kAll) {
    CHECK(keys.insert(m->rule).second);  // a key names one row
    CHECK(!m->text.empty());
    CHECK(messageFor(m->rule) == m);
  }
  CHECK(messageFor("noSuchRule") == nullptr);
  // A validator's error carries its row's key, code and text with the parameters filled in.
  Checker c;
  c.fail("positions[0].leverage", "leverageAboveTier", {Param{"value", 500.0}, Param{"limit", 125.0}, Param{"notional", 30000.0}});
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0].rule == "leverageAboveTier");
  CHECK(c.errors[0].code == ErrorCode::OutOfRange);
  CHECK(c.errors[0].message == "positions[0].leverage (500) must be <= 125 for the tier at notional 30000");
}
