package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.tributary.jobs.runs.JobFigures;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CDC phase {@code tributary jobs watch} prints, from the figures of a job's CDC sources. */
class WatchPhaseTest {

    private static JobFigures figures(int sources, int streaming, long read, long estimated) {
        return new JobFigures(
                "RUNNING",
                List.of(),
                0,
                -1,
                -1,
                -1,
                0,
                Map.of(),
                -1,
                -1,
                Map.of(),
                sources,
                streaming,
                read,
                estimated,
                0,
                0,
                -1,
                JobFigures.Quality.NONE);
    }

    @Test
    void snapshotRowsAgainstTheEstimateUntilEverySourceStreams() {
        assertThat(JobsCommand.Watch.phase(figures(0, 0, 0, -1))).isEmpty();
        assertThat(JobsCommand.Watch.phase(figures(1, 0, 1_234, 10_000)))
                .isEqualTo("snapshot 1,234 of ~10,000 rows · ");
        assertThat(JobsCommand.Watch.phase(figures(1, 0, 1_234, -1)))
                .isEqualTo("snapshot 1,234 rows · ");
        assertThat(JobsCommand.Watch.phase(figures(2, 1, 50, 60)))
                .isEqualTo("snapshot 50 of ~60 rows (1 of 2 streaming) · ");
        assertThat(JobsCommand.Watch.phase(figures(2, 2, 60, 60))).isEqualTo("streaming · ");
    }

    @Test
    void theRulesetsScoreIsTheShareOfChecksAndWindowsThatPassed() {
        assertThat(JobsCommand.Watch.quality(JobFigures.Quality.NONE)).isNull();
        // 1,000 row checks, 10 failed; 10 windows, 1 failed: 999 of 1,010 passed
        assertThat(JobsCommand.Watch.quality(new JobFigures.Quality(1_000, 10, 10, 1)))
                .isEqualTo(
                        "quality      score 98.9% · row checks 1,000 (10 failed) · windows 10 (1"
                                + " failed)");
    }
}
