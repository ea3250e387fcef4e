package io.tributary.embedded.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A key pair and a self-signed certificate for 127.0.0.1 and localhost, made with the JDK's own
 * {@code keytool} (nothing to install), written as PEM files: what a test needs to run a server
 * with TLS and a client that verifies it.
 */
public final class SelfSignedCertificate {

    private final Path certificate;
    private final Path privateKey;

    private SelfSignedCertificate(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** The certificate (PEM): the server's, and the root a verifying client trusts. */
    public Path certificate() {
        return certificate;
    }

    /** The private key (PKCS#8 PEM, readable by its owner only). */
    public Path privateKey() {
        return privateKey;
    }

    /** Creates {@code <name>.crt} and {@code <name>.key} in {@code dir}. */
    public static SelfSignedCertificate create(Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Path store = dir.resolve(name + ".p12");
            Files.deleteIfExists(store);
            char[] pass = "changeit".toCharArray();
            Process p =
                    new ProcessBuilder(
                                    Path.of(System.getProperty("java.home"), "bin", "keytool")
                                            .toString(),
                                    "-genkeypair",
                                    "-alias",
                                    "server",
                                    "-keyalg",
                                    "RSA",
                                    "-keysize",
                                    "2048",
                                    "-validity",
                                    "2",
                                    "-dname",
                                    "CN=127.0.0.1, O=Tributary test " + name,
                                    "-ext",
                                    "san=ip:127.0.0.1,dns:localhost",
                                    "-storetype",
                                    "PKCS12",
                                    "-keystore",
                                    store.toString(),
                                    "-storepass",
                                    new String(pass))
                            .redirectErrorStream(true)
                            .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, pass);
            }
            Key key = ks.getKey("server", pass);
            Certificate cert = ks.getCertificate("server");
            Path crt = dir.resolve(name + ".crt");
            Path keyFile = dir.resolve(name + ".key");
            Files.writeString(crt, pem("CERTIFICATE", cert.getEncoded()));
            Files.deleteIfExists(keyFile);
            Files.createFile(
                    keyFile,
                    PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
            Files.delete(store);
            return new SelfSignedCertificate(crt, keyFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
