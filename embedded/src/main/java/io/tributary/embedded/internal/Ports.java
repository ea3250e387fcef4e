package io.tributary.embedded.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/** Free loopback ports, and waiting for a server to answer on one. */
public final class Ports {

    public static final String LOOPBACK = "127.0.0.1";

    private Ports() {}

    /** Where Linux keeps the range its outgoing connections take their local ports from. */
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    /** The lowest port {@link #freePort()} hands out: above the well-known and common ones. */
    static final int LOWEST = 10_000;

    /**
     * A port nobody listens on at 127.0.0.1 right now, for a server about to bind it.
     *
     * <p>Picked below the kernel's ephemeral range where the kernel has one (Linux: 32768-60999),
     * at random: a port the kernel handed out (what {@code new ServerSocket(0)} gives) is one it
     * also hands to the local end of the next outgoing connection, and one of those took a port
     * between this probe and Flink's bind of its REST endpoint in CI. Below that range only another
     * server's explicit bind can take it.
     */
    public static int freePort() {
        int below = ephemeralLow();
        if (below - LOWEST >= 1_000) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            for (int attempt = 0; attempt < 200; attempt++) {
                int port = random.nextInt(LOWEST, below);
                if (canBind(port)) {
                    return port;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free port on " + LOOPBACK, e);
        }
    }

    /** The first port of the kernel's ephemeral range, or {@link #LOWEST} when unknown. */
    static int ephemeralLow() {
        try {
            // a reader, not Files.readString: /proc reports a size its contents do not have
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return LOWEST;
        }
    }

    /**
     * Whether a server could bind 127.0.0.1:port now (no SO_REUSEADDR: a port in TIME_WAIT is not).
     */
    static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A database name the embedded services create for tests and demos: lower-case letters, digits,
     * underscores, so it never needs quoting.
     */
    public static String requireSimpleName(String name) {
        if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
            throw new IllegalArgumentException(
                    "Database name '" + name + "' must match [a-z][a-z0-9_]{0,62}");
        }
        return name;
    }

    /** Whether something accepts TCP connections on 127.0.0.1:port. */
    public static boolean isOpen(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
