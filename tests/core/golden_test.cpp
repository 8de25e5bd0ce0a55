// SPDX-License-Identifier: MIT
// Golden, natively: evaluate() then explain() gives the steps recorded in
// tests/fixtures/golden-steps.json (field, label, formula, substituted and value, byte for byte and
// bit for bit) for the VENUES fixtures (tests/fixtures/venues.json), the default scenario, its
// as-given variant, and the tools whose answers carry evaluate's steps (adjust, funding). The JS
// golden test (tests/js/golden.test.mjs) checks the same file through the boundary.
// Native only: the wasm build of this suite has no file system.
#ifndef __EMSCRIPTEN__

#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "support.h"

using namespace mltest;

namespace {

/// A parsed JSON value (what the fixtures use: objects, arrays, strings, numbers, null).
struct Json {
  std::variant<std::nullptr_t, bool, double, std::string, std::vector<Json>, std::map<std::string, Json>> v;
  [[nodiscard]] const Json& operator[](const std::string& key) const { return std::get<5>(v).at(key); }
  [[nodiscard]] const Json& operator[](std::size_t i) const { return std::get<4>(v).at(i); }
  [[nodiscard]] bool has(const std::string& key) const { return std::get<5>(v).count(key) > 0; }
  [[nodiscard]] const std::vector<Json>& array() const { return std::get<4>(v); }
  [[nodiscard]] const std::map<std::string, Json>& object() const { return std::get<5>(v); }
  [[nodiscard]] double number() const { return std::get<2>(v); }
  [[nodiscard]] const std::string& text() const { return std::get<3>(v); }
  [[nodiscard]] bool null() const { return v.index() == 0; }
};

class Parser {
 public:
  explicit Parser(std::string text) : s_(std::move(text)) {}
  Json parse() {
    Json j = value();
    space();
    REQUIRE(i_ == s_.size());
    return j;
  }

 private:
  void space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool eat(char c) {
    space();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }
  Json value() {
    space();
    REQUIRE(i_ < s_.size());
    const char c = s_[i_];
    if (c == '{') return object();
    if (c == '[') return array();
    if (c == '"') return Json{string()};
    if (s_.compare(i_, 4, "null") == 0) return i_ += 4, Json{nullptr};
    if (s_.compare(i_, 4, "true") == 0) return i_ += 4, Json{true};
    if (s_.compare(i_, 5, "false") == 0) return i_ += 5, Json{false};
    char* end = nullptr;
    const double x = std::strtod(s_.c_str() + i_, &end);  // the closest double, as JSON.parse reads it
    REQUIRE(end != s_.c_str() + i_);
    i_ = static_cast<std::size_t>(end - s_.c_str());
    return Json{x};
  }
  Json object() {
    std::map<std::string, Json> out;
    eat('{');
    if (eat('}')) return Json{std::move(out)};
    do {
      space();
      std::string key = string();
      REQUIRE(eat(':'));
      out.emplace(std::move(key), value());
    } while (eat(','));
    REQUIRE(eat('}'));
    return Json{std::move(out)};
  }
  Json array() {
    std::vector<Json> out;
    eat('[');
    if (eat(']')) return Json{std::move(out)};
    do out.push_back(value());
    while (eat(','));
    REQUIRE(eat(']'));
    return Json{std::move(out)};
  }
  /// A string; \uXXXX escapes become UTF-8 (the fixtures use them for − · × Σ).
  std::string string() {
    REQUIRE(s_[i_] == '"');
    ++i_;
    std::string out;
    while (s_[i_] != '"') {
      if (s_[i_] != '\\') {
        out += s_[i_++];
        continue;
      }
      const char e = s_[++i_];
      ++i_;
      if (e == 'u') {
        const unsigned cp = static_cast<unsigned>(std::stoul(s_.substr(i_, 4), nullptr, 16));
        i_ += 4;
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xC0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          out += static_cast<char>(0xE0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          out += static_cast<char>(0x80 | (cp & 0x3F));
        }
      } else {
        out += e == 'n' ? '\n' : e == 't' ? '\t' : e;  // \" \\ \/
      }
    }
    ++i_;
    return out;
  }

  std::string s_;
  std::size_t i_ = 0;
};

std::string fixturesDir() {
  const std::string here = __FILE__;  // .../tests/core/golden_test.cpp
  return here.substr(0, here.rfind("/core/")) + "/fixtures/";
}

Json readJson(const std::string& name) {
  std::ifstream in(fixturesDir() + name, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parser(buffer.str()).parse();
}

/// The scenario fields venues.json uses.
Scenario scenarioOf(const Json& j) {
  Scenario s;
  s.version = static_cast<int>(j["version"].number());
  s.rules = *parseRules(j["rules"].text());
  s.walletBalance = j["walletBalance"].number();
  if (j.has("takerFeeRate")) s.takerFeeRate = j["takerFeeRate"].number();
  for (const Json& p : j["positions"].array()) {
    Position q;
    q.symbol = p["symbol"].text();
    if (p.has("contract")) q.contract = *parseContract(p["contract"].text());
    if (p.has("contractSize")) q.contractSize = p["contractSize"].number();
    q.side = *parseSide(p["side"].text());
    q.quantity = p["quantity"].number();
    q.entryPrice = p["entryPrice"].number();
    if (p.has("markPrice")) q.markPrice = p["markPrice"].number();
    if (p.has("leverage")) q.leverage = p["leverage"].number();
    if (p.has("marginMode")) q.marginMode = *parseMarginMode(p["marginMode"].text());
    if (p.has("isolatedMargin")) q.isolatedMargin = p["isolatedMargin"].number();
    s.positions.push_back(q);
  }
  if (j.has("tiers")) {
    for (const auto& [symbol, rows] : j["tiers"].object()) {
      TierTable& t = s.tiers[symbol];
      for (const Json& r : rows.array()) {
        Tier tier{.notionalCap = r["notionalCap"].number(), .maxLeverage = r["maxLeverage"].number()};
        if (r.has("maintenanceMarginRate")) tier.maintenanceMarginRate = r["maintenanceMarginRate"].number();
        if (r.has("maintenanceAmount")) tier.maintenanceAmount = r["maintenanceAmount"].number();
        t.push_back(tier);
      }
    }
  }
  return s;
}

/// The JS API's defaultScenario (wasm/marginlab.mjs).
Scenario defaultScenario() {
  Scenario s;
  s.rules = Rules::Binance;
  s.walletBalance = 10000;
  s.takerFeeRate = 0.0005;
  s.positions = {Position{.symbol = "BTCUSDT", .side = Side::Long, .quantity = 0.5, .entryPrice = 60000,
                          .markPrice = 61000, .leverage = 20},
                 Position{.symbol = "ETHUSDT", .side = Side::Short, .quantity = 4, .entryPrice = 3000,
                          .markPrice = 2950, .leverage = 10}};
  return s;
}

/// Every steps list of a report, by the path the JS golden names it with ("isolated.positions[0]").
void stepsOf(const Report& r, const std::string& prefix, std::map<std::string, const std::vector<Step>*>& out) {
  const std::pair<const char*, const std::optional<Outcome>*> outcomes[] = {
      {"isolated", &r.isolated}, {"cross", &r.cross}, {"asGiven", &r.asGiven}};
  for (const auto& [name, outcome] : outcomes) {
    if (!*outcome) continue;
    const std::string at = prefix + name;
    for (std::size_t i = 0; i < (*outcome)->positions.size(); ++i)
      out[at + ".positions[" + std::to_string(i) + "]"] = &(*outcome)->positions[i].steps;
    out[at + ".account"] = &(*outcome)->account.steps;
  }
  for (std::size_t i = 0; i < r.comparisons.size(); ++i)
    out[prefix + "comparisons[" + std::to_string(i) + "]"] = &r.comparisons[i].steps;
}

void checkCase(const Json& golden, const std::string& name, const std::map<std::string, const std::vector<Step>*>& got) {
  INFO("case " << name);
  const Json& expected = golden[name];
  REQUIRE(expected.object().size() == got.size());
  for (const auto& [path, list] : expected.object()) {
    INFO("steps at " << path);
    REQUIRE(got.count(path) == 1);
    const std::vector<Step>& steps = *got.at(path);
    REQUIRE(steps.size() == list.array().size());
    for (std::size_t i = 0; i < steps.size(); ++i) {
      INFO("step " << i << ": " << steps[i].label);
      const Json& e = list[i];
      CHECK(steps[i].field == e["field"].text());
      CHECK(steps[i].label == e["label"].text());
      CHECK(steps[i].formula == e["formula"].text());
      CHECK(steps[i].substituted == e["substituted"].text());
      REQUIRE(steps[i].value.has_value() == !e["value"].null());
      if (steps[i].value) CHECK(*steps[i].value == e["value"].number());  // bit for bit
    }
  }
}

Report explained(const Scenario& s) {
  Report r = evaluate(s);
  REQUIRE(r.errors.empty());
  explain(s, r);
  return r;
}

}  // namespace

TEST_CASE("golden: evaluate's steps equal the recorded ones", "[golden][steps]") {
  const Json golden = readJson("golden-steps.json");
  const Json venues = readJson("venues.json");
  for (const Json& venue : venues.array()) {
    const Report r = explained(scenarioOf(venue["scenario"]));
    std::map<std::string, const std::vector<Step>*> got;
    stepsOf(r, "", got);
    checkCase(golden, "evaluate " + venue["id"].text(), got);
  }
  Scenario modes = defaultScenario();
  const Report plain = explained(defaultScenario());
  std::map<std::string, const std::vector<Step>*> got;
  stepsOf(plain, "", got);
  checkCase(golden, "evaluate default", got);
  modes.positions[0].marginMode = MarginMode::Isolated;
  const Report given = explained(modes);
  got.clear();
  stepsOf(given, "", got);
  checkCase(golden, "evaluate asGiven", got);
}

TEST_CASE("golden: the tools that carry evaluate's steps (adjust, funding)", "[golden][steps]") {
  const Json golden = readJson("golden-steps.json");
  for (const auto& [name, delta] : {std::pair{"adjust", 0.5}, std::pair{"adjust flip", -0.8}}) {
    const AdjustRequest request{.position = 0, .price = 61000, .quantityDelta = delta};
    auto a = adjustPosition(defaultScenario(), request);
    REQUIRE(a.errors.empty());
    explain(defaultScenario(), request, *a.value);
    std::map<std::string, const std::vector<Step>*> got;
    stepsOf(a.value->report, "report.", got);
    got["."] = &a.value->steps;
    checkCase(golden, name, got);
  }
  const FundingRequest request{.position = 0, .rate = 0.0001, .intervals = 90};
  auto f = fundingImpact(defaultScenario(), 0, 0.0001, 90);
  REQUIRE(f.errors.empty());
  explain(defaultScenario(), request, *f.value);
  checkCase(golden, "funding", {{".", &f.value->steps}});
}

#endif  // __EMSCRIPTEN__
