// SPDX-License-Identifier: MIT
// MarginLab: the venues' portfolio margin parameters as one dated table (venue_pm_params.h). A row is
// one value of one parameter for one scope from the date it took effect; a set is every row in force
// on one of those dates. What VENUES-PM.md does not give for an earlier date is the earliest value
// stored (its source says so).
#include "marginlab/venue_pm_params.h"

#include <algorithm>
#include <array>
#include <utility>
#include <set>

#include "marginlab/check.h"
#include "marginlab/format.h"
#include "marginlab/options.h"
#include "marginlab/venue_pm.h"

namespace marginlab {

namespace {

struct Row {
  std::string_view venue, scope, name, from;
  double value;
  std::string_view source;
};

constexpr std::string_view kOkx2024 = "okx.com/ru/help/okx-to-adjust-parameters-in-portfolio-margin-mode (2024-05-10); VENUES-PM.md 2.2";
constexpr std::string_view kOkx2025 =
    "OKX announcement 2025-01-02 'OKX will further adjust portfolio margin parameters' (okx-api.aperture.finance mirror); "
    "VENUES-PM.md 2.2";
constexpr std::string_view kOkxKept =
    "VENUES-PM.md 2.2: the 2025-01-06 value; no earlier value stored, the same assumed";
constexpr std::string_view kOkxIm = "okx.com/help/11951498951821 (IMR = 1.3 x MMR); VENUES-PM.md 2.2";
constexpr std::string_view kBybit2024 = "Bybit help 'Margin Calculations under Portfolio Margin (UTA)' (2024-09-04); VENUES-PM.md 3.2";
constexpr std::string_view kBybit2025 =
    "learn.bybitglobal.com 'Bybit Portfolio Margin Model: Risk Parameter Adjustment in 2025' (from 2025-01-10 08:00 UTC); "
    "VENUES-PM.md 3.2";
constexpr std::string_view kBybitContingency =
    "scallope.com summary of Bybit's portfolio margin contingencies (vega spread factor, BTC/ETH 0.03%) [PUB-3P]; "
    "VENUES-PM.md 3.2";
constexpr std::string_view kDeribitBtc =
    "docs.deribit.com/api-reference/account-management/private-simulate (timestamp 1718619740501); VENUES-PM.md 1.5, DPM-1";
constexpr std::string_view kDeribitEth =
    "private/pme/simulate response captured 2026-02-15 (timestamp 1771197609587); VENUES-PM.md 1.5, DPM-2";

constexpr std::string_view kMajor = "BTC ETH";
constexpr std::string_view kOkxSpot2 = "LTC BCH EOS OKB DOT BSV LINK FIL ADA TRX UNI XRP";
constexpr std::string_view kOkxBasis2 = "SOL DOGE PEPE XRP BNB SHIB LTC ORDI WLD BCH ADA";

/// Deribit's grid of one currency (VENUES-PM.md 1.5): the same names for BTC (2024-06-17) and ETH (2026-02-15).
struct DeribitColumn {
  std::string_view scope, from, source;
  double priceRange, volRangeUp, annualisedMoveRisk, minAnnualisedMove, extendedDampener, pnlOffset, maxOffsetablePnl;
};
void addDeribit(std::vector<Row>& rows, const DeribitColumn& c) {
  const std::pair<std::string_view, double> values[] = {
      {"priceRange", c.priceRange}, {"buckets", 4}, {"volRangeUp", c.volRangeUp}, {"volRangeDown", 0.25},
      {"shortTermVegaPower", 0.3}, {"longTermVegaPower", 0.13}, {"minVolatilityForShockUp", 0.5}, {"extendedTableFactor", 1},
      {"annualisedMoveRisk", c.annualisedMoveRisk}, {"minAnnualisedMove", c.minAnnualisedMove},
      {"extendedDampener", c.extendedDampener}, {"pnlOffset", c.pnlOffset}, {"maxOffsetablePnl", c.maxOffsetablePnl},
      {"mmFactor", 0.8}, {"maxDeltaShock", 0.1}, {"deltaTotalLiqShockThreshold", 20000000}};
  for (const auto& [name, value] : values) rows.push_back({"deribit", c.scope, name, c.from, value, c.source});
}

std::vector<Row> makeRows() {
  std::vector<Row> rows = {
    // OKX (VENUES-PM.md 2.2): MR1 spot shock, MR6 extreme move, MR4 annualised basis risk, IM factor
    Row{"okx", kMajor, "spotMove", "2024-05-11", 0.15, kOkx2025},
    Row{"okx", kMajor, "spotMove", "2025-01-06", 0.12, kOkx2025},
    Row{"okx", kOkxSpot2, "spotMove", "2024-05-11", 0.20, kOkx2025},
    Row{"okx", kOkxSpot2, "spotMove", "2025-01-06", 0.18, kOkx2025},
    Row{"okx", "others", "spotMove", "2024-05-11", 0.25, kOkxKept},
    Row{"okx", kMajor, "extremeMove", "2024-05-11", 0.30, kOkx2025},
    Row{"okx", kMajor, "extremeMove", "2025-01-06", 0.24, kOkx2025},
    Row{"okx", kOkxBasis2, "extremeMove", "2024-05-11", 0.40, kOkx2025},
    Row{"okx", kOkxBasis2, "extremeMove", "2025-01-06", 0.36, kOkx2025},
    Row{"okx", "others", "extremeMove", "2024-05-11", 0.50, kOkxKept},
    Row{"okx", kMajor, "basisRisk", "2024-05-11", 0.075, kOkx2024},
    Row{"okx", kMajor, "basisRisk", "2025-01-02", 0.05, kOkx2025},
    Row{"okx", kOkxBasis2, "basisRisk", "2024-05-11", 0.225, kOkx2024},
    Row{"okx", kOkxBasis2, "basisRisk", "2025-01-02", 0.15, kOkx2025},
    Row{"okx", "others", "basisRisk", "2024-05-11", 0.45, kOkx2024},
    Row{"okx", "others", "basisRisk", "2025-01-02", 0.30, kOkx2025},
    Row{"okx", "others", "imFactor", "2024-05-11", 1.3, kOkxIm},
    // Bybit (VENUES-PM.md 3.2): the stress test's price range
    Row{"bybit", kMajor, "priceRange", "2024-09-04", 0.15, kBybit2024},
    Row{"bybit", kMajor, "priceRange", "2025-01-10", 0.10, kBybit2025},
    Row{"bybit", "others", "priceRange", "2024-09-04", 0.15, kBybit2024},
    Row{"bybit", kMajor, "vegaSpreadFactor", "2024-09-04", 0.0003, kBybitContingency},
    // Deribit (VENUES-PM.md 1.5): the USD currency's roll, dampener and offset (the grids below)
    Row{"deribit", "USD", "annualisedMoveRisk", "2024-06-17", 0.10, kDeribitBtc},
    Row{"deribit", "USD", "minAnnualisedMove", "2024-06-17", 0.01, kDeribitBtc},
    Row{"deribit", "USD", "extendedDampener", "2024-06-17", 25000, kDeribitBtc},
    Row{"deribit", "USD", "pnlOffset", "2024-06-17", 0, kDeribitBtc},
    Row{"deribit", "USD", "pnlOffset", "2026-02-15", 0.4, kDeribitEth},
    Row{"deribit", "USD", "maxOffsetablePnl", "2024-06-17", 0, kDeribitBtc},
    Row{"deribit", "USD", "maxOffsetablePnl", "2026-02-15", 1000000, kDeribitEth},
  };
  addDeribit(rows, {"BTC", "2024-06-17", kDeribitBtc, 0.16, 0.5, 0.075, 0.01, 100000, 0, 0});
  addDeribit(rows, {"ETH", "2026-02-15", kDeribitEth, 0.18, 0.4, 0.05, 0.005, 200000, 0.6, 20000000});
  return rows;
}
const std::vector<Row>& table() {
  static const std::vector<Row> rows = makeRows();
  return rows;
}

bool inScope(std::string_view scope, std::string_view underlying) {
  for (std::size_t at = 0; at < scope.size();) {
    const std::size_t end = std::min(scope.find(' ', at), scope.size());
    if (scope.substr(at, end - at) == underlying) return true;
    at = end + 1;
  }
  return false;
}

/// The row in force on `date` for (venue, scope, name): the latest from <= date; before the first,
/// the first when `earliest`, else none.
const Row* inForce(std::string_view venue, std::string_view scope, std::string_view name, std::string_view date, bool earliest) {
  const Row* best = nullptr;
  const Row* first = nullptr;
  for (const Row& r : table()) {
    if (r.venue != venue || r.scope != scope || r.name != name) continue;
    if (!first || r.from < first->from) first = &r;
    if (!(date < r.from) && (!best || best->from < r.from)) best = &r;
  }
  return best ? best : earliest ? first : nullptr;
}

/// The scope of an underlying for a parameter: the first scope naming it, else "others" (Deribit: the
/// currency itself).
std::string_view scopeOf(std::string_view venue, std::string_view name, std::string_view underlying) {
  for (const Row& r : table())
    if (r.venue == venue && r.name == name && inScope(r.scope, underlying)) return r.scope;
  return "others";
}

std::vector<std::string_view> setDates(std::string_view venue) {
  std::set<std::string_view> dates;
  for (const Row& r : table())
    if (r.venue == venue) dates.insert(r.from);
  return {dates.begin(), dates.end()};
}

PmParameterSet setOn(std::string_view venue, std::string_view id, bool withParameters = true) {
  PmParameterSet s{.venue = std::string(venue), .asOf = std::string(id)};
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const Row& r : table()) {
    if (!withParameters) break;  // the id and source only
    if (r.venue != venue || !seen.insert({r.scope, r.name}).second) continue;
    if (const Row* x = inForce(venue, r.scope, r.name, id, false))
      s.parameters.push_back({.scope = std::string(x->scope), .name = std::string(x->name), .value = x->value,
                              .from = std::string(x->from), .source = std::string(x->source)});
  }
  for (const Row& r : table())
    if (r.venue == venue && r.from == id && s.source.find(r.source) == std::string::npos)
      s.source += (s.source.empty() ? "" : "; ") + std::string(r.source);
  return s;
}

}  // namespace

std::vector<PmParameterSet> pmParameterSets(std::string_view venue) {
  std::vector<PmParameterSet> out;
  for (std::string_view d : setDates(venue)) out.push_back(setOn(venue, d));
  return out;
}

std::optional<PmParameterSet> pmParameterSetAt(std::string_view venue, std::string_view date, bool withParameters) {
  const std::vector<std::string_view> dates = setDates(venue);
  if (dates.empty()) return std::nullopt;
  std::string_view id = dates.front();
  for (std::string_view d : dates)
    if (!(date < d)) id = d;
  return setOn(venue, id, withParameters);
}

std::optional<PmParameter> pmParameter(std::string_view venue, std::string_view name, std::string_view underlying,
                                       std::string_view date) {
  const Row* r = inForce(venue, scopeOf(venue, name, underlying), name, date, true);
  if (!r) return std::nullopt;
  return PmParameter{.scope = std::string(r->scope), .name = std::string(r->name), .value = r->value, .from = std::string(r->from),
                     .source = std::string(r->source)};
}

Result<PmParameterDiff> pmParameterDiff(std::string_view venue, std::string_view dateA, std::string_view dateB) {
  Result<PmParameterDiff> out;
  Checker c;
  if (setDates(venue).empty())
    c.fail("venue", "venuePmNoSets", {{"value", std::string(venue.substr(0, 32))}});
  const auto date = [&](const char* path, std::string_view d) {
    if (!(d.size() == 10 && yearsUntil(d, d))) c.fail(path, "venuePmAsOf", {{"value", std::string(d.substr(0, 32))}});
  };
  date("dateA", dateA);
  date("dateB", dateB);
  if (!c.ok()) return out.errors = std::move(c.errors), out;
  const PmParameterSet a = *pmParameterSetAt(venue, dateA), b = *pmParameterSetAt(venue, dateB);
  PmParameterDiff d{.venue = std::string(venue), .setA = a.asOf, .setB = b.asOf};
  std::set<std::pair<std::string_view, std::string_view>> seen;
  for (const Row& r : table()) {
    if (r.venue != venue || !seen.insert({r.scope, r.name}).second) continue;
    const Row* x = inForce(venue, r.scope, r.name, a.asOf, false);
    const Row* y = inForce(venue, r.scope, r.name, b.asOf, false);
    if (x == y || (x && y && x->value == y->value)) continue;
    PmParameterChange ch{.scope = std::string(r.scope), .name = std::string(r.name)};
    if (x) ch.before = x->value, ch.fromBefore = x->from, ch.sourceBefore = x->source;
    if (y) ch.after = y->value, ch.fromAfter = y->from, ch.sourceAfter = y->source;
    d.changes.push_back(std::move(ch));
  }
  out.value = std::move(d);
  return out;
}

void explain(PmParameterDiff& d) {
  const auto num = [](const std::optional<double>& x) { return x ? formatNumber(*x) : std::string("none"); };
  for (std::size_t i = 0; i < d.changes.size(); ++i) {
    const PmParameterChange& c = d.changes[i];
    d.steps.push_back({.field = "changes[" + std::to_string(i) + "]",
                       .label = d.venue + " " + c.name + " (" + c.scope + "): " + num(c.before) + " in set " + d.setA + ", " +
                                num(c.after) + " in set " + d.setB,
                       .formula = "set " + d.setA + " -> set " + d.setB, .substituted = num(c.before) + " -> " + num(c.after),
                       .value = c.after, .code = "venuePm.parameterChange",
                       .params = {{"name", c.name}, {"scope", c.scope}}});
  }
}

}  // namespace marginlab
