package io.tributary.jobs.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/** {@code --home}: where Tributary keeps service data, state and logs ($TRIBUTARY_HOME). */
final class HomeOption {

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description = "State, data and logs (default: $TRIBUTARY_HOME, else ./.tributary).")
    Path home;

    Path resolve() {
        if (home != null) {
            return home.toAbsolutePath().normalize();
        }
        String env = System.getenv("TRIBUTARY_HOME");
        return Paths.get(env == null || env.isBlank() ? ".tributary" : env)
                .toAbsolutePath()
                .normalize();
    }
}
