package io.tributary.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every command answers {@code --help}; an unknown command is an error that names it. */
class CliHelpTest {

    @Test
    void everyCommandAnswersHelpWithoutPlaceholders() {
        List<List<String>> paths = new ArrayList<>();
        walk(Tributary.commandLine(), new ArrayList<>(), paths);
        assertThat(paths).hasSizeGreaterThan(30);
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertThat(r.exitCode()).as("%s: %s", args, r.err()).isZero();
            assertThat(r.out()).as("%s", args).contains("Usage: tributary");
            assertThat(r.out()).as("%s prints an unset variable", args).doesNotContain("null");
        }
    }

    @Test
    void variablesInHelpAreShownAsWritten() {
        assertThat(CliRun.of("run", "--help").out().replaceAll("\\s+", " "))
                .contains("A value for ${NAME} in the file");
        assertThat(CliRun.of("generate", "--help").out().replaceAll("\\s+", " "))
                .contains("(default: the variable ${warehouse-url})");
    }

    @Test
    void anUnknownCommandFailsNamingItWithADidYouMean() {
        for (String[] args :
                new String[][] {
                    {"nonsense", "--help"}, {"nonsense"}, {"crawll", "s3://b/"}, {"jobs", "lsit"}
                }) {
            CliRun r = CliRun.of(args);
            assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
            assertThat(r.err())
                    .as(String.join(" ", args))
                    .contains("'" + args[args[0].equals("jobs") ? 1 : 0] + "'");
        }
        assertThat(CliRun.of("crawll", "s3://b/").err()).contains("crawl");
        assertThat(CliRun.of("jobs", "lsit").err()).contains("list");
    }

    private static void walk(CommandLine cl, List<String> path, List<List<String>> out) {
        out.add(path);
        cl.getSubcommands()
                .forEach(
                        (name, sub) -> {
                            if (sub.getCommandName().equals(name)) { // not an alias
                                List<String> p = new ArrayList<>(path);
                                p.add(name);
                                walk(sub, p, out);
                            }
                        });
    }
}
