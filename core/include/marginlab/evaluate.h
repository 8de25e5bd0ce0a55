// SPDX-License-Identifier: MIT
// MarginLab: one call evaluates a whole scenario in both margin modes.
#pragma once

#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Isolated and cross outcomes (and the as-given one when positions carry a marginMode), or
/// every input error at once. Never throws for bad input; every number is finite. Numbers only:
/// no step is built (explain() adds them).
Report evaluate(const Scenario& scenario);

/// "Show the math": fills the steps of every position, account and comparison of `report`, which
/// evaluate(scenario) returned. Changes no number.
void explain(const Scenario& scenario, Report& report);

}  // namespace marginlab
