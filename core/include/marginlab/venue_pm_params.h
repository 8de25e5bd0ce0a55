// SPDX-License-Identifier: MIT
// MarginLab: the venues' portfolio margin parameters as dated, sourced data (VENUES-PM.md 1.5, 2.2,
// 3.2). Each venue publishes sets that take effect on a date; a set is named by that date (its id)
// and holds every parameter in force from then on. The engines (venue_pm.h) read the set in force
// on a request's `asOf` (default: the newest); pmParameterDiff lists what changed between two dates.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "marginlab/errors.h"
#include "marginlab/report.h"

namespace marginlab {

/// One parameter of a set: who it applies to, its value and where it was published.
struct PmParameter {
  std::string scope;   ///< the underlyings it applies to ("BTC ETH", "others"; Deribit: a currency)
  std::string name;    ///< the engine's name for it ("spotMove", "priceRange", ...)
  double value = 0;
  std::string from;    ///< the date this value took effect (the set that introduced it)
  std::string source;  ///< the publication, with VENUES-PM.md's section or ID
};

/// A venue's dated set: every parameter in force from `asOf` on.
struct PmParameterSet {
  std::string venue;  ///< "deribit" | "okx" | "bybit"
  std::string asOf;   ///< the set's id: the date it took effect, YYYY-MM-DD
  std::string source;
  std::vector<PmParameter> parameters;
};

/// Every dated set of a venue, oldest first ("deribit", "okx", "bybit"; others: none).
std::vector<PmParameterSet> pmParameterSets(std::string_view venue);
/// The set in force on a date ("YYYY-MM-DD"; before the first set: the first). None for a venue
/// without sets. `withParameters` false: its id and source only (what an engine reports).
std::optional<PmParameterSet> pmParameterSetAt(std::string_view venue, std::string_view date, bool withParameters = true);
/// A parameter in force on a date for an underlying (its own scope, else "others"; before its first
/// date: its first value).
std::optional<PmParameter> pmParameter(std::string_view venue, std::string_view name, std::string_view underlying,
                                  std::string_view date);

struct PmParameterChange {
  std::string scope, name;
  std::optional<double> before, after;  ///< in force on dateA, on dateB (none: not yet published then)
  std::string fromBefore, fromAfter;  ///< the dates those values took effect
  std::string sourceBefore, sourceAfter;
};
struct PmParameterDiff {
  std::string venue;
  std::string setA, setB;  ///< the ids of the sets in force on dateA and on dateB
  std::vector<PmParameterChange> changes;  ///< each parameter whose value differs, in table order
  std::vector<Step> steps;
};
/// What changed from the set in force on dateA to the one in force on dateB. Errors at "venue",
/// "dateA", "dateB".
Result<PmParameterDiff> pmParameterDiff(std::string_view venue, std::string_view dateA, std::string_view dateB);
/// The steps of a diff: one per change.
void explain(PmParameterDiff& diff);

}  // namespace marginlab
