// SPDX-License-Identifier: MIT
// MarginLab: the whole public surface of the core.
#pragma once

#include "marginlab/batch.h"
#include "marginlab/black.h"
#include "marginlab/adl.h"
#include "marginlab/curve.h"
#include "marginlab/engine.h"
#include "marginlab/errors.h"
#include "marginlab/evaluate.h"
#include "marginlab/format.h"
#include "marginlab/odds.h"
#include "marginlab/options.h"
#include "marginlab/orders.h"
#include "marginlab/profile.h"
#include "marginlab/report.h"
#include "marginlab/scenario.h"
#include "marginlab/stress.h"
#include "marginlab/surface.h"
#include "marginlab/svi.h"
#include "marginlab/reconcile.h"
#include "marginlab/sweep.h"
#include "marginlab/tiers.h"
#include "marginlab/validate.h"
#include "marginlab/venue.h"
#include "marginlab/whatif.h"

namespace marginlab {

/// Semantic version of the core and its JS API.
inline constexpr const char* kVersion = "0.2.0";

}  // namespace marginlab
