/**
 * Readers for the files people have for the harness tasks of {@link dev.wafer.domain.eval.harness.HarnessTask}: the
 * original release files and JSON lines exported from the Hugging Face datasets lm-evaluation-harness v0.3.0 loads.
 *
 * <pre>
 * hellaswag            hellaswag_val.jsonl / HF "hellaswag": activity_label, ctx_a, ctx_b, endings[], label (int or "3")
 * piqa                 valid.jsonl + valid-labels.lst (one 0/1 per line, next to it; train.jsonl + train-labels.lst)
 *                      or HF "piqa": goal, sol1, sol2, label
 * winogrande           dev.jsonl / train_xl.jsonl / HF "winogrande_xl": sentence, option1, option2, answer ("1"|"2")
 * lambada_openai       lambada_test.jsonl (OpenAI) / HF: text
 * arc_easy, arc_challenge   ARC-Easy-Test.jsonl etc.: question{stem, choices[{text,label}]}, answerKey
 *                      or HF "ai2_arc": question (string), choices{text[], label[]}, answerKey
 * openbookqa           Main/test.jsonl: question{stem, choices[{text,label}]}, answerKey
 *                      or HF "openbookqa/main": question_stem, choices{text[], label[]}, answerKey
 * crows_pairs_english  crows_pairs_anonymized.csv (header with sent_more, sent_less, bias_type)
 *                      or JSON lines with sent_more, sent_less, bias_type
 * </pre>
 * Other fields are ignored (the release files carry ids and metadata). A record that does not fit is refused with one
 * line naming the task, the file, the line and the field.
 */
package dev.wafer.formats.tasks.harness;
