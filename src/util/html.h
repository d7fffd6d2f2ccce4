/* Text into HTML: what the server's pages (serve/html.c) and the report
 * (query/report.c) write of hostile record text. Nothing is allocated. */
#ifndef BH_HTML_H
#define BH_HTML_H

#include <stdio.h>

/* s as HTML text or attribute value (either quote): & < > " ' escaped;
 * NULL writes nothing. */
void bh_html_text(FILE *f, const char *s);

#endif
