package io.tributary.catalog.registry;

import com.sun.net.httpserver.Authenticator;
import com.sun.net.httpserver.BasicAuthenticator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Who may call an HTTP endpoint of Tributary: anyone on this machine when it binds loopback (the
 * default); with a token, only callers that give it, as HTTP Basic credentials with any user name
 * (what the Confluent client's {@code basic.auth.user.info}, Flink's {@code
 * avro-confluent.basic-auth.user-info} and Prometheus' {@code basic_auth} send). Bound to any other
 * address, an endpoint refuses to start without a token.
 */
public final class TokenAccess {

    /** The environment variable holding the registry's token (or {@code ..._FILE}: its path). */
    public static final String REGISTRY_TOKEN_ENV = "TRIBUTARY_REGISTRY_TOKEN";

    private TokenAccess() {}

    /** Whether {@code host} is a loopback address (127.0.0.0/8, ::1, localhost). */
    public static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Refuses to serve {@code what} beyond loopback without a token. */
    public static void requireTokenBeyondLoopback(String what, String host, String token) {
        if (!loopback(host) && (token == null || token.isBlank())) {
            throw new IllegalArgumentException(
                    what
                            + " would listen on "
                            + host
                            + ", beyond this machine, with no token: give it one ("
                            + REGISTRY_TOKEN_ENV
                            + " or "
                            + REGISTRY_TOKEN_ENV
                            + "_FILE for the registry) or bind 127.0.0.1");
        }
    }

    /** Checks the password of HTTP Basic credentials against the token, in constant time. */
    public static Authenticator authenticator(String realm, String token) {
        byte[] expected = token.getBytes(StandardCharsets.UTF_8);
        return new BasicAuthenticator(realm) {
            @Override
            public boolean checkCredentials(String user, String password) {
                return password != null
                        && MessageDigest.isEqual(
                                expected, password.getBytes(StandardCharsets.UTF_8));
            }
        };
    }

    /** The header value a client sends: Basic credentials with the token as the password. */
    public static String authorization(String token) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString(("tributary:" + token).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The registry token from the environment: {@value #REGISTRY_TOKEN_ENV}, or the contents of the
     * file {@value #REGISTRY_TOKEN_ENV}{@code _FILE} names (a mounted secret); null if neither.
     */
    public static String registryTokenFromEnvironment() {
        return tokenFromEnvironment(REGISTRY_TOKEN_ENV);
    }

    /**
     * A token from the environment: the variable {@code env}, or the contents of the file {@code
     * env_FILE} names (a mounted secret); null if neither.
     */
    public static String tokenFromEnvironment(String env) {
        String token = System.getenv(env);
        if (token != null && !token.isBlank()) {
            return token.trim();
        }
        String file = System.getenv(env + "_FILE");
        if (file == null || file.isBlank()) {
            return null;
        }
        try {
            return Files.readString(Path.of(file)).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Could not read the token from " + file + " (" + env + "_FILE)", e);
        }
    }
}
