
// ---- the margin batch, marginlab-full.js only (wasm/CMakeLists.txt appends this file) -------------

/** marginBatch over `core` (the Embind module): liquidationBatch with each position's margins. */
function batchTools(core) {
  if (typeof core.marginBatch !== 'function') return {};
  const outputs = ['liquidationPrice', 'initialMargin', 'maintenanceMargin', 'maintenanceMarginRate', 'tier'];
  return {
    /**
     * (request, { side, quantity, entryPrice, leverage }, options?) -> { errors, liquidationPrice,
     * initialMargin, maintenanceMargin, maintenanceMarginRate, tier }: Float64Arrays of the positions'
     * length, meaningful only when there are no errors. Numbers only: { explain } adds no steps.
     */
    marginBatch(request, positions, options) {
      if (!isPlainObject(request)) throw new TypeError('marginBatch(request, ...): request must be an object');
      if (!isPlainObject(positions)) throw new TypeError('marginBatch(..., positions): positions must be an object');
      callOptions('marginBatch', options);
      const inputs = [positions.side, positions.quantity, positions.entryPrice, positions.leverage];
      if (!inputs.every((a) => a instanceof Float64Array)) throw new TypeError('marginBatch: side, quantity, entryPrice and leverage must be Float64Arrays');
      const n = inputs[0].length;
      if (!inputs.every((a) => a.length === n)) throw new TypeError('marginBatch: side, quantity, entryPrice and leverage must have one length');
      const ptr = core._malloc(Math.max(8, n * 72));
      if (!ptr) throw new RangeError('marginBatch: not enough wasm memory for ' + n + ' positions');
      try {
        inputs.forEach((a, i) => core.HEAPF64.set(a, ptr / 8 + i * n));
        const result = core.marginBatch(request, ptr, n);
        // HEAPF64 anew: memory may have grown.
        outputs.forEach((name, j) => { result[name] = core.HEAPF64.slice(ptr / 8 + (4 + j) * n, ptr / 8 + (5 + j) * n); });
        return result;
      } finally {
        core._free(ptr);
      }
    },
  };
}
