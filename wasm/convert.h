// SPDX-License-Identifier: MIT
// MarginLab JS boundary: conversions between JS values and core types, each by walking the struct's
// fields() (marginlab/fields.h).
#pragma once

#include <emscripten/val.h>

#include "marginlab/marginlab.h"

namespace mljs {

/// A DESIGN.md Scenario object to the core type, packed by transfer.js and read by fields() (packed.h
/// readScenario): a path-specific error for every field of the wrong type or missing. Without such
/// errors the value is returned unvalidated (evaluate() validates it); with them, validate()'s errors
/// on the other fields are added.
marginlab::Result<marginlab::Scenario> toScenario(const emscripten::val& scenario);

/// The shared part of an isolated liquidation batch (rules, contract, contractSize, tiers).
marginlab::Result<marginlab::BatchRequest> toBatchRequest(const emscripten::val& request);

/// The report as JS sees it: only `errors` when it has some; steps only with `explain`.
emscripten::val toJs(const marginlab::Report& report, bool explain);
emscripten::val toJs(const std::vector<marginlab::InputError>& errors);
emscripten::val toJs(const marginlab::DefaultTierTable& table);
emscripten::val toJs(const marginlab::Scenario& scenario);
emscripten::val toJs(const std::vector<marginlab::Step>& steps);

/// The description of every struct that crosses (fields.h) and of the enums, for the d.ts check:
/// { structs: { Scenario: [{ name, type, optional }, ...], ... }, enums: { Rules: [...], ... } }.
emscripten::val describe();

}  // namespace mljs
