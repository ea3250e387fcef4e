package io.tributary.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tributary.connectors.s3.S3FileSplit;
import io.tributary.connectors.s3.SourceBookmarks;
import io.tributary.jobs.PipelineHome;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
        description = {
            "A job's bookmark is its latest retained checkpoint: show it, rewind it to an earlier"
                    + " checkpoint, or reset it (the next run starts over).",
            "Rewinding needs several retained checkpoints (state.checkpoints.num-retained)."
        },
        subcommands = {
            BookmarkCommand.Show.class,
            BookmarkCommand.Reset.class,
            BookmarkCommand.Rewind.class
        })
final class BookmarkCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Removes {@code checkpoints} (or, without {@code yes}, says it would). */
    static void remove(List<SourceBookmarks.Retained> checkpoints, boolean yes, PrintWriter out)
            throws IOException {
        for (SourceBookmarks.Retained r : checkpoints) {
            out.println(
                    (yes ? "removing " : "would remove ")
                            + "checkpoint "
                            + r.id()
                            + " ("
                            + r.taken()
                            + ")");
            if (yes) {
                delete(r.dir());
            }
        }
    }

    static void delete(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Command(
            name = "reset",
            description =
                    "Forget the job's bookmark: remove its retained checkpoints, so its next run"
                            + " starts from nothing and reads every file again.")
    static final class Reset implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin HomeOption home;

        @Parameters(
                paramLabel = "JOB",
                description = "A pipeline name (tributary run), or a job's checkpoint folder.")
        String job;

        @Option(names = "--yes", description = "Do it (without it, only say what would go).")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<PipelineBookmarks> pipeline = PipelineBookmarks.of(job, home.resolve());
            List<SourceBookmarks.Retained> all = new ArrayList<>();
            if (pipeline.isPresent()) {
                for (Path dir : pipeline.get().jobDirs()) {
                    all.addAll(SourceBookmarks.retained(dir));
                }
                for (PipelineHome.Savepoint sp : pipeline.get().savepoints()) {
                    out.println((yes ? "removing " : "would remove ") + "savepoint " + sp.dir());
                    if (yes) {
                        delete(sp.dir());
                    }
                }
            } else {
                all.addAll(SourceBookmarks.retained(Path.of(job)));
            }
            if (all.isEmpty() && (pipeline.isEmpty() || pipeline.get().savepoints().isEmpty())) {
                out.println("no retained checkpoint for " + job + ": nothing to reset");
                return ExitCodes.OK;
            }
            remove(all, yes, out);
            out.println(
                    yes
                            ? "bookmark reset: the job's next run starts over"
                            : "nothing removed; add --yes to reset the bookmark");
            out.flush();
            return yes ? ExitCodes.OK : ExitCodes.USAGE;
        }
    }

    @Command(
            name = "rewind",
            description =
                    "Move the job's bookmark back: remove the checkpoints after the one named, so the"
                            + " job resumes from it and reads again what came after.")
    static final class Rewind implements Callable<Integer> {
        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin HomeOption home;

        @Parameters(
                paramLabel = "JOB",
                description =
                        "A pipeline name (its newest job's checkpoints), or a job's checkpoint"
                                + " folder.")
        String job;

        @Option(
                names = "--to",
                required = true,
                paramLabel = "ID|TIME",
                description =
                        "A checkpoint id, or an ISO time (the latest checkpoint taken at or before"
                                + " it). To resume from a savepoint, pass its path to the run"
                                + " instead (execution.savepoint.path).")
        String to;

        @Option(names = "--yes", description = "Do it (without it, only say what would go).")
        boolean yes;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<PipelineBookmarks> pipeline = PipelineBookmarks.of(job, home.resolve());
            Path jobDir = pipeline.isPresent() ? pipeline.get().newestJobDir() : Path.of(job);
            List<SourceBookmarks.Retained> all = SourceBookmarks.retained(jobDir);
            SourceBookmarks.Retained target = null;
            if (to.matches("\\d+")) {
                long id = Long.parseLong(to);
                target = all.stream().filter(r -> r.id() == id).findFirst().orElse(null);
            } else {
                Instant at;
                try {
                    at = Instant.parse(to);
                } catch (DateTimeParseException e) {
                    throw new CommandLine.ParameterException(
                            spec.commandLine(),
                            "--to takes a checkpoint id or an ISO time (2026-11-24T10:00:00Z), not '"
                                    + to
                                    + "'");
                }
                for (SourceBookmarks.Retained r : all) {
                    if (!r.taken().isAfter(at)) {
                        target = r;
                    }
                }
            }
            if (target == null) {
                out.println(
                        "no retained checkpoint matches "
                                + to
                                + "; retained: "
                                + all.stream().map(r -> r.id() + " (" + r.taken() + ")").toList());
                out.flush();
                return ExitCodes.FAILURE;
            }
            long keep = target.id();
            remove(all.stream().filter(r -> r.id() > keep).toList(), yes, out);
            if (pipeline.isPresent()) {
                // a later savepoint would be where --resume starts: it goes too
                for (PipelineHome.Savepoint sp : pipeline.get().savepoints()) {
                    if (sp.taken().isAfter(target.taken())) {
                        out.println(
                                (yes ? "removing " : "would remove ") + "savepoint " + sp.dir());
                        if (yes) {
                            delete(sp.dir());
                        }
                    }
                }
            }
            out.println(
                    (yes ? "bookmark rewound: " : "nothing removed (add --yes): ")
                            + "the job resumes from checkpoint "
                            + target.id()
                            + " ("
                            + target.taken()
                            + ", "
                            + target.dir()
                            + ")");
            out.flush();
            return yes ? ExitCodes.OK : ExitCodes.USAGE;
        }
    }

    @Command(
            name = "show",
            description =
                    "Read a checkpoint or savepoint folder, or a job's checkpoint folder (its latest"
                            + " completed checkpoint).")
    static final class Show implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @CommandLine.Spec CommandLine.Model.CommandSpec spec;

        @Mixin HomeOption home;

        @Parameters(
                paramLabel = "JOB",
                description =
                        "A pipeline name (where its next --resume starts), chk-N, a savepoint, or"
                                + " a job's folder.")
        String job;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Optional<PipelineBookmarks> pipeline = PipelineBookmarks.of(job, home.resolve());
            Path dir = pipeline.isPresent() ? pipeline.get().resumePoint() : Path.of(job);
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
