package io.tributary.objectstore;

import java.time.Instant;

/** One object (file) under a crawl location: its key relative to the location, size and mtime. */
public record ObjectInfo(String key, long size, Instant lastModified) {}
