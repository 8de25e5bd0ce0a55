// SPDX-License-Identifier: MIT
// MarginLab JS boundary for accounts (scenario version 3: marginlab/account.h), compiled into
// marginlab-full only. The account and its request are read by walking their fields() (request.h),
// the core checks the rest, and the answer is written by walking its fields (value_writer.h). No
// formula lives here.
#include "account.h"

#include <algorithm>
#include <string>
#include <vector>

#include "convert.h"
#include "marginlab/account.h"
#include "marginlab/validate.h"
#include "marginlab/venue_pm.h"
#include "marginlab/venue_pm_params.h"
#include "marginlab/venue_pm_reverse.h"
#include "options.h"
#include "packed.h"
#include "reader.h"
#include "request.h"
#include "transfer.h"

namespace mljs {

using namespace marginlab;

namespace {

JsWriter& accountWriter() {
  static JsWriter w;  // its buffers keep their capacity from call to call
  return w;
}

bool explained(const val& options) { return !options.isUndefined() && !options.isNull() && options["explain"].isTrue(); }

/// The scenario's version: 2 reads it as an options scenario, anything else as version 1 (whose reader
/// reports a version it does not take).
bool isOptionsScenario(const val& scenario) {
  const Field version = fieldOf(scenario["version"]);
  return version.kind == Kind::Number && version.number == 2;
}

/// The account, with its conversion errors and the core's checks on the fields that converted.
Account readAccount(const val& v, std::vector<InputError>& errors) {
  Reader r;
  Account a;
  const Field root = fieldOf(v);
  if (root.kind != Kind::Object) {
    r.fail("", "inputNotObject", {{"actual", std::string(typeName(root))}});
    errors = std::move(r.errors);
    return a;
  }
  RequestReader(r, v, "").read(a);
  errors = std::move(r.errors);
  if (!errors.empty()) mergeChecks(errors, validate(a));
  return a;
}

/// The account (readAccount), then the request: an object read by its fields, or absent (undefined,
/// null) when `optional`; anything else is an error. Every error goes to `errors`, the account's first.
template <class Request>
Account readInputs(const val& account, const val& request, Request& q, std::vector<InputError>& errors,
                   bool optional = true) {
  const Account a = readAccount(account, errors);
  Reader r;
  const Field f = fieldOf(request);
  if (f.kind == Kind::Object) RequestReader(r, request, "request").read(q);
  else if (!optional || (f.kind != Kind::Undefined && f.kind != Kind::Null))
    r.fail("request", "wrongType", {{"expected", std::string("an object")}, {"actual", std::string(typeName(f))}});
  errors.insert(errors.end(), r.errors.begin(), r.errors.end());
  return a;
}

/// { errors, ... }: `body(writer, explain)` writes the rest when there is no error.
template <class T, class Body>
val answer(Result<T>& result, Body&& body, const val& options) {
  JsWriter& w = accountWriter();
  w.object().key("errors").errors(result.errors);
  if (result) body(w, explained(options));
  return w.end().take();
}

}  // namespace

val toAccount(const val& scenario, const val&) {  // a conversion has no steps
  std::vector<InputError> errors;
  Account account;
  if (isOptionsScenario(scenario)) {
    std::vector<InputError> conversion;
    const Result<OptionsScenario> s = toOptionsScenario(scenario, conversion);
    errors = conversion.empty() ? validateOptions(*s.value) : s.errors;
    if (errors.empty()) account = marginlab::toAccount(*s.value);
  } else {
    const Result<Scenario> s = toScenario(scenario);
    errors = s ? validate(*s.value) : s.errors;
    if (errors.empty()) account = marginlab::toAccount(*s.value);
  }
  JsWriter& w = accountWriter();
  w.object().key("errors").errors(errors);
  if (errors.empty()) {
    w.key("account");
    ValueWriter(w, false).write(account);
  }
  return w.end().take();
}

val evaluateAccount(const val& account, const val& request, const val& options) {
  std::vector<InputError> errors;
  AccountRequest q;
  const Account a = readInputs(account, request, q, errors);
  Result<AccountResult> result;
  if (errors.empty()) result = marginlab::evaluateAccount(a, q);
  else {
    result.errors = std::move(errors);
    if (a.margin == AccountMargin::DeribitStandard) mergeChecks(result.errors, validateOptionsRequest(q.options));
  }
  return answer(result, [&](JsWriter& w, bool explain) {
    if (explain) marginlab::explain(a, q, *result.value);
    ValueWriter(w, explain).members(*result.value);
  }, options);
}

namespace {

/// A venue row: in full, or only { venue, kind, supported: false, reason } when the venue has no rules.
void writeVenue(JsWriter& w, const VenueMargin& v, bool explain) {
  if (v.supported) {
    ValueWriter(w, explain).write(v);
    return;
  }
  w.object().key("venue").string(v.venue).key("kind").string(v.kind).key("supported").boolean(false);
  w.key("reason").string(v.reason.value_or("")).end();
}

}  // namespace

val marginByVenue(const val& account, const val& request, const val& options) {
  Result<MarginByVenueResult> result;  // the boundary's errors, or the core's answer
  MarginByVenueRequest q;
  const Account a = readInputs(account, request, q, result.errors);
  if (result.errors.empty()) result = marginlab::marginByVenue(a, q);
  return answer(result, [&](JsWriter& w, bool explain) {
    if (explain) marginlab::explain(a, q, *result.value);
    w.key("venues").array();
    for (const VenueMargin& v : result.value->venues) writeVenue(w, v, explain);
    w.end();
    if (explain) w.key("steps").steps(result.value->steps);
  }, options);
}

val accountBoundary(const val& account, const val& request, const val& options) {
  Result<BoundaryResult> result;  // the boundary's errors, or the core's answer
  BoundaryRequest q;
  const Account a = readInputs(account, request, q, result.errors, false);
  if (result.errors.empty()) result = marginlab::accountBoundary(a, q);
  return answer(result, [&](JsWriter& w, bool explain) {
    if (explain) marginlab::explain(a, q, *result.value);
    ValueWriter(w, explain).members(*result.value);
  }, options);
}

val venueReverse(const val& account, const val& request, const val& options) {
  Result<VenueReverseResult> result;  // the boundary's errors, or the core's answer
  VenueReverseRequest q;
  const Account a = readInputs(account, request, q, result.errors);
  if (result.errors.empty()) result = marginlab::venueReverse(a, q);
  return answer(result, [&](JsWriter& w, bool explain) {
    if (explain) marginlab::explain(q, *result.value);
    ValueWriter(w, explain).members(*result.value);
  }, options);
}

namespace {

/// A string argument: its text, or an error at `path` when it is absent or not a string.
std::string stringArgument(const val& v, const char* path, std::vector<InputError>& errors) {
  Reader r;
  const std::optional<std::string> s = r.string(fieldOf(v), Path(path), true, 64);
  errors.insert(errors.end(), r.errors.begin(), r.errors.end());
  return s.value_or("");
}

}  // namespace

val pmParameterSets(const val& venue) {
  JsWriter& w = accountWriter();
  w.array();
  std::vector<InputError> ignored;  // a venue that is not a string has no sets
  for (const PmParameterSet& s : marginlab::pmParameterSets(stringArgument(venue, "venue", ignored))) ValueWriter(w, false).write(s);
  return w.end().take();
}

val pmParameterDiff(const val& venue, const val& dateA, const val& dateB, const val& options) {
  Result<PmParameterDiff> result;
  const std::string v = stringArgument(venue, "venue", result.errors), a = stringArgument(dateA, "dateA", result.errors),
                    b = stringArgument(dateB, "dateB", result.errors);
  Result<PmParameterDiff> core = marginlab::pmParameterDiff(v, a, b);  // every problem at once: the core's at other paths
  for (InputError& e : core.errors)
    if (std::none_of(result.errors.begin(), result.errors.end(), [&](const InputError& x) { return x.path == e.path; }))
      result.errors.push_back(std::move(e));
  if (result.errors.empty()) result.value = std::move(core.value);
  return answer(result, [&](JsWriter& w, bool explain) {
    if (explain) marginlab::explain(*result.value);
    ValueWriter(w, explain).members(*result.value);
  }, options);
}

val accountVenues(const val& options) {
  const bool unverified = !options.isUndefined() && !options.isNull() && options["unverified"].isTrue();
  JsWriter& w = accountWriter();
  w.array();
  for (const AccountRules& r : marginlab::accountVenues(unverified)) ValueWriter(w, false).write(r);
  return w.end().take();
}

}  // namespace mljs
