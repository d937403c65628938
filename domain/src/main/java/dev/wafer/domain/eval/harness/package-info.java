/**
 * The downstream tasks of the Cerebras-GPT paper as EleutherAI lm-evaluation-harness v0.3.0 (commit 62ca184) defines
 * them, one class per task with the harness's name: each turns a dataset record into the document the harness's
 * {@code _process_doc} builds ({@code doc_to_text}, choices, gold), so the requests of
 * {@link dev.wafer.domain.eval.TaskRequests} are the harness's to the character. CrowS-Pairs follows the harness
 * commits that added it (ea3df93, with {@code pct_stereotype} from f9eca2c). {@link dev.wafer.domain.eval.harness.HarnessTask}
 * lists them with their splits and few-shot rules.
 */
package dev.wafer.domain.eval.harness;
