package io.tributary.embedded.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.junit.jupiter.api.Test;

/**
 * The embedded S3 server hides a name ending in a UUID (S3Proxy's upload in flight) while it is
 * young, and lists it once it has stayed: a file that is really named so shows late, never not.
 */
class AwsCompatibleBlobStoreTest {

    private static List<String> names(BlobStore store) {
        return store.list("b").stream().map(StorageMetadata::getName).sorted().toList();
    }

    @Test
    void aUuidSuffixedNameIsHiddenWhileYoungThenListed() throws Exception {
        try (BlobStoreContext context =
                ContextBuilder.newBuilder("transient").build(BlobStoreContext.class)) {
            BlobStore raw = context.getBlobStore();
            raw.createContainerInLocation(null, "b");
            String inFlight = "part-0.json-3465dce0-76de-4d21-b8c5-b5b7a5f527b2";
            raw.putBlob("b", raw.blobBuilder("part-0.json").payload("{}").build());
            raw.putBlob("b", raw.blobBuilder(inFlight).payload("{}").build());
            BlobStore store = new AwsCompatibleBlobStore(raw, null, 1_500);

            assertThat(names(store)).containsExactly("part-0.json");
            Thread.sleep(2_000);
            assertThat(names(store)).containsExactly("part-0.json", inFlight);
        }
    }
}
