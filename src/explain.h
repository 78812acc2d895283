/*
 * explain.h - the long explanations behind --explain: what each anomaly
 * means, the RFC rule behind it, its usual causes and what to look at next.
 */
#ifndef TCPFSM_EXPLAIN_H
#define TCPFSM_EXPLAIN_H

#include <stdio.h>

#include "anomaly.h"

/*
 * Write the long explanation of anomaly id to fp.  Returns 0, or -1 on a
 * write error.  id must be a valid id (anomaly_lookup() gives one); an
 * id out of range is a programmer error and also returns -1.
 */
int	explain_anomaly(FILE *fp, enum anomaly_id id);

/*
 * Write every id with its severity and one-line meaning, one per line.
 * Returns 0 or -1.
 */
int	explain_list(FILE *fp);

#endif /* TCPFSM_EXPLAIN_H */
