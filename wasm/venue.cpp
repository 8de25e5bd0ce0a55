// SPDX-License-Identifier: MIT
// MarginLab JS boundary: a venue's contract specification applied to a number (venue.h): a price on
// the venue's tick, a size in its whole lots. Each request is read by walking its fields() (fields.h),
// each answer written so (ValueWriter); the errors keep the words these calls have always used.
#include <emscripten/val.h>

#include <algorithm>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "marginlab/check.h"
#include "marginlab/venue.h"
#include "reader.h"
#include "request.h"
#include "value_writer.h"

namespace mljs {

using emscripten::val;
using marginlab::InputError;

namespace {

/// A wrong type in these calls' words: "a string", "an array" (the Reader's: "string", "array").
InputError inVenueWords(InputError e) {
  if (e.rule != "wrongType" || e.params.size() != 2) return e;
  const auto* expected = std::get_if<std::string>(&e.params[0].value);
  const auto* actual = std::get_if<std::string>(&e.params[1].value);
  if (!expected || !actual || *actual == "null") return e;
  marginlab::Checker c;
  c.fail(std::move(e.path), "wrongType", {{"expected", *expected}, {"actual", (*actual == "array" ? "an " : "a ") + *actual}});
  return std::move(c.errors.front());
}

/// The request's types first: a number's range (priceSigFigs a whole number) only once every field reads.
std::vector<InputError> typesFirst(const std::vector<InputError>& read) {
  const bool typed = std::all_of(read.begin(), read.end(), [](const InputError& e) { return e.rule == "whole"; });
  std::vector<InputError> out;
  for (const InputError& e : read)
    if (typed || e.rule != "whole") out.push_back(inVenueWords(e));
  return out;
}

/// { errors: [], ...the result's fields, steps only when explained }, or { errors }.
template <class Request, class Result>
val answer(const val& request, const val& options, Result (*tool)(const Request&)) {
  static JsWriter w;
  Reader reader;
  Request r;
  RequestReader(reader, request, "").read(r);  // the JS wrapper always sends an object
  std::vector<InputError> errors = typesFirst(reader.errors);
  Result result;
  const bool explain = options["explain"].as<bool>();
  if (errors.empty()) {
    result = tool(r);
    if (explain) marginlab::explain(r, result);
    errors = std::move(result.errors);
  }
  w.object().key("errors").errors(errors);
  if (errors.empty()) ValueWriter(w, explain).members(result);
  return w.end().take();
}

}  // namespace

val tickPrice(const val& request, const val& options) { return answer(request, options, &marginlab::roundToTick); }

val wholeLots(const val& request, const val& options) { return answer(request, options, &marginlab::wholeLots); }

}  // namespace mljs
