/* The list of schema parts (see schemaInt.h), in creation order. */
#include "store/schemaInt.h"

#include <stddef.h>

const bh_schema_part *const bh_schema_parts[] = {
	&bh_schema_core,
	&bh_schema_usaspending,
	&bh_schema_fec,
	&bh_schema_lda,
	&bh_schema_personnel,
	&bh_schema_mapping,
	&bh_schema_resolve,
	NULL,
};
