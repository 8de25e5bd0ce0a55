// SPDX-License-Identifier: MIT
// MarginLab: explain(), the "show the math" pass of evaluate(). It re-runs the numbers kernels
// (model.h) with the solver's trace to learn the choices made, and writes every step's text, its
// stable code and its parameters. It changes no number of the report.
#include <cmath>
#include <iterator>

#include "marginlab/evaluate.h"
#include "marginlab/validate.h"
#include "explain.h"
#include "model.h"

namespace marginlab {

namespace detail {

namespace {

/// Appends "a×b + c×d" (in parentheses when more than one term) with term(out, i) writing term i.
template <class Term>
void appendSum(TextBuilder& out, std::size_t count, Term term) {
  if (count > 1) out.add('(');
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out.add(" + ");
    term(out, i);
  }
  if (count > 1) out.add(')');
}

void appendTiers(TextBuilder& out, const Model& m, std::span<const Leg* const> group, double u) {
  for (std::size_t i = 0; i < group.size(); ++i) {
    const std::size_t tier = maintenanceAt(m, *group[i], u).tier;
    const ResolvedTier& t = m.tiersOf(*group[i])[tier];
    out.add(i ? "; tier " : "tier ", num(static_cast<double>(tier + 1)), " (notional ", num(t.floor), " to ",
            num(t.cap), ")");
  }
}

/// The numbers a piece's label and formula show, by name (per leg: "[position index]"): e0, and per
/// leg s·q and EP; with maintenance the tier row (tier, floor, cap) and its terms (at the price:
/// MMR with fees and amount; on the entry value: the maintenance margin).
void pieceParams(Step& step, const Model& m, std::span<const Leg* const> group, double e0,
                 std::string_view e0Symbol, bool withMaintenance, double u) {
  const bool atPrice = m.profile->basis == MaintenanceBasis::AtPrice;
  step.params.reserve(step.params.size() + 4 + group.size() * (withMaintenance ? 7 : 2));  // with the candidate and the verdict
  addParam(step, "backing", e0Symbol);
  addParam(step, "e0", e0);
  for (const Leg* leg : group) {
    addParam(step, "sq", leg->index, leg->s * leg->k);
    addParam(step, "entryPrice", leg->index, leg->entry);
    if (!withMaintenance) continue;
    const Maintenance mm = maintenanceAt(m, *leg, u);
    const ResolvedTier& t = m.tiersOf(*leg)[mm.tier];
    addParam(step, "tier", leg->index, static_cast<double>(mm.tier + 1));
    addParam(step, "floor", leg->index, t.floor);
    addParam(step, "cap", leg->index, t.cap);
    if (atPrice) {
      addParam(step, "rate", leg->index, mm.effectiveRate);
      addParam(step, "amount", leg->index, mm.amount);
    } else {
      addParam(step, "mm", leg->index, mm.c0);
    }
  }
}

/// Formula and substitution of the root of one piece (tiers read at u).
void formulaOf(const Model& m, std::span<const Leg* const> group, double e0, std::string_view e0Symbol,
               bool withMaintenance, double u, std::string& formula, std::string& substituted) {
  const bool linear = group.front()->contract == Contract::Linear;
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const std::size_t count = group.size();
  auto sq = [&](TextBuilder& out, std::size_t i) { out.add(snum(group[i]->s * group[i]->k)); };
  auto sqEp = [&](TextBuilder& out, std::size_t i) { out.add(snum(group[i]->s * group[i]->k), "×", num(group[i]->entry)); };
  auto sVEp = [&](TextBuilder& out, std::size_t i) { out.add(snum(group[i]->s * group[i]->k), "/", num(group[i]->entry)); };
  auto mmOf = [&](std::size_t i) { return maintenanceAt(m, *group[i], u); };
  auto qRate = [&](TextBuilder& out, std::size_t i) { out.add(num(group[i]->k), "×", num(mmOf(i).effectiveRate)); };
  auto amounts = [&](TextBuilder& out, std::size_t i) { out.add(num(mmOf(i).amount)); };
  auto mms = [&](TextBuilder& out, std::size_t i) { out.add(num(mmOf(i).c0)); };
  const Num e(e0);
  TextBuilder s;
  if (!withMaintenance && linear) {
    formula = cat("BP = (Σ s·q·EP − ", e0Symbol, ") / Σ s·q");
    s.add('(');
    appendSum(s, count, sqEp);
    s.add(" − ", e, ") / ");
    appendSum(s, count, sq);
  } else if (!withMaintenance) {
    formula = cat("BP = Σ s·V / (", e0Symbol, " + Σ s·V/EP)");
    appendSum(s, count, sq);
    s.add(" / (", e, " + ");
    appendSum(s, count, sVEp);
    s.add(')');
  } else if (linear && !atEntry) {
    formula = cat("LP = (", e0Symbol, " + Σ cum − Σ s·q·EP) / (Σ q·MMR − Σ s·q)");
    s.add("(", e, " + ");
    appendSum(s, count, amounts);
    s.add(" − ");
    appendSum(s, count, sqEp);
    s.add(") / (");
    appendSum(s, count, qRate);
    s.add(" − ");
    appendSum(s, count, sq);
    s.add(')');
  } else if (linear) {
    formula = cat("LP = (Σ s·q·EP − ", e0Symbol, " + Σ MM) / Σ s·q");
    s.add('(');
    appendSum(s, count, sqEp);
    s.add(" − ", e, " + ");
    appendSum(s, count, mms);
    s.add(") / ");
    appendSum(s, count, sq);
  } else if (!atEntry) {
    formula = cat("LP = (Σ V·MMR + Σ s·V) / (", e0Symbol, " + Σ cum + Σ s·V/EP)");
    s.add('(');
    appendSum(s, count, qRate);
    s.add(" + ");
    appendSum(s, count, sq);
    s.add(") / (", e, " + ");
    appendSum(s, count, amounts);
    s.add(" + ");
    appendSum(s, count, sVEp);
    s.add(')');
  } else {
    formula = cat("LP = Σ s·V / (", e0Symbol, " − Σ MM + Σ s·V/EP)");
    appendSum(s, count, sq);
    s.add(" / (", e, " − ");
    appendSum(s, count, mms);
    s.add(" + ");
    appendSum(s, count, sVEp);
    s.add(')');
  }
  s.copyTo(substituted);
}

/// The step of one piece the solver walked; `last`: the piece holding the answer.
void pieceStep(std::vector<Step>& steps, const Model& m, std::span<const Leg* const> group, double e0,
               std::string_view e0Symbol, bool withMaintenance, std::string_view field, const CrossingTrace& trace,
               const CrossingPiece& piece, bool last) {
  const Leg& first = *group.front();
  const bool atPrice = m.profile->basis == MaintenanceBasis::AtPrice;
  Step& step = steps.emplace_back();
  step.field.assign(field.data(), field.size());
  formulaOf(m, group, e0, e0Symbol, withMaintenance, piece.u, step.formula, step.substituted);
  step.code = cat(field, !withMaintenance ? ".solve" : atPrice ? ".tier" : ".entryTier");
  pieceParams(step, m, group, e0, e0Symbol, withMaintenance, piece.u);
  std::optional<double> candidate;
  const auto r = piece.root();
  if (r && *r > 0 && isValidPositive(first.priceOf(*r))) candidate = first.priceOf(*r);
  if (candidate) addParam(step, "candidate", *candidate);
  TextBuilder label;
  label.add(withMaintenance ? "Liquidation price" : "Bankruptcy price", " where ",
            withMaintenance ? "equity = maintenance margin" : "equity = 0");
  if (withMaintenance && atPrice) {
    label.add(", ");
    appendTiers(label, m, group, piece.u);
  }
  if (withMaintenance && !atPrice) {
    label.add(", maintenance on the entry value (");
    appendTiers(label, m, group, piece.u);
    label.add(')');
  }
  if (withMaintenance && trace.hasBreaks) {
    const char* verdict = last ? "answer" : candidate ? "candidateOutside" : "noPositivePrice";
    addParam(step, "verdict", verdict);
    if (last) label.add(": the price lies in this range, so this is the answer");
    else if (candidate) label.add(": the candidate lies outside this range, so the next tier applies");
    else label.add(": no positive price in this range, so the next tier applies");
  }
  label.copyTo(step.label);
  step.value = last ? std::optional<double>(first.priceOf(trace.crossingU)) : candidate;
}

}  // namespace

void appendCrossingSteps(std::vector<Step>& steps, const Model& m, std::span<const Leg* const> group, double e0,
                         std::string_view e0Symbol, bool withMaintenance, std::string_view field,
                         const CrossingTrace& trace) {
  using Way = CrossingTrace::Way;
  const Leg& first = *group.front();
  const std::vector<CrossingPiece>& shown = trace.chosen == Way::Up ? trace.up : trace.down;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    const bool last = trace.chosen != Way::None && i + 1 == shown.size();
    pieceStep(steps, m, group, e0, e0Symbol, withMaintenance, field, trace, shown[i], last);
  }
  if (trace.chosen != Way::None) return;
  const std::string_view what = withMaintenance ? "Liquidation price" : "Bankruptcy price";
  if (trace.alreadyPast) {
    Step& step = addStep(steps, field, first.mark);
    append(step.label, what, withMaintenance ? ": equity is below the maintenance margin" : ": equity is below zero",
           " at every price of this symbol, so it is reached now, at the mark");
    step.code = cat(field, ".alreadyPast");
    addParam(step, "markPrice", first.mark);
    return;
  }
  Step& step = addStep(steps, field, std::nullopt);
  std::string& reason = step.label;
  step.code = cat(field, ".none");
  append(reason, "No price brings ", withMaintenance ? "equity down to the maintenance margin" : "the margin to zero",
         ": the margin covers the loss at every price");
  const auto r = trace.atMark.root();
  if (r && !(*r > 0)) addParam(step, "root", *r);
  if (first.contract == Contract::Linear && r && !(*r > 0)) {
    append(reason, " (the formula gives ", num(*r), ", not a positive price)");
  } else if (first.contract == Contract::Inverse && r && !(*r > 0)) {
    append(reason, " (the formula gives 1/P = ", num(*r), ", so no finite price)");
  }
}

ExplainedCrossing explainedCrossing(const Model& m, std::span<const Leg* const> group, double e0,
                                    std::string_view e0Symbol, bool withMaintenance, std::string_view field) {
  CrossingTrace trace;
  ExplainedCrossing out;
  static_cast<Crossing&>(out) = solveCrossing(m, group, e0, withMaintenance, &trace);
  appendCrossingSteps(out.trace, m, group, e0, e0Symbol, withMaintenance, field, trace);
  return out;
}

}  // namespace detail

namespace {

using detail::addStep;
using detail::append;
using detail::cat;
using detail::CrossingTrace;
using detail::Leg;
using detail::MarkTerms;
using detail::Model;
using detail::num;
using detail::Num;
using detail::addParams;
using detail::addParam;
using detail::snum;
using detail::TextBuilder;

/// The steps of a position's own numbers at the mark, the same in every outcome.
void markSteps(const Model& m, const Leg& leg, const MarkTerms& a, std::vector<Step>& steps) {
  const Position& p = m.scenario->positions[leg.index];
  const bool linear = leg.contract == Contract::Linear;
  const Num quantity(p.quantity), contractSize(p.contractSize), mark(leg.mark);
  Step& notional = addStep(steps, "notional", a.notional,
                           linear ? "Notional at the mark (quote)" : "Notional at the mark (coin)",
                           linear ? "N = Q·CS·P_mark" : "N = Q·CS / P_mark");
  append(notional.substituted, quantity, "×", contractSize, linear ? "×" : " / ", mark);
  notional.code = linear ? "notional.linear" : "notional.inverse";
  addParams(notional, {{"quantity", p.quantity}, {"contractSize", p.contractSize}, {"markPrice", leg.mark}});

  const Num entryNotional(leg.entryNotional);
  const bool fees = m.profile->feesInInitialMargin;
  Step& im = addStep(steps, "initialMargin", leg.initialMargin,
                     fees ? "Initial margin at entry, with entry and exit taker fees reserved" : "Initial margin at entry",
                     fees ? "IM = N_entry / L + 2·fee·N_entry" : "IM = N_entry / L");
  append(im.substituted, entryNotional, " / ", num(leg.leverage));
  if (fees) append(im.substituted, " + 2×", num(m.fee), "×", entryNotional);
  im.code = fees ? "initialMargin.withFees" : "initialMargin.entry";
  addParams(im, {{"entryNotional", leg.entryNotional}, {"leverage", leg.leverage}}, fees ? 1 : 0);
  if (fees) addParam(im, "fee", m.fee);
}

void maintenanceSteps(const Model& m, const Leg& leg, const MarkTerms& a, std::vector<Step>& steps) {
  const ResolvedTier& tier = m.tiersOf(leg)[a.mm.tier];
  const bool atEntry = m.profile->basis == MaintenanceBasis::AtEntry;
  const bool fee = atEntry ? m.profile->exitFeeInMaintenance : m.profile->feeInMaintenanceRate;
  Step& mm = addStep(steps, "maintenanceMargin", a.maintenance, "",
                     atEntry ? (fee ? "MM = N_entry·(MMR + fee) − amount" : "MM = N_entry·MMR − amount")
                             : (fee ? "MM = N·(MMR + fee) − amount" : "MM = N·MMR − amount"));
  append(mm.label, atEntry ? "Maintenance margin on the entry value, tier " : "Maintenance margin at the mark, tier ",
         num(static_cast<double>(a.mm.tier + 1)), " (notional ", num(tier.floor), " to ", num(tier.cap), ", MMR ",
         num(tier.rate), ", amount ", num(tier.amount), ")",
         fee ? (atEntry ? ", with the exit taker fee" : ", with the taker fee") : "");
  const double base = atEntry ? leg.entryNotional : a.notional;
  if (fee) append(mm.substituted, num(base), "×(", num(a.mm.rate), " + ", num(m.fee), ") − ", num(a.mm.amount));
  else append(mm.substituted, num(base), "×", num(a.mm.rate), " − ", num(a.mm.amount));
  mm.code = cat("maintenanceMargin.", atEntry ? "onEntry" : "atMark", fee ? "WithFee" : "");
  addParams(mm,
            {{"tier", static_cast<double>(a.mm.tier + 1)}, {"floor", tier.floor}, {"cap", tier.cap}, {"notional", base},
             {"rate", a.mm.rate}, {"amount", a.mm.amount}},
            fee ? 1 : 0);
  if (fee) addParam(mm, "fee", m.fee);
  if (m.profile->feeToCloseInReport) {
    Step& close = addStep(steps, "maintenanceMargin", a.maintenance + a.feeToClose,
                          "Maintenance margin with the fee to close at the bankruptcy price",
                          "MM = N·MMR − amount + N_bankruptcy·fee");
    append(close.substituted, num(a.maintenance), " + ", num(a.feeToClose));
    close.code = "maintenanceMargin.feeToClose";
    addParams(close, {{"maintenance", a.maintenance}, {"feeToClose", a.feeToClose}});
  }
}

void pnlSteps(const Model& m, const Leg& leg, const MarkTerms& a, std::vector<Step>& steps) {
  const Position& p = m.scenario->positions[leg.index];
  const bool linear = leg.contract == Contract::Linear;
  const Num quantity(p.quantity), contractSize(p.contractSize), mark(leg.mark);
  Step& pnl = addStep(steps, "unrealizedPnl", a.pnl,
                      linear ? "Unrealized PnL at the mark (quote)" : "Unrealized PnL at the mark (coin)",
                      linear ? "uPnL = s·Q·CS·(P_mark − EP)" : "uPnL = s·Q·CS·(1/EP − 1/P_mark)");
  if (linear) append(pnl.substituted, snum(leg.s), "×", quantity, "×", contractSize, "×(", mark, " − ", num(leg.entry), ")");
  else append(pnl.substituted, snum(leg.s), "×", quantity, "×", contractSize, "×(1/", num(leg.entry), " − 1/", mark, ")");
  pnl.code = linear ? "unrealizedPnl.linear" : "unrealizedPnl.inverse";
  addParams(pnl, {{"side", leg.s}, {"quantity", p.quantity}, {"contractSize", p.contractSize}, {"markPrice", leg.mark},
                  {"entryPrice", leg.entry}});
  Step& roe = addStep(steps, "roe", a.pnl / leg.initialMargin, "Return on the initial margin", "ROE = uPnL / IM");
  append(roe.substituted, num(a.pnl), " / ", num(leg.initialMargin));
  roe.code = "roe";
  addParams(roe, {{"unrealizedPnl", a.pnl}, {"initialMargin", leg.initialMargin}});
}

/// What a position's last steps need beyond its outcome.
struct RatioText {
  const char* formula;
  std::string substituted;
  const char* code;
  const char* codeNone;
  detail::NumberParam params[3];
};

/// Distance, margin ratio and most-it-can-lose: the steps that end every position's list.
void closingSteps(const PositionOutcome& o, const Leg& leg, bool alreadyPast, const RatioText& ratio,
                  std::vector<Step>& steps) {
  if (o.liquidationPrice) {
    const double lp = *o.liquidationPrice;
    const Num mark(leg.mark);
    Step& d = addStep(steps, "distanceToLiquidation", o.distanceToLiquidation,
                      alreadyPast ? "Distance to liquidation: the mark is already past it (negative)"
                                  : "Distance from the mark to the liquidation price",
                      alreadyPast ? "d = −|LP − P_mark| / P_mark" : "d = |LP − P_mark| / P_mark");
    append(d.substituted, "|", num(lp), " − ", mark, "| / ", mark);
    d.code = alreadyPast ? "distanceToLiquidation.alreadyPast" : "distanceToLiquidation.fromMark";
    addParams(d, {{"liquidationPrice", lp}, {"markPrice", leg.mark}});
  } else {
    addStep(steps, "distanceToLiquidation", std::nullopt, "No distance: no positive price liquidates this position")
        .code = "distanceToLiquidation.none";
  }
  Step& r = addStep(steps, "marginRatio", o.marginRatio,
                    o.marginRatio ? "Margin ratio: maintenance over the equity backing it (100% liquidates)"
                                  : "Margin ratio: none, the equity backing the position is zero or less",
                    ratio.formula);
  r.substituted = ratio.substituted;
  r.code = o.marginRatio ? ratio.code : ratio.codeNone;
  addParams(r, {ratio.params[0], ratio.params[1], ratio.params[2]});
  const bool isolated = o.mode == MarginMode::Isolated;
  Step& loss = addStep(steps, "maxLoss", o.maxLoss,
                       isolated ? "Most it can lose: its isolated margin" : "Most it can lose: the whole cross wallet backs it",
                       isolated ? "maxLoss = M" : "maxLoss = W_cross");
  append(loss.substituted, num(o.maxLoss));
  loss.code = isolated ? "maxLoss.isolated" : "maxLoss.cross";
  addParams(loss, {{isolated ? "margin" : "crossWallet", o.maxLoss}});
}

/// Everything explain needs of one scenario: the model, each leg's numbers and mark steps.
struct Context {
  const Model& m;
  std::vector<MarkTerms> marks;
  std::vector<std::vector<Step>> markSteps;  ///< per leg: notional .. roe
  bool lastOutcome = false;                  ///< the mark steps are moved, not copied

  /// A position's steps, starting with its mark steps, with room for `more`.
  std::vector<Step> start(std::size_t index, std::size_t more) {
    std::vector<Step> steps;
    steps.reserve(markSteps[index].size() + more);
    if (lastOutcome) std::move(markSteps[index].begin(), markSteps[index].end(), std::back_inserter(steps));
    else steps.insert(steps.end(), markSteps[index].begin(), markSteps[index].end());
    return steps;
  }
};

/// The steps of the cross positions of one symbol (table), with their group's backing and crossings.
void explainCrossGroup(Context& c, const detail::CrossGroups& groups, const detail::AccountTerms& t,
                       std::size_t table, Outcome& out) {
  const Model& m = c.m;
  const auto group = groups.group(table);
  const detail::CrossBacking b = detail::crossBacking(groups, t.crossWallet, table);
  const std::string& symbol = m.scenario->positions[group.front()->index].symbol;
  const Num crossWallet(t.crossWallet), otherPnl(b.otherPnl, true);
  std::vector<Step> shared;
  Step& backing = addStep(shared, "liquidationPrice", b.e0, "", "E0 = W_cross − Σ MM_other + Σ uPnL_other");
  append(backing.label, "Margin backing ", symbol,
         " in cross: the cross wallet, less the maintenance of the other positions, plus their PnL");
  append(backing.substituted, crossWallet, " − ", num(b.otherMaintenance), " + ", otherPnl);
  backing.code = "liquidationPrice.crossBacking";
  addParam(backing, "symbol", symbol);
  addParams(backing, {{"crossWallet", t.crossWallet}, {"otherMaintenance", b.otherMaintenance}, {"otherPnl", b.otherPnl}});
  Step& before = addStep(shared, "bankruptcyPrice", b.e0b, "", "E0b = W_cross + Σ uPnL_other");
  append(before.label, "Margin backing ", symbol, " before bankruptcy: the cross wallet plus the other positions' PnL");
  append(before.substituted, crossWallet, " + ", otherPnl);
  before.code = "bankruptcyPrice.crossBacking";
  addParam(before, "symbol", symbol);
  addParams(before, {{"crossWallet", t.crossWallet}, {"otherPnl", b.otherPnl}});
  CrossingTrace liquidation, bankruptcy;
  detail::solveCrossing(m, group, b.e0, true, &liquidation);
  detail::solveCrossing(m, group, b.e0b, false, &bankruptcy);
  detail::appendCrossingSteps(shared, m, group, b.e0, "E0", true, "liquidationPrice", liquidation);
  detail::appendCrossingSteps(shared, m, group, b.e0b, "E0b", false, "bankruptcyPrice", bankruptcy);
  RatioText ratio{"ratio = Σ MM_cross / (W_cross + Σ uPnL_cross)",
                  cat(num(t.crossMaintenance), " / (", crossWallet, " + ", snum(t.crossPnl), ")"), "marginRatio.cross",
                  "marginRatio.crossNone",
                  {{"maintenance", t.crossMaintenance}, {"crossWallet", t.crossWallet}, {"crossPnl", t.crossPnl}}};
  for (const Leg* leg : group) {
    PositionOutcome& o = out.positions[leg->index];
    std::vector<Step> steps = c.start(leg->index, shared.size() + 4);
    Step& margin = addStep(steps, "margin", t.crossWallet, "Cross wallet: the wallet less the isolated margins",
                           "W_cross = W − Σ M_isolated");
    append(margin.substituted, num(m.scenario->walletBalance), " − ", num(t.isolatedMargins));
    margin.code = "margin.cross";
    addParams(margin, {{"walletBalance", m.scenario->walletBalance}, {"isolatedMargins", t.isolatedMargins}});
    if (leg == group.back()) std::move(shared.begin(), shared.end(), std::back_inserter(steps));
    else steps.insert(steps.end(), shared.begin(), shared.end());
    closingSteps(o, *leg, liquidation.alreadyPast, ratio, steps);
    o.steps = std::move(steps);
  }
}

void explainIsolated(Context& c, const Leg& leg, Outcome& out) {
  const Model& m = c.m;
  const MarkTerms& a = c.marks[leg.index];
  const Position& p = m.scenario->positions[leg.index];
  std::vector<Step> steps = c.start(leg.index, 10);
  const Num marginText(leg.isolatedMargin);
  Step& margin = addStep(steps, "margin", leg.isolatedMargin,
                         p.isolatedMargin ? "Isolated margin, as given" : "Isolated margin: the initial margin", "M");
  append(margin.substituted, marginText);
  margin.code = p.isolatedMargin ? "margin.isolatedGiven" : "margin.isolatedInitial";
  addParams(margin, {{"margin", leg.isolatedMargin}});
  const double e0 = detail::isolatedBacking(m, leg);
  if (m.profile->extraMarginNetOfFee) {
    const Num initial(leg.initialMargin);
    Step& net = addStep(steps, "liquidationPrice", e0, "Margin counted for liquidation: extra margin net of the fee to close",
                        "M' = IM + (M − IM) / (1 − s·fee)");
    append(net.substituted, initial, " + (", marginText, " − ", initial, ") / (1 − ", snum(leg.s), "×", num(m.fee), ")");
    net.code = "liquidationPrice.netOfFee";
    addParams(net, {{"initialMargin", leg.initialMargin}, {"margin", leg.isolatedMargin}, {"side", leg.s},
                    {"fee", m.fee}});
  }
  const Leg* one[] = {&leg};
  CrossingTrace liquidation, bankruptcy;
  detail::solveCrossing(m, one, e0, true, &liquidation);
  detail::solveCrossing(m, one, leg.isolatedMargin, false, &bankruptcy);
  detail::appendCrossingSteps(steps, m, one, e0, m.profile->extraMarginNetOfFee ? "M'" : "M", true, "liquidationPrice",
                              liquidation);
  detail::appendCrossingSteps(steps, m, one, leg.isolatedMargin, "M", false, "bankruptcyPrice", bankruptcy);
  RatioText ratio{"ratio = MM / (M + uPnL)", cat(num(a.maintenance), " / (", marginText, " + ", snum(a.pnl), ")"),
                  "marginRatio.isolated", "marginRatio.isolatedNone",
                  {{"maintenance", a.maintenance}, {"margin", leg.isolatedMargin}, {"unrealizedPnl", a.pnl}}};
  PositionOutcome& o = out.positions[leg.index];
  closingSteps(o, leg, liquidation.alreadyPast, ratio, steps);
  o.steps = std::move(steps);
}

void explainAccount(const Context& c, std::span<const MarginMode> modes, const detail::AccountTerms& t,
                    AccountOutcome& acc) {
  const Model& m = c.m;
  const double wallet = m.scenario->walletBalance;
  const Num crossWallet(t.crossWallet), walletText(wallet), isolatedMargins(t.isolatedMargins);
  std::vector<Step>& steps = acc.steps;
  steps.clear();
  steps.reserve(6);
  Step& equity = addStep(steps, "equity", acc.equity,
                         "Equity: each isolated position's margin plus its PnL, and the cross wallet plus the cross PnL; a "
                         "pool that is past bankruptcy counts as zero (the insurance fund takes the rest)",
                         "equity = Σ max(0, M + uPnL) + max(0, W_cross + Σ uPnL_cross)");
  equity.code = "equity.account";
  equity.params.reserve(2 * m.legs.size() + 2);
  TextBuilder equitySub;
  for (const Leg& leg : m.legs) {
    if (modes[leg.index] != MarginMode::Isolated) continue;
    equitySub.add(equitySub.empty() ? "max(0, " : " + max(0, ", num(leg.isolatedMargin), " + ",
                  snum(c.marks[leg.index].pnl), ")");
    addParam(equity, "margin", leg.index, leg.isolatedMargin);
    addParam(equity, "pnl", leg.index, c.marks[leg.index].pnl);
  }
  if (!equitySub.empty()) equitySub.add(" + ");
  if (t.hasCross) equitySub.add("max(0, ", crossWallet, " + ", snum(t.crossPnl), ")");
  else equitySub.add(snum(t.crossWallet));
  equitySub.copyTo(equity.substituted);
  addParam(equity, "crossWallet", t.crossWallet);
  if (t.hasCross) addParam(equity, "crossPnl", t.crossPnl);

  const Num maintenance(acc.maintenanceMargin);
  Step& mm = addStep(steps, "maintenanceMargin", acc.maintenanceMargin, "Maintenance margin of every position", "MM = Σ MM_i");
  append(mm.substituted, maintenance);
  mm.code = "maintenanceMargin.account";
  addParams(mm, {{"maintenance", acc.maintenanceMargin}});
  Step& ratio = addStep(steps, "marginRatio", acc.marginRatio,
                        acc.marginRatio ? "Account margin ratio (100% liquidates)" : "Account margin ratio: none, the equity is zero",
                        "ratio = MM / equity");
  append(ratio.substituted, maintenance, " / ", num(acc.equity));
  ratio.code = acc.marginRatio ? "marginRatio.account" : "marginRatio.accountNone";
  addParams(ratio, {{"maintenance", acc.maintenanceMargin}, {"equity", acc.equity}});
  Step& available = addStep(steps, "availableBalance", acc.availableBalance,
                            t.hasCross ? "Available: the cross wallet plus the cross PnL, less the cross initial margins"
                                       : "Available: the wallet less the isolated margins",
                            t.hasCross ? "available = W_cross + Σ uPnL_cross − Σ IM_cross" : "available = W − Σ M");
  if (t.hasCross) {
    append(available.substituted, crossWallet, " + ", snum(t.crossPnl), " − ", num(t.crossInitial));
    available.code = "availableBalance.cross";
    addParams(available,
              {{"crossWallet", t.crossWallet}, {"crossPnl", t.crossPnl}, {"crossInitial", t.crossInitial}});
  } else {
    append(available.substituted, walletText, " − ", isolatedMargins);
    available.code = "availableBalance.isolated";
    addParams(available, {{"walletBalance", wallet}, {"isolatedMargins", t.isolatedMargins}});
  }
  if (t.crossWallet < 0) {
    Step& shortfall = addStep(steps, "availableBalance", t.crossWallet, "The wallet does not cover the isolated margins",
                              "W − Σ M < 0");
    append(shortfall.substituted, walletText, " − ", isolatedMargins);
    shortfall.code = "availableBalance.shortfall";
    addParams(shortfall, {{"walletBalance", wallet}, {"isolatedMargins", t.isolatedMargins}});
  }
  const double crossAtRisk = t.hasCross ? std::max(0.0, t.crossWallet) : 0.0;
  Step& loss = addStep(steps, "maxLoss", acc.maxLoss,
                       "Most the account can lose: the isolated margins, and the whole cross wallet if any position is cross",
                       "maxLoss = Σ M + W_cross");
  append(loss.substituted, isolatedMargins, " + ", num(crossAtRisk));
  loss.code = "maxLoss.account";
  addParams(loss, {{"isolatedMargins", t.isolatedMargins}, {"crossWallet", crossAtRisk}});
}

void explainOutcome(Context& c, std::span<const MarginMode> modes, Outcome& out) {
  const Model& m = c.m;
  const detail::AccountTerms t = detail::accountTerms(m, modes, c.marks);
  detail::CrossGroups groups;
  detail::groupCross(m, modes, c.marks, groups);
  for (std::size_t table = 0; table < m.tableCount(); ++table)
    if (!groups.group(table).empty()) explainCrossGroup(c, groups, t, table, out);
  for (const Leg& leg : m.legs)
    if (modes[leg.index] == MarginMode::Isolated) explainIsolated(c, leg, out);
  explainAccount(c, modes, t, out.account);
}

void explainComparison(const PositionOutcome& iso, const PositionOutcome& cross, Comparison& c) {
  c.steps.clear();
  c.steps.reserve(2);
  if (c.distanceGain) {
    Step& gain = addStep(c.steps, "distanceGain", c.distanceGain,
                         "How much further from the mark cross puts the liquidation", "d_cross − d_isolated");
    append(gain.substituted, num(*cross.distanceToLiquidation), " − ", num(*iso.distanceToLiquidation));
    gain.code = "distanceGain.both";
    addParams(gain, {{"crossDistance", *cross.distanceToLiquidation},
                     {"isolatedDistance", *iso.distanceToLiquidation}});
  } else {
    const bool crossOnly = cross.distanceToLiquidation.has_value(), isolatedOnly = iso.distanceToLiquidation.has_value();
    addStep(c.steps, "distanceGain", std::nullopt,
            crossOnly ? "Isolated never liquidates this position; cross can"
                      : (isolatedOnly ? "Cross never liquidates this position; isolated can"
                                      : "Neither mode liquidates this position"))
        .code = crossOnly ? "distanceGain.isolatedNever" : isolatedOnly ? "distanceGain.crossNever" : "distanceGain.neither";
  }
  Step& loss = addStep(c.steps, "maxLoss", cross.maxLoss - iso.maxLoss,
                       "At risk: isolated margin against the whole cross wallet", "maxLoss_cross − maxLoss_isolated");
  append(loss.substituted, num(cross.maxLoss), " − ", num(iso.maxLoss));
  loss.code = "maxLoss.comparison";
  addParams(loss, {{"crossMaxLoss", cross.maxLoss}, {"isolatedMaxLoss", iso.maxLoss}});
}

}  // namespace

void explain(const Scenario& scenario, Report& report) {
  if (!report.errors.empty() || !report.isolated || !report.cross) return;
  const Model m = detail::buildModel(scenario);
  const std::size_t count = scenario.positions.size();
  Context c{m, {}, std::vector<std::vector<Step>>(count)};
  c.marks.reserve(count);
  for (const Leg& leg : m.legs) {
    c.marks.push_back(detail::markTerms(m, leg));
    std::vector<Step>& steps = c.markSteps[leg.index];
    steps.reserve(6);
    markSteps(m, leg, c.marks.back(), steps);
    maintenanceSteps(m, leg, c.marks.back(), steps);
    pnlSteps(m, leg, c.marks.back(), steps);
  }
  std::vector<MarginMode> modes(count, MarginMode::Isolated);
  explainOutcome(c, modes, *report.isolated);
  std::fill(modes.begin(), modes.end(), MarginMode::Cross);
  c.lastOutcome = !report.asGiven;
  explainOutcome(c, modes, *report.cross);
  if (report.asGiven) {
    for (std::size_t i = 0; i < count; ++i) modes[i] = scenario.positions[i].marginMode.value_or(MarginMode::Cross);
    c.lastOutcome = true;
    explainOutcome(c, modes, *report.asGiven);
  }
  for (std::size_t i = 0; i < report.comparisons.size() && i < count; ++i)
    explainComparison(report.isolated->positions[i], report.cross->positions[i], report.comparisons[i]);
}

}  // namespace marginlab
