// SPDX-License-Identifier: MIT
// The engine tests' helper: unwind() that must succeed, with its steps.
#pragma once

#include "marginlab/engine.h"
#include "support.h"

namespace mltest {

/// unwind(s, r), which must succeed, then explain() on it. explain() changes no number: the average fill
/// and the contracts kept are checked here, the rest in engine_test.cpp.
inline marginlab::UnwindResult runUnwind(const marginlab::Scenario& s, const marginlab::UnwindRequest& r) {
  marginlab::Result<marginlab::UnwindResult> out = marginlab::unwind(s, r);
  REQUIRE(out);
  REQUIRE(out.value);
  marginlab::UnwindResult u = *out.value;
  marginlab::explain(s, r, u);
  CHECK(u.averagePrice == out.value->averagePrice);
  CHECK(u.remaining == out.value->remaining);
  return u;
}

}  // namespace mltest
