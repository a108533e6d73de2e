// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report's output settings and its error voice. Values are
 * printed through libkradar's out.h (report.h says how).
 */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "report.h"

bool json_output;
bool out_color;
const char *prog_name = "kradar-report";

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (json_output)
		out_error(stdout, REPORT_OUT_JSON, msg);
	else
		kradar_err("%s", msg);
}
