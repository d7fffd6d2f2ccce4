/* The store's schema, cut by source family: each family declares its tables
 * (created when the store is made or migrated), its secondary indexes
 * (created after bulk loads, see bh_store_build_indexes) and its live
 * indexes: those on source_id, created with the tables and kept up during
 * loads, because a load only ever appends to them (one source id, rising
 * rowids), which costs less than a scan and sort of a large table after it.
 * To add a family, write schema_<family>.c and add it to the table in
 * schema.c. */
#ifndef BH_SCHEMAINT_H
#define BH_SCHEMAINT_H

#include "store/store.h"

#include <stddef.h>

typedef struct {
	const char *name;
	const char *tables;  /* CREATE TABLE/VIEW ... IF NOT EXISTS */
	const char *indexes; /* CREATE INDEX IF NOT EXISTS ...; may be NULL */
	const char *live;    /* CREATE INDEX IF NOT EXISTS ... ON t(source_id); may be NULL */
} bh_schema_part;

extern const bh_schema_part bh_schema_core;
extern const bh_schema_part bh_schema_usaspending;
extern const bh_schema_part bh_schema_fec;
extern const bh_schema_part bh_schema_lda;
extern const bh_schema_part bh_schema_personnel;
extern const bh_schema_part bh_schema_mapping;
extern const bh_schema_part bh_schema_resolve;

extern const bh_schema_part *const bh_schema_parts[];

#endif
