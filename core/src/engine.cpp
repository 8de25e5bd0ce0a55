// SPDX-License-Identifier: MIT
// MarginLab: engine (being written).
#include "marginlab/engine.h"
