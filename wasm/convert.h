// SPDX-License-Identifier: MIT
// MarginLab JS boundary: conversions between emscripten::val plain objects and core types.
#pragma once

#include <emscripten/val.h>

#include "marginlab/marginlab.h"

namespace mljs {

/// A DESIGN.md Scenario object to the core type, with a path-specific error for every field
/// of the wrong type or missing. Without such errors the value is returned unvalidated
/// (evaluate() validates it); with them, validate()'s errors on the other fields are added.
marginlab::Result<marginlab::Scenario> toScenario(const emscripten::val& scenario);

/// The shared part of an isolated liquidation batch (rules, contract, contractSize, tiers).
marginlab::Result<marginlab::BatchRequest> toBatchRequest(const emscripten::val& request);

emscripten::val toJs(const marginlab::Report& report);
emscripten::val toJs(const std::vector<marginlab::InputError>& errors);
emscripten::val toJs(const marginlab::DefaultTierTable& table);
emscripten::val toJs(const marginlab::Scenario& scenario);
emscripten::val toJs(const std::vector<marginlab::Step>& steps);

}  // namespace mljs
