package io.tributary.objectstore;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Files under a local folder ({@code file:///...}), the same way as objects under an S3 prefix. */
final class LocalObjectStore implements ObjectStore {

    private final Path root;
    private final String location;

    LocalObjectStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        String uri = this.root.toUri().toString();
        this.location = uri.endsWith("/") ? uri : uri + "/";
    }

    @Override
    public String location() {
        return location;
    }

    /**
     * A URI: the key's segments escaped ({@code sp ace/} is {@code sp%20ace/}), as locations are.
     */
    @Override
    public String uri(String key) {
        try {
            String path = new URI(null, null, "/" + key, null).getRawPath();
            return location + path.substring(1);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Cannot make a URI of the file " + key, e);
        }
    }

    @Override
    public void list(String startAfter, Consumer<ObjectInfo> sink) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException(root + " is not a folder");
        }
        List<ObjectInfo> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                if (a.isRegularFile()) {
                    String key = root.relativize(p).toString().replace('\\', '/');
                    if (startAfter != null && key.compareTo(startAfter) <= 0) {
                        continue;
                    }
                    found.add(new ObjectInfo(key, a.size(), a.lastModifiedTime().toInstant()));
                }
            }
        }
        found.sort(Comparator.comparing(ObjectInfo::key));
        found.forEach(sink);
    }

    @Override
    public InputStream open(String key, long maxBytes) throws IOException {
        return Files.newInputStream(root.resolve(key));
    }

    @Override
    public InputStream openAt(String key, long offset) throws IOException {
        InputStream in = Files.newInputStream(root.resolve(key));
        in.skipNBytes(offset);
        return in;
    }

    @Override
    public void write(String key, byte[] data) throws IOException {
        Path target = root.resolve(key);
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, data);
        Files.move(
                tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(root.resolve(key));
    }

    @Override
    public byte[] read(String key, long offset, int length) throws IOException {
        try (FileChannel ch = FileChannel.open(root.resolve(key), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining()) {
                if (ch.read(buf, offset + buf.position()) < 0) {
                    break;
                }
            }
            byte[] out = new byte[buf.position()];
            buf.flip().get(out);
            return out;
        }
    }

    @Override
    public void close() {}
}
