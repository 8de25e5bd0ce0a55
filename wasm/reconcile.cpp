// SPDX-License-Identifier: MIT
// MarginLab JS boundary for reconcile.h: lab.reconcile(scenario, venueFigures, options). The JS wrapper
// sends { venueFigures, relativeTolerance } as one request; its fields are read by walking fields() with
// paths "venueFigures[i].field" and "options.relativeTolerance". No formula lives here.
#include <string>
#include <utility>

#include "convert.h"
#include "marginlab/reconcile.h"
#include "packed.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"

namespace mljs {

using namespace marginlab;

namespace {

/// relativeTolerance is options.relativeTolerance in JS.
std::vector<InputError> inJsPaths(std::vector<InputError> errors) {
  for (InputError& e : errors)
    if (e.path == "relativeTolerance") e.path = "options.relativeTolerance";
  return errors;
}

val errorsOnly(const std::vector<InputError>& errors) {
  val o = val::object();
  o.set("errors", toJs(inJsPaths(errors)));
  return o;
}

void writeFigures(JsWriter& w, const ReconciledFigures& x) {
  w.object();
  w.key("liquidationPrice").optional(x.liquidationPrice);
  w.key("bankruptcyPrice").optional(x.bankruptcyPrice);
  w.key("initialMargin").number(x.initialMargin);
  w.key("maintenanceMargin").number(x.maintenanceMargin);
  w.key("marginRatio").optional(x.marginRatio);
  w.end();
}

void writeConventions(JsWriter& w, const std::vector<Convention>& cs) {
  w.array();
  for (const Convention c : cs) w.string(toString(c));
  w.end();
}

void writePosition(JsWriter& w, const PositionReconciliation& p, bool steps) {
  w.object();
  w.key("position").number(static_cast<double>(p.position));
  writeFigures(w.key("marginLab"), p.marginLab);
  w.key("agrees").boolean(p.agrees);
  w.key("reproduced").boolean(p.reproduced);
  writeConventions(w.key("conventions"), p.conventions);
  writeFigures(w.key("figures"), p.figures);
  w.key("differences").array();
  for (const FigureDifference& d : p.differences) {
    w.object().key("field").string(d.field).key("venue").number(d.venue).key("computed").optional(d.computed);
    w.key("difference").number(d.difference).key("tolerance").number(d.tolerance).key("within").boolean(d.within);
    w.end();
  }
  w.end();
  w.key("distance").number(p.distance);
  w.key("tried").number(static_cast<double>(p.tried));
  writeConventions(w.key("available"), p.available);
  if (steps) w.key("steps").steps(p.steps);
  w.end();
}

}  // namespace

val reconcile(const val& scenario, const val& request, const val& options) {
  auto parsed = toScenario(scenario);
  Reader reader;
  ReconcileRequest r;
  RequestReader(reader, request, "").read(r);  // the JS wrapper always sends an object
  if (!parsed) {
    std::vector<InputError> errors = std::move(parsed.errors);
    errors.insert(errors.end(), reader.errors.begin(), reader.errors.end());
    return errorsOnly(errors);
  }
  if (!reader.errors.empty()) {
    std::vector<InputError> errors = reader.errors;
    for (InputError& e : validate(*parsed.value, r))
      if (!shadowed(e, reader.errors)) errors.push_back(std::move(e));
    return errorsOnly(errors);
  }
  auto result = marginlab::reconcile(*parsed.value, r);
  if (!result) return errorsOnly(result.errors);
  const bool steps = isObject(options) && options["explain"].isTrue();
  if (steps) marginlab::explain(*parsed.value, r, *result.value);
  static JsWriter w;
  w.object().key("errors").array().end();
  w.key("positions").array();
  for (const PositionReconciliation& p : result.value->positions) writePosition(w, p, steps);
  w.end();
  return w.end().take();
}

}  // namespace mljs
