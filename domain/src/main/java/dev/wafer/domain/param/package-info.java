/** Parameterisations: standard (SP) and maximal-update (muP), as the Cerebras-GPT paper applies them. */
package dev.wafer.domain.param;
