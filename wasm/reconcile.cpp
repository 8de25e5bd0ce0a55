// SPDX-License-Identifier: MIT
// MarginLab JS boundary for reconcile.h: lab.reconcile(scenario, venueFigures, options). The JS wrapper
// sends { venueFigures, relativeTolerance } as one request; its fields are read by walking fields() with
// paths "venueFigures[i].field" and "options.relativeTolerance", the answer written so (ValueWriter).
// No formula lives here.
#include <string>
#include <utility>

#include "convert.h"
#include "marginlab/reconcile.h"
#include "packed.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"
#include "value_writer.h"

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
  ValueWriter(w, steps).members(*result.value);  // { errors: [], positions }, steps only when explained
  return w.end().take();
}

}  // namespace mljs
