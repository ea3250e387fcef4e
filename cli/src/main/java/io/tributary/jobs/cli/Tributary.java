package io.tributary.jobs.cli;

import io.tributary.jobs.definition.Spelling;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tributary} command line: the entry point users and the launcher script call. */
@Command(
        name = "tributary",
        mixinStandardHelpOptions = true,
        versionProvider = Tributary.Version.class,
        description =
                "Stream-first ETL on Apache Flink: catalog, S3 and CDC sources, warehouse sink.",
        subcommands = {
            ServicesCommand.class,
            CrawlCommand.class,
            CrawlersCommand.class,
            CdcCommand.class,
            CatalogCommand.class,
            QuarantineCommand.class,
            QualityCommand.class,
            BookmarkCommand.class,
            GenerateCommand.class,
            RunCommand.class,
            StopCommand.class,
            JobsCommand.class,
            SqlCommand.class,
            DemoCommand.class
        })
public final class Tributary implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("tributary.log.dir") == null) {
            System.setProperty("tributary.log.dir", homeFrom(args).resolve("logs").toString());
        }
        // java.util.logging (Flink CDC's binlog client) goes where everything else goes: the log
        // file, and the console for errors only
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(commandLine().execute(args));
    }

    /** --home from the arguments, before picocli parses them (logging starts earlier). */
    private static Path homeFrom(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--home")) {
                HomeOption h = new HomeOption();
                h.home = Paths.get(args[i + 1]);
                return h.resolve();
            }
        }
        return new HomeOption().resolve();
    }

    /** The configured command line, for main and for tests. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Tributary());
        withHelp(cl);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setUnmatchedArgumentsAllowed(true); // reported below, with the nearest command
        cl.setExecutionStrategy(
                parsed -> {
                    String unknown = unknownCommand(parsed);
                    if (unknown != null) {
                        parsed.commandSpec().commandLine().getErr().println(unknown);
                        return ExitCodes.USAGE;
                    }
                    return new CommandLine.RunLast().execute(parsed);
                });
        cl.setExecutionExceptionHandler(
                (e, cmd, parsed) -> {
                    cmd.getErr()
                            .println(
                                    cmd.getColorScheme()
                                            .errorText("tributary: " + Errors.describe(e)));
                    return ExitCodes.FAILURE;
                });
        return cl;
    }

    /** --help and --version on every command, not only those that declare them. */
    private static void withHelp(CommandLine cl) {
        if (cl.getCommandSpec().optionsMap().get("--help") == null) {
            cl.getCommandSpec().mixinStandardHelpOptions(true);
        }
        cl.getSubcommands().values().forEach(Tributary::withHelp);
    }

    /**
     * "tributary: unknown command 'x'" with the nearest one, for words no command takes; null when
     * every word was taken.
     */
    private static String unknownCommand(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult last = parsed;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (last.unmatched().isEmpty()) {
            return null;
        }
        String word = last.unmatched().get(0);
        CommandLine.Model.CommandSpec spec = last.commandSpec();
        String where = spec.qualifiedName();
        if (word.startsWith("-")) {
            return where + ": unknown option '" + word + "' (see " + where + " --help)";
        }
        if (spec.subcommands().isEmpty()) {
            return where + ": unexpected argument '" + word + "' (see " + where + " --help)";
        }
        String nearest = Spelling.nearest(word, spec.subcommands().keySet());
        return where
                + ": unknown command '"
                + word
                + "'"
                + (nearest != null ? " (did you mean '" + nearest + "'?)" : "")
                + "; commands: "
                + String.join(", ", spec.subcommands().keySet());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Reads the version Maven wrote into the jar manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Tributary.class.getPackage().getImplementationVersion();
            return new String[] {"tributary " + (v == null ? "dev" : v) + " (Flink 1.20.3)"};
        }
    }
}
