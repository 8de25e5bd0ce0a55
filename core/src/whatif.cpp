// SPDX-License-Identifier: MIT
// MarginLab: whatif (being written).
#include "marginlab/whatif.h"
