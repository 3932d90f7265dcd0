package dev.lifeboat.agent.s3;

import java.time.Instant;

/** An object in a listing: its full key inside the bucket, its size and when it was written. */
public record StoredObject(String key, long size, Instant lastModified) {}
