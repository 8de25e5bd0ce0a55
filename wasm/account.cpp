// SPDX-License-Identifier: MIT
// MarginLab JS boundary for accounts (scenario version 3: marginlab/account.h), compiled into
// marginlab-full only. The account and its request are read by walking their fields() (request.h),
// the core checks the rest, and the answer is written by walking its fields (value_writer.h). No
// formula lives here.
#include "account.h"

#include <string>
#include <vector>

#include "convert.h"
#include "marginlab/account.h"
#include "marginlab/validate.h"
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

namespace {

/// The request of an account call: read when it is an object; absent (undefined, null) only when
/// `optional`; anything else an error at "request".
template <class Q>
std::vector<InputError> readRequest(const val& request, bool optional, Q& q) {
  Reader r;
  const Field f = fieldOf(request);
  if (f.kind == Kind::Object) RequestReader(r, request, "request").read(q);
  else if (!optional || (f.kind != Kind::Undefined && f.kind != Kind::Null))
    r.fail("request", "wrongType", {{"expected", std::string("an object")}, {"actual", std::string(typeName(f))}});
  return std::move(r.errors);
}

/// { errors, ...result, steps? }: the explanation pass only on { explain: true }.
template <class R, class Explain>
val answer(Result<R> result, const val& options, Explain explainPass) {
  const bool explain = explained(options);
  JsWriter& w = accountWriter();
  w.object().key("errors").errors(result.errors);
  if (result) {
    if (explain) explainPass(*result.value);
    ValueWriter(w, explain).members(*result.value);
  }
  return w.end().take();
}

/// The errors of the account and its request together (the reading's, then the core's).
template <class R>
Result<R> failed(std::vector<InputError> errors, const std::vector<InputError>& request) {
  Result<R> result;
  result.errors = std::move(errors);
  result.errors.insert(result.errors.end(), request.begin(), request.end());
  return result;
}

}  // namespace

val evaluateAccount(const val& account, const val& request, const val& options) {
  std::vector<InputError> errors;
  const Account a = readAccount(account, errors);
  AccountRequest q;
  const std::vector<InputError> requestErrors = readRequest(request, true, q);
  Result<AccountResult> result;
  if (errors.empty() && requestErrors.empty()) result = marginlab::evaluateAccount(a, q);
  else {
    result = failed<AccountResult>(std::move(errors), requestErrors);
    if (a.margin == AccountMargin::DeribitStandard) mergeChecks(result.errors, validateOptionsRequest(q.options));
  }
  return answer(std::move(result), options, [&](AccountResult& r) { marginlab::explain(a, q, r); });
}

val accountBoundary(const val& account, const val& request, const val& options) {
  std::vector<InputError> errors;
  const Account a = readAccount(account, errors);
  BoundaryRequest q;
  const std::vector<InputError> requestErrors = readRequest(request, false, q);
  Result<BoundaryResult> result = errors.empty() && requestErrors.empty() ? marginlab::accountBoundary(a, q)
                                                                                : failed<BoundaryResult>(std::move(errors), requestErrors);
  return answer(std::move(result), options, [&](BoundaryResult& r) { marginlab::explain(a, q, r); });
}

val accountVenues(const val& options) {
  const bool unverified = !options.isUndefined() && !options.isNull() && options["unverified"].isTrue();
  JsWriter& w = accountWriter();
  w.array();
  for (const AccountRules& r : marginlab::accountVenues(unverified)) ValueWriter(w, false).write(r);
  return w.end().take();
}

}  // namespace mljs
