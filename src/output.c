/*
 * output.c - what every output shares.
 */
#include <config.h>

#include "output.h"

#include <errno.h>
#include <stdlib.h>

void
output_free(struct output *out)
{
	if (out == NULL)
		return;
	if (out->ops->free != NULL)
		out->ops->free(out);
	free(out);
}

void
output_check(struct output *out, int ok)
{
	if (!ok && out->write_errno == 0)
		out->write_errno = errno != 0 ? errno : EIO;
}

void
output_end_record(struct output *out)
{
	if (out->flags & OUTPUT_FLUSH)
		output_check(out, fflush(out->fp) == 0);
	if (ferror(out->fp))
		output_check(out, 0);
}
