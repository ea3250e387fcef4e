package io.tributary.embedded.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.domain.internal.PageSetImpl;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;

/**
 * S3Proxy's filesystem store writes an object to {@code <key>-<uuid>} beside its key and moves it
 * into place when the upload ends, and lists such files meanwhile: a reader could see an object
 * that is half written and gone a moment later. S3 itself never lists an upload in flight, so the
 * embedded server hides such names while they are young (10 s): an object that really is named
 * {@code <something>-<uuid>} (Kinesis Firehose names its files so) shows up 10 s late, not never.
 */
public final class CommittedObjectsOnly extends ForwardingBlobStore {

    private static final long YOUNG_MILLIS = 10_000;

    private final long youngMillis;

    private static final Pattern IN_FLIGHT =
            Pattern.compile(".*-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    public CommittedObjectsOnly(BlobStore delegate) {
        this(delegate, YOUNG_MILLIS);
    }

    CommittedObjectsOnly(BlobStore delegate, long youngMillis) {
        super(delegate);
        this.youngMillis = youngMillis;
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container) {
        return committed(super.list(container));
    }

    @Override
    public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
        return committed(super.list(container, options));
    }

    private PageSet<? extends StorageMetadata> committed(PageSet<? extends StorageMetadata> page) {
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
        return kept.size() == page.size() ? page : new PageSetImpl<>(kept, page.getNextMarker());
    }
}
