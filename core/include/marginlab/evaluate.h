// SPDX-License-Identifier: MIT
// MarginLab: one call evaluates a whole scenario in both margin modes.
#pragma once

#include "marginlab/report.h"
#include "marginlab/scenario.h"

namespace marginlab {

/// Isolated and cross outcomes (and the as-given one when positions carry a marginMode), or
/// every input error at once. Never throws for bad input; every number is finite.
Report evaluate(const Scenario& scenario);

}  // namespace marginlab
