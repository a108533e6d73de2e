/* SPDX-License-Identifier: GPL-2.0 */
/* The project's TAP helpers: include/kradar_tap.h */
#include <kradar_tap.h>
