// SPDX-License-Identifier: GPL-2.0
/*
 * summary --fetch MSGID: download https://lore.kernel.org/all/MSGID/t.mbox.gz.
 * Built in only when libcurl was found at build time (HAVE_LIBCURL); it
 * then still needs a network. Whenever fetching cannot happen the user is
 * told how to get the same file by hand; it never quietly does nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_LIBCURL
#include <curl/curl.h>
#endif

#include "lore.h"
#include "main.h"

#pragma GCC poison u8 u16 u32 u64

#define LORE_URL	"https://lore.kernel.org/all/%s/t.mbox.gz"
#define FETCH_TIMEOUT	60L	/* s, whole transfer */

static void advise(const char *mid, const char *why)
{
	p_err("--fetch %s: %s.\n"
	      "  Get the thread another way, then pass the file:\n"
	      "    b4 mbox '%s'            (on a machine with network; writes %s.mbx)\n"
	      "    or download " LORE_URL "\n"
	      "    then: %s summary FILE",
	      mid, why, mid, mid, mid, prog);
}

#ifdef HAVE_LIBCURL
struct grow {
	char *p;
	size_t len;
	bool too_big;
};

/* lore paths keep '@' and the usual id characters; the rest is %XX */
static char *url_escape(const char *s)
{
	char *out = malloc(strlen(s) * 3 + 1), *o = out;

	if (!out)
		return NULL;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("@._-~+=$!", c))
			*o++ = (char)c;
		else
			o += sprintf(o, "%%%02X", c);
	}
	*o = '\0';
	return out;
}

static size_t sink(char *data, size_t sz, size_t n, void *arg)
{
	struct grow *g = arg;
	size_t add = sz * n;
	char *np;

	if (add > LORE_MAX_INPUT - g->len) {
		g->too_big = true;
		return 0;
	}
	np = realloc(g->p, g->len + add + 1);
	if (!np)
		return 0;
	memcpy(np + g->len, data, add);
	g->p = np;
	g->len += add;
	return add;
}

int lore_fetch(const char *mid, char **buf, size_t *len)
{
	struct grow g = { 0 };
	char *url = NULL, *esc;
	long code = 0;
	CURLcode rc;
	CURL *c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
		advise(mid, "libcurl could not start");
		return -EIO;
	}
	c = curl_easy_init();
	if (!c) {
		advise(mid, "libcurl could not start");
		curl_global_cleanup();
		return -EIO;
	}
	esc = url_escape(mid);
	if (!esc || asprintf(&url, LORE_URL, esc) < 0) {
		free(esc);
		curl_easy_cleanup(c);
		curl_global_cleanup();
		return -ENOMEM;
	}
	free(esc);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &g);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, FETCH_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kradar-lore");
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	curl_global_cleanup();
	if (rc != CURLE_OK || code != 200) {
		char why[512];

		if (rc != CURLE_OK)
			snprintf(why, sizeof(why), "cannot download %s: %s%s",
				 url, curl_easy_strerror(rc),
				 g.too_big ? " (over the 512 MiB limit)" : "");
		else
			snprintf(why, sizeof(why),
				 "cannot download %s: HTTP status %ld%s", url,
				 code, code == 404 ?
				 " (no such Message-ID on lore)" : "");
		advise(mid, why);
		free(url);
		free(g.p);
		return -EIO;
	}
	free(url);
	*buf = g.p ? g.p : strdup("");
	*len = g.len;
	return *buf ? 0 : -ENOMEM;
}
#else
int lore_fetch(const char *mid, char **buf, size_t *len)
{
	(void)buf;
	(void)len;
	advise(mid, "this kradar-lore was built without libcurl, so it cannot download anything");
	return -ENOTSUP;
}
#endif
