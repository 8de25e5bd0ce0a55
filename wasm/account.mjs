
// ---- accounts (scenario version 3, README "Accounts"), marginlab-full.js only ----------------------

/** The account functions over `core` (the Embind module); misuse throws TypeError. The last argument,
 *  `options`, is an object or undefined: { explain: true } adds the steps. */
function accountTools(core) {
  if (typeof core.evaluateAccount !== 'function') return {};
  const optionsOf = (name, options) => {
    if (options !== undefined && !isPlainObject(options)) throw new TypeError(`${name}(..., options): options must be an object`);
    return options;
  };
  return {
    /** (scenario version 1 or 2, options?) -> { errors, account? }: the same account, as version 3. */
    toAccount(scenario, options) {
      if (!isPlainObject(scenario)) throw new TypeError('toAccount(scenario): scenario must be an object');
      return core.toAccount(scenario, optionsOf('toAccount', options));
    },
    /** (account, request?, options?) -> { errors, report?, optionsResult?, account, steps? }. */
    evaluateAccount(account, request, options) {
      if (!isPlainObject(account)) throw new TypeError('evaluateAccount(account, ...): account must be an object');
      if (request !== undefined && request !== null && !isPlainObject(request)) {
        throw new TypeError('evaluateAccount(..., request): request must be an object');
      }
      return core.evaluateAccount(account, request, optionsOf('evaluateAccount', options));
    },
    /** (account, request?, options?) -> { errors, venues?, steps? }: the account under every venue's margin. */
    marginByVenue(account, request, options) {
      if (!isPlainObject(account)) throw new TypeError('marginByVenue(account, ...): account must be an object');
      if (request !== undefined && request !== null && !isPlainObject(request)) {
        throw new TypeError('marginByVenue(..., request): request must be an object');
      }
      return core.marginByVenue(account, request, optionsOf('marginByVenue', options));
    },
    /** (account, { x: { asset, from, to }, y: { asset, from, to }, n }, options?) -> { errors, xs, ys,
     *  headroom, lines, today, todayHeadroom, nearest?, distance?, steps? }. */
    accountBoundary(account, request, options) {
      if (!isPlainObject(account)) throw new TypeError('accountBoundary(account, ...): account must be an object');
      if (!isPlainObject(request)) throw new TypeError('accountBoundary(..., request): request must be an object');
      return core.accountBoundary(account, request, optionsOf('accountBoundary', options));
    },
    /** (account, request?, options?) -> { errors, venues?, steps? }: per marginByVenue row, a new leg's
     *  largest size (request.newLeg) and the moves that liquidate (request.underlying, default all). */
    venueReverse(account, request, options) {
      if (!isPlainObject(account)) throw new TypeError('venueReverse(account, ...): account must be an object');
      if (request !== undefined && request !== null && !isPlainObject(request)) {
        throw new TypeError('venueReverse(..., request): request must be an object');
      }
      return core.venueReverse(account, request, optionsOf('venueReverse', options));
    },
    /** (venue) -> the venue's dated parameter sets, oldest first (data; none for binance and span). */
    pmParameterSets(venue) {
      return core.pmParameterSets(venue);
    },
    /** (venue, dateA, dateB, options?) -> { errors, venue, setA, setB, changes, steps? }. */
    pmParameterDiff(venue, dateA, dateB, options) {
      return core.pmParameterDiff(venue, dateA, dateB, optionsOf('pmParameterDiff', options));
    },
    /** ({ unverified }?) -> the shipped venue rule sets (AccountRules[]), each a fresh copy to edit. */
    accountVenues(options) {
      return core.accountVenues(optionsOf('accountVenues', options));
    },
  };
}
