package io.tributary.embedded.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded S3 server's store, mended where S3Proxy 2.6's filesystem store answers otherwise
 * than S3, so the AWS CLI and SDKs work against it unchanged:
 *
 * <ul>
 *   <li>Uploads in flight are not listed. The store writes an object to {@code <key>-<uuid>} beside
 *       its key and moves it into place when the upload ends; such names are hidden while they are
 *       young (10 s): an object that really is named so (Kinesis Firehose names its files so) shows
 *       up 10 s late, not never.
 *   <li>Continuation tokens are opaque and URL-safe. S3Proxy hands the next key back as the token
 *       and URL-encodes it when the client asked for {@code encoding-type=url} (the AWS CLI always
 *       does); the client sends the encoded text back, which sorts before the page it ended, and
 *       the listing starts over ("The same next token was received twice"). A token here is the key
 *       in base64url, which no URL encoding changes.
 *   <li>A multipart object is listed (and HEAD/GET) with the ETag its completion returned ({@code
 *       "<md5 of part md5s>-<parts>"}), as S3 does, not the MD5 of its bytes.
 * </ul>
 */
public final class AwsCompatibleBlobStore extends ForwardingBlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(AwsCompatibleBlobStore.class);
    private static final long YOUNG_MILLIS = 10_000;
    private static final Pattern IN_FLIGHT =
            Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    /** Tokens start so; what follows is the key in base64url without padding. */
    static final String TOKEN_PREFIX = "tributary.next.";

    /** The attribute S3Proxy's filesystem store keeps an object's ETag in (a string if not MD5). */
    private static final String ETAG_ATTRIBUTE = "user.content-md5";

    private final long youngMillis;
    private final Path baseDir;

    /** {@code baseDir}: the filesystem store's base folder (null: a store not on files). */
    public AwsCompatibleBlobStore(BlobStore delegate, Path baseDir) {
        this(delegate, baseDir, YOUNG_MILLIS);
    }

    AwsCompatibleBlobStore(BlobStore delegate, Path baseDir, long youngMillis) {
        super(delegate);
        this.baseDir = baseDir;
        this.youngMillis = youngMillis;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
        return page(super.list(container));
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        String marker = options.getMarker();
        if (marker != null) {
            options.afterMarker(keyOf(marker));
        }
        return page(super.list(container, options));
    }

    @Override
    public String completeMultipartUpload(MultipartUpload mpu, List<MultipartPart> parts) {
        String etag = super.completeMultipartUpload(mpu, parts);
        if (baseDir != null && etag != null) {
            Path file = baseDir.resolve(mpu.containerName()).resolve(mpu.blobName());
            try {
                UserDefinedFileAttributeView view =
                        Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
                if (view != null) {
                    view.write(
                            ETAG_ATTRIBUTE,
                            ByteBuffer.wrap(etag.getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException | UnsupportedOperationException e) {
                LOG.warn("Could not keep the multipart ETag of {}: {}", file, e.toString());
            }
        }
        return etag;
    }

    /** The token a listing hands out for the key it ended after. */
    static String tokenOf(String key) {
        return TOKEN_PREFIX
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** The key a marker names: a token of ours decoded, else the marker itself (a real key). */
    static String keyOf(String marker) {
        if (marker.startsWith(TOKEN_PREFIX)) {
            try {
                return new String(
                        Base64.getUrlDecoder().decode(marker.substring(TOKEN_PREFIX.length())),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return marker; // a key that only looks like a token
            }
        }
        return marker;
    }

    private PageSet<? extends StorageMetadata> page(PageSet<? extends StorageMetadata> page) {
        List<StorageMetadata> kept = new ArrayList<>(page.size());
        long now = System.currentTimeMillis();
        for (StorageMetadata m : page) {
            boolean inFlight =
                    m.getName() != null
                            && IN_FLIGHT.matcher(m.getName()).matches()
                            && (m.getLastModified() == null
                                    || now - m.getLastModified().getTime() < youngMillis);
            if (!inFlight) {
                kept.add(m);
            }
        }
        String next = page.getNextMarker();
        return new PageSetImpl<>(kept, next == null ? null : tokenOf(next));
    }
}
