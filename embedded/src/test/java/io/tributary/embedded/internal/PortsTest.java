package io.tributary.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {

    @Test
    void freePortsAreBindableAndNeverOnesTheKernelHandsToOutgoingConnections() throws Exception {
        int ephemeralLow = Ports.ephemeralLow();
        if (Files.exists(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
            assertThat(ephemeralLow)
                    .as("the kernel's ephemeral range, read")
                    .isGreaterThan(Ports.LOWEST);
        }
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = Ports.freePort();
            seen.add(port);
            if (ephemeralLow - Ports.LOWEST >= 1_000) {
                assertThat(port).isBetween(Ports.LOWEST, ephemeralLow - 1);
            }
            try (ServerSocket server =
                    new ServerSocket(port, 1, InetAddress.getByName(Ports.LOOPBACK))) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
        // picked at random, not the same port each time (two servers started together would clash)
        assertThat(seen).hasSizeGreaterThan(40);
    }

    @Test
    void aPortSomeoneListensOnIsNotFree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
            assertThat(Ports.canBind(taken.getLocalPort())).isFalse();
        }
    }
}
