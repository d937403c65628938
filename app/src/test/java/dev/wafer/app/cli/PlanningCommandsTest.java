package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PlanningCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void modelsJsonListsEveryPresetWithTheDocumentedFields() throws Exception {
        CliRun run = CliRun.of("models", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode models = JSON.readTree(run.out());
        assertTrue(models.isArray());
        // SP 111M-13B (7), muP 111M-2.7B (5), the paper's muP proxy and Modelzoo's 24-layer proxy config.
        assertEquals(14, models.size());
        JsonNode first = models.get(0);
        for (String field : new String[] {"name", "parameterisation", "d_model", "n_layers", "params", "tokens",
            "training_flops", "predicted_loss"}) {
            assertTrue(first.has(field), "missing " + field + " in " + first);
        }
        assertEquals("111M", first.get("name").asText());
        assertEquals("sp", first.get("parameterisation").asText());
        assertEquals(111_050_496L, first.get("params").asLong());
        JsonNode mup = models.get(7);
        assertEquals("mup", mup.get("parameterisation").asText());
    }

    @Test
    void planJsonRoundTripsThe13BModelsBudget() throws Exception {
        CliRun run = CliRun.of("plan", "--flops", "2.27e22", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode plan = JSON.readTree(run.out());
        for (String field : new String[] {"params", "tokens", "d_model", "n_layers", "training_flops",
            "predicted_loss"}) {
            assertTrue(plan.has(field), "missing " + field);
        }
        assertEquals(1, plan.get("params").asDouble() / 12.85e9, 0.1);
        assertEquals(20 * plan.get("params").asDouble(), plan.get("tokens").asDouble(), 1);
    }

    @Test
    void planWithInferenceReportsTotalCompute() throws Exception {
        CliRun run = CliRun.of("plan", "--flops", "1e21", "--inference-tokens", "2e11", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode plan = JSON.readTree(run.out());
        assertEquals(1e21, plan.get("total_flops").asDouble(), 1e12);
        assertTrue(plan.get("inference_flops").asDouble() > 0);
    }

    /** A budget no model of the family can spend is one line naming the flag and the family's range, exit 2. */
    @Test
    void aBudgetOutsideTheFamilyIsRefusedInOneLine() {
        for (String budget : new String[] {"1e5", "1e40"}) {
            CliRun run = CliRun.of("plan", "--flops", budget);
            assertEquals(2, run.exitCode(), run.out() + run.err());
            assertTrue(run.err().startsWith("wafer: --flops: a FLOP budget of ") && run.err().contains("d_model 64")
                    && run.err().strip().lines().count() == 1, run.err());
            assertTrue(run.out().isEmpty(), run.out());
        }
    }

    @Test
    void scheduleJsonGivesStepTokensAndLr() throws Exception {
        CliRun run = CliRun.of("schedule", "--preset", "111M", "--every", "1525", "--json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode rows = JSON.readTree(run.out());
        JsonNode warmupEnd = rows.get(1);
        assertEquals(1525, warmupEnd.get("step").asLong());
        assertEquals(1525 * 120 * 2048.0, warmupEnd.get("tokens").asDouble());
        assertEquals(6e-4, warmupEnd.get("lr").asDouble(), 1e-15);
    }

    @Test
    void humanOutputIsATable() {
        CliRun run = CliRun.of("models");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().lines().anyMatch(l -> l.startsWith("2.7B ") && l.contains(" 80 ")), run.out());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "plan --flops -5|--flops must be a positive number of FLOPs",
        "plan --flops abc|Invalid value for option '--flops'",
        "plan --flops 1e20 --inference-tokens -1|--inference-tokens must be >= 0",
        "plan --flops 1e10 --inference-tokens 0|--flops: a FLOP budget of 1.00e+10 is outside the planned family",
        "plan --flops 1e20 --parameterisation xp|parameterisation must be 'sp' or 'mup'",
        "plan --flops 2.8e20 --inference-tokens 1e30|wafer: --inference-tokens 1.00e+30: inference alone would use up"
            + " --flops 2.80e+20 even on the smallest model of the family (",
        "schedule --preset 7B|unknown preset '7B'",
        "schedule --preset 111M --every 0|--every must be a positive number",
        "models --bogus|Unknown option: '--bogus'",
    })
    void userErrorsGiveOneLineAndExitCodeTwo(String args, String expected) {
        CliRun run = CliRun.of(args.split(" "));
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("wafer: "), run.err());
        assertTrue(run.err().contains(expected), run.err());
        assertFalse(run.err().contains("Exception"), run.err());
    }
}
