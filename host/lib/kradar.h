/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libkradar: what the host tools share (host/lib/).
 */
#ifndef KRADAR_LIB_H
#define KRADAR_LIB_H

/* The git describe string of the tree the tools were built from. */
const char *kradar_version(void);

#endif /* KRADAR_LIB_H */
