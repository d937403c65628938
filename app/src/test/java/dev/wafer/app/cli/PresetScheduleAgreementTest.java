package dev.wafer.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.wafer.domain.preset.CerebrasGptFamily;
import dev.wafer.domain.session.RunSpec;
import picocli.CommandLine;

/**
 * The run {@code wafer train --preset NAME} resolves has exactly the schedule {@code wafer schedule --preset NAME}
 * prints, step for step, for 111M, 1.3B and 13B (across its batch change at step 57,000). The session applies a
 * spec's schedule step by step ({@code TrainingSessionTest} checks that on a real run across a batch change), so
 * together these pin the learning rate a preset run trains with to the printed schedule.
 */
class PresetScheduleAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunSpec resolved(String preset) {
        TrainCommand cmd = new TrainCommand();
        CommandLine cli = new CommandLine(cmd);
        cli.parseArgs("--preset", preset, "--dry-run", "--synthetic");
        cmd.spec = cli.getCommandSpec();
        return new TrainRunResolver(cmd.flags(), Long.MAX_VALUE).fresh();
    }

    @Test
    void resolvedRunsFollowThePrintedSchedules() throws Exception {
        for (String preset : new String[] {"111M", "1.3B", "13B"}) {
            RunSpec spec = resolved(preset);
            assertEquals(CerebrasGptFamily.require(preset).schedule(), spec.schedule(), preset);
            CliRun run = CliRun.of("schedule", "--preset", preset, "--every", "997", "--json");
            assertEquals(0, run.exitCode(), run.err());
            JsonNode rows = JSON.readTree(run.out());
            for (JsonNode row : rows) {
                long step = row.get("step").asLong();
                assertEquals(row.get("lr").asDouble(), spec.schedule().lrAtStep(step), 0.0, preset + " step " + step);
                assertEquals(row.get("batch_sequences").asInt(), spec.schedule().batches().sequencesAtStep(step),
                        preset + " step " + step);
                assertEquals(row.get("tokens").asDouble(), spec.schedule().tokensBeforeStep(step), 0.0,
                        preset + " step " + step);
            }
        }
        RunSpec thirteen = resolved("13B");
        assertEquals(720, thirteen.schedule().batches().sequencesAtStep(56_999));
        assertEquals(1080, thirteen.schedule().batches().sequencesAtStep(57_000));
        // Continuous in tokens: the rate after the change continues the cosine at 84.05B tokens.
        double before = thirteen.schedule().lrAtStep(56_999);
        double after = thirteen.schedule().lrAtStep(57_000);
        double step720 = thirteen.schedule().lrInTokens().lrAt(57_000.0 * 720 * 2048)
                - thirteen.schedule().lrInTokens().lrAt(56_999.0 * 720 * 2048);
        assertEquals(step720, after - before, Math.abs(step720) * 1e-6);
    }
}
