package dev.wafer.formats.tasks.harness;

import dev.wafer.domain.eval.EvalDoc;
import dev.wafer.domain.eval.harness.Arc;
import dev.wafer.domain.eval.harness.CrowsPairsEnglish;
import dev.wafer.domain.eval.harness.HarnessTask;
import dev.wafer.domain.eval.harness.HellaSwag;
import dev.wafer.domain.eval.harness.LambadaOpenAi;
import dev.wafer.domain.eval.harness.OpenBookQa;
import dev.wafer.domain.eval.harness.Piqa;
import dev.wafer.domain.eval.harness.Winogrande;
import java.util.List;

/** The record schema of each task: original release files and Hugging Face exports (see the package documentation). */
final class TaskRecords {
    private TaskRecords() {
    }

    /**
     * The reader of {@code task}'s records.
     *
     * @param piqaLabels PIQA's labels from the {@code -labels.lst} file (null when the records carry {@code label})
     */
    static RecordReader of(HarnessTask task, List<Integer> piqaLabels) {
        return switch (task) {
            case HELLASWAG -> (r, index) -> HellaSwag.doc(r.text("activity_label"), r.text("ctx_a"), r.text("ctx_b"),
                    r.texts("endings"), r.integer("label"));
            case PIQA -> (r, index) -> Piqa.doc(r.text("goal"), r.text("sol1"), r.text("sol2"),
                    r.has("label") || piqaLabels == null ? r.integer("label") : piqaLabels.get(index));
            case WINOGRANDE -> (r, index) -> Winogrande.doc(r.text("sentence"), r.text("option1"), r.text("option2"),
                    r.text("answer"));
            case LAMBADA_OPENAI -> (r, index) -> LambadaOpenAi.doc(r.text("text"));
            case ARC_EASY, ARC_CHALLENGE -> TaskRecords::arc;
            case OPENBOOKQA -> TaskRecords::openbookqa;
            case CROWS_PAIRS_ENGLISH -> (r, index) -> CrowsPairsEnglish.doc(r.text("sent_more"), r.text("sent_less"),
                    r.text("bias_type"));
        };
    }

    /** ARC: the release file nests {@code question.stem} and {@code question.choices[].text}; HF has them flat. */
    private static EvalDoc arc(Fields r, int index) {
        if (r.has("question") && !r.has("choices")) {
            Fields q = r.object("question");
            return Arc.doc(q.text("stem"), q.textsOfObjects("choices", "text"), r.text("answerKey"));
        }
        return Arc.doc(r.text("question"), r.object("choices").texts("text"), r.text("answerKey"));
    }

    /** OpenBookQA: the release file nests {@code question}; HF has {@code question_stem} and {@code choices.text}. */
    private static EvalDoc openbookqa(Fields r, int index) {
        if (r.has("question_stem")) {
            return OpenBookQa.doc(r.text("question_stem"), r.object("choices").texts("text"), r.text("answerKey"));
        }
        Fields q = r.object("question");
        return OpenBookQa.doc(q.text("stem"), q.textsOfObjects("choices", "text"), r.text("answerKey"));
    }
}
