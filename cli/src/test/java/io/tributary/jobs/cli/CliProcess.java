package io.tributary.jobs.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The CLI in a JVM of its own (this one's java, options and test classpath) with its own logging
 * setup, as a user runs it.
 */
final class CliProcess {

    private CliProcess() {}

    /** Starts {@code tributary <args>} with {@code env} added to its environment. */
    static Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
        List<String> cmd = new ArrayList<>(JvmLauncher.java());
        // under surefire java.class.path is the booter jar; the tests' classpath is this one
        cmd.set(
                cmd.size() - 1,
                System.getProperty("surefire.test.class.path", cmd.get(cmd.size() - 1)));
        // the CLI's own logging (src/main/resources/log4j2.xml: errors on the console, everything
        // in <home>/logs), not the tests' log4j2-test.xml that comes first on this classpath
        cmd.add(cmd.size() - 2, "-Dlog4j2.configurationFile=log4j2.xml");
        cmd.add(Tributary.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return pb.start();
    }
}
