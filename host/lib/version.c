// SPDX-License-Identifier: GPL-2.0
/*
 * The version every host tool reports: git describe of the build tree.
 */
#include "kradar.h"
#include "version.h"

const char *kradar_version(void)
{
	return KRADAR_VERSION_STRING;
}
