// SPDX-License-Identifier: MIT
// MarginLab: reconcile()'s steps, built on request from the inputs and the result (numbers first:
// reconcile() never builds them). Each switch of the combination found is added in turn and the
// figures it gives are shown, so a reader sees which convention moved the number and by how much.
#include <cmath>
#include <string>

#include "marginlab/format.h"
#include "marginlab/reconcile.h"
#include "risk_steps.h"

namespace marginlab {

namespace {

/// Plain words for a switch, as a reader of the venue's page would name it.
std::string_view wordsOf(Convention c) noexcept {
  constexpr std::string_view kWords[] = {"tier at entry",
                                         "maintenance on the entry value",
                                         "tier at the liquidation price",
                                         "entry tier's rate at the price",
                                         "last price",
                                         "index price",
                                         "fee to close",
                                         "no fee to close",
                                         "funding paid",
                                         "other positions left out",
                                         "open orders' margin",
                                         "price rounded to the tick",
                                         "size in whole lots",
                                         "maintenance rate rounded to 0.01%"};
  return kWords[static_cast<std::size_t>(c)];
}

std::string listOf(std::span<const Convention> cs) {
  std::string out;
  for (const Convention c : cs) out += (out.empty() ? "" : " + ") + std::string(wordsOf(c));
  return out.empty() ? "MarginLab's own conventions" : out;
}

std::string text(std::optional<double> x) { return x ? formatNumber(*x) : std::string("none"); }

std::optional<double> figureOf(const ReconciledFigures& x, std::string_view field) {
  if (field == "liquidationPrice") return x.liquidationPrice;
  if (field == "bankruptcyPrice") return x.bankruptcyPrice;
  if (field == "initialMargin") return x.initialMargin;
  if (field == "maintenanceMargin") return x.maintenanceMargin;
  return x.marginRatio;
}

std::string figuresText(const PositionReconciliation& p, const ReconciledFigures& x) {
  std::string out;
  for (const FigureDifference& d : p.differences)
    out += (out.empty() ? "" : ", ") + std::string(d.field) + " = " + text(figureOf(x, d.field));
  return out;
}

void explainPosition(const Scenario& s, const ReconcileRequest& r, std::size_t k, PositionReconciliation& p) {
  auto& steps = p.steps;
  steps.clear();
  const std::string at = "positions[" + std::to_string(p.position) + "]";
  for (const FigureDifference& d : p.differences) {
    const std::optional<double> own = figureOf(p.marginLab, d.field);
    const std::string diff = own ? formatNumber(*own - d.venue) : std::string("none");
    detail::add(steps, "reconcile.marginLab", std::string(d.field), "MarginLab's " + std::string(d.field) + " of " + at +
                    " (its own conventions) against the venue's",
                "difference = MarginLab - venue, matched when |difference| <= tolerance",
                text(own) + " - " + formatNumber(d.venue) + " = " + diff + " (tolerance " + formatNumber(d.tolerance) + ")",
                own, {{"venue", d.venue}, {"tolerance", d.tolerance}});
  }
  std::string switches;
  for (const Convention c : p.available) switches += (switches.empty() ? "" : ", ") + std::string(wordsOf(c));
  detail::add(steps, "reconcile.search", "tried", "Combinations of conventions tried (every subset of the switches)",
              "switches: " + switches, std::to_string(p.tried) + " combinations", static_cast<double>(p.tried),
              {{"switches", static_cast<double>(p.available.size())}});
  for (std::size_t n = 1; n <= p.conventions.size(); ++n) {
    const std::span<const Convention> first(p.conventions.data(), n);
    const ReconciledFigures x = reconciledFigures(s, r, k, first);
    const std::string field(p.differences.front().field);
    detail::add(steps, "reconcile.switch", field, "With " + listOf(first), "the same solver with the switch added",
                figuresText(p, x), figureOf(x, field), {{"convention", std::string(toString(p.conventions[n - 1]))}});
  }
  std::string comparison;
  for (const FigureDifference& d : p.differences)
    comparison += (comparison.empty() ? "" : "; ") + std::string(d.field) + " " + text(d.computed) + " vs " +
                  formatNumber(d.venue) + (d.within ? " (within " : " (off by more than ") + formatNumber(d.tolerance) + ")";
  const std::string label = p.reproduced ? "Reproduced with: " + listOf(p.conventions)
                                         : "No combination reproduces it; nearest: " + listOf(p.conventions);
  detail::add(steps, p.reproduced ? "reconcile.reproduced" : "reconcile.nearest", "distance", label,
              "distance = sum of |computed - venue| / |venue|", comparison, p.distance,
              {{"conventions", listOf(p.conventions)}});
}

}  // namespace

void explain(const Scenario& s, const ReconcileRequest& r, ReconcileResult& result) {
  for (std::size_t k = 0; k < result.positions.size(); ++k) explainPosition(s, r, k, result.positions[k]);
}

}  // namespace marginlab
