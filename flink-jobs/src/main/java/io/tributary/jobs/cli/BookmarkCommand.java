package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connectors.s3.S3FileSplit;
import io.tributary.connectors.s3.SourceBookmarks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code tributary bookmark show <checkpoint>}: Glue's job bookmark, read from the Flink checkpoint
 * that is Tributary's: how far each S3 source listed, what it had not read yet, and where each
 * reader was in its file.
 */
@Command(
        name = "bookmark",
        mixinStandardHelpOptions = true,
        description =
                "Show the bookmark a checkpoint or savepoint holds for the S3 sources of a job.",
        subcommands = {BookmarkCommand.Show.class})
final class BookmarkCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "show",
            description =
                    "Read a checkpoint or savepoint folder, or a job's checkpoint folder (its latest"
                            + " completed checkpoint).")
    static final class Show implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "DIR", description = "chk-N, a savepoint, or the job's folder.")
        Path dir;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            SourceBookmarks.Bookmark b = SourceBookmarks.read(dir);
            if (json) {
                ObjectNode n = JSON.createObjectNode();
                n.put("checkpointId", b.checkpointId());
                n.put("taken", b.taken().toString());
                n.put("location", b.location());
                ArrayNode sources = n.putArray("sources");
                for (SourceBookmarks.SourceBookmark s : b.sources()) {
                    ObjectNode sn = sources.addObject();
                    sn.put("operatorId", s.operatorId());
                    sn.put("listedUpTo", s.discovery().highKey());
                    sn.put("lastFullListing", time(s.discovery().lastFullListing()));
                    sn.put("recentKeysTracked", s.discovery().recent().size());
                    ArrayNode pending = sn.putArray("pending");
                    s.discovery().pending().forEach(p -> pending.add(split(p)));
                    ArrayNode progress = sn.putArray("inProgress");
                    s.inProgress().forEach(p -> progress.add(split(p)));
                }
                out.println(n);
            } else {
                out.println(
                        "checkpoint "
                                + b.checkpointId()
                                + ", taken "
                                + b.taken()
                                + ", at "
                                + b.location());
                if (b.sources().isEmpty()) {
                    out.println("  no tributary-s3 source in this checkpoint");
                }
                for (SourceBookmarks.SourceBookmark s : b.sources()) {
                    out.println(
                            "  source "
                                    + s.operatorId()
                                    + ": listed up to key "
                                    + s.discovery().highKey()
                                    + " (last full listing "
                                    + time(s.discovery().lastFullListing())
                                    + ", "
                                    + s.discovery().recent().size()
                                    + " recent key(s) tracked)");
                    out.println("    not started: " + s.discovery().pending().size() + " split(s)");
                    for (S3FileSplit p : s.discovery().pending()) {
                        out.println("      " + p.key() + describeRange(p));
                    }
                    out.println("    in progress: " + s.inProgress().size() + " split(s)");
                    for (S3FileSplit p : s.inProgress()) {
                        out.println(
                                "      "
                                        + p.key()
                                        + describeRange(p)
                                        + " at byte "
                                        + p.offset()
                                        + ", "
                                        + p.linesRead()
                                        + " line(s)/record(s) read");
                    }
                }
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static String describeRange(S3FileSplit p) {
            return p.start() == 0 && p.end() == p.size()
                    ? ""
                    : " [" + p.start() + ", " + p.end() + ")";
        }

        private static String time(long millis) {
            return millis <= 0 ? "never" : Instant.ofEpochMilli(millis).toString();
        }

        private static ObjectNode split(S3FileSplit p) {
            ObjectNode n = JSON.createObjectNode();
            n.put("file", p.key());
            n.put("start", p.start());
            n.put("end", p.end());
            n.put("offset", p.offset());
            n.put("linesRead", p.linesRead());
            return n;
        }
    }
}
