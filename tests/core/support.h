// SPDX-License-Identifier: MIT
// Helpers shared by the core suites: build scenarios tersely, fetch outcomes, find errors.
#pragma once

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <string>

#include "marginlab/marginlab.h"

namespace mltest {

using namespace marginlab;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

/// Evaluates and requires no input errors.
inline Report evaluateOk(const Scenario& s) {
  Report r = evaluate(s);
  INFO("first error: " << (r.errors.empty() ? std::string("none") : r.errors.front().path + ": " + r.errors.front().message));
  REQUIRE(r.errors.empty());
  REQUIRE(r.isolated);
  REQUIRE(r.cross);
  return r;
}

/// True when `errors` holds `code` at `path`.
inline bool hasError(const std::vector<InputError>& errors, const std::string& path, ErrorCode code) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const InputError& e) { return e.path == path && e.code == code; });
}

/// A one-row table at one maintenance rate.
inline TierTable flatTier(double rate, double maxLeverage = 125, double cap = 1e12) {
  return {Tier{.notionalCap = cap, .maxLeverage = maxLeverage, .maintenanceMarginRate = rate}};
}

/// The steps of one field.
inline std::vector<Step> stepsFor(const PositionOutcome& o, const std::string& field) {
  std::vector<Step> out;
  for (const Step& s : o.steps)
    if (s.field == field) out.push_back(s);
  return out;
}

}  // namespace mltest
