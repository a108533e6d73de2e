// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-gen-stream DIR: write the canned test streams (storm.bin, vhost.bin,
 * clean.bin, hostile.bin) to DIR, as in selftests/corpus/stream/.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "kradar_enc.h"

static int write_stream(const char *dir, const char *name,
			int (*gen)(struct kenc *))
{
	char path[4096];
	struct kenc e;
	FILE *f;
	int ret = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (kenc_init(&e) || gen(&e)) {
		fprintf(stderr, "kradar-gen-stream: out of memory\n");
		return 2;
	}
	f = fopen(path, "wb");
	if (!f || fwrite(e.buf, 1, e.len, f) != e.len || fclose(f) == EOF) {
		fprintf(stderr, "kradar-gen-stream: cannot write %s: %s\n", path,
			strerror(errno));
		ret = 2;
	}
	kenc_free(&e);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: kradar-gen-stream DIR\n");
		return 2;
	}
	if (write_stream(argv[1], "storm.bin", kenc_gen_storm) ||
	    write_stream(argv[1], "clean.bin", kenc_gen_clean) ||
	    write_stream(argv[1], "hostile.bin", kenc_gen_hostile) ||
	    write_stream(argv[1], "vhost.bin", kenc_gen_vhost))
		return 2;
	return 0;
}
