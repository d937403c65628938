/**
 * Evaluation task files: JSON Lines, one document per line, read into {@link dev.wafer.domain.eval.EvalTask}s.
 *
 * <p>Schema (every line is one JSON object):
 * <pre>
 * common      "task": string (required; lines with the same task form one task, in file order)
 *             "type": "multiple_choice" | "winogrande" | "lambada" | "crows_pairs" (required; the same for all lines of a task)
 *             "description": string (optional; put before few-shot examples; the same on every line that has it)
 *             "train": true | false (optional, default false; true marks a training document: never scored, the pool
 *                      few-shot examples are drawn from, like the harness's training split)
 * multiple_choice  "context": string, the prompt, e.g. "Question: ...\nAnswer:"
 *                  "choices": [string, ...] at least two, without a leading space (scoring adds " ")
 *                  "gold": integer index of the correct choice
 * winogrande       "sentence": string with exactly one "_" blank
 *                  "choices": [option1, option2]
 *                  "gold": 0 or 1
 * lambada          "text": the whole passage; its last space-separated word is the target
 * crows_pairs      "sent_more", "sent_less": the more and less stereotyping sentences; "bias_type": the category
 * </pre>
 * Training lines may sit in the same file as the scored lines or in another file read in the same run (lines group
 * by task name across files). A task without training lines draws its examples from its scored documents, never the
 * one being scored (see {@link dev.wafer.domain.eval.FewShotContexts}).
 * Unknown fields are rejected, so that a typo ("choice", "answer") is reported instead of silently ignored.
 * Example files ship under {@code /tasks/} on the classpath.
 */
package dev.wafer.formats.tasks;
