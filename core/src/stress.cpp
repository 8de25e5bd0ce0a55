// SPDX-License-Identifier: MIT
// MarginLab: stress (being written).
#include "marginlab/stress.h"
