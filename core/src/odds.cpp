// SPDX-License-Identifier: MIT
// MarginLab: odds (being written).
#include "marginlab/odds.h"
