package io.tributary.jobs.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in this JVM and captures what it prints, as a user would see it. */
record CliRun(int exitCode, String out, String err) {

    static CliRun of(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = Tributary.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new CliRun(rc, out.toString(), err.toString());
    }
}
